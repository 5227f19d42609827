/*
 * test-tz.c: core/tz checked against glibc's own reading of the same zones.
 *
 * glibc (setenv TZ, localtime_r) is the reference here and only here: the
 * daemon must not use it, because TZ is process-global state.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

#define HOUR		3600
#define DAY		86400
#define MS(s)		((int64_t)(s) * 1000)
#define ZONEINFO	"/usr/share/zoneinfo"

static const char *const test_zones[] = {
	"Europe/London", "America/New_York", "Australia/Lord_Howe",
	"Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo",
	"Europe/Dublin", "UTC",
	/* Footers with negative and 24:00 rule times; a skipped day. */
	"America/Nuuk", "America/Santiago", "Pacific/Apia",
};
#define NZONES (sizeof test_zones / sizeof test_zones[0])

/* UTC seconds of a civil date and time, by glibc rather than core/tz. */
static int64_t
utc(int year, int month, int day, int hour, int minute)
{
	struct tm tm = {
		.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
		.tm_hour = hour, .tm_min = minute,
	};

	return (int64_t)timegm(&tm);
}

/* Point glibc at ZONE: a name under /usr/share/zoneinfo, or a path. */
static void
ref_zone(const char *zone)
{
	static char current[512];
	char spec[520];

	if (strcmp(current, zone) == 0)
		return;
	snprintf(spec, sizeof spec, ":%s", zone);
	assert_int_equal(setenv("TZ", spec, 1), 0);
	tzset();
	snprintf(current, sizeof current, "%s", zone);
}

/* glibc's offset at T in the zone last given to ref_zone(). */
static long
ref_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	assert_non_null(localtime_r(&tt, &tm));
	return tm.tm_gmtoff;
}

static struct tz *
load(const char *zone)
{
	char err[256] = "";
	struct tz *tz = tz_load(zone, err, sizeof err);

	if (tz == NULL)
		fail_msg("tz_load(%s): %s", zone, err);
	return tz;
}

static void
check_instant(const struct tz *tz, const char *what, int64_t t_ms, long want)
{
	int32_t got = tz_offset(tz, t_ms);

	if (got != want)
		fail_msg("%s at %lld ms: offset %d, glibc %ld", what,
		    (long long)t_ms, (int)got, want);
}

/* The first second in (A, B] at which glibc's offset differs from A's. */
static int64_t
ref_change(int64_t a, int64_t b)
{
	long before = ref_offset(a);

	while (b - a > 1) {
		int64_t mid = a + (b - a) / 2;

		if (ref_offset(mid) == before)
			a = mid;
		else
			b = mid;
	}
	return b;
}

/*
 * Compare TZ with glibc's zone REF every STEP seconds over [FROM, TO), and
 * exactly at each change glibc shows (found by bisection), to the ms.
 */
static void
check_offsets(const struct tz *tz, const char *ref, int64_t from, int64_t to,
    int64_t step)
{
	long prev = 0;

	ref_zone(ref);
	for (int64_t t = from; t < to; t += step) {
		long want = ref_offset(t);

		check_instant(tz, ref, MS(t), want);
		if (t > from && want != prev) {
			int64_t change = ref_change(t - step, t);

			check_instant(tz, ref, MS(change) - 1,
			    ref_offset(change - 1));
			check_instant(tz, ref, MS(change), ref_offset(change));
		}
		prev = want;
	}
}

static void
test_offsets_match_glibc(void **state)
{
	for (size_t i = 0; i < NZONES; i++) {
		struct tz *tz = load(test_zones[i]);

		check_offsets(tz, test_zones[i], utc(1975, 1, 1, 0, 0),
		    utc(2101, 1, 1, 0, 0), 7 * HOUR + 11 * 60 + 13);
		tz_free(&tz);
	}
}

/* Run the shell command PREFIX DIR SUFFIX; true if it exited 0. */
static bool
run(const char *prefix, const char *dir, const char *suffix)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, "%s%s%s", prefix, dir, suffix);
	return system(cmd) == 0;
}

static off_t
file_size(const char *dir, const char *zone)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", dir, zone);
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

/*
 * "Slim" files (zic -b slim) stop at the last rule change and leave the
 * rest to the footer: built here from tzdata.zi, they must agree with
 * glibc reading the system's files.
 */
static void
test_slim_files_match_glibc(void **state)
{
	char dir[] = "/tmp/test-tz-XXXXXX";

	if (access(ZONEINFO "/tzdata.zi", R_OK) != 0 ||
	    !run("command -v zic >/dev/null", "", ""))
		skip();
	assert_non_null(mkdtemp(dir));
	assert_true(run("zic -b slim -d ", dir,
	    " " ZONEINFO "/tzdata.zi 2>/dev/null"));
	assert_true(file_size(dir, "Europe/London") <
	    file_size(ZONEINFO, "Europe/London"));
	for (size_t i = 0; i < NZONES; i++) {
		struct tz *tz;

		assert_int_equal(setenv("TZDIR", dir, 1), 0);
		tz = load(test_zones[i]);
		assert_int_equal(unsetenv("TZDIR"), 0);
		check_offsets(tz, test_zones[i], utc(1975, 1, 1, 0, 0),
		    utc(2101, 1, 1, 0, 0), 7 * HOUR + 11 * 60 + 13);
		tz_free(&tz);
	}
	assert_true(run("rm -rf ", dir, ""));
}

static void
put32(FILE *f, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

/* One TZif header and data block: a transition at 0 to type 0 (OFFSET). */
static void
put_block(FILE *f, int32_t offset, int timesize)
{
	static const uint32_t counts[6] = { 0, 0, 0, 1, 1, 4 };

	fputs("TZif2", f);
	for (int i = 0; i < 15; i++)
		fputc(0, f);
	for (int i = 0; i < 6; i++)
		put32(f, counts[i]);
	if (timesize == 8)
		put32(f, 0);
	put32(f, 0);
	fputc(0, f);
	put32(f, (uint32_t)offset);
	fputc(0, f);
	fputc(0, f);
	fwrite("ZZZ", 1, 4, f);
}

/* Write DIR/NAME: a TZif v2 file whose future is the TZ string FOOTER. */
static void
write_tzif(const char *dir, const char *name, int32_t offset,
    const char *footer)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	put_block(f, offset, 4);
	put_block(f, offset, 8);
	fprintf(f, "\n%s\n", footer);
	assert_int_equal(fclose(f), 0);
}

/* The POSIX TZ forms no installed zone uses today, against glibc. */
static void
test_footer_forms_match_glibc(void **state)
{
	static const struct {
		int32_t offset;
		const char *footer;
	} cases[] = {
		{ -3 * HOUR, "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1" },
		{ 2 * HOUR, "XXX-2YYY,J60/2,300/3" },	/* Jn and n, leap days */
		{ 2 * HOUR, "XXX-2YYY,59,J59/23:59:59" },
		{ -3 * HOUR, "AAA3BBB,M3.2.0/26,M11.1.0/-20:30" },
		{ -3 * HOUR, "AAA3BBB,M3.2.0/167,M11.5.6/-167" },
		{ 19800, "<+0530>-5:30" },
		{ 37800, "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0" },
		{ 3600, "IST-1GMT0,M10.5.0,M3.5.0/1" },	/* negative DST */
		{ -3 * HOUR, "<-03>+3<-02>+2:00:00,M9.1.6/24,M4.1.6/24" },
	};
	char dir[] = "/tmp/test-tz-XXXXXX", name[32], path[64];

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tz *tz;

		snprintf(name, sizeof name, "case%zu", i);
		write_tzif(dir, name, cases[i].offset, cases[i].footer);
		assert_int_equal(setenv("TZDIR", dir, 1), 0);
		tz = load(name);
		assert_int_equal(unsetenv("TZDIR"), 0);
		snprintf(path, sizeof path, "%s/%s", dir, name);
		check_offsets(tz, path, utc(1971, 1, 1, 0, 0),
		    utc(2101, 1, 1, 0, 0), 5 * HOUR + 7 * 60 + 3);
		tz_free(&tz);
	}
	/* Not before: glibc takes a new file of a freed inode for the old. */
	assert_true(run("rm -rf ", dir, ""));
}

/* Load DIR/NAME, a TZif file made with write_tzif(). */
static struct tz *
load_footer(const char *dir, const char *name, int32_t offset,
    const char *footer)
{
	struct tz *tz;

	write_tzif(dir, name, offset, footer);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	tz = load(name);
	assert_int_equal(unsetenv("TZDIR"), 0);
	return tz;
}

/*
 * Where glibc is no reference. DST all year (RFC 8536 3.3.1's example):
 * glibc shows standard time between New Year UTC and the rule's change at
 * 05:00Z, as it looks only at the current UTC year's rule. A rule without
 * dates: glibc borrows them from a "posixrules" file; POSIX leaves them to
 * the implementation, and we take the US rule, as glibc does without one.
 */
static void
test_footer_forms_by_hand(void **state)
{
	char dir[] = "/tmp/test-tz-XXXXXX";
	struct tz *tz;

	assert_non_null(mkdtemp(dir));
	tz = load_footer(dir, "alldst", -4 * HOUR, "EST5EDT,0/0,J365/25");
	for (int64_t t = utc(1971, 1, 1, 0, 0); t < utc(2101, 1, 1, 0, 0);
	    t += 5 * HOUR + 7 * 60 + 3)
		check_instant(tz, "alldst", MS(t), -4 * HOUR);
	tz_free(&tz);
	tz = load_footer(dir, "us", -5 * HOUR, "EST5EDT");
	check_instant(tz, "us", MS(utc(2026, 3, 8, 7, 0)) - 1, -5 * HOUR);
	check_instant(tz, "us", MS(utc(2026, 3, 8, 7, 0)), -4 * HOUR);
	check_instant(tz, "us", MS(utc(2026, 11, 1, 6, 0)) - 1, -4 * HOUR);
	check_instant(tz, "us", MS(utc(2026, 11, 1, 6, 0)), -5 * HOUR);
	tz_free(&tz);
	assert_true(run("rm -rf ", dir, ""));
}

/* Load a file whose footer is FOOTER: it must fail, naming the footer. */
static void
check_bad_footer(const char *dir, const char *footer)
{
	char err[256] = "";
	struct tz *tz;

	write_tzif(dir, "bad", 0, footer);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	tz = tz_load("bad", err, sizeof err);
	assert_int_equal(unsetenv("TZDIR"), 0);
	if (tz != NULL)
		fail_msg("footer \"%s\" accepted", footer);
	assert_non_null(strstr(err, "footer"));
	assert_non_null(strstr(err, "\"bad\""));
}

static void
test_bad_footers(void **state)
{
	static const char *const footers[] = {
		"XX5", "EST", "EST5EDT,M3.2.0", "EST5EDT,M13.1.0,M11.1.0",
		"EST5EDT,M3.0.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
		"EST5EDT,J0,J365", "EST5EDT,366,J1", "EST5EDT,M3.2.0/168,0",
		"EST5EDT,M3.2.0,M11.1.0,", "<EST5", "EST99", "EST5:60",
		"EST5EDT,M3.2.0,M11.1.", "EST5 EDT",
	};
	char dir[] = "/tmp/test-tz-XXXXXX", path[64];

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++)
		check_bad_footer(dir, footers[i]);
	snprintf(path, sizeof path, "%s/bad", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Every truncation of a real file is refused with a message, not misread. */
static void
test_truncated_files(void **state)
{
	char dir[] = "/tmp/test-tz-XXXXXX", path[64], err[256];
	static unsigned char buf[8192];
	size_t size;
	FILE *f;

	assert_non_null(f = fopen(ZONEINFO "/Europe/London", "rb"));
	size = fread(buf, 1, sizeof buf, f);
	fclose(f);
	assert_true(size > 44 && size < sizeof buf);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/cut", dir);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	for (size_t len = 0; len < size; len++) {
		assert_non_null(f = fopen(path, "wb"));
		assert_int_equal(fwrite(buf, 1, len, f), len);
		assert_int_equal(fclose(f), 0);
		err[0] = '\0';
		assert_null(tz_load("cut", err, sizeof err));
		assert_non_null(strstr(err, "\"cut\""));
	}
	assert_int_equal(unsetenv("TZDIR"), 0);
	assert_true(run("rm -rf ", dir, ""));
}

static void
test_missing_zone(void **state)
{
	char err[256] = "";
	struct tz *tz;

	assert_null(tz_load("Nowhere/Atlantis", err, sizeof err));
	assert_non_null(strstr(err, "Nowhere/Atlantis"));
	assert_non_null(strstr(err, "No such file"));
	err[0] = '\0';
	assert_null(tz_load("../../etc/passwd", err, sizeof err));
	assert_non_null(strstr(err, "not a zone name"));
	assert_null(tz_load("", err, sizeof err));
	assert_null(tz_load("/etc/localtime", err, sizeof err));
	assert_null(tz_load("zone.tab", err, sizeof err));
	assert_non_null(strstr(err, "not a TZif file"));
	assert_null(tz_load("Europe", err, sizeof err));
	assert_null(tz_load("Nowhere", NULL, 0));
	/* A leap-second zone would be off by ~27 s: refused, not misread. */
	if (access(ZONEINFO "/right/UTC", R_OK) == 0) {
		assert_null(tz_load("right/UTC", err, sizeof err));
		assert_non_null(strstr(err, "leap"));
	}
	tz = NULL;
	tz_free(&tz);
	tz_free(NULL);
}

static void
test_utc_without_tzdata(void **state)
{
	char dir[] = "/tmp/test-tz-XXXXXX";
	struct tz *tz;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	tz = load("UTC");
	assert_int_equal(unsetenv("TZDIR"), 0);
	assert_string_equal(tz_name(tz), "UTC");
	assert_int_equal(tz_offset(tz, MS(utc(2026, 3, 29, 1, 0))), 0);
	assert_int_equal(tz_day_start(tz, 0, MS(utc(2026, 3, 29, 12, 0)) + 5),
	    MS(utc(2026, 3, 29, 0, 0)));
	assert_int_equal(tz_day_start(tz, 360, MS(utc(2026, 3, 29, 5, 59))),
	    MS(utc(2026, 3, 28, 6, 0)));
	assert_int_equal(tz_day_start(tz, 0, -1), MS(utc(1969, 12, 31, 0, 0)));
	tz_free(&tz);
	assert_null(tz);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * Check that the day (DAY_START minutes) containing T_MS starts at START and
 * the next one at NEXT (UTC seconds).
 */
static void
check_day(const char *zone, int day_start, int64_t t_ms, int64_t start,
    int64_t next)
{
	struct tz *tz = load(zone);
	int64_t got = tz_day_start(tz, day_start, t_ms);

	if (got != MS(start))
		fail_msg("%s %d at %lld: day starts %lld, want %lld", zone,
		    day_start, (long long)t_ms, (long long)got,
		    (long long)MS(start));
	got = tz_next_day_start(tz, day_start, got);
	if (got != MS(next))
		fail_msg("%s %d at %lld: next day %lld, want %lld", zone,
		    day_start, (long long)t_ms, (long long)got,
		    (long long)MS(next));
	tz_free(&tz);
}

static void
test_day_starts_by_hand(void **state)
{
	/* London 2026-03-29: 23 h from 00:00 GMT to 00:00 BST. */
	check_day("Europe/London", 0, MS(utc(2026, 3, 29, 12, 0)),
	    utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0));
	check_day("Europe/London", 0, MS(utc(2026, 3, 29, 23, 0)) - 1,
	    utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0));
	check_day("Europe/London", 0, MS(utc(2026, 3, 29, 23, 0)),
	    utc(2026, 3, 29, 23, 0), utc(2026, 3, 30, 23, 0));
	/* London 2026-10-25: 25 h. */
	check_day("Europe/London", 0, MS(utc(2026, 10, 25, 23, 59)),
	    utc(2026, 10, 24, 23, 0), utc(2026, 10, 26, 0, 0));
	/* Days from 06:00: the short day is the one before the change. */
	check_day("Europe/London", 360, MS(utc(2026, 3, 29, 4, 59)),
	    utc(2026, 3, 28, 6, 0), utc(2026, 3, 29, 5, 0));
	check_day("Europe/London", 360, MS(utc(2026, 3, 29, 5, 0)),
	    utc(2026, 3, 29, 5, 0), utc(2026, 3, 30, 5, 0));
	check_day("Europe/London", 360, MS(utc(2026, 10, 25, 5, 59)),
	    utc(2026, 10, 24, 5, 0), utc(2026, 10, 25, 6, 0));
	/* 01:30 does not exist on 2026-03-29: the day starts 02:00 BST. */
	check_day("Europe/London", 90, MS(utc(2026, 3, 29, 1, 0)),
	    utc(2026, 3, 29, 1, 0), utc(2026, 3, 30, 0, 30));
	check_day("Europe/London", 90, MS(utc(2026, 3, 29, 1, 0)) - 1,
	    utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1, 0));
	/* 01:30 happens twice on 2026-10-25: the first, 01:30 BST. */
	check_day("Europe/London", 90, MS(utc(2026, 10, 25, 1, 45)),
	    utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30));
	/* Midnight did not exist in Sao Paulo on 2018-11-04. */
	check_day("America/Sao_Paulo", 0, MS(utc(2018, 11, 4, 12, 0)),
	    utc(2018, 11, 4, 3, 0), utc(2018, 11, 5, 2, 0));
	/* Lord Howe's 30-minute DST: a 23.5 h day. */
	check_day("Australia/Lord_Howe", 0, MS(utc(2026, 10, 4, 0, 0)),
	    utc(2026, 10, 3, 13, 30), utc(2026, 10, 4, 13, 0));
	/* Chatham: 02:45 is the gap itself on 2026-09-27. */
	check_day("Pacific/Chatham", 165, MS(utc(2026, 9, 26, 14, 0)),
	    utc(2026, 9, 26, 14, 0), utc(2026, 9, 27, 13, 0));
	check_day("Asia/Kolkata", 0, MS(utc(2026, 3, 29, 18, 29)),
	    utc(2026, 3, 28, 18, 30), utc(2026, 3, 29, 18, 30));
	/* Dublin's "winter time" is the DST of its rule: still 23 h here. */
	check_day("Europe/Dublin", 0, MS(utc(2026, 3, 29, 12, 0)),
	    utc(2026, 3, 29, 0, 0), utc(2026, 3, 29, 23, 0));
	/* Samoa skipped 2011-12-30: the 29th is followed by the 31st. */
	check_day("Pacific/Apia", 0, MS(utc(2011, 12, 30, 9, 0)),
	    utc(2011, 12, 29, 10, 0), utc(2011, 12, 30, 10, 0));
	check_day("Pacific/Apia", 0, MS(utc(2011, 12, 30, 10, 0)),
	    utc(2011, 12, 30, 10, 0), utc(2011, 12, 31, 10, 0));
	/* From 01:30 the rule, taken literally, gives the 30th 1.5 h. */
	check_day("Pacific/Apia", 90, MS(utc(2011, 12, 30, 10, 0)),
	    utc(2011, 12, 30, 10, 0), utc(2011, 12, 30, 11, 30));
	/* After 2037, fat files too run on the footer. */
	check_day("Europe/London", 0, MS(utc(2099, 3, 29, 12, 0)),
	    utc(2099, 3, 29, 0, 0), utc(2099, 3, 29, 23, 0));
}

/*
 * True if glibc's local clock passes DAY_START (minutes after midnight)
 * exactly at S: it reads DAY_START there, or jumps over it at S.
 */
static bool
ref_day_begins(int64_t s, int day_start)
{
	int64_t mark = (int64_t)day_start * 60;
	int64_t now = s + ref_offset(s) - mark;
	int64_t before = s - 1 + ref_offset(s - 1) - mark;

	if (now % DAY == 0)
		return true;
	return ref_offset(s) != ref_offset(s - 1) &&
	    now / DAY != before / DAY;
}

/* Fail with the day [S, N) of TZ seen at T and the previous day's end. */
static void
fail_day(const struct tz *tz, int day_start, int64_t t, int64_t s, int64_t n,
    int64_t previous)
{
	fail_msg("%s %d at %lld ms: day [%lld, %lld), previous ended %lld",
	    tz_name(tz), day_start, (long long)t, (long long)s, (long long)n,
	    (long long)previous);
}

/*
 * The days between the end of the previous day seen, PREVIOUS, and the day
 * starting at S (normally none; Samoa's 2011-12-30 is 1.5 h long from 01:30)
 * must chain without gap, each starting where glibc's clock passes
 * DAY_START.
 */
static void
check_days_between(const struct tz *tz, int day_start, int64_t previous,
    int64_t s)
{
	int64_t x = previous;

	while (x < s) {
		if (!ref_day_begins(x / 1000, day_start))
			fail_day(tz, day_start, x, x, 0, previous);
		x = tz_next_day_start(tz, day_start, x);
	}
	if (x != s)
		fail_day(tz, day_start, s, s, 0, previous);
}

/*
 * For T every STEP seconds (less than a day): the day start S <= T < next,
 * days chain without gap or overlap, the days seen last 22 to 26 hours
 * unless the clock jumps by more than 2 h in them (Samoa, 2011-12-30), and
 * glibc's clock passes DAY_START at each S.
 */
static void
check_days(const struct tz *tz, int day_start, int64_t from, int64_t to,
    int64_t step)
{
	int64_t start = 0, next = 0, s, n;

	for (int64_t t = MS(from); t < MS(to); t += MS(step)) {
		s = tz_day_start(tz, day_start, t);
		if (s == start)
			continue;
		n = tz_next_day_start(tz, day_start, s);
		if (!(s <= t && t < n) || !ref_day_begins(s / 1000, day_start))
			fail_day(tz, day_start, t, s, n, next);
		if ((n - s < MS(22 * HOUR) || n - s > MS(26 * HOUR)) &&
		    labs(ref_offset(n / 1000) - ref_offset(s / 1000 - 1)) <=
		    2 * HOUR)
			fail_day(tz, day_start, t, s, n, next);
		if (next != 0)
			check_days_between(tz, day_start, next, s);
		start = s;
		next = n;
	}
}

static void
test_day_properties(void **state)
{
	static const int day_starts[] = { 0, 90, 165, 360, 1439 };

	for (size_t i = 0; i < NZONES; i++) {
		struct tz *tz = load(test_zones[i]);

		ref_zone(test_zones[i]);
		for (size_t j = 0; j < 5; j++)
			check_days(tz, day_starts[j], utc(1975, 1, 1, 0, 0),
			    utc(2101, 1, 1, 0, 0), 9 * HOUR + 7 * 60 + 31);
		tz_free(&tz);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offsets_match_glibc),
		cmocka_unit_test(test_slim_files_match_glibc),
		cmocka_unit_test(test_footer_forms_match_glibc),
		cmocka_unit_test(test_footer_forms_by_hand),
		cmocka_unit_test(test_bad_footers),
		cmocka_unit_test(test_truncated_files),
		cmocka_unit_test(test_missing_zone),
		cmocka_unit_test(test_utc_without_tzdata),
		cmocka_unit_test(test_day_starts_by_hand),
		cmocka_unit_test(test_day_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
