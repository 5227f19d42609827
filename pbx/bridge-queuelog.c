/*
 * bridge-queuelog.c: queue_log lines into protocol-v1 events.
 *
 * Every visit (CALLID, QUEUE) opens with ENTERQUEUE and closes with exactly
 * one of the outcome verbs; CONNECT is in between. The state kept per visit
 * is only what an end needs: when it queued (to check the PBX's own wait
 * field) and who is talking (for call.ended and the agent's state).
 */
#include "bridge-queuelog.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-agents.h"
#include "event.h"
#include "strmap.h"
#include "xalloc.h"

#define QL_FIELDS 16            /* epoch, callid, queue, agent, verb, 11 data */
#define QL_LINE_MAX 4096

struct ql_visit {
	int64_t queued_ts;
	char *agent;                /* NULL while waiting */
};

struct bridge_queuelog {
	struct bridge_secret secret;
	const struct bridge_secret *secretp;   /* NULL: send no caller tokens */
	struct bridge_out out;
	struct bridge_agents *agents;
	struct strmap *visits;      /* "CALLID\x1fQUEUE" -> struct ql_visit */
	struct bridge_queuelog_stats stats;
};

/* One parsed line: pointers into a private copy. */
struct ql_line {
	int64_t ts;
	const char *callid, *queue, *agent, *verb;
	const char *data[QL_FIELDS - 5];
	size_t n_data;
	char buf[QL_LINE_MAX];
};

enum ql_outcome { QL_NONE, QL_ENDED, QL_TRANSFERRED, QL_ABANDONED, QL_EXITED };

/* The verbs that close a visit, and how. */
static const struct {
	const char *verb;
	enum ql_outcome outcome;
	const char *reason;         /* call.exited's reason */
	int wait_field;             /* data index of the wait (-1: none) */
} ql_outcomes[] = {
	{ "COMPLETECALLER", QL_ENDED, NULL, -1 },
	{ "COMPLETEAGENT", QL_ENDED, NULL, -1 },
	{ "BLINDTRANSFER", QL_TRANSFERRED, NULL, -1 },
	{ "ATTENDEDTRANSFER", QL_TRANSFERRED, NULL, -1 },
	{ "TRANSFER", QL_TRANSFERRED, NULL, -1 },
	{ "ABANDON", QL_ABANDONED, NULL, 2 },
	{ "EXITWITHTIMEOUT", QL_EXITED, "timeout", 2 },
	{ "EXITEMPTY", QL_EXITED, "empty", 2 },
	{ "EXITWITHKEY", QL_EXITED, "key", 3 },
	{ "WITHDRAW", QL_EXITED, "withdraw", 2 },
	/* The caller's channel cannot be bridged to any member (no common
	 * codec): no agent could take it, as with an empty queue. Asterisk
	 * counts it as abandoned in its SL2, like EXITEMPTY. */
	{ "SYSCOMPAT", QL_EXITED, "empty", -1 },
};

struct bridge_queuelog *
bridge_queuelog_new(const struct bridge_secret *secret, bridge_emit_fn *emit,
    void *arg)
{
	struct bridge_queuelog *b = xcalloc(1, sizeof *b);

	if (secret != NULL) {
		b->secret = *secret;
		b->secretp = &b->secret;
	}
	bridge_out_init(&b->out, emit, arg);
	b->agents = bridge_agents_new(&b->out);
	b->visits = strmap_new();
	return b;
}

static void
ql_visit_free(struct ql_visit *v)
{
	if (v == NULL)
		return;
	free(v->agent);
	free(v);
}

static void
ql_visits_clear(struct bridge_queuelog *b)
{
	size_t pos = 0;
	const char *key;
	void *value;

	while (strmap_next(b->visits, &pos, &key, &value))
		ql_visit_free(value);
	strmap_free(&b->visits);
	b->visits = strmap_new();
}

void
bridge_queuelog_free(struct bridge_queuelog **bp)
{
	struct bridge_queuelog *b = *bp;

	if (b == NULL)
		return;
	ql_visits_clear(b);
	strmap_free(&b->visits);
	bridge_agents_free(&b->agents);
	bridge_out_release(&b->out);
	free(b);
	*bp = NULL;
}

void
bridge_queuelog_set_emit(struct bridge_queuelog *b, bridge_emit_fn *emit,
    void *arg)
{
	b->out.emit = emit;
	b->out.arg = arg;
}

size_t
bridge_queuelog_visits(const struct bridge_queuelog *b)
{
	return strmap_count(b->visits);
}

void
bridge_queuelog_stats(const struct bridge_queuelog *b,
    struct bridge_queuelog_stats *out)
{
	*out = b->stats;
	out->events = b->out.events;
}

/* Split a line into its fields; false if it is not a queue_log line. */
static bool
ql_parse(struct ql_line *l, const char *text, size_t len)
{
	char *fields[QL_FIELDS], *p;
	size_t n = 0, i;

	if (len == 0 || len >= sizeof l->buf)
		return false;
	memcpy(l->buf, text, len);
	l->buf[len] = '\0';
	for (p = l->buf, fields[n++] = p; *p != '\0'; p++) {
		if (*p != '|')
			continue;
		*p = '\0';
		if (n == QL_FIELDS)
			break;          /* more data than anyone writes: ignore */
		fields[n++] = p + 1;
	}
	if (n < 5 || !bridge_parse_seconds_ms(fields[0], &l->ts) ||
	    !bridge_time_ok(l->ts) || *fields[4] == '\0')
		return false;
	for (i = 1; i < 4; i++)
		if (strlen(fields[i]) > EVENT_ID_MAX)
			return false;
	l->callid = fields[1];
	l->queue = fields[2];
	l->agent = fields[3];
	l->verb = fields[4];
	l->n_data = n - 5;
	for (i = 0; i < l->n_data; i++)
		l->data[i] = fields[5 + i];
	return true;
}

static const char *
ql_data(const struct ql_line *l, size_t i)
{
	return i < l->n_data ? l->data[i] : "";
}

static void
ql_key(char *key, size_t size, const struct ql_line *l)
{
	snprintf(key, size, "%s\x1f%s", l->callid, l->queue);
}

static void
ql_enterqueue(struct bridge_queuelog *b, const struct ql_line *l)
{
	char key[2 * EVENT_ID_MAX + 2], token[BRIDGE_TOKEN_SIZE];
	struct ql_visit *v = xcalloc(1, sizeof *v);

	ql_key(key, sizeof key, l);
	v->queued_ts = l->ts;
	ql_visit_free(strmap_get(b->visits, key));     /* a repeated ENTERQUEUE */
	strmap_put(b->visits, key, v);
	bridge_caller_token(b->secretp, ql_data(l, 1), token);
	bridge_out_queued(&b->out, l->ts, l->callid, l->queue, token);
}

static void
ql_connect(struct bridge_queuelog *b, const struct ql_line *l)
{
	char key[2 * EVENT_ID_MAX + 2];
	struct ql_visit *v;
	int64_t hold;

	ql_key(key, sizeof key, l);
	v = strmap_get(b->visits, key);
	if (v == NULL) {                /* queued before we started */
		v = xcalloc(1, sizeof *v);
		v->queued_ts = -1;
		strmap_put(b->visits, key, v);
	}
	if (v->queued_ts >= 0 && bridge_parse_int(ql_data(l, 0), &hold) &&
	    hold != (l->ts - v->queued_ts) / 1000)
		b->stats.wait_mismatch++;
	free(v->agent);
	v->agent = xstrdup(l->agent);
	bridge_out_answered(&b->out, l->ts, l->callid, l->agent, l->queue);
	bridge_agents_call_start(b->agents, l->agent);
}

static void
ql_check_wait(struct bridge_queuelog *b, const struct ql_line *l,
    const struct ql_visit *v, int field)
{
	int64_t wait;

	if (v == NULL || v->queued_ts < 0 || field < 0 ||
	    !bridge_parse_int(ql_data(l, (size_t)field), &wait))
		return;
	if (wait != (l->ts - v->queued_ts) / 1000)
		b->stats.wait_mismatch++;
}

/* An outcome verb: close the visit and say how. */
static void
ql_outcome(struct bridge_queuelog *b, const struct ql_line *l, size_t i)
{
	char key[2 * EVENT_ID_MAX + 2];
	struct ql_visit *v;
	const char *agent;

	ql_key(key, sizeof key, l);
	v = strmap_delete(b->visits, key);
	switch (ql_outcomes[i].outcome) {
	case QL_ENDED:
	case QL_TRANSFERRED:
		agent = v != NULL && v->agent != NULL ? v->agent : l->agent;
		bridge_out_ended(&b->out, l->ts, l->callid, agent,
		    ql_outcomes[i].outcome == QL_TRANSFERRED);
		bridge_agents_call_end(b->agents, l->ts, agent);
		break;
	case QL_ABANDONED:
		ql_check_wait(b, l, v, ql_outcomes[i].wait_field);
		bridge_out_abandoned(&b->out, l->ts, l->callid, l->queue);
		break;
	case QL_EXITED:
		ql_check_wait(b, l, v, ql_outcomes[i].wait_field);
		bridge_out_exited(&b->out, l->ts, l->callid,
		    ql_outcomes[i].reason, l->queue);
		break;
	case QL_NONE:
		break;
	}
	ql_visit_free(v);
}

/*
 * QUEUESTART: Asterisk has (re)started and every call it had is gone. A
 * waiting caller was dropped by the system, not by hanging up: it leaves as
 * call.exited "withdraw" (withdrawn by the PBX), so the board's waiting count
 * falls to zero at once instead of after the daemon's call_timeout. A call
 * in conversation has ended. Agents restart unpaused.
 */
static void
ql_queuestart(struct bridge_queuelog *b, const struct ql_line *l)
{
	size_t pos = 0;
	const char *key, *sep;
	void *value;
	struct ql_visit *v;
	char call[EVENT_ID_MAX + 1];

	b->stats.restarts++;
	while (strmap_next(b->visits, &pos, &key, &value)) {
		v = value;
		sep = strchr(key, '\x1f');
		snprintf(call, sizeof call, "%.*s", (int)(sep - key), key);
		if (v->agent != NULL)
			bridge_out_ended(&b->out, l->ts, call, v->agent, -1);
		else
			bridge_out_exited(&b->out, l->ts, call, "withdraw",
			    sep + 1);
	}
	ql_visits_clear(b);
	bridge_agents_clear(b->agents);
}

static bool
ql_member_verb(struct bridge_queuelog *b, const struct ql_line *l)
{
	const char *queue = strcmp(l->queue, "NONE") == 0 ? NULL : l->queue;
	const char *v = l->verb;

	if (strcmp(v, "PAUSE") == 0 || strcmp(v, "UNPAUSE") == 0)
		bridge_agents_pause(b->agents, l->ts, l->agent, queue,
		    v[0] == 'P', ql_data(l, 0));
	else if (strcmp(v, "PAUSEALL") == 0 || strcmp(v, "UNPAUSEALL") == 0)
		bridge_agents_pause(b->agents, l->ts, l->agent, NULL,
		    v[0] == 'P', ql_data(l, 0));
	else if (strcmp(v, "ADDMEMBER") == 0 && queue != NULL) {
		if (strcmp(ql_data(l, 0), "PAUSED") == 0)
			bridge_agents_pause(b->agents, l->ts, l->agent, queue,
			    true, NULL);
		bridge_agents_member(b->agents, l->ts, l->agent, queue, true);
	} else if (strcmp(v, "REMOVEMEMBER") == 0 && queue != NULL)
		bridge_agents_member(b->agents, l->ts, l->agent, queue, false);
	else if (strcmp(v, "AGENTLOGIN") == 0 || strcmp(v, "AGENTLOGOFF") == 0)
		bridge_agents_available(b->agents, l->ts, l->agent,
		    strcmp(v, "AGENTLOGIN") == 0);
	else
		return false;
	return true;
}

static void
ql_dispatch(struct bridge_queuelog *b, const struct ql_line *l)
{
	size_t i;

	if (strcmp(l->verb, "ENTERQUEUE") == 0) {
		ql_enterqueue(b, l);
		return;
	}
	if (strcmp(l->verb, "CONNECT") == 0) {
		ql_connect(b, l);
		return;
	}
	for (i = 0; i < sizeof ql_outcomes / sizeof ql_outcomes[0]; i++) {
		if (strcmp(l->verb, ql_outcomes[i].verb) == 0) {
			ql_outcome(b, l, i);
			return;
		}
	}
	if (strcmp(l->verb, "QUEUESTART") == 0) {
		ql_queuestart(b, l);
		return;
	}
	if (ql_member_verb(b, l))
		return;
	if (strcmp(l->verb, "CONFIGRELOAD") == 0)
		b->stats.config_reloads++;
	b->stats.ignored++;
}

int
bridge_queuelog_line(struct bridge_queuelog *b, const char *line, size_t len)
{
	struct ql_line l;
	const char *nul;
	uint64_t before = b->out.events;

	b->stats.lines++;
	if (memchr(line, '\0', len) != NULL) {
		b->stats.nul_runs++;
		for (nul = line + len; nul[-1] != '\0'; nul--)
			;
		len -= (size_t)(nul - line);
		line = nul;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return 0;
	if (!ql_parse(&l, line, len)) {
		b->stats.malformed++;
		return 0;
	}
	ql_dispatch(b, &l);
	if (b->out.events > before)
		b->stats.mapped++;
	return (int)(b->out.events - before);
}

/* ---- saving and restoring ---- */

void
bridge_queuelog_save(const struct bridge_queuelog *b, struct jsonw *w)
{
	size_t pos = 0;
	const char *key;
	void *value;
	const struct ql_visit *v;

	jsonw_object(w);
	jsonw_key(w, "visits");
	jsonw_array(w);
	while (strmap_next(b->visits, &pos, &key, &value)) {
		v = value;
		jsonw_array(w);         /* ["CALLID\x1fQUEUE", queued ts, agent] */
		jsonw_string(w, key);
		jsonw_int(w, v->queued_ts);
		jsonw_string(w, v->agent);
		jsonw_end_array(w);
	}
	jsonw_end_array(w);
	jsonw_key(w, "agents");
	bridge_agents_save(b->agents, w);
	jsonw_end_object(w);
}

static bool
ql_restore_visit(struct bridge_queuelog *b, const cJSON *item)
{
	const cJSON *key = cJSON_GetArrayItem(item, 0);
	const cJSON *ts = cJSON_GetArrayItem(item, 1);
	const cJSON *agent = cJSON_GetArrayItem(item, 2);
	struct ql_visit *v;

	if (!cJSON_IsString(key) || strchr(key->valuestring, '\x1f') == NULL ||
	    !cJSON_IsNumber(ts) || (!cJSON_IsString(agent) && !cJSON_IsNull(agent)))
		return false;
	v = xcalloc(1, sizeof *v);
	v->queued_ts = (int64_t)ts->valuedouble;
	if (cJSON_IsString(agent))
		v->agent = xstrdup(agent->valuestring);
	ql_visit_free(strmap_get(b->visits, key->valuestring));
	strmap_put(b->visits, key->valuestring, v);
	return true;
}

bool
bridge_queuelog_restore(struct bridge_queuelog *b, const struct cJSON *value)
{
	const cJSON *visits = cJSON_GetObjectItemCaseSensitive(value, "visits");
	const cJSON *item;

	ql_visits_clear(b);
	if (!cJSON_IsArray(visits) || !bridge_agents_restore(b->agents,
	    cJSON_GetObjectItemCaseSensitive(value, "agents")))
		return false;
	cJSON_ArrayForEach(item, visits) {
		if (!ql_restore_visit(b, item)) {
			ql_visits_clear(b);
			bridge_agents_clear(b->agents);
			return false;
		}
	}
	return true;
}
