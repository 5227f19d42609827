/*
 * standby.h: a board on several daemons (or relays) at once, the hot
 * standby (README "More than one machine", docs/protocol.md §6.12).
 *
 * One SUB socket is connected to every endpoint; ZeroMQ fair-queues what
 * they publish, so the snapshots of two daemons arrive interleaved. Each
 * daemon's `seq` counts its own snapshots and says nothing across daemons;
 * `now` (event time, which daemons reading the same stream agree on) does.
 * A board shows a snapshot only if its `now` is not older than the one it
 * shows: never a step back while the daemon ahead lives. When the one it
 * follows has been silent for STANDBY_GRACE heartbeats (it died, or its
 * link did), the next snapshot from any other is taken whatever its `now`:
 * a step back of at most the daemons' skew, counted, never a STALE banner
 * (that needs 3 heartbeats of silence from every endpoint).
 */
#ifndef WALLBOARD_STANDBY_H
#define WALLBOARD_STANDBY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zsock.h"

/* Endpoints one board takes: --endpoint repeated, or publish.endpoints. */
#define STANDBY_MAX_ENDPOINTS 16
/* Heartbeats of silence from the daemon shown before another's older
 * snapshot is taken: more than one, so two live daemons a few ms apart
 * never take turns; well under the 3 of STALE. */
#define STANDBY_GRACE 1.5

struct standby {
	int64_t		 shown_now;	/* `now` of the newest taken; -1 none */
	int64_t		 taken_mono;	/* when it was taken */
	int64_t		 grace_ms;
	uint64_t	 older;		/* snapshots passed over as older */
	uint64_t	 failovers;	/* older ones taken after the grace */
};

/* Start with nothing shown; `heartbeat_ms` is publish.heartbeat. */
void standby_init(struct standby *, int64_t heartbeat_ms);

/*
 * Connect `sub` to each endpoint of `list`, separated by commas (ZeroMQ
 * endpoints hold none). 0, or -1 with a message in err.
 */
int standby_connect(struct zsock *sub, const char *list, char *err,
    size_t errlen);

/* `list` (NULL, or what this returned before, which it frees) with
 * `endpoint` added after a comma: --endpoint given again. */
char *standby_join(char *list, const char *endpoint);

/* A snapshot's top-level `now`, read from its first bytes (the daemon
 * writes "v", "seq", "now" first); -1 when not there. */
int64_t standby_now(const char *doc, size_t len);

/*
 * Whether to show a snapshot whose `now` is `now` (-1: unknown, always
 * shown), at monotonic `mono`; if so, it becomes the one shown.
 */
bool standby_take(struct standby *, int64_t now, int64_t mono);

#endif
