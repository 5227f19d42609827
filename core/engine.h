/*
 * core/ is the pure figures: events decoded, the config, the KPI engine and
 * its windows, alerts, Erlang, time zones, the journal's format, snapshots
 * written and read, small containers. No sockets, no clock, no curses: time
 * is passed in, and unit tests link libcore.a alone. It uses nothing of ours
 * (docs/architecture.md).
 *
 * engine.h: the KPI engine. Events in, figures out (PROTOCOL §2).
 *
 * The engine owns calls, agents, scopes (all, queue:*, team:*) and feeds, and
 * applies decoded events to them. It reads no clock: its time moves with the
 * events it is given (an event is applied at max(ts, clock)) and with
 * engine_advance. Every figure is worked out from kpi_sets (kpi.h), so the
 * cost of an event does not grow with the number of events held.
 */
#ifndef WALLBOARD_ENGINE_H
#define WALLBOARD_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "kpi.h"

struct engine;

enum engine_result {
	ENGINE_APPLIED,
	ENGINE_DUPLICATE,       /* seq not above the feed's last: skipped */
	ENGINE_ORPHAN,          /* about a call never seen queued: no figure changed */
	ENGINE_IGNORED,         /* unknown type */
	ENGINE_REFUSED,         /* it would make a name past a limit: not
	                         * applied (engine_limit_info) */
};

/* What the feeds may make the engine hold (config limits:, §6.9). */
enum engine_limit {
	LIMIT_FEEDS,            /* feed names (src) */
	LIMIT_AGENTS,
	LIMIT_QUEUES,
	LIMIT_TEAMS,
	LIMIT_CALLS,            /* calls in flight: waiting or talking */
	LIMIT_ENDED,            /* ended calls remembered for surveys (an hour) */
	LIMIT_CALLERS,          /* callers remembered for repeat contacts */
	LIMIT_ENTRIES,          /* entries the windows hold (events x scopes
	                         * over the longest window) */
	LIMIT_COUNT
};

struct engine_limit_info {
	const char *name;       /* "agents", "ended calls" ... */
	const char *key;        /* the same as one word: "ended_calls" */
	const char *config_key; /* what sets it: "limits.calls" */
	int64_t held, limit;
	int64_t refused;        /* events refused (LIMIT_ENDED, LIMIT_CALLERS:
	                         * names not remembered) since the engine began */
	int64_t last_refused;   /* engine time of the latest; 0 if none */
};

enum scope_kind { SCOPE_ALL, SCOPE_QUEUE, SCOPE_TEAM };

/* What a board needs to know about a scope besides its figures. */
struct scope_info {
	enum scope_kind kind;
	const char *key;        /* "all", "queue:support", "team:billing" */
	const char *name;       /* "all", "support", "billing" */
	const char *label;
	const struct queue_settings *settings; /* queue's own; defaults otherwise */
	bool queue_outcomes_known; /* false: a team without configured queues */
	bool site_feeds;        /* it rests on every feed heard from: all,
	                         * and a scope no event has named yet */
	int64_t last_event;     /* engine time of the newest event counted in
	                         * it; with site_feeds, the newest of any feed;
	                         * 0 if none */
};

struct scope_now {
	bool waiting_known;     /* false: team without queues (null) */
	int64_t waiting;
	int64_t longest_wait_ms;
	int64_t agents[AGENT_STATE_COUNT];
	int64_t staffed;
};

struct agent_info {
	const char *id;
	const char *name;       /* NULL if never given */
	const char *team;       /* NULL if none */
	enum agent_state state;
	int64_t since;
	const char *reason;     /* NULL if none */
	int64_t handled_today;
	size_t n_queues;        /* the queues it serves: engine_agent_queue */
	long feed;              /* the feed that last reported it, as an index
	                         * for engine_feed_info; -1 if none */
};

struct feed_info {
	const char *name;
	int64_t last_event;     /* engine time of the last event; 0 if none */
	int64_t events, gaps, duplicates, restarts, rejected, orphans, ignored, lost;
	int64_t refused;        /* events that would pass a limit (§6.9) */
};

/* A new engine for `config` (borrowed: it must outlive the engine; a reload
 * builds a new engine from the journal), clock at `now`. Free with
 * engine_free. */
struct engine *engine_new(const struct config *config, int64_t now);
void engine_free(struct engine **engine);

/* Apply one valid event. */
enum engine_result engine_apply(struct engine *, const struct event *ev);

/* Count a rejected event against its feed (src may be NULL: unreadable). A
 * readable seq still moves the feed's sequence on, so the event is counted
 * once, as rejected, and not again as a gap. */
void engine_reject(struct engine *, const char *src, bool has_seq, int64_t seq);

/* Move the clock to now (never backwards). */
void engine_advance(struct engine *, int64_t now);
int64_t engine_now(const struct engine *);
int64_t engine_day_start(const struct engine *);
const struct config *engine_config(const struct engine *);

/* Scopes, in board order: all, queues, teams. Reading figures brings the
 * scope's windows up to the engine's clock, hence not const. */
size_t engine_scope_count(const struct engine *);
void engine_scope_info(const struct engine *, size_t i, struct scope_info *out);
void engine_scope_now(const struct engine *, size_t i, struct scope_now *out);
/* Window w of scope i: 0 .. n_windows-1 as configured, n_windows = today. */
void engine_scope_figures(struct engine *, size_t i, size_t w, struct kpi_figures *out);
/* A stamp of what window w of scope i counts (every figure but those of
 * agents' time: occupancy, wrap, AHT), after engine_scope_figures; while
 * engine_scope_counts_same holds, those figures read the same now. */
uint64_t engine_scope_counts_stamp(const struct engine *, size_t i, size_t w);
bool engine_scope_counts_same(const struct engine *, size_t i, size_t w,
    uint64_t stamp);
/* Bring window w's far edge up to now as engine_scope_figures would,
 * reading nothing (for a figure kept: so that when the window next moves,
 * engine_scope_window_moves, is seen from where it is). */
void engine_scope_slide(struct engine *, size_t i, size_t w);
/* The day's intervals (core/history.h), kept at every 15-minute boundary
 * the clock passes; borrowed. */
struct history;
const struct history *engine_history(const struct engine *);
/* Keep agents' base intervals in the history too (history_agent_sums),
 * from now on: for a day rebuilt for an agent report (core/report-day.c),
 * right after engine_new. The live engine never does (docs/history.md
 * "Individual figures"). */
void engine_keep_agent_intervals(struct engine *);
/* The figures of scope i from sums (history_sums'), with the scope's own
 * formula, as engine_scope_figures works them out from its windows. */
void engine_scope_figures_of(const struct engine *, size_t i,
    const struct kpi_sums *sums, struct kpi_figures *out);
/* Agents the scope needs now to meet its SL target (Erlang C, or Erlang A
 * when the last hour had abandons): queues from the last 15 minutes'
 * arrivals and the last hour's handle time; all and teams sum their queues.
 * False when unknown (no handled call yet to learn the handle time). */
bool engine_scope_agents_needed(struct engine *, size_t i, int64_t *needed);
/* For a queue: its agents staffed (scope_now's), and whether they are
 * fewer than it needs with the need known (staffed <
 * engine_scope_agents_needed's figure), worked out with one Erlang
 * evaluation at most, so an alert can judge every queue cheaply. False, and
 * nothing set, for scopes that are not queues. */
bool engine_scope_short_of_staff(struct engine *, size_t i, int64_t *staffed,
    bool *short_of_staff);

/*
 * What the alerts need to judge only what may have changed. Events change
 * scopes (engine_take_changed lists them); the clock alone changes a
 * scope's figures only where entries leave a window, where agents' time in
 * states is being summed, and while calls wait. Each *_moves gives the
 * engine time from which a reading may differ from the one taken now:
 * the engine's now (or earlier) for one that moves all the time, INT64_MAX
 * for one that waits for an event. Early answers are safe (a scope judged
 * with nothing changed reads the same), late ones would not be.
 */
/* The scopes events changed since the last call, each once: their indices
 * in *out (valid until the next event is applied). Forgets them. */
size_t engine_take_changed(struct engine *, const size_t **out);
/* Window w of scope i (n_windows: today); timed: the figure sums agents'
 * time in states (occupancy, wrap, AHT). */
int64_t engine_scope_window_moves(struct engine *, size_t i, size_t w, bool timed);
/* A queue's staffing (engine_scope_short_of_staff, agents_needed). */
int64_t engine_scope_staffing_moves(struct engine *, size_t i);
/* Is agent i in a scope pattern's agents: "all", its team ("team:b*"), or
 * one of the queues it serves ("queue:support")? */
bool engine_agent_matches(const struct engine *, size_t i, const char *pattern);
/* The scope with this key, or -1. */
long engine_scope_find(const struct engine *, const char *key);

size_t engine_agent_count(const struct engine *);
void engine_agent_info(const struct engine *, size_t i, struct agent_info *out);
/* The name of the k-th queue agent i serves (k < its n_queues). */
const char *engine_agent_queue(const struct engine *, size_t i, size_t k);

size_t engine_feed_count(const struct engine *);
void engine_feed_info(const struct engine *, size_t i, struct feed_info *out);
/* A feed heard from and silent for stale_after as of now: its state is
 * "stale" (docs/protocol.md §6.4). The one reading of it, for the engine,
 * the alerts and whatever asks the daemon. */
bool feed_silent(const struct feed_info *, int64_t now, int64_t stale_after_ms);
/* Feed f has been heard from and silent for feeds.stale_after. O(1). */
bool engine_feed_stale(const struct engine *, size_t f);
size_t engine_feeds_stale_count(const struct engine *);
/* The feeds heard from, longest silent first (so the stale ones lead), at
 * most cap of them. O(cap). */
size_t engine_heard_feeds(const struct engine *, size_t *out, size_t cap);
/* Feeds heard from (an event, not only rejects). */
size_t engine_feeds_heard(const struct engine *);
/* How many feeds are silent at now (or the engine's clock, if later), and
 * the first cap of them, longest silent first, in out. O(cap + feeds that
 * went quiet since the engine's clock last moved). */
size_t engine_silent_feeds(const struct engine *, int64_t now, size_t *out,
    size_t cap);
/* When the next feed turns stale, if no event comes; INT64_MAX: none. */
int64_t engine_next_stale(const struct engine *);
/*
 * For watchers: every change of a feed (a counter, its freshness) counts
 * one. engine_feeds_changed calls fn for each feed changed since the count
 * was `since`, newest first: O(feeds changed), however many there are.
 */
uint64_t engine_feed_changes(const struct engine *);
/* Which engine this is, among those the process has made: a watcher of
 * one engine's changes starts over with another. */
uint64_t engine_serial(const struct engine *);
/* The index of the feed named so, or -1. */
long engine_feed_index(struct engine *, const char *name);
void engine_feeds_changed(const struct engine *, uint64_t since,
    void (*fn)(void *arg, size_t feed), void *arg);

const char *engine_limit_name(enum engine_limit);
void engine_limit_info(const struct engine *, enum engine_limit,
    struct engine_limit_info *out);
/*
 * The feeds whose events scope i counted, as feed indices into out (at most
 * cap; returns how many). None for a scope with site_feeds (scope_info):
 * it rests on every feed heard from.
 */
size_t engine_scope_feeds(const struct engine *, size_t i, size_t *out,
    size_t cap);

/* What the engine holds, for the memory figures (bytes, and counts). */
struct engine_memory {
	size_t windows;         /* every scope's logs and window state */
	size_t log_entries;     /* entries held in the logs */
	size_t live_calls;      /* waiting or talking */
	size_t calls;           /* their bytes */
	size_t recent_calls;    /* ended calls remembered for surveys */
	size_t callers;         /* callers remembered for repeat contacts */
	size_t memories;        /* bytes of those two tables */
	size_t agents;          /* agents' bytes */
	size_t history;         /* the day's intervals (history.h) */
	size_t total;
};

size_t engine_call_count(const struct engine *);
void engine_memory(const struct engine *, struct engine_memory *out);

#endif
