/*
 * units.c: the configuration's value syntaxes (durations, shares, clock
 * times).
 *
 * Every parser here is strict on purpose: a config value that reads two ways
 * ("20" seconds or milliseconds?) or that a person probably mistyped is
 * refused, so the config loader can name it instead of guessing.
 */
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct units_unit {
	const char	*suffix;
	int64_t		 ms;
};

/*
 * Largest first: a compound duration must name its units in this order, each
 * at most once, so "1h30m" reads one way only and "30m1h" or "1m1m" (almost
 * certainly typing slips) are refused. "ms" precedes "m" so that the longest
 * suffix wins when matching.
 */
static const struct units_unit units_table[] = {
	{ "d", 86400000 },
	{ "h", 3600000 },
	{ "ms", 1 },
	{ "m", 60000 },
	{ "s", 1000 },
};
#define UNITS_COUNT (sizeof units_table / sizeof units_table[0])

/* The unit whose suffix starts s (longest match), or NULL. */
static const struct units_unit *
units_match(const char *s, size_t *len)
{
	for (size_t i = 0; i < UNITS_COUNT; i++) {
		size_t n = strlen(units_table[i].suffix);

		if (strncmp(s, units_table[i].suffix, n) == 0) {
			*len = n;
			return &units_table[i];
		}
	}
	return NULL;
}

/* Read a run of decimal digits into *out; false if none or on overflow. */
static bool
units_digits(const char **sp, int64_t *out)
{
	const char *s = *sp;
	int64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*sp = s;
	*out = v;
	return true;
}

bool
units_parse_duration(const char *s, int64_t *out_ms)
{
	int64_t total = 0, count;
	int64_t last = INT64_MAX;	/* the previous group's unit */
	const struct units_unit *unit;
	size_t len;

	if (s == NULL || *s == '\0')
		return false;
	while (*s != '\0') {
		if (!units_digits(&s, &count))
			return false;
		if ((unit = units_match(s, &len)) == NULL || unit->ms >= last)
			return false;
		if (count > (INT64_MAX - total) / unit->ms)
			return false;
		total += count * unit->ms;
		last = unit->ms;
		s += len;
	}
	*out_ms = total;
	return true;
}

static const struct {
	const char *suffix;
	int64_t bytes;
} units_sizes[] = {
	{ "GiB", 1LL << 30 }, { "MiB", 1LL << 20 }, { "KiB", 1LL << 10 },
	{ "B", 1 },
};

bool
units_parse_size(const char *s, int64_t *out_bytes)
{
	int64_t count;

	if (s == NULL || !units_digits(&s, &count))
		return false;
	for (size_t i = 0; i < sizeof units_sizes / sizeof units_sizes[0]; i++) {
		if (strcmp(s, units_sizes[i].suffix) != 0)
			continue;
		if (count > (INT64_C(1) << 62) / units_sizes[i].bytes)
			return false;
		*out_bytes = count * units_sizes[i].bytes;
		return true;
	}
	return false;
}

char *
units_format_size(int64_t bytes, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof units_sizes / sizeof units_sizes[0]; i++) {
		if (bytes != 0 && bytes % units_sizes[i].bytes == 0) {
			snprintf(buf, len, "%lld%s",
			    (long long)(bytes / units_sizes[i].bytes),
			    units_sizes[i].suffix);
			return buf;
		}
	}
	snprintf(buf, len, "%lldB", (long long)bytes);
	return buf;
}

/*
 * A plain decimal, "80" or "80.5": no sign, exponent, hex, "inf" or
 * surrounding space, all of which strtod would take.
 */
static bool
units_decimal(const char *s, size_t len, double *out)
{
	size_t i = 0, digits;
	char buf[64];

	for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return false;
	if (i < len && s[i] == '.') {
		for (i++, digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return false;
	}
	if (i != len || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

bool
units_parse_share(const char *s, double *out)
{
	size_t len;
	double v;

	if (s == NULL || (len = strlen(s)) == 0)
		return false;
	if (s[len - 1] == '%') {
		if (!units_decimal(s, len - 1, &v))
			return false;
		v /= 100;
	} else if (!units_decimal(s, len, &v))
		return false;
	if (v < 0 || v > 1)
		return false;
	*out = v;
	return true;
}

bool
units_parse_clock(const char *s, int *out_minutes)
{
	int hours, minutes;

	/* Exactly "DD:DD": sscanf alone would accept " 7:5" and "07:05x". */
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return false;
	if (strspn(s, "0123456789") != 2 || strspn(s + 3, "0123456789") != 2)
		return false;
	hours = (s[0] - '0') * 10 + (s[1] - '0');
	minutes = (s[3] - '0') * 10 + (s[4] - '0');
	if (hours > 23 || minutes > 59)
		return false;
	*out_minutes = hours * 60 + minutes;
	return true;
}

/*
 * Whole minutes and more are written compound, largest unit first ("1h30m",
 * "1d"), the way people write them; anything finer is written as one count of
 * the finest unit it needs ("90s", "1500ms"), because "1m30s500ms" reads worse
 * than either. Every output parses back to the same value.
 */
char *
units_format_duration(int64_t ms, char *buf, size_t len)
{
	static const struct units_unit big[] = {
		{ "d", 86400000 }, { "h", 3600000 }, { "m", 60000 },
	};
	uint64_t v = ms < 0 ? -(uint64_t)ms : (uint64_t)ms;
	size_t used = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (ms < 0)
		used += snprintf(buf, len, "-");
	if (v == 0 || v % 60000 != 0) {
		if (v % 1000 == 0)
			snprintf(buf + used, len - used, "%llus",
			    (unsigned long long)(v / 1000));
		else
			snprintf(buf + used, len - used, "%llums",
			    (unsigned long long)v);
		return buf;
	}
	for (size_t i = 0; i < sizeof big / sizeof big[0] && used < len; i++) {
		if (v < (uint64_t)big[i].ms)
			continue;
		n = snprintf(buf + used, len - used, "%llu%s",
		    (unsigned long long)(v / big[i].ms), big[i].suffix);
		if (n < 0)
			break;
		used += (size_t)n;
		v %= big[i].ms;
	}
	return buf;
}
