/*
 * bridge-common.c: the protocol-v1 event writer and the caller-number hash
 * shared by the PBX bridges.
 */
#include "bridge-common.h"

#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "xalloc.h"

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
bridge_load64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t
bridge_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = bridge_load64(p + i);
		v3 ^= m;
		SIPROUND; SIPROUND;
		v0 ^= m;
	}
	while (left > 0) {
		left--;
		b |= (uint64_t)p[i + left] << (8 * left);
	}
	v3 ^= b;
	SIPROUND; SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/*
 * The key is two SipHashes of the secret under fixed public keys: any
 * secret length works, and every byte of it matters.
 */
void
bridge_secret_init(struct bridge_secret *s, const void *secret, size_t len)
{
	s->k0 = bridge_siphash(0x77616c6c626f6172ULL, 0x642d6b65792d3030ULL,
	    secret, len);
	s->k1 = bridge_siphash(0x77616c6c626f6172ULL, 0x642d6b65792d3031ULL,
	    secret, len);
}

static bool
bridge_withheld(const char *number)
{
	static const char *const names[] = {
		"anonymous", "unknown", "<unknown>", "restricted", "private",
		"withheld", NULL
	};
	const char *p;
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(number, names[i]) == 0)
			return true;
	for (p = number; *p != '\0'; p++)
		if (isdigit((unsigned char)*p))
			return false;
	return true;
}

bool
bridge_caller_token(const struct bridge_secret *s, const char *number,
    char out[BRIDGE_TOKEN_SIZE])
{
	uint64_t h;

	out[0] = '\0';
	if (s == NULL || number == NULL || *number == '\0' ||
	    bridge_withheld(number))
		return false;
	h = bridge_siphash(s->k0, s->k1, number, strlen(number));
	snprintf(out, BRIDGE_TOKEN_SIZE, "h:%016llx", (unsigned long long)h);
	return true;
}

/* ---- the event writer ---- */

void
bridge_out_init(struct bridge_out *o, bridge_emit_fn *emit, void *arg)
{
	memset(o, 0, sizeof *o);
	o->emit = emit;
	o->arg = arg;
	jsonw_reset(&o->w);
}

void
bridge_out_release(struct bridge_out *o)
{
	jsonw_release(&o->w);
}

/* An id the daemon takes: 1 to EVENT_ID_MAX bytes of text (valid UTF-8,
 * no control character: core/text.h). */
static bool
bridge_out_id_ok(const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;

	return len > 0 && len <= EVENT_ID_MAX && text_problem(s, len) == NULL;
}

/* Required ids all usable? If not, the event is refused. */
static bool
bridge_out_ids(struct bridge_out *o, const char *a, const char *b)
{
	if (bridge_out_id_ok(a) && (b == NULL || bridge_out_id_ok(b)))
		return true;
	o->refused++;
	return false;
}

static void
bridge_out_begin(struct bridge_out *o, const char *type, int64_t ts)
{
	jsonw_reset(&o->w);
	jsonw_object(&o->w);
	jsonw_key(&o->w, "type");
	jsonw_string(&o->w, type);
	jsonw_key(&o->w, "ts");
	jsonw_int(&o->w, ts);
}

/* An id field: left out unless usable. */
static void
bridge_out_opt(struct bridge_out *o, const char *key, const char *value)
{
	if (!bridge_out_id_ok(value))
		return;
	jsonw_key(&o->w, key);
	jsonw_string(&o->w, value);
}

/* A free text field: cut to what the daemon takes (at a character's
 * edge), left out when empty or not text the daemon takes. */
static void
bridge_out_text(struct bridge_out *o, const char *key, const char *value)
{
	char cut[EVENT_ID_MAX + 1];
	size_t len;

	if (value == NULL || *value == '\0')
		return;
	snprintf(cut, sizeof cut, "%s", value);
	len = strlen(cut);
	/* Cut short: not inside a character (back to the lead byte of the
	 * one the cut fell in). */
	while (len > 0 && ((unsigned char)value[len] & 0xc0) == 0x80)
		len--;
	cut[len] = '\0';
	if (len == 0 || text_problem(cut, len) != NULL)
		return;
	jsonw_key(&o->w, key);
	jsonw_string(&o->w, cut);
}

static void
bridge_out_finish(struct bridge_out *o)
{
	jsonw_end_object(&o->w);
	o->events++;
	if (o->emit != NULL)
		o->emit(o->w.buf, o->w.len, o->arg);
}

void
bridge_out_queued(struct bridge_out *o, int64_t ts, const char *call,
    const char *queue, const char *caller)
{
	if (!bridge_out_ids(o, call, queue))
		return;
	bridge_out_begin(o, "call.queued", ts);
	bridge_out_opt(o, "call", call);
	bridge_out_opt(o, "queue", queue);
	bridge_out_opt(o, "caller", caller);
	bridge_out_finish(o);
}

void
bridge_out_answered(struct bridge_out *o, int64_t ts, const char *call,
    const char *agent, const char *queue)
{
	if (!bridge_out_ids(o, call, agent))
		return;
	bridge_out_begin(o, "call.answered", ts);
	bridge_out_opt(o, "call", call);
	bridge_out_opt(o, "agent", agent);
	bridge_out_opt(o, "queue", queue);
	bridge_out_finish(o);
}

void
bridge_out_abandoned(struct bridge_out *o, int64_t ts, const char *call,
    const char *queue)
{
	if (!bridge_out_ids(o, call, NULL))
		return;
	bridge_out_begin(o, "call.abandoned", ts);
	bridge_out_opt(o, "call", call);
	bridge_out_opt(o, "queue", queue);
	bridge_out_finish(o);
}

void
bridge_out_exited(struct bridge_out *o, int64_t ts, const char *call,
    const char *reason, const char *queue)
{
	if (!bridge_out_ids(o, call, reason))
		return;
	bridge_out_begin(o, "call.exited", ts);
	bridge_out_opt(o, "call", call);
	bridge_out_opt(o, "reason", reason);
	bridge_out_opt(o, "queue", queue);
	bridge_out_finish(o);
}

void
bridge_out_ended(struct bridge_out *o, int64_t ts, const char *call,
    const char *agent, int transferred)
{
	if (!bridge_out_ids(o, call, NULL))
		return;
	bridge_out_begin(o, "call.ended", ts);
	bridge_out_opt(o, "call", call);
	bridge_out_opt(o, "agent", agent);
	if (transferred >= 0) {
		jsonw_key(&o->w, "transferred");
		jsonw_bool(&o->w, transferred != 0);
	}
	bridge_out_finish(o);
}

void
bridge_out_agent(struct bridge_out *o, int64_t ts, const char *agent,
    const char *state, const char *reason, const char *name,
    const char *const *queues, size_t n)
{
	size_t i, kept = 0;

	if (!bridge_out_ids(o, agent, state))
		return;
	bridge_out_begin(o, "agent.state", ts);
	bridge_out_opt(o, "agent", agent);
	bridge_out_opt(o, "state", state);
	bridge_out_text(o, "reason", reason);
	bridge_out_text(o, "name", name);
	if (queues != NULL) {
		jsonw_key(&o->w, "queues");
		jsonw_array(&o->w);
		for (i = 0; i < n && kept < EVENT_QUEUES_MAX; i++) {
			if (bridge_out_id_ok(queues[i])) {
				jsonw_string(&o->w, queues[i]);
				kept++;
			}
		}
		jsonw_end_array(&o->w);
	}
	bridge_out_finish(o);
}

/* ---- small parsers ---- */

bool
bridge_time_ok(int64_t ms)
{
	return ms >= EVENT_TS_MIN && ms < EVENT_TS_MAX;
}

bool
bridge_parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool
bridge_parse_seconds_ms(const char *s, int64_t *out_ms)
{
	int64_t sec = 0, frac = 0, scale = 100;
	const char *p = s;

	if (s == NULL || !isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (sec > INT64_MAX / 10 / 1000)
			return false;
		sec = sec * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			frac += scale * (*p - '0');
			scale /= 10;
		}
	}
	if (*p != '\0')
		return false;
	*out_ms = sec * 1000 + frac;
	return true;
}

/* ---- name sets ---- */

static size_t
bridge_names_find(const struct bridge_names *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(s->v[mid], name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

bool
bridge_names_add(struct bridge_names *s, const char *name)
{
	bool found;
	size_t at = bridge_names_find(s, name, &found);

	if (found)
		return false;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof *s->v);
	s->v[at] = xstrdup(name);
	s->n++;
	return true;
}

bool
bridge_names_remove(struct bridge_names *s, const char *name)
{
	bool found;
	size_t at = bridge_names_find(s, name, &found);

	if (!found)
		return false;
	free(s->v[at]);
	memmove(s->v + at, s->v + at + 1, (s->n - at - 1) * sizeof *s->v);
	s->n--;
	return true;
}

bool
bridge_names_has(const struct bridge_names *s, const char *name)
{
	bool found;

	bridge_names_find(s, name, &found);
	return found;
}

void
bridge_names_clear(struct bridge_names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}
