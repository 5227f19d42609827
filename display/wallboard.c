/*
 * wallboard.c: the terminal board.
 *
 *   wallboard [-c CONFIG] --board NAME [--endpoint tcp://HOST:7411 ...]
 *             [--ascii] [--colours 0|8|256]
 *
 * The layout (PROTOCOL §6.15): with -c, the config's; else the daemon's,
 * on layout/NAME. With --endpoint and no -c no file is read at all; with
 * neither, the default config gives the endpoint, and its layout shows
 * until the daemon's comes.
 *
 * Headless, for golden frames and scripts: --text WxH --snapshot FILE draws
 * one frame of FILE through the plain-text back-end to stdout (add --stale,
 * --disconnected, --page N, --frame N, --age MS, --clock HH:MM:SS,
 * --elapsed MS: as if the board had run this long, which turns the agent
 * grid's pages). --text may be given more than once: one frame per size,
 * in order, each followed by a line holding only a form feed.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "config.h"
#include "layout.h"
#include "render-text.h"
#include "snapshot-read.h"
#include "standby.h"
#include "tz.h"
#include "xalloc.h"

#define WALLBOARD_CONFIG "/etc/wallboard/wallboard.yaml"

struct wallboard_options {
	const char *config_path;
	bool config_given;      /* -c: its layout wins over the daemon's */
	const char *board;
	char *endpoint;         /* --endpoint, repeatable: standby.h */
	bool ascii;
	int colours;            /* -1: the terminal's */
	/* Headless: the sizes of the frames to draw. */
	int text_width, text_height;    /* the first */
	int (*sizes)[2];
	size_t n_sizes;
	const char *snapshot;
	enum layout_link link;
	size_t page;
	uint64_t frame;
	int64_t age_ms;
	int64_t elapsed_ms;
	const char *clock;
};

static void __attribute__((noreturn))
wallboard_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wallboard [-c CONFIG] --board NAME [--endpoint ENDPOINT ...]\n"
	    "                 [--ascii] [--colours 0|8|256]\n"
	    "       wallboard [-c CONFIG] --board NAME --text WxH --snapshot FILE\n"
	    "                 [--ascii] [--stale|--disconnected] [--page N]\n"
	    "                 [--frame N] [--age MS] [--clock HH:MM:SS]\n"
	    "                 [--elapsed MS]\n"
	    "keys: q quits, n/p next/previous page, r redraws\n");
	exit(status);
}

static long
wallboard_number(const char *text, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || *text == '\0' || *end != '\0' || v < min || v > max)
		fatalx("bad %s '%s'", what, text);
	return v;
}

static void
wallboard_geometry(struct wallboard_options *o, const char *text)
{
	int w, h;
	char end;

	if (sscanf(text, "%dx%d%c", &w, &h, &end) != 2 || w < 1 || h < 1 ||
	    w > 1000 || h > 1000)
		fatalx("bad size '%s' (expected WxH, e.g. 80x24)", text);
	if (o->n_sizes == 0) {
		o->text_width = w;
		o->text_height = h;
	}
	o->sizes = xrealloc(o->sizes, (o->n_sizes + 1) * sizeof *o->sizes);
	o->sizes[o->n_sizes][0] = w;
	o->sizes[o->n_sizes][1] = h;
	o->n_sizes++;
}

static void
wallboard_options(int argc, char **argv, struct wallboard_options *o)
{
	enum { O_BOARD = 256, O_ENDPOINT, O_ASCII, O_COLOURS, O_TEXT,
	    O_SNAPSHOT, O_STALE, O_DISCONNECTED, O_PAGE, O_FRAME, O_AGE,
	    O_CLOCK, O_ELAPSED };
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "board", required_argument, NULL, O_BOARD },
		{ "endpoint", required_argument, NULL, O_ENDPOINT },
		{ "ascii", no_argument, NULL, O_ASCII },
		{ "colours", required_argument, NULL, O_COLOURS },
		{ "colors", required_argument, NULL, O_COLOURS },
		{ "text", required_argument, NULL, O_TEXT },
		{ "snapshot", required_argument, NULL, O_SNAPSHOT },
		{ "stale", no_argument, NULL, O_STALE },
		{ "disconnected", no_argument, NULL, O_DISCONNECTED },
		{ "page", required_argument, NULL, O_PAGE },
		{ "frame", required_argument, NULL, O_FRAME },
		{ "age", required_argument, NULL, O_AGE },
		{ "clock", required_argument, NULL, O_CLOCK },
		{ "elapsed", required_argument, NULL, O_ELAPSED },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*o = (struct wallboard_options){ .config_path = WALLBOARD_CONFIG,
	    .colours = -1, .link = LAYOUT_LIVE };
	while ((ch = getopt_long(argc, argv, "c:h", longs, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_path = optarg;
			o->config_given = true;
			break;
		case O_BOARD: o->board = optarg; break;
		case O_ENDPOINT:
			o->endpoint = standby_join(o->endpoint, optarg);
			break;
		case O_ASCII: o->ascii = true; break;
		case O_COLOURS:
			o->colours = (int)wallboard_number(optarg, "colours", 0,
			    256);
			if (o->colours != 0 && o->colours != 8 &&
			    o->colours != 256)
				fatalx("bad colours '%s' (0, 8 or 256)", optarg);
			break;
		case O_TEXT: wallboard_geometry(o, optarg); break;
		case O_SNAPSHOT: o->snapshot = optarg; break;
		case O_STALE: o->link = LAYOUT_STALE; break;
		case O_DISCONNECTED: o->link = LAYOUT_DISCONNECTED; break;
		case O_PAGE:
			o->page = (size_t)wallboard_number(optarg, "page", 1,
			    1000) - 1;
			break;
		case O_FRAME:
			o->frame = (uint64_t)wallboard_number(optarg, "frame",
			    0, 1L << 30);
			break;
		case O_AGE:
			o->age_ms = wallboard_number(optarg, "age", 0,
			    1L << 30);
			break;
		case O_CLOCK: o->clock = optarg; break;
		case O_ELAPSED:
			o->elapsed_ms = wallboard_number(optarg, "elapsed", 0,
			    1L << 40);
			break;
		case 'h': wallboard_usage(0);
		default: wallboard_usage(1);
		}
	}
	if (optind != argc)
		wallboard_usage(1);
}

static char *
wallboard_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n;
	char *buf;

	if (f == NULL)
		fatal("%s", path);
	buf = xmalloc(cap);
	*len = 0;
	while ((n = fread(buf + *len, 1, cap - *len, f)) > 0)
		if ((*len += n) == cap)
			buf = xrealloc(buf, cap *= 2);
	fclose(f);
	return buf;
}

/* One frame of a snapshot file, as text on stdout. */
static int
wallboard_text(const struct wallboard_options *o, const struct config *c,
    const struct config_board *b)
{
	struct snapshot_reader *reader = snapshot_reader_new();
	struct render_text *t = render_text_new();
	const struct snapshot_view *v = NULL;
	struct tz *tz;
	char err[256], clock[16];
	size_t len;
	char *json;

	if (o->link != LAYOUT_DISCONNECTED) {
		if (o->snapshot == NULL)
			fatalx("--text needs --snapshot FILE");
		json = wallboard_read_file(o->snapshot, &len);
		if ((v = snapshot_read(reader, json, len, err, sizeof err)) ==
		    NULL)
			fatalx("%s: %s", o->snapshot, err);
		free(json);
	}
	tz = tz_load(c->timezone, err, sizeof err);
	layout_clock(tz, v ? v->now : 0, clock, sizeof clock);
	tz_free(&tz);
	for (size_t i = 0; i < o->n_sizes; i++) {
		layout_draw(&(struct layout_input){ .config = c, .board = b,
		    .page = o->page, .snap = v, .width = o->sizes[i][0],
		    .height = o->sizes[i][1], .caps = { .colours = 256,
		    .unicode = !o->ascii }, .clock = o->clock ? o->clock :
		    clock, .age_ms = o->age_ms, .link = o->link,
		    .frame = o->frame, .elapsed_ms = o->elapsed_ms,
		    .endpoint = "tcp://127.0.0.1:7411" }, render_text_ops(), t,
		    NULL);
		fputs(render_text_frame(t), stdout);
		if (o->n_sizes > 1)
			fputs("\f\n", stdout);
	}
	render_text_free(&t);
	snapshot_reader_free(&reader);
	return 0;
}

int
main(int argc, char **argv)
{
	struct wallboard_options o;
	struct client_options co;
	struct config *config;
	const struct config_board *board;
	char *endpoint, err[512];
	int status;

	setlocale(LC_ALL, "");
	wallboard_options(argc, argv, &o);
	if (o.endpoint != NULL && !o.config_given && o.text_width == 0) {
		/* Only an endpoint and a name: the daemon sends the layout. */
		if (o.board == NULL)
			fatalx("--endpoint without -c needs --board NAME");
		co = (struct client_options){ .name = o.board,
		    .endpoint = o.endpoint, .ascii = o.ascii,
		    .colours = o.colours };
		status = client_run(&co);
		free(o.endpoint);
		return status;
	}
	config = config_load_reporting(o.config_path);
	if (config == NULL)
		exit(1);
	if ((board = config_choose_board(config, o.board, err, sizeof err)) == NULL)
		fatalx("%s", err);
	co = (struct client_options){ .name = board->name, .config = config,
	    .board = board, .local_wins = o.config_given, .ascii = o.ascii,
	    .colours = o.colours };
	if (o.text_width > 0) {
		status = wallboard_text(&o, config, co.board);
		config_free(&config);
		free(o.sizes);
		return status;
	}
	endpoint = o.endpoint ? o.endpoint : config_client_endpoint(config);
	co.endpoint = endpoint;
	status = client_run(&co);
	free(endpoint);
	config_free(&config);
	return status;
}
