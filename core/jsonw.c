/*
 * jsonw.c: JSON writer.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void
jsonw_reserve(struct jsonw *w, size_t more)
{
	if (w->len + more + 1 <= w->cap)
		return;
	while (w->len + more + 1 > w->cap)
		w->cap = w->cap ? w->cap * 2 : 4096;
	w->buf = xrealloc(w->buf, w->cap);
}

static void
jsonw_put(struct jsonw *w, const char *s, size_t n)
{
	jsonw_reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
jsonw_char(struct jsonw *w, char c)
{
	jsonw_reserve(w, 1);
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

/* Before any value: a comma unless it is the first at this depth. */
static void
jsonw_value(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && !w->first[w->depth - 1])
		jsonw_char(w, ',');
	if (w->depth > 0)
		w->first[w->depth - 1] = false;
}

void
jsonw_reset(struct jsonw *w)
{
	w->len = 0;
	w->depth = 0;
	w->after_key = false;
	jsonw_reserve(w, 0);
	w->buf[0] = '\0';
}

void
jsonw_release(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}

static void
jsonw_open(struct jsonw *w, char c)
{
	jsonw_value(w);
	jsonw_char(w, c);
	if (w->depth < JSONW_DEPTH)
		w->first[w->depth] = true;
	w->depth++;
}

static void
jsonw_close(struct jsonw *w, char c)
{
	w->depth--;
	jsonw_char(w, c);
}

void jsonw_object(struct jsonw *w) { jsonw_open(w, '{'); }
void jsonw_array(struct jsonw *w) { jsonw_open(w, '['); }
void jsonw_end_object(struct jsonw *w) { jsonw_close(w, '}'); }
void jsonw_end_array(struct jsonw *w) { jsonw_close(w, ']'); }

static void
jsonw_quoted(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	jsonw_char(w, '"');
	for (;; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\') {
			run++;
			continue;
		}
		jsonw_put(w, (const char *)p - run, run);
		run = 0;
		if (*p == '\0')
			break;
		char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			jsonw_put(w, esc, 2);
		} else
			jsonw_put(w, esc, 6);
	}
	jsonw_char(w, '"');
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_value(w);
	jsonw_quoted(w, key);
	jsonw_char(w, ':');
	w->after_key = true;
}

void
jsonw_string(struct jsonw *w, const char *s)
{
	if (s == NULL) {
		jsonw_null(w);
		return;
	}
	jsonw_value(w);
	jsonw_quoted(w, s);
}

/* Digits of u, most significant first, ending at end; returns the start. */
static char *
jsonw_digits(char *end, uint64_t u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return end;
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char tmp[24];
	char *p;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	jsonw_value(w);
	p = jsonw_digits(tmp + sizeof tmp, u);
	if (v < 0)
		*--p = '-';
	jsonw_put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void
jsonw_double(struct jsonw *w, double v)
{
	char tmp[48], *p;
	double a = fabs(v);
	uint64_t ip, frac;
	int n;

	if (!isfinite(v)) {
		jsonw_null(w);
		return;
	}
	jsonw_value(w);
	if (a >= 1e9) {
		n = snprintf(tmp, sizeof tmp, "%.12g", v);
		jsonw_put(w, tmp, (size_t)n);
		return;
	}
	ip = (uint64_t)a;
	frac = (uint64_t)llround((a - (double)ip) * 1e12);
	if (frac >= 1000000000000ULL) {
		ip++;
		frac -= 1000000000000ULL;
	}
	p = tmp + sizeof tmp;
	if (frac != 0) {
		int len = 12;

		while (frac % 10 == 0) {
			frac /= 10;
			len--;
		}
		char *start = jsonw_digits(p, frac);
		while (p - start < len)
			*--start = '0';
		p = start;
		*--p = '.';
	}
	p = jsonw_digits(p, ip);
	if (v < 0 && (ip != 0 || frac != 0))
		*--p = '-';
	jsonw_put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void
jsonw_bool(struct jsonw *w, bool v)
{
	jsonw_value(w);
	jsonw_put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(struct jsonw *w)
{
	jsonw_value(w);
	jsonw_put(w, "null", 4);
}

void
jsonw_raw(struct jsonw *w, const char *json, size_t len)
{
	jsonw_value(w);
	jsonw_put(w, json, len);
}

const char *
jsonw_text(const struct jsonw *w)
{
	return w->buf ? w->buf : "";
}
