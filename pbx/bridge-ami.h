/*
 * bridge-ami.h: the Asterisk Manager Interface: its message framing, and
 * app_queue's events mapped to protocol-v1 events (docs/bridges-asterisk.md).
 *
 * Pure: the caller owns the socket (or the recorded transcript) and the
 * clock, and pushes bytes in.
 */
#ifndef WALLBOARD_BRIDGE_AMI_H
#define WALLBOARD_BRIDGE_AMI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge-common.h"

#define BRIDGE_AMI_FIELDS 128   /* more in one message are dropped */

/* One message: Key: Value lines in arrival order (keys may repeat). The
 * strings belong to the parser and last until its next call. */
struct bridge_ami_msg {
	size_t n;
	const char *key[BRIDGE_AMI_FIELDS];
	const char *value[BRIDGE_AMI_FIELDS];
};

/* The value of the first field named key (case-insensitive), or NULL. */
const char *bridge_ami_get(const struct bridge_ami_msg *, const char *key);

/* ---- framing ---- */

struct bridge_ami_parser;

struct bridge_ami_parser *bridge_ami_parser_new(void);
/* Free; clears *p. NULL ok. */
void bridge_ami_parser_free(struct bridge_ami_parser **p);

/* Append bytes as they arrive (any split). */
void bridge_ami_parser_push(struct bridge_ami_parser *, const void *data, size_t len);

/*
 * The next whole message, if one is complete: lines end in \r\n or \n, a
 * message ends at an empty line, a value may contain ": ", a line with no
 * colon outside a message (the "Asterisk Call Manager/x.y" banner) is kept
 * as the banner. Returns true and fills *msg, or false until more bytes.
 */
bool bridge_ami_parser_next(struct bridge_ami_parser *, struct bridge_ami_msg *msg);

/* The banner line seen, or NULL. */
const char *bridge_ami_parser_banner(const struct bridge_ami_parser *);

/* ---- mapping ---- */

struct bridge_ami_stats {
	uint64_t messages;          /* messages given */
	uint64_t queue_events;      /* app_queue events among them */
	uint64_t abandons_exact;    /* QueueCallerAbandon told apart by the PBX's
	                             * own QUEUESTATUS or a caller hang-up */
	uint64_t abandons_guessed;  /* told apart by the members' states alone */
	uint64_t seeded_calls;      /* waiting calls learnt from QueueStatus */
	uint64_t forgotten_calls;   /* waiting calls gone when we reconnected */
	uint64_t events;            /* events emitted */
};

struct bridge_ami;

/* A new mapper hashing caller numbers with secret (copied; NULL: no caller
 * tokens at all). */
struct bridge_ami *bridge_ami_new(const struct bridge_secret *secret,
    bridge_emit_fn *emit, void *arg);
/* Free; clears *b. NULL ok. */
void bridge_ami_free(struct bridge_ami **b);

/*
 * Time options. By default an event's time is its Timestamp header cut to
 * the whole second, because app_queue measures waits in whole seconds
 * (now - start, both time()): the board's waits then equal Asterisk's own,
 * to the second, and its SL judgements equal queue show's. ms: keep the
 * milliseconds. recorded: the messages come from a recording: a message with
 * no Timestamp takes the last Timestamp seen (not the wall clock).
 */
void bridge_ami_set_time(struct bridge_ami *, bool ms, bool recorded);

/*
 * Map one message; now_ms is the wall clock (used for messages with no
 * Timestamp header). Returns the number of events emitted.
 */
int bridge_ami_message(struct bridge_ami *, const struct bridge_ami_msg *, int64_t now_ms);

/*
 * Settle every exit still undecided (end of a recording, or a lost
 * connection): as bridge_ami_message would after 2 s without news.
 */
int bridge_ami_flush(struct bridge_ami *);

/* Settle the ends undecided for 2 s of wall clock (a quiet live stream). */
int bridge_ami_tick(struct bridge_ami *, int64_t now_ms);

/*
 * A QueueStatus with this ActionID is about to be sent after a (re)connect:
 * when its QueueStatusComplete arrives, waiting calls it did not list left
 * while we were away, how we cannot know: each goes out as call.exited
 * "withdraw" (as at an Asterisk restart), so the board does not show it
 * waiting until the daemon's call_timeout; calls it lists that we had not
 * seen join go out as call.queued, their wait taken from the list.
 */
void bridge_ami_seed_begin(struct bridge_ami *, const char *action_id);

void bridge_ami_stats(const struct bridge_ami *, struct bridge_ami_stats *out);

#endif
