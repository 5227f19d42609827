/*
 * board-layout.h: which layout a board draws (PROTOCOL §6.15): its own
 * config's (-c: always), else the daemon's from "layout/NAME", else, until
 * one comes, the config file it found or an empty page saying it waits.
 * Shared by the terminal board (client.c) and the framebuffer board
 * (fb-main.c).
 */
#ifndef WALLBOARD_BOARD_LAYOUT_H
#define WALLBOARD_BOARD_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct board_layout {
	char name[128];                 /* the board's */
	bool local_wins;                /* -c given: layouts on the wire are
	                                 * ignored */
	const struct config *config;    /* what is drawn now */
	const struct config_board *board;
	const struct config *local;     /* the caller's, or NULL */
	struct config *wire;            /* the daemon's, owned */
	struct config *waiting;         /* no layout yet, owned */
	struct config_page waiting_page;
	struct config_board waiting_board;
	char *text;                     /* the document taken last */
	size_t text_len;
	int64_t loaded;                 /* its "loaded"; -1: none */
	uint64_t taken, refused, older;
	char refusal[256];              /* why the last one was refused */
	int64_t refusal_logged;         /* monotonic ms of the last line */
};

/* local: the config read (with its board, or NULL), the caller's to free
 * after board_layout_free; local_wins: it came with -c. */
void board_layout_init(struct board_layout *, const char *name,
    const struct config *local, const struct config_board *board,
    bool local_wins);
/* The topic to subscribe to: "layout/NAME". */
void board_layout_topic(const struct board_layout *, char *buf, size_t len);
/* A layout/NAME message. True when the layout drawn changed; a bad one is
 * refused (counted, its reason in refusal, a line on stderr at most every
 * 10 s when log is set) and the last good one stays. */
bool board_layout_take(struct board_layout *, const char *doc, size_t len,
    bool log);
/* What the layout's config sets beside the pages: the clock's time zone
 * (*tz replaced), STALE after 3 heartbeats, the standby's grace. */
struct tz;
void board_layout_timing(const struct board_layout *, struct tz **tz,
    int64_t *stale_after_ms, int64_t *grace_ms);
/* The board drawn has no layout yet (only the waiting page). */
bool board_layout_waiting(const struct board_layout *);
/* "N layouts refused (last: WHY)" on stderr, if any; at exit. */
void board_layout_report(const struct board_layout *, const char *prog);
void board_layout_free(struct board_layout *);

#endif
