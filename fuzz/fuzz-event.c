/*
 * fuzz-event.c: event_decode on any bytes, as the daemon's ingest socket and
 * --replay get them.
 *
 * The input is decoded whole (one ZeroMQ message), then line by line (a
 * replay file). An accepted event must be whole (event.h): its required
 * strings present, every string 1 to EVENT_ID_MAX bytes, its enums in range.
 * Decoding the same bytes twice must give the same answer (the decoder's
 * arena is reset between events), and the fast scanner must agree with
 * cJSON alone on every input: the same verdict, the same sentence, the same
 * event to the last field (event.c: the scanner reads a subset of what cJSON
 * accepts, the same way). Every accepted line is then applied to an
 * engine with the default config, whose figures must stay sane (the engine
 * is made at the first accepted event: most inputs have none).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "event.h"
#include "fuzz.h"

#define T0 1795165200000LL      /* 2026-11-20T09:00:00Z */

static void
check_string(const char *field, const char *s, bool required)
{
	size_t len;

	FUZZ_CHECK(s != NULL || !required, "'%s' accepted but absent", field);
	if (s == NULL)
		return;
	len = strlen(s);
	FUZZ_CHECK(len >= 1 && len <= EVENT_ID_MAX, "'%s' of %zu bytes", field,
	    len);
}

/* What event.h promises of an accepted event. */
static void
check_event(const struct event *ev)
{
	bool call_event = ev->type <= EVENT_CALL_ENDED;

	FUZZ_CHECK((unsigned)ev->type < EVENT_TYPE_COUNT, "type %d", ev->type);
	FUZZ_CHECK(ev->has_ts, "accepted without ts");
	FUZZ_CHECK(ev->ts >= EVENT_TS_MIN && ev->ts < EVENT_TS_MAX,
	    "ts %lld", (long long)ev->ts);
	check_string("src", ev->src, true);
	FUZZ_CHECK(!ev->has_seq || ev->seq >= 1, "seq %lld", (long long)ev->seq);
	if (ev->type == EVENT_UNKNOWN)
		return;
	check_string("call", ev->call, call_event);
	check_string("queue", ev->queue, ev->type == EVENT_CALL_QUEUED);
	check_string("agent", ev->agent, ev->type == EVENT_CALL_ANSWERED ||
	    ev->type == EVENT_AGENT_STATE);
	check_string("caller", ev->caller, false);
	check_string("to_queue", ev->to_queue, false);
	check_string("reason", ev->reason, false);
	check_string("name", ev->name, false);
	check_string("team", ev->team, false);
	FUZZ_CHECK((unsigned)ev->exit_reason < EXIT_REASON_COUNT, "exit %d",
	    ev->exit_reason);
	FUZZ_CHECK((unsigned)ev->state < AGENT_STATE_COUNT, "state %d", ev->state);
	FUZZ_CHECK(ev->resolved >= FLAG_ABSENT && ev->resolved <= FLAG_TRUE &&
	    ev->transferred >= FLAG_ABSENT && ev->transferred <= FLAG_TRUE,
	    "flags");
	FUZZ_CHECK(ev->n_queues <= EVENT_QUEUES_MAX, "%zu queues", ev->n_queues);
	FUZZ_CHECK(ev->has_queues || ev->n_queues == 0, "queues");
	for (size_t i = 0; i < ev->n_queues; i++)
		check_string("queues[]", ev->queues[i], true);
	if (ev->type == EVENT_SURVEY)
		FUZZ_CHECK(ev->csat >= 1 && ev->csat <= 5, "csat %d", ev->csat);
	/* The name tables cover every value the decoder gives. */
	FUZZ_CHECK(event_type_name(ev->type) != NULL &&
	    event_state_name(ev->state) != NULL &&
	    event_exit_reason_name(ev->exit_reason) != NULL, "names");
}

static bool
same_string(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Two decodings of one message, field by field. */
static void
check_same(const struct event *a, const struct event *b)
{
	FUZZ_CHECK(a->type == b->type && a->has_ts == b->has_ts &&
	    a->ts == b->ts && a->has_seq == b->has_seq && a->seq == b->seq &&
	    a->has_priority == b->has_priority && a->priority == b->priority &&
	    a->exit_reason == b->exit_reason && a->state == b->state &&
	    a->resolved == b->resolved && a->transferred == b->transferred &&
	    a->has_queues == b->has_queues && a->n_queues == b->n_queues &&
	    a->csat == b->csat, "scanner and cJSON read different numbers or "
	    "flags");
	FUZZ_CHECK(same_string(a->src, b->src) && same_string(a->call, b->call) &&
	    same_string(a->queue, b->queue) && same_string(a->agent, b->agent) &&
	    same_string(a->caller, b->caller) &&
	    same_string(a->to_queue, b->to_queue) &&
	    same_string(a->reason, b->reason) && same_string(a->name, b->name) &&
	    same_string(a->team, b->team), "scanner and cJSON read different "
	    "strings");
	for (size_t i = 0; i < a->n_queues; i++)
		FUZZ_CHECK(same_string(a->queues[i], b->queues[i]), "queues[%zu]", i);
}

/* The same bytes through cJSON alone must give the same answer. */
static void
check_cjson_agrees(const char *text, size_t len, enum event_reject r,
    const char *why, const struct event *ev)
{
	static struct event_decoder *plain;
	struct event other;
	enum event_reject r2;

	/* A decoder of its own: the first decoder's event and sentence stay. */
	if (plain == NULL) {
		plain = event_decoder_new();
		event_decoder_set_scanner(plain, false);
	}
	r2 = event_decode(plain, text, len, &other);
	FUZZ_CHECK(r == r2, "scanner %s, cJSON %s", event_reject_name(r),
	    event_reject_name(r2));
	FUZZ_CHECK(strcmp(why, event_decoder_error(plain)) == 0,
	    "scanner says '%s', cJSON '%s'", why, event_decoder_error(plain));
	check_same(ev, &other);
}

/* Decode one message twice; apply it when accepted. */
static void
decode_one(struct event_decoder *d, struct engine **ep, const char *text,
    size_t len)
{
	static struct config *config;
	struct event ev, again;
	enum event_reject r, r2;
	bool has_seq, has_ts;
	int64_t seq, ts;

	r = event_decode(d, text, len, &ev);
	FUZZ_CHECK((unsigned)r < REJECT_COUNT, "reject %d", r);
	check_cjson_agrees(text, len, r, event_decoder_error(d), &ev);
	FUZZ_CHECK(event_reject_name(r) != NULL, "reject name");
	if (r != REJECT_NONE) {
		const char *why = event_decoder_error(d);

		FUZZ_CHECK(why != NULL && *why != '\0' && strlen(why) < 256,
		    "rejected (%s) without a reason", event_reject_name(r));
	}
	has_seq = ev.has_seq;
	seq = ev.seq;
	has_ts = ev.has_ts;
	ts = ev.ts;
	r2 = event_decode(d, text, len, &again);
	FUZZ_CHECK(r == r2 && again.type == ev.type && again.has_seq == has_seq &&
	    (!has_seq || again.seq == seq) && again.has_ts == has_ts &&
	    (!has_ts || again.ts == ts), "decoded twice, two answers: %s, %s",
	    event_reject_name(r), event_reject_name(r2));
	if (r == REJECT_NONE) {
		check_event(&again);
		if (*ep == NULL) {
			if (config == NULL)
				config = config_default();
			*ep = engine_new(config, T0);
		}
		engine_apply(*ep, &again);
	} else if (*ep != NULL)
		engine_reject(*ep, again.src, again.has_seq, again.seq);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct event_decoder *d = event_decoder_new();
	struct engine *e = NULL;
	const char *text = (const char *)data, *end = text + size, *nl;

	decode_one(d, &e, text, size);
	if (memchr(text, '\n', size) != NULL) {
		for (; text < end; text = nl + 1) {
			if ((nl = memchr(text, '\n', (size_t)(end - text))) == NULL)
				nl = end;
			decode_one(d, &e, text, (size_t)(nl - text));
		}
	}
	if (e != NULL) {
		fuzz_check_engine(e, NULL, 1);
		engine_free(&e);
	}
	event_decoder_free(&d);
	return 0;
}
