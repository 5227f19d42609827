/*
 * font.c: bitmap fonts: the compiled-in one, PSF1/PSF2 parsing, glyph
 * lookup by code point (a binary search in a sorted map: a 1080p frame
 * draws a few thousand characters, so no cache is worth its code).
 */
#include "font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font-8x16.h"
#include "xalloc.h"

struct font {
	int width, height, stride;
	size_t n_glyphs;
	const uint8_t *bitmap;          /* n_glyphs * height * stride bytes */
	const struct font_map_entry *map;
	size_t n_map;
	size_t fallback;                /* glyph for what the map lacks */
	uint8_t *own_bitmap;            /* NULL for the built-in font */
	struct font_map_entry *own_map;
};

#define FONT_PSF1_MAGIC 0x0436
#define FONT_PSF1_MODE512 0x01
#define FONT_PSF1_HASTAB 0x02
#define FONT_PSF1_HASSEQ 0x04
#define FONT_PSF1_SEPARATOR 0xffff
#define FONT_PSF1_STARTSEQ 0xfffe
#define FONT_PSF2_MAGIC 0x864ab572u
#define FONT_PSF2_HAS_UNICODE_TABLE 0x01
#define FONT_PSF2_SEPARATOR 0xff
#define FONT_PSF2_STARTSEQ 0xfe

#define FONT_MAX_WIDTH 32
#define FONT_MAX_HEIGHT 64
#define FONT_MAX_GLYPHS 65536

/* A growing list of map entries while a table is read. */
struct font_map_builder {
	struct font_map_entry *v;
	size_t n, size;
};

static struct font font_8x16;

static const struct font_map_entry *
font_lookup(const struct font *f, uint32_t cp)
{
	size_t lo = 0, hi = f->n_map;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->map[mid].cp == cp)
			return &f->map[mid];
		if (f->map[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Pick the stand-in glyph; false if the font has none. */
static bool
font_set_fallback(struct font *f)
{
	const struct font_map_entry *e;

	if ((e = font_lookup(f, 0xfffd)) == NULL)
		e = font_lookup(f, '?');
	if (e == NULL)
		return false;
	f->fallback = e->glyph;
	return true;
}

const struct font *
font_builtin(void)
{
	if (font_8x16.bitmap == NULL) {
		font_8x16.width = 8;
		font_8x16.height = 16;
		font_8x16.stride = 1;
		font_8x16.n_glyphs = FONT_8X16_GLYPHS;
		font_8x16.bitmap = font_8x16_bitmap;
		font_8x16.map = font_8x16_map;
		font_8x16.n_map = font_8x16_map_len;
		font_set_fallback(&font_8x16);
	}
	return &font_8x16;
}

int
font_width(const struct font *f)
{
	return f->width;
}

int
font_height(const struct font *f)
{
	return f->height;
}

int
font_stride(const struct font *f)
{
	return f->stride;
}

bool
font_has(const struct font *f, uint32_t cp)
{
	return font_lookup(f, cp) != NULL;
}

const uint8_t *
font_glyph(const struct font *f, uint32_t cp)
{
	const struct font_map_entry *e = font_lookup(f, cp);
	size_t glyph = e != NULL ? e->glyph : f->fallback;

	return f->bitmap + glyph * (size_t)f->height * (size_t)f->stride;
}

uint32_t
font_utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	int more, i;

	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80) {
		(*s)++;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		cp = p[0] & 0x1f;
		more = 1;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		cp = p[0] & 0x0f;
		more = 2;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		cp = p[0] & 0x07;
		more = 3;
	} else
		goto bad;
	for (i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF. */
	if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		goto bad;
	*s += more + 1;
	return cp;
bad:
	(*s)++;
	return 0xfffd;
}

/* ---- PSF ---------------------------------------------------------------- */

static uint32_t
font_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
font_map_add(struct font_map_builder *b, uint32_t cp, size_t glyph)
{
	if (b->n == b->size) {
		b->size = b->size ? b->size * 2 : 256;
		b->v = xrealloc(b->v, b->size * sizeof *b->v);
	}
	b->v[b->n].cp = cp;
	b->v[b->n].glyph = (uint16_t)glyph;
	b->n++;
}

static int
font_map_compare(const void *a, const void *b)
{
	const struct font_map_entry *x = a, *y = b;

	if (x->cp != y->cp)
		return x->cp < y->cp ? -1 : 1;
	return (x->glyph > y->glyph) - (x->glyph < y->glyph);
}

/* Sort by code point and keep the first glyph for each. */
static void
font_map_finish(struct font_map_builder *b)
{
	size_t i, n = 0;

	if (b->n == 0)
		return;
	qsort(b->v, b->n, sizeof *b->v, font_map_compare);
	for (i = 0; i < b->n; i++) {
		if (n == 0 || b->v[n - 1].cp != b->v[i].cp)
			b->v[n++] = b->v[i];
	}
	b->n = n;
}

/* PSF1's table: per glyph, UCS-2 code points, then sequences (skipped:
 * the layout draws one code point a cell), then 0xFFFF. */
static bool
font_psf1_table(const uint8_t *p, size_t len, size_t n_glyphs,
    struct font_map_builder *b)
{
	size_t glyph = 0, i;
	bool in_sequence = false;

	for (i = 0; i + 1 < len && glyph < n_glyphs; i += 2) {
		uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;

		if (u == FONT_PSF1_SEPARATOR) {
			glyph++;
			in_sequence = false;
		} else if (u == FONT_PSF1_STARTSEQ)
			in_sequence = true;
		else if (!in_sequence)
			font_map_add(b, u, glyph);
	}
	return glyph == n_glyphs;
}

/* PSF2's table: the same in UTF-8, 0xFF ending a glyph, 0xFE a sequence. */
static bool
font_psf2_table(const uint8_t *p, size_t len, size_t n_glyphs,
    struct font_map_builder *b)
{
	size_t glyph = 0, i = 0;
	bool in_sequence = false;

	while (i < len && glyph < n_glyphs) {
		if (p[i] == FONT_PSF2_SEPARATOR) {
			glyph++;
			in_sequence = false;
			i++;
		} else if (p[i] == FONT_PSF2_STARTSEQ) {
			in_sequence = true;
			i++;
		} else {
			char one[5] = { 0 };
			const char *s = one;
			size_t k, take = len - i < 4 ? len - i : 4;
			uint32_t cp;

			for (k = 0; k < take && p[i + k] < 0xfe; k++)
				one[k] = (char)p[i + k];
			cp = font_utf8_next(&s);
			if (s == one)
				return false;
			if (!in_sequence && cp != 0xfffd)
				font_map_add(b, cp, glyph);
			i += (size_t)(s - one);
		}
	}
	return glyph == n_glyphs;
}

/* Geometry read from either header. */
struct font_psf_header {
	int width, height;
	size_t n_glyphs, glyph_bytes, offset;
	bool has_table;
	bool psf1;
};

static bool
font_psf1_header(const uint8_t *p, size_t len, struct font_psf_header *h,
    char *err, size_t errlen)
{
	h->psf1 = true;
	h->width = 8;
	h->height = p[3];
	h->n_glyphs = (p[2] & FONT_PSF1_MODE512) ? 512 : 256;
	h->glyph_bytes = (size_t)h->height;
	h->offset = 4;
	h->has_table = (p[2] & (FONT_PSF1_HASTAB | FONT_PSF1_HASSEQ)) != 0;
	if (h->height < 1 || h->height > FONT_MAX_HEIGHT) {
		snprintf(err, errlen, "PSF1 glyphs %d pixels tall (1-%d)",
		    h->height, FONT_MAX_HEIGHT);
		return false;
	}
	(void)len;
	return true;
}

static bool
font_psf2_header(const uint8_t *p, size_t len, struct font_psf_header *h,
    char *err, size_t errlen)
{
	uint32_t version = font_le32(p + 4), headersize = font_le32(p + 8);
	uint32_t flags = font_le32(p + 12), length = font_le32(p + 16);
	uint32_t charsize = font_le32(p + 20), height = font_le32(p + 24);
	uint32_t width = font_le32(p + 28);

	h->psf1 = false;
	if (len < 32 || version != 0 || headersize < 32 || headersize > len) {
		snprintf(err, errlen, "bad PSF2 header (version %u, size %u)",
		    version, headersize);
		return false;
	}
	if (width < 1 || width > FONT_MAX_WIDTH || height < 1 ||
	    height > FONT_MAX_HEIGHT) {
		snprintf(err, errlen, "PSF2 glyphs %ux%u (at most %dx%d)",
		    width, height, FONT_MAX_WIDTH, FONT_MAX_HEIGHT);
		return false;
	}
	if (charsize != height * ((width + 7) / 8) || length < 1 ||
	    length > FONT_MAX_GLYPHS) {
		snprintf(err, errlen, "PSF2 header inconsistent (%u glyphs of "
		    "%u bytes for %ux%u)", length, charsize, width, height);
		return false;
	}
	h->width = (int)width;
	h->height = (int)height;
	h->n_glyphs = length;
	h->glyph_bytes = charsize;
	h->offset = headersize;
	h->has_table = (flags & FONT_PSF2_HAS_UNICODE_TABLE) != 0;
	return true;
}

static bool
font_psf_header(const uint8_t *p, size_t len, struct font_psf_header *h,
    char *err, size_t errlen)
{
	if (len >= 4 && (p[0] | p[1] << 8) == FONT_PSF1_MAGIC) {
		if (!font_psf1_header(p, len, h, err, errlen))
			return false;
	} else if (len >= 32 && font_le32(p) == FONT_PSF2_MAGIC) {
		if (!font_psf2_header(p, len, h, err, errlen))
			return false;
	} else {
		snprintf(err, errlen, "not a PSF1 or PSF2 font "
		    "(gzipped fonts must be gunzipped first)");
		return false;
	}
	if ((len - h->offset) / h->glyph_bytes < h->n_glyphs) {
		snprintf(err, errlen, "cut short: %zu glyphs of %zu bytes "
		    "need %zu bytes, the file has %zu", h->n_glyphs,
		    h->glyph_bytes, h->offset + h->n_glyphs * h->glyph_bytes,
		    len);
		return false;
	}
	return true;
}

/* The map from the font's table, or the identity without one. */
static bool
font_psf_map(const uint8_t *p, size_t len, const struct font_psf_header *h,
    struct font_map_builder *b, char *err, size_t errlen)
{
	size_t start = h->offset + h->n_glyphs * h->glyph_bytes, i;
	bool ok;

	if (!h->has_table) {
		for (i = 0; i < h->n_glyphs; i++)
			font_map_add(b, (uint32_t)i, i);
		return true;
	}
	if (h->psf1)
		ok = font_psf1_table(p + start, len - start, h->n_glyphs, b);
	else
		ok = font_psf2_table(p + start, len - start, h->n_glyphs, b);
	if (!ok)
		snprintf(err, errlen, "Unicode table cut short or malformed");
	return ok;
}

struct font *
font_psf_read(const void *data, size_t len, char *err, size_t errlen)
{
	const uint8_t *p = data;
	struct font_psf_header h;
	struct font_map_builder b = { 0 };
	struct font *f;

	if (!font_psf_header(p, len, &h, err, errlen))
		return NULL;
	if (!font_psf_map(p, len, &h, &b, err, errlen)) {
		free(b.v);
		return NULL;
	}
	font_map_finish(&b);
	f = xcalloc(1, sizeof *f);
	f->width = h.width;
	f->height = h.height;
	f->stride = (h.width + 7) / 8;
	f->n_glyphs = h.n_glyphs;
	f->own_bitmap = xmalloc(h.n_glyphs * h.glyph_bytes);
	memcpy(f->own_bitmap, p + h.offset, h.n_glyphs * h.glyph_bytes);
	f->bitmap = f->own_bitmap;
	f->map = f->own_map = b.v;
	f->n_map = b.n;
	if (!font_set_fallback(f)) {
		snprintf(err, errlen, "the font has no glyph for '?'");
		font_free(&f);
		return NULL;
	}
	return f;
}

void
font_free(struct font **fp)
{
	struct font *f = *fp;

	if (f == NULL)
		return;
	*fp = NULL;
	if (f == &font_8x16)
		return;
	free(f->own_bitmap);
	free(f->own_map);
	free(f);
}
