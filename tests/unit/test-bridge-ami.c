/*
 * test-bridge-ami.c: AMI framing and app_queue's events into protocol-v1
 * events: real messages from the Asterisk 22 capture (trimmed to the fields
 * that matter), the Asterisk 11 transcripts in tests/bridges/samples, and
 * hand-made cases for what the samples lack.
 */
#include "testutil.h"
#include "bridge-sink.h"

#include <string.h>

#include "bridge-ami.h"
#include "bridge-common.h"
#include "event.h"

#define SAMPLES "tests/bridges/samples/asterisk11-ami/"

static struct bridge_ami *ami;
static struct bridge_ami_parser *parser;

/* Push AMI text and map every message in it; returns events emitted. */
static int
feed(const char *text)
{
	struct bridge_ami_msg msg;
	int n = 0;

	bridge_ami_parser_push(parser, text, strlen(text));
	while (bridge_ami_parser_next(parser, &msg))
		n += bridge_ami_message(ami, &msg, 1700000000000LL);
	return n;
}

static void
feed_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char buf[4096];
	size_t n;
	struct bridge_ami_msg msg;

	assert_non_null(fp);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		bridge_ami_parser_push(parser, buf, n);
		while (bridge_ami_parser_next(parser, &msg))
			bridge_ami_message(ami, &msg, 1700000000000LL);
	}
	fclose(fp);
}

static int
setup(void **state)
{
	dec = event_decoder_new();
	bridge_secret_init(&secret, "site-secret", 11);
	ami = bridge_ami_new(&secret, collect, NULL);
	bridge_ami_set_time(ami, false, true);
	parser = bridge_ami_parser_new();
	reset_got();
	return 0;
}

static int
teardown(void **state)
{
	bridge_ami_free(&ami);
	assert_null(ami);
	bridge_ami_parser_free(&parser);
	assert_null(parser);
	event_decoder_free(&dec);
	return 0;
}

/* ---- framing ---- */

static void
test_framing(void **state)
{
	static const char text[] =
	    "Asterisk Call Manager/11.0.0\r\n"
	    "Response: Success\r\nActionID: login\r\nMessage: Authentication accepted\r\n\r\n"
	    "Event: VarSet\nVariable: X\nValue: a: b: c\nChanVariable: one=1\n"
	    "ChanVariable: two=2\nEmpty:\nAlso: \n\n"
	    "\r\n"
	    "Event: Last\r\n\r\n";
	struct bridge_ami_msg msg;
	size_t i;
	int n = 0;

	/* One byte at a time: any split must give the same messages. */
	for (i = 0; i < sizeof text - 1; i++) {
		bridge_ami_parser_push(parser, text + i, 1);
		while (bridge_ami_parser_next(parser, &msg)) {
			n++;
			if (n == 1) {
				assert_string_equal(bridge_ami_get(&msg, "response"), "Success");
				assert_string_equal(bridge_ami_get(&msg, "Message"),
				    "Authentication accepted");
			} else if (n == 2) {
				assert_int_equal(msg.n, 7);
				assert_string_equal(bridge_ami_get(&msg, "Value"), "a: b: c");
				assert_string_equal(msg.key[3], "ChanVariable");
				assert_string_equal(msg.value[4], "two=2");
				assert_string_equal(bridge_ami_get(&msg, "Empty"), "");
				assert_string_equal(bridge_ami_get(&msg, "Also"), "");
				assert_null(bridge_ami_get(&msg, "Missing"));
			} else
				assert_string_equal(bridge_ami_get(&msg, "Event"), "Last");
		}
	}
	assert_int_equal(n, 3);
	assert_string_equal(bridge_ami_parser_banner(parser), "Asterisk Call Manager/11.0.0");
}

/* ---- the Asterisk 22 capture's messages ---- */

#define JOIN(ts, uid, queue, num, pos)						\
	"Event: QueueCallerJoin\r\nPrivilege: agent,all\r\nTimestamp: " ts "\r\n" \
	"Channel: Local/" queue "@incoming-00000000;2\r\nCallerIDNum: " num "\r\n" \
	"Context: incoming\r\nExten: " queue "\r\nPriority: 4\r\n"		\
	"Uniqueid: " uid "\r\nQueue: " queue "\r\nPosition: " pos "\r\nCount: " pos "\r\n\r\n"
#define LEAVE(ts, uid, queue, context, exten)					\
	"Event: QueueCallerLeave\r\nPrivilege: agent,all\r\nTimestamp: " ts "\r\n" \
	"Context: " context "\r\nExten: " exten "\r\nUniqueid: " uid "\r\n"	\
	"Queue: " queue "\r\nPosition: 1\r\nCount: 0\r\n\r\n"
#define ABANDON(ts, uid, queue, hold)						\
	"Event: QueueCallerAbandon\r\nPrivilege: agent,all\r\nTimestamp: " ts "\r\n" \
	"Uniqueid: " uid "\r\nQueue: " queue "\r\nPosition: 1\r\n"		\
	"OriginalPosition: 1\r\nHoldTime: " hold "\r\n\r\n"
#define MEMBER(ev, queue, name, iface, status, paused, reason)			\
	"Event: " ev "\r\nPrivilege: agent,all\r\nTimestamp: 1795373300.000001\r\n" \
	"Queue: " queue "\r\nMemberName: " name "\r\nInterface: " iface "\r\n"	\
	"StateInterface: " iface "\r\nMembership: static\r\nStatus: " status "\r\n" \
	"Paused: " paused "\r\nPausedReason: " reason "\r\nInCall: 0\r\n\r\n"

static void
test_answered_and_transferred(void **state)
{
	feed(JOIN("1795373305.023714", "1795373304.1", "orders", "5550104", "1"));
	assert_non_null(strstr(got, "{\"type\":\"call.queued\",\"ts\":1795373305000,"
	    "\"call\":\"1795373304.1\",\"queue\":\"orders\",\"caller\":\"h:"));
	assert_null(strstr(got, "5550104"));
	feed(LEAVE("1795373308.411200", "1795373304.1", "orders", "incoming", "orders"));
	assert_int_equal(got_events, 1);        /* a leave alone says nothing yet */
	feed("Event: AgentConnect\r\nPrivilege: agent,all\r\nTimestamp: 1795373308.411800\r\n"
	    "Uniqueid: 1795373304.1\r\nQueue: orders\r\nInterface: Local/agent4@agents\r\n"
	    "MemberName: Kim Kelly\r\nHoldTime: 3\r\nRingTime: 3\r\n\r\n");
	assert_non_null(strstr(got, "{\"type\":\"call.answered\",\"ts\":1795373308000,"
	    "\"call\":\"1795373304.1\",\"agent\":\"Kim Kelly\",\"queue\":\"orders\"}"));
	feed("Event: AgentComplete\r\nPrivilege: agent,all\r\nTimestamp: 1795373330.5\r\n"
	    "Uniqueid: 1795373304.1\r\nQueue: orders\r\nInterface: Local/agent4@agents\r\n"
	    "MemberName: Kim Kelly\r\nHoldTime: 3\r\nTalkTime: 22\r\nReason: transfer\r\n\r\n");
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795373330000,"
	    "\"call\":\"1795373304.1\",\"agent\":\"Kim Kelly\",\"transferred\":true}"));
	bridge_ami_flush(ami);
	assert_int_equal(got_events, 3);
}

/* Asterisk 22 sends AgentComplete without the caller's channel fields when
 * that channel is already gone: the agent's conversation is found. */
static void
test_complete_without_uniqueid(void **state)
{
	feed(JOIN("1795373528.523547", "1795373528.309", "helpdesk", "5550195", "6"));
	feed(LEAVE("1795373562.557843", "1795373528.309", "helpdesk", "incoming", "helpdesk"));
	feed("Event: AgentConnect\r\nTimestamp: 1795373562.558378\r\nUniqueid: 1795373528.309\r\n"
	    "Queue: helpdesk\r\nInterface: Local/agent2@agents\r\nMemberName: Iris Ito\r\n\r\n");
	feed("Event: AgentComplete\r\nPrivilege: agent,all\r\nTimestamp: 1795373579.065655\r\n"
	    "Queue: helpdesk\r\nInterface: Local/agent2@agents\r\nMemberName: Iris Ito\r\n"
	    "HoldTime: 34\r\nTalkTime: 17\r\nReason: agent\r\n\r\n");
	assert_non_null(strstr(got, "{\"type\":\"call.ended\",\"ts\":1795373579000,"
	    "\"call\":\"1795373528.309\",\"agent\":\"Iris Ito\",\"transferred\":false}"));
}

/* With hang-ups and variables in the stream (Events: on), every unanswered
 * end is told apart exactly, in the order Asterisk 22 sends them. */
static void
test_exact_exits(void **state)
{
	struct bridge_ami_stats s;

	/* A caller hanging up: HangupRequest first. */
	feed(JOIN("1795373374.1", "u1", "helpdesk", "5550111", "4"));
	feed("Event: HangupRequest\r\nPrivilege: call,all\r\nTimestamp: 1795373380.9\r\n"
	    "Uniqueid: u1\r\nCause: 0\r\n\r\n");
	feed(ABANDON("1795373380.962696", "u1", "helpdesk", "6"));
	assert_non_null(strstr(got, "{\"type\":\"call.abandoned\",\"ts\":1795373380000,"
	    "\"call\":\"u1\",\"queue\":\"helpdesk\"}"));
	/* A timeout: QUEUESTATUS after the abandon event. */
	feed(JOIN("1795373443.1", "u2", "helpdesk", "5550162", "6"));
	feed(ABANDON("1795373488.154715", "u2", "helpdesk", "45"));
	feed(LEAVE("1795373488.154793", "u2", "helpdesk", "incoming", "helpdesk"));
	feed("Event: VarSet\r\nPrivilege: dialplan,all\r\nTimestamp: 1795373488.2\r\n"
	    "Uniqueid: u2\r\nVariable: QUEUESTATUS\r\nValue: TIMEOUT\r\n\r\n");
	assert_non_null(strstr(got, "\"call\":\"u2\",\"reason\":\"timeout\""));
	/* Leave when empty. */
	feed(JOIN("1795373445.1", "u3", "orders", "5550111", "4"));
	feed(ABANDON("1795373452.381763", "u3", "orders", "7"));
	feed("Event: VarSet\r\nPrivilege: dialplan,all\r\nTimestamp: 1795373452.4\r\n"
	    "Uniqueid: u3\r\nVariable: QUEUESTATUS\r\nValue: LEAVEEMPTY\r\n\r\n");
	assert_non_null(strstr(got, "\"call\":\"u3\",\"reason\":\"empty\""));
	/* Withdrawn: QUEUE_WITHDRAW_INFO comes between abandon and leave. */
	feed(JOIN("1795373431.1", "u4", "orders", "5550117", "2"));
	feed(ABANDON("1795373434.741322", "u4", "orders", "3"));
	feed("Event: VarSet\r\nPrivilege: dialplan,all\r\nTimestamp: 1795373434.8\r\n"
	    "Uniqueid: u4\r\nVariable: QUEUE_WITHDRAW_INFO\r\nValue: callback-offered\r\n\r\n");
	assert_non_null(strstr(got, "\"call\":\"u4\",\"reason\":\"withdraw\""));
	/* A key: the leave is in the queue's exit context, and no abandon. */
	feed(JOIN("1795373590.1", "u5", "helpdesk", "5550144", "13"));
	feed(LEAVE("1795373610.417875", "u5", "helpdesk", "helpdesk-exit", "0"));
	assert_non_null(strstr(got, "{\"type\":\"call.exited\",\"ts\":1795373610000,"
	    "\"call\":\"u5\",\"reason\":\"key\",\"queue\":\"helpdesk\"}"));
	bridge_ami_stats(ami, &s);
	assert_int_equal(s.abandons_exact, 4);
	assert_int_equal(s.abandons_guessed, 0);
	assert_int_equal(got_events, 10);
}

/* Events: agent only: no hang-ups, no variables. A queue with an available
 * member: the caller hung up; a queue whose members are all paused: empty.
 * Both count in Asterisk's A alike, so SL2 is right either way. */
static void
test_agent_class_only(void **state)
{
	struct bridge_ami_stats s;

	feed(MEMBER("QueueMemberStatus", "helpdesk", "Henry Hall", "Local/agent1@agents",
	    "1", "0", ""));
	feed(MEMBER("QueueMemberStatus", "orders", "Kim Kelly", "Local/agent4@agents",
	    "1", "1", "Team meeting"));
	feed(MEMBER("QueueMemberStatus", "orders", "Leo Lopez", "Local/agent5@agents",
	    "5", "0", ""));
	reset_got();
	feed(JOIN("1795373400.1", "a1", "helpdesk", "5550100", "1"));
	feed(ABANDON("1795373410.5", "a1", "helpdesk", "10"));
	feed(LEAVE("1795373410.6", "a1", "helpdesk", "incoming", "helpdesk"));
	assert_non_null(strstr(got, "{\"type\":\"call.abandoned\",\"ts\":1795373410000,"
	    "\"call\":\"a1\",\"queue\":\"helpdesk\"}"));
	feed(JOIN("1795373400.2", "a2", "orders", "5550101", "1"));
	feed(ABANDON("1795373402.5", "a2", "orders", "2"));
	feed(LEAVE("1795373402.6", "a2", "orders", "incoming", "orders"));
	assert_non_null(strstr(got, "\"call\":\"a2\",\"reason\":\"empty\""));
	/* A leave with no connect for 2 s of stream time: a key press. */
	feed(JOIN("1795373420.1", "a3", "helpdesk", "5550102", "1"));
	feed(LEAVE("1795373425.1", "a3", "helpdesk", "incoming", "helpdesk"));
	feed(JOIN("1795373428.1", "a4", "helpdesk", "5550103", "1"));
	assert_non_null(strstr(got, "{\"type\":\"call.exited\",\"ts\":1795373425000,"
	    "\"call\":\"a3\",\"reason\":\"key\",\"queue\":\"helpdesk\"}"));
	bridge_ami_stats(ami, &s);
	assert_int_equal(s.abandons_guessed, 2);
}

/* Member states: Interface and MemberName are one agent; pauses per queue;
 * device unavailable is offline; added and removed. */
static void
test_members(void **state)
{
	feed(MEMBER("QueueMemberStatus", "helpdesk", "Jack Jordan", "Local/agent3@agents",
	    "1", "0", ""));
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373300000,"
	    "\"agent\":\"Jack Jordan\",\"state\":\"ready\",\"queues\":[\"helpdesk\"]}\n");
	reset_got();
	feed(MEMBER("QueueMemberStatus", "helpdesk", "Jack Jordan", "Local/agent3@agents",
	    "2", "0", ""));             /* in use: busy comes from the call */
	assert_int_equal(got_events, 0);
	feed("Event: QueueMemberPause\r\nTimestamp: 1795373360.1\r\nQueue: helpdesk\r\n"
	    "Interface: Local/agent3@agents\r\nMemberName: Jack Jordan\r\nPaused: 1\r\n"
	    "PausedReason: Auto-Pause\r\n\r\n");
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373360000,"
	    "\"agent\":\"Jack Jordan\",\"state\":\"away\",\"reason\":\"Auto-Pause\","
	    "\"queues\":[\"helpdesk\"]}\n");
	reset_got();
	/* An event naming the interface only: the same agent. */
	feed("Event: QueueMemberPause\r\nTimestamp: 1795373380.1\r\nQueue: helpdesk\r\n"
	    "Interface: Local/agent3@agents\r\nPaused: 0\r\n\r\n");
	assert_non_null(strstr(got, "\"agent\":\"Jack Jordan\",\"state\":\"ready\""));
	reset_got();
	feed(MEMBER("QueueMemberStatus", "helpdesk", "Jack Jordan", "Local/agent3@agents",
	    "5", "0", ""));
	assert_non_null(strstr(got, "\"agent\":\"Jack Jordan\",\"state\":\"offline\""));
	reset_got();
	feed(MEMBER("QueueMemberAdded", "helpdesk", "Maya Moss", "Local/agent6@agents",
	    "1", "0", ""));
	assert_non_null(strstr(got, "\"agent\":\"Maya Moss\",\"state\":\"ready\","
	    "\"queues\":[\"helpdesk\"]"));
	reset_got();
	feed("Event: QueueMemberRemoved\r\nTimestamp: 1795373599.1\r\nQueue: helpdesk\r\n"
	    "Interface: Local/agent6@agents\r\nMemberName: Maya Moss\r\n\r\n");
	assert_string_equal(got, "{\"type\":\"agent.state\",\"ts\":1795373599000,"
	    "\"agent\":\"Maya Moss\",\"state\":\"offline\",\"queues\":[]}\n");
}

/* After a (re)connect, our QueueStatus seeds calls already waiting (their
 * wait from Wait) and drops waiting calls it no longer lists. */
static void
test_queuestatus_seed(void **state)
{
	struct bridge_ami_stats s;

	feed(JOIN("1795373400.1", "old", "helpdesk", "5550100", "1"));
	feed(JOIN("1795373401.1", "still", "helpdesk", "5550101", "2"));
	reset_got();
	bridge_ami_seed_begin(ami, "wallboard-2");
	feed("Response: Success\r\nActionID: wallboard-2\r\nMessage: Queue status will follow\r\n\r\n"
	    "Event: QueueParams\r\nQueue: helpdesk\r\nCalls: 2\r\nActionID: wallboard-2\r\n\r\n"
	    "Event: QueueMember\r\nQueue: helpdesk\r\nName: Henry Hall\r\n"
	    "Location: Local/agent1@agents\r\nStateInterface: Local/agent1@agents\r\n"
	    "Status: 1\r\nPaused: 0\r\nActionID: wallboard-2\r\n\r\n"
	    "Event: QueueEntry\r\nQueue: helpdesk\r\nPosition: 1\r\nUniqueid: still\r\n"
	    "CallerIDNum: 5550101\r\nWait: 99\r\nActionID: wallboard-2\r\n\r\n"
	    "Event: QueueEntry\r\nQueue: helpdesk\r\nPosition: 2\r\nUniqueid: new\r\n"
	    "CallerIDNum: 5550102\r\nWait: 30\r\nActionID: wallboard-2\r\n\r\n"
	    "Event: QueueStatusComplete\r\nActionID: wallboard-2\r\nEventList: Complete\r\n"
	    "ListItems: 4\r\n\r\n");
	/* No Timestamp: the last one seen (a recording) is the time. */
	assert_non_null(strstr(got, "{\"type\":\"call.queued\",\"ts\":1795373371000,"
	    "\"call\":\"new\",\"queue\":\"helpdesk\",\"caller\":\"h:"));
	assert_non_null(strstr(got, "{\"type\":\"call.exited\",\"ts\":1795373401000,"
	    "\"call\":\"old\",\"reason\":\"withdraw\",\"queue\":\"helpdesk\"}"));
	assert_non_null(strstr(got, "\"agent\":\"Henry Hall\",\"state\":\"ready\""));
	assert_null(strstr(got, "\"call\":\"still\""));
	bridge_ami_stats(ami, &s);
	assert_int_equal(s.seeded_calls, 1);
	assert_int_equal(s.forgotten_calls, 1);
}

/* Asterisk 11 transcripts: the old field names (Location, Name,
 * QueueMemberPaused), among events to skip. */
static void
test_asterisk11_samples(void **state)
{
	feed_file(SAMPLES "queue_status.ami");
	assert_non_null(strstr(got, "\"agent\":\"Agent/220\",\"state\":\"ready\","
	    "\"queues\":[\"xxxxxxxxxxxxxxxx-tous\"]"));
	reset_got();
	feed_file(SAMPLES "agent_loggued_in.ami");
	assert_non_null(strstr(got, "\"agent\":\"Agent/402\",\"state\":\"ready\","
	    "\"queues\":[\"general_queue\"]"));
	reset_got();
	feed_file(SAMPLES "agent_not_in_pause.ami");
	feed_file(SAMPLES "login_ok.ami");
	feed_file(SAMPLES "login_failed.ami");
	assert_null(strstr(got, "call."));
}

/* --ms keeps milliseconds. */
static void
test_ms(void **state)
{
	bridge_ami_set_time(ami, true, true);
	feed(JOIN("1795373305.023714", "m1", "orders", "5550104", "1"));
	assert_non_null(strstr(got, "\"ts\":1795373305023,"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answered_and_transferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_without_uniqueid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_class_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queuestatus_seed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_asterisk11_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ms, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
