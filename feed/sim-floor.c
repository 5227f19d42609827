/*
 * sim-floor.c: the simulated floor, from a config or built in.
 *
 * A config names queues, teams and agents but not how long calls last or
 * when people work: those come from a few queue profiles (a support line,
 * a sales line, a billing line) assigned in turn, and from staggered shifts.
 */
#include "sim-floor.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "xalloc.h"

#define SIM_FLOOR_AGENTS 24
#define SIM_FLOOR_SHIFT_MIN (8 * 60 + 30)

/* Talk, wrap, overflow after, timeout (s): what kind of line each is. */
static const struct {
	double talk_s, wrap_s;
	int overflow_after_s, timeout_s;
} sim_floor_profiles[] = {
	{ 300, 35, 0, 300 },       /* support: long calls, no overflow */
	{ 210, 25, 90, 600 },      /* sales: short, overflows after 90 s */
	{ 380, 50, 120, 360 },     /* billing: long wrap-ups */
};
#define SIM_FLOOR_N_PROFILES (sizeof sim_floor_profiles / sizeof sim_floor_profiles[0])

static const char *sim_floor_names[] = {
	"Amira Khan", "Ben Lee", "Chloe Patel", "Dan Okafor", "Eva Novak",
	"Femi Adeyemi", "Grace Chen", "Hugo Martin", "Isla Murphy", "Jonas Berg",
	"Kofi Mensah", "Lena Fischer", "Mo Rahman", "Nina Rossi", "Omar Haddad",
	"Priya Shah", "Quinn Walsh", "Rosa Diaz", "Sam Taylor", "Tomas Silva",
	"Uma Iyer", "Victor Blanc", "Wen Li", "Yusuf Demir", "Zoe Evans",
};
#define SIM_FLOOR_N_NAMES (sizeof sim_floor_names / sizeof sim_floor_names[0])

static void
sim_floor_add_queue(struct sim_floor *f, const char *name)
{
	size_t i = f->n_queues++, p = i % SIM_FLOOR_N_PROFILES;
	struct sim_queue *q;

	f->queues = xrealloc(f->queues, f->n_queues * sizeof *f->queues);
	q = &f->queues[i];
	q->name = xstrdup(name);
	q->talk_s = sim_floor_profiles[p].talk_s;
	q->wrap_s = sim_floor_profiles[p].wrap_s;
	q->overflow_after_ms = sim_floor_profiles[p].overflow_after_s * 1000LL;
	q->timeout_ms = sim_floor_profiles[p].timeout_s * 1000LL;
	q->overflow_to = -1;
}

/* A queue with an overflow time spills into the first queue (sales and
 * billing into support), the first into the last; never into itself. */
static void
sim_floor_link_overflows(struct sim_floor *f)
{
	for (size_t i = 0; i < f->n_queues; i++)
		if (f->queues[i].overflow_after_ms > 0 && f->n_queues > 1)
			f->queues[i].overflow_to = (int)(i == 0 ? f->n_queues - 1 : 0);
}

static int
sim_floor_queue_index(const struct sim_floor *f, const char *name)
{
	for (size_t i = 0; i < f->n_queues; i++)
		if (strcmp(f->queues[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Add an agent; `queues` (names) NULL means every queue. Shifts start from
 * 07:00 to 10:30 in half hours, spread so each team has early and late. */
static struct sim_agent *
sim_floor_add_agent(struct sim_floor *f, const char *id, const char *name,
    const char *team, char *const *queues, size_t n_queues)
{
	size_t k = f->n_agents++;
	struct sim_agent *a;

	f->agents = xrealloc(f->agents, f->n_agents * sizeof *f->agents);
	a = &f->agents[k];
	memset(a, 0, sizeof *a);
	a->id = xstrdup(id);
	a->name = xstrdup(name ? name : sim_floor_names[k % SIM_FLOOR_N_NAMES]);
	a->team = team ? xstrdup(team) : NULL;
	a->queues = xcalloc(f->n_queues, sizeof *a->queues);
	for (size_t i = 0; i < (queues ? n_queues : f->n_queues); i++) {
		int q = queues ? sim_floor_queue_index(f, queues[i]) : (int)i;
		if (q >= 0)
			a->queues[a->n_queues++] = q;
	}
	a->shift_start_min = 7 * 60 + (int)(k * 3 % 8) * 30;
	a->shift_len_min = SIM_FLOOR_SHIFT_MIN;
	return a;
}

static void
sim_floor_generate_agents(struct sim_floor *f, size_t upto, const char *const *teams,
    size_t n_teams)
{
	char id[32];

	while (f->n_agents < upto) {
		snprintf(id, sizeof id, "a%zu", 101 + f->n_agents);
		sim_floor_add_agent(f, id, NULL,
		    n_teams ? teams[f->n_agents % n_teams] : NULL, NULL, 0);
	}
}

static const struct config_team *
sim_floor_team_of(const struct config *c, const char *agent)
{
	for (size_t t = 0; t < c->n_teams; t++)
		for (size_t i = 0; i < c->teams[t].n_agents; i++)
			if (strcmp(c->teams[t].agents[i], agent) == 0)
				return &c->teams[t];
	return NULL;
}

static void
sim_floor_config_agent(struct sim_floor *f, const struct config *c, const char *id)
{
	const struct config_agent *ca = config_find_agent(c, id);
	const struct config_team *team = sim_floor_team_of(c, id);
	const char *team_name = ca && ca->team ? ca->team : team ? team->name : NULL;

	if (team == NULL && team_name != NULL)
		team = config_find_team(c, team_name);
	if (ca != NULL && ca->has_queues)
		sim_floor_add_agent(f, id, ca->name, team_name, ca->queues, ca->n_queues);
	else if (team != NULL && team->has_queues)
		sim_floor_add_agent(f, id, ca ? ca->name : NULL, team_name, team->queues,
		    team->n_queues);
	else
		sim_floor_add_agent(f, id, ca ? ca->name : NULL, team_name, NULL, 0);
}

static bool
sim_floor_has_agent(const struct sim_floor *f, const char *id)
{
	for (size_t i = 0; i < f->n_agents; i++)
		if (strcmp(f->agents[i].id, id) == 0)
			return true;
	return false;
}

static void
sim_floor_agent_free(struct sim_agent *a)
{
	free(a->id);
	free(a->name);
	free(a->team);
	free(a->queues);
}

/* Keep the first n agents only. */
static void
sim_floor_trim(struct sim_floor *f, size_t n)
{
	while (f->n_agents > n)
		sim_floor_agent_free(&f->agents[--f->n_agents]);
}

struct sim_floor *
sim_floor_from_config(const struct config *c, int n_agents)
{
	struct sim_floor *f;
	const char **teams;

	if (c->n_queues == 0) {
		f = sim_floor_builtin(n_agents);
		free(f->timezone);
		f->timezone = xstrdup(c->timezone);
		return f;
	}
	f = xcalloc(1, sizeof *f);
	f->timezone = xstrdup(c->timezone);
	for (size_t i = 0; i < c->n_queues; i++)
		sim_floor_add_queue(f, c->queues[i].name);
	sim_floor_link_overflows(f);
	for (size_t i = 0; i < c->n_agents; i++)
		sim_floor_config_agent(f, c, c->agents[i].id);
	for (size_t t = 0; t < c->n_teams; t++)
		for (size_t i = 0; i < c->teams[t].n_agents; i++)
			if (!sim_floor_has_agent(f, c->teams[t].agents[i]))
				sim_floor_config_agent(f, c, c->teams[t].agents[i]);
	if (n_agents > 0)
		sim_floor_trim(f, (size_t)n_agents);
	teams = xcalloc(c->n_teams + 1, sizeof *teams);
	for (size_t t = 0; t < c->n_teams; t++)
		teams[t] = c->teams[t].name;
	sim_floor_generate_agents(f, n_agents > 0 ? (size_t)n_agents :
	    f->n_agents ? f->n_agents : SIM_FLOOR_AGENTS, teams, c->n_teams);
	free(teams);
	return f;
}

/*
 * The built-in floor: support, sales and billing; a front line of two
 * agents in three answering support and sales, and accounts answering
 * billing with some support.
 */
struct sim_floor *
sim_floor_builtin(int n_agents)
{
	static char *frontline[] = { "support", "sales" }, *accounts[] = { "billing", "support" };
	struct sim_floor *f = xcalloc(1, sizeof *f);
	size_t n = n_agents > 0 ? (size_t)n_agents : SIM_FLOOR_AGENTS;
	char id[32];

	f->timezone = xstrdup("UTC");
	sim_floor_add_queue(f, "support");
	sim_floor_add_queue(f, "sales");
	sim_floor_add_queue(f, "billing");
	sim_floor_link_overflows(f);
	for (size_t k = 0; k < n; k++) {
		bool front = k % 3 != 2;
		snprintf(id, sizeof id, "a%zu", 101 + k);
		/* Every fourth front-line agent is sales only; accounts agents
		 * take support calls too, on alternate ones. */
		sim_floor_add_agent(f, id, NULL, front ? "frontline" : "accounts",
		    front ? frontline + (k % 4 == 3) : accounts,
		    front ? 2 - (k % 4 == 3) : 1 + (k % 2));
	}
	return f;
}

void
sim_floor_free(struct sim_floor **fp)
{
	struct sim_floor *f = *fp;

	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n_queues; i++)
		free(f->queues[i].name);
	for (size_t i = 0; i < f->n_agents; i++)
		sim_floor_agent_free(&f->agents[i]);
	free(f->queues);
	free(f->agents);
	free(f->timezone);
	free(f);
	*fp = NULL;
}
