/*
 * replay.c: `wallboard-feed replay FILE.jsonl`, a recorded stream published
 * again, in file order, paced by its ts (--speed times faster) or as fast
 * as the daemon takes it (--max).
 *
 * A line that already carries src or seq goes out byte for byte, so the
 * daemon sees the recording's own feeds and numbering; a bare line is
 * numbered as this feed's (src "replay" unless --src). A line that is not a
 * JSON object with an integer ts is skipped and reported with its number;
 * everything else is the daemon's to judge.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed-out.h"
#include "feed.h"

#define REPLAY_SKIPS_SHOWN 20   /* bad lines named on stderr; then counted */

struct replay_cli {
	const char *path;
	double speed;
	int max;
	struct feed_out_options out;
};

struct replay_run {
	FILE *fp;
	struct feed_out *out;
	char *line;
	size_t cap;
	long lineno;
	uint64_t sent, skipped;
	int have_first;
	int64_t first_ts, mono0;
};

static void
replay_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboard-feed replay FILE.jsonl [--speed X | --max] [--endpoint E | --bind E]\n"
	    "           [--nats URL [--subject S]]\n"
	    "\n"
	    "      --speed X      replay X times faster than recorded (default 1)\n"
	    "      --max          as fast as the daemon takes it\n"
	    "      --endpoint E   connect to the daemon here (default tcp://127.0.0.1:7410)\n"
	    "      --bind E       or bind here, for a daemon that connects\n"
	    "      --src NAME     the feed's name for lines without src or seq (default replay)\n"
	    "      --jsonl FILE   write the lines out instead of publishing (\"-\": stdout)\n"
	    FEED_NATS_USAGE
	    "\n"
	    "SIGUSR1 pauses a paced replay (its clock stands still) and SIGUSR1 again\n"
	    "resumes it.\n");
}

static int
replay_parse(struct replay_cli *c, int argc, char **argv)
{
	static const struct option options[] = {
		{ "speed", required_argument, NULL, 'x' },
		{ "max", no_argument, NULL, 'm' },
		{ "endpoint", required_argument, NULL, 'e' },
		{ "bind", required_argument, NULL, 'b' },
		{ "src", required_argument, NULL, 'n' },
		{ "jsonl", required_argument, NULL, 'j' },
		FEED_NATS_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, speed = 0;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (feed_out_nats_option(&c->out, opt, optarg))
			continue;
		switch (opt) {
		case 'x':
			if (!feed_pace_parse_factor(optarg, &c->speed)) {
				fprintf(stderr, "wallboard-feed: replay: bad speed '%s'\n", optarg);
				return 2;
			}
			speed = 1;
			break;
		case 'm': c->max = 1; break;
		case 'e': c->out.connect = optarg; break;
		case 'b': c->out.bind = optarg; break;
		case 'n': c->out.src = optarg; break;
		case 'j': c->out.jsonl = optarg; break;
		case 'h': replay_usage(stdout); return -1;
		default: replay_usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || (speed && c->max)) {
		replay_usage(stderr);
		return 2;
	}
	c->path = argv[optind];
	return 0;
}

static void
replay_skip(struct replay_run *r, const char *path, const char *why)
{
	if (++r->skipped <= REPLAY_SKIPS_SHOWN)
		fprintf(stderr, "%s:%ld: skipped: %s\n", path, r->lineno, why);
	else if (r->skipped == REPLAY_SKIPS_SHOWN + 1)
		fprintf(stderr, "%s: more bad lines; counting them only\n", path);
}

/* Read what the line needs: its ts, and whether it names its feed.
 * NULL when fine, else why not. */
static const char *
replay_inspect(const char *line, int64_t *ts, int *numbered)
{
	cJSON *doc = cJSON_Parse(line);
	const cJSON *t;
	const char *why = NULL;

	if (doc == NULL || !cJSON_IsObject(doc))
		why = "not a JSON object";
	else if (!cJSON_IsNumber(t = cJSON_GetObjectItemCaseSensitive(doc, "ts")) ||
	    t->valuedouble != floor(t->valuedouble) || fabs(t->valuedouble) > 9e15)
		why = "no integer ts";
	else {
		*ts = (int64_t)t->valuedouble;
		*numbered = cJSON_HasObjectItem(doc, "src") || cJSON_HasObjectItem(doc, "seq");
	}
	cJSON_Delete(doc);
	return why;
}

/* Wait for the line's moment: its ts after the first line's, over speed.
 * A ts earlier than the first goes at once. */
static int
replay_pace(const struct replay_cli *c, struct replay_run *r, int64_t ts)
{
	if (!r->have_first) {
		r->have_first = 1;
		r->first_ts = ts;
		r->mono0 = feed_pace_mono_ms();
	}
	if (c->max || ts <= r->first_ts)
		return !feed_pace_stop;
	return feed_pace_until(r->mono0 + (int64_t)((double)(ts - r->first_ts) / c->speed));
}

static void
replay_lines(const struct replay_cli *c, struct replay_run *r)
{
	ssize_t n;
	int64_t ts;
	int numbered;
	const char *why;

	while (!feed_pace_stop && (n = getline(&r->line, &r->cap, r->fp)) >= 0) {
		r->lineno++;
		while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			r->line[--n] = '\0';
		if (strspn(r->line, " \t") == (size_t)n)
			continue;
		if ((why = replay_inspect(r->line, &ts, &numbered)) != NULL) {
			replay_skip(r, c->path, why);
			continue;
		}
		if (!replay_pace(c, r, ts))
			break;
		if ((numbered ? feed_out_raw(r->out, r->line, (size_t)n) :
		    feed_out_event(r->out, r->line, (size_t)n)) == 0)
			r->sent++;
	}
}

int
replay_main(int argc, char **argv)
{
	struct replay_cli c = { .speed = 1, .out = { .src = "replay" } };
	struct replay_run r = { 0 };
	char err[256];
	int rc;

	if ((rc = replay_parse(&c, argc, argv)) != 0)
		return rc < 0 ? 0 : rc;
	if ((r.fp = fopen(c.path, "r")) == NULL) {
		fprintf(stderr, "wallboard-feed: replay: %s: %s\n", c.path, strerror(errno));
		return 1;
	}
	feed_pace_signals();
	/* A file can wait for the stream: nothing refused (feed-nats.h) */
	c.out.nats_wait_unless = &feed_pace_stop;
	if ((r.out = feed_out_new(&c.out, err, sizeof err)) == NULL) {
		fprintf(stderr, "wallboard-feed: replay: %s\n", err);
		fclose(r.fp);
		return 1;
	}
	replay_lines(&c, &r);
	fprintf(stderr, "wallboard-feed: replay: %s: %" PRIu64 " lines sent, %" PRIu64
	    " bad lines skipped%s\n", c.path, r.sent, r.skipped,
	    feed_pace_stop ? " (stopped)" : "");
	feed_out_report(r.out);
	feed_out_free(&r.out);
	free(r.line);
	fclose(r.fp);
	return 0;
}
