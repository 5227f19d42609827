/*
 * replay.h: `wallboardd --replay`: apply a JSON Lines file of events with
 * the clock driven by event time, then print the snapshot. No socket opened.
 */
#ifndef WALLBOARD_REPLAY_H
#define WALLBOARD_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Replay `path` under `config`; print the snapshot as of `at` (or, when
 * has_at is false, the last applied event's ts) on stdout. Bad lines are
 * reported on stderr as "PATH:LINE: reason" and skipped. With report_ms
 * (15, 30 or 60 minutes; 0: none), print instead the interval rows
 * (core/report.h, JSON Lines, or CSV with csv) of the complete intervals
 * up to that time. Returns the exit
 * status: 0, or 1 when the file cannot be read. */
int replay_run(const struct config *config, const char *path, bool has_at,
    int64_t at, int64_t report_ms, bool csv);

#endif
