/*
 * ingest.h: the receiving thread.
 *
 * A thread of its own owns the ingest SUB socket. It reads every message
 * waiting (up to INGEST_BATCH) into a batch, decodes each, and hands the
 * batch to the loop's thread through a small ring, waking it with an
 * eventfd. The loop's thread journals and applies the batches in the order
 * they came (server.c). So receiving and decoding run beside the engine,
 * on the other core, and nothing the engine does is shared: a batch belongs
 * to one thread at a time.
 *
 * The batches waiting are bounded in bytes (ingest.max_queue: what a
 * burst, or the seconds a reload rebuilds the day, can make the daemon
 * hold). At the bound the thread pauses reading until the loop takes a
 * batch (counted: ingest_full): messages then wait in ZeroMQ's queue, which
 * is small (server.c: HWM messages a peer, each at most
 * ingest.max_message), and past it in the senders' own queues, on their
 * machines. Nothing is dropped here: a PUB sender drops at its own HWM,
 * and its feed's gaps say so.
 */
#ifndef WALLBOARD_INGEST_H
#define WALLBOARD_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "chunks.h"
#include "event.h"

#define INGEST_BATCH 512        /* messages a batch: one journal write */
#define INGEST_SPARE 4          /* empty batches kept for reuse */

struct ingest_item {
	const char *data;       /* the message as it came (its last frame) */
	size_t len;
	enum event_reject why;  /* REJECT_NONE: ev is the event */
	const char *error;      /* rejected: why, a sentence for the log */
	struct event ev;        /* its strings live in the batch */
	uint64_t stream_seq;    /* from NATS JetStream: its stream sequence
	                         * (0: from a ZeroMQ peer) */
	uint64_t stream_pending; /* and what the stream had after it then */
};


struct ingest_batch {
	size_t n;
	struct ingest_item items[INGEST_BATCH];
	/* The batch's own storage, reused: the messages themselves (data
	 * points into them; the thread closes them when the batch comes back,
	 * long after ZeroMQ's own thread has moved on from their buffers),
	 * and the decoded strings. */
	zmq_msg_t msgs[INGEST_BATCH];
	struct chunks text;     /* TEXT_CHUNK (ingest.c) a chunk */
	size_t bytes;           /* what it holds, counted against the bound */
	struct ingest_batch *next;      /* in the queue, or the spares */
};

struct ingest;

/* Start the thread on `socket` (a bound or connected ZMQ_SUB: from now on
 * only the thread touches it, until ingest_stop). A message of two frames
 * whose first is INGEST_STREAM_FRAME bytes starting with stream_key (the
 * daemon's NATS reader, nats-in.h; NULL: none) carries its stream
 * position there: no peer can forge one without the key. */
#define INGEST_STREAM_KEY 16
#define INGEST_STREAM_FRAME (INGEST_STREAM_KEY + 16)
struct ingest *ingest_start(void *socket, size_t max_queue,
    const unsigned char *stream_key);
/* Stop the thread; what it handed over can still be taken (ingest_next). */
void ingest_halt(struct ingest *);
/* Stop and join the thread (if not yet), free what is left; the socket is
 * the caller's again. NULL ok. */
void ingest_stop(struct ingest **);

/* The eventfd that becomes readable when batches are waiting. */
int ingest_fd(const struct ingest *);
/* Clear the wake-up (read the eventfd); call before taking the batches. */
void ingest_woken(struct ingest *);
/* The oldest batch waiting, or NULL; ingest_done gives it back (the
 * thread empties it when it next fills it). */
struct ingest_batch *ingest_next(struct ingest *);
void ingest_done(struct ingest *, struct ingest_batch *);

/* Wake the loop again (batches left after taking a few). */
void ingest_rewake(struct ingest *);
/* Batches to take at a wake before the loop sees to its timers. */
#define INGEST_PER_WAKE 8

/* Times the queue was full (the thread paused reading), since the start. */
uint64_t ingest_full(struct ingest *);

#endif
