/*
 * text.c: checking text from outside (text.h).
 */
#include "text.h"

#include <stdbool.h>
#include <string.h>

/* The length of the UTF-8 sequence that starts with c (0: c cannot start
 * one), and the smallest second byte it may have, to refuse overlong forms
 * and surrogates (RFC 3629, table 3-7 of the Unicode standard). */
static int
text_seq(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0;
		else if (c == 0xed)
			*hi = 0x9f;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90;
		else if (c == 0xf4)
			*hi = 0x8f;
		return 4;
	}
	return 0;
}

/* What is at p (before end): 0 and the length of a good character or
 * run of plain ASCII, or a problem and the bytes it spans. */
static const char *
text_next(const unsigned char *p, const unsigned char *end, size_t *len)
{
	unsigned char c = *p, lo, hi;
	int n;

	*len = 1;
	if (c >= 0x20 && c < 0x7f)      /* the common case */
		return NULL;
	if (c == 0)
		return "holds a NUL byte";
	if (c < 0x20 || c == 0x7f)
		return "holds a control character";
	if ((n = text_seq(c, &lo, &hi)) == 0 || end - p < n ||
	    p[1] < lo || p[1] > hi)
		return "is not valid UTF-8";
	for (int i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return "is not valid UTF-8";
	*len = (size_t)n;
	if (c == 0xc2 && p[1] <= 0x9f)  /* U+0080 to U+009F: C1 */
		return "holds a control character";
	return NULL;
}

const char *
text_problem(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	const char *why;
	size_t n;

	while (p < end) {
		if ((why = text_next(p, end, &n)) != NULL)
			return why;
		p += n;
	}
	return NULL;
}

void
text_clean(char *s)
{
	unsigned char *p = (unsigned char *)s, *end = p + strlen(s);
	size_t n;

	while (p < end) {
		if (text_next(p, end, &n) != NULL)
			memset(p, '?', n);
		p += n;
	}
}

void
text_out_init(struct text_out *o, char *buf, size_t len)
{
	o->buf = buf;
	o->len = len;
	o->n = 0;
	if (len > 0)
		buf[0] = '\0';
}

void
text_out_str(struct text_out *o, const char *s)
{
	size_t room, k;

	if (o->len == 0)
		return;
	room = o->len - 1 - o->n;
	for (k = 0; k < room && s[k] != '\0'; k++)
		o->buf[o->n + k] = s[k];
	o->n += k;
	o->buf[o->n] = '\0';
}

void
text_out_uint(struct text_out *o, unsigned long long v, unsigned min_digits)
{
	char digits[24];
	size_t n = sizeof digits - 1;

	digits[n] = '\0';
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while ((v > 0 || sizeof digits - 1 - n < min_digits) && n > 0);
	text_out_str(o, digits + n);
}
