/*
 * bridge-queuelog.h: Asterisk app_queue's queue_log, line by line, into
 * protocol-v1 events (docs/bridges-asterisk.md has the full mapping).
 *
 * A line is EPOCH|CALLID|QUEUE|AGENT|VERB|data1|data2|... Calls are keyed by
 * (CALLID, QUEUE): a call blind-transferred into another queue is a second
 * visit with its own wait and outcome. Pure: the caller reads the file.
 */
#ifndef WALLBOARD_BRIDGE_QUEUELOG_H
#define WALLBOARD_BRIDGE_QUEUELOG_H

#include <stddef.h>
#include <stdint.h>

#include "bridge-common.h"

struct bridge_queuelog_stats {
	uint64_t lines;             /* lines given, NUL-only fragments included */
	uint64_t mapped;            /* lines that produced at least one event */
	uint64_t ignored;           /* known verbs with no event, other verbs */
	uint64_t config_reloads;    /* CONFIGRELOAD lines (ignored) */
	uint64_t malformed;         /* not EPOCH|CALLID|QUEUE|AGENT|VERB... */
	uint64_t nul_runs;          /* lines holding NUL bytes (a crash) */
	uint64_t restarts;          /* QUEUESTART lines */
	uint64_t wait_mismatch;     /* outcome whose wait field differs from the
	                             * time since ENTERQUEUE (board waits use the
	                             * line times) */
	uint64_t events;            /* events emitted */
};

struct bridge_queuelog;

/* A new mapper hashing caller numbers with secret (copied; NULL: no caller
 * tokens at all), writing events
 * to emit(arg). */
struct bridge_queuelog *bridge_queuelog_new(const struct bridge_secret *secret,
    bridge_emit_fn *emit, void *arg);
/* Free; clears *b. NULL ok. */
void bridge_queuelog_free(struct bridge_queuelog **b);

/* Send later events elsewhere (NULL: map and keep state, send nothing:
 * used to rebuild the state of calls in flight after a restart). */
void bridge_queuelog_set_emit(struct bridge_queuelog *, bridge_emit_fn *emit,
    void *arg);

/*
 * Map one line: len bytes without the newline (a trailing \r is dropped).
 * It may hold NUL bytes: a run of NULs is what a crash leaves, and only the
 * text after the last NUL can be a whole line. Returns the number of events
 * emitted.
 */
int bridge_queuelog_line(struct bridge_queuelog *, const char *line, size_t len);

/*
 * The mapper's state (calls in flight, agents) as one JSON value written
 * into w, and back: a follower saves it with its file position so that a
 * restart carries on exactly where it stopped. restore replaces the state;
 * false if the value is not one that save wrote (the state is then empty).
 */
struct cJSON;
void bridge_queuelog_save(const struct bridge_queuelog *, struct jsonw *w);
bool bridge_queuelog_restore(struct bridge_queuelog *, const struct cJSON *value);

/* Calls waiting or talking now, as the log says. */
size_t bridge_queuelog_visits(const struct bridge_queuelog *);

void bridge_queuelog_stats(const struct bridge_queuelog *,
    struct bridge_queuelog_stats *out);

#endif
