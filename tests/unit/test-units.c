/*
 * test-units.c: the config's value syntaxes (core/units.c). Expected values
 * are worked out by hand: 1m = 60000 ms, 1h = 3600000, 1d = 86400000.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "units.h"

/* A parse that must succeed with this value. */
static void
expect_duration(const char *s, int64_t ms)
{
	int64_t out = -1;

	if (!units_parse_duration(s, &out))
		fail_msg("'%s' refused", s);
	assert_int_equal(out, ms);
}

/* A parse that must fail and leave the output alone. */
static void
refuse_duration(const char *s)
{
	int64_t out = 12345;

	if (units_parse_duration(s, &out))
		fail_msg("'%s' accepted", s);
	assert_int_equal(out, 12345);
}

static void
test_duration_units(void **state)
{
	expect_duration("500ms", 500);
	expect_duration("20s", 20000);
	expect_duration("15m", 900000);
	expect_duration("24h", 86400000);
	expect_duration("1d", 86400000);
	expect_duration("0s", 0);
	expect_duration("0ms", 0);
	expect_duration("007s", 7000);
}

static void
test_duration_compound(void **state)
{
	expect_duration("1h30m", 5400000);
	expect_duration("1d1h", 90000000);
	expect_duration("2m30s", 150000);
	expect_duration("1s500ms", 1500);
	expect_duration("1d2h3m4s5ms", 86400000 + 7200000 + 180000 + 4000 + 5);
	/* A group may exceed the next unit up: still one reading. */
	expect_duration("1h90m", 9000000);
}

static void
test_duration_refused(void **state)
{
	refuse_duration(NULL);
	refuse_duration("");
	refuse_duration("20");		/* seconds or ms? */
	refuse_duration("s");
	refuse_duration("20x");
	refuse_duration("20S");
	refuse_duration("1.5s");
	refuse_duration("-5s");
	refuse_duration("+5s");
	refuse_duration(" 20s");
	refuse_duration("20s ");
	refuse_duration("1h 30m");
	refuse_duration("30m1h");	/* smallest first */
	refuse_duration("1m1m");	/* a unit twice */
	refuse_duration("1h30");	/* a trailing number without unit */
	refuse_duration("5sec");
}

static void
test_duration_overflow(void **state)
{
	expect_duration("9223372036854775807ms", INT64_MAX);
	refuse_duration("9223372036854775808ms");
	refuse_duration("99999999999999999999s");
	/* INT64_MAX ms is 106751991167 days and a bit. */
	refuse_duration("106751991168d");
	expect_duration("106751991167d", INT64_C(106751991167) * 86400000);
	refuse_duration("106751991167d8h");
	expect_duration("106751991167d7h", INT64_C(106751991167) * 86400000 +
	    7 * 3600000);
}

static void
expect_share(const char *s, double v)
{
	double out = -1;

	if (!units_parse_share(s, &out))
		fail_msg("'%s' refused", s);
	assert_float_equal(out, v, 1e-12);
}

static void
refuse_share(const char *s)
{
	double out = 42;

	if (units_parse_share(s, &out))
		fail_msg("'%s' accepted", s);
	assert_float_equal(out, 42, 0);
}

static void
test_share(void **state)
{
	expect_share("80%", 0.8);
	expect_share("80.5%", 0.805);
	expect_share("0.8", 0.8);
	expect_share("0", 0);
	expect_share("1", 1);
	expect_share("1.0", 1);
	expect_share("0%", 0);
	expect_share("100%", 1);
	expect_share("100.0%", 1);
	expect_share("0.05%", 0.0005);
}

static void
test_share_refused(void **state)
{
	refuse_share(NULL);
	refuse_share("");
	refuse_share("%");
	refuse_share("80");		/* a bare 80 is not 80% */
	refuse_share("120%");
	refuse_share("100.1%");
	refuse_share("1.01");
	refuse_share("-0.1");
	refuse_share("-0%");
	refuse_share(".8");
	refuse_share("8.%");
	refuse_share("0.8.5");
	refuse_share("80 %");
	refuse_share(" 0.8");
	refuse_share("80%%");
	refuse_share("inf");
	refuse_share("nan");
	refuse_share("0x1");
	refuse_share("1e-1");
}

static void
expect_clock(const char *s, int minutes)
{
	int out = -1;

	if (!units_parse_clock(s, &out))
		fail_msg("'%s' refused", s);
	assert_int_equal(out, minutes);
}

static void
refuse_clock(const char *s)
{
	int out = 777;

	if (units_parse_clock(s, &out))
		fail_msg("'%s' accepted", s);
	assert_int_equal(out, 777);
}

static void
test_clock(void **state)
{
	expect_clock("00:00", 0);
	expect_clock("07:30", 450);
	expect_clock("12:05", 725);
	expect_clock("23:59", 1439);

	refuse_clock(NULL);
	refuse_clock("");
	refuse_clock("24:00");
	refuse_clock("12:60");
	refuse_clock("7:30");
	refuse_clock("07:3");
	refuse_clock("0730");
	refuse_clock("07:30:00");
	refuse_clock(" 7:30");
	refuse_clock("07:30 ");
	refuse_clock("ab:cd");
	refuse_clock("07-30");
	refuse_clock("-1:30");
}

static void
expect_format(int64_t ms, const char *text)
{
	char buf[32];

	assert_ptr_equal(units_format_duration(ms, buf, sizeof buf), buf);
	assert_string_equal(buf, text);
}

static void
test_format(void **state)
{
	expect_format(900000, "15m");
	expect_format(90000, "90s");
	expect_format(5400000, "1h30m");
	expect_format(250, "250ms");
	expect_format(0, "0s");
	expect_format(1000, "1s");
	expect_format(1500, "1500ms");
	expect_format(60000, "1m");
	expect_format(3600000, "1h");
	expect_format(86400000, "1d");
	expect_format(90000000, "1d1h");
	expect_format(86400000 + 60000, "1d1m");
	expect_format(31 * INT64_C(86400000), "31d");
	expect_format(-20000, "-20s");
	expect_format(INT64_MAX, "9223372036854775807ms");
	expect_format(INT64_MIN, "-9223372036854775808ms");
}

/* Whatever is written reads back as the same value. */
static void
test_format_round_trip(void **state)
{
	static const int64_t values[] = {
		0, 1, 999, 1000, 59000, 60000, 61000, 3599000, 3600000,
		5400000, 86399999, 86400000, 90061001, 31 * INT64_C(86400000),
		INT64_MAX,
	};
	char buf[32];
	int64_t back;

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		units_format_duration(values[i], buf, sizeof buf);
		assert_true(units_parse_duration(buf, &back));
		assert_int_equal(back, values[i]);
	}
}

static void
test_format_small_buffer(void **state)
{
	char buf[8] = "xxxxxxx";

	/* Truncated, still terminated, never written past len. */
	units_format_duration(5400000, buf, 3);
	assert_string_equal(buf, "1h");
	assert_int_equal(buf[3], 'x');
	units_format_duration(250, buf, 2);
	assert_string_equal(buf, "2");
	/* len 0: nothing written. */
	memcpy(buf, "abc", 4);
	units_format_duration(250, buf, 0);
	assert_string_equal(buf, "abc");
}

static void
test_size(void **state)
{
	char buf[32];
	int64_t v = -1;

	assert_true(units_parse_size("1MiB", &v));
	assert_int_equal(v, 1048576);
	assert_true(units_parse_size("64KiB", &v));
	assert_int_equal(v, 65536);
	assert_true(units_parse_size("3GiB", &v));
	assert_int_equal(v, 3221225472LL);
	assert_true(units_parse_size("100B", &v));
	assert_int_equal(v, 100);
	/* one reading only: no bare numbers, no decimal units, no spaces,
	 * no fractions, nothing past 2^62 */
	v = 7;
	assert_false(units_parse_size("1048576", &v));
	assert_false(units_parse_size("1MB", &v));
	assert_false(units_parse_size("1 MiB", &v));
	assert_false(units_parse_size("1.5MiB", &v));
	assert_false(units_parse_size("-1MiB", &v));
	assert_false(units_parse_size("4294967297GiB", &v));
	assert_false(units_parse_size("", &v));
	assert_int_equal(v, 7);
	assert_string_equal(units_format_size(1048576, buf, sizeof buf), "1MiB");
	assert_string_equal(units_format_size(65536, buf, sizeof buf), "64KiB");
	assert_string_equal(units_format_size(1000, buf, sizeof buf), "1000B");
	assert_string_equal(units_format_size(0, buf, sizeof buf), "0B");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_compound),
		cmocka_unit_test(test_duration_refused),
		cmocka_unit_test(test_duration_overflow),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_share_refused),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
