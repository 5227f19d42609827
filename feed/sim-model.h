/*
 * sim-model.h: the simulated contact centre, a discrete-event model.
 *
 * Pure: no clock, no I/O. Time is the model's own (ms since the epoch,
 * starting at options.start_ms) and every event it emits carries it, in
 * order, so the same floor, options and seed always give the same stream,
 * byte for byte, however fast it is played.
 *
 * What it models: Poisson arrivals per queue following the staffing plan
 * with mid-morning and after-lunch peaks and occasional surges; callers with
 * exponential patience (some hang up within seconds), queue timeouts and
 * overflow; routing of the highest-priority, longest-waiting call to the
 * longest-idle ready agent who serves the queue; talk, wrap-up, transfers,
 * resolution and surveys; callers who call again; agents' shifts, breaks,
 * lunch and training.
 */
#ifndef WALLBOARD_SIM_MODEL_H
#define WALLBOARD_SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_floor;

struct sim_options {
	int64_t start_ms;         /* the model's time at the start */
	int64_t ts_shift_ms;      /* added to the model's time in what it emits:
	                           * a floor whose own clock differs from the
	                           * real one (sim --floor-clock) */
	uint64_t seed;
	double rate;              /* arrivals scaled by this; 1 by default */
	double load;              /* offered traffic over what the staff was
	                           * planned for (the square-root rule); flat,
	                           * over the agents; 0: default (1, flat 0.85) */
	bool flat;                /* steady state, for checking against queueing
	                           * theory: a constant rate, no surges, the whole
	                           * staff logged in throughout with no breaks,
	                           * exponential handle times, one priority, no
	                           * timeouts, overflows, transfers or callbacks */
	bool abandon;             /* callers hang up when out of patience */
	double patience_s;        /* mean patience; 0: default (150 s) */
	double aht_s;             /* mean talk + wrap for every queue; 0: the
	                           * queue's own */
};

struct sim_stats {
	uint64_t events;
	uint64_t calls;           /* new calls (not overflows or transfers) */
	uint64_t answered, abandoned, timeouts, overflows, transfers;
	uint64_t surveys, logins, breaks;
};

/* Called for every event: one protocol-v1 object, without src and seq. */
typedef void sim_model_emit_fn(int64_t ts, const char *json, size_t len, void *arg);

/* A model of `floor` (which must outlive it). Free with sim_model_free. */
struct sim_model *sim_model_new(const struct sim_floor *floor,
    const struct sim_options *, sim_model_emit_fn *emit, void *arg);
void sim_model_free(struct sim_model **);

/* When the next happening is due (model time). There always is one. */
int64_t sim_model_next(const struct sim_model *);

/* Run the next happening, emitting its events (zero or more). */
void sim_model_step(struct sim_model *);

void sim_model_stats(const struct sim_model *, struct sim_stats *);

#endif
