/*
 * jetstream.h: what wallboard-feed and wallboardd share to reach NATS
 * JetStream (libnats): a connection to a list of servers that reconnects
 * for ever, and the stream the events live in, made if it is missing.
 *
 * Both ends see the same subjects: wallboard.events.SITE.SRC, one subject a
 * feed; a message is one protocol-v1 event (docs/protocol.md §1) and its
 * Nats-Msg-Id is "src:seq", so the server drops the copies a restarted feed
 * sends again within the stream's duplicate window.
 */
#ifndef WALLBOARD_JETSTREAM_H
#define WALLBOARD_JETSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#define JS_DEFAULT_MAX_AGE_MS (3 * 24 * 3600 * 1000LL)  /* today, yesterday, and one more */
#define JS_DEFAULT_DUPLICATES_MS (2 * 3600 * 1000LL)     /* a feed's restart, and then some */

struct js_link_options {
	const char *servers;        /* "nats://h1:4222,nats://h2:4222" */
	const char *credentials;    /* a .creds file, or NULL */
	const char *name;           /* the connection's name, as the server lists it */
	int reconnect_buffer;       /* bytes published while reconnecting are
	                             * held (0: 8 MB; 1: none, they fail) */
	jsPubAckHandler ack;        /* each asynchronous publish's answer */
	void *ack_closure;
	/* Told from the library's threads (NULL: not told). */
	natsConnectionHandler disconnected, reconnected;
	natsErrHandler error;
	void *closure;
};

struct js_link {
	natsConnection *nc;
	jsCtx *js;
	int closed;             /* the library's closed callback has run: no
	                         * callback of the link's can come after it */
};

/* Connect (the first server that answers; every one is tried again for
 * ever after a loss). False with a sentence in err. */
bool js_link_open(struct js_link *, const struct js_link_options *, char *err,
    size_t errlen);
void js_link_close(struct js_link *);

struct js_stream_options {
	const char *stream;         /* name */
	const char *const *subjects;
	size_t n_subjects;
	int replicas;               /* 1, 3 or 5 */
	int64_t max_age_ms;
	int64_t duplicates_ms;
};

/* The stream, made with these options if it is missing (an existing one is
 * left as it is). False with a sentence in err. *made says which. */
bool js_stream_ensure(struct js_link *, const struct js_stream_options *,
    bool *made, char *err, size_t errlen);

/* "src:seq" into buf (the message id a feed's event is published with). */
void js_msg_id(char *buf, size_t size, const char *src, uint64_t seq);

#endif
