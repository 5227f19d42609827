/*
 * wallboard-fb.c: the framebuffer board, for the TVs on a floor.
 *
 *   wallboard-fb [-c CONFIG] --board NAME [--endpoint tcp://HOST:7411 ...]
 *                [--device /dev/fb0] [--tty /dev/tty1] [--font FAMILY]
 *                [--columns N] [-v]
 *
 * The layout (PROTOCOL §6.15): with -c, the config's; else the daemon's,
 * on layout/NAME. With --endpoint and no -c no file is read at all; with
 * neither, the default config gives the endpoint, and its layout shows
 * until the daemon's comes. A screenshot waits for a layout.
 *
 * Headless, for scripts and tests: --device FILE --geometry WxHxBPP draws
 * into a plain file instead of a framebuffer; --screenshot FILE.ppm writes
 * what is on the screen after the next snapshot and exits, --png FILE.png
 * the frame drawn, as a PNG (either or both); --snapshot-file
 * FILE draws that document once instead of subscribing, with the clock at
 * --now MS (ms since the epoch) if given, and as if the board had run
 * --elapsed MS (the agent grid's page). --trace FILE writes each drawing
 * operation in pixels. --reset-console TTY puts a console left in graphics
 * mode back (for a unit's ExecStopPost=). --layout-file FILE draws with a
 * layout document (what the daemon sends on layout/NAME, PROTOCOL §6.15)
 * instead of a config, read and checked as a board reads one.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fb-console.h"
#include "fb-main.h"
#include "log.h"
#include "render-pixel.h"
#include "standby.h"
#include "xalloc.h"

#define WALLBOARD_FB_CONFIG "/etc/wallboard/wallboard.yaml"
#define WALLBOARD_FB_DEVICE "/dev/fb0"

struct wallboard_fb_args {
	const char *config_path;
	bool config_given;      /* -c: its layout wins over the daemon's */
	const char *layout_file; /* a layout document (§6.15) instead */
	const char *board;
	const char *trace;
	const char *reset_console;
	struct fb_main_options o;
};

static void __attribute__((noreturn))
wallboard_fb_usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: wallboard-fb [-c CONFIG] --board NAME [--endpoint ENDPOINT ...]\n"
	    "                    [--device /dev/fb0] [--tty TTY] [--font FAMILY]\n"
	    "                    [--columns N] [--page N] [-v]\n"
	    "       wallboard-fb ... --device FILE --geometry WxHxBPP\n"
	    "                    [--screenshot FILE.ppm] [--png FILE.png]\n"
	    "                    [--snapshot-file FILE]\n"
	    "                    [--now MS] [--elapsed MS] [--trace FILE]\n"
	    "                    [--layout-file LAYOUT.json]\n"
	    "       wallboard-fb --reset-console TTY\n");
	exit(status);
}

static long long
wallboard_fb_number(const char *text, const char *what, long long min,
    long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *text == '\0' || *end != '\0' || v < min || v > max)
		fatalx("bad %s '%s'", what, text);
	return v;
}

static void
wallboard_fb_geometry(struct fb_main_options *o, const char *text)
{
	struct fb_geometry *g = &o->geometry;
	char tail;

	if (sscanf(text, "%dx%dx%d%c", &g->width, &g->height, &g->bpp,
	    &tail) != 3 || g->width < 16 || g->height < 16 ||
	    g->width > 16384 || g->height > 16384 ||
	    (g->bpp != 16 && g->bpp != 24 && g->bpp != 32))
		fatalx("bad geometry '%s' (WxHxBPP, BPP 16, 24 or 32: "
		    "1920x1080x32)", text);
	o->file = true;
}

static void
wallboard_fb_options(int argc, char **argv, struct wallboard_fb_args *a)
{
	enum { O_BOARD = 256, O_ENDPOINT, O_DEVICE, O_GEOMETRY, O_SCREENSHOT,
	    O_FONT, O_SNAPSHOT_FILE, O_NOW, O_TTY, O_COLUMNS, O_PAGE, O_TRACE,
	    O_RESET_CONSOLE, O_ELAPSED, O_PNG, O_LAYOUT_FILE };
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "board", required_argument, NULL, O_BOARD },
		{ "endpoint", required_argument, NULL, O_ENDPOINT },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "geometry", required_argument, NULL, O_GEOMETRY },
		{ "screenshot", required_argument, NULL, O_SCREENSHOT },
		{ "png", required_argument, NULL, O_PNG },
		{ "layout-file", required_argument, NULL, O_LAYOUT_FILE },
		{ "font", required_argument, NULL, O_FONT },
		{ "snapshot-file", required_argument, NULL, O_SNAPSHOT_FILE },
		{ "now", required_argument, NULL, O_NOW },
		{ "elapsed", required_argument, NULL, O_ELAPSED },
		{ "tty", required_argument, NULL, O_TTY },
		{ "columns", required_argument, NULL, O_COLUMNS },
		{ "page", required_argument, NULL, O_PAGE },
		{ "trace", required_argument, NULL, O_TRACE },
		{ "reset-console", required_argument, NULL, O_RESET_CONSOLE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fb_main_options *o = &a->o;
	int ch;

	a->config_path = WALLBOARD_FB_CONFIG;
	o->device = WALLBOARD_FB_DEVICE;
	o->now_ms = -1;
	while ((ch = getopt_long(argc, argv, "c:vh", longs, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->config_path = optarg;
			a->config_given = true;
			break;
		case O_BOARD: a->board = optarg; break;
		case O_ENDPOINT:	/* repeatable: standby.h */
			o->endpoint = standby_join((char *)o->endpoint, optarg);
			break;
		case O_DEVICE: o->device = optarg; break;
		case O_GEOMETRY: wallboard_fb_geometry(o, optarg); break;
		case O_SCREENSHOT: o->screenshot = optarg; break;
		case O_PNG: o->png = optarg; break;
		case O_LAYOUT_FILE: a->layout_file = optarg; break;
		case O_FONT: o->font = optarg; break;
		case O_SNAPSHOT_FILE: o->snapshot_file = optarg; break;
		case O_NOW:
			o->now_ms = wallboard_fb_number(optarg, "time", 0,
			    1LL << 50);
			break;
		case O_ELAPSED:
			o->elapsed_ms = wallboard_fb_number(optarg, "elapsed",
			    0, 1LL << 50);
			break;
		case O_TTY: o->tty = optarg; break;
		case O_COLUMNS:
			o->columns = (int)wallboard_fb_number(optarg,
			    "columns", 20, 1000);
			break;
		case O_PAGE:
			o->page = (size_t)wallboard_fb_number(optarg, "page",
			    1, 1000) - 1;
			break;
		case O_TRACE: a->trace = optarg; break;
		case O_RESET_CONSOLE: a->reset_console = optarg; break;
		case 'v': log_set_level(LOG_DEBUG); break;
		case 'h': wallboard_fb_usage(0);
		default: wallboard_fb_usage(1);
		}
	}
	if (optind != argc)
		wallboard_fb_usage(1);
}

static FILE *
wallboard_fb_trace(const char *path)
{
	FILE *f;

	if (path == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		return stdout;
	if ((f = fopen(path, "w")) == NULL)
		fatal("%s", path);
	return f;
}

/* A layout document from a file, as a board takes one from the daemon. */
static struct config *
wallboard_fb_layout(const char *path, const char *board)
{
	FILE *f = fopen(path, "rb");
	char *text = xmalloc(CONFIG_LAYOUT_MAX_BYTES + 1), err[256];
	struct config *c;
	int64_t loaded;
	size_t len;

	if (f == NULL)
		fatal("%s", path);
	len = fread(text, 1, CONFIG_LAYOUT_MAX_BYTES + 1, f);
	fclose(f);
	if ((c = config_load_layout(text, len, board, &loaded, err,
	    sizeof err)) == NULL)
		fatalx("%s: %s", path, err);
	free(text);
	return c;
}

int
main(int argc, char **argv)
{
	struct wallboard_fb_args a;
	struct config *config;
	char *endpoint, err[256];
	int status;

	memset(&a, 0, sizeof a);
	wallboard_fb_options(argc, argv, &a);
	if (a.reset_console != NULL) {
		if (fb_console_reset(a.reset_console, err, sizeof err) != 0)
			fatalx("%s", err);
		return 0;
	}
	if (a.layout_file != NULL) {
		if (a.board == NULL)
			fatalx("--layout-file needs --board NAME");
		config = wallboard_fb_layout(a.layout_file, a.board);
		a.o.config = config;
		a.o.board = &config->boards[0];
		a.o.local_wins = true;
		a.o.name = a.board;
	} else if (a.o.endpoint != NULL && !a.config_given &&
	    a.o.snapshot_file == NULL) {
		/* Only an endpoint and a name: the daemon sends the layout. */
		if (a.board == NULL)
			fatalx("--endpoint without -c needs --board NAME");
		config = NULL;
		a.o.name = a.board;
	} else {
		if ((config = config_load_reporting(a.config_path)) == NULL)
			exit(1);
		a.o.config = config;
		a.o.local_wins = a.config_given;
		if ((a.o.board = config_choose_board(config, a.board, err,
		    sizeof err)) == NULL)
			fatalx("%s", err);
		a.o.name = a.o.board->name;
	}
	endpoint = a.o.endpoint ? (char *)a.o.endpoint :
	    config_client_endpoint(config);
	a.o.endpoint = endpoint;
	a.o.trace = wallboard_fb_trace(a.trace);
	status = fb_main_run(&a.o);
	render_pixel_shutdown();
	if (a.o.trace != NULL && a.o.trace != stdout)
		fclose(a.o.trace);
	free(endpoint);
	config_free(&config);
	return status;
}
