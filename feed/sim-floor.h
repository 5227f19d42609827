/*
 * sim-floor.h: the contact centre the simulator runs: its queues, teams and
 * agents, each with what the config cannot say (handle times, overflow,
 * shifts), taken from a config or from a built-in floor.
 */
#ifndef WALLBOARD_SIM_FLOOR_H
#define WALLBOARD_SIM_FLOOR_H

#include <stddef.h>
#include <stdint.h>

struct config;

struct sim_queue {
	char *name;
	double talk_s;            /* mean talk time */
	double wrap_s;            /* mean wrap-up time */
	int overflow_to;          /* a queue index, or -1 */
	int64_t overflow_after_ms;
	int64_t timeout_ms;       /* a call waiting this long goes to voicemail */
};

struct sim_agent {
	char *id;
	char *name;
	char *team;               /* NULL when in no team */
	int *queues;              /* indices into the floor's queues */
	size_t n_queues;
	int shift_start_min;      /* local minutes after midnight */
	int shift_len_min;
};

struct sim_floor {
	char *timezone;           /* IANA zone the day's shape follows */
	struct sim_queue *queues;
	size_t n_queues;
	struct sim_agent *agents;
	size_t n_agents;
};

/*
 * The floor of a config: its queues, and its agents (those under agents:
 * and those only a team lists), serving their own queues, else their team's,
 * else all. n_agents > 0 trims the agents to that many or adds generated
 * ones; a config without queues gets the built-in ones. Free with
 * sim_floor_free.
 */
struct sim_floor *sim_floor_from_config(const struct config *, int n_agents);

/* Three queues, two teams and n_agents agents (24 when 0). */
struct sim_floor *sim_floor_builtin(int n_agents);

void sim_floor_free(struct sim_floor **);

#endif
