/*
 * bridge-sink.h: what the bridge mapper tests share: an emit callback that
 * checks every event is valid protocol-v1 (through the daemon's own
 * decoder) and keeps them, one per line, for the test to compare.
 * Include once per test program, after testutil.h.
 */
#ifndef WALLBOARD_BRIDGE_SINK_H
#define WALLBOARD_BRIDGE_SINK_H

#include <string.h>

#include "bridge-common.h"
#include "event.h"

static char got[1 << 20];           /* the events, one per line */
static size_t got_len;
static int got_events;
static struct event_decoder *dec;   /* made by the test's setup */
static struct bridge_secret secret;

/* The mappers' emit callback. */
static inline void
collect(const char *json, size_t len, void *arg)
{
	struct event ev;

	(void)arg;
	assert_int_equal(event_decode(dec, json, len, &ev), REJECT_NONE);
	assert_true(got_len + len + 2 < sizeof got);
	memcpy(got + got_len, json, len);
	got_len += len;
	got[got_len++] = '\n';
	got[got_len] = '\0';
	got_events++;
}

static inline void
reset_got(void)
{
	got_len = 0;
	got[0] = '\0';
	got_events = 0;
}

#endif
