/*
 * fuzz-snapshot-read.c: snapshot_read on any bytes, as a board gets them
 * from the daemon's PUB socket or its HTTP endpoint.
 *
 * A reader first takes a good snapshot, then the input, then the good one
 * again and the input once more, so that both buffers are filled and reused
 * with the input's sizes. After a refused document the last good view must
 * be untouched. Every view is walked as a board walks it: every scope and
 * window looked up by its key, every string read, every agent's queues.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "snapshot-read.h"

static const char good[] =
    "{\"v\":1,\"seq\":42,\"now\":1795165380000,\"day_start\":1795132800000,"
    "\"site\":{\"name\":\"Leeds\",\"timezone\":\"Europe/London\"},"
    "\"windows\":[\"15m\",\"today\"],"
    "\"feeds\":{\"pbx1\":{\"state\":\"live\",\"last_event\":1795165370000}},"
    "\"scopes\":{\"all\":{\"label\":\"All\",\"kind\":\"all\","
    "\"sl_threshold_ms\":20000,\"sl_target\":0.8,\"now\":{\"waiting\":2,"
    "\"longest_wait_ms\":31000,\"agents\":{\"ready\":1,\"busy\":2,\"wrap\":0,"
    "\"away\":1,\"offline\":0,\"staffed\":4}},\"windows\":{\"15m\":"
    "{\"offered\":9,\"service_level\":0.75,\"csat_avg\":4.5},\"today\":"
    "{\"offered\":30}},\"trend\":{\"interval_ms\":900000,"
    "\"end\":1795165200000,\"service_level\":[0.81,null,0.7],"
    "\"offered\":[12,9,0],\"asa_ms\":[14000,null,21000],"
    "\"abandon_rate\":[0.02,0.05,null]}}},"
    "\"agents\":[{\"id\":\"a1\",\"name\":\"Alice\",\"team\":\"billing\","
    "\"state\":\"busy\",\"since\":1795165300000,\"handled_today\":3,"
    "\"queues\":[\"support\",\"sales\"]}],"
    "\"alerts\":[{\"id\":\"sl/all\",\"scope\":\"all\",\"severity\":"
    "\"critical\",\"state\":\"firing\",\"since\":1795165000000}],"
    "\"message\":{\"text\":\"Fire drill at 3\",\"from\":\"TL\","
    "\"until\":1795170000000}}";

static void
touch(const char *s)
{
	if (s != NULL)
		FUZZ_CHECK(strlen(s) < (1u << 30), "string");
}

/* Walk a view as a board does. */
static void
walk(const struct snapshot_view *v)
{
	FUZZ_CHECK(v->v == 1, "v %lld", (long long)v->v);
	touch(v->site_name);
	touch(v->timezone);
	for (size_t i = 0; i < v->n_scopes; i++) {
		const struct snapshot_scope *s = &v->scopes[i];

		FUZZ_CHECK(s->key != NULL, "scope %zu has no key", i);
		FUZZ_CHECK(snapshot_find_scope(v, s->key) != NULL, "%s", s->key);
		touch(s->label);
		for (int k = 0; k < SNAPSHOT_TREND_COUNT; k++)
			FUZZ_CHECK(s->trend.n[k] <= SNAPSHOT_TREND_MAX,
			    "%s: trend %d has %zu values", s->key, k,
			    s->trend.n[k]);
		for (size_t w = 0; w < s->n_windows; w++) {
			FUZZ_CHECK(s->windows[w].name != NULL,
			    "%s: window %zu has no name", s->key, w);
			FUZZ_CHECK(snapshot_find_window(s, s->windows[w].name),
			    "%s", s->windows[w].name);
		}
	}
	snapshot_find_scope(v, "all");
	for (size_t i = 0; i < v->n_agents; i++) {
		const struct snapshot_agent *a = &v->agents[i];

		FUZZ_CHECK(a->id != NULL, "agent %zu", i);
		FUZZ_CHECK((unsigned)a->state < AGENT_STATE_COUNT, "state");
		touch(a->name);
		touch(a->team);
		touch(a->reason);
		FUZZ_CHECK(a->has_queues || a->n_queues == 0, "queues");
		for (size_t q = 0; q < a->n_queues; q++)
			touch(a->queues[q]);
	}
	for (size_t i = 0; i < v->n_alerts; i++) {
		touch(v->alerts[i].id);
		touch(v->alerts[i].scope);
		FUZZ_CHECK(v->alerts[i].text != NULL, "alert text");
		touch(v->alerts[i].text);
		touch(v->alerts[i].acked_by);
	}
	for (size_t i = 0; i < v->n_feeds; i++)
		touch(v->feeds[i].name);
	FUZZ_CHECK(!v->has_message || v->message_text != NULL, "message");
	touch(v->message_text);
	touch(v->message_from);
}

/* Read the input; a refusal must leave the last good view as it was. */
static void
read_input(struct snapshot_reader *r, const uint8_t *data, size_t size)
{
	const struct snapshot_view *before = snapshot_reader_view(r), *v;
	uint64_t seq = before ? before->seq : 0;
	size_t n_scopes = before ? before->n_scopes : 0;
	char err[128];

	err[0] = '\0';
	v = snapshot_read(r, (const char *)data, size, err, sizeof err);
	if (v != NULL) {
		FUZZ_CHECK(v == snapshot_reader_view(r), "view");
		walk(v);
		return;
	}
	FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof err), "no reason");
	FUZZ_CHECK(snapshot_reader_view(r) == before, "refused, view changed");
	if (before != NULL) {
		FUZZ_CHECK(before->seq == seq && before->n_scopes == n_scopes,
		    "refused, view changed");
		walk(before);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot_reader *r = snapshot_reader_new();
	char err[128];

	read_input(r, data, size);      /* into a reader with no view yet */
	FUZZ_CHECK(snapshot_read(r, good, sizeof good - 1, err, sizeof err),
	    "the good snapshot: %s", err);
	read_input(r, data, size);
	FUZZ_CHECK(snapshot_read(r, good, sizeof good - 1, err, sizeof err),
	    "the good snapshot: %s", err);
	walk(snapshot_reader_view(r));
	read_input(r, data, size);
	snapshot_reader_free(&r);
	FUZZ_CHECK(r == NULL, "free");
	return 0;
}
