/*
 * test-bridge-queuelog.c: Asterisk queue_log lines into protocol-v1 events:
 * every verb app_queue writes, with real lines from the Asterisk 22 capture
 * (tests/bridges/samples/asterisk22/queue_log), NUL runs, CONFIGRELOAD
 * floods, restarts; and the shared pieces (SipHash, caller tokens, agent
 * state folding).
 */
#include "testutil.h"
#include "bridge-sink.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "bridge-common.h"
#include "bridge-queuelog.h"
#include "event.h"

#define SAMPLE "tests/bridges/samples/asterisk22/queue_log"

/* Every event emitted, one per line, and each decoded to check it is valid
 * protocol-v1. */
static struct bridge_queuelog *ql;

static int
line(const char *text)
{
	return bridge_queuelog_line(ql, text, strlen(text));
}

static int
setup(void **state)
{
	dec = event_decoder_new();
	bridge_secret_init(&secret, "site-secret", 11);
	ql = bridge_queuelog_new(&secret, collect, NULL);
	reset_got();
	return 0;
}

static int
teardown(void **state)
{
	bridge_queuelog_free(&ql);
	assert_null(ql);
	event_decoder_free(&dec);
	return 0;
}

/* SipHash-2-4 against the paper's test vector (key 00..0f, message
 * 00..0e): a7 0a 1e 7f ... is 0xa129ca6149be45e5. */
static void
test_siphash_vector(void **state)
{
	unsigned char msg[15];
	uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
	size_t i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)i;
	assert_true(bridge_siphash(k0, k1, msg, sizeof msg) == 0xa129ca6149be45e5ULL);
	assert_true(bridge_siphash(k0, k1, msg, 0) == 0x726fdb47dd0e0e31ULL);
}

static void
test_caller_tokens(void **state)
{
	struct bridge_secret other;
	char a[BRIDGE_TOKEN_SIZE], b[BRIDGE_TOKEN_SIZE];

	assert_true(bridge_caller_token(&secret, "5550104", a));
	assert_int_equal(strlen(a), 18);
	assert_memory_equal(a, "h:", 2);
	assert_null(strstr(a, "5550104"));
	assert_true(bridge_caller_token(&secret, "5550104", b));
	assert_string_equal(a, b);              /* stable: repeats are seen */
	bridge_secret_init(&other, "another-site", 12);
	assert_true(bridge_caller_token(&other, "5550104", b));
	assert_string_not_equal(a, b);          /* keyed by the site */
	assert_false(bridge_caller_token(&secret, "", a));
	assert_string_equal(a, "");
	assert_false(bridge_caller_token(&secret, "anonymous", a));
	assert_false(bridge_caller_token(&secret, "Unknown", a));
	assert_false(bridge_caller_token(&secret, "<unknown>", a));
	assert_false(bridge_caller_token(NULL, "5550104", a));
}

/* A call's life, real lines: queued, answered, completed. No raw number. */
static void
test_answered_call(void **state)
{
	assert_int_equal(line("1795373294|NONE|NONE|NONE|QUEUESTART|"), 0);
	assert_int_equal(line("1795373305|1795373304.1|orders|NONE|ENTERQUEUE||5550104|1|K Mueller"), 1);
	assert_int_equal(line("1795373308|1795373304.1|orders|Kim Kelly|CONNECT|3|1795373305.4|3"), 1);
	assert_int_equal(line("1795373330|1795373304.1|orders|Kim Kelly|COMPLETEAGENT|3|22|1"), 1);
	assert_non_null(strstr(got, "{\"type\":\"call.queued\",\"ts\":1795373305000,"
	    "\"call\":\"1795373304.1\",\"queue\":\"orders\",\"caller\":\"h:"));
	assert_non_null(strstr(got, "{\"type\":\"call.answered\",\"ts\":1795373308000,"
	    "\"call\":\"1795373304.1\",\"agent\":\"Kim Kelly\",\"queue\":\"orders\"}"));
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795373330000,"
	    "\"call\":\"1795373304.1\",\"agent\":\"Kim Kelly\",\"transferred\":false}"));
	assert_null(strstr(got, "5550104"));
	assert_int_equal(bridge_queuelog_visits(ql), 0);
}

/* The caller hangs up during the conversation: still an ended call. */
static void
test_completecaller(void **state)
{
	line("1795373314|1795373314.15|helpdesk|NONE|ENTERQUEUE||5550178|1|B Osei");
	line("1795373327|1795373314.15|helpdesk|Henry Hall|CONNECT|13|1795373326.24|1");
	assert_int_equal(line("1795373329|1795373314.15|helpdesk|Henry Hall|COMPLETECALLER|13|2|1"), 1);
	assert_non_null(strstr(got, "\"type\":\"call.ended\",\"ts\":1795373329000,"
	    "\"call\":\"1795373314.15\",\"agent\":\"Henry Hall\",\"transferred\":false"));
}

/* Every unanswered outcome, and the exit reasons the asterisk2 formula
 * needs: EXITWITHKEY apart from the others. */
static void
test_unanswered_outcomes(void **state)
{
	line("1795373374|1795373374.77|helpdesk|NONE|ENTERQUEUE||5550111|4|B Osei");
	line("1795373380|1795373374.77|helpdesk|NONE|ABANDON|3|4|6");
	line("1795373443|1795373442.169|helpdesk|NONE|ENTERQUEUE||5550162|6|B Osei");
	line("1795373488|1795373442.169|helpdesk|NONE|EXITWITHTIMEOUT|1|6|45");
	line("1795373445|1795373444.175|orders|NONE|ENTERQUEUE||5550111|4|B Osei");
	line("1795373452|1795373444.175|orders|NONE|EXITEMPTY|3|4|7");
	line("1795373590|1795373589.421|helpdesk|NONE|ENTERQUEUE||5550144|13|I Silva");
	line("1795373610|1795373589.421|helpdesk|NONE|EXITWITHKEY|0|8|13|20");
	line("1795373431|1795373431.145|orders|NONE|ENTERQUEUE||5550117|2|G Novak");
	line("1795373434|1795373431.145|orders|NONE|WITHDRAW|2|2|3|callback-offered");
	line("1795373500|c9|orders|NONE|ENTERQUEUE||5550999|1|");
	line("1795373501|c9|orders|NONE|SYSCOMPAT|1|1|1");
	assert_non_null(strstr(got, "{\"type\":\"call.abandoned\",\"ts\":1795373380000,"
	    "\"call\":\"1795373374.77\",\"queue\":\"helpdesk\"}"));
	assert_non_null(strstr(got, "\"call\":\"1795373442.169\",\"reason\":\"timeout\""));
	assert_non_null(strstr(got, "\"call\":\"1795373444.175\",\"reason\":\"empty\""));
	assert_non_null(strstr(got, "\"call\":\"1795373589.421\",\"reason\":\"key\""));
	assert_non_null(strstr(got, "\"call\":\"1795373431.145\",\"reason\":\"withdraw\""));
	assert_non_null(strstr(got, "\"call\":\"c9\",\"reason\":\"empty\""));
	assert_int_equal(bridge_queuelog_visits(ql), 0);
}

/* Transfers end the call with transferred:true; a blind transfer into the
 * other queue is a second visit of the same CALLID. */
static void
test_transfers(void **state)
{
	struct bridge_queuelog_stats s;

	line("1795373493|1795373493.237|helpdesk|NONE|ENTERQUEUE||5550130|1|");
	line("1795373518|1795373493.237|helpdesk|Henry Hall|CONNECT|25|1795373515.1|2");
	line("1795373521|1795373493.237|helpdesk|Henry Hall|BLINDTRANSFER|702|xfer|25|3|1");
	line("1795373521|1795373493.237|orders|NONE|ENTERQUEUE||5550130|1|");
	line("1795373569|1795373493.237|orders|Kim Kelly|CONNECT|48|1795373568.2|1");
	line("1795373580|1795373493.237|orders|Kim Kelly|COMPLETEAGENT|48|11|1");
	line("1795373326|1795373326.23|orders|NONE|ENTERQUEUE||5550118|1|H Tanaka");
	line("1795373330|1795373326.23|orders|Leo Lopez|CONNECT|4|1795373329.26|1");
	line("1795373334|1795373326.23|orders|Leo Lopez|ATTENDEDTRANSFER|BRIDGE|cd509058-6993-47c9-861b-0201efc02cac|3|4|1");
	line("1600000000|old1|sales|NONE|ENTERQUEUE||123|1");
	line("1600000002|old1|sales|Bob|CONNECT|2|x.1|1");
	line("1600000009|old1|sales|Bob|TRANSFER|200|default|2|7|1");
	assert_non_null(strstr(got, "\"call\":\"1795373493.237\",\"agent\":\"Henry Hall\","
	    "\"transferred\":true"));
	assert_non_null(strstr(got, "{\"type\":\"call.queued\",\"ts\":1795373521000,"
	    "\"call\":\"1795373493.237\",\"queue\":\"orders\""));
	assert_non_null(strstr(got, "\"call\":\"1795373493.237\",\"agent\":\"Kim Kelly\","
	    "\"transferred\":false"));
	assert_non_null(strstr(got, "\"call\":\"1795373326.23\",\"agent\":\"Leo Lopez\","
	    "\"transferred\":true"));
	assert_non_null(strstr(got, "\"call\":\"old1\",\"agent\":\"Bob\",\"transferred\":true"));
	bridge_queuelog_stats(ql, &s);
	assert_int_equal(s.wait_mismatch, 0);
	assert_int_equal(bridge_queuelog_visits(ql), 0);
}

/* Pauses: PAUSEALL + per-queue PAUSE give one away; held while on a call
 * and sent after call.ended. Members added and removed. */
static void
test_agent_states(void **state)
{
	line("1795373339|NONE|NONE|Henry Hall|PAUSEALL|Break");
	line("1795373339|NONE|helpdesk|Henry Hall|PAUSE|Break");
	assert_int_equal(got_events, 1);
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373339000,"
	    "\"agent\":\"Henry Hall\",\"state\":\"away\",\"reason\":\"Break\"}\n");
	reset_got();
	line("1795373365|NONE|NONE|Henry Hall|UNPAUSEALL|");
	line("1795373365|NONE|helpdesk|Henry Hall|UNPAUSE|");
	assert_int_equal(got_events, 1);
	assert_non_null(strstr(got, "\"agent\":\"Henry Hall\",\"state\":\"ready\"}"));

	/* On a call: the pause waits for the end of the call. */
	reset_got();
	line("1795373400|c1|helpdesk|NONE|ENTERQUEUE||5550100|1|");
	line("1795373402|c1|helpdesk|Iris Ito|CONNECT|2|x|1");
	line("1795373405|NONE|helpdesk|Iris Ito|PAUSE|Admin");
	assert_int_equal(got_events, 2);
	line("1795373410|c1|helpdesk|Iris Ito|COMPLETEAGENT|2|8|1");
	assert_int_equal(got_events, 4);
	assert_non_null(strstr(got, "\"type\":\"call.ended\",\"ts\":1795373410000"));
	assert_non_null(strstr(got, "{\"type\":\"agent.state\",\"ts\":1795373410000,"
	    "\"agent\":\"Iris Ito\",\"state\":\"away\",\"reason\":\"Admin\"}"));

	reset_got();
	line("1795373374|MANAGER|helpdesk|Local/agent6@agents|ADDMEMBER|");
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373374000,"
	    "\"agent\":\"Local/agent6@agents\",\"state\":\"ready\",\"queues\":[\"helpdesk\"]}\n");
	reset_got();
	line("1795373599|MANAGER|helpdesk|Local/agent6@agents|REMOVEMEMBER|");
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373599000,"
	    "\"agent\":\"Local/agent6@agents\",\"state\":\"offline\",\"queues\":[]}\n");
	reset_got();
	line("1795373700|MANAGER|sales|SIP/200|ADDMEMBER|PAUSED");
	assert_non_null(strstr(got, "\"state\":\"away\",\"queues\":[\"sales\"]"));
	reset_got();
	line("1400000000|NONE|NONE|Agent/1001|AGENTLOGIN|SIP/1001-0001");
	line("1400000100|NONE|NONE|Agent/1001|AGENTLOGOFF|SIP/1001-0001|100");
	assert_non_null(strstr(got, "\"agent\":\"Agent/1001\",\"state\":\"ready\""));
	assert_non_null(strstr(got, "\"agent\":\"Agent/1001\",\"state\":\"offline\""));
}

/* A crash leaves a run of NULs: the torn line before it is dropped, the
 * whole line after it is read. CONFIGRELOAD floods, unknown verbs and
 * RINGNOANSWER produce nothing. */
static void
test_nul_runs_and_noise(void **state)
{
	static const char torn[] = "1795373305|1795373304.1|ord\0\0\0\0\0\0\0\0"
	    "1795373313|1795373313.9|orders|NONE|ENTERQUEUE||5550150|1|L Nguyen";
	static const char only_nul[] = "\0\0\0\0\0\0";
	struct bridge_queuelog_stats s;
	int i;

	assert_int_equal(bridge_queuelog_line(ql, torn, sizeof torn - 1), 1);
	assert_non_null(strstr(got, "\"call\":\"1795373313.9\",\"queue\":\"orders\""));
	assert_int_equal(bridge_queuelog_line(ql, only_nul, sizeof only_nul - 1), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(line("1795373300|NONE|NONE|NONE|CONFIGRELOAD|"), 0);
	assert_int_equal(line("1795373324|1795373313.9|orders|Iris Ito|RINGNOANSWER|10000"), 0);
	assert_int_equal(line("1795373324|1795373313.9|orders|Iris Ito|RINGCANCELED|1000"), 0);
	assert_int_equal(line("1795373324|1795373313.9|orders|NONE|DID|5000"), 0);
	assert_int_equal(line("1795373324|1795373313.9|orders|NONE|INFO|x|y"), 0);
	assert_int_equal(line("1795373324|1795373313.9|orders|Iris Ito|AGENTDUMP|"), 0);
	assert_int_equal(line("garbage"), 0);
	assert_int_equal(line("notanumber|a|b|c|ENTERQUEUE||1|1"), 0);
	assert_int_equal(line("1795373330|1795373313.9|orders|NONE|ABANDON|1|1|17\r"), 1);
	bridge_queuelog_stats(ql, &s);
	assert_int_equal(s.nul_runs, 2);
	assert_int_equal(s.config_reloads, 1000);
	assert_int_equal(s.malformed, 2);
	assert_int_equal(s.ignored, 1005);
	assert_int_equal(got_events, 2);
}

/* QUEUESTART: Asterisk restarted; the calls it had are gone. */
static void
test_restart(void **state)
{
	line("1795373400|w1|helpdesk|NONE|ENTERQUEUE||5550100|1|");
	line("1795373401|t1|helpdesk|NONE|ENTERQUEUE||5550101|2|");
	line("1795373402|t1|helpdesk|Iris Ito|CONNECT|1|x|1");
	reset_got();
	assert_int_equal(line("1795373500|NONE|NONE|NONE|QUEUESTART|"), 2);
	assert_non_null(strstr(got, "{\"type\":\"call.exited\",\"ts\":1795373500000,"
	    "\"call\":\"w1\",\"reason\":\"withdraw\",\"queue\":\"helpdesk\"}"));
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795373500000,"
	    "\"call\":\"t1\",\"agent\":\"Iris Ito\"}"));
	assert_int_equal(bridge_queuelog_visits(ql), 0);
}

/* With no site secret no caller field goes out at all; muted mapping keeps
 * state without sending. */
static void
test_no_secret_and_mute(void **state)
{
	struct bridge_queuelog *plain = bridge_queuelog_new(NULL, collect, NULL);
	static const char l1[] = "1795373305|c1|orders|NONE|ENTERQUEUE||5550104|1|K";

	bridge_queuelog_line(plain, l1, sizeof l1 - 1);
	assert_null(strstr(got, "caller"));
	bridge_queuelog_free(&plain);

	reset_got();
	bridge_queuelog_set_emit(ql, NULL, NULL);
	line("1795373305|c2|orders|NONE|ENTERQUEUE||5550104|1|K");
	assert_int_equal(got_events, 0);
	assert_int_equal(bridge_queuelog_visits(ql), 1);
	bridge_queuelog_set_emit(ql, collect, NULL);
	line("1795373306|c2|orders|Kim|CONNECT|1|x|1");
	assert_int_equal(got_events, 1);
}

/* Saved mid-run and restored into a new mapper, the rest of the log maps
 * exactly as in one run: calls in flight, pauses held during a call. */
static void
test_save_restore(void **state)
{
	static const char *const before[] = {
		"1795373400|c1|helpdesk|NONE|ENTERQUEUE||5550100|1|",
		"1795373401|c2|helpdesk|NONE|ENTERQUEUE||5550101|2|",
		"1795373402|c1|helpdesk|Iris Ito|CONNECT|2|x|1",
		"1795373403|NONE|helpdesk|Iris Ito|PAUSE|Admin",
		"1795373404|MANAGER|helpdesk|SIP/9|ADDMEMBER|",
		NULL
	};
	static const char *const after[] = {
		"1795373410|c1|helpdesk|Iris Ito|COMPLETEAGENT|2|8|1",
		"1795373411|NONE|helpdesk|Iris Ito|PAUSE|Admin",
		"1795373412|c2|helpdesk|NONE|ABANDON|1|2|11",
		"1795373413|MANAGER|helpdesk|SIP/9|REMOVEMEMBER|",
		"1795373414|NONE|NONE|NONE|QUEUESTART|",
		NULL
	};
	struct bridge_queuelog *again;
	struct jsonw w;
	cJSON *saved;
	char *one_run;
	int i;

	for (i = 0; before[i] != NULL; i++)
		line(before[i]);
	memset(&w, 0, sizeof w);
	jsonw_reset(&w);
	bridge_queuelog_save(ql, &w);
	reset_got();
	for (i = 0; after[i] != NULL; i++)
		line(after[i]);
	one_run = strdup(got);

	saved = cJSON_Parse(jsonw_text(&w));
	again = bridge_queuelog_new(&secret, collect, NULL);
	assert_true(bridge_queuelog_restore(again, saved));
	assert_int_equal(bridge_queuelog_visits(again), 2);
	reset_got();
	for (i = 0; after[i] != NULL; i++)
		bridge_queuelog_line(again, after[i], strlen(after[i]));
	assert_string_equal(got, one_run);
	assert_non_null(strstr(got, "\"agent\":\"Iris Ito\",\"state\":\"away\""));

	/* Not what save writes: refused, state left empty. */
	cJSON_Delete(saved);
	saved = cJSON_Parse("{\"visits\":[[1,2,3]],\"agents\":[]}");
	assert_false(bridge_queuelog_restore(again, saved));
	assert_int_equal(bridge_queuelog_visits(again), 0);
	cJSON_Delete(saved);
	bridge_queuelog_free(&again);
	jsonw_release(&w);
	free(one_run);
}

/* The whole real capture: every line mapped as its verb says. */
static void
test_whole_sample(void **state)
{
	FILE *fp = fopen(SAMPLE, "r");
	char buf[1024];
	struct bridge_queuelog_stats s;
	size_t n;

	assert_non_null(fp);
	while (fgets(buf, sizeof buf, fp) != NULL) {
		n = strlen(buf);
		if (n > 0 && buf[n - 1] == '\n')
			n--;
		bridge_queuelog_line(ql, buf, n);
	}
	fclose(fp);
	bridge_queuelog_stats(ql, &s);
	assert_int_equal(s.lines, 534);
	assert_int_equal(s.malformed, 0);
	assert_int_equal(s.wait_mismatch, 0);
	assert_int_equal(s.restarts, 1);
	/* RINGNOANSWER 17 + RINGCANCELED 1 */
	assert_int_equal(s.ignored, 18);
	assert_int_equal(bridge_queuelog_visits(ql), 0);
	/* 176 queued + 95 answered + 95 ended + 38 abandoned + 44 exited */
	assert_true(s.events >= 448);
	assert_null(strstr(got, "555010"));     /* no raw number anywhere */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vector),
		cmocka_unit_test_setup_teardown(test_caller_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answered_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completecaller, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unanswered_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_runs_and_noise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_secret_and_mute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_sample, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
