/*
 * nats-in.h: the daemon's events from NATS JetStream (ingest.nats).
 *
 * An ordered consumer (libnats: in order, no acks, made again from the
 * last sequence seen when its server goes) reads the stream from where
 * the journal says the daemon stopped, or from the day's start. Each
 * message goes to the ingest thread (ingest.h) through an inproc socket
 * as two frames: the stream position (behind a key only this daemon
 * knows) and the event. From there on it is an event like any other:
 * journaled, then applied; the position is journaled with it
 * (JOURNAL_STREAM), so a restart goes on from the stream where it was.
 *
 * Backpressure, not loss: the inproc socket blocks the consumer's thread
 * when the ingest thread is behind; the library then holds what the
 * server sent (bounded: NATS_IN_PENDING_*), and past that the ordered
 * consumer is made again from the last message taken.
 */
#ifndef WALLBOARD_NATS_IN_H
#define WALLBOARD_NATS_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ingest.h"

#define NATS_IN_ENDPOINT "inproc://wallboard-nats"

struct nats_in_stats {
	bool connected;
	bool subscribed;
	uint64_t received;      /* messages handed on */
	uint64_t redelivered;   /* dropped: at or before what the subscription
	                         * had already handed on (the library's
	                         * consumer started again further back) */
	uint64_t last_seq;      /* the stream sequence of the last one */
	uint64_t pending;       /* what the stream had after it */
	uint64_t disconnects, reconnects;
	uint64_t errors;        /* the library's asynchronous errors */
	char error[200];        /* the last one, or "" */
};

struct nats_in;

/* Connect to the servers and bind the inproc socket in zctx; nothing is
 * read until nats_in_subscribe. key: the ingest thread's stream key. NULL
 * with a sentence in err. */
struct nats_in *nats_in_new(const struct config *, void *zctx,
    const unsigned char key[INGEST_STREAM_KEY], char *err, size_t errlen);
/* Make the stream if missing (ingest.nats replicas, max_age,
 * duplicate_window) and read it: after stream sequence after_seq when
 * known (> 0), else from since_ms (UTC ms). The ingest SUB must already
 * be connected to NATS_IN_ENDPOINT. */
bool nats_in_subscribe(struct nats_in *, uint64_t after_seq, int64_t since_ms,
    char *err, size_t errlen);
void nats_in_stats(struct nats_in *, struct nats_in_stats *);
/*
 * How far the daemon's clock may go (server.c): to the wall time (UTC ms)
 * of the last look at the stream (every NATS_IN_LOOK_MS) that found no
 * message after `applied`, the stream sequence the daemon has applied.
 * False while there is none: cut off (no server, no stream leader, the
 * subscription being made again, no look answered for
 * NATS_IN_LOOK_STALE_MS) or behind (the stream has more than was
 * applied). The clock holds meanwhile, so what a stall kept back applies
 * at its own time, as a replay of the stream would apply it.
 */
#define NATS_IN_LOOK_MS 500
/* A look older than this (three looks missed, each waiting up to 1 s) is
 * no look: a server that stopped answering without closing the connection
 * is cut off from the first missed seconds, not only once the pings give
 * the connection up. */
#define NATS_IN_LOOK_STALE_MS 3000
bool nats_in_caught_up(struct nats_in *, uint64_t applied, int64_t *wall);
void nats_in_free(struct nats_in **);

#endif
