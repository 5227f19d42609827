/*
 * feed-nats.h: wallboard-feed's events into NATS JetStream.
 *
 * The source hands each event over (feed_nats_send) and goes on: a thread
 * of its own publishes them one at a time, in order, each with its
 * acknowledgement from the stream, and the Nats-Msg-Id "src:seq" (the
 * server drops what a restarted feed sends again). While NATS cannot take
 * them (no server, no stream leader: "no responders" for the seconds an
 * election takes) the events wait in a bounded queue and the one at its
 * head is tried again, 100 ms after the first failure, doubling to 2 s:
 * never out of order, never silently. A full queue refuses new events,
 * counted (dropped) and said once in a while on stderr.
 *
 * Up to 64 events in flight, then every answer awaited before the next
 * ones: order is what the daemon's sequence checks rest on. The first
 * event not stored and all after it go again, in order; the stream drops
 * the ones it already has. Nothing is held by the library while it
 * reconnects (a publish then fails at once), so what goes again never
 * overtakes what went before. Were a stream leader to store a later event
 * of a window and lose an earlier one, that is counted (reordered) and
 * said: the daemon would take the earlier one for a duplicate.
 */
#ifndef WALLBOARD_FEED_NATS_H
#define WALLBOARD_FEED_NATS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct feed_nats_options {
	const char *servers;        /* nats://host:4222[,nats://...] */
	const char *subject;        /* wallboard.events.SITE.SRC */
	const char *credentials;    /* a .creds file, or NULL */
	size_t max_events;          /* the queue's bound (default 100,000) */
	size_t max_bytes;           /* and in bytes (default 64 MiB) */
	/* A source that can wait (a file replayed): a full queue makes
	 * feed_nats_send wait for room, nothing refused, until *stop is set
	 * (a signal). NULL: a full queue refuses (a live source cannot wait). */
	const volatile sig_atomic_t *wait_unless;
};

struct feed_nats_stats {
	uint64_t acked;             /* stored by the stream (duplicates included) */
	uint64_t duplicates;        /* of which the stream already had */
	uint64_t retries;           /* publishes tried again */
	uint64_t dropped;           /* refused: the queue was full */
	uint64_t waiting;           /* in the queue now */
	uint64_t reordered;         /* stored after an earlier one that was not */
};

struct feed_nats;

struct feed_nats *feed_nats_new(const struct feed_nats_options *, char *err,
    size_t errlen);
/* Queue one event (copied) with its message id (NULL: none). 0, or -1 when
 * the queue is full (counted; with wait_unless, only once it is set). */
int feed_nats_send(struct feed_nats *, const char *data, size_t len,
    const char *msg_id);
/* Wait for the queue to empty, as long as the stream takes some event
 * every idle_ms. */
void feed_nats_drain(struct feed_nats *, int idle_ms);
/* Wait up to wait_ms for the queue to empty, then stop and free. Returns
 * the events left unsent. */
uint64_t feed_nats_free(struct feed_nats **, int wait_ms);
void feed_nats_stats(struct feed_nats *, struct feed_nats_stats *);

#endif
