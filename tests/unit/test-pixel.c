/*
 * test-pixel.c: the pixel back-end (draw/render-pixel.c): the grid as a
 * proportion of the screen, colours, anti-aliased text and figures set by
 * Pango, box lines, the PNG, the damage list, and frames drawn again only
 * where they changed (the display list) coming out as whole frames do.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "layout.h"
#include "render-pixel.h"
#include "snapshot-read.h"

static const struct render_style plain = { RENDER_DEFAULT, RENDER_DEFAULT, 0 };

/* A pixel's colour (Cairo's top byte means nothing). */
static uint32_t
pixel(const struct render_pixel *rp, int x, int y)
{
	return render_pixel_data(rp)[(size_t)y * render_pixel_width(rp) + x] &
	    0xffffff;
}

/* A frame with every cell in the default background, as the layout does. */
static void
blank_frame(struct render_pixel *rp)
{
	int w = render_pixel_columns(rp), h = render_pixel_rows(rp);

	render_pixel_ops.begin(rp, w, h);
	render_pixel_ops.fill(rp, (struct render_rect){ 0, 0, w, h }, plain);
}

/* Pixels of r that are neither fg nor bg (the shades of anti-aliasing),
 * and those that are fg. */
static void
shades(const struct render_pixel *rp, struct render_pixel_rect r,
    uint32_t fg, uint32_t bg, int *between, int *ink)
{
	*between = *ink = 0;
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++) {
			uint32_t c = pixel(rp, x, y);

			*ink += c == fg;
			*between += c != fg && c != bg;
		}
}

/*
 * A row is 1/22 of the shorter side: 22 rows on a landscape screen, and as
 * many columns as cells 0.42 of a row wide fit: floor(22 W / (0.42 H)) =
 * floor(52.38 W / H). In portrait, 1080x1920: a row 1080 / 22 = 49.1 px,
 * as on the same TV in landscape; floor(1920 / 49.1) = 39 rows, floor(1080
 * / (0.42 x 49.1)) = 52 columns. Text is 0.84 of a row: 3.8% of the
 * shorter side, never under 3.5%.
 */
static void
test_grid(void **state)
{
	static const struct { int w, h, cols, rows; } cases[] = {
		{ 1920, 1080, 93, 22 }, { 3840, 2160, 93, 22 },
		{ 1280, 720, 93, 22 }, { 800, 480, 87, 22 },
		{ 640, 480, 69, 22 }, { 1080, 1920, 52, 39 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct render_pixel *rp = render_pixel_new(cases[i].w,
		    cases[i].h, NULL, 0);
		int cols = render_pixel_columns(rp), rows = render_pixel_rows(rp);
		struct render_pixel_rect all = render_pixel_cells(rp,
		    (struct render_rect){ 0, 0, cols, rows });

		int side = cases[i].w < cases[i].h ? cases[i].w : cases[i].h;

		assert_int_equal(rows, cases[i].rows);
		assert_int_equal(cols, cases[i].cols);
		assert_int_equal(render_pixel_short_rows(rp), 22);
		assert_true(render_pixel_text_size(rp) >= 0.035 * side);
		/* The cells cover the screen exactly, edge to edge. */
		assert_int_equal(all.x, 0);
		assert_int_equal(all.w, cases[i].w);
		assert_int_equal(all.h, cases[i].h);
		for (int x = 0; x + 1 < cols; x++) {
			struct render_pixel_rect a = render_pixel_cells(rp,
			    (struct render_rect){ x, 0, 1, 1 });
			struct render_pixel_rect b = render_pixel_cells(rp,
			    (struct render_rect){ x + 1, 0, 1, 1 });

			assert_int_equal(a.x + a.w, b.x);
		}
		render_pixel_free(&rp);
		assert_null(rp);
	}
	/* More columns on request: smaller cells, rows in proportion. */
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 120);
	assert_int_equal(render_pixel_columns(rp), 120);
	/* A cell 16 wide, a row 16 / 0.42 = 38.1 tall: 28 rows. */
	assert_int_equal(render_pixel_rows(rp), 28);
	render_pixel_free(&rp);
}

static void
test_fill_colours(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style bad = { RENDER_WHITE, RENDER_BAD, 0 };
	struct render_style rev = { RENDER_GOOD, RENDER_DEFAULT,
	    RENDER_REVERSE };
	struct render_pixel_rect r;

	blank_frame(rp);
	render_pixel_ops.fill(rp, (struct render_rect){ 2, 3, 4, 2 }, bad);
	render_pixel_ops.fill(rp, (struct render_rect){ 10, 3, 1, 1 }, rev);
	render_pixel_ops.end(rp);
	r = render_pixel_cells(rp, (struct render_rect){ 2, 3, 4, 2 });
	/* Every pixel of the rectangle, none outside: whole pixels. */
	assert_int_equal(pixel(rp, r.x, r.y), 0xdc2626);
	assert_int_equal(pixel(rp, r.x + r.w - 1, r.y + r.h - 1), 0xdc2626);
	assert_int_equal(pixel(rp, r.x - 1, r.y), 0x0b0f17);
	assert_int_equal(pixel(rp, r.x + r.w, r.y + r.h), 0x0b0f17);
	r = render_pixel_cells(rp, (struct render_rect){ 10, 3, 1, 1 });
	/* Reverse: the good colour's background. */
	assert_int_equal(pixel(rp, r.x + 1, r.y + 1), 0x16a34a);
	render_pixel_free(&rp);
}

/* Text is set in anti-aliased type: white ink, shades of grey at its
 * edges, all of it on its row; its capitals about 0.73 of the type's
 * size (Inter's cap height), centred on the row. */
static void
test_text(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_BLACK, 0 };
	struct render_pixel_rect row = render_pixel_cells(rp,
	    (struct render_rect){ 0, 5, 88, 1 });
	int between, ink, top = -1, bottom = -1;

	blank_frame(rp);
	render_pixel_ops.text(rp, 10, 5, "HELLO", s);
	render_pixel_ops.end(rp);
	shades(rp, row, 0xffffff, 0, &between, &ink);
	assert_true(ink > 500);
	assert_true(between > 50);
	for (int y = row.y; y < row.y + row.h; y++)
		for (int x = row.x; x < row.x + row.w; x++)
			if (pixel(rp, x, y) != 0 && pixel(rp, x, y) != 0x0b0f17) {
				if (top < 0)
					top = y;
				bottom = y;
			}
	/* 0.84 x 1080 / 22 = 41.2 px type; capitals 0.73 of it, 30 px. */
	assert_true(bottom - top + 1 >= 28 && bottom - top + 1 <= 32);
	assert_true(abs((top - row.y) - (row.y + row.h - 1 - bottom)) <= 3);
	/* Nothing left of its first cell. */
	struct render_pixel_rect first = render_pixel_cells(rp,
	    (struct render_rect){ 10, 5, 1, 1 });
	for (int y = row.y; y < row.y + row.h; y++)
		assert_int_equal(pixel(rp, first.x - 1, y), 0x0b0f17);
	render_pixel_free(&rp);
}

/* Text wider than its cells ends in an ellipsis within them (and the
 * spill of under a cell the layout's blanks allow). */
static void
test_text_clipped(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_BLACK, 0 };
	struct render_pixel_rect end = render_pixel_cells(rp,
	    (struct render_rect){ 15, 5, 1, 1 });
	struct render_pixel_rect row = render_pixel_cells(rp,
	    (struct render_rect){ 0, 5, 88, 1 });

	blank_frame(rp);
	render_pixel_ops.text(rp, 10, 5, "WWWWW", s);
	render_pixel_ops.end(rp);
	for (int y = row.y; y < row.y + row.h; y++)
		for (int x = end.x + end.w; x < row.w; x++)
			assert_int_equal(pixel(rp, x, y), 0x0b0f17);
	render_pixel_free(&rp);
}

/* Bytes that are not UTF-8 (a snapshot may bring any) are drawn as
 * something, quietly, in their cells: no crash, no spill. */
static void
test_text_bad_utf8(void **state)
{
	struct render_pixel *rp = render_pixel_new(1280, 720, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_BLACK, 0 };
	struct render_big how = { .scale = 1 };
	struct render_pixel_rect row = render_pixel_cells(rp,
	    (struct render_rect){ 0, 3, 88, 1 });
	int between, ink;

	blank_frame(rp);
	render_pixel_ops.text(rp, 2, 3, "ab\xff\xfe\xc3(\xe2\x82", s);
	render_pixel_ops.big(rp, (struct render_rect){ 2, 6, 20, 5 },
	    "9\xff%", &how, s);
	render_pixel_ops.end(rp);
	shades(rp, row, 0xffffff, 0, &between, &ink);
	assert_true(ink > 0);
	render_pixel_free(&rp);
}

/* Box-drawing characters are lines: "─" a horizontal bar of the text's
 * colour through the middle of its cell, from edge to edge. */
static void
test_box(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_GOOD, RENDER_DEFAULT, 0 };
	struct render_pixel_rect c = render_pixel_cells(rp,
	    (struct render_rect){ 20, 8, 3, 1 });
	int mid = c.y + c.h / 2;

	blank_frame(rp);
	render_pixel_ops.text(rp, 20, 8, "\u2500\u2500\u2500", s);
	render_pixel_ops.end(rp);
	for (int x = c.x; x < c.x + c.w; x++) {
		assert_int_equal(pixel(rp, x, mid), 0x22c55e);
		assert_int_equal(pixel(rp, x, c.y + 2), 0x0b0f17);
	}
	render_pixel_free(&rp);
}

/* A figure fills its box: its digits 0.9 of the box's height (less when
 * the width limits), centred, anti-aliased. */
static void
test_big(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_BLACK, RENDER_BOLD };
	struct render_big how = { .scale = 1 };
	struct render_rect r = { 10, 4, 30, 6 };
	struct render_pixel_rect p = render_pixel_cells(rp, r);
	int between, ink, top = p.h, bottom = -1, left = p.w, right = -1;

	blank_frame(rp);
	render_pixel_ops.big(rp, r, "88", &how, s);
	render_pixel_ops.end(rp);
	shades(rp, p, 0xffffff, 0, &between, &ink);
	assert_true(between > 200);
	for (int y = 0; y < p.h; y++)
		for (int x = 0; x < p.w; x++)
			if (pixel(rp, p.x + x, p.y + y) != 0) {
				top = y < top ? y : top;
				bottom = y > bottom ? y : bottom;
				left = x < left ? x : left;
				right = x > right ? x : right;
			}
	/* 6 rows of 1080 / 22 = 49.1 px: 295 px; digits 0.9 of it, 265 px. */
	assert_true(bottom - top + 1 >= 259 && bottom - top + 1 <= 271);
	assert_true(abs(top - (p.h - 1 - bottom)) <= 3);
	assert_true(abs(left - (p.w - 1 - right)) <= p.w / 20);
	render_pixel_free(&rp);
}

/* Ink of colour fg in the pixels of r. */
static int
ink_in(const struct render_pixel *rp, struct render_pixel_rect r, uint32_t fg)
{
	int n = 0;

	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			n += pixel(rp, x, y) == fg;
	return n;
}

/*
 * A trend in 20 x 2 cells: the line rises left to right for a rising
 * series (ink in the bottom-left and top-right, not the top-left), and
 * the arrow in the last square, in its own colour, points up (more ink in
 * its lower half, the triangle's base); a falling series' arrow points
 * down; a level one is a bar as heavy above its middle as below. Fewer
 * than two values draw nothing.
 */
static void
test_trend(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_NEUTRAL, RENDER_DEFAULT, 0 };
	struct render_rect r = { 10, 5, 20, 2 };
	struct render_pixel_rect p = render_pixel_cells(rp, r);
	struct render_pixel_rect left_top = { p.x, p.y, p.w / 4, p.h / 3 };
	struct render_pixel_rect left_bottom = { p.x, p.y + p.h * 2 / 3,
	    p.w / 4, p.h / 3 };
	struct render_pixel_rect arrow_top = { p.x + p.w - p.h, p.y, p.h,
	    p.h / 2 };
	struct render_pixel_rect arrow_bottom = { p.x + p.w - p.h,
	    p.y + p.h / 2, p.h, p.h / 2 };
	const double rising[] = { 1, 2, NAN, 3, 5, 8 };
	const double falling[] = { 8, 5, 3, 2 };
	const double level[] = { 8, 5, 3, 3 };
	struct render_trend t = { rising, 6, true, 1, RENDER_GOOD, false };
	uint32_t white = 0xf4f4f4, green = 0x22c55e, red = 0xef3340;

	blank_frame(rp);
	render_pixel_trend(rp, r, &t, s);
	render_pixel_ops.end(rp);
	assert_true(ink_in(rp, left_bottom, white) > 10);
	assert_int_equal(ink_in(rp, left_top, white), 0);
	assert_true(ink_in(rp, arrow_bottom, green) >
	    ink_in(rp, arrow_top, green) + 10);
	blank_frame(rp);
	t = (struct render_trend){ falling, 4, true, -1, RENDER_BAD, false };
	render_pixel_trend(rp, r, &t, s);
	render_pixel_ops.end(rp);
	assert_true(ink_in(rp, arrow_top, red) >
	    ink_in(rp, arrow_bottom, red) + 10);
	assert_int_equal(ink_in(rp, p, green), 0);
	blank_frame(rp);
	t = (struct render_trend){ level, 4, true, 0, RENDER_NEUTRAL, false };
	render_pixel_trend(rp, r, &t, s);
	render_pixel_ops.end(rp);
	assert_true(ink_in(rp, arrow_top, white) > 10);
	assert_true(abs(ink_in(rp, arrow_top, white) -
	    ink_in(rp, arrow_bottom, white)) * 5 <
	    ink_in(rp, arrow_top, white));
	blank_frame(rp);
	t = (struct render_trend){ level, 1, false, 0, RENDER_NEUTRAL, false };
	render_pixel_trend(rp, r, &t, s);
	render_pixel_ops.end(rp);
	assert_int_equal(ink_in(rp, p, white), 0);
	/* Arrow only (a narrow tile's): the rising arrow, no line left of
	 * it, not even the dot of the last interval. */
	blank_frame(rp);
	t = (struct render_trend){ rising, 6, true, 1, RENDER_GOOD, true };
	render_pixel_trend(rp, r, &t, s);
	render_pixel_ops.end(rp);
	assert_true(ink_in(rp, arrow_bottom, green) >
	    ink_in(rp, arrow_top, green) + 10);
	assert_int_equal(ink_in(rp, (struct render_pixel_rect){ p.x, p.y,
	    p.w - p.h, p.h }, white), 0);
	render_pixel_free(&rp);
}

/* The PNG is the frame. */
static void
test_png(void **state)
{
	struct render_pixel *rp = render_pixel_new(640, 480, NULL, 0);
	char path[] = "/tmp/test-pixel-XXXXXX", err[256];
	unsigned char sig[8];
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	blank_frame(rp);
	render_pixel_ops.end(rp);
	assert_int_equal(render_pixel_write_png(rp, path, err, sizeof err), 0);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fread(sig, 1, 8, f), 8);
	assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
	fclose(f);
	unlink(path);
	assert_int_equal(render_pixel_write_png(rp, "/nonexistent/x.png", err,
	    sizeof err), -1);
	render_pixel_free(&rp);
}

static void
test_damage(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_DEFAULT, 0 };
	const struct render_pixel_rect *rects;
	struct render_pixel_rect cell;
	size_t n;

	/* The first frame is all damage. */
	blank_frame(rp);
	render_pixel_ops.text(rp, 50, 10, "12", s);
	render_pixel_ops.end(rp);
	n = render_pixel_damage(rp, &rects);
	assert_int_equal(n, 1);
	assert_int_equal(render_pixel_damage_area(rp), 1920 * 1080);
	render_pixel_presented(rp);
	/* The same frame again: none. */
	blank_frame(rp);
	render_pixel_ops.text(rp, 50, 10, "12", s);
	render_pixel_ops.end(rp);
	assert_int_equal(render_pixel_damage(rp, &rects), 0);
	render_pixel_presented(rp);
	/* One character changes: the damage is within the blocks its
	 * cells touch (the second figure; tabular figures, so the first
	 * does not move), a small part of the frame. */
	blank_frame(rp);
	render_pixel_ops.text(rp, 50, 10, "13", s);
	render_pixel_ops.end(rp);
	n = render_pixel_damage(rp, &rects);
	assert_true(n >= 1);
	cell = render_pixel_cells(rp, (struct render_rect){ 50, 10, 2, 1 });
	for (size_t i = 0; i < n; i++) {
		assert_true(rects[i].x >= cell.x - RENDER_PIXEL_BLOCK_W);
		assert_true(rects[i].x + rects[i].w <= cell.x + cell.w +
		    2 * RENDER_PIXEL_BLOCK_W);
		assert_true(rects[i].y >= cell.y - RENDER_PIXEL_BLOCK_H);
		assert_true(rects[i].y + rects[i].h <= cell.y + cell.h +
		    RENDER_PIXEL_BLOCK_H);
	}
	assert_true(render_pixel_damage_area(rp) <= (uint64_t)4 *
	    RENDER_PIXEL_BLOCK_W * 5 * RENDER_PIXEL_BLOCK_H);
	render_pixel_presented(rp);
	/* Invalidated (a VT switch back): all of it again. */
	render_pixel_invalidate(rp);
	blank_frame(rp);
	render_pixel_ops.text(rp, 50, 10, "13", s);
	render_pixel_ops.end(rp);
	assert_int_equal(render_pixel_damage_area(rp), 1920 * 1080);
	render_pixel_free(&rp);
}

/* Two changes far apart are two rectangles, not one spanning both. */
static void
test_damage_apart(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_DEFAULT, 0 };
	const struct render_pixel_rect *rects;
	size_t n;

	blank_frame(rp);
	render_pixel_ops.end(rp);
	render_pixel_presented(rp);
	blank_frame(rp);
	render_pixel_ops.text(rp, 2, 2, "a", s);
	render_pixel_ops.text(rp, 80, 2, "b", s);
	render_pixel_ops.text(rp, 60, 18, "c", s);
	render_pixel_ops.end(rp);
	/* A glyph across a band's edge may take two rectangles; none
	 * spans two of the letters. */
	n = render_pixel_damage(rp, &rects);
	assert_true(n >= 3 && n <= 6);
	assert_true(render_pixel_damage_area(rp) < 1920 * 1080 / 100);
	for (size_t i = 0; i < n; i++) {
		assert_true(rects[i].w < 200 && rects[i].h < 200);
		if (i > 0)
			assert_true(rects[i].y >= rects[i - 1].y);
	}
	render_pixel_free(&rp);
}

static void
test_style(void **state)
{
	uint32_t fg, bg;

	render_pixel_style((struct render_style){ RENDER_WHITE, RENDER_BAD,
	    RENDER_REVERSE }, &fg, &bg);
	assert_int_equal(fg, render_pixel_colour(RENDER_BAD, false));
	assert_int_equal(bg, render_pixel_colour(RENDER_WHITE, true));
	render_pixel_style((struct render_style){ RENDER_WHITE, RENDER_BLACK,
	    RENDER_DIM }, &fg, &bg);
	assert_int_equal(fg, 0x7f7f7f);
	assert_int_equal(bg, 0);
}

/* ---- frames drawn again only where they changed -------------------------- */

static const char frames_config[] =
    "site: {name: Leeds, timezone: UTC}\n"
    "queues:\n"
    "  support: {label: Support, sl_target: 80%}\n"
    "boards:\n"
    "  floor:\n"
    "    title: Support floor\n"
    "    agents: all\n"
    "    pages:\n"
    "      - agent_grid: true\n"
    "        tiles:\n"
    "          - {scope: \"queue:support\", metric: service_level, window: 15m}\n"
    "          - {scope: \"queue:support\", metric: waiting, good: below, amber: 3, red: 6}\n"
    "          - {scope: all, metric: abandon_rate, window: 15m, amber: 5%, red: 10%}\n";

/* A snapshot: support's SL, people waiting, n agents, a critical alert
 * when alert, a trend on support. */
static void
frames_snapshot(char *buf, size_t len, double sl, int waiting, int agents,
    bool alert)
{
	size_t o = (size_t)snprintf(buf, len, "{\"v\": 1, \"now\": 1795424400000, "
	    "\"scopes\": {\"queue:support\": {\"sl_target\": 0.8, \"now\": "
	    "{\"waiting\": %d}, \"windows\": {\"15m\": {\"service_level\": "
	    "%.2f}}, \"trend\": {\"service_level\": [0.9, 0.7, null, 0.6, "
	    "%.2f]}}, \"all\": {\"windows\": {\"15m\": {\"abandon_rate\": "
	    "0.04}}}}, \"alerts\": [%s], \"agents\": [", waiting, sl, sl,
	    alert ? "{\"id\": \"x\", \"severity\": \"critical\", \"text\": "
	    "\"Support SL low\", \"since\": 1795424100000}" : "");

	for (int i = 0; i < agents; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s{\"id\": \"a%d\", "
		    "\"name\": \"Agent %d\", \"state\": \"%s\", \"since\": "
		    "%lld}", i ? ", " : "", i, i, i % 2 ? "busy" : "ready",
		    1795424400000LL - 1000LL * (i * 37 % 900));
	snprintf(buf + o, len - o, "]}");
}

/* Pixels of a and b that differ, and by how much at most in a channel. */
static void
frames_compare(const struct render_pixel *a, const struct render_pixel *b,
    size_t *differ, int *most)
{
	const uint32_t *pa = render_pixel_data(a), *pb = render_pixel_data(b);
	size_t n = (size_t)render_pixel_width(a) * render_pixel_height(a);

	*differ = 0;
	*most = 0;
	for (size_t i = 0; i < n; i++) {
		if (((pa[i] ^ pb[i]) & 0xffffff) == 0)
			continue;
		(*differ)++;
		for (int sh = 0; sh < 24; sh += 8) {
			int d = abs((int)(pa[i] >> sh & 0xff) -
			    (int)(pb[i] >> sh & 0xff));

			*most = d > *most ? d : *most;
		}
	}
}

struct frames_step {
	double sl;
	int waiting, agents;
	bool alert;
	const char *clock;
	enum layout_link link;
	uint64_t frame;
	bool small;             /* drawn again: under 20% of the canvas */
};

static void
frames_draw(struct render_pixel *rp, const struct config *c,
    const struct snapshot_view *v, const struct frames_step *st)
{
	struct layout_input in = {
		.config = c, .board = &c->boards[0], .snap = v,
		.width = render_pixel_columns(rp),
		.height = render_pixel_rows(rp),
		.caps = { .colours = 256, .unicode = true, .scalable = true,
		    .short_rows = render_pixel_short_rows(rp) },
		.clock = st->clock, .link = st->link, .frame = st->frame,
		.age_ms = st->link == LAYOUT_STALE ? 5000 : 0,
	};

	layout_draw(&in, &render_pixel_ops, rp, NULL);
}

/*
 * One canvas draws a run of frames, each again only where it changed; for
 * each, a new canvas draws the same frame whole: their pixels are the
 * same, but for a handful on anti-aliased edges that Cairo, compositing
 * under a clip by another path, rounds a level or three apart (the
 * corners of a tile that changed colour: 2 pixels, 3 levels, measured). A figure that changes draws its tile's figure again (the SL
 * tile's room and its trend's, a few percent of the canvas: under 20%),
 * a frame like the last one nothing, a clock tick little.
 */
static void
test_frames_incremental(void **state)
{
	static const struct frames_step steps[] = {
		{ 0.71, 3, 6, false, "09:00:01", LAYOUT_LIVE, 0, false },
		{ 0.68, 3, 6, false, "09:00:01", LAYOUT_LIVE, 0, true },
		{ 0.68, 3, 6, false, "09:00:01", LAYOUT_LIVE, 0, true },
		{ 0.68, 3, 6, false, "09:00:02", LAYOUT_LIVE, 1, true },
		/* 12 waiting is red: the whole tile changes colour. */
		{ 0.68, 12, 6, false, "09:00:02", LAYOUT_LIVE, 1, false },
		{ 0.68, 12, 9, true, "09:00:03", LAYOUT_LIVE, 2, false },
		{ 0.68, 12, 9, true, "09:00:03", LAYOUT_LIVE, 3, false },
		{ 0.68, 12, 9, true, "09:00:09", LAYOUT_STALE, 4, false },
		{ 0.5, 2, 2, false, "09:00:10", LAYOUT_LIVE, 5, false },
	};
	char *path = testutil_write_temp(frames_config), json[8192], err[128];
	struct config_errors errors;
	struct config *c = config_load(path, &errors);
	struct snapshot_reader *r = snapshot_reader_new();
	struct render_pixel *kept = render_pixel_new(1280, 720, NULL, 0);
	const struct snapshot_view *v;
	uint64_t area = 1280 * 720;
	size_t differ;
	int most;

	testutil_remove_temp(&path);
	assert_non_null(c);
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		struct render_pixel *whole = render_pixel_new(1280, 720, NULL,
		    0);

		frames_snapshot(json, sizeof json, steps[i].sl,
		    steps[i].waiting, steps[i].agents, steps[i].alert);
		v = snapshot_read(r, json, strlen(json), err, sizeof err);
		assert_non_null(v);
		frames_draw(kept, c, v, &steps[i]);
		frames_draw(whole, c, v, &steps[i]);
		assert_int_equal(render_pixel_redrawn(whole), area);
		if (i == 2)     /* the same frame again: nothing */
			assert_int_equal(render_pixel_redrawn(kept), 0);
		else if (steps[i].small)
			assert_true(render_pixel_redrawn(kept) > 0 &&
			    render_pixel_redrawn(kept) < area * 20 / 100);
		frames_compare(kept, whole, &differ, &most);
		assert_true(most <= 4);
		assert_true(differ <= 64);
		render_pixel_presented(kept);
		render_pixel_free(&whole);
	}
	render_pixel_free(&kept);
	snapshot_reader_free(&r);
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_fill_colours),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_clipped),
		cmocka_unit_test(test_text_bad_utf8),
		cmocka_unit_test(test_box),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_trend),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_damage_apart),
		cmocka_unit_test(test_style),
		cmocka_unit_test(test_frames_incremental),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	render_pixel_shutdown();
	return failed;
}
