/*
 * web.c: the browser board (issue 21, docs/web.md). Served on http.listen
 * beside the monitoring routes (http.c hands over what starts with /board/,
 * /web/ or /api/v1/boards/), and alone on web.listen when that is set:
 *
 *   GET /board/NAME                  the page (web/board.html)
 *   GET /web/board.js, /web/board.css its script and style, no token
 *   GET /api/v1/boards/NAME/layout   the board's pages and tiles, as JSON
 *   GET /api/v1/boards/NAME/stream   Server-Sent Events: the layout
 *                                    (event: layout; again when a reload
 *                                    changes it), then the board's
 *                                    snapshot (the board/NAME topic) on
 *                                    every publish, id: its seq
 *
 * The page's files are compiled in (web-assets.c, made from web/ by
 * scripts/embed.sh): the daemon serves them from anywhere it is installed,
 * offline, and a page can never be out of step with its daemon.
 *
 * Read-only. A board's token (boards.NAME.token, else web.token) is asked
 * as ?token= or "Authorization: Bearer"; compared in constant time; 403
 * when wrong or missing. No caller data: the snapshot never carries one
 * (PROTOCOL §1). Every answer carries a Content-Security-Policy without
 * inline script or style, nosniff, frame-ancestors and no referrer.
 *
 * What a browser can make it hold: web.max_streams streams (503 past it,
 * counted, one log line a minute), each with at most web.stream_buffer
 * bytes queued (a client that falls behind is closed, httpd.c).
 * A snapshot is a whole state, so a stream that resumes with
 * Last-Event-ID gets the current snapshot at once: nothing is missed.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>

#include "config.h"
#include "httpd.h"
#include "jsonw.h"
#include "log.h"
#include "metric.h"
#include "proc.h"
#include "service.h"
#include "web.h"
#include "xalloc.h"

/* A comment line on every stream this often: proxies and NATs keep it. */
#define WEB_KEEPALIVE_MS 15000
#define WEB_NAME_MAX 128
/* A stream keeps at most this much of the token it gave (a configured
 * token is shorter: one longer never matched). */
#define WEB_TOKEN_KEEP 1024

struct web_client {
	struct web *web;
	struct httpd_stream *stream;
	char board[WEB_NAME_MAX];
	char *token;            /* the token it gave (NULL: none), for a
	                         * reload to judge again */
	TAILQ_ENTRY(web_client) entry;
};

TAILQ_HEAD(web_clients, web_client);

/* The last snapshot published for a board, for a stream that starts. */
struct web_board {
	char *name;
	uint64_t seq;
	char *event;            /* "id: ...\ndata: ...\n\n" */
	size_t len;
	char *layout;           /* its layout event, as last sent */
};

struct web {
	const struct service *svc;
	struct httpd *httpd;            /* web.listen, or NULL */
	struct httpd_stats *st;
	struct web_clients clients;
	size_t n_clients;
	int64_t max_streams;
	size_t stream_buffer;
	struct web_board *boards;
	size_t n_boards;
	const struct config *config_seen;       /* the layouts are of this */
	struct proc_timer *keepalive;
	struct web_stats stats;
	struct log_limiter cap_log, token_log;
};

/* ---- the page's files --------------------------------------------------- */

static const struct web_asset *
web_asset_find(const char *name)
{
	for (size_t i = 0; web_assets[i].name != NULL; i++)
		if (strcmp(web_assets[i].name, name) == 0)
			return &web_assets[i];
	return NULL;
}

/* The headers every answer here carries. */
static void
web_headers(struct httpd_req *req, const struct config *c)
{
	char csp[512];
	const char *fa = c->web_frame_ancestors != NULL ?
	    c->web_frame_ancestors : "'none'";

	snprintf(csp, sizeof csp, "default-src 'none'; script-src 'self'; "
	    "style-src 'self'; connect-src 'self'; img-src 'self'; "
	    "base-uri 'none'; form-action 'none'; frame-ancestors %s", fa);
	httpd_header(req, "Content-Security-Policy", csp);
	httpd_header(req, "X-Content-Type-Options", "nosniff");
	httpd_header(req, "Referrer-Policy", "no-referrer");
	httpd_header(req, "Cache-Control", "no-store");
	if (strcmp(fa, "'none'") == 0)
		httpd_header(req, "X-Frame-Options", "DENY");
}

static void
web_text(struct httpd_req *req, const struct config *c, int code,
    const char *reason, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add(b, text, strlen(text));
	web_headers(req, c);
	httpd_header(req, "Content-Type", "text/plain; charset=utf-8");
	httpd_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
web_body(struct httpd_req *req, const struct config *c, const char *type,
    const void *data, size_t len)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add(b, data, len);
	web_headers(req, c);
	httpd_header(req, "Content-Type", type);
	httpd_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* ---- tokens ------------------------------------------------------------- */

/* Equal, in a time that depends on the lengths only. */
static bool
web_token_equal(const char *given, size_t glen, const char *want)
{
	size_t wlen = strlen(want);
	unsigned char diff = glen != wlen;

	for (size_t i = 0; i < wlen; i++)
		diff |= (unsigned char)want[i] ^
		    (unsigned char)(i < glen ? given[i] : 0);
	return diff == 0;
}

/* The token the request gives: ?token=, else a Bearer; NULL if none. */
static const char *
web_token_given(const struct httpd_req *req, size_t *len)
{
	const char *q = strchr(httpd_req_target(req), '?'), *auth;

	while (q != NULL) {
		q++;
		if (strncmp(q, "token=", 6) == 0) {
			*len = strcspn(q + 6, "&");
			return q + 6;
		}
		q = strchr(q, '&');
	}
	auth = httpd_req_authorization(req);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		auth += 7 + strspn(auth + 7, " ");
		*len = strlen(auth);
		return auth;
	}
	return NULL;
}

/* Whether the request may see the board; 403 sent when not. */
static bool
web_allowed(struct web *w, struct httpd_req *req, const struct config *c,
    const struct config_board *b)
{
	const char *want = b->token != NULL ? b->token : c->web_token;
	const char *given;
	size_t len = 0;

	if (want == NULL || *want == '\0')
		return true;
	given = web_token_given(req, &len);
	if (given != NULL && web_token_equal(given, len, want))
		return true;
	w->stats.forbidden++;
	log_limited(&w->token_log, proc_mono_ms(), LOG_NOTICE,
	    "web: refused board %s: %s token (%" PRIu64 " refused so far)",
	    b->name, given == NULL ? "no" : "a wrong", w->stats.forbidden);
	web_text(req, c, 403, "Forbidden", "a wrong or missing token: give "
	    "the board's as ?token= or Authorization: Bearer\n");
	return false;
}

/* ---- the layout ----------------------------------------------------------- */

static const char *
web_kind_name(const struct config_tile *t)
{
	static const char *const names[] = { [METRIC_COUNT] = "count",
	    [METRIC_RATIO] = "ratio", [METRIC_DURATION] = "duration",
	    [METRIC_SCORE] = "score" };

	if (t->agents_state >= 0 || t->metric_id < 0)
		return "count";
	return names[metric_get((enum metric_id)t->metric_id)->kind];
}

static void
web_tile_json(struct jsonw *j, const struct config_tile *t)
{
	jsonw_object(j);
	jsonw_key(j, "scope"); jsonw_string(j, t->scope);
	jsonw_key(j, "metric"); jsonw_string(j, t->metric);
	jsonw_key(j, "window"); jsonw_string(j, t->window);
	jsonw_key(j, "label"); jsonw_string(j, t->label);
	jsonw_key(j, "kind"); jsonw_string(j, web_kind_name(t));
	jsonw_key(j, "good_below"); jsonw_bool(j, t->good_below);
	jsonw_key(j, "amber");
	if (t->has_amber)
		jsonw_double(j, t->amber);
	else
		jsonw_null(j);
	jsonw_key(j, "red");
	if (t->has_red)
		jsonw_double(j, t->red);
	else
		jsonw_null(j);
	jsonw_key(j, "sl_target"); jsonw_bool(j, t->sl_target);
	jsonw_end_object(j);
}

/* The board's layout: what the page draws, as the terminal board does. */
void
web_layout_json(struct jsonw *j, const struct config *c,
    const struct config_board *b, int64_t loaded)
{
	jsonw_object(j);
	jsonw_key(j, "v"); jsonw_int(j, 1);
	jsonw_key(j, "name"); jsonw_string(j, b->name);
	jsonw_key(j, "title"); jsonw_string(j, b->title);
	jsonw_key(j, "site"); jsonw_string(j, c->site_name);
	jsonw_key(j, "rotate_ms"); jsonw_int(j, b->rotate_ms);
	jsonw_key(j, "heartbeat_ms"); jsonw_int(j, c->publish_heartbeat_ms);
	/* Added for boards that have no config (PROTOCOL §6.15). */
	jsonw_key(j, "timezone"); jsonw_string(j, c->timezone);
	jsonw_key(j, "day_start_min"); jsonw_int(j, c->day_start_minutes);
	jsonw_key(j, "windows");
	jsonw_array(j);
	for (size_t i = 0; i < c->n_windows; i++)
		jsonw_string(j, c->windows[i].name);
	jsonw_end_array(j);
	if (loaded >= 0) {
		jsonw_key(j, "loaded"); jsonw_int(j, loaded);
	}
	jsonw_key(j, "pages");
	jsonw_array(j);
	for (size_t p = 0; p < b->n_pages; p++) {
		const struct config_page *pg = &b->pages[p];

		jsonw_object(j);
		jsonw_key(j, "title"); jsonw_string(j, pg->title);
		jsonw_key(j, "agent_grid"); jsonw_bool(j, pg->agent_grid);
		jsonw_key(j, "intervals"); jsonw_bool(j, pg->intervals);
		jsonw_key(j, "tiles");
		jsonw_array(j);
		for (size_t i = 0; i < pg->n_tiles; i++)
			web_tile_json(j, &pg->tiles[i]);
		jsonw_end_array(j);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
}

static void
web_layout(struct web *w, struct httpd_req *req, const struct config *c,
    const struct config_board *b)
{
	struct jsonw j = { 0 };

	web_layout_json(&j, c, b, -1);
	web_body(req, c, "application/json", jsonw_text(&j),
	    strlen(jsonw_text(&j)));
	jsonw_release(&j);
}

/* ---- streams -------------------------------------------------------------- */

static struct web_board *
web_board_find(struct web *w, const char *name)
{
	for (size_t i = 0; i < w->n_boards; i++)
		if (strcmp(w->boards[i].name, name) == 0)
			return &w->boards[i];
	return NULL;
}

static void
web_client_free(struct web_client *cl)
{
	TAILQ_REMOVE(&cl->web->clients, cl, entry);
	cl->web->n_clients--;
	free(cl->token);
	free(cl);
}

/* httpd closed the stream (the client left, or did not take a write). */
static void
web_on_closed(void *arg)
{
	web_client_free(arg);
}

/* Write to one client; false when it fell behind and is gone. */
static bool
web_client_write(struct web_client *cl, const char *data, size_t len)
{
	if (httpd_stream_write(cl->stream, data, len) == 0)
		return true;
	cl->web->stats.dropped++;
	web_client_free(cl);
	return false;
}

/* The board's layout as an SSE event ("event: layout"); caller frees. */
static char *
web_layout_event(const struct config *c, const struct config_board *b)
{
	struct jsonw j = { 0 };
	size_t len;
	char *event;

	web_layout_json(&j, c, b, -1);
	len = strlen(jsonw_text(&j)) + 32;
	event = xmalloc(len);
	snprintf(event, len, "event: layout\ndata: %s\n\n", jsonw_text(&j));
	jsonw_release(&j);
	return event;
}

static void web_broadcast(struct web *, const char *board, const char *,
    size_t);

/* After a reload, a stream whose token the new config no longer accepts
 * (or whose board is gone) is closed: a revoked token stops working at
 * once, not at the viewer's next reconnect. */
static void
web_tokens_check(struct web *w, const struct config *c)
{
	struct web_client *cl, *next;
	const struct config_board *b;
	const char *want;

	for (cl = TAILQ_FIRST(&w->clients); cl != NULL; cl = next) {
		next = TAILQ_NEXT(cl, entry);
		b = config_find_board(c, cl->board);
		want = b == NULL ? NULL : b->token != NULL ? b->token :
		    c->web_token;
		if (b != NULL && (want == NULL || *want == '\0' ||
		    (cl->token != NULL && web_token_equal(cl->token,
		    strlen(cl->token), want))))
			continue;
		w->stats.revoked++;
		log_limited(&w->token_log, proc_mono_ms(), LOG_NOTICE,
		    "web: closed a stream of board %s: %s after the reload "
		    "(%" PRIu64 " so far)", cl->board, b == NULL ? "the board "
		    "is gone" : "its token is no longer valid",
		    w->stats.revoked);
		httpd_stream_close(&cl->stream);
		web_client_free(cl);
	}
}

/* After a reload, each board whose layout changed sends it on its streams:
 * every screen follows the config at once (PROTOCOL §6.11). */
static void
web_layouts_check(struct web *w)
{
	struct service_state st;
	const struct config_board *b;
	char *event;

	bool changed;

	/* No browser, nothing to tell: the next stream gets its layout when
	 * it starts (and a repeat after a reload meanwhile is harmless). */
	if (w->n_clients == 0)
		return;
	w->svc->state(w->svc->server, false, &st);
	changed = st.config != w->config_seen;
	w->config_seen = st.config;
	if (changed)
		web_tokens_check(w, st.config);
	for (size_t i = 0; i < w->n_boards; i++) {
		struct web_board *wb = &w->boards[i];

		if ((!changed && wb->layout != NULL) ||
		    (b = config_find_board(st.config, wb->name)) == NULL)
			continue;
		event = web_layout_event(st.config, b);
		if (wb->layout != NULL && strcmp(wb->layout, event) != 0) {
			w->stats.layouts++;
			web_broadcast(w, wb->name, event, strlen(event));
		}
		free(wb->layout);
		wb->layout = event;
	}
}

static void
web_stream(struct web *w, struct httpd_req *req, const struct config *c,
    const struct config_board *b)
{
	static const char hello[] = "retry: 2000\n\n";
	struct web_client *cl;
	struct web_board *last;
	const char *given;
	size_t given_len = 0;
	char *layout;
	bool ok;

	if ((int64_t)w->n_clients >= w->max_streams) {
		w->stats.refused++;
		log_limited(&w->cap_log, proc_mono_ms(), LOG_WARNING,
		    "web: %zu event streams open, the most web.max_streams "
		    "allows: 503 to more (%" PRIu64 " so far)", w->n_clients,
		    w->stats.refused);
		httpd_header(req, "Retry-After", "5");
		web_text(req, c, 503, "Service Unavailable",
		    "too many boards open: try again\n");
		return;
	}
	cl = xcalloc(1, sizeof *cl);
	cl->web = w;
	snprintf(cl->board, sizeof cl->board, "%s", b->name);
	if ((given = web_token_given(req, &given_len)) != NULL)
		cl->token = xstrndup(given, given_len < WEB_TOKEN_KEEP ?
		    given_len : WEB_TOKEN_KEEP);
	web_headers(req, c);
	httpd_header(req, "Content-Type", "text/event-stream");
	httpd_header(req, "X-Accel-Buffering", "no");   /* nginx: pass on */
	cl->stream = httpd_stream_start(req, w->stream_buffer, web_on_closed,
	    cl);
	TAILQ_INSERT_TAIL(&w->clients, cl, entry);
	w->n_clients++;
	w->stats.streams++;
	if (!web_client_write(cl, hello, sizeof hello - 1))
		return;
	layout = web_layout_event(c, b);
	ok = web_client_write(cl, layout, strlen(layout));
	free(layout);
	if (!ok)
		return;
	/* Resume (Last-Event-ID) or not: the current snapshot at once. */
	if ((last = web_board_find(w, b->name)) != NULL)
		web_client_write(cl, last->event, last->len);
}

/* One SSE event: id, then data lines (a JSON text has no raw newline,
 * but one would be split, not sent raw). */
static void
web_event_make(struct web_board *wb, uint64_t seq, const char *json)
{
	struct evbuffer *b = evbuffer_new();
	size_t span;

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add_printf(b, "id: %" PRIu64 "\n", seq);
	do {
		span = strcspn(json, "\r\n");
		evbuffer_add(b, "data: ", 6);
		evbuffer_add(b, json, span);
		evbuffer_add(b, "\n", 1);
		json += span;
		json += strspn(json, "\r\n");
	} while (*json != '\0');
	evbuffer_add(b, "\n", 1);
	free(wb->event);
	wb->len = evbuffer_get_length(b);
	wb->event = xmalloc(wb->len);
	evbuffer_remove(b, wb->event, wb->len);
	evbuffer_free(b);
	wb->seq = seq;
}

void
web_publish(struct web *w, const char *board, uint64_t seq, const char *json)
{
	struct web_board *wb;

	if (w == NULL)
		return;
	if ((wb = web_board_find(w, board)) == NULL) {
		w->boards = xrealloc(w->boards, (w->n_boards + 1) *
		    sizeof *w->boards);
		wb = &w->boards[w->n_boards++];
		memset(wb, 0, sizeof *wb);
		wb->name = xstrdup(board);
	}
	web_layouts_check(w);
	web_event_make(wb, seq, json);
	web_broadcast(w, board, wb->event, wb->len);
}

/* To every stream of the board. */
static void
web_broadcast(struct web *w, const char *board, const char *data, size_t len)
{
	struct web_client *cl, *next;

	for (cl = TAILQ_FIRST(&w->clients); cl != NULL; cl = next) {
		next = TAILQ_NEXT(cl, entry);
		if (strcmp(cl->board, board) == 0)
			web_client_write(cl, data, len);
	}
}

static void
web_on_keepalive(void *arg)
{
	static const char beat[] = ": keepalive\n\n";
	struct web *w = arg;
	struct web_client *cl, *next;

	for (cl = TAILQ_FIRST(&w->clients); cl != NULL; cl = next) {
		next = TAILQ_NEXT(cl, entry);
		web_client_write(cl, beat, sizeof beat - 1);
	}
	proc_timer_after(w->keepalive, WEB_KEEPALIVE_MS);
}

/* ---- routes ------------------------------------------------------------- */

/* The board named by path after prefix, up to '/' (or the end), into
 * name; the rest in *rest. */
static bool
web_path_board(const char *path, const char *prefix, char *name,
    size_t len, const char **rest)
{
	size_t n, plen = strlen(prefix);

	if (strncmp(path, prefix, plen) != 0)
		return false;
	path += plen;
	n = strcspn(path, "/");
	if (n == 0 || n >= len)
		return false;
	memcpy(name, path, n);
	name[n] = '\0';
	*rest = path + n;
	return true;
}

static void
web_page(struct httpd_req *req, const struct config *c)
{
	const struct web_asset *a = web_asset_find("board.html");

	web_body(req, c, "text/html; charset=utf-8", a->data, a->len);
}

static void
web_file(struct httpd_req *req, const struct config *c, const char *name)
{
	const struct web_asset *a = web_asset_find(name);

	if (a == NULL || strcmp(name, "board.html") == 0) {
		web_text(req, c, 404, "Not Found", "not found\n");
		return;
	}
	web_body(req, c, a->type, a->data, a->len);
}

bool
web_serve(struct web *w, struct httpd_req *req)
{
	const char *path = httpd_req_path(req), *rest = "";
	const char *method = httpd_req_method(req);
	struct service_state st;
	const struct config_board *b;
	char name[WEB_NAME_MAX];
	bool page = false;

	if (w == NULL)
		return false;
	if (strncmp(path, "/web/", 5) != 0 && !(page =
	    web_path_board(path, "/board/", name, sizeof name, &rest)) &&
	    !web_path_board(path, "/api/v1/boards/", name, sizeof name, &rest))
		return false;
	w->svc->state(w->svc->server, false, &st);
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		httpd_header(req, "Allow", "GET, HEAD");
		web_text(req, st.config, 405, "Method Not Allowed",
		    "method not allowed: only GET and HEAD\n");
		return true;
	}
	if (strncmp(path, "/web/", 5) == 0) {
		web_file(req, st.config, path + 5);
		return true;
	}
	if ((b = config_find_board(st.config, name)) == NULL ||
	    (page && *rest != '\0' && strcmp(rest, "/") != 0) ||
	    (!page && strcmp(rest, "/layout") != 0 &&
	    strcmp(rest, "/stream") != 0)) {
		web_text(req, st.config, 404, "Not Found", "no such board\n");
		return true;
	}
	if (!web_allowed(w, req, st.config, b))
		return true;
	if (page)
		web_page(req, st.config);
	else if (strcmp(rest, "/layout") == 0)
		web_layout(w, req, st.config, b);
	else if (httpd_req_is_head(req))
		web_text(req, st.config, 200, "OK", "");
	else
		web_stream(w, req, st.config, b);
	return true;
}

/* web.listen serves the boards and nothing else. */
static void
web_on_request(struct httpd_req *req, void *arg)
{
	struct web *w = arg;
	struct service_state st;

	if (web_serve(w, req))
		return;
	w->svc->state(w->svc->server, false, &st);
	web_text(req, st.config, 404, "Not Found", "not found: this address "
	    "serves the boards (/board/NAME)\n");
}

/* ---- life --------------------------------------------------------------- */

struct web *
web_open(struct proc *proc, const struct config *c, const struct service *svc,
    struct httpd_stats *stats, char *err, size_t errlen)
{
	struct web *w = xcalloc(1, sizeof *w);
	struct httpd_limits lim = { .max_connections = c->http_max_connections,
	    .header_timeout_ms = c->http_header_timeout_ms,
	    .idle_timeout_ms = c->http_idle_timeout_ms };
	char host[256], why[128];
	unsigned port;

	w->svc = svc;
	w->st = stats;
	TAILQ_INIT(&w->clients);
	/* Streams hold their connection: at most half the slots, so that
	 * probes and pages still get in (httpd.c). */
	w->max_streams = c->web_max_streams;
	if (w->max_streams > c->http_max_connections / 2)
		w->max_streams = c->http_max_connections / 2 > 0 ?
		    c->http_max_connections / 2 : 1;
	w->stream_buffer = (size_t)c->web_stream_buffer;
	w->cap_log = (struct log_limiter){ .period_ms = 60000, .burst = 1 };
	w->token_log = (struct log_limiter){ .period_ms = 60000, .burst = 3 };
	w->keepalive = proc_timer_new(proc, web_on_keepalive, w);
	proc_timer_after(w->keepalive, WEB_KEEPALIVE_MS);
	if (c->web_listen == NULL || *c->web_listen == '\0')
		return w;
	if (!config_listen_split(c->web_listen, host, sizeof host, &port)) {
		snprintf(err, errlen, "web.listen '%s' is not HOST:PORT",
		    c->web_listen);
		web_close(&w);
		return NULL;
	}
	w->httpd = httpd_open(proc, host, port, &lim, stats, web_on_request,
	    w, why, sizeof why);
	if (w->httpd == NULL) {
		snprintf(err, errlen, "web.listen %s: cannot listen there: %s",
		    c->web_listen, why);
		web_close(&w);
		return NULL;
	}
	log_msg(LOG_INFO, "web: boards on %s (at most %" PRId64 " event "
	    "streams)", c->web_listen, w->max_streams);
	if ((c->web_token == NULL || *c->web_token == '\0') &&
	    strncmp(host, "127.", 4) != 0 && strcmp(host, "::1") != 0 &&
	    strcmp(host, "localhost") != 0)
		log_msg(LOG_WARNING, "web: web.listen %s has no web.token: "
		    "whoever reaches it can read the boards (docs/web.md)",
		    c->web_listen);
	return w;
}

void
web_close(struct web **wp)
{
	struct web *w = *wp;

	if (w == NULL)
		return;
	httpd_close(&w->httpd);
	while (!TAILQ_EMPTY(&w->clients)) {
		struct web_client *cl = TAILQ_FIRST(&w->clients);

		httpd_stream_close(&cl->stream);
		web_client_free(cl);
	}
	for (size_t i = 0; i < w->n_boards; i++) {
		free(w->boards[i].name);
		free(w->boards[i].event);
		free(w->boards[i].layout);
	}
	free(w->boards);
	proc_timer_free(&w->keepalive);
	free(w);
	*wp = NULL;
}

const struct web_stats *
web_stats(const struct web *w)
{
	return w != NULL ? &w->stats : NULL;
}

/* The streams' figures, in the Prometheus text of /metrics (http.c). */
void
web_metrics(const struct web *w, struct evbuffer *b)
{
	static const struct {
		const char *name, *type, *help;
		size_t offset;
	} rows[] = {
		{ "wallboard_web_streams_total", "counter", "Board event streams "
		  "started.", offsetof(struct web_stats, streams) },
		{ "wallboard_web_streams_refused_total", "counter", "Board event "
		  "streams refused at web.max_streams (503).",
		  offsetof(struct web_stats, refused) },
		{ "wallboard_web_stream_drops_total", "counter", "Board event "
		  "streams closed: the client fell web.stream_buffer behind.",
		  offsetof(struct web_stats, dropped) },
		{ "wallboard_web_layouts_total", "counter", "Board layouts sent "
		  "again on their streams: changed by a reload.",
		  offsetof(struct web_stats, layouts) },
		{ "wallboard_web_forbidden_total", "counter", "Board requests "
		  "refused for a wrong or missing token (403).",
		  offsetof(struct web_stats, forbidden) },
		{ "wallboard_web_streams_revoked_total", "counter", "Board "
		  "event streams closed by a reload: their token no longer "
		  "valid, or their board gone.",
		  offsetof(struct web_stats, revoked) },
	};

	if (w == NULL)
		return;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64
		    "\n", rows[i].name, rows[i].help, rows[i].name,
		    rows[i].type, rows[i].name, *(const uint64_t *)(const void *)
		    ((const char *)&w->stats + rows[i].offset));
	evbuffer_add_printf(b, "# HELP wallboard_web_streams Board event "
	    "streams open now.\n# TYPE wallboard_web_streams gauge\n"
	    "wallboard_web_streams %zu\n", w->n_clients);
	if (w->httpd == NULL)
		return;
	/* web.listen's connections: as http.listen's (httpd.h) */
	evbuffer_add_printf(b, "# HELP wallboard_web_http_connections "
	    "Connections open on web.listen.\n# TYPE "
	    "wallboard_web_http_connections gauge\n"
	    "wallboard_web_http_connections %" PRIu64 "\n"
	    "# HELP wallboard_web_http_evicted_total Connections on web.listen "
	    "closed at http.max_connections to make room.\n# TYPE "
	    "wallboard_web_http_evicted_total counter\n"
	    "wallboard_web_http_evicted_total %" PRIu64 "\n"
	    "# HELP wallboard_web_http_bad_requests_total Requests refused on "
	    "web.listen as malformed.\n# TYPE "
	    "wallboard_web_http_bad_requests_total counter\n"
	    "wallboard_web_http_bad_requests_total %" PRIu64 "\n",
	    w->st->open, w->st->evicted, w->st->bad_requests);
}
