/*
 * bridge-freeswitch.h: FreeSWITCH mod_callcenter's "CUSTOM callcenter::info"
 * events (FreeSWITCH's JSON serialization: one flat object, every value a
 * string) mapped to protocol-v1 events, and the event socket's framing
 * (docs/bridges-freeswitch.md). Pure: the caller owns the socket.
 */
#ifndef WALLBOARD_BRIDGE_FREESWITCH_H
#define WALLBOARD_BRIDGE_FREESWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge-common.h"

/* ---- event socket framing ---- */

/*
 * One event-socket message: headers up to an empty line, then Content-Length
 * bytes of body if that header is there. Strings belong to the parser and
 * last until its next call; body is NUL-terminated.
 */
struct bridge_esl_frame {
	const char *content_type;   /* "" when absent */
	const char *reply_text;     /* Reply-Text, "" when absent */
	const char *body;           /* "" when no body */
	size_t body_len;
};

struct bridge_esl_parser;

struct bridge_esl_parser *bridge_esl_parser_new(void);
/* Free; clears *p. NULL ok. */
void bridge_esl_parser_free(struct bridge_esl_parser **p);
void bridge_esl_parser_push(struct bridge_esl_parser *, const void *data, size_t len);
/* The next whole frame; false until more bytes are pushed. */
bool bridge_esl_parser_next(struct bridge_esl_parser *, struct bridge_esl_frame *f);

/* ---- mapping ---- */

struct bridge_freeswitch_stats {
	uint64_t messages;          /* JSON messages given */
	uint64_t callcenter;        /* callcenter::info among them */
	uint64_t rejected;          /* not a JSON object */
	uint64_t invalid;           /* callcenter::info with no CC-Action, or
	                             * with no usable time */
	uint64_t ignored;           /* actions with no event (members-count, ...) */
	uint64_t events;            /* events emitted */
};

struct bridge_freeswitch;

/* A new mapper hashing caller numbers with secret (copied; NULL: no caller
 * tokens at all). */
struct bridge_freeswitch *bridge_freeswitch_new(const struct bridge_secret *secret,
    bridge_emit_fn *emit, void *arg);
/* Free; clears *b. NULL ok. */
void bridge_freeswitch_free(struct bridge_freeswitch **b);

/*
 * Map one event (len bytes of JSON: a whole FreeSWITCH event). Events of
 * other kinds are counted and skipped. Returns the number emitted.
 */
int bridge_freeswitch_json(struct bridge_freeswitch *, const char *json, size_t len);

void bridge_freeswitch_stats(const struct bridge_freeswitch *,
    struct bridge_freeswitch_stats *out);

#endif
