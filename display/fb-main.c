/*
 * fb-main.c: the framebuffer board's loop (fb-main.h).
 *
 * It follows display/client.c, the terminal board's loop, on the same
 * event loop and ZeroMQ bridge: subscribe to "board/NAME" and "snapshot",
 * drop "snapshot" once the board's own topic speaks, read only the newest
 * document of each wake-up. Drawing differs: the layout paints a whole
 * frame into the canvas, and only the regions that differ from what is on
 * the screen are copied to it, and only while our console is shown.
 */
#include "fb-main.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "fb-console.h"
#include "fb-trace.h"
#include "layout.h"
#include "log.h"
#include "proc.h"
#include "render-pixel.h"
#include "snapshot-read.h"
#include "standby.h"
#include "board-layout.h"
#include "tz.h"
#include "xalloc.h"
#include "zsock.h"

#define FB_MAIN_TICK_MS 1000
#define FB_MAIN_ANIMATE_MS 250
#define FB_MAIN_QUEUE 16                /* RCVHWM: never far behind */

struct fb_main {
	const struct fb_main_options *options;
	struct proc *proc;
	void *zctx;
	struct zsock *sub;
	struct proc_timer *tick, *stale;
	struct fb *fb;
	struct render_pixel *canvas;
	struct fb_trace trace;
	struct fb_console *console;
	struct snapshot_reader *reader;
	struct tz *tz;
	char topic[160];
	char layout_topic[160];
	struct board_layout layout;     /* its pages and tiles */
	bool board_topic;
	char *latest;
	size_t latest_len, latest_cap;
	bool pending;
	int64_t received_mono;
	int64_t started_mono;
	int64_t stale_after_ms;
	size_t page;
	int64_t page_since_mono;
	uint64_t frame;
	bool animated;
	uint64_t bad;
	uint64_t bad_trends;            /* snapshots with malformed trends */
	struct standby standby;         /* several endpoints: standby.h */
	int status;
};

/* ---- drawing ------------------------------------------------------------ */

static int64_t
fb_main_wall(const struct fb_main *m)
{
	return m->options->now_ms >= 0 ? m->options->now_ms : proc_wall_ms();
}

/* How fresh the figures are: from the loop's clock, or for a snapshot file
 * from its own "now" (as if it had just been sent). */
static enum layout_link
fb_main_link(const struct fb_main *m, const struct snapshot_view *v,
    int64_t *age_ms)
{
	*age_ms = 0;
	if (v == NULL)
		return LAYOUT_DISCONNECTED;
	if (m->options->snapshot_file != NULL)
		*age_ms = fb_main_wall(m) - v->now;
	else
		*age_ms = proc_mono_ms() - m->received_mono;
	if (*age_ms < 0)
		*age_ms = 0;
	return *age_ms > m->stale_after_ms ? LAYOUT_STALE : LAYOUT_LIVE;
}

/* Copy what changed to the screen. */
static void
fb_main_present(struct fb_main *m)
{
	const struct render_pixel_rect *rects;
	size_t n = render_pixel_damage(m->canvas, &rects);
	uint64_t bytes;

	bytes = fb_present(m->fb, render_pixel_data(m->canvas), rects, n);
	render_pixel_presented(m->canvas);
	if (bytes > 0)
		log_msg(LOG_DEBUG, "frame %llu: %zu regions, %llu bytes",
		    (unsigned long long)m->frame, n, (unsigned long long)bytes);
}

/* Whether this frame is the one to write out and stop after. */
static bool
fb_main_shooting(const struct fb_main *m)
{
	return m->options->screenshot != NULL || m->options->png != NULL;
}

static void
fb_main_screenshot(struct fb_main *m)
{
	const char *ppm = m->options->screenshot, *png = m->options->png;
	char err[256];

	if ((ppm != NULL && fb_screenshot(m->fb, ppm, err, sizeof err) != 0) ||
	    (png != NULL && render_pixel_write_png(m->canvas, png, err,
	    sizeof err) != 0)) {
		log_msg(LOG_ERR, "%s", err);
		m->status = 1;
	}
	if (m->proc != NULL)
		proc_exit(m->proc);
}

static void
fb_main_draw(struct fb_main *m)
{
	const struct snapshot_view *v = snapshot_reader_view(m->reader);
	struct layout_input in = {
		.config = m->layout.config, .board = m->layout.board,
		.page = m->page, .snap = v,
		.width = render_pixel_columns(m->canvas),
		.height = render_pixel_rows(m->canvas),
		.caps = { .colours = 256, .unicode = true, .scalable = true,
		    .short_rows = render_pixel_short_rows(m->canvas) },
		.endpoint = m->options->endpoint, .frame = m->frame,
		.elapsed_ms = m->options->snapshot_file != NULL ?
		    m->options->elapsed_ms : proc_mono_ms() - m->started_mono,
	};
	struct layout_output out;
	char clock[16];

	if (!fb_console_visible(m->console))
		return;
	layout_clock(m->tz, m->options->snapshot_file != NULL || v == NULL ?
	    fb_main_wall(m) : layout_data_time(v->now, proc_mono_ms() -
	    m->received_mono, fb_main_wall(m), true), clock, sizeof clock);
	in.clock = clock;
	in.link = fb_main_link(m, v, &in.age_ms);
	if (m->options->trace != NULL)
		layout_draw(&in, &fb_trace_ops, &m->trace, &out);
	else
		layout_draw(&in, &render_pixel_ops, m->canvas, &out);
	m->animated = out.animated;
	fb_main_present(m);
}

/* Our console is going: let the display go (a DRM card's master). */
static void
fb_main_on_hide(void *arg)
{
	struct fb_main *m = arg;

	fb_release(m->fb);
}

/* Our console is back on the screen: take the display, paint all of it. */
static void
fb_main_on_show(void *arg)
{
	struct fb_main *m = arg;

	fb_acquire(m->fb);
	render_pixel_invalidate(m->canvas);
	fb_main_draw(m);
}

/* ---- snapshots ---------------------------------------------------------- */

static bool
fb_main_topic_is(const struct zsock_message *msg, const char *topic)
{
	return msg->topic != NULL && msg->topic_len == strlen(topic) &&
	    memcmp(msg->topic, topic, msg->topic_len) == 0;
}

/* The daemon's layout came (or changed): its clock, heartbeat, pages. A
 * screenshot waits for it (and a snapshot). */
static void
fb_main_on_layout(struct fb_main *m)
{
	board_layout_timing(&m->layout, &m->tz, &m->stale_after_ms,
	    &m->standby.grace_ms);
	m->page %= m->layout.board->n_pages;
	fb_main_draw(m);
	if (fb_main_shooting(m) && snapshot_reader_view(m->reader) != NULL)
		fb_main_screenshot(m);
}

/* Keep only the newest document; the board topic wins over "snapshot". */
static void
fb_main_on_message(const struct zsock_message *msg, void *arg)
{
	struct fb_main *m = arg;

	if (fb_main_topic_is(msg, m->layout_topic)) {
		if (board_layout_take(&m->layout, msg->data, msg->len, true))
			fb_main_on_layout(m);
		return;
	}
	if (fb_main_topic_is(msg, m->topic)) {
		if (!m->board_topic)
			zmq_setsockopt(zsock_raw(m->sub), ZMQ_UNSUBSCRIBE,
			    "snapshot", 8);
		m->board_topic = true;
	} else if (!fb_main_topic_is(msg, "snapshot") || m->board_topic)
		return;
	if (!standby_take(&m->standby, standby_now(msg->data, msg->len),
	    proc_mono_ms()))
		return;
	if (msg->len + 1 > m->latest_cap) {
		m->latest_cap = msg->len + 1 + msg->len / 4;
		m->latest = xrealloc(m->latest, m->latest_cap);
	}
	memcpy(m->latest, msg->data, msg->len);
	m->latest_len = msg->len;
	m->pending = true;
}

/* A snapshot whose trends were malformed still draws (what could be read
 * of them); the first says so, the count goes out at exit. */
static void
fb_main_check_trends(struct fb_main *m)
{
	const struct snapshot_view *v = snapshot_reader_view(m->reader);

	if (v == NULL || v->bad_trends == 0)
		return;
	if (m->bad_trends++ == 0)
		log_msg(LOG_WARNING, "snapshot: %zu scope%s with a malformed "
		    "trend (not an object, a value neither a number nor null, "
		    "or more than %d): drawn from what could be read",
		    v->bad_trends, v->bad_trends == 1 ? "" : "s",
		    SNAPSHOT_TREND_MAX);
}

static void
fb_main_on_drained(void *arg)
{
	struct fb_main *m = arg;
	char err[256];

	if (!m->pending)
		return;
	m->pending = false;
	if (snapshot_read(m->reader, m->latest, m->latest_len, err,
	    sizeof err) == NULL) {
		if (m->bad++ == 0)
			log_msg(LOG_WARNING, "unreadable snapshot: %s", err);
		return;
	}
	fb_main_check_trends(m);
	m->received_mono = proc_mono_ms();
	proc_timer_after(m->stale, m->stale_after_ms + 20);
	fb_main_draw(m);
	if (fb_main_shooting(m) && !board_layout_waiting(&m->layout))
		fb_main_screenshot(m);
}

/* 3 heartbeats without a snapshot: the banner goes up. A screenshot asked
 * for when none has ever come shows the DISCONNECTED board. */
static void
fb_main_on_stale(void *arg)
{
	struct fb_main *m = arg;

	fb_main_draw(m);
	if (fb_main_shooting(m) && snapshot_reader_view(m->reader) == NULL)
		fb_main_screenshot(m);
}

/* ---- the clock and pages ------------------------------------------------ */

static void
fb_main_arm_tick(struct fb_main *m)
{
	if (m->animated)
		proc_timer_after(m->tick, FB_MAIN_ANIMATE_MS);
	else
		proc_timer_after(m->tick, FB_MAIN_TICK_MS -
		    proc_wall_ms() % 1000 + 5);
}

static void
fb_main_on_tick(void *arg)
{
	struct fb_main *m = arg;
	int64_t rotate = m->layout.board->rotate_ms;

	m->frame++;
	if (rotate > 0 && proc_mono_ms() - m->page_since_mono >= rotate) {
		m->page = (m->page + 1) % m->layout.board->n_pages;
		m->page_since_mono = proc_mono_ms();
	}
	fb_main_draw(m);
	fb_main_arm_tick(m);
}

static void
fb_main_on_quit(int signo, void *arg)
{
	struct fb_main *m = arg;

	log_msg(LOG_INFO, "signal %d: leaving", signo);
	proc_exit(m->proc);
}

/* ---- set up and run ----------------------------------------------------- */

static bool
fb_main_open_screen(struct fb_main *m)
{
	const struct fb_main_options *o = m->options;
	char err[256];

	if (o->file)
		m->fb = fb_open_file(o->device, &o->geometry, err, sizeof err);
	else
		m->fb = fb_open_device(o->device, err, sizeof err);
	if (m->fb == NULL) {
		log_msg(LOG_ERR, "%s", err);
		return false;
	}
	m->canvas = render_pixel_new(fb_width(m->fb), fb_height(m->fb),
	    o->font, o->columns);
	m->trace.out = o->trace;
	m->trace.canvas = m->canvas;
	log_msg(LOG_INFO, "%s: %dx%d %s, %dx%d cells, text %.0f px", o->device,
	    fb_width(m->fb), fb_height(m->fb), fb_format_name(m->fb),
	    render_pixel_columns(m->canvas), render_pixel_rows(m->canvas),
	    render_pixel_text_size(m->canvas));
	return true;
}

static bool
fb_main_connect(struct fb_main *m)
{
	int hwm = FB_MAIN_QUEUE;
	char err[256];

	m->zctx = zmq_ctx_new();
	m->sub = zsock_new(m->proc, m->zctx, ZMQ_SUB);
	zmq_setsockopt(zsock_raw(m->sub), ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(zsock_raw(m->sub), ZMQ_SUBSCRIBE, m->topic,
	    strlen(m->topic));
	zmq_setsockopt(zsock_raw(m->sub), ZMQ_SUBSCRIBE, "snapshot", 8);
	zmq_setsockopt(zsock_raw(m->sub), ZMQ_SUBSCRIBE, m->layout_topic,
	    strlen(m->layout_topic));
	if (standby_connect(m->sub, m->options->endpoint, err, sizeof err) != 0) {
		log_msg(LOG_ERR, "%s", err);
		return false;
	}
	zsock_watch(m->sub, fb_main_on_message, fb_main_on_drained, m);
	return true;
}

static void
fb_main_setup(struct fb_main *m, const struct fb_main_options *o)
{
	const struct config *c;
	char err[256];

	m->options = o;
	m->reader = snapshot_reader_new();
	board_layout_init(&m->layout, o->name, o->config, o->board,
	    o->local_wins);
	board_layout_topic(&m->layout, m->layout_topic,
	    sizeof m->layout_topic);
	c = m->layout.config;
	if ((m->tz = tz_load(c->timezone, err, sizeof err)) == NULL)
		log_msg(LOG_WARNING, "%s: the clock shows UTC", err);
	m->stale_after_ms = 3 * c->publish_heartbeat_ms;
	standby_init(&m->standby, c->publish_heartbeat_ms);
	m->page = o->page % m->layout.board->n_pages;
	snprintf(m->topic, sizeof m->topic, "board/%s", o->name);
}

static void
fb_main_teardown(struct fb_main *m)
{
	proc_timer_free(&m->tick);
	proc_timer_free(&m->stale);
	zsock_free(&m->sub);
	if (m->zctx != NULL)
		zmq_ctx_term(m->zctx);
	fb_console_close(&m->console);
	fb_close(&m->fb);
	render_pixel_free(&m->canvas);
	snapshot_reader_free(&m->reader);
	tz_free(&m->tz);
	proc_free(&m->proc);
	free(m->latest);
	board_layout_free(&m->layout);
}

static char *
fb_main_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n;
	char *buf;

	if (f == NULL)
		return NULL;
	buf = xmalloc(cap);
	*len = 0;
	while ((n = fread(buf + *len, 1, cap - *len, f)) > 0)
		if ((*len += n) == cap)
			buf = xrealloc(buf, cap *= 2);
	fclose(f);
	return buf;
}

/* One frame of a snapshot file: no socket, no loop. */
static int
fb_main_once(struct fb_main *m)
{
	const char *path = m->options->snapshot_file;
	char err[256], *json;
	size_t len;

	if ((json = fb_main_read_file(path, &len)) == NULL) {
		log_msg(LOG_ERR, "%s: %s", path, strerror(errno));
		return 1;
	}
	if (snapshot_read(m->reader, json, len, err, sizeof err) == NULL) {
		log_msg(LOG_ERR, "%s: %s", path, err);
		free(json);
		return 1;
	}
	free(json);
	fb_main_check_trends(m);
	fb_main_draw(m);
	if (fb_main_shooting(m))
		fb_main_screenshot(m);
	return m->status;
}

/* Subscribe and draw until told to stop. */
static int
fb_main_live(struct fb_main *m)
{
	const struct fb_main_options *o = m->options;
	char err[256];

	m->proc = proc_new();
	if (!o->file && (m->console = fb_console_open(m->proc, o->tty,
	    fb_main_on_show, fb_main_on_hide, m, err, sizeof err)) == NULL) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	if (!fb_main_connect(m))
		return 1;
	proc_signal(m->proc, SIGINT, fb_main_on_quit, m);
	proc_signal(m->proc, SIGTERM, fb_main_on_quit, m);
	proc_signal(m->proc, SIGHUP, fb_main_on_quit, m);
	m->tick = proc_timer_new(m->proc, fb_main_on_tick, m);
	m->stale = proc_timer_new(m->proc, fb_main_on_stale, m);
	m->started_mono = m->page_since_mono = proc_mono_ms();
	proc_timer_after(m->stale, m->stale_after_ms + 20);
	fb_main_draw(m);
	fb_main_arm_tick(m);
	proc_loop(m->proc);
	return m->status;
}

int
fb_main_run(const struct fb_main_options *o)
{
	struct fb_main m;
	int status;

	memset(&m, 0, sizeof m);
	fb_main_setup(&m, o);
	if (!fb_main_open_screen(&m))
		status = 1;
	else if (o->snapshot_file != NULL)
		status = fb_main_once(&m);
	else
		status = fb_main_live(&m);
	board_layout_report(&m.layout, "wallboard-fb");
	fb_main_teardown(&m);
	if (m.bad > 0)
		log_msg(LOG_WARNING, "%llu unreadable snapshot%s ignored",
		    (unsigned long long)m.bad, m.bad == 1 ? "" : "s");
	if (m.bad_trends > 1)
		log_msg(LOG_WARNING, "%llu snapshots with malformed trends",
		    (unsigned long long)m.bad_trends);
	return status;
}
