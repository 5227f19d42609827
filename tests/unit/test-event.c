/*
 * test-event.c: decoding protocol-v1 events; every rejection has its reason
 * and nothing half-valid gets through.
 */
#include "testutil.h"

#include <string.h>

#include "event.h"

static struct event_decoder *dec;
static struct event ev;

static enum event_reject
decode(const char *json)
{
	return event_decode(dec, json, strlen(json), &ev);
}

static int
setup(void **state)
{
	dec = event_decoder_new();
	return 0;
}

static int
teardown(void **state)
{
	event_decoder_free(&dec);
	assert_null(dec);
	return 0;
}

static void
test_every_type(void **state)
{
	assert_int_equal(decode("{\"type\":\"call.queued\",\"ts\":1795424400123,"
	    "\"src\":\"pbx1\",\"seq\":7,\"call\":\"c1\",\"queue\":\"support\","
	    "\"caller\":\"h:ab12\",\"priority\":2,\"extra\":[1,2]}"), REJECT_NONE);
	assert_int_equal(ev.type, EVENT_CALL_QUEUED);
	assert_true(ev.ts == 1795424400123LL);
	assert_string_equal(ev.src, "pbx1");
	assert_true(ev.has_seq);
	assert_int_equal(ev.seq, 7);
	assert_string_equal(ev.call, "c1");
	assert_string_equal(ev.queue, "support");
	assert_string_equal(ev.caller, "h:ab12");
	assert_int_equal(ev.priority, 2);

	assert_int_equal(decode("{\"type\":\"call.answered\",\"ts\":1795424400001,\"call\":\"c1\","
	    "\"agent\":\"a17\"}"), REJECT_NONE);
	assert_string_equal(ev.src, "default");
	assert_false(ev.has_seq);
	assert_null(ev.queue);

	assert_int_equal(decode("{\"type\":\"call.exited\",\"ts\":1795424400001,\"call\":\"c1\","
	    "\"reason\":\"overflow\",\"to_queue\":\"sales\"}"), REJECT_NONE);
	assert_int_equal(ev.exit_reason, EXIT_OVERFLOW);
	assert_string_equal(ev.to_queue, "sales");

	assert_int_equal(decode("{\"type\":\"call.ended\",\"ts\":1795424400001,\"call\":\"c1\","
	    "\"resolved\":true}"), REJECT_NONE);
	assert_int_equal(ev.resolved, FLAG_TRUE);
	assert_int_equal(ev.transferred, FLAG_ABSENT);

	assert_int_equal(decode("{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a1\","
	    "\"state\":\"away\",\"reason\":\"lunch\",\"queues\":[\"a\",\"b\"]}"), REJECT_NONE);
	assert_int_equal(ev.state, AGENT_AWAY);
	assert_string_equal(ev.reason, "lunch");
	assert_int_equal(ev.n_queues, 2);
	assert_string_equal(ev.queues[1], "b");

	assert_int_equal(decode("{\"ts\":1795424400001,\"csat\":4,\"type\":\"survey\"}"), REJECT_NONE);
	assert_int_equal(ev.csat, 4);
	assert_int_equal(decode("{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4} \r\n"), REJECT_NONE);

	assert_int_equal(decode("{\"type\":\"call.held\",\"ts\":1795424400001}"), REJECT_NONE);
	assert_int_equal(ev.type, EVENT_UNKNOWN);
}

struct bad {
	const char *json;
	enum event_reject why;
	const char *says;
};

static void
test_rejections(void **state)
{
	static const struct bad cases[] = {
		{ "{\"type\":\"call.queued\",", REJECT_JSON, "not valid JSON" },
		{ "", REJECT_JSON, "not valid JSON" },
		{ "[1,2]", REJECT_NOT_OBJECT, "not a JSON object" },
		{ "{\"ts\":1795424400001}", REJECT_MISSING, "missing required 'type'" },
		{ "{\"type\":7,\"ts\":1795424400001}", REJECT_TYPE, "'type' must be a string" },
		{ "{\"type\":\"call.queued\",\"call\":\"c\",\"queue\":\"q\"}", REJECT_MISSING,
		  "missing required 'ts'" },
		{ "{\"type\":\"call.queued\",\"ts\":\"1\",\"call\":\"c\",\"queue\":\"q\"}",
		  REJECT_TYPE, "'ts' must be an integer" },
		{ "{\"type\":\"call.queued\",\"ts\":1.5,\"call\":\"c\",\"queue\":\"q\"}",
		  REJECT_TYPE, "'ts' must be an integer" },
		{ "{\"type\":\"call.queued\",\"ts\":1795424400001,\"call\":\"c\"}", REJECT_MISSING,
		  "missing required 'queue'" },
		{ "{\"type\":\"call.queued\",\"ts\":1795424400001,\"call\":5,\"queue\":\"q\"}", REJECT_TYPE,
		  "'call' must be a string" },
		{ "{\"type\":\"call.queued\",\"ts\":1795424400001,\"call\":\"\",\"queue\":\"q\"}", REJECT_VALUE,
		  "'call' is empty" },
		{ "{\"type\":\"call.answered\",\"ts\":1795424400001,\"call\":\"c\"}", REJECT_MISSING,
		  "missing required 'agent'" },
		{ "{\"type\":\"call.exited\",\"ts\":1795424400001,\"call\":\"c\",\"reason\":\"bored\"}",
		  REJECT_VALUE, "'reason' must be one of" },
		{ "{\"type\":\"call.ended\",\"ts\":1795424400001,\"call\":\"c\",\"resolved\":\"yes\"}",
		  REJECT_TYPE, "'resolved' must be true or false" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\",\"state\":\"asleep\"}",
		  REJECT_VALUE, "'state' must be one of" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\",\"state\":\"ready\","
		  "\"queues\":\"q\"}", REJECT_TYPE, "'queues' must be an array" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\",\"state\":\"ready\","
		  "\"queues\":[\"q\",3]}", REJECT_TYPE, "'queues' must be an array" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":6}", REJECT_VALUE, "'csat' must be 1 to 5" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4.5}", REJECT_TYPE, "'csat' must be an integer" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001}", REJECT_MISSING, "missing required 'csat'" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4,\"seq\":0}", REJECT_VALUE,
		  "'seq' must be 1 or more" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4,\"src\":[]}", REJECT_TYPE,
		  "'src' must be a string" },
		/* a time before 2000 or from 2200 on is a bug upstream */
		{ "{\"type\":\"survey\",\"ts\":1,\"csat\":4}", REJECT_VALUE,
		  "'ts' is not a time between 2000 and 2200" },
		{ "{\"type\":\"survey\",\"ts\":7258118400000,\"csat\":4}", REJECT_VALUE,
		  "'ts' is not a time between 2000 and 2200" },
		/* an unknown type still needs its ts (PROTOCOL §1) */
		{ "{\"type\":\"call.held\"}", REJECT_MISSING, "missing required 'ts'" },
		/* text a board, a log line or a terminal would show: valid UTF-8,
		 * no NUL, no control character (an ESC, a CR/LF, a C1) */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\\u001b[2J\","
		  "\"state\":\"ready\"}", REJECT_VALUE, "'agent' holds a control character" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4,\"src\":\"p\\r\\n<0>x\"}",
		  REJECT_VALUE, "'src' holds a control character" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\",\"state\":\"away\","
		  "\"reason\":\"x\\u009b1m\"}", REJECT_VALUE, "'reason' holds a control character" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\xff\",\"state\":\"ready\"}",
		  REJECT_VALUE, "'agent' is not valid UTF-8" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\xc0\xaf\",\"state\":\"ready\"}",
		  REJECT_VALUE, "'agent' is not valid UTF-8" },        /* overlong '/' */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\xed\xa0\x80\",\"state\":\"ready\"}",
		  REJECT_VALUE, "'agent' is not valid UTF-8" },        /* a surrogate */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a\",\"state\":\"ready\","
		  "\"queues\":[\"q\\u0007\"]}", REJECT_VALUE, "a queue name holds a control character" },
		/* a NUL would cut "a1\u0000x" to "a1", another agent's id */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a1\\u0000x\",\"state\":\"ready\"}",
		  REJECT_VALUE, "holds \\u0000 (NUL)" },
		/* one object and nothing after it but white space */
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4} x", REJECT_JSON, "not valid JSON" },
		{ "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":4}{}", REJECT_JSON, "not valid JSON" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum event_reject why = decode(cases[i].json);

		if (why != cases[i].why || strstr(event_decoder_error(dec), cases[i].says) == NULL)
			fail_msg("%s: got %s (%s), want %s (%s)", cases[i].json,
			    event_reject_name(why), event_decoder_error(dec),
			    event_reject_name(cases[i].why), cases[i].says);
	}
}

/* What may pass: any language's letters, and a backslash before u0000. */
static void
test_text_that_passes(void **state)
{
	assert_int_equal(decode("{\"type\":\"agent.state\",\"ts\":1795424400001,"
	    "\"agent\":\"a1\",\"state\":\"away\",\"name\":\"Zo\\u00eb \\u00d8stby \\u674e\",\"reason\":"
	    "\"caf\xc3\xa9 \xf0\x9f\x8d\xb5\"}"), REJECT_NONE);
	assert_string_equal(ev.name, "Zo\xc3\xab \xc3\x98stby \xe6\x9d\x8e");
	assert_string_equal(ev.reason, "caf\xc3\xa9 \xf0\x9f\x8d\xb5");
	assert_int_equal(decode("{\"type\":\"agent.state\",\"ts\":1795424400001,"
	    "\"agent\":\"a\\\\u0000\",\"state\":\"ready\"}"), REJECT_NONE);
	assert_string_equal(ev.agent, "a\\u0000");
}

static void
test_rejected_event_keeps_its_feed(void **state)
{
	/* so that the rejection is counted against pbx2, at seq 9 */
	assert_int_equal(decode("{\"type\":\"call.queued\",\"ts\":1795424400001,\"src\":\"pbx2\","
	    "\"seq\":9,\"call\":\"c\"}"), REJECT_MISSING);
	assert_string_equal(ev.src, "pbx2");
	assert_true(ev.has_seq);
	assert_int_equal(ev.seq, 9);
}

static void
test_limits(void **state)
{
	char big[300];
	char json[512];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	snprintf(json, sizeof json, "{\"type\":\"call.queued\",\"ts\":1795424400001,\"call\":\"%s\","
	    "\"queue\":\"q\"}", big);
	assert_int_equal(decode(json), REJECT_TOO_LONG);
	/* a message over 64 KiB is refused before it is parsed */
	static char huge[70000];
	memset(huge, ' ', sizeof huge);
	assert_int_equal(event_decode(dec, huge, sizeof huge, &ev), REJECT_TOO_LONG);
	/* no NUL needed: the length is what counts */
	const char *two = "{\"type\":\"survey\",\"ts\":1795424400001,\"csat\":3}{garbage";
	assert_int_equal(event_decode(dec, two, (size_t)(strchr(two, '}') - two + 1), &ev),
	    REJECT_NONE);
}

static void
test_decoder_survives_garbage(void **state)
{
	/* A stream of junk, then a good event: the decoder is unharmed. */
	const char *junk[] = { "{", "}", "nul", "\"str\"", "{\"a\":", "\x01\x02", "[[[[",
	    "{\"type\":\"call.queued\",\"ts\":1e400}" };

	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		assert_int_not_equal(decode(junk[i]), REJECT_NONE);
	assert_int_equal(decode("{\"type\":\"survey\",\"ts\":1795424400002,\"csat\":5}"), REJECT_NONE);
	assert_int_equal(ev.csat, 5);
}

/*
 * The scanner takes plain events itself and hands everything else to cJSON
 * (event.c); either way the event is the same. Each input is decoded with
 * the scanner and without it, and the expected reading was worked out from
 * RFC 8259 by hand.
 */
static void
test_scanner_and_cjson_agree(void **state)
{
	static const struct {
		const char *json;
		bool scanned;           /* the scanner reads it itself */
		enum event_reject why;
		long long ts;           /* when accepted */
		const char *agent;      /* agent.state's agent, when accepted */
	} cases[] = {
		/* plain: the scanner's own */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"a1\","
		  "\"state\":\"ready\",\"queues\":[\"q1\", \"q2\"]}", true,
		  REJECT_NONE, 1795424400001LL, "a1" },
		{ " \r\n\t{ \"type\" : \"agent.state\" , \"ts\" : 1795424400001 ,"
		  "\"agent\":\"a\\u00e9\",\"state\":\"away\"} \n", false,
		  REJECT_NONE, 1795424400001LL, "a\xc3\xa9" },
		/* unknown members of any shape are only checked */
		{ "{\"x\":{\"y\":[1,-2.5e3,{\"z\":null}],\"w\":true},\"type\":"
		  "\"agent.state\",\"ts\":1795424400001,\"agent\":\"b\",\"state\":"
		  "\"busy\",\"queues\":[]}", true, REJECT_NONE, 1795424400001LL, "b" },
		/* the first of a repeated key counts, in both readers */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"first\","
		  "\"agent\":\"second\",\"state\":\"wrap\"}", true, REJECT_NONE,
		  1795424400001LL, "first" },
		/* numbers only cJSON reads: a fraction, an exponent, 16 digits */
		{ "{\"type\":\"agent.state\",\"ts\":1.7954244e12,\"agent\":\"c\","
		  "\"state\":\"ready\"}", false, REJECT_NONE, 1795424400000LL, "c" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001.0,\"agent\":\"c\","
		  "\"state\":\"ready\"}", false, REJECT_NONE, 1795424400001LL, "c" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"seq\":"
		  "1000000000000000,\"agent\":\"c\",\"state\":\"ready\"}", false,
		  REJECT_NONE, 1795424400001LL, "c" },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001.5,\"agent\":\"c\","
		  "\"state\":\"ready\"}", false, REJECT_TYPE, 0, NULL },
		/* not JSON, or not ours to read: the scanner declines, cJSON says */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,}", false,
		  REJECT_JSON, 0, NULL },
		/* (cJSON reads a leading zero, against the RFC; so that nothing
		 * changes, the scanner leaves such a number to it) */
		{ "{\"type\":\"agent.state\",\"ts\":01795424400001}", false,
		  REJECT_MISSING, 0, NULL },
		{ "{\"type\":\"agent.state\"} x", false, REJECT_JSON, 0, NULL },
		{ "[1,2]", false, REJECT_NOT_OBJECT, 0, NULL },
		/* the scanner's checks are the same checks */
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"d\","
		  "\"state\":\"ready\",\"queues\":[\"q\",7]}", true, REJECT_TYPE, 0,
		  NULL },
		{ "{\"type\":\"agent.state\",\"ts\":\"1795424400001\"}", true,
		  REJECT_TYPE, 0, NULL },
		{ "{\"type\":\"agent.state\",\"ts\":1795424400001,\"agent\":\"\","
		  "\"state\":\"ready\"}", true, REJECT_VALUE, 0, NULL },
	};
	struct event_decoder *plain = event_decoder_new();
	struct event other;

	event_decoder_set_scanner(plain, false);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *json = cases[i].json;
		enum event_reject why = decode(json);

		if (why != cases[i].why || event_decoder_scanned(dec) != cases[i].scanned)
			fail_msg("case %zu: %s, %s; expected %s, %s", i,
			    event_reject_name(why), event_decoder_scanned(dec) ?
			    "scanned" : "cJSON", event_reject_name(cases[i].why),
			    cases[i].scanned ? "scanned" : "cJSON");
		assert_int_equal(event_decode(plain, json, strlen(json), &other), why);
		assert_false(event_decoder_scanned(plain));
		assert_string_equal(event_decoder_error(plain), event_decoder_error(dec));
		if (why != REJECT_NONE)
			continue;
		assert_true(ev.ts == cases[i].ts && other.ts == cases[i].ts);
		assert_string_equal(ev.agent, cases[i].agent);
		assert_string_equal(other.agent, cases[i].agent);
		assert_int_equal(ev.state, other.state);
		assert_int_equal(ev.n_queues, other.n_queues);
		for (size_t q = 0; q < ev.n_queues; q++)
			assert_string_equal(ev.queues[q], other.queues[q]);
	}
	/* Two decoders keep their own strings: cJSON's arena is per decoder. */
	assert_int_equal(decode(cases[1].json), REJECT_NONE);
	assert_int_equal(event_decode(plain, cases[0].json, strlen(cases[0].json),
	    &other), REJECT_NONE);
	assert_string_equal(ev.agent, "a\xc3\xa9");
	assert_string_equal(other.agent, "a1");
	event_decoder_free(&plain);
}

/*
 * The scanner reads strings eight bytes at a time and remembers which
 * field a key is: a quote, a backslash, a control byte, DEL or UTF-8 at
 * every offset from 0 to 24 (each side of every 8-byte boundary), in
 * names and in keys, must read as cJSON reads them (the independent
 * route: a decoder with the scanner off).
 */
static void
test_scanner_at_every_offset(void **state)
{
	static const char *const odd[] = { "\"", "\\\\", "\\u00e9", "\x01",
	    "\x1f", "\x7f", "\xc3\xa9", "\xff", "\t", "\\n" };
	struct event_decoder *plain = event_decoder_new();
	struct event other;
	char json[512], text[64];
	int scanned = 0;

	(void)state;
	event_decoder_set_scanner(plain, false);
	for (size_t o = 0; o < sizeof odd / sizeof *odd; o++)
	for (int at = 0; at <= 24; at++)
	for (int where = 0; where < 6; where++) {
		enum event_reject a, b;

		/* the odd byte inside the string, or last before its quote */
		memset(text, 'x', (size_t)at);
		snprintf(text + at, sizeof text - (size_t)at, "%s%s", odd[o],
		    where < 3 ? "yz" : "");
		if (where % 3 == 0)
			snprintf(json, sizeof json, "{\"type\":\"agent.state\",\"ts\":"
			    "1795424400001,\"agent\":\"a\",\"state\":\"ready\","
			    "\"name\":\"%s\"}", text);
		else if (where % 3 == 1)
			snprintf(json, sizeof json, "{\"type\":\"agent.state\",\"ts\":"
			    "1795424400001,\"agent\":\"%s\",\"state\":\"ready\"}", text);
		else    /* an unknown key, then the real ones */
			snprintf(json, sizeof json, "{\"%s\":1,\"type\":"
			    "\"agent.state\",\"ts\":1795424400001,\"agent\":\"k\","
			    "\"state\":\"ready\"}", text);
		a = decode(json);
		scanned += event_decoder_scanned(dec);
		b = event_decode(plain, json, strlen(json), &other);
		if (a != b)
			fail_msg("%s: scanner %s, cJSON %s", json,
			    event_reject_name(a), event_reject_name(b));
		if (a != REJECT_NONE)
			continue;
		assert_string_equal(ev.agent, other.agent);
		assert_true((ev.name == NULL) == (other.name == NULL));
		if (ev.name != NULL)
			assert_string_equal(ev.name, other.name);
	}
	/* and keys of every length, known and not, in any order, over and
	 * over (the decoder keeps what each key was) */
	for (int round = 0; round < 3; round++)
	for (int len = 1; len <= 14; len++) {
		memset(text, 'q', (size_t)len);
		text[len] = '\0';
		snprintf(json, sizeof json, "{\"%s\":\"v\",\"transferred\":true,"
		    "\"to_queue\":\"t\",\"type\":\"call.transferred\",\"ts\":"
		    "1795424400001,\"call\":\"c%d\",\"queue\":\"%s\"}", text, len,
		    text);
		assert_int_equal(decode(json), event_decode(plain, json,
		    strlen(json), &other));
		if (ev.type == EVENT_UNKNOWN || ev.queue == NULL)
			continue;
		assert_string_equal(ev.queue, other.queue);
		assert_string_equal(ev.call, other.call);
	}
	/* the scanner read the plain ones itself, not all through cJSON */
	assert_true(scanned > 50);
	event_decoder_free(&plain);
}

/* An event kept past its decoder's next message (the ingest thread hands
 * batches of them to the loop): its strings move out and stay whole. Both
 * readers, the scanner and cJSON (an escape sends it there). */
static void
test_event_outlives_its_decoder(void **state)
{
	static const char *const first[] = {
		"{\"type\":\"agent.state\",\"ts\":1795424400000,\"src\":\"pbx1\","
		"\"agent\":\"a7\",\"state\":\"away\",\"reason\":\"lunch\","
		"\"name\":\"A. Khan\",\"team\":\"billing\",\"queues\":[\"sales\",\"support\"]}",
		"{\"type\":\"agent.state\",\"ts\":1795424400000,\"src\":\"pbx1\","
		"\"agent\":\"a7\",\"state\":\"away\",\"reason\":\"lunch\","
		"\"name\":\"A. \\u004bhan\",\"team\":\"billing\",\"queues\":[\"sales\",\"support\"]}",
	};

	for (size_t k = 0; k < 2; k++) {
		struct event kept;
		char *block, *text;
		/* src 5, agent 3, reason 6, name 8, team 8, queues 6 + 8: each
		 * with its NUL; then the queues' array of two pointers, and up
		 * to 7 bytes to align it. */
		size_t strings = 5 + 3 + 6 + 8 + 8 + 6 + 8;
		size_t want = strings + 2 * sizeof(char *) + sizeof(char *) - 1;

		assert_int_equal(decode(first[k]), REJECT_NONE);
		assert_int_equal(event_text_size(&ev), want);
		kept = ev;
		/* The second time at an odd address: the array is aligned
		 * past it, within the size asked for. */
		block = test_malloc(want + k);
		text = block + k;
		event_move_text(&kept, text);
		assert_int_equal(decode("{\"type\":\"call.queued\",\"ts\":1795424401000,"
		    "\"src\":\"pbx2\",\"call\":\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\","
		    "\"queue\":\"overwrite-overwrite-overwrite\"}"), REJECT_NONE);
		assert_string_equal(kept.src, "pbx1");
		assert_string_equal(kept.agent, "a7");
		assert_string_equal(kept.reason, "lunch");
		assert_string_equal(kept.name, "A. Khan");
		assert_string_equal(kept.team, "billing");
		assert_int_equal(kept.n_queues, 2);
		assert_string_equal(kept.queues[0], "sales");
		assert_string_equal(kept.queues[1], "support");
		assert_null(kept.call);
		assert_null(kept.caller);
		/* The array first, at the first pointer-aligned byte; the
		 * strings after it, the last queue's NUL the last byte used. */
		assert_ptr_equal((const char *)kept.queues, block + 8 * k);
		assert_ptr_equal(kept.src, block + 8 * k + 2 * sizeof(char *));
		assert_ptr_equal(kept.queues[1] + 8,
		    block + 8 * k + 2 * sizeof(char *) + strings);
		assert_true(kept.queues[1] + 8 <= text + want);
		test_free(block);
	}
	/* An absent src reads "default", which moves too. */
	assert_int_equal(decode("{\"type\":\"call.abandoned\",\"ts\":1795424400000,"
	    "\"call\":\"c1\"}"), REJECT_NONE);
	assert_int_equal(event_text_size(&ev), 8 + 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_rejected_event_keeps_its_feed),
		cmocka_unit_test(test_text_that_passes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_decoder_survives_garbage),
		cmocka_unit_test(test_scanner_and_cjson_agree),
		cmocka_unit_test(test_scanner_at_every_offset),
		cmocka_unit_test(test_event_outlives_its_decoder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
