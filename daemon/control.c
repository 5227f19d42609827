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
 *   {"cmd":"ack","id":ID,"by":NAME}
 *
 * Messages and acks are journaled, so a restart keeps them.
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
#include "server-internal.h"
#include "xalloc.h"
#include "zsock.h"

#define CONTROL_VERSION "0.1.0"

static void
control_reply(struct server *s, const char *json)
{
	const void *frames[1] = { json };
	size_t lens[1] = { strlen(json) };

	zsock_send(s->control, frames, lens, 1);
}

static void
control_error(struct server *s, const char *text)
{
	struct jsonw w = { 0 };

	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, false);
	jsonw_key(&w, "error"); jsonw_string(&w, text);
	jsonw_end_object(&w);
	control_reply(s, jsonw_text(&w));
	jsonw_release(&w);
}

static void
control_ok(struct server *s)
{
	control_reply(s, "{\"ok\":true}");
}

static void
control_status(struct server *s)
{
	struct jsonw w = { 0 };
	struct engine_memory m;
	uint64_t rejected = 0;

	for (int i = 0; i < REJECT_COUNT; i++)
		rejected += s->stats.rejected[i];
	engine_memory(s->engine, &m);
	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "ok"); jsonw_bool(&w, true);
	jsonw_key(&w, "version"); jsonw_string(&w, CONTROL_VERSION);
	jsonw_key(&w, "config"); jsonw_string(&w, s->config_path);
	jsonw_key(&w, "site"); jsonw_string(&w, s->config->site_name);
	jsonw_key(&w, "now"); jsonw_int(&w, server_clock(s));
	jsonw_key(&w, "received"); jsonw_int(&w, (int64_t)s->stats.received);
	jsonw_key(&w, "applied"); jsonw_int(&w, (int64_t)s->stats.applied);
	jsonw_key(&w, "rejected"); jsonw_int(&w, (int64_t)rejected);
	jsonw_key(&w, "events_per_s"); jsonw_double(&w, s->stats.events_per_s);
	jsonw_key(&w, "snapshots"); jsonw_int(&w, (int64_t)s->stats.published);
	jsonw_key(&w, "feeds"); jsonw_int(&w, (int64_t)engine_feed_count(s->engine));
	jsonw_key(&w, "scopes"); jsonw_int(&w, (int64_t)engine_scope_count(s->engine));
	jsonw_key(&w, "agents"); jsonw_int(&w, (int64_t)engine_agent_count(s->engine));
	jsonw_key(&w, "alerts"); jsonw_int(&w, (int64_t)alerts_count(s->alerts));
	jsonw_key(&w, "memory_bytes"); jsonw_int(&w, (int64_t)m.total);
	jsonw_key(&w, "journal"); jsonw_string(&w, journal_path(s->journal));
	jsonw_key(&w, "journal_ok"); jsonw_bool(&w, journal_ok(s->journal));
	jsonw_key(&w, "replayed_at_start"); jsonw_int(&w, (int64_t)s->stats.replayed);
	jsonw_end_object(&w);
	control_reply(s, jsonw_text(&w));
	jsonw_release(&w);
}

static void
control_reload(struct server *s)
{
	struct config_errors errors = { 0 };
	struct jsonw w = { 0 };

	if (server_reload(s, &errors) == 0) {
		control_ok(s);
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
	control_reply(s, jsonw_text(&w));
	jsonw_release(&w);
	config_errors_clear(&errors);
}

static const char *
control_string(const cJSON *req, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(req, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Set or clear the team leader's message; `clock` is when it was said. */
static int
control_apply_message(struct server *s, const cJSON *req, int64_t clock)
{
	const char *text = control_string(req, "text");
	const char *from = control_string(req, "from");
	const cJSON *for_ms = cJSON_GetObjectItemCaseSensitive(req, "for_ms");

	free(s->message_text);
	free(s->message_from);
	s->message_text = s->message_from = NULL;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "clear")))
		return 0;
	if (text == NULL || *text == '\0' || strlen(text) > 500)
		return -1;
	s->message_text = xstrdup(text);
	s->message_from = xstrdup(from ? from : "team leader");
	s->message_until = clock + (cJSON_IsNumber(for_ms) && for_ms->valuedouble > 0 ?
	    (int64_t)for_ms->valuedouble : 10 * 60 * 1000LL);
	return 0;
}

static void
control_message(struct server *s, const cJSON *req, const char *raw, size_t len)
{
	int64_t clock = server_clock(s);

	if (control_apply_message(s, req, clock) != 0) {
		control_error(s, "a message needs \"text\" (1 to 500 bytes), or \"clear\": true");
		return;
	}
	journal_append(s->journal, JOURNAL_MESSAGE, clock, raw, len);
	server_journal_flush(s);
	log_msg(LOG_NOTICE, "message %s", s->message_text ? "set" : "cleared");
	s->dirty = true;
	control_ok(s);
}

static void
control_ack(struct server *s, const cJSON *req, const char *raw, size_t len)
{
	const char *id = control_string(req, "id");
	const char *by = control_string(req, "by");
	int64_t clock = server_clock(s);
	char text[300];

	if (id == NULL || by == NULL || *by == '\0') {
		control_error(s, "an ack needs \"id\" and \"by\"");
		return;
	}
	if (alerts_ack(s->alerts, id, by, clock) != 0) {
		snprintf(text, sizeof text, "no pending or firing alert '%s'", id);
		control_error(s, text);
		return;
	}
	journal_append(s->journal, JOURNAL_ACK, clock, raw, len);
	server_journal_flush(s);
	log_msg(LOG_NOTICE, "alert %s acked by %s", id, by);
	s->dirty = true;
	control_ok(s);
}

static void
control_on_request(const struct zsock_message *m, void *arg)
{
	struct server *s = arg;
	cJSON *req = cJSON_ParseWithLength(m->data, m->len);
	const char *cmd = req ? control_string(req, "cmd") : NULL;

	s->stats.control_requests++;
	if (cmd == NULL)
		control_error(s, "not a request: expected {\"cmd\": ...}");
	else if (strcmp(cmd, "status") == 0)
		control_status(s);
	else if (strcmp(cmd, "snapshot") == 0)
		control_reply(s, server_snapshot(s));
	else if (strcmp(cmd, "reload") == 0)
		control_reload(s);
	else if (strcmp(cmd, "message") == 0)
		control_message(s, req, m->data, m->len);
	else if (strcmp(cmd, "ack") == 0)
		control_ack(s, req, m->data, m->len);
	else
		control_error(s, "unknown command (status, snapshot, reload, message, ack)");
	cJSON_Delete(req);
}

int
server_control_open(struct server *s, char *err, size_t errlen)
{
	char endpoint[4200];
	mode_t old;
	int rc;

	free(s->control_path);
	s->control_path = xasprintf("%s/control.sock", s->config->state_dir);
	snprintf(endpoint, sizeof endpoint, "ipc://%s", s->control_path);
	s->control = zsock_new(s->proc, s->zctx, ZMQ_REP);
	old = umask(0117);      /* the socket file: 0660 */
	rc = zsock_bind(s->control, endpoint, err, errlen);
	umask(old);
	if (rc != 0)
		return -1;
	zsock_watch(s->control, control_on_request, NULL, s);
	return 0;
}

void
server_control_close(struct server *s)
{
	zsock_free(&s->control);
	if (s->control_path != NULL)
		unlink(s->control_path);
	free(s->control_path);
	s->control_path = NULL;
}

void
server_control_replay(struct server *s, const struct journal_record *r)
{
	cJSON *req = cJSON_ParseWithLength((const char *)r->payload, r->len);

	if (req == NULL)
		return;
	if (r->type == JOURNAL_MESSAGE)
		control_apply_message(s, req, r->clock_ms);
	else if (r->type == JOURNAL_ACK && control_string(req, "id") &&
	    control_string(req, "by") && s->n_acks < SERVER_ACKS_MAX) {
		/* Acks wait for the alerts to be judged again after the replay. */
		s->acks[s->n_acks].id = xstrdup(control_string(req, "id"));
		s->acks[s->n_acks].by = xstrdup(control_string(req, "by"));
		s->acks[s->n_acks++].at = r->clock_ms;
	}
	cJSON_Delete(req);
}

void
server_control_restore_acks(struct server *s)
{
	for (size_t i = 0; i < s->n_acks; i++) {
		alerts_ack(s->alerts, s->acks[i].id, s->acks[i].by, s->acks[i].at);
		free(s->acks[i].id);
		free(s->acks[i].by);
	}
	s->n_acks = 0;
}
