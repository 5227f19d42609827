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
#include "xalloc.h"

#define RUNS 5
#define T_START 1795132800000LL  /* 2026-11-20T00:00Z */

static double
bench_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp);
	return v[n / 2];
}

static struct config *
bench_config(const char *windows)
{
	char path[] = "/tmp/wallboard-bench-XXXXXX";
	struct config_errors errors = { 0 };
	struct config *c;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fprintf(f, "site: {name: Bench, timezone: Europe/London}\nwindows: %s\n",
	    windows);
	fclose(f);
	c = config_load(path, &errors);
	unlink(path);
	if (c == NULL)
		fatalx("bench config: %s", errors.n ? errors.lines[0] : "?");
	return c;
}

/* An event decoded once, with its own copies of every string. */
struct stored {
	struct event ev;
};

static void
bench_pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof set, &set);
}

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
		for (size_t q = 0; q < ev->n_queues; q++)
			ev->queues[q] = bench_keep(ev->queues[q]);
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
	struct config *c = bench_config("[15m, 60m]");
	struct event_decoder *d = event_decoder_new();
	double full[RUNS], alone[RUNS], decode[RUNS];
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

static long
bench_rss_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			kb = strtol(line + strlen(field) + 1, NULL, 10);
	if (f)
		fclose(f);
	return kb;
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
	struct config *c = bench_config(windows);
	struct event_decoder *d = event_decoder_new();
	struct engine *e = engine_new(c, T_START);
	struct event ev;
	size_t total = 0;
	long base = bench_rss_kb("VmRSS:");

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
	    bench_rss_kb("VmHWM:") / 1024.0, base / 1024.0);
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
