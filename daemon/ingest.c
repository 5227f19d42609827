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

#include "chunks.h"
#include "log.h"
#include "xalloc.h"
#include "zsock.h"

#define TEXT_CHUNK (64 * 1024)
#define INGEST_FILL_MS 5        /* a batch's wait to fill, the loop behind */

struct ingest {
	void *socket;
	struct event_decoder *decoder;
	pthread_t thread;
	int wake_fd;            /* the thread -> the loop: batches waiting */
	int stop_fd;            /* the loop -> the thread: stop */
	pthread_mutex_t lock;
	struct ingest_batch *head, *tail;   /* full batches, oldest first */
	struct ingest_batch *spare;         /* empty ones, at most INGEST_SPARE */
	size_t n_spare;
	size_t held, max_held;  /* bytes in the queue, and the bound */
	pthread_cond_t taken;   /* the loop took a batch */
	uint64_t full;          /* times the queue was full */
	bool stop;
	bool joined;            /* the thread has stopped */
	bool keyed;
	unsigned char stream_key[INGEST_STREAM_KEY];
};

/* ---- a batch's storage ------------------------------------------------- */

static char *
batch_text(struct ingest_batch *b, size_t need)
{
	return chunks_take(&b->text, need, &b->bytes);
}

/* Empty the batch for reuse: close its messages, keep one chunk of text
 * and free the rest (a burst of large messages does not pin its memory). */
static void
batch_reset(struct ingest_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		zmq_msg_close(&b->msgs[i]);
	b->n = 0;
	b->bytes = sizeof *b + chunks_reset(&b->text);
}

static void
batch_free(struct ingest_batch *b)
{
	batch_reset(b);
	chunks_free(&b->text);
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

/*
 * Read what is waiting into b, up to a batch, while the queue has room for
 * it (one message may go past by its size); 0 when nothing was read.
 */
static size_t
ingest_fill(struct ingest *ig, struct ingest_batch *b, size_t room)
{
	struct zsock_frames fr;

	while (b->n < INGEST_BATCH && b->bytes < room &&
	    zsock_recv_frames(ig->socket, &fr)) {
		/* Keep the last frame (the event) in the batch; a small one
		 * lives inside its zmq_msg_t, so it is moved, not copied. */
		struct ingest_item *it = &b->items[b->n];
		const unsigned char *pos = zmq_msg_data(&fr.f[0]);

		it->stream_seq = it->stream_pending = 0;
		if (ig->keyed && fr.n == 2 &&
		    zmq_msg_size(&fr.f[0]) == INGEST_STREAM_FRAME &&
		    memcmp(pos, ig->stream_key, INGEST_STREAM_KEY) == 0) {
			memcpy(&it->stream_seq, pos + INGEST_STREAM_KEY, 8);
			memcpy(&it->stream_pending, pos + INGEST_STREAM_KEY + 8, 8);
		}
		zmq_msg_init(&b->msgs[b->n]);
		zmq_msg_move(&b->msgs[b->n++], &fr.f[fr.n - 1]);
		b->bytes += zmq_msg_size(&b->msgs[b->n - 1]) + sizeof(zmq_msg_t);
		zsock_frames_close(&fr);
	}
	return b->n;
}

/*
 * The room the queue has for a batch being filled; while it has none (the
 * loop is behind by ingest.max_queue), wait for the loop to take some: the
 * messages then wait in ZeroMQ's small queue, and past that in the
 * sender's. SIZE_MAX-free: 0 means stop.
 */
static size_t
ingest_room(struct ingest *ig, const struct ingest_batch *b)
{
	size_t room = 0;

	pthread_mutex_lock(&ig->lock);
	if (ig->held + b->bytes >= ig->max_held && !ig->stop) {
		ig->full++;
		while (ig->held + b->bytes >= ig->max_held && ig->head != NULL &&
		    !ig->stop)
			pthread_cond_wait(&ig->taken, &ig->lock);
	}
	if (!ig->stop)
		room = ig->held < ig->max_held ? ig->max_held - ig->held :
		    b->bytes + 1;
	pthread_mutex_unlock(&ig->lock);
	return room;
}

/* The room the queue has now, without waiting. */
static size_t
ingest_room_now(struct ingest *ig)
{
	size_t room;

	pthread_mutex_lock(&ig->lock);
	room = ig->held < ig->max_held ? ig->max_held - ig->held : 0;
	pthread_mutex_unlock(&ig->lock);
	return room;
}

/* Wait for a message (up to timeout_ms; -1: for ever): 1 when one came,
 * 0 at the timeout, -1 to stop. */
static int
ingest_wait_for(struct ingest *ig, long timeout_ms)
{
	zmq_pollitem_t items[2] = {
		{ .socket = ig->socket, .events = ZMQ_POLLIN },
		{ .fd = ig->stop_fd, .events = ZMQ_POLLIN },
	};
	int n;

	for (;;) {
		if ((n = zmq_poll(items, 2, timeout_ms)) >= 0)
			return (items[1].revents & ZMQ_POLLIN) ? -1 : n > 0;
		if (errno != EINTR) {
			log_msg(LOG_ERR, "ingest: zmq_poll: %s; receiving stopped",
			    zmq_strerror(errno));
			return -1;
		}
	}
}

static bool
ingest_wait(struct ingest *ig)
{
	return ingest_wait_for(ig, -1) > 0;
}

/* Is the loop behind (batches handed over and not yet taken)? */
static bool
ingest_behind(struct ingest *ig)
{
	bool behind;

	pthread_mutex_lock(&ig->lock);
	behind = ig->head != NULL;
	pthread_mutex_unlock(&ig->lock);
	return behind;
}

static struct ingest_batch *
batch_new(void)
{
	struct ingest_batch *b = xcalloc(1, sizeof *b);

	b->bytes = sizeof *b;
	b->text.size = TEXT_CHUNK;
	return b;
}

static void *
ingest_main(void *arg)
{
	struct ingest *ig = arg;
	uint64_t one = 1;

	for (;;) {
		struct ingest_batch *b;

		pthread_mutex_lock(&ig->lock);
		if ((b = ig->spare) != NULL) {
			ig->spare = b->next;
			ig->n_spare--;
		}
		pthread_mutex_unlock(&ig->lock);
		if (b == NULL)
			b = batch_new();
		batch_reset(b);         /* what it held was applied */
		for (;;) {
			size_t room = ingest_room(ig, b);

			if (room == 0 || (ingest_fill(ig, b, room) == 0 &&
			    !ingest_wait(ig))) {
				batch_free(b);
				return NULL;
			}
			if (b->n > 0)
				break;
		}
		/* While the loop is behind, a batch waits to fill (a few ms at
		 * most): messages trickling in one at a time must not each
		 * take a batch of the bound. An idle loop gets each at once. */
		while (b->n < INGEST_BATCH && ingest_behind(ig)) {
			size_t room = ingest_room_now(ig);
			int got;

			if (b->bytes >= room)
				break;
			if ((got = ingest_wait_for(ig, INGEST_FILL_MS)) < 0) {
				batch_free(b);
				return NULL;
			}
			if (got == 0 || ingest_fill(ig, b, room) == 0)
				break;
		}
		batch_decode(b, ig->decoder);
		b->next = NULL;
		pthread_mutex_lock(&ig->lock);
		if (ig->tail != NULL)
			ig->tail->next = b;
		else
			ig->head = b;
		ig->tail = b;
		ig->held += b->bytes;
		pthread_mutex_unlock(&ig->lock);
		if (write(ig->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
			log_msg(LOG_ERR, "ingest: eventfd: %s", strerror(errno));
	}
}

/* ---- the loop's side --------------------------------------------------- */

struct ingest *
ingest_start(void *socket, size_t max_queue, const unsigned char *stream_key)
{
	struct ingest *ig = xcalloc(1, sizeof *ig);
	int rc;

	ig->socket = socket;
	if (stream_key != NULL) {
		ig->keyed = true;
		memcpy(ig->stream_key, stream_key, INGEST_STREAM_KEY);
	}
	ig->decoder = event_decoder_new();
	ig->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ig->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ig->wake_fd < 0 || ig->stop_fd < 0)
		fatal("eventfd");
	ig->max_held = max_queue;
	pthread_mutex_init(&ig->lock, NULL);
	pthread_cond_init(&ig->taken, NULL);
	if ((rc = pthread_create(&ig->thread, NULL, ingest_main, ig)) != 0)
		fatalx("cannot start the ingest thread: %s", strerror(rc));
	pthread_setname_np(ig->thread, "wbd-ingest");   /* in top -H, perf */
	return ig;
}

void
ingest_halt(struct ingest *ig)
{
	uint64_t one = 1;

	if (ig->joined)
		return;
	pthread_mutex_lock(&ig->lock);
	ig->stop = true;
	pthread_cond_signal(&ig->taken);
	pthread_mutex_unlock(&ig->lock);
	if (write(ig->stop_fd, &one, sizeof one) < 0)
		fatal("eventfd");
	pthread_join(ig->thread, NULL);
	ig->joined = true;
}

void
ingest_stop(struct ingest **igp)
{
	struct ingest *ig = igp ? *igp : NULL;

	if (ig == NULL)
		return;
	ingest_halt(ig);
	while (ig->head != NULL) {
		struct ingest_batch *b = ig->head;

		ig->head = b->next;
		batch_free(b);
	}
	while (ig->spare != NULL) {
		struct ingest_batch *b = ig->spare;

		ig->spare = b->next;
		batch_free(b);
	}
	pthread_mutex_destroy(&ig->lock);
	pthread_cond_destroy(&ig->taken);
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
	b = ig->head;
	pthread_mutex_unlock(&ig->lock);
	return b;
}

void
ingest_done(struct ingest *ig, struct ingest_batch *b)
{
	pthread_mutex_lock(&ig->lock);
	ig->head = b->next;
	if (ig->head == NULL)
		ig->tail = NULL;
	ig->held -= b->bytes;
	pthread_cond_signal(&ig->taken);
	if (ig->n_spare < INGEST_SPARE) {
		b->next = ig->spare;
		ig->spare = b;
		ig->n_spare++;
		b = NULL;
	}
	pthread_mutex_unlock(&ig->lock);
	if (b != NULL)
		batch_free(b);
}

void
ingest_rewake(struct ingest *ig)
{
	uint64_t one = 1;

	if (write(ig->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
		log_msg(LOG_ERR, "ingest: eventfd: %s", strerror(errno));
}

uint64_t
ingest_full(struct ingest *ig)
{
	uint64_t n;

	pthread_mutex_lock(&ig->lock);
	n = ig->full;
	pthread_mutex_unlock(&ig->lock);
	return n;
}
