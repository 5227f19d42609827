/*
 * test-report-day.c: a report of a day the engine does not keep, rebuilt
 * from that day's journal file (core/report-day.c), with journals of
 * several days written as the daemon writes them (journal_open/append).
 *
 * Worked by hand (UTC, 2026-11-30 is DA, 2026-12-01 is DB, today 12-04):
 * DA, in state_dir/history/: c1 queued 10:00:00, abandoned 10:00:40 (40 s);
 *   c2 queued 10:05:00, answered 10:05:10 (10 s, within 20 s), ended
 *   10:08:10. Its 10:00-11:00 row for queue:sales: offered 2, answered 1,
 *   answered_in_sl 1, abandoned 1, asa_ms 10000, max_wait_ms 40000.
 * DB, in state_dir/: c9 queued 09:00:00, abandoned 09:00:15: the day's
 *   abandoned list is that one call, waited 15000, caller 1.
 * DC (2026-11-29), in state_dir/history/: c5 queued 11:00:00, answered
 *   11:00:05, ended 11:03:05: its 11:00 row, offered 1, answered 1.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "journal.h"
#include "report.h"
#include "report-days.h"

#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define DA 1795996800000LL      /* 2026-11-30T00:00Z */
#define DB (DA + DAY)
#define TODAY (DA + 4 * DAY)

static char dir[64];

static struct config *
load(void)
{
	char yaml[512];

	snprintf(yaml, sizeof yaml, "site: {timezone: UTC}\nwindows: [15m]\n"
	    "state_dir: %s\nqueues: {sales: {}}\n", dir);
	return load_yaml(dir, yaml);
}

static void
write_days(void)
{
	char hist[96];
	struct journal *j;

	/* WB_REPORT_DAY_DIR: write the days there and keep them, for
	 * tests/history/t-report-day.py to start a real daemon on */
	if (getenv("WB_REPORT_DAY_DIR") != NULL)
		snprintf(dir, sizeof dir, "%s", getenv("WB_REPORT_DAY_DIR"));
	else {
		strcpy(dir, "/tmp/wallboard-rday-XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	snprintf(hist, sizeof hist, "%s/history", dir);
	assert_int_equal(mkdir(hist, 0750), 0);
	j = journal_open(hist, DA, NULL);
	put(j, DA + 10 * HOUR, "\"type\":\"call.queued\",\"call\":\"c1\","
	    "\"queue\":\"sales\",\"caller\":\"h:a\"");
	put(j, DA + 10 * HOUR + 40000, "\"type\":\"call.abandoned\",\"call\":\"c1\","
	    "\"queue\":\"sales\"");
	put(j, DA + 10 * HOUR + 300000, "\"type\":\"call.queued\",\"call\":\"c2\","
	    "\"queue\":\"sales\"");
	put(j, DA + 10 * HOUR + 310000, "\"type\":\"call.answered\",\"call\":\"c2\","
	    "\"agent\":\"a1\"");
	put(j, DA + 10 * HOUR + 490000, "\"type\":\"call.ended\",\"call\":\"c2\","
	    "\"agent\":\"a1\"");
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
	j = journal_open(dir, DB, NULL);
	put(j, DB + 9 * HOUR, "\"type\":\"call.queued\",\"call\":\"c9\","
	    "\"queue\":\"sales\",\"caller\":\"h:b\"");
	put(j, DB + 9 * HOUR + 15000, "\"type\":\"call.abandoned\",\"call\":\"c9\","
	    "\"queue\":\"sales\"");
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
	j = journal_open(hist, DA - DAY, NULL);
	put(j, DA - DAY + 11 * HOUR, "\"type\":\"call.queued\",\"call\":\"c5\","
	    "\"queue\":\"sales\"");
	put(j, DA - DAY + 11 * HOUR + 5000, "\"type\":\"call.answered\",\"call\":\"c5\","
	    "\"agent\":\"a1\"");
	put(j, DA - DAY + 11 * HOUR + 185000, "\"type\":\"call.ended\",\"call\":\"c5\","
	    "\"agent\":\"a1\"");
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
}

/* One report's figure of 2026-11-30 10:00 (offered 2, by hand above). */
static bool
offered_two(struct engine *e, const char *day, char *err, size_t errlen)
{
	struct report_text t = { 0 };
	struct report_request rq = { .format = REPORT_JSON,
	    .mono_ms = fake_clock };
	bool ok = report_answer_any_day(e, day, "60m", &rq, &t, err, errlen);

	if (ok)
		assert_non_null(strstr(t.buf, "\"offered\":2,"));
	free(t.buf);
	return ok;
}

/* The day rebuilt is kept for the next report of it; another day waits
 * history.rebuild_every; a reload (report_day_forget) drops the one kept. */
static void
test_report_day_kept(void **state)
{
	struct report_day_stats a, b;
	struct config *c;
	struct engine *e;
	char err[512];

	(void)state;
	c = load();
	c->history_rebuild_every_ms = 60000;
	e = engine_new(c, TODAY + 12 * HOUR);
	fake_now += 3600000;    /* an hour after any earlier test's rebuild */
	report_day_stats(&a);
	assert_true(offered_two(e, "2026-11-30", err, sizeof err));
	for (int i = 0; i < 5; i++)
		assert_true(offered_two(e, "2026-11-30", err, sizeof err));
	report_day_stats(&b);
	assert_int_equal(b.rebuilt - a.rebuilt, 1);
	assert_int_equal(b.kept - a.kept, 5);
	/* 15 s on: another day waits 45 s more (a flood of 100 of them) */
	fake_now += 15000;
	for (int i = 0; i < 100; i++) {
		assert_false(offered_two(e, i % 2 ? "2026-12-01" : "2026-11-29", err,
		    sizeof err));
		assert_non_null(strstr(err, "busy: another day was rebuilt from "
		    "its journal 15 s ago (history.rebuild_every): try again in "
		    "45 s"));
	}
	report_day_stats(&a);
	assert_int_equal(a.refused - b.refused, 100);
	assert_int_equal(a.rebuilt, b.rebuilt);
	/* what the limit holds back is a rebuild, not the day kept */
	assert_true(offered_two(e, "2026-11-30", err, sizeof err));
	/* a reload drops it: the same day is then a rebuild, refused now */
	report_day_forget();
	assert_false(offered_two(e, "2026-11-30", err, sizeof err));
	/* 60 s after the rebuild, another one goes */
	fake_now += 44999;
	assert_false(offered_two(e, "2026-11-30", err, sizeof err));
	assert_non_null(strstr(err, "try again in 1 s"));
	fake_now += 1;
	assert_true(offered_two(e, "2026-11-30", err, sizeof err));
	report_day_stats(&b);
	assert_int_equal(b.rebuilt, a.rebuilt + 1);
	report_day_forget();
	engine_free(&e);
	config_free(&c);
}

static void
test_report_day_rebuilt_from_journal(void **state)
{
	struct config *c;
	struct engine *e;
	struct report_text t = { 0 };
	struct report_request rq = { .format = REPORT_JSON };
	char err[512], *row;

	(void)state;
	c = load();
	c->history_rebuild_every_ms = 0;        /* test_report_day_kept's */
	e = engine_new(c, TODAY + 12 * HOUR);
	assert_true(report_answer_any_day(e, "2026-11-30", "60m", &rq, &t, err,
	    sizeof err));
	row = row_of(t.buf, "\"queue:sales\"", DA + 10 * HOUR);
	assert_non_null(row);
	assert_non_null(strstr(row, "\"end\":1796036400000,"));
	assert_non_null(strstr(row, "\"offered\":2,"));
	assert_non_null(strstr(row, "\"answered\":1,"));
	assert_non_null(strstr(row, "\"answered_in_sl\":1,"));
	assert_non_null(strstr(row, "\"abandoned\":1,"));
	assert_non_null(strstr(row, "\"asa_ms\":10000,"));
	assert_non_null(strstr(row, "\"max_wait_ms\":40000,"));
	free(row);
	/* nothing of the other day leaks in */
	assert_null(row_of(t.buf, "\"queue:sales\"", DB + 8 * HOUR));
	free(t.buf);

	memset(&t, 0, sizeof t);
	rq = (struct report_request){ .format = REPORT_JSON,
	    .kind = REPORT_ABANDONED };
	assert_true(report_answer_any_day(e, "2026-12-01", NULL, &rq, &t, err,
	    sizeof err));
	assert_non_null(strstr(t.buf, "\"call\":\"c9\""));
	assert_non_null(strstr(t.buf, "\"waited_ms\":15000,"));
	assert_non_null(strstr(t.buf, "\"caller\":1,"));
	assert_null(strstr(t.buf, "c1"));
	assert_null(strstr(t.buf, "h:b"));
	free(t.buf);

	/* a day without a journal, and one too big to replay */
	memset(&t, 0, sizeof t);
	rq = (struct report_request){ .format = REPORT_JSON };
	assert_false(report_answer_any_day(e, "2026-11-20", NULL, &rq, &t, err,
	    sizeof err));
	assert_non_null(strstr(err, "not kept"));
	free(t.buf);
	c->history_rebuild_max_bytes = 10;
	memset(&t, 0, sizeof t);
	assert_false(report_answer_any_day(e, "2026-11-30", NULL, &rq, &t, err,
	    sizeof err));
	assert_non_null(strstr(err, "rebuild_max_bytes"));
	free(t.buf);
	report_day_forget();
	engine_free(&e);
	config_free(&c);
}

/* The two days' journals, for every test of the group. */
static int
setup(void **state)
{
	(void)state;
	write_days();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return remove_days(dir, "WB_REPORT_DAY_DIR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_day_rebuilt_from_journal),
		cmocka_unit_test(test_report_day_kept),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
