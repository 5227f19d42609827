/*
 * bridge-ami.c: AMI framing, and app_queue's events into protocol-v1 events.
 *
 * The hard part is the end of an unanswered visit. app_queue sends
 * QueueCallerAbandon for a caller who hung up and also for timeouts,
 * leave-when-empty and withdrawals; and QueueCallerLeave, with no abandon,
 * both for an answered caller (before AgentConnect) and for one who pressed
 * a key. So an end is held as "pending" until something tells it apart:
 *
 *   abandon  a HangupRequest of the caller's channel before it (class call),
 *            or the QUEUESTATUS / QUEUE_WITHDRAW_INFO variable app_queue sets
 *            after it (class dialplan): exact;
 *            otherwise the members' states: a queue with no available
 *            member emptied it ("empty"), else a caller hang-up if we cannot
 *            see hang-ups, else a timeout (a guess: both count in
 *            Asterisk's own abandoned figure A alike);
 *   leave    AgentConnect within 2 s makes it answered; a Leave whose
 *            Context/Exten moved to the queue's exit context, or no connect
 *            within 2 s of stream time, is EXITWITHKEY ("key").
 */
#include "bridge-ami.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge-agents.h"
#include "event.h"
#include "strmap.h"
#include "xalloc.h"

#define AMI_SETTLE_MS 2000      /* stream time an undecided end may wait */

/* ---- framing ---- */

struct bridge_ami_parser {
	char *in;                   /* bytes not yet consumed */
	size_t len, cap, pos;
	char *msg;                  /* the current message's lines, NUL-split */
	size_t msg_len, msg_cap;
	size_t key_off[BRIDGE_AMI_FIELDS], value_off[BRIDGE_AMI_FIELDS];
	size_t n;
	char *banner;
};

struct bridge_ami_parser *
bridge_ami_parser_new(void)
{
	return xcalloc(1, sizeof(struct bridge_ami_parser));
}

void
bridge_ami_parser_free(struct bridge_ami_parser **pp)
{
	struct bridge_ami_parser *p = *pp;

	if (p == NULL)
		return;
	free(p->in);
	free(p->msg);
	free(p->banner);
	free(p);
	*pp = NULL;
}

const char *
bridge_ami_parser_banner(const struct bridge_ami_parser *p)
{
	return p->banner;
}

void
bridge_ami_parser_push(struct bridge_ami_parser *p, const void *data, size_t len)
{
	if (p->pos > 0) {               /* drop what was consumed */
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

static size_t
ami_msg_store(struct bridge_ami_parser *p, const char *s, size_t len)
{
	size_t off = p->msg_len;

	if (p->msg_len + len + 1 > p->msg_cap) {
		while (p->msg_len + len + 1 > p->msg_cap)
			p->msg_cap = p->msg_cap ? p->msg_cap * 2 : 4096;
		p->msg = xrealloc(p->msg, p->msg_cap);
	}
	memcpy(p->msg + off, s, len);
	p->msg[off + len] = '\0';
	p->msg_len += len + 1;
	return off;
}

/* One line (no line end) into the message being built. */
static void
ami_line(struct bridge_ami_parser *p, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t klen, voff;

	if (colon == NULL) {
		if (p->n == 0) {        /* the banner, or noise between messages */
			free(p->banner);
			p->banner = xstrndup(line, len);
		}
		return;
	}
	if (p->n == BRIDGE_AMI_FIELDS)
		return;
	klen = (size_t)(colon - line);
	voff = klen + 1;
	if (voff < len && line[voff] == ' ')
		voff++;
	p->key_off[p->n] = ami_msg_store(p, line, klen);
	p->value_off[p->n] = ami_msg_store(p, line + voff, len - voff);
	p->n++;
}

static void
ami_msg_fill(struct bridge_ami_parser *p, struct bridge_ami_msg *msg)
{
	size_t i;

	msg->n = p->n;
	for (i = 0; i < p->n; i++) {
		msg->key[i] = p->msg + p->key_off[i];
		msg->value[i] = p->msg + p->value_off[i];
	}
}

bool
bridge_ami_parser_next(struct bridge_ami_parser *p, struct bridge_ami_msg *msg)
{
	const char *line, *nl;
	size_t len;

	if (p->n == 0)
		p->msg_len = 0;
	while (p->pos < p->len) {
		line = p->in + p->pos;
		nl = memchr(line, '\n', p->len - p->pos);
		if (nl == NULL)
			return false;
		len = (size_t)(nl - line);
		p->pos += len + 1;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > 0) {
			ami_line(p, line, len);
			continue;
		}
		if (p->n == 0)
			continue;
		ami_msg_fill(p, msg);
		p->n = 0;               /* strings stay until the next call */
		return true;
	}
	return false;
}

const char *
bridge_ami_get(const struct bridge_ami_msg *msg, const char *key)
{
	size_t i;

	for (i = 0; i < msg->n; i++)
		if (strcasecmp(msg->key[i], key) == 0)
			return msg->value[i];
	return NULL;
}

/* ---- mapping ---- */

enum ami_pending { PEND_NONE, PEND_ABANDON, PEND_LEAVE };

struct ami_visit {
	char *call, *queue;
	int64_t queued_ts;
	char *context, *exten;      /* where the caller was when it joined */
	char *agent;                /* once answered */
	enum ami_pending pending;
	int64_t pending_ts;
	bool hung_up;               /* caller's HangupRequest seen while queued */
	unsigned seed;              /* seed round that last saw it waiting */
};

struct ami_member {
	bool paused, available;
};

struct bridge_ami {
	struct bridge_secret secret;
	const struct bridge_secret *secretp;   /* NULL: send no caller tokens */
	struct bridge_out out;
	struct bridge_agents *agents;
	struct strmap *visits;      /* "call\x1fqueue" -> struct ami_visit */
	struct strmap *waiting;     /* call -> its visit while unanswered */
	struct strmap *members;     /* "queue\x1fagent" -> struct ami_member */
	struct strmap *names;       /* interface -> member name */
	bool ms, recorded;
	bool see_calls, see_dialplan;   /* event classes the stream carries */
	int64_t last_ts;
	char *seed_id;
	unsigned seed_round;
	struct bridge_ami_stats stats;
};

struct bridge_ami *
bridge_ami_new(const struct bridge_secret *secret, bridge_emit_fn *emit, void *arg)
{
	struct bridge_ami *b = xcalloc(1, sizeof *b);

	if (secret != NULL) {
		b->secret = *secret;
		b->secretp = &b->secret;
	}
	bridge_out_init(&b->out, emit, arg);
	b->agents = bridge_agents_new(&b->out);
	b->visits = strmap_new();
	b->waiting = strmap_new();
	b->members = strmap_new();
	b->names = strmap_new();
	return b;
}

static void
ami_visit_free(struct ami_visit *v)
{
	free(v->call);
	free(v->queue);
	free(v->context);
	free(v->exten);
	free(v->agent);
	free(v);
}

static void
ami_free_values(struct strmap *map, bool visits)
{
	size_t pos = 0;
	const char *key;
	void *value;

	while (strmap_next(map, &pos, &key, &value)) {
		if (visits)
			ami_visit_free(value);
		else
			free(value);
	}
}

void
bridge_ami_free(struct bridge_ami **bp)
{
	struct bridge_ami *b = *bp;

	if (b == NULL)
		return;
	ami_free_values(b->visits, true);
	ami_free_values(b->members, false);
	ami_free_values(b->names, false);
	strmap_free(&b->visits);
	strmap_free(&b->waiting);
	strmap_free(&b->members);
	strmap_free(&b->names);
	bridge_agents_free(&b->agents);
	bridge_out_release(&b->out);
	free(b->seed_id);
	free(b);
	*bp = NULL;
}

void
bridge_ami_set_time(struct bridge_ami *b, bool ms, bool recorded)
{
	b->ms = ms;
	b->recorded = recorded;
}

void
bridge_ami_stats(const struct bridge_ami *b, struct bridge_ami_stats *out)
{
	*out = b->stats;
	out->events = b->out.events;
}

void
bridge_ami_seed_begin(struct bridge_ami *b, const char *action_id)
{
	free(b->seed_id);
	b->seed_id = xstrdup(action_id);
	b->seed_round++;
}

/* The message's time in ms (see bridge_ami_set_time). */
static int64_t
ami_time(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t now_ms)
{
	const char *stamp = bridge_ami_get(msg, "Timestamp");
	int64_t ts;

	if (stamp != NULL && bridge_parse_seconds_ms(stamp, &ts) &&
	    bridge_time_ok(ts)) {
		if (!b->ms)
			ts -= ts % 1000;
		b->last_ts = ts;
		return ts;
	}
	if (b->recorded && b->last_ts > 0)
		return b->last_ts;
	return b->ms ? now_ms : now_ms - now_ms % 1000;
}

static const char *
ami_str(const struct bridge_ami_msg *msg, const char *key)
{
	const char *v = bridge_ami_get(msg, key);

	return v != NULL ? v : "";
}

/* Remember an interface's member name; the name is the agent id. */
static void
ami_learn_name(struct bridge_ami *b, const char *iface, const char *name)
{
	char *old;

	if (*iface == '\0' || *name == '\0' || strcmp(iface, name) == 0)
		return;
	old = strmap_get(b->names, iface);
	if (old != NULL && strcmp(old, name) == 0)
		return;
	free(old);
	strmap_put(b->names, iface, xstrdup(name));
}

/*
 * One agent id for a member, whichever fields the event carries: the member
 * name (MemberName, or Name in QueueMember), else the name learnt for its
 * interface (Interface, Location in Asterisk 11, StateInterface), else the
 * interface. queue_log's call lines use the member name too.
 */
static const char *
ami_agent(struct bridge_ami *b, const struct bridge_ami_msg *msg)
{
	const char *name = ami_str(msg, "MemberName");
	const char *iface = ami_str(msg, "Interface");
	const char *known;

	if (*name == '\0')
		name = ami_str(msg, "Name");
	if (*iface == '\0')
		iface = ami_str(msg, "Location");
	if (*iface == '\0')
		iface = ami_str(msg, "StateInterface");
	if (*name != '\0') {
		ami_learn_name(b, iface, name);
		return name;
	}
	known = strmap_get(b->names, iface);
	return known != NULL ? known : iface;
}

static struct ami_visit *
ami_visit(struct bridge_ami *b, const char *call, const char *queue)
{
	char key[2 * EVENT_ID_MAX + 2];

	snprintf(key, sizeof key, "%s\x1f%s", call, queue);
	return strmap_get(b->visits, key);
}

static void
ami_visit_drop(struct bridge_ami *b, struct ami_visit *v)
{
	char key[2 * EVENT_ID_MAX + 2];

	snprintf(key, sizeof key, "%s\x1f%s", v->call, v->queue);
	strmap_delete(b->visits, key);
	if (strmap_get(b->waiting, v->call) == v)
		strmap_delete(b->waiting, v->call);
	ami_visit_free(v);
}

static struct ami_visit *
ami_visit_open(struct bridge_ami *b, const char *call, const char *queue, int64_t ts)
{
	char key[2 * EVENT_ID_MAX + 2];
	struct ami_visit *v = ami_visit(b, call, queue);

	if (v != NULL)
		ami_visit_drop(b, v);
	v = xcalloc(1, sizeof *v);
	v->call = xstrdup(call);
	v->queue = xstrdup(queue);
	v->queued_ts = ts;
	v->seed = b->seed_round;
	snprintf(key, sizeof key, "%s\x1f%s", call, queue);
	strmap_put(b->visits, key, v);
	strmap_put(b->waiting, call, v);
	return v;
}

static bool
ami_valid_ids(const char *call, const char *queue)
{
	return *call != '\0' && *queue != '\0' && strlen(call) <= EVENT_ID_MAX &&
	    strlen(queue) <= EVENT_ID_MAX;
}

/* Does the queue have a member who could take a call now? */
static bool
ami_queue_staffed(const struct bridge_ami *b, const char *queue)
{
	size_t pos = 0, qlen = strlen(queue);
	const char *key;
	void *value;
	const struct ami_member *m;

	while (strmap_next(b->members, &pos, &key, &value)) {
		m = value;
		if (strncmp(key, queue, qlen) == 0 && key[qlen] == '\x1f' &&
		    !m->paused && m->available)
			return true;
	}
	return false;
}

static void
ami_emit_exit(struct bridge_ami *b, struct ami_visit *v, int64_t ts,
    const char *reason)
{
	if (reason == NULL)
		bridge_out_abandoned(&b->out, ts, v->call, v->queue);
	else
		bridge_out_exited(&b->out, ts, v->call, reason, v->queue);
	ami_visit_drop(b, v);
}

/* Decide a pending end from the members' states (see the top comment). */
static void
ami_settle(struct bridge_ami *b, struct ami_visit *v)
{
	const char *reason;

	if (v->pending == PEND_LEAVE) {
		ami_emit_exit(b, v, v->pending_ts, "key");
		return;
	}
	b->stats.abandons_guessed++;
	if (!ami_queue_staffed(b, v->queue))
		reason = "empty";
	else
		reason = b->see_calls ? "timeout" : NULL;
	ami_emit_exit(b, v, v->pending_ts, reason);
}

/* Settle the ends that have waited long enough (all: before = INT64_MAX). */
static void
ami_settle_before(struct bridge_ami *b, int64_t before)
{
	size_t pos = 0;
	const char *key;
	void *value;
	struct ami_visit *v;
	bool again = true;

	while (again) {                 /* settling deletes: restart the walk */
		again = false;
		pos = 0;
		while (strmap_next(b->visits, &pos, &key, &value)) {
			v = value;
			if (v->pending != PEND_NONE && v->pending_ts < before) {
				ami_settle(b, v);
				again = true;
				break;
			}
		}
	}
}

int
bridge_ami_flush(struct bridge_ami *b)
{
	uint64_t before = b->out.events;

	ami_settle_before(b, INT64_MAX);
	return (int)(b->out.events - before);
}

int
bridge_ami_tick(struct bridge_ami *b, int64_t now_ms)
{
	uint64_t before = b->out.events;

	ami_settle_before(b, now_ms - AMI_SETTLE_MS);
	return (int)(b->out.events - before);
}

static void
ami_join(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	const char *call = ami_str(msg, "Uniqueid"), *queue = ami_str(msg, "Queue");
	char token[BRIDGE_TOKEN_SIZE];
	struct ami_visit *v;

	if (!ami_valid_ids(call, queue))
		return;
	v = ami_visit_open(b, call, queue, ts);
	v->context = xstrdup(ami_str(msg, "Context"));
	v->exten = xstrdup(ami_str(msg, "Exten"));
	bridge_caller_token(b->secretp, ami_str(msg, "CallerIDNum"), token);
	bridge_out_queued(&b->out, ts, call, queue, token);
}

static void
ami_abandon(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	struct ami_visit *v = ami_visit(b, ami_str(msg, "Uniqueid"),
	    ami_str(msg, "Queue"));

	if (v == NULL || v->agent != NULL)
		return;
	if (v->hung_up) {
		b->stats.abandons_exact++;
		ami_emit_exit(b, v, ts, NULL);
		return;
	}
	v->pending = PEND_ABANDON;
	v->pending_ts = ts;
}

static void
ami_leave(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	struct ami_visit *v = ami_visit(b, ami_str(msg, "Uniqueid"),
	    ami_str(msg, "Queue"));

	if (v == NULL || v->agent != NULL)
		return;
	if (v->pending == PEND_ABANDON) {
		/* With neither hang-ups nor variables in the stream, nothing
		 * more will come about this caller. */
		if (!b->see_calls && !b->see_dialplan)
			ami_settle(b, v);
		return;
	}
	if (v->context != NULL && (strcmp(v->context, ami_str(msg, "Context")) != 0 ||
	    strcmp(v->exten, ami_str(msg, "Exten")) != 0)) {
		ami_emit_exit(b, v, ts, "key");
		return;
	}
	v->pending = PEND_LEAVE;
	v->pending_ts = ts;
}

static void
ami_connect(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	const char *call = ami_str(msg, "Uniqueid"), *queue = ami_str(msg, "Queue");
	const char *agent = ami_agent(b, msg);
	struct ami_visit *v;

	if (!ami_valid_ids(call, queue) || *agent == '\0')
		return;
	v = ami_visit(b, call, queue);
	if (v == NULL)                  /* queued before we connected */
		v = ami_visit_open(b, call, queue, ts);
	if (strmap_get(b->waiting, call) == v)
		strmap_delete(b->waiting, call);
	v->pending = PEND_NONE;
	free(v->agent);
	v->agent = xstrdup(agent);
	bridge_out_answered(&b->out, ts, call, agent, queue);
	bridge_agents_call_start(b->agents, agent);
}

/*
 * The conversation an agent has in a queue. AgentComplete can come without
 * the caller's channel fields (no Uniqueid) when the caller's channel was
 * already gone: Asterisk 22 does that; the member fields are still there.
 */
static struct ami_visit *
ami_visit_of_agent(struct bridge_ami *b, const char *agent, const char *queue)
{
	size_t pos = 0;
	const char *key;
	void *value;
	struct ami_visit *v, *found = NULL;

	while (strmap_next(b->visits, &pos, &key, &value)) {
		v = value;
		if (v->agent == NULL || strcmp(v->agent, agent) != 0 ||
		    strcmp(v->queue, queue) != 0)
			continue;
		if (found != NULL)
			return NULL;    /* two: cannot tell which */
		found = v;
	}
	return found;
}

static void
ami_complete(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	const char *call = ami_str(msg, "Uniqueid"), *queue = ami_str(msg, "Queue");
	const char *agent = ami_agent(b, msg);
	struct ami_visit *v = ami_visit(b, call, queue);

	if (*call == '\0' && *agent != '\0' &&
	    (v = ami_visit_of_agent(b, agent, queue)) != NULL)
		call = v->call;
	if (!ami_valid_ids(call, queue))
		return;
	if (v != NULL && v->agent != NULL)
		agent = v->agent;
	bridge_out_ended(&b->out, ts, call, *agent != '\0' ? agent : NULL,
	    strcasecmp(ami_str(msg, "Reason"), "transfer") == 0);
	if (*agent != '\0')
		bridge_agents_call_end(b->agents, ts, agent);
	if (v != NULL)
		ami_visit_drop(b, v);
}

/* Record a member's state for the "queue empty" judgement. */
static void
ami_member_note(struct bridge_ami *b, const char *queue, const char *agent,
    bool paused, bool available, bool remove)
{
	char key[2 * EVENT_ID_MAX + 2];
	struct ami_member *m;

	snprintf(key, sizeof key, "%s\x1f%s", queue, agent);
	if (remove) {
		free(strmap_delete(b->members, key));
		return;
	}
	m = strmap_get(b->members, key);
	if (m == NULL) {
		m = xcalloc(1, sizeof *m);
		strmap_put(b->members, key, m);
	}
	m->paused = paused;
	m->available = available;
}

/* Device states that cannot take a call: 4 invalid, 5 unavailable. */
static bool
ami_device_available(const char *status)
{
	return strcmp(status, "4") != 0 && strcmp(status, "5") != 0;
}

static const char *
ami_pause_reason(const struct bridge_ami_msg *msg)
{
	const char *r = ami_str(msg, "PausedReason");

	return *r != '\0' ? r : ami_str(msg, "Reason");
}

/* QueueMemberStatus, QueueMember (QueueStatus), QueueMemberAdded. */
static void
ami_member(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	const char *queue = ami_str(msg, "Queue"), *agent = ami_agent(b, msg);
	bool paused = strcmp(ami_str(msg, "Paused"), "1") == 0;
	bool available = ami_device_available(ami_str(msg, "Status"));

	if (*queue == '\0' || *agent == '\0' || strlen(agent) > EVENT_ID_MAX)
		return;
	ami_member_note(b, queue, agent, paused, available, false);
	bridge_agents_member_state(b->agents, ts, agent, queue, paused,
	    ami_pause_reason(msg), available);
}

static void
ami_member_removed(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    int64_t ts)
{
	const char *queue = ami_str(msg, "Queue"), *agent = ami_agent(b, msg);

	if (*queue == '\0' || *agent == '\0' || strlen(agent) > EVENT_ID_MAX)
		return;
	ami_member_note(b, queue, agent, false, false, true);
	bridge_agents_member(b->agents, ts, agent, queue, false);
}

/* QueueMemberPause (12+) and QueueMemberPaused (11). */
static void
ami_member_pause(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    int64_t ts)
{
	const char *queue = ami_str(msg, "Queue"), *agent = ami_agent(b, msg);
	bool paused = strcmp(ami_str(msg, "Paused"), "1") == 0;
	char key[2 * EVENT_ID_MAX + 2];
	struct ami_member *m;

	if (*queue == '\0' || *agent == '\0' || strlen(agent) > EVENT_ID_MAX)
		return;
	snprintf(key, sizeof key, "%s\x1f%s", queue, agent);
	m = strmap_get(b->members, key);
	ami_member_note(b, queue, agent, paused, m != NULL ? m->available : true,
	    false);
	bridge_agents_pause(b->agents, ts, agent, queue, paused,
	    ami_pause_reason(msg));
}

/* QueueEntry (QueueStatus): a caller waiting; seed it if we missed its
 * join. */
static void
ami_entry(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	const char *call = ami_str(msg, "Uniqueid"), *queue = ami_str(msg, "Queue");
	char token[BRIDGE_TOKEN_SIZE];
	struct ami_visit *v;
	int64_t wait = 0;

	if (!ami_valid_ids(call, queue))
		return;
	v = ami_visit(b, call, queue);
	if (v != NULL) {
		v->seed = b->seed_round;
		return;
	}
	if (!bridge_parse_int(ami_str(msg, "Wait"), &wait) || wait < 0 ||
	    wait > 366 * 86400 || !bridge_time_ok(ts - wait * 1000))
		wait = 0;               /* nonsense: count it from now */
	v = ami_visit_open(b, call, queue, ts - wait * 1000);
	b->stats.seeded_calls++;
	bridge_caller_token(b->secretp, ami_str(msg, "CallerIDNum"), token);
	bridge_out_queued(&b->out, v->queued_ts, call, queue, token);
}

/*
 * Our own QueueStatus is complete: a waiting call it did not list left
 * while we were not connected. How it left we cannot know; it goes out as
 * "withdraw" (as at an Asterisk restart) so that the board does not show it
 * waiting until the daemon's call_timeout.
 */
static void
ami_seed_complete(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    int64_t ts)
{
	size_t pos = 0;
	const char *key;
	void *value;
	struct ami_visit *v;
	bool again = true;

	if (b->seed_id == NULL || strcmp(ami_str(msg, "ActionID"), b->seed_id) != 0)
		return;
	while (again) {
		again = false;
		pos = 0;
		while (strmap_next(b->visits, &pos, &key, &value)) {
			v = value;
			if (v->agent == NULL && v->seed != b->seed_round) {
				b->stats.forgotten_calls++;
				ami_emit_exit(b, v, ts, "withdraw");
				again = true;
				break;
			}
		}
	}
	free(b->seed_id);
	b->seed_id = NULL;
}

/* A VarSet on a queued caller's channel: app_queue's own verdict. */
static void
ami_varset(struct bridge_ami *b, const struct bridge_ami_msg *msg, int64_t ts)
{
	static const struct { const char *status, *reason; } verdicts[] = {
		{ "TIMEOUT", "timeout" }, { "LEAVEEMPTY", "empty" },
		{ "LEAVEUNAVAIL", "empty" }, { "JOINEMPTY", "empty" },
		{ "JOINUNAVAIL", "empty" }, { "WITHDRAW", "withdraw" },
	};
	const char *var = ami_str(msg, "Variable"), *value = ami_str(msg, "Value");
	struct ami_visit *v = strmap_get(b->waiting, ami_str(msg, "Uniqueid"));
	size_t i;

	if (v == NULL || v->pending != PEND_ABANDON)
		return;
	if (strcmp(var, "QUEUE_WITHDRAW_INFO") == 0) {
		b->stats.abandons_exact++;
		ami_emit_exit(b, v, v->pending_ts, "withdraw");
		return;
	}
	if (strcmp(var, "QUEUESTATUS") != 0)
		return;
	b->stats.abandons_exact++;
	for (i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
		if (strcmp(value, verdicts[i].status) == 0) {
			ami_emit_exit(b, v, v->pending_ts, verdicts[i].reason);
			return;
		}
	}
	ami_emit_exit(b, v, v->pending_ts, NULL);
}

/* Hang-ups on a queued caller's channel (class call). */
static void
ami_hangup(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    const char *event)
{
	struct ami_visit *v = strmap_get(b->waiting, ami_str(msg, "Uniqueid"));

	if (v == NULL)
		return;
	if (strcmp(event, "HangupRequest") == 0 && v->pending == PEND_NONE) {
		v->hung_up = true;
		return;
	}
	/* The channel goes away with no verdict: settle now. */
	if (v->pending == PEND_ABANDON && !b->see_dialplan)
		ami_settle(b, v);
}

/* Which event classes the stream carries, from Privilege. */
static void
ami_note_classes(struct bridge_ami *b, const struct bridge_ami_msg *msg)
{
	const char *priv = ami_str(msg, "Privilege");

	if (strstr(priv, "call") != NULL)
		b->see_calls = true;
	if (strstr(priv, "dialplan") != NULL)
		b->see_dialplan = true;
}

static bool
ami_dispatch_queue(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    const char *event, int64_t ts)
{
	if (strcmp(event, "QueueCallerJoin") == 0 || strcmp(event, "Join") == 0)
		ami_join(b, msg, ts);
	else if (strcmp(event, "QueueCallerAbandon") == 0)
		ami_abandon(b, msg, ts);
	else if (strcmp(event, "QueueCallerLeave") == 0 || strcmp(event, "Leave") == 0)
		ami_leave(b, msg, ts);
	else if (strcmp(event, "AgentConnect") == 0)
		ami_connect(b, msg, ts);
	else if (strcmp(event, "AgentComplete") == 0)
		ami_complete(b, msg, ts);
	else if (strcmp(event, "QueueMemberStatus") == 0 ||
	    strcmp(event, "QueueMember") == 0 ||
	    strcmp(event, "QueueMemberAdded") == 0)
		ami_member(b, msg, ts);
	else if (strcmp(event, "QueueMemberRemoved") == 0)
		ami_member_removed(b, msg, ts);
	else if (strcmp(event, "QueueMemberPause") == 0 ||
	    strcmp(event, "QueueMemberPaused") == 0)
		ami_member_pause(b, msg, ts);
	else if (strcmp(event, "QueueEntry") == 0)
		ami_entry(b, msg, ts);
	else if (strcmp(event, "QueueStatusComplete") == 0)
		ami_seed_complete(b, msg, ts);
	else
		return strcmp(event, "AgentCalled") == 0 ||
		    strcmp(event, "AgentRingNoAnswer") == 0 ||
		    strcmp(event, "AgentDump") == 0 ||
		    strcmp(event, "QueueParams") == 0;
	return true;
}

int
bridge_ami_message(struct bridge_ami *b, const struct bridge_ami_msg *msg,
    int64_t now_ms)
{
	const char *event = bridge_ami_get(msg, "Event");
	uint64_t before = b->out.events;
	int64_t ts;

	b->stats.messages++;
	if (event == NULL)
		return 0;               /* a Response: the CLI reads those */
	ts = ami_time(b, msg, now_ms);
	if (!bridge_time_ok(ts))
		return 0;               /* no usable clock at all */
	ami_note_classes(b, msg);
	ami_settle_before(b, ts - AMI_SETTLE_MS);
	if (ami_dispatch_queue(b, msg, event, ts))
		b->stats.queue_events++;
	else if (strcmp(event, "VarSet") == 0)
		ami_varset(b, msg, ts);
	else if (strcmp(event, "HangupRequest") == 0 ||
	    strcmp(event, "SoftHangupRequest") == 0 || strcmp(event, "Hangup") == 0)
		ami_hangup(b, msg, event);
	return (int)(b->out.events - before);
}
