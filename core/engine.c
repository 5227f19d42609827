/*
 * engine.c: calls, agents, scopes and feeds, and the events that move them.
 *
 * Each happening becomes an entry in the kpi_set of every scope it counts
 * for: a queue outcome in its queue, the teams configured with that queue,
 * and all; a handled call in its queue, its agent's team, and all; an agent's
 * state change in every scope the agent belongs to. See docs/protocol.md §6
 * for the readings this file implements.
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"
#include "history.h"
#include "log.h"
#include "strmap.h"
#include "tz.h"
#include "u64map.h"
#include "xalloc.h"

#define CALL_MEMORY_MS (3600 * 1000LL)      /* ended calls kept for surveys */
#define SWEEP_MS (10 * 60 * 1000LL)         /* how often old memories go */
#define STAFFING_MAX_AGENTS 100000          /* beyond: "more than this" */
#define STAFFING_MARK_MS 5000               /* its inputs: as at each mark */
/* A scope fed by more feeds than this rests on every feed (site_feeds):
 * what it depends on is then the site's, and adding a feed costs O(1). */
#define SCOPE_FEEDS_MAX 64

/*
 * What an event reads and writes of a scope comes first, in its first two
 * cache lines (a scope is allocated on a line), and the name its lookups
 * compare in the third: a floor of a thousand queues finds most scopes
 * cold, and each line is a miss. The rest is read by snapshots and alerts.
 */
#define SCOPE_KEY_INLINE 48

struct scope {
	/* the first line: what every event of the scope reads and writes */
	struct kpi_set *kpi;
	enum scope_kind kind;
	bool changed;           /* in the engine's changed list */
	/* queue: staffing's inputs as they were at the mark staffing_mark,
	 * whether the queue changed since (staff_dirty); the figure once
	 * worked out for them (needed_done), and bounds on it, further on */
	bool staffing_read, staff_dirty;
	bool feeds_overflow;    /* more than SCOPE_FEEDS_MAX feeds: all of them */
	int64_t staffing_mark;
	int64_t last_event;     /* when the newest event it counted came */
	int32_t agents[AGENT_STATE_COUNT]; /* assigned agents by state */
	uint32_t index;         /* its place in scopes */
	uint64_t feed_bits;     /* which of feeds 0..63 are in feeds */
	/* the second: a queue's waiting calls, oldest first, and the teams
	 * that show it */
	struct call *wait_head, *wait_tail;
	int64_t waiting;
	struct scope **teams;
	size_t n_teams;
	/* ... and of staffing's (an alert's verdict) what a mark changes */
	bool staffing_known, staff_traffic, needed_done;
	int64_t staff_moves;    /* when the clock alone changes them next */
	int64_t agents_needed;
	/* the third line: the key ("queue:sales"), here when it fits */
	const char *name;       /* points into key; the maps borrow it */
	char *key;              /* key_text, or its own copy when longer */
	char key_text[SCOPE_KEY_INLINE];
	/* the fourth: the rest of staffing's */
	double staff_rate, staff_aht_s, staff_patience_s;
	int64_t short_n, ok_n;  /* needed > short_n, needed <= ok_n */
	/* the feeds whose events it counted */
	struct feed **feeds;
	size_t n_feeds, cap_feeds;
	struct queue_settings settings;
	char *label;
	/* team: the queues it shows (from the config) */
	struct scope **queues;
	size_t n_queues;
	bool has_queues;
};

_Static_assert(offsetof(struct scope, feed_bits) + 8 <= 64 &&
    offsetof(struct scope, name) == 128,
    "what every event of a scope touches fills its first line");

struct feed {
	struct feed_info info;
	size_t index;           /* in engine->feeds */
	bool seen_seq;
	int64_t last_seq;
	/* In the engine's list by last event, oldest first (a feed only ever
	 * rejected is not in it: it has nothing to go quiet). The stale ones
	 * are its head, up to e->fresh. */
	bool listed, stale;
	struct feed *tprev, *tnext;
	/* In the engine's list by last change, for watchers (alerts):
	 * changed is the engine's change count when it last changed. */
	uint64_t changed;
	struct feed *cprev, *cnext;
};

struct call {
	struct feed *feed;
	/* The current visit to a queue. */
	struct scope *queue;
	int64_t queued_ts;
	unsigned visit_flags;   /* KPI_F_CALLER, KPI_F_REPEAT */
	uint64_t caller_key;    /* strmap_hash of its caller token; 0: none */
	bool waiting;
	struct call *qprev, *qnext;   /* in queue->wait list */
	/* The conversation. */
	bool talking;
	struct agent *agent;
	struct scope *answered_queue;
	int64_t answered_ts;
	bool answered_in_sl;    /* its answer's wait was within T */
	/* Live calls are in a list ordered by last activity, for call_timeout. */
	int64_t touched;
	struct call *prev, *next;
	char id[];              /* the calls map borrows it as its key */
};

/*
 * An agent is allocated on a cache line, and a lookup by id compares the
 * id where the event's fields are (the first line) when it fits: a floor
 * of 20,000 agents finds most of them cold, and each line is a miss.
 */
#define AGENT_ID_INLINE 24
#define AGENT_QUEUES_INLINE 2

struct agent {
	/* the first line: its id, and what every event of it reads */
	char *id;               /* id_text, or its own copy when longer; the
	                         * agents map borrows it */
	struct scope *team;
	struct scope **queues;
	uint32_t n_queues;
	enum agent_state state;
	int64_t since;
	char id_text[AGENT_ID_INLINE];
	/* the second: its calls, and its queues when there are two at most
	 * (every state change reads them: not another line elsewhere) */
	struct scope *wrap_queue;    /* where the current wrap time counts */
	struct scope *last_queue;    /* queue of the last call it ended */
	int64_t handled_today;
	int64_t handled_day;         /* the day_start handled_today belongs to */
	struct feed *feed;           /* the last to report it; NULL: none */
	char *reason;
	struct scope *queues_inline[AGENT_QUEUES_INLINE];
	/* the rest */
	char *name;
	int64_t *iv;                 /* engine_keep_agent_intervals: this
	                              * base interval's HA_COUNT numbers */
	char *feed_team;        /* the team the feed reported */
	bool config_placed;     /* the config gives this agent a team */
	bool feed_queues;       /* queues came from the feed */
};

_Static_assert(offsetof(struct agent, wrap_queue) == 64 &&
    offsetof(struct agent, queues_inline[AGENT_QUEUES_INLINE]) <= 128,
    "an agent's id and hot fields fill its first line, its calls' and "
    "queues' the second");

/*
 * Memories kept in u64maps, keyed by the 64-bit hash of a string:
 * - recent: a call that ended, for surveys that name it:
 *   v[0] end time, v[1] its queue (struct scope *), v[2] its agent.
 * - callers: a caller token (never kept as text), for repeat_rate:
 *   v[0] hash of its latest call, v[1] when that was queued, v[2] when the
 *   caller's previous other call was queued (INT64_MIN: none).
 */
enum { RECENT_END, RECENT_QUEUE, RECENT_AGENT };
enum { CALLER_CALL, CALLER_TS, CALLER_OTHER_TS };

struct engine {
	const struct config *config;
	struct tz *tz;
	int64_t started;
	int64_t now;
	int64_t day_start, next_day_start;
	int64_t *window_lengths;
	size_t n_windows;
	/* history (issue 19): the 15-minute window each scope's kpi_set
	 * keeps for it (one past the configured ones when none is 15m:
	 * then the sets' today is n_kpi_windows), read at every boundary */
	struct history *history;
	size_t history_window, n_kpi_windows;
	int64_t history_next;
	/* agents' intervals (engine_keep_agent_intervals): off in the live
	 * engine; the start of the base interval being summed */
	bool agent_intervals;
	int64_t agent_iv_start;
	int64_t max_repeat_window;
	int64_t next_sweep;             /* of recent (ended calls) */
	int64_t next_caller_sweep;      /* of callers */

	struct scope **scopes;  /* [0] is all; then queues and teams as made */
	size_t n_scopes, cap_scopes;
	int64_t n_waiting;      /* calls waiting in every queue */
	int64_t staff_mark;     /* the latest staffing mark (engine_kpi) */
	/* scopes events changed since engine_take_changed, each once */
	size_t *changed, n_changed, cap_changed;
	struct strmap *queue_map;  /* by bare name */
	struct strmap *team_map;
	struct scope *all;

	struct agent **agents;
	size_t n_agents, cap_agents;
	struct strmap *agent_map;

	struct feed **feeds;
	size_t n_feeds, cap_feeds;
	struct strmap *feed_map;
	struct feed *last_feed;     /* most events come from one feed */
	struct feed *cur_feed;      /* the feed of the event being applied */
	int64_t last_event;         /* engine time of the newest event applied */
	struct feed *thead, *ttail; /* by last event, oldest first */
	struct feed *fresh;         /* the first not stale in that list */
	size_t n_stale;
	size_t n_heard;             /* feeds in that list */
	struct feed *chead, *ctail; /* by last change, oldest first */
	uint64_t changes;           /* counts every feed change */
	uint64_t serial;            /* this engine among those made */
	int64_t entries;            /* the windows' logs: room for so many */
	struct feed *unknown;       /* "?": rejects without a readable src */

	/* limits: names refused, by kind; when the last was */
	int64_t refused[LIMIT_COUNT];
	int64_t refused_at[LIMIT_COUNT];

	/* The event being applied: its call and agent once looked up (the
	 * limits' check and the event's work share one lookup each). */
	struct call *ev_call;
	struct agent *ev_agent;
	bool ev_call_known, ev_agent_known;

	struct strmap *calls;           /* live: waiting or talking */
	struct call *live_head, *live_tail;
	struct u64map recent;
	struct u64map callers;
};

static bool engine_room(struct engine *, enum engine_limit, int64_t);
static void engine_history_start(struct engine *);
static void engine_history_take(struct engine *, int64_t);

/* Grow a pointer array by one slot. */
#define ENGINE_PUSH(array, n, cap, item) do {                          \
	if ((n) == (cap)) {                                            \
		(cap) = (cap) ? (cap) * 2 : 16;                        \
		(array) = xrealloc((array), (cap) * sizeof *(array));  \
	}                                                              \
	(array)[(n)++] = (item);                                       \
} while (0)

/* ---- scopes ---------------------------------------------------------- */

/* Window w as the engine numbers them (n_windows: today) in the kpi_sets,
 * which may keep history's 15 minutes besides. */
static size_t
engine_kpi_window(const struct engine *e, size_t w)
{
	return w < e->n_windows ? w : e->n_kpi_windows;
}

static struct scope *
engine_scope_new(struct engine *e, enum scope_kind kind, const char *name,
    const char *label)
{
	static const char *const prefix[] = { "", "queue:", "team:" };
	struct scope *s = xcalloc_line(sizeof *s);
	char *key = kind == SCOPE_ALL ? xstrdup("all") :
	    xasprintf("%s%s", prefix[kind], name);

	s->kind = kind;
	if (strlen(key) < sizeof s->key_text) {
		strcpy(s->key_text, key);
		free(key);
		key = s->key_text;
	}
	s->key = key;
	s->name = s->key + strlen(prefix[kind]);
	s->label = xstrdup(label ? label : (kind == SCOPE_ALL ? e->config->site_name : name));
	s->settings = e->config->defaults;
	s->kpi = kpi_set_new(e->window_lengths, e->n_kpi_windows, e->now,
	    e->day_start);
	kpi_set_count_held(s->kpi, &e->entries);
	if (kind != SCOPE_ALL)
		strmap_put(kind == SCOPE_QUEUE ? e->queue_map : e->team_map, s->name, s);
	s->index = e->n_scopes;
	ENGINE_PUSH(e->scopes, e->n_scopes, e->cap_scopes, s);
	return s;
}

/* Scope s's figures or counts change: the alerts judge it again. */
static void
engine_changed(struct engine *e, struct scope *s)
{
	if (s->changed)
		return;
	s->changed = true;
	ENGINE_PUSH(e->changed, e->n_changed, e->cap_changed, s->index);
}

/* The same, for a change to what staffing's inputs are read from (an entry
 * in its windows, or wrap time attributed to it): the next mark takes
 * them again. An agent's state, counted in the scope, changes no input
 * (the agents staffed are the alert's comparison, not an input), nor do
 * the calls waiting, so neither sends a queue to be judged at the mark. */
static void
engine_changed_inputs(struct engine *e, struct scope *s)
{
	s->staff_dirty = true;
	engine_changed(e, s);
}

/* A queue's waiting calls change: so do those of the teams that show it
 * and of the site. */
static void
engine_changed_waiting(struct engine *e, struct scope *q)
{
	engine_changed(e, q);
	for (size_t i = 0; i < q->n_teams; i++)
		engine_changed(e, q->teams[i]);
	engine_changed(e, e->all);
}

static void
engine_scope_free(struct scope *s)
{
	kpi_set_free(&s->kpi);
	free(s->feeds);
	free(s->teams);
	free(s->queues);
	free(s->label);
	if (s->key != s->key_text)
		free(s->key);
	free(s);
}

static void engine_queue_capture(struct engine *, struct scope *, int64_t);

/* The staffing mark the clock is at: the last multiple of
 * STAFFING_MARK_MS, not before the day. */
static void
engine_staff_mark(struct engine *e)
{
	e->staff_mark = e->now / STAFFING_MARK_MS * STAFFING_MARK_MS;
	if (e->staff_mark < e->day_start)
		e->staff_mark = e->day_start;
}

/* Bring a scope's windows to the engine's clock before touching them; a
 * queue's first, on the way, to the last staffing mark it has not been
 * seen at, to take its staffing inputs there. */
static struct kpi_set *
engine_kpi(struct engine *e, struct scope *s)
{
	if (s->kind == SCOPE_QUEUE && (s->staffing_mark < e->staff_mark ||
	    !s->staffing_read))
		engine_queue_capture(e, s, e->staff_mark);
	kpi_set_advance(s->kpi, e->now, e->day_start);
	return s->kpi;
}

/* The scope of a queue, made with the defaults if the config lacks it. */
static struct scope *
engine_queue(struct engine *e, const char *name)
{
	struct scope *s = strmap_get(e->queue_map, name);

	return s ? s : engine_scope_new(e, SCOPE_QUEUE, name, NULL);
}

static struct scope *
engine_team(struct engine *e, const char *name)
{
	struct scope *s = strmap_get(e->team_map, name);

	return s ? s : engine_scope_new(e, SCOPE_TEAM, name, NULL);
}

/* Append to a small exact-size array of scopes (config-time only). */
static void
engine_link(struct scope ***array, size_t *n, struct scope *s)
{
	*array = xrealloc(*array, (*n + 1) * sizeof **array);
	(*array)[(*n)++] = s;
}

static void
engine_scopes_from_config(struct engine *e)
{
	const struct config *c = e->config;

	e->all = engine_scope_new(e, SCOPE_ALL, "all", NULL);
	e->all->has_queues = true;
	for (size_t i = 0; i < c->n_queues; i++) {
		struct scope *q = engine_scope_new(e, SCOPE_QUEUE, c->queues[i].name,
		    c->queues[i].label);
		q->settings = c->queues[i].settings;
	}
	for (size_t i = 0; i < c->n_teams; i++) {
		const struct config_team *ct = &c->teams[i];
		struct scope *t = engine_scope_new(e, SCOPE_TEAM, ct->name, ct->label);

		t->has_queues = ct->has_queues;
		for (size_t j = 0; j < ct->n_queues; j++) {
			struct scope *q = engine_queue(e, ct->queues[j]);

			engine_link(&t->queues, &t->n_queues, q);
			engine_link(&q->teams, &q->n_teams, t);
		}
	}
}

/* Record an entry in a scope, at the engine's clock. */
static void
engine_count(struct engine *e, struct scope *s, enum kpi_kind kind,
    int64_t value, unsigned flags)
{
	if (s == NULL)
		return;
	kpi_set_add(engine_kpi(e, s), kind, value, flags);
	engine_changed_inputs(e, s);
}

/* A queue outcome counts in its queue, the teams that show it, and all. */
static void
engine_count_outcome(struct engine *e, struct scope *q, enum kpi_kind kind,
    int64_t wait, unsigned flags)
{
	engine_count(e, q, kind, wait, flags);
	for (size_t i = 0; i < q->n_teams; i++)
		engine_count(e, q->teams[i], kind, wait, flags);
	engine_count(e, e->all, kind, wait, flags);
}

/* ---- what each scope depends on ----------------------------------------- */

/* The event being applied counts in scope s: s depends on its feed. */
static void
engine_touch(struct engine *e, struct scope *s)
{
	struct feed *f = e->cur_feed;

	if (s == NULL || f == NULL)
		return;
	s->last_event = e->now;
	/* the site rests on every feed: no list to keep */
	if (s->feeds_overflow || s->kind == SCOPE_ALL)
		return;
	/* the first 64 feeds by a bit each; any others by the list */
	if (f->index < 64) {
		if (s->feed_bits & (uint64_t)1 << f->index)
			return;
	} else {
		for (size_t i = s->n_feeds; i-- > 0;)
			if (s->feeds[i] == f)
				return;
	}
	if (s->n_feeds == SCOPE_FEEDS_MAX) {
		s->feeds_overflow = true;
		return;
	}
	if (f->index < 64)
		s->feed_bits |= (uint64_t)1 << f->index;
	ENGINE_PUSH(s->feeds, s->n_feeds, s->cap_feeds, f);
}

/* A queue's calls count in it and in the teams that show it. */
static void
engine_touch_queue(struct engine *e, struct scope *q)
{
	if (q == NULL)
		return;
	engine_touch(e, q);
	for (size_t i = 0; i < q->n_teams; i++)
		engine_touch(e, q->teams[i]);
}

/* ---- agents ---------------------------------------------------------- */

/* Which kpi_time a state adds to, or -1. */
static int
engine_state_time(enum agent_state state)
{
	switch (state) {
	case AGENT_BUSY: return KT_BUSY;
	case AGENT_WRAP: return KT_WRAP;
	case AGENT_READY: return KT_READY;
	default: return -1;
	}
}

/* An agent moves between states in a scope: from `from` (or nowhere, -1) to
 * `to` (or nowhere, -1), as one entry. */
static void
engine_scope_move(struct engine *e, struct scope *s, int from, int to)
{
	int8_t delta[KT_COUNT] = { 0 };
	int kf = from >= 0 ? engine_state_time((enum agent_state)from) : -1;
	int kt = to >= 0 ? engine_state_time((enum agent_state)to) : -1;

	if (s == NULL)
		return;
	engine_changed(e, s);
	if (from >= 0)
		s->agents[from]--;
	if (to >= 0)
		s->agents[to]++;
	if (kf == kt)
		return;
	if (kf >= 0)
		delta[kf] = -1;
	if (kt >= 0)
		delta[kt] = +1;
	kpi_set_agents(engine_kpi(e, s), delta);
}

/* An agent in `state` joins (+1) or leaves (-1) a scope. */
static void
engine_scope_agent(struct engine *e, struct scope *s, enum agent_state state, int sign)
{
	engine_scope_move(e, s, sign < 0 ? (int)state : -1, sign > 0 ? (int)state : -1);
}

static void
engine_wrap_attribution(struct engine *e, struct scope *q, int sign)
{
	int8_t delta[KT_COUNT] = { 0 };

	if (q == NULL)
		return;
	delta[KT_WRAP_ATTR] = (int8_t)sign;
	kpi_set_agents(engine_kpi(e, q), delta);
	engine_changed_inputs(e, q);
}

/* An agent counts in its team and the queues it serves. */
static void
engine_touch_agent(struct engine *e, struct agent *a)
{
	if (a == NULL || e->cur_feed == NULL)
		return;
	a->feed = e->cur_feed;
	engine_touch(e, a->team);
	for (size_t i = 0; i < a->n_queues; i++)
		engine_touch(e, a->queues[i]);
}

/* Every scope an agent belongs to joins or leaves with its state. */
static void
engine_agent_scopes(struct engine *e, struct agent *a, int sign)
{
	engine_scope_agent(e, e->all, a->state, sign);
	engine_scope_agent(e, a->team, a->state, sign);
	for (size_t i = 0; i < a->n_queues; i++)
		engine_scope_agent(e, a->queues[i], a->state, sign);
}

/* ---- agents' intervals (reports of a rebuilt day only) ---------------- */

static int64_t *
engine_agent_iv(struct agent *a)
{
	if (a->iv == NULL)
		a->iv = xcalloc(HA_COUNT, sizeof *a->iv);
	return a->iv;
}

/* Add the agent's time in its state, from the later of since and the
 * interval's start up to t. */
static void
engine_agent_iv_time(struct engine *e, struct agent *a, int64_t t)
{
	static const int field[AGENT_STATE_COUNT] = {
		[AGENT_READY] = HA_READY_MS, [AGENT_BUSY] = HA_BUSY_MS,
		[AGENT_WRAP] = HA_WRAP_MS, [AGENT_AWAY] = HA_AWAY_MS,
		[AGENT_OFFLINE] = -1,
	};
	int64_t from = a->since > e->agent_iv_start ? a->since :
	    e->agent_iv_start;

	if (field[a->state] >= 0 && t > from)
		engine_agent_iv(a)[field[a->state]] += t - from;
}

void
engine_keep_agent_intervals(struct engine *e)
{
	e->agent_intervals = true;
	e->agent_iv_start = e->history_next - HISTORY_BASE_MS;
	if (e->agent_iv_start < e->day_start)
		e->agent_iv_start = e->day_start;
}

/* At base boundary b: close every agent's interval into the history (an
 * agent with nothing in it, offline and no call, is left out). */
static void
engine_agent_iv_take(struct engine *e, int64_t b)
{
	for (size_t i = 0; i < e->n_agents; i++) {
		struct agent *a = e->agents[i];
		bool any = false;

		engine_agent_iv_time(e, a, b);
		if (a->iv == NULL)
			continue;
		for (size_t f = 0; f < HA_COUNT; f++)
			any |= a->iv[f] != 0;
		if (any)
			history_record_agent(e->history, i, b, a->iv);
		memset(a->iv, 0, HA_COUNT * sizeof *a->iv);
	}
	e->agent_iv_start = b;
}

static void
engine_agent_set_state(struct engine *e, struct agent *a, enum agent_state state)
{
	int from = (int)a->state;

	if (a->state == state)
		return;
	if (e->agent_intervals)
		engine_agent_iv_time(e, a, e->now);
	if (a->state == AGENT_WRAP) {
		engine_wrap_attribution(e, a->wrap_queue, -1);
		a->wrap_queue = NULL;
	}
	engine_scope_move(e, e->all, from, (int)state);
	engine_scope_move(e, a->team, from, (int)state);
	for (size_t i = 0; i < a->n_queues; i++)
		engine_scope_move(e, a->queues[i], from, (int)state);
	a->state = state;
	a->since = e->now;
	if (state == AGENT_WRAP) {
		a->wrap_queue = a->last_queue;
		engine_wrap_attribution(e, a->wrap_queue, +1);
	}
	if (state != AGENT_AWAY && state != AGENT_OFFLINE) {
		free(a->reason);
		a->reason = NULL;
	}
}

static void
engine_agent_set_queues(struct engine *e, struct agent *a, char *const *names,
    size_t n)
{
	size_t same = 0;

	/* A bridge names the queues in every state it sends: the same list
	 * again, in the same order, changes nothing (no lookup, no leaving
	 * and joining each scope). */
	while (same < n && same < a->n_queues &&
	    strcmp(a->queues[same]->name, names[same]) == 0)
		same++;
	if (same == n && n == a->n_queues)
		return;
	engine_agent_scopes(e, a, -1);
	if (a->queues != a->queues_inline)
		free(a->queues);
	a->queues = n > AGENT_QUEUES_INLINE ? xcalloc(n, sizeof *a->queues) :
	    n > 0 ? a->queues_inline : NULL;
	a->n_queues = 0;
	for (size_t i = 0; i < n; i++) {
		struct scope *q = engine_queue(e, names[i]);
		bool dup = false;

		for (size_t j = 0; j < a->n_queues; j++)
			dup |= a->queues[j] == q;
		if (!dup)
			a->queues[a->n_queues++] = q;
	}
	engine_agent_scopes(e, a, +1);
}

static void
engine_agent_set_team(struct engine *e, struct agent *a, const char *team)
{
	struct scope *t;

	if (team != NULL && a->team != NULL && strcmp(a->team->name, team) == 0)
		return;         /* the same team again: no lookup */
	t = team ? engine_team(e, team) : NULL;
	if (t == a->team)
		return;
	engine_scope_agent(e, a->team, a->state, -1);
	a->team = t;
	engine_scope_agent(e, a->team, a->state, +1);
}

/* The team the config gives an agent: teams.X.agents, then agents.id.team. */
static const char *
engine_config_team(const struct config *c, const char *id)
{
	const struct config_agent *ca = config_find_agent(c, id);

	for (size_t i = 0; i < c->n_teams; i++)
		for (size_t j = 0; j < c->teams[i].n_agents; j++)
			if (strcmp(c->teams[i].agents[j], id) == 0)
				return c->teams[i].name;
	return ca ? ca->team : NULL;
}

static struct agent *
engine_agent_new(struct engine *e, const char *id, enum agent_state state)
{
	size_t len = strlen(id);
	struct agent *a = xcalloc_line(sizeof *a);
	const struct config_agent *ca = config_find_agent(e->config, id);
	const char *team = engine_config_team(e->config, id);

	if (len < sizeof a->id_text) {
		memcpy(a->id_text, id, len + 1);
		a->id = a->id_text;
	} else
		a->id = xstrdup(id);
	a->state = state;
	a->since = e->now;
	a->handled_day = e->day_start;
	strmap_put(e->agent_map, a->id, a);
	ENGINE_PUSH(e->agents, e->n_agents, e->cap_agents, a);
	engine_scope_agent(e, e->all, a->state, +1);
	if (ca != NULL && ca->name != NULL)
		a->name = xstrdup(ca->name);
	a->config_placed = team != NULL;
	engine_agent_set_team(e, a, team);
	if (ca != NULL && ca->has_queues)
		engine_agent_set_queues(e, a, ca->queues, ca->n_queues);
	return a;
}

static void
engine_agents_from_config(struct engine *e)
{
	const struct config *c = e->config;

	for (size_t i = 0; i < c->n_agents; i++)
		engine_agent_new(e, c->agents[i].id, AGENT_OFFLINE);
	for (size_t i = 0; i < c->n_teams; i++)
		for (size_t j = 0; j < c->teams[i].n_agents; j++)
			if (strmap_get(e->agent_map, c->teams[i].agents[j]) == NULL)
				engine_agent_new(e, c->teams[i].agents[j], AGENT_OFFLINE);
}

static void
engine_agent_free(struct agent *a)
{
	free(a->name);
	free(a->feed_team);
	free(a->reason);
	if (a->queues != a->queues_inline)
		free(a->queues);
	free(a->iv);
	if (a->id != a->id_text)
		free(a->id);
	free(a);
}

/* ---- calls ----------------------------------------------------------- */

/* The live call the event being applied names, or NULL: looked up once an
 * event (engine_apply forgets it before the next). */
static struct call *
engine_event_call(struct engine *e, const struct event *ev)
{
	if (!e->ev_call_known) {
		e->ev_call = ev->call != NULL ? strmap_get(e->calls, ev->call) : NULL;
		e->ev_call_known = true;
	}
	return e->ev_call;
}

/* The agent the event being applied names, or NULL; looked up once. */
static struct agent *
engine_event_agent(struct engine *e, const struct event *ev)
{
	if (!e->ev_agent_known) {
		e->ev_agent = ev->agent != NULL ? strmap_get(e->agent_map,
		    ev->agent) : NULL;
		e->ev_agent_known = true;
	}
	return e->ev_agent;
}

static void
engine_live_remove(struct engine *e, struct call *c)
{
	if (c->prev) c->prev->next = c->next; else e->live_head = c->next;
	if (c->next) c->next->prev = c->prev; else e->live_tail = c->prev;
	c->prev = c->next = NULL;
}

/* Move a call to the tail of the live list, stamped with the clock. */
static void
engine_live_append(struct engine *e, struct call *c)
{
	c->touched = e->now;
	c->prev = e->live_tail;
	c->next = NULL;
	if (e->live_tail) e->live_tail->next = c; else e->live_head = c;
	e->live_tail = c;
}

static void
engine_wait_remove(struct engine *e, struct call *c)
{
	struct scope *q = c->queue;

	if (!c->waiting)
		return;
	engine_changed_waiting(e, q);
	if (c->qprev) c->qprev->qnext = c->qnext; else q->wait_head = c->qnext;
	if (c->qnext) c->qnext->qprev = c->qprev; else q->wait_tail = c->qprev;
	c->qprev = c->qnext = NULL;
	c->waiting = false;
	q->waiting--;
	e->n_waiting--;
}

static void
engine_wait_append(struct engine *e, struct call *c)
{
	struct scope *q = c->queue;

	engine_changed_waiting(e, q);
	c->qprev = q->wait_tail;
	c->qnext = NULL;
	if (q->wait_tail) q->wait_tail->qnext = c; else q->wait_head = c;
	q->wait_tail = c;
	c->waiting = true;
	q->waiting++;
	e->n_waiting++;
}

static void
engine_call_forget(struct engine *e, struct call *c)
{
	engine_wait_remove(e, c);
	engine_live_remove(e, c);
	if (e->ev_call == c)
		e->ev_call = NULL;
	free(strmap_delete(e->calls, c->id));
}

/* Keep what a survey needs of an ended call, then let the call go. */
static void
engine_call_remember(struct engine *e, struct call *c)
{
	uint64_t key = strmap_hash(c->id, strlen(c->id));
	struct u64map_entry *r = u64map_get(&e->recent, key);

	/* Past the limit, a survey about it counts in all (and its agent's
	 * team, if named) only. */
	if (r == NULL && !engine_room(e, LIMIT_ENDED, 1)) {
		engine_call_forget(e, c);
		return;
	}
	if (r == NULL)
		r = u64map_put(&e->recent, key);
	r->v[RECENT_END] = (uint64_t)e->now;
	r->v[RECENT_QUEUE] = (uint64_t)(uintptr_t)c->answered_queue;
	r->v[RECENT_AGENT] = (uint64_t)(uintptr_t)c->agent;
	engine_call_forget(e, c);
}

/* Is this visit a repeat contact? Records the caller's call either way. */
static unsigned
engine_caller_flags(struct engine *e, uint64_t key, const char *call_id,
    int64_t ts, int64_t repeat_window)
{
	uint64_t id = strmap_hash(call_id, strlen(call_id));
	struct u64map_entry *c = u64map_get(&e->callers, key);
	unsigned flags = KPI_F_CALLER;
	int64_t other;

	/* Past the limit a new caller is not remembered: its next call is
	 * not known as a repeat. */
	if (c == NULL) {
		if (!engine_room(e, LIMIT_CALLERS, 1))
			return flags;
		c = u64map_put(&e->callers, key);
	}

	if (c->v[CALLER_TS] == 0) {
		c->v[CALLER_CALL] = id;
		c->v[CALLER_TS] = (uint64_t)ts;
		c->v[CALLER_OTHER_TS] = (uint64_t)INT64_MIN;
		return flags;
	}
	/* The latest queueing of a call other than this one. */
	other = c->v[CALLER_CALL] == id ? (int64_t)c->v[CALLER_OTHER_TS] :
	    (int64_t)c->v[CALLER_TS];
	if (other != INT64_MIN && other >= ts - repeat_window)
		flags |= KPI_F_REPEAT;
	if (c->v[CALLER_CALL] != id) {
		c->v[CALLER_OTHER_TS] = c->v[CALLER_TS];
		c->v[CALLER_CALL] = id;
	}
	c->v[CALLER_TS] = (uint64_t)ts;
	return flags;
}

static void
engine_call_queued(struct engine *e, struct feed *f, const struct event *ev)
{
	struct call *c = engine_event_call(e, ev);

	if (c == NULL) {
		size_t len = strlen(ev->call);

		c = xcalloc(1, sizeof *c + len + 1);
		memcpy(c->id, ev->call, len + 1);
		strmap_put(e->calls, c->id, c);
		e->ev_call = c;
	} else {
		engine_wait_remove(e, c);
		engine_live_remove(e, c);
	}
	c->feed = f;
	c->queue = engine_queue(e, ev->queue);
	c->queued_ts = ev->ts;
	c->caller_key = ev->caller == NULL ? 0 :
	    strmap_hash(ev->caller, strlen(ev->caller));
	c->visit_flags = ev->caller == NULL ? 0 : engine_caller_flags(e,
	    c->caller_key, ev->call, ev->ts, c->queue->settings.repeat_window_ms);
	engine_wait_append(e, c);
	engine_live_append(e, c);
	engine_count(e, c->queue, KPI_ARRIVAL, 0, 0);
	engine_touch_queue(e, c->queue);
}

/* The waiting call an outcome is about, or NULL (an orphan). */
static struct call *
engine_waiting_call(struct engine *e, const struct event *ev)
{
	struct call *c = engine_event_call(e, ev);

	return c != NULL && c->waiting ? c : NULL;
}

static unsigned
engine_outcome(struct engine *e, struct call *c, enum kpi_kind kind, int64_t ts,
    unsigned extra)
{
	struct scope *q = c->queue;
	int64_t wait = ts > c->queued_ts ? ts - c->queued_ts : 0;
	unsigned flags = c->visit_flags;

	if (wait <= q->settings.sl_threshold_ms)
		flags |= KPI_F_IN_SL;
	if (kind == KPI_ABANDONED && q->settings.short_abandon_ms > 0 &&
	    wait <= q->settings.short_abandon_ms)
		flags |= KPI_F_SHORT;
	engine_wait_remove(e, c);
	engine_count_outcome(e, q, kind, wait, flags | extra);
	engine_touch_queue(e, q);
	return flags;
}

static struct agent *
engine_agent(struct engine *e, const struct event *ev, enum agent_state initial)
{
	struct agent *a = engine_event_agent(e, ev);

	if (a == NULL)
		a = e->ev_agent = engine_agent_new(e, ev->agent, initial);
	return a;
}

static enum engine_result
engine_call_answered(struct engine *e, const struct event *ev)
{
	struct call *c = engine_event_call(e, ev);
	struct agent *a;

	if (c == NULL)
		return ENGINE_ORPHAN;
	a = engine_agent(e, ev, AGENT_BUSY);
	if (c->waiting) {
		unsigned flags = engine_outcome(e, c, KPI_ANSWERED, ev->ts, 0);

		c->answered_queue = c->queue;
		c->answered_in_sl = (flags & KPI_F_IN_SL) != 0;
	}
	c->talking = true;
	c->agent = a;
	c->answered_ts = ev->ts;
	engine_live_remove(e, c);
	engine_live_append(e, c);
	engine_agent_set_state(e, a, AGENT_BUSY);
	engine_touch_agent(e, a);
	return ENGINE_APPLIED;
}

static enum engine_result
engine_call_left(struct engine *e, const struct event *ev, enum kpi_kind kind)
{
	struct call *c = engine_waiting_call(e, ev);
	/* app_queue's SL2 counts these exits as abandons (not key, overflow). */
	bool as_abandon = kind == KPI_EXITED && (ev->exit_reason == EXIT_TIMEOUT ||
	    ev->exit_reason == EXIT_EMPTY || ev->exit_reason == EXIT_WITHDRAW);
	unsigned flags;

	if (c == NULL)
		return ENGINE_ORPHAN;
	flags = engine_outcome(e, c, kind, ev->ts, as_abandon ? KPI_F_AS_ABANDON : 0);
	if (kind == KPI_ABANDONED)      /* the day's list, for calling back */
		history_abandon(e->history, ev->ts, c->queue->index,
		    ev->ts > c->queued_ts ? ev->ts - c->queued_ts : 0, c->id,
		    c->caller_key, (flags & KPI_F_SHORT) != 0);
	if (!c->talking)
		engine_call_forget(e, c);
	return ENGINE_APPLIED;
}

/* A wrap that began at this very instant belongs to the call ending now. */
static void
engine_reattribute_wrap(struct engine *e, struct agent *a, struct scope *q)
{
	if (a->state != AGENT_WRAP || a->since != e->now || a->wrap_queue == q)
		return;
	engine_wrap_attribution(e, a->wrap_queue, -1);
	a->wrap_queue = q;
	engine_wrap_attribution(e, q, +1);
}

static enum engine_result
engine_call_ended(struct engine *e, const struct event *ev)
{
	struct call *c = engine_event_call(e, ev);
	struct agent *a;
	unsigned flags = 0;

	if (c == NULL || !c->talking)
		return ENGINE_ORPHAN;
	a = c->agent;
	if (ev->transferred == FLAG_TRUE)
		flags |= KPI_F_TRANSFERRED;
	if (ev->resolved != FLAG_ABSENT)
		flags |= KPI_F_RESOLVED_KNOWN;
	if (ev->resolved == FLAG_TRUE)
		flags |= KPI_F_RESOLVED;
	if (c->answered_in_sl)
		flags |= KPI_F_IN_SL;
	int64_t talk = ev->ts > c->answered_ts ? ev->ts - c->answered_ts : 0;
	engine_count(e, c->answered_queue, KPI_HANDLED, talk, flags);
	engine_count(e, a->team, KPI_HANDLED, talk, flags);
	engine_count(e, e->all, KPI_HANDLED, talk, flags);
	if (a->handled_day != e->day_start) {
		a->handled_day = e->day_start;
		a->handled_today = 0;
	}
	a->handled_today++;
	if (e->agent_intervals) {
		int64_t *iv = engine_agent_iv(a);

		iv[HA_HANDLED]++;
		iv[HA_TALK_MS] += talk;
		iv[HA_RESOLVED_KNOWN] += (flags & KPI_F_RESOLVED_KNOWN) != 0;
		iv[HA_RESOLVED] += (flags & KPI_F_RESOLVED) != 0;
	}
	a->last_queue = c->answered_queue;
	engine_reattribute_wrap(e, a, c->answered_queue);
	if (a->state == AGENT_BUSY)
		engine_agent_set_state(e, a, AGENT_READY);
	engine_touch_queue(e, c->answered_queue);
	engine_touch_agent(e, a);
	c->talking = false;
	if (!c->waiting)        /* else it is back in a queue: still live */
		engine_call_remember(e, c);
	return ENGINE_APPLIED;
}

static void
engine_agent_state(struct engine *e, const struct event *ev)
{
	struct agent *a = engine_agent(e, ev, ev->state);

	if (ev->name != NULL && (a->name == NULL || strcmp(a->name, ev->name) != 0)) {
		free(a->name);
		a->name = xstrdup(ev->name);
	}
	if (ev->team != NULL && !a->config_placed) {
		if (a->feed_team == NULL ||
		    strcmp(a->feed_team, ev->team) != 0) {
			free(a->feed_team);
			a->feed_team = xstrdup(ev->team);
		}
		engine_agent_set_team(e, a, ev->team);
	}
	if (ev->has_queues) {
		a->feed_queues = true;
		engine_agent_set_queues(e, a, (char *const *)ev->queues, ev->n_queues);
	}
	engine_agent_set_state(e, a, ev->state);
	engine_touch_agent(e, a);
	if (ev->reason != NULL && (a->reason == NULL || strcmp(a->reason, ev->reason) != 0)) {
		free(a->reason);
		a->reason = xstrdup(ev->reason);
	}
}

static int engine_keep_recent(const struct u64map_entry *, void *);

static void
engine_survey(struct engine *e, const struct event *ev)
{
	struct call *c = engine_event_call(e, ev);
	struct u64map_entry *r = NULL;
	struct scope *q = NULL;
	struct agent *a = NULL;

	if (c == NULL && ev->call != NULL)
		r = u64map_get(&e->recent, strmap_hash(ev->call, strlen(ev->call)));
	if (r != NULL && !engine_keep_recent(r, e))
		r = NULL;       /* ended too long ago; the sweep just hasn't run */
	/* A survey never makes a queue: one naming a queue no call or
	 * config has made counts in all (and its agent's team) only, so a
	 * feed cannot invent queues through surveys. */
	if (ev->queue != NULL)
		q = strmap_get(e->queue_map, ev->queue);
	else if (c != NULL)
		q = c->answered_queue ? c->answered_queue : c->queue;
	else if (r != NULL)
		q = (struct scope *)(uintptr_t)r->v[RECENT_QUEUE];
	if (ev->agent != NULL)
		a = engine_event_agent(e, ev);
	else if (c != NULL)
		a = c->agent;
	else if (r != NULL)
		a = (struct agent *)(uintptr_t)r->v[RECENT_AGENT];
	engine_count(e, q, KPI_SURVEY, ev->csat, 0);
	engine_touch(e, q);
	if (a != NULL) {
		engine_count(e, a->team, KPI_SURVEY, ev->csat, 0);
		engine_touch(e, a->team);
		if (e->agent_intervals) {
			int64_t *iv = engine_agent_iv(a);

			iv[HA_SURVEYS]++;
			iv[HA_SURVEY_SUM] += ev->csat;
			iv[HA_SURVEYS_GOOD] += ev->csat >= 4;
		}
	}
	engine_count(e, e->all, KPI_SURVEY, ev->csat, 0);
}

/* ---- feeds ----------------------------------------------------------- */

/* The feed named so, or NULL. */
static struct feed *
engine_feed_find(struct engine *e, const char *name)
{
	struct feed *f = e->last_feed;

	if (f != NULL && strcmp(f->info.name, name) == 0)
		return f;
	f = strmap_get(e->feed_map, name);
	if (f != NULL)
		e->last_feed = f;
	return f;
}

static struct feed *
engine_feed_new(struct engine *e, const char *name)
{
	struct feed *f = xcalloc(1, sizeof *f);

	f->info.name = strmap_put(e->feed_map, name, f);
	f->index = e->n_feeds;
	ENGINE_PUSH(e->feeds, e->n_feeds, e->cap_feeds, f);
	return e->last_feed = f;
}

/* Something of f changed (a counter, its freshness): to the end of the
 * change list, for watchers. O(1). */
static void
engine_feed_changed(struct engine *e, struct feed *f)
{
	f->changed = ++e->changes;
	if (e->ctail == f)
		return;
	if (f->cprev != NULL || e->chead == f) {
		if (f->cprev != NULL)
			f->cprev->cnext = f->cnext;
		else
			e->chead = f->cnext;
		f->cnext->cprev = f->cprev;     /* f is not the tail */
	}
	f->cprev = e->ctail;
	f->cnext = NULL;
	if (e->ctail != NULL)
		e->ctail->cnext = f;
	else
		e->chead = f;
	e->ctail = f;
}

/* f just sent an event: fresh, and the newest in the list by last event.
 * O(1): the stale feeds are the list's head, up to e->fresh. */
static void
engine_feed_heard(struct engine *e, struct feed *f)
{
	if (f->stale) {
		f->stale = false;
		e->n_stale--;
	}
	if (e->fresh == f)
		e->fresh = f->tnext;
	if (f->listed) {
		if (e->ttail == f)
			goto placed;
		if (f->tprev != NULL)
			f->tprev->tnext = f->tnext;
		else
			e->thead = f->tnext;
		f->tnext->tprev = f->tprev;
	}
	if (!f->listed)
		e->n_heard++;
	f->listed = true;
	f->tprev = e->ttail;
	f->tnext = NULL;
	if (e->ttail != NULL)
		e->ttail->tnext = f;
	else
		e->thead = f;
	e->ttail = f;
placed:
	if (e->fresh == NULL)
		e->fresh = f;
}

/* The feeds whose silence reached stale_after by the engine's clock: each
 * once, as it happens, oldest first. O(feeds that turn stale). */
static void
engine_feeds_stale(struct engine *e)
{
	struct feed *f;

	while ((f = e->fresh) != NULL && feed_silent(&f->info, e->now,
	    e->config->feeds_stale_after_ms)) {
		f->stale = true;
		e->n_stale++;
		e->fresh = f->tnext;
		engine_feed_changed(e, f);
	}
}

/* ---- limits ---------------------------------------------------------- */

static const char *const engine_limit_names[LIMIT_COUNT] = {
	[LIMIT_FEEDS] = "feeds",
	[LIMIT_AGENTS] = "agents",
	[LIMIT_QUEUES] = "queues",
	[LIMIT_TEAMS] = "teams",
	[LIMIT_CALLS] = "calls",
	[LIMIT_ENDED] = "ended calls",
	[LIMIT_CALLERS] = "callers",
	[LIMIT_ENTRIES] = "window entries",
};

const char *
engine_limit_name(enum engine_limit k)
{
	return engine_limit_names[k];
}

static int64_t
engine_limit_of(const struct engine *e, enum engine_limit k)
{
	const struct config *c = e->config;

	switch (k) {
	case LIMIT_FEEDS: return c->limit_feeds;
	case LIMIT_AGENTS: return c->limit_agents;
	case LIMIT_QUEUES: return c->limit_queues;
	case LIMIT_TEAMS: return c->limit_teams;
	case LIMIT_CALLS: case LIMIT_ENDED: return c->limit_calls;
	case LIMIT_CALLERS: return c->limit_callers;
	case LIMIT_ENTRIES: return c->limit_window_entries;
	default: return 0;
	}
}

static int64_t
engine_limit_held(const struct engine *e, enum engine_limit k)
{
	switch (k) {
	case LIMIT_FEEDS:
		return (int64_t)e->n_feeds - (e->unknown != NULL);
	case LIMIT_AGENTS: return (int64_t)e->n_agents;
	case LIMIT_QUEUES: return (int64_t)strmap_count(e->queue_map);
	case LIMIT_TEAMS: return (int64_t)strmap_count(e->team_map);
	case LIMIT_CALLS: return (int64_t)strmap_count(e->calls);
	case LIMIT_ENDED: return (int64_t)e->recent.count;
	case LIMIT_CALLERS: return (int64_t)e->callers.count;
	case LIMIT_ENTRIES: return e->entries;
	default: return 0;
	}
}

/* Room for `more` new names of kind k, whatever they are? Counts nothing. */
static bool
engine_spare(const struct engine *e, enum engine_limit k, int64_t more)
{
	return engine_limit_held(e, k) + more <= engine_limit_of(e, k);
}

/* Room for `more` new names of kind k? Counts a refusal when not. */
static bool
engine_room(struct engine *e, enum engine_limit k, int64_t more)
{
	if (engine_limit_held(e, k) + more <= engine_limit_of(e, k))
		return true;
	e->refused[k]++;
	e->refused_at[k] = e->now;
	return false;
}

void
engine_limit_info(const struct engine *e, enum engine_limit k,
    struct engine_limit_info *out)
{
	static const char *const keys[LIMIT_COUNT] = {
		[LIMIT_FEEDS] = "feeds", [LIMIT_AGENTS] = "agents",
		[LIMIT_QUEUES] = "queues", [LIMIT_TEAMS] = "teams",
		[LIMIT_CALLS] = "calls", [LIMIT_ENDED] = "ended_calls",
		[LIMIT_CALLERS] = "callers",
		[LIMIT_ENTRIES] = "window_entries",
	};
	/* ended calls are bounded by limits.calls, as calls in flight are */
	static const char *const config_keys[LIMIT_COUNT] = {
		[LIMIT_FEEDS] = "limits.feeds", [LIMIT_AGENTS] = "limits.agents",
		[LIMIT_QUEUES] = "limits.queues", [LIMIT_TEAMS] = "limits.teams",
		[LIMIT_CALLS] = "limits.calls", [LIMIT_ENDED] = "limits.calls",
		[LIMIT_CALLERS] = "limits.callers",
		[LIMIT_ENTRIES] = "limits.window_entries",
	};

	out->name = engine_limit_names[k];
	out->key = keys[k];
	out->config_key = config_keys[k];
	out->held = engine_limit_held(e, k);
	out->limit = engine_limit_of(e, k);
	out->refused = e->refused[k];
	out->last_refused = e->refused_at[k];
}

/*
 * Would ev make a name past a limit? The whole event is refused then
 * (docs/protocol.md §6.9): nothing of it is applied, so no figure is half
 * changed. Surveys make nothing, and what a call leaves (an abandon, an
 * exit, an end) makes nothing either.
 */
static bool
engine_admit(struct engine *e, const struct event *ev)
{
	struct call *c;
	int64_t new_queues = 0;

	/* Full windows take no new work (a call, a state, a survey): what is
	 * in flight still ends, and the windows give room back as they
	 * slide. Every admitted call adds a few entries at most. */
	if ((ev->type == EVENT_CALL_QUEUED || ev->type == EVENT_AGENT_STATE ||
	    ev->type == EVENT_SURVEY) && !engine_room(e, LIMIT_ENTRIES, 1))
		return false;
	switch (ev->type) {
	case EVENT_CALL_QUEUED:
		/* Far from the limits (nearly always) the names need no
		 * lookup here: whatever the event makes has room. */
		if (engine_spare(e, LIMIT_CALLS, 1) &&
		    engine_spare(e, LIMIT_QUEUES, 1))
			return true;
		if (engine_event_call(e, ev) == NULL &&
		    !engine_room(e, LIMIT_CALLS, 1))
			return false;
		return strmap_get(e->queue_map, ev->queue) != NULL ||
		    engine_room(e, LIMIT_QUEUES, 1);
	case EVENT_CALL_ANSWERED:
		if (engine_spare(e, LIMIT_AGENTS, 1))
			return true;
		c = engine_event_call(e, ev);
		return c == NULL || engine_event_agent(e, ev) != NULL ||
		    engine_room(e, LIMIT_AGENTS, 1);
	case EVENT_AGENT_STATE:
		if (engine_spare(e, LIMIT_AGENTS, 1) &&
		    engine_spare(e, LIMIT_TEAMS, 1) && engine_spare(e, LIMIT_QUEUES,
		    ev->has_queues ? (int64_t)ev->n_queues : 0))
			return true;
		if (engine_event_agent(e, ev) == NULL &&
		    !engine_room(e, LIMIT_AGENTS, 1))
			return false;
		if (ev->team != NULL && strmap_get(e->team_map, ev->team) == NULL &&
		    !engine_room(e, LIMIT_TEAMS, 1))
			return false;
		for (size_t i = 0; ev->has_queues && i < ev->n_queues; i++)
			new_queues += strmap_get(e->queue_map, ev->queues[i]) == NULL;
		return new_queues == 0 || engine_room(e, LIMIT_QUEUES, new_queues);
	default:
		return true;
	}
}

/* Sequence bookkeeping; false for a duplicate to skip. */
static bool
engine_feed_sequence(struct feed *f, bool has_seq, int64_t seq)
{
	if (!has_seq)
		return true;
	if (f->seen_seq && seq == 1)
		f->info.restarts++;
	else if (f->seen_seq && seq <= f->last_seq) {
		f->info.duplicates++;
		return false;
	} else if (f->seen_seq && seq > f->last_seq + 1)
		f->info.gaps += seq - f->last_seq - 1;
	f->seen_seq = true;
	f->last_seq = seq;
	return true;
}

/* The feed of an event from src, made if there is room; NULL (counted)
 * when the feeds are at their limit. */
static struct feed *
engine_feed(struct engine *e, const char *src)
{
	struct feed *f = engine_feed_find(e, src);

	if (f == NULL && engine_room(e, LIMIT_FEEDS, 1))
		f = engine_feed_new(e, src);
	return f;
}

void
engine_reject(struct engine *e, const char *src, bool has_seq, int64_t seq)
{
	struct feed *f = src != NULL ? engine_feed(e, src) : NULL;

	/* Rejects from no readable src, or past the feeds limit, go to "?". */
	if (f == NULL) {
		if (e->unknown == NULL && (e->unknown = engine_feed_find(e,
		    "?")) == NULL)
			e->unknown = engine_feed_new(e, "?");
		f = e->unknown;
	} else if (has_seq && seq >= 1)
		engine_feed_sequence(f, true, seq);
	f->info.rejected++;
	engine_feed_changed(e, f);
}

/* ---- the clock ------------------------------------------------------- */

static void
engine_expire_calls(struct engine *e)
{
	struct call *c;

	/* A call waiting past call_timeout is lost; a conversation with no
	 * call.ended by then is forgotten (it was counted when answered). */
	while ((c = e->live_head) != NULL &&
	    c->touched < e->now - e->config->call_timeout_ms) {
		if (c->waiting) {
			c->feed->info.lost++;
			engine_feed_changed(e, c->feed);
		}
		engine_call_forget(e, c);
	}
}

static int
engine_keep_recent(const struct u64map_entry *r, void *arg)
{
	const struct engine *e = arg;

	return (int64_t)r->v[RECENT_END] >= e->now - CALL_MEMORY_MS;
}

static int
engine_keep_caller(const struct u64map_entry *c, void *arg)
{
	const struct engine *e = arg;

	return (int64_t)c->v[CALLER_TS] >= e->now - e->max_repeat_window;
}

/*
 * Every few minutes, forget calls ended long enough ago; callers, every
 * eighth of the repeat window (3 h for the default 24 h), so each is walked
 * about eight times in its life, not 144, at the cost of holding up to an
 * eighth more. Both maps are read with their times checked, so when a sweep
 * runs changes what is held, never a figure.
 */
static void
engine_sweep(struct engine *e)
{
	if (e->now >= e->next_sweep) {
		e->next_sweep = e->now + SWEEP_MS;
		u64map_filter(&e->recent, engine_keep_recent, e);
	}
	if (e->now >= e->next_caller_sweep) {
		int64_t every = e->max_repeat_window / 8;

		e->next_caller_sweep = e->now + (every > SWEEP_MS ? every : SWEEP_MS);
		u64map_filter(&e->callers, engine_keep_caller, e);
	}
}


/* engine_advance, without the interval boundaries. */
static void
engine_advance_clock(struct engine *e, int64_t now)
{
	if (now <= e->now)
		return;
	e->now = now;
	if (now >= e->next_day_start) {
		/* Straight to the day `now` is in, however far the jump. */
		e->day_start = tz_day_start(e->tz, e->config->day_start_minutes, now);
		e->next_day_start = tz_next_day_start(e->tz,
		    e->config->day_start_minutes, e->day_start);
	}
	engine_staff_mark(e);
	engine_expire_calls(e);
	engine_sweep(e);
	engine_feeds_stale(e);
}

void
engine_advance(struct engine *e, int64_t now)
{
	/* Each interval boundary passed is stopped at: the interval's
	 * figures are the window there (entries at the boundary in). */
	while (e->history_next < now)
		engine_history_take(e, now);
	engine_advance_clock(e, now);
}

enum engine_result
engine_apply(struct engine *e, const struct event *ev)
{
	struct feed *f;

	/* The maps of a big floor's calls, agents and callers are far bigger
	 * than the cache: start loading the slots the event will look up
	 * while its feed's bookkeeping runs. */
	if (ev->call != NULL)
		strmap_prefetch(e->calls, ev->call);
	if (ev->call != NULL && (ev->type == EVENT_CALL_ENDED ||
	    ev->type == EVENT_SURVEY))
		u64map_prefetch(&e->recent, strmap_hash(ev->call,
		    strlen(ev->call)));
	if (ev->agent != NULL)
		strmap_prefetch(e->agent_map, ev->agent);
	if (ev->caller != NULL)
		u64map_prefetch(&e->callers, strmap_hash(ev->caller,
		    strlen(ev->caller)));
	f = engine_feed(e, ev->src);

	if (f == NULL)
		return ENGINE_REFUSED;
	engine_feed_changed(e, f);
	if (!engine_feed_sequence(f, ev->has_seq, ev->seq))
		return ENGINE_DUPLICATE;
	f->info.events++;
	if (ev->type == EVENT_UNKNOWN) {
		f->info.ignored++;
		return ENGINE_IGNORED;
	}
	engine_advance(e, ev->ts);
	f->info.last_event = e->last_event = e->now;
	engine_feed_heard(e, f);
	e->ev_call_known = e->ev_agent_known = false;
	if (!engine_admit(e, ev)) {
		f->info.refused++;
		return ENGINE_REFUSED;
	}
	e->cur_feed = f;
	enum engine_result r = ENGINE_APPLIED;
	switch (ev->type) {
	case EVENT_CALL_QUEUED:
		engine_call_queued(e, f, ev);
		break;
	case EVENT_CALL_ANSWERED:
		r = engine_call_answered(e, ev);
		break;
	case EVENT_CALL_ABANDONED:
		r = engine_call_left(e, ev, KPI_ABANDONED);
		break;
	case EVENT_CALL_EXITED:
		r = engine_call_left(e, ev, KPI_EXITED);
		break;
	case EVENT_CALL_ENDED:
		r = engine_call_ended(e, ev);
		break;
	case EVENT_AGENT_STATE:
		engine_agent_state(e, ev);
		break;
	case EVENT_SURVEY:
		engine_survey(e, ev);
		break;
	default:
		break;
	}
	e->cur_feed = NULL;
	if (r == ENGINE_ORPHAN)
		f->info.orphans++;
	return r;
}

/* ---- history (issue 19) ------------------------------------------------ */

/* The first base boundary after t in history's day. */
static void
engine_history_start(struct engine *e)
{
	int64_t n;

	if (e->history == NULL)
		e->history = history_new(e->day_start, e->next_day_start);
	else
		history_day(e->history, e->day_start, e->next_day_start);
	history_set_abandon_max(e->history,
	    (size_t)e->config->history_max_abandoned);
	n = (e->now - e->day_start) / HISTORY_BASE_MS + 1;
	e->history_next = e->day_start + n * HISTORY_BASE_MS;
	if (e->history_next > e->next_day_start)
		e->history_next = e->next_day_start;
}

/*
 * Stop the clock at the next boundary, on the way to now, and keep every
 * scope's 15-minute window there. After a day's last boundary, history
 * starts the next day. A silence of more than a day skips to now: the
 * boundaries in between hold nothing a board showed.
 */
static void
engine_history_take(struct engine *e, int64_t now)
{
	int64_t b = e->history_next;
	struct kpi_sums sums;

	if (now - b > 24 * 3600 * 1000LL) {
		engine_advance_clock(e, now);
		engine_history_start(e);
		if (e->agent_intervals) {
			for (size_t i = 0; i < e->n_agents; i++)
				if (e->agents[i]->iv != NULL)
					memset(e->agents[i]->iv, 0, HA_COUNT *
					    sizeof *e->agents[i]->iv);
			engine_keep_agent_intervals(e);
		}
		return;
	}
	engine_advance_clock(e, b);
	for (size_t i = 0; i < e->n_scopes; i++) {
		kpi_set_read(engine_kpi(e, e->scopes[i]), e->history_window, &sums);
		history_record(e->history, i, b, &sums);
	}
	if (e->agent_intervals)
		engine_agent_iv_take(e, b);
	if (b >= history_day_end(e->history)) {
		engine_history_start(e);
		return;
	}
	e->history_next = b + HISTORY_BASE_MS;
	if (e->history_next > e->next_day_start)
		e->history_next = e->next_day_start;
}

const struct history *
engine_history(const struct engine *e)
{
	return e->history;
}

void
engine_scope_figures_of(const struct engine *e, size_t i,
    const struct kpi_sums *sums, struct kpi_figures *out)
{
	const struct scope *s = e->scopes[i];
	enum sl_formula formula = s->kind == SCOPE_QUEUE ? s->settings.sl_formula :
	    e->config->defaults.sl_formula;

	kpi_figures_compute(sums, formula, s->kind == SCOPE_QUEUE,
	    s->kind != SCOPE_TEAM || s->has_queues, out);
}

/* ---- life ------------------------------------------------------------ */

struct engine *
engine_new(const struct config *config, int64_t now)
{
	static uint64_t serial;
	struct engine *e = xcalloc(1, sizeof *e);
	char err[256];

	e->serial = ++serial;
	e->config = config;
	e->tz = tz_load(config->timezone, err, sizeof err);
	if (e->tz == NULL) {
		log_msg(LOG_WARNING, "wallboard: %s; 'today' follows UTC", err);
		e->tz = tz_load("UTC", NULL, 0);
	}
	e->now = now;
	e->started = now;
	e->day_start = tz_day_start(e->tz, config->day_start_minutes, now);
	e->next_day_start = tz_next_day_start(e->tz, config->day_start_minutes,
	    e->day_start);
	engine_staff_mark(e);
	e->n_windows = config->n_windows;
	e->window_lengths = xcalloc(e->n_windows + 1, sizeof *e->window_lengths);
	e->history_window = e->n_kpi_windows = e->n_windows;
	for (size_t i = 0; i < e->n_windows; i++) {
		e->window_lengths[i] = config->windows[i].length_ms;
		if (e->window_lengths[i] == HISTORY_BASE_MS)
			e->history_window = i;
	}
	if (e->history_window == e->n_windows)
		e->window_lengths[e->n_kpi_windows++] = HISTORY_BASE_MS;
	engine_history_start(e);
	e->max_repeat_window = config->defaults.repeat_window_ms;
	for (size_t i = 0; i < config->n_queues; i++)
		if (config->queues[i].settings.repeat_window_ms > e->max_repeat_window)
			e->max_repeat_window = config->queues[i].settings.repeat_window_ms;
	e->next_sweep = now + SWEEP_MS;
	e->next_caller_sweep = now + SWEEP_MS;
	e->queue_map = strmap_new_borrowing();
	e->team_map = strmap_new_borrowing();
	e->agent_map = strmap_new_borrowing();
	e->feed_map = strmap_new();
	e->calls = strmap_new_borrowing();
	engine_scopes_from_config(e);
	engine_agents_from_config(e);
	return e;
}

static void
engine_free_values(struct strmap *map)
{
	size_t pos = 0;
	void *value;

	while (strmap_next(map, &pos, NULL, &value))
		free(value);
}

void
engine_free(struct engine **ep)
{
	struct engine *e = ep ? *ep : NULL;

	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n_scopes; i++)
		engine_scope_free(e->scopes[i]);
	for (size_t i = 0; i < e->n_agents; i++)
		engine_agent_free(e->agents[i]);
	engine_free_values(e->feed_map);
	engine_free_values(e->calls);
	u64map_clear(&e->recent);
	u64map_clear(&e->callers);
	strmap_free(&e->queue_map);
	strmap_free(&e->team_map);
	strmap_free(&e->agent_map);
	strmap_free(&e->feed_map);
	strmap_free(&e->calls);
	free(e->scopes);
	free(e->changed);
	free(e->agents);
	free(e->feeds);
	free(e->window_lengths);
	history_free(&e->history);
	tz_free(&e->tz);
	free(e);
	*ep = NULL;
}

/* ---- reading ----------------------------------------------------------- */

int64_t engine_now(const struct engine *e) { return e->now; }
int64_t engine_day_start(const struct engine *e) { return e->day_start; }
const struct config *engine_config(const struct engine *e) { return e->config; }
size_t engine_scope_count(const struct engine *e) { return e->n_scopes; }
size_t engine_agent_count(const struct engine *e) { return e->n_agents; }
size_t engine_feed_count(const struct engine *e) { return e->n_feeds; }
size_t engine_call_count(const struct engine *e) { return strmap_count(e->calls); }

void
engine_scope_info(const struct engine *e, size_t i, struct scope_info *out)
{
	const struct scope *s = e->scopes[i];

	out->kind = s->kind;
	out->key = s->key;
	out->name = s->name;
	out->label = s->label;
	out->settings = &s->settings;
	out->queue_outcomes_known = s->kind != SCOPE_TEAM || s->has_queues;
	/* all, and a scope no event has named yet (its figures are the
	 * site's silence), rest on every feed heard from */
	out->site_feeds = s->kind == SCOPE_ALL || s->n_feeds == 0 ||
	    s->feeds_overflow;
	out->last_event = out->site_feeds ? e->last_event : s->last_event;
}

bool
feed_silent(const struct feed_info *f, int64_t now, int64_t stale_after_ms)
{
	return f->last_event > 0 && now - f->last_event >= stale_after_ms;
}

bool
engine_feed_stale(const struct engine *e, size_t f)
{
	return e->feeds[f]->stale;
}

size_t
engine_feeds_stale_count(const struct engine *e)
{
	return e->n_stale;
}

size_t
engine_heard_feeds(const struct engine *e, size_t *out, size_t cap)
{
	size_t n = 0;

	for (const struct feed *f = e->thead; f != NULL && n < cap;
	    f = f->tnext)
		out[n++] = f->index;
	return n;
}

size_t
engine_feeds_heard(const struct engine *e)
{
	return e->n_heard;
}

size_t
engine_silent_feeds(const struct engine *e, int64_t now, size_t *out,
    size_t cap)
{
	const struct feed *f;
	size_t n = e->n_stale, k = 0;

	if (now < e->now)
		now = e->now;
	for (f = e->fresh; f != NULL && feed_silent(&f->info, now,
	    e->config->feeds_stale_after_ms); f = f->tnext)
		n++;
	for (f = e->thead; f != NULL && k < cap && k < n; f = f->tnext)
		out[k++] = f->index;
	return n;
}

int64_t
engine_next_stale(const struct engine *e)
{
	return e->fresh != NULL ? e->fresh->info.last_event +
	    e->config->feeds_stale_after_ms : INT64_MAX;
}

uint64_t
engine_feed_changes(const struct engine *e)
{
	return e->changes;
}

uint64_t
engine_serial(const struct engine *e)
{
	return e->serial;
}

long
engine_feed_index(struct engine *e, const char *name)
{
	struct feed *f = engine_feed_find(e, name);

	return f != NULL ? (long)f->index : -1;
}

void
engine_feeds_changed(const struct engine *e, uint64_t since,
    void (*fn)(void *, size_t), void *arg)
{
	for (const struct feed *f = e->ctail; f != NULL && f->changed > since;
	    f = f->cprev)
		fn(arg, f->index);
}

size_t
engine_scope_feeds(const struct engine *e, size_t i, size_t *out, size_t cap)
{
	const struct scope *s = e->scopes[i];
	size_t n = 0;

	if (s->kind == SCOPE_ALL || s->feeds_overflow)
		return 0;
	for (size_t k = 0; k < s->n_feeds && n < cap; k++)
		out[n++] = s->feeds[k]->index;
	return n;
}

long
engine_scope_find(const struct engine *e, const char *key)
{
	for (size_t i = 0; i < e->n_scopes; i++)
		if (strcmp(e->scopes[i]->key, key) == 0)
			return (long)i;
	return -1;
}

/* Waiting calls and the oldest one's age, over the queues a scope shows. */
static void
engine_scope_waiting(const struct engine *e, const struct scope *s,
    struct scope_now *out)
{
	struct scope *const *queues = s->queues;
	size_t n = s->n_queues;
	struct scope *self = (struct scope *)s;

	if (s->kind == SCOPE_QUEUE) {
		queues = &self;
		n = 1;
	} else if (s->kind == SCOPE_ALL) {
		queues = e->scopes;
		n = e->n_scopes;
	}
	for (size_t i = 0; i < n; i++) {
		const struct scope *q = queues[i];

		if (q->kind != SCOPE_QUEUE || q->wait_head == NULL)
			continue;
		out->waiting += q->waiting;
		int64_t age = e->now - q->wait_head->queued_ts;
		if (age > out->longest_wait_ms)
			out->longest_wait_ms = age;
	}
}

void
engine_scope_now(const struct engine *e, size_t i, struct scope_now *out)
{
	const struct scope *s = e->scopes[i];

	memset(out, 0, sizeof *out);
	out->waiting_known = s->kind != SCOPE_TEAM || s->has_queues;
	if (out->waiting_known)
		engine_scope_waiting(e, s, out);
	for (int k = 0; k < AGENT_STATE_COUNT; k++) {
		out->agents[k] = s->agents[k];
		if (k != AGENT_OFFLINE)
			out->staffed += s->agents[k];
	}
}

void
engine_scope_figures(struct engine *e, size_t i, size_t w, struct kpi_figures *out)
{
	struct scope *s = e->scopes[i];
	struct kpi_sums sums;
	enum sl_formula formula = s->kind == SCOPE_QUEUE ? s->settings.sl_formula :
	    e->config->defaults.sl_formula;

	kpi_set_read(engine_kpi(e, s), engine_kpi_window(e, w), &sums);
	kpi_figures_compute(&sums, formula, s->kind == SCOPE_QUEUE,
	    s->kind != SCOPE_TEAM || s->has_queues, out);
}

uint64_t
engine_scope_counts_stamp(const struct engine *e, size_t i, size_t w)
{
	return kpi_set_counts_stamp(e->scopes[i]->kpi, engine_kpi_window(e, w));
}

bool
engine_scope_counts_same(const struct engine *e, size_t i, size_t w,
    uint64_t stamp)
{
	return kpi_set_counts_same(e->scopes[i]->kpi, engine_kpi_window(e, w),
	    stamp, e->now);
}

void
engine_scope_slide(struct engine *e, size_t i, size_t w)
{
	struct kpi_sums none;

	kpi_set_read_some(engine_kpi(e, e->scopes[i]), engine_kpi_window(e, w),
	    0, 0, &none);
}

/* The configured window nearest in length to `length` (the staffing
 * windows: 15 minutes of arrivals, an hour of handling). */
static size_t
engine_window_near(const struct engine *e, int64_t length)
{
	size_t best = e->n_windows;     /* today, when there are no windows */
	int64_t gap = INT64_MAX;

	for (size_t i = 0; i < e->n_windows; i++) {
		int64_t d = llabs(e->window_lengths[i] - length);

		if (d < gap) {
			gap = d;
			best = i;
		}
	}
	return best;
}

/* A window's span at time t: its length, or less early in the engine's
 * life. */
static double
engine_window_seconds_at(const struct engine *e, size_t w, int64_t t)
{
	int64_t span = w < e->n_windows ? e->window_lengths[w] : t - e->day_start;

	if (t - e->started < span)
		span = t - e->started;
	return (double)span / 1000.0;
}

/*
 * Agents a queue needs now to meet its SL target: arrivals of the last 15
 * minutes, the last hour's handle time (talk + wrap), and Erlang A when the
 * hour had abandons (mean patience estimated from them), else Erlang C.
 * Unknown without handled calls to learn the handle time from.
 *
 * As of the moment it is asked, whoever asks: the inputs are read each
 * time (two window reads), and the figure is worked out only when someone
 * asks for it (a snapshot, an understaffed alert's words), once per inputs.
 * Whether a given number of agents is short (all an alert needs to judge)
 * takes one Erlang evaluation at that number at most, and what each answer
 * says about the figure (needed > short_n, needed <= ok_n) is kept while
 * the inputs stay the same. (Until issue 18 the inputs were read at most
 * every 5 s and the figure searched for each time, on the event path.)
 */
/* Take queue q's staffing inputs as they are at `mark` (or at its clock,
 * if that is already later: only at the engine's start). */
static void
engine_queue_capture(struct engine *e, struct scope *q, int64_t mark)
{
	struct kpi_sums arr, hour;
	size_t wa = engine_window_near(e, 15 * 60 * 1000LL);
	size_t wh = engine_window_near(e, 60 * 60 * 1000LL);
	double span, rate = 0, aht_s = 0, patience_s = 0;
	unsigned hour_kinds;
	int64_t at = mark;
	bool known, traffic;

	kpi_set_advance(q->kpi, mark, e->day_start);
	if (kpi_set_clock(q->kpi) > at)
		at = kpi_set_clock(q->kpi);
	q->staffing_mark = mark;
	q->staff_dirty = false;
	/* Only the sums staffing reads: a few cache lines of the set, not
	 * all its sums and the longest wait's search (most queues are cold
	 * on a big floor, and this runs at most marks for each). Patience's
	 * waits only when the hour had abandons (else it is infinite). */
	kpi_set_read_some(q->kpi, engine_kpi_window(e, wa),
	    1u << KS_ARRIVALS, 0, &arr);
	kpi_set_read_some(q->kpi, engine_kpi_window(e, wh),
	    1u << KS_HANDLED | 1u << KS_TALK_MS | 1u << KS_ABANDONED,
	    1u << KT_WRAP_ATTR, &hour);
	hour.n[KS_WAIT_ANSWERED_MS] = hour.n[KS_WAIT_ABANDONED_MS] = 0;
	if (hour.n[KS_ABANDONED] > 0)
		kpi_set_read_some(q->kpi, engine_kpi_window(e, wh),
		    1u << KS_WAIT_ANSWERED_MS | 1u << KS_WAIT_ABANDONED_MS, 0,
		    &hour);
	/* When these sums next change with no event: the windows sliding
	 * past an entry they count (an arrival out of the first; a handled
	 * call, an abandon, a change to wrap attributed, and with abandons an
	 * answer's wait, out of the hour: not the agents' other states, which
	 * most entries are on a floor of many queues), and wrap time
	 * attributed to the queue (it grows while agents wrap its calls).
	 * Known now, while the set is at the mark. */
	hour_kinds = 1u << KPI_HANDLED | 1u << KPI_ABANDONED | 1u << KPI_STATE |
	    (hour.n[KS_ABANDONED] > 0 ? 1u << KPI_ANSWERED : 0);
	if (wh == wa)
		q->staff_moves = kpi_set_moves_of(q->kpi,
		    engine_kpi_window(e, wa), 1u << KT_WRAP_ATTR,
		    1u << KPI_ARRIVAL | hour_kinds);
	else {
		int64_t m = kpi_set_moves_of(q->kpi, engine_kpi_window(e, wh),
		    1u << KT_WRAP_ATTR, hour_kinds);

		/* Moving now (an agent wraps one of its calls, most marks of
		 * a busy queue): nothing sooner, so the arrivals' window
		 * need not be scanned (its far edge is cold). */
		q->staff_moves = m;
		if (m > kpi_set_clock(q->kpi)) {
			int64_t ma = kpi_set_moves_of(q->kpi,
			    engine_kpi_window(e, wa), 0, 1u << KPI_ARRIVAL);

			q->staff_moves = ma < m ? ma : m;
		}
	}
	span = engine_window_seconds_at(e, wa, at);
	known = hour.n[KS_HANDLED] > 0 || arr.n[KS_ARRIVALS] == 0;
	traffic = hour.n[KS_HANDLED] > 0 && arr.n[KS_ARRIVALS] > 0 && span > 0;
	if (traffic) {
		rate = (double)arr.n[KS_ARRIVALS] / span;
		aht_s = (double)(hour.n[KS_TALK_MS] + hour.time_ms[KT_WRAP_ATTR]) /
		    (double)hour.n[KS_HANDLED] / 1000.0;
		patience_s = erlang_patience_estimate_s(hour.n[KS_ABANDONED],
		    hour.n[KS_WAIT_ANSWERED_MS] + hour.n[KS_WAIT_ABANDONED_MS]);
	}
	/* The same inputs: the same answers, kept. */
	if (q->staffing_read && known == q->staffing_known &&
	    traffic == q->staff_traffic && rate == q->staff_rate &&
	    aht_s == q->staff_aht_s && (patience_s == q->staff_patience_s ||
	    (isinf(patience_s) && isinf(q->staff_patience_s))))
		return;
	q->staffing_read = true;
	q->staffing_known = known;
	q->staff_traffic = traffic;
	q->staff_rate = rate;
	q->staff_aht_s = aht_s;
	q->staff_patience_s = patience_s;
	q->needed_done = !traffic;
	q->agents_needed = 0;
	q->short_n = -1;
	q->ok_n = traffic ? INT64_MAX : 0;
}

/* The inputs as at the last mark: bringing the queue's windows to the
 * clock (engine_kpi) takes them on the way when a mark has passed. */
static void
engine_queue_staffing_inputs(struct engine *e, struct scope *q)
{
	engine_kpi(e, q);
}

static bool
engine_queue_staffing(struct engine *e, struct scope *q, int64_t *needed)
{
	const struct queue_settings *qs = &q->settings;

	engine_queue_staffing_inputs(e, q);
	if (!q->needed_done) {
		/* erlang_a_agents_needed is Erlang C for an infinite patience. */
		q->agents_needed = erlang_a_agents_needed(q->staff_rate,
		    q->staff_aht_s, q->staff_patience_s, qs->sl_target,
		    (double)qs->sl_threshold_ms / 1000.0, STAFFING_MAX_AGENTS);
		q->needed_done = true;
		q->short_n = q->agents_needed - 1;
		q->ok_n = q->agents_needed;
	}
	*needed = q->agents_needed;
	return q->staffing_known;
}

/* Whether `staffed` agents are fewer than the queue needs (and that is
 * known): as staffed < engine_queue_staffing's figure. */
static bool
engine_queue_short(struct engine *e, struct scope *q, int64_t staffed)
{
	const struct queue_settings *qs = &q->settings;
	bool meet;

	engine_queue_staffing_inputs(e, q);
	if (!q->staffing_known)
		return false;
	if (staffed >= q->ok_n)
		return false;
	if (staffed <= q->short_n)
		return true;
	meet = staffed > STAFFING_MAX_AGENTS || erlang_agents_meet((int)staffed,
	    q->staff_rate, q->staff_aht_s, q->staff_patience_s, qs->sl_target,
	    (double)qs->sl_threshold_ms / 1000.0, STAFFING_MAX_AGENTS);
	if (meet)
		q->ok_n = staffed;
	else
		q->short_n = staffed;
	return !meet;
}

bool
engine_scope_short_of_staff(struct engine *e, size_t i, int64_t *staffed,
    bool *short_of_staff)
{
	struct scope *q = e->scopes[i];

	if (q->kind != SCOPE_QUEUE)
		return false;
	*staffed = 0;
	for (int k = 0; k < AGENT_STATE_COUNT; k++)
		if (k != AGENT_OFFLINE)
			*staffed += q->agents[k];
	*short_of_staff = engine_queue_short(e, q, *staffed);
	return true;
}

int64_t
engine_scope_staffing_moves(struct engine *e, size_t i)
{
	struct scope *q = e->scopes[i];
	size_t wa;
	int64_t moves, next;

	if (q->kind != SCOPE_QUEUE)
		return INT64_MAX;
	wa = engine_window_near(e, 15 * 60 * 1000LL);
	/* Inputs are taken at each mark (every STAFFING_MARK_MS): the next
	 * mark sees what changed since, and every mark while the arrivals'
	 * span still grows. */
	next = (q->staffing_mark / STAFFING_MARK_MS + 1) * STAFFING_MARK_MS;
	if (!q->staffing_read || q->staff_dirty ||
	    (wa < e->n_windows && next - e->started < e->window_lengths[wa]))
		return next;
	/* Else what the clock alone changes (staff_moves), seen at the first
	 * mark at or after it. */
	moves = q->staff_moves;
	if (moves == INT64_MAX)
		return INT64_MAX;
	moves = (moves + STAFFING_MARK_MS - 1) / STAFFING_MARK_MS * STAFFING_MARK_MS;
	return moves > next ? moves : next;
}

int64_t
engine_scope_window_moves(struct engine *e, size_t i, size_t w, bool timed)
{
	return kpi_set_moves(e->scopes[i]->kpi, engine_kpi_window(e, w),
	    timed ? ~0u : 0);
}

size_t
engine_take_changed(struct engine *e, const size_t **out)
{
	size_t n = e->n_changed;

	for (size_t k = 0; k < n; k++)
		e->scopes[e->changed[k]]->changed = false;
	e->n_changed = 0;
	*out = e->changed;
	return n;
}

bool
engine_scope_agents_needed(struct engine *e, size_t i, int64_t *needed)
{
	struct scope *s = e->scopes[i];
	bool known = false;
	int64_t n;

	*needed = 0;
	if (s->kind == SCOPE_QUEUE)
		return engine_queue_staffing(e, s, needed);
	/* all and teams: the sum over the queues they show */
	for (size_t k = 0; k < (s->kind == SCOPE_ALL ? e->n_scopes : s->n_queues); k++) {
		struct scope *q = s->kind == SCOPE_ALL ? e->scopes[k] : s->queues[k];

		if (q->kind == SCOPE_QUEUE && engine_queue_staffing(e, q, &n)) {
			*needed += n;
			known = true;
		}
	}
	return known;
}

bool
engine_agent_matches(const struct engine *e, size_t i, const char *pattern)
{
	const struct agent *a = e->agents[i];

	if (strcmp(pattern, "all") == 0)
		return true;
	if (a->team != NULL && config_scope_match(pattern, a->team->key))
		return true;
	for (size_t k = 0; k < a->n_queues; k++)
		if (config_scope_match(pattern, a->queues[k]->key))
			return true;
	return false;
}

void
engine_agent_info(const struct engine *e, size_t i, struct agent_info *out)
{
	const struct agent *a = e->agents[i];

	out->id = a->id;
	out->name = a->name;
	out->team = a->team ? a->team->name : NULL;
	out->state = a->state;
	out->since = a->since;
	out->reason = a->reason;
	out->handled_today = a->handled_day == e->day_start ? a->handled_today : 0;
	out->n_queues = a->n_queues;
	out->feed = a->feed ? (long)a->feed->index : -1;
}

const char *
engine_agent_queue(const struct engine *e, size_t i, size_t k)
{
	return e->agents[i]->queues[k]->name;
}

void
engine_feed_info(const struct engine *e, size_t i, struct feed_info *out)
{
	*out = e->feeds[i]->info;
}

void
engine_memory(const struct engine *e, struct engine_memory *m)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < e->n_scopes; i++) {
		m->windows += sizeof *e->scopes[i] + kpi_set_memory(e->scopes[i]->kpi);
		m->log_entries += kpi_set_entries(e->scopes[i]->kpi);
	}
	m->live_calls = strmap_count(e->calls);
	m->calls = m->live_calls * (sizeof(struct call) + 64);
	m->recent_calls = e->recent.count;
	m->callers = e->callers.count;
	m->memories = u64map_memory(&e->recent) + u64map_memory(&e->callers);
	m->agents = e->n_agents * (sizeof(struct agent) + 64);
	if (e->agent_intervals)         /* a rebuilt day's, never the live */
		m->agents += e->n_agents * HA_COUNT * sizeof(int64_t);
	m->history = history_memory(e->history);
	m->total = sizeof *e + m->windows + m->calls + m->memories + m->agents +
	    m->history;
}
