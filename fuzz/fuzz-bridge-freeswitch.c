/*
 * fuzz-bridge-freeswitch.c: FreeSWITCH mod_callcenter events of any bytes,
 * as wallboard-feed gets them from the event socket or from ZeroMQ.
 *
 * The first input byte is options: bit 0 reads the rest as an event-socket
 * stream (framed by bridge_esl_parser, pushed in pieces of 1 to 64 bytes
 * set by bits 2-7; each text/event-json body is mapped), otherwise as one
 * JSON event per line (the ZeroMQ feed); bit 1 maps without a secret (no
 * caller tokens). Every frame must be well formed; every event one the
 * daemon accepts (fuzz_sink_emit); the counters must add up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-freeswitch.h"
#include "fuzz.h"

static int
map(struct bridge_freeswitch *b, const char *json, size_t len)
{
	int n = bridge_freeswitch_json(b, json, len);

	FUZZ_CHECK(n >= 0, "%d events", n);
	return n;
}

/* The event socket: frames, and the events in them. */
static int
esl(struct bridge_freeswitch *b, const uint8_t *data, size_t size,
    size_t piece, uint64_t *messages)
{
	struct bridge_esl_parser *p = bridge_esl_parser_new();
	struct bridge_esl_frame f;
	int sum = 0;

	for (size_t at = 0; at < size; at += piece) {
		bridge_esl_parser_push(p, data + at,
		    size - at < piece ? size - at : piece);
		while (bridge_esl_parser_next(p, &f)) {
			FUZZ_CHECK(f.content_type && f.reply_text && f.body,
			    "frame strings");
			FUZZ_CHECK(f.body[f.body_len] == '\0', "body not terminated");
			if (strcmp(f.content_type, "text/event-json") != 0)
				continue;
			++*messages;
			sum += map(b, f.body, f.body_len);
		}
	}
	bridge_esl_parser_free(&p);
	FUZZ_CHECK(p == NULL, "free");
	return sum;
}

/* The ZeroMQ feed: a JSON event per line. */
static int
lines(struct bridge_freeswitch *b, const uint8_t *data, size_t size,
    uint64_t *messages)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	int sum = 0;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		++*messages;
		sum += map(b, p, (size_t)(nl - p));
	}
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_secret secret;
	struct bridge_freeswitch_stats st;
	struct fuzz_sink sink;
	struct bridge_freeswitch *b;
	uint64_t messages = 0;
	unsigned options;
	int sum;

	if (size < 1)
		return 0;
	options = data[0];
	fuzz_sink_begin(&sink);
	bridge_secret_init(&secret, "fuzz", 4);
	b = bridge_freeswitch_new(options & 2 ? NULL : &secret, fuzz_sink_emit,
	    &sink);
	if (options & 1)
		sum = esl(b, data + 1, size - 1, (options >> 2) + 1, &messages);
	else
		sum = lines(b, data + 1, size - 1, &messages);
	bridge_freeswitch_stats(b, &st);
	FUZZ_CHECK(st.messages == messages, "%llu messages counted, %llu given",
	    (unsigned long long)st.messages, (unsigned long long)messages);
	FUZZ_CHECK(st.events == (uint64_t)sum && sink.events == st.events,
	    "%llu events counted, %d returned, %lu sent",
	    (unsigned long long)st.events, sum, sink.events);
	FUZZ_CHECK(st.callcenter + st.rejected <= st.messages,
	    "%llu callcenter + %llu rejected of %llu",
	    (unsigned long long)st.callcenter, (unsigned long long)st.rejected,
	    (unsigned long long)st.messages);
	bridge_freeswitch_free(&b);
	FUZZ_CHECK(b == NULL, "free");
	fuzz_sink_end(&sink);
	return 0;
}
