/*
 * journaltool.c: `wallboardd --journal-check DIR` and `--journal-export`.
 *
 * Both read through the reader the daemon replays with, so that what they
 * say is what a restart does: damaged regions skipped and counted, a torn
 * tail ignored.
 */
#include "journaltool.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "xalloc.h"

static int
journaltool_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Journal file names in dir, oldest first (their UTC times sort so); NULL
 * with errno if dir cannot be read. */
static char **
journaltool_list(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, "journal-", 8) != 0 || len < 12 ||
		    strcmp(de->d_name + len - 4, ".wbj") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof *names, journaltool_cmp);
	if (names == NULL)
		names = xcalloc(1, sizeof *names);
	return names;
}

static void
journaltool_region(uint64_t offset, uint64_t length, uint64_t records, void *arg)
{
	const char *path = arg;
	char *copy = xasprintf("%s.damaged-%llu-%llu", path,
	    (unsigned long long)offset, (unsigned long long)length);
	struct stat st;

	printf("  damaged: bytes %llu-%llu (%llu bytes), %llu records lost; "
	    "copy %s%s\n", (unsigned long long)offset,
	    (unsigned long long)(offset + length), (unsigned long long)length,
	    (unsigned long long)records, copy,
	    stat(copy, &st) == 0 ? "" : " (not made yet: the daemon makes it "
	    "when it opens the file)");
	free(copy);
}

int
journaltool_check(const char *dir)
{
	struct journal_replay_result res;
	size_t n;
	char **names = journaltool_list(dir, &n);
	int status = 0;

	if (names == NULL) {
		fprintf(stderr, "wallboardd: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	if (n == 0)
		printf("%s: no journal files\n", dir);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		printf("%s\n", path);
		if (journal_verify(path, journaltool_region, path, &res) == -1) {
			printf("  cannot read: %s\n", res.error);
			status = 2;
		} else {
			printf("  %llu records, %llu bytes%s\n",
			    (unsigned long long)res.records,
			    (unsigned long long)(res.bytes + res.header_bytes),
			    res.header_bytes ? "" : " (format 1)");
			if (res.torn_tail)
				printf("  torn tail: %llu bytes (a crash's; cut at "
				    "the next open)\n",
				    (unsigned long long)res.torn_bytes);
			if (res.corrupt) {
				printf("  damage: %u regions, %llu bytes, %s%llu "
				    "records lost\n", res.regions,
				    (unsigned long long)res.lost_bytes,
				    res.lost_estimated ? "about " : "",
				    (unsigned long long)res.lost_records);
				if (status == 0)
					status = 1;
			} else
				printf("  clean\n");
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return status;
}

static int
journaltool_print(const struct journal_record *rec, void *arg)
{
	uint64_t *events = arg;
	struct journal_event ev;
	size_t len;

	if (!journal_event_decode(rec, &ev))
		return 0;
	/* A message as received: its own lines stay; one newline ends it. */
	len = ev.len;
	while (len > 0 && (ev.data[len - 1] == '\n' || ev.data[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	fwrite(ev.data, 1, len, stdout);
	putchar('\n');
	(*events)++;
	return 0;
}

/* The journal file of a day in dir: "YYYY-MM-DD" (the file whose day has
 * that date at its middle, in UTC: right for any zone within 12 hours of
 * it) or the day start in ms. */
static char *
journaltool_day_file(const char *dir, const char *day)
{
	char name[JOURNAL_NAME_MAX], *end, *path = NULL, extra;
	struct tm tm = { 0 };
	size_t n;
	char **names;
	long long ms;

	errno = 0;
	ms = strtoll(day, &end, 10);
	if (errno == 0 && end != day && *end == '\0' && strlen(day) > 8)
		return xasprintf("%s/%s", dir, journal_file_name(ms, name));
	if (sscanf(day, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &extra) != 3)
		return NULL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((names = journaltool_list(dir, &n)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *dash = strrchr(names[i], '-');
		time_t mid = (time_t)(strtoll(dash + 1, NULL, 10) / 1000 + 12 * 3600);
		struct tm at;

		if (path == NULL && gmtime_r(&mid, &at) != NULL &&
		    at.tm_year == tm.tm_year && at.tm_mon == tm.tm_mon &&
		    at.tm_mday == tm.tm_mday)
			path = xasprintf("%s/%s", dir, names[i]);
		free(names[i]);
	}
	free(names);
	return path;
}

int
journaltool_export(const char *what, const struct config *config)
{
	struct journal_replay_result res;
	uint64_t events = 0;
	struct stat st;
	char *path;
	int rc;

	if (stat(what, &st) == 0 && S_ISREG(st.st_mode))
		path = xstrdup(what);
	else if (config == NULL) {
		fprintf(stderr, "wallboardd: %s: no such file; for a day, give "
		    "the config (-c) whose state_dir holds it\n", what);
		return 2;
	} else if ((path = journaltool_day_file(config->state_dir, what)) == NULL) {
		fprintf(stderr, "wallboardd: %s: no journal file for that day in "
		    "%s (a day is YYYY-MM-DD or its start in ms)\n", what,
		    config->state_dir);
		return 2;
	}
	rc = journal_replay(path, journaltool_print, &events, &res);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "wallboardd: cannot write: %s\n", strerror(errno));
		free(path);
		return 2;
	}
	fprintf(stderr, "%s: %llu events written, %llu other records (rejects, "
	    "clock, messages, acks) left out\n", path, (unsigned long long)events,
	    (unsigned long long)(res.records - events));
	if (res.corrupt)
		fprintf(stderr, "%s: damaged: %s%llu records lost in %u regions "
		    "were skipped\n", path, res.lost_estimated ? "about " : "",
		    (unsigned long long)res.lost_records, res.regions);
	if (rc == -1)
		fprintf(stderr, "%s\n", res.error);
	free(path);
	return rc == -1 ? 2 : 0;
}
