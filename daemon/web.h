/*
 * web.h: the browser board (web.c, docs/web.md): a page, its layout and an
 * event stream of the board's snapshot, on http.listen and web.listen.
 * server.c opens it, hands it each board snapshot it publishes
 * (web_publish) and closes it after HTTP; http.c passes it the requests for
 * the board routes (web_serve).
 */
#ifndef WALLBOARD_WEB_H
#define WALLBOARD_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct config_board;
struct httpd_req;
struct httpd_stats;
struct jsonw;
struct proc;
struct service;

/* A file of web/, compiled in (web-assets.c, by scripts/embed.sh). */
struct web_asset {
	const char *name;               /* "board.js" */
	const char *type;               /* its Content-Type */
	const unsigned char *data;
	size_t len;
};
extern const struct web_asset web_assets[];     /* ends with a NULL name */

struct web_stats {
	uint64_t streams;               /* event streams started */
	uint64_t refused;               /* 503: web.max_streams open */
	uint64_t dropped;               /* closed: the client fell behind */
	uint64_t forbidden;             /* 403: a wrong or missing token */
	uint64_t layouts;               /* layouts sent again after a reload */
	uint64_t revoked;               /* streams closed by a reload: token
	                                 * no longer valid, board gone */
};

struct web;

/* Ready to serve the board routes; listening on web.listen too when it is
 * set (its connection counters go to stats). NULL with a sentence in err
 * when that address cannot be listened on. */
struct web *web_open(struct proc *, const struct config *,
    const struct service *, struct httpd_stats *stats, char *err,
    size_t errlen);
/* Close web.listen and every stream. Call after http_close. Accepts NULL. */
void web_close(struct web **);
/* A request for /board/..., /web/... or /api/v1/boards/...: answered, true;
 * false for any other path (not answered). */
bool web_serve(struct web *, struct httpd_req *);
/* The board's snapshot as published (seq, JSON): to its streams, and kept
 * for the next stream that starts. Accepts a NULL web. */
void web_publish(struct web *, const char *board, uint64_t seq,
    const char *json);
/* The layout of board b as JSON (docs/web.md, PROTOCOL §6.11), with
 * "loaded" (ms since the epoch) when loaded >= 0 (§6.15). */
void web_layout_json(struct jsonw *, const struct config *,
    const struct config_board *, int64_t loaded);
const struct web_stats *web_stats(const struct web *);
/* Its counters, appended to /metrics text. Accepts NULL (nothing). */
struct evbuffer;
void web_metrics(const struct web *, struct evbuffer *);

#endif
