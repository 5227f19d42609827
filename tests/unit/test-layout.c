/*
 * test-layout.c: the board's layout rules (draw/layout.c) and the snapshot
 * reader (core/snapshot-read.c).
 *
 * Geometry is checked through a recording back-end: every operation's cells
 * must lie on the screen, and a tile's figure inside its tile, whatever the
 * size. Frames as a whole are golden files (tests/display/t-golden.sh).
 */
#include "testutil.h"

#include <math.h>

#include "config.h"
#include "layout.h"
#include "render-text.h"
#include "snapshot-read.h"

/* ---- helpers ------------------------------------------------------------ */

static struct config *
load_config(const char *yaml)
{
	struct config_errors errors;
	char *path = testutil_write_temp(yaml);
	struct config *c = config_load(path, &errors);

	for (size_t i = 0; i < errors.n; i++)
		print_error("  config: %s\n", errors.lines[i]);
	assert_non_null(c);
	config_errors_clear(&errors);
	testutil_remove_temp(&path);
	return c;
}

static const struct snapshot_view *
read_snapshot(struct snapshot_reader *r, const char *json)
{
	char err[128];
	const struct snapshot_view *v = snapshot_read(r, json, strlen(json),
	    err, sizeof err);

	if (v == NULL)
		print_error("  snapshot: %s\n", err);
	assert_non_null(v);
	return v;
}

/* Cells of UTF-8 text: one per code point, as the layout counts them. */
static int
cells(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A back-end that checks each operation against the screen and a box. */
struct recorder {
	int width, height;
	struct render_rect inside;      /* figures must stay in here */
	int figures;                    /* operations checked against it */
};

static void
rec_begin(void *ctx, int w, int h)
{
	struct recorder *r = ctx;

	assert_int_equal(w, r->width);
	assert_int_equal(h, r->height);
}

static void
rec_on_screen(const struct recorder *r, int x, int y, int w, int h)
{
	if (x < 0 || y < 0 || x + w > r->width || y + h > r->height)
		fail_msg("operation at %d,%d size %dx%d is off a %dx%d screen",
		    x, y, w, h, r->width, r->height);
}

static void
rec_fill(void *ctx, struct render_rect rect, struct render_style s)
{
	rec_on_screen(ctx, rect.x, rect.y, rect.w, rect.h);
}

/* Text inside the tile's box, not its border, is the figure. */
static void
rec_text(void *ctx, int x, int y, const char *text, struct render_style s)
{
	struct recorder *r = ctx;
	struct render_rect in = r->inside;
	int n = cells(text);

	rec_on_screen(r, x, y, n, 1);
	if (y > in.y && y < in.y + in.h - 1 && x > in.x &&
	    x < in.x + in.w - 1) {
		r->figures++;
		if (x + n > in.x + in.w - 1)
			fail_msg("figure '%s' at %d spills out of its tile "
			    "(%d..%d)", text, x, in.x + 1, in.x + in.w - 2);
	}
}

static void
rec_big(void *ctx, struct render_rect rect, const char *text,
    const struct render_big *how, struct render_style s)
{
	struct recorder *r = ctx;
	struct render_rect in = r->inside;
	int w, h;

	layout_big_size(text, how, &w, &h);
	assert_int_equal(w, rect.w);
	assert_int_equal(h, rect.h);
	rec_on_screen(r, rect.x, rect.y, rect.w, rect.h);
	r->figures++;
	if (rect.x <= in.x || rect.y <= in.y ||
	    rect.x + rect.w > in.x + in.w - 1 ||
	    rect.y + rect.h > in.y + in.h - 1)
		fail_msg("big '%s' %dx%d at %d,%d spills out of its tile",
		    text, rect.w, rect.h, rect.x, rect.y);
}

static void
rec_end(void *ctx)
{
}

static const struct render_ops recorder_ops = {
	rec_begin, rec_fill, rec_text, rec_big, rec_end, NULL
};

/* ---- figures and colours ------------------------------------------------ */

static void
test_format(void **state)
{
	char buf[32];

	layout_format_value(METRIC_RATIO, 0.805, buf, sizeof buf);
	assert_string_equal(buf, "81%");
	layout_format_value(METRIC_RATIO, 1, buf, sizeof buf);
	assert_string_equal(buf, "100%");
	layout_format_value(METRIC_DURATION, 41999, buf, sizeof buf);
	assert_string_equal(buf, "0:41");
	layout_format_value(METRIC_DURATION, 3599000, buf, sizeof buf);
	assert_string_equal(buf, "59:59");
	layout_format_value(METRIC_DURATION, 3600000 + 5 * 60000, buf,
	    sizeof buf);
	assert_string_equal(buf, "1h05");
	layout_format_value(METRIC_COUNT, 412, buf, sizeof buf);
	assert_string_equal(buf, "412");
	/* A half goes up, for scores as for shares (printf's %.1f would
	 * round 4.25 to even, 4.2). */
	layout_format_value(METRIC_SCORE, 4.25, buf, sizeof buf);
	assert_string_equal(buf, "4.3");
	layout_format_value(METRIC_RATIO, 0.615, buf, sizeof buf);
	assert_string_equal(buf, "62%");
	layout_format_value(METRIC_RATIO, 0.7999, buf, sizeof buf);
	assert_string_equal(buf, "80%");
	layout_format_duration(-5, buf, sizeof buf);
	assert_string_equal(buf, "0:00");
}

static const char board_yaml[] =
    "queues: {support: {sl_target: 80%}}\n"
    "boards:\n"
    "  b:\n"
    "    pages:\n"
    "      - tiles:\n"
    "          - {scope: \"queue:support\", metric: service_level, window: 15m}\n"
    "          - {scope: \"queue:support\", metric: longest_wait_ms, amber: 30s, red: 60s}\n"
    "          - {scope: \"queue:support\", metric: service_level, window: 15m, target: 90%}\n"
    "          - {scope: \"queue:support\", metric: offered, window: 15m}\n"
    "          - {scope: \"queue:support\", metric: agents_ready, amber: 2, red: 0}\n";

static void
test_status(void **state)
{
	struct config *c = load_config(board_yaml);
	const struct config_tile *t = c->boards[0].pages[0].tiles;
	struct snapshot_scope s = { .key = "queue:support", .sl_target = 0.8 };

	/* service_level against the scope's target, amber 5 points under. */
	assert_true(t[0].sl_target);
	assert_int_equal(layout_tile_status(&t[0], &s, 0.80), LAYOUT_STATUS_GOOD);
	/* Judged as shown: 79.6% reads 80%, so it is not amber. */
	assert_int_equal(layout_tile_status(&t[0], &s, 0.796), LAYOUT_STATUS_GOOD);
	assert_int_equal(layout_tile_status(&t[0], &s, 0.79), LAYOUT_STATUS_WARN);
	assert_int_equal(layout_tile_status(&t[0], &s, 0.75), LAYOUT_STATUS_WARN);
	assert_int_equal(layout_tile_status(&t[0], &s, 0.74), LAYOUT_STATUS_BAD);
	assert_int_equal(layout_tile_status(&t[0], NULL, 0.9), LAYOUT_STATUS_NONE);
	/* Durations: less is better by default. */
	assert_true(t[1].good_below);
	assert_int_equal(layout_tile_status(&t[1], &s, 30999), LAYOUT_STATUS_GOOD);
	assert_int_equal(layout_tile_status(&t[1], &s, 31000), LAYOUT_STATUS_WARN);
	assert_int_equal(layout_tile_status(&t[1], &s, 61000), LAYOUT_STATUS_BAD);
	/* target: 90% is amber at 90%, red 5 points under. */
	assert_int_equal(layout_tile_status(&t[2], &s, 0.86), LAYOUT_STATUS_WARN);
	assert_int_equal(layout_tile_status(&t[2], &s, 0.84), LAYOUT_STATUS_BAD);
	/* No levels: no colour. */
	assert_int_equal(layout_tile_status(&t[3], &s, 5), LAYOUT_STATUS_NONE);
	/* Counts where more is better. */
	assert_int_equal(layout_tile_status(&t[4], &s, 2), LAYOUT_STATUS_GOOD);
	assert_int_equal(layout_tile_status(&t[4], &s, 1), LAYOUT_STATUS_WARN);
	config_free(&c);
}

/* ---- geometry ----------------------------------------------------------- */

/* A one-tile board whose figure is as wide as figures get. */
static const char wide_yaml[] =
    "boards:\n"
    "  b:\n"
    "    pages:\n"
    "      - tiles: [{scope: all, metric: %s%s}]\n";

static void
check_one_tile(const char *metric, const char *window, const char *json)
{
	char yaml[512];
	struct snapshot_reader *reader = snapshot_reader_new();
	const struct snapshot_view *v = read_snapshot(reader, json);
	struct config *c;
	struct recorder r;

	snprintf(yaml, sizeof yaml, wide_yaml, metric, window);
	c = load_config(yaml);
	for (int w = 1; w <= 90; w += 1) {
		for (int h = 1; h <= 30; h += (h < 12 ? 1 : 5)) {
			r = (struct recorder){ .width = w, .height = h,
			    .inside = { 0, 1, w, h - 1 } };
			layout_draw(&(struct layout_input){ .config = c,
			    .board = &c->boards[0], .snap = v, .width = w,
			    .height = h, .caps = { 256, (w + h) % 2 == 0 },
			    .clock = "09:00:00" }, &recorder_ops, &r, NULL);
			if (w >= 20 && h >= 5 && r.figures == 0)
				fail_msg("no figure at %dx%d", w, h);
		}
	}
	config_free(&c);
	snapshot_reader_free(&reader);
}

static void
test_value_never_spills(void **state)
{
	check_one_tile("offered", ", window: today",
	    "{\"v\":1,\"now\":0,\"scopes\":{\"all\":{\"windows\":{\"today\":"
	    "{\"offered\":123456789012}}}}}");
	check_one_tile("service_level", ", window: 15m",
	    "{\"v\":1,\"now\":0,\"scopes\":{\"all\":{\"sl_target\":0.8,"
	    "\"windows\":{\"15m\":{\"service_level\":1}}}}}");
	check_one_tile("longest_wait_ms", "",
	    "{\"v\":1,\"now\":0,\"scopes\":{\"all\":{\"now\":{\"waiting\":3,"
	    "\"longest_wait_ms\":362000000}}}}");
}

/* ---- agents ------------------------------------------------------------- */

static const char grid_yaml[] =
    "teams: {billing: {agents: [a1]}}\n"
    "agents:\n"
    "  b1: {queues: []}\n"
    "boards:\n"
    "  b:\n"
    "    agents: %s\n"
    "    pages: [{agent_grid: true}]\n";

/* n agents: a0 ready longest, then busy, wrap, away, offline in turn. */
static char *
agents_json(int n)
{
	static const char *const states[] = { "ready", "busy", "wrap", "away",
	    "offline" };
	size_t len = 64 + (size_t)n * 160, o;
	char *json = malloc(len);

	assert_non_null(json);
	o = (size_t)snprintf(json, len, "{\"v\":1,\"now\":10000000,\"agents\":[");
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(json + o, len - o, "%s{\"id\":\"a%d\","
		    "\"name\":\"Agent %d\",\"team\":\"%s\",\"state\":\"%s\","
		    "\"since\":%d,\"reason\":null}", i ? "," : "", i, i,
		    i % 2 ? "billing" : "sales", states[i % 5], 1000 * i);
	snprintf(json + o, len - o, "]}");
	return json;
}

static void
test_agents_sorted(void **state)
{
	char yaml[512], *json = agents_json(20);
	struct snapshot_reader *reader = snapshot_reader_new();
	const struct snapshot_view *v = read_snapshot(reader, json);
	const struct snapshot_agent *out[20];
	static const char *const order[] = {
		"a3", "a8", "a13", "a18",       /* away, longest first */
		"a0", "a5", "a10", "a15",       /* ready */
		"a1", "a6", "a11", "a16",       /* busy */
		"a2", "a7", "a12", "a17",       /* wrap */
	};
	struct config *c;
	size_t n;

	snprintf(yaml, sizeof yaml, grid_yaml, "all");
	c = load_config(yaml);
	n = layout_agents_sorted(c, &c->boards[0], v, out);
	assert_int_equal(n, 16);        /* the 4 offline ones are not shown */
	for (size_t i = 0; i < n; i++)
		assert_string_equal(out[i]->id, order[i]);
	config_free(&c);
	snprintf(yaml, sizeof yaml, grid_yaml, "\"team:billing\"");
	c = load_config(yaml);
	n = layout_agents_sorted(c, &c->boards[0], v, out);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(out[i]->team, "billing");
	assert_int_equal(n, 8);         /* odd ids, less the offline */
	config_free(&c);
	snapshot_reader_free(&reader);
	free(json);
}

/*
 * away agents "Away 0000".. then the others "Work 0000".., ready, busy and
 * wrap in turn; none offline.
 */
static char *
floor_json(int away, int rest)
{
	static const char *const states[] = { "ready", "busy", "wrap" };
	size_t len = 64 + (size_t)(away + rest) * 120, o;
	char *json = malloc(len);

	assert_non_null(json);
	o = (size_t)snprintf(json, len, "{\"v\":1,\"now\":10000000,\"agents\":[");
	for (int i = 0; i < away + rest; i++)
		o += (size_t)snprintf(json + o, len - o, "%s{\"id\":\"a%d\","
		    "\"name\":\"%s %04d\",\"state\":\"%s\",\"since\":%d,"
		    "\"reason\":\"break\"}", i ? "," : "", i, i < away ? "Away" :
		    "Work", i < away ? i : i - away, i < away ? "away" :
		    states[(i - away) % 3], 1000 * (i % 5000));
	snprintf(json + o, len - o, "]}");
	return json;
}

/* How many of the names "Away 0000".."Away n-1" (prefix "Away") are in
 * frame; marks each one seen in seen[]. */
static int
names_on(const char *frame, const char *prefix, int n, bool *seen)
{
	char name[32];
	int found = 0;

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s %04d ", prefix, i);
		if (strstr(frame, name) != NULL) {
			found++;
			seen[i] = true;
		}
	}
	return found;
}

static const char *
draw_grid(struct render_text *t, const struct config *c,
    const struct snapshot_view *v, int w, int h, int64_t elapsed_ms)
{
	layout_draw(&(struct layout_input){ .config = c, .board = &c->boards[0],
	    .snap = v, .width = w, .height = h, .caps = { 8, true },
	    .clock = "09:00:00", .elapsed_ms = elapsed_ms }, render_text_ops(),
	    t, NULL);
	return render_text_frame(t);
}

/*
 * 120 agents, 20 of them away, at 80x24: a grid of 3 columns of 22 rows,
 * 66 cells. The 20 away keep theirs on every page; the 100 others take
 * turns in the 46 left: 3 pages of 8 s each.
 */
static void
test_grid_pages_120(void **state)
{
	char yaml[256], *json = floor_json(20, 100);
	struct snapshot_reader *reader = snapshot_reader_new();
	const struct snapshot_view *v = read_snapshot(reader, json);
	struct render_text *t = render_text_new();
	bool away[20] = { false }, work[100] = { false };
	struct config *c;
	const char *frame;
	char *first;
	int shown = 0;

	snprintf(yaml, sizeof yaml, grid_yaml, "all");
	c = load_config(yaml);
	frame = draw_grid(t, c, v, 80, 24, 0);
	/* Counts of all 120 follow (cut at 80 cells: "0 offline" does not
	 * fit); 100 others in turn from ready: 34, 33, 33. */
	assert_non_null(strstr(frame, " Agents 1-66 of 120 (page 1/3): "
	    "34 ready \u00b7 33 busy \u00b7 33 wrap \u00b7 20 away"));
	assert_int_equal(names_on(frame, "Away", 20, away), 20);
	assert_int_equal(names_on(frame, "Work", 100, work), 46);
	first = strdup(frame);
	/* The same input draws the same frame; the page holds 8 s. */
	assert_string_equal(draw_grid(t, c, v, 80, 24, 0), first);
	assert_string_equal(draw_grid(t, c, v, 80, 24, 7999), first);
	frame = draw_grid(t, c, v, 80, 24, 8000);
	assert_non_null(strstr(frame, " Agents 1-20, 67-112 of 120 "
	    "(page 2/3): "));
	assert_int_equal(names_on(frame, "Away", 20, away), 20);
	assert_int_equal(names_on(frame, "Work", 100, work), 46);
	frame = draw_grid(t, c, v, 80, 24, 16000);
	assert_non_null(strstr(frame, " Agents 1-20, 113-120 of 120 "
	    "(page 3/3): "));
	assert_int_equal(names_on(frame, "Away", 20, away), 20);
	assert_int_equal(names_on(frame, "Work", 100, work), 8);
	/* Over the three pages, every agent was shown. */
	for (int i = 0; i < 100; i++)
		shown += work[i];
	assert_int_equal(shown, 100);
	/* Then round again. */
	assert_string_equal(draw_grid(t, c, v, 80, 24, 24000), first);
	free(first);
	config_free(&c);
	render_text_free(&t);
	snapshot_reader_free(&reader);
	free(json);
}

/*
 * 2,000 agents, 300 away, at 200x60: 7 columns of 58 rows, 406 cells.
 * The away would take more than half: they get half (203) and take turns
 * in it (2 pages); the 1,700 others take turns in the other 203 (9 pages,
 * the last of 76). Over 9 pages, everyone is shown.
 */
static void
test_grid_pages_2000(void **state)
{
	char yaml[256], *json = floor_json(300, 1700);
	struct snapshot_reader *reader = snapshot_reader_new();
	const struct snapshot_view *v = read_snapshot(reader, json);
	struct render_text *t = render_text_new();
	bool *away = calloc(300, sizeof *away), *work = calloc(1700,
	    sizeof *work);
	struct config *c;
	const char *frame;
	int shown = 0;

	snprintf(yaml, sizeof yaml, grid_yaml, "all");
	c = load_config(yaml);
	frame = draw_grid(t, c, v, 200, 60, 0);
	assert_non_null(strstr(frame, " Agents 1-203, 301-503 of 2000 "
	    "(page 1/9): "));
	assert_int_equal(names_on(frame, "Away", 300, away), 203);
	assert_int_equal(names_on(frame, "Work", 1700, work), 203);
	frame = draw_grid(t, c, v, 200, 60, 8000);
	assert_non_null(strstr(frame, " Agents 204-300, 504-706 of 2000 "
	    "(page 2/9): "));
	assert_int_equal(names_on(frame, "Away", 300, away), 97);
	assert_int_equal(names_on(frame, "Work", 1700, work), 203);
	for (int p = 2; p < 9; p++) {
		frame = draw_grid(t, c, v, 200, 60, p * 8000);
		assert_true(names_on(frame, "Away", 300, away) > 0);
		names_on(frame, "Work", 1700, work);
	}
	assert_non_null(strstr(frame, " Agents 1-203, 1925-2000 of 2000 "
	    "(page 9/9): "));
	for (int i = 0; i < 300; i++)
		shown += away[i];
	for (int i = 0; i < 1700; i++)
		shown += work[i];
	assert_int_equal(shown, 2000);
	free(away);
	free(work);
	config_free(&c);
	render_text_free(&t);
	snapshot_reader_free(&reader);
	free(json);
}

/* ---- freshness ------------------------------------------------------------ */

/* One frame of json on the config's first board, as text in t. */
static const char *
draw_frame(struct render_text *t, const struct config *c, const char *json,
    int w, int h, int64_t age_ms, int colours)
{
	struct snapshot_reader *reader = snapshot_reader_new();
	const struct snapshot_view *v = read_snapshot(reader, json);

	layout_draw(&(struct layout_input){ .config = c, .board = &c->boards[0],
	    .snap = v, .width = w, .height = h, .caps = { colours, true },
	    .clock = "09:00:00", .age_ms = age_ms }, render_text_ops(), t,
	    NULL);
	snapshot_reader_free(&reader);
	return render_text_frame(t);
}

/* The cell where needle starts in frame (cells are code points). */
static void
locate(const char *frame, const char *needle, int *x, int *y)
{
	const char *p = strstr(frame, needle), *line = frame;

	if (p == NULL)
		fail_msg("'%s' is not on the screen", needle);
	*y = 0;
	for (const char *q = frame; q < p; q++)
		if (*q == '\n') {
			(*y)++;
			line = q + 1;
		}
	*x = 0;
	for (const char *q = line; q < p; q++)
		*x += ((unsigned char)*q & 0xc0) != 0x80;
}

/* The colour every big-digit cell of the frame is drawn in; fails if they
 * differ or there are none. */
static enum render_colour
big_colour(struct render_text *t, int w, int h)
{
	int found = -1;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned c = render_text_char(t, x, y);
			enum render_colour fg;

			if (c != 0x2588 && c != 0x2580 && c != 0x2584)
				continue;
			fg = render_text_style(t, x, y).fg;
			if (found >= 0 && (int)fg != found)
				fail_msg("big digits in two colours at %d,%d",
				    x, y);
			found = (int)fg;
		}
	assert_true(found >= 0);
	return (enum render_colour)found;
}

static const char one_tile_yaml[] =
    "boards:\n"
    "  b:\n"
    "    pages:\n"
    "      - tiles: [{scope: \"queue:%s\", metric: service_level, window: 15m}]\n";

/*
 * Feed pbx1 last sent 72 s before the daemon's now (1,000,000 ms) and is
 * stale; pbx2 sent 2 s before and is live. Queue a counts on pbx1 (50%
 * against 80%: red if it were live), queue b on pbx2 (90%: green).
 */
static const char fresh_json[] =
    "{\"v\":1,\"now\":1000000,"
    "\"feeds\":{\"pbx1\":{\"state\":\"stale\",\"last_event\":928000},"
    "\"pbx2\":{\"state\":\"live\",\"last_event\":998000}},"
    "\"scopes\":{"
    "\"queue:a\":{\"sl_target\":0.8,\"feeds\":[\"pbx1\"],\"stale\":true,"
    "\"last_event\":927500,\"windows\":{\"15m\":{\"service_level\":0.5}}},"
    "\"queue:b\":{\"sl_target\":0.8,\"feeds\":[\"pbx2\"],\"stale\":false,"
    "\"last_event\":997000,\"windows\":{\"15m\":{\"service_level\":0.9}}}}}";

static void
test_stale_tile(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c;
	char yaml[512];
	const char *frame;

	snprintf(yaml, sizeof yaml, one_tile_yaml, "a");
	c = load_config(yaml);
	/* The figure stays, grey; the tile says which feed is silent and
	 * for how long (1,000,000 - 928,000 ms = 1:12), not its target. */
	frame = draw_frame(t, c, fresh_json, 80, 24, 0, 256);
	assert_non_null(strstr(frame, "no data from pbx1 for 1:12"));
	assert_null(strstr(frame, "target 80%"));
	assert_int_equal(big_colour(t, 80, 24), RENDER_MUTED);
	/* 3 s after the snapshot came, the silence has grown by 3 s. */
	frame = draw_frame(t, c, fresh_json, 80, 24, 3000, 256);
	assert_non_null(strstr(frame, "no data from pbx1 for 1:15"));
	/* A narrow tile says it shorter. */
	frame = draw_frame(t, c, fresh_json, 24, 12, 0, 256);
	assert_non_null(strstr(frame, "pbx1 silent 1:12"));
	assert_null(strstr(frame, "no data from"));
	config_free(&c);

	/* Queue b's feed is live: its tile is green with its target. */
	snprintf(yaml, sizeof yaml, one_tile_yaml, "b");
	c = load_config(yaml);
	frame = draw_frame(t, c, fresh_json, 80, 24, 0, 256);
	assert_non_null(strstr(frame, "target 80%"));
	assert_null(strstr(frame, "no data"));
	assert_int_equal(big_colour(t, 80, 24), RENDER_GOOD);
	config_free(&c);
	render_text_free(&t);
}

/* The header's data age: the data's time less the newest event behind the
 * page's figures; else the feeds' newest; else since the snapshot came. */
static void
test_data_age(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c;
	char yaml[512];
	const char *frame;

	snprintf(yaml, sizeof yaml, one_tile_yaml, "a");
	c = load_config(yaml);
	/* Queue a's newest event: 1,000,000 - 927,500 = 72.5 s: "1m". */
	frame = draw_frame(t, c, fresh_json, 80, 24, 0, 256);
	assert_non_null(strstr(frame, "data 1m "));
	config_free(&c);
	snprintf(yaml, sizeof yaml, one_tile_yaml, "b");
	c = load_config(yaml);
	/* Queue b's: 3 s before now, and the snapshot came 4 s ago: 7 s. */
	frame = draw_frame(t, c, fresh_json, 80, 24, 4000, 256);
	assert_non_null(strstr(frame, "data 7s "));
	/* No event in the scope (null): the newest of any feed, 998,000,
	 * 2 s before now, plus the 4 s since the snapshot came: 6 s. */
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"feeds\":{\"pbx1\":"
	    "{\"state\":\"stale\",\"last_event\":928000},\"pbx2\":{\"state\":"
	    "\"live\",\"last_event\":998000}},\"scopes\":{\"queue:b\":"
	    "{\"last_event\":null}}}", 80, 24, 4000, 256);
	assert_non_null(strstr(frame, "data 6s "));
	/* An older daemon's snapshot, no feed ever heard: as before, how
	 * long ago the snapshot came. */
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"scopes\":"
	    "{\"queue:b\":{}}}", 80, 24, 4000, 256);
	assert_non_null(strstr(frame, "data 4s "));
	config_free(&c);
	render_text_free(&t);
}

/* Every feed heard from is stale: the STALE banner, saying the feeds are
 * silent; one live feed is enough to keep it down. */
static void
test_feeds_silent(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c;
	char yaml[512];
	const char *frame;

	snprintf(yaml, sizeof yaml, one_tile_yaml, "b");
	c = load_config(yaml);
	frame = draw_frame(t, c, fresh_json, 100, 30, 0, 256);
	assert_null(strstr(frame, "these figures are old"));
	/* pbx2 too, silent since 955,000: 45 s. pbx3 never sent anything
	 * and does not count. */
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"feeds\":{"
	    "\"pbx1\":{\"state\":\"stale\",\"last_event\":928000},"
	    "\"pbx2\":{\"state\":\"stale\",\"last_event\":955000},"
	    "\"pbx3\":{\"state\":\"stale\",\"last_event\":null}},"
	    "\"scopes\":{\"queue:b\":{\"sl_target\":0.8,\"feeds\":[\"pbx2\"],"
	    "\"stale\":true,\"last_event\":954000,\"windows\":{\"15m\":"
	    "{\"service_level\":0.9}}}}}", 100, 30, 0, 256);
	assert_non_null(strstr(frame, "no data from pbx1, pbx2 for 0:45: "
	    "these figures are old"));
	assert_null(strstr(frame, "DISCONNECTED"));
	/* Its newest event was 46 s ago. */
	assert_non_null(strstr(frame, "data 46s "));
	config_free(&c);
	render_text_free(&t);
}

/* A journal the daemon cannot write (or one that lost records): the
 * header says JOURNAL before the data's age; "ok", or an older daemon's
 * snapshot without the key, says nothing. */
static void
test_journal_warning(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c;
	char yaml[512];
	const char *frame;
#define JOURNAL_DOC "{\"v\":1,\"now\":1000000,\"journal\":\"%s\"," \
	"\"scopes\":{\"queue:b\":{}}}"
	char doc[256];

	snprintf(yaml, sizeof yaml, one_tile_yaml, "b");
	c = load_config(yaml);
	snprintf(doc, sizeof doc, JOURNAL_DOC, "failing");
	frame = draw_frame(t, c, doc, 80, 24, 4000, 256);
	assert_non_null(strstr(frame, " JOURNAL data 4s "));
	snprintf(doc, sizeof doc, JOURNAL_DOC, "damaged");
	frame = draw_frame(t, c, doc, 80, 24, 4000, 256);
	assert_non_null(strstr(frame, " JOURNAL data 4s "));
	snprintf(doc, sizeof doc, JOURNAL_DOC, "ok");
	frame = draw_frame(t, c, doc, 80, 24, 4000, 256);
	assert_null(strstr(frame, "JOURNAL"));
	assert_non_null(strstr(frame, " data 4s "));
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"scopes\":"
	    "{\"queue:b\":{}}}", 80, 24, 4000, 256);
	assert_null(strstr(frame, "JOURNAL"));
	config_free(&c);
	render_text_free(&t);
}

/* An agent whose feed is stale is grey and its timer stops at the feed's
 * last event; the others count on with the data's time. */
static void
test_stale_agent(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c = load_config("boards:\n  b:\n    pages: "
	    "[{agent_grid: true}]\n");
	const char *frame, *p;
	int x, y;

	/* Both busy since 900,000. The snapshot came 3 s ago: Live L. has
	 * been busy 1,003,000 - 900,000 = 1:43; Stale S.'s feed last spoke
	 * at 928,000: 0:28, and so it stays. */
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"feeds\":{"
	    "\"pbx1\":{\"state\":\"stale\",\"last_event\":928000},"
	    "\"pbx2\":{\"state\":\"live\",\"last_event\":998000}},"
	    "\"agents\":[{\"id\":\"s\",\"name\":\"Stale S.\",\"state\":\"busy\","
	    "\"since\":900000,\"feed\":\"pbx1\",\"stale\":true},"
	    "{\"id\":\"l\",\"name\":\"Live L.\",\"state\":\"busy\","
	    "\"since\":900000,\"feed\":\"pbx2\",\"stale\":false}]}",
	    80, 24, 3000, 256);
	assert_non_null(strstr(frame, "1 stale"));
	p = strstr(frame, "Stale S.");
	assert_non_null(p);
	assert_non_null(strstr(p, "0:28"));
	assert_true(strstr(p, "0:28") < strchr(p, '\n'));
	p = strstr(frame, "Live L.");
	assert_non_null(p);
	assert_true(strstr(p, "1:43") != NULL && strstr(p, "1:43") <
	    strchr(p, '\n'));
	/* The cells' colours, where the names are. */
	locate(frame, "Stale S.", &x, &y);
	assert_int_equal(render_text_style(t, x, y).fg, RENDER_MUTED);
	assert_int_equal(render_text_style(t, x, y).bg, RENDER_DEFAULT);
	locate(frame, "Live L.", &x, &y);
	assert_int_equal(render_text_style(t, x, y).bg, RENDER_BUSY);
	config_free(&c);
	render_text_free(&t);
}

/* Cells of a line's first bytes, counted by hand for the names below: a
 * CJK ideograph (three bytes from E4-E9) or an emoji (four bytes from F0)
 * takes two, anything else one per code point. */
static int
hand_cells(const char *s, size_t bytes)
{
	int n = 0;

	for (size_t i = 0; i < bytes; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) == 0x80)
			continue;
		n += (c >= 0xe4 && c <= 0xe9) || c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* Names in Chinese and with an emoji keep the grid: at 80 columns the grid
 * has 3 columns of 26 cells, each agent a cell of 25 (a blank between),
 * its time ending a blank before the cell's end: 24 cells from the line's
 * start, whatever the name. A name of 9 cells or less is whole ("王小明"
 * is 6); a longer one with no space to shorten at is cut by its cells:
 * 4 ideographs (8 cells) and "…"; "Amira Khan" (10) is "Amira K.". */
static void
test_wide_names(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c = load_config("boards:\n  b:\n    pages: "
	    "[{agent_grid: true}]\n");
	static const char *const names[] = { "\u738b\u5c0f\u660e",
	    "Li \U0001F600 Na", "Amira K.", "\u6b27\u9633\u5a1c\u5a1c\u2026" };
	const char *frame, *line, *end, *time;

	/* All busy since 900,000; the frame 3 s after a snapshot at
	 * 1,000,000: 1:43 each. */
	frame = draw_frame(t, c, "{\"v\":1,\"now\":1000000,\"agents\":["
	    "{\"id\":\"a\",\"name\":\"\u738b\u5c0f\u660e\",\"state\":\"busy\","
	    "\"since\":900000},"
	    "{\"id\":\"b\",\"name\":\"Li \\ud83d\\ude00 Na\",\"state\":\"busy\","
	    "\"since\":900000},"
	    "{\"id\":\"c\",\"name\":\"Amira Khan\",\"state\":\"busy\","
	    "\"since\":900000},"
	    "{\"id\":\"d\",\"name\":\"\u6b27\u9633\u5a1c\u5a1c\u5c0f\u59d0\","
	    "\"state\":\"busy\",\"since\":900000}]}", 80, 24, 3000, 256);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		line = strstr(frame, names[i]);
		if (line == NULL)
			fail_msg("'%s' is not on the board:\n%s", names[i], frame);
		while (line > frame && line[-1] != '\n')
			line--;
		end = strchr(line, '\n');
		time = strstr(line, "1:43");
		assert_true(time != NULL && time < end);
		if (hand_cells(line, (size_t)(time - line) + 4) != 24)
			fail_msg("'%s': its time ends at cell %d, not 24:\n%s",
			    names[i], hand_cells(line, (size_t)(time - line) + 4),
			    frame);
	}
	config_free(&c);
	render_text_free(&t);
}

/* ---- alerts ------------------------------------------------------------------ */

/* Three firing: a critical one (#14) for 300 s, a warning (#9), an info
 * without a short id; a pending one is not shown. */
static const char alerts_json[] =
    "{\"v\":1,\"now\":1000000,\"alerts\":["
    "{\"id\":\"w\",\"severity\":\"warning\",\"state\":\"firing\","
    "\"since\":940000,\"text\":\"Longest wait 0:41\",\"short_id\":9},"
    "{\"id\":\"c\",\"severity\":\"critical\",\"state\":\"firing\","
    "\"since\":700000,\"text\":\"Support SL 50% (target 80%)\","
    "\"short_id\":14},"
    "{\"id\":\"i\",\"severity\":\"info\",\"state\":\"firing\","
    "\"since\":990000,\"text\":\"Feed pbx2 restarted\"},"
    "{\"id\":\"p\",\"severity\":\"critical\",\"state\":\"pending\","
    "\"since\":999000,\"text\":\"Sales SL 60%\",\"short_id\":15}]}";

/* Line y of frame, without its newline, into buf. */
static const char *
frame_line(const char *frame, int y, char *buf, size_t len)
{
	const char *end;

	for (; y > 0 && frame != NULL; y--)
		if ((frame = strchr(frame, '\n')) != NULL)
			frame++;
	assert_non_null(frame);
	end = strchr(frame, '\n');
	snprintf(buf, len, "%.*s", (int)(end ? end - frame : (long)strlen(frame)),
	    frame);
	return buf;
}

static void
test_alert_lines(void **state)
{
	struct render_text *t = render_text_new();
	struct config *c = load_config("boards:\n  b:\n    pages: "
	    "[{agent_grid: true}]\n");
	const char *frame;
	char line[512];

	/* 80x24: a line each (up to 24 / 8 = 3), worst first, with its
	 * number for wallboardctl ack. */
	frame = draw_frame(t, c, alerts_json, 80, 24, 0, 256);
	assert_string_equal(frame_line(frame, 1, line, sizeof line),
	    " \u25b2 CRITICAL #14 Support SL 50% (target 80%)  for 5m");
	assert_string_equal(frame_line(frame, 2, line, sizeof line),
	    " \u25b2 WARNING  #9  Longest wait 0:41  for 1m");
	assert_string_equal(frame_line(frame, 3, line, sizeof line),
	    " \u25b2 INFO     Feed pbx2 restarted  for 10s");
	assert_null(strstr(frame, "Sales SL 60%"));
	assert_null(strstr(frame, "more alert"));
	/* 80x14: one line: the critical one, and the count after it. */
	frame = draw_frame(t, c, alerts_json, 80, 14, 0, 256);
	frame_line(frame, 1, line, sizeof line);
	assert_int_equal(strncmp(line, " \u25b2 CRITICAL #14 Support SL 50% "
	    "(target 80%)  for 5m  ", strlen(" \u25b2 CRITICAL #14 Support SL "
	    "50% (target 80%)  for 5m  ")), 0);
	assert_non_null(strstr(line, "+2 more alerts"));
	assert_null(strstr(frame_line(frame, 2, line, sizeof line), "Longest"));
	/* 40x7: still the critical one, without its severity's name (the
	 * colour says it), cut with "…"; no room for the count. */
	frame = draw_frame(t, c, alerts_json, 40, 7, 0, 256);
	assert_string_equal(frame_line(frame, 1, line, sizeof line),
	    " \u25b2 #14 Support SL 50% (target 80%)  for\u2026");
	/* 20x5: its start. */
	frame = draw_frame(t, c, alerts_json, 20, 5, 0, 256);
	assert_string_equal(frame_line(frame, 1, line, sizeof line),
	    " \u25b2 #14 Support SL 5\u2026");
	config_free(&c);
	render_text_free(&t);
}

/* ---- the big font and the reader --------------------------------------- */

static void
test_big_font(void **state)
{
	struct render_big how = { .scale = 2, .half = true, .unicode = true };
	int w, h;

	assert_int_equal(layout_big_width("0"), 3);
	assert_int_equal(layout_big_width("1:05"), 3 + 1 + 1 + 1 + 3 + 1 + 3);
	assert_int_equal(layout_big_width("x"), -1);
	assert_int_equal(layout_big_width("DISCONNECTED"), 49);
	layout_big_size("88%", &how, &w, &h);
	assert_int_equal(w, 22);
	assert_int_equal(h, 5);
	assert_true(layout_big_pixel("1", 1, 0));
	assert_false(layout_big_pixel("1", 0, 0));
	assert_true(layout_big_pixel("11", 5, 0));      /* 4 on: the 2nd 1 */
	assert_string_equal(layout_big_cell("1", &(struct render_big){ 1,
	    true, true }, 1, 0), "\u2588");
	assert_string_equal(layout_big_cell("7", &(struct render_big){ 1,
	    true, true }, 0, 0), "\u2580");
	assert_string_equal(layout_big_cell("7", &(struct render_big){ 1,
	    false, false }, 0, 0), "#");
}

static void
test_reader(void **state)
{
	struct snapshot_reader *r = snapshot_reader_new();
	const struct snapshot_view *v;
	const struct snapshot_scope *s;
	char err[128];

	assert_null(snapshot_reader_view(r));
	v = read_snapshot(r, "{\"v\":1,\"seq\":7,\"now\":5,\"site\":{\"name\":"
	    "\"Leeds\"},\"scopes\":{\"queue:support\":{\"label\":\"Support\","
	    "\"sl_target\":0.8,\"now\":{\"waiting\":null,\"agents\":{\"ready\":"
	    "2,\"staffed\":3}},\"windows\":{\"15m\":{\"offered\":4,"
	    "\"service_level\":null,\"asa_ms\":1500}}}},\"agents\":[{\"id\":"
	    "\"a1\",\"state\":\"away\",\"reason\":\"lunch\",\"queues\":"
	    "[\"support\"]},{\"name\":\"no id\"}],\"alerts\":[{\"id\":\"x\","
	    "\"severity\":\"critical\",\"state\":\"firing\",\"acked_by\":"
	    "\"Sam\"}],\"message\":{\"text\":\"hi\",\"from\":\"TL\"}}");
	assert_int_equal(v->seq, 7);
	assert_string_equal(v->site_name, "Leeds");
	s = snapshot_find_scope(v, "queue:support");
	assert_non_null(s);
	assert_false(s->waiting_known);
	assert_int_equal(s->agents[AGENT_READY], 2);
	assert_int_equal(s->agents[AGENT_STATE_COUNT], 3);
	assert_int_equal(s->n_windows, 1);
	assert_float_equal(s->windows[0].value[M_OFFERED], 4, 0);
	assert_true(s->windows[0].null[M_SERVICE_LEVEL]);
	assert_float_equal(s->windows[0].value[M_ASA_MS], 1500, 0);
	assert_int_equal(v->n_agents, 1);       /* one without an id is not */
	assert_int_equal(v->agents[0].state, AGENT_AWAY);
	assert_int_equal(v->agents[0].n_queues, 1);
	assert_string_equal(v->agents[0].queues[0], "support");
	assert_int_equal(v->alerts[0].severity, SEVERITY_CRITICAL);
	assert_string_equal(v->alerts[0].acked_by, "Sam");
	assert_true(v->has_message);
	/* A bad document leaves the last good view as it was. */
	assert_null(snapshot_read(r, "{\"v\":2,\"now\":1}", 15, err,
	    sizeof err));
	assert_null(snapshot_read(r, "{", 1, err, sizeof err));
	assert_ptr_equal(snapshot_reader_view(r), v);
	assert_int_equal(snapshot_reader_view(r)->seq, 7);
	snapshot_reader_free(&r);
	assert_null(r);
}

/* A scope's trend: nulls are NaN, absent series are empty, anything
 * malformed is counted and what can be read is kept, never more than
 * SNAPSHOT_TREND_MAX values a series. */
static void
test_reader_trend(void **state)
{
	struct snapshot_reader *r = snapshot_reader_new();
	const struct snapshot_view *v;
	const struct snapshot_scope *s;
	char json[2048];
	size_t o;

	v = read_snapshot(r, "{\"v\":1,\"now\":1,\"scopes\":{\"queue:a\":"
	    "{\"trend\":{\"interval_ms\":900000,\"end\":1795424400000,"
	    "\"service_level\":[0.81,0.77,null],\"offered\":[12,9,0],"
	    "\"asa_ms\":[14000,21000,null]}},\"queue:b\":{},"
	    "\"queue:c\":{\"trend\":[1,2]},\"queue:d\":{\"trend\":"
	    "{\"offered\":{\"x\":1},\"asa_ms\":[1,\"2\",true,3]}}}}");
	s = snapshot_find_scope(v, "queue:a");
	assert_true(s->has_trend);
	assert_int_equal(s->trend.interval_ms, 900000);
	assert_int_equal(s->trend.end, 1795424400000LL);
	assert_int_equal(s->trend.n[SNAPSHOT_TREND_SERVICE_LEVEL], 3);
	assert_float_equal(s->trend.values[SNAPSHOT_TREND_SERVICE_LEVEL][1],
	    0.77, 1e-12);
	assert_true(isnan(s->trend.values[SNAPSHOT_TREND_SERVICE_LEVEL][2]));
	assert_float_equal(s->trend.values[SNAPSHOT_TREND_OFFERED][2], 0, 0);
	assert_int_equal(s->trend.n[SNAPSHOT_TREND_ABANDON_RATE], 0);
	assert_false(snapshot_find_scope(v, "queue:b")->has_trend);
	assert_false(snapshot_find_scope(v, "queue:c")->has_trend);
	s = snapshot_find_scope(v, "queue:d");
	assert_true(s->has_trend);
	assert_int_equal(s->trend.n[SNAPSHOT_TREND_OFFERED], 0);
	assert_int_equal(s->trend.n[SNAPSHOT_TREND_ASA], 4);
	assert_true(isnan(s->trend.values[SNAPSHOT_TREND_ASA][1]));
	assert_true(isnan(s->trend.values[SNAPSHOT_TREND_ASA][2]));
	assert_float_equal(s->trend.values[SNAPSHOT_TREND_ASA][3], 3, 0);
	assert_int_equal(v->bad_trends, 2);     /* queue:c and queue:d */
	/* 40 values: the newest 16 are kept (24..39), and it is counted. */
	o = (size_t)snprintf(json, sizeof json, "{\"v\":1,\"now\":1,"
	    "\"scopes\":{\"all\":{\"trend\":{\"offered\":[");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof json - o, "%s%d",
		    i ? "," : "", i);
	snprintf(json + o, sizeof json - o, "]}}}}");
	v = read_snapshot(r, json);
	s = snapshot_find_scope(v, "all");
	assert_int_equal(s->trend.n[SNAPSHOT_TREND_OFFERED], SNAPSHOT_TREND_MAX);
	assert_float_equal(s->trend.values[SNAPSHOT_TREND_OFFERED][0], 24, 0);
	assert_float_equal(s->trend.values[SNAPSHOT_TREND_OFFERED][15], 39, 0);
	assert_int_equal(v->bad_trends, 1);
	assert_int_equal(snapshot_trend_series_of("asa"), SNAPSHOT_TREND_ASA);
	assert_int_equal(snapshot_trend_series_of("asa_ms"), SNAPSHOT_TREND_ASA);
	assert_int_equal(snapshot_trend_series_of("aht_ms"), -1);
	snapshot_reader_free(&r);
}

/* The freshness fields and alerts' short ids; absent, the view says so. */
static void
test_reader_freshness(void **state)
{
	struct snapshot_reader *r = snapshot_reader_new();
	const struct snapshot_view *v;
	const struct snapshot_scope *s;

	v = read_snapshot(r, "{\"v\":1,\"now\":100000,\"feeds\":{\"pbx1\":"
	    "{\"state\":\"stale\",\"last_event\":28000},\"pbx2\":{\"state\":"
	    "\"live\",\"last_event\":null}},\"scopes\":{\"queue:a\":{\"feeds\":"
	    "[\"pbx1\",\"pbx2\",7],\"stale\":true,\"last_event\":27500},"
	    "\"queue:b\":{\"feeds\":[],\"stale\":false,\"last_event\":null},"
	    "\"all\":{}},\"agents\":[{\"id\":\"a1\",\"state\":\"busy\","
	    "\"feed\":\"pbx1\",\"stale\":true},{\"id\":\"a2\",\"feed\":null,"
	    "\"queues\":[\"q\"]},{\"id\":\"a3\"}],\"alerts\":[{\"id\":\"x\","
	    "\"short_id\":14},{\"id\":\"y\",\"short_id\":0},{\"id\":\"z\"}]}");
	s = snapshot_find_scope(v, "queue:a");
	assert_int_equal(s->n_feeds, 2);        /* the 7 is not a name */
	assert_string_equal(s->feeds[0], "pbx1");
	assert_string_equal(s->feeds[1], "pbx2");
	assert_true(s->has_stale);
	assert_true(s->stale);
	assert_true(s->has_last_event);
	assert_int_equal(s->last_event, 27500);
	s = snapshot_find_scope(v, "queue:b");
	assert_int_equal(s->n_feeds, 0);
	assert_true(s->has_stale);
	assert_false(s->stale);
	assert_false(s->has_last_event);        /* null */
	s = snapshot_find_scope(v, "all");      /* an older daemon's scope */
	assert_int_equal(s->n_feeds, 0);
	assert_false(s->has_stale);
	assert_false(s->stale);
	assert_false(s->has_last_event);
	assert_string_equal(v->agents[0].feed, "pbx1");
	assert_true(v->agents[0].stale);
	assert_null(v->agents[1].feed);
	assert_false(v->agents[1].stale);
	assert_string_equal(v->agents[1].queues[0], "q");
	assert_null(v->agents[2].feed);
	assert_false(v->agents[2].stale);
	assert_int_equal(v->alerts[0].short_id, 14);
	assert_int_equal(v->alerts[1].short_id, 0);     /* not a number >= 1 */
	assert_int_equal(v->alerts[2].short_id, 0);
	assert_false(v->feeds[0].live);
	assert_int_equal(v->feeds[0].last_event, 28000);
	assert_true(v->feeds[1].live);
	assert_int_equal(v->feeds[1].last_event, 0);
	snapshot_reader_free(&r);
}

/* 40 scopes of 3 feeds each: the pool of names moves as it grows, and
 * every scope still names its own. */
static void
test_reader_many_feeds(void **state)
{
	struct snapshot_reader *r = snapshot_reader_new();
	const struct snapshot_view *v;
	char json[8192], key[32], name[32];
	size_t o;

	o = (size_t)snprintf(json, sizeof json, "{\"v\":1,\"now\":1,\"scopes\":{");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof json - o, "%s\"queue:q%d\":"
		    "{\"feeds\":[\"f%d\",\"g%d\",\"h%d\"]}", i ? "," : "", i, i, i,
		    i);
	snprintf(json + o, sizeof json - o, "}}");
	v = read_snapshot(r, json);
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "queue:q%d", i);
		const struct snapshot_scope *s = snapshot_find_scope(v, key);
		assert_int_equal(s->n_feeds, 3);
		snprintf(name, sizeof name, "h%d", i);
		assert_string_equal(s->feeds[2], name);
	}
	snapshot_reader_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_value_never_spills),
		cmocka_unit_test(test_agents_sorted),
		cmocka_unit_test(test_grid_pages_120),
		cmocka_unit_test(test_grid_pages_2000),
		cmocka_unit_test(test_big_font),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_reader_freshness),
		cmocka_unit_test(test_reader_trend),
		cmocka_unit_test(test_reader_many_feeds),
		cmocka_unit_test(test_stale_tile),
		cmocka_unit_test(test_data_age),
		cmocka_unit_test(test_feeds_silent),
		cmocka_unit_test(test_journal_warning),
		cmocka_unit_test(test_stale_agent),
		cmocka_unit_test(test_wide_names),
		cmocka_unit_test(test_alert_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
