/*
 * feed-out.c: where wallboard-feed's events go (see feed-out.h).
 *
 * Publishing: one ZeroMQ PUB socket. PUB drops at its high-water mark
 * without a word, which would show on the board as gaps; ZMQ_XPUB_NODROP
 * makes a full pipe block the send instead (bounded by SNDTIMEO), so a slow
 * daemon slows the feed rather than losing its events. JSON Lines: stdio,
 * one event per line.
 */
#include "feed-out.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include <cjson/cJSON.h>

#include "feed-nats.h"
#include "jetstream.h"
#include "jsonw.h"
#include "xalloc.h"

#define FEED_OUT_DEFAULT_CONNECT "tcp://127.0.0.1:7410"
#define FEED_OUT_SETTLE_MS 300
#define FEED_OUT_HWM 200000        /* ~40 MB of queued events at most */
#define FEED_OUT_LINGER_MS 2000
#define FEED_OUT_SEND_TIMEOUT_MS 10000

struct feed_out {
	char *src;
	char *prefix;           /* {"src":"...","seq": */
	size_t prefix_len;
	uint64_t seq;
	void *ctx;              /* publishing: */
	void *sock;
	FILE *fp;               /* or JSON Lines */
	struct feed_nats *nats; /* and/or JetStream */
	char *name_prefix;      /* before every name, or NULL */
	char *renamed;          /* the event with its names prefixed */
	bool own_fp;
	char *buf;              /* the event with src and seq */
	size_t cap;
	struct feed_out_stats stats;
};

/* The text every event starts with, src escaped once here. */
static void
feed_out_prefix(struct feed_out *o)
{
	struct jsonw w = { 0 };

	jsonw_reset(&w);
	jsonw_string(&w, o->src);
	o->prefix = xasprintf("{\"src\":%s,\"seq\":", jsonw_text(&w));
	o->prefix_len = strlen(o->prefix);
	jsonw_release(&w);
}

static bool
feed_out_open_file(struct feed_out *o, const char *path, char *err, size_t errlen)
{
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
		return true;
	}
	if ((o->fp = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return false;
	}
	o->own_fp = true;
	return true;
}

static bool
feed_out_open_socket(struct feed_out *o, const struct feed_out_options *opt,
    char *err, size_t errlen)
{
	int hwm = FEED_OUT_HWM, linger = FEED_OUT_LINGER_MS;
	int timeout = FEED_OUT_SEND_TIMEOUT_MS, nodrop = 1, rc;
	const char *where = opt->bind ? opt->bind :
	    opt->connect ? opt->connect : FEED_OUT_DEFAULT_CONNECT;

	o->ctx = zmq_ctx_new();
	o->sock = zmq_socket(o->ctx, ZMQ_PUB);
	zmq_setsockopt(o->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(o->sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(o->sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
	zmq_setsockopt(o->sock, ZMQ_XPUB_NODROP, &nodrop, sizeof nodrop);
	rc = opt->bind ? zmq_bind(o->sock, where) : zmq_connect(o->sock, where);
	if (rc != 0) {
		snprintf(err, errlen, "cannot %s %s: %s", opt->bind ? "bind" : "connect to",
		    where, zmq_strerror(zmq_errno()));
		return false;
	}
	return true;
}

/* PUB/SUB joins late: the daemon's subscription must arrive before the
 * first event, or that event goes nowhere. */
static void
feed_out_settle(int settle_ms)
{
	struct timespec ts;

	if (settle_ms == 0)
		settle_ms = FEED_OUT_SETTLE_MS;
	if (settle_ms < 0)
		return;
	ts.tv_sec = settle_ms / 1000;
	ts.tv_nsec = (long)(settle_ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/*
 * settle_ms 0 takes the default (300 ms); a negative one skips the wait.
 */
struct feed_out *
feed_out_new(const struct feed_out_options *opt, char *err, size_t errlen)
{
	struct feed_out *o;
	bool ok;

	if (opt->src == NULL || *opt->src == '\0') {
		snprintf(err, errlen, "a feed needs a name (src)");
		return NULL;
	}
	o = xcalloc(1, sizeof *o);
	o->src = xstrdup(opt->src);
	if (opt->name_prefix != NULL && *opt->name_prefix != '\0')
		o->name_prefix = xstrdup(opt->name_prefix);
	feed_out_prefix(o);
	if (opt->jsonl != NULL)
		ok = feed_out_open_file(o, opt->jsonl, err, errlen);
	else if (opt->nats == NULL || opt->connect != NULL || opt->bind != NULL)
		ok = feed_out_open_socket(o, opt, err, errlen);
	else
		ok = true;
	if (ok && opt->nats != NULL && opt->jsonl == NULL) {
		struct feed_nats_options no = { .servers = opt->nats,
		    .subject = opt->nats_subject, .credentials = opt->nats_credentials,
		    .max_events = opt->nats_buffer,
		    .wait_unless = opt->nats_wait_unless };
		char *subject = NULL;

		if (no.subject == NULL)
			no.subject = subject = xasprintf("wallboard.events.%s", o->src);
		o->nats = feed_nats_new(&no, err, errlen);
		ok = o->nats != NULL;
		free(subject);
	}
	if (!ok) {
		feed_out_free(&o);
		return NULL;
	}
	if (o->sock != NULL)
		feed_out_settle(opt->settle_ms);
	return o;
}

void
feed_out_free(struct feed_out **op)
{
	struct feed_out *o = *op;

	if (o == NULL)
		return;
	if (o->nats != NULL) {
		/* What waits for NATS goes, as long as the stream takes some
		 * every 10 s (a leader election takes fewer); then what became
		 * of it is said. */
		struct feed_nats_stats ns;

		feed_nats_drain(o->nats, 10000);
		feed_nats_stats(o->nats, &ns);
		fprintf(stderr, "wallboard-feed: %s: NATS: %llu stored (%llu the "
		    "stream already had), %llu tries again, %llu refused (queue "
		    "full), %llu waiting, %llu out of order\n", o->src,
		    (unsigned long long)ns.acked, (unsigned long long)ns.duplicates,
		    (unsigned long long)ns.retries, (unsigned long long)ns.dropped,
		    (unsigned long long)ns.waiting, (unsigned long long)ns.reordered);
		feed_nats_free(&o->nats, 0);
	}
	if (o->sock != NULL)
		zmq_close(o->sock);     /* LINGER: what is queued goes, up to 2 s */
	if (o->ctx != NULL)
		zmq_ctx_term(o->ctx);
	if (o->own_fp)
		fclose(o->fp);
	else if (o->fp != NULL)
		fflush(o->fp);
	free(o->src);
	free(o->name_prefix);
	cJSON_free(o->renamed);
	free(o->prefix);
	free(o->buf);
	free(o);
	*op = NULL;
}

/* The names of an event with the prefix before each (calls, queues,
 * agents, teams: what two sites' PBXs may both use). NULL if it is not a
 * JSON object (sent as it is, for the daemon to reject and count). */
static char *
feed_out_rename(const char *prefix, const char *data, size_t len)
{
	static const char *const keys[] = { "call", "queue", "to_queue",
	    "agent", "team" };
	cJSON *root = cJSON_ParseWithLength(data, len), *item;
	char *text;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return NULL;
	}
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
		item = cJSON_GetObjectItemCaseSensitive(root, keys[k]);
		if (cJSON_IsString(item)) {
			char *v = xasprintf("%s%s", prefix, item->valuestring);

			cJSON_SetValuestring(item, v);
			free(v);
		}
	}
	item = cJSON_GetObjectItemCaseSensitive(root, "queues");
	if (cJSON_IsArray(item)) {
		cJSON *q;

		cJSON_ArrayForEach(q, item)
			if (cJSON_IsString(q)) {
				char *v = xasprintf("%s%s", prefix, q->valuestring);

				cJSON_SetValuestring(q, v);
				free(v);
			}
	}
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

/* "src:seq" of a recorded event, for the stream's de-duplication; "" if it
 * has neither. */
static void
feed_out_raw_id(const char *data, size_t len, char *id, size_t size)
{
	cJSON *root = cJSON_ParseWithLength(data, len);
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(root, "src");
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(root, "seq");

	id[0] = '\0';
	if (cJSON_IsString(src) && cJSON_IsNumber(seq) && seq->valuedouble >= 1)
		js_msg_id(id, size, src->valuestring, (uint64_t)seq->valuedouble);
	cJSON_Delete(root);
}

static int
feed_out_write(struct feed_out *o, const char *data, size_t len,
    const char *msg_id)
{
	if (o->name_prefix != NULL) {
		cJSON_free(o->renamed);
		o->renamed = feed_out_rename(o->name_prefix, data, len);
		if (o->renamed != NULL) {
			data = o->renamed;
			len = strlen(o->renamed);
		}
	}
	if (o->nats != NULL && feed_nats_send(o->nats, data, len,
	    msg_id != NULL && *msg_id != '\0' ? msg_id : NULL) != 0)
		goto dropped;
	if (o->fp != NULL) {
		if (fwrite(data, 1, len, o->fp) != len || putc('\n', o->fp) == EOF)
			goto dropped;
	} else if (o->sock != NULL) {
		/* EAGAIN: the daemon took nothing for SNDTIMEO; EINTR: a stop. */
		if (zmq_send(o->sock, data, len, 0) < 0)
			goto dropped;
	}
	o->stats.sent++;
	o->stats.bytes += len;
	return 0;
dropped:
	o->stats.dropped++;
	return -1;
}

int
feed_out_raw(struct feed_out *o, const char *data, size_t len)
{
	char id[256];

	if (o->nats == NULL)
		return feed_out_write(o, data, len, NULL);
	feed_out_raw_id(data, len, id, sizeof id);
	return feed_out_write(o, data, len, id);
}

/* Make room for n bytes in the event buffer. */
static void
feed_out_reserve(struct feed_out *o, size_t n)
{
	if (n > o->cap) {
		o->cap = n * 2;
		o->buf = xrealloc(o->buf, o->cap);
	}
}

int
feed_out_event(struct feed_out *o, const char *json, size_t len)
{
	size_t i = 0, n;
	int digits;

	while (i < len && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n'))
		i++;
	if (i == len || json[i] != '{') {
		o->stats.dropped++;     /* not an object: a source's bug */
		return -1;
	}
	i++;
	while (i < len && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n'))
		i++;
	feed_out_reserve(o, o->prefix_len + 24 + len - i);
	memcpy(o->buf, o->prefix, o->prefix_len);
	n = o->prefix_len;
	/* An empty object gets no comma after seq. */
	digits = sprintf(o->buf + n, "%llu%s", (unsigned long long)++o->seq,
	    i < len && json[i] == '}' ? "" : ",");
	n += (size_t)digits;
	memcpy(o->buf + n, json + i, len - i);
	n += len - i;
	if (o->nats != NULL) {
		char id[256];

		js_msg_id(id, sizeof id, o->src, o->seq);
		return feed_out_write(o, o->buf, n, id);
	}
	return feed_out_write(o, o->buf, n, NULL);
}

bool
feed_out_nats_option(struct feed_out_options *o, int opt, const char *arg)
{
	switch (opt) {
	case FEED_OPT_NATS: o->nats = arg; return true;
	case FEED_OPT_SUBJECT: o->nats_subject = arg; return true;
	case FEED_OPT_NATS_CREDS: o->nats_credentials = arg; return true;
	case FEED_OPT_NAME_PREFIX: o->name_prefix = arg; return true;
	case FEED_OPT_NATS_BUFFER: {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || n < 1 ||
		    n > 10000000ULL) {
			fprintf(stderr, "wallboard-feed: --nats-buffer %s: a number "
			    "of events from 1 to 10000000\n", arg);
			exit(2);
		}
		o->nats_buffer = (size_t)n;
		return true;
	}
	}
	return false;
}

void
feed_out_stats(const struct feed_out *o, struct feed_out_stats *out)
{
	*out = o->stats;
}

void
feed_out_report(const struct feed_out *o)
{
	fprintf(stderr, "wallboard-feed: %s: %llu events sent (%llu dropped)\n", o->src,
	    (unsigned long long)o->stats.sent, (unsigned long long)o->stats.dropped);
}
