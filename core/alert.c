/*
 * alert.c: alert rules judged on the engine's scopes, and the feed watches.
 *
 * Every evaluation walks each rule over the scopes its pattern matches and
 * steps the matching alert (made only when its condition first holds), then
 * watches each feed, then sweeps the list for what the clock alone changes
 * (resolved alerts leaving, counter alerts going quiet). State changes are
 * found by comparing each alert's state with the one it had before the
 * evaluation, so an alert that appears and fires in one evaluation is one
 * transition, NONE -> FIRING. See docs/alerts.md for the rules of the game.
 */
#include "alert.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dueheap.h"
#include "strmap.h"
#include "text.h"
#include "xalloc.h"

#define ALERT_TEXT_MAX 512

enum alert_kind {
	KIND_RULE,              /* a configured rule on an engine scope */
	KIND_FEED_STALE,
	KIND_FEED_GAPS,
	KIND_CALLS_LOST,
	KIND_UNDERSTAFFED,
	KIND_FEEDS_SILENT,      /* the stale feeds past ALERTS_FEEDS_MAX */
	KIND_LIMIT,             /* names refused at a limit (engine.h) */
	KIND_DAEMON,            /* the daemon's own trouble: alerts_daemon */
};

/*
 * Alerts about single feeds, of each kind, at most: past it one alert
 * speaks for the rest ("1,234 more feeds silent"), so that a feed
 * inventing names cannot make thousands of alerts of them.
 */
#define ALERTS_FEEDS_MAX 32
/* The name that alert has in place of a feed's. */
#define ALERTS_MORE "*"


struct alert {
	char *id;
	char *rule;
	char *scope;
	enum alert_kind kind;
	const struct config_alert *config; /* KIND_RULE: its rule; else NULL */
	enum alert_severity severity;
	enum alert_state state;
	enum alert_state was;   /* before this evaluation; ALERT_NONE if new */
	bool seen;              /* judged in this evaluation */
	int64_t since, fired_at, resolved_at;
	int64_t fires_at;       /* pending: when it fires if the breach holds */
	int64_t last_rise;      /* counter alerts: the latest rise */
	bool has_value;
	double value;
	double threshold, clear; /* rules: the levels on this scope */
	char *text;
	unsigned text_no;       /* counts the changes of text */
	int64_t said[2];        /* understaffed: the figures text was made of */
	/* rules: what the text was last made of (alerts_rule_said); formatting
	 * it at every judgement was half of a restart's replay */
	struct alerts_rule_said {
		bool ok;
		unsigned char form;     /* resolved, breaching, recovering */
		bool has_value;
		double value, threshold, clear;
		/* the scope's label it named: a scope's label is the same
		 * string for its engine's life */
		const char *label;
		uint64_t serial;
	} rule_said;
	/* what its episode's record was last brought up to (episode_sync) */
	struct alerts_synced {
		const void *ep, *config, *acked_by;
		enum alert_severity severity;
		enum alert_state state;
		int64_t since, fired_at, resolved_at, acked_at;
		bool has_value;
		double value, threshold, clear;
		unsigned text_no;
	} synced;
	size_t slot;            /* understaffed: its scope's index, for the
	                         * cache (alerts.staff) */
	char *acked_by;
	int64_t acked_at;
	bool began;             /* a new episode began in this evaluation */
	long feed;              /* KIND_FEED_STALE: the feed's index; else -1 */
	size_t index;           /* in the list, after every public call;
	                         * a new one's place at the end */
	uint64_t visited;       /* the visit (alerts.visits) it was last in */
	/* where the list last placed it: its sort keys then */
	bool placed;
	enum alert_severity placed_severity;
	enum alert_state placed_state;
	int64_t placed_since;
	size_t no;              /* its number in alerts.by_no */
	size_t made;            /* a rule's, made in this evaluation: its
	                         * place had rules been judged one by one */
	struct alerts_episode *ep; /* the current (or last) episode's record */
};

/*
 * One episode of one alert, for the day's history (alerts_history_*): from
 * the breach that began it to its resolution, with its number for the day
 * (the short id boards show and acks accept), the worst value it reached
 * and who acknowledged it. Kept after the alert has left the list, until
 * the day it belongs to is over.
 */
struct alerts_episode {
	unsigned no;
	char *id;
	size_t rule_len;        /* id[0..rule_len) is the rule */
	struct alert *owner;    /* the alert while it exists; else NULL */
	enum metric_kind kind;
	bool worst_high;        /* higher values are worse */
	struct alert_info info; /* strings owned below */
	char *text;
	unsigned text_no;       /* the owner's text_no when text was copied */
	char *acked_by;
};

/* A feed's counters as last seen, so that a rise can be told from history. */
struct alerts_feed {
	int64_t gaps, lost;
	bool stale_alert;       /* its KIND_FEED_STALE alert exists */
};

/* A transition, with copies of what it names (the alert may be gone). */
struct alerts_move {
	char *id;
	char *text;
	enum alert_state from, to;
	enum alert_severity severity;
};

struct alerts {
	const struct config *config;
	/* this evaluation's rules, resolved once (alerts_rules_ready) */
	struct alerts_rule *rules;
	bool *rule_ok;
	size_t cap_rules;
	/* [rule * cell_scopes + scope]: whether the rule takes the scope and
	 * its alert there, found once instead of by id at every judgement;
	 * for one engine and day (cell_serial, cell_day) and one config */
	struct alerts_cell {
		unsigned char known;    /* 0: not yet looked at; 1: not the
		                         * rule's scope; 2: its scope, and
		                         * its alert there is `no` */
		size_t no;              /* when known is 2: by_no + 1, or 0 */
		/* the rule's windowed figure as last read, and a stamp of
		 * what the window counted then (0: none; alerts_read) */
		bool has_value;
		double value;
		uint64_t stamp;
	} *cells;
	size_t cell_rules, cell_scopes;
	uint64_t cell_serial;
	int64_t cell_day;
	struct alert **list;    /* in list order after every public call */
	size_t n, cap;
	struct strmap *by_id;
	struct strmap *feeds;   /* feed name -> struct alerts_feed */
	/* the same by the engine's feed index (engine_serial's engine), found
	 * by name once: every evaluation looks at each feed that changed */
	struct alerts_feed **feed_of;
	size_t n_feed_of;
	bool baselined;         /* the first evaluation has seen the feeds */
	uint64_t feed_changes;  /* engine_feed_changes as last looked */
	uint64_t engine_serial; /* of the engine then */
	int64_t refused[LIMIT_COUNT]; /* engine's refusals as last looked */
	char *daemon_text;      /* alerts_daemon: NULL while all is well */
	/* in this evaluation: alerts about single feeds, by kind, and the
	 * stale feeds none speaks for */
	size_t feed_alerts[KIND_DAEMON + 1];
	int64_t silent_unnamed;
	struct engine *engine;  /* the one being evaluated */
	int64_t *due;
	bool changed;           /* news a board should get at once */
	int64_t next_due;
	struct alerts_move *moves;
	size_t n_moves, cap_moves;
	size_t n_moves_evaluated; /* moves[0..this) are the last evaluation's */
	/* understaffed alerts by the engine's scope index (an engine's scopes
	 * keep their indices): known[i] says staff[i] is the alert or NULL */
	struct alert **staff;
	unsigned char *staff_known;
	size_t staff_cap;
	uint64_t staff_serial;  /* the engine they index */
	/* Which scopes this evaluation judges: those events changed, those
	 * the clock made due (due), those with an alert, every one after a
	 * new engine, day or config (judge_all). judged[i] is the number of
	 * the evaluation that last listed scope i. */
	struct dueheap schedule;
	size_t *todo;
	size_t n_todo, cap_todo;
	uint64_t *judged;
	size_t cap_judged;
	uint64_t evaluation;
	bool judge_all;
	bool scheduled;         /* the schedule holds every scope left out */
	bool schedule_now;      /* this evaluation keeps it so */
	uint64_t todo_serial;   /* the engine, */
	int64_t todo_day;       /* the day and */
	size_t todo_scopes;     /* the scopes the schedule knows */
	/*
	 * What an evaluation looks at: the alerts it visits (visit[]), each
	 * once, its state then kept in was. Every alert when every scope is
	 * judged (full); else the alerts not on a scope (others[], a few:
	 * feeds, limits, the daemon), those on the scopes judged (found as
	 * they are judged), and those the clock moves (a resolved one
	 * leaving: expire, by no). An alert left out would not change.
	 */
	struct alert **visit;
	size_t n_visit, cap_visit;
	uint64_t visits;
	bool full;
	struct alert **others;
	size_t n_others, cap_others;
	struct dueheap expire;  /* resolved ones: when each leaves */
	struct dueheap fires;   /* pending ones on a scope: when each fires */
	uint64_t *marks;        /* settle: list places visited, a bit each */
	size_t cap_marks;
	struct alert **moved;   /* settle: those whose sort keys changed */
	size_t cap_moved;
	struct alert **by_no;
	size_t n_no, cap_no;
	size_t *free_no;
	size_t n_free_no;
	char *idbuf;            /* scratch for ids being looked up */
	size_t idcap;
	/* the day's episodes, oldest first */
	struct alerts_episode **history;
	size_t n_history, cap_history;
	unsigned next_no;       /* the next episode's number */
	int64_t now;            /* the latest evaluation's */
	int64_t day_start;      /* the day the history is of */
	uint64_t history_dropped;
};

/* A rule made ready for one evaluation against the engine's windows. */
struct alerts_rule {
	const struct config_alert *config;
	const struct metric_info *info;
	enum metric_id metric;
	size_t window;          /* engine_scope_figures' index */
};

/* What one evaluation found for one alert. */
struct alerts_reading {
	bool breach;            /* past the threshold: the condition holds */
	bool clear;             /* past the clear level: a firing alert resolves */
	bool has_value;
	double value;           /* as read; judged as shown (metric_shown) */
	double shown;           /* rules: value as shown */
	bool keep;              /* keep the alert's last value */
	const char *text;       /* NULL: the caller writes it after the step */
};

/* How each figure reads in a sentence: "Support SL 71%", "Sales 14 waiting". */
static const char *const alerts_nouns[M_COUNT] = {
	[M_OFFERED] = "offered",
	[M_ANSWERED] = "answered",
	[M_ANSWERED_IN_SL] = "answered in SL",
	[M_ABANDONED] = "abandoned",
	[M_SHORT_ABANDONED] = "short abandons",
	[M_ABANDONED_IN_SL] = "abandoned in SL",
	[M_EXITED] = "exited",
	[M_SERVICE_LEVEL] = "SL",
	[M_ASA_MS] = "ASA",
	[M_AVG_ABANDON_MS] = "average abandon wait",
	[M_MAX_WAIT_MS] = "max wait",
	[M_ABANDON_RATE] = "abandon rate",
	[M_HANDLED] = "handled",
	[M_TALK_MS] = "talk time",
	[M_WRAP_MS] = "wrap time",
	[M_AHT_MS] = "AHT",
	[M_OCCUPANCY] = "occupancy",
	[M_TRANSFER_RATE] = "transfer rate",
	[M_FCR] = "FCR",
	[M_REPEAT_RATE] = "repeat rate",
	[M_CSAT] = "CSAT",
	[M_CSAT_AVG] = "CSAT average",
	[M_WAITING] = "waiting",
	[M_LONGEST_WAIT_MS] = "longest wait",
};

/* ---- numbers for people ---------------------------------------------- */

/* Every figure in a sentence is written as the boards write it
 * (metric_format: one number, one rounding), and every level as the config
 * gave it (metric_format_level: 82.5% keeps its decimal). */

/* ---- the list -------------------------------------------------------- */

static void
alerts_due(int64_t *due, int64_t t)
{
	if (t < *due)
		*due = t;
}

/* "<rule>/<prefix><name>" in the scratch buffer. */
static const char *
alerts_id(struct alerts *a, const char *rule, const char *prefix,
    const char *name)
{
	size_t need = strlen(rule) + strlen(prefix) + strlen(name) + 2;

	if (need > a->idcap) {
		a->idcap = need * 2;
		a->idbuf = xrealloc(a->idbuf, a->idcap);
	}
	/* on every evaluation for every scope: no formatting */
	stpcpy(stpcpy(stpcpy(stpcpy(a->idbuf, rule), "/"), prefix), name);
	return a->idbuf;
}

/* An alert judged on a scope (a rule's, or understaffed). */
static bool
alerts_on_scope(const struct alert *al)
{
	return al->kind == KIND_RULE || al->kind == KIND_UNDERSTAFFED;
}

static void
alerts_push(struct alert ***v, size_t *n, size_t *cap, struct alert *al)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = al;
}

/* The alert is in this evaluation (or settle): its state now is the one
 * it had before, and it has not been judged yet. */
static void
alerts_visit(struct alerts *a, struct alert *al)
{
	if (al->visited == a->visits)
		return;
	al->visited = a->visits;
	al->was = al->state;
	al->seen = false;
	alerts_push(&a->visit, &a->n_visit, &a->cap_visit, al);
}

/* A new visit: nothing in it yet. */
static void
alerts_visits_begin(struct alerts *a)
{
	a->visits++;
	a->n_visit = 0;
}

static struct alert *
alerts_add(struct alerts *a, enum alert_kind kind, const char *rule,
    const char *id)
{
	struct alert *al = xcalloc(1, sizeof *al);

	al->id = xstrdup(id);
	al->rule = xstrdup(rule);
	al->scope = xstrdup(id + strlen(rule) + 1);
	al->kind = kind;
	al->severity = SEVERITY_WARNING;
	al->state = al->was = ALERT_NONE;
	al->feed = -1;
	al->slot = SIZE_MAX;
	strmap_put(a->by_id, al->id, al);
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->list = xrealloc(a->list, a->cap * sizeof *a->list);
	}
	al->index = a->n;
	a->list[a->n++] = al;
	if (a->n_free_no > 0)
		al->no = a->free_no[--a->n_free_no];
	else {
		if (a->n_no == a->cap_no) {
			a->cap_no = a->cap_no ? a->cap_no * 2 : 64;
			a->by_no = xrealloc(a->by_no, a->cap_no * sizeof *a->by_no);
			a->free_no = xrealloc(a->free_no,
			    a->cap_no * sizeof *a->free_no);
		}
		al->no = a->n_no++;
	}
	a->by_no[al->no] = al;
	if (!alerts_on_scope(al))
		alerts_push(&a->others, &a->n_others, &a->cap_others, al);
	alerts_visit(a, al);
	return al;
}

/* The alert of a rule on a scope, or NULL; made (in state NONE) if create.
 * Either way the alert is marked as judged. */
static struct alert *
alerts_lookup(struct alerts *a, enum alert_kind kind, const char *rule,
    const char *prefix, const char *name, bool create)
{
	const char *id = alerts_id(a, rule, prefix, name);
	struct alert *al = strmap_get(a->by_id, id);

	if (al == NULL && create)
		al = alerts_add(a, kind, rule, id);
	if (al != NULL) {
		alerts_visit(a, al);
		al->seen = true;
	}
	return al;
}

static void
alerts_alert_free(struct alert *al)
{
	free(al->id);
	free(al->rule);
	free(al->scope);
	free(al->text);
	free(al->acked_by);
	free(al);
}

static void
alerts_record(struct alerts *a, const struct alert *al)
{
	struct alerts_move *m;

	if (a->n_moves == a->cap_moves) {
		a->cap_moves = a->cap_moves ? a->cap_moves * 2 : 16;
		a->moves = xrealloc(a->moves, a->cap_moves * sizeof *a->moves);
	}
	m = &a->moves[a->n_moves++];
	m->id = xstrdup(al->id);
	m->text = al->text ? xstrdup(al->text) : NULL;
	m->from = al->was;
	m->to = al->state;
	m->severity = al->severity;
}

/* Forget the first n transitions. */
static void
alerts_forget_moves(struct alerts *a, size_t n)
{
	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		free(a->moves[i].id);
		free(a->moves[i].text);
	}
	memmove(a->moves, a->moves + n, (a->n_moves - n) * sizeof *a->moves);
	a->n_moves -= n;
}

static int
alerts_rank(enum alert_state state)
{
	return state == ALERT_FIRING ? 0 : state == ALERT_PENDING ? 1 : 2;
}

static int
alerts_compare(const void *pa, const void *pb)
{
	const struct alert *x = *(const struct alert *const *)pa;
	const struct alert *y = *(const struct alert *const *)pb;

	if (alerts_rank(x->state) != alerts_rank(y->state))
		return alerts_rank(x->state) - alerts_rank(y->state);
	if (x->severity != y->severity)
		return (int)y->severity - (int)x->severity;
	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void alerts_episode_begin(struct alerts *, struct alert *);
static void alerts_episode_end(struct alerts *, struct alert *);
static void alerts_episode_sync(struct alerts *, struct alert *);

/* An alert leaves: its number, its place among the others. */
static void
alerts_release(struct alerts *a, struct alert *al)
{
	dueheap_set(&a->expire, al->no, INT64_MAX);
	dueheap_set(&a->fires, al->no, INT64_MAX);
	a->by_no[al->no] = NULL;
	a->free_no[a->n_free_no++] = al->no;
	if (!alerts_on_scope(al))
		for (size_t k = 0; k < a->n_others; k++)
			if (a->others[k] == al) {
				memmove(a->others + k, a->others + k + 1,
				    (a->n_others - k - 1) * sizeof *a->others);
				a->n_others--;
				break;
			}
}

/* The visited alerts in list order: by a bit for each place. */
static void
alerts_visit_order(struct alerts *a)
{
	size_t words = (a->n + 63) / 64, k = 0;

	if (words > a->cap_marks) {
		a->marks = xrealloc(a->marks, words * sizeof *a->marks);
		memset(a->marks + a->cap_marks, 0,
		    (words - a->cap_marks) * sizeof *a->marks);
		a->cap_marks = words;
	}
	for (size_t v = 0; v < a->n_visit; v++)
		a->marks[a->visit[v]->index / 64] |=
		    1ULL << (a->visit[v]->index % 64);
	for (size_t w = 0; w < words; w++)
		while (a->marks[w] != 0) {
			int b = __builtin_ctzll(a->marks[w]);

			a->marks[w] &= a->marks[w] - 1;
			a->visit[k++] = a->list[w * 64 + (size_t)b];
		}
}

/*
 * Put the list back in order when the sort keys of `moved` (n_moved of
 * them, still in it) changed: the rest is in order (their keys did not
 * change), so the moved are taken out, sorted, and each put back where
 * it goes. The same order as sorting the whole list: alerts_compare
 * orders every two alerts (ids differ).
 */
static void
alerts_reorder(struct alerts *a, size_t n_moved)
{
	size_t rest = 0, out, m;

	for (size_t i = 0; i < a->n; i++) {
		struct alert *al = a->list[i];

		if (!(al->visited == a->visits && !al->placed))
			a->list[rest++] = al;
	}
	qsort(a->moved, n_moved, sizeof *a->moved, alerts_compare);
	/* merge from the back: rest in list[0..rest), moved after */
	out = a->n;
	m = n_moved;
	while (m > 0) {
		struct alert *al = a->moved[m - 1];
		size_t lo = 0, hi = rest;

		/* the first of list[0..rest) after al */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (alerts_compare(&a->list[mid], &al) > 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		while (rest > lo)
			a->list[--out] = a->list[--rest];
		a->list[--out] = al;
		m--;
	}
	for (size_t i = 0; i < a->n; i++)
		a->list[i]->index = i;
}

/* A feed's stale alert goes (alerts_feed_of's flag follows). */
static void
alerts_feed_gone(struct alerts *a, const struct alert *al)
{
	struct alerts_feed *w;

	if (strncmp(al->scope, "feed:", 5) == 0 &&
	    (w = strmap_get(a->feeds, al->scope + 5)) != NULL)
		w->stale_alert = false;
}

/*
 * Record every change of state, keep the day's history, let the alerts in
 * state NONE go, and put the rest in list order: of the alerts visited
 * (alerts_visit), in list order. The others did not change, so they need
 * none of it, and they stay in order among themselves.
 */
static void
alerts_settle(struct alerts *a)
{
	size_t kept = 0, n_moved = 0;
	bool removed = false;

	alerts_visit_order(a);
	if (a->n_visit > a->cap_moved) {
		a->cap_moved = a->cap_visit;
		a->moved = xrealloc(a->moved, a->cap_moved * sizeof *a->moved);
	}
	for (size_t v = 0; v < a->n_visit; v++) {
		struct alert *al = a->visit[v];

		if (al->began && al->state != ALERT_NONE)
			alerts_episode_begin(a, al);
		al->began = false;
		if (al->state != al->was)
			alerts_record(a, al);
		if (al->state == ALERT_NONE) {
			if (al->slot < a->staff_cap && a->staff[al->slot] == al)
				a->staff[al->slot] = NULL;
			alerts_episode_end(a, al);
			if (al->kind == KIND_FEED_STALE)
				alerts_feed_gone(a, al);
			strmap_delete(a->by_id, al->id);
			alerts_release(a, al);
			a->list[al->index] = NULL;
			alerts_alert_free(al);
			removed = true;
			continue;
		}
		alerts_episode_sync(a, al);
		a->visit[kept++] = al;
		if (!al->placed || al->state != al->placed_state ||
		    al->since != al->placed_since ||
		    al->severity != al->placed_severity) {
			al->placed = false;
			al->placed_state = al->state;
			al->placed_since = al->since;
			al->placed_severity = al->severity;
			a->moved[n_moved++] = al;
		}
	}
	a->n_visit = kept;
	if (removed) {
		size_t n = 0;

		for (size_t i = 0; i < a->n; i++)
			if (a->list[i] != NULL) {
				a->list[n] = a->list[i];
				a->list[n]->index = n;
				n++;
			}
		a->n = n;
	}
	if (n_moved > 0)
		alerts_reorder(a, n_moved);
	/* What a later evaluation must judge or visit by the clock: a
	 * pending alert's scope when it is to fire, a resolved alert when it
	 * leaves. */
	for (size_t v = 0; v < a->n_visit; v++) {
		struct alert *al = a->visit[v];

		al->placed = true;
		dueheap_set(&a->fires, al->no, alerts_on_scope(al) &&
		    al->state == ALERT_PENDING ? al->fires_at : INT64_MAX);
		dueheap_set(&a->expire, al->no, al->state == ALERT_RESOLVED ?
		    al->resolved_at + ALERT_RESOLVED_KEEP_MS : INT64_MAX);
	}
}

/* ---- the lifecycle --------------------------------------------------- */

static void
alerts_unack(struct alert *al)
{
	free(al->acked_by);
	al->acked_by = NULL;
	al->acked_at = 0;
}

/* A new episode: pending from now, nothing of the last one kept. */
static void
alerts_begin(struct alert *al, int64_t now)
{
	al->state = ALERT_PENDING;
	al->began = true;
	al->since = now;
	al->fired_at = al->resolved_at = 0;
	al->has_value = false;
	al->value = 0;
	alerts_unack(al);
}

static void
alerts_fire(struct alert *al, int64_t now)
{
	al->state = ALERT_FIRING;
	al->fired_at = now;
}

/* An ack belongs to the episode: it goes when the episode resolves. */
static void
alerts_resolve(struct alert *al, int64_t now)
{
	al->state = ALERT_RESOLVED;
	al->resolved_at = now;
	alerts_unack(al);
}

static void
alerts_set_text(struct alert *al, const char *text)
{
	if (al->text != NULL && strcmp(al->text, text) == 0)
		return;
	free(al->text);
	al->text = xstrdup(text);
	al->text_no++;
}

static void
alerts_set_value(struct alert *al, const struct alerts_reading *r)
{
	if (r->keep)
		return;
	al->has_value = r->has_value;
	al->value = r->value;
	if (r->text != NULL)
		alerts_set_text(al, r->text);
}

/*
 * One step of a condition alert (a rule, or a stale feed). A breach starts
 * an episode, which fires once it has held for_ms; a pending alert whose
 * breach stops is dropped without firing; a firing one resolves when the
 * reading is past the clear level. A resolved alert keeps the value and text
 * it resolved with.
 */
static void
alerts_step(struct alert *al, const struct alerts_reading *r, int64_t for_ms,
    int64_t now, int64_t *due)
{
	if (al->state == ALERT_NONE || al->state == ALERT_RESOLVED) {
		if (!r->breach)
			return;
		alerts_begin(al, now);
	}
	if (al->state == ALERT_PENDING && !r->breach) {
		al->state = ALERT_NONE;
		return;
	}
	alerts_set_value(al, r);
	if (al->state == ALERT_FIRING) {
		if (r->clear)
			alerts_resolve(al, now);
	} else if (now - al->since >= for_ms)
		alerts_fire(al, now);
	else {
		al->fires_at = al->since + for_ms;
		alerts_due(due, al->fires_at);
	}
}

/* ---- rules ----------------------------------------------------------- */


/* Ready a rule against the engine's windows; false if it cannot be read
 * (a metric or window the engine does not have). */
static bool
alerts_rule_resolve(const struct config_alert *c, const struct config *ec,
    struct alerts_rule *out)
{
	out->config = c;
	out->window = 0;
	if (c->name == NULL || c->metric == NULL || c->scope == NULL ||
	    (out->info = metric_find(c->metric)) == NULL)
		return false;
	out->metric = metric_id_of(out->info);
	if (!out->info->windowed)
		return true;
	if (c->window == NULL)
		return false;
	if (strcmp(c->window, "today") == 0) {
		out->window = ec->n_windows;
		return true;
	}
	for (size_t i = 0; i < ec->n_windows; i++) {
		if (strcmp(ec->windows[i].name, c->window) == 0) {
			out->window = i;
			return true;
		}
	}
	return false;
}

static bool alerts_timed(enum metric_id);

/* The rule's figure in scope i; false when it is null (no data). A
 * window's figure is kept in the rule's cell with a stamp of what the
 * window counts, and read again only once that moved: most judgements
 * of a busy floor find no call's outcome came or went since the last
 * (agents' states did; figures of agents' time are read every time). */
static bool
alerts_read(struct engine *e, const struct alerts_rule *r, size_t i,
    struct alerts_cell *cell, double *out)
{
	struct kpi_figures f;
	struct scope_now now;
	bool kept = !alerts_timed(r->metric);

	if (r->info->windowed) {
		if (kept && cell->stamp != 0 &&
		    engine_scope_counts_same(e, i, r->window, cell->stamp)) {
			/* agents' states that left it leave it, as a read
			 * would have them: the schedule asks when the window
			 * moves next from its far edge */
			engine_scope_slide(e, i, r->window);
			*out = cell->value;
			return cell->has_value;
		}
		engine_scope_figures(e, i, r->window, &f);
		*out = f.value[r->metric];
		if (kept) {
			cell->stamp = engine_scope_counts_stamp(e, i, r->window);
			cell->value = *out;
			cell->has_value = !f.null[r->metric];
		}
		return !f.null[r->metric];
	}
	engine_scope_now(e, i, &now);
	*out = (double)(r->metric == M_WAITING ? now.waiting : now.longest_wait_ms);
	return now.waiting_known;
}

/* The levels a rule fires and clears at on one scope: its own, or offsets
 * from the scope's SL target (`below: target`, `clear: target+2%`). */
static void
alerts_levels(const struct config_alert *c, const struct scope_info *si,
    double *threshold, double *clear)
{
	double target = si->settings->sl_target;

	*threshold = c->threshold + (c->threshold_target ? target : 0);
	*clear = !c->has_clear ? *threshold :
	    c->clear + (c->clear_target ? target : 0);
}

/*
 * Judged as shown: the figure rounded as a tile shows it is what crosses
 * the level, so an alert and a tile never disagree ("SL 80%" is not below
 * 80%; a wait the tile shows as 3:00 is not over 3m). Null is neither a
 * breach nor a reason to stay firing.
 */
static void
alerts_rule_reading(const struct config_alert *c, enum metric_kind kind,
    double threshold, double clear, bool has, double v,
    struct alerts_reading *out)
{
	double shown = metric_shown(kind, v);
	const double eps = 1e-9;

	memset(out, 0, sizeof *out);
	out->has_value = has;
	out->value = v;
	out->shown = shown;
	out->breach = has && (c->above ? shown > threshold + eps :
	    shown < threshold - eps);
	out->clear = !has || (c->above ? shown <= clear + eps :
	    shown >= clear - eps);
}

/*
 * The sentence, after the step, by what the alert now is:
 *   breaching   "Support SL 62% < 75%", "Sales 14 waiting > 10" (boards
 *               add how long from `since`: "for 8m")
 *   recovering  "Support SL 81%, recovering: clears at 82% (fired < 80%)"
 *   resolved    "Support SL 83%: cleared (fired < 80%)"
 * The level quoted is the one that fired it, on this scope.
 */
static void
alerts_rule_text(char *buf, size_t len, const struct alerts_rule *r,
    const struct scope_info *si, const struct alerts_reading *reading,
    const struct alert *al, double threshold, double clear)
{
	const struct config_alert *c = r->config;
	const char *noun = alerts_nouns[r->metric];
	const char *op = c->above ? ">" : "<";
	char value[32], level[32], clr[32], what[160];
	struct text_out w, o;

	metric_format(r->info->kind, reading->value, value, sizeof value);
	metric_format_level(r->info->kind, threshold, level, sizeof level);
	metric_format_level(r->info->kind, clear, clr, sizeof clr);
	/* put together as snprintf would, "what" cut at its size */
	text_out_init(&w, what, sizeof what);
	text_out_str(&w, si->label);
	text_out_str(&w, " ");
	if (!reading->has_value) {
		text_out_str(&w, noun);
		text_out_str(&w, ": no data");
	} else {
		text_out_str(&w, r->info->kind == METRIC_COUNT ? value : noun);
		text_out_str(&w, " ");
		text_out_str(&w, r->info->kind == METRIC_COUNT ? noun : value);
	}
	text_out_init(&o, buf, len);
	text_out_str(&o, what);
	if (al->state == ALERT_RESOLVED) {
		text_out_str(&o, reading->has_value ? ":" : ",");
		text_out_str(&o, " cleared (fired ");
	} else if (reading->breach)
		text_out_str(&o, " ");
	else {
		text_out_str(&o, ", recovering: clears at ");
		text_out_str(&o, clr);
		text_out_str(&o, " (fired ");
	}
	text_out_str(&o, op);
	text_out_str(&o, " ");
	text_out_str(&o, level);
	if (al->state == ALERT_RESOLVED || !reading->breach)
		text_out_str(&o, ")");
}

/*
 * A waiting call's age grows with no event: tell the timer when the wait
 * a tile shows will pass an above-rule's threshold on longest_wait_ms (the
 * first whole second strictly above it).
 */
static void
alerts_foresee(const struct alerts_rule *r, const struct alerts_reading *reading,
    double threshold, int64_t now, int64_t *due)
{
	double over;

	if (r->metric != M_LONGEST_WAIT_MS || !r->config->above ||
	    !reading->has_value || reading->breach || reading->value <= 0)
		return;
	over = (floor(threshold / 1000 + 1e-9) + 1) * 1000;
	if (over > reading->value)
		alerts_due(due, now + (int64_t)ceil(over - reading->value));
}

/*
 * Whether the rule alert's text is already made of these: its form, the
 * reading as the text shows it (rounded as a tile shows it: metric_format
 * prints only that, so a figure moving within its rounding, as most do
 * from one evaluation to the next, makes no new text), the levels and the
 * scope's label; if not, remembers them for the text about to be made.
 * The label is read from the text, which begins with it; the rule itself
 * only changes at a reload, which forgets (reconfigure).
 */
static bool
alerts_rule_said(struct alert *al, const struct scope_info *si,
    uint64_t serial, const struct alerts_reading *reading, double threshold,
    double clear)
{
	struct alerts_rule_said now = { .ok = true,
	    .form = al->state == ALERT_RESOLVED ? 0 : reading->breach ? 1 : 2,
	    .has_value = reading->has_value,
	    .value = reading->has_value ? reading->shown : 0,
	    .threshold = threshold, .clear = clear, .label = si->label,
	    .serial = serial };
	struct alerts_rule_said *was = &al->rule_said;

	if (al->text != NULL && was->ok && was->form == now.form &&
	    was->has_value == now.has_value && was->value == now.value &&
	    was->threshold == now.threshold && was->clear == now.clear &&
	    was->label == now.label && was->serial == now.serial)
		return true;
	*was = now;
	return false;
}

/* Make the cells fit this engine, day and config, and scope i. */
static void
alerts_cells_fit(struct alerts *a, const struct engine *e, size_t i)
{
	size_t rules = a->config->n_alerts;

	if (a->cell_serial != engine_serial(e) ||
	    a->cell_day != engine_day_start(e) || a->cell_rules != rules) {
		free(a->cells);
		a->cells = NULL;
		a->cell_rules = rules;
		a->cell_scopes = 0;
		a->cell_serial = engine_serial(e);
		a->cell_day = engine_day_start(e);
	}
	if (i >= a->cell_scopes) {
		size_t scopes = a->cell_scopes ? a->cell_scopes : 64;
		struct alerts_cell *cells;

		while (scopes <= i)
			scopes *= 2;
		cells = xcalloc(rules * scopes, sizeof *cells);
		for (size_t r = 0; r < rules && a->cell_scopes > 0; r++)
			memcpy(cells + r * scopes, a->cells + r * a->cell_scopes,
			    a->cell_scopes * sizeof *cells);
		free(a->cells);
		a->cells = cells;
		a->cell_scopes = scopes;
	}
}

/* Rule k's cell for scope i (see alerts.cells): a few compares, at every
 * judgement of every rule. */
static inline struct alerts_cell *
alerts_cell(struct alerts *a, const struct engine *e, size_t k, size_t i)
{
	if (__builtin_expect(i >= a->cell_scopes ||
	    a->cell_rules != a->config->n_alerts ||
	    a->cell_serial != engine_serial(e) ||
	    a->cell_day != engine_day_start(e), 0))
		alerts_cells_fit(a, e, i);
	return &a->cells[k * a->cell_scopes + i];
}

/* The alert a known cell names, if it is still rule r's on scope i (its
 * number may since have gone to another alert, or to none). */
static struct alert *
alerts_cell_alert(struct alerts *a, const struct alerts_cell *cell,
    const struct alerts_rule *r, size_t i)
{
	struct alert *al;

	if (cell->no == 0 || cell->no - 1 >= a->cap_no)
		return NULL;
	al = a->by_no[cell->no - 1];
	if (al == NULL || al->kind != KIND_RULE || al->config != r->config ||
	    al->slot != i)
		return NULL;
	return al;
}

static void
alerts_judge(struct alerts *a, struct engine *e, const struct alerts_rule *r,
    size_t i, size_t made, int64_t now, int64_t *due)
{
	struct alerts_reading reading;
	struct alerts_cell *cell;
	struct scope_info si;
	struct alert *al;
	char text[ALERT_TEXT_MAX];
	double v = 0, threshold, clear;
	bool has;
	enum alert_state was;

	cell = alerts_cell(a, e, (size_t)(r - a->rules), i);
	if (cell->known == 1)
		return;
	engine_scope_info(e, i, &si);
	if (cell->known == 0 && !config_scope_match(r->config->scope, si.key)) {
		cell->known = 1;
		return;
	}
	has = alerts_read(e, r, i, cell, &v);
	alerts_levels(r->config, &si, &threshold, &clear);
	alerts_rule_reading(r->config, r->info->kind, threshold, clear, has, v,
	    &reading);
	alerts_foresee(r, &reading, threshold, now, due);
	al = cell->known == 2 ? alerts_cell_alert(a, cell, r, i) : NULL;
	if (al != NULL) {
		alerts_visit(a, al);
		al->seen = true;
	} else if (cell->known == 0 || reading.breach) {
		size_t n = a->n;

		al = alerts_lookup(a, KIND_RULE, r->config->name, "", si.key,
		    reading.breach);
		if (a->n > n)
			al->made = made;
		cell->known = 2;
		cell->no = al != NULL ? al->no + 1 : 0;
	}
	if (al == NULL)
		return;
	al->slot = i;
	al->config = r->config;
	al->severity = r->config->severity;
	al->threshold = threshold;
	al->clear = clear;
	was = al->state;
	alerts_step(al, &reading, r->config->for_ms, now, due);
	if (al->state == ALERT_NONE || (al->state == ALERT_RESOLVED &&
	    was == ALERT_RESOLVED))
		return;         /* a resolved alert keeps its last words */
	if (alerts_rule_said(al, &si, engine_serial(e), &reading, threshold,
	    clear))
		return;
	alerts_rule_text(text, sizeof text, r, &si, &reading, al, threshold,
	    clear);
	alerts_set_text(al, text);
}

static int
alerts_made_compare(const void *pa, const void *pb)
{
	const struct alert *x = *(const struct alert *const *)pa;
	const struct alert *y = *(const struct alert *const *)pb;

	return x->made < y->made ? -1 : x->made > y->made;
}

/* Every rule on every scope to judge that it matches: a scope's rules one
 * after the other, while its lines are in the cache. The alerts this
 * makes join the list (and so are numbered: short_id) in the order of
 * judging each rule over the scopes in turn, as before. */
static void
alerts_rules(struct alerts *a, struct engine *e, int64_t now, int64_t *due)
{
	size_t first = a->n, rules = a->config->n_alerts;

	for (size_t t = 0; t < a->n_todo; t++)
		for (size_t k = 0; k < rules; k++)
			if (a->rule_ok[k])
				alerts_judge(a, e, &a->rules[k], a->todo[t],
				    k * a->n_todo + t, now, due);
	if (a->n - first < 2)
		return;
	qsort(a->list + first, a->n - first, sizeof *a->list,
	    alerts_made_compare);
	for (size_t j = first; j < a->n; j++)
		a->list[j]->index = j;
}

/* The rules against the engine's windows, once an evaluation (judging and
 * scheduling read them for every scope). */
static void
alerts_rules_ready(struct alerts *a, struct engine *e)
{
	size_t n = a->config->n_alerts;

	if (n > a->cap_rules) {
		a->rules = xrealloc(a->rules, n * sizeof *a->rules);
		a->rule_ok = xrealloc(a->rule_ok, n * sizeof *a->rule_ok);
		a->cap_rules = n;
	}
	for (size_t k = 0; k < n; k++)
		a->rule_ok[k] = alerts_rule_resolve(&a->config->alerts[k],
		    engine_config(e), &a->rules[k]);
}

/* ---- what to judge ---------------------------------------------------- */

/* Whether a figure sums agents' time in states, and so moves with the
 * clock while agents are in them. */
static bool
alerts_timed(enum metric_id m)
{
	return m == M_OCCUPANCY || m == M_WRAP_MS || m == M_AHT_MS;
}

static void
alerts_todo_add(struct alerts *a, size_t i)
{
	if (i >= a->cap_judged) {
		size_t cap = a->cap_judged ? a->cap_judged : 64;

		while (cap <= i)
			cap *= 2;
		a->judged = xrealloc(a->judged, cap * sizeof *a->judged);
		memset(a->judged + a->cap_judged, 0,
		    (cap - a->cap_judged) * sizeof *a->judged);
		a->cap_judged = cap;
	}
	if (a->judged[i] == a->evaluation)
		return;
	a->judged[i] = a->evaluation;
	if (a->n_todo == a->cap_todo) {
		a->cap_todo = a->cap_todo ? a->cap_todo * 2 : 64;
		a->todo = xrealloc(a->todo, a->cap_todo * sizeof *a->todo);
	}
	a->todo[a->n_todo++] = i;
}

static int
alerts_index_compare(const void *pa, const void *pb)
{
	size_t x = *(const size_t *)pa, y = *(const size_t *)pb;

	return (x > y) - (x < y);
}

/*
 * The scopes this evaluation judges, in index order (the order every
 * scope was judged in before, so alerts are made, and numbered, alike):
 * those events changed, those whose time in the schedule is past (their
 * readings the clock may have moved), those with a pending alert that is
 * to fire now (a time each, from alerts_settle), and every one when the
 * engine, the day or the config is new. What is left out would read
 * exactly as it did, so its alerts stand as they are.
 */
static void
alerts_todo(struct alerts *a, struct engine *e, int64_t now)
{
	const size_t *changed;
	size_t n = engine_scope_count(e), n_changed, i;
	bool busy;

	a->evaluation++;
	a->n_todo = 0;
	n_changed = engine_take_changed(e, &changed);
	/* Every scope: when the engine, day or config is new; and when
	 * events changed most of them anyway, without the schedule's upkeep
	 * (it is made again, in one pass over all, when they quieten). */
	busy = n_changed * (a->scheduled ? 2 : 8) > n;  /* with hysteresis */
	if (a->judge_all || a->todo_serial != engine_serial(e) ||
	    a->todo_day != engine_day_start(e) || !a->scheduled || busy) {
		dueheap_clear(&a->schedule);
		for (i = 0; i < n; i++)
			alerts_todo_add(a, i);
		a->schedule_now = !busy;
		a->scheduled = a->schedule_now;
		a->judge_all = false;
		a->todo_serial = engine_serial(e);
		a->todo_day = engine_day_start(e);
		a->todo_scopes = n;
		a->full = true;
		return;
	}
	a->full = false;
	a->schedule_now = true;
	for (size_t k = 0; k < n_changed; k++)
		alerts_todo_add(a, changed[k]);
	for (i = a->todo_scopes; i < n; i++)
		alerts_todo_add(a, i);
	a->todo_scopes = n;
	while (dueheap_take(&a->schedule, now, &i))
		alerts_todo_add(a, i);
	while (dueheap_take(&a->fires, now, &i))
		if (a->by_no[i] != NULL && a->by_no[i]->slot < n)
			alerts_todo_add(a, a->by_no[i]->slot);
	/* In index order: many are read back off the marks in one sweep, a
	 * few sorted. */
	if (a->n_todo > n / 16) {
		a->n_todo = 0;
		for (i = 0; i < n; i++)
			if (a->judged[i] == a->evaluation)
				a->todo[a->n_todo++] = i;
	} else
		qsort(a->todo, a->n_todo, sizeof *a->todo, alerts_index_compare);
}

/*
 * The alerts this evaluation visits before judging: every one when every
 * scope is judged; else those not on a scope (in list order) and the
 * resolved ones whose time in the list is up. The rest are visited as
 * their scopes are judged.
 */
static void
alerts_visit_due(struct alerts *a, int64_t now)
{
	size_t no;

	if (a->full) {
		for (size_t i = 0; i < a->n; i++)
			alerts_visit(a, a->list[i]);
		return;
	}
	/* in list order: mostly it already is */
	for (size_t i = 1; i < a->n_others; i++)
		for (size_t k = i; k > 0 &&
		    a->others[k - 1]->index > a->others[k]->index; k--) {
			struct alert *t = a->others[k];

			a->others[k] = a->others[k - 1];
			a->others[k - 1] = t;
		}
	for (size_t i = 0; i < a->n_others; i++)
		alerts_visit(a, a->others[i]);
	while (dueheap_take(&a->expire, now, &no))
		alerts_visit(a, a->by_no[no]);
}

/*
 * When the clock alone may move a rule on the figures of now: the number
 * waiting never (events do); the longest wait, read as shown, when it
 * shows another second while the rule's alert is pending or firing (its
 * words quote it), else when it first shows a second past an above-rule's
 * level (nothing before that changes the judgement).
 */
static int64_t
alerts_wait_moves(struct alerts *a, struct engine *e,
    const struct alerts_cell *cell, const struct alerts_rule *r, size_t i,
    const struct scope_info *si)
{
	struct scope_now now;
	struct alert *al;
	double threshold, clear;
	int64_t age, next, over;

	if (r->metric != M_LONGEST_WAIT_MS)
		return INT64_MAX;
	engine_scope_now(e, i, &now);
	if (!now.waiting_known || now.waiting == 0)
		return INT64_MAX;
	age = now.longest_wait_ms;
	next = engine_now(e) + (age < 0 ? 1000 - age : 1000 - age % 1000);
	al = cell->known == 2 ? alerts_cell_alert(a, cell, r, i) : NULL;
	if (cell->known != 2 || !r->config->above || (al != NULL &&
	    (al->state == ALERT_PENDING || al->state == ALERT_FIRING)))
		return next;
	alerts_levels(r->config, si, &threshold, &clear);
	over = (int64_t)((floor(threshold / 1000 + 1e-9) + 1) * 1000);
	return age >= over ? next : engine_now(e) + (over - age);
}

/* When each judged scope must be judged again with no event: the
 * earliest time any of its rules' readings, or its staffing, may move. */
static void
alerts_schedule(struct alerts *a, struct engine *e)
{
	const struct alerts_rule *r;
	struct scope_info si;

	if (!a->schedule_now)
		return;
	for (size_t t = 0; t < a->n_todo; t++) {
		size_t i = a->todo[t];
		int64_t due = engine_scope_staffing_moves(e, i), m;

		if (a->config->n_alerts > 0)
			engine_scope_info(e, i, &si);
		for (size_t k = 0; k < a->config->n_alerts; k++) {
			struct alerts_cell *cell;

			r = &a->rules[k];
			if (!a->rule_ok[k])
				continue;
			cell = alerts_cell(a, e, k, i);
			if (cell->known == 1 || (cell->known == 0 &&
			    !config_scope_match(r->config->scope, si.key)))
				continue;
			m = r->info->windowed ? engine_scope_window_moves(e, i,
			    r->window, alerts_timed(r->metric)) :
			    alerts_wait_moves(a, e, cell, r, i, &si);
			due = m < due ? m : due;
		}
		dueheap_set(&a->schedule, i, due);
	}
}

/* ---- feeds ----------------------------------------------------------- */

/* "Feed pbx1 silent (stale after 0:30)" while it lasts (boards add how
 * long: its since is the feed's last event); "Feed pbx1 was silent for
 * 1:12 (stale after 0:30)" once it speaks again. */
static void
alerts_stale_text(char *buf, size_t len, const char *feed, bool over,
    int64_t silence, int64_t limit)
{
	char quiet[32], lim[32];

	metric_format_duration(silence, quiet, sizeof quiet);
	metric_format_duration(limit, lim, sizeof lim);
	if (over)
		snprintf(buf, len, "Feed %s was silent for %s (stale after %s)",
		    feed, quiet, lim);
	else
		snprintf(buf, len, "Feed %s silent (stale after %s)", feed, lim);
}

/* 12345 as "12,345": counts in alert texts, read across a room. */
static const char *
alerts_count_text(char *buf, size_t len, int64_t n)
{
	char digits[24];
	size_t nd, o = 0;

	nd = (size_t)snprintf(digits, sizeof digits, "%lld", (long long)n);
	for (size_t i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && digits[i - 1] != '-' && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Is there room for one more alert of this kind about a single feed? */
static bool
alerts_feed_room(const struct alerts *a, enum alert_kind kind)
{
	return a->feed_alerts[kind] < ALERTS_FEEDS_MAX;
}

/* What the alerts keep of feed idx (f: its info). The counters a feed
 * already had at the first evaluation are history (a journal replayed at
 * start), not news; a feed first seen later starts from zero. */
static struct alerts_feed *
alerts_feed_of(struct alerts *a, size_t idx, const struct feed_info *f)
{
	struct alerts_feed *w;

	if (idx < a->n_feed_of && a->feed_of[idx] != NULL)
		return a->feed_of[idx];
	w = strmap_get(a->feeds, f->name);
	if (w == NULL) {
		w = xcalloc(1, sizeof *w);
		if (!a->baselined) {
			w->gaps = f->gaps;
			w->lost = f->lost;
		}
		strmap_put(a->feeds, f->name, w);
	}
	if (idx >= a->n_feed_of) {
		size_t n = idx + 1 > 2 * a->n_feed_of ? idx + 1 : 2 * a->n_feed_of;

		a->feed_of = xrealloc(a->feed_of, n * sizeof *a->feed_of);
		memset(a->feed_of + a->n_feed_of, 0,
		    (n - a->n_feed_of) * sizeof *a->feed_of);
		a->n_feed_of = n;
	}
	return a->feed_of[idx] = w;
}

/* A feed that has been heard from and has gone quiet for stale_after (by
 * the engine: engine_feed_stale). A feed never heard from (only rejects)
 * has nothing to go quiet. The episode's since is the feed's last event:
 * the silence, not the moment it passed the limit. */
static void
alerts_feed_stale(struct alerts *a, size_t idx, int64_t now)
{
	int64_t limit = a->config->feeds_stale_after_ms;
	struct alerts_reading r = { 0 };
	char text[ALERT_TEXT_MAX];
	struct feed_info f;
	struct alert *al;
	enum alert_state was;

	engine_feed_info(a->engine, idx, &f);
	if (f.last_event <= 0)
		return;
	r.breach = engine_feed_stale(a->engine, idx);
	r.clear = !r.breach;
	r.keep = !r.breach;
	/* most feeds, most of the time: fresh, with no alert to look up */
	if (!r.breach && !alerts_feed_of(a, idx, &f)->stale_alert)
		return;
	al = alerts_lookup(a, KIND_FEED_STALE, ALERT_FEED_STALE, "feed:",
	    f.name, false);
	if (al == NULL && r.breach) {
		if (!alerts_feed_room(a, KIND_FEED_STALE))
			return;         /* the "more feeds" alert speaks for it */
		al = alerts_lookup(a, KIND_FEED_STALE, ALERT_FEED_STALE,
		    "feed:", f.name, true);
		al->feed = (long)idx;
		alerts_feed_of(a, idx, &f)->stale_alert = true;
		a->feed_alerts[KIND_FEED_STALE]++;
	}
	if (al == NULL)
		return;
	if (r.breach) {
		/* While it lasts the silence grows; once over, the value keeps
		 * the longest silence seen. */
		alerts_stale_text(text, sizeof text, f.name, false, 0, limit);
		r.has_value = true;
		r.value = (double)(now - f.last_event);
		r.text = text;
	}
	was = al->state;
	alerts_step(al, &r, 0, now, a->due);
	if (al->began)
		al->since = f.last_event;
	if (al->state == ALERT_RESOLVED && was != ALERT_RESOLVED) {
		alerts_stale_text(text, sizeof text, f.name, true,
		    (int64_t)al->value, limit);
		alerts_set_text(al, text);
	}
}

/* The stale feeds no alert of their own speaks for, in one alert. */
static void
alerts_feeds_silent(struct alerts *a, int64_t now)
{
	struct alerts_reading r = { 0 };
	char text[ALERT_TEXT_MAX], n[32], lim[32];
	struct alert *al;

	r.breach = a->silent_unnamed > 0;
	r.clear = r.keep = !r.breach;
	al = alerts_lookup(a, KIND_FEEDS_SILENT, ALERT_FEED_STALE, "feed:",
	    ALERTS_MORE, r.breach);
	if (al == NULL)
		return;
	metric_format_duration(a->config->feeds_stale_after_ms, lim,
	    sizeof lim);
	if (r.breach) {
		snprintf(text, sizeof text, "%s more feed%s silent (stale "
		    "after %s)", alerts_count_text(n, sizeof n,
		    a->silent_unnamed), a->silent_unnamed == 1 ? "" : "s", lim);
		r.has_value = true;
		r.value = (double)a->silent_unnamed;
		r.text = text;
	}
	alerts_step(al, &r, 0, now, a->due);
	if (!r.breach && al->state == ALERT_RESOLVED) {
		snprintf(text, sizeof text, "More feeds were silent: up to %s "
		    "(stale after %s)", alerts_count_text(n, sizeof n,
		    (int64_t)al->value), lim);
		alerts_set_text(al, text);
	}
}

static void
alerts_counter_text(struct alerts *a, struct alert *al, const char *feed)
{
	char text[ALERT_TEXT_MAX], timeout[32], n[32];
	bool more = strcmp(feed, ALERTS_MORE) == 0;
	int64_t v = (int64_t)al->value;

	alerts_count_text(n, sizeof n, v);
	if (al->kind == KIND_FEED_GAPS) {
		snprintf(text, sizeof text, "%s%s missed %s event%s "
		    "(sequence gaps)", more ? "More feeds" : "Feed ",
		    more ? "" : feed, n, v == 1 ? "" : "s");
	} else {
		metric_format_duration(a->config->call_timeout_ms, timeout,
		    sizeof timeout);
		snprintf(text, sizeof text, "%s%s lost %s call%s "
		    "(no outcome within %s)", more ? "More feeds" : "Feed ",
		    more ? "" : feed, n, v == 1 ? "" : "s", timeout);
	}
	alerts_set_text(al, text);
}

/* A counter rose by `rise`: fire at once, or add to the firing episode. */
static struct alert *
alerts_counter(struct alerts *a, enum alert_kind kind, const char *rule,
    const char *prefix, const char *name, int64_t rise, int64_t now)
{
	struct alert *al;

	if (rise <= 0)
		return NULL;
	al = alerts_lookup(a, kind, rule, prefix, name, false);
	if (al == NULL && kind != KIND_LIMIT) {
		if (!alerts_feed_room(a, kind))
			name = ALERTS_MORE;
		else
			a->feed_alerts[kind]++;
		al = alerts_lookup(a, kind, rule, prefix, name, false);
	}
	if (al == NULL)
		al = alerts_lookup(a, kind, rule, prefix, name, true);
	if (al->state != ALERT_FIRING) {
		alerts_begin(al, now);
		alerts_fire(al, now);
	}
	al->has_value = true;
	al->value += (double)rise;
	al->last_rise = now;
	if (kind != KIND_LIMIT)
		alerts_counter_text(a, al, name);
	a->changed = true;
	return al;
}

/* Gaps and lost calls counted since the alerts last looked
 * (alerts_feed_of says from when). */
static void
alerts_feed_counters(struct alerts *a, size_t idx, const struct feed_info *f,
    int64_t now)
{
	struct alerts_feed *w = alerts_feed_of(a, idx, f);

	alerts_counter(a, KIND_FEED_GAPS, ALERT_FEED_GAPS, "feed:", f->name,
	    f->gaps - w->gaps, now);
	alerts_counter(a, KIND_CALLS_LOST, ALERT_CALLS_LOST, "feed:", f->name,
	    f->lost - w->lost, now);
	w->gaps = f->gaps;
	w->lost = f->lost;
}

/* A feed changed since the alerts last looked (engine_feeds_changed). */
static void
alerts_feed_changed(void *arg, size_t idx)
{
	struct alerts *a = arg;
	struct feed_info f;

	engine_feed_info(a->engine, idx, &f);
	alerts_feed_stale(a, idx, a->now);
	alerts_feed_counters(a, idx, &f, a->now);
}

/*
 * The feeds: only those that changed since the last evaluation (an event,
 * a reject, turning stale), and the alerts already out about single feeds
 * (their silence grows): however many feeds there are, an evaluation costs
 * what changed, and at most ALERTS_FEEDS_MAX alerts of each kind.
 */
static void
alerts_feeds(struct alerts *a, struct engine *e, int64_t now, int64_t *due)
{
	size_t named_stale = 0;

	a->engine = e;
	a->due = due;
	memset(a->feed_alerts, 0, sizeof a->feed_alerts);
	if (engine_serial(e) != a->engine_serial) {
		/* Another engine (rebuilt at a reload): all its feeds are news,
		 * and its indices may differ. */
		a->engine_serial = engine_serial(e);
		a->feed_changes = 0;
		a->n_feed_of = 0;
		for (size_t i = 0; i < a->n_visit; i++)
			if (a->visit[i]->kind == KIND_FEED_STALE)
				a->visit[i]->feed = engine_feed_index(e,
				    a->visit[i]->scope + strlen("feed:"));
	}
	/* (every alert not on a scope is visited, in list order) */
	for (size_t i = 0; i < a->n_visit; i++) {
		const struct alert *al = a->visit[i];

		if ((al->kind == KIND_FEED_STALE || al->kind == KIND_FEED_GAPS ||
		    al->kind == KIND_CALLS_LOST) && al->state != ALERT_NONE &&
		    strcmp(al->scope, "feed:" ALERTS_MORE) != 0)
			a->feed_alerts[al->kind]++;
	}
	engine_feeds_changed(e, a->feed_changes, alerts_feed_changed, a);
	a->feed_changes = engine_feed_changes(e);
	/* the single-feed stale alerts no change brought up: judged again */
	for (size_t i = 0; i < a->n_visit; i++) {
		struct alert *al = a->visit[i];

		if (al->kind == KIND_FEED_STALE && !al->seen && al->feed >= 0 &&
		    (size_t)al->feed < engine_feed_count(e))
			alerts_feed_stale(a, (size_t)al->feed, now);
		if (al->kind == KIND_FEED_STALE && al->state == ALERT_FIRING)
			named_stale++;
	}
	a->silent_unnamed = (int64_t)engine_feeds_stale_count(e) -
	    (int64_t)named_stale;
	alerts_feeds_silent(a, now);
	alerts_due(due, engine_next_stale(e));
	a->baselined = true;
}

/* ---- limits ---------------------------------------------------------- */

/* "Too many agents: 20,000 limit reached, 12,345 refused": one alert a
 * kind of name, fired at a refusal, quiet (resolved) after ALERT_QUIET_MS
 * with none. The refusals counted before the first evaluation (a journal
 * replayed) are history, as a feed's gaps are. */
static void
alerts_limits(struct alerts *a, struct engine *e, int64_t now)
{
	struct engine_limit_info li;
	char text[ALERT_TEXT_MAX], lim[32], n[32];
	struct alert *al;

	for (int k = 0; k < LIMIT_COUNT; k++) {
		engine_limit_info(e, (enum engine_limit)k, &li);
		if (!a->baselined)
			a->refused[k] = li.refused;
		al = alerts_counter(a, KIND_LIMIT, ALERT_LIMIT, "limits:",
		    li.key, li.refused - a->refused[k], now);
		a->refused[k] = li.refused;
		if (al == NULL)
			continue;
		al->severity = k == LIMIT_ENDED || k == LIMIT_CALLERS ?
		    SEVERITY_WARNING : SEVERITY_CRITICAL;
		snprintf(text, sizeof text, "Too many %s: %s limit reached, %s "
		    "%s", li.name, alerts_count_text(lim, sizeof lim, li.limit),
		    alerts_count_text(n, sizeof n, li.refused),
		    k == LIMIT_ENDED || k == LIMIT_CALLERS ? "not remembered" :
		    "refused");
		alerts_set_text(al, text);
	}
}

/* ---- the daemon's own ------------------------------------------------ */

/* The trouble the daemon said (alerts_daemon): firing at once while it
 * lasts, resolved when it is over. */
static void
alerts_daemon_judge(struct alerts *a, int64_t now, int64_t *due)
{
	struct alerts_reading r = { .breach = a->daemon_text != NULL,
	    .clear = a->daemon_text == NULL, .text = a->daemon_text,
	    .keep = a->daemon_text == NULL };
	struct alert *al = alerts_lookup(a, KIND_DAEMON, ALERT_JOURNAL, "",
	    "daemon", r.breach);

	if (al == NULL)
		return;
	al->severity = SEVERITY_CRITICAL;
	alerts_step(al, &r, 0, now, due);
}

void
alerts_daemon(struct alerts *a, const char *text)
{
	if (text == NULL ? a->daemon_text == NULL :
	    a->daemon_text != NULL && strcmp(text, a->daemon_text) == 0)
		return;
	free(a->daemon_text);
	a->daemon_text = text ? xstrdup(text) : NULL;
	a->changed = true;
}

/* ---- staffing -------------------------------------------------------- */

/* The understaffed alert of queue scope i, or NULL (made if create); a
 * cache by scope index spares the lookup by id for every queue. */
static struct alert *
alerts_staff_alert(struct alerts *a, struct engine *e, size_t i, bool create)
{
	struct scope_info info;
	struct alert *al;

	if (a->staff_serial != engine_serial(e)) {
		if (a->staff_known != NULL)
			memset(a->staff_known, 0, a->staff_cap);
		a->staff_serial = engine_serial(e);
	}
	if (i >= a->staff_cap) {
		size_t cap = a->staff_cap ? a->staff_cap : 64;

		while (cap <= i)
			cap *= 2;
		a->staff = xrealloc(a->staff, cap * sizeof *a->staff);
		a->staff_known = xrealloc(a->staff_known, cap);
		memset(a->staff_known + a->staff_cap, 0, cap - a->staff_cap);
		a->staff_cap = cap;
	}
	if (a->staff_known[i]) {
		al = a->staff[i];
		if (al != NULL) {
			alerts_visit(a, al);
			al->seen = true;
		}
		if (al != NULL || !create)
			return al;
	}
	engine_scope_info(e, i, &info);
	al = alerts_lookup(a, KIND_UNDERSTAFFED, ALERT_UNDERSTAFFED, "",
	    info.key, create);
	a->staff_known[i] = 1;
	a->staff[i] = al;
	if (al != NULL)
		al->slot = i;
	return al;
}

/*
 * A queue with fewer agents staffed than it needs now (engine.h's Erlang
 * figure): after a minute, so that a break starting or a login arriving a
 * few seconds late does not flap it. Every queue, every evaluation: so no
 * lookup by name and no formatting unless the alert's words change.
 */
static void
alerts_staffing(struct alerts *a, struct engine *e, int64_t now, int64_t *due)
{
	struct scope_info info;
	char text[ALERT_TEXT_MAX];
	int64_t needed, staffed;

	for (size_t t = 0; t < a->n_todo; t++) {
		struct alerts_reading r = { 0 };
		size_t i = a->todo[t];
		struct alert *al;

		if (!engine_scope_short_of_staff(e, i, &staffed, &r.breach))
			continue;       /* not a queue */
		r.clear = !r.breach;
		al = alerts_staff_alert(a, e, i, r.breach);
		if (al == NULL)
			continue;
		/* the figure itself only for the alert's words */
		engine_scope_agents_needed(e, i, &needed);
		if (al->text == NULL || al->said[0] != staffed ||
		    al->said[1] != needed) {
			engine_scope_info(e, i, &info);
			snprintf(text, sizeof text, "%s: %lld agent%s staffed, "
			    "%lld needed", info.label, (long long)staffed,
			    staffed == 1 ? "" : "s", (long long)needed);
			al->said[0] = staffed;
			al->said[1] = needed;
			r.text = text;
		}
		r.has_value = true;
		r.value = (double)staffed;
		alerts_step(al, &r, ALERT_UNDERSTAFFED_FOR_MS, now, due);
	}
}

/* ---- the day's history ------------------------------------------------ */

/* The levels an alert reports (alerts_describe): a rule's on its scope,
 * a stale feed's silence allowed; none for the others. */
static void
alerts_levels_of(const struct alerts *a, const struct alert *al,
    double *threshold, double *clear)
{
	*threshold = *clear = al->kind == KIND_RULE ? al->threshold :
	    al->kind == KIND_FEED_STALE ? (double)a->config->feeds_stale_after_ms : 0;
	if (al->kind == KIND_RULE)
		*clear = al->clear;
}

static void alerts_describe(const struct alerts *, const struct alert *,
    struct alert_info *);

static void
alerts_episode_free(struct alerts_episode *ep)
{
	free(ep->id);
	free((char *)ep->info.rule);
	free((char *)ep->info.metric);
	free((char *)ep->info.window);
	free(ep->text);
	free(ep->acked_by);
	free(ep);
}

/* Take episode k out of the history; the alert that owns it forgets it. */
static void
alerts_history_remove(struct alerts *a, size_t k)
{
	struct alerts_episode *ep = a->history[k];

	if (ep->owner != NULL)
		ep->owner->ep = NULL;
	memmove(a->history + k, a->history + k + 1,
	    (a->n_history - k - 1) * sizeof *a->history);
	a->n_history--;
	alerts_episode_free(ep);
}

static bool
alerts_episode_active(const struct alerts_episode *ep)
{
	return ep->owner != NULL && (ep->owner->state == ALERT_PENDING ||
	    ep->owner->state == ALERT_FIRING);
}

/* A new episode of al, numbered for the day. A full history gives up its
 * oldest episode that is over (counted in history_dropped). */
static void
alerts_episode_begin(struct alerts *a, struct alert *al)
{
	struct alerts_episode *ep = xcalloc(1, sizeof *ep);
	struct alert_info d = { 0 };

	if (al->ep != NULL)
		al->ep->owner = NULL;
	if (a->n_history >= (size_t)a->config->limit_alert_history) {
		size_t k = 0;

		while (k + 1 < a->n_history && alerts_episode_active(a->history[k]))
			k++;
		alerts_history_remove(a, k);
		a->history_dropped++;
	}
	alerts_describe(a, al, &d);
	ep->no = a->next_no++;
	ep->id = xstrdup(al->id);
	ep->rule_len = strlen(al->rule);
	ep->owner = al;
	ep->kind = d.kind;
	/* worse is higher for an above-rule, a silence, a count of gaps or
	 * lost calls; lower for a below-rule and for agents staffed */
	ep->worst_high = al->kind == KIND_RULE ? (al->config && al->config->above) :
	    al->kind != KIND_UNDERSTAFFED;
	ep->info.rule = xstrdup(al->rule);
	ep->info.metric = d.metric ? xstrdup(d.metric) : NULL;
	ep->info.window = d.window ? xstrdup(d.window) : NULL;
	ep->info.short_id = ep->no;
	al->ep = ep;
	if (a->n_history == a->cap_history) {
		a->cap_history = a->cap_history ? a->cap_history * 2 : 32;
		a->history = xrealloc(a->history, a->cap_history * sizeof *a->history);
	}
	a->history[a->n_history++] = ep;
}

/* The episode's record follows its alert: state, times, value, worst,
 * text, ack. */
static void
alerts_episode_sync(struct alerts *a, struct alert *al)
{
	struct alerts_episode *ep = al->ep;
	struct alert_info *in;
	struct alerts_synced now = { ep, al->config, al->acked_by, al->severity,
	    al->state, al->since, al->fired_at, al->resolved_at, al->acked_at,
	    al->has_value, al->value, al->threshold, al->clear, al->text_no };
	const struct alerts_synced *was = &al->synced;

	/* Every evaluation, for every alert: nothing to do (and no cold
	 * record to touch) unless something it copies changed. */
	if (now.ep == was->ep && now.config == was->config &&
	    now.acked_by == was->acked_by && now.severity == was->severity &&
	    now.state == was->state && now.since == was->since &&
	    now.fired_at == was->fired_at && now.resolved_at == was->resolved_at &&
	    now.acked_at == was->acked_at && now.has_value == was->has_value &&
	    now.value == was->value && now.threshold == was->threshold &&
	    now.clear == was->clear && now.text_no == was->text_no && ep != NULL)
		return;
	al->synced = now;
	if (ep == NULL || ep->owner != al)
		return;
	in = &ep->info;
	in->severity = al->severity;
	in->state = al->state;
	in->since = al->since;
	in->fired_at = al->fired_at;
	if (al->state == ALERT_RESOLVED)
		in->resolved_at = al->resolved_at;
	in->has_value = al->has_value;
	in->value = al->value;
	alerts_levels_of(a, al, &in->threshold, &in->clear);
	if (al->has_value && (!in->has_worst || (ep->worst_high ?
	    al->value > in->worst : al->value < in->worst))) {
		in->has_worst = true;
		in->worst = al->value;
	}
	if (al->text != NULL && (ep->text == NULL || ep->text_no != al->text_no)) {
		free(ep->text);
		ep->text = xstrdup(al->text);
		ep->text_no = al->text_no;
	}
	/* An ack is kept in the history after the episode resolves (the
	 * alert itself forgets it then). */
	if (al->acked_by != NULL && (ep->acked_by == NULL ||
	    strcmp(ep->acked_by, al->acked_by) != 0 || in->acked_at != al->acked_at)) {
		free(ep->acked_by);
		ep->acked_by = xstrdup(al->acked_by);
		in->acked_at = al->acked_at;
	}
}

/*
 * The alert leaves the list. An episode that never fired (a pending alert
 * whose breach stopped) was never news: it leaves the history too, and
 * gives back its number if no later one took it. One still firing (its
 * rule went in a reload) ends here, resolved.
 */
static void
alerts_episode_end(struct alerts *a, struct alert *al)
{
	struct alerts_episode *ep = al->ep;

	if (ep == NULL || ep->owner != al)
		return;
	if (ep->info.state == ALERT_PENDING) {
		for (size_t k = a->n_history; k-- > 0;) {
			if (a->history[k] != ep)
				continue;
			if (ep->no + 1 == a->next_no)
				a->next_no--;
			alerts_history_remove(a, k);
			return;
		}
	}
	if (ep->info.state == ALERT_FIRING) {
		ep->info.state = ALERT_RESOLVED;
		ep->info.resolved_at = a->now;
	}
	ep->owner = NULL;
	al->ep = NULL;
}

/* A new day: the history keeps only what is still open or happened in it;
 * numbers start again after the highest kept. */
static void
alerts_history_day(struct alerts *a, int64_t day_start)
{
	unsigned top = 0;

	if (day_start == a->day_start)
		return;
	for (size_t k = a->n_history; k-- > 0;) {
		const struct alerts_episode *ep = a->history[k];

		if (alerts_episode_active(ep) || ep->info.since >= day_start ||
		    ep->info.resolved_at >= day_start) {
			if (ep->no > top)
				top = ep->no;
			continue;
		}
		alerts_history_remove(a, k);
	}
	a->day_start = day_start;
	a->next_no = top + 1;
}

/* ---- the clock ------------------------------------------------------- */

static bool
alerts_is_counter(enum alert_kind kind)
{
	return kind == KIND_FEED_GAPS || kind == KIND_CALLS_LOST ||
	    kind == KIND_LIMIT;
}

/* What the clock alone does to an alert. */
static void
alerts_sweep(struct alert *al, int64_t now, int64_t *due)
{
	static const struct alerts_reading gone = { .clear = true };

	/* A condition alert not judged (its scope, rule or window went) is
	 * read as no data: pending goes, firing resolves. */
	if (!al->seen && !alerts_is_counter(al->kind))
		alerts_step(al, &gone, 0, now, due);
	if (alerts_is_counter(al->kind) && al->state == ALERT_FIRING) {
		if (now - al->last_rise >= ALERT_QUIET_MS)
			alerts_resolve(al, now);
		else
			alerts_due(due, al->last_rise + ALERT_QUIET_MS);
	}
	if (al->state == ALERT_RESOLVED) {
		if (now - al->resolved_at >= ALERT_RESOLVED_KEEP_MS)
			al->state = ALERT_NONE;
		else
			alerts_due(due, al->resolved_at + ALERT_RESOLVED_KEEP_MS);
	}
}

/* ---- public ---------------------------------------------------------- */

struct alerts *
alerts_new(const struct config *config)
{
	struct alerts *a = xcalloc(1, sizeof *a);

	a->config = config;
	a->by_id = strmap_new();
	a->feeds = strmap_new();
	a->next_due = 0;
	a->next_no = 1;
	a->judge_all = true;
	return a;
}

void
alerts_free(struct alerts **ap)
{
	struct alerts *a = ap ? *ap : NULL;
	size_t pos = 0;
	void *value;

	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++)
		alerts_alert_free(a->list[i]);
	free(a->rules);
	free(a->rule_ok);
	free(a->cells);
	while (strmap_next(a->feeds, &pos, NULL, &value))
		free(value);
	alerts_forget_moves(a, a->n_moves);
	for (size_t k = 0; k < a->n_history; k++)
		alerts_episode_free(a->history[k]);
	free(a->history);
	strmap_free(&a->by_id);
	strmap_free(&a->feeds);
	free(a->moves);
	free(a->list);
	free(a->idbuf);
	free(a->feed_of);
	free(a->staff);
	free(a->staff_known);
	dueheap_clear(&a->schedule);
	dueheap_clear(&a->expire);
	dueheap_clear(&a->fires);
	free(a->visit);
	free(a->others);
	free(a->by_no);
	free(a->free_no);
	free(a->marks);
	free(a->moved);
	free(a->todo);
	free(a->judged);
	free(a->daemon_text);
	free(a);
	*ap = NULL;
}

/* Point a rule alert at its rule in a new config, or mark it to go. */
static void
alerts_rebind(struct alert *al, const struct config *c)
{
	const struct config_alert *rule = NULL;

	for (size_t k = 0; k < c->n_alerts && rule == NULL; k++)
		if (c->alerts[k].name != NULL &&
		    strcmp(c->alerts[k].name, al->rule) == 0)
			rule = &c->alerts[k];
	al->config = rule;
	if (rule == NULL || rule->scope == NULL ||
	    !config_scope_match(rule->scope, al->scope))
		al->state = ALERT_NONE;
	else
		al->severity = rule->severity;
}

void
alerts_reconfigure(struct alerts *a, const struct config *new_config)
{
	a->config = new_config;
	a->cell_rules = SIZE_MAX;       /* the rules' cells are looked again */
	alerts_forget_moves(a, a->n_moves_evaluated);
	a->n_moves_evaluated = 0;
	alerts_visits_begin(a);
	for (size_t i = 0; i < a->n; i++) {
		struct alert *al = a->list[i];

		alerts_visit(a, al);
		al->said[0] = -1;       /* labels may have changed: say it again */
		al->rule_said.ok = false;
		memset(&al->synced, 0, sizeof al->synced); /* and levels */
		if (al->kind == KIND_RULE)
			alerts_rebind(al, new_config);
	}
	alerts_settle(a);
	a->changed = true;
	a->next_due = 0;
	a->judge_all = true;
}

bool
alerts_evaluate(struct alerts *a, struct engine *e, int64_t now)
{
	int64_t due = INT64_MAX;
	size_t before;
	bool changed;

	engine_advance(e, now);
	a->now = now;
	alerts_history_day(a, engine_day_start(e));
	alerts_forget_moves(a, a->n_moves_evaluated);
	before = a->n_moves;
	alerts_visits_begin(a);
	alerts_rules_ready(a, e);
	alerts_todo(a, e, now);
	alerts_visit_due(a, now);
	alerts_rules(a, e, now, &due);
	alerts_limits(a, e, now);
	alerts_feeds(a, e, now, &due);
	alerts_staffing(a, e, now, &due);
	alerts_daemon_judge(a, now, &due);
	alerts_schedule(a, e);
	for (size_t i = 0; i < a->n_visit; i++) {
		struct alert *al = a->visit[i];

		/* A scope left out reads as it did: its alerts stand. */
		if (alerts_on_scope(al) && al->slot < engine_scope_count(e) &&
		    a->judged[al->slot] != a->evaluation)
			al->seen = true;
		alerts_sweep(al, now, &due);
	}
	alerts_settle(a);
	alerts_due(&due, dueheap_next(&a->expire));
	alerts_due(&due, dueheap_next(&a->fires));
	changed = a->changed || a->n_moves > before;
	a->changed = false;
	a->n_moves_evaluated = a->n_moves;
	a->next_due = due;
	return changed;
}

void
alerts_follow_until(struct alerts *a, struct engine *e, int64_t t,
    int64_t *evaluated)
{
	int64_t due;

	while ((due = alerts_next_due(a)) <= t && due > *evaluated) {
		if (due < engine_now(e))
			due = engine_now(e);
		alerts_evaluate(a, e, due);
		*evaluated = due;
	}
}

void
alerts_follow_after(struct alerts *a, struct engine *e, int64_t *evaluated)
{
	if (*evaluated == INT64_MIN || engine_now(e) - *evaluated >= 1000) {
		alerts_evaluate(a, e, engine_now(e));
		*evaluated = engine_now(e);
	}
}

int64_t
alerts_next_due(const struct alerts *a)
{
	return a->next_due;
}

int
alerts_ack(struct alerts *a, const char *id, const char *by, int64_t now)
{
	struct alert *al = strmap_get(a->by_id, id);

	if (al == NULL ||
	    (al->state != ALERT_PENDING && al->state != ALERT_FIRING))
		return -1;
	free(al->acked_by);
	al->acked_by = xstrdup(by != NULL ? by : "unknown");
	al->acked_at = now;
	alerts_episode_sync(a, al);
	a->changed = true;
	return 0;
}

size_t
alerts_count(const struct alerts *a)
{
	return a->n;
}

/* The unit, metric and levels: the rule's, or the built-in's. */
static void
alerts_describe(const struct alerts *a, const struct alert *al,
    struct alert_info *out)
{
	const struct metric_info *info;

	alerts_levels_of(a, al, &out->threshold, &out->clear);
	switch (al->kind) {
	case KIND_RULE:
		info = al->config ? metric_find(al->config->metric) : NULL;
		out->metric = al->config ? al->config->metric : NULL;
		out->window = al->config ? al->config->window : NULL;
		out->kind = info ? info->kind : METRIC_COUNT;
		break;
	case KIND_FEED_STALE:
		out->metric = "silence_ms";
		out->kind = METRIC_DURATION;
		break;
	case KIND_UNDERSTAFFED:
		out->metric = "staffed";
		out->kind = METRIC_COUNT;
		break;
	case KIND_FEED_GAPS:
	case KIND_CALLS_LOST:
		out->metric = al->kind == KIND_FEED_GAPS ? "gaps" : "lost";
		out->kind = METRIC_COUNT;
		break;
	case KIND_FEEDS_SILENT:
		out->metric = "feeds";
		out->kind = METRIC_COUNT;
		break;
	case KIND_LIMIT:
		out->metric = "refused";
		out->kind = METRIC_COUNT;
		break;
	case KIND_DAEMON:
		out->metric = "journal";
		out->kind = METRIC_COUNT;
		break;
	}
}

void
alerts_get(const struct alerts *a, size_t i, struct alert_info *out)
{
	const struct alert *al = a->list[i];

	memset(out, 0, sizeof *out);
	out->id = al->id;
	out->rule = al->rule;
	out->scope = al->scope;
	out->severity = al->severity;
	out->state = al->state;
	out->since = al->since;
	out->fired_at = al->fired_at;
	out->resolved_at = al->resolved_at;
	out->has_value = al->has_value;
	out->value = al->value;
	out->text = al->text;
	out->acked_by = al->acked_by;
	out->acked_at = al->acked_at;
	if (al->ep != NULL && al->ep->owner == al) {
		out->short_id = al->ep->no;
		out->has_worst = al->ep->info.has_worst;
		out->worst = al->ep->info.worst;
	}
	alerts_describe(a, al, out);
}

size_t
alerts_history_count(const struct alerts *a)
{
	return a->n_history;
}

void
alerts_history_get(const struct alerts *a, size_t i, struct alert_info *out)
{
	const struct alerts_episode *ep = a->history[a->n_history - 1 - i];

	*out = ep->info;
	out->id = ep->id;
	out->scope = ep->id + ep->rule_len + 1;
	out->text = ep->text;
	out->acked_by = ep->acked_by;
	out->kind = ep->kind;
}

uint64_t
alerts_history_dropped(const struct alerts *a)
{
	return a->history_dropped;
}

long
alerts_find(const struct alerts *a, const char *id)
{
	const struct alert *al = strmap_get(a->by_id, id);

	/* O(1): the daemon looks up every transition's alert, and 100,000
	 * feeds going stale at once are 100,000 transitions */
	return al != NULL && al->state != ALERT_NONE ? (long)al->index : -1;
}

/* Counts and milliseconds as integers, the rest as they are. */
static void
alerts_write_number(struct jsonw *w, enum metric_kind kind, double v)
{
	if (kind == METRIC_COUNT || kind == METRIC_DURATION)
		jsonw_int(w, (int64_t)llround(v));
	else
		jsonw_double(w, v);
}

/* A time, or null for 0 (not yet, or not at all). */
static void
alerts_write_time(struct jsonw *w, const char *key, int64_t t)
{
	jsonw_key(w, key);
	if (t != 0)
		jsonw_int(w, t);
	else
		jsonw_null(w);
}

/* PROTOCOL §3's keys, then wallboard's own. */
static void
alerts_write_info(const struct alert_info *in, struct jsonw *w)
{
	jsonw_object(w);
	jsonw_key(w, "id"); jsonw_string(w, in->id);
	jsonw_key(w, "rule"); jsonw_string(w, in->rule);
	jsonw_key(w, "scope"); jsonw_string(w, in->scope);
	jsonw_key(w, "severity"); jsonw_string(w, config_severity_name(in->severity));
	jsonw_key(w, "state"); jsonw_string(w, alert_state_name(in->state));
	jsonw_key(w, "since"); jsonw_int(w, in->since);
	jsonw_key(w, "value");
	if (in->has_value)
		alerts_write_number(w, in->kind, in->value);
	else
		jsonw_null(w);
	jsonw_key(w, "text"); jsonw_string(w, in->text);
	jsonw_key(w, "acked_by"); jsonw_string(w, in->acked_by);
	alerts_write_time(w, "acked_at", in->acked_at);
	jsonw_key(w, "metric"); jsonw_string(w, in->metric);
	jsonw_key(w, "window"); jsonw_string(w, in->window);
	jsonw_key(w, "threshold"); alerts_write_number(w, in->kind, in->threshold);
	jsonw_key(w, "clear"); alerts_write_number(w, in->kind, in->clear);
	alerts_write_time(w, "fired_at", in->fired_at);
	alerts_write_time(w, "resolved_at", in->resolved_at);
	jsonw_key(w, "short_id");
	if (in->short_id > 0) jsonw_int(w, in->short_id); else jsonw_null(w);
	jsonw_key(w, "worst");
	if (in->has_worst)
		alerts_write_number(w, in->kind, in->worst);
	else
		jsonw_null(w);
	jsonw_end_object(w);
}

void
alerts_write_day(const struct alerts *a, struct jsonw *w,
    const struct config *c, int64_t now, int64_t day_start)
{
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, true);
	jsonw_key(w, "site"); jsonw_string(w, c->site_name);
	jsonw_key(w, "timezone"); jsonw_string(w, c->timezone);
	jsonw_key(w, "now"); jsonw_int(w, now);
	jsonw_key(w, "day_start"); jsonw_int(w, day_start);
	jsonw_key(w, "dropped");
	jsonw_int(w, (int64_t)alerts_history_dropped(a));
	jsonw_key(w, "alerts");
	alerts_write_history(a, w);
	jsonw_end_object(w);
}

void
alerts_write_history(const struct alerts *a, struct jsonw *w)
{
	struct alert_info info;

	jsonw_array(w);
	for (size_t i = 0; i < alerts_history_count(a); i++) {
		alerts_history_get(a, i, &info);
		alerts_write_info(&info, w);
	}
	jsonw_end_array(w);
}

void
alerts_write_one(const struct alerts *a, size_t i, struct jsonw *w)
{
	struct alert_info info;

	alerts_get(a, i, &info);
	alerts_write_info(&info, w);
}

void
alerts_write_json(const struct alerts *a, struct jsonw *w)
{
	jsonw_array(w);
	for (size_t i = 0; i < a->n; i++)
		alerts_write_one(a, i, w);
	jsonw_end_array(w);
}

size_t
alerts_transition_count(const struct alerts *a)
{
	return a->n_moves;
}

void
alerts_transition(const struct alerts *a, size_t i, struct alert_transition *out)
{
	const struct alerts_move *m = &a->moves[i];

	out->id = m->id;
	out->from = m->from;
	out->to = m->to;
	out->severity = m->severity;
	out->text = m->text;
}

const char *
alert_state_name(enum alert_state state)
{
	switch (state) {
	case ALERT_PENDING: return "pending";
	case ALERT_FIRING: return "firing";
	case ALERT_RESOLVED: return "resolved";
	default: return "none";
	}
}
