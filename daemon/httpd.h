/*
 * httpd.h: a small HTTP/1.1 server on libevent's evconnlistener and
 * bufferevents, built to be reachable by anything on the network without
 * being knocked over by it (issue 16). httpd.c says how; in short:
 *
 *   - at most max_connections open at once: at the cap, each new connection
 *     closes the oldest one that has no request in progress (a scanner's
 *     idle or trickling connections are the oldest), so a monitoring probe,
 *     which sends its request at once, still gets through;
 *   - the whole request line and headers (8 KiB at most) within
 *     header_timeout, a deadline that a trickle cannot move;
 *   - a kept-alive connection with no request is closed after idle_timeout;
 *   - a response not taken by the client within header_timeout closes the
 *     connection, and what is queued for clients is bounded, for one
 *     connection and for all (past that, 503);
 *   - no request carries a body; one request at a time;
 *   - counters, never a log line per connection or per bad request.
 *
 * What serves the requests (http.c) sees a request, answers it with
 * httpd_reply, and knows nothing of connections. A later stream (Server-Sent
 * Events) is another state of the same connection: the head written without
 * Content-Length, then chunks appended under the same bound on queued output
 * and the same write deadline.
 */
#ifndef WALLBOARD_HTTPD_H
#define WALLBOARD_HTTPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct proc;

/* What the server counts; the daemon shows them in /metrics and status. */
struct httpd_stats {
	uint64_t open;                  /* connections open now */
	uint64_t accepted;
	uint64_t evicted;               /* closed at the cap to make room */
	uint64_t accept_errors;         /* accept() failed: paused 1 s */
	uint64_t header_timeouts;       /* request not in by header_timeout */
	uint64_t idle_timeouts;         /* kept alive, no request in time */
	uint64_t write_timeouts;        /* response not taken in time */
	uint64_t bad_requests;          /* refused when parsed: 4xx/5xx */
	uint64_t busy;                  /* 503: the output budget was spent */
	uint64_t requests;              /* handed to the handler and answered */
	uint64_t streams;               /* event streams open now */
	uint64_t stream_drops;          /* streams closed: client fell behind */
};

struct httpd_limits {
	int64_t max_connections;
	int64_t header_timeout_ms;
	int64_t idle_timeout_ms;
};

struct httpd;
struct httpd_req;

/* Called for each whole request; it must call httpd_reply before it
 * returns (else the client gets 500). */
typedef void httpd_handler(struct httpd_req *, void *arg);

/*
 * Listen on host:port. -1 with a sentence in err when that fails. The
 * counters are the caller's (zeroed or not), written as things happen.
 */
struct httpd *httpd_open(struct proc *, const char *host, unsigned port,
    const struct httpd_limits *, struct httpd_stats *, httpd_handler *,
    void *arg, char *err, size_t errlen);
/* Close the listener and every connection. Accepts NULL. */
void httpd_close(struct httpd **);
/* The cap in force: max_connections, or lower if the fd limit is. */
int64_t httpd_max_connections(const struct httpd *);

/* The request: method ("GET"), path (the target up to '?', not decoded). */
const char *httpd_req_method(const struct httpd_req *);
const char *httpd_req_path(const struct httpd_req *);
bool httpd_req_is_head(const struct httpd_req *);
/* The whole target, query included; the request's Authorization and
 * Last-Event-ID headers (the last of each), or NULL. The client's bytes:
 * never logged. */
const char *httpd_req_target(const struct httpd_req *);
const char *httpd_req_authorization(const struct httpd_req *);
const char *httpd_req_last_event_id(const struct httpd_req *);
/* What follows the '?' of the target, not decoded; "" when none. */
const char *httpd_req_query(const struct httpd_req *);

/* A response header; name and value are the caller's own text (never the
 * client's), without CR or LF. */
void httpd_header(struct httpd_req *, const char *name, const char *value);
/* The response: status line, Date, Content-Length, Connection, the headers
 * given, then body (unless HEAD). body may be NULL; its bytes are moved out
 * of it. */
void httpd_reply(struct httpd_req *, int code, const char *reason,
    struct evbuffer *body);

/*
 * A stream (Server-Sent Events): instead of httpd_reply, write a 200 head
 * with the headers given and "Connection: close", and keep the connection
 * for httpd_stream_write. `closed(arg)` is called when the connection ends
 * other than by httpd_stream_close or a failed write (the client left, a
 * write deadline passed). The stream belongs to httpd; the caller's handle
 * is valid until closed() or one of those.
 */
struct httpd_stream;
typedef void httpd_stream_closed(void *arg);
struct httpd_stream *httpd_stream_start(struct httpd_req *, size_t max,
    httpd_stream_closed *closed, void *arg);
/* Append to the stream; -1 when its output would pass `max`: then the
 * connection is closed (counted in stream_drops) and the handle is gone. */
int httpd_stream_write(struct httpd_stream *, const void *, size_t);
/* Close a stream; accepts NULL and clears the pointer. */
void httpd_stream_close(struct httpd_stream **);

#endif
