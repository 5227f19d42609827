/*
 * font-8x16.h: the compiled-in font's tables (font-8x16.c), for font.c
 * only; everyone else goes through font_builtin().
 */
#ifndef WALLBOARD_FONT_8X16_H
#define WALLBOARD_FONT_8X16_H

#include <stddef.h>
#include <stdint.h>

#include "font.h"

#define FONT_8X16_GLYPHS 256

/* FONT_8X16_GLYPHS glyphs of 16 rows, one byte a row. */
extern const uint8_t font_8x16_bitmap[FONT_8X16_GLYPHS * 16];
/* Code point to glyph, sorted by code point. */
extern const struct font_map_entry font_8x16_map[];
extern const size_t font_8x16_map_len;

#endif
