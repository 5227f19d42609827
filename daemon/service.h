/*
 * service.h: what the daemon's state (server.c) offers the parts that serve
 * people and programs: the control socket (control.c, for wallboardctl) and
 * HTTP (http.c, for monitoring). They see this and nothing else of the
 * server: they ask through these functions, and the server only opens and
 * closes them. So the arrows run one way: server.c -> control.c, http.c ->
 * service.h, never back into server.c by name.
 */
#ifndef WALLBOARD_SERVICE_H
#define WALLBOARD_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "httpd.h"
#include "journal.h"

struct alerts;
struct engine;
struct journal;
struct proc;

struct server_stats {
	uint64_t received;      /* messages on the ingest socket, taken in */
	uint64_t applied;
	uint64_t duplicates;
	uint64_t late;          /* applied at the clock: their ts was behind it */
	uint64_t refused;       /* events past a limit (engine_limit_info) */
	uint64_t ingest_full;   /* times ingest.max_queue paused reading */
	uint64_t rejected[REJECT_COUNT];
	uint64_t published;
	uint64_t publish_dropped;
	uint64_t publish_largest;       /* bytes: the largest message published */
	/* Peers on the binds (peers.c): connected now, and counts. */
	uint64_t subscribers, subscribers_refused;
	uint64_t ingest_peers, ingest_peers_refused;
	uint64_t ingest_peers_dropped;  /* connections that ended: left, or cut
	                                 * off (a message over ingest.max_message) */
	uint64_t control_requests;
	uint64_t replayed;      /* journal records at the last (re)build */
	/* The journal's file cannot be written since this wall time (ms);
	 * 0 while it is. journal_pending says what waits and what was lost. */
	int64_t journal_failing_since;
	/* Rejected messages, a few a minute, for a person to see why
	 * (server.c: server_reject_sample): newest last. */
#define REJECT_SAMPLES 5
#define REJECT_SAMPLE_BYTES 256
	struct reject_sample {
		int64_t at;     /* wall ms */
		char feed[64];  /* "" when unreadable */
		char why[160];
		char text[REJECT_SAMPLE_BYTES + 4]; /* truncated, callers masked */
	} reject_samples[REJECT_SAMPLES];
	unsigned n_reject_samples;
	int64_t reject_sample_minute;   /* wall ms / 60000 of the last taken */
	unsigned reject_samples_this_minute;
	int64_t replay_ms;
	/* What the last (re)build's replay found: damage skipped and lost,
	 * a torn tail (journal.h). */
	struct journal_replay_result replay_result;
	double events_per_s;
	struct httpd_stats http;        /* written by httpd.c */
	/* ingest.nats (nats-in.h): the stream, where the daemon is in it and
	 * what it has not read yet (lag, in messages). */
	struct stream_stats {
		bool on;
		bool connected;
		const char *stream;
		uint64_t received;      /* messages read since the start */
		uint64_t redelivered;   /* dropped: the library's consumer
		                         * started again before the last read */
		uint64_t position;      /* the stream sequence applied last */
		uint64_t lag;           /* messages in the stream after it */
		uint64_t disconnects;
		uint64_t errors;
		char error[200];
	} stream;
	struct httpd_stats web_http;    /* web.listen's, when set */
};

/* A look at the daemon, valid until control returns to the loop. */
struct service_state {
	const char *config_path;
	const struct config *config;
	struct engine *engine;          /* at `now` if asked to_clock */
	struct alerts *alerts;
	struct journal *journal;
	const struct server_stats *stats;
	int64_t now;                    /* the daemon's clock */
};

struct service {
	void *server;
	/* The state. With to_clock, the engine is moved to the clock first
	 * (journaled, as every move of the clock is), for figures as of now;
	 * without, nothing is written (a health probe, a status). */
	void (*state)(void *server, bool to_clock, struct service_state *);
	/* The snapshot as of the clock; valid until the next call. */
	const char *(*snapshot)(void *server);
	/* The day's alerts, newest first, as JSON: {"ok":true, "site",
	 * "timezone", "now", "day_start", "dropped", "alerts":[...]}; valid
	 * until the next call. */
	const char *(*alerts)(void *server);
	/* Load the config file again; -1 with its mistakes when it is not whole
	 * (the running config stays). */
	int (*reload)(void *server, struct config_errors *errors);
	/* A team leader's message set or cleared, an alert acknowledged: `raw` is
	 * the request as it came (JSON). 0 with what was done in out (for an
	 * ack, the whole id of the alert acked: the request may give any
	 * unambiguous start of it), or -1 with a sentence saying why not. */
	int (*message)(void *server, const char *raw, size_t len, char *out, size_t outlen);
	int (*ack)(void *server, const char *raw, size_t len, char *out, size_t outlen);
	void (*count_request)(void *server);
	/* The browser board's routes (web.h); NULL when none. */
	struct web *web;
};

/* control.c: the control socket, ipc://STATE_DIR/control.sock (0660). */
struct control;
struct control *control_open(struct proc *, void *zctx, const char *state_dir,
    const struct service *, char *err, size_t errlen);
void control_close(struct control **);
/* The reply to one request, `len` bytes as it came on the socket (any
 * bytes): JSON text in w or the server's, valid until the next call. What
 * the socket answers, without the socket. */
struct jsonw;
const char *control_answer(const struct service *, const char *data,
    size_t len, struct jsonw *w);

/* http.c: /healthz, /metrics and /api/v1/snapshot on http.listen (none when
 * it is "" or NULL), within http.max_connections, header_timeout and
 * idle_timeout; its counters go to `stats`. Open after the sockets are
 * bound: failing to listen is an error, -1 with a sentence in err. Close
 * accepts one never opened. */
struct http;
int http_open(struct http **, struct proc *, const struct config *,
    const struct service *, struct httpd_stats *stats, char *err,
    size_t errlen);
void http_close(struct http **);

#endif
