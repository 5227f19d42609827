/*
 * bench-board.c: what the terminal board costs.
 *
 *   - bytes written to the terminal per update when one figure changes,
 *     against a full repaint, through the real curses back-end to a pty at
 *     80x24 and 200x60 (a thread drains the pty and counts);
 *   - CPU per update for a 500-agent snapshot at 10 a second: reading the
 *     snapshot (cJSON into struct snapshot_view), then layout and curses.
 *
 * Medians of 5 runs; the noise note of bench/run.sh applies.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "util.h"
#include "config.h"
#include "layout.h"
#include "render-curses.h"
#include "snapshot-read.h"
#include "xalloc.h"

#define AGENTS 500
#define RUNS_MAX 5
#define RUNS bench_runs(RUNS_MAX)

static const char board_yaml[] =
    "site: {name: Leeds}\n"
    "queues: {support: {label: Support}, sales: {label: Sales}}\n"
    "boards:\n"
    "  floor:\n"
    "    title: Support floor\n"
    "    pages:\n"
    "      - agent_grid: true\n"
    "        tiles:\n"
    "          - {scope: \"queue:support\", metric: service_level, window: 15m}\n"
    "          - {scope: \"queue:support\", metric: waiting}\n"
    "          - {scope: \"queue:support\", metric: longest_wait_ms}\n"
    "          - {scope: \"queue:sales\", metric: service_level, window: 15m}\n"
    "          - {scope: all, metric: abandon_rate, window: today}\n"
    "          - {scope: all, metric: agents_ready}\n";

/* ---- the pty and its reader -------------------------------------------- */

static int bench_master;
static atomic_ullong bench_bytes;
static atomic_llong bench_last_read;    /* ns, monotonic */

static long long
bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double
bench_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void *
bench_drain(void *arg)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(bench_master, buf, sizeof buf)) > 0 || errno == EINTR) {
		if (n > 0) {
			atomic_fetch_add(&bench_bytes, (unsigned long long)n);
			atomic_store(&bench_last_read, bench_ns());
		}
	}
	return NULL;
}

/* Bytes the terminal received since the last call, once output settles. */
static unsigned long long
bench_settle(void)
{
	static unsigned long long seen;
	unsigned long long now;

	do
		usleep(20000);
	while (bench_ns() - atomic_load(&bench_last_read) < 20000000LL);
	now = atomic_load(&bench_bytes);
	now -= seen;
	seen += now;
	return now;
}

/* ---- snapshots ---------------------------------------------------------- */

/* A snapshot with 500 agents; waiting is the figure that changes. */
static char *
bench_snapshot(int waiting)
{
	static const char *const states[] = { "ready", "busy", "busy", "wrap",
	    "away", "busy", "offline" };
	size_t len = 4096 + AGENTS * 200, o;
	char *j = xmalloc(len);

	o = (size_t)snprintf(j, len, "{\"v\":1,\"seq\":1,\"now\":1795424400000,"
	    "\"site\":{\"name\":\"Leeds\"},\"scopes\":{"
	    "\"all\":{\"label\":\"Leeds\",\"sl_target\":0.8,\"now\":{\"waiting\":"
	    "%d,\"longest_wait_ms\":41000,\"agents\":{\"ready\":70,\"busy\":"
	    "210,\"wrap\":70,\"away\":70,\"offline\":80,\"staffed\":420}},"
	    "\"windows\":{\"today\":{\"offered\":4120,\"service_level\":0.78,"
	    "\"abandon_rate\":0.072}}},"
	    "\"queue:support\":{\"label\":\"Support\",\"sl_target\":0.8,\"now\":"
	    "{\"waiting\":%d,\"longest_wait_ms\":41000,\"agents\":{\"ready\":40}},"
	    "\"windows\":{\"15m\":{\"offered\":120,\"service_level\":0.5}}},"
	    "\"queue:sales\":{\"label\":\"Sales\",\"sl_target\":0.85,\"now\":"
	    "{\"waiting\":1,\"longest_wait_ms\":12000,\"agents\":{}},"
	    "\"windows\":{\"15m\":{\"offered\":80,\"service_level\":0.83}}}},"
	    "\"agents\":[", waiting + 10, waiting);
	for (int i = 0; i < AGENTS; i++)
		o += (size_t)snprintf(j + o, len - o, "%s{\"id\":\"a%d\","
		    "\"name\":\"Agent Number %d\",\"team\":\"team%d\",\"state\":"
		    "\"%s\",\"since\":%lld,\"reason\":%s,\"handled_today\":%d}",
		    i ? "," : "", i, i, i % 20, states[i % 7],
		    1795424400000LL - 1000LL * (i * 37 % 3000),
		    i % 7 == 4 ? "\"lunch\"" : "null", i % 30);
	snprintf(j + o, len - o, "],\"alerts\":[],\"message\":null}");
	return j;
}

/* ---- measurements -------------------------------------------------------- */

struct bench_screen {
	struct config *config;
	struct render_curses *curses;
	int width, height;
};

static void
bench_draw(struct bench_screen *s, const struct snapshot_view *v)
{
	layout_draw(&(struct layout_input){ .config = s->config,
	    .board = &s->config->boards[0], .snap = v, .width = s->width,
	    .height = s->height, .caps = { 256, true }, .clock = "09:00:00" },
	    render_curses_ops(), s->curses, NULL);
}

/* Bytes for a full repaint, a one-figure change and no change at WxH. */
static void
bench_bytes_at(struct bench_screen *s, const struct snapshot_view *a,
    const struct snapshot_view *b)
{
	struct winsize ws = { .ws_row = (unsigned short)s->height,
	    .ws_col = (unsigned short)s->width };
	double full[RUNS_MAX], one[RUNS_MAX], none[RUNS_MAX];

	ioctl(bench_master, TIOCSWINSZ, &ws);
	resizeterm(s->height, s->width);
	bench_draw(s, a);
	bench_settle();
	for (int r = 0; r < RUNS; r++) {
		clearok(curscr, TRUE);
		bench_draw(s, a);
		full[r] = (double)bench_settle();
		bench_draw(s, b);
		one[r] = (double)bench_settle();
		bench_draw(s, b);
		none[r] = (double)bench_settle();
		bench_draw(s, a);
		bench_settle();
	}
	printf("  %dx%d: full repaint %.0f bytes; one figure changed %.0f "
	    "bytes (%.1f%%); nothing changed %.0f bytes\n", s->width,
	    s->height, bench_median(full, RUNS), bench_median(one, RUNS),
	    100 * bench_median(one, RUNS) / bench_median(full, RUNS), bench_median(none, RUNS));
}

/* CPU per update at 200x60: read the snapshot, then lay out and draw. */
static void
bench_cpu(struct bench_screen *s, const char *json_a, const char *json_b)
{
	struct snapshot_reader *reader = snapshot_reader_new();
	double parse[RUNS_MAX], draw[RUNS_MAX], t0;
	const struct snapshot_view *v;
	char err[128];
	int n = 50;

	for (int r = 0; r < RUNS; r++) {
		parse[r] = draw[r] = 0;
		for (int i = 0; i < n; i++) {
			const char *j = i % 2 ? json_b : json_a;

			t0 = bench_cpu_us();
			v = snapshot_read(reader, j, strlen(j), err, sizeof err);
			parse[r] += bench_cpu_us() - t0;
			t0 = bench_cpu_us();
			bench_draw(s, v);
			draw[r] += bench_cpu_us() - t0;
		}
		parse[r] /= n;
		draw[r] /= n;
		bench_settle();
	}
	printf("  %d agents, %zu bytes of JSON: read %.0f us, layout + curses "
	    "%.0f us per update: %.2f%% of a core at 10 updates/s\n", AGENTS,
	    strlen(json_a), bench_median(parse, RUNS), bench_median(draw, RUNS),
	    (bench_median(parse, RUNS) + bench_median(draw, RUNS)) * 10 / 1e4);
	snapshot_reader_free(&reader);
}

int
main(void)
{
	char *json_a = bench_snapshot(3), *json_b = bench_snapshot(4), err[128];
	char *path = xstrdup("/tmp/bench-board-XXXXXX");
	struct snapshot_reader *ra = snapshot_reader_new(),
	    *rb = snapshot_reader_new();
	struct config_errors errors;
	struct bench_screen s = { .width = 80, .height = 24 };
	int slave, fd = mkstemp(path);
	pthread_t reader;
	SCREEN *screen;
	FILE *out;

	/* The board's block and box characters need a UTF-8 locale. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		fatalx("no C.UTF-8 locale");
	if (fd < 0 || write(fd, board_yaml, strlen(board_yaml)) < 0)
		fatal("%s", path);
	close(fd);
	if ((s.config = config_load(path, &errors)) == NULL)
		fatalx("config: %s", errors.lines[0]);
	unlink(path);
	if (openpty(&bench_master, &slave, NULL, NULL, NULL) != 0)
		fatal("openpty");
	pthread_create(&reader, NULL, bench_drain, NULL);
	out = fdopen(slave, "w");
	setvbuf(out, NULL, _IONBF, 0);
	screen = newterm("xterm-256color", out, stdin);
	set_term(screen);
	typeahead(-1);	/* input here is not a keyboard: never defer output */
	s.curses = render_curses_new(256);

	printf("terminal bytes per update (ncurses to a pty, xterm-256color):\n");
	const struct snapshot_view *a = snapshot_read(ra, json_a,
	    strlen(json_a), err, sizeof err);
	const struct snapshot_view *b = snapshot_read(rb, json_b,
	    strlen(json_b), err, sizeof err);
	if (a == NULL || b == NULL)
		fatalx("bench snapshot: %s", err);
	bench_bytes_at(&s, a, b);
	s.width = 200;
	s.height = 60;
	bench_bytes_at(&s, a, b);
	printf("CPU per snapshot (200x60):\n");
	bench_cpu(&s, json_a, json_b);

	endwin();
	delscreen(screen);
	render_curses_free(&s.curses);
	snapshot_reader_free(&ra);
	snapshot_reader_free(&rb);
	config_free(&s.config);
	free(json_a);
	free(json_b);
	free(path);
	return 0;
}
