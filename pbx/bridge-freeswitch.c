/*
 * bridge-freeswitch.c: mod_callcenter events into protocol-v1 events, and
 * the event socket's Content-Length framing.
 *
 * Times: mod_callcenter stamps what matters (joined, answered, left, bridge
 * ended) in whole epoch seconds, and its own waits are differences of those.
 * Every event therefore goes out at a whole second: call.queued at the
 * event's own second (the same second mod_callcenter takes as joined), the
 * others at the CC-*-Time the event carries, so the board's waits equal
 * mod_callcenter's.
 */
#include "bridge-freeswitch.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "strmap.h"
#include "xalloc.h"

/* ---- framing ---- */

struct bridge_esl_parser {
	char *in;
	size_t len, cap, pos;
	char *hdr, *hdr2;           /* copies of the current frame's headers */
	char *body;
};

struct bridge_esl_parser *
bridge_esl_parser_new(void)
{
	return xcalloc(1, sizeof(struct bridge_esl_parser));
}

void
bridge_esl_parser_free(struct bridge_esl_parser **pp)
{
	struct bridge_esl_parser *p = *pp;

	if (p == NULL)
		return;
	free(p->in);
	free(p->hdr);
	free(p->hdr2);
	free(p->body);
	free(p);
	*pp = NULL;
}

void
bridge_esl_parser_push(struct bridge_esl_parser *p, const void *data, size_t len)
{
	if (p->pos > 0) {
		memmove(p->in, p->in + p->pos, p->len - p->pos);
		p->len -= p->pos;
		p->pos = 0;
	}
	if (p->len + len > p->cap) {
		while (p->len + len > p->cap)
			p->cap = p->cap ? p->cap * 2 : 8192;
		p->in = xrealloc(p->in, p->cap);
	}
	memcpy(p->in + p->len, data, len);
	p->len += len;
}

/* Where the headers starting at s end (just past the empty line), or 0. */
static size_t
esl_headers_end(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '\n')
			continue;
		if (s[i + 1] == '\n')
			return i + 2;
		if (s[i + 1] == '\r' && i + 2 < len && s[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* A header's value in the NUL-terminated header block, or "". The value
 * is cut at its line end in place. */
static const char *
esl_header(char *hdr, const char *name)
{
	size_t n = strlen(name);
	char *line, *end;

	for (line = hdr; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			line += n + 1;
			while (*line == ' ')
				line++;
			if (end > line && end[-1] == '\r')
				end--;
			*end = '\0';
			return line;
		}
		if (*end == '\0')
			break;
	}
	return "";
}

bool
bridge_esl_parser_next(struct bridge_esl_parser *p, struct bridge_esl_frame *f)
{
	const char *s;
	size_t avail, hlen;
	int64_t clen = 0;
	char *h;

	while (p->pos < p->len && (p->in[p->pos] == '\n' || p->in[p->pos] == '\r'))
		p->pos++;               /* stray line ends between frames */
	s = p->in + p->pos;
	avail = p->len - p->pos;
	hlen = esl_headers_end(s, avail);
	if (hlen == 0)
		return false;
	free(p->hdr);
	p->hdr = xstrndup(s, hlen);
	h = xstrdup(p->hdr);
	bridge_parse_int(esl_header(h, "Content-Length"), &clen);
	free(h);
	if (clen < 0 || (size_t)clen > avail - hlen)
		return false;           /* the body is not all here yet */
	free(p->body);
	p->body = xstrndup(s + hlen, (size_t)clen);
	p->pos += hlen + (size_t)clen;
	f->body = p->body;
	f->body_len = (size_t)clen;
	/* Each lookup cuts its line: look the two up in separate copies. */
	free(p->hdr2);
	p->hdr2 = xstrdup(p->hdr);
	f->content_type = esl_header(p->hdr, "Content-Type");
	f->reply_text = esl_header(p->hdr2, "Reply-Text");
	return true;
}

/* ---- mapping ---- */

struct fs_call {
	char *queue;
	char *agent;                /* once answered */
	bool ended;                 /* call.ended sent */
};

struct fs_agent {
	char *status;
	char *state;
	const char *sent;           /* board state last sent or implied */
	bool after_call;            /* an Idle now is wrap-up */
};

struct bridge_freeswitch {
	struct bridge_secret secret;
	const struct bridge_secret *secretp;   /* NULL: send no caller tokens */
	struct bridge_out out;
	struct strmap *calls;       /* CC-Member-UUID -> struct fs_call */
	struct strmap *agents;      /* CC-Agent -> struct fs_agent */
	int64_t last_ts;            /* of the last event with a usable time */
	struct bridge_freeswitch_stats stats;
};

struct bridge_freeswitch *
bridge_freeswitch_new(const struct bridge_secret *secret, bridge_emit_fn *emit,
    void *arg)
{
	struct bridge_freeswitch *b = xcalloc(1, sizeof *b);

	if (secret != NULL) {
		b->secret = *secret;
		b->secretp = &b->secret;
	}
	bridge_out_init(&b->out, emit, arg);
	b->calls = strmap_new();
	b->agents = strmap_new();
	return b;
}

static void
fs_call_free(struct fs_call *c)
{
	if (c == NULL)
		return;
	free(c->queue);
	free(c->agent);
	free(c);
}

void
bridge_freeswitch_free(struct bridge_freeswitch **bp)
{
	struct bridge_freeswitch *b = *bp;
	size_t pos = 0;
	const char *key;
	void *value;
	struct fs_agent *a;

	if (b == NULL)
		return;
	while (strmap_next(b->calls, &pos, &key, &value))
		fs_call_free(value);
	pos = 0;
	while (strmap_next(b->agents, &pos, &key, &value)) {
		a = value;
		free(a->status);
		free(a->state);
		free(a);
	}
	strmap_free(&b->calls);
	strmap_free(&b->agents);
	bridge_out_release(&b->out);
	free(b);
	*bp = NULL;
}

void
bridge_freeswitch_stats(const struct bridge_freeswitch *b,
    struct bridge_freeswitch_stats *out)
{
	*out = b->stats;
	out->events = b->out.events;
}

/* A field's string value, or "". */
static const char *
fs_str(const cJSON *ev, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(ev, key);

	return cJSON_IsString(item) ? item->valuestring : "";
}

/* An epoch-seconds field in ms, or fallback. */
static int64_t
fs_time(const cJSON *ev, const char *key, int64_t fallback)
{
	int64_t sec;

	if (bridge_parse_int(fs_str(ev, key), &sec) && sec > 0 &&
	    sec < INT64_MAX / 1000 && bridge_time_ok(sec * 1000))
		return sec * 1000;
	return fallback;
}

/* The event's own time (Event-Date-Timestamp, microseconds), cut to the
 * second. */
static int64_t
fs_event_time(const cJSON *ev)
{
	int64_t us;

	if (!bridge_parse_int(fs_str(ev, "Event-Date-Timestamp"), &us) || us < 0)
		return 0;
	return us / 1000000 * 1000;
}

static bool
fs_id_ok(const char *s)
{
	return *s != '\0' && strlen(s) <= EVENT_ID_MAX;
}

static void
fs_queue_start(struct bridge_freeswitch *b, const cJSON *ev, int64_t ts)
{
	const char *call = fs_str(ev, "CC-Member-UUID"), *queue = fs_str(ev, "CC-Queue");
	char token[BRIDGE_TOKEN_SIZE];
	struct fs_call *c;

	if (!fs_id_ok(call) || !fs_id_ok(queue))
		return;
	fs_call_free(strmap_get(b->calls, call));
	c = xcalloc(1, sizeof *c);
	c->queue = xstrdup(queue);
	strmap_put(b->calls, call, c);
	bridge_caller_token(b->secretp, fs_str(ev, "CC-Member-CID-Number"), token);
	bridge_out_queued(&b->out, ts, call, queue, token);
}

static struct fs_agent *
fs_agent(struct bridge_freeswitch *b, const char *id)
{
	struct fs_agent *a = strmap_get(b->agents, id);

	if (a == NULL) {
		a = xcalloc(1, sizeof *a);
		strmap_put(b->agents, id, a);
	}
	return a;
}

static void
fs_bridge_start(struct bridge_freeswitch *b, const cJSON *ev, int64_t ts)
{
	const char *call = fs_str(ev, "CC-Member-UUID"), *agent = fs_str(ev, "CC-Agent");
	const char *queue = fs_str(ev, "CC-Queue");
	struct fs_call *c;

	if (!fs_id_ok(call) || !fs_id_ok(agent))
		return;
	c = strmap_get(b->calls, call);
	if (c != NULL) {
		free(c->agent);
		c->agent = xstrdup(agent);
	}
	bridge_out_answered(&b->out, fs_time(ev, "CC-Agent-Answered-Time", ts),
	    call, agent, *queue != '\0' ? queue : NULL);
	fs_agent(b, agent)->sent = "busy";
}

static void
fs_ended(struct bridge_freeswitch *b, const char *call, const char *agent,
    int64_t ts)
{
	struct fs_call *c = strmap_get(b->calls, call);
	struct fs_agent *a;

	if (c != NULL && c->ended)
		return;
	if (c != NULL)
		c->ended = true;
	bridge_out_ended(&b->out, ts, call, *agent != '\0' ? agent : NULL, -1);
	if (*agent == '\0')
		return;
	a = fs_agent(b, agent);
	if (a->sent != NULL && strcmp(a->sent, "busy") == 0)
		a->sent = "ready";      /* call.ended did it on the board */
	a->after_call = true;
}

static void
fs_bridge_end(struct bridge_freeswitch *b, const cJSON *ev, int64_t ts)
{
	const char *call = fs_str(ev, "CC-Member-UUID");

	if (!fs_id_ok(call))
		return;
	fs_ended(b, call, fs_str(ev, "CC-Agent"),
	    fs_time(ev, "CC-Bridge-Terminated-Time", ts));
}

/* CC-Cancel-Reason to the outcome: NULL for call.abandoned. */
static const char *
fs_cancel_reason(const char *reason)
{
	if (strcmp(reason, "TIMEOUT") == 0)
		return "timeout";
	if (strcmp(reason, "NO_AGENT_TIMEOUT") == 0)
		return "empty";
	if (strcmp(reason, "EXIT_WITH_KEY") == 0)
		return "key";
	if (strcmp(reason, "BREAK_OUT") == 0)
		return NULL;
	return "withdraw";              /* NONE: removed by the system */
}

static void
fs_queue_end(struct bridge_freeswitch *b, const cJSON *ev, int64_t ts)
{
	const char *call = fs_str(ev, "CC-Member-UUID"), *queue = fs_str(ev, "CC-Queue");
	struct fs_call *c;
	const char *reason;

	if (!fs_id_ok(call))
		return;
	c = strmap_get(b->calls, call);
	ts = fs_time(ev, "CC-Member-Leaving-Time", ts);
	if (strcmp(fs_str(ev, "CC-Cause"), "Terminated") == 0 ||
	    (c != NULL && c->agent != NULL)) {
		/* Answered: the end normally came with bridge-agent-end. */
		if (c != NULL && c->agent != NULL)
			fs_ended(b, call, c->agent, ts);
	} else {
		reason = fs_cancel_reason(fs_str(ev, "CC-Cancel-Reason"));
		if (*queue == '\0' && c != NULL)
			queue = c->queue;
		if (reason == NULL)
			bridge_out_abandoned(&b->out, ts, call, *queue ? queue : NULL);
		else
			bridge_out_exited(&b->out, ts, call, reason,
			    *queue ? queue : NULL);
	}
	fs_call_free(strmap_delete(b->calls, call));
}

/* The board state an agent's status and state make. */
static const char *
fs_agent_wanted(const struct fs_agent *a, const char **reason)
{
	const char *st = a->status != NULL ? a->status : "";
	const char *state = a->state != NULL ? a->state : "";

	*reason = NULL;
	if (strcmp(st, "Logged Out") == 0)
		return "offline";
	if (strcmp(st, "On Break") == 0) {
		*reason = "On Break";
		return "away";
	}
	if (strcmp(state, "In a queue call") == 0)
		return "busy";
	if (strcmp(state, "Idle") == 0) {
		if (a->after_call)
			return "wrap";
		*reason = "Idle";
		return "away";
	}
	return "ready";
}

static void
fs_agent_change(struct bridge_freeswitch *b, const cJSON *ev, int64_t ts,
    bool status)
{
	const char *id = fs_str(ev, "CC-Agent"), *want, *reason;
	struct fs_agent *a;
	char **field;

	if (!fs_id_ok(id))
		return;
	a = fs_agent(b, id);
	field = status ? &a->status : &a->state;
	free(*field);
	*field = xstrdup(fs_str(ev, status ? "CC-Agent-Status" : "CC-Agent-State"));
	if (!status && strcmp(a->state, "Idle") != 0 &&
	    strcmp(a->state, "In a queue call") != 0)
		a->after_call = false;  /* wrap-up is over */
	want = fs_agent_wanted(a, &reason);
	if (strcmp(want, "busy") == 0 ||
	    (a->sent != NULL && strcmp(a->sent, want) == 0))
		return;                 /* busy comes from call.answered */
	bridge_out_agent(&b->out, ts, id, want, reason, NULL, NULL, 0);
	a->sent = want;
}

static void
fs_dispatch(struct bridge_freeswitch *b, const cJSON *ev, const char *action)
{
	int64_t ts = fs_event_time(ev);

	if (!bridge_time_ok(ts))
		ts = b->last_ts;        /* no usable time: the last event's */
	if (!bridge_time_ok(ts)) {
		b->stats.invalid++;
		return;
	}
	b->last_ts = ts;

	if (strcmp(action, "member-queue-start") == 0)
		fs_queue_start(b, ev, ts);
	else if (strcmp(action, "bridge-agent-start") == 0)
		fs_bridge_start(b, ev, ts);
	else if (strcmp(action, "bridge-agent-end") == 0)
		fs_bridge_end(b, ev, ts);
	else if (strcmp(action, "member-queue-end") == 0)
		fs_queue_end(b, ev, ts);
	else if (strcmp(action, "agent-status-change") == 0)
		fs_agent_change(b, ev, ts, true);
	else if (strcmp(action, "agent-state-change") == 0)
		fs_agent_change(b, ev, ts, false);
	else
		b->stats.ignored++;     /* members-count, agent-offering,
		                         * bridge-agent-fail, ... */
}

int
bridge_freeswitch_json(struct bridge_freeswitch *b, const char *json, size_t len)
{
	uint64_t before = b->out.events;
	cJSON *ev;
	const char *action;

	b->stats.messages++;
	ev = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(ev)) {
		b->stats.rejected++;
		cJSON_Delete(ev);
		return 0;
	}
	if (strcmp(fs_str(ev, "Event-Subclass"), "callcenter::info") != 0) {
		cJSON_Delete(ev);
		return 0;
	}
	b->stats.callcenter++;
	action = fs_str(ev, "CC-Action");
	if (*action == '\0')
		b->stats.invalid++;
	else
		fs_dispatch(b, ev, action);
	cJSON_Delete(ev);
	return (int)(b->out.events - before);
}
