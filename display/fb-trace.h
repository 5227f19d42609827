/*
 * fb-trace.h: the renderer operations of each frame written out, in
 * pixels, on their way to the pixel back-end: for tests, which find a
 * tile's figure or the STALE banner there and then check the pixels under
 * it, whatever the layout decides.
 *
 *   frame W H COLUMNS ROWS
 *   fill X Y W H FG BG ATTRS
 *   text X Y W H FG BG ATTRS TEXT
 *   big X Y W H FG BG ATTRS TEXT
 *
 * X Y W H in pixels; FG and BG the XRGB the back-end paints (after reverse
 * and dim), as 6 hex digits; ATTRS the render_attr bits; TEXT to the end of
 * the line.
 */
#ifndef WALLBOARD_FB_TRACE_H
#define WALLBOARD_FB_TRACE_H

#include <stdio.h>

#include "render-pixel.h"

struct fb_trace {
	FILE *out;
	struct render_pixel *canvas;
};

/* The operations; ctx is a struct fb_trace, which forwards each one to
 * its canvas after writing it out. */
extern const struct render_ops fb_trace_ops;

#endif
