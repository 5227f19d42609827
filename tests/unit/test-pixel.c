/*
 * test-pixel.c: the pixel back-end (draw/render-pixel.c): the cell grid,
 * colours, text and big figures as pixels, and the damage list.
 */
#include "testutil.h"

#include "font.h"
#include "render-pixel.h"

static const struct render_style plain = { RENDER_DEFAULT, RENDER_DEFAULT, 0 };

static uint32_t
pixel(const struct render_pixel *rp, int x, int y)
{
	return render_pixel_data(rp)[(size_t)y * render_pixel_width(rp) + x];
}

/* A frame with every cell in the default background, as the layout does. */
static void
blank_frame(struct render_pixel *rp)
{
	int w = render_pixel_columns(rp), h = render_pixel_rows(rp);

	render_pixel_ops.begin(rp, w, h);
	render_pixel_ops.fill(rp, (struct render_rect){ 0, 0, w, h }, plain);
}

static void
test_grid(void **state)
{
	static const struct { int w, h, cols, rows, cw, ch; } cases[] = {
		{ 1920, 1080, 120, 33, 16, 32 },
		{ 3840, 2160, 120, 33, 32, 64 },
		{ 800, 480, 100, 30, 8, 16 },
		{ 1280, 720, 128, 36, 10, 20 },
		{ 640, 480, 80, 30, 8, 16 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct render_pixel *rp = render_pixel_new(cases[i].w,
		    cases[i].h, NULL, 0);
		struct render_pixel_rect r = render_pixel_cells(rp,
		    (struct render_rect){ 1, 1, 1, 1 });
		struct render_pixel_rect o = render_pixel_cells(rp,
		    (struct render_rect){ 0, 0, 1, 1 });

		assert_int_equal(render_pixel_columns(rp), cases[i].cols);
		assert_int_equal(render_pixel_rows(rp), cases[i].rows);
		assert_int_equal(r.w, cases[i].cw);
		assert_int_equal(r.h, cases[i].ch);
		assert_int_equal(r.x - o.x, cases[i].cw);
		/* The grid is centred: margins differ by at most a pixel. */
		assert_true(abs(cases[i].w - (o.x + cases[i].cols *
		    cases[i].cw) - o.x) <= 1);
		render_pixel_free(&rp);
		assert_null(rp);
	}
	/* Wider cells on request. */
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 80);
	assert_int_equal(render_pixel_columns(rp), 80);
	assert_int_equal(render_pixel_rows(rp), 22);
	render_pixel_free(&rp);
}

static void
test_fill_colours(void **state)
{
	struct render_pixel *rp = render_pixel_new(800, 480, NULL, 0);
	struct render_style bad = { RENDER_WHITE, RENDER_BAD, 0 };
	struct render_style rev = { RENDER_GOOD, RENDER_DEFAULT,
	    RENDER_REVERSE };

	blank_frame(rp);
	render_pixel_ops.fill(rp, (struct render_rect){ 2, 3, 4, 2 }, bad);
	render_pixel_ops.fill(rp, (struct render_rect){ 10, 3, 1, 1 }, rev);
	render_pixel_ops.end(rp);
	assert_int_equal(pixel(rp, 16, 48), render_pixel_colour(RENDER_BAD,
	    true));
	assert_int_equal(pixel(rp, 16 + 31, 48 + 31), render_pixel_colour(
	    RENDER_BAD, true));
	assert_int_equal(pixel(rp, 16 + 32, 48), render_pixel_colour(
	    RENDER_DEFAULT, true));
	assert_int_equal(pixel(rp, 15, 48), render_pixel_colour(
	    RENDER_DEFAULT, true));
	/* Reverse: the foreground's colour fills. */
	assert_int_equal(pixel(rp, 80, 48), render_pixel_colour(RENDER_GOOD,
	    true));
	/* Status colours are told apart. */
	assert_int_not_equal(render_pixel_colour(RENDER_GOOD, false),
	    render_pixel_colour(RENDER_WARN, false));
	assert_int_not_equal(render_pixel_colour(RENDER_WARN, false),
	    render_pixel_colour(RENDER_BAD, false));
	render_pixel_free(&rp);
}

static void
test_text(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_GOOD, RENDER_DEFAULT, 0 };
	const struct font *f = font_builtin();
	const uint8_t *g = font_glyph(f, '3');
	struct render_pixel_rect cell;
	uint32_t fg = render_pixel_colour(RENDER_GOOD, false);
	uint32_t bg = render_pixel_colour(RENDER_DEFAULT, true);

	blank_frame(rp);
	render_pixel_ops.text(rp, 5, 2, "x3", s);
	render_pixel_ops.end(rp);
	cell = render_pixel_cells(rp, (struct render_rect){ 6, 2, 1, 1 });
	/* Each font pixel is 2x2 screen pixels (16x32 cells). */
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 8; x++) {
			uint32_t want = font_glyph_pixel(f, g, x, y) ? fg : bg;

			assert_int_equal(pixel(rp, cell.x + 2 * x,
			    cell.y + 2 * y), want);
			assert_int_equal(pixel(rp, cell.x + 2 * x + 1,
			    cell.y + 2 * y + 1), want);
		}
	render_pixel_free(&rp);
}

/* Text past the grid's edge is cut, never drawn outside it. */
static void
test_text_clipped(void **state)
{
	struct render_pixel *rp = render_pixel_new(800, 480, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_DEFAULT, 0 };

	blank_frame(rp);
	render_pixel_ops.text(rp, 98, 29, "\xe2\x94\x80\xe2\x94\x80WXYZ", s);
	render_pixel_ops.text(rp, 0, 30, "off the bottom", s);
	render_pixel_ops.text(rp, -3, 0, "abcd", s);
	render_pixel_ops.end(rp);
	/* U+2500 is a line through the cell's middle. */
	assert_int_equal(pixel(rp, 99 * 8 + 3, 29 * 16 + 7),
	    render_pixel_colour(RENDER_WHITE, false));
	render_pixel_free(&rp);
}

/* Count pixels of colour c in a rectangle. */
static int
count(const struct render_pixel *rp, struct render_pixel_rect r, uint32_t c)
{
	int n = 0;

	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			n += pixel(rp, x, y) == c;
	return n;
}

static void
test_big(void **state)
{
	struct render_pixel *rp = render_pixel_new(1920, 1080, NULL, 0);
	struct render_style s = { RENDER_BAD, RENDER_DEFAULT, RENDER_BOLD };
	struct render_big how = { 2, true, true };
	struct render_rect r = { 10, 5, 22, 5 };
	struct render_pixel_rect p = render_pixel_cells(rp, r);
	struct render_pixel_rect all = { 0, 0, 1920, 1080 };
	uint32_t fg = render_pixel_colour(RENDER_BAD, false);
	int inside, total, left = p.w, right = 0, top = p.h, bottom = 0;

	blank_frame(rp);
	render_pixel_ops.big(rp, r, "50%", &how, s);
	render_pixel_ops.end(rp);
	inside = count(rp, p, fg);
	total = count(rp, all, fg);
	assert_int_equal(inside, total);        /* nothing outside r */
	assert_true(inside > p.w * p.h / 5);    /* big, and bold strokes */
	for (int y = 0; y < p.h; y++)
		for (int x = 0; x < p.w; x++)
			if (pixel(rp, p.x + x, p.y + y) == fg) {
				left = x < left ? x : left;
				right = x > right ? x : right;
				top = y < top ? y : top;
				bottom = y > bottom ? y : bottom;
			}
	/* It fills the rectangle one way or the other, centred. */
	assert_true(right - left + 1 > p.w * 9 / 10 ||
	    bottom - top + 1 > p.h * 9 / 10);
	assert_true(abs(left - (p.w - 1 - right)) <= 16);
	assert_true(abs(top - (p.h - 1 - bottom)) <= 16);
	render_pixel_free(&rp);
}

/* The figure's pixels are the font's, scaled by a whole number. */
static void
test_big_crisp(void **state)
{
	struct render_pixel *rp = render_pixel_new(800, 480, NULL, 0);
	struct render_style s = { RENDER_WHITE, RENDER_DEFAULT, 0 };
	struct render_big how = { 3, true, true };
	struct render_rect r = { 0, 0, 9, 8 };
	struct render_pixel_rect p = render_pixel_cells(rp, r);
	const struct font *f = font_builtin();
	const uint8_t *g = font_glyph(f, '8');
	uint32_t fg = render_pixel_colour(RENDER_WHITE, false);
	int x0 = -1, y0 = -1, k;

	blank_frame(rp);
	render_pixel_ops.big(rp, r, "8", &how, s);
	render_pixel_ops.end(rp);
	/* '8' in the VGA font: ink in rows 2-11, columns 0-6 (and a gap),
	 * so in 72 x 128 pixels each font pixel is 10 pixels square. */
	k = p.w / 7 < p.h / 10 ? p.w / 7 : p.h / 10;
	assert_int_equal(k, 10);
	for (int y = 0; y < p.h && y0 < 0; y++)
		for (int x = 0; x < p.w; x++)
			if (pixel(rp, p.x + x, p.y + y) == fg) {
				y0 = y;
				break;
			}
	for (int x = 0; x < p.w && x0 < 0; x++)
		for (int y = 0; y < p.h; y++)
			if (pixel(rp, p.x + x, p.y + y) == fg) {
				x0 = x;
				break;
			}
	for (int y = 2; y < 12; y++)
		for (int x = 0; x < 7; x++) {
			bool on = font_glyph_pixel(f, g, x, y);
			int px = p.x + x0 + x * k + k / 2;
			int py = p.y + y0 + (y - 2) * k + k / 2;

			assert_int_equal(pixel(rp, px, py) == fg, on);
		}
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
	/* One character changes: one small rectangle that covers it. */
	blank_frame(rp);
	render_pixel_ops.text(rp, 50, 10, "13", s);
	render_pixel_ops.end(rp);
	n = render_pixel_damage(rp, &rects);
	assert_int_equal(n, 1);
	cell = render_pixel_cells(rp, (struct render_rect){ 51, 10, 1, 1 });
	/* Within the blocks the cell touches ('2' and '3' share rows). */
	assert_true(rects[0].x <= cell.x && rects[0].x + rects[0].w >=
	    cell.x + cell.w);
	assert_true(rects[0].y >= cell.y / RENDER_PIXEL_BLOCK_H *
	    RENDER_PIXEL_BLOCK_H);
	assert_true(rects[0].y + rects[0].h <= cell.y + cell.h +
	    RENDER_PIXEL_BLOCK_H);
	assert_true(render_pixel_damage_area(rp) <= (uint64_t)2 *
	    RENDER_PIXEL_BLOCK_W * 3 * RENDER_PIXEL_BLOCK_H);
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

	blank_frame(rp);
	render_pixel_ops.end(rp);
	render_pixel_presented(rp);
	blank_frame(rp);
	render_pixel_ops.text(rp, 2, 2, "a", s);
	render_pixel_ops.text(rp, 110, 2, "b", s);
	render_pixel_ops.text(rp, 60, 30, "c", s);
	render_pixel_ops.end(rp);
	assert_int_equal(render_pixel_damage(rp, &rects), 3);
	assert_true(render_pixel_damage_area(rp) < 1920 * 1080 / 100);
	for (size_t i = 1; i < 3; i++)
		assert_true(rects[i].y >= rects[i - 1].y);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_fill_colours),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_clipped),
		cmocka_unit_test(test_big),
		cmocka_unit_test(test_big_crisp),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_damage_apart),
		cmocka_unit_test(test_style),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
