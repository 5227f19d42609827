/*
 * fb-main.h: the framebuffer board's loop: the same client as the
 * terminal board (display/client.c: a SUB socket on board/NAME and
 * snapshot, a 1 s clock, STALE after 3 heartbeats, DISCONNECTED before any
 * snapshot) drawing through the pixel back-end to a framebuffer.
 */
#ifndef WALLBOARD_FB_MAIN_H
#define WALLBOARD_FB_MAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "fb.h"

struct fb_main_options {
	const char *name;               /* the board's */
	const struct config *config;    /* a config read, or NULL */
	const struct config_board *board; /* its board named name, or NULL */
	bool local_wins;                /* -c: its layout, never the daemon's
	                                 * (board-layout.h) */
	const char *endpoint;           /* tcp://HOST:7411, or several joined
	                                 * by commas (display/standby.h) */
	const char *device;             /* /dev/fb0, or a file with geometry */
	bool file;                      /* device is a file of geometry */
	struct fb_geometry geometry;
	const char *tty;                /* the console; NULL: standard input */
	const char *font;               /* a font family; NULL: Inter */
	int columns;                    /* the cell grid; 0: the default */
	size_t page;                    /* the page to start on */
	/* Headless and tests. */
	const char *screenshot;         /* PPM after the next snapshot, exit */
	const char *png;                /* PNG of that frame, likewise */
	const char *snapshot_file;      /* draw this document once, exit */
	int64_t now_ms;                 /* the clock; -1: the real one */
	int64_t elapsed_ms;             /* a snapshot file's frame: as if the
	                                 * board had run this long (the agent
	                                 * grid's page) */
	FILE *trace;                    /* each operation, in pixels; NULL */
};

/*
 * Run the board until SIGINT, SIGTERM or SIGHUP (or, with screenshot or
 * snapshot_file, after one frame). The console is restored on the way out.
 * Returns the exit code.
 */
int fb_main_run(const struct fb_main_options *);

#endif
