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

#include <stdio.h>

volatile sig_atomic_t feed_pace_stop;
/* SIGUSR1 pauses a source, and SIGUSR1 again resumes it. A paused source
 * sends nothing, and its clock stands still, so it goes on from
 * where it was once resumed (a feed's silence, for a demo or a drill). */
static volatile sig_atomic_t feed_pace_paused;
static int64_t feed_pace_paused_ms;     /* time spent paused, in total */

static void
feed_pace_on_signal(int signo)
{
	if (signo == SIGUSR1)
		feed_pace_paused = !feed_pace_paused;
	else
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
	sigaction(SIGUSR1, &sa, NULL);
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

/* The source's own monotonic clock: it stands still while paused. */
int64_t
feed_pace_mono_ms(void)
{
	return feed_pace_read(CLOCK_MONOTONIC) - feed_pace_paused_ms;
}

static void
feed_pace_sleep(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
	    .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* While paused: sleep, and leave the time out of the source's clock. */
static void
feed_pace_hold(void)
{
	int64_t from;

	if (!feed_pace_paused)
		return;
	fprintf(stderr, "wallboard-feed: paused (SIGUSR1 again resumes): "
	    "sending nothing\n");
	from = feed_pace_read(CLOCK_MONOTONIC);
	while (feed_pace_paused && !feed_pace_stop)
		feed_pace_sleep(100);
	feed_pace_paused_ms += feed_pace_read(CLOCK_MONOTONIC) - from;
	fprintf(stderr, "wallboard-feed: resumed after %lld s\n",
	    (long long)((feed_pace_read(CLOCK_MONOTONIC) - from) / 1000));
}

bool
feed_pace_until(int64_t mono_ms)
{
	int64_t left;

	feed_pace_hold();
	while (!feed_pace_stop && (left = mono_ms - feed_pace_mono_ms()) > 0) {
		/* At most 200 ms at a time, so a stop or a pause is seen
		 * promptly even if the signal landed just before the sleep. */
		feed_pace_sleep(left > 200 ? 200 : left);
		feed_pace_hold();
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
