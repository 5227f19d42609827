/*
 * bench-fb.c: the framebuffer board's drawing cost (docs/framebuffer.md).
 *
 * A board of six tiles and an agent grid of 40 agents, laid out by
 * draw/layout.c and drawn by draw/render-pixel.c (Cairo and Pango), as
 * wallboard-fb does:
 *
 *   - a full frame at 1920x1080 and 3840x2160: layout + every pixel
 *     painted, the type shaped and set + the damage search (comparing with
 *     the last frame), then the whole frame copied to a second buffer
 *     standing in for the screen; median and p90 of RUNS, in ms (target:
 *     1080p <= 16 ms, 4K <= 50 ms, one core);
 *   - the two SL and abandon tiles carry a day's trend (16 intervals):
 *     their sparklines and arrows are drawn in every frame;
 *   - one figure changes, same clock: a service level ticking from 71% to
 *     68% (same width), and "waiting" going from 3 to 12 (a wider figure,
 *     re-centred: all of it moves): the damage in bytes copied to a 32 bpp
 *     screen and as a share of the frame (target: <= 5%), the share of
 *     the canvas drawn again (render-pixel.c's display list: only where
 *     the operations differ), and the time from snapshot to screen; and
 *     the same for a clock tick alone (the header's seconds).
 *
 * In process, pinned to one core; the machine is shared, hence medians.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "layout.h"
#include "render-pixel.h"
#include "snapshot-read.h"
#include "xalloc.h"

#define RUNS 31
#define T_NOW 1795424400000LL
#define AGENTS 40

static const char bench_config[] =
    "site: {name: Leeds, timezone: UTC}\n"
    "queues:\n"
    "  support: {label: Support, sl_threshold: 20s, sl_target: 80%}\n"
    "  sales: {label: Sales, sl_target: 85%}\n"
    "boards:\n"
    "  floor:\n"
    "    title: Support floor\n"
    "    pages:\n"
    "      - agent_grid: true\n"
    "        tiles:\n"
    "          - {scope: \"queue:support\", metric: service_level, window: 15m}\n"
    "          - {scope: \"queue:support\", metric: waiting, good: below, amber: 5, red: 10}\n"
    "          - {scope: \"queue:support\", metric: longest_wait_ms, amber: 30s, red: 60s}\n"
    "          - {scope: \"queue:sales\", metric: service_level, window: 15m}\n"
    "          - {scope: all, metric: abandon_rate, window: 15m, amber: 5%, red: 10%}\n"
    "          - {scope: all, metric: agents_ready, amber: 2, red: 0}\n";

static double
bench_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
bench_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A full day's trends (16 intervals), drawn as sparklines. */
#define BENCH_TREND_SL "0.81, 0.77, null, 0.72, 0.64, 0.7, 0.75, 0.8, 0.83, " \
    "0.79, 0.76, 0.74, 0.78, 0.8, 0.73, 0.71"
#define BENCH_TREND_ABANDON "0.02, 0.05, null, 0.04, 0.06, 0.03, 0.02, " \
    "0.03, 0.05, 0.07, 0.04, 0.03, 0.02, 0.04, 0.05, 0.04"

/* A snapshot with `waiting` people waiting on support, its SL at sl. */
static char *
bench_snapshot(int waiting, double sl)
{
	static const char *const states[] = { "ready", "busy", "busy", "wrap",
	    "away" };
	size_t cap = 65536, o = 0;
	char *s = xmalloc(cap);

	o += (size_t)snprintf(s + o, cap - o, "{\"v\": 1, \"seq\": 1, "
	    "\"now\": %lld, \"scopes\": {"
	    "\"queue:support\": {\"label\": \"Support\", \"sl_target\": 0.8, "
	    "\"now\": {\"waiting\": %d, \"longest_wait_ms\": 41000}, "
	    "\"windows\": {\"15m\": {\"service_level\": %.2f}}, "
	    "\"trend\": {\"interval_ms\": 900000, \"end\": %lld, "
	    "\"service_level\": [%s]}}, "
	    "\"queue:sales\": {\"label\": \"Sales\", \"sl_target\": 0.85, "
	    "\"now\": {\"waiting\": 1}, \"windows\": {\"15m\": "
	    "{\"service_level\": 0.9}}}, "
	    "\"all\": {\"now\": {\"waiting\": 5, \"agents\": {\"ready\": 8}}, "
	    "\"windows\": {\"15m\": {\"abandon_rate\": 0.04}}, "
	    "\"trend\": {\"abandon_rate\": [%s]}}}, \"agents\": [",
	    T_NOW, waiting, sl, T_NOW, BENCH_TREND_SL, BENCH_TREND_ABANDON);
	for (int i = 0; i < AGENTS; i++)
		o += (size_t)snprintf(s + o, cap - o, "%s{\"id\": \"a%d\", "
		    "\"name\": \"Agent Number%d\", \"state\": \"%s\", "
		    "\"since\": %lld}", i ? ", " : "", i, i, states[i % 5],
		    T_NOW - 1000LL * (i * 37 % 900));
	snprintf(s + o, cap - o, "]}");
	return s;
}

struct bench_board {
	struct config *config;
	struct snapshot_reader *reader;
	struct render_pixel *canvas;
	uint32_t *screen;
};

static void
bench_read(struct bench_board *b, int waiting, double sl)
{
	char *json = bench_snapshot(waiting, sl), err[256];

	if (snapshot_read(b->reader, json, strlen(json), err, sizeof err) ==
	    NULL)
		fatalx("snapshot: %s", err);
	free(json);
}

static void
bench_draw(struct bench_board *b, const char *clock)
{
	struct layout_input in = {
		.config = b->config, .board = &b->config->boards[0],
		.snap = snapshot_reader_view(b->reader),
		.width = render_pixel_columns(b->canvas),
		.height = render_pixel_rows(b->canvas),
		.caps = { .colours = 256, .unicode = true, .scalable = true,
		    .short_rows = render_pixel_short_rows(b->canvas) },
		.clock = clock,
		.link = LAYOUT_LIVE,
	};

	layout_draw(&in, &render_pixel_ops, b->canvas, NULL);
}

/* Copy the damage to the stand-in screen; returns bytes (32 bpp). */
static uint64_t
bench_present(struct bench_board *b)
{
	const struct render_pixel_rect *r;
	size_t n = render_pixel_damage(b->canvas, &r);
	const uint32_t *px = render_pixel_data(b->canvas);
	int w = render_pixel_width(b->canvas);
	uint64_t bytes = 0;

	for (size_t i = 0; i < n; i++) {
		for (int y = r[i].y; y < r[i].y + r[i].h; y++)
			memcpy(b->screen + (size_t)y * w + r[i].x,
			    px + (size_t)y * w + r[i].x, (size_t)r[i].w * 4);
		bytes += (uint64_t)r[i].w * r[i].h * 4;
	}
	render_pixel_presented(b->canvas);
	return bytes;
}

static void
bench_full(struct bench_board *b, const char *name)
{
	double t[RUNS], draw[RUNS], t0, t1;

	for (int i = 0; i < RUNS; i++) {
		render_pixel_invalidate(b->canvas);
		t0 = bench_ms();
		bench_draw(b, i & 1 ? "14:05:09" : "14:05:10");
		t1 = bench_ms();
		bench_present(b);
		t[i] = bench_ms() - t0;
		draw[i] = t1 - t0;
	}
	qsort(t, RUNS, sizeof *t, bench_compare);
	qsort(draw, RUNS, sizeof *draw, bench_compare);
	printf("%-10s full frame: draw %.2f ms, draw + copy %.2f ms median "
	    "(p90 %.2f)\n", name, draw[RUNS / 2], t[RUNS / 2],
	    t[RUNS * 9 / 10]);
}

/*
 * From a frame of (3 waiting, SL 71%) to another, RUNS times: bytes
 * copied, and the median time from the new snapshot read to its damage
 * on the screen (layout, drawing, damage search, copy).
 */
static uint64_t
bench_change_to(struct bench_board *b, int waiting, double sl, double *ms,
    double *draw_ms, uint64_t *redrawn)
{
	double t[RUNS], d[RUNS], t0, t1;
	uint64_t bytes = 0;

	for (int i = 0; i < RUNS; i++) {
		bench_read(b, 3, 0.71);
		bench_draw(b, "14:05:09");
		bench_present(b);
		bench_read(b, waiting, sl);
		t0 = bench_ms();
		bench_draw(b, "14:05:09");
		t1 = bench_ms();
		bytes = bench_present(b);
		t[i] = bench_ms() - t0;
		d[i] = t1 - t0;
		*redrawn = render_pixel_redrawn(b->canvas);
	}
	qsort(t, RUNS, sizeof *t, bench_compare);
	qsort(d, RUNS, sizeof *d, bench_compare);
	*ms = t[RUNS / 2];
	*draw_ms = d[RUNS / 2];
	return bytes;
}

static void
bench_change(struct bench_board *b, const char *name)
{
	static const struct { int waiting; double sl; const char *what; }
	    changes[] = {
		{ 3, 0.68, "SL 71% -> 68%" },
		{ 12, 0.71, "waiting 3 -> 12" },
	};
	double frame = (double)render_pixel_width(b->canvas) *
	    render_pixel_height(b->canvas) * 4, ms, draw;
	uint64_t bytes, redrawn;

	for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
		bytes = bench_change_to(b, changes[i].waiting, changes[i].sl,
		    &ms, &draw, &redrawn);
		printf("%-10s one figure, %-16s %8llu bytes copied, %5.2f%% "
		    "of the frame; %4.1f%% drawn again; draw %.2f ms, draw + "
		    "copy %.2f ms median\n", name, changes[i].what,
		    (unsigned long long)bytes, 100.0 * (double)bytes / frame,
		    400.0 * (double)redrawn / frame, draw, ms);
	}
	{
		double t[RUNS], t0;

		for (int i = 0; i < RUNS; i++) {
			t0 = bench_ms();
			bench_draw(b, i & 1 ? "14:05:09" : "14:05:10");
			bytes = bench_present(b);
			t[i] = bench_ms() - t0;
		}
		qsort(t, RUNS, sizeof *t, bench_compare);
		ms = t[RUNS / 2];
	}
	printf("%-10s the clock ticks:              %8llu bytes copied, "
	    "%5.2f%% of the frame; %4.1f%% drawn again; draw + copy %.2f ms "
	    "median\n", name, (unsigned long long)bytes,
	    100.0 * (double)bytes / frame,
	    400.0 * (double)render_pixel_redrawn(b->canvas) / frame, ms);
}

static void
bench_size(struct config *config, int w, int h, const char *name)
{
	struct bench_board b = { .config = config };

	b.reader = snapshot_reader_new();
	b.canvas = render_pixel_new(w, h, NULL, 0);
	b.screen = xcalloc((size_t)w * h, 4);
	bench_read(&b, 3, 0.71);
	bench_full(&b, name);
	bench_change(&b, name);
	free(b.screen);
	render_pixel_free(&b.canvas);
	snapshot_reader_free(&b.reader);
}

int
main(void)
{
	char path[] = "/tmp/bench-fb-XXXXXX";
	struct config_errors errors;
	struct config *config;
	cpu_set_t one;
	int fd;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof one, &one);
	if ((fd = mkstemp(path)) < 0 || write(fd, bench_config,
	    sizeof bench_config - 1) != (ssize_t)(sizeof bench_config - 1))
		fatal("%s", path);
	close(fd);
	config = config_load(path, &errors);
	unlink(path);
	if (config == NULL)
		fatalx("config: %s", errors.n ? errors.lines[0] : "?");
	bench_size(config, 1920, 1080, "1920x1080");
	bench_size(config, 3840, 2160, "3840x2160");
	config_free(&config);
	return 0;
}
