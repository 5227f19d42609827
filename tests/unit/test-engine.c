/*
 * test-engine.c: the KPI engine against hand-worked figures.
 *
 * Every scenario feeds real protocol-v1 JSON through the real decoder into an
 * engine built from a real YAML config; every expected value is worked out
 * by hand in the comment beside it.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "event.h"
#include "kpi.h"
#include "metric.h"

#define S 1000LL
#define MIN (60 * S)
#define T0 1795165200000LL      /* 2026-11-20T09:00:00Z, a Friday morning */

struct fixture {
	struct config *config;
	struct engine *engine;
	struct event_decoder *decoder;
	char path[64];
};

static struct fixture fx;

/* Build an engine from YAML text, clock at `now`. */
static void
setup(const char *yaml, int64_t now)
{
	struct config_errors errors = { 0 };
	int fd;

	strcpy(fx.path, "/tmp/wallboard-test-XXXXXX");
	fd = mkstemp(fx.path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, yaml, strlen(yaml)), (int)strlen(yaml));
	close(fd);
	fx.config = config_load(fx.path, &errors);
	for (size_t i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	assert_non_null(fx.config);
	config_errors_clear(&errors);
	fx.engine = engine_new(fx.config, now);
	fx.decoder = event_decoder_new();
}

static int
teardown(void **state)
{
	engine_free(&fx.engine);
	config_free(&fx.config);
	event_decoder_free(&fx.decoder);
	unlink(fx.path);
	return 0;
}

/* Apply one event written as printf-style JSON. */
static enum engine_result
feed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static enum engine_result
feed(const char *fmt, ...)
{
	char json[1024];
	struct event ev;
	va_list ap;
	enum event_reject why;

	va_start(ap, fmt);
	vsnprintf(json, sizeof json, fmt, ap);
	va_end(ap);
	why = event_decode(fx.decoder, json, strlen(json), &ev);
	if (why != REJECT_NONE) {
		engine_reject(fx.engine, ev.src, ev.has_seq, ev.seq);
		return (enum engine_result)-1;
	}
	return engine_apply(fx.engine, &ev);
}

static void
queued(int64_t ts, const char *call, const char *queue)
{
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"call\":\"%s\",\"queue\":\"%s\"}",
	    (long long)ts, call, queue);
}

static void
answered(int64_t ts, const char *call, const char *agent)
{
	feed("{\"type\":\"call.answered\",\"ts\":%lld,\"call\":\"%s\",\"agent\":\"%s\"}",
	    (long long)ts, call, agent);
}

static void
abandoned(int64_t ts, const char *call)
{
	feed("{\"type\":\"call.abandoned\",\"ts\":%lld,\"call\":\"%s\"}",
	    (long long)ts, call);
}

static void
ended(int64_t ts, const char *call, const char *extra)
{
	feed("{\"type\":\"call.ended\",\"ts\":%lld,\"call\":\"%s\"%s}",
	    (long long)ts, call, extra ? extra : "");
}

static void
agent_state(int64_t ts, const char *agent, const char *state, const char *extra)
{
	feed("{\"type\":\"agent.state\",\"ts\":%lld,\"agent\":\"%s\",\"state\":\"%s\"%s}",
	    (long long)ts, agent, state, extra ? extra : "");
}

/* Window index by name ("today" is the last). */
static size_t
window(const char *name)
{
	for (size_t i = 0; i < fx.config->n_windows; i++)
		if (strcmp(fx.config->windows[i].name, name) == 0)
			return i;
	assert_string_equal(name, "today");
	return fx.config->n_windows;
}

static struct kpi_figures
figures(const char *scope, const char *win)
{
	struct kpi_figures f;
	long i = engine_scope_find(fx.engine, scope);

	if (i < 0)
		fail_msg("no scope %s", scope);
	engine_scope_figures(fx.engine, (size_t)i, window(win), &f);
	return f;
}

static double
value(const char *scope, const char *win, const char *key)
{
	struct kpi_figures f = figures(scope, win);
	const struct metric_info *m = metric_find(key);

	assert_non_null(m);
	if (f.null[metric_id_of(m)])
		fail_msg("%s %s %s is null", scope, win, key);
	return f.value[metric_id_of(m)];
}

static bool
is_null(const char *scope, const char *win, const char *key)
{
	struct kpi_figures f = figures(scope, win);

	return f.null[metric_id_of(metric_find(key))];
}

static struct scope_now
now_of(const char *scope)
{
	struct scope_now n;
	long i = engine_scope_find(fx.engine, scope);

	assert_true(i >= 0);
	engine_scope_now(fx.engine, (size_t)i, &n);
	return n;
}

#define assert_value(scope, win, key, expected) \
	assert_float_equal(value(scope, win, key), (expected), 1e-9)

static const char *const basic_yaml =
    "site: {name: Leeds, timezone: Europe/London}\n"
    "windows: [15m, 60m]\n"
    "defaults: {sl_threshold: 20s, short_abandon: 5s}\n"
    "queues:\n"
    "  std: {}\n"
    "  ans: {sl_formula: answered}\n"
    "  pos: {sl_formula: abandons_positive}\n"
    "  ign: {sl_formula: abandons_ignored}\n";

/* Six calls in queue q, all queued at T0:
 *   c1 answered at 10s   (in SL)
 *   c2 answered at 20s   (exactly T: in SL)
 *   c3 abandoned at 3s   (short: <= S = 5s; in SL)
 *   c4 abandoned at 30s  (not short, out of SL)
 *   c5 abandoned at 8s   (not short, in SL)
 *   c6 exited (timeout) at 60s */
static void
six_calls(const char *q)
{
	char id[6][16];

	for (int i = 0; i < 6; i++) {
		snprintf(id[i], sizeof id[i], "%s-c%d", q, i + 1);
		queued(T0, id[i], q);
	}
	abandoned(T0 + 3 * S, id[2]);
	abandoned(T0 + 8 * S, id[4]);
	answered(T0 + 10 * S, id[0], "a1");
	answered(T0 + 20 * S, id[1], "a2");
	abandoned(T0 + 30 * S, id[3]);
	feed("{\"type\":\"call.exited\",\"ts\":%lld,\"call\":\"%s\",\"reason\":\"timeout\"}",
	    (long long)(T0 + 60 * S), id[5]);
}

/* An agent's id is kept inline when it is short and copied when not: ids
 * of 1, 23 (the longest inline), 24 and 61 bytes, differing only near
 * their ends, are each found again by later events, and each event moves
 * the agent it names (worked by hand: 4 ready, then the 24-byte one busy
 * on a call and the 61-byte one away). */
static void
test_agent_ids_short_and_long(void **state)
{
	static const char *const ids[] = {
		"a",
		"Local/1001@from-queue/n",      /* 23 bytes */
		"Local/1001@from-queue/nn",     /* 24 */
		"sip:agent.with.a.long.name@contact-centre.example.org;tag=x01", /* 61 */
	};
	struct scope_now n;
	bool seen[4] = { false };

	setup(basic_yaml, T0);
	assert_int_equal(strlen(ids[1]), 23);
	assert_int_equal(strlen(ids[2]), 24);
	assert_int_equal(strlen(ids[3]), 61);
	for (size_t k = 0; k < 4; k++)
		agent_state(T0, ids[k], "ready", ",\"queues\":[\"std\"]");
	n = now_of("queue:std");
	assert_int_equal(n.agents[AGENT_READY], 4);
	queued(T0 + S, "c1", "std");
	answered(T0 + 5 * S, "c1", ids[2]);
	agent_state(T0 + 6 * S, ids[3], "away", NULL);
	n = now_of("queue:std");
	assert_int_equal(n.agents[AGENT_READY], 2);
	assert_int_equal(n.agents[AGENT_BUSY], 1);
	assert_int_equal(n.agents[AGENT_AWAY], 1);
	assert_int_equal(engine_agent_count(fx.engine), 4);
	for (size_t i = 0; i < engine_agent_count(fx.engine); i++) {
		struct agent_info info;

		engine_agent_info(fx.engine, i, &info);
		for (size_t k = 0; k < 4; k++) {
			if (strcmp(info.id, ids[k]) != 0)
				continue;
			seen[k] = true;
			assert_int_equal(info.state, k == 2 ? AGENT_BUSY :
			    k == 3 ? AGENT_AWAY : AGENT_READY);
		}
	}
	for (size_t k = 0; k < 4; k++)
		assert_true(seen[k]);
	(void)state;
}

/*
 * A bridge names the agent's team and queues in every state it sends: the
 * same again changes nothing, a changed list or team moves the agent, and
 * the same queues in another order are the same membership.
 */
static void
test_agent_queues_and_team_sent_again(void **state)
{
	struct scope_now n;

	setup(basic_yaml, T0);
	agent_state(T0, "a1", "ready",
	    ",\"team\":\"red\",\"queues\":[\"std\",\"ans\"]");
	agent_state(T0 + 60 * S, "a1", "busy",
	    ",\"team\":\"red\",\"queues\":[\"std\",\"ans\"]");
	n = now_of("queue:std");
	assert_int_equal(n.agents[AGENT_BUSY], 1);
	assert_int_equal(n.agents[AGENT_READY], 0);
	n = now_of("team:red");
	assert_int_equal(n.agents[AGENT_BUSY], 1);
	agent_state(T0 + 120 * S, "a1", "ready",
	    ",\"team\":\"blue\",\"queues\":[\"ans\",\"pos\"]");
	n = now_of("queue:std");
	assert_int_equal(n.agents[AGENT_BUSY] + n.agents[AGENT_READY], 0);
	n = now_of("team:red");
	assert_int_equal(n.agents[AGENT_BUSY] + n.agents[AGENT_READY], 0);
	n = now_of("queue:pos");
	assert_int_equal(n.agents[AGENT_READY], 1);
	agent_state(T0 + 180 * S, "a1", "wrap",
	    ",\"team\":\"blue\",\"queues\":[\"pos\",\"ans\"]");
	n = now_of("queue:ans");
	assert_int_equal(n.agents[AGENT_WRAP], 1);
	n = now_of("queue:pos");
	assert_int_equal(n.agents[AGENT_WRAP], 1);
	n = now_of("team:blue");
	assert_int_equal(n.agents[AGENT_WRAP], 1);
	engine_advance(fx.engine, T0 + 200 * S);
	/* std had it 0-120 s: ready 60, busy 60 */
	assert_value("queue:std", "15m", "occupancy", 60.0 / 120);
	assert_value("team:red", "15m", "occupancy", 60.0 / 120);
	/* ans all along: ready 60 + 60, busy 60, wrap 20 */
	assert_value("queue:ans", "15m", "occupancy", 80.0 / 200);
	/* pos and blue from 120 s: ready 60, wrap 20 */
	assert_value("queue:pos", "15m", "occupancy", 20.0 / 80);
	assert_value("team:blue", "15m", "occupancy", 20.0 / 80);
	(void)state;
}

static void
test_queue_outcomes(void **state)
{
	setup(basic_yaml, T0);
	six_calls("std");
	/* offered 6 = 2 answered + 3 abandoned + 1 exited */
	assert_value("queue:std", "15m", "offered", 6);
	assert_value("queue:std", "15m", "answered", 2);
	assert_value("queue:std", "15m", "answered_in_sl", 2);
	assert_value("queue:std", "15m", "abandoned", 3);
	assert_value("queue:std", "15m", "short_abandoned", 1);
	assert_value("queue:std", "15m", "abandoned_in_sl", 2);  /* 3s and 8s */
	assert_value("queue:std", "15m", "exited", 1);
	/* standard: 2 / (6 - 1) */
	assert_value("queue:std", "15m", "service_level", 0.4);
	/* ASA (10 + 20) / 2 = 15 s; abandons (3 + 30 + 8) / 3 = 13666.67 -> 13667 */
	assert_value("queue:std", "15m", "asa_ms", 15000);
	assert_value("queue:std", "15m", "avg_abandon_ms", 13667);
	assert_value("queue:std", "15m", "max_wait_ms", 60000);
	/* (3 - 1) / (6 - 1) */
	assert_value("queue:std", "15m", "abandon_rate", 0.4);
	assert_value("queue:std", "today", "offered", 6);
	assert_value("all", "60m", "offered", 6);
	assert_value("all", "60m", "service_level", 0.4);
}

static void
test_sl_formulas(void **state)
{
	setup(basic_yaml, T0);
	six_calls("std");
	six_calls("ans");
	six_calls("pos");
	six_calls("ign");
	assert_value("queue:std", "15m", "service_level", 2.0 / 5);
	assert_value("queue:ans", "15m", "service_level", 2.0 / 2);   /* in SL / answered */
	assert_value("queue:pos", "15m", "service_level", 4.0 / 6);   /* (2 + 2) / 6 */
	assert_value("queue:ign", "15m", "service_level", 2.0 / 4);   /* 2 / (6 - 2) */
	/* all aggregates 24 calls with the default (standard) formula: 8 / (24 - 4) */
	assert_value("all", "15m", "service_level", 8.0 / 20);
}

/*
 * kpi_set_read_some, which staffing reads its inputs with, gives each sum
 * it is asked for as kpi_set_read does, in every window and today, as
 * entries come, agents change state and far edges pass them; and it
 * writes nothing it was not asked for. Worked by hand at 20 min: the 15m
 * window (5:00, 20:00] holds the arrivals at 6, 12 and 19 min (3), the
 * hour all four (4); handled talk 90 + 120 s; one agent wrapping from
 * 10 min for queue wrap time: 10 min = 600,000 ms in both windows.
 */
static void
test_kpi_read_some_as_read(void **state)
{
	const int64_t lengths[] = { 15 * MIN, 60 * MIN };
	struct kpi_set *set = kpi_set_new(lengths, 2, T0, T0);
	const int8_t wrap_in[KT_COUNT] = { [KT_WRAP_ATTR] = 1 };
	const int64_t arrivals[] = { 1, 6, 12, 19 };
	struct kpi_sums all, some;

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		kpi_set_advance(set, T0 + arrivals[k] * MIN, T0);
		kpi_set_add(set, KPI_ARRIVAL, 0, 0);
		kpi_set_add(set, KPI_ANSWERED, 5000, KPI_F_IN_SL);
		if (k == 1) {
			kpi_set_add(set, KPI_HANDLED, 90000, 0);
			kpi_set_add(set, KPI_ABANDONED, 30000, 0);
		}
		if (k == 2)
			kpi_set_add(set, KPI_HANDLED, 120000, 0);
		if (k == 1) {
			kpi_set_advance(set, T0 + 10 * MIN, T0);
			kpi_set_agents(set, wrap_in);
		}
	}
	kpi_set_advance(set, T0 + 20 * MIN, T0);
	for (size_t w = 0; w <= 2; w++) {
		kpi_set_read(set, w, &all);
		for (int k = 0; k < KS_COUNT; k++) {
			memset(&some, 0x5a, sizeof some);
			kpi_set_read_some(set, w, 1u << k, 0, &some);
			assert_int_equal(some.n[k], all.n[k]);
			for (int j = 0; j < KS_COUNT; j++)
				if (j != k)
					assert_int_equal(some.n[j], 0x5a5a5a5a5a5a5a5aLL);
		}
		for (int k = 0; k < KT_COUNT; k++) {
			memset(&some, 0x5a, sizeof some);
			kpi_set_read_some(set, w, 0, 1u << k, &some);
			assert_int_equal(some.time_ms[k], all.time_ms[k]);
			assert_int_equal(some.max_wait_ms, 0x5a5a5a5a5a5a5a5aLL);
		}
	}
	kpi_set_read_some(set, 0, 1u << KS_ARRIVALS, 1u << KT_WRAP_ATTR, &some);
	assert_int_equal(some.n[KS_ARRIVALS], 3);
	assert_int_equal(some.time_ms[KT_WRAP_ATTR], 10 * MIN);
	kpi_set_read_some(set, 1, 1u << KS_ARRIVALS | 1u << KS_HANDLED |
	    1u << KS_TALK_MS | 1u << KS_ABANDONED | 1u << KS_WAIT_ABANDONED_MS,
	    1u << KT_WRAP_ATTR, &some);
	assert_int_equal(some.n[KS_ARRIVALS], 4);
	assert_int_equal(some.n[KS_HANDLED], 2);
	assert_int_equal(some.n[KS_TALK_MS], 210000);
	assert_int_equal(some.n[KS_ABANDONED], 1);
	assert_int_equal(some.n[KS_WAIT_ABANDONED_MS], 30000);
	assert_int_equal(some.time_ms[KT_WRAP_ATTR], 10 * MIN);
	kpi_set_free(&set);
}

/*
 * When a window's sums of some kinds next move (staffing's schedule).
 * A 60 s window; entries, by hand: at 1 s an agent busy, at 2 s an
 * arrival, at 3 s a handled call, at 4 s and 5 s wrap attributed +1 and
 * -1, then ten more busy changes from 6 s, then an arrival at 16 s. At
 * 20 s nothing is in motion (wrap attributed is back to 0 at both
 * edges), so each kind moves when its first entry leaves: the arrival at
 * 2 + 60 s, the handled call at 63 s, wrap attributed at 64 s. Once
 * the first arrival has gone, the next is the one at 16 s: 76 s, or
 * sooner when the entries before it are more than the function looks
 * at, but never later.
 */
static void
test_kpi_moves_of_kinds(void **state)
{
	const int64_t lengths[] = { 60 * S };
	struct kpi_set *set = kpi_set_new(lengths, 1, T0, T0);
	const int8_t busy[KT_COUNT] = { [KT_BUSY] = 1 };
	const int8_t wrap_in[KT_COUNT] = { [KT_WRAP_ATTR] = 1 };
	const int8_t wrap_out[KT_COUNT] = { [KT_WRAP_ATTR] = -1 };
	const unsigned state_bit = 1u << KPI_STATE;
	const unsigned wrap_t = 1u << KT_WRAP_ATTR;
	struct kpi_sums sums;
	int64_t m;

	(void)state;
	kpi_set_advance(set, T0 + 1 * S, T0);
	kpi_set_agents(set, busy);
	kpi_set_advance(set, T0 + 2 * S, T0);
	kpi_set_add(set, KPI_ARRIVAL, 0, 0);
	kpi_set_advance(set, T0 + 3 * S, T0);
	kpi_set_add(set, KPI_HANDLED, 60 * S, 0);
	kpi_set_advance(set, T0 + 4 * S, T0);
	kpi_set_agents(set, wrap_in);
	kpi_set_advance(set, T0 + 5 * S, T0);
	kpi_set_agents(set, wrap_out);
	for (int k = 0; k < 10; k++) {
		kpi_set_advance(set, T0 + (6 + k) * S, T0);
		kpi_set_agents(set, busy);
	}
	kpi_set_advance(set, T0 + 16 * S, T0);
	kpi_set_add(set, KPI_ARRIVAL, 0, 0);
	kpi_set_advance(set, T0 + 20 * S, T0);
	kpi_set_read(set, 0, &sums);
	assert_int_equal(kpi_set_moves(set, 0, 0), T0 + 61 * S);
	assert_int_equal(kpi_set_moves_of(set, 0, 0, 1u << KPI_ARRIVAL),
	    T0 + 62 * S);
	assert_int_equal(kpi_set_moves_of(set, 0, wrap_t,
	    1u << KPI_HANDLED | state_bit), T0 + 63 * S);
	assert_int_equal(kpi_set_moves_of(set, 0, wrap_t, state_bit),
	    T0 + 64 * S);
	/* no survey in the window: never, or (looking at only some of the
	 * entries) when one of them leaves */
	m = kpi_set_moves_of(set, 0, 0, 1u << KPI_SURVEY);
	assert_true(m == INT64_MAX || (m >= T0 + 61 * S && m <= T0 + 76 * S));
	/* at 62.5 s the first arrival has gone */
	kpi_set_advance(set, T0 + 62 * S + 500, T0);
	kpi_set_read(set, 0, &sums);
	assert_int_equal(sums.n[KS_ARRIVALS], 1);
	m = kpi_set_moves_of(set, 0, 0, 1u << KPI_ARRIVAL);
	assert_true(m > T0 + 62 * S + 500 && m <= T0 + 76 * S);
	if (KPI_MOVES_SCAN >= 14)      /* the arrival is the 14th entry */
		assert_int_equal(m, T0 + 76 * S);
	/* while an agent wraps for the queue, wrap time moves with the clock */
	kpi_set_agents(set, wrap_in);
	assert_int_equal(kpi_set_moves_of(set, 0, wrap_t, state_bit),
	    T0 + 62 * S + 500);
	kpi_set_free(&set);
}

/*
 * A stamp of what a window counts (alert rules keep a figure until it
 * moves). A 60 s window, by hand: at 1 s an agent goes busy, at 2 s a
 * call is answered; read at 20 s. Agents' states coming (30 s) or going
 * (the one at 1 s is out at 61 s) leave the counts as they were; an
 * arrival (40 s) or the answer leaving (at 62 s, not 61.999 s) does not,
 * and a read then finds the answer gone. 'today' has no stamp.
 */
static void
test_kpi_counts_stamp(void **state)
{
	const int64_t lengths[] = { 60 * S };
	struct kpi_set *set = kpi_set_new(lengths, 1, T0, T0);
	const int8_t busy[KT_COUNT] = { [KT_BUSY] = 1 };
	struct kpi_sums sums;
	uint64_t stamp;

	(void)state;
	kpi_set_advance(set, T0 + 1 * S, T0);
	kpi_set_agents(set, busy);
	kpi_set_advance(set, T0 + 2 * S, T0);
	kpi_set_add(set, KPI_ANSWERED, 5 * S, KPI_F_IN_SL);
	kpi_set_advance(set, T0 + 20 * S, T0);
	kpi_set_read(set, 0, &sums);
	stamp = kpi_set_counts_stamp(set, 0);
	assert_true(stamp != 0);
	assert_true(kpi_set_counts_same(set, 0, stamp, T0 + 20 * S));
	kpi_set_advance(set, T0 + 30 * S, T0);
	kpi_set_agents(set, busy);
	assert_true(kpi_set_counts_same(set, 0, stamp, T0 + 30 * S));
	kpi_set_advance(set, T0 + 40 * S, T0);
	kpi_set_add(set, KPI_ARRIVAL, 0, 0);
	assert_false(kpi_set_counts_same(set, 0, stamp, T0 + 40 * S));
	kpi_set_read(set, 0, &sums);
	assert_int_equal(sums.n[KS_ARRIVALS], 1);
	stamp = kpi_set_counts_stamp(set, 0);
	/* the state at 1 s leaves at 61 s: unread, then read */
	assert_true(kpi_set_counts_same(set, 0, stamp, T0 + 61 * S + 500));
	kpi_set_advance(set, T0 + 61 * S + 500, T0);
	kpi_set_read(set, 0, &sums);
	assert_int_equal(sums.n[KS_ANSWERED], 1);
	assert_true(kpi_set_counts_same(set, 0, stamp, T0 + 61 * S + 999));
	/* the answer at 2 s is out at 62 s */
	assert_false(kpi_set_counts_same(set, 0, stamp, T0 + 62 * S));
	kpi_set_advance(set, T0 + 62 * S, T0);
	kpi_set_read(set, 0, &sums);
	assert_int_equal(sums.n[KS_ANSWERED], 0);
	assert_false(kpi_set_counts_same(set, 0, stamp, T0 + 62 * S));
	/* today */
	assert_int_equal(kpi_set_counts_stamp(set, 1), 0);
	assert_false(kpi_set_counts_same(set, 1, 0, T0 + 62 * S));
	kpi_set_free(&set);
}

/*
 * With one window, staffing's arrivals and handle time are read from the
 * same one: while an agent wraps a call of the queue, the wrap time in it
 * grows, so the queue is judged again at the next mark. Worked by hand:
 * the daemon started two hours before 09:00 (the window is full); a call
 * queued at 09:00, answered at 09:00:10, ended at 09:01:10, its agent
 * wrapping since; at 09:10:02 the inputs are those of the mark 09:10:00
 * and the next to take is 09:10:05 (before, only the arrival leaving the
 * hour at 10:00 was seen). Once it is ready again, nothing moves until
 * the arrival leaves the hour, at 10:00.
 */
static void
test_staffing_one_window_wrap_moves(void **state)
{
	static const char *const yaml =
	    "site: {name: Leeds, timezone: Europe/London}\n"
	    "windows: [60m]\n"
	    "queues: {std: {}}\n";
	int64_t staffed;
	bool short_of_staff;
	long i;

	(void)state;
	setup(yaml, T0 - 120 * MIN);
	agent_state(T0 - 100 * MIN, "a1", "ready", ",\"queues\":[\"std\"]");
	queued(T0, "c1", "std");
	answered(T0 + 10 * S, "c1", "a1");
	ended(T0 + 70 * S, "c1", NULL);
	agent_state(T0 + 70 * S, "a1", "wrap", NULL);
	engine_advance(fx.engine, T0 + 10 * MIN + 2 * S);
	i = engine_scope_find(fx.engine, "queue:std");
	assert_true(i >= 0);
	assert_true(engine_scope_short_of_staff(fx.engine, (size_t)i, &staffed,
	    &short_of_staff));
	assert_int_equal(staffed, 1);
	assert_int_equal(engine_scope_staffing_moves(fx.engine, (size_t)i),
	    T0 + 10 * MIN + 5 * S);
	agent_state(T0 + 11 * MIN, "a1", "ready", NULL);
	engine_advance(fx.engine, T0 + 12 * MIN + 1 * S);
	assert_true(engine_scope_short_of_staff(fx.engine, (size_t)i, &staffed,
	    &short_of_staff));
	/* the wrap ended: the hour's wrap time stands until its entries
	 * leave; the first entry to leave that staffing reads is the
	 * arrival */
	assert_int_equal(engine_scope_staffing_moves(fx.engine, (size_t)i),
	    T0 + 60 * MIN);
}

/*
 * A set's entries hold their time within their block (24 bits of ms, 4.6
 * hours): entries further apart start a new block, and the windows and
 * today still hold exactly what they should. A talk of 5 days counts in
 * full; one of 7 days counts as the most an entry holds (2^29 - 1 ms).
 * Worked by hand: handled calls at 0, 5 h and 10 h 30 min, talks of
 * 60 s, 5 days and 7 days; a 6-hour window at 10 h 30 min is (4:30,
 * 10:30]: the 5 h and the 10 h 30 min calls.
 */
static void
test_kpi_entries_far_apart(void **state)
{
	const int64_t lengths[] = { 6 * 60 * MIN };
	struct kpi_set *set = kpi_set_new(lengths, 1, T0, T0 - 3600 * S);
	struct kpi_sums w, today;

	(void)state;
	kpi_set_add(set, KPI_HANDLED, 60 * S, 0);
	kpi_set_advance(set, T0 + 5 * 60 * MIN, T0 - 3600 * S);
	kpi_set_add(set, KPI_HANDLED, 5 * 24 * 3600 * S, KPI_F_RESOLVED |
	    KPI_F_RESOLVED_KNOWN);
	kpi_set_advance(set, T0 + 630 * MIN, T0 - 3600 * S);
	kpi_set_add(set, KPI_HANDLED, 7 * 24 * 3600 * S, KPI_F_TRANSFERRED);
	kpi_set_read(set, 0, &w);
	kpi_set_read(set, 1, &today);
	assert_int_equal(w.n[KS_HANDLED], 2);
	assert_int_equal(w.n[KS_TALK_MS], 5 * 24 * 3600 * S + 536870911LL);
	assert_int_equal(w.n[KS_RESOLVED], 1);
	assert_int_equal(w.n[KS_RESOLVED_KNOWN], 1);
	assert_int_equal(w.n[KS_TRANSFERRED], 1);
	assert_int_equal(today.n[KS_HANDLED], 3);
	assert_int_equal(today.n[KS_TALK_MS], 60 * S + 5 * 24 * 3600 * S +
	    536870911LL);
	/* 6 h later the window has let all three go, today keeps them */
	kpi_set_advance(set, T0 + 990 * MIN + 1, T0 - 3600 * S);
	kpi_set_read(set, 0, &w);
	assert_int_equal(w.n[KS_HANDLED], 0);
	assert_int_equal(w.n[KS_TALK_MS], 0);
	kpi_set_free(&set);
}

static void
test_windows_slide_and_empty_null(void **state)
{
	setup(basic_yaml, T0);
	/* Nothing yet: counts 0, ratios and means null. */
	assert_value("queue:std", "15m", "offered", 0);
	assert_true(is_null("queue:std", "15m", "service_level"));
	assert_true(is_null("queue:std", "15m", "asa_ms"));
	assert_true(is_null("queue:std", "15m", "max_wait_ms"));
	assert_true(is_null("queue:std", "15m", "occupancy"));
	assert_true(is_null("queue:std", "15m", "csat_avg"));
	queued(T0, "c1", "std");
	answered(T0 + 10 * S, "c1", "a1");
	/* The answer happened at T0+10s: in the 15m window until T0+10s+15m. */
	engine_advance(fx.engine, T0 + 10 * S + 15 * MIN - 1);
	assert_value("queue:std", "15m", "answered", 1);
	engine_advance(fx.engine, T0 + 10 * S + 15 * MIN);
	assert_value("queue:std", "15m", "answered", 0);
	assert_true(is_null("queue:std", "15m", "asa_ms"));
	assert_true(is_null("queue:std", "15m", "max_wait_ms"));
	assert_value("queue:std", "60m", "answered", 1);
	assert_value("queue:std", "60m", "asa_ms", 10000);
	assert_value("queue:std", "today", "answered", 1);
}

static void
test_max_wait_slides(void **state)
{
	setup(basic_yaml, T0);
	/* A 50 s wait answered at T0+50s, then a 10 s wait answered at T0+5m. */
	queued(T0, "a", "std");
	answered(T0 + 50 * S, "a", "x1");
	queued(T0 + 290 * S, "b", "std");
	answered(T0 + 300 * S, "b", "x2");
	assert_value("queue:std", "15m", "max_wait_ms", 50000);
	/* 15 minutes after the first answer only the 10 s wait remains. */
	engine_advance(fx.engine, T0 + 50 * S + 15 * MIN);
	assert_value("queue:std", "15m", "max_wait_ms", 10000);
	assert_value("queue:std", "60m", "max_wait_ms", 50000);
}

static void
test_now_waiting_and_longest(void **state)
{
	setup(basic_yaml, T0);
	queued(T0, "c1", "std");
	queued(T0 + 30 * S, "c2", "std");
	engine_advance(fx.engine, T0 + 41 * S);
	struct scope_now n = now_of("queue:std");
	assert_int_equal(n.waiting, 2);
	assert_int_equal(n.longest_wait_ms, 41000);
	answered(T0 + 45 * S, "c1", "a1");
	n = now_of("queue:std");
	assert_int_equal(n.waiting, 1);
	assert_int_equal(n.longest_wait_ms, 15000);  /* c2: 45 - 30 */
	assert_int_equal(now_of("all").waiting, 1);
	abandoned(T0 + 50 * S, "c2");
	n = now_of("queue:std");
	assert_int_equal(n.waiting, 0);
	assert_int_equal(n.longest_wait_ms, 0);
}

static void
test_occupancy_and_aht(void **state)
{
	setup(basic_yaml, T0);
	/* a1: ready at T0; call answered at +60s; ended at +120s with wrap-up
	 * sent AFTER call.ended at the same ts; ready again at +150s. */
	agent_state(T0, "a1", "ready", ",\"queues\":[\"std\"]");
	queued(T0 + 50 * S, "c1", "std");
	answered(T0 + 60 * S, "c1", "a1");
	ended(T0 + 120 * S, "c1", NULL);
	agent_state(T0 + 120 * S, "a1", "wrap", NULL);
	agent_state(T0 + 150 * S, "a1", "ready", NULL);
	engine_advance(fx.engine, T0 + 200 * S);
	/* busy 60 s, wrap 30 s, ready 60 + 50 = 110 s: occupancy 90 / 200 */
	assert_value("queue:std", "15m", "occupancy", 90.0 / 200);
	assert_value("all", "15m", "occupancy", 90.0 / 200);
	assert_value("queue:std", "15m", "handled", 1);
	assert_value("queue:std", "15m", "talk_ms", 60000);
	assert_value("queue:std", "15m", "wrap_ms", 30000);
	/* AHT (60 + 30) / 1 */
	assert_value("queue:std", "15m", "aht_ms", 90000);
	assert_value("all", "15m", "aht_ms", 90000);
}

static void
test_wrap_before_ended(void **state)
{
	setup(basic_yaml, T0);
	/* The same call, wrap-up sent BEFORE call.ended at the same ts: the wrap
	 * still counts for the call's queue. An earlier call in another queue
	 * must not take it. */
	agent_state(T0, "a1", "ready", ",\"queues\":[\"std\",\"ans\"]");
	queued(T0, "old", "ans");
	answered(T0 + 10 * S, "old", "a1");
	ended(T0 + 20 * S, "old", NULL);
	queued(T0 + 30 * S, "c1", "std");
	answered(T0 + 40 * S, "c1", "a1");
	agent_state(T0 + 100 * S, "a1", "wrap", NULL);
	ended(T0 + 100 * S, "c1", NULL);
	agent_state(T0 + 145 * S, "a1", "ready", NULL);
	engine_advance(fx.engine, T0 + 200 * S);
	assert_value("queue:std", "15m", "wrap_ms", 45000);
	assert_value("queue:ans", "15m", "wrap_ms", 0);
	/* std: talk 60 s + wrap 45 s over 1 call */
	assert_value("queue:std", "15m", "aht_ms", 105000);
	/* ans: talk 10 s, no wrap */
	assert_value("queue:ans", "15m", "aht_ms", 10000);
	/* The agent serves both queues: both see its time.
	 * busy 10 + 60 = 70 s, wrap 45 s, ready 10 + 20 + 55 = 85 s. */
	assert_value("queue:std", "15m", "occupancy", 115.0 / 200);
	assert_value("queue:ans", "15m", "occupancy", 115.0 / 200);
	/* handled counts only in each call's own queue */
	assert_value("queue:std", "15m", "handled", 1);
	assert_value("queue:ans", "15m", "handled", 1);
	assert_value("all", "15m", "handled", 2);
}

static void
test_state_time_slides_out(void **state)
{
	setup(basic_yaml, T0);
	/* Busy from T0 to T0+10m, then ready. At T0+20m the 15m window covers
	 * T0+5m..T0+20m: busy 5 min, ready 10 min. */
	agent_state(T0, "a1", "busy", NULL);
	agent_state(T0 + 10 * MIN, "a1", "ready", NULL);
	engine_advance(fx.engine, T0 + 20 * MIN);
	assert_value("all", "15m", "occupancy", 5.0 / 15);
	assert_value("all", "60m", "occupancy", 10.0 / 20);
}

static const char *const team_yaml =
    "site: {name: Leeds, timezone: Europe/London}\n"
    "windows: [15m]\n"
    "queues: {support: {}, sales: {}}\n"
    "teams:\n"
    "  billing: {agents: [a1], queues: [support]}\n"
    "  floaters: {agents: [a2]}\n";

static void
test_teams(void **state)
{
	setup(team_yaml, T0);
	queued(T0, "c1", "support");
	answered(T0 + 5 * S, "c1", "a2");   /* a floater answers a support call */
	ended(T0 + 65 * S, "c1", ",\"resolved\":true");
	queued(T0 + 70 * S, "c2", "sales");
	abandoned(T0 + 80 * S, "c2");
	/* billing shows queue support's outcomes (c1 answered), not sales'. */
	assert_value("team:billing", "15m", "offered", 1);
	assert_value("team:billing", "15m", "answered", 1);
	/* but the handled call was a2's, a floater's */
	assert_value("team:billing", "15m", "handled", 0);
	assert_value("team:floaters", "15m", "handled", 1);
	assert_value("team:floaters", "15m", "fcr", 1);
	/* floaters has no queues: its queue-outcome figures are null */
	assert_true(is_null("team:floaters", "15m", "offered"));
	assert_true(is_null("team:floaters", "15m", "service_level"));
	assert_false(now_of("team:floaters").waiting_known);
	assert_true(now_of("team:billing").waiting_known);
	/* config agents start offline and are counted in their team */
	assert_int_equal(now_of("team:billing").agents[AGENT_OFFLINE], 1);
	assert_int_equal(now_of("team:floaters").agents[AGENT_READY], 1);
}

static void
test_overflow_to_another_queue(void **state)
{
	setup(basic_yaml, T0);
	/* One call waits 30 s in std, overflows, waits 12 s in ans, answered. */
	queued(T0, "c1", "std");
	feed("{\"type\":\"call.exited\",\"ts\":%lld,\"call\":\"c1\",\"reason\":"
	    "\"overflow\",\"queue\":\"std\",\"to_queue\":\"ans\"}", (long long)(T0 + 30 * S));
	queued(T0 + 30 * S, "c1", "ans");
	answered(T0 + 42 * S, "c1", "a1");
	assert_value("queue:std", "15m", "offered", 1);
	assert_value("queue:std", "15m", "exited", 1);
	assert_value("queue:std", "15m", "max_wait_ms", 30000);
	assert_value("queue:ans", "15m", "offered", 1);
	assert_value("queue:ans", "15m", "asa_ms", 12000);
	assert_value("queue:ans", "15m", "service_level", 1);
	/* all sums its queues: two visits */
	assert_value("all", "15m", "offered", 2);
	assert_value("all", "15m", "answered", 1);
	assert_int_equal(now_of("all").waiting, 0);
}

static void
test_surveys(void **state)
{
	setup(team_yaml, T0);
	queued(T0, "c1", "support");
	answered(T0 + 5 * S, "c1", "a1");
	ended(T0 + 65 * S, "c1", NULL);
	/* For a known call with no queue/agent: the call's queue and agent. */
	feed("{\"type\":\"survey\",\"ts\":%lld,\"call\":\"c1\",\"csat\":5}",
	    (long long)(T0 + 120 * S));
	/* For an unknown call, naming only a queue. */
	feed("{\"type\":\"survey\",\"ts\":%lld,\"call\":\"nobody\",\"queue\":\"sales\",\"csat\":2}",
	    (long long)(T0 + 130 * S));
	/* For no call at all: counts in all only. */
	feed("{\"type\":\"survey\",\"ts\":%lld,\"csat\":4}", (long long)(T0 + 140 * S));
	/* Naming a queue nothing has made: no queue is made (a feed cannot
	 * invent queues through surveys); it counts in all. */
	feed("{\"type\":\"survey\",\"ts\":%lld,\"queue\":\"nowhere\",\"csat\":1}",
	    (long long)(T0 + 150 * S));
	assert_int_equal(engine_scope_find(fx.engine, "queue:nowhere"), -1);
	assert_value("queue:support", "15m", "csat", 1);
	assert_value("queue:support", "15m", "csat_avg", 5);
	assert_value("team:billing", "15m", "csat_avg", 5);
	assert_value("queue:sales", "15m", "csat", 0);
	/* all: scores 5, 2, 4, 1 -> 2 of 4 are 4 or 5; mean 12/4 */
	assert_value("all", "15m", "csat", 2.0 / 4);
	assert_value("all", "15m", "csat_avg", 12.0 / 4);
}

static void
test_transfer_fcr_repeat(void **state)
{
	setup(basic_yaml, T0);
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"call\":\"c1\",\"queue\":\"std\",\"caller\":\"h1\"}",
	    (long long)T0);
	answered(T0 + 5 * S, "c1", "a1");
	ended(T0 + 60 * S, "c1", ",\"transferred\":true,\"resolved\":false");
	/* h1 calls again 10 min later: a repeat. h2 is new. c3 has no caller. */
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"call\":\"c2\",\"queue\":\"std\",\"caller\":\"h1\"}",
	    (long long)(T0 + 10 * MIN));
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"call\":\"c4\",\"queue\":\"std\",\"caller\":\"h2\"}",
	    (long long)(T0 + 10 * MIN));
	queued(T0 + 10 * MIN, "c3", "std");
	answered(T0 + 10 * MIN + 5 * S, "c2", "a1");
	ended(T0 + 11 * MIN, "c2", ",\"resolved\":true");
	answered(T0 + 11 * MIN, "c3", "a1");
	ended(T0 + 12 * MIN, "c3", NULL);
	abandoned(T0 + 12 * MIN, "c4");
	/* transfers 1 of 3 handled; fcr 1 of the 2 that carry resolved */
	assert_value("queue:std", "15m", "transfer_rate", 1.0 / 3);
	assert_value("queue:std", "15m", "fcr", 1.0 / 2);
	/* repeat: c2 of {c1, c2, c4} carrying a caller */
	assert_value("queue:std", "15m", "repeat_rate", 1.0 / 3);
}

static void
test_duplicate_gap_restart(void **state)
{
	setup(basic_yaml, T0);
	struct feed_info f;

	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"src\":\"p\",\"seq\":1,\"call\":\"c1\",\"queue\":\"std\"}", (long long)T0);
	/* seq 1 again would be a restart; a repeat of seq 2 is a duplicate */
	feed("{\"type\":\"call.answered\",\"ts\":%lld,\"src\":\"p\",\"seq\":2,\"call\":\"c1\",\"agent\":\"a1\"}", (long long)(T0 + S));
	assert_int_equal(feed("{\"type\":\"call.answered\",\"ts\":%lld,\"src\":\"p\",\"seq\":2,\"call\":\"c1\",\"agent\":\"a1\"}", (long long)(T0 + S)), ENGINE_DUPLICATE);
	/* seq 3, 4 lost: seq 5 shows a gap of 2 */
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"src\":\"p\",\"seq\":5,\"call\":\"c2\",\"queue\":\"std\"}", (long long)(T0 + 2 * S));
	/* the feed restarts */
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"src\":\"p\",\"seq\":1,\"call\":\"c3\",\"queue\":\"std\"}", (long long)(T0 + 3 * S));
	engine_feed_info(fx.engine, 0, &f);
	assert_string_equal(f.name, "p");
	assert_int_equal(f.events, 4);
	assert_int_equal(f.duplicates, 1);
	assert_int_equal(f.gaps, 2);
	assert_int_equal(f.restarts, 1);
	/* the duplicate answer was not applied twice */
	assert_value("queue:std", "15m", "answered", 1);
	assert_int_equal(now_of("queue:std").waiting, 2);
}

static void
test_orphans_and_rejects(void **state)
{
	setup(basic_yaml, T0);
	struct feed_info f;

	/* A feed started mid-call: answer and end for a call never queued. */
	assert_int_equal(feed("{\"type\":\"call.answered\",\"ts\":%lld,\"call\":\"x\",\"agent\":\"a9\"}", (long long)T0), ENGINE_ORPHAN);
	assert_int_equal(feed("{\"type\":\"call.ended\",\"ts\":%lld,\"call\":\"x\"}", (long long)T0), ENGINE_ORPHAN);
	/* A call.queued without its queue is rejected whole. */
	feed("{\"type\":\"call.queued\",\"ts\":%lld,\"call\":\"y\"}", (long long)T0);
	feed("{\"type\":\"call.future\",\"ts\":%lld}", (long long)T0);
	engine_feed_info(fx.engine, 0, &f);
	assert_int_equal(f.orphans, 2);
	assert_int_equal(f.rejected, 1);
	assert_int_equal(f.ignored, 1);
	assert_value("all", "15m", "offered", 0);
	assert_int_equal(now_of("all").waiting, 0);
	/* the orphan's agent was not made busy, not even created */
	assert_int_equal(now_of("all").staffed, 0);
}

static void
test_call_timeout(void **state)
{
	setup("site: {timezone: UTC}\ncall_timeout: 1h\n", T0);
	struct feed_info f;

	queued(T0, "lostcall", "q");
	engine_advance(fx.engine, T0 + 59 * MIN);
	assert_int_equal(now_of("all").longest_wait_ms, 59 * MIN);
	engine_advance(fx.engine, T0 + 61 * MIN);
	assert_int_equal(now_of("all").waiting, 0);
	assert_int_equal(now_of("all").longest_wait_ms, 0);
	engine_feed_info(fx.engine, 0, &f);
	assert_int_equal(f.lost, 1);
	/* its outcome, arriving now, is an orphan */
	abandoned(T0 + 62 * MIN, "lostcall");
	engine_feed_info(fx.engine, 0, &f);
	assert_int_equal(f.orphans, 1);
}

static void
test_day_start_dst(void **state)
{
	/* 2026-03-29 in London is 23 hours long: BST starts at 01:00Z. */
	const int64_t day = 1774742400000LL;        /* 2026-03-29T00:00Z */
	const int64_t next = 1774825200000LL;       /* 2026-03-30T00:00 BST */

	setup("site: {timezone: Europe/London, day_start: \"00:00\"}\n", day + 12 * 3600 * S);
	assert_int_equal(engine_day_start(fx.engine), day);
	queued(day + 12 * 3600 * S, "c1", "q");
	abandoned(day + 12 * 3600 * S + 30 * S, "c1");
	engine_advance(fx.engine, next - 1);
	assert_value("all", "today", "abandoned", 1);
	engine_advance(fx.engine, next);
	assert_int_equal(engine_day_start(fx.engine), next);
	assert_value("all", "today", "abandoned", 0);
}

static void
test_today_state_time_splits_at_midnight(void **state)
{
	const int64_t midnight = 1795132800000LL + 24 * 3600 * S; /* 2026-11-21T00:00Z */

	setup("site: {timezone: UTC}\nwindows: [60m]\n", midnight - 30 * MIN);
	/* busy across midnight: today holds only the part after it */
	agent_state(midnight - 30 * MIN, "a1", "busy", NULL);
	agent_state(midnight + 10 * MIN, "a1", "ready", NULL);
	engine_advance(fx.engine, midnight + 20 * MIN);
	/* today: busy 10 min, ready 10 min; 60m: busy 40 min, ready 10 min */
	assert_value("all", "today", "occupancy", 0.5);
	assert_value("all", "60m", "occupancy", 0.8);
}

static void
test_asterisk_formulas(void **state)
{
	setup("site: {timezone: UTC}\nwindows: [15m]\n"
	    "queues: {ast: {sl_formula: asterisk}, ast2: {sl_formula: asterisk2}}\n", T0);
	const char *queues[] = { "ast", "ast2" };

	for (int i = 0; i < 2; i++) {
		const char *q = queues[i];
		char c[6][16];

		for (int k = 0; k < 6; k++) {
			snprintf(c[k], sizeof c[k], "%s-%d", q, k);
			queued(T0, c[k], q);
		}
		answered(T0 + 10 * S, c[0], "x");       /* in SL (T = 20 s) */
		answered(T0 + 30 * S, c[1], "y");       /* out of SL */
		answered(T0 + 5 * S, c[2], "z");        /* in SL, still talking */
		abandoned(T0 + 3 * S, c[3]);            /* an abandon in SL */
		feed("{\"type\":\"call.exited\",\"ts\":%lld,\"call\":\"%s\",\"reason\":\"timeout\"}",
		    (long long)(T0 + 15 * S), c[4]);     /* app_queue: an abandon, in SL */
		feed("{\"type\":\"call.exited\",\"ts\":%lld,\"call\":\"%s\",\"reason\":\"key\"}",
		    (long long)(T0 + 8 * S), c[5]);      /* EXITWITHKEY: not an abandon */
		ended(T0 + 90 * S, c[0], NULL);
		ended(T0 + 95 * S, c[1], NULL);
	}
	/* SL: completed in SL / completed: c0 of {c0, c1} */
	assert_value("queue:ast", "15m", "service_level", 1.0 / 2);
	/* SL2: (C in SL + A in SL) / (C + A): (1 + 2) / (2 + 2) */
	assert_value("queue:ast2", "15m", "service_level", 3.0 / 4);
}

static void
test_staffing_erlang_c(void **state)
{
	int64_t needed;
	char id[16];

	setup("site: {timezone: UTC}\nwindows: [15m, 60m]\nqueues: {q: {}}\n", T0);
	/* One handled call teaches the handle time: talk 100 s, no wrap. */
	queued(T0, "first", "q");
	answered(T0, "first", "a1");
	ended(T0 + 100 * S, "first", NULL);
	/* 90 arrivals in the last 15 minutes: 0.1 calls/s, so A = 10 erlangs. */
	for (int k = 1; k <= 90; k++) {
		snprintf(id, sizeof id, "c%d", k);
		queued(T0 + 45 * MIN + k * 10 * S, id, "q");
	}
	engine_advance(fx.engine, T0 + 60 * MIN);
	/* No abandons: Erlang C. With A = 10, AHT 100 s, T = 20 s, the direct
	 * formula gives SL 69.9% with 12 agents and 84.3% with 13: 13 for 80%. */
	assert_true(engine_scope_agents_needed(fx.engine,
	    (size_t)engine_scope_find(fx.engine, "queue:q"), &needed));
	assert_int_equal(needed, 13);
	/* all sums its queues */
	assert_true(engine_scope_agents_needed(fx.engine, 0, &needed));
	assert_int_equal(needed, 13);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_queue_outcomes, teardown),
		cmocka_unit_test_teardown(test_sl_formulas, teardown),
		cmocka_unit_test_teardown(test_windows_slide_and_empty_null, teardown),
		cmocka_unit_test(test_kpi_read_some_as_read),
		cmocka_unit_test(test_kpi_entries_far_apart),
		cmocka_unit_test_teardown(test_max_wait_slides, teardown),
		cmocka_unit_test_teardown(test_now_waiting_and_longest, teardown),
		cmocka_unit_test_teardown(test_occupancy_and_aht, teardown),
		cmocka_unit_test_teardown(test_wrap_before_ended, teardown),
		cmocka_unit_test_teardown(test_state_time_slides_out, teardown),
		cmocka_unit_test_teardown(test_teams, teardown),
		cmocka_unit_test_teardown(test_overflow_to_another_queue, teardown),
		cmocka_unit_test_teardown(test_surveys, teardown),
		cmocka_unit_test_teardown(test_transfer_fcr_repeat, teardown),
		cmocka_unit_test_teardown(test_duplicate_gap_restart, teardown),
		cmocka_unit_test_teardown(test_orphans_and_rejects, teardown),
		cmocka_unit_test_teardown(test_call_timeout, teardown),
		cmocka_unit_test_teardown(test_day_start_dst, teardown),
		cmocka_unit_test_teardown(test_today_state_time_splits_at_midnight, teardown),
		cmocka_unit_test_teardown(test_asterisk_formulas, teardown),
		cmocka_unit_test_teardown(test_staffing_erlang_c, teardown),
		cmocka_unit_test_teardown(test_agent_ids_short_and_long, teardown),
		cmocka_unit_test(test_kpi_moves_of_kinds),
		cmocka_unit_test(test_kpi_counts_stamp),
		cmocka_unit_test_teardown(test_staffing_one_window_wrap_moves,
		    teardown),
		cmocka_unit_test_teardown(test_agent_queues_and_team_sent_again,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
