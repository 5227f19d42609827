/*
 * nats-in.c: the events' stream, read in order into the ingest thread
 * (see nats-in.h).
 */
#include "nats-in.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "jetstream.h"
#include "log.h"
#include "xalloc.h"

/* What the library may hold for us while the ingest thread is behind:
 * past it the consumer is slow, and the ordered consumer starts again
 * from the last message taken (nothing lost). */
#define NATS_IN_PENDING_MSGS 65536
#define NATS_IN_PENDING_BYTES (64 * 1024 * 1024)
#define NATS_IN_HWM 10000

/* One subscription's callback closure: messages of an older generation
 * than the reader's (a subscription being replaced) are dropped. Freed
 * once the library says the subscription's last callback has returned
 * (done, set by its on-complete callback), at the next resubscribe or at
 * the end: a link that flaps all day does not grow the daemon. */
struct nats_in_sub {
	struct nats_in *n;
	unsigned gen;
	uint64_t last;          /* the last stream sequence it handed on (its
	                         * start, after, at first); send_lock */
	int done;                       /* atomic */
	struct nats_in_sub *next;       /* all not yet freed */
};

struct nats_in {
	const struct config *config;
	struct js_link link;
	natsSubscription *sub;
	struct nats_in_sub *subs;
	void *out;              /* XPUB, inproc: one callback at a time sends */
	unsigned char frame[INGEST_STREAM_FRAME];
	pthread_mutex_t send_lock;      /* held by a callback while it sends */
	unsigned gen;           /* under send_lock */
	pthread_mutex_t lock;   /* the rest: stats, flags, the supervisor's */
	pthread_cond_t wake;
	struct nats_in_stats stats;
	bool started;           /* nats_in_subscribe said where from */
	bool again;             /* the subscription is to be made again */
	uint64_t after_seq;     /* where to start: after this sequence, */
	int64_t since_ms;       /* or from this time */
	int64_t look_wall;      /* the last look: when it was asked, */
	uint64_t look_last;     /* and the stream's last sequence then */
	bool looked;
	pthread_t supervisor;
	bool supervising;
	char *filter;
	int stopping;           /* set before the subscription goes (atomic) */
};

static bool
nats_in_send(struct nats_in *n, const void *data, size_t len, int flags)
{
	while (zmq_send(n->out, data, len, flags) < 0)
		if ((zmq_errno() != EAGAIN && zmq_errno() != EINTR) ||
		    __atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void
nats_in_on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
    void *closure)
{
	struct nats_in_sub *ns = closure;
	struct nats_in *n = ns->n;
	jsMsgMetaData *meta = NULL;
	uint64_t seq = 0, pending = 0;
	const char *data = natsMsg_GetData(msg);
	int len = natsMsg_GetDataLength(msg);

	(void)nc;
	(void)sub;
	if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
		seq = meta->Sequence.Stream;
		pending = meta->NumPending;
		jsMsgMetaData_Destroy(meta);
	}
	pthread_mutex_lock(&n->send_lock);
	if (ns->gen != n->gen) {        /* a subscription being replaced */
		pthread_mutex_unlock(&n->send_lock);
		natsMsg_Destroy(msg);
		return;
	}
	/* A stream's sequences only grow: one at or before what this
	 * subscription handed on already is the library's consumer starting
	 * again further back (seen with a node of the cluster restarting as
	 * the daemon subscribed). The journal has it: dropped, counted. */
	if (seq > 0 && seq <= ns->last) {
		pthread_mutex_unlock(&n->send_lock);
		pthread_mutex_lock(&n->lock);
		n->stats.redelivered++;
		pthread_mutex_unlock(&n->lock);
		natsMsg_Destroy(msg);
		return;
	}
	memcpy(n->frame + INGEST_STREAM_KEY, &seq, 8);
	memcpy(n->frame + INGEST_STREAM_KEY + 8, &pending, 8);
	/* Waits while the ingest thread is behind (XPUB_NODROP; SNDTIMEO so
	 * that a stop is seen): the library holds the rest, bounded. A stop
	 * drops the message: the journal's position is before it, so the
	 * next start reads it again. */
	if (nats_in_send(n, n->frame, sizeof n->frame, ZMQ_SNDMORE) &&
	    nats_in_send(n, data != NULL ? data : "", (size_t)(len > 0 ? len : 0),
	    0)) {
		if (seq > 0)
			ns->last = seq;
		pthread_mutex_lock(&n->lock);
		n->stats.received++;
		if (seq > 0) {
			n->stats.last_seq = seq;
			n->stats.pending = pending;
		}
		pthread_mutex_unlock(&n->lock);
	}
	pthread_mutex_unlock(&n->send_lock);
	natsMsg_Destroy(msg);
}

static void
nats_in_on_disconnected(natsConnection *nc, void *closure)
{
	struct nats_in *n = closure;

	(void)nc;
	pthread_mutex_lock(&n->lock);
	n->stats.connected = false;
	n->stats.disconnects++;
	pthread_mutex_unlock(&n->lock);
	log_msg(LOG_WARNING, "NATS: disconnected; trying the servers again "
	    "(events wait in the stream meanwhile)");
}

static void
nats_in_on_reconnected(natsConnection *nc, void *closure)
{
	struct nats_in *n = closure;
	char url[256] = "";

	natsConnection_GetConnectedUrl(nc, url, sizeof url);
	pthread_mutex_lock(&n->lock);
	n->stats.connected = true;
	n->stats.reconnects++;
	/* The consumer may have gone with the server it lived on: made
	 * again, after the last message taken (nats-in.h). */
	n->again = true;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
	log_msg(LOG_NOTICE, "NATS: connected again, to %s", url);
}

static void
nats_in_on_error(natsConnection *nc, natsSubscription *sub, natsStatus err,
    void *closure)
{
	struct nats_in *n = closure;

	(void)nc;
	pthread_mutex_lock(&n->lock);
	n->stats.errors++;
	snprintf(n->stats.error, sizeof n->stats.error, "%s",
	    natsStatus_GetText(err));
	/* A slow consumer, a consumer the server lost: made again. */
	if (sub != NULL) {
		n->again = true;
		pthread_cond_signal(&n->wake);
	}
	pthread_mutex_unlock(&n->lock);
}

/* The servers as one comma-separated list (js_link's form). */
static char *
nats_in_servers(const struct config *c)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < c->n_nats_servers; i++)
		len += strlen(c->nats_servers[i]) + 1;
	s = xcalloc(1, len);
	for (size_t i = 0; i < c->n_nats_servers; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, c->nats_servers[i]);
	}
	return s;
}

struct nats_in *
nats_in_new(const struct config *c, void *zctx,
    const unsigned char key[INGEST_STREAM_KEY], char *err, size_t errlen)
{
	struct nats_in *n = xcalloc(1, sizeof *n);
	char *servers = nats_in_servers(c);
	struct js_link_options lo = { .servers = servers,
	    .credentials = c->nats_credentials != NULL &&
	    *c->nats_credentials != '\0' ? c->nats_credentials : NULL,
	    .name = "wallboardd", .disconnected = nats_in_on_disconnected,
	    .reconnected = nats_in_on_reconnected, .error = nats_in_on_error,
	    .closure = n };
	int hwm = NATS_IN_HWM, nodrop = 1, linger = 0, sndtimeo = 200;
	bool ok;

	n->config = c;
	pthread_mutex_init(&n->lock, NULL);
	pthread_mutex_init(&n->send_lock, NULL);
	pthread_cond_init(&n->wake, NULL);
	memcpy(n->frame, key, INGEST_STREAM_KEY);
	ok = js_link_open(&n->link, &lo, err, errlen);
	free(servers);
	if (!ok) {
		nats_in_free(&n);
		return NULL;
	}
	/* Known from here on by the library's word (the callbacks): asking
	 * it from the loop could wait on its lock while it dials. */
	n->stats.connected = natsConnection_Status(n->link.nc) == NATS_CONN_STATUS_CONNECTED;
	n->out = zmq_socket(zctx, ZMQ_XPUB);
	zmq_setsockopt(n->out, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(n->out, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
	zmq_setsockopt(n->out, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(n->out, ZMQ_SNDTIMEO, &sndtimeo, sizeof sndtimeo);
	if (zmq_bind(n->out, NATS_IN_ENDPOINT) != 0) {
		snprintf(err, errlen, "%s: %s", NATS_IN_ENDPOINT,
		    zmq_strerror(zmq_errno()));
		nats_in_free(&n);
		return NULL;
	}
	return n;
}

/* The library is done with a subscription: no callback runs or will. */
static void
nats_in_on_complete(void *closure)
{
	struct nats_in_sub *ns = closure;

	__atomic_store_n(&ns->done, 1, __ATOMIC_RELEASE);
}

/* Free the closures of finished subscriptions (all of them: at the end,
 * after the connection is closed). Only the supervisor, then the freeing
 * thread, touch the list. */
static void
nats_in_sweep(struct nats_in *n, bool all)
{
	struct nats_in_sub **p = &n->subs;

	while (*p != NULL) {
		struct nats_in_sub *ns = *p;

		if (all || __atomic_load_n(&ns->done, __ATOMIC_ACQUIRE)) {
			*p = ns->next;
			free(ns);
		} else {
			p = &ns->next;
		}
	}
}

/* Make the stream if missing, then (again) the ordered consumer, from
 * after the last message taken. In the supervisor's thread: the requests
 * may wait seconds for a server. */
static bool
nats_in_resubscribe(struct nats_in *n, char *err, size_t errlen)
{
	const struct config *c = n->config;
	struct js_stream_options so = { .stream = c->nats_stream,
	    .subjects = (const char *const *)c->nats_subjects,
	    .n_subjects = c->n_nats_subjects, .replicas = (int)c->nats_replicas,
	    .max_age_ms = c->nats_max_age_ms,
	    .duplicates_ms = c->nats_duplicates_ms };
	struct nats_in_sub *ns;
	natsSubscription *old;
	jsSubOptions sub;
	jsErrCode jerr = 0;
	uint64_t after;
	natsStatus s;
	bool made = false;

	if (!js_stream_ensure(&n->link, &so, &made, err, errlen))
		return false;
	if (made)
		log_msg(LOG_NOTICE, "NATS: made the stream %s (%d replica%s)",
		    c->nats_stream, (int)c->nats_replicas,
		    c->nats_replicas == 1 ? "" : "s");
	/* From here on the old subscription's messages are dropped, and its
	 * callback, if it is sending, has finished. */
	pthread_mutex_lock(&n->send_lock);
	n->gen++;
	pthread_mutex_unlock(&n->send_lock);
	pthread_mutex_lock(&n->lock);
	after = n->stats.last_seq > n->after_seq ? n->stats.last_seq : n->after_seq;
	old = n->sub;
	n->sub = NULL;
	n->stats.subscribed = false;
	pthread_mutex_unlock(&n->lock);
	if (old != NULL) {
		natsSubscription_Unsubscribe(old);
		natsSubscription_Destroy(old);
	}
	nats_in_sweep(n, false);
	ns = xcalloc(1, sizeof *ns);
	ns->n = n;
	ns->gen = n->gen;
	ns->last = after;
	ns->next = n->subs;
	n->subs = ns;
	jsSubOptions_Init(&sub);
	sub.Stream = c->nats_stream;
	sub.Ordered = true;
	if (after > 0) {
		sub.Config.DeliverPolicy = js_DeliverByStartSequence;
		sub.Config.OptStartSeq = after + 1;
	} else {
		sub.Config.DeliverPolicy = js_DeliverByStartTime;
		sub.Config.OptStartTime = n->since_ms * 1000000LL;
	}
	s = js_Subscribe(&old, n->link.js, n->filter, nats_in_on_msg, ns, NULL,
	    &sub, &jerr);
	if (s != NATS_OK) {
		snprintf(err, errlen, "cannot read the stream %s: %s (%d)",
		    c->nats_stream, natsStatus_GetText(s), (int)jerr);
		return false;
	}
	natsSubscription_SetPendingLimits(old, NATS_IN_PENDING_MSGS,
	    NATS_IN_PENDING_BYTES);
	/* Not set (closed already): the closure stays until the end. */
	natsSubscription_SetOnCompleteCB(old, nats_in_on_complete, ns);
	pthread_mutex_lock(&n->lock);
	n->sub = old;
	n->stats.subscribed = true;
	pthread_mutex_unlock(&n->lock);
	if (after > 0)
		log_msg(LOG_INFO, "NATS: reading %s after sequence %llu",
		    c->nats_stream, (unsigned long long)after);
	else
		log_msg(LOG_INFO, "NATS: reading %s from the day's start",
		    c->nats_stream);
	return true;
}

static int64_t
nats_in_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A look at the stream: its last sequence as of the moment asked. Only a
 * stream with a leader answers: during an election nothing is stored,
 * and the clock waits for what the feeds could not store meanwhile. */
static void
nats_in_look(struct nats_in *n)
{
	jsStreamInfo *si = NULL;
	jsOptions o;
	jsErrCode jerr = 0;
	int64_t asked = nats_in_wall_ms();

	jsOptions_Init(&o);
	o.Wait = 1000;
	if (js_GetStreamInfo(&si, n->link.js, n->config->nats_stream, &o,
	    &jerr) != NATS_OK)
		return;
	pthread_mutex_lock(&n->lock);
	n->look_wall = asked;
	n->look_last = si->State.LastSeq;
	n->looked = true;
	pthread_mutex_unlock(&n->lock);
	jsStreamInfo_Destroy(si);
}

/* Keeps the subscription: made at the start, made again when asked (a
 * reconnect, an error), tried every second while it fails; and looks at
 * the stream every NATS_IN_LOOK_MS while it reads it. */
static void *
nats_in_supervise(void *arg)
{
	struct nats_in *n = arg;
	char err[sizeof ((struct nats_in_stats *)0)->error];
	bool need = true, said = false;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		struct timespec until;

		if (!need && !n->again && !__atomic_load_n(&n->stopping,
		    __ATOMIC_ACQUIRE)) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += NATS_IN_LOOK_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&n->wake, &n->lock, &until);
		}
		if (__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE))
			break;
		need |= n->again;
		n->again = false;
		if (!need) {
			pthread_mutex_unlock(&n->lock);
			nats_in_look(n);
			pthread_mutex_lock(&n->lock);
			continue;
		}
		pthread_mutex_unlock(&n->lock);
		need = !nats_in_resubscribe(n, err, sizeof err);
		if (need && !said)
			log_msg(LOG_WARNING, "NATS: %s; trying every second", err);
		if (need) {
			pthread_mutex_lock(&n->lock);
			snprintf(n->stats.error, sizeof n->stats.error, "%s", err);
			pthread_mutex_unlock(&n->lock);
		}
		said = need;
		pthread_mutex_lock(&n->lock);
		if (need && !__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE)) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&n->wake, &n->lock, &until);
		}
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

bool
nats_in_subscribe(struct nats_in *n, uint64_t after_seq, int64_t since_ms,
    char *err, size_t errlen)
{
	const struct config *c = n->config;
	char sub_msg[8];
	int timeout = 2000;

	/* The ingest SUB has connected: wait for its subscription, so that
	 * nothing is sent before anyone listens. */
	zmq_setsockopt(n->out, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	if (zmq_recv(n->out, sub_msg, sizeof sub_msg, 0) < 0) {
		snprintf(err, errlen, "NATS: the ingest thread did not subscribe");
		return false;
	}
	n->after_seq = after_seq;
	n->since_ms = since_ms;
	n->filter = xstrdup(c->n_nats_subjects == 1 ? c->nats_subjects[0] : ">");
	if (pthread_create(&n->supervisor, NULL, nats_in_supervise, n) != 0) {
		snprintf(err, errlen, "NATS: cannot start its thread");
		return false;
	}
	n->supervising = true;
	return true;
}

void
nats_in_stats(struct nats_in *n, struct nats_in_stats *out)
{
	pthread_mutex_lock(&n->lock);
	*out = n->stats;
	pthread_mutex_unlock(&n->lock);
}

bool
nats_in_caught_up(struct nats_in *n, uint64_t applied, int64_t *wall)
{
	bool ok;

	pthread_mutex_lock(&n->lock);
	ok = n->looked && n->stats.connected && n->stats.subscribed && !n->again &&
	    applied >= n->look_last &&
	    nats_in_wall_ms() - n->look_wall <= NATS_IN_LOOK_STALE_MS;
	*wall = n->look_wall;
	pthread_mutex_unlock(&n->lock);
	return ok;
}

void
nats_in_free(struct nats_in **np)
{
	struct nats_in *n = *np;

	if (n == NULL)
		return;
	pthread_mutex_lock(&n->lock);
	__atomic_store_n(&n->stopping, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
	if (n->supervising)
		pthread_join(n->supervisor, NULL);
	if (n->sub != NULL) {
		natsSubscription_Unsubscribe(n->sub);
		natsSubscription_Destroy(n->sub);
	}
	js_link_close(&n->link);
	if (n->out != NULL)
		zmq_close(n->out);
	/* The on-completes come from the library's threads once the last
	 * callbacks have returned: wait for them a little (1 s at most). */
	nats_in_sweep(n, false);
	for (int i = 0; i < 100 && n->subs != NULL; i++) {
		struct timespec tick = { 0, 10 * 1000000L };

		nanosleep(&tick, NULL);
		nats_in_sweep(n, false);
	}
	nats_in_sweep(n, true);
	pthread_cond_destroy(&n->wake);
	pthread_mutex_destroy(&n->send_lock);
	pthread_mutex_destroy(&n->lock);
	free(n->filter);
	free(n);
	*np = NULL;
}
