/*
 * fuzz-bridge-ami.c: an Asterisk Manager Interface stream of any bytes
 * through the framing parser and app_queue's mapping, as wallboard-feed
 * reads the AMI socket (or a recorded transcript).
 *
 * The first input byte is options: bit 0 keeps milliseconds, bit 1 reads
 * the stream as a recording, bit 2 starts a QueueStatus seeding round
 * (ActionID "seed"), bits 3-7 set the size of the pieces the rest is pushed
 * in (1 to 32 bytes: a socket splits anywhere). Every message must be well
 * formed; every event one the daemon accepts (fuzz_sink_emit); the counters
 * must add up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge-ami.h"
#include "fuzz.h"

#define T0 1795165200000LL      /* the wall clock the mapper is given */

static void
check_message(const struct bridge_ami_msg *msg)
{
	FUZZ_CHECK(msg->n <= BRIDGE_AMI_FIELDS, "%zu fields", msg->n);
	for (size_t i = 0; i < msg->n; i++)
		FUZZ_CHECK(msg->key[i] != NULL && msg->value[i] != NULL &&
		    strlen(msg->key[i]) < (1u << 30) &&
		    strlen(msg->value[i]) < (1u << 30), "field %zu", i);
	if (msg->n > 0)
		FUZZ_CHECK(bridge_ami_get(msg, msg->key[0]) == msg->value[0],
		    "the first '%s' is not found first", msg->key[0]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bridge_secret secret;
	struct bridge_ami_stats st;
	struct bridge_ami_msg msg;
	struct fuzz_sink sink;
	struct bridge_ami_parser *p;
	struct bridge_ami *b;
	unsigned options;
	size_t piece, at, messages = 0;
	int64_t now = T0;
	int n, sum = 0;

	if (size < 1)
		return 0;
	options = data[0];
	piece = (options >> 3) + 1;
	fuzz_sink_begin(&sink);
	bridge_secret_init(&secret, "fuzz", 4);
	p = bridge_ami_parser_new();
	b = bridge_ami_new(&secret, fuzz_sink_emit, &sink);
	bridge_ami_set_time(b, options & 1, options & 2);
	if (options & 4)
		bridge_ami_seed_begin(b, "seed");
	for (at = 1; at < size; at += piece) {
		bridge_ami_parser_push(p, data + at,
		    size - at < piece ? size - at : piece);
		while (bridge_ami_parser_next(p, &msg)) {
			check_message(&msg);
			messages++;
			n = bridge_ami_message(b, &msg, now += 250);
			FUZZ_CHECK(n >= 0, "%d events", n);
			sum += n;
		}
		if ((at / piece) % 16 == 0) {
			n = bridge_ami_tick(b, now);
			FUZZ_CHECK(n >= 0, "%d events", n);
			sum += n;
		}
	}
	if (bridge_ami_parser_banner(p) != NULL)
		FUZZ_CHECK(strlen(bridge_ami_parser_banner(p)) < (1u << 30), "banner");
	n = bridge_ami_flush(b);
	FUZZ_CHECK(n >= 0, "%d events", n);
	sum += n;
	bridge_ami_stats(b, &st);
	FUZZ_CHECK(st.messages == messages, "%llu messages counted, %zu given",
	    (unsigned long long)st.messages, messages);
	FUZZ_CHECK(st.events == (uint64_t)sum && sink.events == st.events,
	    "%llu events counted, %d returned, %lu sent",
	    (unsigned long long)st.events, sum, sink.events);
	FUZZ_CHECK(st.queue_events <= st.messages, "queue events");
	bridge_ami_free(&b);
	bridge_ami_parser_free(&p);
	FUZZ_CHECK(b == NULL && p == NULL, "free");
	fuzz_sink_end(&sink);
	return 0;
}
