/*
 * alert.h: the alert state machine (PROTOCOL §3 "alerts", §4 alert rules).
 *
 * Each configured rule is judged on every engine scope its pattern matches
 * ("all", "queue:*", "team:sup*", "queue:support", ...); built-in alerts
 * watch the feeds. An alert lives pending -> firing -> resolved, each step
 * with its value and a sentence a person understands; docs/alerts.md says
 * exactly when each step happens.
 *
 * Pure, like the engine: no clock reads, no I/O. The caller passes the time
 * in, sets its timer to alerts_next_due(), and publishes when
 * alerts_evaluate() says something changed.
 */
#ifndef WALLBOARD_ALERT_H
#define WALLBOARD_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "jsonw.h"
#include "metric.h"

/* A resolved alert stays in the list this long, then goes. */
#define ALERT_RESOLVED_KEEP_MS (5 * 60 * 1000LL)
/* A feed-gaps or calls-lost alert resolves after this long with no new rise. */
#define ALERT_QUIET_MS (5 * 60 * 1000LL)

/* Built-in rule names; their scope is "feed:<src>". */
#define ALERT_FEED_STALE "feed-stale"
#define ALERT_FEED_GAPS "feed-gaps"
#define ALERT_CALLS_LOST "calls-lost"
#define ALERT_UNDERSTAFFED "understaffed"
/* Names refused at a limit; its scope is "limits:<kind>" (engine.h). */
#define ALERT_LIMIT "limit"
/* The daemon's journal cannot be written (alerts_daemon): "journal/daemon". */
#define ALERT_JOURNAL "journal"
/* An understaffed queue must stay so this long before it fires. */
#define ALERT_UNDERSTAFFED_FOR_MS (60 * 1000LL)

enum alert_state {
	ALERT_NONE,             /* not in the list (transitions only) */
	ALERT_PENDING,
	ALERT_FIRING,
	ALERT_RESOLVED,
};

struct alerts;

/*
 * One alert as the daemon and boards see it. Strings belong to the alerts
 * and stay valid until the next alerts_evaluate, alerts_reconfigure,
 * alerts_ack or alerts_free.
 */
struct alert_info {
	const char *id;         /* "<rule>/<scope key>" */
	const char *rule;
	const char *scope;      /* "queue:support", "feed:pbx1", ... */
	const char *metric;     /* the rule's; built-ins: silence_ms, gaps, lost */
	enum metric_kind kind;  /* the unit of value and threshold */
	const char *window;     /* NULL for figures of now and for built-ins */
	enum alert_severity severity;
	enum alert_state state;
	int64_t since;          /* when this episode's condition first held */
	int64_t fired_at;       /* 0 while pending */
	int64_t resolved_at;    /* 0 unless resolved */
	bool has_value;         /* false: the figure was null */
	double value;           /* as last judged while active (a wait: when it
	                         * last showed another second); frozen once
	                         * resolved */
	double threshold;       /* the level it fires at, on its scope */
	double clear;           /* the level it resolves at */
	const char *text;       /* "Support SL 62% < 75% for 8m" */
	const char *acked_by;   /* NULL when not acknowledged */
	int64_t acked_at;       /* 0 when not acknowledged */
	unsigned short_id;      /* the episode's number today; 0: none */
	bool has_worst;
	double worst;           /* the worst value of the episode */
};

/* A change of state, for the log: from ALERT_NONE means the alert appeared,
 * to ALERT_NONE that it left the list. */
struct alert_transition {
	const char *id;
	enum alert_state from, to;
	enum alert_severity severity;
	const char *text;
};

/*
 * A new, empty alert set for `config` (borrowed: it must outlive the set or
 * be replaced with alerts_reconfigure). Due at once: evaluate it when the
 * engine is ready. Free with alerts_free.
 */
struct alerts *alerts_new(const struct config *config);

/* Free the set and clear the caller's pointer. Accepts NULL. */
void alerts_free(struct alerts **alerts);

/*
 * Swap in a reloaded config (borrowed, as in alerts_new). An alert whose
 * rule still exists by name and whose scope that rule's pattern still
 * matches keeps its state, since and ack (the next evaluation judges it by
 * the new levels; its severity is the new rule's at once); other rule alerts
 * are dropped and reported as transitions. Built-in alerts are kept. The set
 * is then due at once.
 */
void alerts_reconfigure(struct alerts *, const struct config *new_config);

/*
 * Move the engine's clock to now (never back) and judge every rule on every
 * scope it matches, and the built-in alerts on every feed. Returns true if
 * the list changed in a way a board should see at once: an alert appeared,
 * changed state or left, a built-in counter rose again, or an ack or a
 * reconfigure happened since the previous evaluation. A value that merely
 * moved returns false (it goes out with the next snapshot).
 */
bool alerts_evaluate(struct alerts *, struct engine *, int64_t now);

/*
 * The daemon's own trouble, in a sentence ("Journal cannot be written (No
 * space left on device) since 10:02: a restart would lose today"), or NULL
 * once it is over: a critical alert "journal/daemon" fires at the next
 * alerts_evaluate and resolves when it is over. Not judged from the engine,
 * so a replay never brings it back.
 */
void alerts_daemon(struct alerts *, const char *text);

/*
 * Judge the alerts as the live daemon would while a recorded stretch of
 * time is applied (--replay, the journal at start): alerts_follow_until
 * before applying what happens at t (every time one falls due up to t),
 * alerts_follow_after once it is applied (again if a second of engine time
 * has passed: the live daemon judges with every snapshot, at least every
 * heartbeat). *evaluated is the last time judged; start it at INT64_MIN.
 */
void alerts_follow_until(struct alerts *, struct engine *, int64_t t,
    int64_t *evaluated);
void alerts_follow_after(struct alerts *, struct engine *, int64_t *evaluated);

/*
 * The earliest time at which an alert would change by the clock alone: a
 * pending alert firing, a resolved alert leaving the list, a feed going
 * stale, a counter alert going quiet, a waiting call growing past a
 * longest_wait_ms limit. INT64_MAX if none; 0 (due at once) before the first
 * evaluation and after alerts_reconfigure. Windows sliding are not foreseen:
 * the daemon also evaluates with every snapshot it publishes.
 */
int64_t alerts_next_due(const struct alerts *);

/*
 * Acknowledge the pending or firing alert `id` for `by` (copied; NULL reads
 * as "unknown"). The ack sticks to the episode until it resolves; a later
 * ack replaces an earlier one. Returns 0, or -1 if no such alert is pending
 * or firing (a resolved alert cannot be acked).
 */
int alerts_ack(struct alerts *, const char *id, const char *by, int64_t now);

/* The alerts in list order: firing, pending, resolved; critical first
 * within each; then oldest since; then id. */
size_t alerts_count(const struct alerts *);
void alerts_get(const struct alerts *, size_t i, struct alert_info *out);
/* The index of the alert with this id, or -1. */
long alerts_find(const struct alerts *, const char *id);

/*
 * The day's history: every episode (pending that fired or still may,
 * firing, resolved) since the day started, and those still open from
 * before; newest first. An episode that was pending and never fired is
 * not kept. Each has its short id (its number today, also the list's
 * short_id), its worst value and its last ack.
 */
size_t alerts_history_count(const struct alerts *);
void alerts_history_get(const struct alerts *, size_t i, struct alert_info *out);
uint64_t alerts_history_dropped(const struct alerts *);
/* The history as a JSON array of alert objects, newest first. */
void alerts_write_history(const struct alerts *, struct jsonw *w);
/* The day's alerts as the control socket's {"cmd":"alerts"} and GET
 * /api/v1/alerts answer (w reset first): {"ok":true, "site", "timezone",
 * "now", "day_start", "dropped", "alerts":[...]}. */
void alerts_write_day(const struct alerts *, struct jsonw *w,
    const struct config *, int64_t now, int64_t day_start);

/* The snapshot's "alerts" array (PROTOCOL §3), in list order. */
void alerts_write_json(const struct alerts *, struct jsonw *w);
/* One alert object, as in the array (for the `alert` topic). */
void alerts_write_one(const struct alerts *, size_t i, struct jsonw *w);

/*
 * The transitions not yet superseded: those of any alerts_reconfigure made
 * since the previous evaluation, then those of the latest alerts_evaluate
 * (each of the two forgets what the previous evaluation reported). One per
 * alert and evaluation: an alert that appears and fires at once is
 * NONE -> FIRING.
 */
size_t alerts_transition_count(const struct alerts *);
void alerts_transition(const struct alerts *, size_t i, struct alert_transition *out);

/* "pending", "firing", "resolved"; "none" for ALERT_NONE. */
const char *alert_state_name(enum alert_state);

#endif
