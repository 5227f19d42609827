/*
 * snapshot-read.h: reading a snapshot (PROTOCOL §3) back into a struct, for
 * boards.
 *
 * The reader parses with cJSON and keeps the tree: every string in the view
 * points into it, so nothing is copied per agent. It holds two buffers and
 * swaps them only on success, so a bad document leaves the last good view
 * as it was. Fast enough for 500-agent snapshots at 10 a second (see
 * bench/bench-board.c).
 */
#ifndef WALLBOARD_SNAPSHOT_READ_H
#define WALLBOARD_SNAPSHOT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "metric.h"

/* One window of a scope: figures by enum metric_id; null when the
 * snapshot said null or did not say. */
struct snapshot_window {
	const char *name;               /* "15m", "today" */
	double value[M_WINDOWED_COUNT];
	bool null[M_WINDOWED_COUNT];
};

/* A scope's "trend" (docs/protocol.md §6.14): the day's last intervals. */
enum snapshot_trend_figure {
	TREND_SERVICE_LEVEL, TREND_OFFERED, TREND_ASA_MS, TREND_ABANDON_RATE,
	TREND_FIGURES
};
#define SNAPSHOT_TREND_MAX 16

struct snapshot_trend {
	size_t n;                       /* 0: none (absent or unreadable) */
	int64_t interval_ms, end;
	double value[TREND_FIGURES][SNAPSHOT_TREND_MAX];
	bool null[TREND_FIGURES][SNAPSHOT_TREND_MAX];
};

struct snapshot_scope {
	const char *key;                /* "queue:support" */
	const char *label;              /* NULL when absent */
	double sl_target;               /* 0 when absent */
	int64_t sl_threshold_ms;
	bool waiting_known;             /* false: null (a team without queues) */
	int64_t waiting;
	int64_t longest_wait_ms;
	int64_t agents[AGENT_STATE_COUNT + 1]; /* by state; then staffed */
	struct snapshot_window *windows;
	size_t n_windows;
	/* Freshness; an older daemon's snapshot lacks these. */
	const char *const *feeds;       /* the feeds its figures depend on */
	size_t n_feeds;
	bool has_stale;                 /* the snapshot said "stale" */
	bool stale;                     /* one of those feeds is stale */
	bool has_last_event;            /* false: null or absent */
	int64_t last_event;             /* newest event counted, ms */
	struct snapshot_trend trend;
};

struct snapshot_agent {
	const char *id;
	const char *name;               /* NULL when absent */
	const char *team;               /* NULL when absent */
	const char *reason;             /* NULL when absent */
	enum agent_state state;
	int64_t since;                  /* ms since the epoch */
	int64_t handled_today;
	const char *const *queues;      /* when the snapshot lists them */
	size_t n_queues;
	bool has_queues;
	const char *feed;               /* the feed that last reported it;
	                                 * NULL: null or absent */
	bool stale;                     /* that feed is stale */
};

enum snapshot_alert_state {
	SNAPSHOT_ALERT_PENDING, SNAPSHOT_ALERT_FIRING, SNAPSHOT_ALERT_RESOLVED
};

struct snapshot_alert {
	const char *id;
	const char *scope;
	const char *text;               /* "" when absent */
	const char *acked_by;           /* NULL: not acked */
	enum alert_severity severity;
	enum snapshot_alert_state state;
	int64_t since;
	int64_t short_id;               /* "#14" (wallboardctl ack 14); 0:
	                                 * absent or not a number >= 1 */
};

struct snapshot_feed {
	const char *name;
	bool live;
	int64_t last_event;             /* 0 when null */
};

struct snapshot_view {
	int64_t v;
	uint64_t seq;
	int64_t now;                    /* the daemon's clock, ms */
	int64_t day_start;
	const char *site_name;          /* NULL when absent */
	const char *timezone;           /* NULL when absent */
	struct snapshot_scope *scopes;
	size_t n_scopes;
	struct snapshot_agent *agents;
	size_t n_agents;
	struct snapshot_alert *alerts;
	size_t n_alerts;
	struct snapshot_feed *feeds;
	size_t n_feeds;
	bool has_message;               /* message was an object with text */
	const char *message_text;
	const char *message_from;       /* NULL when absent */
	int64_t message_until;
	/* "ok", "failing" (it cannot be written: a restart would lose what
	 * is not), "damaged" (the day rests on a journal that lost records);
	 * NULL when absent */
	const char *journal;
};

struct snapshot_reader;

/* A reader with no view yet. Free with snapshot_reader_free. */
struct snapshot_reader *snapshot_reader_new(void);
/* Free a reader (and its views); clears the caller's pointer. Accepts NULL. */
void snapshot_reader_free(struct snapshot_reader **);

/*
 * Read one snapshot document of len bytes. Returns the new view, owned by
 * the reader and valid until the next successful read; or NULL with a
 * sentence in err, the last good view untouched. A document must be an
 * object with "v": 1 and "now"; every other key is optional, and unknown
 * keys are ignored (PROTOCOL §6 may add some).
 */
const struct snapshot_view *snapshot_read(struct snapshot_reader *,
    const char *json, size_t len, char *err, size_t errlen);

/* The last good view, or NULL before the first. */
const struct snapshot_view *snapshot_reader_view(const struct snapshot_reader *);

/* The scope with this key, or NULL. Linear: boards show tens of scopes. */
const struct snapshot_scope *snapshot_find_scope(const struct snapshot_view *,
    const char *key);

/* The window called name of a scope, or NULL. */
const struct snapshot_window *snapshot_find_window(
    const struct snapshot_scope *, const char *name);

#endif
