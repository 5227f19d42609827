/*
 * render-pixel.h: the renderer interface (render.h) in pixels: a canvas in
 * memory, drawn with Cairo and set in type with Pango, that display/fb.c
 * copies to a framebuffer, writes as a PNG, or a test reads.
 *
 * The canvas is width x height pixels of 32-bit XRGB (0x00RRGGBB in the
 * low 24 bits; the top byte is Cairo's and means nothing), rows packed.
 * The layout places things in cells; here a cell is a proportion of the
 * screen, not of a font: the grid is RENDER_PIXEL_ROWS rows tall whatever
 * the resolution (a row 1/RENDER_PIXEL_ROWS of the shorter side: a
 * portrait screen has more), and as many columns as cells of RENDER_PIXEL_ASPECT
 * times a row's height fit across. So 1280x720, 1920x1080 and 3840x2160
 * show the same board, each as sharp as its pixels allow: text is set at
 * RENDER_PIXEL_TEXT of a row (3.8% of the screen's height), figures as
 * large as the tile's inside allows, with anti-aliased edges.
 *
 * Type: Inter (Debian's fonts-inter) with tabular figures, so digits keep
 * their width as they change; fontconfig falls back, glyph by glyph, to
 * what covers the rest (WenQuanYi Micro Hei for Chinese, Japanese and
 * Korean, Symbola for emoji, DejaVu Sans for symbols). Box-drawing
 * characters from the layout are drawn as lines, not glyphs.
 *
 * The layout sends a whole frame; the canvas keeps its operations and, at
 * end(), draws again only where they differ from the last frame's (a
 * display list: render-pixel.c). It then compares the pixels with the
 * frame last presented and lists the regions that differ, in
 * blocks of RENDER_PIXEL_BLOCK_W x RENDER_PIXEL_BLOCK_H pixels merged into
 * rectangles. The owner copies those to the screen, then calls
 * render_pixel_presented(). No device, no clock.
 */
#ifndef WALLBOARD_RENDER_PIXEL_H
#define WALLBOARD_RENDER_PIXEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

#define RENDER_PIXEL_ROWS 22            /* the grid's height, in rows */
#define RENDER_PIXEL_ASPECT 0.42        /* a cell's width / its height */
#define RENDER_PIXEL_TEXT 0.84          /* text's size / a row's height */
#define RENDER_PIXEL_FAMILY "Inter"     /* the default typeface */
#define RENDER_PIXEL_BLOCK_W 16
#define RENDER_PIXEL_BLOCK_H 16

/* A rectangle in pixels. */
struct render_pixel_rect {
	int x, y, w, h;
};

struct render_pixel;

/* The operations; ctx is a struct render_pixel. */
extern const struct render_ops render_pixel_ops;

/*
 * A canvas of width x height pixels (at least 64x32), setting text in the
 * font family (a fontconfig name, "DejaVu Sans"; NULL for
 * RENDER_PIXEL_FAMILY), on a grid columns cells wide (0: as above; more
 * columns, smaller text). Black until the first frame; the first frame is
 * damaged in full. Free with render_pixel_free.
 */
struct render_pixel *render_pixel_new(int width, int height,
    const char *family, int columns);
/* Free a canvas; clears the pointer. Accepts NULL. */
void render_pixel_free(struct render_pixel **);

/*
 * Free what the type stack keeps for the whole process (Pango's font map,
 * fontconfig's and Cairo's caches), once every canvas is freed, before
 * exit: nothing is lost by keeping them, but a leak checker (ASan) would
 * count them. Cairo's and fontconfig's are freed in ASan builds only:
 * Cairo aborts when a scaled font is still alive then.
 */
void render_pixel_shutdown(void);

int render_pixel_width(const struct render_pixel *);
int render_pixel_height(const struct render_pixel *);
/* The grid, in cells: what to give the layout as its width and height. */
int render_pixel_columns(const struct render_pixel *);
int render_pixel_rows(const struct render_pixel *);
/* How many rows span the screen's shorter side (layout_caps.short_rows):
 * the rows on a landscape screen, fewer than them in portrait. */
int render_pixel_short_rows(const struct render_pixel *);
/* The pixels a rectangle of cells covers (not clipped); adjacent cells
 * share their edges exactly. */
struct render_pixel_rect render_pixel_cells(const struct render_pixel *,
    struct render_rect);
/* The size text is set in, in pixels (its em). */
double render_pixel_text_size(const struct render_pixel *);

/*
 * A tile's trend in r (cells), as the trend operation draws it: the
 * sparkline of the day's intervals in the style's fg on its bg, scaled
 * between their least and greatest, a gap where an interval has none, the
 * last value a dot; at r's right end, a square for the arrow (up, down, or
 * a level bar) in t->arrow's colour. Nothing for fewer than two values.
 */
void render_pixel_trend(struct render_pixel *, struct render_rect r,
    const struct render_trend *t, struct render_style);

/* The pixels: height rows of width XRGB words. Valid while the canvas is. */
const uint32_t *render_pixel_data(const struct render_pixel *);

/* Write the last frame drawn as a PNG. -1 with a sentence in err. */
int render_pixel_write_png(struct render_pixel *, const char *path,
    char *err, size_t errlen);

/*
 * The regions that changed between the last frame drawn (end()) and the
 * last presented: non-overlapping, top to bottom. Sets *rects (valid until
 * the next end() or render_pixel_presented()) and returns how many.
 */
size_t render_pixel_damage(const struct render_pixel *,
    const struct render_pixel_rect **rects);
/* Pixels the last end() drew again: the whole canvas for the first frame
 * (or after render_pixel_invalidate), else the rectangles of the
 * operations that differ from the frame before (0: none did). */
uint64_t render_pixel_redrawn(const struct render_pixel *);
/* Pixels in the damage. */
uint64_t render_pixel_damage_area(const struct render_pixel *);
/* The damage has been shown: the next frame is compared with this one. */
void render_pixel_presented(struct render_pixel *);
/* Forget what was shown (a VT switch back, a new screen): the next frame's
 * damage is the whole canvas. */
void render_pixel_invalidate(struct render_pixel *);

/* The XRGB a colour role is drawn in, as a foreground or a background. */
uint32_t render_pixel_colour(enum render_colour, bool background);
/* The two colours a style paints in, after RENDER_REVERSE and RENDER_DIM
 * (RENDER_FLASH is the layout's: it toggles reverse). */
void render_pixel_style(struct render_style, uint32_t *fg, uint32_t *bg);

#endif
