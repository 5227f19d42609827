/*
 * render-pixel.h: the renderer interface (render.h) in pixels: a canvas in
 * memory that display/fb.c copies to a framebuffer, or a test reads.
 *
 * The canvas is width x height pixels of 32-bit XRGB (0x00RRGGBB), rows
 * packed. The layout draws in cells; the canvas lays a grid of cells over
 * the screen, each cell a whole multiple of the font's size so text stays
 * crisp: by default about 120 columns, so 1920x1080 is 120x33 cells of
 * 16x32 pixels (the 8x16 font at twice its size), 3840x2160 the same grid at
 * four times, and a small 800x480 panel 100x30 at once. Big figures (the
 * render_ops big()) are the font's glyphs at the largest whole multiple that
 * fills the rectangle the layout gave them.
 *
 * Each frame is drawn in full by the layout; at end() the canvas compares it
 * with the frame last presented and lists the regions that differ, in
 * blocks of RENDER_PIXEL_BLOCK_W x RENDER_PIXEL_BLOCK_H pixels merged into
 * rectangles. The owner copies those to the screen, then calls
 * render_pixel_presented(). Pure: no device, no clock.
 */
#ifndef WALLBOARD_RENDER_PIXEL_H
#define WALLBOARD_RENDER_PIXEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "render.h"

#define RENDER_PIXEL_COLUMNS 120        /* the default grid's width */
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
 * A canvas of width x height pixels (each at least the font's size),
 * drawing text in font (which must outlive it; NULL for font_builtin()),
 * with a grid about columns cells wide (0: RENDER_PIXEL_COLUMNS). Black
 * until the first frame; the first frame is damaged in full. Free with
 * render_pixel_free.
 */
struct render_pixel *render_pixel_new(int width, int height,
    const struct font *font, int columns);
/* Free a canvas; clears the pointer. Accepts NULL. */
void render_pixel_free(struct render_pixel **);

int render_pixel_width(const struct render_pixel *);
int render_pixel_height(const struct render_pixel *);
/* The grid, in cells: what to give the layout as its width and height. */
int render_pixel_columns(const struct render_pixel *);
int render_pixel_rows(const struct render_pixel *);
/* The pixels a rectangle of cells covers (not clipped). */
struct render_pixel_rect render_pixel_cells(const struct render_pixel *,
    struct render_rect);

/* The pixels: height rows of width XRGB words. Valid while the canvas is. */
const uint32_t *render_pixel_data(const struct render_pixel *);

/*
 * The regions that changed between the last frame drawn (end()) and the
 * last presented: non-overlapping, top to bottom. Sets *rects (valid until
 * the next end() or render_pixel_presented()) and returns how many.
 */
size_t render_pixel_damage(const struct render_pixel *,
    const struct render_pixel_rect **rects);
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
