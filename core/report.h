/*
 * report.h: the day's interval rows (issue 19, docs/protocol.md §6.13), as
 * JSON Lines or CSV, from the engine's history. One writer for
 * `wallboardd --replay --report`, `wallboardctl report` and
 * GET /api/v1/report, so the three never differ.
 *
 * A row: {"scope", "start", "end", then every window field of PROTOCOL §2
 * in snapshot order, then "staffed_avg"}. Pure: no clock, no I/O.
 */
#ifndef WALLBOARD_REPORT_H
#define WALLBOARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

enum report_format { REPORT_JSON, REPORT_CSV };

struct report_request {
	int64_t interval_ms;    /* 15, 30 or 60 minutes (history_length_ok) */
	int64_t until;          /* rows of intervals ending at or before it */
	char *const *scopes;    /* scope patterns (config_scope_match); */
	size_t n_scopes;        /* none: every scope */
	enum report_format format;
	size_t max_rows;        /* 0: no limit */
	bool truncated;         /* set when rows were left off */
};

/* A growable text buffer; free buf with free(). */
struct report_text {
	char *buf;
	size_t len, cap;
};

/* Append the rows of the day kept that holds until - 1 (CSV: a header row
 * first) to *out, NUL-terminated. */
void report_write(struct engine *, struct report_request *,
    struct report_text *out);

/*
 * A report as the daemon answers it (control, HTTP): the rows of `day`
 * ("YYYY-MM-DD", local; NULL or "": today) up to now, of `interval` (NULL:
 * history.interval), scopes as in report_request. Only the days the
 * history keeps (today, yesterday) can be answered: false with a sentence
 * in err for another day or a bad argument. At most max_rows rows
 * (*truncated says when more were left off).
 */
bool report_answer(struct engine *, const char *day, const char *interval,
    char *const *scopes, size_t n_scopes, enum report_format format,
    size_t max_rows, struct report_text *out, bool *truncated, char *err,
    size_t errlen);

/* "15m", "30m", "60m" (or "1h") into ms; false for anything else. */
bool report_parse_interval(const char *s, int64_t *ms);

#endif
