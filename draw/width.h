/*
 * width.h: how many cells of a terminal (or of the framebuffer board's
 * grid) a piece of text takes, as wcwidth(3) counts them but without the
 * C library's locale: East Asian wide and fullwidth characters and emoji
 * take two cells, combining marks, variation selectors and the zero-width
 * joiner none, everything else one. The same answer in every process, so
 * the layout, its golden frames and both boards agree. Pure.
 */
#ifndef WALLBOARD_WIDTH_H
#define WALLBOARD_WIDTH_H

#include <stdint.h>

/* Cells of one code point: 0, 1 or 2. */
int width_codepoint(uint32_t cp);

/* Cells of a UTF-8 string. */
int width_utf8(const char *s);

/*
 * Decode one code point from *s, advancing it. A malformed sequence gives
 * U+FFFD and advances one byte; at the terminating NUL, returns 0 and
 * leaves *s alone.
 */
uint32_t width_utf8_next(const char **s);

#endif
