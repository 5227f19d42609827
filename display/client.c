/*
 * client.c: the live terminal board (client.h).
 *
 * Snapshots arrive on "board/NAME" (the daemon's per-board topic) or on
 * "snapshot" (every daemon has it). The client subscribes to both and,
 * once a board message has come, drops "snapshot": its own topic carries
 * only what the board needs. Each wake-up drains the socket and reads only
 * the newest document, so a burst costs one parse and one frame.
 *
 * Freshness: a snapshot comes at least every heartbeat (publish.heartbeat),
 * so none for 3 heartbeats means the data is STALE; none ever means
 * DISCONNECTED. ZeroMQ reconnects by itself; the banner goes when the
 * figures come back.
 *
 * Several endpoints (a hot standby, standby.h): one SUB socket on all of
 * them; a snapshot older than the one shown is passed over while the
 * daemon ahead still speaks, so the figures never step back, and STALE
 * needs every endpoint silent.
 */
#include "client.h"

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <zmq.h>

#include "board-layout.h"
#include "layout.h"
#include "proc.h"
#include "render-curses.h"
#include "snapshot-read.h"
#include "standby.h"
#include "tz.h"
#include "xalloc.h"
#include "zsock.h"

/* Redraw ticks: the clock each second; the ticker and flashing faster. */
#define CLIENT_TICK_MS 1000
#define CLIENT_ANIMATE_MS 250
/* A board is never more than this many snapshots behind (RCVHWM). */
#define CLIENT_QUEUE 16

struct client {
	const struct client_options	*options;
	struct proc			*proc;
	void				*zctx;
	struct zsock			*sub;
	struct proc_timer		*tick, *stale;
	struct proc_fd			*keys;
	struct snapshot_reader		*reader;
	struct render_curses		*screen;
	struct tz			*tz;
	struct layout_caps		 caps;
	char				 topic[160];
	char				 layout_topic[160];
	struct board_layout		 layout;	/* its pages and tiles */
	bool				 board_topic;	/* seen: ignore "snapshot" */
	char				*latest;	/* newest unread document */
	size_t				 latest_len, latest_cap;
	bool				 pending;
	int64_t				 received_mono;	/* 0: never */
	int64_t				 stale_after_ms;
	size_t				 page;
	int64_t				 page_since_mono;
	int64_t				 started_mono;	/* the grid's pages */
	uint64_t			 frame;
	bool				 animated;
	uint64_t			 bad;		/* unreadable documents */
	struct standby			 standby;	/* which daemon's to show */
	int				 empty_wakes;	/* stdin readable, no key */
};

/* ---- the terminal ----------------------------------------------------- */

static volatile sig_atomic_t client_curses_up;

static void
client_restore(void)
{
	if (client_curses_up && !isendwin())
		endwin();
	client_curses_up = 0;
}

/* A crash: give the terminal back, then die of the same signal. */
static void
client_crash(int signo)
{
	client_restore();
	signal(signo, SIG_DFL);
	raise(signo);
}

static void
client_catch_crashes(void)
{
	static const int signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = client_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		sigaction(signals[i], &sa, NULL);
}

static bool
client_utf8_locale(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 ||
	    strcmp(codeset, "utf8") == 0);
}

static void
client_screen_open(struct client *c)
{
	int colours = c->options->colours;

	initscr();
	client_curses_up = 1;
	atexit(client_restore);
	client_catch_crashes();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (colours < 0)
		colours = render_curses_colours_available();
	c->screen = render_curses_new(colours);
	c->caps.colours = render_curses_colours(c->screen);
	c->caps.unicode = !c->options->ascii && client_utf8_locale();
}

/* ---- drawing ---------------------------------------------------------- */

static void
client_draw(struct client *c)
{
	const struct snapshot_view *v = snapshot_reader_view(c->reader);
	int64_t now = proc_mono_ms();
	struct layout_input in = {
		.config = c->layout.config, .board = c->layout.board,
		.page = c->page, .snap = v, .width = COLS, .height = LINES,
		.caps = c->caps, .endpoint = c->options->endpoint,
		.frame = c->frame, .link = LAYOUT_LIVE,
		.elapsed_ms = now - c->started_mono,
	};
	struct layout_output out;
	char clock[16];

	layout_clock(c->tz, layout_data_time(v ? v->now : 0, now - c->received_mono,
	    proc_wall_ms(), v != NULL), clock, sizeof clock);
	in.clock = clock;
	if (v == NULL)
		in.link = LAYOUT_DISCONNECTED;
	else {
		in.age_ms = now - c->received_mono;
		if (in.age_ms > c->stale_after_ms)
			in.link = LAYOUT_STALE;
	}
	layout_draw(&in, render_curses_ops(), c->screen, &out);
	c->animated = out.animated;
}

/* ---- snapshots -------------------------------------------------------- */

static void client_page_to(struct client *, size_t);

static bool
client_topic_is(const struct zsock_message *m, const char *topic)
{
	return m->topic != NULL && m->topic_len == strlen(topic) &&
	    memcmp(m->topic, topic, m->topic_len) == 0;
}

/* The daemon's layout came (or changed): its clock, heartbeat, pages. */
static void
client_on_layout(struct client *c)
{
	board_layout_timing(&c->layout, &c->tz, &c->stale_after_ms,
	    &c->standby.grace_ms);
	client_page_to(c, c->page);
	client_draw(c);
}

/* Keep only the newest document; the board topic wins over "snapshot". */
static void
client_on_message(const struct zsock_message *m, void *arg)
{
	struct client *c = arg;

	if (client_topic_is(m, c->layout_topic)) {
		/* A line on stderr only where it is not the screen. */
		if (board_layout_take(&c->layout, m->data, m->len,
		    !isatty(STDERR_FILENO)))
			client_on_layout(c);
		return;
	}
	if (client_topic_is(m, c->topic)) {
		if (!c->board_topic)
			zmq_setsockopt(zsock_raw(c->sub), ZMQ_UNSUBSCRIBE,
			    "snapshot", 8);
		c->board_topic = true;
	} else if (!client_topic_is(m, "snapshot") || c->board_topic)
		return;
	if (!standby_take(&c->standby, standby_now(m->data, m->len),
	    proc_mono_ms()))
		return;
	if (m->len + 1 > c->latest_cap) {
		c->latest_cap = m->len + 1 + m->len / 4;
		c->latest = xrealloc(c->latest, c->latest_cap);
	}
	memcpy(c->latest, m->data, m->len);
	c->latest_len = m->len;
	c->pending = true;
}

static void
client_on_drained(void *arg)
{
	struct client *c = arg;
	char err[128];

	if (!c->pending)
		return;
	c->pending = false;
	if (snapshot_read(c->reader, c->latest, c->latest_len, err,
	    sizeof err) == NULL) {
		c->bad++;
		return;
	}
	c->received_mono = proc_mono_ms();
	/* Just after 3 heartbeats without another, the banner goes up. */
	proc_timer_after(c->stale, c->stale_after_ms + 20);
	client_draw(c);
}

static void
client_on_stale(void *arg)
{
	client_draw(arg);
}

/* ---- the clock, pages, keys ------------------------------------------- */

static void
client_page_to(struct client *c, size_t page)
{
	c->page = page % c->layout.board->n_pages;
	c->page_since_mono = proc_mono_ms();
}

static void
client_arm_tick(struct client *c)
{
	int64_t wall = proc_wall_ms();

	/* On the second, so the clock turns over when the wall clock does. */
	if (c->animated)
		proc_timer_after(c->tick, CLIENT_ANIMATE_MS);
	else
		proc_timer_after(c->tick, CLIENT_TICK_MS - wall % 1000 + 5);
}

static void
client_on_tick(void *arg)
{
	struct client *c = arg;
	int64_t rotate = c->layout.board->rotate_ms;

	c->frame++;
	if (rotate > 0 && proc_mono_ms() - c->page_since_mono >= rotate)
		client_page_to(c, c->page + 1);
	client_draw(c);
	client_arm_tick(c);
}

static void
client_on_key(void *arg)
{
	struct client *c = arg;
	size_t n = c->layout.board->n_pages;
	int key, keys = 0;

	while ((key = getch()) != ERR) {
		keys++;
		switch (key) {
		case 'q':
		case 'Q':
			proc_exit(c->proc);
			return;
		case 'n':
		case ' ':
			client_page_to(c, c->page + 1);
			break;
		case 'p':
			client_page_to(c, c->page + n - 1);
			break;
		case 'r':
		case 12:	/* ^L */
			clearok(curscr, TRUE);
			break;
		default:
			break;	/* KEY_RESIZE too: the frame below follows */
		}
	}
	/* Readable with nothing to read, again and again: the terminal has
	 * gone (no SIGHUP came); stop rather than spin. */
	c->empty_wakes = keys > 0 ? 0 : c->empty_wakes + 1;
	if (c->empty_wakes > 100) {
		proc_exit(c->proc);
		return;
	}
	client_draw(c);
}

/* The terminal changed size: tell curses (its own handler is replaced). */
static void
client_on_winch(int signo, void *arg)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	client_draw(arg);
}

static void
client_on_quit(int signo, void *arg)
{
	struct client *c = arg;

	proc_exit(c->proc);
}

/* ---- set up and run --------------------------------------------------- */

static int
client_connect(struct client *c)
{
	int hwm = CLIENT_QUEUE;
	char err[256];

	c->sub = zsock_new(c->proc, c->zctx, ZMQ_SUB);
	zmq_setsockopt(zsock_raw(c->sub), ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(zsock_raw(c->sub), ZMQ_SUBSCRIBE, c->topic,
	    strlen(c->topic));
	zmq_setsockopt(zsock_raw(c->sub), ZMQ_SUBSCRIBE, "snapshot", 8);
	zmq_setsockopt(zsock_raw(c->sub), ZMQ_SUBSCRIBE, c->layout_topic,
	    strlen(c->layout_topic));
	if (standby_connect(c->sub, c->options->endpoint, err, sizeof err) != 0) {
		fprintf(stderr, "wallboard: %s\n", err);
		return -1;
	}
	return 0;
}

static void
client_setup(struct client *c, const struct client_options *o)
{
	char err[256];

	c->options = o;
	c->proc = proc_new();
	c->zctx = zmq_ctx_new();
	c->reader = snapshot_reader_new();
	board_layout_init(&c->layout, o->name, o->config, o->board,
	    o->local_wins);
	board_layout_topic(&c->layout, c->layout_topic, sizeof c->layout_topic);
	c->tz = tz_load(c->layout.config->timezone, err, sizeof err);
	c->stale_after_ms = 3 * c->layout.config->publish_heartbeat_ms;
	standby_init(&c->standby, c->layout.config->publish_heartbeat_ms);
	snprintf(c->topic, sizeof c->topic, "board/%s", o->name);
	c->tick = proc_timer_new(c->proc, client_on_tick, c);
	c->stale = proc_timer_new(c->proc, client_on_stale, c);
	c->started_mono = c->page_since_mono = proc_mono_ms();
}

static void
client_teardown(struct client *c)
{
	proc_fd_free(&c->keys);
	proc_timer_free(&c->tick);
	proc_timer_free(&c->stale);
	zsock_free(&c->sub);
	if (c->zctx != NULL)
		zmq_ctx_term(c->zctx);
	client_restore();
	render_curses_free(&c->screen);
	snapshot_reader_free(&c->reader);
	tz_free(&c->tz);
	proc_free(&c->proc);
	free(c->latest);
	board_layout_free(&c->layout);
}

int
client_run(const struct client_options *o)
{
	struct client c;

	memset(&c, 0, sizeof c);
	client_setup(&c, o);
	if (client_connect(&c) != 0) {
		client_teardown(&c);
		return 1;
	}
	client_screen_open(&c);
	proc_signal(c.proc, SIGWINCH, client_on_winch, &c);
	proc_signal(c.proc, SIGINT, client_on_quit, &c);
	proc_signal(c.proc, SIGTERM, client_on_quit, &c);
	proc_signal(c.proc, SIGHUP, client_on_quit, &c);
	c.keys = proc_fd_new(c.proc, STDIN_FILENO, client_on_key, &c);
	zsock_watch(c.sub, client_on_message, client_on_drained, &c);
	client_draw(&c);
	client_arm_tick(&c);
	proc_loop(c.proc);
	board_layout_report(&c.layout, "wallboard");
	client_teardown(&c);
	if (c.bad > 0)
		fprintf(stderr, "wallboard: %llu unreadable snapshot%s "
		    "ignored\n", (unsigned long long)c.bad, c.bad == 1 ? "" :
		    "s");
	return 0;
}
