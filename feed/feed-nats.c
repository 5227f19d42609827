/*
 * feed-nats.c: events into JetStream, in order, acknowledged, retried
 * (see feed-nats.h).
 */
#include "feed-nats.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jetstream.h"
#include "xalloc.h"

#define FEED_NATS_MAX_EVENTS 100000
#define FEED_NATS_MAX_BYTES (64u * 1024 * 1024)
#define FEED_NATS_ACK_WAIT_MS 2000
#define FEED_NATS_RETRY_FIRST_MS 100
#define FEED_NATS_RETRY_MOST_MS 2000
#define FEED_NATS_SAY_EVERY_MS 10000
#define FEED_NATS_WINDOW 64          /* publishes in flight at most */

struct feed_nats_item {
	char *data;
	size_t len;
	char *msg_id;
	struct feed_nats_item *next;
};

struct feed_nats {
	struct js_link link;
	char *subject;
	size_t max_events, max_bytes;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;        /* an item queued, or stop */
	pthread_cond_t drained;     /* the queue emptied */
	pthread_cond_t room;        /* events left the queue */
	const volatile sig_atomic_t *wait_unless;
	struct feed_nats_item *head, *tail;
	size_t n, bytes;
	bool stop;
	struct feed_nats_stats stats;
	int64_t said_full, said_retry;  /* monotonic ms of the last word */
	/* The window in flight: the answers, by index (the library's thread
	 * writes them, under mu). */
	struct feed_nats_answer {
		bool done, ok, duplicate;
		uint64_t seq;
		char why[120];
	} answers[FEED_NATS_WINDOW];
	uint64_t window_gen;    /* a late answer of an older window is ignored */
	uint64_t reordered;     /* a later event stored before an earlier one */
	uint64_t full_since_said, retries_since_said;
};

static int64_t
feed_nats_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
feed_nats_item_free(struct feed_nats_item *it)
{
	free(it->data);
	free(it->msg_id);
	free(it);
}

/* Wait up to ms, or until stopped. Called with mu held. */
static void
feed_nats_pause(struct feed_nats *f, int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	if (!f->stop)
		pthread_cond_timedwait(&f->cond, &f->mu, &until);
}

/* The answer to one publish of the window: which one is in its header. */
static void
feed_nats_on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
    void *closure)
{
	struct feed_nats *f = closure;
	const char *v = NULL;
	unsigned long long gen = 0;
	unsigned i = 0;

	(void)js;
	if (natsMsgHeader_Get(msg, "Wb-Window", &v) == NATS_OK && v != NULL &&
	    sscanf(v, "%llu/%u", &gen, &i) == 2 && i < FEED_NATS_WINDOW) {
		pthread_mutex_lock(&f->mu);
		if (gen == f->window_gen) {
			struct feed_nats_answer *an = &f->answers[i];

			an->done = true;
			an->ok = pa != NULL;
			an->duplicate = pa != NULL && pa->Duplicate;
			an->seq = pa != NULL ? pa->Sequence : 0;
			if (pae != NULL)
				snprintf(an->why, sizeof an->why, "%s%s",
				    natsStatus_GetText(pae->Err),
				    pae->Err == NATS_NO_RESPONDERS ? " (no stream "
				    "leader yet, or no stream for the subject)" : "");
		}
		pthread_mutex_unlock(&f->mu);
	}
	natsMsg_Destroy(msg);
}

/*
 * Publish up to FEED_NATS_WINDOW events from the head, in order, and wait
 * for every answer. Returns how many from the head were stored before the
 * first that was not (all: the window went through); why says why not.
 * Called without mu; items are only removed by this thread.
 */
static size_t
feed_nats_window(struct feed_nats *f, struct feed_nats_item **items, size_t n,
    char *why, size_t whylen)
{
	jsPubOptions po;
	size_t sent = 0, good = 0;
	uint64_t gen, last_seq = 0;
	char tag[48];

	pthread_mutex_lock(&f->mu);
	gen = ++f->window_gen;
	memset(f->answers, 0, sizeof f->answers);
	pthread_mutex_unlock(&f->mu);
	why[0] = '\0';
	for (; sent < n; sent++) {
		natsMsg *msg = NULL;
		natsStatus s;

		snprintf(tag, sizeof tag, "%llu/%zu", (unsigned long long)gen, sent);
		s = natsMsg_Create(&msg, f->subject, NULL, items[sent]->data,
		    (int)items[sent]->len);
		if (s == NATS_OK)
			s = natsMsgHeader_Set(msg, "Wb-Window", tag);
		/* No MaxWait of its own: the library's per-message timeout
		 * timer is not used (a feed of libnats 3.4.1 died once in it,
		 * or near it, with the server frozen); the window's wait below
		 * bounds them all, and what is still unanswered then is taken
		 * back. */
		jsPubOptions_Init(&po);
		po.MsgId = items[sent]->msg_id;
		if (s == NATS_OK)
			s = js_PublishMsgAsync(f->link.js, &msg, &po);
		natsMsg_Destroy(msg);   /* NULL once the library took it */
		if (s != NATS_OK) {
			snprintf(why, whylen, "%s", natsStatus_GetText(s));
			break;
		}
	}
	/* Every answer, or the wait's end: then the publishes still
	 * unanswered are taken back from the library (and freed), so none
	 * stays pending there for ever and a late answer finds nothing. */
	jsPubOptions_Init(&po);
	po.MaxWait = FEED_NATS_ACK_WAIT_MS;
	if (js_PublishAsyncComplete(f->link.js, &po) != NATS_OK) {
		natsMsgList pending = { 0 };

		if (js_PublishAsyncGetPendingList(&pending, f->link.js) == NATS_OK)
			natsMsgList_Destroy(&pending);
	}
	pthread_mutex_lock(&f->mu);
	f->window_gen++;        /* answers still to come are ignored */
	for (size_t i = 0; i < sent; i++) {
		const struct feed_nats_answer *an = &f->answers[i];

		if (good == i && an->done && an->ok && an->seq > last_seq) {
			good++;
			last_seq = an->seq;
			f->stats.duplicates += an->duplicate;
			continue;
		}
		if (good == i && why[0] == '\0')
			snprintf(why, whylen, "%s", an->done ? an->why :
			    "no answer in time");
		/* Stored after one before it was not: the stream has them out
		 * of order (its leader lost in the middle of the window). Rare;
		 * never silent (docs/nats.md). */
		if (good < i && an->done && an->ok && !an->duplicate)
			f->reordered++;
	}
	pthread_mutex_unlock(&f->mu);
	return good;
}

static void *
feed_nats_main(void *arg)
{
	struct feed_nats *f = arg;
	struct feed_nats_item *items[FEED_NATS_WINDOW];
	int backoff = 0;
	char why[256];

	pthread_mutex_lock(&f->mu);
	for (;;) {
		size_t n = 0, good;
		uint64_t reordered;

		while (f->head == NULL && !f->stop)
			pthread_cond_wait(&f->cond, &f->mu);
		if (f->head == NULL)
			break;
		for (struct feed_nats_item *it = f->head; it != NULL &&
		    n < FEED_NATS_WINDOW; it = it->next)
			items[n++] = it;
		reordered = f->reordered;
		pthread_mutex_unlock(&f->mu);
		good = feed_nats_window(f, items, n, why, sizeof why);
		pthread_mutex_lock(&f->mu);
		for (size_t i = 0; i < good; i++) {
			struct feed_nats_item *it = f->head;

			f->head = it->next;
			f->n--;
			f->bytes -= it->len;
			f->stats.acked++;
			feed_nats_item_free(it);
		}
		if (good > 0)
			pthread_cond_broadcast(&f->room);
		if (f->head == NULL) {
			f->tail = NULL;
			pthread_cond_broadcast(&f->drained);
		}
		if (f->reordered != reordered)
			fprintf(stderr, "wallboard-feed: NATS: %s: %llu events were "
			    "stored after one before them was not (a stream leader "
			    "lost mid-publish): the daemon will count the earlier "
			    "ones as duplicates\n", f->subject,
			    (unsigned long long)(f->reordered - reordered));
		if (good == n) {
			backoff = 0;
			continue;
		}
		/* The first one not stored, and all after it, again after a
		 * pause: in order (the stream drops what it already has). */
		f->stats.retries++;
		f->retries_since_said++;
		if (feed_nats_mono_ms() - f->said_retry >= FEED_NATS_SAY_EVERY_MS) {
			fprintf(stderr, "wallboard-feed: NATS: publish to %s failed: "
			    "%s; trying again (%zu events waiting, %llu tries "
			    "since the last word)\n", f->subject, why, f->n,
			    (unsigned long long)f->retries_since_said);
			f->said_retry = feed_nats_mono_ms();
			f->retries_since_said = 0;
		}
		if (f->stop)
			break;
		backoff = backoff == 0 ? FEED_NATS_RETRY_FIRST_MS :
		    backoff * 2 > FEED_NATS_RETRY_MOST_MS ? FEED_NATS_RETRY_MOST_MS :
		    backoff * 2;
		feed_nats_pause(f, backoff);
		if (f->stop)
			break;
	}
	pthread_cond_broadcast(&f->drained);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

struct feed_nats *
feed_nats_new(const struct feed_nats_options *o, char *err, size_t errlen)
{
	struct feed_nats *f = xcalloc(1, sizeof *f);
	/* Nothing held while reconnecting: a publish then fails at once and
	 * is sent again, in order, from the first not stored. */
	struct js_link_options lo = { .servers = o->servers,
	    .credentials = o->credentials, .name = "wallboard-feed",
	    .reconnect_buffer = 1, .ack = feed_nats_on_ack, .ack_closure = f };

	if (!js_link_open(&f->link, &lo, err, errlen)) {
		free(f);
		return NULL;
	}
	f->subject = xstrdup(o->subject);
	f->max_events = o->max_events > 0 ? o->max_events : FEED_NATS_MAX_EVENTS;
	f->max_bytes = o->max_bytes > 0 ? o->max_bytes : FEED_NATS_MAX_BYTES;
	f->wait_unless = o->wait_unless;
	f->said_full = f->said_retry = -FEED_NATS_SAY_EVERY_MS;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cond, NULL);
	pthread_cond_init(&f->drained, NULL);
	pthread_cond_init(&f->room, NULL);
	if (pthread_create(&f->thread, NULL, feed_nats_main, f) != 0) {
		snprintf(err, errlen, "cannot start the publishing thread");
		js_link_close(&f->link);
		free(f->subject);
		free(f);
		return NULL;
	}
	return f;
}

/* Wait on cond (mu held) for ms at most. */
static void
feed_nats_timedwait(pthread_cond_t *cond, pthread_mutex_t *mu, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)ms * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(cond, mu, &ts);
}

int
feed_nats_send(struct feed_nats *f, const char *data, size_t len,
    const char *msg_id)
{
	struct feed_nats_item *it;

	pthread_mutex_lock(&f->mu);
	/* A file can wait: for room, while the stream takes events */
	while (f->wait_unless != NULL && !*f->wait_unless && !f->stop &&
	    f->head != NULL && (f->n >= f->max_events ||
	    f->bytes + len > f->max_bytes)) {
		feed_nats_timedwait(&f->room, &f->mu, 100);
	}
	if (f->n >= f->max_events || f->bytes + len > f->max_bytes) {
		f->stats.dropped++;
		f->full_since_said++;
		if (feed_nats_mono_ms() - f->said_full >= FEED_NATS_SAY_EVERY_MS) {
			fprintf(stderr, "wallboard-feed: NATS: %zu events (%zu bytes) "
			    "wait to be stored, the most kept: %llu events refused "
			    "since the last word (%llu in all)\n", f->n, f->bytes,
			    (unsigned long long)f->full_since_said,
			    (unsigned long long)f->stats.dropped);
			f->said_full = feed_nats_mono_ms();
			f->full_since_said = 0;
		}
		pthread_mutex_unlock(&f->mu);
		return -1;
	}
	pthread_mutex_unlock(&f->mu);
	it = xcalloc(1, sizeof *it);
	it->data = xmalloc(len > 0 ? len : 1);
	memcpy(it->data, data, len);
	it->len = len;
	it->msg_id = msg_id != NULL ? xstrdup(msg_id) : NULL;
	pthread_mutex_lock(&f->mu);
	if (f->tail != NULL)
		f->tail->next = it;
	else
		f->head = it;
	f->tail = it;
	f->n++;
	f->bytes += len;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->mu);
	return 0;
}

void
feed_nats_drain(struct feed_nats *f, int idle_ms)
{
	int64_t last = feed_nats_mono_ms();
	uint64_t acked;

	pthread_mutex_lock(&f->mu);
	acked = f->stats.acked;
	while (f->head != NULL && feed_nats_mono_ms() - last < idle_ms) {
		feed_nats_timedwait(&f->drained, &f->mu, 50);
		if (f->stats.acked != acked) {  /* still getting on */
			acked = f->stats.acked;
			last = feed_nats_mono_ms();
		}
	}
	pthread_mutex_unlock(&f->mu);
}

uint64_t
feed_nats_free(struct feed_nats **fp, int wait_ms)
{
	struct feed_nats *f = *fp;
	uint64_t left;

	if (f == NULL)
		return 0;
	feed_nats_drain(f, wait_ms);
	pthread_mutex_lock(&f->mu);
	f->stop = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	left = f->n;
	while (f->head != NULL) {
		struct feed_nats_item *it = f->head;

		f->head = it->next;
		feed_nats_item_free(it);
	}
	js_link_close(&f->link);
	pthread_cond_destroy(&f->drained);
	pthread_cond_destroy(&f->room);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->mu);
	free(f->subject);
	free(f);
	*fp = NULL;
	return left;
}

void
feed_nats_stats(struct feed_nats *f, struct feed_nats_stats *out)
{
	pthread_mutex_lock(&f->mu);
	*out = f->stats;
	out->waiting = f->n;
	out->reordered = f->reordered;
	pthread_mutex_unlock(&f->mu);
}
