/*
 * render-pixel.c: the renderer interface in pixels (render-pixel.h).
 *
 * Drawing is plain stores into the back buffer; nothing is drawn twice that
 * a rectangle fill can do once (a glyph row is built once, then copied for
 * each of its scaled rows). The damage is found by comparing the frame with
 * the one last presented, a row at a time first (memcmp of a whole row is
 * the cheap common case: a second's frame differs in a few rows), then in
 * blocks along the rows that differ.
 */
#include "render-pixel.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct render_pixel {
	int width, height;
	uint32_t *back;                 /* the frame being drawn */
	uint32_t *shown;                /* the frame last presented */
	bool shown_valid;
	const struct font *font;
	int cell_w, cell_h;
	int scale;                      /* the font's pixels per cell pixel */
	int columns, rows;
	int origin_x, origin_y;         /* the grid, centred on the screen */
	uint32_t *line;                 /* one row, for building glyphs */
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

/* ---- the canvas --------------------------------------------------------- */

/* Cells a whole multiple of the font, about columns across. */
static void
render_pixel_grid(struct render_pixel *rp, int columns)
{
	int fw = font_width(rp->font), fh = font_height(rp->font);
	int cw = rp->width / columns;

	if (cw < fw)
		cw = fw;
	rp->scale = cw / fw;
	rp->cell_w = cw;
	rp->cell_h = cw * fh / fw;
	if (rp->cell_h < fh * rp->scale)
		rp->cell_h = fh * rp->scale;
	if (rp->cell_h > rp->height) {
		rp->scale = 1;
		rp->cell_w = fw;
		rp->cell_h = fh;
	}
	rp->columns = rp->width / rp->cell_w;
	rp->rows = rp->height / rp->cell_h;
	rp->origin_x = (rp->width - rp->columns * rp->cell_w) / 2;
	rp->origin_y = (rp->height - rp->rows * rp->cell_h) / 2;
}

struct render_pixel *
render_pixel_new(int width, int height, const struct font *font, int columns)
{
	struct render_pixel *rp = xcalloc(1, sizeof *rp);
	size_t n;

	rp->font = font != NULL ? font : font_builtin();
	if (width < font_width(rp->font) || height < font_height(rp->font))
		fatalx("a %dx%d screen is smaller than one character", width,
		    height);
	rp->width = width;
	rp->height = height;
	n = (size_t)width * (size_t)height;
	rp->back = xcalloc(n, sizeof *rp->back);
	rp->shown = xcalloc(n, sizeof *rp->shown);
	rp->line = xcalloc((size_t)width + 1, sizeof *rp->line);
	render_pixel_grid(rp, columns > 0 ? columns : RENDER_PIXEL_COLUMNS);
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
	free(rp->back);
	free(rp->shown);
	free(rp->line);
	free(rp->dirty);
	free(rp->open);
	free(rp->prev_open);
	free(rp->damage);
	free(rp);
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

const uint32_t *
render_pixel_data(const struct render_pixel *rp)
{
	return rp->back;
}

struct render_pixel_rect
render_pixel_cells(const struct render_pixel *rp, struct render_rect r)
{
	struct render_pixel_rect p;

	p.x = rp->origin_x + r.x * rp->cell_w;
	p.y = rp->origin_y + r.y * rp->cell_h;
	p.w = r.w * rp->cell_w;
	p.h = r.h * rp->cell_h;
	return p;
}

/* Cut r to the canvas; false if nothing is left. */
static bool
render_pixel_clip(const struct render_pixel *rp, struct render_pixel_rect *r)
{
	if (r->x < 0) {
		r->w += r->x;
		r->x = 0;
	}
	if (r->y < 0) {
		r->h += r->y;
		r->y = 0;
	}
	if (r->x + r->w > rp->width)
		r->w = rp->width - r->x;
	if (r->y + r->h > rp->height)
		r->h = rp->height - r->y;
	return r->w > 0 && r->h > 0;
}

static void
render_pixel_fill_rect(struct render_pixel *rp, struct render_pixel_rect r,
    uint32_t colour)
{
	uint32_t *row;
	int x, y;

	if (!render_pixel_clip(rp, &r))
		return;
	row = rp->back + (size_t)r.y * rp->width + r.x;
	for (x = 0; x < r.w; x++)
		row[x] = colour;
	for (y = 1; y < r.h; y++)
		memcpy(row + (size_t)y * rp->width, row, (size_t)r.w * 4);
}

/* ---- the operations ----------------------------------------------------- */

/* The layout fills every cell; the margins around the grid are ours. */
static void
render_pixel_begin(void *ctx, int width, int height)
{
	struct render_pixel *rp = ctx;
	uint32_t bg = render_pixel_colour(RENDER_DEFAULT, true);
	int gw = rp->columns * rp->cell_w, gh = rp->rows * rp->cell_h;

	render_pixel_fill_rect(rp, (struct render_pixel_rect){ 0, 0,
	    rp->width, rp->origin_y }, bg);
	render_pixel_fill_rect(rp, (struct render_pixel_rect){ 0,
	    rp->origin_y + gh, rp->width, rp->height }, bg);
	render_pixel_fill_rect(rp, (struct render_pixel_rect){ 0, 0,
	    rp->origin_x, rp->height }, bg);
	render_pixel_fill_rect(rp, (struct render_pixel_rect){
	    rp->origin_x + gw, 0, rp->width, rp->height }, bg);
}

static void
render_pixel_fill(void *ctx, struct render_rect r, struct render_style s)
{
	struct render_pixel *rp = ctx;
	uint32_t fg, bg;

	render_pixel_style(s, &fg, &bg);
	render_pixel_fill_rect(rp, render_pixel_cells(rp, r), bg);
}

/* Copy a line of box.w pixels to row y from box.x, clipped. */
static void
render_pixel_row(struct render_pixel *rp, struct render_pixel_rect box,
    int y, const uint32_t *line)
{
	int x0 = box.x, w = box.w;

	if (y < 0 || y >= rp->height)
		return;
	if (x0 < 0) {
		line -= x0;
		w += x0;
		x0 = 0;
	}
	if (x0 + w > rp->width)
		w = rp->width - x0;
	if (w > 0)
		memcpy(rp->back + (size_t)y * rp->width + x0, line,
		    (size_t)w * 4);
}

/*
 * Columns [from, to) of one glyph row, each font pixel k screen pixels
 * wide, into line from offset x0 (clipped to len); bold thickens strokes by
 * one screen pixel to the right. Returns whether any pixel was set.
 */
static bool
render_pixel_glyph_line(const struct font *f, const uint8_t *glyph, int row,
    int from, int to, int k, bool bold, uint32_t fg, uint32_t *line,
    int x0, int len)
{
	bool any = false;
	int x, i, px;

	for (x = from; x < to; x++) {
		if (!font_glyph_pixel(f, glyph, x, row))
			continue;
		any = true;
		for (i = 0; i < k + (bold ? 1 : 0); i++) {
			px = x0 + (x - from) * k + i;
			if (px >= 0 && px < len)
				line[px] = fg;
		}
	}
	return any;
}

/*
 * Rows [top, bottom) and columns [from, to) of a glyph, each font pixel
 * k x k screen pixels, its top left at (x, y), cut to clip: the span it
 * covers is painted, bg where the glyph is clear (rows with no ink are
 * left alone: the caller has painted the background), each scaled row
 * built once and copied k times.
 */
struct render_pixel_ink {
	const uint8_t *glyph;
	int top, bottom, from, to;
	int k;
	bool bold;
	uint32_t fg;
};

static bool
render_pixel_intersect(struct render_pixel_rect *a, struct render_pixel_rect b)
{
	int x1 = a->x + a->w, y1 = a->y + a->h;

	if (a->x < b.x)
		a->x = b.x;
	if (a->y < b.y)
		a->y = b.y;
	if (x1 > b.x + b.w)
		x1 = b.x + b.w;
	if (y1 > b.y + b.h)
		y1 = b.y + b.h;
	a->w = x1 - a->x;
	a->h = y1 - a->y;
	return a->w > 0 && a->h > 0;
}

static void
render_pixel_glyph(struct render_pixel *rp, const struct render_pixel_ink *g,
    int x, int y, struct render_pixel_rect clip, uint32_t bg)
{
	struct render_pixel_rect span = { x, y,
	    (g->to - g->from) * g->k + (g->bold ? 1 : 0),
	    (g->bottom - g->top) * g->k };
	uint32_t *line = rp->line;
	int row, i, py;

	if (!render_pixel_intersect(&span, clip) ||
	    !render_pixel_clip(rp, &span))
		return;
	for (row = g->top; row < g->bottom; row++) {
		for (i = 0; i < span.w; i++)
			line[i] = bg;
		if (!render_pixel_glyph_line(rp->font, g->glyph, row, g->from,
		    g->to, g->k, g->bold, g->fg, line, x - span.x, span.w))
			continue;       /* the caller painted the background */
		for (i = 0; i < g->k; i++) {
			py = y + (row - g->top) * g->k + i;
			if (py >= span.y && py < span.y + span.h)
				render_pixel_row(rp, span, py, line);
		}
	}
}

static void
render_pixel_text(void *ctx, int x, int y, const char *utf8,
    struct render_style s)
{
	struct render_pixel *rp = ctx;
	const struct font *f = rp->font;
	struct render_pixel_ink g;
	struct render_pixel_rect cell;
	uint32_t cp, bg;

	if (y < 0 || y >= rp->rows)
		return;
	render_pixel_style(s, &g.fg, &bg);
	g.top = 0;
	g.bottom = font_height(f);
	g.from = 0;
	g.to = font_width(f);
	g.k = rp->scale;
	g.bold = (s.attrs & RENDER_BOLD) != 0;
	for (; (cp = font_utf8_next(&utf8)) != 0; x++) {
		if (x < 0)
			continue;
		if (x >= rp->columns)
			break;
		cell = render_pixel_cells(rp, (struct render_rect){ x, y, 1, 1 });
		render_pixel_fill_rect(rp, cell, bg);
		if (cp == ' ')
			continue;
		g.glyph = font_glyph(f, cp);
		render_pixel_glyph(rp, &g,
		    cell.x + (cell.w - font_width(f) * g.k) / 2,
		    cell.y + (cell.h - font_height(f) * g.k) / 2, cell, bg);
	}
}

/* Where a glyph has ink: columns [*left, *right), rows [*top, *bottom);
 * all zero for a blank glyph. */
static void
render_pixel_ink_bounds(const struct font *f, const uint8_t *glyph,
    int *left, int *right, int *top, int *bottom)
{
	int x, y;

	*left = *top = 1 << 20;
	*right = *bottom = 0;
	for (y = 0; y < font_height(f); y++) {
		for (x = 0; x < font_width(f); x++) {
			if (!font_glyph_pixel(f, glyph, x, y))
				continue;
			if (x < *left)
				*left = x;
			if (x + 1 > *right)
				*right = x + 1;
			if (y < *top)
				*top = y;
			if (y + 1 > *bottom)
				*bottom = y + 1;
		}
	}
	if (*right == 0)
		*left = *top = 0;
}

/*
 * One character of a big figure: which columns it draws and how far it
 * advances, in font pixels. Digits and letters keep the font's full width
 * (so "10%" and "11%" are the same width and a figure does not jiggle as
 * it changes); narrow marks (':' and '.') take their ink and a gap.
 */
struct render_pixel_big_char {
	const uint8_t *glyph;
	int from, to, advance;
};

#define RENDER_PIXEL_BIG_MAX 32

/* Measure text; returns how many characters, with the ink's rows. */
static int
render_pixel_big_measure(const struct font *f, const char *text,
    struct render_pixel_big_char *c, int *width, int *top, int *bottom)
{
	int n = 0, l, r, t, b, fw = font_width(f);
	uint32_t cp;

	*width = 0;
	*top = font_height(f);
	*bottom = 0;
	while (n < RENDER_PIXEL_BIG_MAX && (cp = font_utf8_next(&text)) != 0) {
		c[n].glyph = font_glyph(f, cp);
		render_pixel_ink_bounds(f, c[n].glyph, &l, &r, &t, &b);
		if (r > l && r - l <= fw / 2 && cp != '1') {
			c[n].from = l;
			c[n].to = r;
			c[n].advance = r - l + 1;
		} else {
			c[n].from = 0;
			c[n].to = fw;
			c[n].advance = fw;
		}
		if (r > l && t < *top)
			*top = t;
		if (r > l && b > *bottom)
			*bottom = b;
		*width += c[n].advance;
		n++;
	}
	if (n > 0)
		*width -= 1;    /* the last character's gap */
	return *bottom > *top ? n : 0;
}

static void
render_pixel_big(void *ctx, struct render_rect r, const char *text,
    const struct render_big *how, struct render_style s)
{
	struct render_pixel *rp = ctx;
	struct render_pixel_big_char c[RENDER_PIXEL_BIG_MAX];
	struct render_pixel_rect box = render_pixel_cells(rp, r);
	struct render_pixel_ink g = { 0 };
	int n, i, width, x, y, k;
	uint32_t bg;

	render_pixel_style(s, &g.fg, &bg);
	render_pixel_fill_rect(rp, box, bg);
	n = render_pixel_big_measure(rp->font, text, c, &width, &g.top,
	    &g.bottom);
	if (n == 0 || width <= 0)
		return;
	k = box.w / width;
	if (box.h / (g.bottom - g.top) < k)
		k = box.h / (g.bottom - g.top);
	g.k = k < 1 ? 1 : k;
	x = box.x + (box.w - width * g.k) / 2;
	y = box.y + (box.h - (g.bottom - g.top) * g.k) / 2;
	for (i = 0; i < n; i++) {
		g.glyph = c[i].glyph;
		g.from = c[i].from;
		g.to = c[i].to;
		render_pixel_glyph(rp, &g, x, y, box, bg);
		x += c[i].advance * g.k;
	}
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

static void
render_pixel_end(void *ctx)
{
	render_pixel_find_damage(ctx);
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
}

const struct render_ops render_pixel_ops = {
	.begin = render_pixel_begin,
	.fill = render_pixel_fill,
	.text = render_pixel_text,
	.big = render_pixel_big,
	.end = render_pixel_end,
};
