/*
 * render-text.h: a plain-text back-end for the renderer interface
 * (render.h): a frame of width x height characters, for golden tests and
 * for `wallboard --text`.
 *
 * Colours and attributes are not written into the text; each cell keeps the
 * style it was last drawn in, for tests to ask.
 */
#ifndef WALLBOARD_RENDER_TEXT_H
#define WALLBOARD_RENDER_TEXT_H

#include "render.h"

struct render_text;

/* A back-end with no frame yet. Free with render_text_free. */
struct render_text *render_text_new(void);
/* Free it and clear the caller's pointer. Accepts NULL. */
void render_text_free(struct render_text **);

/* The operations; their ctx is a struct render_text. */
const struct render_ops *render_text_ops(void);

/*
 * The last frame as UTF-8: one line per row, each ending in '\n', with
 * trailing blanks removed. Owned by t, valid until the next frame.
 */
const char *render_text_frame(struct render_text *t);

/* The style cell (x, y) was last drawn in; a default style off the frame. */
struct render_style render_text_style(const struct render_text *t, int x,
    int y);

/* The code point in cell (x, y); ' ' off the frame. */
unsigned render_text_char(const struct render_text *t, int x, int y);

#endif
