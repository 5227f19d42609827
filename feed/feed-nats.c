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
	struct feed_nats_item *head, *tail;
	size_t n, bytes;
	bool stop;
	struct feed_nats_stats stats;
	int64_t said_full, said_retry;  /* monotonic ms of the last word */
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

/* Publish the head, wait for its acknowledgement: true once stored. */
static bool
feed_nats_publish(struct feed_nats *f, const struct feed_nats_item *it,
    bool *duplicate, char *why, size_t whylen)
{
	jsPubOptions po;
	jsPubAck *pa = NULL;
	jsErrCode jerr = 0;
	natsStatus s;

	jsPubOptions_Init(&po);
	po.MsgId = it->msg_id;
	po.MaxWait = FEED_NATS_ACK_WAIT_MS;
	s = js_Publish(&pa, f->link.js, f->subject, it->data, (int)it->len, &po,
	    &jerr);
	if (s == NATS_OK) {
		*duplicate = pa != NULL && pa->Duplicate;
		jsPubAck_Destroy(pa);
		return true;
	}
	snprintf(why, whylen, "%s%s", natsStatus_GetText(s),
	    s == NATS_NO_RESPONDERS ? " (no stream leader yet, or no stream "
	    "for the subject)" : "");
	return false;
}

static void *
feed_nats_main(void *arg)
{
	struct feed_nats *f = arg;
	int backoff = 0;
	char why[256];

	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct feed_nats_item *it;
		bool dup = false, ok;

		while (f->head == NULL && !f->stop)
			pthread_cond_wait(&f->cond, &f->mu);
		if (f->head == NULL)
			break;
		it = f->head;
		pthread_mutex_unlock(&f->mu);
		ok = feed_nats_publish(f, it, &dup, why, sizeof why);
		pthread_mutex_lock(&f->mu);
		if (ok) {
			f->head = it->next;
			if (f->head == NULL)
				f->tail = NULL;
			f->n--;
			f->bytes -= it->len;
			f->stats.acked++;
			f->stats.duplicates += dup;
			feed_nats_item_free(it);
			backoff = 0;
			if (f->head == NULL)
				pthread_cond_broadcast(&f->drained);
			continue;
		}
		/* The same event again, after a pause: order is kept. */
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
	struct js_link_options lo = { .servers = o->servers,
	    .credentials = o->credentials, .name = "wallboard-feed" };
	struct feed_nats *f = xcalloc(1, sizeof *f);

	if (!js_link_open(&f->link, &lo, err, errlen)) {
		free(f);
		return NULL;
	}
	f->subject = xstrdup(o->subject);
	f->max_events = o->max_events > 0 ? o->max_events : FEED_NATS_MAX_EVENTS;
	f->max_bytes = o->max_bytes > 0 ? o->max_bytes : FEED_NATS_MAX_BYTES;
	f->said_full = f->said_retry = -FEED_NATS_SAY_EVERY_MS;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cond, NULL);
	pthread_cond_init(&f->drained, NULL);
	if (pthread_create(&f->thread, NULL, feed_nats_main, f) != 0) {
		snprintf(err, errlen, "cannot start the publishing thread");
		js_link_close(&f->link);
		free(f->subject);
		free(f);
		return NULL;
	}
	return f;
}

int
feed_nats_send(struct feed_nats *f, const char *data, size_t len,
    const char *msg_id)
{
	struct feed_nats_item *it;

	pthread_mutex_lock(&f->mu);
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
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&f->drained, &f->mu, &ts);
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
	pthread_mutex_unlock(&f->mu);
}
