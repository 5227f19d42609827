/*
 * gen.c: the benchmarks' stream generator (see gen.h).
 *
 * A binary heap of pending happenings keeps the output in time order.
 */
#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

enum gen_kind { G_ARRIVE, G_OUTCOME, G_END, G_READY };

struct gen_item {
	int64_t t;
	enum gen_kind kind;
	int64_t call;
	int agent;
	int queue;
};

struct gen {
	const struct gen_params *p;
	struct gen_item *heap;
	size_t n, cap;
	uint64_t rng;
	struct gen_stream *out;
	size_t out_cap, off_cap;
	double next_arrival;
	int logged_in;
	int64_t next_call;
	int next_agent;
	uint64_t seq;           /* with one feed */
	uint64_t *feed_seq;     /* with p->feeds */
	char src[16];
};

static uint64_t
gen_rand(struct gen *g)
{
	/* xorshift64*: fast, deterministic, good enough for traffic. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static int64_t
gen_between(struct gen *g, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(gen_rand(g) % (uint64_t)(hi - lo + 1));
}

static void
gen_push(struct gen *g, struct gen_item it)
{
	size_t i;

	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->heap = xrealloc(g->heap, g->cap * sizeof *g->heap);
	}
	i = g->n++;
	while (i > 0 && g->heap[(i - 1) / 2].t > it.t) {
		g->heap[i] = g->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g->heap[i] = it;
}

static struct gen_item
gen_pop(struct gen *g)
{
	struct gen_item top = g->heap[0], last = g->heap[--g->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= g->n)
			break;
		if (c + 1 < g->n && g->heap[c + 1].t < g->heap[c].t)
			c++;
		if (g->heap[c].t >= last.t)
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	if (g->n > 0)
		g->heap[i] = last;
	return top;
}

static void
gen_emit(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
gen_emit(struct gen *g, const char *fmt, ...)
{
	struct gen_stream *s = g->out;
	va_list ap;
	int n;

	if (s->len + 512 > g->out_cap) {
		g->out_cap = g->out_cap ? g->out_cap * 2 : 1 << 20;
		s->text = xrealloc(s->text, g->out_cap);
	}
	if (s->n == g->off_cap) {
		g->off_cap = g->off_cap ? g->off_cap * 2 : 1 << 16;
		s->offsets = xrealloc(s->offsets, g->off_cap * sizeof *s->offsets);
	}
	s->offsets[s->n++] = s->len;
	va_start(ap, fmt);
	n = vsnprintf(s->text + s->len, 512, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	s->text[s->len++] = '\n';
}

/* The feed that reports for key (a queue's calls, an agent's states): its
 * src into g->src, and its next seq. */
static unsigned long long
gen_feed(struct gen *g, int key)
{
	int f;

	if (g->p->feeds <= 0) {
		memcpy(g->src, "bench", 6);
		return (unsigned long long)++g->seq;
	}
	f = key % g->p->feeds;
	snprintf(g->src, sizeof g->src, "pbx%02d", f);
	return (unsigned long long)++g->feed_seq[f];
}

/* An agent's state; named: with its name, team and queues. */
static void
gen_agent_state(struct gen *g, long long t, unsigned long long seq, int a,
    const char *state, bool named)
{
	const struct gen_params *p = g->p;

	if (!named) {
		gen_emit(g, "{\"type\":\"agent.state\",\"ts\":%lld,"
		    "\"src\":\"%s\",\"seq\":%llu,\"agent\":\"agent%05d\","
		    "\"state\":\"%s\"}", t, g->src, seq, a, state);
		return;
	}
	gen_emit(g, "{\"type\":\"agent.state\",\"ts\":%lld,\"src\":\"%s\","
	    "\"seq\":%llu,\"agent\":\"agent%05d\",\"state\":\"%s\","
	    "\"name\":\"Agent %d\",\"team\":\"team%03d\",\"queues\":"
	    "[\"queue%04d\",\"queue%04d\"]}", t, g->src, seq, a, state, a,
	    a % p->teams, a % p->queues, (a * 7 + 3) % p->queues);
}

static void
gen_agents_login(struct gen *g)
{
	const struct gen_params *p = g->p;

	for (int a = 0; a < p->agents; a++) {
		unsigned long long seq = gen_feed(g, a);

		/* the login names them, whatever the floor */
		gen_agent_state(g, p->start_ms, seq, a, "ready", true);
	}
}

static void
gen_happen(struct gen *g, struct gen_item it)
{
	unsigned long long seq;
	long long t = (long long)it.t;

	switch (it.kind) {
	case G_ARRIVE:
		seq = gen_feed(g, it.queue);
		gen_emit(g, "{\"type\":\"call.queued\",\"ts\":%lld,\"src\":\"%s\","
		    "\"seq\":%llu,\"call\":\"call%09lld\",\"queue\":\"queue%04d\","
		    "\"caller\":\"h%08llx\"}", t, g->src, seq, (long long)it.call,
		    it.queue, (unsigned long long)(gen_rand(g) % 200000));
		it.kind = G_OUTCOME;
		it.t += gen_between(g, 0, 60000);
		gen_push(g, it);
		return;
	case G_OUTCOME:
		seq = gen_feed(g, it.queue);
		if (gen_rand(g) % 10 == 0) {
			gen_emit(g, "{\"type\":\"call.abandoned\",\"ts\":%lld,\"src\":"
			    "\"%s\",\"seq\":%llu,\"call\":\"call%09lld\"}", t,
			    g->src, seq, (long long)it.call);
			return;
		}
		it.agent = g->next_agent++ % g->p->agents;
		gen_emit(g, "{\"type\":\"call.answered\",\"ts\":%lld,\"src\":\"%s\","
		    "\"seq\":%llu,\"call\":\"call%09lld\",\"agent\":\"agent%05d\","
		    "\"queue\":\"queue%04d\"}", t, g->src, seq, (long long)it.call,
		    it.agent, it.queue);
		it.kind = G_END;
		it.t += gen_between(g, 30000, 400000);
		gen_push(g, it);
		return;
	case G_END:
		seq = gen_feed(g, it.queue);
		gen_emit(g, "{\"type\":\"call.ended\",\"ts\":%lld,\"src\":\"%s\","
		    "\"seq\":%llu,\"call\":\"call%09lld\",\"agent\":\"agent%05d\","
		    "\"resolved\":%s}", t, g->src, seq, (long long)it.call, it.agent,
		    gen_rand(g) % 4 ? "true" : "false");
		seq = gen_feed(g, it.agent);
		gen_agent_state(g, t, seq, it.agent, "wrap",
		    g->p->named_states);
		it.kind = G_READY;
		it.t += gen_between(g, 5000, 60000);
		gen_push(g, it);
		return;
	case G_READY:
		seq = gen_feed(g, it.agent);
		gen_agent_state(g, t, seq, it.agent, "ready",
		    g->p->named_states);
		return;
	}
}

struct gen *
gen_new(const struct gen_params *p)
{
	struct gen *g = xcalloc(1, sizeof *g);

	g->p = p;
	g->rng = p->seed * 0x9E3779B97F4A7C15ULL + 1;
	g->next_arrival = (double)p->start_ms;
	if (p->feeds > 0)
		g->feed_seq = xcalloc((size_t)p->feeds, sizeof *g->feed_seq);
	return g;
}

void
gen_free(struct gen **gp)
{
	if (*gp == NULL)
		return;
	free((*gp)->heap);
	free((*gp)->feed_seq);
	free(*gp);
	*gp = NULL;
}

/* One more happening into the stream; false when there is none. */
static int
gen_step(struct gen *g)
{
	const struct gen_params *p = g->p;
	double gap_ms = 1000.0 / p->calls_per_s;

	if (g->next_arrival < (double)(p->start_ms + p->duration_ms) &&
	    (g->n == 0 || (int64_t)g->next_arrival <= g->heap[0].t)) {
		struct gen_item it = { (int64_t)g->next_arrival, G_ARRIVE,
		    g->next_call++, 0, (int)(gen_rand(g) % (uint64_t)p->queues) };
		gen_happen(g, it);
		g->next_arrival += gap_ms;
		return 1;
	}
	if (g->n == 0)
		return 0;
	gen_happen(g, gen_pop(g));
	return 1;
}

int
gen_fill(struct gen *g, struct gen_stream *out, size_t max_lines)
{
	g->out = out;
	if (out->text == NULL) {
		g->out_cap = 0;
		g->off_cap = 0;
	}
	out->len = 0;
	out->n = 0;
	if (!g->logged_in) {
		gen_agents_login(g);
		g->logged_in = 1;
	}
	while (out->n < max_lines && gen_step(g))
		;
	return out->n > 0;
}

void
gen_stream_free(struct gen_stream *s)
{
	free(s->text);
	free(s->offsets);
	memset(s, 0, sizeof *s);
}
