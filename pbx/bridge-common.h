/*
 * pbx/ is the PBX dialects: Asterisk's queue_log and AMI and FreeSWITCH's
 * mod_callcenter events mapped to protocol-v1 events. Pure, like core/, which
 * is all it uses; wallboard-feed (feed/) and the fuzzers drive it.
 *
 * bridge-common.h: what every PBX bridge shares: the event writer that turns
 * a mapped PBX event into protocol-v1 JSON (PROTOCOL §1) and hands it to the
 * caller's emit callback, and the keyed hash that turns caller numbers into
 * opaque tokens.
 *
 * Pure: no I/O, no clock. The objects carry no "src" or "seq": feed-out adds
 * them (feed/feed-out.h).
 */
#ifndef WALLBOARD_BRIDGE_COMMON_H
#define WALLBOARD_BRIDGE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonw.h"

/* Receives one event object (len bytes, NUL-terminated, valid only during
 * the call). */
typedef void bridge_emit_fn(const char *json, size_t len, void *arg);

/*
 * A SipHash-2-4 key derived from the site secret. SipHash is a keyed PRF:
 * without the secret nobody can tell which number a token stands for, nor
 * test a guessed number against it (a plain hash of a phone number is
 * reversible by trying the few billion numbers there are).
 */
struct bridge_secret {
	uint64_t k0, k1;
};

/* "h:" + 16 hex digits + NUL */
#define BRIDGE_TOKEN_SIZE 19

/* Derive the key from secret bytes (any length; an empty secret is allowed
 * but gives tokens anyone can recompute: the CLIs refuse it). */
void bridge_secret_init(struct bridge_secret *, const void *secret, size_t len);

/* SipHash-2-4 of data under key (k0, k1), as in the reference paper. */
uint64_t bridge_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len);

/*
 * The caller token for a number: "h:" + hex SipHash of the number, written to
 * out. Returns false (out = "") when there is no usable number: empty,
 * withheld ("anonymous", "unknown", "<unknown>", "restricted", any case), or
 * not a number at all (no digit), so withheld callers never look like one
 * repeat caller; and when there is no secret (s NULL).
 */
bool bridge_caller_token(const struct bridge_secret *, const char *number,
    char out[BRIDGE_TOKEN_SIZE]);

/* Where mapped events go, and the writer that builds them. */
struct bridge_out {
	bridge_emit_fn *emit;
	void *arg;
	struct jsonw w;
	uint64_t events;            /* objects emitted */
	uint64_t refused;           /* not emitted: a required id empty or too long */
};

/* Set up with a callback (NULL emit: events are counted, not written). */
void bridge_out_init(struct bridge_out *, bridge_emit_fn *emit, void *arg);
void bridge_out_release(struct bridge_out *);

/*
 * One writer per protocol-v1 type. NULL optional strings are left out;
 * transferred is an enum event_flag value (-1 absent, 0, 1). exit reasons
 * are the protocol's names ("timeout", "empty", "key", "withdraw",
 * "overflow"); agent states likewise ("ready", "busy", "wrap", "away",
 * "offline"). queues may be NULL (left out) or hold n names.
 *
 * Whatever a PBX sends, what goes out is an event the daemon accepts
 * (event.h): an event whose required id (call, agent, a call.queued's
 * queue) is empty or over EVENT_ID_MAX bytes is refused (counted); such an
 * optional id is left out; a reason or name is cut to EVENT_ID_MAX bytes;
 * queues keeps the first EVENT_QUEUES_MAX valid names.
 */
void bridge_out_queued(struct bridge_out *, int64_t ts, const char *call,
    const char *queue, const char *caller);
void bridge_out_answered(struct bridge_out *, int64_t ts, const char *call,
    const char *agent, const char *queue);
void bridge_out_abandoned(struct bridge_out *, int64_t ts, const char *call,
    const char *queue);
void bridge_out_exited(struct bridge_out *, int64_t ts, const char *call,
    const char *reason, const char *queue);
void bridge_out_ended(struct bridge_out *, int64_t ts, const char *call,
    const char *agent, int transferred);
void bridge_out_agent(struct bridge_out *, int64_t ts, const char *agent,
    const char *state, const char *reason, const char *name,
    const char *const *queues, size_t n);

/* A time (ms since the epoch) the daemon accepts: 2000 to 2200 (event.h).
 * A PBX time outside it is a broken field, never sent. */
bool bridge_time_ok(int64_t ms);

/* Parse a whole decimal integer (optional sign); false if s is not one. */
bool bridge_parse_int(const char *s, int64_t *out);
/* Parse "SECONDS[.FRACTION]" into milliseconds (fraction truncated). */
bool bridge_parse_seconds_ms(const char *s, int64_t *out_ms);

/*
 * A small set of names (an agent's queues, say), kept sorted so that the
 * same set always prints the same. Owns its copies.
 */
struct bridge_names {
	char **v;
	size_t n, cap;
};

bool bridge_names_add(struct bridge_names *, const char *name);   /* true if new */
bool bridge_names_remove(struct bridge_names *, const char *name); /* true if was there */
bool bridge_names_has(const struct bridge_names *, const char *name);
void bridge_names_clear(struct bridge_names *);

#endif
