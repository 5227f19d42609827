/*
 * standby.c: which of several daemons' snapshots a board shows
 * (standby.h).
 */
#include "standby.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Where "now" must begin, at most: after {"v":1,"seq":N, */
#define STANDBY_SCAN 128

void
standby_init(struct standby *s, int64_t heartbeat_ms)
{
	memset(s, 0, sizeof *s);
	s->shown_now = -1;
	s->grace_ms = (int64_t)(heartbeat_ms * STANDBY_GRACE);
}

int
standby_connect(struct zsock *sub, const char *list, char *err,
    size_t errlen)
{
	char *copy = xstrdup(list), *next = copy, *one;
	int n = 0, status = 0;

	while (status == 0 && (one = strsep(&next, ",")) != NULL) {
		if (*one == '\0')
			continue;
		if (++n > STANDBY_MAX_ENDPOINTS) {
			snprintf(err, errlen, "more than %d endpoints",
			    STANDBY_MAX_ENDPOINTS);
			status = -1;
		} else
			status = zsock_connect(sub, one, err, errlen);
	}
	if (status == 0 && n == 0) {
		snprintf(err, errlen, "no endpoint");
		status = -1;
	}
	free(copy);
	return status;
}

char *
standby_join(char *list, const char *endpoint)
{
	char *joined;

	if (list == NULL)
		return xstrdup(endpoint);
	joined = xasprintf("%s,%s", list, endpoint);
	free(list);
	return joined;
}

int64_t
standby_now(const char *doc, size_t len)
{
	static const char key[] = "\"now\":";
	size_t scan = len < STANDBY_SCAN ? len : STANDBY_SCAN;
	int64_t v = 0;

	for (size_t i = 0; i + sizeof key - 1 <= scan; i++) {
		size_t j = i + sizeof key - 1;

		if (memcmp(doc + i, key, sizeof key - 1) != 0)
			continue;
		while (j < len && doc[j] == ' ')
			j++;
		if (j >= len || doc[j] < '0' || doc[j] > '9')
			return -1;
		for (; j < len && doc[j] >= '0' && doc[j] <= '9'; j++) {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (doc[j] - '0');
		}
		return v;
	}
	return -1;
}

bool
standby_take(struct standby *s, int64_t now, int64_t mono)
{
	if (now >= 0 && s->shown_now >= 0 && now < s->shown_now) {
		if (mono - s->taken_mono <= s->grace_ms) {
			s->older++;
			return false;
		}
		s->failovers++;
	}
	if (now >= 0)
		s->shown_now = now;
	s->taken_mono = mono;
	return true;
}
