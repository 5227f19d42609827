/*
 * render-pixel.c: the renderer interface in pixels (render-pixel.h), with
 * Cairo on an image surface and Pango for type.
 *
 * The layout speaks in cells; this file turns its operations into pixels:
 * a fill is a rectangle on whole pixels (so edges between tiles are
 * crisp); a text is split into runs, each set by Pango from its first
 * cell, at most as wide as the cells the layout gave it (an ellipsis when
 * proportional type comes out wider), box-drawing characters drawn as
 * lines, a run of two or more blanks the layout's way of making columns;
 * a big figure is set as large as its rectangle allows.
 *
 * The damage is found by comparing the frame with the one last presented,
 * a row at a time first (memcmp of a whole row is the cheap common case: a
 * second's frame differs in a few rows), then in blocks along the rows
 * that differ.
 */
#include "render-pixel.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"
#include "xalloc.h"

/* A frame's operations, kept to compare with the next frame's. */
enum render_pixel_op_kind {
	RENDER_PIXEL_OP_FILL, RENDER_PIXEL_OP_TEXT, RENDER_PIXEL_OP_BIG,
	RENDER_PIXEL_OP_TREND
};

#define RENDER_PIXEL_TREND_MAX 16
#define RENDER_PIXEL_REDRAW_MAX 256

struct render_pixel_op {
	enum render_pixel_op_kind kind;
	struct render_rect r;           /* cells; text: its cells on its row */
	struct render_style s;
	size_t text, text_len;          /* in the list's bytes */
	size_t n;                       /* a trend's */
	bool has_arrow, arrow_only;
	int direction;
	enum render_colour arrow;
	double values[RENDER_PIXEL_TREND_MAX];
};

struct render_pixel_list {
	struct render_pixel_op *ops;
	size_t n, cap;
	char *bytes;                    /* the texts, each NUL-ended */
	size_t n_bytes, cap_bytes;
};

struct render_pixel {
	int width, height;
	struct render_pixel_list lists[2];
	int current;                    /* the list being recorded */
	bool drawn;                     /* the other list is on the canvas */
	struct render_pixel_rect redraw[RENDER_PIXEL_REDRAW_MAX];
	size_t n_redraw;
	uint64_t redrawn;               /* pixels drawn again at end() */
	uint32_t *back;                 /* the frame being drawn (Cairo's) */
	uint32_t *shown;                /* the frame last presented */
	bool shown_valid;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLayout *layout;
	PangoAttrList *figures;         /* tabular figures */
	PangoFontDescription *regular, *bold, *big;
	double cell_w, cell_h;
	int columns, rows;
	int short_rows;                 /* rows across the shorter side */
	double text_px;                 /* the body text's em */
	double cap_px;                  /* its capitals' height */
	int line_px;                    /* box lines' thickness */
	int blocks_x, blocks_y;
	uint8_t *dirty;                 /* blocks_x flags for one band */
	size_t *open, *prev_open;       /* damage rectangles open at a band */
	size_t n_open;
	struct render_pixel_rect *damage;
	size_t n_damage, damage_size;
};

/* Colours for a dark room-facing board: saturated status colours that
 * black text reads on, and a near-black background that does not glow. */
static const uint32_t render_pixel_fg[RENDER_COLOUR_COUNT] = {
	[RENDER_DEFAULT] = 0xe6e9ef,
	[RENDER_HEADER] = 0xc9d6f0,
	[RENDER_GOOD] = 0x22c55e,
	[RENDER_WARN] = 0xffb020,
	[RENDER_BAD] = 0xef3340,
	[RENDER_NEUTRAL] = 0xf4f4f4,
	[RENDER_MUTED] = 0x8b94a3,
	[RENDER_READY] = 0x22c55e,
	[RENDER_BUSY] = 0x3b82f6,
	[RENDER_WRAP] = 0xfacc15,
	[RENDER_AWAY] = 0xc084fc,
	[RENDER_OFFLINE] = 0x6b7280,
	[RENDER_INFO] = 0x38bdf8,
	[RENDER_BLACK] = 0x000000,
	[RENDER_WHITE] = 0xffffff,
};

static const uint32_t render_pixel_bg[RENDER_COLOUR_COUNT] = {
	[RENDER_DEFAULT] = 0x0b0f17,
	[RENDER_HEADER] = 0x1e2b4a,
	[RENDER_GOOD] = 0x16a34a,
	[RENDER_WARN] = 0xf59e0b,
	[RENDER_BAD] = 0xdc2626,
	[RENDER_NEUTRAL] = 0xe5e7eb,
	[RENDER_MUTED] = 0x374151,
	[RENDER_READY] = 0x16a34a,
	[RENDER_BUSY] = 0x2563eb,
	[RENDER_WRAP] = 0xeab308,
	[RENDER_AWAY] = 0x9333ea,
	[RENDER_OFFLINE] = 0x4b5563,
	[RENDER_INFO] = 0x0284c7,
	[RENDER_BLACK] = 0x000000,
	[RENDER_WHITE] = 0xffffff,
};

uint32_t
render_pixel_colour(enum render_colour c, bool background)
{
	if ((unsigned)c >= RENDER_COLOUR_COUNT)
		c = RENDER_DEFAULT;
	return background ? render_pixel_bg[c] : render_pixel_fg[c];
}

/* Halfway from a to b, per channel. */
static uint32_t
render_pixel_mix(uint32_t a, uint32_t b)
{
	return ((a & 0xfefefe) >> 1) + ((b & 0xfefefe) >> 1);
}

void
render_pixel_style(struct render_style s, uint32_t *fg, uint32_t *bg)
{
	uint32_t t;

	*fg = render_pixel_colour(s.fg, false);
	*bg = render_pixel_colour(s.bg, true);
	if (s.attrs & RENDER_REVERSE) {
		t = render_pixel_colour(s.fg, true);
		*fg = render_pixel_colour(s.bg, false);
		*bg = t;
	}
	if (s.attrs & RENDER_DIM)
		*fg = render_pixel_mix(*fg, *bg);
}

static void
render_pixel_source(struct render_pixel *rp, uint32_t rgb)
{
	cairo_set_source_rgb(rp->cr, (rgb >> 16 & 0xff) / 255.0,
	    (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* ---- the canvas --------------------------------------------------------- */

/*
 * A row a proportion of the screen's shorter side (its height, unless it
 * stands in portrait), as many rows as fit down and columns across; cells
 * stretched to cover the screen exactly. Type is legible by its size on
 * the glass: a portrait TV sets it as the same TV in landscape would, and
 * has more rows for it.
 */
static void
render_pixel_grid(struct render_pixel *rp, int columns)
{
	int side = rp->width < rp->height ? rp->width : rp->height;
	double cell_h = (double)side / RENDER_PIXEL_ROWS;

	if (columns > 0) {
		rp->columns = columns;
		rp->rows = (int)(rp->height / (rp->width / (double)columns /
		    RENDER_PIXEL_ASPECT));
	} else {
		rp->rows = (int)(rp->height / cell_h + 1e-9);
		rp->columns = (int)(rp->width / (cell_h * RENDER_PIXEL_ASPECT));
	}
	rp->short_rows = (int)lround(side / (rp->height / (double)rp->rows));
	if (rp->rows < 5)
		rp->rows = 5;
	if (rp->columns < 20)
		rp->columns = 20;
	rp->cell_w = (double)rp->width / rp->columns;
	rp->cell_h = (double)rp->height / rp->rows;
	rp->text_px = rp->cell_h * RENDER_PIXEL_TEXT;
	rp->line_px = (int)lround(rp->cell_h / 18);
	if (rp->line_px < 1)
		rp->line_px = 1;
}

static PangoFontDescription *
render_pixel_font(const char *family, PangoWeight weight, double px)
{
	PangoFontDescription *d = pango_font_description_new();

	pango_font_description_set_family(d, family);
	pango_font_description_set_weight(d, weight);
	pango_font_description_set_absolute_size(d, px * PANGO_SCALE);
	return d;
}

/* Grey anti-aliasing (a TV's subpixels are not a monitor's), outlines
 * hinted lightly, glyph positions not rounded (tabular figures stay
 * evenly spaced at any size). */
static void
render_pixel_type(struct render_pixel *rp, const char *family)
{
	cairo_font_options_t *fo = cairo_font_options_create();
	PangoContext *pc;
	PangoRectangle ink, logical;

	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	rp->layout = pango_cairo_create_layout(rp->cr);
	pc = pango_layout_get_context(rp->layout);
	pango_cairo_context_set_font_options(pc, fo);
	pango_layout_context_changed(rp->layout);
	cairo_font_options_destroy(fo);
	rp->regular = render_pixel_font(family, PANGO_WEIGHT_MEDIUM,
	    rp->text_px);
	rp->bold = render_pixel_font(family, PANGO_WEIGHT_BOLD, rp->text_px);
	rp->big = render_pixel_font(family, PANGO_WEIGHT_BOLD, 100);
	rp->figures = pango_attr_list_new();
	pango_attr_list_insert(rp->figures,
	    pango_attr_font_features_new("tnum 1"));
	pango_layout_set_attributes(rp->layout, rp->figures);
	pango_layout_set_single_paragraph_mode(rp->layout, TRUE);
	/* The capitals' height, to centre a line of text on its row. */
	pango_layout_set_font_description(rp->layout, rp->regular);
	pango_layout_set_text(rp->layout, "H", -1);
	pango_layout_get_pixel_extents(rp->layout, &ink, &logical);
	rp->cap_px = ink.height > 0 ? ink.height : rp->text_px * 0.7;
}

struct render_pixel *
render_pixel_new(int width, int height, const char *family, int columns)
{
	struct render_pixel *rp = xcalloc(1, sizeof *rp);
	size_t n;

	if (width < 64 || height < 32)
		fatalx("a %dx%d screen is too small for a board", width,
		    height);
	rp->width = width;
	rp->height = height;
	n = (size_t)width * (size_t)height;
	rp->back = xcalloc(n, sizeof *rp->back);
	rp->shown = xcalloc(n, sizeof *rp->shown);
	rp->surface = cairo_image_surface_create_for_data(
	    (unsigned char *)rp->back, CAIRO_FORMAT_RGB24, width, height,
	    width * 4);
	rp->cr = cairo_create(rp->surface);
	if (cairo_status(rp->cr) != CAIRO_STATUS_SUCCESS)
		fatalx("cairo: %s", cairo_status_to_string(cairo_status(
		    rp->cr)));
	render_pixel_grid(rp, columns);
	render_pixel_type(rp, family != NULL ? family : RENDER_PIXEL_FAMILY);
	rp->blocks_x = (width + RENDER_PIXEL_BLOCK_W - 1) / RENDER_PIXEL_BLOCK_W;
	rp->blocks_y = (height + RENDER_PIXEL_BLOCK_H - 1) / RENDER_PIXEL_BLOCK_H;
	rp->dirty = xcalloc((size_t)rp->blocks_x, 1);
	rp->open = xcalloc((size_t)rp->blocks_x, sizeof *rp->open);
	rp->prev_open = xcalloc((size_t)rp->blocks_x, sizeof *rp->open);
	return rp;
}

void
render_pixel_free(struct render_pixel **rpp)
{
	struct render_pixel *rp = *rpp;

	if (rp == NULL)
		return;
	*rpp = NULL;
	g_object_unref(rp->layout);
	pango_attr_list_unref(rp->figures);
	pango_font_description_free(rp->regular);
	pango_font_description_free(rp->bold);
	pango_font_description_free(rp->big);
	cairo_destroy(rp->cr);
	cairo_surface_destroy(rp->surface);
	free(rp->back);
	free(rp->shown);
	free(rp->dirty);
	free(rp->open);
	free(rp->prev_open);
	free(rp->damage);
	for (int i = 0; i < 2; i++) {
		free(rp->lists[i].ops);
		free(rp->lists[i].bytes);
	}
	free(rp);
}

void
render_pixel_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
#if defined(__SANITIZE_ADDRESS__)
	/* Only for the leak checker: Cairo asserts (an abort at exit) when
	 * a scaled font is still alive, which Pango's own font threads can
	 * make so now and then (CI saw it once, on a loaded machine). A
	 * process that ends gives it all back anyway. */
	cairo_debug_reset_static_data();
	FcFini();
#endif
}

int
render_pixel_width(const struct render_pixel *rp)
{
	return rp->width;
}

int
render_pixel_height(const struct render_pixel *rp)
{
	return rp->height;
}

int
render_pixel_columns(const struct render_pixel *rp)
{
	return rp->columns;
}

int
render_pixel_rows(const struct render_pixel *rp)
{
	return rp->rows;
}

int
render_pixel_short_rows(const struct render_pixel *rp)
{
	return rp->short_rows;
}

double
render_pixel_text_size(const struct render_pixel *rp)
{
	return rp->text_px;
}

const uint32_t *
render_pixel_data(const struct render_pixel *rp)
{
	return rp->back;
}

int
render_pixel_write_png(struct render_pixel *rp, const char *path, char *err,
    size_t errlen)
{
	cairo_status_t st;

	cairo_surface_flush(rp->surface);
	st = cairo_surface_write_to_png(rp->surface, path);
	if (st == CAIRO_STATUS_SUCCESS)
		return 0;
	snprintf(err, errlen, "%s: %s", path, cairo_status_to_string(st));
	return -1;
}

struct render_pixel_rect
render_pixel_cells(const struct render_pixel *rp, struct render_rect r)
{
	struct render_pixel_rect p;
	int x1 = (int)lround((r.x + r.w) * rp->cell_w);
	int y1 = (int)lround((r.y + r.h) * rp->cell_h);

	p.x = (int)lround(r.x * rp->cell_w);
	p.y = (int)lround(r.y * rp->cell_h);
	p.w = x1 - p.x;
	p.h = y1 - p.y;
	return p;
}

static void
render_pixel_fill_rect(struct render_pixel *rp, struct render_pixel_rect r,
    uint32_t colour)
{
	if (r.w <= 0 || r.h <= 0)
		return;
	render_pixel_source(rp, colour);
	cairo_rectangle(rp->cr, r.x, r.y, r.w, r.h);
	cairo_fill(rp->cr);
}

/* ---- the operations ----------------------------------------------------- */

static void
render_pixel_draw_fill(struct render_pixel *rp, struct render_rect r,
    struct render_style s)
{
	uint32_t fg, bg;

	render_pixel_style(s, &fg, &bg);
	render_pixel_fill_rect(rp, render_pixel_cells(rp, r), bg);
}

/* Box drawing: which arms of a cell's cross a character draws. */
enum { BOX_LEFT = 1, BOX_RIGHT = 2, BOX_UP = 4, BOX_DOWN = 8 };

static int
render_pixel_box_arms(uint32_t cp)
{
	switch (cp) {
	case 0x2500: return BOX_LEFT | BOX_RIGHT;
	case 0x2502: return BOX_UP | BOX_DOWN;
	case 0x250c: return BOX_RIGHT | BOX_DOWN;
	case 0x2510: return BOX_LEFT | BOX_DOWN;
	case 0x2514: return BOX_RIGHT | BOX_UP;
	case 0x2518: return BOX_LEFT | BOX_UP;
	case 0x251c: return BOX_UP | BOX_DOWN | BOX_RIGHT;
	case 0x2524: return BOX_UP | BOX_DOWN | BOX_LEFT;
	case 0x252c: return BOX_LEFT | BOX_RIGHT | BOX_DOWN;
	case 0x2534: return BOX_LEFT | BOX_RIGHT | BOX_UP;
	case 0x253c: return BOX_LEFT | BOX_RIGHT | BOX_UP | BOX_DOWN;
	default: return 0;
	}
}

/*
 * A box-drawing character in cell c: straight arms on whole pixels (crisp
 * edges where tiles meet), a corner as a quarter circle.
 */
static void
render_pixel_box(struct render_pixel *rp, struct render_pixel_rect c,
    int arms, uint32_t fg)
{
	int t = rp->line_px, mx = c.x + (c.w - t) / 2, my = c.y + (c.h - t) / 2;
	double r = (c.w < c.h ? c.w : c.h) / 2.0, cx, cy;
	bool corner = arms == (BOX_RIGHT | BOX_DOWN) || arms == (BOX_LEFT |
	    BOX_DOWN) || arms == (BOX_RIGHT | BOX_UP) || arms == (BOX_LEFT |
	    BOX_UP);

	render_pixel_source(rp, fg);
	if (!corner) {
		if (arms & (BOX_LEFT | BOX_RIGHT))
			cairo_rectangle(rp->cr, arms & BOX_LEFT ? c.x : mx, my,
			    (arms & BOX_RIGHT ? c.x + c.w : mx + t) -
			    (arms & BOX_LEFT ? c.x : mx), t);
		if (arms & (BOX_UP | BOX_DOWN))
			cairo_rectangle(rp->cr, mx, arms & BOX_UP ? c.y : my, t,
			    (arms & BOX_DOWN ? c.y + c.h : my + t) -
			    (arms & BOX_UP ? c.y : my));
		cairo_fill(rp->cr);
		return;
	}
	/* From the vertical arm's end, round to the horizontal one's. */
	cx = mx + t / 2.0 + (arms & BOX_RIGHT ? r : -r);
	cy = my + t / 2.0 + (arms & BOX_DOWN ? r : -r);
	cairo_move_to(rp->cr, mx + t / 2.0, arms & BOX_DOWN ? c.y + c.h : c.y);
	cairo_line_to(rp->cr, mx + t / 2.0, cy);
	if ((arms & BOX_RIGHT) && (arms & BOX_DOWN))
		cairo_arc(rp->cr, cx, cy, r, M_PI, 1.5 * M_PI);
	else if (arms & BOX_DOWN)
		cairo_arc_negative(rp->cr, cx, cy, r, 0, -0.5 * M_PI);
	else if (arms & BOX_RIGHT)
		cairo_arc_negative(rp->cr, cx, cy, r, M_PI, 0.5 * M_PI);
	else
		cairo_arc(rp->cr, cx, cy, r, 0, 0.5 * M_PI);
	cairo_line_to(rp->cr, arms & BOX_RIGHT ? c.x + c.w : c.x, my + t / 2.0);
	cairo_set_line_width(rp->cr, t);
	cairo_stroke(rp->cr);
}

/*
 * A run of text: bytes [from, to) of the op's string, set from cell a, its
 * content ending at cell b, with room up to cell room_end (the next run, or
 * the op's end).
 */
#define RENDER_PIXEL_RUNS 64

struct render_pixel_run {
	const char *from, *to;
	int a, b, room_start, room_end;
};

/* Set text (len bytes, -1: to its NUL) in the layout: Pango wants valid
 * UTF-8, and a snapshot may bring any bytes, which are shown as U+FFFD. */
static void
render_pixel_set_text(PangoLayout *pl, const char *text, int len)
{
	char *valid;

	if (g_utf8_validate(text, len, NULL)) {
		pango_layout_set_text(pl, text, len);
		return;
	}
	valid = g_utf8_make_valid(text, len);
	pango_layout_set_text(pl, valid, -1);
	g_free(valid);
}

/* Where a line of text's baseline goes so its capitals sit centred on
 * row y. */
static double
render_pixel_baseline(const struct render_pixel *rp, struct render_pixel_rect c)
{
	return c.y + (c.h + rp->cap_px) / 2.0;
}

/* Proportional type is sometimes wider than the cells the layout counted
 * (capitals, figures): a run may spill a cell into the blank the layout
 * leaves beside it, then be condensed a little, and only then end in an
 * ellipsis. */
#define RENDER_PIXEL_CONDENSE 0.85

static void
render_pixel_run(struct render_pixel *rp, int y, const struct render_pixel_run *run,
    struct render_style s, uint32_t fg, uint32_t bg, bool last)
{
	struct render_pixel_rect c = render_pixel_cells(rp, (struct render_rect){
	    run->a, y, run->b - run->a, 1 });
	struct render_pixel_rect room = render_pixel_cells(rp,
	    (struct render_rect){ run->room_start, y, run->room_end -
	    run->room_start, 1 });
	PangoLayout *pl = rp->layout;
	PangoRectangle logical;
	double spill = s.attrs & RENDER_FIT ? 0 : rp->cell_w * 0.6;
	double lo = c.x, hi = room.x + room.w + spill;
	double x, squeeze = 1;

	pango_layout_set_font_description(pl, s.attrs & RENDER_BOLD ?
	    rp->bold : rp->regular);
	render_pixel_set_text(pl, run->from, (int)(run->to - run->from));
	pango_layout_set_width(pl, -1);
	pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_NONE);
	pango_layout_get_pixel_extents(pl, NULL, &logical);
	if ((s.attrs & RENDER_ALIGN_END) && last) {
		lo = room.x - spill;
		hi = c.x + c.w;
	} else if (s.attrs & RENDER_ALIGN_CENTRE) {
		lo = room.x;
		hi = room.x + room.w;
	}
	if (logical.width > hi - lo) {
		if (logical.width * RENDER_PIXEL_CONDENSE <= hi - lo)
			squeeze = (hi - lo) / logical.width;
		else {
			pango_layout_set_width(pl, (int)((hi - lo) /
			    RENDER_PIXEL_CONDENSE * PANGO_SCALE));
			pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_END);
			pango_layout_get_pixel_extents(pl, NULL, &logical);
			squeeze = logical.width > hi - lo ?
			    (hi - lo) / logical.width : 1;
		}
		x = lo;
	} else if ((s.attrs & RENDER_ALIGN_END) && last)
		x = hi - logical.width;
	else if (s.attrs & RENDER_ALIGN_CENTRE)
		x = c.x + (c.w - logical.width) / 2.0;
	else
		x = c.x;
	if (x < lo)
		x = lo;
	if (x + logical.width * squeeze > hi)
		x = hi - logical.width * squeeze;
	/* What spills out of the run's cells covers what was there (a tile's
	 * edge), with a little air on that side. */
	if (x < c.x || x + logical.width * squeeze > c.x + c.w) {
		double from = x < c.x ? x - spill / 2 : c.x;
		double to = x + logical.width * squeeze > c.x + c.w ?
		    x + logical.width * squeeze + spill / 2 : c.x + c.w;

		render_pixel_fill_rect(rp, (struct render_pixel_rect){
		    (int)floor(from), c.y, (int)ceil(to - floor(from)), c.h },
		    bg);
	}
	render_pixel_source(rp, fg);
	cairo_save(rp->cr);
	cairo_translate(rp->cr, x, render_pixel_baseline(rp, c) -
	    pango_layout_get_baseline(pl) / (double)PANGO_SCALE);
	cairo_scale(rp->cr, squeeze, 1);
	cairo_move_to(rp->cr, 0, 0);
	pango_cairo_show_layout(rp->cr, pl);
	cairo_restore(rp->cr);
}

/*
 * Split text into runs and box-drawing characters: a run ends at a box
 * character, at two blanks or more (the layout's columns) and at the end;
 * its blanks are trimmed, and give it room.
 */
static void
render_pixel_draw_text(struct render_pixel *rp, int x, int y, const char *utf8,
    struct render_style s)
{
	struct render_pixel_run runs[RENDER_PIXEL_RUNS];
	const char *p = utf8, *q, *start = NULL, *end = NULL;
	int cell = x, n = 0, blanks = 0, arms, cells, last_end = x, run_a = x;
	uint32_t cp, fg, bg;

	if (y < 0 || y >= rp->rows)
		return;
	render_pixel_style(s, &fg, &bg);
	cells = width_utf8(utf8);
	render_pixel_fill_rect(rp, render_pixel_cells(rp, (struct render_rect){
	    x, y, cells, 1 }), bg);
	cairo_save(rp->cr);
	cairo_rectangle(rp->cr, 0, render_pixel_cells(rp, (struct render_rect){
	    0, y, 1, 1 }).y, rp->width, render_pixel_cells(rp,
	    (struct render_rect){ 0, y, 1, 1 }).h);
	cairo_clip(rp->cr);
	for (q = p; (cp = width_utf8_next(&q)) != 0; p = q) {
		int w = width_codepoint(cp);

		arms = render_pixel_box_arms(cp);
		if (start != NULL && (arms || (cp == ' ' && blanks >= 1))) {
			if (n < RENDER_PIXEL_RUNS)
				runs[n++] = (struct render_pixel_run){ start,
				    end, run_a, last_end, 0, 0 };
			start = NULL;
		}
		if (arms)
			render_pixel_box(rp, render_pixel_cells(rp,
			    (struct render_rect){ cell, y, 1, 1 }), arms, fg);
		else if (cp != ' ') {
			if (start == NULL) {
				start = p;
				run_a = cell;
			}
			end = q;
			last_end = cell + w;
		}
		blanks = cp == ' ' ? blanks + 1 : 0;
		cell += w;
	}
	if (start != NULL && n < RENDER_PIXEL_RUNS)
		runs[n++] = (struct render_pixel_run){ start, end, run_a,
		    last_end, 0, 0 };
	for (int i = 0; i < n; i++) {
		runs[i].room_start = i > 0 ? runs[i - 1].b + 1 : x;
		runs[i].room_end = i + 1 < n ? runs[i + 1].a - 1 : x + cells;
		if (runs[i].room_end < runs[i].b)
			runs[i].room_end = runs[i].b;
		render_pixel_run(rp, y, &runs[i], s, fg, bg, i + 1 == n);
	}
	cairo_restore(rp->cr);
}

/*
 * A figure (or the STALE banner's word) as large as r allows: as wide as
 * r but half a cell each side (a 4:3 screen's tiles are narrow), its
 * digits at most RENDER_PIXEL_FIGURE of r's height, centred on the digits' height (so "50%" and "0:41" sit alike), in bold
 * tabular figures.
 */
#define RENDER_PIXEL_FIGURE 0.9
#define RENDER_PIXEL_REF 100.0          /* the size figures are measured at */

static void
render_pixel_draw_big(struct render_pixel *rp, struct render_rect r,
    const char *text, struct render_style s)
{
	struct render_pixel_rect box = render_pixel_cells(rp, r);
	PangoLayout *pl = rp->layout;
	PangoRectangle digit, logical;
	double k, kh, size, top;
	uint32_t fg, bg;

	render_pixel_style(s, &fg, &bg);
	render_pixel_fill_rect(rp, box, bg);
	if (*text == '\0' || box.w < 2 || box.h < 2)
		return;
	/* No figure: one dash in type, not two hyphens side by side. */
	if (strcmp(text, "--") == 0)
		text = "\u2013";
	pango_layout_set_width(pl, -1);
	pango_layout_set_ellipsize(pl, PANGO_ELLIPSIZE_NONE);
	pango_font_description_set_absolute_size(rp->big,
	    RENDER_PIXEL_REF * PANGO_SCALE);
	pango_layout_set_font_description(pl, rp->big);
	pango_layout_set_text(pl, "0", -1);
	pango_layout_get_pixel_extents(pl, &digit, NULL);
	/* The digits' top, from the baseline (negative: above it). */
	top = digit.y - pango_layout_get_baseline(pl) / (double)PANGO_SCALE;
	render_pixel_set_text(pl, text, -1);
	pango_layout_get_pixel_extents(pl, NULL, &logical);
	if (logical.width <= 0 || digit.height <= 0)
		return;
	k = (box.w - rp->cell_w) / logical.width;
	kh = box.h * RENDER_PIXEL_FIGURE / digit.height;
	if (kh < k)
		k = kh;
	if ((size = RENDER_PIXEL_REF * k) < 4)
		return;
	pango_font_description_set_absolute_size(rp->big, size * PANGO_SCALE);
	pango_layout_set_font_description(pl, rp->big);
	pango_layout_get_pixel_extents(pl, NULL, &logical);
	cairo_save(rp->cr);
	cairo_rectangle(rp->cr, box.x, box.y, box.w, box.h);
	cairo_clip(rp->cr);
	render_pixel_source(rp, fg);
	/* The digits' ink (as measured at RENDER_PIXEL_REF) centred. */
	cairo_move_to(rp->cr, box.x + (box.w - logical.width) / 2.0 -
	    logical.x, box.y + (box.h - digit.height * k) / 2.0 - top * k -
	    pango_layout_get_baseline(pl) / (double)PANGO_SCALE);
	pango_cairo_show_layout(rp->cr, pl);
	cairo_restore(rp->cr);
}

/* ---- trends ------------------------------------------------------------- */

/* The least and greatest of values; false when none is a number. */
static bool
render_pixel_trend_range(const double *v, size_t n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
	return *lo <= *hi;
}

/* An arrow in box: a triangle pointing up or down, or for level a flat
 * bar: the shape says which, whatever its colour. */
static void
render_pixel_arrow(struct render_pixel *rp, struct render_pixel_rect box,
    int direction)
{
	double cx = box.x + box.w / 2.0, cy = box.y + box.h / 2.0;
	double s = (box.w < box.h ? box.w : box.h) * 0.45;

	if (direction > 0) {
		cairo_move_to(rp->cr, cx, cy - s);
		cairo_line_to(rp->cr, cx + s, cy + s * 0.75);
		cairo_line_to(rp->cr, cx - s, cy + s * 0.75);
	} else if (direction < 0) {
		cairo_move_to(rp->cr, cx, cy + s);
		cairo_line_to(rp->cr, cx + s, cy - s * 0.75);
		cairo_line_to(rp->cr, cx - s, cy - s * 0.75);
	} else
		cairo_rectangle(rp->cr, cx - s, cy - s * 0.22, 2 * s, s * 0.44);
	cairo_close_path(rp->cr);
	cairo_fill(rp->cr);
}

/* The sparkline in line: values scaled between their least and greatest
 * (a flat series in the middle), a gap for NaN, the last point a dot. */
static void
render_pixel_sparkline(struct render_pixel *rp, struct render_pixel_rect line,
    const double *v, size_t n)
{
	double lo, hi, x = 0, y = 0;
	bool pen = false, any = false;

	if (!render_pixel_trend_range(v, n, &lo, &hi))
		return;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i])) {
			pen = false;
			continue;
		}
		x = line.x + (n > 1 ? line.w * (double)i / (n - 1) : 0);
		y = line.y + line.h - (hi > lo ? (v[i] - lo) / (hi - lo) : 0.5) *
		    line.h;
		if (pen)
			cairo_line_to(rp->cr, x, y);
		else
			cairo_move_to(rp->cr, x, y);
		pen = true;
		any = true;
	}
	cairo_set_line_width(rp->cr, rp->line_px * 1.5);
	cairo_set_line_join(rp->cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_line_cap(rp->cr, CAIRO_LINE_CAP_ROUND);
	cairo_stroke(rp->cr);
	if (any && !isnan(v[n - 1])) {
		cairo_arc(rp->cr, x, y, rp->line_px * 2.2, 0, 2 * M_PI);
		cairo_fill(rp->cr);
	}
}

static void
render_pixel_draw_trend(struct render_pixel *rp, struct render_rect r,
    const struct render_trend *t, struct render_style s)
{
	struct render_pixel_rect box = render_pixel_cells(rp, r), line, arrow;
	uint32_t fg, bg;
	int pad;

	if (t->n < 2 || box.h < 4 || box.w < (t->arrow_only ? box.h :
	    2 * box.h))
		return;
	render_pixel_style(s, &fg, &bg);
	render_pixel_fill_rect(rp, box, bg);
	pad = box.h / 10 + rp->line_px;
	arrow = (struct render_pixel_rect){ box.x + box.w - box.h, box.y,
	    box.h, box.h };
	if (t->arrow_only) {
		if (t->has_arrow) {
			render_pixel_source(rp, render_pixel_colour(t->arrow,
			    false));
			render_pixel_arrow(rp, arrow, t->direction);
		}
		return;
	}
	line = (struct render_pixel_rect){ box.x + pad, box.y + pad,
	    box.w - box.h - 2 * pad - box.h / 4, box.h - 2 * pad };
	render_pixel_source(rp, fg);
	render_pixel_sparkline(rp, line, t->values, t->n);
	if (!t->has_arrow)
		return;
	render_pixel_source(rp, render_pixel_colour(t->arrow, false));
	render_pixel_arrow(rp, arrow, t->direction);
}

/* ---- damage ------------------------------------------------------------- */

static void
render_pixel_damage_add(struct render_pixel *rp, struct render_pixel_rect r)
{
	if (rp->n_damage == rp->damage_size) {
		rp->damage_size = rp->damage_size ? rp->damage_size * 2 : 64;
		rp->damage = xrealloc(rp->damage,
		    rp->damage_size * sizeof *rp->damage);
	}
	rp->damage[rp->n_damage++] = r;
}

/* Mark the blocks of band by (rows y0..y1) where back and shown differ. */
static bool
render_pixel_band_dirty(struct render_pixel *rp, int y0, int y1)
{
	size_t row_bytes = (size_t)rp->width * 4;
	bool any = false;
	int y, bx, x, w;

	memset(rp->dirty, 0, (size_t)rp->blocks_x);
	for (y = y0; y < y1; y++) {
		const uint32_t *a = rp->back + (size_t)y * rp->width;
		const uint32_t *b = rp->shown + (size_t)y * rp->width;

		if (memcmp(a, b, row_bytes) == 0)
			continue;
		any = true;
		for (bx = 0; bx < rp->blocks_x; bx++) {
			if (rp->dirty[bx])
				continue;
			x = bx * RENDER_PIXEL_BLOCK_W;
			w = rp->width - x < RENDER_PIXEL_BLOCK_W ?
			    rp->width - x : RENDER_PIXEL_BLOCK_W;
			if (memcmp(a + x, b + x, (size_t)w * 4) != 0)
				rp->dirty[bx] = 1;
		}
	}
	return any;
}

/*
 * Turn a band's dirty blocks into spans; a span exactly under one of the
 * previous band's rectangles extends it downwards (a changed figure is one
 * rectangle, not one a band). open lists, by x, the rectangles that end
 * where this band begins; on return it lists those that end where it ends.
 */
static void
render_pixel_band_spans(struct render_pixel *rp, int y0, int y1)
{
	size_t n_prev = rp->n_open, n_cur = 0, p = 0;
	int bx = 0, end;

	memcpy(rp->prev_open, rp->open, n_prev * sizeof *rp->open);
	while (bx < rp->blocks_x) {
		struct render_pixel_rect span;

		if (!rp->dirty[bx]) {
			bx++;
			continue;
		}
		for (end = bx; end < rp->blocks_x && rp->dirty[end]; end++)
			;
		span.x = bx * RENDER_PIXEL_BLOCK_W;
		span.w = end * RENDER_PIXEL_BLOCK_W > rp->width ?
		    rp->width - span.x : (end - bx) * RENDER_PIXEL_BLOCK_W;
		span.y = y0;
		span.h = y1 - y0;
		while (p < n_prev && rp->damage[rp->prev_open[p]].x < span.x)
			p++;
		if (p < n_prev && rp->damage[rp->prev_open[p]].x == span.x &&
		    rp->damage[rp->prev_open[p]].w == span.w) {
			rp->damage[rp->prev_open[p]].h += span.h;
			rp->open[n_cur++] = rp->prev_open[p++];
		} else {
			rp->open[n_cur++] = rp->n_damage;
			render_pixel_damage_add(rp, span);
		}
		bx = end;
	}
	rp->n_open = n_cur;
}

static void
render_pixel_find_damage(struct render_pixel *rp)
{
	int by, y0, y1;

	rp->n_damage = 0;
	rp->n_open = 0;
	if (!rp->shown_valid) {
		render_pixel_damage_add(rp, (struct render_pixel_rect){ 0, 0,
		    rp->width, rp->height });
		return;
	}
	for (by = 0; by < rp->blocks_y; by++) {
		y0 = by * RENDER_PIXEL_BLOCK_H;
		y1 = y0 + RENDER_PIXEL_BLOCK_H > rp->height ? rp->height :
		    y0 + RENDER_PIXEL_BLOCK_H;
		if (render_pixel_band_dirty(rp, y0, y1))
			render_pixel_band_spans(rp, y0, y1);
		else
			rp->n_open = 0;
	}
}

/* ---- the display list ----------------------------------------------------
 *
 * The operations of a frame are kept, not drawn as they come. At end() they
 * are compared, one by one in order, with the last frame's: where both
 * lists hold the same operation, its pixels are the same. Only the
 * rectangles of those that differ (the old one's and the new one's) are
 * drawn again, everything that paints there replayed under a clip from the
 * background up; the rest of the canvas keeps the last frame. So a second
 * in which one figure changes draws one tile, and a clock tick the clock.
 * The first frame, and one after render_pixel_invalidate(), are drawn
 * whole. The pixels are those a whole frame would have (test-pixel.c
 * compares them).
 */

/* Where an operation can paint: its cells; for text two cells more each
 * side (proportional type may spill into the blank beside its run, 0.9
 * of a cell at most, render_pixel_run, and a glyph's ink may reach past
 * its advance), on its row only (its clip). */
static struct render_pixel_rect
render_pixel_op_bounds(const struct render_pixel *rp,
    const struct render_pixel_op *op)
{
	struct render_rect r = op->r;
	struct render_pixel_rect p;

	if (op->kind == RENDER_PIXEL_OP_TEXT)
		r = (struct render_rect){ r.x - 2, r.y, r.w + 4, 1 };
	p = render_pixel_cells(rp, r);
	if (p.x < 0) {
		p.w += p.x;
		p.x = 0;
	}
	if (p.x + p.w > rp->width)
		p.w = rp->width - p.x;
	if (p.y < 0) {
		p.h += p.y;
		p.y = 0;
	}
	if (p.y + p.h > rp->height)
		p.h = rp->height - p.y;
	return p;
}

static bool
render_pixel_op_same(const struct render_pixel_list *la,
    const struct render_pixel_op *a, const struct render_pixel_list *lb,
    const struct render_pixel_op *b)
{
	if (a->kind != b->kind || memcmp(&a->r, &b->r, sizeof a->r) != 0 ||
	    a->s.fg != b->s.fg || a->s.bg != b->s.bg ||
	    a->s.attrs != b->s.attrs || a->text_len != b->text_len ||
	    memcmp(la->bytes + a->text, lb->bytes + b->text, a->text_len) != 0)
		return false;
	if (a->kind != RENDER_PIXEL_OP_TREND)
		return true;
	return a->n == b->n && a->has_arrow == b->has_arrow &&
	    a->arrow_only == b->arrow_only && a->direction == b->direction && a->arrow == b->arrow &&
	    memcmp(a->values, b->values, a->n * sizeof *a->values) == 0;
}

static struct render_pixel_op *
render_pixel_push(struct render_pixel *rp, enum render_pixel_op_kind kind,
    struct render_rect r, struct render_style s, const char *text)
{
	struct render_pixel_list *l = &rp->lists[rp->current];
	struct render_pixel_op *op;
	size_t len = text != NULL ? strlen(text) : 0;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->ops = xrealloc(l->ops, l->cap * sizeof *l->ops);
	}
	if (l->n_bytes + len + 1 > l->cap_bytes) {
		while (l->n_bytes + len + 1 > l->cap_bytes)
			l->cap_bytes = l->cap_bytes ? l->cap_bytes * 2 : 4096;
		l->bytes = xrealloc(l->bytes, l->cap_bytes);
	}
	op = &l->ops[l->n++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->r = r;
	op->s = s;
	op->text = l->n_bytes;
	op->text_len = len;
	if (len > 0)
		memcpy(l->bytes + l->n_bytes, text, len);
	l->bytes[l->n_bytes + len] = '\0';
	l->n_bytes += len + 1;
	return op;
}

static void
render_pixel_begin(void *ctx, int width, int height)
{
	struct render_pixel *rp = ctx;
	struct render_pixel_list *l = &rp->lists[rp->current];

	l->n = 0;
	l->n_bytes = 0;
}

static void
render_pixel_fill(void *ctx, struct render_rect r, struct render_style s)
{
	render_pixel_push(ctx, RENDER_PIXEL_OP_FILL, r, s, NULL);
}

static void
render_pixel_text(void *ctx, int x, int y, const char *utf8,
    struct render_style s)
{
	render_pixel_push(ctx, RENDER_PIXEL_OP_TEXT, (struct render_rect){ x,
	    y, width_utf8(utf8), 1 }, s, utf8);
}

static void
render_pixel_big(void *ctx, struct render_rect r, const char *text,
    const struct render_big *how, struct render_style s)
{
	render_pixel_push(ctx, RENDER_PIXEL_OP_BIG, r, s, text);
}

void
render_pixel_trend(struct render_pixel *rp, struct render_rect r,
    const struct render_trend *t, struct render_style s)
{
	struct render_pixel_op *op = render_pixel_push(rp,
	    RENDER_PIXEL_OP_TREND, r, s, NULL);

	op->n = t->n < RENDER_PIXEL_TREND_MAX ? t->n : RENDER_PIXEL_TREND_MAX;
	/* The newest values, when there are more than it keeps. */
	memcpy(op->values, t->values + (t->n - op->n), op->n *
	    sizeof *op->values);
	op->has_arrow = t->has_arrow;
	op->arrow_only = t->arrow_only;
	op->direction = t->direction;
	op->arrow = t->arrow;
}

static void
render_pixel_trend_op(void *ctx, struct render_rect r,
    const struct render_trend *t, struct render_style s)
{
	render_pixel_trend(ctx, r, t, s);
}

static void
render_pixel_replay_op(struct render_pixel *rp,
    const struct render_pixel_list *l, const struct render_pixel_op *op)
{
	struct render_trend t;

	switch (op->kind) {
	case RENDER_PIXEL_OP_FILL:
		render_pixel_draw_fill(rp, op->r, op->s);
		break;
	case RENDER_PIXEL_OP_TEXT:
		render_pixel_draw_text(rp, op->r.x, op->r.y, l->bytes + op->text,
		    op->s);
		break;
	case RENDER_PIXEL_OP_BIG:
		render_pixel_draw_big(rp, op->r, l->bytes + op->text, op->s);
		break;
	case RENDER_PIXEL_OP_TREND:
		t = (struct render_trend){ op->values, op->n, op->has_arrow,
		    op->direction, op->arrow, op->arrow_only };
		render_pixel_draw_trend(rp, op->r, &t, op->s);
		break;
	}
}

static bool
render_pixel_overlaps(struct render_pixel_rect a, struct render_pixel_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
	    b.y < a.y + a.h;
}

/* The rectangles where this frame's list and the last one differ, into
 * rp->redraw; false when there are more than RENDER_PIXEL_REDRAW_MAX
 * (then the frame is drawn whole: it changed everywhere anyway). */
static bool
render_pixel_diff(struct render_pixel *rp)
{
	const struct render_pixel_list *now = &rp->lists[rp->current];
	const struct render_pixel_list *was = &rp->lists[!rp->current];
	size_t n = now->n > was->n ? now->n : was->n;

	rp->n_redraw = 0;
	for (size_t i = 0; i < n; i++) {
		bool in_now = i < now->n, in_was = i < was->n;

		if (in_now && in_was && render_pixel_op_same(now, &now->ops[i],
		    was, &was->ops[i]))
			continue;
		if (rp->n_redraw + 2 > RENDER_PIXEL_REDRAW_MAX)
			return false;
		if (in_was)
			rp->redraw[rp->n_redraw++] = render_pixel_op_bounds(rp,
			    &was->ops[i]);
		if (in_now)
			rp->redraw[rp->n_redraw++] = render_pixel_op_bounds(rp,
			    &now->ops[i]);
		/* A figure that changes in place: one rectangle, not two. */
		if (in_now && in_was && memcmp(&rp->redraw[rp->n_redraw - 1],
		    &rp->redraw[rp->n_redraw - 2], sizeof *rp->redraw) == 0)
			rp->n_redraw--;
	}
	return true;
}

/* Draw the list: whole, or under a clip of the rectangles that changed,
 * only the operations that paint there, on the background. */
static void
render_pixel_replay(struct render_pixel *rp, bool whole)
{
	const struct render_pixel_list *l = &rp->lists[rp->current];
	struct render_pixel_rect all = { 0, 0, rp->width, rp->height };
	bool hit;

	cairo_save(rp->cr);
	if (!whole) {
		for (size_t i = 0; i < rp->n_redraw; i++)
			cairo_rectangle(rp->cr, rp->redraw[i].x, rp->redraw[i].y,
			    rp->redraw[i].w, rp->redraw[i].h);
		cairo_clip(rp->cr);
	}
	render_pixel_fill_rect(rp, all, render_pixel_colour(RENDER_DEFAULT,
	    true));
	for (size_t i = 0; i < l->n; i++) {
		struct render_pixel_rect b = render_pixel_op_bounds(rp,
		    &l->ops[i]);

		hit = whole;
		for (size_t k = 0; k < rp->n_redraw && !hit; k++)
			hit = render_pixel_overlaps(b, rp->redraw[k]);
		if (hit)
			render_pixel_replay_op(rp, l, &l->ops[i]);
	}
	cairo_restore(rp->cr);
}

static void
render_pixel_end(void *ctx)
{
	struct render_pixel *rp = ctx;
	bool whole = !rp->drawn || !render_pixel_diff(rp);

	if (whole || rp->n_redraw > 0)
		render_pixel_replay(rp, whole);
	rp->redrawn = whole ? (uint64_t)rp->width * rp->height : 0;
	for (size_t i = 0; !whole && i < rp->n_redraw; i++)
		rp->redrawn += (uint64_t)rp->redraw[i].w * rp->redraw[i].h;
	rp->drawn = true;
	rp->current = !rp->current;
	cairo_surface_flush(rp->surface);
	render_pixel_find_damage(rp);
}

uint64_t
render_pixel_redrawn(const struct render_pixel *rp)
{
	return rp->redrawn;
}

size_t
render_pixel_damage(const struct render_pixel *rp,
    const struct render_pixel_rect **rects)
{
	*rects = rp->damage;
	return rp->n_damage;
}

uint64_t
render_pixel_damage_area(const struct render_pixel *rp)
{
	uint64_t area = 0;
	size_t i;

	for (i = 0; i < rp->n_damage; i++)
		area += (uint64_t)rp->damage[i].w * (uint64_t)rp->damage[i].h;
	return area;
}

void
render_pixel_presented(struct render_pixel *rp)
{
	size_t i;
	int y;

	for (i = 0; i < rp->n_damage; i++) {
		const struct render_pixel_rect *r = &rp->damage[i];

		for (y = r->y; y < r->y + r->h; y++) {
			size_t at = (size_t)y * rp->width + r->x;

			memcpy(rp->shown + at, rp->back + at, (size_t)r->w * 4);
		}
	}
	rp->n_damage = 0;
	rp->shown_valid = true;
}

void
render_pixel_invalidate(struct render_pixel *rp)
{
	rp->shown_valid = false;
	rp->drawn = false;
}

const struct render_ops render_pixel_ops = {
	.begin = render_pixel_begin,
	.fill = render_pixel_fill,
	.text = render_pixel_text,
	.big = render_pixel_big,
	.end = render_pixel_end,
	.trend = render_pixel_trend_op,
};
