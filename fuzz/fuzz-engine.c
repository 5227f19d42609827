/*
 * fuzz-engine.c: any sequence of valid events, in any order, about a small
 * set of calls, agents, queues and feeds, into the KPI engine and the alert
 * rules.
 *
 * The decoder is left out: events are built as event_decode would give them
 * (every string 1 to EVENT_ID_MAX bytes, ts from EVENT_TS_MIN to before
 * EVENT_TS_MAX, seq >= 1), so that
 * every input byte goes to the engine. The input is read as a stream of small
 * records (a missing byte reads as 0):
 *
 *	op     low nibble: what happens (the table in apply_one);
 *	       high nibble: how the time moves from the previous event: a
 *	       little or a lot forward, a little back, to the same instant,
 *	       or to an extreme of the times the decoder accepts
 *	[time] one byte scaling the step, unless the step is fixed
 *	attr   bits 0-1: the feed; bits 2-4: its seq (next, none, repeated,
 *	       a gap, a restart at 1)
 *	who    bits 0-2: the call; bits 3-5: the agent; bits 6-7: the queue
 *	extra  what the op needs more (state, reason, flags, csat, ...)
 *
 * Along the way (op 14) and at the end, every figure of every scope and the
 * alerts are checked, and at the end the snapshot too (fuzz/common.c); then
 * the clock jumps two days with no event, after which no window may count
 * anything.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "config.h"
#include "engine.h"
#include "event.h"
#include "fuzz.h"
#include "metric.h"

/* 2026-10-25T00:30Z: London's clocks go back at 01:00Z, and its 06:00 day
 * start is five and a half hours away, so short streams cross both. */
#define T0 1792888200000LL
#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
#define CHECKS_MAX 8                    /* op 14s that check, per input */

/* Two windows, queues with different formulas, a team with queues and one
 * without, agents the config places and agents it does not, alert rules of
 * every kind of scope. */
static const char config_yaml[] =
    "site: {name: Fuzz, timezone: Europe/London, day_start: \"06:00\"}\n"
    "windows: [1m, 15m]\n"
    "defaults: {sl_threshold: 20s, sl_target: 80%, short_abandon: 5s}\n"
    "queues:\n"
    "  q0: {label: Q0}\n"
    "  q1: {sl_threshold: 0s, short_abandon: 0s, sl_formula: asterisk2,"
    " repeat_window: 1h}\n"
    "  q2: {sl_formula: abandons_ignored, sl_target: 100%}\n"
    "teams:\n"
    "  t0: {agents: [a0, a1], queues: [q0, q1]}\n"
    "  t1: {agents: [a2]}\n"
    "agents:\n"
    "  a0: {name: Zero, team: t0, queues: [q0]}\n"
    "  a3: {queues: [q1, q2]}\n"
    "alerts:\n"
    "  - {name: sl, metric: service_level, window: 1m, scope: \"queue:*\","
    " below: 80%, for: 30s}\n"
    "  - {name: wait, metric: longest_wait_ms, scope: all, above: 1m,"
    " clear: 30s}\n"
    "  - {name: ab, metric: abandon_rate, window: 15m, scope: \"team:*\","
    " above: 10%, severity: critical}\n"
    "  - {name: busy, metric: waiting, scope: \"queue:q0\", above: 2}\n"
    "call_timeout: 1h\n"
    "feeds: {stale_after: 30s}\n";

/* The alphabet. The last call id is as long as the decoder allows. */
static const char *const feeds[] = { "f0", "f1", "f2", "default" };
static const char *const queues[] = { "q0", "q1", "q2", "q3" };
static const char *const teams[] = { "t0", "t1", "t2", "t3" };
static const char *const agents[] = { "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7" };
static const char *const callers[] = { "h:1", "h:2", "h:3", "h:4" };
static const char *const reasons[] = { "lunch", "training", "meeting",
    "break" };
static char long_call[EVENT_ID_MAX + 1];
static const char *calls[] = { "c0", "c1", "c2", "c3", "c4", "c5", "c6",
    long_call };

/* Extremes of time an event may carry. */
static const int64_t extremes[] = { EVENT_TS_MAX - 1, EVENT_TS_MIN,
    EVENT_TS_MIN + 1, T0 - 366 * DAY, T0 + 40 * DAY, T0 + 3650 * DAY,
    T0 + 36500 * DAY, T0 - 1 };

struct stream {
	const uint8_t *p, *end;
	int64_t ts;             /* the previous event's */
	int64_t seq[4];         /* per feed: the last seq sent */
	int checks;
};

static unsigned
next(struct stream *s)
{
	return s->p < s->end ? *s->p++ : 0;
}

/* The next event's time, from the op's high nibble. */
static int64_t
step_time(struct stream *s, unsigned mode)
{
	static const int64_t scale[] = { 1, 10, 100, SEC, SEC, 5 * SEC, 10 * SEC,
	    MIN, 10 * MIN, HOUR, 4 * HOUR };
	int64_t ts = s->ts;

	if (mode < 11)
		ts += (int64_t)next(s) * scale[mode];
	else if (mode == 11)
		ts -= (int64_t)next(s) * 10;
	else if (mode == 12)
		ts -= (int64_t)next(s) * SEC;
	else if (mode == 13)
		ts -= (int64_t)next(s) * MIN;
	else if (mode == 14)
		ts = extremes[next(s) % (sizeof extremes / sizeof extremes[0])];
	if (ts >= EVENT_TS_MAX)
		ts = EVENT_TS_MAX - 1;
	if (ts < EVENT_TS_MIN)
		ts = EVENT_TS_MIN;
	return s->ts = ts;
}

/* src and seq, from the attr byte. */
static void
envelope(struct stream *s, struct event *ev, unsigned attr)
{
	unsigned f = attr & 3;
	int64_t *seq = &s->seq[f];

	ev->src = feeds[f];
	ev->has_seq = true;
	switch ((attr >> 2) & 7) {
	case 4:
		ev->has_seq = false;
		return;
	case 5:
		ev->seq = *seq > 0 ? *seq : 1;  /* the same again */
		return;
	case 6:
		*seq += 2 + next(s);            /* a gap */
		break;
	case 7:
		*seq = 1;                       /* the feed restarted */
		break;
	default:
		++*seq;
	}
	ev->seq = *seq;
}

/* The optional string of a bit: NULL when clear. */
static const char *
maybe(unsigned bits, unsigned bit, const char *s)
{
	return bits & bit ? s : NULL;
}

static void
fill_agent_state(struct stream *s, struct event *ev, unsigned who)
{
	unsigned x = next(s);
	static const char *qbuf[EVENT_QUEUES_MAX];

	ev->state = (enum agent_state)(x % AGENT_STATE_COUNT);
	ev->reason = maybe(x, 0x08, reasons[(x >> 4) & 3]);
	ev->name = maybe(x, 0x40, agents[(who >> 3) & 7]);
	ev->team = maybe(x, 0x80, teams[who >> 6]);
	if (next(s) & 1) {
		unsigned q = next(s);

		/* Up to 4 queues, possibly repeated. */
		ev->has_queues = true;
		ev->n_queues = q & 3;
		for (size_t i = 0; i < ev->n_queues; i++)
			qbuf[i] = queues[(q >> (2 + 2 * i)) & 3];
		ev->queues = qbuf;
	}
}

/* One record of the stream; false at its end. */
static bool
apply_one(struct stream *s, struct engine *e, struct alerts *a)
{
	struct event ev;
	unsigned op, attr, who, x;

	if (s->p >= s->end)
		return false;
	op = next(s);
	memset(&ev, 0, sizeof ev);
	ev.resolved = ev.transferred = FLAG_ABSENT;
	ev.has_ts = true;
	ev.ts = step_time(s, op >> 4);
	attr = next(s);
	who = next(s);
	envelope(s, &ev, attr);
	ev.call = calls[who & 7];
	switch (op & 15) {
	case 0: case 1:
		ev.type = EVENT_CALL_QUEUED;
		ev.queue = queues[who >> 6];
		x = next(s);
		ev.caller = maybe(x, 4, callers[x & 3]);
		ev.has_priority = x & 8;
		ev.priority = (int64_t)(x >> 4) - 8;
		break;
	case 2: case 3:
		ev.type = EVENT_CALL_ANSWERED;
		ev.agent = agents[(who >> 3) & 7];
		ev.queue = maybe(attr, 0x20, queues[who >> 6]);
		break;
	case 4:
		ev.type = EVENT_CALL_ABANDONED;
		ev.queue = maybe(attr, 0x20, queues[who >> 6]);
		break;
	case 5:
		ev.type = EVENT_CALL_EXITED;
		x = next(s);
		ev.exit_reason = (enum exit_reason)(x % EXIT_REASON_COUNT);
		ev.to_queue = maybe(x, 0x10, queues[(x >> 5) & 3]);
		ev.queue = maybe(attr, 0x20, queues[who >> 6]);
		break;
	case 6: case 7:
		ev.type = EVENT_CALL_ENDED;
		x = next(s);
		ev.agent = maybe(x, 1, agents[(who >> 3) & 7]);
		ev.resolved = (enum event_flag)((int)((x >> 1) % 3) - 1);
		ev.transferred = (enum event_flag)((int)((x >> 3) % 3) - 1);
		break;
	case 8: case 9:
		ev.type = EVENT_AGENT_STATE;
		ev.call = NULL;
		ev.agent = agents[(who >> 3) & 7];
		fill_agent_state(s, &ev, who);
		break;
	case 10:
		ev.type = EVENT_SURVEY;
		x = next(s);
		ev.csat = (int)(x % 5) + 1;
		ev.call = maybe(x, 0x08, calls[who & 7]);
		ev.agent = maybe(x, 0x10, agents[(who >> 3) & 7]);
		ev.queue = maybe(x, 0x20, queues[who >> 6]);
		break;
	case 11:
		ev.type = EVENT_UNKNOWN;
		break;
	case 12:
		engine_reject(e, maybe(attr, 0x80, ev.src), ev.has_seq, ev.seq);
		return true;
	case 13:
		engine_advance(e, ev.ts);
		return true;
	case 14:
		if (s->checks++ < CHECKS_MAX)
			fuzz_check_engine(e, a, 0);
		return true;
	case 15:
		if (alerts_count(a) > 0) {
			struct alert_info info;

			alerts_get(a, who % alerts_count(a), &info);
			alerts_ack(a, info.id, maybe(attr, 0x80, "tl"),
			    engine_now(e));
		}
		return true;
	}
	engine_apply(e, &ev);
	return true;
}

/* Nothing counted in any window once the clock has left every event behind. */
static void
check_empty_windows(struct engine *e)
{
	const struct config *c = engine_config(e);
	struct scope_info info;
	struct kpi_figures f;

	for (size_t i = 0; i < engine_scope_count(e); i++) {
		engine_scope_info(e, i, &info);
		for (size_t w = 0; w <= c->n_windows; w++) {
			engine_scope_figures(e, i, w, &f);
			for (int id = 0; id < M_WINDOWED_COUNT; id++)
				FUZZ_CHECK(metric_get((enum metric_id)id)->kind !=
				    METRIC_COUNT || f.null[id] || f.value[id] == 0,
				    "%s window %zu: %s is %g two days after the "
				    "last event", info.key, w,
				    metric_get((enum metric_id)id)->key, f.value[id]);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *config;
	struct stream s = { .p = data, .end = data + size, .ts = T0 };
	struct engine *e;
	struct alerts *a;

	if (config == NULL) {
		struct config_errors errors = { 0 };

		memset(long_call, 'c', EVENT_ID_MAX);
		config = config_load(fuzz_temp_file(config_yaml,
		    sizeof config_yaml - 1), &errors);
		FUZZ_CHECK(config != NULL, "the harness's config: %s",
		    errors.n ? errors.lines[0] : "?");
	}
	e = engine_new(config, T0);
	a = alerts_new(config);
	while (apply_one(&s, e, a))
		;
	fuzz_check_engine(e, a, 1);
	engine_advance(e, engine_now(e) + 2 * DAY);
	fuzz_check_engine(e, a, 0);
	check_empty_windows(e);
	alerts_free(&a);
	engine_free(&e);
	return 0;
}
