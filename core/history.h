/*
 * history.h: the day cut into intervals, for every scope (issue 19).
 *
 * An interval's figures are, by definition, the rolling window of the same
 * length evaluated at the interval's end (docs/protocol.md §6.13), so a
 * report and a board never disagree. The engine hands over, at every base
 * boundary (every 15 minutes from the start of the local day), each scope's
 * sums of its 15-minute window; those sums are additive (counts, time
 * integrals) or a maximum, so a 30- or 60-minute interval's sums are
 * exactly the sums of its 15-minute parts. One struct kpi_sums per scope
 * and base interval: O(1) memory per interval, at most 100 intervals a day
 * (a 25-hour day), scopes bounded by limits.queues and limits.teams.
 *
 * Today is kept, and the day before it (a report asked just after
 * midnight); an older day is rebuilt by replaying its journal. Pure: times are passed in.
 */
#ifndef WALLBOARD_HISTORY_H
#define WALLBOARD_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kpi.h"

#define HISTORY_BASE_MS (15 * 60 * 1000LL)
/* 25 hours of 15 minutes: the longest local day. */
#define HISTORY_MAX_BASE 100

struct history;

/* An empty history of the day [day_start, day_end). Free with
 * history_free, which accepts NULL and clears the pointer. */
struct history *history_new(int64_t day_start, int64_t day_end);
void history_free(struct history **);

/* Start another day: today becomes the day before when it is the one just
 * before, and the older one is forgotten. */
void history_day(struct history *, int64_t day_start, int64_t day_end);
int64_t history_day_start(const struct history *);
int64_t history_day_end(const struct history *);

/* Keep scope i's sums of its 15-minute window at `end`, a base boundary of
 * a day kept (its start + k * HISTORY_BASE_MS, 0 < k, end <= its end).
 * Others are ignored. Scopes grow as they are named. */
void history_record(struct history *, size_t scope, int64_t end,
    const struct kpi_sums *sums);

/* The day kept that holds time t (today's or the day before's), into
 * start and end; false if neither. */
bool history_day_of(const struct history *, int64_t t, int64_t *start,
    int64_t *end);

/* The latest end recorded today (any scope); 0 if none. */
int64_t history_last_end(const struct history *);

/*
 * The sums of scope i's interval of `length` (a multiple of the base, at
 * most an hour) ending at `end`: the sum of its base parts (max_wait_ms
 * their maximum). False when no part of it was recorded for the scope (it
 * did not exist, or the engine started later).
 */
bool history_sums(const struct history *, size_t scope, int64_t end,
    int64_t length, struct kpi_sums *out);

/* The same for any span of whole base intervals (a day: one row of the
 * day), without history_length_ok's bound. */
bool history_sums_span(const struct history *, size_t scope, int64_t end,
    int64_t length, struct kpi_sums *out);

/*
 * Agents' intervals, kept only by an engine that asks for them
 * (engine_keep_agent_intervals: a day rebuilt for an agent report, never
 * the live engine): per agent and base interval, these numbers, packed as
 * the scopes' slots are. Times are ms within the interval; calls count in
 * the interval they ended in, surveys in the one they came in.
 */
enum history_agent_field {
	HA_HANDLED, HA_TALK_MS, HA_READY_MS, HA_BUSY_MS, HA_WRAP_MS,
	HA_AWAY_MS, HA_RESOLVED, HA_RESOLVED_KNOWN, HA_SURVEYS,
	HA_SURVEY_SUM, HA_SURVEYS_GOOD, HA_COUNT
};
void history_record_agent(struct history *, size_t agent, int64_t end,
    const int64_t v[HA_COUNT]);
/* The sums of agent i's base intervals in (end - length, end] (length a
 * multiple of the base); false when none was recorded. */
bool history_agent_sums(const struct history *, size_t agent, int64_t end,
    int64_t length, int64_t out[HA_COUNT]);

/* Agents ready, on a call or in wrap, on average over an interval. */
double history_staffed_avg(const struct kpi_sums *, int64_t length);

/* Is `length` an interval reports offer (15m, 30m, 60m)? */
bool history_length_ok(int64_t length);

/*
 * The day's abandoned calls (a list, for calling back; docs/history.md):
 * when, which queue, how long the caller waited, the PBX's call id and a
 * 64-bit key of the caller token (strmap_hash; 0: none), never the token's
 * text. At most `max` a day (history_set_abandon_max; 0 keeps none): past
 * it a call is counted in `dropped`, not listed.
 */
struct history_abandon {
	int64_t ts;             /* when the caller hung up */
	int64_t wait_ms;        /* how long they had waited in the queue */
	uint64_t caller;        /* key of the caller token; 0: none */
	size_t scope;           /* the queue's scope index */
	bool short_abandon;     /* within the queue's short_abandon */
	char *call;             /* the PBX's call id */
};

void history_set_abandon_max(struct history *, size_t max);
/* List a call abandoned at ts in the day kept that holds ts (else
 * today's). O(1) amortised: one copy of the call id. */
void history_abandon(struct history *, int64_t ts, size_t scope,
    int64_t wait_ms, const char *call, uint64_t caller, bool short_abandon);
/* The list of the day kept that holds t, oldest first (NULL, 0 if none);
 * *dropped: the calls left off that day. */
const struct history_abandon *history_abandons(const struct history *,
    int64_t t, size_t *n, uint64_t *dropped);
/* Calls left off every list since the start: for status and /metrics. */
uint64_t history_abandons_dropped(const struct history *);

/* Bytes held, for the memory figures. */
size_t history_memory(const struct history *);

#endif
