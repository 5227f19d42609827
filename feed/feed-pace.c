/*
 * feed-pace.c: clocks, sleeps and signals for wallboard-feed's sources.
 *
 * The one file that reads a clock or catches a signal: sim and replay pace
 * their events through it, and stop when it says so.
 */
#include "feed.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile sig_atomic_t feed_pace_stop;

static void
feed_pace_on_signal(int signo)
{
	(void)signo;
	feed_pace_stop = 1;
}

void
feed_pace_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = feed_pace_on_signal;
	sa.sa_flags = 0;        /* no SA_RESTART: a sleep returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static int64_t
feed_pace_read(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
feed_pace_wall_ms(void)
{
	return feed_pace_read(CLOCK_REALTIME);
}

int64_t
feed_pace_mono_ms(void)
{
	return feed_pace_read(CLOCK_MONOTONIC);
}

bool
feed_pace_until(int64_t mono_ms)
{
	struct timespec ts;
	int64_t left;

	while (!feed_pace_stop && (left = mono_ms - feed_pace_mono_ms()) > 0) {
		/* At most 200 ms at a time, so a stop is seen promptly even if
		 * the signal landed just before the sleep began. */
		if (left > 200)
			left = 200;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
	return !feed_pace_stop;
}

bool
feed_pace_parse_factor(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0)
		return false;
	*out = v;
	return true;
}
