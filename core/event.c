/*
 * event.c: decoding protocol-v1 events.
 *
 * Two readers fill the same slots (one per field we read), and one set of
 * checks turns the slots into an event:
 *
 *  - a scanner for the plain events feeds send all day: one pass over the
 *    bytes, no tree, strings copied once. It accepts only strict JSON with
 *    nothing it would have to interpret: no escapes in strings, integers of
 *    at most 15 digits for our fields, no control bytes. Anything else, valid
 *    or not, it hands on untouched to
 *  - cJSON, which decides everything the scanner declined. So the scanner
 *    accepts a subset of what cJSON accepts, and reads it the same way; the
 *    fuzz harness checks that on every input (event_decoder_set_scanner).
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
#include <pthread.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

#define EVENT_JSON_MAX (64 * 1024)   /* a longer message is rejected unread */
#define ARENA_SIZE (256 * 1024)

/* The fields we read; one pass over an object's members fills their slots,
 * instead of a linear search of the members for every field. */
#define EVENT_FIELDS(X) \
	X(TYPE, "type") X(TS, "ts") X(SRC, "src") X(SEQ, "seq") X(CALL, "call") \
	X(QUEUE, "queue") X(AGENT, "agent") X(CALLER, "caller") \
	X(PRIORITY, "priority") X(TO_QUEUE, "to_queue") X(REASON, "reason") \
	X(STATE, "state") X(NAME, "name") X(TEAM, "team") X(QUEUES, "queues") \
	X(RESOLVED, "resolved") X(TRANSFERRED, "transferred") X(CSAT, "csat")

enum event_field {
#define EVENT_FIELD_ENUM(id, name) F_##id,
	EVENT_FIELDS(EVENT_FIELD_ENUM)
	F_COUNT
};

static const char *const field_names[F_COUNT] = {
#define EVENT_FIELD_NAME(id, name) name,
	EVENT_FIELDS(EVENT_FIELD_NAME)
};

static const unsigned char field_lens[F_COUNT] = {
#define EVENT_FIELD_LEN(id, name) sizeof name - 1,
	EVENT_FIELDS(EVENT_FIELD_LEN)
};

/* A field's value as either reader found it. */
enum jv_kind { JV_ABSENT, JV_NULL, JV_FALSE, JV_TRUE, JV_NUMBER, JV_STRING,
	JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_kind kind;
	const char *s;          /* JV_STRING: NUL-terminated ... */
	size_t len;             /* ... of this length */
	bool plain;             /* the scanner saw only printable ASCII: text
	                         * with nothing left to check (core/text.h) */
	double num;             /* JV_NUMBER */
};

/* The first items of the queues array: enough to find the first bad one
 * (an item past EVENT_QUEUES_MAX is itself an error). */
#define ITEMS_MAX (EVENT_QUEUES_MAX + 1)
#define SCAN_DEPTH 32           /* deeper nesting is left to cJSON */

struct event_decoder {
	cJSON *root;
	bool scanner;           /* try the scanner first (the default) */
	bool scanned;           /* it read the last message */
	struct jv slot[F_COUNT];
	struct jv items[ITEMS_MAX];
	size_t n_items;         /* of the queues array, up to ITEMS_MAX */
	const char *queues[EVENT_QUEUES_MAX];   /* the event's, as decoded */
	char *text;             /* the scanner's copies of strings */
	size_t text_used;
	unsigned char *arena;   /* cJSON's nodes while it parses for us */
	size_t arena_used;
	bool spilled;           /* some node of this parse came from malloc */
	char error[256];
	/* keys seen, by their first 8 bytes and length: which field (or -1) */
	struct event_key {
		uint64_t head;
		size_t len;     /* 0: empty slot */
		int field;
	} keys[64];
};

/* Each decoder has its own arena; cJSON's hooks are process-wide, so they
 * use the arena of the decoder that is parsing or freeing (arena_owner) and
 * plain malloc otherwise. */
static _Thread_local struct event_decoder *arena_owner;

static void *
event_arena_malloc(size_t size)
{
	struct event_decoder *d = arena_owner;
	size_t need = (size + 15) & ~(size_t)15;

	if (d != NULL && d->arena_used + need <= ARENA_SIZE) {
		void *p = d->arena + d->arena_used;
		d->arena_used += need;
		return p;
	}
	if (d != NULL)
		d->spilled = true;
	return malloc(size);
}

static void
event_arena_free(void *p)
{
	const struct event_decoder *d = arena_owner;
	unsigned char *c = p;

	if (d != NULL && c >= d->arena && c < d->arena + ARENA_SIZE)
		return;
	free(p);
}

/* Once a process, whichever thread makes the first decoder (the daemon's
 * ingest and journal-replay threads each have theirs). */
static void
event_hook_cjson(void)
{
	cJSON_Hooks hooks = { event_arena_malloc, event_arena_free };

	cJSON_InitHooks(&hooks);
}

struct event_decoder *
event_decoder_new(void)
{
	static pthread_once_t hooked = PTHREAD_ONCE_INIT;
	struct event_decoder *d = xcalloc(1, sizeof *d);

	pthread_once(&hooked, event_hook_cjson);
	d->scanner = true;
	d->arena = xmalloc(ARENA_SIZE);
	d->text = xmalloc(EVENT_JSON_MAX + 1);
	return d;
}

void
event_decoder_set_scanner(struct event_decoder *d, bool on)
{
	d->scanner = on;
}

bool
event_decoder_scanned(const struct event_decoder *d)
{
	return d->scanned;
}

/* Drop the last parse. A tree wholly in the arena goes with the arena's
 * reset; only one that spilled into malloc needs walking. */
static void
event_release(struct event_decoder *d)
{
	if (d->root != NULL && d->spilled) {
		arena_owner = d;
		cJSON_Delete(d->root);
		arena_owner = NULL;
	}
	d->root = NULL;
	d->arena_used = 0;
	d->spilled = false;
}

void
event_decoder_free(struct event_decoder **dp)
{
	if (dp == NULL || *dp == NULL)
		return;
	event_release(*dp);
	free((*dp)->text);
	free((*dp)->arena);
	free(*dp);
	*dp = NULL;
}

/* Every string field of an event, in one list for the two below. */
#define EVENT_STRINGS(ev) \
	&(ev)->src, &(ev)->call, &(ev)->queue, &(ev)->agent, &(ev)->caller, \
	&(ev)->to_queue, &(ev)->reason, &(ev)->name, &(ev)->team

size_t
event_text_size(const struct event *ev)
{
	const char *const *fields[] = { EVENT_STRINGS(ev) };
	size_t n = 0;

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		n += *fields[i] != NULL ? strlen(*fields[i]) + 1 : 0;
	for (size_t i = 0; i < ev->n_queues; i++)
		n += strlen(ev->queues[i]) + 1;
	/* The queues' array, at the first pointer-aligned place. */
	if (ev->n_queues > 0)
		n += ev->n_queues * sizeof ev->queues[0] + alignof(const char *) - 1;
	return n;
}

static const char *
event_move_one(const char *s, char **text)
{
	size_t len;
	char *copy = *text;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	memcpy(copy, s, len);
	*text += len;
	return copy;
}

void
event_move_text(struct event *ev, char *text)
{
	const char **fields[] = { EVENT_STRINGS(ev) };
	const char **queues = NULL;

	if (ev->n_queues > 0) {
		uintptr_t at = ((uintptr_t)text + alignof(const char *) - 1) &
		    ~(uintptr_t)(alignof(const char *) - 1);

		queues = (const char **)(void *)(text + (at - (uintptr_t)text));
		text = (char *)(queues + ev->n_queues);
		for (size_t i = 0; i < ev->n_queues; i++)
			queues[i] = ev->queues[i];
		ev->queues = queues;
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		*fields[i] = event_move_one(*fields[i], &text);
	for (size_t i = 0; i < ev->n_queues; i++)
		queues[i] = event_move_one(queues[i], &text);
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

#define EVENT_TYPE_NAMES(X) X("call.queued") X("call.answered") \
	X("call.abandoned") X("call.exited") X("call.ended") X("agent.state") \
	X("survey") X("unknown")
static const char *const type_names[EVENT_TYPE_COUNT] = {
#define EVENT_TYPE_NAME(name) name,
	EVENT_TYPE_NAMES(EVENT_TYPE_NAME)
};
/* their lengths: five of them begin "call.", so a type is told by its
 * length first (every event looks its type up) */
static const unsigned char type_lens[EVENT_TYPE_COUNT] = {
#define EVENT_TYPE_LEN(name) sizeof name - 1,
	EVENT_TYPE_NAMES(EVENT_TYPE_LEN)
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

/* s equals name: an inline compare, as these are a few bytes long and
 * looked up on every event. */
static inline bool
event_name_is(const char *name, const char *s)
{
	while (*name != '\0' && *name == *s) {
		name++;
		s++;
	}
	return *name == *s;
}

static int
event_lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (event_name_is(names[i], s))
			return i;
	return -1;
}

/* The type named by s (of length len), or -1. */
static int
event_type_lookup(const char *s, size_t len)
{
	for (int i = 0; i < EVENT_UNKNOWN; i++)
		if (type_lens[i] == len && memcmp(type_names[i], s, len) == 0)
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

/* Which of our fields a key names, or -1. */
static int event_field_search(const char *key, size_t len);

/* Which field a key is: the same few keys come in every message, so the
 * answer is kept by the key's first 8 bytes and length (checked whole for
 * longer keys) instead of searched for each time. */
static int
event_field(struct event_decoder *d, const char *key, size_t len)
{
	uint64_t head;
	uint32_t a, b;
	struct event_key *k;

	/* Every byte of a key up to 8 long, in fixed-size loads: the first
	 * and last four (overlapping below 8), or each of up to three. */
	if (len >= 4) {
		memcpy(&a, key, 4);
		memcpy(&b, key + len - 4, 4);
		head = (uint64_t)a << 32 | b;
	} else
		head = len == 0 ? 0 : (uint64_t)(unsigned char)key[0] << 16 |
		    (uint64_t)(unsigned char)key[len / 2] << 8 |
		    (unsigned char)key[len - 1];
	k = &d->keys[((head + len) * 0x9E3779B97F4A7C15ULL) >> 58];
	if (len > 0 && k->len == len && k->head == head && (len <= 8 ||
	    (k->field >= 0 && memcmp(key, field_names[k->field], len) == 0)))
		return k->field;
	k->head = head;
	k->len = len;
	k->field = event_field_search(key, len);
	if (k->field < 0 && len > 8)
		k->len = 0;     /* an unknown long key: not kept */
	return k->field;
}

static int
event_field_search(const char *key, size_t len)
{
	/* The key is len bytes with no NUL among them. */
	for (int f = 0; f < F_COUNT; f++) {
		size_t i = 0;

		if (field_lens[f] != len)
			continue;
		while (i < len && field_names[f][i] == key[i])
			i++;
		if (i == len)
			return f;
	}
	return -1;
}

/* ---- reading with cJSON ------------------------------------------------ */

static void
event_jv_from_cjson(struct jv *v, const cJSON *item)
{
	v->kind = cJSON_IsNull(item) ? JV_NULL : cJSON_IsFalse(item) ? JV_FALSE :
	    cJSON_IsTrue(item) ? JV_TRUE : cJSON_IsNumber(item) ? JV_NUMBER :
	    cJSON_IsString(item) ? JV_STRING : cJSON_IsArray(item) ? JV_ARRAY :
	    JV_OBJECT;
	v->s = v->kind == JV_STRING ? item->valuestring : NULL;
	v->len = v->s != NULL ? strlen(v->s) : 0;
	v->num = v->kind == JV_NUMBER ? item->valuedouble : 0;
	v->plain = false;       /* cJSON has decoded escapes: check it all */
}

/* Fill the slots from the object's members (the first of a repeated key). */
static void
event_slots_cjson(struct event_decoder *d, const cJSON *obj)
{
	const cJSON *m, *q;

	cJSON_ArrayForEach(m, obj) {
		int f = event_field(d, m->string, strlen(m->string));

		if (f < 0 || d->slot[f].kind != JV_ABSENT)
			continue;
		event_jv_from_cjson(&d->slot[f], m);
		if (f != F_QUEUES || !cJSON_IsArray(m))
			continue;
		cJSON_ArrayForEach(q, m) {
			if (d->n_items == ITEMS_MAX)
				break;
			event_jv_from_cjson(&d->items[d->n_items++], q);
		}
	}
}

/* ---- the scanner ------------------------------------------------------- */

/* Where the scanner is. Every function returns false once it declines the
 * input, and its callers pass that straight up. */
struct scan {
	const char *p, *end;
};

/* White space is below '!': one compare tells most bytes apart. */
static inline __attribute__((always_inline)) void
scan_ws(struct scan *sc)
{
	while (sc->p < sc->end && (unsigned char)*sc->p <= ' ' &&
	    (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
		sc->p++;
}

/* Take byte c (after white space) or decline. */
static inline __attribute__((always_inline)) bool
scan_byte(struct scan *sc, char c)
{
	scan_ws(sc);
	if (sc->p == sc->end || *sc->p != c)
		return false;
	sc->p++;
	return true;
}

/* A string's body after its opening quote: plain bytes only (no escape,
 * no control byte). *s and *len give it; the closing quote is taken.
 * *plain: every byte was printable ASCII, so the text needs no other
 * check (the common case, seen in this one pass). */
/* Eight bytes at a time (SWAR), where bytes load little-endian: which
 * are a quote, a backslash or a control byte (the string's end, or the
 * scanner's: it leaves escapes to cJSON), and which are DEL or above (not
 * printable ASCII). Each mask is the classic "has a zero byte" or "has a
 * byte less than n <= 128" test, exact at its lowest flagged byte (a
 * borrow only flags bytes above a true one). */
#define SCAN_ONES	0x0101010101010101ULL
#define SCAN_HIGHS	0x8080808080808080ULL
#define SCAN_ZERO(v)	(((v) - SCAN_ONES) & ~(v) & SCAN_HIGHS)
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SCAN_SWAR 1
#else
#define SCAN_SWAR 0
#endif

static uint64_t
scan_stops(uint64_t v)
{
	return SCAN_ZERO(v ^ (SCAN_ONES * '"')) | SCAN_ZERO(v ^ (SCAN_ONES * '\\')) |
	    ((v - SCAN_ONES * 0x20) & ~v & SCAN_HIGHS);
}

static uint64_t
scan_unplain(uint64_t v)
{
	return (v & SCAN_HIGHS) | SCAN_ZERO(v ^ (SCAN_ONES * 0x7f));
}

static inline __attribute__((always_inline)) bool
scan_string(struct scan *sc, const char **s, size_t *len, bool *plain)
{
	const char *start = sc->p;
	bool other = false;

	while (SCAN_SWAR && sc->end - sc->p >= 8) {
		uint64_t v, stop;
		unsigned at;

		memcpy(&v, sc->p, 8);
		stop = scan_stops(v);
		if (stop == 0) {
			other |= scan_unplain(v) != 0;
			sc->p += 8;
			continue;
		}
		/* the first stop byte, and what lies before it */
		at = (unsigned)__builtin_ctzll(stop) / 8;
		if (at > 0)
			other |= (scan_unplain(v) & (~0ULL >> (64 - 8 * at))) != 0;
		sc->p += at;
		if (*sc->p != '"')
			return false;
		*s = start;
		*len = (size_t)(sc->p - start);
		*plain = !other;
		sc->p++;
		return true;
	}
	for (; sc->p < sc->end; sc->p++) {
		unsigned char c = (unsigned char)*sc->p;

		if (c == '"') {
			*s = start;
			*len = (size_t)(sc->p - start);
			*plain = !other;
			sc->p++;
			return true;
		}
		if (c == '\\' || c < 0x20)
			return false;
		other |= c >= 0x7f;    /* DEL, or a byte of UTF-8 */
	}
	return false;
}

static bool
scan_digit(const struct scan *sc)
{
	return sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9';
}

/* A number by RFC 8259's grammar. *v gets its value when it is an integer
 * of at most 15 digits (exact in a double); otherwise *exact is false. */
static bool
scan_number(struct scan *sc, double *v, bool *exact)
{
	bool minus = sc->p < sc->end && *sc->p == '-';
	int64_t n = 0;
	int digits = 0;

	sc->p += minus;
	if (!scan_digit(sc))
		return false;
	if (*sc->p == '0') {
		sc->p++;
		digits = 1;
	} else {
		for (; scan_digit(sc); sc->p++, digits++)
			if (digits < 15)
				n = n * 10 + (*sc->p - '0');
	}
	*exact = digits <= 15;
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		*exact = false;
		if (!scan_digit(sc))
			return false;
		while (scan_digit(sc))
			sc->p++;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		*exact = false;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (!scan_digit(sc))
			return false;
		while (scan_digit(sc))
			sc->p++;
	}
	*v = minus ? -(double)n : (double)n;
	return true;
}

static bool
scan_word(struct scan *sc, const char *word, size_t len)
{
	if ((size_t)(sc->end - sc->p) < len || memcmp(sc->p, word, len) != 0)
		return false;
	sc->p += len;
	return true;
}

/* NUL-terminated copy of a string the scanner read. */
static const char *
scan_keep(struct event_decoder *d, const char *s, size_t len)
{
	char *out = d->text + d->text_used;

	memcpy(out, s, len);
	out[len] = '\0';
	d->text_used += len + 1;
	return out;
}

static bool scan_value(struct event_decoder *, struct scan *, struct jv *, int f,
    int depth);

/* An array after its '['; the queues array keeps its first items. */
static bool
scan_array(struct event_decoder *d, struct scan *sc, int f, int depth)
{
	scan_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return true;
	}
	for (;;) {
		struct jv item;

		if (!scan_value(d, sc, f == F_QUEUES && d->n_items < ITEMS_MAX ?
		    &item : NULL, -1, depth + 1))
			return false;
		if (f == F_QUEUES && d->n_items < ITEMS_MAX)
			d->items[d->n_items++] = item;
		scan_ws(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			continue;
		}
		return scan_byte(sc, ']');
	}
}

/* An object's members after its '{'. At depth 0 (the event) our fields
 * fill the slots; deeper objects are only checked. */
static bool
scan_object(struct event_decoder *d, struct scan *sc, int depth)
{
	scan_ws(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return true;
	}
	for (;;) {
		const char *key;
		size_t len;
		bool plain;
		int f = -1;

		if (!scan_byte(sc, '"') || !scan_string(sc, &key, &len, &plain) ||
		    !scan_byte(sc, ':'))
			return false;
		if (depth == 0 && (f = event_field(d, key, len)) >= 0 &&
		    d->slot[f].kind != JV_ABSENT)
			f = -1;         /* the first of a repeated key counts */
		if (!scan_value(d, sc, f >= 0 ? &d->slot[f] : NULL, f, depth))
			return false;
		scan_ws(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			continue;
		}
		return scan_byte(sc, '}');
	}
}

/* One value into *out (NULL: check it only). Field f: which slot it is. */
static bool
scan_value(struct event_decoder *d, struct scan *sc, struct jv *out, int f,
    int depth)
{
	struct jv v = { 0 };
	const char *s;
	size_t len;
	bool exact;

	scan_ws(sc);
	if (sc->p == sc->end)
		return false;
	switch (*sc->p) {
	case '"':
		sc->p++;
		if (!scan_string(sc, &s, &len, &v.plain))
			return false;
		v.kind = JV_STRING;
		v.s = out != NULL ? scan_keep(d, s, len) : NULL;
		v.len = len;
		break;
	case 't':
		v.kind = JV_TRUE;
		if (!scan_word(sc, "true", 4))
			return false;
		break;
	case 'f':
		v.kind = JV_FALSE;
		if (!scan_word(sc, "false", 5))
			return false;
		break;
	case 'n':
		v.kind = JV_NULL;
		if (!scan_word(sc, "null", 4))
			return false;
		break;
	case '[':
	case '{':
		if (depth + 1 >= SCAN_DEPTH)
			return false;
		v.kind = *sc->p == '[' ? JV_ARRAY : JV_OBJECT;
		sc->p++;
		if (v.kind == JV_ARRAY ? !scan_array(d, sc, f, depth) :
		    !scan_object(d, sc, depth + 1))
			return false;
		break;
	default:
		if (!scan_number(sc, &v.num, &exact))
			return false;
		/* Our fields' numbers are integers: any other is cJSON's to read
		 * (and, as it happens, to reject). */
		if (out != NULL && !exact)
			return false;
		v.kind = JV_NUMBER;
		break;
	}
	if (out != NULL)
		*out = v;
	return true;
}

/* The scanner over the whole message; false: leave it to cJSON. */
static bool
event_scan(struct event_decoder *d, const char *json, size_t len)
{
	struct scan sc = { json, json + len };

	d->text_used = 0;
	if (!scan_byte(&sc, '{') || !scan_object(d, &sc, 0))
		return false;
	scan_ws(&sc);
	return sc.p == sc.end;
}

/* ---- the checks -------------------------------------------------------- */

/* Whether the message has a \u0000 escape (after an odd run of
 * backslashes: "\\u0000" is a backslash and "u0000"). cJSON would turn it
 * into a NUL that ends the string early, so that "a1\u0000x" became "a1". */
static bool
event_nul_escape(const char *json, size_t len)
{
	const char *p = json, *end = json + len, *u;

	while (p < end && (u = memchr(p, 'u', (size_t)(end - p))) != NULL) {
		p = u + 1;
		if (end - u < 5 || memcmp(u, "u0000", 5) != 0 || u == json ||
		    u[-1] != '\\')
			continue;
		size_t run = 0;
		for (const char *b = u - 1; b >= json && *b == '\\'; b--)
			run++;
		if (run % 2 == 1)
			return true;
	}
	return false;
}

static bool
event_jv_null(const struct jv *v)
{
	return v->kind == JV_ABSENT || v->kind == JV_NULL;
}

/* A string field: NULL in *out when absent and not required. */
static enum event_reject
event_string(struct event_decoder *d, enum event_field f, bool required,
    const char **out)
{
	const struct jv *item = &d->slot[f];
	const char *key = field_names[f], *why;

	*out = NULL;
	if (event_jv_null(item)) {
		if (required)
			return event_fail(d, REJECT_MISSING, "missing required '%s'", key);
		return REJECT_NONE;
	}
	if (item->kind != JV_STRING)
		return event_fail(d, REJECT_TYPE, "'%s' must be a string", key);
	if (item->s[0] == '\0')
		return event_fail(d, REJECT_VALUE, "'%s' is empty", key);
	if (item->len > EVENT_ID_MAX)
		return event_fail(d, REJECT_TOO_LONG, "'%s' is longer than %d bytes",
		    key, EVENT_ID_MAX);
	if (!item->plain && (why = text_problem(item->s, item->len)) != NULL)
		return event_fail(d, REJECT_VALUE, "'%s' %s", key, why);
	*out = item->s;
	return REJECT_NONE;
}

/* An integer field; *present says whether it was there. */
static enum event_reject
event_integer(struct event_decoder *d, enum event_field f, bool required,
    bool *present, int64_t *out)
{
	const struct jv *item = &d->slot[f];
	const char *key = field_names[f];
	double v;

	*present = false;
	if (event_jv_null(item)) {
		if (required)
			return event_fail(d, REJECT_MISSING, "missing required '%s'", key);
		return REJECT_NONE;
	}
	if (item->kind != JV_NUMBER)
		return event_fail(d, REJECT_TYPE, "'%s' must be an integer", key);
	v = item->num;
	/* within +-2^53 (NaN fails too), then whole: converting there is
	 * exact, and cheaper than floor() */
	if (!(fabs(v) <= 9007199254740992.0) || (double)(int64_t)v != v)
		return event_fail(d, REJECT_TYPE, "'%s' must be an integer", key);
	*present = true;
	*out = (int64_t)v;
	return REJECT_NONE;
}

static enum event_reject
event_bool(struct event_decoder *d, enum event_field f, enum event_flag *out)
{
	const struct jv *item = &d->slot[f];
	const char *key = field_names[f];

	*out = FLAG_ABSENT;
	if (event_jv_null(item))
		return REJECT_NONE;
	if (item->kind != JV_TRUE && item->kind != JV_FALSE)
		return event_fail(d, REJECT_TYPE, "'%s' must be true or false", key);
	*out = item->kind == JV_TRUE ? FLAG_TRUE : FLAG_FALSE;
	return REJECT_NONE;
}

static enum event_reject
event_queues(struct event_decoder *d, struct event *ev)
{
	const struct jv *item = &d->slot[F_QUEUES];

	ev->has_queues = false;
	ev->n_queues = 0;
	if (event_jv_null(item))
		return REJECT_NONE;
	if (item->kind != JV_ARRAY)
		return event_fail(d, REJECT_TYPE, "'queues' must be an array of strings");
	for (size_t i = 0; i < d->n_items; i++) {
		const struct jv *q = &d->items[i];

		if (q->kind != JV_STRING || q->s[0] == '\0')
			return event_fail(d, REJECT_TYPE,
			    "'queues' must be an array of strings");
		if (q->len > EVENT_ID_MAX)
			return event_fail(d, REJECT_TOO_LONG, "a queue name is too long");
		if (!q->plain && text_problem(q->s, q->len) != NULL)
			return event_fail(d, REJECT_VALUE, "a queue name %s",
			    text_problem(q->s, q->len));
		if (ev->n_queues == EVENT_QUEUES_MAX)
			return event_fail(d, REJECT_TOO_LONG,
			    "'queues' has more than %d entries", EVENT_QUEUES_MAX);
		d->queues[ev->n_queues++] = q->s;
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
	const struct jv *type;
	int i;

	enum event_reject src_why = event_string(d, F_SRC, false, &ev->src);

	if (src_why != REJECT_NONE) {
		ev->src = NULL;
		return src_why;
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
	if (seq_why != REJECT_NONE)
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
	type = &d->slot[F_TYPE];
	if (type->kind == JV_ABSENT)
		return event_fail(d, REJECT_MISSING, "missing required 'type'");
	if (type->kind != JV_STRING)
		return event_fail(d, REJECT_TYPE, "'type' must be a string");
	i = event_type_lookup(type->s, type->len);
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
	memset(d->slot, 0, sizeof d->slot);
	d->n_items = 0;
	d->scanned = false;
	memset(ev, 0, sizeof *ev);
	ev->queues = d->queues;
	ev->resolved = ev->transferred = FLAG_ABSENT;
	d->error[0] = '\0';
	if (len > EVENT_JSON_MAX)
		return event_fail(d, REJECT_TOO_LONG, "message of %zu bytes is over "
		    "the %d byte limit", len, EVENT_JSON_MAX);
	d->scanned = d->scanner && event_scan(d, json, len);
	if (!d->scanned && event_nul_escape(json, len))
		return event_fail(d, REJECT_VALUE, "a string holds \\u0000 (NUL): "
		    "it would cut a name short into another");
	if (!d->scanned) {
		memset(d->slot, 0, sizeof d->slot);
		d->n_items = 0;
		arena_owner = d;
		d->root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
		arena_owner = NULL;
		if (d->root == NULL || !event_trailing_ok(end, json + len))
			return event_fail(d, REJECT_JSON, "not valid JSON");
		if (!cJSON_IsObject(d->root))
			return event_fail(d, REJECT_NOT_OBJECT, "not a JSON object");
		event_slots_cjson(d, d->root);
	}
	r = event_decode_envelope(d, ev);
	if (r == REJECT_NONE && ev->type != EVENT_UNKNOWN)
		r = event_decode_fields(d, ev);
	return r;
}
