/*
 * replay-ahead.h: the journal read and its events decoded on a second
 * thread, ahead of the engine.
 *
 * A start-up or a reload replays the day's journal: reading it, checking
 * each record's CRC and decoding each event take some 30 % of the time
 * the engine needs to apply them. A thread does those a batch of records
 * ahead while the caller applies the batch before: the caller's callback
 * sees every record in file order, as journal_replay_since gives them,
 * with each event record already decoded. The result is the same as a
 * replay on one thread; only the time differs.
 */
#ifndef WALLBOARD_REPLAY_AHEAD_H
#define WALLBOARD_REPLAY_AHEAD_H

#include <stdint.h>

#include "event.h"
#include "journal.h"

/* One record: r as journal_replay_since gives it (its payload good during
 * the call only). For an event record (JOURNAL_EVENT or a whole
 * JOURNAL_STREAM_EVENT) `decoded` is true, ev->why says whether it
 * decoded and ev->ev is the event, ev->stream_* its stream position. */
struct replay_ahead_event {
	bool decoded;
	enum event_reject why;
	struct event ev;
	uint64_t stream_seq, stream_pending;
};

typedef void replay_ahead_fn(const struct journal_record *r,
    const struct replay_ahead_event *ev, void *arg);

/* journal_replay_since(dir, INT64_MIN, ...) with every record handed to
 * fn in order, on the calling thread; *res as that gives it. Without a
 * second thread (it could not be started) the same, on one. */
void replay_ahead(const char *dir, replay_ahead_fn *fn, void *arg,
    struct journal_replay_result *res);

#endif
