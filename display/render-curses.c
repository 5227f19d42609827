/*
 * render-curses.c: the curses back-end (render-curses.h).
 *
 * Roles become colour pairs as they are first used, so a terminal with 64
 * pairs holds every combination a board draws. Without colours, the layout
 * has already put the meaning into words and attributes.
 */
#include "render-curses.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "width.h"
#include "xalloc.h"

struct render_curses {
	int	colours;
	short	pairs[RENDER_COLOUR_COUNT][RENDER_COLOUR_COUNT];
	short	next_pair;
};

/* Each role on an 8- and a 256-colour terminal; -1 is the default. */
static const short render_curses_palette[RENDER_COLOUR_COUNT][2] = {
	[RENDER_DEFAULT] = { -1, -1 },
	[RENDER_HEADER] = { COLOR_BLUE, 24 },
	[RENDER_GOOD] = { COLOR_GREEN, 40 },
	[RENDER_WARN] = { COLOR_YELLOW, 214 },
	[RENDER_BAD] = { COLOR_RED, 196 },
	[RENDER_NEUTRAL] = { COLOR_WHITE, 255 },
	[RENDER_MUTED] = { COLOR_WHITE, 244 },
	[RENDER_READY] = { COLOR_GREEN, 34 },
	[RENDER_BUSY] = { COLOR_BLUE, 26 },
	[RENDER_WRAP] = { COLOR_YELLOW, 178 },
	[RENDER_AWAY] = { COLOR_MAGENTA, 127 },
	[RENDER_OFFLINE] = { COLOR_WHITE, 240 },
	[RENDER_INFO] = { COLOR_CYAN, 31 },
	[RENDER_BLACK] = { COLOR_BLACK, 16 },
	[RENDER_WHITE] = { COLOR_WHITE, 231 },
};

int
render_curses_colours_available(void)
{
	if (!has_colors())
		return 0;
	start_color();	/* COLORS is 0 until then */
	if (COLORS >= 256)
		return 256;
	return COLORS >= 8 ? 8 : 0;
}

struct render_curses *
render_curses_new(int colours)
{
	struct render_curses *c = xcalloc(1, sizeof *c);
	int available = render_curses_colours_available();

	c->colours = colours > available ? available : colours;
	c->colours = c->colours >= 256 ? 256 : c->colours >= 8 ? 8 : 0;
	if (c->colours > 0) {
		start_color();
		use_default_colors();
	}
	c->next_pair = 1;
	return c;
}

void
render_curses_free(struct render_curses **cp)
{
	if (cp == NULL || *cp == NULL)
		return;
	free(*cp);
	*cp = NULL;
}

int
render_curses_colours(const struct render_curses *c)
{
	return c->colours;
}

/* The pair for fg on bg, made on first use; 0 once pairs run out. */
static short
render_curses_pair(struct render_curses *c, enum render_colour fg,
    enum render_colour bg)
{
	int column = c->colours == 256;

	if (c->pairs[fg][bg] != 0 || c->next_pair >= COLOR_PAIRS)
		return c->pairs[fg][bg];
	init_pair(c->next_pair, render_curses_palette[fg][column],
	    render_curses_palette[bg][column]);
	c->pairs[fg][bg] = c->next_pair++;
	return c->pairs[fg][bg];
}

static attr_t
render_curses_attrs(struct render_curses *c, struct render_style s,
    short *pair)
{
	attr_t a = A_NORMAL;

	*pair = c->colours ? render_curses_pair(c, s.fg, s.bg) : 0;
	if (s.attrs & RENDER_BOLD)
		a |= A_BOLD;
	if (s.attrs & RENDER_REVERSE)
		a |= A_REVERSE;
	if (s.attrs & RENDER_DIM)
		a |= A_DIM;
	/* Muted and offline are grey: dim where there is no grey. */
	if (c->colours == 8 && (s.fg == RENDER_MUTED || s.fg == RENDER_OFFLINE))
		a |= A_DIM;
	return a;
}

static void
render_curses_begin(void *ctx, int width, int height)
{
}

static void
render_curses_fill(void *ctx, struct render_rect r, struct render_style s)
{
	short pair;
	attr_t a = render_curses_attrs(ctx, s, &pair);
	int w = r.x + r.w > COLS ? COLS - r.x : r.w;

	if (r.x < 0 || w <= 0)
		return;
	for (int y = r.y; y < r.y + r.h && y < LINES; y++)
		if (y >= 0)
			mvhline(y, r.x, ' ' | a | COLOR_PAIR(pair), w);
}

/* Bytes of s that fill at most n cells (a wide character takes two). */
static int
render_curses_bytes(const char *s, int n)
{
	const char *p = s, *q = s;
	uint32_t cp;

	while ((cp = width_utf8_next(&q)) != 0 && width_codepoint(cp) <= n) {
		n -= width_codepoint(cp);
		p = q;
	}
	return (int)(p - s);
}

/* Text, cut at the screen's right edge (curses would wrap it). */
static void
render_curses_text(void *ctx, int x, int y, const char *s,
    struct render_style style)
{
	short pair;
	attr_t a = render_curses_attrs(ctx, style, &pair);

	if (x < 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	attr_set(a, pair, NULL);
	mvaddnstr(y, x, s, render_curses_bytes(s, COLS - x));
	attr_set(A_NORMAL, 0, NULL);
}

static void
render_curses_big(void *ctx, struct render_rect r, const char *text,
    const struct render_big *how, struct render_style style)
{
	for (int y = 0; y < r.h; y++)
		for (int x = 0; x < r.w; x++)
			render_curses_text(ctx, r.x + x, r.y + y,
			    layout_big_cell(text, how, x, y), style);
}

static void
render_curses_end(void *ctx)
{
	refresh();
}

const struct render_ops *
render_curses_ops(void)
{
	static const struct render_ops ops = {
		.begin = render_curses_begin,
		.fill = render_curses_fill,
		.text = render_curses_text,
		.big = render_curses_big,
		.end = render_curses_end,
	};

	return &ops;
}
