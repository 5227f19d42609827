/*
 * control.c: the control socket that wallboardctl talks to.
 *
 * A ZeroMQ REP socket on ipc://STATE_DIR/control.sock, made with mode 0660:
 * only the daemon's user and its group reach it (the state directory itself
 * is 0750). One JSON request, one JSON reply:
 *
 *   {"cmd":"status"}                    -> {"ok":true, ...counters...}
 *   {"cmd":"snapshot"}                  -> the snapshot itself
 *   {"cmd":"reload"}                    -> {"ok":true} | {"ok":false,"errors":[...]}
 *   {"cmd":"message","text":T,"for_ms":N,"from":F} | {"cmd":"message","clear":true}
 *   {"cmd":"ack","id":ID,"by":NAME}    -> {"ok":true,"id":WHOLE_ID}: ID may be
 *                                         the short id ("14", "#14") or any
 *                                         unambiguous start of the id
 *   {"cmd":"alerts"}                    -> {"ok":true,"timezone":..,"alerts":[..]}:
 *                                         the day's alerts, newest first
 *
 * It parses and answers; what a request does is the server's, asked through
 * service.h (messages and acks are journaled there, so a restart keeps
 * them).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "alert.h"
#include "engine.h"
#include "journal.h"
#include "jsonw.h"
#include "service.h"
#include "xalloc.h"
#include "zsock.h"

#define CONTROL_VERSION "0.1.0"

struct control {
	const struct service *svc;
	struct zsock *sock;
	char *path;
};

static void
control_reply(struct control *c, const char *json)
{
	const void *frames[1] = { json };
	size_t lens[1] = { strlen(json) };

	zsock_send(c->sock, frames, lens, 1);
}

static void
control_error(struct control *c, const char *text)
{
	struct jsonw w = { 0 };

	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, false);
	jsonw_key(&w, "error"); jsonw_string(&w, text);
	jsonw_end_object(&w);
	control_reply(c, jsonw_text(&w));
	jsonw_release(&w);
}

static void
control_ok(struct control *c)
{
	control_reply(c, "{\"ok\":true}");
}

/* How fresh the figures are: the newest event of any feed, and the feeds
 * silent for feeds.stale_after (as the boards and /healthz judge them). */
static void
control_feeds(struct jsonw *w, const struct service_state *st)
{
	int64_t newest = 0;
	struct feed_info f;

	jsonw_key(w, "stale_feeds");
	jsonw_array(w);
	for (size_t i = 0; i < engine_feed_count(st->engine); i++) {
		engine_feed_info(st->engine, i, &f);
		if (f.last_event > newest)
			newest = f.last_event;
		if (feed_silent(&f, st->now, st->config->feeds_stale_after_ms))
			jsonw_string(w, f.name);
	}
	jsonw_end_array(w);
	jsonw_key(w, "last_event");
	if (newest > 0) jsonw_int(w, newest); else jsonw_null(w);
}

/* The HTTP server's counters, as /metrics has them (flat, as wallboardctl
 * prints one line a key). */
static void
control_http(struct jsonw *w, const struct httpd_stats *h)
{
	jsonw_key(w, "http_connections"); jsonw_int(w, (int64_t)h->open);
	jsonw_key(w, "http_accepted"); jsonw_int(w, (int64_t)h->accepted);
	jsonw_key(w, "http_evicted"); jsonw_int(w, (int64_t)h->evicted);
	jsonw_key(w, "http_accept_errors"); jsonw_int(w, (int64_t)h->accept_errors);
	jsonw_key(w, "http_header_timeouts"); jsonw_int(w, (int64_t)h->header_timeouts);
	jsonw_key(w, "http_idle_timeouts"); jsonw_int(w, (int64_t)h->idle_timeouts);
	jsonw_key(w, "http_write_timeouts"); jsonw_int(w, (int64_t)h->write_timeouts);
	jsonw_key(w, "http_bad_requests"); jsonw_int(w, (int64_t)h->bad_requests);
	jsonw_key(w, "http_requests"); jsonw_int(w, (int64_t)h->requests);
}

static void
control_status(struct control *c)
{
	struct service_state st;
	struct jsonw w = { 0 };
	struct engine_memory m;
	uint64_t rejected = 0;

	c->svc->state(c->svc->server, false, &st);
	for (int i = 0; i < REJECT_COUNT; i++)
		rejected += st.stats->rejected[i];
	engine_memory(st.engine, &m);
	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, true);
	jsonw_key(&w, "version"); jsonw_string(&w, CONTROL_VERSION);
	jsonw_key(&w, "config"); jsonw_string(&w, st.config_path);
	jsonw_key(&w, "site"); jsonw_string(&w, st.config->site_name);
	jsonw_key(&w, "timezone"); jsonw_string(&w, st.config->timezone);
	jsonw_key(&w, "now"); jsonw_int(&w, st.now);
	jsonw_key(&w, "day_start"); jsonw_int(&w, engine_day_start(st.engine));
	control_feeds(&w, &st);
	jsonw_key(&w, "received"); jsonw_int(&w, (int64_t)st.stats->received);
	jsonw_key(&w, "applied"); jsonw_int(&w, (int64_t)st.stats->applied);
	jsonw_key(&w, "rejected"); jsonw_int(&w, (int64_t)rejected);
	jsonw_key(&w, "events_per_s"); jsonw_double(&w, st.stats->events_per_s);
	jsonw_key(&w, "snapshots"); jsonw_int(&w, (int64_t)st.stats->published);
	jsonw_key(&w, "feeds"); jsonw_int(&w, (int64_t)engine_feed_count(st.engine));
	jsonw_key(&w, "scopes"); jsonw_int(&w, (int64_t)engine_scope_count(st.engine));
	jsonw_key(&w, "agents"); jsonw_int(&w, (int64_t)engine_agent_count(st.engine));
	jsonw_key(&w, "alerts"); jsonw_int(&w, (int64_t)alerts_count(st.alerts));
	jsonw_key(&w, "memory_bytes"); jsonw_int(&w, (int64_t)m.total);
	jsonw_key(&w, "journal"); jsonw_string(&w, journal_path(st.journal));
	jsonw_key(&w, "journal_ok"); jsonw_bool(&w, journal_ok(st.journal));
	jsonw_key(&w, "replayed_at_start"); jsonw_int(&w, (int64_t)st.stats->replayed);
	control_http(&w, &st.stats->http);
	jsonw_end_object(&w);
	control_reply(c, jsonw_text(&w));
	jsonw_release(&w);
}

static void
control_reload(struct control *c)
{
	struct config_errors errors = { 0 };
	struct jsonw w = { 0 };

	if (c->svc->reload(c->svc->server, &errors) == 0) {
		control_ok(c);
		return;
	}
	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, false);
	jsonw_key(&w, "error"); jsonw_string(&w, "the new config is not whole; the running one stays");
	jsonw_key(&w, "errors");
	jsonw_array(&w);
	for (size_t i = 0; i < errors.n; i++)
		jsonw_string(&w, errors.lines[i]);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	control_reply(c, jsonw_text(&w));
	jsonw_release(&w);
	config_errors_clear(&errors);
}

/* A message or an ack: the server judges the request, as it came. What it
 * did goes back under `key` ({"ok":true,"id":...} for an ack). */
static void
control_change(struct control *c, int (*change)(void *, const char *, size_t, char *, size_t),
    const char *raw, size_t len, const char *key)
{
	struct jsonw w = { 0 };
	char out[600] = "";

	if (change(c->svc->server, raw, len, out, sizeof out) != 0) {
		control_error(c, out);
		return;
	}
	if (key == NULL || out[0] == '\0') {
		control_ok(c);
		return;
	}
	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, true);
	jsonw_key(&w, key); jsonw_string(&w, out);
	jsonw_end_object(&w);
	control_reply(c, jsonw_text(&w));
	jsonw_release(&w);
}

static void
control_on_request(const struct zsock_message *m, void *arg)
{
	struct control *c = arg;
	cJSON *req = cJSON_ParseWithLength(m->data, m->len);
	const cJSON *item = req ? cJSON_GetObjectItemCaseSensitive(req, "cmd") : NULL;
	const char *cmd = cJSON_IsString(item) ? item->valuestring : NULL;

	c->svc->count_request(c->svc->server);
	if (cmd == NULL)
		control_error(c, "not a request: expected {\"cmd\": ...}");
	else if (strcmp(cmd, "status") == 0)
		control_status(c);
	else if (strcmp(cmd, "snapshot") == 0)
		control_reply(c, c->svc->snapshot(c->svc->server));
	else if (strcmp(cmd, "reload") == 0)
		control_reload(c);
	else if (strcmp(cmd, "message") == 0)
		control_change(c, c->svc->message, m->data, m->len, NULL);
	else if (strcmp(cmd, "ack") == 0)
		control_change(c, c->svc->ack, m->data, m->len, "id");
	else if (strcmp(cmd, "alerts") == 0)
		control_reply(c, c->svc->alerts(c->svc->server));
	else
		control_error(c, "unknown command (status, snapshot, alerts, reload, "
		    "message, ack)");
	cJSON_Delete(req);
}

struct control *
control_open(struct proc *proc, void *zctx, const char *state_dir,
    const struct service *svc, char *err, size_t errlen)
{
	struct control *c = xcalloc(1, sizeof *c);
	char endpoint[4200];
	mode_t old;
	int rc;

	c->svc = svc;
	c->path = xasprintf("%s/control.sock", state_dir);
	snprintf(endpoint, sizeof endpoint, "ipc://%s", c->path);
	c->sock = zsock_new(proc, zctx, ZMQ_REP);
	old = umask(0117);      /* the socket file: 0660 */
	rc = zsock_bind(c->sock, endpoint, err, errlen);
	umask(old);
	if (rc != 0) {
		control_close(&c);
		return NULL;
	}
	zsock_watch(c->sock, control_on_request, NULL, c);
	return c;
}

void
control_close(struct control **cp)
{
	struct control *c = *cp;

	if (c == NULL)
		return;
	zsock_free(&c->sock);
	unlink(c->path);
	free(c->path);
	free(c);
	*cp = NULL;
}
