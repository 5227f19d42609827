/*
 * font.h: bitmap fonts for the pixel back-end (render-pixel.c).
 *
 * A font is a set of glyphs, all width x height pixels, one bit a pixel,
 * rows of font_stride() bytes with the leftmost pixel in the high bit (the
 * PSF layout), and a map from Unicode code points to glyphs. The project
 * ships one (font_builtin(): 8x16, from Debian's console fonts, see
 * font-8x16.c); font_psf_read() reads a console font (PSF1 or PSF2, as in
 * /usr/share/consolefonts, once gunzipped) from memory. Pure: no files.
 */
#ifndef WALLBOARD_FONT_H
#define WALLBOARD_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct font;

/* One code point drawn by one glyph. Tables of these are sorted by cp. */
struct font_map_entry {
	uint32_t cp;
	uint16_t glyph;
};

/* The compiled-in 8x16 font. Static: never freed. */
const struct font *font_builtin(void);

/*
 * Parse a PSF1 or PSF2 font of len bytes (uncompressed). Returns a new
 * font, which copies what it needs (data may be freed), or NULL with a
 * sentence in err when the headers are wrong, the file is cut short, the
 * glyphs are wider than 32 pixels or taller than 64, or the font has no
 * glyph for '?' (the stand-in for what it lacks). A font without a Unicode
 * table maps glyph i to code point i. Free with font_free.
 */
struct font *font_psf_read(const void *data, size_t len, char *err,
    size_t errlen);

/* Free a font from font_psf_read; clears the pointer. Accepts NULL and
 * font_builtin() (which it leaves alone). */
void font_free(struct font **);

int font_width(const struct font *);
int font_height(const struct font *);
/* Bytes per glyph row: (width + 7) / 8. */
int font_stride(const struct font *);

/* Whether the font has a glyph of its own for cp. */
bool font_has(const struct font *, uint32_t cp);

/*
 * The glyph for cp: height rows of font_stride() bytes. A code point the
 * font lacks gets its glyph for U+FFFD if it has one, else '?'. Never NULL.
 */
const uint8_t *font_glyph(const struct font *, uint32_t cp);

/* Whether pixel (x, y) of a glyph from font_glyph is set. */
static inline bool
font_glyph_pixel(const struct font *f, const uint8_t *glyph, int x, int y)
{
	return (glyph[y * font_stride(f) + x / 8] & (0x80 >> (x % 8))) != 0;
}

/*
 * Decode one UTF-8 code point from *s, advancing it. A malformed sequence
 * gives U+FFFD and advances one byte; the terminating NUL is not consumed
 * (returns 0).
 */
uint32_t font_utf8_next(const char **s);

#endif
