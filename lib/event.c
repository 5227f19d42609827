/*
 * event.c: decoding protocol-v1 events with cJSON.
 *
 * Why cJSON: it is the fastest well-kept JSON parser Debian ships (see
 * docs/json-choice.md for the measurements). Its cost is dominated by one
 * malloc per node, so while an event is parsed its allocations come from a
 * bump arena that is reset per event; anything that does not fit, and every
 * other cJSON user in the process, gets plain malloc.
 */
#include "event.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define EVENT_JSON_MAX (64 * 1024)   /* a longer message is rejected unread */
#define ARENA_SIZE (256 * 1024)

/* The fields we read; one pass over an object's members fills their slots,
 * instead of a linear search of the members for every field. */
enum event_field {
	F_TYPE, F_TS, F_SRC, F_SEQ, F_CALL, F_QUEUE, F_AGENT, F_CALLER,
	F_PRIORITY, F_TO_QUEUE, F_REASON, F_STATE, F_NAME, F_TEAM, F_QUEUES,
	F_RESOLVED, F_TRANSFERRED, F_CSAT,
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"type", "ts", "src", "seq", "call", "queue", "agent", "caller",
	"priority", "to_queue", "reason", "state", "name", "team", "queues",
	"resolved", "transferred", "csat",
};

struct event_decoder {
	cJSON *root;
	const cJSON *slot[F_COUNT];
	char error[256];
};

/* The arena is process-wide because cJSON's hooks are. */
static struct {
	unsigned char *base;
	size_t used;
	int active;
	int spilled;            /* some node of this parse came from malloc */
} event_arena;

static void *
event_arena_malloc(size_t size)
{
	size_t need = (size + 15) & ~(size_t)15;

	if (event_arena.active && event_arena.used + need <= ARENA_SIZE) {
		void *p = event_arena.base + event_arena.used;
		event_arena.used += need;
		return p;
	}
	event_arena.spilled |= event_arena.active;
	return malloc(size);
}

static void
event_arena_free(void *p)
{
	unsigned char *c = p;

	if (c >= event_arena.base && c < event_arena.base + ARENA_SIZE)
		return;
	free(p);
}

static void
event_arena_init(void)
{
	cJSON_Hooks hooks = { event_arena_malloc, event_arena_free };

	if (event_arena.base != NULL)
		return;
	event_arena.base = xmalloc(ARENA_SIZE);
	cJSON_InitHooks(&hooks);
}

struct event_decoder *
event_decoder_new(void)
{
	event_arena_init();
	return xcalloc(1, sizeof(struct event_decoder));
}

/* Drop the last parse. A tree wholly in the arena goes with the arena's
 * reset; only one that spilled into malloc needs walking. */
static void
event_release(struct event_decoder *d)
{
	if (d->root != NULL && event_arena.spilled)
		cJSON_Delete(d->root);
	d->root = NULL;
	event_arena.used = 0;
	event_arena.spilled = 0;
}

void
event_decoder_free(struct event_decoder **dp)
{
	if (dp == NULL || *dp == NULL)
		return;
	event_release(*dp);
	free(*dp);
	*dp = NULL;
}

const char *
event_decoder_error(const struct event_decoder *d)
{
	return d->error;
}

static enum event_reject
event_fail(struct event_decoder *d, enum event_reject why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum event_reject
event_fail(struct event_decoder *d, enum event_reject why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof d->error, fmt, ap);
	va_end(ap);
	return why;
}

static const char *const type_names[EVENT_TYPE_COUNT] = {
	"call.queued", "call.answered", "call.abandoned", "call.exited",
	"call.ended", "agent.state", "survey", "unknown",
};
static const char *const state_names[AGENT_STATE_COUNT] = {
	"ready", "busy", "wrap", "away", "offline",
};
static const char *const exit_names[EXIT_REASON_COUNT] = {
	"timeout", "overflow", "key", "empty", "withdraw",
};
static const char *const reject_names[REJECT_COUNT] = {
	"none", "json", "not_object", "missing_field", "wrong_type",
	"bad_value", "too_long",
};

const char *event_type_name(enum event_type t) { return type_names[t]; }
const char *event_state_name(enum agent_state s) { return state_names[s]; }
const char *event_exit_reason_name(enum exit_reason r) { return exit_names[r]; }
const char *event_reject_name(enum event_reject r) { return reject_names[r]; }

static int
event_lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

bool
event_state_parse(const char *name, enum agent_state *out)
{
	int i = event_lookup(state_names, AGENT_STATE_COUNT, name);

	if (i < 0)
		return false;
	*out = (enum agent_state)i;
	return true;
}

/* A string field: NULL in *out when absent and not required. */
/* Fill the slots from the object's members (the first of a repeated key). */
static void
event_slots(struct event_decoder *d, const cJSON *obj)
{
	const cJSON *m;

	memset(d->slot, 0, sizeof d->slot);
	cJSON_ArrayForEach(m, obj) {
		for (int f = 0; f < F_COUNT; f++) {
			if (m->string[0] == field_names[f][0] &&
			    strcmp(m->string, field_names[f]) == 0) {
				if (d->slot[f] == NULL)
					d->slot[f] = m;
				break;
			}
		}
	}
}

static enum event_reject
event_string(struct event_decoder *d, enum event_field f, bool required,
    const char **out)
{
	const cJSON *item = d->slot[f];
	const char *key = field_names[f];

	*out = NULL;
	if (item == NULL || cJSON_IsNull(item)) {
		if (required)
			return event_fail(d, REJECT_MISSING, "missing required '%s'", key);
		return REJECT_NONE;
	}
	if (!cJSON_IsString(item))
		return event_fail(d, REJECT_TYPE, "'%s' must be a string", key);
	if (item->valuestring[0] == '\0')
		return event_fail(d, REJECT_VALUE, "'%s' is empty", key);
	if (strlen(item->valuestring) > EVENT_ID_MAX)
		return event_fail(d, REJECT_TOO_LONG, "'%s' is longer than %d bytes",
		    key, EVENT_ID_MAX);
	*out = item->valuestring;
	return REJECT_NONE;
}

/* An integer field; *present says whether it was there. */
static enum event_reject
event_integer(struct event_decoder *d, enum event_field f, bool required,
    bool *present, int64_t *out)
{
	const cJSON *item = d->slot[f];
	const char *key = field_names[f];
	double v;

	*present = false;
	if (item == NULL || cJSON_IsNull(item)) {
		if (required)
			return event_fail(d, REJECT_MISSING, "missing required '%s'", key);
		return REJECT_NONE;
	}
	if (!cJSON_IsNumber(item))
		return event_fail(d, REJECT_TYPE, "'%s' must be an integer", key);
	v = item->valuedouble;
	if (v != floor(v) || fabs(v) > 9007199254740992.0)
		return event_fail(d, REJECT_TYPE, "'%s' must be an integer", key);
	*present = true;
	*out = (int64_t)v;
	return REJECT_NONE;
}

static enum event_reject
event_bool(struct event_decoder *d, enum event_field f, enum event_flag *out)
{
	const cJSON *item = d->slot[f];
	const char *key = field_names[f];

	*out = FLAG_ABSENT;
	if (item == NULL || cJSON_IsNull(item))
		return REJECT_NONE;
	if (!cJSON_IsBool(item))
		return event_fail(d, REJECT_TYPE, "'%s' must be true or false", key);
	*out = cJSON_IsTrue(item) ? FLAG_TRUE : FLAG_FALSE;
	return REJECT_NONE;
}

static enum event_reject
event_queues(struct event_decoder *d, struct event *ev)
{
	const cJSON *item = d->slot[F_QUEUES];
	const cJSON *q;

	ev->has_queues = false;
	ev->n_queues = 0;
	if (item == NULL || cJSON_IsNull(item))
		return REJECT_NONE;
	if (!cJSON_IsArray(item))
		return event_fail(d, REJECT_TYPE, "'queues' must be an array of strings");
	cJSON_ArrayForEach(q, item) {
		if (!cJSON_IsString(q) || q->valuestring[0] == '\0')
			return event_fail(d, REJECT_TYPE,
			    "'queues' must be an array of strings");
		if (strlen(q->valuestring) > EVENT_ID_MAX)
			return event_fail(d, REJECT_TOO_LONG, "a queue name is too long");
		if (ev->n_queues == EVENT_QUEUES_MAX)
			return event_fail(d, REJECT_TOO_LONG,
			    "'queues' has more than %d entries", EVENT_QUEUES_MAX);
		ev->queues[ev->n_queues++] = q->valuestring;
	}
	ev->has_queues = true;
	return REJECT_NONE;
}

/* Shorthand: return from the caller on the first failure. */
#define TRY(expr) do { enum event_reject r_ = (expr); if (r_ != REJECT_NONE) return r_; } while (0)

static enum event_reject
event_decode_exited(struct event_decoder *d, struct event *ev)
{
	const char *reason;
	int i;

	TRY(event_string(d, F_REASON, true, &reason));
	i = event_lookup(exit_names, EXIT_REASON_COUNT, reason);
	if (i < 0)
		return event_fail(d, REJECT_VALUE, "'reason' must be one of timeout, "
		    "overflow, key, empty, withdraw");
	ev->exit_reason = (enum exit_reason)i;
	TRY(event_string(d, F_TO_QUEUE, false, &ev->to_queue));
	return REJECT_NONE;
}

static enum event_reject
event_decode_agent(struct event_decoder *d, struct event *ev)
{
	const char *state;

	TRY(event_string(d, F_STATE, true, &state));
	if (!event_state_parse(state, &ev->state))
		return event_fail(d, REJECT_VALUE, "'state' must be one of ready, "
		    "busy, wrap, away, offline");
	TRY(event_string(d, F_REASON, false, &ev->reason));
	TRY(event_string(d, F_NAME, false, &ev->name));
	TRY(event_string(d, F_TEAM, false, &ev->team));
	return event_queues(d, ev);
}

static enum event_reject
event_decode_survey(struct event_decoder *d, struct event *ev)
{
	bool present;
	int64_t csat;

	TRY(event_integer(d, F_CSAT, true, &present, &csat));
	if (csat < 1 || csat > 5)
		return event_fail(d, REJECT_VALUE, "'csat' must be 1 to 5");
	ev->csat = (int)csat;
	TRY(event_string(d, F_CALL, false, &ev->call));
	TRY(event_string(d, F_AGENT, false, &ev->agent));
	return event_string(d, F_QUEUE, false, &ev->queue);
}

/* The fields of each type, required ones first. */
static enum event_reject
event_decode_fields(struct event_decoder *d, struct event *ev)
{
	bool call_required = ev->type != EVENT_SURVEY && ev->type != EVENT_AGENT_STATE;

	if (call_required)
		TRY(event_string(d, F_CALL, true, &ev->call));
	switch (ev->type) {
	case EVENT_CALL_QUEUED:
		TRY(event_string(d, F_QUEUE, true, &ev->queue));
		TRY(event_string(d, F_CALLER, false, &ev->caller));
		return event_integer(d, F_PRIORITY, false, &ev->has_priority,
		    &ev->priority);
	case EVENT_CALL_ANSWERED:
		TRY(event_string(d, F_AGENT, true, &ev->agent));
		return event_string(d, F_QUEUE, false, &ev->queue);
	case EVENT_CALL_ABANDONED:
		return event_string(d, F_QUEUE, false, &ev->queue);
	case EVENT_CALL_EXITED:
		TRY(event_string(d, F_QUEUE, false, &ev->queue));
		return event_decode_exited(d, ev);
	case EVENT_CALL_ENDED:
		TRY(event_string(d, F_AGENT, false, &ev->agent));
		TRY(event_bool(d, F_RESOLVED, &ev->resolved));
		return event_bool(d, F_TRANSFERRED, &ev->transferred);
	case EVENT_AGENT_STATE:
		TRY(event_string(d, F_AGENT, true, &ev->agent));
		return event_decode_agent(d, ev);
	case EVENT_SURVEY:
		return event_decode_survey(d, ev);
	default:
		return REJECT_NONE;
	}
}

/* src and seq first, so that even a rejected event is counted to its feed. */
static enum event_reject
event_decode_envelope(struct event_decoder *d, struct event *ev)
{
	const cJSON *type;
	int i;

	if (event_string(d, F_SRC, false, &ev->src) != REJECT_NONE) {
		ev->src = NULL;
		return REJECT_TYPE;
	}
	if (ev->src == NULL)
		ev->src = "default";
	/* seq and ts are each read whatever became of the other, so that a
	 * rejected event still moves its feed's sequence and has a time. */
	enum event_reject seq_why = event_integer(d, F_SEQ, false, &ev->has_seq, &ev->seq);
	if (seq_why == REJECT_NONE && ev->has_seq && ev->seq < 1) {
		ev->has_seq = false;
		seq_why = event_fail(d, REJECT_VALUE, "'seq' must be 1 or more");
	}
	char seq_error[sizeof d->error];
	memcpy(seq_error, d->error, sizeof seq_error);
	TRY(event_integer(d, F_TS, true, &ev->has_ts, &ev->ts));
	if (ev->ts < EVENT_TS_MIN || ev->ts >= EVENT_TS_MAX) {
		ev->has_ts = false;
		return event_fail(d, REJECT_VALUE, "'ts' is not a time between 2000 "
		    "and 2200 in milliseconds since the epoch");
	}
	if (seq_why != REJECT_NONE) {
		memcpy(d->error, seq_error, sizeof d->error);
		return seq_why;
	}
	type = d->slot[F_TYPE];
	if (type == NULL)
		return event_fail(d, REJECT_MISSING, "missing required 'type'");
	if (!cJSON_IsString(type))
		return event_fail(d, REJECT_TYPE, "'type' must be a string");
	i = event_lookup(type_names, EVENT_UNKNOWN, type->valuestring);
	ev->type = i < 0 ? EVENT_UNKNOWN : (enum event_type)i;
	return REJECT_NONE;
}

/* Only white space may follow the object. */
static bool
event_trailing_ok(const char *end, const char *limit)
{
	for (; end < limit; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
			return false;
	return true;
}

enum event_reject
event_decode(struct event_decoder *d, const char *json, size_t len, struct event *ev)
{
	enum event_reject r;
	const char *end = NULL;

	event_release(d);
	memset(ev, 0, sizeof *ev);
	ev->resolved = ev->transferred = FLAG_ABSENT;
	d->error[0] = '\0';
	if (len > EVENT_JSON_MAX)
		return event_fail(d, REJECT_TOO_LONG, "message of %zu bytes is over "
		    "the %d byte limit", len, EVENT_JSON_MAX);
	event_arena.active = 1;
	d->root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	event_arena.active = 0;
	if (d->root == NULL || !event_trailing_ok(end, json + len))
		return event_fail(d, REJECT_JSON, "not valid JSON");
	if (!cJSON_IsObject(d->root))
		return event_fail(d, REJECT_NOT_OBJECT, "not a JSON object");
	event_slots(d, d->root);
	r = event_decode_envelope(d, ev);
	if (r == REJECT_NONE && ev->type != EVENT_UNKNOWN)
		r = event_decode_fields(d, ev);
	return r;
}
