/*
 * sim-model.c: the simulated contact centre (see sim-model.h).
 *
 * A binary heap of pending happenings, ordered by time and then by when
 * they were scheduled, so ties always break the same way. A timer that may
 * have become moot (a caller's patience running out after an agent took
 * the call) carries the call's visit generation and is ignored on a
 * mismatch, instead of being searched for and removed.
 */
#include "sim-model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "sim-floor.h"
#include "sim-rng.h"
#include "tz.h"
#include "xalloc.h"

#define MIN_MS (60 * 1000LL)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MIN 1440
#define SIM_PRIORITIES 2
#define SIM_RECENT 1024             /* callers remembered for repeat calls */
#define SIM_SURGE_MAX 2.6

enum sim_kind {
	K_ARRIVAL, K_CALLBACK, K_PATIENCE, K_OVERFLOW, K_TIMEOUT, K_END,
	K_WRAP_END, K_SURVEY, K_DAY, K_LOGIN, K_AWAY, K_BACK, K_LOGOUT, K_SURGE,
};

struct sim_item {
	int64_t t;
	uint64_t order;
	int64_t x;                  /* a call slot, caller, call number, length */
	int32_t agent, queue, value;
	uint32_t gen;
	enum sim_kind kind;
};

enum sim_call_state { CALL_FREE, CALL_WAITING, CALL_TALKING };

struct sim_call {
	enum sim_call_state state;
	int64_t number;
	uint64_t caller;
	int queue, priority, visits, agent;
	uint32_t gen;               /* bumped at every visit and when freed */
	int64_t queued_at, patience_until, wait_ms, wrap_ms;
	int prev, next;             /* its queue's waiting line, or free list */
	int in_line;
};

enum sim_agent_state { AGENT_OFFLINE, AGENT_READY, AGENT_BUSY, AGENT_WRAP, AGENT_AWAY };

static const char *sim_agent_state_names[] = { "offline", "ready", "busy", "wrap", "away" };
static const char *sim_away_reasons[] = { "break", "lunch", "training" };
enum { AWAY_BREAK, AWAY_LUNCH, AWAY_TRAINING };

struct sim_agent_run {
	enum sim_agent_state state;
	int64_t ready_since;
	int call;
	int pending_away;           /* reason + 1; 0 for none */
	int64_t pending_len;
	int pending_logout;
	uint32_t away_gen;
};

struct sim_line {
	int head, tail;
};

struct sim_queue_run {
	double *per_min;            /* arrival rate per ms at each local minute */
	double rate_max;            /* the thinning bound, per ms */
	double surge;
	double aht_ms;
	int *agents;                /* who serves it */
	size_t n_agents;
	struct sim_line lines[SIM_PRIORITIES];
};

struct sim_recent {
	uint64_t caller;
	int64_t t;
};

struct sim_model {
	const struct sim_floor *floor;
	struct sim_options opt;
	sim_model_emit_fn *emit;
	void *arg;
	struct sim_rng rng;
	struct tz *tz;
	int64_t now;

	struct sim_item *heap;
	size_t n, cap;
	uint64_t order;

	struct sim_call *calls;
	size_t n_calls;
	int free_call;
	int64_t next_number;
	uint64_t next_caller;
	char call_prefix[24];

	struct sim_agent_run *agents;
	struct sim_queue_run *queues;
	struct sim_recent recent[SIM_RECENT];
	size_t n_recent;

	struct jsonw w;
	struct sim_stats stats;
};

/* ---- the heap ------------------------------------------------------------ */

static int
sim_before(const struct sim_item *a, const struct sim_item *b)
{
	return a->t < b->t || (a->t == b->t && a->order < b->order);
}

static void
sim_push(struct sim_model *m, struct sim_item it)
{
	size_t i;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->heap = xrealloc(m->heap, m->cap * sizeof *m->heap);
	}
	it.order = m->order++;
	if (it.t < m->now)
		it.t = m->now;
	for (i = m->n++; i > 0 && sim_before(&it, &m->heap[(i - 1) / 2]); i = (i - 1) / 2)
		m->heap[i] = m->heap[(i - 1) / 2];
	m->heap[i] = it;
}

static struct sim_item
sim_pop(struct sim_model *m)
{
	struct sim_item top = m->heap[0], last = m->heap[--m->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < m->n) {
		if (c + 1 < m->n && sim_before(&m->heap[c + 1], &m->heap[c]))
			c++;
		if (!sim_before(&m->heap[c], &last))
			break;
		m->heap[i] = m->heap[c];
		i = c;
	}
	if (m->n > 0)
		m->heap[i] = last;
	return top;
}

static void
sim_at(struct sim_model *m, int64_t t, enum sim_kind kind, int64_t x, int agent,
    int queue, int value, uint32_t gen)
{
	struct sim_item it = { .t = t, .kind = kind, .x = x, .agent = agent,
	    .queue = queue, .value = value, .gen = gen };

	sim_push(m, it);
}

/* ---- emitting ------------------------------------------------------------ */

static void
sim_begin(struct sim_model *m, const char *type)
{
	jsonw_reset(&m->w);
	jsonw_object(&m->w);
	jsonw_key(&m->w, "type");
	jsonw_string(&m->w, type);
	jsonw_key(&m->w, "ts");
	jsonw_int(&m->w, m->now + m->opt.ts_shift_ms);
}

static void
sim_end(struct sim_model *m)
{
	jsonw_end_object(&m->w);
	m->stats.events++;
	m->emit(m->now + m->opt.ts_shift_ms, m->w.buf, m->w.len, m->arg);
}

static void
sim_key_string(struct sim_model *m, const char *key, const char *value)
{
	jsonw_key(&m->w, key);
	jsonw_string(&m->w, value);
}

static void
sim_key_call(struct sim_model *m, const struct sim_call *c)
{
	char id[48];

	snprintf(id, sizeof id, "%s%lld", m->call_prefix, (long long)c->number);
	sim_key_string(m, "call", id);
}

static void
sim_key_caller(struct sim_model *m, uint64_t caller)
{
	char token[16];

	snprintf(token, sizeof token, "h:%08llx", (unsigned long long)(caller >> 32));
	sim_key_string(m, "caller", token);
}

/* ---- time of day --------------------------------------------------------- */

static int
sim_local_minute(const struct sim_model *m, int64_t t)
{
	int64_t s = t / 1000 + tz_offset(m->tz, t);

	return (int)(((s % 86400) + 86400) % 86400 / 60);
}

/* Demand over capacity through the day: a mid-morning peak, a dip over
 * lunch and a second peak after it (1 = as staffed for). */
static double
sim_wobble(int minute)
{
	double x = minute / 60.0;

	return 1 + 0.15 * exp(-(x - 10.5) * (x - 10.5) / 0.5)
	    - 0.10 * exp(-(x - 12.75) * (x - 12.75) / 0.3)
	    + 0.12 * exp(-(x - 14.25) * (x - 14.25) / 0.5);
}

/* Whether the agent's plan has them taking calls at this local minute:
 * on shift and not on a planned break or lunch. */
static int
sim_planned_available(const struct sim_agent *a, int minute)
{
	int into = minute - a->shift_start_min;

	if (into < 0 || into >= a->shift_len_min)
		return 0;
	return !((into >= 120 && into < 135) || (into >= 240 && into < 277) ||
	    (into >= 390 && into < 405));
}

/* ---- calls --------------------------------------------------------------- */

static int
sim_call_new(struct sim_model *m)
{
	int i = m->free_call;

	if (i < 0) {
		m->calls = xrealloc(m->calls, (m->n_calls + 1) * sizeof *m->calls);
		i = (int)m->n_calls++;
		m->calls[i].gen = 0;
	} else
		m->free_call = m->calls[i].next;
	m->calls[i].state = CALL_WAITING;
	m->calls[i].in_line = 0;
	m->calls[i].visits = 0;
	m->calls[i].agent = -1;
	return i;
}

static void
sim_call_free(struct sim_model *m, int i)
{
	m->calls[i].state = CALL_FREE;
	m->calls[i].gen++;
	m->calls[i].next = m->free_call;
	m->free_call = i;
}

static void
sim_line_append(struct sim_model *m, int i)
{
	struct sim_call *c = &m->calls[i];
	struct sim_line *l = &m->queues[c->queue].lines[c->priority];

	c->prev = l->tail;
	c->next = -1;
	c->in_line = 1;
	if (l->tail >= 0)
		m->calls[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
}

static void
sim_line_remove(struct sim_model *m, int i)
{
	struct sim_call *c = &m->calls[i];
	struct sim_line *l = &m->queues[c->queue].lines[c->priority];

	c->in_line = 0;
	if (c->prev >= 0)
		m->calls[c->prev].next = c->next;
	else
		l->head = c->next;
	if (c->next >= 0)
		m->calls[c->next].prev = c->prev;
	else
		l->tail = c->prev;
}

/* A caller for a new call: mostly new, sometimes one who called within
 * the last few hours (a repeat contact). */
static uint64_t
sim_caller(struct sim_model *m)
{
	uint64_t caller;

	if (m->n_recent > 0 && sim_rng_chance(&m->rng, 0.05)) {
		struct sim_recent *r = &m->recent[sim_rng_next(&m->rng) %
		    (m->n_recent < SIM_RECENT ? m->n_recent : SIM_RECENT)];
		if (m->now - r->t < 4 * HOUR_MS)
			return r->caller;
	}
	caller = sim_rng_mix(m->opt.seed ^ ++m->next_caller);
	m->recent[m->n_recent++ % SIM_RECENT] = (struct sim_recent){ caller, m->now };
	return caller;
}

static int64_t
sim_patience(struct sim_model *m)
{
	if (!m->opt.abandon)
		return INT64_MAX;
	if (sim_rng_chance(&m->rng, 0.08))       /* hangs up almost at once */
		return m->now + sim_rng_between(&m->rng, 1000, 5000);
	return m->now + (int64_t)(sim_rng_exp(&m->rng, m->opt.patience_s) * 1000);
}

/* ---- routing ------------------------------------------------------------- */

/* The ready agent serving queue q who has been idle longest; -1 if none. */
static int
sim_idle_agent(const struct sim_model *m, int q)
{
	const struct sim_queue_run *qr = &m->queues[q];
	int best = -1;

	for (size_t i = 0; i < qr->n_agents; i++) {
		int a = qr->agents[i];
		if (m->agents[a].state == AGENT_READY &&
		    (best < 0 || m->agents[a].ready_since < m->agents[best].ready_since))
			best = a;
	}
	return best;
}

/* The call agent a should take: highest priority first, then the one that
 * has waited longest in its queue, over every queue a serves. */
static int
sim_next_call(const struct sim_model *m, int a)
{
	const struct sim_agent *fa = &m->floor->agents[a];
	int best = -1;

	for (int p = SIM_PRIORITIES - 1; p >= 0 && best < 0; p--)
		for (size_t i = 0; i < fa->n_queues; i++) {
			int c = m->queues[fa->queues[i]].lines[p].head;
			if (c >= 0 && (best < 0 || m->calls[c].queued_at < m->calls[best].queued_at))
				best = c;
		}
	return best;
}

/* How long the call is talked and wrapped up: exponential in all (flat),
 * so Erlang C holds, or skewed like real calls. */
static int64_t
sim_draw_handling(struct sim_model *m, int q, int64_t *wrap_ms)
{
	const struct sim_queue *fq = &m->floor->queues[q];
	double scale = m->opt.aht_s > 0 ? m->opt.aht_s / (fq->talk_s + fq->wrap_s) : 1;
	int64_t talk, total;

	if (m->opt.flat) {
		total = 1 + (int64_t)sim_rng_exp(&m->rng, m->queues[q].aht_ms);
		talk = total * 85 / 100;
		*wrap_ms = total - talk;
		return talk;
	}
	talk = (int64_t)(1000 * sim_rng_lognormal(&m->rng, fq->talk_s * scale, 0.8));
	*wrap_ms = (int64_t)(1000 * sim_rng_lognormal(&m->rng, fq->wrap_s * scale, 0.6));
	if (talk < 1000)
		talk = 1000;
	return talk;
}

static void
sim_answer(struct sim_model *m, int i, int a)
{
	struct sim_call *c = &m->calls[i];
	int64_t talk;

	if (c->in_line)
		sim_line_remove(m, i);
	c->state = CALL_TALKING;
	c->agent = a;
	c->wait_ms = m->now - c->queued_at;
	c->gen++;                   /* its queue timers are moot now */
	m->agents[a].state = AGENT_BUSY;
	m->agents[a].call = i;
	sim_begin(m, "call.answered");
	sim_key_call(m, c);
	sim_key_string(m, "agent", m->floor->agents[a].id);
	sim_key_string(m, "queue", m->floor->queues[c->queue].name);
	sim_end(m);
	m->stats.answered++;
	talk = sim_draw_handling(m, c->queue, &c->wrap_ms);
	sim_at(m, m->now + talk, K_END, i, a, c->queue, 0, 0);
}

/* A visit of call i to queue q: queued, then answered at once by an idle
 * agent or left waiting with its timers set. */
static void
sim_visit(struct sim_model *m, int i, int q)
{
	struct sim_call *c = &m->calls[i];
	const struct sim_queue *fq = &m->floor->queues[q];
	int a;

	c->queue = q;
	c->visits++;
	c->gen++;
	c->state = CALL_WAITING;
	c->queued_at = m->now;
	sim_begin(m, "call.queued");
	sim_key_call(m, c);
	sim_key_string(m, "queue", fq->name);
	sim_key_caller(m, c->caller);
	if (c->priority > 0) {
		jsonw_key(&m->w, "priority");
		jsonw_int(&m->w, c->priority);
	}
	sim_end(m);
	if ((a = sim_idle_agent(m, q)) >= 0) {
		sim_answer(m, i, a);
		return;
	}
	sim_line_append(m, i);
	if (c->patience_until != INT64_MAX)
		sim_at(m, c->patience_until, K_PATIENCE, i, -1, q, 0, c->gen);
	if (!m->opt.flat && c->visits == 1 && fq->overflow_to >= 0)
		sim_at(m, m->now + fq->overflow_after_ms, K_OVERFLOW, i, -1, q, 0, c->gen);
	if (!m->opt.flat && fq->timeout_ms > 0)
		sim_at(m, m->now + fq->timeout_ms, K_TIMEOUT, i, -1, q, 0, c->gen);
}

static void
sim_new_call(struct sim_model *m, int q, uint64_t caller)
{
	int i = sim_call_new(m);
	struct sim_call *c = &m->calls[i];

	c->number = ++m->next_number;
	c->caller = caller;
	c->priority = !m->opt.flat && sim_rng_chance(&m->rng, 0.06);
	c->patience_until = sim_patience(m);
	m->stats.calls++;
	sim_visit(m, i, q);
}

/* ---- agents -------------------------------------------------------------- */

static void
sim_agent_event(struct sim_model *m, int a, enum sim_agent_state state, int reason)
{
	sim_begin(m, "agent.state");
	sim_key_string(m, "agent", m->floor->agents[a].id);
	sim_key_string(m, "state", sim_agent_state_names[state]);
	if (reason >= 0)
		sim_key_string(m, "reason", sim_away_reasons[reason]);
	m->agents[a].state = state;
}

static void
sim_agent_ready(struct sim_model *m, int a)
{
	int c;

	sim_agent_event(m, a, AGENT_READY, -1);
	sim_end(m);
	m->agents[a].ready_since = m->now;
	if ((c = sim_next_call(m, a)) >= 0)
		sim_answer(m, c, a);
}

static void
sim_agent_login(struct sim_model *m, int a)
{
	const struct sim_agent *fa = &m->floor->agents[a];
	int c;

	m->agents[a].pending_away = 0;
	m->agents[a].pending_logout = 0;
	m->stats.logins++;
	sim_agent_event(m, a, AGENT_READY, -1);
	sim_key_string(m, "name", fa->name);
	if (fa->team != NULL)
		sim_key_string(m, "team", fa->team);
	jsonw_key(&m->w, "queues");
	jsonw_array(&m->w);
	for (size_t i = 0; i < fa->n_queues; i++)
		jsonw_string(&m->w, m->floor->queues[fa->queues[i]].name);
	jsonw_end_array(&m->w);
	sim_end(m);
	m->agents[a].ready_since = m->now;
	if ((c = sim_next_call(m, a)) >= 0)
		sim_answer(m, c, a);
}

static void
sim_agent_away(struct sim_model *m, int a, int reason, int64_t len)
{
	struct sim_agent_run *ar = &m->agents[a];

	ar->pending_away = 0;
	m->stats.breaks++;
	sim_agent_event(m, a, AGENT_AWAY, reason);
	sim_end(m);
	sim_at(m, m->now + len, K_BACK, 0, a, -1, 0, ++ar->away_gen);
}

static void
sim_agent_logout(struct sim_model *m, int a)
{
	m->agents[a].pending_logout = 0;
	m->agents[a].pending_away = 0;
	m->agents[a].away_gen++;
	sim_agent_event(m, a, AGENT_OFFLINE, -1);
	sim_end(m);
}

/* A working day: in at the shift's start, two short breaks, lunch (now and
 * then training instead of the first break), out at its end. A plan that
 * began before the model did starts with the agent in, now. */
static void
sim_plan_day(struct sim_model *m, int a, int64_t day)
{
	const struct sim_agent *fa = &m->floor->agents[a];
	struct sim_rng *r = &m->rng;
	int64_t in = day + fa->shift_start_min * MIN_MS + sim_rng_between(r, -5, 10) * MIN_MS;
	int64_t out = in + fa->shift_len_min * MIN_MS + sim_rng_between(r, 0, 10) * MIN_MS;
	int64_t b1 = in + 2 * HOUR_MS + sim_rng_between(r, -10, 10) * MIN_MS;
	int64_t lunch = in + 4 * HOUR_MS + sim_rng_between(r, -15, 15) * MIN_MS;
	int64_t b2 = in + 390 * MIN_MS + sim_rng_between(r, -10, 10) * MIN_MS;
	int training = sim_rng_chance(r, 0.12);

	if (sim_rng_chance(r, 0.04) || out <= m->now)   /* off sick, or gone */
		return;
	sim_at(m, in, K_LOGIN, 0, a, -1, 0, 0);
	if (b1 >= m->now)
		sim_at(m, b1, K_AWAY, training ? sim_rng_between(r, 30, 60) * MIN_MS :
		    15 * MIN_MS, a, -1, training ? AWAY_TRAINING : AWAY_BREAK, 0);
	if (lunch >= m->now)
		sim_at(m, lunch, K_AWAY, sim_rng_between(r, 30, 45) * MIN_MS, a, -1,
		    AWAY_LUNCH, 0);
	if (b2 >= m->now)
		sim_at(m, b2, K_AWAY, 15 * MIN_MS, a, -1, AWAY_BREAK, 0);
	sim_at(m, out, K_LOGOUT, 0, a, -1, 0, 0);
}

/* ---- happenings ---------------------------------------------------------- */

/* The queue's arrival rate (per ms) now: its staffing plan's, shaped by the
 * time of day and any surge; thinned from rate_max. */
static double
sim_rate_now(const struct sim_model *m, int q)
{
	const struct sim_queue_run *qr = &m->queues[q];

	if (m->opt.flat)
		return qr->rate_max;
	return qr->per_min[sim_local_minute(m, m->now)] * qr->surge;
}

static void
sim_on_arrival(struct sim_model *m, const struct sim_item *it)
{
	struct sim_queue_run *qr = &m->queues[it->queue];

	if (sim_rng_unit(&m->rng) * qr->rate_max < sim_rate_now(m, it->queue))
		sim_new_call(m, it->queue, sim_caller(m));
	sim_at(m, m->now + 1 + (int64_t)sim_rng_exp(&m->rng, 1 / qr->rate_max),
	    K_ARRIVAL, 0, -1, it->queue, 0, 0);
}

/* The call of a queue timer, if the timer still applies. */
static struct sim_call *
sim_waiting(struct sim_model *m, const struct sim_item *it)
{
	struct sim_call *c = &m->calls[it->x];

	return c->state == CALL_WAITING && c->gen == it->gen ? c : NULL;
}

static void
sim_on_patience(struct sim_model *m, const struct sim_item *it)
{
	struct sim_call *c = sim_waiting(m, it);

	if (c == NULL)
		return;
	sim_line_remove(m, (int)it->x);
	sim_begin(m, "call.abandoned");
	sim_key_call(m, c);
	sim_key_string(m, "queue", m->floor->queues[c->queue].name);
	sim_end(m);
	m->stats.abandoned++;
	/* Many who gave up try again a little later. */
	if (!m->opt.flat && m->now - c->queued_at > 5000 && sim_rng_chance(&m->rng, 0.35))
		sim_at(m, m->now + sim_rng_between(&m->rng, 2, 30) * MIN_MS, K_CALLBACK,
		    (int64_t)c->caller, -1, c->queue, 0, 0);
	sim_call_free(m, (int)it->x);
}

static void
sim_on_exit(struct sim_model *m, const struct sim_item *it)
{
	struct sim_call *c = sim_waiting(m, it);
	int to = m->floor->queues[it->queue].overflow_to;

	if (c == NULL)
		return;
	sim_line_remove(m, (int)it->x);
	sim_begin(m, "call.exited");
	sim_key_call(m, c);
	sim_key_string(m, "reason", it->kind == K_OVERFLOW ? "overflow" : "timeout");
	sim_key_string(m, "queue", m->floor->queues[c->queue].name);
	if (it->kind == K_OVERFLOW)
		sim_key_string(m, "to_queue", m->floor->queues[to].name);
	sim_end(m);
	if (it->kind == K_TIMEOUT) {
		m->stats.timeouts++;
		sim_call_free(m, (int)it->x);
		return;
	}
	m->stats.overflows++;
	sim_visit(m, (int)it->x, to);
}

/* A survey score: content callers whose issue was resolved quickly, less
 * so after a long wait or an unresolved call. */
static int
sim_csat(struct sim_model *m, const struct sim_call *c, int resolved)
{
	double mean = (resolved ? 4.4 : 2.7) - (c->wait_ms > 60000 ? 0.7 : 0);
	int score = (int)lround(mean + (sim_rng_unit(&m->rng) - 0.5) * 2.6);

	return score < 1 ? 1 : score > 5 ? 5 : score;
}

/* The caller's outcome after a handled call: a survey now and then, and a
 * call back when the problem was not resolved. */
static void
sim_after_call(struct sim_model *m, int i, int resolved)
{
	struct sim_call *c = &m->calls[i];

	if (sim_rng_chance(&m->rng, 0.3))
		sim_at(m, m->now + sim_rng_between(&m->rng, 60, 600) * 1000, K_SURVEY,
		    c->number, c->agent, c->queue, sim_csat(m, c, resolved), 0);
	if (!m->opt.flat && !resolved && sim_rng_chance(&m->rng, 0.4))
		sim_at(m, m->now + sim_rng_between(&m->rng, 15, 240) * MIN_MS, K_CALLBACK,
		    (int64_t)c->caller, -1, c->queue, 0, 0);
	sim_call_free(m, i);
}

static void
sim_on_end(struct sim_model *m, const struct sim_item *it)
{
	int i = (int)it->x, a = it->agent;
	struct sim_call *c = &m->calls[i];
	int n_queues = (int)m->floor->n_queues;
	int transferred = !m->opt.flat && n_queues > 1 && sim_rng_chance(&m->rng, 0.05);
	int resolved = sim_rng_chance(&m->rng, c->wait_ms > 120000 ? 0.7 : 0.8);

	sim_begin(m, "call.ended");
	sim_key_call(m, c);
	sim_key_string(m, "agent", m->floor->agents[a].id);
	if (!transferred) {
		jsonw_key(&m->w, "resolved");
		jsonw_bool(&m->w, resolved);
	}
	jsonw_key(&m->w, "transferred");
	jsonw_bool(&m->w, transferred);
	sim_end(m);
	sim_agent_event(m, a, AGENT_WRAP, -1);
	sim_end(m);
	m->agents[a].call = -1;
	sim_at(m, m->now + c->wrap_ms, K_WRAP_END, 0, a, -1, 0, 0);
	if (!transferred) {
		sim_after_call(m, i, resolved);
		return;
	}
	/* Passed on to another queue: a new visit of the same call, with a
	 * caller whose patience starts again. */
	m->stats.transfers++;
	c->patience_until = sim_patience(m);
	sim_visit(m, i, (c->queue + 1 + (int)(sim_rng_next(&m->rng) %
	    (uint64_t)(n_queues - 1))) % n_queues);
}

static void
sim_on_wrap_end(struct sim_model *m, int a)
{
	struct sim_agent_run *ar = &m->agents[a];

	if (ar->pending_logout)
		sim_agent_logout(m, a);
	else if (ar->pending_away)
		sim_agent_away(m, a, ar->pending_away - 1, ar->pending_len);
	else
		sim_agent_ready(m, a);
}

static void
sim_on_survey(struct sim_model *m, const struct sim_item *it)
{
	struct sim_call c = { .number = it->x };

	sim_begin(m, "survey");
	jsonw_key(&m->w, "csat");
	jsonw_int(&m->w, it->value);
	sim_key_call(m, &c);
	sim_key_string(m, "agent", m->floor->agents[it->agent].id);
	sim_key_string(m, "queue", m->floor->queues[it->queue].name);
	sim_end(m);
	m->stats.surveys++;
}

static void
sim_on_away(struct sim_model *m, const struct sim_item *it)
{
	struct sim_agent_run *ar = &m->agents[it->agent];

	if (ar->state == AGENT_READY)
		sim_agent_away(m, it->agent, it->value, it->x);
	else if (ar->state == AGENT_BUSY || ar->state == AGENT_WRAP) {
		ar->pending_away = it->value + 1;   /* after this call */
		ar->pending_len = it->x;
	}
}

static void
sim_on_logout(struct sim_model *m, int a)
{
	struct sim_agent_run *ar = &m->agents[a];

	if (ar->state == AGENT_READY || ar->state == AGENT_AWAY)
		sim_agent_logout(m, a);
	else if (ar->state != AGENT_OFFLINE)
		ar->pending_logout = 1;
}

static void
sim_on_day(struct sim_model *m)
{
	int64_t day = tz_day_start(m->tz, 0, m->now);

	for (size_t a = 0; a < m->floor->n_agents; a++)
		sim_plan_day(m, (int)a, day);
	sim_at(m, tz_next_day_start(m->tz, 0, day), K_DAY, 0, -1, -1, 0, 0);
}

/* A surge starts (value 1: a burst of calls on one queue for a quarter of
 * an hour or so) or ends (value 0: the next comes hours later). */
static void
sim_on_surge(struct sim_model *m, const struct sim_item *it)
{
	struct sim_queue_run *qr = &m->queues[it->queue];

	if (it->value) {
		qr->surge = 1.6 + sim_rng_unit(&m->rng) * (SIM_SURGE_MAX - 1.6);
		sim_at(m, m->now + sim_rng_between(&m->rng, 8, 20) * MIN_MS, K_SURGE, 0, -1,
		    it->queue, 0, 0);
	} else {
		qr->surge = 1;
		sim_at(m, m->now + (int64_t)sim_rng_exp(&m->rng, 3.0 * HOUR_MS), K_SURGE, 0,
		    -1, it->queue, 1, 0);
	}
}

static void
sim_dispatch(struct sim_model *m, const struct sim_item *it)
{
	switch (it->kind) {
	case K_ARRIVAL: sim_on_arrival(m, it); break;
	case K_CALLBACK: sim_new_call(m, it->queue, (uint64_t)it->x); break;
	case K_PATIENCE: sim_on_patience(m, it); break;
	case K_OVERFLOW:
	case K_TIMEOUT: sim_on_exit(m, it); break;
	case K_END: sim_on_end(m, it); break;
	case K_WRAP_END: sim_on_wrap_end(m, it->agent); break;
	case K_SURVEY: sim_on_survey(m, it); break;
	case K_DAY: sim_on_day(m); break;
	case K_LOGIN:
		if (m->agents[it->agent].state == AGENT_OFFLINE)
			sim_agent_login(m, it->agent);
		break;
	case K_AWAY: sim_on_away(m, it); break;
	case K_BACK:
		if (m->agents[it->agent].state == AGENT_AWAY &&
		    m->agents[it->agent].away_gen == it->gen)
			sim_agent_ready(m, it->agent);
		break;
	case K_LOGOUT: sim_on_logout(m, it->agent); break;
	case K_SURGE: sim_on_surge(m, it); break;
	}
}

int64_t
sim_model_next(const struct sim_model *m)
{
	return m->heap[0].t;
}

void
sim_model_step(struct sim_model *m)
{
	struct sim_item it = sim_pop(m);

	m->now = it.t;
	sim_dispatch(m, &it);
}

void
sim_model_stats(const struct sim_model *m, struct sim_stats *out)
{
	*out = m->stats;
}

/* ---- setting up ---------------------------------------------------------- */

/* Who serves queue q, and the share of their time it can expect: an agent
 * in k queues gives each 1/k. */
static double
sim_queue_agents(struct sim_model *m, int q, double *per_min)
{
	struct sim_queue_run *qr = &m->queues[q];
	double all = 0;

	qr->agents = xcalloc(m->floor->n_agents + 1, sizeof *qr->agents);
	for (size_t a = 0; a < m->floor->n_agents; a++) {
		const struct sim_agent *fa = &m->floor->agents[a];
		for (size_t i = 0; i < fa->n_queues; i++) {
			if (fa->queues[i] != q)
				continue;
			qr->agents[qr->n_agents++] = (int)a;
			all += 1.0 / (double)fa->n_queues;
			for (int t = 0; t < DAY_MIN; t++)
				per_min[t] += sim_planned_available(fa, t) / (double)fa->n_queues;
		}
	}
	return all;
}

/*
 * The traffic (erlangs) a staffing plan of n agents was made for: the
 * square-root rule, n = A + sqrt(A) or so, which meets a service level
 * near 80% whatever the size; a small team needs proportionally more slack
 * than a large one, so a plain share of n would swamp the early shift.
 */
static double
sim_planned_traffic(double n)
{
	return n > 1 ? n - sqrt(n) : n / 2;
}

/*
 * Queue q's arrival rate: through the day, the traffic its staffing plan
 * was made for, shaped by demand; flat, a share of the agents. A trickle
 * when nobody is in, so a closed queue still sees the odd call.
 */
static void
sim_queue_rates(struct sim_model *m, int q)
{
	struct sim_queue_run *qr = &m->queues[q];
	double per_ms = m->opt.rate * m->opt.load / qr->aht_ms;
	double trickle = m->opt.rate * 1.0 / HOUR_MS, peak = 0, all;

	qr->per_min = xcalloc(DAY_MIN, sizeof *qr->per_min);
	all = sim_queue_agents(m, q, qr->per_min);
	for (int t = 0; t < DAY_MIN; t++) {
		qr->per_min[t] = sim_planned_traffic(qr->per_min[t]) * per_ms * sim_wobble(t);
		if (qr->per_min[t] > peak)
			peak = qr->per_min[t];
	}
	if (peak * 0.01 > trickle)
		trickle = peak * 0.01;
	for (int t = 0; t < DAY_MIN; t++)
		if (qr->per_min[t] < trickle)
			qr->per_min[t] = trickle;
	if (m->opt.flat)
		qr->rate_max = all > 0 ? all * per_ms : trickle;
	else
		qr->rate_max = (peak > trickle ? peak : trickle) * SIM_SURGE_MAX;
	qr->surge = 1;
	for (int p = 0; p < SIM_PRIORITIES; p++)
		qr->lines[p].head = qr->lines[p].tail = -1;
}

static void
sim_defaults(struct sim_options *o)
{
	if (o->rate <= 0)
		o->rate = 1;
	if (o->load <= 0)
		o->load = o->flat ? 0.85 : 1;
	if (o->patience_s <= 0)
		o->patience_s = 150;
}

/* The first happenings: the staff (all in at once when flat, else by the
 * day's plan), each queue's surges and first arrival. */
static void
sim_schedule_start(struct sim_model *m)
{
	if (m->opt.flat)
		for (size_t a = 0; a < m->floor->n_agents; a++)
			sim_at(m, m->now, K_LOGIN, 0, (int)a, -1, 0, 0);
	else
		sim_at(m, m->now, K_DAY, 0, -1, -1, 0, 0);
	for (size_t q = 0; q < m->floor->n_queues; q++) {
		if (!m->opt.flat)
			sim_at(m, m->now + (int64_t)sim_rng_exp(&m->rng, 3.0 * HOUR_MS),
			    K_SURGE, 0, -1, (int)q, 1, 0);
		sim_at(m, m->now + (int64_t)sim_rng_exp(&m->rng, 1 / m->queues[q].rate_max),
		    K_ARRIVAL, 0, -1, (int)q, 0, 0);
	}
}

struct sim_model *
sim_model_new(const struct sim_floor *floor, const struct sim_options *opt,
    sim_model_emit_fn *emit, void *arg)
{
	struct sim_model *m = xcalloc(1, sizeof *m);
	char err[256];

	m->floor = floor;
	m->opt = *opt;
	sim_defaults(&m->opt);
	m->emit = emit;
	m->arg = arg;
	m->now = opt->start_ms;
	m->free_call = -1;
	sim_rng_seed(&m->rng, opt->seed);
	if ((m->tz = tz_load(floor->timezone, err, sizeof err)) == NULL)
		m->tz = tz_load("UTC", NULL, 0);
	snprintf(m->call_prefix, sizeof m->call_prefix, "c%llx.",
	    (unsigned long long)((opt->start_ms + opt->ts_shift_ms) / 1000));
	m->agents = xcalloc(floor->n_agents + 1, sizeof *m->agents);
	for (size_t a = 0; a < floor->n_agents; a++)
		m->agents[a].call = -1;
	m->queues = xcalloc(floor->n_queues + 1, sizeof *m->queues);
	for (size_t q = 0; q < floor->n_queues; q++) {
		const struct sim_queue *fq = &floor->queues[q];
		m->queues[q].aht_ms = 1000 * (m->opt.aht_s > 0 ? m->opt.aht_s :
		    fq->talk_s + fq->wrap_s);
		sim_queue_rates(m, (int)q);
	}
	sim_schedule_start(m);
	return m;
}

void
sim_model_free(struct sim_model **mp)
{
	struct sim_model *m = *mp;

	if (m == NULL)
		return;
	for (size_t q = 0; q < m->floor->n_queues; q++) {
		free(m->queues[q].per_min);
		free(m->queues[q].agents);
	}
	free(m->queues);
	free(m->agents);
	free(m->calls);
	free(m->heap);
	tz_free(&m->tz);
	jsonw_release(&m->w);
	free(m);
	*mp = NULL;
}
