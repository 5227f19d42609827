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
 *   {"cmd":"report","day":D,"interval":"15m","scopes":[S..],"format":"json"|"csv"}
 *     (agents: "team":T or a scope "agent:ID", interval "day" too)
 *                                       -> {"ok":true,"interval_ms":..,"targets":
 *                                         {scope: sl_target},"truncated":..,
 *                                         "rows":TEXT}: the interval rows of
 *                                         docs/protocol.md §6.13 as one text;
 *                                         "kind":"abandoned": the day's
 *                                         abandoned calls (docs/history.md),
 *                                         and "dropped"
 *
 * It parses and answers (control_answer, without the socket: the fuzzer's
 * way in); what a request does is the server's, asked through service.h
 * (messages and acks are journaled there, so a restart keeps them).
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
#include "history.h"
#include "journal.h"
#include "report.h"
#include "jsonw.h"
#include "proc.h"
#include "service.h"
#include "text.h"
#include "xalloc.h"
#include "zsock.h"

/* Days rebuilt from their journals for reports (docs/history.md). */
static void
control_report_days(struct jsonw *w)
{
	struct report_day_stats rd;

	report_day_stats(&rd);
	jsonw_key(w, "report_days");
	jsonw_object(w);
	jsonw_key(w, "rebuilt"); jsonw_int(w, (int64_t)rd.rebuilt);
	jsonw_key(w, "kept"); jsonw_int(w, (int64_t)rd.kept);
	jsonw_key(w, "refused"); jsonw_int(w, (int64_t)rd.refused);
	jsonw_key(w, "last_ms"); jsonw_int(w, rd.last_ms);
	jsonw_key(w, "last_bytes"); jsonw_int(w, (int64_t)rd.bytes);
	jsonw_end_object(w);
}

/* Silent feeds named in a status; the count says how many in all. */
#define CONTROL_STALE_LISTED 64
#define CONTROL_VERSION "0.1.0"
#define CONTROL_OUT_MAX 1024    /* a sentence from the server */
/* A report's rows in one reply (about 600 bytes each: 12 MB), and the
 * scope patterns one request may name. */
#define CONTROL_REPORT_ROWS 20000
#define CONTROL_REPORT_SCOPES 64

struct control {
	const struct service *svc;
	struct zsock *sock;
	char *path;
	struct jsonw reply;     /* the latest reply, when it is ours */
};

static const char *
control_error(struct jsonw *w, const char *text)
{
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, false);
	jsonw_key(w, "error"); jsonw_string(w, text);
	jsonw_end_object(w);
	return jsonw_text(w);
}

static const char *
control_ok(void)
{
	return "{\"ok\":true}";
}

/* How fresh the figures are: the newest event of any feed, and the feeds
 * silent for feeds.stale_after (as the boards and /healthz judge them). */
static void
control_feeds(struct jsonw *w, const struct service_state *st)
{
	size_t idx[CONTROL_STALE_LISTED], n;
	struct scope_info all;
	struct feed_info f;

	n = engine_silent_feeds(st->engine, st->now, idx, CONTROL_STALE_LISTED);
	jsonw_key(w, "stale_feeds");
	jsonw_array(w);
	for (size_t i = 0; i < n && i < CONTROL_STALE_LISTED; i++) {
		engine_feed_info(st->engine, idx[i], &f);
		jsonw_string(w, f.name);
	}
	jsonw_end_array(w);
	/* all of them; stale_feeds names the longest silent, at most 64 */
	jsonw_key(w, "stale_feeds_count"); jsonw_int(w, (int64_t)n);
	engine_scope_info(st->engine, 0, &all);         /* all: the newest */
	jsonw_key(w, "last_event");
	if (all.last_event > 0) jsonw_int(w, all.last_event); else jsonw_null(w);
}

/* The HTTP server's counters, as /metrics has them (flat, as wallboardctl
 * prints one line a key). */
/* "stream": where the daemon is in its NATS stream (ingest.nats), or null. */
static void
control_stream(struct jsonw *w, const struct stream_stats *st)
{
	jsonw_key(w, "stream");
	if (!st->on) {
		jsonw_null(w);
		return;
	}
	jsonw_object(w);
	jsonw_key(w, "name"); jsonw_string(w, st->stream);
	jsonw_key(w, "connected"); jsonw_bool(w, st->connected);
	jsonw_key(w, "position"); jsonw_int(w, (int64_t)st->position);
	jsonw_key(w, "lag"); jsonw_int(w, (int64_t)st->lag);
	jsonw_key(w, "received"); jsonw_int(w, (int64_t)st->received);
	jsonw_key(w, "redelivered"); jsonw_int(w, (int64_t)st->redelivered);
	jsonw_key(w, "disconnects"); jsonw_int(w, (int64_t)st->disconnects);
	jsonw_key(w, "errors"); jsonw_int(w, (int64_t)st->errors);
	jsonw_key(w, "last_error"); jsonw_string(w, st->error);
	jsonw_end_object(w);
}

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
	jsonw_key(w, "http_busy"); jsonw_int(w, (int64_t)h->busy);
	jsonw_key(w, "http_requests"); jsonw_int(w, (int64_t)h->requests);
}

/* What the journal's trouble is, if any (server.c retries it), and the
 * rejected messages sampled for a person (server_reject_sample). */
static void
control_journal(struct jsonw *w, const struct service_state *st)
{
	struct journal_pending p;
	const struct server_stats *ss = st->stats;

	journal_pending(st->journal, &p);
	jsonw_key(w, "journal_error"); jsonw_string(w, journal_error(st->journal));
	jsonw_key(w, "journal_failing_since");
	if (ss->journal_failing_since != 0)
		jsonw_int(w, ss->journal_failing_since);
	else
		jsonw_null(w);
	/* waiting in memory to be written; lost from the journal past
	 * journal.max_pending (the figures have them, a restart would not) */
	jsonw_key(w, "journal_unwritten_records"); jsonw_int(w, (int64_t)p.records);
	jsonw_key(w, "journal_unwritten_bytes"); jsonw_int(w, (int64_t)p.bytes);
	jsonw_key(w, "journal_lost_records"); jsonw_int(w, (int64_t)p.lost_records);
	jsonw_key(w, "journal_lost_bytes"); jsonw_int(w, (int64_t)p.lost_bytes);
	jsonw_key(w, "rejected_samples");
	jsonw_array(w);
	for (unsigned i = 0; i < ss->n_reject_samples; i++) {
		const struct reject_sample *r = &ss->reject_samples[i];

		jsonw_object(w);
		jsonw_key(w, "at"); jsonw_int(w, r->at);
		jsonw_key(w, "feed"); jsonw_string(w, r->feed);
		jsonw_key(w, "why"); jsonw_string(w, r->why);
		jsonw_key(w, "text"); jsonw_string(w, r->text);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

/* Each limit: what is held, the limit, and how many were refused. */
static void
control_limits(struct jsonw *w, const struct engine *e)
{
	struct engine_limit_info li;

	jsonw_key(w, "limits");
	jsonw_object(w);
	for (int k = 0; k < LIMIT_COUNT; k++) {
		engine_limit_info(e, (enum engine_limit)k, &li);
		jsonw_key(w, li.key);
		jsonw_object(w);
		jsonw_key(w, "held"); jsonw_int(w, li.held);
		jsonw_key(w, "limit"); jsonw_int(w, li.limit);
		jsonw_key(w, "refused"); jsonw_int(w, li.refused);
		jsonw_end_object(w);
	}
	jsonw_end_object(w);
}

/* What the day's figures rest on: damage the replay skipped (journal.h). */
static void
control_journal_damage(struct jsonw *w, const struct journal_replay_result *r)
{
	jsonw_key(w, "journal_damaged"); jsonw_bool(w, r->corrupt);
	/* "damaged_": journal_lost_* are the writer's (a full disk) */
	jsonw_key(w, "journal_damaged_records"); jsonw_int(w, (int64_t)r->lost_records);
	jsonw_key(w, "journal_damaged_records_estimated");
	jsonw_bool(w, r->lost_estimated);
	jsonw_key(w, "journal_damaged_bytes"); jsonw_int(w, (int64_t)r->lost_bytes);
	jsonw_key(w, "journal_damaged_regions"); jsonw_int(w, r->regions);
	jsonw_key(w, "journal_torn_bytes"); jsonw_int(w, (int64_t)r->torn_bytes);
	if (r->corrupt) {
		jsonw_key(w, "journal_damage_offset");
		jsonw_int(w, (int64_t)r->first_offset);
		jsonw_key(w, "journal_damage_copy"); jsonw_string(w, r->first_copy);
	}
}

static const char *
control_status(const struct service *svc, struct jsonw *w)
{
	struct service_state st;
	struct engine_memory m;
	uint64_t rejected = 0;

	svc->state(svc->server, false, &st);
	for (int i = 0; i < REJECT_COUNT; i++)
		rejected += st.stats->rejected[i];
	engine_memory(st.engine, &m);
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, true);
	jsonw_key(w, "version"); jsonw_string(w, CONTROL_VERSION);
	jsonw_key(w, "config"); jsonw_string(w, st.config_path);
	jsonw_key(w, "site"); jsonw_string(w, st.config->site_name);
	jsonw_key(w, "timezone"); jsonw_string(w, st.config->timezone);
	jsonw_key(w, "now"); jsonw_int(w, st.now);
	jsonw_key(w, "day_start"); jsonw_int(w, engine_day_start(st.engine));
	control_feeds(w, &st);
	jsonw_key(w, "received"); jsonw_int(w, (int64_t)st.stats->received);
	jsonw_key(w, "applied"); jsonw_int(w, (int64_t)st.stats->applied);
	jsonw_key(w, "duplicates"); jsonw_int(w, (int64_t)st.stats->duplicates);
	/* events whose ts was behind the clock when they came: counted at
	 * the clock (docs/protocol.md §6.1) */
	jsonw_key(w, "late"); jsonw_int(w, (int64_t)st.stats->late);
	jsonw_key(w, "rejected"); jsonw_int(w, (int64_t)rejected);
	jsonw_key(w, "events_per_s"); jsonw_double(w, st.stats->events_per_s);
	jsonw_key(w, "snapshots"); jsonw_int(w, (int64_t)st.stats->published);
	jsonw_key(w, "largest_message_bytes");
	jsonw_int(w, (int64_t)st.stats->publish_largest);
	jsonw_key(w, "subscribers"); jsonw_int(w, (int64_t)st.stats->subscribers);
	jsonw_key(w, "subscribers_refused");
	jsonw_int(w, (int64_t)st.stats->subscribers_refused);
	jsonw_key(w, "ingest_peers"); jsonw_int(w, (int64_t)st.stats->ingest_peers);
	jsonw_key(w, "ingest_peers_refused");
	jsonw_int(w, (int64_t)st.stats->ingest_peers_refused);
	jsonw_key(w, "ingest_peers_dropped");
	jsonw_int(w, (int64_t)st.stats->ingest_peers_dropped);
	jsonw_key(w, "feeds"); jsonw_int(w, (int64_t)engine_feed_count(st.engine));
	jsonw_key(w, "scopes"); jsonw_int(w, (int64_t)engine_scope_count(st.engine));
	jsonw_key(w, "agents"); jsonw_int(w, (int64_t)engine_agent_count(st.engine));
	jsonw_key(w, "alerts"); jsonw_int(w, (int64_t)alerts_count(st.alerts));
	/* the process's resident memory, all of it; the engine's own share
	 * (an estimate from what it holds) beside it */
	jsonw_key(w, "memory_bytes"); jsonw_int(w, proc_rss_bytes());
	jsonw_key(w, "engine_bytes"); jsonw_int(w, (int64_t)m.total);
	jsonw_key(w, "history_bytes"); jsonw_int(w, (int64_t)m.history);
	jsonw_key(w, "history_abandoned_dropped");
	jsonw_int(w, (int64_t)history_abandons_dropped(engine_history(st.engine)));
	control_report_days(w);
	jsonw_key(w, "refused"); jsonw_int(w, (int64_t)st.stats->refused);
	jsonw_key(w, "ingest_queue_full");
	jsonw_int(w, (int64_t)st.stats->ingest_full);
	control_limits(w, st.engine);
	jsonw_key(w, "journal"); jsonw_string(w, journal_path(st.journal));
	jsonw_key(w, "journal_ok"); jsonw_bool(w, journal_ok(st.journal));
	control_journal(w, &st);
	jsonw_key(w, "replayed_at_start"); jsonw_int(w, (int64_t)st.stats->replayed);
	control_journal_damage(w, &st.stats->replay_result);
	control_http(w, &st.stats->http);
	control_stream(w, &st.stats->stream);
	jsonw_end_object(w);
	return jsonw_text(w);
}

static const char *
control_reload(const struct service *svc, struct jsonw *w)
{
	struct config_errors errors = { 0 };

	if (svc->reload(svc->server, &errors) == 0)
		return control_ok();
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, false);
	jsonw_key(w, "error"); jsonw_string(w, "the new config is not whole; the running one stays");
	jsonw_key(w, "errors");
	jsonw_array(w);
	for (size_t i = 0; i < errors.n; i++)
		jsonw_string(w, errors.lines[i]);
	jsonw_end_array(w);
	jsonw_end_object(w);
	config_errors_clear(&errors);
	return jsonw_text(w);
}

/* A sentence cut to fit may end in part of a character: drop that part,
 * so that the reply stays UTF-8 (what is before it is text already). */
static void
control_cut(char *out)
{
	size_t len = strlen(out);

	for (int i = 0; i < 3 && len > 0 && text_problem(out, len) != NULL; i++)
		out[--len] = '\0';
}

/* A message or an ack: the server judges the request, as it came. What it
 * did goes back under `key` ({"ok":true,"id":...} for an ack). The longest
 * sentence (an ack's id of 256 bytes and the list of alerts it could mean)
 * fits in out whole. */
static const char *
control_change(const struct service *svc, struct jsonw *w,
    int (*change)(void *, const char *, size_t, char *, size_t),
    const char *raw, size_t len, const char *key)
{
	char out[CONTROL_OUT_MAX] = "";
	int rc = change(svc->server, raw, len, out, sizeof out);

	control_cut(out);
	if (rc != 0)
		return control_error(w, out);
	if (key == NULL || out[0] == '\0')
		return control_ok();
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, true);
	jsonw_key(w, key); jsonw_string(w, out);
	jsonw_end_object(w);
	return jsonw_text(w);
}

static const char *
control_string(const cJSON *req, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(req, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static void
control_targets(struct jsonw *w, struct engine *e)
{
	struct scope_info info;

	jsonw_key(w, "targets");
	jsonw_object(w);
	for (size_t i = 0; i < engine_scope_count(e); i++) {
		engine_scope_info(e, i, &info);
		jsonw_key(w, info.key);
		jsonw_double(w, info.settings->sl_target);
	}
	jsonw_end_object(w);
}

/* The day's interval rows (core/report.h), as of the clock. */
static const char *
control_report(const struct service *svc, const cJSON *req, struct jsonw *w)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(req, "scopes");
	const cJSON *array = cJSON_IsArray(list) ? list : NULL;
	const char *format = control_string(req, "format"), *s;
	char *scopes[CONTROL_REPORT_SCOPES], err[CONTROL_OUT_MAX];
	struct report_text t = { 0 };
	struct service_state st;
	size_t n = 0;
	bool csv = format != NULL && strcmp(format, "csv") == 0;
	struct report_request rq = { .format = csv ? REPORT_CSV : REPORT_JSON,
	    .max_rows = CONTROL_REPORT_ROWS, .mono_ms = proc_mono_ms };
	const cJSON *item;

	if (format != NULL && !csv && strcmp(format, "json") != 0)
		return control_error(w, "format: json or csv");
	if (!report_parse_kind(control_string(req, "kind"), &rq.kind))
		return control_error(w, "kind: intervals or abandoned, or agents");
	rq.team = control_string(req, "team");
	cJSON_ArrayForEach(item, array) {
		if (!cJSON_IsString(item) || n == CONTROL_REPORT_SCOPES)
			return control_error(w, "scopes: at most 64 strings");
		scopes[n++] = item->valuestring;
	}
	rq.scopes = scopes;
	rq.n_scopes = n;
	svc->state(svc->server, true, &st);
	if (!report_answer_any_day(st.engine, control_string(req, "day"),
	    control_string(req, "interval"), &rq, &t, err, sizeof err))
		return control_error(w, err);
	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "ok"); jsonw_bool(w, true);
	s = control_string(req, "interval");
	jsonw_key(w, "interval"); jsonw_string(w, s ? s : "");
	jsonw_key(w, "timezone"); jsonw_string(w, st.config->timezone);
	control_targets(w, st.engine);
	jsonw_key(w, "truncated"); jsonw_bool(w, rq.truncated);
	if (rq.kind == REPORT_AGENTS) {
		jsonw_key(w, "kind"); jsonw_string(w, "agents");
		jsonw_key(w, "as_of"); jsonw_int(w, rq.as_of);
	}
	if (rq.kind == REPORT_ABANDONED) {
		jsonw_key(w, "kind"); jsonw_string(w, "abandoned");
		jsonw_key(w, "dropped"); jsonw_int(w, (int64_t)rq.dropped);
	}
	jsonw_key(w, "rows"); jsonw_string(w, t.buf);
	jsonw_end_object(w);
	free(t.buf);
	return jsonw_text(w);
}

const char *
control_answer(const struct service *svc, const char *data, size_t len,
    struct jsonw *w)
{
	cJSON *req = cJSON_ParseWithLength(data, len);
	const cJSON *item = req ? cJSON_GetObjectItemCaseSensitive(req, "cmd") : NULL;
	const char *cmd = cJSON_IsString(item) ? item->valuestring : NULL;
	const char *reply;

	svc->count_request(svc->server);
	if (cmd == NULL)
		reply = control_error(w, "not a request: expected {\"cmd\": ...}");
	else if (strcmp(cmd, "status") == 0)
		reply = control_status(svc, w);
	else if (strcmp(cmd, "snapshot") == 0)
		reply = svc->snapshot(svc->server);
	else if (strcmp(cmd, "reload") == 0)
		reply = control_reload(svc, w);
	else if (strcmp(cmd, "message") == 0)
		reply = control_change(svc, w, svc->message, data, len, NULL);
	else if (strcmp(cmd, "ack") == 0)
		reply = control_change(svc, w, svc->ack, data, len, "id");
	else if (strcmp(cmd, "alerts") == 0)
		reply = svc->alerts(svc->server);
	else if (strcmp(cmd, "report") == 0)
		reply = control_report(svc, req, w);
	else
		reply = control_error(w, "unknown command (status, snapshot, alerts, "
		    "report, reload, message, ack)");
	cJSON_Delete(req);
	return reply;
}

static void
control_on_request(const struct zsock_message *m, void *arg)
{
	struct control *c = arg;
	const char *reply = control_answer(c->svc, m->data, m->len, &c->reply);
	const void *frames[1] = { reply };
	size_t lens[1] = { strlen(reply) };

	zsock_send(c->sock, frames, lens, 1);
	jsonw_release(&c->reply);       /* sent: a big status keeps no buffer */
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
	jsonw_release(&c->reply);
	free(c);
	*cp = NULL;
}
