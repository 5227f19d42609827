/*
 * test-font.c: the compiled-in font, UTF-8 decoding, and PSF1/PSF2 fonts
 * built here byte by byte (draw/font.c).
 */
#include "testutil.h"

#include "font.h"

/* '3' in Lat15-VGA16, as the PSF file has it. */
static const uint8_t three[16] = {
	0x00, 0x00, 0x7c, 0xc6, 0x06, 0x06, 0x3c, 0x06,
	0x06, 0x06, 0xc6, 0x7c, 0x00, 0x00, 0x00, 0x00,
};

static void
test_builtin(void **state)
{
	const struct font *f = font_builtin();

	assert_int_equal(font_width(f), 8);
	assert_int_equal(font_height(f), 16);
	assert_int_equal(font_stride(f), 1);
	assert_memory_equal(font_glyph(f, '3'), three, 16);
	for (uint32_t c = 32; c < 127; c++)
		assert_true(font_has(f, c));
	/* What the layout draws with Unicode on. */
	assert_true(font_has(f, 0x2500));       /* ─ */
	assert_true(font_has(f, 0x2026));       /* … */
	assert_true(font_has(f, 0x00b7));       /* · */
	assert_true(font_has(f, 0x25b2));       /* ▲ */
	assert_true(font_has(f, 0x00f8));       /* ø */
	assert_true(font_glyph_pixel(f, font_glyph(f, '3'), 1, 2));
	assert_false(font_glyph_pixel(f, font_glyph(f, '3'), 0, 2));
}

static void
test_fallback(void **state)
{
	const struct font *f = font_builtin();

	assert_false(font_has(f, 0x1f600));
	assert_ptr_equal(font_glyph(f, 0x1f600), font_glyph(f, 0xfffd));
	assert_ptr_not_equal(font_glyph(f, 0x1f600), font_glyph(f, 'A'));
}

static void
test_utf8(void **state)
{
	const char *s = "a\xc3\xb8\xe2\x94\x80\xf0\x9f\x98\x80";
	const char *bad = "\xc0\xaf" "b\xe2\x94";

	assert_int_equal(font_utf8_next(&s), 'a');
	assert_int_equal(font_utf8_next(&s), 0xf8);
	assert_int_equal(font_utf8_next(&s), 0x2500);
	assert_int_equal(font_utf8_next(&s), 0x1f600);
	assert_int_equal(font_utf8_next(&s), 0);
	assert_int_equal(font_utf8_next(&s), 0);        /* stays at the end */
	/* Overlong, then a cut sequence: one U+FFFD a byte, never past NUL. */
	assert_int_equal(font_utf8_next(&bad), 0xfffd);
	assert_int_equal(font_utf8_next(&bad), 0xfffd);
	assert_int_equal(font_utf8_next(&bad), 'b');
	assert_int_equal(font_utf8_next(&bad), 0xfffd);
	assert_int_equal(font_utf8_next(&bad), 0xfffd);
	assert_int_equal(font_utf8_next(&bad), 0);
}

/* A PSF1 font of 256 8x4 glyphs: glyph i is four rows of i; a table maps
 * glyph 0x3f to '?' and 'Q' (and a sequence, skipped), the rest to i+0x100. */
static size_t
psf1_font(uint8_t *buf, bool table)
{
	size_t o = 0;

	buf[o++] = 0x36;
	buf[o++] = 0x04;
	buf[o++] = table ? 0x02 : 0x00;
	buf[o++] = 4;
	for (int i = 0; i < 256; i++)
		for (int r = 0; r < 4; r++)
			buf[o++] = (uint8_t)i;
	if (!table)
		return o;
	for (int i = 0; i < 256; i++) {
		uint32_t cps[2] = { (uint32_t)i + 0x100, 0 };
		int n = 1;

		if (i == 0x3f) {
			cps[0] = '?';
			cps[1] = 'Q';
			n = 2;
		}
		for (int k = 0; k < n; k++) {
			buf[o++] = cps[k] & 0xff;
			buf[o++] = (uint8_t)(cps[k] >> 8);
		}
		if (i == 0x3f) {        /* a sequence: 0xFFFE, then 'a' ':' */
			buf[o++] = 0xfe; buf[o++] = 0xff;
			buf[o++] = 'a'; buf[o++] = 0;
			buf[o++] = ':'; buf[o++] = 0;
		}
		buf[o++] = 0xff;
		buf[o++] = 0xff;
	}
	return o;
}

static void
test_psf1(void **state)
{
	uint8_t buf[8192];
	size_t len = psf1_font(buf, true);
	char err[128];
	struct font *f = font_psf_read(buf, len, err, sizeof err);

	assert_non_null(f);
	assert_int_equal(font_width(f), 8);
	assert_int_equal(font_height(f), 4);
	assert_int_equal(font_glyph(f, 'Q')[0], 0x3f);
	assert_int_equal(font_glyph(f, '?')[3], 0x3f);
	assert_int_equal(font_glyph(f, 0x141)[0], 0x41);
	assert_false(font_has(f, 'a'));         /* only in a sequence */
	assert_int_equal(font_glyph(f, 'a')[0], 0x3f);  /* so: '?' */
	font_free(&f);
	assert_null(f);
}

static void
test_psf1_refused(void **state)
{
	uint8_t buf[8192];
	size_t len = psf1_font(buf, true);
	char err[128];

	assert_null(font_psf_read(buf, 4 + 256 * 4 - 1, err, sizeof err));
	assert_non_null(strstr(err, "cut short"));
	assert_null(font_psf_read(buf, len - 3, err, sizeof err));
	assert_non_null(strstr(err, "Unicode table"));
	buf[0] = 0x37;
	assert_null(font_psf_read(buf, len, err, sizeof err));
	assert_non_null(strstr(err, "not a PSF"));
	/* Without a table glyph i is code point i: 0x3f is '?', so it loads. */
	len = psf1_font(buf, false);
	struct font *f = font_psf_read(buf, len, err, sizeof err);
	assert_non_null(f);
	assert_int_equal(font_glyph(f, 'A')[0], 'A');
	font_free(&f);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

/* A PSF2 font of 3 glyphs, 12x2 pixels (2 bytes a row), UTF-8 table:
 * glyph 0 '?', glyph 1 'ø' and '0', glyph 2 '─'. */
static size_t
psf2_font(uint8_t *buf, uint32_t width, uint32_t charsize)
{
	static const uint8_t table[] = {
		'?', 0xff, 0xc3, 0xb8, '0', 0xff, 0xe2, 0x94, 0x80, 0xff,
	};
	size_t o = 32;

	put32(buf, 0x864ab572u);
	put32(buf + 4, 0);
	put32(buf + 8, 32);
	put32(buf + 12, 1);
	put32(buf + 16, 3);
	put32(buf + 20, charsize);
	put32(buf + 24, 2);
	put32(buf + 28, width);
	for (int g = 0; g < 3; g++)
		for (int b = 0; b < 4; b++)
			buf[o++] = (uint8_t)(g * 16 + b);
	memcpy(buf + o, table, sizeof table);
	return o + sizeof table;
}

static void
test_psf2(void **state)
{
	uint8_t buf[256];
	size_t len = psf2_font(buf, 12, 4);
	char err[128];
	struct font *f = font_psf_read(buf, len, err, sizeof err);

	assert_non_null(f);
	assert_int_equal(font_width(f), 12);
	assert_int_equal(font_stride(f), 2);
	assert_int_equal(font_glyph(f, 0xf8)[0], 16);
	assert_int_equal(font_glyph(f, '0')[3], 19);
	assert_int_equal(font_glyph(f, 0x2500)[1], 33);
	assert_int_equal(font_glyph(f, 'x')[0], 0);     /* '?' */
	font_free(&f);
}

static void
test_psf2_refused(void **state)
{
	uint8_t buf[256];
	size_t len = psf2_font(buf, 12, 3);
	char err[128];

	assert_null(font_psf_read(buf, len, err, sizeof err));
	assert_non_null(strstr(err, "inconsistent"));
	len = psf2_font(buf, 40, 10);
	assert_null(font_psf_read(buf, len, err, sizeof err));
	assert_non_null(strstr(err, "at most"));
	len = psf2_font(buf, 12, 4);
	put32(buf + 8, 300);
	assert_null(font_psf_read(buf, len, err, sizeof err));
	assert_non_null(strstr(err, "header"));
	assert_null(font_psf_read(buf, 20, err, sizeof err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_psf1),
		cmocka_unit_test(test_psf1_refused),
		cmocka_unit_test(test_psf2),
		cmocka_unit_test(test_psf2_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
