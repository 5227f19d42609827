/*
 * draw/ is how a board looks, apart from where it is shown: the layout,
 * the fonts, and the text and pixel back-ends. No device, no curses, no
 * clock; it uses core/ only. Both boards (display/) draw through it.
 *
 * render.h: the renderer interface between a board's layout and the
 * back-ends that draw it (STYLE.md 5; htop's meter/draw split).
 *
 * layout.c decides everything that is the same on every screen: where each
 * tile, the agent grid, the alert banner and the ticker go, in cells, what
 * text each shows and in what role. A back-end only draws: curses
 * (display/render-curses.c), plain text for golden frames
 * (draw/render-text.c), and the framebuffer, which scales cells to pixels.
 *
 * Colours are roles, not colours: each back-end maps a role to what its
 * screen can show (8 or 256 colours, RGB, or none at all, where the layout
 * has already put the meaning into text and attributes).
 *
 * Operations paint in order: a later one covers an earlier one. A frame
 * starts with begin(), which covers nothing: the layout fills every cell.
 */
#ifndef WALLBOARD_RENDER_H
#define WALLBOARD_RENDER_H

#include <stdbool.h>
#include <stddef.h>

enum render_colour {
	RENDER_DEFAULT,         /* the screen's own foreground/background */
	RENDER_HEADER,          /* the header and ticker bars */
	RENDER_GOOD,            /* green: on target */
	RENDER_WARN,            /* amber */
	RENDER_BAD,             /* red */
	RENDER_NEUTRAL,         /* a figure with no target: white */
	RENDER_MUTED,           /* grey: stale figures, secondary text */
	RENDER_READY,           /* agent states */
	RENDER_BUSY,
	RENDER_WRAP,
	RENDER_AWAY,
	RENDER_OFFLINE,
	RENDER_INFO,            /* an info alert */
	RENDER_BLACK,           /* text on a bright background */
	RENDER_WHITE,           /* text on a dark background */
	RENDER_COLOUR_COUNT
};

enum render_attr {
	RENDER_BOLD = 0x1,
	RENDER_REVERSE = 0x2,
	/* Wants attention (a new critical alert). A back-end may blink it;
	 * the layout also toggles RENDER_REVERSE on it every other frame, so
	 * a back-end that cannot blink still flashes. */
	RENDER_FLASH = 0x4,
	RENDER_DIM = 0x8,
	/* Where text sits in its cells when a back-end sets it in
	 * proportional type (narrower or wider than the cells the layout
	 * counted): flush with its last cell, or centred in its cells. A
	 * back-end drawing a character a cell ignores them. */
	RENDER_ALIGN_END = 0x10,
	RENDER_ALIGN_CENTRE = 0x20,
	/* Proportional type kept within its cells, condensed rather than
	 * spilling into the blank beside it: for two texts a blank apart
	 * that would both spill into it (an agent's state and time). */
	RENDER_FIT = 0x40,
};

struct render_style {
	enum render_colour fg, bg;
	int attrs;              /* enum render_attr, or'ed */
};

struct render_rect {
	int x, y, w, h;         /* cells; x, y from the top left */
};

/*
 * How big characters are drawn in cells: each pixel of the big font
 * (layout_big_*) is scale cells wide and scale cells tall, or, with half,
 * scale cells wide and scale half-cells tall (two pixel rows per cell,
 * Unicode half blocks). A pixel back-end ignores this and fills the rect.
 */
struct render_big {
	int scale;
	bool half;
	bool unicode;           /* block elements; else '#' */
};

/*
 * A tile's trend (layout_tile_trend): the day's intervals as a sparkline,
 * and an arrow for the last interval against the one before it, coloured
 * as the metric goes (service level up is good, a wait up is bad, calls
 * offered neither): a role, so that a stale tile's is grey. The arrow's
 * shape says the direction whatever the colour.
 */
struct render_trend {
	const double *values;   /* oldest first; NaN: an interval with none */
	size_t n;               /* at least 2 */
	bool has_arrow;         /* the last two intervals are both numbers */
	int direction;          /* 1 up, -1 down, 0 level (as shown) */
	enum render_colour arrow;
	/* Too little room for a readable line (a 4:3 screen's narrow tiles):
	 * the arrow alone, at r's right end. */
	bool arrow_only;
};

struct render_ops {
	/* A frame of width x height cells begins. */
	void (*begin)(void *ctx, int width, int height);
	/* Blank every cell of r, in the style's background. */
	void (*fill)(void *ctx, struct render_rect r, struct render_style);
	/*
	 * UTF-8 text from (x, y) on one line, as many cells as a terminal
	 * gives it (draw/width.h: two for a wide character, none for a
	 * combining mark). The layout has cut it to fit the screen and only
	 * sends non-ASCII when the screen has Unicode.
	 */
	void (*text)(void *ctx, int x, int y, const char *utf8,
	    struct render_style);
	/*
	 * Big characters filling r exactly (the layout measured them with
	 * layout_big_width at how->scale). text holds only characters of the
	 * big font; the style's fg draws the pixels, bg the rest of r. For a
	 * screen whose caps say it scales type (layout_caps.scalable), r is
	 * the whole room the figure has, and the back-end sets it as large
	 * as fits.
	 */
	void (*big)(void *ctx, struct render_rect r, const char *text,
	    const struct render_big *how, struct render_style);
	/* The frame is complete: show it. */
	void (*end)(void *ctx);
	/*
	 * Optional (NULL: the back-end shows no trends, and the layout asks
	 * for none): a trend in r, its line in the style's fg on its bg,
	 * the arrow at r's right end in its own colour.
	 */
	void (*trend)(void *ctx, struct render_rect r,
	    const struct render_trend *, struct render_style);
};

#endif
