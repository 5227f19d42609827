/*
 * display/ is the two boards: wallboard (curses) and wallboard-fb (the
 * framebuffer), each a back-end of draw/'s layout on loop/'s event loop,
 * fed by the daemon's snapshots. It uses core/, draw/ and loop/; nothing
 * of daemon/.
 *
 * client.h: the live terminal board: a SUB socket on the daemon, the
 * keyboard and a clock, on the event loop (loop/proc.c, loop/zsock.c:
 * the project's one libevent wrapper and one ZeroMQ bridge).
 */
#ifndef WALLBOARD_CLIENT_H
#define WALLBOARD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct client_options {
	const char *name;               /* the board's */
	const struct config *config;    /* a config read, or NULL */
	const struct config_board *board; /* its board named name, or NULL */
	bool local_wins;                /* -c: its layout, never the daemon's
	                                 * (board-layout.h) */
	const char *endpoint;   /* tcp://HOST:7411, or several joined by
	                         * commas: a hot standby (standby.h) */
	bool ascii;             /* no Unicode even if the locale has it */
	int colours;            /* -1: what the terminal has; else 0, 8, 256 */
};

/*
 * Run the board on the terminal until q, SIGINT, SIGTERM or SIGHUP.
 * The terminal is restored on the way out, and on a crash (SIGSEGV,
 * SIGABRT, SIGBUS, SIGFPE) before the process dies. Returns the exit code.
 */
int client_run(const struct client_options *);

struct tz;

#endif
