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
/* What a report lists: the day by interval (§6.13), or the day's
 * abandoned calls (docs/history.md). */
enum report_kind { REPORT_INTERVALS, REPORT_ABANDONED, REPORT_AGENTS };
/* interval_ms of an agent report with one row per agent for the day. */
#define REPORT_INTERVAL_DAY (-1)

struct report_request {
	int64_t interval_ms;    /* 15, 30 or 60 minutes (history_length_ok) */
	int64_t until;          /* rows of intervals ending at or before it */
	char *const *scopes;    /* scope patterns (config_scope_match); */
	size_t n_scopes;        /* none: every scope */
	enum report_format format;
	enum report_kind kind;
	size_t max_rows;        /* 0: no limit */
	bool truncated;         /* set when rows were left off */
	uint64_t dropped;       /* abandoned: the day's calls the list left
	                         * off (history.max_abandoned) */
	const char *team;       /* agents: those of this team (a pattern,
	                         * "billing" or "b*"); NULL: scopes decide */
	int64_t as_of;          /* agents: the rebuilt day's clock, set */
	int64_t (*mono_ms)(void); /* the caller's monotonic clock, for a day
	                         * rebuilt (history.rebuild_every); NULL: no
	                         * limit (core/ reads no clock) */
};

/* A growable text buffer; free buf with free(). */
struct report_text {
	char *buf;
	size_t len, cap;
};

/* Append the rows of the day kept that holds until - 1 (CSV: a header row
 * first) to *out, NUL-terminated: its intervals, or (kind
 * REPORT_ABANDONED) its abandoned calls up to until, oldest first:
 * {"ts","queued","queue","waited_ms","short","call","caller",
 * "caller_abandons"}, where caller is the caller's number in that day's
 * list (1, 2, ... by first abandon; null without a caller token), never
 * the token. */
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
/* The same for any kind; rq's interval, until, format, kind, scopes and
 * max_rows as asked (until: 0, now), its truncated and dropped set. */
bool report_answer_kind(struct engine *, const char *day, const char *interval,
    struct report_request *rq, struct report_text *out, char *err,
    size_t errlen);
/*
 * As report_answer_kind, for any day whose journal is kept: a day the
 * engine does not keep (before yesterday) is rebuilt from its journal file
 * (report_rebuild_day) and kept for the next report of that day. Blocks
 * while it replays: the file's size is bounded by
 * history.rebuild_max_bytes, and a day other than the one kept is rebuilt
 * at most once per history.rebuild_every (sooner: false, "busy: ... try
 * again in N s").
 */
bool report_answer_any_day(struct engine *, const char *day,
    const char *interval, struct report_request *rq, struct report_text *out,
    char *err, size_t errlen);
/* Days rebuilt for reports, since the daemon began. */
struct report_day_stats {
	uint64_t rebuilt;       /* days replayed from their journal */
	uint64_t kept;          /* reports answered from the day kept */
	uint64_t refused;       /* asked sooner than history.rebuild_every */
	int64_t last_ms;        /* how long the last rebuild took */
	uint64_t bytes;         /* the last rebuilt day's journal file */
};
void report_day_stats(struct report_day_stats *);
/* Drop the day kept (it points at its config): before that config is
 * freed (a reload) and at exit. */
void report_day_forget(void);
/* An engine of the day "YYYY-MM-DD" rebuilt from its journal file
 * (state_dir or state_dir/history), its clock past the day's end; NULL
 * with a sentence in err (no file, too big). Free with engine_free. */
struct engine *report_rebuild_day(const struct config *, const char *day,
    char *err, size_t errlen);
/* A time inside the local day "YYYY-MM-DD" (its noon); false if not a date. */
bool report_day_time(const struct config *, const char *day, int64_t *t);

/*
 * Kind REPORT_AGENTS (docs/history.md "Individual figures"): one row per
 * agent (scopes "agent:ID" patterns, or rq->team; neither: every agent)
 * per interval, or for the day (interval "day"), of a day rebuilt from
 * its journal (today too), with the team's figures and the targets:
 * {"scope","agent","name","team","start","end","as_of","handled",
 * "talk_ms","wrap_ms","aht_ms","ready_ms","busy_ms","away_ms",
 * "occupancy","fcr","csat","csat_avg","surveys","team_aht_ms",
 * "team_occupancy","team_fcr","team_csat","target_aht_ms",
 * "target_occupancy","target_fcr","target_csat"}. Does the request ask
 * for agents (a scope "agent:...", or a team)? Then its kind is set so.
 */
bool report_wants_agents(struct report_request *);

/* "intervals", "abandoned" or "agents" (NULL or "": intervals); false
 * otherwise. */
bool report_parse_kind(const char *s, enum report_kind *kind);

/* "15m", "30m", "60m" (or "1h") into ms, "day" into REPORT_INTERVAL_DAY
 * (agents only); false for anything else. */
bool report_parse_interval(const char *s, int64_t *ms);

#endif
