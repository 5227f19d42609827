/*
 * ingest.c: the receiving thread (see ingest.h).
 */
#define _GNU_SOURCE             /* pthread_setname_np */
#include "ingest.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "xalloc.h"
#include "zsock.h"

#define TEXT_CHUNK (64 * 1024)

/* Decoded strings of a batch: chunks that never move (a pointer into one
 * stays good until the batch is reset). */
struct ingest_text {
	struct ingest_text *next;
	size_t cap, used;
	char bytes[];
};

struct ingest {
	void *socket;
	struct event_decoder *decoder;
	pthread_t thread;
	int wake_fd;            /* the thread -> the loop: batches waiting */
	int stop_fd;            /* the loop -> the thread: stop */
	pthread_mutex_t lock;
	pthread_cond_t space;   /* a batch came back */
	struct ingest_batch *ring[INGEST_RING];
	uint64_t head, tail;    /* full batches are ring[head..tail), mod the ring */
	bool stop;
};

/* ---- a batch's storage ------------------------------------------------- */

static char *
batch_text(struct ingest_batch *b, size_t need)
{
	struct ingest_text *t = b->text;

	if (t == NULL || t->cap - t->used < need) {
		size_t cap = need > TEXT_CHUNK ? need : TEXT_CHUNK;

		t = xmalloc(sizeof *t + cap);
		t->cap = cap;
		t->used = 0;
		t->next = b->text;
		b->text = t;
	}
	t->used += need;
	return t->bytes + t->used - need;
}

/* Empty the batch for reuse: close its messages, keep one chunk of text
 * and free the rest (a burst of large messages does not pin its memory). */
static void
batch_reset(struct ingest_batch *b)
{
	struct ingest_text *keep = NULL;

	for (size_t i = 0; i < b->n; i++)
		zmq_msg_close(&b->msgs[i]);
	b->n = 0;
	while (b->text != NULL) {
		struct ingest_text *t = b->text;

		b->text = t->next;
		if (keep == NULL && t->cap == TEXT_CHUNK)
			keep = t;
		else
			free(t);
	}
	if (keep != NULL) {
		keep->used = 0;
		keep->next = NULL;
	}
	b->text = keep;
}

static void
batch_free(struct ingest_batch *b)
{
	batch_reset(b);
	free(b->text);
	free(b);
}

/* Decode every message of the batch; each event's strings move into the
 * batch, so they outlive the decoder's next message. */
static void
batch_decode(struct ingest_batch *b, struct event_decoder *d)
{
	for (size_t i = 0; i < b->n; i++) {
		struct ingest_item *it = &b->items[i];

		it->data = zmq_msg_data(&b->msgs[i]);
		it->len = zmq_msg_size(&b->msgs[i]);
		it->why = event_decode(d, it->data, it->len, &it->ev);
		it->error = NULL;
		event_move_text(&it->ev, batch_text(b, event_text_size(&it->ev)));
		if (it->why != REJECT_NONE) {
			const char *e = event_decoder_error(d);
			size_t n = strlen(e) + 1;

			it->error = memcpy(batch_text(b, n), e, n);
		}
	}
}

/* ---- the thread -------------------------------------------------------- */

/* Read what is waiting into b, up to a batch; 0 when nothing was. */
static size_t
ingest_fill(struct ingest *ig, struct ingest_batch *b)
{
	struct zsock_frames fr;

	while (b->n < INGEST_BATCH && zsock_recv_frames(ig->socket, &fr)) {
		/* Keep the last frame (the event) in the batch; a small one
		 * lives inside its zmq_msg_t, so it is moved, not copied. */
		zmq_msg_init(&b->msgs[b->n]);
		zmq_msg_move(&b->msgs[b->n++], &fr.f[fr.n - 1]);
		zsock_frames_close(&fr);
	}
	return b->n;
}

/* Block until a message or the stop; false to stop. */
static bool
ingest_wait(struct ingest *ig)
{
	zmq_pollitem_t items[2] = {
		{ .socket = ig->socket, .events = ZMQ_POLLIN },
		{ .fd = ig->stop_fd, .events = ZMQ_POLLIN },
	};

	for (;;) {
		if (zmq_poll(items, 2, -1) >= 0)
			return (items[1].revents & ZMQ_POLLIN) == 0;
		if (errno != EINTR) {
			log_msg(LOG_ERR, "ingest: zmq_poll: %s; receiving stopped",
			    zmq_strerror(errno));
			return false;
		}
	}
}

static void *
ingest_main(void *arg)
{
	struct ingest *ig = arg;
	uint64_t one = 1;

	for (;;) {
		struct ingest_batch *b;
		bool stop;

		pthread_mutex_lock(&ig->lock);
		while (ig->tail - ig->head == INGEST_RING && !ig->stop)
			pthread_cond_wait(&ig->space, &ig->lock);
		b = ig->ring[ig->tail % INGEST_RING];
		stop = ig->stop;
		pthread_mutex_unlock(&ig->lock);
		if (stop)
			break;
		batch_reset(b);         /* what it held was applied */
		while (ingest_fill(ig, b) == 0)
			if (!ingest_wait(ig))
				goto out;
		batch_decode(b, ig->decoder);
		pthread_mutex_lock(&ig->lock);
		ig->tail++;
		pthread_mutex_unlock(&ig->lock);
		if (write(ig->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
			log_msg(LOG_ERR, "ingest: eventfd: %s", strerror(errno));
	}
out:
	return NULL;
}

/* ---- the loop's side --------------------------------------------------- */

struct ingest *
ingest_start(void *socket)
{
	struct ingest *ig = xcalloc(1, sizeof *ig);
	int rc;

	ig->socket = socket;
	ig->decoder = event_decoder_new();
	ig->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ig->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ig->wake_fd < 0 || ig->stop_fd < 0)
		fatal("eventfd");
	for (size_t i = 0; i < INGEST_RING; i++)
		ig->ring[i] = xcalloc(1, sizeof *ig->ring[i]);
	pthread_mutex_init(&ig->lock, NULL);
	pthread_cond_init(&ig->space, NULL);
	if ((rc = pthread_create(&ig->thread, NULL, ingest_main, ig)) != 0)
		fatalx("cannot start the ingest thread: %s", strerror(rc));
	pthread_setname_np(ig->thread, "wbd-ingest");   /* in top -H, perf */
	return ig;
}

void
ingest_stop(struct ingest **igp)
{
	struct ingest *ig = igp ? *igp : NULL;
	uint64_t one = 1;

	if (ig == NULL)
		return;
	pthread_mutex_lock(&ig->lock);
	ig->stop = true;
	pthread_cond_signal(&ig->space);
	pthread_mutex_unlock(&ig->lock);
	if (write(ig->stop_fd, &one, sizeof one) < 0)
		fatal("eventfd");
	pthread_join(ig->thread, NULL);
	for (size_t i = 0; i < INGEST_RING; i++)
		batch_free(ig->ring[i]);
	pthread_mutex_destroy(&ig->lock);
	pthread_cond_destroy(&ig->space);
	close(ig->wake_fd);
	close(ig->stop_fd);
	event_decoder_free(&ig->decoder);
	free(ig);
	*igp = NULL;
}

int
ingest_fd(const struct ingest *ig)
{
	return ig->wake_fd;
}

void
ingest_woken(struct ingest *ig)
{
	uint64_t n;

	if (read(ig->wake_fd, &n, sizeof n) < 0 && errno != EAGAIN)
		log_msg(LOG_ERR, "ingest: eventfd: %s", strerror(errno));
}

struct ingest_batch *
ingest_next(struct ingest *ig)
{
	struct ingest_batch *b = NULL;

	pthread_mutex_lock(&ig->lock);
	if (ig->head != ig->tail)
		b = ig->ring[ig->head % INGEST_RING];
	pthread_mutex_unlock(&ig->lock);
	return b;
}

void
ingest_done(struct ingest *ig, struct ingest_batch *b)
{
	pthread_mutex_lock(&ig->lock);
	ig->head++;
	pthread_cond_signal(&ig->space);
	pthread_mutex_unlock(&ig->lock);
}
