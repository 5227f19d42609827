/*
 * test-bridge-freeswitch.c: mod_callcenter's callcenter::info events into
 * protocol-v1 events, and the event socket's framing: the samples in
 * tests/bridges/samples/freeswitch (the same calls as JSON Lines and as an
 * event-socket session) and hand-made events for every cancel reason.
 */
#include "testutil.h"
#include "bridge-sink.h"

#include <string.h>

#include "bridge-common.h"
#include "bridge-freeswitch.h"
#include "event.h"

#define SAMPLES "tests/bridges/samples/freeswitch/"

static struct bridge_freeswitch *fs;

static int
setup(void **state)
{
	dec = event_decoder_new();
	bridge_secret_init(&secret, "site-secret", 11);
	fs = bridge_freeswitch_new(&secret, collect, NULL);
	reset_got();
	return 0;
}

static int
teardown(void **state)
{
	bridge_freeswitch_free(&fs);
	assert_null(fs);
	event_decoder_free(&dec);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

/* The JSON Lines sample: the three calls of its README. */
static void
test_jsonl_sample(void **state)
{
	size_t len;
	char *text = slurp(SAMPLES "callcenter.zmq.jsonl", &len), *line, *save;
	struct bridge_freeswitch_stats s;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		bridge_freeswitch_json(fs, line, strlen(line));
	free(text);
	/* 1: answered after 9 s, talked 126 s, then wrap-up until 09:02:30 */
	assert_non_null(strstr(got, "{\"type\":\"call.queued\",\"ts\":1795424405000,"
	    "\"call\":\"b1f0c2a4-0000-4000-8000-000000000001\",\"queue\":\"support@default\","
	    "\"caller\":\"h:"));
	assert_non_null(strstr(got, "{\"type\":\"call.answered\",\"ts\":1795424414000,"
	    "\"call\":\"b1f0c2a4-0000-4000-8000-000000000001\",\"agent\":\"1000@default\","
	    "\"queue\":\"support@default\"}"));
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795424540000,"
	    "\"call\":\"b1f0c2a4-0000-4000-8000-000000000001\",\"agent\":\"1000@default\"}"));
	assert_non_null(strstr(got, "{\"type\":\"agent.state\",\"ts\":1795424540000,"
	    "\"agent\":\"1000@default\",\"state\":\"wrap\"}"));
	assert_non_null(strstr(got, "{\"type\":\"agent.state\",\"ts\":1795424550000,"
	    "\"agent\":\"1000@default\",\"state\":\"ready\"}"));
	/* 2: the caller hung up after 24 s (BREAK_OUT) */
	assert_non_null(strstr(got, "{\"type\":\"call.abandoned\",\"ts\":1795424444000,"
	    "\"call\":\"b1f0c2a4-0000-4000-8000-000000000002\",\"queue\":\"support@default\"}"));
	/* 3: the same number as call 1, left by max-wait-time after 120 s */
	assert_non_null(strstr(got, "{\"type\":\"call.exited\",\"ts\":1795424570000,"
	    "\"call\":\"b1f0c2a4-0000-4000-8000-000000000003\",\"reason\":\"timeout\","
	    "\"queue\":\"support@default\"}"));
	/* 1001 on break, then logged out */
	assert_non_null(strstr(got, "\"agent\":\"1001@default\",\"state\":\"away\","
	    "\"reason\":\"On Break\""));
	assert_non_null(strstr(got, "\"agent\":\"1001@default\",\"state\":\"offline\""));
	assert_null(strstr(got, "5555550101"));
	bridge_freeswitch_stats(fs, &s);
	assert_int_equal(s.messages, 27);
	assert_int_equal(s.rejected, 0);
	assert_int_equal(got_events, 13);
}

/* The event-socket session, pushed in odd-sized pieces, gives the same. */
static void
test_esl_sample(void **state)
{
	struct bridge_esl_parser *p = bridge_esl_parser_new();
	struct bridge_esl_frame f;
	size_t len, i, step, replies = 0;
	char *text = slurp(SAMPLES "callcenter.esl.txt", &len);
	char *first;

	for (i = 0; i < len; i += step) {
		step = 1 + i % 97;
		if (i + step > len)
			step = len - i;
		bridge_esl_parser_push(p, text + i, step);
		while (bridge_esl_parser_next(p, &f)) {
			if (strcmp(f.content_type, "command/reply") == 0) {
				replies++;
				assert_memory_equal(f.reply_text, "+OK", 3);
			} else if (strcmp(f.content_type, "text/event-json") == 0) {
				assert_int_equal(strlen(f.body), f.body_len);
				bridge_freeswitch_json(fs, f.body, f.body_len);
			}
		}
	}
	assert_int_equal(replies, 2);
	assert_int_equal(got_events, 13);
	first = strdup(got);
	bridge_esl_parser_free(&p);
	assert_null(p);
	free(text);

	/* The same calls as JSON Lines give the very same events. */
	teardown(state);
	setup(state);
	test_jsonl_sample(state);
	assert_string_equal(got, first);
	free(first);
}

#define CC_START(uuid, t)							\
	"{\"Event-Name\":\"CUSTOM\",\"Event-Subclass\":\"callcenter::info\","	\
	"\"Event-Date-Timestamp\":\"" t "123456\",\"CC-Action\":\"member-queue-start\"," \
	"\"CC-Queue\":\"sales@default\",\"CC-Member-UUID\":\"" uuid "\","	\
	"\"CC-Member-CID-Number\":\"anonymous\"}"
#define CC_CANCEL(uuid, reason)							\
	"{\"Event-Name\":\"CUSTOM\",\"Event-Subclass\":\"callcenter::info\","	\
	"\"Event-Date-Timestamp\":\"1795424499000000\",\"CC-Action\":\"member-queue-end\"," \
	"\"CC-Queue\":\"sales@default\",\"CC-Member-UUID\":\"" uuid "\","	\
	"\"CC-Cause\":\"Cancel\",\"CC-Cancel-Reason\":\"" reason "\","		\
	"\"CC-Member-Joined-Time\":\"1795424400\",\"CC-Member-Leaving-Time\":\"1795424410\"}"

static int
json(const char *text)
{
	return bridge_freeswitch_json(fs, text, strlen(text));
}

/* Every CC-Cancel-Reason, a withheld number, and an answered call whose
 * bridge-agent-end never came. */
static void
test_cancel_reasons(void **state)
{
	struct bridge_freeswitch_stats s;

	json(CC_START("m1", "1795424400"));
	assert_null(strstr(got, "caller"));     /* withheld: no token */
	json(CC_START("m2", "1795424400"));
	json(CC_START("m3", "1795424400"));
	json(CC_START("m4", "1795424400"));
	json(CC_START("m5", "1795424400"));
	json(CC_CANCEL("m1", "BREAK_OUT"));
	json(CC_CANCEL("m2", "TIMEOUT"));
	json(CC_CANCEL("m3", "NO_AGENT_TIMEOUT"));
	json(CC_CANCEL("m4", "EXIT_WITH_KEY"));
	json(CC_CANCEL("m5", "NONE"));
	assert_non_null(strstr(got, "{\"type\":\"call.abandoned\",\"ts\":1795424410000,"
	    "\"call\":\"m1\",\"queue\":\"sales@default\"}"));
	assert_non_null(strstr(got, "\"call\":\"m2\",\"reason\":\"timeout\""));
	assert_non_null(strstr(got, "\"call\":\"m3\",\"reason\":\"empty\""));
	assert_non_null(strstr(got, "\"call\":\"m4\",\"reason\":\"key\""));
	assert_non_null(strstr(got, "\"call\":\"m5\",\"reason\":\"withdraw\""));

	json(CC_START("m6", "1795424400"));
	json("{\"Event-Subclass\":\"callcenter::info\",\"Event-Date-Timestamp\":\"1795424405000000\","
	    "\"CC-Action\":\"bridge-agent-start\",\"CC-Queue\":\"sales@default\","
	    "\"CC-Agent\":\"1002@default\",\"CC-Agent-Answered-Time\":\"1795424405\","
	    "\"CC-Member-UUID\":\"m6\"}");
	json("{\"Event-Subclass\":\"callcenter::info\",\"Event-Date-Timestamp\":\"1795424460000000\","
	    "\"CC-Action\":\"member-queue-end\",\"CC-Queue\":\"sales@default\","
	    "\"CC-Cause\":\"Terminated\",\"CC-Agent\":\"1002@default\","
	    "\"CC-Member-Leaving-Time\":\"1795424460\",\"CC-Member-UUID\":\"m6\"}");
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795424460000,"
	    "\"call\":\"m6\",\"agent\":\"1002@default\"}"));

	/* Not ours, not JSON, no action. */
	json("{\"Event-Name\":\"HEARTBEAT\"}");
	json("not json");
	json("{\"Event-Subclass\":\"callcenter::info\"}");
	json("{\"Event-Subclass\":\"callcenter::info\",\"CC-Action\":\"members-count\","
	    "\"CC-Queue\":\"sales@default\",\"CC-Count\":\"3\"}");
	bridge_freeswitch_stats(fs, &s);
	assert_int_equal(s.rejected, 1);
	assert_int_equal(s.invalid, 1);
	assert_int_equal(got_events, 13);
}

/* An agent Idle without a call before it is away, not in wrap-up. */
static void
test_idle(void **state)
{
	json("{\"Event-Subclass\":\"callcenter::info\",\"Event-Date-Timestamp\":\"1795424400000000\","
	    "\"CC-Action\":\"agent-status-change\",\"CC-Agent\":\"1003@default\","
	    "\"CC-Agent-Status\":\"Available (On Demand)\"}");
	json("{\"Event-Subclass\":\"callcenter::info\",\"Event-Date-Timestamp\":\"1795424401000000\","
	    "\"CC-Action\":\"agent-state-change\",\"CC-Agent\":\"1003@default\","
	    "\"CC-Agent-State\":\"Idle\"}");
	assert_string_equal(got,
	    "{\"type\":\"agent.state\",\"ts\":1795424400000,\"agent\":\"1003@default\","
	    "\"state\":\"ready\"}\n"
	    "{\"type\":\"agent.state\",\"ts\":1795424401000,\"agent\":\"1003@default\","
	    "\"state\":\"away\",\"reason\":\"Idle\"}\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jsonl_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esl_sample, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
