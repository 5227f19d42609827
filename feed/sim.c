/*
 * sim.c: `wallboard-feed sim`, the simulated contact centre, published live
 * (paced by the wall clock, --speed times faster) or written as JSON Lines
 * as fast as it can be.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed-out.h"
#include "feed.h"
#include "sim-floor.h"
#include "sim-model.h"
#include "tz.h"
#include "units.h"
#include "xalloc.h"

struct sim_cli {
	const char *config;
	struct sim_options model;
	struct feed_out_options out;
	double speed;
	int64_t duration_ms;      /* 0: until stopped */
	int64_t warmup_ms;        /* sent at once before pacing starts */
	int has_start;
	int agents;
	int floor_clock_min;      /* --floor-clock HH:MM; -1: the real clock */
};

struct sim_sink {
	struct feed_out *out;
	int failed;               /* a write to the file failed: stop */
};

static void
sim_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboard-feed sim [-c CONFIG] [--seed N] [--speed X] [--rate X]\n"
	    "           [--jsonl FILE|-] [--duration D] [--start MS] [--warmup D]\n"
	    "           [--endpoint E | --bind E] [--nats URL [--subject S]] [--src NAME]\n"
	    "           [--no-abandon] [--patience D] [--aht D] [--agents N] [--flat]\n"
	    "           [--floor-clock HH:MM]\n"
	    "\n"
	    "  -c, --config FILE  the floor: queues, teams and agents (default: a built-in\n"
	    "                     floor of 3 queues, 2 teams and 24 agents)\n"
	    "      --seed N       the same seed gives the same stream (default 1)\n"
	    "      --speed X      simulated time runs X times the wall clock (default 1)\n"
	    "      --rate X       scale arrivals by X (default 1)\n"
	    "      --jsonl FILE   write JSON Lines instead of publishing, as fast as\n"
	    "                     possible (\"-\": stdout); needs --duration\n"
	    "      --duration D   stop after D of simulated time (\"1h\", \"90m\")\n"
	    "      --warmup D     publish the first D at once, then pace (a board\n"
	    "                     opens on full windows)\n"
	    "      --start MS     simulated time at the start, ms since the epoch\n"
	    "                     (default: now live; 09:00 local today with --jsonl)\n"
	    "      --floor-clock HH:MM  the floor lives its day as if its clock read\n"
	    "                     HH:MM at the start (shifts, breaks, the morning\n"
	    "                     peak), while events carry the real times: a busy\n"
	    "                     floor at any hour (the demo, tests)\n"
	    "      --endpoint E   connect to the daemon here (default tcp://127.0.0.1:7410)\n"
	    "      --bind E       or bind here, for a daemon that connects\n"
	    "      --src NAME     the feed's name in events (default sim)\n"
	    FEED_NATS_USAGE
	    "      --no-abandon   callers never hang up\n"
	    "      --patience D   callers' mean patience (default 150s)\n"
	    "      --aht D        mean handle time (talk + wrap-up) for every queue\n"
	    "      --agents N     this many agents (config's first N, or more made up)\n"
	    "      --flat         steady state: constant rate, fixed staff, exponential\n"
	    "                     handle times, no surges, timeouts, overflows,\n"
	    "                     transfers or call-backs (for checking against theory)\n"
	    "\n"
	    "SIGUSR1 pauses it (nothing is sent, its clock stands still) and SIGUSR1\n"
	    "again resumes it: a silent feed, to see on the boards. SIGINT or SIGTERM\n"
	    "stops it with a report.\n");
}

static int
sim_bad(const char *what, const char *value)
{
	fprintf(stderr, "wallboard-feed: sim: bad %s '%s'\n", what, value);
	return 2;
}

static int
sim_parse_int(const char *s, int64_t lo, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo)
		return 0;
	*out = v;
	return 1;
}

static int
sim_parse_seconds(const char *s, double *out)
{
	int64_t ms;

	if (!units_parse_duration(s, &ms) || ms <= 0)
		return 0;
	*out = (double)ms / 1000;
	return 1;
}

/* "HH:MM" into minutes of the day. */
static int
sim_parse_clock(const char *s, int *out)
{
	int h, m, used = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &used) != 2 || s[used] != '\0' ||
	    h < 0 || h > 23 || m < 0 || m > 59)
		return 0;
	*out = h * 60 + m;
	return 1;
}

/* Parse one option into c; 0 on success, else the exit status. */
static int
sim_option(struct sim_cli *c, int opt, const char *arg)
{
	int64_t v;

	if (feed_out_nats_option(&c->out, opt, arg))
		return 0;
	switch (opt) {
	case 'c': c->config = arg; return 0;
	case 'S': return sim_parse_int(arg, 0, &v) ? (c->model.seed = (uint64_t)v, 0) :
	    sim_bad("seed", arg);
	case 'x': return feed_pace_parse_factor(arg, &c->speed) ? 0 : sim_bad("speed", arg);
	case 'r': return feed_pace_parse_factor(arg, &c->model.rate) ? 0 : sim_bad("rate", arg);
	case 'j': c->out.jsonl = arg; return 0;
	case 'd': return units_parse_duration(arg, &c->duration_ms) && c->duration_ms > 0 ?
	    0 : sim_bad("duration", arg);
	case 'w': return units_parse_duration(arg, &c->warmup_ms) ? 0 :
	    sim_bad("warmup", arg);
	case 's': c->has_start = 1;
		return sim_parse_int(arg, 0, &c->model.start_ms) ? 0 : sim_bad("start", arg);
	case 'e': c->out.connect = arg; return 0;
	case 'b': c->out.bind = arg; return 0;
	case 'n': c->out.src = arg; return 0;
	case 'A': c->model.abandon = false; return 0;
	case 'p': return sim_parse_seconds(arg, &c->model.patience_s) ? 0 :
	    sim_bad("patience", arg);
	case 'h' + 256: return sim_parse_seconds(arg, &c->model.aht_s) ? 0 : sim_bad("aht", arg);
	case 'a': return sim_parse_int(arg, 1, &v) && v <= 100000 ? (c->agents = (int)v, 0) :
	    sim_bad("number of agents", arg);
	case 'f': c->model.flat = true; return 0;
	case 'F': return sim_parse_clock(arg, &c->floor_clock_min) ? 0 :
	    sim_bad("floor clock (HH:MM)", arg);
	case 'h': sim_usage(stdout); return -1;
	default: sim_usage(stderr); return 2;
	}
}

static int
sim_parse(struct sim_cli *c, int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 'S' },
		{ "speed", required_argument, NULL, 'x' },
		{ "rate", required_argument, NULL, 'r' },
		{ "jsonl", required_argument, NULL, 'j' },
		{ "duration", required_argument, NULL, 'd' },
		{ "start", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "bind", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 'n' },
		FEED_NATS_LONG_OPTIONS,
		{ "no-abandon", no_argument, NULL, 'A' },
		{ "patience", required_argument, NULL, 'p' },
		{ "aht", required_argument, NULL, 'h' + 256 },
		{ "agents", required_argument, NULL, 'a' },
		{ "flat", no_argument, NULL, 'f' },
		{ "floor-clock", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) != -1)
		if ((rc = sim_option(c, opt, optarg)) != 0)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "wallboard-feed: sim: unexpected '%s'\n", argv[optind]);
		return 2;
	}
	if (c->out.jsonl != NULL && c->duration_ms == 0) {
		fprintf(stderr, "wallboard-feed: sim: --jsonl needs --duration (say 1h)\n");
		return 2;
	}
	return 0;
}

/* The floor: the config's, or the built-in one. NULL after printing the
 * config's errors. */
static struct sim_floor *
sim_floor(const struct sim_cli *c)
{
	struct config_errors errors = { 0 };
	struct config *config;
	struct sim_floor *f;

	if (c->config == NULL)
		return sim_floor_builtin(c->agents);
	if ((config = config_load(c->config, &errors)) == NULL) {
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.lines[i]);
		config_errors_clear(&errors);
		return NULL;
	}
	f = sim_floor_from_config(config, c->agents);
	config_free(&config);
	return f;
}

/* A recording's default start: 09:00 today in the floor's zone, so the
 * same command gives the same file all day, and opens on a busy floor. */
static int64_t
sim_default_start(const struct sim_floor *f)
{
	struct tz *tz = tz_load(f->timezone, NULL, 0);
	int64_t t;

	if (tz == NULL)
		tz = tz_load("UTC", NULL, 0);
	t = tz_day_start(tz, 9 * 60, feed_pace_wall_ms());
	tz_free(&tz);
	return t;
}

/* The model runs on the floor's clock, from the last HH:MM at or before
 * the real start; what it emits is moved back onto the real one. */
static void
sim_floor_clock(struct sim_cli *c, const struct sim_floor *f)
{
	struct tz *tz = tz_load(f->timezone, NULL, 0);
	int64_t real = c->model.start_ms;

	if (tz == NULL)
		tz = tz_load("UTC", NULL, 0);
	c->model.start_ms = tz_day_start(tz, c->floor_clock_min, real);
	c->model.ts_shift_ms = real - c->model.start_ms;
	tz_free(&tz);
}

static void
sim_emit(int64_t ts, const char *json, size_t len, void *arg)
{
	struct sim_sink *sink = arg;

	(void)ts;
	if (feed_out_event(sink->out, json, len) != 0)
		sink->failed = 1;   /* fatal to a file; a drop when publishing */
}

/* Run the model to the end (or a stop), paced when publishing: simulated
 * time start + warmup is the moment the run began. */
static int64_t
sim_run(const struct sim_cli *c, struct sim_model *m, struct sim_sink *sink)
{
	int64_t start = c->model.start_ms, end = start + c->duration_ms;
	int64_t paced = start + c->warmup_ms;
	int64_t mono0 = feed_pace_mono_ms(), now = start, t;
	int live = c->out.jsonl == NULL;

	while (!feed_pace_stop && !(sink->failed && !live)) {
		t = sim_model_next(m);
		if (c->duration_ms > 0 && t > end) {
			now = end;
			break;
		}
		if (live && t > paced &&
		    !feed_pace_until(mono0 + (int64_t)((double)(t - paced) / c->speed)))
			break;
		now = t;
		sim_model_step(m);
	}
	return now;
}

static void
sim_report(const struct sim_model *m, int64_t simulated_ms)
{
	struct sim_stats s;
	char d[32];

	sim_model_stats(m, &s);
	units_format_duration(simulated_ms - simulated_ms % 1000, d, sizeof d);
	fprintf(stderr, "wallboard-feed: sim: %s simulated: %" PRIu64 " calls, %" PRIu64
	    " answered, %" PRIu64 " abandoned, %" PRIu64 " timed out, %" PRIu64
	    " overflowed, %" PRIu64 " transferred, %" PRIu64 " surveys, %" PRIu64
	    " log-ins, %" PRIu64 " breaks\n", simulated_ms >= 1000 ? d : "0s",
	    s.calls, s.answered, s.abandoned, s.timeouts, s.overflows, s.transfers,
	    s.surveys, s.logins, s.breaks);
}

int
sim_main(int argc, char **argv)
{
	struct sim_cli c = { .speed = 1, .model = { .seed = 1, .rate = 1, .abandon = true },
	    .out = { .src = "sim" }, .floor_clock_min = -1 };
	struct sim_sink sink = { 0 };
	struct sim_floor *floor;
	struct sim_model *m;
	char err[256];
	int rc;
	int64_t until;

	if ((rc = sim_parse(&c, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	if ((floor = sim_floor(&c)) == NULL)
		return 1;
	if (!c.has_start)
		c.model.start_ms = c.out.jsonl ? sim_default_start(floor) : feed_pace_wall_ms();
	if (c.floor_clock_min >= 0)
		sim_floor_clock(&c, floor);
	feed_pace_signals();
	if ((sink.out = feed_out_new(&c.out, err, sizeof err)) == NULL) {
		fprintf(stderr, "wallboard-feed: sim: %s\n", err);
		sim_floor_free(&floor);
		return 1;
	}
	if (c.out.jsonl)
		fprintf(stderr, "wallboard-feed: sim: %zu queues, %zu agents, from %" PRId64
		    ", to %s\n", floor->n_queues, floor->n_agents, c.model.start_ms + c.model.ts_shift_ms,
		    c.out.jsonl);
	else
		fprintf(stderr, "wallboard-feed: sim: %zu queues, %zu agents, from %" PRId64
		    ", at %gx real time\n", floor->n_queues, floor->n_agents,
		    c.model.start_ms + c.model.ts_shift_ms, c.speed);
	m = sim_model_new(floor, &c.model, sim_emit, &sink);
	until = sim_run(&c, m, &sink);
	sim_report(m, until - c.model.start_ms);
	feed_out_report(sink.out);
	rc = sink.failed && c.out.jsonl ? 1 : 0;
	if (rc)
		fprintf(stderr, "wallboard-feed: sim: writing %s failed\n", c.out.jsonl);
	feed_out_free(&sink.out);
	sim_model_free(&m);
	sim_floor_free(&floor);
	return rc;
}
