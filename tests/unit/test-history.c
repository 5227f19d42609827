/*
 * test-history.c: the day's intervals (core/history.h).
 *
 * Sums are made up by hand here; that a 15-minute slot is the engine's
 * window at the boundary is tested end to end in tests/history/.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "history.h"

#define Q HISTORY_BASE_MS
#define DAY0 1000000000000LL    /* a day start, any */

static struct kpi_sums
sums(int64_t answered, int64_t wait_ms, int64_t max_wait, int64_t ready_ms)
{
	struct kpi_sums s = { 0 };

	s.n[KS_ANSWERED] = answered;
	s.n[KS_WAIT_ANSWERED_MS] = wait_ms;
	s.time_ms[KT_READY] = ready_ms;
	s.max_wait_ms = max_wait;
	return s;
}

/* 30 and 60 minutes add their quarters; the longest wait is the most. */
static void
test_history_longer_intervals_add_quarters(void **state)
{
	struct history *h = history_new(DAY0, DAY0 + 24 * 4 * Q);
	struct kpi_sums a = sums(3, 30000, 12000, Q), b = sums(2, 8000, 20000, Q);
	struct kpi_sums c = sums(0, 0, -1, 2 * Q), out;

	history_record(h, 1, DAY0 + Q, &a);
	history_record(h, 1, DAY0 + 2 * Q, &b);
	history_record(h, 1, DAY0 + 3 * Q, &c);
	assert_true(history_sums(h, 1, DAY0 + 2 * Q, 2 * Q, &out));
	assert_int_equal(out.n[KS_ANSWERED], 5);
	assert_int_equal(out.n[KS_WAIT_ANSWERED_MS], 38000);
	assert_int_equal(out.max_wait_ms, 20000);
	/* 60 minutes ending at 1h: the fourth quarter was never recorded */
	assert_true(history_sums(h, 1, DAY0 + 4 * Q, 4 * Q, &out));
	assert_int_equal(out.n[KS_ANSWERED], 5);
	assert_int_equal(out.time_ms[KT_READY], 4 * Q);
	assert_true(history_staffed_avg(&out, 4 * Q) == 1.0);
	/* a quarter alone */
	assert_true(history_sums(h, 1, DAY0 + 3 * Q, Q, &out));
	assert_int_equal(out.max_wait_ms, -1);
	/* scope 0 was never recorded; 45 minutes is not an interval */
	assert_false(history_sums(h, 0, DAY0 + 2 * Q, 2 * Q, &out));
	assert_false(history_sums(h, 1, DAY0 + 3 * Q, 3 * Q, &out));
	assert_int_equal(history_last_end(h), DAY0 + 3 * Q);
	history_free(&h);
	assert_null(h);
	history_free(&h);
}

/* Ends off the day's grid, or outside it, are not kept. */
static void
test_history_ignores_ends_off_the_grid(void **state)
{
	struct history *h = history_new(DAY0, DAY0 + 92 * Q);  /* 23 hours */
	struct kpi_sums a = sums(1, 0, 0, 0), out;

	history_record(h, 0, DAY0, &a);
	history_record(h, 0, DAY0 + Q + 1, &a);
	history_record(h, 0, DAY0 + 93 * Q, &a);
	assert_int_equal(history_last_end(h), 0);
	history_record(h, 0, DAY0 + 92 * Q, &a);   /* the day's last */
	assert_true(history_sums(h, 0, DAY0 + 92 * Q, 4 * Q, &out));
	assert_int_equal(out.n[KS_ANSWERED], 1);
	history_free(&h);
}

/* The next day keeps the one before; a day after a gap forgets it. */
static void
test_history_keeps_the_day_before(void **state)
{
	int64_t d1 = DAY0 + 96 * Q, d2 = d1 + 100 * Q, start, end;
	struct history *h = history_new(DAY0, d1);
	struct kpi_sums a = sums(7, 0, 0, 0), b = sums(2, 0, 0, 0), out;

	history_record(h, 2, d1, &a);
	history_day(h, d1, d2);
	history_record(h, 2, d1 + Q, &b);
	assert_true(history_day_of(h, d1 - 1, &start, &end));
	assert_int_equal(start, DAY0);
	assert_int_equal(end, d1);
	assert_true(history_sums(h, 2, d1, Q, &out));
	assert_int_equal(out.n[KS_ANSWERED], 7);
	assert_true(history_sums(h, 2, d1 + Q, Q, &out));
	assert_int_equal(out.n[KS_ANSWERED], 2);
	history_day(h, d2 + 96 * Q, d2 + 192 * Q);         /* a day skipped */
	assert_false(history_day_of(h, d1 - 1, &start, &end));
	assert_false(history_sums(h, 2, d1, Q, &out));
	assert_false(history_sums(h, 2, d1 + Q, Q, &out));
	assert_true(history_memory(h) > 0);
	history_free(&h);
}

/* The abandoned list: per day, bounded, rotated with the day, dropped
 * calls counted (today's and in all). */
static void
test_history_abandons(void **state)
{
	const int64_t d1 = DAY0 + 96 * Q, d2 = d1 + 96 * Q;
	struct history *h = history_new(DAY0, d1);
	const struct history_abandon *l;
	size_t n;
	uint64_t dropped;

	(void)state;
	history_set_abandon_max(h, 2);
	history_abandon(h, DAY0 + 1000, 1, 30000, "c1", 42, false);
	history_abandon(h, DAY0 + 2000, 2, 4000, "c2", 0, true);
	history_abandon(h, DAY0 + 3000, 1, 9000, "c3", 42, false);
	l = history_abandons(h, DAY0 + 5000, &n, &dropped);
	assert_int_equal(n, 2);
	assert_int_equal(dropped, 1);
	assert_string_equal(l[0].call, "c1");
	assert_int_equal(l[0].wait_ms, 30000);
	assert_int_equal(l[0].caller, 42);
	assert_string_equal(l[1].call, "c2");
	assert_true(l[1].short_abandon);
	history_day(h, d1, d2);                 /* today becomes yesterday */
	history_abandon(h, d1 + 10, 1, 1, "c4", 7, false);
	history_abandon(h, d1 - 10, 1, 1, "late", 7, false); /* yesterday full */
	l = history_abandons(h, d1 - 1, &n, &dropped);
	assert_int_equal(n, 2);
	assert_int_equal(dropped, 2);
	l = history_abandons(h, d1, &n, &dropped);
	assert_int_equal(n, 1);
	assert_int_equal(dropped, 0);
	assert_string_equal(l[0].call, "c4");
	assert_int_equal(history_abandons_dropped(h), 2);
	history_day(h, d2 + 96 * Q, d2 + 192 * Q);         /* a day skipped */
	assert_null(history_abandons(h, d1, &n, &dropped));
	assert_int_equal(n, 0);
	history_free(&h);
}

/* Every field kept exactly, whatever its size or sign (slots are packed):
 * each slot read back alone equals what was recorded, field by field. */
static void
test_history_keeps_every_field_exactly(void **state)
{
	static const int64_t odd[] = { 0, 1, -1, 63, 64, -64, -65, 127, 128,
	    16383, 16384, 900000, 4294967295LL, 4294967296LL, INT64_MAX,
	    INT64_MIN, INT64_MIN + 1, -900000 };
	const size_t n_odd = sizeof odd / sizeof odd[0];
	struct history *h = history_new(DAY0, DAY0 + 25 * 4 * Q);
	struct kpi_sums want[HISTORY_MAX_BASE], out;

	(void)state;
	for (size_t k = 0; k < HISTORY_MAX_BASE; k++) {
		memset(&want[k], 0, sizeof want[k]);
		for (size_t f = 0; f < KS_COUNT; f++)
			want[k].n[f] = odd[(k * 7 + f * 3) % n_odd];
		for (size_t f = 0; f < KT_COUNT; f++)
			want[k].time_ms[f] = odd[(k * 5 + f) % n_odd];
		want[k].max_wait_ms = odd[(k * 11) % n_odd];
		if (k % 9 == 0)         /* a quiet quarter: all 0, no wait */
			want[k] = sums(0, 0, -1, 0);
		/* two scopes, recorded interleaved */
		history_record(h, 0, DAY0 + (int64_t)(k + 1) * Q, &want[k]);
		history_record(h, 5, DAY0 + (int64_t)(k + 1) * Q, &want[k]);
	}
	for (size_t k = 0; k < HISTORY_MAX_BASE; k++)
		for (size_t sc = 0; sc <= 5; sc += 5) {
			assert_true(history_sums(h, sc, DAY0 + (int64_t)(k + 1) * Q,
			    Q, &out));
			for (size_t f = 0; f < KS_COUNT; f++)
				assert_true(out.n[f] == want[k].n[f]);
			for (size_t f = 0; f < KT_COUNT; f++)
				assert_true(out.time_ms[f] == want[k].time_ms[f]);
			assert_true(out.max_wait_ms == (want[k].max_wait_ms < -1 ?
			    -1 : want[k].max_wait_ms));
		}
	/* the scopes between were never recorded */
	assert_false(history_sums(h, 3, DAY0 + Q, Q, &out));
	history_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_longer_intervals_add_quarters),
		cmocka_unit_test(test_history_ignores_ends_off_the_grid),
		cmocka_unit_test(test_history_keeps_the_day_before),
		cmocka_unit_test(test_history_abandons),
		cmocka_unit_test(test_history_keeps_every_field_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
