/*
 * test-report-agents.c: agents' rows beside their team (issue 19 part 4,
 * docs/history.md "Individual figures"), from a day's journal written by
 * hand (journal_open/append, as the daemon writes it) and rebuilt
 * (core/report-day.c): the only route to agents' figures.
 *
 * The day, 2026-11-30 (UTC; DA is its midnight), team T = a1, a2, queue
 * sales. Both agents start offline (the config names them).
 *   10:00:00 a1 ready ("Ann"), a2 ready ("Bob")
 *   10:02:00 c1 queued; 10:02:30 a1 answers; 10:06:30 c1 ends, resolved;
 *            a1 wrap at 10:06:30; ready 10:08:30; away 10:20; offline 10:25
 *   10:05:00 c2 queued; 10:05:20 a2 answers; 10:09:20 c2 ends, resolved
 *            false; a2 wrap at 10:09:20; ready 10:10:20; offline 10:30
 *   10:12:00 survey of c1, 5 (a1's: good); 10:13:00 survey of c2, 3 (a2's)
 * Worked by hand, 10:00-10:15:
 *   a1: ready 150 s (10:00-10:02:30) + 390 s (10:08:30-10:15) = 540000;
 *       busy 240000; wrap 120000; away 0; handled 1, talk 240000;
 *       aht (240000 + 120000) / 1 = 360000; occupancy 360 / 900 = 0.4;
 *       fcr 1/1 = 1; csat 1/1 = 1, csat_avg 5, surveys 1.
 *   a2: ready 320 s + 280 s = 600000; busy 240000; wrap 60000; handled 1;
 *       aht 300000; occupancy 300 / 900 = 1/3; fcr 0/1 = 0; csat 0/1 = 0,
 *       csat_avg 3.
 *   team T: handled 2, talk 480000, wrap 180000: aht 660000 / 2 = 330000;
 *       occupancy (480 + 180) / (480 + 180 + 1140) = 660 / 1800 = 11/30;
 *       fcr 1/2; csat 1/2.
 * 10:15-10:30: a1 ready 300000, away 300000, handled 0 (aht, fcr, csat
 *   null), occupancy 0; a2 ready 900000, occupancy 0.
 * The day (interval "day", 00:00-24:00): a1 ready 840000, busy 240000, wrap
 *   120000, away 300000, aht 360000, occupancy 360 / 1200 = 0.3; team T
 *   occupancy 660 / (660 + 1140 + 300 + 900) = 660 / 3000 = 0.22.
 * Targets: defaults aht 5m, occupancy 85%, fcr 70%, csat 80%; team T's own
 *   csat 90%: 300000, 0.85, 0.7, 0.9.
 * As today with the live clock at 10:20: a1's 10:00 row as above, as_of
 *   10:20, no 10:15 row; at 10:40 (rebuilt): its 10:15 row, away 300000.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "journal.h"
#include "report.h"
#include "report-days.h"

#define MIN 60000LL
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define DA 1795996800000LL      /* 2026-11-30T00:00Z */
#define TEN (DA + 10 * HOUR)
#define TODAY (DA + 4 * DAY)

static char dir[64];

static struct config *
load(void)
{
	char yaml[1024];

	snprintf(yaml, sizeof yaml, "site: {timezone: UTC}\nwindows: [15m]\n"
	    "state_dir: %s\nqueues: {sales: {}}\n"
	    "defaults: {targets: {aht: 5m, occupancy: 85%%, fcr: 70%%, "
	    "csat: 80%%}}\n"
	    "teams: {T: {agents: [a1, a2], targets: {csat: 90%%}}}\n", dir);
	return load_yaml(dir, yaml);
}

#define S "\"type\":\"agent.state\",\"agent\":"

static void
write_day(void)
{
	char hist[96];
	struct journal *j;

	/* WB_REPORT_AGENTS_DIR: write the day there and keep it, for
	 * tests/history/t-report-agents.py to start a real daemon on */
	if (getenv("WB_REPORT_AGENTS_DIR") != NULL)
		snprintf(dir, sizeof dir, "%s", getenv("WB_REPORT_AGENTS_DIR"));
	else {
		strcpy(dir, "/tmp/wallboard-ragents-XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	/* in history/, where a day gone by is kept: a daemon started on
	 * this state_dir does not take it for the day it is in */
	snprintf(hist, sizeof hist, "%s/history", dir);
	assert_int_equal(mkdir(hist, 0750), 0);
	j = journal_open(hist, DA, NULL);
	put(j, TEN, S "\"a1\",\"state\":\"ready\",\"name\":\"Ann\"");
	put(j, TEN, S "\"a2\",\"state\":\"ready\",\"name\":\"Bob\"");
	put(j, TEN + 2 * MIN, "\"type\":\"call.queued\",\"call\":\"c1\","
	    "\"queue\":\"sales\"");
	put(j, TEN + 2 * MIN + 30000, "\"type\":\"call.answered\",\"call\":\"c1\","
	    "\"agent\":\"a1\"");
	put(j, TEN + 5 * MIN, "\"type\":\"call.queued\",\"call\":\"c2\","
	    "\"queue\":\"sales\"");
	put(j, TEN + 5 * MIN + 20000, "\"type\":\"call.answered\",\"call\":\"c2\","
	    "\"agent\":\"a2\"");
	put(j, TEN + 6 * MIN + 30000, "\"type\":\"call.ended\",\"call\":\"c1\","
	    "\"agent\":\"a1\",\"resolved\":true");
	put(j, TEN + 6 * MIN + 30000, S "\"a1\",\"state\":\"wrap\"");
	put(j, TEN + 8 * MIN + 30000, S "\"a1\",\"state\":\"ready\"");
	put(j, TEN + 9 * MIN + 20000, "\"type\":\"call.ended\",\"call\":\"c2\","
	    "\"agent\":\"a2\",\"resolved\":false");
	put(j, TEN + 9 * MIN + 20000, S "\"a2\",\"state\":\"wrap\"");
	put(j, TEN + 10 * MIN + 20000, S "\"a2\",\"state\":\"ready\"");
	put(j, TEN + 12 * MIN, "\"type\":\"survey\",\"call\":\"c1\",\"csat\":5");
	put(j, TEN + 13 * MIN, "\"type\":\"survey\",\"call\":\"c2\",\"csat\":3");
	put(j, TEN + 20 * MIN, S "\"a1\",\"state\":\"away\"");
	put(j, TEN + 25 * MIN, S "\"a1\",\"state\":\"offline\"");
	put(j, TEN + 30 * MIN, S "\"a2\",\"state\":\"offline\"");
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
}

/* The number after "key": in a row; NAN for null or none. */
static double
num(const char *row, const char *key)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof want, "\"%s\":", key);
	if ((p = strstr(row, want)) == NULL || strncmp(p + strlen(want),
	    "null", 4) == 0)
		return NAN;
	return strtod(p + strlen(want), NULL);
}

#define assert_num(row, key, v) do {					\
	double got_ = num(row, key);					\
	if (!(fabs(got_ - (v)) < 1e-9)) {				\
		fprintf(stderr, "%s: %.12g, want %.12g\n", key, got_,	\
		    (double)(v));					\
		fail();							\
	}								\
} while (0)

/* A row's figures as worked out by hand; NAN: null. */
struct want {
	const char *key;
	double v;
};

static void
expect_row(const char *row, const struct want *w)
{
	for (; w->key != NULL; w++) {
		if (isnan(w->v))
			assert_true(isnan(num(row, w->key)));
		else
			assert_num(row, w->key, w->v);
	}
}

static void
test_report_agents_rows(void **state)
{
	struct config *c;
	struct engine *e;
	struct report_text t = { 0 };
	struct report_request rq = { .format = REPORT_JSON, .team = "T" };
	char err[512], *row;

	(void)state;
	c = load();
	c->history_rebuild_every_ms = 0;
	e = engine_new(c, TODAY + 12 * HOUR);
	assert_true(report_answer_any_day(e, "2026-11-30", "15m", &rq, &t, err,
	    sizeof err));
	assert_int_equal(rq.kind, REPORT_AGENTS);
	assert_non_null(row = row_of(t.buf, "\"agent:a1\"", TEN));
	assert_non_null(strstr(row, "\"agent\":\"a1\",\"name\":\"Ann\","
	    "\"team\":\"T\","));
	expect_row(row, (const struct want[]){ { "end", TEN + 15 * MIN },
	    { "handled", 1 }, { "talk_ms", 240000 }, { "wrap_ms", 120000 },
	    { "aht_ms", 360000 }, { "ready_ms", 540000 }, { "busy_ms", 240000 },
	    { "away_ms", 0 }, { "occupancy", 0.4 }, { "fcr", 1 }, { "csat", 1 },
	    { "csat_avg", 5 }, { "surveys", 1 }, { "team_aht_ms", 330000 },
	    { "team_occupancy", 11.0 / 30 }, { "team_fcr", 0.5 },
	    { "team_csat", 0.5 }, { "target_aht_ms", 300000 },
	    { "target_occupancy", 0.85 }, { "target_fcr", 0.7 },
	    { "target_csat", 0.9 }, { NULL, 0 } });
	free(row);
	assert_non_null(row = row_of(t.buf, "\"agent:a2\"", TEN));
	expect_row(row, (const struct want[]){ { "handled", 1 },
	    { "aht_ms", 300000 }, { "ready_ms", 600000 }, { "busy_ms", 240000 },
	    { "wrap_ms", 60000 }, { "occupancy", 1.0 / 3 }, { "fcr", 0 },
	    { "csat", 0 }, { "csat_avg", 3 }, { "team_aht_ms", 330000 },
	    { NULL, 0 } });
	free(row);
	assert_non_null(row = row_of(t.buf, "\"agent:a1\"", TEN + 15 * MIN));
	expect_row(row, (const struct want[]){ { "handled", 0 },
	    { "aht_ms", NAN }, { "fcr", NAN }, { "csat", NAN },
	    { "ready_ms", 300000 }, { "away_ms", 300000 }, { "occupancy", 0 },
	    { NULL, 0 } });
	free(row);
	assert_non_null(row = row_of(t.buf, "\"agent:a2\"", TEN + 15 * MIN));
	assert_num(row, "ready_ms", 900000);
	free(row);
	/* nothing before 10:00 or after 10:30: offline all the while */
	assert_null(row_of(t.buf, "\"agent:a1\"", TEN - 15 * MIN));
	assert_null(row_of(t.buf, "\"agent:a2\"", TEN + 30 * MIN));
	free(t.buf);

	/* the day, one row per agent */
	memset(&t, 0, sizeof t);
	rq = (struct report_request){ .format = REPORT_JSON,
	    .scopes = (char *[]){ "agent:a1" }, .n_scopes = 1 };
	assert_true(report_answer_any_day(e, "2026-11-30", "day", &rq, &t, err,
	    sizeof err));
	assert_non_null(row = row_of(t.buf, "\"agent:a1\"", DA));
	expect_row(row, (const struct want[]){ { "end", DA + DAY },
	    { "ready_ms", 840000 }, { "busy_ms", 240000 }, { "wrap_ms", 120000 },
	    { "away_ms", 300000 }, { "aht_ms", 360000 }, { "occupancy", 0.3 },
	    { "team_occupancy", 0.22 }, { "team_aht_ms", 330000 },
	    { NULL, 0 } });
	free(row);
	assert_null(strstr(t.buf, "agent:a2"));
	assert_null(strchr(strchr(t.buf, '\n') + 1, '\n'));   /* one row */
	free(t.buf);

	/* CSV: a header, then the same figures */
	memset(&t, 0, sizeof t);
	rq = (struct report_request){ .format = REPORT_CSV,
	    .scopes = (char *[]){ "agent:a*" }, .n_scopes = 1 };
	assert_true(report_answer_any_day(e, "2026-11-30", "30m", &rq, &t, err,
	    sizeof err));
	assert_true(strncmp(t.buf, "scope,agent,name,team,start,end,as_of,"
	    "handled,talk_ms,wrap_ms,aht_ms,", 60) == 0);
	/* a1's 10:00-10:30: ready 840000, busy 240000, wrap 120000, away
	 * 300000, aht 360000, occupancy 0.3, fcr 1, csat 1 */
	assert_non_null(strstr(t.buf, "\r\nagent:a1,a1,Ann,T,1796032800000,"
	    "1796034600000,1796083200000,1,240000,120000,360000,840000,240000,"
	    "300000,0.3,1,1,5,1,"));
	free(t.buf);

	/* "day" is for agents only */
	memset(&t, 0, sizeof t);
	rq = (struct report_request){ .format = REPORT_JSON };
	assert_false(report_answer_any_day(e, "2026-11-30", "day", &rq, &t, err,
	    sizeof err));
	assert_non_null(strstr(err, "15m, 30m or 60m"));
	free(t.buf);
	report_day_forget();
	engine_free(&e);
	config_free(&c);
}

/* Today's agent rows, the live clock at `live`, into a fresh text. */
static char *
today(struct engine *e, char *err, size_t errlen)
{
	struct report_text t = { 0 };
	struct report_request rq = { .format = REPORT_JSON, .team = "T",
	    .mono_ms = fake_clock };

	assert_true(report_answer_any_day(e, NULL, "15m", &rq, &t, err,
	    errlen));
	return t.buf;
}

/* The live engine keeps no agent's figures: an agent report of today is a
 * rebuild of today's journal, up to the live clock; that rebuild is used
 * again while younger than history.rebuild_every, though the file grows. */
static void
test_report_agents_today(void **state)
{
	struct config *c;
	struct engine *e;
	struct report_day_stats a, b;
	struct timespec later[2] = { { .tv_nsec = UTIME_NOW },
	    { .tv_nsec = UTIME_NOW } };
	char err[512], *text, *row, file[160];

	(void)state;
	c = load();
	c->history_rebuild_every_ms = 60000;
	/* "today" is 2026-11-30, the live clock at 10:20 */
	e = engine_new(c, TEN + 20 * MIN);
	report_day_stats(&a);
	text = today(e, err, sizeof err);
	assert_non_null(row = row_of(text, "\"agent:a1\"", TEN));
	assert_num(row, "as_of", TEN + 20 * MIN);
	assert_num(row, "ready_ms", 540000);
	free(row);
	/* 10:15-10:30 is not over at 10:20 */
	assert_null(row_of(text, "\"agent:a1\"", TEN + 15 * MIN));
	free(text);
	/* 10:40, the journal written to since, 30 s later: the rebuild
	 * kept, as of 10:20 still */
	engine_advance(e, TEN + 40 * MIN);
	snprintf(file, sizeof file,
	    "%s/history/journal-20261130T0000Z-1795996800000.wbj", dir);
	assert_int_equal(utimensat(AT_FDCWD, file, later, 0), 0);
	fake_now += 30000;
	text = today(e, err, sizeof err);
	assert_non_null(row = row_of(text, "\"agent:a1\"", TEN));
	assert_num(row, "as_of", TEN + 20 * MIN);
	free(row);
	free(text);
	report_day_stats(&b);
	assert_int_equal(b.rebuilt - a.rebuilt, 1);
	assert_int_equal(b.kept - a.kept, 1);
	/* 60 s after the rebuild: rebuilt up to 10:40, 10:15-10:30 there */
	fake_now += 30000;
	text = today(e, err, sizeof err);
	assert_non_null(row = row_of(text, "\"agent:a1\"", TEN + 15 * MIN));
	assert_num(row, "as_of", TEN + 40 * MIN);
	assert_num(row, "away_ms", 300000);
	free(row);
	free(text);
	report_day_stats(&a);
	assert_int_equal(a.rebuilt - b.rebuilt, 1);
	report_day_forget();
	engine_free(&e);
	config_free(&c);
}

/* A target that is not one: the line and the key said, nothing loaded. */
static void
test_report_agents_bad_target(void **state)
{
	struct config_errors errors = { 0 };
	char bad[160];
	FILE *f;
	bool said = false;

	(void)state;
	snprintf(bad, sizeof bad, "%s/bad.yaml", dir);
	assert_non_null(f = fopen(bad, "w"));
	fputs("site: {timezone: UTC}\nteams: {T: {targets: {aht: soon}}}\n", f);
	fclose(f);
	assert_null(config_load(bad, &errors));
	for (size_t i = 0; i < errors.n; i++)
		said |= strstr(errors.lines[i], "bad.yaml:2:") != NULL &&
		    strstr(errors.lines[i], "'aht'") != NULL;
	assert_true(said);
	config_errors_clear(&errors);
	unlink(bad);
}

static int
setup(void **state)
{
	(void)state;
	write_day();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return remove_days(dir, "WB_REPORT_AGENTS_DIR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_agents_rows),
		cmocka_unit_test(test_report_agents_today),
		cmocka_unit_test(test_report_agents_bad_target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
