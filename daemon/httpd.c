/*
 * httpd.c: a small HTTP/1.1 server on libevent's evconnlistener and
 * bufferevents (issue 16). It replaces evhttp, which in libevent 2.1 has no
 * cap on connections and only inactivity timeouts: ~1,100 idle or trickling
 * connections ran the daemon out of fds (and libzmq aborted), and a client
 * sending a byte a second was never closed.
 *
 * A connection is in one of four states:
 *
 *   HEAD    reading a request line and headers. They must all be in by a
 *           deadline, header_timeout after accept (or after the first byte
 *           of a request on a kept-alive connection, or the end of the
 *           previous response when a pipelined request is already there).
 *           The deadline is set once and never moved: a trickle cannot
 *           extend it. At most HTTPD_MAX_HEAD bytes (431 past them).
 *   IDLE    kept alive after a response, no byte of a next request yet:
 *           closed after idle_timeout.
 *   REPLY   the response is queued; nothing is read (requests are taken one
 *           at a time: a pipelined one waits in the input buffer, which the
 *           read watermark bounds). The whole response must be taken by the
 *           client within header_timeout of being queued, or the connection
 *           is closed; a response over HTTPD_MAX_QUEUED is refused (503),
 *           and so is one over HTTPD_SMALL while the responses queued for
 *           all connections would pass HTTPD_QUEUED_ALL.
 *   LINGER  a response with "Connection: close" is out: our side is shut
 *           down and what the client still sends is read and dropped, for a
 *           second at most, so that the kernel does not answer unread bytes
 *           with a reset that could destroy the response (a 431, say)
 *           before the client reads it.
 *
 * The cap. At most max_connections are open. When one more arrives at the
 * cap, the oldest connection with no request in progress (HEAD, IDLE or
 * LINGER, oldest by when it entered that state) is closed to make room:
 * O(1), a list kept in that order. Whoever holds connections open without
 * finishing a request (a scanner, slowloris) loses them first, and a probe
 * that sends its request as soon as it connects, as every monitoring probe
 * does, gets through; a flood has to open max_connections connections in
 * the time the probe takes to send a few hundred bytes to push it out.
 * (libevent accepts the new one before the oldest is closed: for that
 * instant one fd more is held; the oldest's socket is closed at once,
 * httpd_conn_free.) At most HTTPD_ACCEPT_BATCH are accepted in
 * a turn of the loop, so what accepted connections have sent is read
 * before a burst of newer ones can push them out. Only when every
 * connection is in REPLY does the listener pause; the write deadline frees
 * those within header_timeout. Each eviction is counted; the log has one
 * rate-limited line a minute.
 *
 * The cap is also kept below the process's fd limit (RLIMIT_NOFILE less
 * HTTPD_FD_RESERVE for ZeroMQ, the journal and the rest): running out of
 * fds makes libzmq abort. If accept() fails anyway (EMFILE, ENFILE,
 * ENOBUFS...), the listener pauses for a second: counted, one rate-limited
 * line, never a busy loop.
 *
 * Requests: a strict request line (a token method, an origin-form target,
 * HTTP/1.0 or HTTP/1.1; another HTTP version gets 505), header lines of a
 * token, a colon and visible text. No body: Content-Length other than 0
 * gets 413, Transfer-Encoding 501; and either closes the connection, as
 * every refusal does. HTTP/1.1 requires Host (400 without). HTTP/1.1 is
 * kept alive unless the request says "Connection: close"; HTTP/1.0 is
 * closed after its response. The client's bytes never reach a log line:
 * refusals are logged as our own phrase, rate-limited.
 *
 * Streams (Server-Sent Events, issue 21, daemon/web.c): a handler that
 * starts one gets the head written without Content-Length and the
 * connection in a fifth state, STREAM: what the client sends is dropped,
 * it is out of the waiting list like REPLY, each write must be taken within
 * header_timeout, and an event is appended only while the output stays
 * under a per-client bound (a client that falls behind is closed, counted,
 * not buffered for). web.c caps streams at web.max_streams, under half of
 * max_connections, so they cannot hold every slot and pause the listener.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "httpd.h"
#include "log.h"
#include "proc.h"
#include "xalloc.h"

/* The request line and headers, CRLFs included. */
#define HTTPD_MAX_HEAD 8192
/* What one connection may have queued to write: one response. */
#define HTTPD_MAX_QUEUED (64 * 1024 * 1024)
/* What all connections together may have queued: a snapshot is some 13 MB
 * at the default limits, and max_connections clients asking for it and
 * reading nothing must not make the daemon hold 256 copies. Past it a
 * response gets 503; one of HTTPD_SMALL or less always goes (/healthz). */
#define HTTPD_QUEUED_ALL (256 * 1024 * 1024)
#define HTTPD_SMALL (64 * 1024)
/* Fds kept for everything but HTTP: ZeroMQ's peers and its own, the
 * journal, the control socket. */
#define HTTPD_FD_RESERVE 128
/* After a closing response: how long, and how much, is read and dropped. */
#define HTTPD_LINGER_MS 1000
#define HTTPD_LINGER_BYTES (64 * 1024)
/* After accept() fails. */
#define HTTPD_ACCEPT_PAUSE_MS 1000
#define HTTPD_BACKLOG 511
/* Connections accepted in one turn of the loop, at most: then the loop
 * reads what the ones accepted have sent before it accepts more, so that a
 * burst of connections at the cap cannot push out a probe whose request is
 * already there, unread. */
#define HTTPD_ACCEPT_BATCH 16

enum httpd_state {
	HTTPD_HEAD,
	HTTPD_IDLE,
	HTTPD_REPLY,
	HTTPD_LINGER,
	HTTPD_STREAM,
};

struct httpd_req {
	struct httpd_conn *conn;
	char method[16];
	char *target;
	char *path;
	int minor;                      /* HTTP/1.<minor> */
	bool head;
	bool close;                     /* Connection: close (or HTTP/1.0) */
	int hosts;
	int lengths;
	int64_t length;
	bool transfer_encoding;
	char *authorization;            /* the last given, or NULL */
	char *last_event_id;
	struct evbuffer *headers;       /* the response's, as written */
	bool replied;
};

struct httpd_conn {
	struct httpd *httpd;
	struct bufferevent *bev;
	struct proc_timer *timer;
	enum httpd_state state;
	bool line;                      /* the request line is in */
	size_t head_len;                /* bytes of the head so far */
	size_t lingered;
	size_t queued;                  /* of the response, counted in httpd */
	struct httpd_req req;
	bool waiting;                   /* in httpd->waiting */
	/* STREAM: the most its output may hold, and who hears of its end. */
	size_t stream_max;
	httpd_stream_closed *stream_closed;
	void *stream_arg;
	bool dropped;                   /* fell behind: closed next turn */
	TAILQ_ENTRY(httpd_conn) all_entry;
	TAILQ_ENTRY(httpd_conn) wait_entry;
};

TAILQ_HEAD(httpd_conns, httpd_conn);

struct httpd {
	struct proc *proc;
	struct evconnlistener *listener;
	struct httpd_limits lim;
	int64_t cap;
	struct httpd_stats *st;
	httpd_handler *handler;
	void *arg;
	struct httpd_conns all;
	struct httpd_conns waiting;     /* no request in progress, by age */
	bool listening;
	bool paused;                    /* after an accept() error */
	struct proc_timer *resume;
	int batch;                      /* accepted this turn of the loop */
	size_t queued;                  /* responses not yet all written */
	struct proc_timer *next_turn;
	struct log_limiter cap_log, error_log, bad_log, timeout_log, busy_log;
};

static void httpd_conn_free(struct httpd_conn *);
static void httpd_parse(struct httpd_conn *);
static void httpd_on_read(struct bufferevent *, void *);
static void httpd_on_write(struct bufferevent *, void *);
static void httpd_on_event(struct bufferevent *, short, void *);
static void httpd_on_timer(void *);

/* ---- the listener ------------------------------------------------------- */

/* Listen unless paused after an error, or at the cap with nobody to make
 * room (every connection is being answered). */
static void
httpd_listen_update(struct httpd *h)
{
	bool want = !h->paused && h->batch < HTTPD_ACCEPT_BATCH &&
	    ((int64_t)h->st->open < h->cap || !TAILQ_EMPTY(&h->waiting));

	if (want == h->listening)
		return;
	if (want)
		evconnlistener_enable(h->listener);
	else
		evconnlistener_disable(h->listener);
	h->listening = want;
}

static void
httpd_waiting(struct httpd_conn *c, bool on)
{
	struct httpd *h = c->httpd;

	if (c->waiting)
		TAILQ_REMOVE(&h->waiting, c, wait_entry);
	if (on)
		TAILQ_INSERT_TAIL(&h->waiting, c, wait_entry);
	c->waiting = on;
	httpd_listen_update(h);
}

static void
httpd_req_clear(struct httpd_req *r)
{
	struct httpd_conn *c = r->conn;

	free(r->target);
	free(r->path);
	free(r->authorization);
	free(r->last_event_id);
	if (r->headers != NULL)
		evbuffer_free(r->headers);
	memset(r, 0, sizeof *r);
	r->conn = c;
}

/* Await a request: HEAD (with its deadline) when bytes of one are here
 * already or the connection is new, else IDLE. */
static void
httpd_await(struct httpd_conn *c, bool fresh)
{
	struct httpd *h = c->httpd;
	struct evbuffer *in = bufferevent_get_input(c->bev);

	httpd_req_clear(&c->req);
	c->line = false;
	c->head_len = 0;
	if (fresh || evbuffer_get_length(in) > 0) {
		c->state = HTTPD_HEAD;
		proc_timer_after(c->timer, h->lim.header_timeout_ms);
	} else {
		c->state = HTTPD_IDLE;
		proc_timer_after(c->timer, h->lim.idle_timeout_ms);
	}
	httpd_waiting(c, true);
	bufferevent_enable(c->bev, EV_READ);
	if (!fresh && evbuffer_get_length(in) > 0)
		httpd_parse(c);
}

static void
httpd_on_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct httpd *h = arg;
	struct httpd_conn *c, *old;
	int one = 1;

	h->st->accepted++;
	if ((int64_t)h->st->open >= h->cap &&
	    (old = TAILQ_FIRST(&h->waiting)) != NULL) {
		h->st->evicted++;
		log_limited(&h->cap_log, proc_mono_ms(), LOG_WARNING,
		    "http: %" PRId64 " connections, the most "
		    "http.max_connections allows; the oldest with no request "
		    "in progress is closed for each new one (%" PRIu64
		    " so far)", h->cap, h->st->evicted);
		httpd_conn_free(old);
	}
	if ((int64_t)h->st->open >= h->cap) {
		/* Every one is being answered: the listener is paused by now;
		 * what libevent accepted before that is closed at once. */
		h->st->evicted++;
		evutil_closesocket(fd);
		return;
	}
	/* A response goes out in one write; no waiting on Nagle for it. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	c->httpd = h;
	c->req.conn = c;
	c->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("out of memory");
	bufferevent_setcb(c->bev, httpd_on_read, httpd_on_write, httpd_on_event,
	    c);
	c->timer = proc_timer_new(h->proc, httpd_on_timer, c);
	TAILQ_INSERT_TAIL(&h->all, c, all_entry);
	h->st->open++;
	/* Read no more than a whole head (and a byte to tell it is over). */
	bufferevent_setwatermark(c->bev, EV_READ, 0, HTTPD_MAX_HEAD + 1);
	httpd_await(c, true);
	if (++h->batch == HTTPD_ACCEPT_BATCH) {
		httpd_listen_update(h);
		proc_timer_after(h->next_turn, 0);
	}
}

static void
httpd_on_next_turn(void *arg)
{
	struct httpd *h = arg;

	h->batch = 0;
	httpd_listen_update(h);
}

static void
httpd_on_resume(void *arg)
{
	struct httpd *h = arg;

	h->paused = false;
	httpd_listen_update(h);
}

/* accept() failed with what libevent does not retry at once: out of fds
 * (EMFILE, ENFILE), of buffers (ENOBUFS, ENOMEM) or stranger. Retrying at
 * once would spin: pause. */
static void
httpd_on_accept_error(struct evconnlistener *l, void *arg)
{
	struct httpd *h = arg;
	int err = EVUTIL_SOCKET_ERROR();

	h->st->accept_errors++;
	log_limited(&h->error_log, proc_mono_ms(), LOG_WARNING,
	    "http: cannot accept a connection: %s; not accepting for %d ms "
	    "(%" PRIu64 " times so far)", strerror(err), HTTPD_ACCEPT_PAUSE_MS,
	    h->st->accept_errors);
	h->paused = true;
	httpd_listen_update(h);
	proc_timer_after(h->resume, HTTPD_ACCEPT_PAUSE_MS);
}

/* ---- responses ---------------------------------------------------------- */

/* The response head, then the body unless HEAD; the write deadline runs. */
static void
httpd_send(struct httpd_conn *c, int code, const char *reason,
    struct evbuffer *headers, struct evbuffer *body, bool head)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t len = body != NULL ? evbuffer_get_length(body) : 0;
	char date[64];
	struct tm tm;
	time_t now = (time_t)(proc_wall_ms() / 1000);

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\n"
	    "Content-Length: %zu\r\n%s", code, reason, date, len,
	    c->req.close ? "Connection: close\r\n" : "");
	if (headers != NULL)
		evbuffer_add_buffer(out, headers);
	evbuffer_add(out, "\r\n", 2);
	if (body != NULL && !head)
		evbuffer_add_buffer(out, body);
	c->queued = evbuffer_get_length(out);
	c->httpd->queued += c->queued;
	c->state = HTTPD_REPLY;
	httpd_waiting(c, false);
	bufferevent_disable(c->bev, EV_READ);
	proc_timer_after(c->timer, c->httpd->lim.header_timeout_ms);
}

/* Refuse what was read: counted, one rate-limited line with our phrase for
 * what was wrong (never the client's bytes), the reason, and close. */
static void
httpd_refuse(struct httpd_conn *c, int code, const char *reason,
    const char *why)
{
	struct httpd *h = c->httpd;
	struct evbuffer *headers = evbuffer_new(), *body = evbuffer_new();

	if (headers == NULL || body == NULL)
		fatalx("out of memory");
	h->st->bad_requests++;
	log_limited(&h->bad_log, proc_mono_ms(), LOG_NOTICE,
	    "http: refused a request: %s: %d %s (%" PRIu64 " refused so far)",
	    why, code, reason, h->st->bad_requests);
	evbuffer_add_printf(headers, "Content-Type: text/plain; "
	    "charset=utf-8\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n");
	evbuffer_add_printf(body, "%s\n", why);
	c->req.close = true;
	httpd_send(c, code, reason, headers, body, false);
	evbuffer_free(headers);
	evbuffer_free(body);
}

/* Our side is done: shut it, and drop what the client still sends for a
 * moment (see LINGER above). */
static void
httpd_linger(struct httpd_conn *c)
{
	c->state = HTTPD_LINGER;
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	evbuffer_drain(bufferevent_get_input(c->bev),
	    evbuffer_get_length(bufferevent_get_input(c->bev)));
	httpd_waiting(c, true);
	bufferevent_enable(c->bev, EV_READ);
	proc_timer_after(c->timer, HTTPD_LINGER_MS);
}

/* ---- requests ----------------------------------------------------------- */

/* RFC 9110 5.6.2: a token's characters. */
static bool
httpd_tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* METHOD SP origin-form SP HTTP/1.x. 0, or -1 with the refusal sent. */
static int
httpd_request_line(struct httpd_conn *c, const char *line, size_t len)
{
	struct httpd_req *r = &c->req;
	const char *sp1, *sp2, *v;
	size_t mlen, tlen, plen;

	sp1 = memchr(line, ' ', len);
	if (sp1 == NULL || (mlen = (size_t)(sp1 - line)) == 0 ||
	    mlen >= sizeof r->method) {
		httpd_refuse(c, 400, "Bad Request", "not a request line");
		return -1;
	}
	for (size_t i = 0; i < mlen; i++)
		if (!httpd_tchar((unsigned char)line[i])) {
			httpd_refuse(c, 400, "Bad Request", "not a method");
			return -1;
		}
	sp2 = memchr(sp1 + 1, ' ', len - mlen - 1);
	if (sp2 == NULL || sp1[1] != '/') {
		httpd_refuse(c, 400, "Bad Request",
		    "not a request line with a target starting with /");
		return -1;
	}
	tlen = (size_t)(sp2 - sp1 - 1);
	for (size_t i = 0; i < tlen; i++) {
		unsigned char ch = (unsigned char)sp1[1 + i];

		if (ch <= 0x20 || ch >= 0x7f || ch == '#') {
			httpd_refuse(c, 400, "Bad Request",
			    "a target with a byte a URI may not hold");
			return -1;
		}
	}
	v = sp2 + 1;
	if ((size_t)(line + len - v) != 8 || memcmp(v, "HTTP/", 5) != 0 ||
	    v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' ||
	    v[7] > '9') {
		httpd_refuse(c, 400, "Bad Request", "not an HTTP version");
		return -1;
	}
	if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) {
		httpd_refuse(c, 505, "HTTP Version Not Supported",
		    "only HTTP/1.0 and HTTP/1.1 are served");
		return -1;
	}
	memcpy(r->method, line, mlen);
	r->method[mlen] = '\0';
	r->head = strcmp(r->method, "HEAD") == 0;
	r->minor = v[7] - '0';
	r->close = r->minor == 0;
	r->target = xstrndup(sp1 + 1, tlen);
	plen = strcspn(r->target, "?");
	r->path = xstrndup(r->target, plen);
	return 0;
}

/* Whether a comma-separated header value lists `token` (any case). */
static bool
httpd_lists(const char *value, const char *token)
{
	size_t n = strlen(token), span;

	while (*value != '\0') {
		value += strspn(value, " \t,");
		span = strcspn(value, ",");
		while (span > 0 && (value[span - 1] == ' ' ||
		    value[span - 1] == '\t'))
			span--;
		if (span == n && strncasecmp(value, token, n) == 0)
			return true;
		value += strcspn(value, ",");
	}
	return false;
}

/* NAME ":" OWS VALUE OWS; noted if it is one that matters here. */
static int
httpd_header_line(struct httpd_conn *c, char *line, size_t len)
{
	struct httpd_req *r = &c->req;
	char *colon = memchr(line, ':', len), *value, *end;
	size_t nlen;

	if (colon == NULL || colon == line) {
		httpd_refuse(c, 400, "Bad Request", line[0] == ' ' ||
		    line[0] == '\t' ? "a folded header line" :
		    "not a header line");
		return -1;
	}
	nlen = (size_t)(colon - line);
	for (size_t i = 0; i < nlen; i++)
		if (!httpd_tchar((unsigned char)line[i])) {
			httpd_refuse(c, 400, "Bad Request",
			    "not a header name");
			return -1;
		}
	for (size_t i = nlen + 1; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			httpd_refuse(c, 400, "Bad Request",
			    "a control character in a header");
			return -1;
		}
	}
	value = colon + 1 + strspn(colon + 1, " \t");
	end = line + len;
	while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	*colon = '\0';
	if (strcasecmp(line, "Host") == 0)
		r->hosts++;
	else if (strcasecmp(line, "Content-Length") == 0) {
		char *stop;

		errno = 0;
		r->length = value[0] >= '0' && value[0] <= '9' ?
		    (int64_t)strtoll(value, &stop, 10) : -1;
		if (r->length < 0 || *stop != '\0' || errno != 0 ||
		    r->lengths++ > 0) {
			httpd_refuse(c, 400, "Bad Request",
			    "a Content-Length that is not one number");
			return -1;
		}
	} else if (strcasecmp(line, "Transfer-Encoding") == 0)
		r->transfer_encoding = true;
	else if (strcasecmp(line, "Authorization") == 0) {
		free(r->authorization);
		r->authorization = xstrdup(value);
	} else if (strcasecmp(line, "Last-Event-ID") == 0) {
		free(r->last_event_id);
		r->last_event_id = xstrdup(value);
	}
	else if (strcasecmp(line, "Connection") == 0 &&
	    httpd_lists(value, "close"))
		r->close = true;
	return 0;
}

/* The head is in: refuse what we do not take, else hand it over. */
static void
httpd_dispatch(struct httpd_conn *c)
{
	struct httpd *h = c->httpd;
	struct httpd_req *r = &c->req;

	if (r->minor == 1 && r->hosts != 1) {
		httpd_refuse(c, 400, "Bad Request",
		    "an HTTP/1.1 request needs one Host header");
		return;
	}
	if (r->transfer_encoding) {
		httpd_refuse(c, 501, "Not Implemented",
		    "a request with Transfer-Encoding: no request here has "
		    "a body");
		return;
	}
	if (r->length > 0) {
		httpd_refuse(c, 413, "Content Too Large",
		    "a request with a body: no request here has one");
		return;
	}
	if ((r->headers = evbuffer_new()) == NULL)
		fatalx("out of memory");
	h->handler(r, h->arg);
	if (!r->replied) {
		struct evbuffer *b = evbuffer_new();

		if (b == NULL)
			fatalx("out of memory");
		evbuffer_add_printf(b, "no answer\n");
		httpd_reply(r, 500, "Internal Server Error", b);
		evbuffer_free(b);
	}
	h->st->requests++;
}

/* Take whole lines of the head from the input; dispatch at its end. */
static void
httpd_parse(struct httpd_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer_ptr eol;
	char line[HTTPD_MAX_HEAD + 1];
	size_t eol_len, len;

	while (c->state == HTTPD_HEAD) {
		eol = evbuffer_search_eol(in, NULL, &eol_len,
		    EVBUFFER_EOL_CRLF);
		if (eol.pos < 0)
			break;
		len = (size_t)eol.pos;
		if (c->head_len + len + eol_len > HTTPD_MAX_HEAD) {
			httpd_refuse(c, 431, "Request Header Fields Too Large",
			    "a request line and headers over 8 KiB");
			return;
		}
		c->head_len += len + eol_len;
		evbuffer_remove(in, line, len);
		evbuffer_drain(in, eol_len);
		/* Each byte is checked below, NULs and CRs included. */
		line[len] = '\0';
		if (!c->line) {
			/* RFC 9112 2.2: blank lines before a request are
			 * skipped (within the size, like any line). */
			if (len == 0)
				continue;
			if (httpd_request_line(c, line, len) != 0)
				return;
			c->line = true;
		} else if (len == 0)
			httpd_dispatch(c);
		else if (httpd_header_line(c, line, len) != 0)
			return;
	}
	if (c->state == HTTPD_HEAD &&
	    c->head_len + evbuffer_get_length(in) > HTTPD_MAX_HEAD)
		httpd_refuse(c, 431, "Request Header Fields Too Large",
		    "a request line and headers over 8 KiB");
}

/* ---- connection events ------------------------------------------------ */

static void
httpd_on_read(struct bufferevent *bev, void *arg)
{
	struct httpd_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	switch (c->state) {
	case HTTPD_LINGER:
		c->lingered += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->lingered > HTTPD_LINGER_BYTES)
			httpd_conn_free(c);
		return;
	case HTTPD_IDLE:
		/* The first byte of a request: its deadline starts. */
		c->state = HTTPD_HEAD;
		proc_timer_after(c->timer, c->httpd->lim.header_timeout_ms);
		httpd_waiting(c, true);
		/* FALLTHROUGH */
	case HTTPD_HEAD:
		httpd_parse(c);
		return;
	case HTTPD_REPLY:
		return;         /* not read while replying */
	case HTTPD_STREAM:
		/* A stream's client has nothing to say: what it sends is
		 * dropped, and a lot of it ends the stream. */
		c->lingered += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
		if (c->lingered > HTTPD_LINGER_BYTES)
			httpd_conn_free(c);
		return;
	}
}

/* The output is all written. */
static void
httpd_on_write(struct bufferevent *bev, void *arg)
{
	struct httpd_conn *c = arg;

	if (c->state == HTTPD_STREAM) {
		proc_timer_cancel(c->timer);    /* all taken: no deadline */
		return;
	}
	if (c->state != HTTPD_REPLY)
		return;
	c->httpd->queued -= c->queued;
	c->queued = 0;
	if (c->req.close)
		httpd_linger(c);
	else
		httpd_await(c, false);
}

/* End of file, an error: the connection is over. */
static void
httpd_on_event(struct bufferevent *bev, short what, void *arg)
{
	httpd_conn_free(arg);
}

static void
httpd_on_timer(void *arg)
{
	struct httpd_conn *c = arg;
	struct httpd *h = c->httpd;

	switch (c->state) {
	case HTTPD_HEAD:
		h->st->header_timeouts++;
		log_limited(&h->timeout_log, proc_mono_ms(), LOG_NOTICE,
		    "http: closed a connection with no whole request after "
		    "http.header_timeout (%" PRIu64 " so far)",
		    h->st->header_timeouts);
		break;
	case HTTPD_IDLE:
		h->st->idle_timeouts++;
		break;
	case HTTPD_REPLY:
		h->st->write_timeouts++;
		log_limited(&h->timeout_log, proc_mono_ms(), LOG_NOTICE,
		    "http: closed a connection that did not take its response "
		    "within http.header_timeout (%" PRIu64 " so far)",
		    h->st->write_timeouts);
		break;
	case HTTPD_LINGER:
		break;
	case HTTPD_STREAM:
		if (!c->dropped)
			h->st->write_timeouts++;
		break;
	}
	httpd_conn_free(c);
}

/*
 * Free a connection and close its socket at once, whatever freed it (an
 * eviction at the cap, a timeout, a finished answer). libevent 2.1 closes
 * a freed bufferevent's socket only in its finalizer, after the callback
 * that freed it has returned: until then the socket stayed open beside the
 * turn's new accepts, up to HTTPD_ACCEPT_BATCH over the cap. The
 * bufferevent lets go of its socket first (its events deleted while the fd
 * is still open), so nothing of it touches the number the next accept may
 * be given.
 */
static void
httpd_conn_free(struct httpd_conn *c)
{
	struct httpd *h = c->httpd;
	evutil_socket_t fd;

	if (c->state == HTTPD_STREAM) {
		h->st->streams--;
		if (c->stream_closed != NULL)
			c->stream_closed(c->stream_arg);
	}
	if (c->waiting)
		TAILQ_REMOVE(&h->waiting, c, wait_entry);
	TAILQ_REMOVE(&h->all, c, all_entry);
	h->queued -= c->queued;
	proc_timer_free(&c->timer);
	fd = bufferevent_getfd(c->bev);
	bufferevent_setfd(c->bev, -1);
	bufferevent_free(c->bev);
	if (fd >= 0)
		evutil_closesocket(fd);
	httpd_req_clear(&c->req);
	free(c);
	h->st->open--;
	httpd_listen_update(h);
}

/* ---- what a handler calls --------------------------------------------- */

const char *
httpd_req_method(const struct httpd_req *r)
{
	return r->method;
}

const char *
httpd_req_path(const struct httpd_req *r)
{
	return r->path;
}

const char *
httpd_req_query(const struct httpd_req *r)
{
	const char *q = strchr(r->target, '?');

	return q ? q + 1 : "";
}

bool
httpd_req_is_head(const struct httpd_req *r)
{
	return r->head;
}

const char *
httpd_req_target(const struct httpd_req *r)
{
	return r->target;
}

const char *
httpd_req_authorization(const struct httpd_req *r)
{
	return r->authorization;
}

const char *
httpd_req_last_event_id(const struct httpd_req *r)
{
	return r->last_event_id;
}

void
httpd_header(struct httpd_req *r, const char *name, const char *value)
{
	evbuffer_add_printf(r->headers, "%s: %s\r\n", name, value);
}

/* 503 in place of the response the handler made. */
static void
httpd_unavailable(struct httpd_req *r, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add_printf(b, "%s\n", text);
	evbuffer_drain(r->headers, evbuffer_get_length(r->headers));
	httpd_header(r, "Content-Type", "text/plain; charset=utf-8");
	httpd_header(r, "Cache-Control", "no-store");
	httpd_header(r, "X-Content-Type-Options", "nosniff");
	httpd_header(r, "Retry-After", "1");
	httpd_send(r->conn, 503, "Service Unavailable", r->headers, b, r->head);
	evbuffer_free(b);
}

void
httpd_reply(struct httpd_req *r, int code, const char *reason,
    struct evbuffer *body)
{
	struct httpd *h = r->conn->httpd;
	size_t len = body != NULL && !r->head ? evbuffer_get_length(body) : 0;

	if (r->replied)
		return;
	r->replied = true;
	if (len > HTTPD_MAX_QUEUED) {
		log_limited(&h->bad_log, proc_mono_ms(), LOG_WARNING,
		    "http: a response of %zu bytes is over the %d this server "
		    "queues for a connection: 503", len, HTTPD_MAX_QUEUED);
		httpd_unavailable(r, "response too large");
		return;
	}
	if (len > HTTPD_SMALL && h->queued + len > HTTPD_QUEUED_ALL) {
		h->st->busy++;
		log_limited(&h->busy_log, proc_mono_ms(), LOG_WARNING,
		    "http: responses not yet read by their clients hold %zu "
		    "bytes, near the %d this server queues: 503 for the "
		    "large ones (%" PRIu64 " so far)", h->queued,
		    HTTPD_QUEUED_ALL, h->st->busy);
		httpd_unavailable(r, "busy: too many responses waiting for "
		    "their clients to read them; try again");
		return;
	}
	httpd_send(r->conn, code, reason, r->headers, body, r->head);
}

/* ---- streams ---------------------------------------------------------- */

/*
 * STREAM: the head goes out without Content-Length and with "Connection:
 * close" (the body ends when the connection does, RFC 9112 6.3), then
 * whatever httpd_stream_write appends. The connection is out of the
 * waiting list (the cap never evicts it: the caller caps streams below
 * max_connections), reads and drops what the client sends, and must take
 * each write within header_timeout (the deadline runs while output waits).
 * Its output is bounded by `max`: a write that would pass it closes the
 * connection instead, counted.
 */
struct httpd_stream *
httpd_stream_start(struct httpd_req *r, size_t max,
    httpd_stream_closed *closed, void *arg)
{
	struct httpd_conn *c = r->conn;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char date[64];
	struct tm tm;
	time_t now = (time_t)(proc_wall_ms() / 1000);

	r->replied = true;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	evbuffer_add_printf(out, "HTTP/1.1 200 OK\r\nDate: %s\r\n"
	    "Connection: close\r\n", date);
	evbuffer_add_buffer(out, r->headers);
	evbuffer_add(out, "\r\n", 2);
	c->state = HTTPD_STREAM;
	c->stream_max = max;
	c->stream_closed = closed;
	c->stream_arg = arg;
	c->lingered = 0;
	c->httpd->st->streams++;
	httpd_waiting(c, false);
	bufferevent_enable(c->bev, EV_READ);
	proc_timer_after(c->timer, c->httpd->lim.header_timeout_ms);
	return (struct httpd_stream *)c;
}

int
httpd_stream_write(struct httpd_stream *s, const void *data, size_t len)
{
	struct httpd_conn *c = (struct httpd_conn *)s;
	struct httpd *h = c->httpd;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t held = evbuffer_get_length(out);

	if (held + len > c->stream_max) {
		h->st->stream_drops++;
		log_limited(&h->busy_log, proc_mono_ms(), LOG_NOTICE,
		    "http: closed an event stream whose client fell %zu bytes "
		    "behind (web.stream_buffer %zu; %" PRIu64 " so far)", held,
		    c->stream_max, h->st->stream_drops);
		/* Freed on the next turn of the loop, not here: the caller
		 * may be the handler that started the stream, with the
		 * request still in use below it. Nothing more is written. */
		c->stream_closed = NULL;        /* the caller knows */
		c->dropped = true;
		evbuffer_drain(out, held);
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		proc_timer_after(c->timer, 0);
		return -1;
	}
	if (held == 0)          /* the deadline for taking this runs now */
		proc_timer_after(c->timer, h->lim.header_timeout_ms);
	evbuffer_add(out, data, len);
	return 0;
}

void
httpd_stream_close(struct httpd_stream **sp)
{
	struct httpd_conn *c = (struct httpd_conn *)*sp;

	if (c == NULL)
		return;
	c->stream_closed = NULL;
	httpd_conn_free(c);
	*sp = NULL;
}

/* ---- life ------------------------------------------------------------- */

/* The cap, below the fd limit less what the rest of the daemon needs. */
static int64_t
httpd_cap(int64_t max)
{
	struct rlimit rl;
	int64_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return max;
	room = (int64_t)rl.rlim_cur - HTTPD_FD_RESERVE;
	if (room < 1)
		room = 1;
	if (max <= room)
		return max;
	log_msg(LOG_WARNING, "http: http.max_connections is %" PRId64 " but "
	    "the fd limit (RLIMIT_NOFILE, LimitNOFILE=) is %" PRId64
	    ": at most "
	    "%" PRId64 " HTTP connections, %d fds kept for the rest", max,
	    (int64_t)rl.rlim_cur, room, HTTPD_FD_RESERVE);
	return room;
}

struct httpd *
httpd_open(struct proc *proc, const char *host, unsigned port,
    const struct httpd_limits *lim, struct httpd_stats *st,
    httpd_handler *handler, void *arg, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE |
	    AI_NUMERICSERV }, *ai = NULL;
	struct httpd *h;
	char service[16];
	int rc;

	snprintf(service, sizeof service, "%u", port);
	if ((rc = getaddrinfo(host, service, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s", gai_strerror(rc));
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->proc = proc;
	h->lim = *lim;
	h->cap = httpd_cap(lim->max_connections);
	h->st = st;
	h->handler = handler;
	h->arg = arg;
	TAILQ_INIT(&h->all);
	TAILQ_INIT(&h->waiting);
	h->cap_log = (struct log_limiter){ .period_ms = 60000, .burst = 1 };
	h->error_log = (struct log_limiter){ .period_ms = 60000, .burst = 1 };
	h->bad_log = (struct log_limiter){ .period_ms = 60000, .burst = 3 };
	h->timeout_log = (struct log_limiter){ .period_ms = 60000, .burst = 1 };
	h->busy_log = (struct log_limiter){ .period_ms = 60000, .burst = 1 };
	h->resume = proc_timer_new(proc, httpd_on_resume, h);
	h->next_turn = proc_timer_new(proc, httpd_on_next_turn, h);
	errno = 0;
	h->listener = evconnlistener_new_bind(proc_base(proc), httpd_on_accept,
	    h, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
	    LEV_OPT_CLOSE_ON_EXEC, HTTPD_BACKLOG, ai->ai_addr,
	    (int)ai->ai_addrlen);
	freeaddrinfo(ai);
	if (h->listener == NULL) {
		snprintf(err, errlen, "%s", errno != 0 ? strerror(errno) :
		    "cannot listen");
		httpd_close(&h);
		return NULL;
	}
	evconnlistener_set_error_cb(h->listener, httpd_on_accept_error);
	h->listening = true;
	return h;
}

void
httpd_close(struct httpd **hp)
{
	struct httpd *h = *hp;

	if (h == NULL)
		return;
	while (!TAILQ_EMPTY(&h->all))
		httpd_conn_free(TAILQ_FIRST(&h->all));
	if (h->listener != NULL)
		evconnlistener_free(h->listener);
	proc_timer_free(&h->resume);
	proc_timer_free(&h->next_turn);
	free(h);
	*hp = NULL;
}

int64_t
httpd_max_connections(const struct httpd *h)
{
	return h->cap;
}
