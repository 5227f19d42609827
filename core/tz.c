/*
 * tz.c: time-zone arithmetic from TZif files, without the process-global TZ.
 *
 * A loaded zone is a table of transitions (instant, offset from then on) and,
 * for instants after the last one, the POSIX TZ rule from the file's footer.
 * A "slim" file stops its table at the last rule change and leaves the rest to
 * the footer; a "fat" one lists transitions to 2037: both give one answer.
 */
#include "tz.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"
#define TZ_MAX_FILE	(1024 * 1024)
#define TZ_MAX_NAME	255
#define TZ_MAX_OFFSET	(26 * 3600)	/* RFC 8536 recommends -89999..93599 */
#define TZ_MAX_HOURS	167		/* rule times, TZif v3 */
#define TZ_DAY		86400
/* Every instant whose local time can be L lies within this of L. */
#define TZ_WINDOW	(TZ_MAX_OFFSET + 3600)

enum tz_date_kind {
	TZ_DATE_JULIAN,		/* Jn: 1 to 365, February 29 never counted */
	TZ_DATE_ZERO,		/* n: 0 to 365, February 29 counted */
	TZ_DATE_MONTH,		/* Mm.w.d: day d of week w (5: last) of month m */
};

/* When a POSIX TZ rule changes: a day of the year and a local time on it. */
struct tz_date {
	enum tz_date_kind kind;
	int day;
	int month;
	int week;
	int weekday;		/* 0: Sunday */
	int32_t time;		/* seconds after that day's local midnight */
};

/* A POSIX TZ string ("GMT0BST,M3.5.0/1,M10.5.0"), offsets east of UTC. */
struct tz_rule {
	int32_t std_offset;
	int32_t dst_offset;
	bool has_dst;
	struct tz_date start;	/* DST begins, in standard local time */
	struct tz_date end;	/* DST ends, in DST local time */
};

struct tz {
	char *name;
	size_t ntrans;
	int64_t *trans;		/* transition instants (s), strictly ascending */
	int32_t *trans_offset;	/* offset in force from trans[i] on */
	int32_t first_offset;	/* before trans[0]: time type 0 */
	bool has_rule;
	struct tz_rule rule;	/* from trans[ntrans - 1] on, if has_rule */
};

/* The counts in a TZif header (RFC 8536 3.1). */
struct tz_header {
	char version;
	uint32_t isutcnt;
	uint32_t isstdcnt;
	uint32_t leapcnt;
	uint32_t timecnt;
	uint32_t typecnt;
	uint32_t charcnt;
};

/* Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian). */

static int64_t
tz_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool
tz_is_leap(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days from 1970-01-01 to YEAR-MONTH-DAY (H. Hinnant's days_from_civil). */
static int64_t
tz_days_from_civil(int64_t year, int month, int day)
{
	int64_t era, yoe, doy, doe;

	year -= month <= 2;
	era = tz_floor_div(year, 400);
	yoe = year - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The year containing DAYS (H. Hinnant's civil_from_days). */
static int64_t
tz_year_of(int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = tz_floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);

	/* The era's years start in March: January and February are later. */
	return era * 400 + yoe + ((5 * doy + 2) / 153 >= 10);
}

/* The POSIX TZ rule's change days and instants. */

static int64_t
tz_month_day(const struct tz_date *d, int64_t year)
{
	int64_t first = tz_days_from_civil(year, d->month, 1);
	int64_t next = d->month == 12 ? tz_days_from_civil(year + 1, 1, 1) :
	    tz_days_from_civil(year, d->month + 1, 1);
	int weekday = (int)(first + 4 - tz_floor_div(first + 4, 7) * 7);
	int64_t day;

	day = first + (d->weekday - weekday + 7) % 7 + 7 * (d->week - 1);
	while (day >= next)
		day -= 7;
	return day;
}

/* The day (since 1970-01-01) on which D falls in YEAR. */
static int64_t
tz_date_day(const struct tz_date *d, int64_t year)
{
	int64_t jan1 = tz_days_from_civil(year, 1, 1);

	switch (d->kind) {
	case TZ_DATE_JULIAN:
		return jan1 + d->day - 1 + (tz_is_leap(year) && d->day >= 60);
	case TZ_DATE_ZERO:
		return jan1 + d->day;
	case TZ_DATE_MONTH:
		break;
	}
	return tz_month_day(d, year);
}

/* The instant DST starts (START) or ends in YEAR under R. */
static int64_t
tz_rule_instant(const struct tz_rule *r, bool start, int64_t year)
{
	const struct tz_date *d = start ? &r->start : &r->end;
	int32_t before = start ? r->std_offset : r->dst_offset;

	return tz_date_day(d, year) * TZ_DAY + d->time - before;
}

/*
 * The offset R gives at T: whichever change came last. A start and an end at
 * the same instant ("0/0,J365/25") mean DST all year.
 */
static int32_t
tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t year, last = INT64_MIN, x;
	bool dst = false;

	if (!r->has_dst)
		return r->std_offset;
	year = tz_year_of(tz_floor_div(t, TZ_DAY));
	for (int64_t y = year - 1; y <= year + 1; y++) {
		x = tz_rule_instant(r, false, y);
		if (x <= t && x > last) {
			last = x;
			dst = false;
		}
		x = tz_rule_instant(r, true, y);
		if (x <= t && x >= last) {
			last = x;
			dst = true;
		}
	}
	return dst ? r->dst_offset : r->std_offset;
}

/* The first change under R after T, or INT64_MAX. */
static int64_t
tz_rule_next(const struct tz_rule *r, int64_t t)
{
	int64_t year, next = INT64_MAX, x;

	if (!r->has_dst)
		return INT64_MAX;
	year = tz_year_of(tz_floor_div(t, TZ_DAY));
	for (int64_t y = year - 1; y <= year + 2; y++) {
		for (int start = 0; start <= 1; start++) {
			x = tz_rule_instant(r, start, y);
			if (x > t && x < next)
				next = x;
		}
	}
	return next;
}

/*
 * Parsing a POSIX TZ string (the TZif footer). Each scan advances *SP past
 * what it matched, and only then.
 */

static bool
tz_scan_char(const char **sp, char c)
{
	if (**sp != c)
		return false;
	(*sp)++;
	return true;
}

static bool
tz_scan_number(const char **sp, int max, int *out)
{
	const char *s = *sp;
	int n = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		n = n * 10 + (*s++ - '0');
		if (n > max)
			return false;
	}
	*sp = s;
	*out = n;
	return true;
}

/* A zone abbreviation: letters, or anything but '>' inside <>. */
static bool
tz_scan_name(const char **sp)
{
	const char *s = *sp;

	if (*s == '<') {
		while (*++s != '>')
			if (*s == '\0')
				return false;
		s++;
	} else {
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			s++;
	}
	if (s - *sp < 3)
		return false;
	*sp = s;
	return true;
}

/* [+-]hh[:mm[:ss]] in seconds, hours at most MAX_HOURS. */
static bool
tz_scan_hms(const char **sp, int max_hours, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;

	if (**sp == '+' || **sp == '-')
		sign = *(*sp)++ == '-' ? -1 : 1;
	if (!tz_scan_number(sp, max_hours, &h))
		return false;
	if (tz_scan_char(sp, ':')) {
		if (!tz_scan_number(sp, 59, &m))
			return false;
		if (tz_scan_char(sp, ':') && !tz_scan_number(sp, 59, &sec))
			return false;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return true;
}

/* A POSIX offset (hours west) as seconds east, within TZ_MAX_OFFSET. */
static bool
tz_scan_offset(const char **sp, int32_t *out)
{
	int32_t west;

	if (!tz_scan_hms(sp, 26, &west) || west < -TZ_MAX_OFFSET ||
	    west > TZ_MAX_OFFSET)
		return false;
	*out = -west;
	return true;
}

/* Jn, n or Mm.w.d, then an optional /time (default 02:00). */
static bool
tz_scan_date(const char **sp, struct tz_date *d)
{
	bool ok;

	memset(d, 0, sizeof *d);
	if (**sp == 'J') {
		(*sp)++;
		d->kind = TZ_DATE_JULIAN;
		ok = tz_scan_number(sp, 365, &d->day) && d->day >= 1;
	} else if (**sp == 'M') {
		(*sp)++;
		d->kind = TZ_DATE_MONTH;
		ok = tz_scan_number(sp, 12, &d->month) && d->month >= 1 &&
		    tz_scan_char(sp, '.') && tz_scan_number(sp, 5, &d->week) &&
		    d->week >= 1 && tz_scan_char(sp, '.') &&
		    tz_scan_number(sp, 6, &d->weekday);
	} else {
		d->kind = TZ_DATE_ZERO;
		ok = tz_scan_number(sp, 365, &d->day);
	}
	d->time = 2 * 3600;
	if (ok && tz_scan_char(sp, '/'))
		ok = tz_scan_hms(sp, TZ_MAX_HOURS, &d->time);
	return ok;
}

/* The DST part after the standard time: name [offset] [,start,end]. */
static bool
tz_scan_dst(const char **sp, struct tz_rule *r)
{
	static const char us_rule[] = ",M3.2.0,M11.1.0";  /* POSIX leaves open */
	const char *rules;

	r->has_dst = true;
	if (!tz_scan_name(sp))
		return false;
	r->dst_offset = r->std_offset + 3600;
	if (**sp != ',' && **sp != '\0' && !tz_scan_offset(sp, &r->dst_offset))
		return false;
	rules = **sp == '\0' ? us_rule : *sp;
	if (!tz_scan_char(&rules, ',') || !tz_scan_date(&rules, &r->start) ||
	    !tz_scan_char(&rules, ',') || !tz_scan_date(&rules, &r->end))
		return false;
	if (**sp != '\0')
		*sp = rules;
	return true;
}

/* Parse the POSIX TZ string S into R. */
static bool
tz_parse_rule(const char *s, struct tz_rule *r)
{
	memset(r, 0, sizeof *r);
	if (!tz_scan_name(&s) || !tz_scan_offset(&s, &r->std_offset))
		return false;
	if (*s != '\0' && !tz_scan_dst(&s, r))
		return false;
	return *s == '\0';
}

/* Reading a TZif file (RFC 8536). */

static uint32_t
tz_get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static int64_t
tz_get64(const unsigned char *p)
{
	return (int64_t)((uint64_t)tz_get32(p) << 32 | tz_get32(p + 4));
}

/* Read the header at P (LEN bytes left); NULL or what is wrong. */
static const char *
tz_parse_header(const unsigned char *p, size_t len, struct tz_header *h)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return "not a TZif file";
	h->version = (char)p[4];
	h->isutcnt = tz_get32(p + 20);
	h->isstdcnt = tz_get32(p + 24);
	h->leapcnt = tz_get32(p + 28);
	h->timecnt = tz_get32(p + 32);
	h->typecnt = tz_get32(p + 36);
	h->charcnt = tz_get32(p + 40);
	if (h->isutcnt > TZ_MAX_FILE || h->isstdcnt > TZ_MAX_FILE ||
	    h->leapcnt > TZ_MAX_FILE || h->timecnt > TZ_MAX_FILE ||
	    h->typecnt > TZ_MAX_FILE || h->charcnt > TZ_MAX_FILE)
		return "truncated";
	return NULL;
}

/*
 * Check the counts of the block we read (a v2+ file's v1 block is only
 * skipped: RFC 8536 lets writers leave it nearly empty).
 */
static const char *
tz_check_counts(const struct tz_header *h)
{
	if (h->typecnt == 0 || h->typecnt > 256 ||
	    (h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt))
		return "bad header counts";
	if (h->leapcnt != 0)
		return "leap-second (right/) zones are not supported";
	return NULL;
}

/* The size of the data block after a header, with TIMESIZE-byte times. */
static size_t
tz_block_size(const struct tz_header *h, size_t timesize)
{
	return h->timecnt * (timesize + 1) + h->typecnt * 6 + h->charcnt +
	    h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

/* The offset of time type I in the block's type table at TYPES. */
static const char *
tz_type_offset(const unsigned char *types, uint32_t i, int32_t *out)
{
	int32_t off = (int32_t)tz_get32(types + 6 * i);

	if (off < -TZ_MAX_OFFSET || off > TZ_MAX_OFFSET)
		return "UT offset out of range";
	*out = off;
	return NULL;
}

/* Fill TZ's transitions from the data block at P. */
static const char *
tz_parse_block(struct tz *tz, const unsigned char *p,
    const struct tz_header *h, size_t timesize)
{
	const unsigned char *idx = p + h->timecnt * timesize;
	const unsigned char *types = idx + h->timecnt;
	const char *cause;

	if ((cause = tz_check_counts(h)) != NULL)
		return cause;
	tz->ntrans = h->timecnt;
	tz->trans = xcalloc(h->timecnt, sizeof *tz->trans);
	tz->trans_offset = xcalloc(h->timecnt, sizeof *tz->trans_offset);
	if ((cause = tz_type_offset(types, 0, &tz->first_offset)) != NULL)
		return cause;
	for (uint32_t i = 0; i < h->timecnt; i++) {
		tz->trans[i] = timesize == 8 ? tz_get64(p + 8 * i) :
		    (int32_t)tz_get32(p + 4 * i);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return "transitions out of order";
		if (idx[i] >= h->typecnt)
			return "bad time type index";
		cause = tz_type_offset(types, idx[i], &tz->trans_offset[i]);
		if (cause != NULL)
			return cause;
	}
	return NULL;
}

/* The footer "\nTZ\n" at P (LEN bytes), into TZ's rule if not empty. */
static const char *
tz_parse_footer(struct tz *tz, const unsigned char *p, size_t len)
{
	const unsigned char *nl;
	char rule[256];
	size_t n;

	if (len < 2 || p[0] != '\n' ||
	    (nl = memchr(p + 1, '\n', len - 1)) == NULL)
		return "bad footer";
	n = (size_t)(nl - (p + 1));
	if (n == 0)
		return NULL;
	if (n >= sizeof rule || memchr(p + 1, '\0', n) != NULL)
		return "bad footer";
	memcpy(rule, p + 1, n);
	rule[n] = '\0';
	if (!tz_parse_rule(rule, &tz->rule))
		return "bad TZ string in footer";
	tz->has_rule = true;
	return NULL;
}

/* Parse the whole file BUF (LEN bytes) into TZ: the 64-bit part if any. */
static const char *
tz_parse_file(struct tz *tz, const unsigned char *buf, size_t len)
{
	struct tz_header h;
	const char *cause;
	size_t size;

	if ((cause = tz_parse_header(buf, len, &h)) != NULL)
		return cause;
	size = 44 + tz_block_size(&h, 4);
	if (size > len)
		return "truncated";
	if (h.version == '\0')
		return tz_parse_block(tz, buf + 44, &h, 4);
	buf += size;
	len -= size;
	if ((cause = tz_parse_header(buf, len, &h)) != NULL)
		return cause;
	size = 44 + tz_block_size(&h, 8);
	if (size > len)
		return "truncated";
	if ((cause = tz_parse_block(tz, buf + 44, &h, 8)) != NULL)
		return cause;
	return tz_parse_footer(tz, buf + size, len - size);
}

/* Loading a zone by name. */

static void tz_error(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
tz_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A name that stays inside the zone directory: relative, no "..". */
static bool
tz_name_valid(const char *zone)
{
	size_t len = strlen(zone);

	if (len == 0 || len > TZ_MAX_NAME || zone[0] == '/')
		return false;
	if (strcmp(zone, "..") == 0 || strncmp(zone, "../", 3) == 0)
		return false;
	if (strstr(zone, "/../") != NULL)
		return false;
	return len < 3 || strcmp(zone + len - 3, "/..") != 0;
}

/* Read the file PATH into a fresh buffer (*LEN bytes); NULL and errno. */
static unsigned char *
tz_read_file(const char *path, size_t *len)
{
	FILE *f;
	unsigned char *buf;
	int saved;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = xmalloc(TZ_MAX_FILE + 1);
	*len = fread(buf, 1, TZ_MAX_FILE + 1, f);
	saved = ferror(f) ? errno : *len > TZ_MAX_FILE ? EFBIG : 0;
	fclose(f);
	if (saved != 0) {
		free(buf);
		errno = saved;
		return NULL;
	}
	return buf;
}

static struct tz *
tz_new(const char *zone)
{
	struct tz *tz = xcalloc(1, sizeof *tz);

	tz->name = xstrdup(zone);
	return tz;
}

/* Load ZONE from the file PATH; NULL with a message on failure. */
static struct tz *
tz_load_file(const char *zone, const char *path, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len;
	const char *cause;
	struct tz *tz;

	if ((buf = tz_read_file(path, &len)) == NULL) {
		tz_error(err, errlen, "unknown time zone \"%s\": %s: %s", zone,
		    path, strerror(errno));
		return NULL;
	}
	tz = tz_new(zone);
	cause = tz_parse_file(tz, buf, len);
	free(buf);
	if (cause != NULL) {
		tz_error(err, errlen, "time zone \"%s\": %s: %s", zone, path,
		    cause);
		tz_free(&tz);
	}
	return tz;
}

struct tz *
tz_load(const char *zone, char *err, size_t errlen)
{
	const char *dir = getenv("TZDIR");
	char *path;
	struct tz *tz;

	if (strcmp(zone, "UTC") == 0 || strcmp(zone, "Etc/UTC") == 0)
		return tz_new(zone);
	if (!tz_name_valid(zone)) {
		tz_error(err, errlen, "time zone \"%s\": not a zone name", zone);
		return NULL;
	}
	if (dir == NULL || *dir == '\0')
		dir = TZ_DEFAULT_DIR;
	path = xasprintf("%s/%s", dir, zone);
	tz = tz_load_file(zone, path, err, errlen);
	free(path);
	return tz;
}

void
tz_free(struct tz **tz)
{
	if (tz == NULL || *tz == NULL)
		return;
	free((*tz)->name);
	free((*tz)->trans);
	free((*tz)->trans_offset);
	free(*tz);
	*tz = NULL;
}

const char *
tz_name(const struct tz *tz)
{
	return tz->name;
}

/* Offsets and day boundaries, in whole seconds. */

/* The index of the last transition at or before T, or -1. */
static ptrdiff_t
tz_find(const struct tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->ntrans, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

static int32_t
tz_offset_at(const struct tz *tz, int64_t t)
{
	ptrdiff_t i = tz_find(tz, t);

	if (tz->has_rule && (size_t)(i + 1) == tz->ntrans)
		return tz_rule_offset(&tz->rule, t);
	if (i < 0)
		return tz->first_offset;
	return tz->trans_offset[i];
}

/* The first instant after T at which the offset may change, or INT64_MAX. */
static int64_t
tz_next_change(const struct tz *tz, int64_t t)
{
	ptrdiff_t i = tz_find(tz, t);

	if ((size_t)(i + 1) < tz->ntrans)
		return tz->trans[i + 1];
	if (tz->has_rule)
		return tz_rule_next(&tz->rule, t);
	return INT64_MAX;
}

/*
 * The earliest instant whose local time is LOCAL or later: in an overlap the
 * first of the two, in a gap the transition that jumps over LOCAL. Walks the
 * spans of constant offset around LOCAL in order.
 */
static int64_t
tz_resolve(const struct tz *tz, int64_t local)
{
	int64_t from = local - TZ_WINDOW, to, t;

	for (;;) {
		to = tz_next_change(tz, from);
		t = local - tz_offset_at(tz, from);
		if (t < from)
			t = from;
		if (t < to)
			return t;
		from = to;
	}
}

/* When local day DAY (days since 1970-01-01, local calendar) begins. */
static int64_t
tz_day_begin(const struct tz *tz, int day_start_minutes, int64_t day)
{
	return tz_resolve(tz, day * TZ_DAY + (int64_t)day_start_minutes * 60);
}

/* A local day number close to the one containing T (off by at most one). */
static int64_t
tz_day_guess(const struct tz *tz, int day_start_minutes, int64_t t)
{
	return tz_floor_div(t + tz_offset_at(tz, t) -
	    (int64_t)day_start_minutes * 60, TZ_DAY);
}

int32_t
tz_offset(const struct tz *tz, int64_t utc_ms)
{
	return tz_offset_at(tz, tz_floor_div(utc_ms, 1000));
}

int64_t
tz_day_start(const struct tz *tz, int day_start_minutes, int64_t t_ms)
{
	int64_t t = tz_floor_div(t_ms, 1000);
	int64_t day = tz_day_guess(tz, day_start_minutes, t);

	while (tz_day_begin(tz, day_start_minutes, day) > t)
		day--;
	while (tz_day_begin(tz, day_start_minutes, day + 1) <= t)
		day++;
	return tz_day_begin(tz, day_start_minutes, day) * 1000;
}

int64_t
tz_next_day_start(const struct tz *tz, int day_start_minutes,
    int64_t day_start_ms)
{
	int64_t t = tz_floor_div(day_start_ms, 1000);
	int64_t day = tz_day_guess(tz, day_start_minutes, t);

	while (tz_day_begin(tz, day_start_minutes, day) > t)
		day--;
	while (tz_day_begin(tz, day_start_minutes, day) <= t)
		day++;
	return tz_day_begin(tz, day_start_minutes, day) * 1000;
}
