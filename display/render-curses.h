/*
 * render-curses.h: the curses back-end for the renderer interface
 * (render.h), on ncursesw.
 *
 * It draws into the current screen's stdscr and ends each frame with one
 * refresh: ncurses compares the frame with what the terminal shows and
 * sends only the difference, so an unchanged board costs nothing and one
 * changed figure costs a few hundred bytes (never a clear per frame).
 */
#ifndef WALLBOARD_RENDER_CURSES_H
#define WALLBOARD_RENDER_CURSES_H

#include <stdbool.h>

#include "render.h"

struct render_curses;

/*
 * A back-end for the current curses screen (after initscr or newterm),
 * drawing with colours 0, 8 or 256 (more than the terminal has are cut to
 * what it has). Free with render_curses_free.
 */
struct render_curses *render_curses_new(int colours);
void render_curses_free(struct render_curses **);

/* The operations; their ctx is a struct render_curses. */
const struct render_ops *render_curses_ops(void);

/* The colours the back-end draws with: 0, 8 or 256. */
int render_curses_colours(const struct render_curses *);

/* What the terminal offers: 256, 8 or 0. Call after initscr/newterm. */
int render_curses_colours_available(void);

#endif
