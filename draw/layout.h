/*
 * layout.h: a board's layout, apart from drawing it (render.h).
 *
 * layout_draw() takes everything a frame depends on (the board, the page,
 * the last snapshot, the screen's size in cells and what it can show, the
 * clock, how old the data is, a frame counter) and sends drawing operations
 * to a back-end. It reads no clock and keeps no state: the same input gives
 * the same frame, which is what golden frames test and why a back-end may
 * call it as often as it likes. Cells are the unit: the framebuffer board
 * scales them to pixels.
 *
 * The rules it follows are exported below, for tests and for the other
 * boards: how a figure is written, when a tile is green, amber or red,
 * which agents a board shows and in what order, and the big font.
 */
#ifndef WALLBOARD_LAYOUT_H
#define WALLBOARD_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metric.h"
#include "render.h"
#include "snapshot-read.h"

/* What the screen can show. */
struct layout_caps {
	int colours;            /* 0 (monochrome), 8 or 256 */
	bool unicode;           /* block and box characters; else ASCII */
	/* Type that scales (the framebuffer board's Pango): a figure's big()
	 * gets all the room inside its tile, the STALE banner's word a third
	 * of the body; tiles fill their row (a last row of fewer tiles
	 * stretches them: no empty slot); text carries where it aligns
	 * (RENDER_ALIGN_*); and a figure in red or amber says so in words
	 * under it, as in monochrome, so colour is never the only cue. */
	bool scalable;
	/* With scalable type: how many rows span the screen's shorter side
	 * (what its height would be in landscape; 0: its height). Sizes
	 * that must be legible across a room (figures at least 12%) are
	 * shares of it: a portrait screen is as legible as the same screen
	 * turned, and shows more rows. */
	int short_rows;
};

/* How fresh the figures are. */
enum layout_link {
	LAYOUT_LIVE,
	LAYOUT_STALE,           /* no snapshot for 3 heartbeats */
	LAYOUT_DISCONNECTED,    /* no snapshot ever */
};

struct layout_input {
	const struct config *config;      /* for agents' configured queues */
	const struct config_board *board;
	size_t page;                      /* taken modulo the board's pages */
	const struct snapshot_view *snap; /* NULL before the first */
	int width, height;                /* cells */
	struct layout_caps caps;
	const char *clock;                /* local time to show, "14:05:09" */
	int64_t age_ms;                   /* since the snapshot arrived */
	enum layout_link link;
	const char *endpoint;             /* where the data comes from; NULL */
	uint64_t frame;                   /* +1 per redraw tick: ticker, flash */
	int64_t elapsed_ms;               /* how long the board has run, by a
	                                   * steady clock: the agent grid's
	                                   * pages turn on it */
};

/* The agent grid turns to its next page this often (when it has pages). */
#define LAYOUT_GRID_PAGE_MS 8000

struct layout_output {
	bool animated;          /* the ticker scrolls or an alert flashes:
	                         * redraw on the next tick even if nothing
	                         * else changed */
};

/* Draw one frame through ops. out may be NULL. */
void layout_draw(const struct layout_input *, const struct render_ops *,
    void *ctx, struct layout_output *out);

/* ---- the rules ---------------------------------------------------------- */

enum layout_status {
	LAYOUT_STATUS_NONE,     /* no target: no colour */
	LAYOUT_STATUS_GOOD,
	LAYOUT_STATUS_WARN,
	LAYOUT_STATUS_BAD,
};

/*
 * A tile's figure in scope (NULL: the snapshot lacks the scope). Returns
 * false when there is none (null, or absent); *kind is set either way.
 */
bool layout_tile_value(const struct config_tile *,
    const struct snapshot_scope *, double *value, enum metric_kind *kind);

/*
 * A tile's trend from its scope's (snapshot_scope.trend): the series of the
 * tile's own metric (service_level, offered, asa_ms, abandon_rate; other
 * metrics have none), the arrow for its last interval against the one
 * before, level when they read the same as shown, coloured as the tile is
 * judged (good_below: up is bad) or neutral for offered, grey when stale.
 * False when there is none to show: no scope, no trend, another metric,
 * fewer than two numbers.
 */
bool layout_tile_trend(const struct config_tile *,
    const struct snapshot_scope *, bool stale, struct render_trend *);

/*
 * Green, amber or red for value, judged as it is shown (a share to the
 * whole percent, a duration to the second): a tile never reads "80%" in
 * amber against a target of 80%.
 */
enum layout_status layout_tile_status(const struct config_tile *,
    const struct snapshot_scope *, double value);

/* A figure as a tile writes it: "81%", "0:41", "1h05", "12", "4.2". */
void layout_format_value(enum metric_kind, double value, char *buf,
    size_t len);
/* A duration: "m:ss" under an hour, then "1h05" (hours and minutes). */
void layout_format_duration(int64_t ms, char *buf, size_t len);

/* Whether the board's agent grid shows this agent (its `agents:`). An
 * agent serves the queues the snapshot lists for it, else the config's
 * agents.<id>.queues, else its team's queues. */
bool layout_agent_selected(const struct config *, const struct config_board *,
    const struct snapshot_agent *);

/*
 * The agents the grid shows, in order, into out (room for snap->n_agents):
 * selected and not offline; away first (they keep their place on every
 * page of the grid), then ready, busy, wrap; the longest in its state
 * first. Returns how many.
 */
size_t layout_agents_sorted(const struct config *, const struct config_board *,
    const struct snapshot_view *, const struct snapshot_agent **out);

/* ---- the big font ---------------------------------------------------------
 * 3x5 pixel glyphs (N is 4 wide, ':' and '.' 1) for 0-9 % : . - h, space and
 * the letters of STALE and DISCONNECTED; one pixel of space between glyphs.
 */

/* Pixels wide of text, or -1 if a character is not in the font. */
int layout_big_width(const char *text);
/* Pixels tall: 5. */
#define LAYOUT_BIG_HEIGHT 5
/* Whether pixel (px, py) of text, laid out as above, is set. */
bool layout_big_pixel(const char *text, int px, int py);
/* What cell (cx, cy) of a big rendering holds: " ", a block element, or
 * "#" without Unicode. */
const char *layout_big_cell(const char *text, const struct render_big *how,
    int cx, int cy);
/* Cells wide and tall of text drawn as how says. */
void layout_big_size(const char *text, const struct render_big *how, int *w,
    int *h);

struct tz;

/* The site's local time of utc_ms, "14:05:09", for the header. */
void layout_clock(const struct tz *tz, int64_t utc_ms, char *buf, size_t len);

/* The time the board's header shows: the data's own time (the snapshot's
 * `now`) moved on by how long ago it arrived, so that a replayed or
 * simulated floor shows its own time, a live one the wall clock; the wall
 * clock before any snapshot. */
int64_t layout_data_time(int64_t snapshot_now, int64_t since_received_ms,
    int64_t wall_ms, bool have_snapshot);

#endif
