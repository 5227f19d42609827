/*
 * fuzz-config.c: config_load on any bytes, as a person's YAML file.
 *
 * config_load reads a path, so the input goes to a temporary file first (the
 * API is left as it is). A refused file must say why, every line
 * "FILE:LINE:COL: message"; a loaded one must hold what config.h promises,
 * and must run: an engine and alert rules are made from it, calls go
 * through every configured queue, agents change state, and the figures, the
 * alerts, the snapshot and every board's filtered snapshot must stay sane.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "config.h"
#include "engine.h"
#include "event.h"
#include "fuzz.h"
#include "jsonw.h"
#include "snapshot.h"

#define T0 1795165200000LL      /* 2026-11-20T09:00:00Z */
#define SEC 1000LL
#define DAY (86400 * SEC)
#define SCENARIO_QUEUES 4       /* queues (and agents) the scenario uses */

static void
check_errors(const char *path, const struct config_errors *errors)
{
	size_t plen = strlen(path), line, col;
	char colon;

	FUZZ_CHECK(errors->n >= 1, "refused without an error");
	for (size_t i = 0; i < errors->n; i++) {
		const char *l = errors->lines[i];

		FUZZ_CHECK(l != NULL && strncmp(l, path, plen) == 0 &&
		    l[plen] == ':', "error line %zu: %s", i, l ? l : "(null)");
		FUZZ_CHECK(sscanf(l + plen, ":%zu:%zu%c", &line, &col, &colon) == 3 &&
		    line >= 1 && col >= 1 && colon == ':', "error line: %s", l);
	}
}

static void
check_settings(const char *what, const struct queue_settings *s)
{
	FUZZ_CHECK(s->sl_threshold_ms >= 0 && s->short_abandon_ms >= 0 &&
	    s->repeat_window_ms >= 0, "%s: negative duration", what);
	FUZZ_CHECK(s->sl_target >= 0 && s->sl_target <= 1, "%s: sl_target %g",
	    what, s->sl_target);
	FUZZ_CHECK(config_sl_formula_name(s->sl_formula) != NULL, "%s", what);
}

/* What config.h says of a loaded config. */
static void
check_config(const struct config *c)
{
	FUZZ_CHECK(c->site_name != NULL && c->timezone != NULL, "site");
	FUZZ_CHECK(c->day_start_minutes >= 0 && c->day_start_minutes < 1440,
	    "day_start %d", c->day_start_minutes);
	for (size_t i = 0; i < c->n_windows; i++)
		FUZZ_CHECK(c->windows[i].name != NULL &&
		    c->windows[i].length_ms > 0 &&
		    c->windows[i].length_ms <= 31 * DAY, "window %zu: %lld", i,
		    (long long)c->windows[i].length_ms);
	check_settings("defaults", &c->defaults);
	for (size_t i = 0; i < c->n_queues; i++) {
		FUZZ_CHECK(c->queues[i].name && c->queues[i].label, "queue %zu", i);
		FUZZ_CHECK(config_find_queue(c, c->queues[i].name) == &c->queues[i],
		    "queue %s found elsewhere", c->queues[i].name);
		check_settings(c->queues[i].name, &c->queues[i].settings);
	}
	for (size_t i = 0; i < c->n_teams; i++) {
		FUZZ_CHECK(c->teams[i].name && c->teams[i].label, "team %zu", i);
		FUZZ_CHECK(config_find_team(c, c->teams[i].name) == &c->teams[i],
		    "team %s", c->teams[i].name);
		for (size_t k = 0; k < c->teams[i].n_queues; k++)
			FUZZ_CHECK(config_find_queue(c, c->teams[i].queues[k]),
			    "team %s: queue %s", c->teams[i].name,
			    c->teams[i].queues[k]);
	}
	for (size_t i = 0; i < c->n_agents; i++)
		FUZZ_CHECK(config_find_agent(c, c->agents[i].id) == &c->agents[i],
		    "agent %s", c->agents[i].id);
	for (size_t i = 0; i < c->n_alerts; i++)
		FUZZ_CHECK(c->alerts[i].name && c->alerts[i].metric &&
		    c->alerts[i].scope && isfinite(c->alerts[i].threshold) &&
		    c->alerts[i].for_ms >= 0, "alert %zu", i);
	for (size_t i = 0; i < c->n_boards; i++) {
		FUZZ_CHECK(config_find_board(c, c->boards[i].name) == &c->boards[i],
		    "board %s", c->boards[i].name);
		FUZZ_CHECK(c->boards[i].n_pages >= 1 && c->boards[i].rotate_ms >= 0,
		    "board %s", c->boards[i].name);
	}
	FUZZ_CHECK(c->call_timeout_ms > 0 && c->feeds_stale_after_ms >= 0 &&
	    isfinite(c->publish_max_rate) && c->publish_max_rate >= 0,
	    "daemon settings");
}

static struct event
event_at(enum event_type type, int64_t ts, const char *call)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.has_ts = true;
	ev.ts = ts;
	ev.src = "pbx";
	ev.call = call;
	ev.resolved = ev.transferred = FLAG_ABSENT;
	return ev;
}

/* Calls through the configured queues, answered by the configured agents
 * (or made-up ones), with an abandon and an exit; the alerts are judged
 * as time passes and every figure checked on the way. */
static void
run_scenario(const struct config *c)
{
	struct engine *e = engine_new(c, T0);
	struct alerts *a = alerts_new(c);
	char call[32];
	int64_t t = T0;
	size_t nq = c->n_queues < SCENARIO_QUEUES ? c->n_queues : SCENARIO_QUEUES;

	for (size_t i = 0; i <= nq; i++) {
		const char *queue = i < nq ? c->queues[i].name : "unlisted";
		const char *agent = i < c->n_agents ? c->agents[i].id : "fuzz-agent";
		struct event ev = event_at(EVENT_AGENT_STATE, t, NULL);

		ev.agent = agent;
		ev.state = AGENT_READY;
		engine_apply(e, &ev);
		snprintf(call, sizeof call, "c%zu", i);
		ev = event_at(EVENT_CALL_QUEUED, t += SEC, call);
		ev.queue = queue;
		ev.caller = "h:1";
		engine_apply(e, &ev);
		ev = event_at(EVENT_CALL_ANSWERED, t += 25 * SEC, call);
		ev.agent = agent;
		engine_apply(e, &ev);
		ev = event_at(EVENT_CALL_ENDED, t += 90 * SEC, call);
		ev.resolved = FLAG_TRUE;
		engine_apply(e, &ev);
		snprintf(call, sizeof call, "d%zu", i);
		ev = event_at(EVENT_CALL_QUEUED, t, call);
		ev.queue = queue;
		ev.caller = "h:1";
		engine_apply(e, &ev);
		ev = event_at(i % 2 ? EVENT_CALL_EXITED : EVENT_CALL_ABANDONED,
		    t += 3 * SEC, call);
		engine_apply(e, &ev);
		ev = event_at(EVENT_SURVEY, t, "c0");
		ev.csat = (int)(i % 5) + 1;
		engine_apply(e, &ev);
		fuzz_check_engine(e, a, 0);
	}
	fuzz_check_engine(e, a, 1);
	engine_advance(e, t + 2 * DAY);
	fuzz_check_engine(e, a, 1);
	for (size_t i = 0; i < c->n_boards; i++) {
		const struct config_board *b = &c->boards[i];
		struct snapshot_filter filter = { b->scopes, b->n_scopes, b->agents,
		    b->n_agents };
		struct snapshot_meta meta = { .seq = 1 };
		struct jsonw w = { 0 };

		snapshot_write_filtered(&w, e, &meta, &filter);
		FUZZ_CHECK(fuzz_json_valid(w.buf, w.len), "board %s: %s", b->name,
		    jsonw_text(&w));
		jsonw_release(&w);
	}
	alerts_free(&a);
	engine_free(&e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_temp_file(data, size);
	struct config_errors errors = { 0 };
	struct config *c = config_load(path, &errors);

	if (c == NULL) {
		check_errors(path, &errors);
		config_errors_clear(&errors);
		return 0;
	}
	FUZZ_CHECK(errors.n == 0, "loaded with %zu errors", errors.n);
	check_config(c);
	run_scenario(c);
	config_free(&c);
	FUZZ_CHECK(c == NULL, "config_free left the pointer");
	return 0;
}
