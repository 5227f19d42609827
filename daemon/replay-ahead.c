/*
 * replay-ahead.c: the journal read and decoded a batch ahead (see
 * replay-ahead.h).
 *
 * The thread runs journal_replay_since into batches of records: an event
 * record decoded (its strings, and the queues' array, copied into the
 * batch's text), any other record's payload copied there. At most
 * AHEAD_QUEUED full batches wait for the caller, who applies them in
 * order and hands each back for reuse. An event is 168 bytes, so a batch
 * crosses between the cores in a few hundred kB.
 */
#define _GNU_SOURCE             /* pthread_setname_np */
#include "replay-ahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "chunks.h"
#include "log.h"
#include "xalloc.h"

#define AHEAD_BATCH 1024        /* records a batch */
#define AHEAD_QUEUED 4          /* full batches waiting, at most */
#define AHEAD_TEXT (128 * 1024) /* a chunk of a batch's text */

struct ahead_item {
	struct journal_record rec;      /* payload: a copy in the batch's text
	                                 * (NULL for a decoded event) */
	struct replay_ahead_event ev;
};

struct ahead_batch {
	size_t n;
	struct ahead_batch *next;
	struct chunks text;
	struct ahead_item items[AHEAD_BATCH];
};

struct ahead {
	const char *dir;
	replay_ahead_fn *fn;
	void *arg;
	struct event_decoder *decoder;  /* the thread's */
	struct ahead_batch *filling;    /* the thread's */
	bool threaded;
	pthread_mutex_t lock;
	pthread_cond_t moved;           /* a batch came, went or was given back */
	struct ahead_batch *head, *tail; /* full, oldest first */
	size_t queued;
	struct ahead_batch *spare;
	bool done;                      /* the thread has handed over its last */
	struct journal_replay_result res;
};

static struct ahead_batch *
ahead_batch_new(void)
{
	struct ahead_batch *b = xmalloc(sizeof *b);

	b->n = 0;
	b->next = NULL;
	b->text = (struct chunks){ .size = AHEAD_TEXT };
	return b;
}

/* Hand every record of b to the caller's fn, then empty b. */
static void
ahead_deliver(struct ahead *a, struct ahead_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		a->fn(&b->items[i].rec, &b->items[i].ev, a->arg);
	b->n = 0;
	chunks_reset(&b->text);
}

/* The thread's batch is full (or the replay over): to the caller, and a
 * batch to fill next (unless `last`). On one thread, applied at once. */
static void
ahead_hand_over(struct ahead *a, bool last)
{
	struct ahead_batch *b = a->filling, *next;

	if (!a->threaded) {
		ahead_deliver(a, b);
		return;
	}
	pthread_mutex_lock(&a->lock);
	b->next = NULL;
	if (a->tail != NULL)
		a->tail->next = b;
	else
		a->head = b;
	a->tail = b;
	a->queued++;
	a->filling = NULL;
	if (last)
		a->done = true;
	pthread_cond_broadcast(&a->moved);
	while (!last && a->queued >= AHEAD_QUEUED)
		pthread_cond_wait(&a->moved, &a->lock);
	next = last ? NULL : a->spare;
	if (next != NULL)
		a->spare = next->next;
	pthread_mutex_unlock(&a->lock);
	if (!last)
		a->filling = next != NULL ? next : ahead_batch_new();
}

static int
ahead_record(const struct journal_record *r, void *arg)
{
	struct ahead *a = arg;
	struct ahead_item *it = &a->filling->items[a->filling->n++];
	struct journal_event je;

	it->rec = *r;
	it->ev.decoded = false;
	if (journal_event_decode(r, &je)) {
		struct event *ev = &it->ev.ev;

		it->ev.decoded = true;
		it->ev.stream_seq = je.stream_seq;
		it->ev.stream_pending = je.stream_pending;
		it->ev.why = event_decode(a->decoder, je.data, je.len, ev);
		/* even a rejected one: its src and seq are counted */
		event_move_text(ev, chunks_take(&a->filling->text,
		    event_text_size(ev), NULL));
		it->rec.payload = NULL;
	} else if (r->len > 0) {
		unsigned char *copy = (unsigned char *)chunks_take(&a->filling->text,
		    r->len, NULL);

		memcpy(copy, r->payload, r->len);
		it->rec.payload = copy;
	} else {
		static const unsigned char empty[1];

		it->rec.payload = empty;        /* not the reader's buffer */
	}
	if (a->filling->n == AHEAD_BATCH)
		ahead_hand_over(a, false);
	return 0;
}

static void *
ahead_main(void *arg)
{
	struct ahead *a = arg;

	pthread_setname_np(pthread_self(), "wbd-replay");
	journal_replay_since(a->dir, INT64_MIN, ahead_record, a, &a->res);
	ahead_hand_over(a, true);
	return NULL;
}

static void
ahead_batch_free(struct ahead_batch *b)
{
	chunks_free(&b->text);
	free(b);
}

void
replay_ahead(const char *dir, replay_ahead_fn *fn, void *arg,
    struct journal_replay_result *res)
{
	struct ahead a = { .dir = dir, .fn = fn, .arg = arg, .threaded = true };
	pthread_t thread;
	int rc;

	a.decoder = event_decoder_new();
	a.filling = ahead_batch_new();
	pthread_mutex_init(&a.lock, NULL);
	pthread_cond_init(&a.moved, NULL);
	if ((rc = pthread_create(&thread, NULL, ahead_main, &a)) != 0) {
		log_msg(LOG_WARNING, "journal: replaying on one thread (no second: "
		    "%s)", strerror(rc));
		a.threaded = false;
		journal_replay_since(dir, INT64_MIN, ahead_record, &a, &a.res);
		ahead_hand_over(&a, true);
	} else {
		for (;;) {
			struct ahead_batch *b;

			pthread_mutex_lock(&a.lock);
			while (a.head == NULL && !a.done)
				pthread_cond_wait(&a.moved, &a.lock);
			if ((b = a.head) != NULL) {
				if ((a.head = b->next) == NULL)
					a.tail = NULL;
				a.queued--;
				pthread_cond_broadcast(&a.moved);
			}
			pthread_mutex_unlock(&a.lock);
			if (b == NULL)
				break;
			ahead_deliver(&a, b);
			pthread_mutex_lock(&a.lock);
			b->next = a.spare;
			a.spare = b;
			pthread_cond_broadcast(&a.moved);
			pthread_mutex_unlock(&a.lock);
		}
		pthread_join(thread, NULL);
	}
	*res = a.res;
	if (a.filling != NULL)
		ahead_batch_free(a.filling);
	while (a.spare != NULL) {
		struct ahead_batch *b = a.spare;

		a.spare = b->next;
		ahead_batch_free(b);
	}
	pthread_cond_destroy(&a.moved);
	pthread_mutex_destroy(&a.lock);
	event_decoder_free(&a.decoder);
}
