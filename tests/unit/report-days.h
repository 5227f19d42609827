/*
 * report-days.h: what the tests of reports rebuilt from journals share
 * (test-report-day.c, test-report-agents.c): an event appended to a
 * journal as the daemon writes it, a config written into the test's
 * state_dir and loaded, and a row found in JSON Lines text.
 */
#ifndef WALLBOARD_TEST_REPORT_DAYS_H
#define WALLBOARD_TEST_REPORT_DAYS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "journal.h"
#include "report.h"

/* An event of feed "t" at ts, the next seq, its other fields as JSON. */
static void
put(struct journal *j, int64_t ts, const char *fields)
{
	static int seq;
	char buf[512];
	int n = snprintf(buf, sizeof buf, "{\"src\":\"t\",\"seq\":%d,\"ts\":%lld,%s}",
	    ++seq, (long long)ts, fields);

	assert_int_equal(journal_append(j, JOURNAL_EVENT, ts, buf, (size_t)n), 0);
}

/* dir/wallboard.yaml written with yaml, loaded; its errors printed. */
static struct config *
load_yaml(const char *dir, const char *yaml)
{
	struct config_errors errors = { 0 };
	char path[128];
	FILE *f;
	struct config *c;

	snprintf(path, sizeof path, "%s/wallboard.yaml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(yaml, f);
	fclose(f);
	c = config_load(path, &errors);
	for (size_t i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	config_errors_clear(&errors);
	assert_non_null(c);
	return c;
}

/* The row holding `key` and starting at `start` in JSON Lines text, a
 * copy to free; NULL. */
static char *
row_of(const char *text, const char *key, int64_t start)
{
	char want[128];
	const char *p = text, *nl;

	snprintf(want, sizeof want, "\"start\":%lld,", (long long)start);
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		char *line = strndup(p, (size_t)(nl - p));

		if (strstr(line, key) != NULL && strstr(line, want) != NULL)
			return line;
		free(line);
	}
	return NULL;
}

/* The test's state_dir removed, unless the environment variable keep
 * names it (kept for a tests/history script's daemon); 0 or -1. */
static int
remove_days(const char *dir, const char *keep)
{
	char cmd[128];

	report_day_forget();
	if (getenv(keep) != NULL)
		return 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The daemon's monotonic clock, as the test moves it. */
static int64_t fake_now = 1000000;

static int64_t
fake_clock(void)
{
	return fake_now;
}

#endif
