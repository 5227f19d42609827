/*
 * event.h: protocol-v1 ACD events (PROTOCOL §1), decoded from JSON.
 *
 * This file and event.c own the event wire format and its version. A decoded
 * event is whole or not at all: event_decode validates every field before it
 * reports success, so the engine never sees a half-valid event.
 */
#ifndef WALLBOARD_EVENT_H
#define WALLBOARD_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum event_type {
	EVENT_CALL_QUEUED,
	EVENT_CALL_ANSWERED,
	EVENT_CALL_ABANDONED,
	EVENT_CALL_EXITED,
	EVENT_CALL_ENDED,
	EVENT_AGENT_STATE,
	EVENT_SURVEY,
	EVENT_UNKNOWN,          /* a valid object of a type we do not know: ignored */
	EVENT_TYPE_COUNT
};

enum exit_reason {
	EXIT_TIMEOUT, EXIT_OVERFLOW, EXIT_KEY, EXIT_EMPTY, EXIT_WITHDRAW,
	EXIT_REASON_COUNT
};

/* Agent states, in the order boards sort them. */
enum agent_state {
	AGENT_READY, AGENT_BUSY, AGENT_WRAP, AGENT_AWAY, AGENT_OFFLINE,
	AGENT_STATE_COUNT
};

/* Why an event was rejected; each has a counter. */
enum event_reject {
	REJECT_NONE,
	REJECT_JSON,            /* not valid JSON */
	REJECT_NOT_OBJECT,      /* valid JSON but not an object */
	REJECT_MISSING,         /* a required field is absent */
	REJECT_TYPE,            /* a field has the wrong JSON type */
	REJECT_VALUE,           /* right type, value out of its domain */
	REJECT_TOO_LONG,        /* an id or a message over the limits */
	REJECT_COUNT
};

#define EVENT_ID_MAX 200        /* longest id (call, agent, queue, src, ...) */
#define EVENT_TS_MIN 946684800000LL     /* 2000-01-01: anything earlier is a bug */
#define EVENT_TS_MAX 7258118400000LL    /* 2200-01-01 */
#define EVENT_QUEUES_MAX 64     /* most queues in one agent.state */

/* Tri-state for optional booleans. */
enum event_flag { FLAG_ABSENT = -1, FLAG_FALSE = 0, FLAG_TRUE = 1 };

/*
 * A decoded event. Strings point into the decoder's memory and stay valid
 * until the next event_decode on the same decoder. Optional strings are NULL
 * when absent; src is never NULL ("default" when absent).
 */
struct event {
	enum event_type type;
	bool has_ts;            /* ts was read (even if the event was then rejected) */
	int64_t ts;
	const char *src;
	bool has_seq;
	int64_t seq;

	const char *call;
	const char *queue;
	const char *agent;
	const char *caller;
	const char *to_queue;
	const char *reason;     /* agent.state's away reason */
	const char *name;
	const char *team;
	bool has_priority;
	int64_t priority;
	enum exit_reason exit_reason;
	enum agent_state state;
	enum event_flag resolved;
	enum event_flag transferred;
	bool has_queues;
	size_t n_queues;
	int csat;
	/* n_queues names (has_queues: the event gave the list, maybe empty).
	 * Like the strings, the array lives in the decoder until its next
	 * message (event_move_text copies it out too): an event is some 170
	 * bytes, not 670, as it crosses from the ingest thread to the loop. */
	const char *const *queues;
};

struct event_decoder;

struct event_decoder *event_decoder_new(void);
void event_decoder_free(struct event_decoder **decoder);

/* Whether the fast scanner is tried before cJSON (on by default). Off, every
 * message goes through cJSON: for the tests that compare the two readers. */
void event_decoder_set_scanner(struct event_decoder *decoder, bool on);
/* Whether the scanner read the last message (else cJSON did). */
bool event_decoder_scanned(const struct event_decoder *decoder);

/*
 * Decode one event from len bytes of JSON (no NUL needed). Returns
 * REJECT_NONE and fills *ev, or a reject reason with a sentence in
 * the decoder (event_decoder_error). Even when rejected, ev->src,
 * ev->has_seq/seq and ev->has_ts/ts are filled if they could be read, so the
 * rejection can be counted against its feed and placed in time. Anything but
 * white space after the object is an error.
 */
enum event_reject event_decode(struct event_decoder *, const char *json, size_t len,
    struct event *ev);

/* Why the last event_decode failed, for a log line. */
const char *event_decoder_error(const struct event_decoder *);

/* An event's strings live in its decoder until the next message. To keep
 * an event longer (a batch handed to another thread, say), copy them out:
 * event_text_size is the bytes they need, event_move_text copies them to
 * `text` and points the event at the copies. */
size_t event_text_size(const struct event *ev);
void event_move_text(struct event *ev, char *text);

const char *event_type_name(enum event_type);
const char *event_reject_name(enum event_reject);
const char *event_state_name(enum agent_state);
const char *event_exit_reason_name(enum exit_reason);
bool event_state_parse(const char *name, enum agent_state *out);

#endif
