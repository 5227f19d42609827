/*
 * test-standby.c: display/standby.c, which of several daemons' snapshots
 * a board shows: never an older `now` while the one ahead speaks, an older
 * one after 1.5 heartbeats of its silence; `now` read off a document's
 * first bytes, and nothing read past its end.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "standby.h"

static int64_t
test_now(const char *doc)
{
	return standby_now(doc, strlen(doc));
}

static void
test_now_read(void **state)
{
	assert_int_equal(test_now("{\"v\":1,\"seq\":812,\"now\":1795424400123,"
	    "\"day_start\":0}"), 1795424400123LL);
	assert_int_equal(test_now("{\"v\": 1, \"seq\": 3, \"now\": 42}"), 42);
	/* a scope's "now" object is not the snapshot's */
	assert_int_equal(test_now("{\"v\":1,\"now\":{\"waiting\":3}}"), -1);
	assert_int_equal(test_now("{\"v\":1,\"now\":-5}"), -1);
	assert_int_equal(test_now("{\"v\":1,\"now\":99999999999999999999}"), -1);
	assert_int_equal(test_now("garbage"), -1);
	assert_int_equal(test_now(""), -1);
	/* cut short: the digits end where the buffer does */
	assert_int_equal(standby_now("{\"now\":12345", 10), 123);
	assert_int_equal(standby_now("{\"now\":12345", 7), -1);
}

static void
test_now_only_at_the_start(void **state)
{
	char doc[512];

	memset(doc, ' ', sizeof doc);
	memcpy(doc, "{\"v\":1", 6);
	memcpy(doc + 300, "\"now\":5}", 8);
	assert_int_equal(standby_now(doc, sizeof doc), -1);
}

static void
test_never_back_while_ahead_speaks(void **state)
{
	struct standby s;

	standby_init(&s, 1000);
	assert_true(standby_take(&s, 5000, 0));	/* A */
	assert_false(standby_take(&s, 4990, 10));	/* B, behind */
	assert_true(standby_take(&s, 5000, 20));	/* same moment */
	assert_true(standby_take(&s, 6000, 1000));	/* A */
	assert_false(standby_take(&s, 5990, 1010));	/* B */
	assert_false(standby_take(&s, 5999, 2400));	/* A silent 1.4 hb */
	assert_int_equal(s.older, 3);
	assert_int_equal(s.failovers, 0);
}

static void
test_older_taken_after_grace(void **state)
{
	struct standby s;

	standby_init(&s, 1000);
	assert_true(standby_take(&s, 6000, 1000));
	/* A died; B's clock lags by 20 ms */
	assert_true(standby_take(&s, 5980, 2501));
	assert_int_equal(s.failovers, 1);
	assert_true(standby_take(&s, 6980, 3501));
	assert_false(standby_take(&s, 6970, 3600));
}

static void
test_unknown_now_always_shown(void **state)
{
	struct standby s;

	standby_init(&s, 1000);
	assert_true(standby_take(&s, 5000, 0));
	assert_true(standby_take(&s, -1, 10));
	assert_int_equal(s.shown_now, 5000);
	assert_false(standby_take(&s, 4000, 20));
}

static void
test_join(void **state)
{
	char *list = standby_join(NULL, "tcp://a:7411");

	list = standby_join(list, "tcp://b:7411");
	list = standby_join(list, "ipc:///run/wb");
	assert_string_equal(list, "tcp://a:7411,tcp://b:7411,ipc:///run/wb");
	free(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_now_read),
		cmocka_unit_test(test_now_only_at_the_start),
		cmocka_unit_test(test_never_back_while_ahead_speaks),
		cmocka_unit_test(test_older_taken_after_grace),
		cmocka_unit_test(test_unknown_now_always_shown),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
