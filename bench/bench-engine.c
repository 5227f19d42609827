/*
 * bench-engine.c: how fast the core decodes and applies events, and how much
 * memory a big floor needs.
 *
 *   bench-engine throughput   decode+engine and engine alone on a generated
 *                             stream of >= 1M events (1,000 agents, 50 queues)
 *   bench-engine rss          peak RSS for 10,000 agents, 1,000 queues and
 *                             24 h of traffic through the windows
 *
 * Figures are medians of 5 runs on one core (the process pins itself).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "event.h"
#include "gen.h"
#include "util.h"
#include "xalloc.h"

#define RUNS_MAX 5
#define RUNS bench_runs(RUNS_MAX)
#define T_START 1795132800000LL  /* 2026-11-20T00:00Z */

/* A floor's config with the given windows (YAML flow list). */
static struct config *
bench_engine_config(const char *windows)
{
	char yaml[256];

	snprintf(yaml, sizeof yaml, "site: {name: Bench, timezone: Europe/London}\n"
	    "windows: %s\n", windows);
	return bench_config(yaml);
}

/* An event decoded once, with its own copies of every string. */
struct stored {
	struct event ev;
};

static char *
bench_keep(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Decode every line once into owned events, for the engine-alone figure. */
static struct event *
bench_predecode(const struct gen_stream *s)
{
	struct event_decoder *d = event_decoder_new();
	struct event *evs = xcalloc(s->n, sizeof *evs);

	for (size_t i = 0; i < s->n; i++) {
		size_t end = i + 1 < s->n ? s->offsets[i + 1] : s->len;
		struct event *ev = &evs[i];

		if (event_decode(d, s->text + s->offsets[i], end - s->offsets[i], ev))
			fatalx("generated line %zu does not decode", i);
		ev->src = bench_keep(ev->src);
		ev->call = bench_keep(ev->call);
		ev->queue = bench_keep(ev->queue);
		ev->agent = bench_keep(ev->agent);
		ev->caller = bench_keep(ev->caller);
		ev->name = bench_keep(ev->name);
		ev->team = bench_keep(ev->team);
		if (ev->n_queues > 0) {
			const char **queues = xcalloc(ev->n_queues, sizeof *queues);

			for (size_t q = 0; q < ev->n_queues; q++)
				queues[q] = bench_keep(ev->queues[q]);
			ev->queues = queues;
		}
	}
	event_decoder_free(&d);
	return evs;
}

static void
bench_throughput(void)
{
	struct gen_params p = { .agents = 1000, .queues = 50, .teams = 20,
	    .start_ms = T_START, .duration_ms = 48 * 3600 * 1000LL,
	    .calls_per_s = 4, .seed = 1, .max_events = 1100000 };
	struct gen *g = gen_new(&p);
	struct gen_stream s = { 0 };
	struct config *c = bench_engine_config("[15m, 60m]");
	struct event_decoder *d = event_decoder_new();
	double full[RUNS_MAX], alone[RUNS_MAX], decode[RUNS_MAX];
	struct event ev;
	struct event *evs;

	gen_fill(g, &s, p.max_events);
	evs = bench_predecode(&s);
	for (int r = 0; r < RUNS; r++) {
		struct engine *e = engine_new(c, T_START);
		double t0 = bench_seconds();

		for (size_t i = 0; i < s.n; i++) {
			size_t end = i + 1 < s.n ? s.offsets[i + 1] : s.len;

			if (event_decode(d, s.text + s.offsets[i], end - s.offsets[i], &ev) == REJECT_NONE)
				engine_apply(e, &ev);
		}
		full[r] = (double)s.n / (bench_seconds() - t0);
		engine_free(&e);

		t0 = bench_seconds();
		for (size_t i = 0; i < s.n; i++) {
			size_t end = i + 1 < s.n ? s.offsets[i + 1] : s.len;
			event_decode(d, s.text + s.offsets[i], end - s.offsets[i], &ev);
		}
		decode[r] = (double)s.n / (bench_seconds() - t0);

		e = engine_new(c, T_START);
		t0 = bench_seconds();
		for (size_t i = 0; i < s.n; i++)
			engine_apply(e, &evs[i]);
		alone[r] = (double)s.n / (bench_seconds() - t0);
		engine_free(&e);
	}
	printf("stream: %zu events, %d agents, %d queues, %.1f MB of JSON\n",
	    s.n, p.agents, p.queues, (double)s.len / 1e6);
	printf("decode + engine: %.2f M events/s (target >= 1.0)\n",
	    bench_median(full, RUNS) / 1e6);
	printf("decode alone:    %.2f M events/s\n", bench_median(decode, RUNS) / 1e6);
	printf("engine alone:    %.2f M events/s\n", bench_median(alone, RUNS) / 1e6);
	event_decoder_free(&d);
	gen_stream_free(&s);
	gen_free(&g);
	config_free(&c);
	/* evs' strings are left to exit: this is the end of the program. */
}

static void
bench_rss(const char *windows)
{
	/* 10,000 agents at about 90% occupancy with a 4-minute handle time:
	 * 36 calls a second, all day. */
	struct gen_params p = { .agents = 10000, .queues = 1000, .teams = 200,
	    .start_ms = T_START, .duration_ms = 24 * 3600 * 1000LL,
	    .calls_per_s = 36, .seed = 2 };
	struct gen *g = gen_new(&p);
	struct gen_stream s = { 0 };
	struct config *c = bench_engine_config(windows);
	struct event_decoder *d = event_decoder_new();
	struct engine *e = engine_new(c, T_START);
	struct event ev;
	size_t total = 0;
	long base = bench_status_kb("VmRSS:");

	while (gen_fill(g, &s, 5000)) {
		for (size_t i = 0; i < s.n; i++) {
			size_t end = i + 1 < s.n ? s.offsets[i + 1] : s.len;

			if (event_decode(d, s.text + s.offsets[i], end - s.offsets[i], &ev) == REJECT_NONE)
				engine_apply(e, &ev);
		}
		total += s.n;
	}
	printf("windows %s + today: %zu events over 24 h, %zu scopes, %zu agents\n",
	    windows, total, engine_scope_count(e), engine_agent_count(e));
	struct engine_memory m;
	engine_memory(e, &m);
	printf("  peak RSS %.1f MiB (target <= 64; process at start %.1f MiB)\n",
	    bench_status_kb("VmHWM:") / 1024.0, base / 1024.0);
	printf("  engine holds %.1f MiB: windows %.1f MiB (%zu log entries), "
	    "%zu live calls %.1f MiB, %zu ended calls + %zu callers remembered "
	    "%.1f MiB, agents %.1f MiB\n", m.total / 1048576.0,
	    m.windows / 1048576.0, m.log_entries, m.live_calls,
	    m.calls / 1048576.0, m.recent_calls, m.callers,
	    m.memories / 1048576.0, m.agents / 1048576.0);
	engine_free(&e);
	event_decoder_free(&d);
	gen_stream_free(&s);
	gen_free(&g);
	config_free(&c);
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "throughput";

	bench_pin();
	if (strcmp(what, "throughput") == 0)
		bench_throughput();
	else if (strcmp(what, "rss") == 0)
		bench_rss(argc > 2 ? argv[2] : "[15m, 60m]");
	else {
		fprintf(stderr, "usage: bench-engine throughput | rss [WINDOWS]\n");
		return 2;
	}
	return 0;
}
