/*
 * layout.c: a board's layout, apart from drawing it (layout.h).
 *
 * The screen, top to bottom: a header bar (site, board, page, data age,
 * clock); one line per firing alert, worst first (always the worst, on any
 * screen); the page's tiles (boxes, or lines on a small screen; a tile that
 * cannot show its figure is left out); the agent grid (paging, the away
 * agents on every page); the team leader's message as a ticker on the last
 * line. A STALE or DISCONNECTED banner goes over the figures when they are
 * not live (no snapshot, or every feed silent), and stale figures lose their
 * colour, each tile and agent on its own feed's word: a board never shows
 * old figures as if they were live.
 *
 * Text is measured in cells as a terminal shows it (draw/width.h, what
 * wcwidth(3) says): a Chinese name or an emoji takes two cells a
 * character, a combining accent none, so such names keep the grid; without
 * Unicode, anything not ASCII is written '?', one for each cell.
 */
#include "layout.h"
#include "tz.h"
#include "width.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Longest text one op carries: a 300-cell line of 3-byte characters. */
#define LAYOUT_TEXT_MAX 1024
#define LAYOUT_TEXT_CELLS 320

/* A grid cell for one agent: wide enough for a name, a state and a time. */
#define LAYOUT_AGENT_CELL 26
#define LAYOUT_AGENT_CELL_TV 23

struct layout {
	const struct layout_input	*in;
	const struct render_ops		*ops;
	void				*ctx;
	bool				 animated;
	bool				 stale;	/* figures not live */
	bool				 feeds_silent; /* every feed heard from
						* is stale */
	int64_t				 data_now; /* the data's time, ms */
};

/* ---- text ---------------------------------------------------------------- */

/* Bytes in the UTF-8 sequence that starts with c (1 for a stray byte). */
static int
layout_utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* The cells of the code point whose len bytes start at s (a malformed
 * sequence takes one, as the '?' it is shown as). */
static int
layout_char_cells(const char *s, int len)
{
	const char *p = s;
	uint32_t cp = width_utf8_next(&p);

	if (p - s != len || cp == 0xfffd)
		return 1;
	return width_codepoint(cp);
}

/* Bytes of s's first n cells: a wide character that would cross the
 * n-th cell is left out, marks that take no cell after it are kept. */
static int
layout_bytes(const char *s, int n)
{
	const char *p = s;

	while (*p != '\0') {
		int len = layout_utf8_len((unsigned char)*p), w;

		for (int i = 1; i < len; i++)
			if (p[i] == '\0')
				len = i;
		if ((w = layout_char_cells(p, len)) > n)
			break;
		n -= w;
		p += len;
	}
	return (int)(p - s);
}

/* Cells of s, as a terminal shows it. */
static int
layout_cells(const char *s)
{
	int n = 0;

	while (*s != '\0') {
		int len = layout_utf8_len((unsigned char)*s);

		for (int i = 1; i < len; i++)
			if (s[i] == '\0')
				len = i;
		n += layout_char_cells(s, len);
		s += len;
	}
	return n;
}

/*
 * At most cells cells of s into out (LAYOUT_TEXT_MAX bytes): non-ASCII as
 * '?' without Unicode; when s is cut, its last cell shows "…" ('~').
 * Returns the cells written.
 */
static int
layout_fit(const struct layout *l, const char *s, int cells, char *out)
{
	bool cut = layout_cells(s) > cells;
	size_t o = 0;
	int n = 0, len, w;

	if (cells > LAYOUT_TEXT_CELLS)
		cells = LAYOUT_TEXT_CELLS;
	while (*s != '\0') {
		len = layout_utf8_len((unsigned char)*s);
		for (int i = 1; i < len; i++)
			if (s[i] == '\0')
				len = i;	/* a cut sequence ends at the NUL */
		w = layout_char_cells(s, len);
		if (n + w > cells - (cut ? 1 : 0))
			break;
		if (!l->in->caps.unicode && (unsigned char)*s > 127)
			for (int i = 0; i < w; i++)
				out[o++] = '?';
		else
			for (int i = 0; i < len; i++)
				out[o++] = s[i];
		s += len;
		n += w;
	}
	if (cut && cells > 0) {
		memcpy(out + o, l->in->caps.unicode ? "\u2026" : "~",
		    l->in->caps.unicode ? 3 : 1);
		o += l->in->caps.unicode ? 3 : 1;
		n++;
	}
	out[o] = '\0';
	return n;
}

/* s at (x, y), cut to cells. Returns the cells used. */
static int
layout_text(struct layout *l, int x, int y, int cells, const char *s,
    struct render_style style)
{
	char buf[LAYOUT_TEXT_MAX];
	int n;

	if (cells <= 0 || *s == '\0')
		return 0;
	n = layout_fit(l, s, cells, buf);
	l->ops->text(l->ctx, x, y, buf, style);
	return n;
}

/* s centred in a line of w cells from x. */
static void
layout_text_centre(struct layout *l, int x, int y, int w, const char *s,
    struct render_style style)
{
	int n = layout_cells(s);

	if (l->in->caps.scalable)
		style.attrs |= RENDER_ALIGN_CENTRE;
	layout_text(l, x + (n < w ? (w - n) / 2 : 0), y, w, s, style);
}

/* s ending at the cell before x_end. */
static void
layout_text_right(struct layout *l, int x_end, int y, int cells,
    const char *s, struct render_style style)
{
	int n = layout_cells(s);

	if (n > cells)
		n = cells;
	if (l->in->caps.scalable)
		style.attrs |= RENDER_ALIGN_END;
	layout_text(l, x_end - n, y, n, s, style);
}

static struct render_style
layout_style(enum render_colour fg, enum render_colour bg, int attrs)
{
	return (struct render_style){ .fg = fg, .bg = bg, .attrs = attrs };
}

static void
layout_fill(struct layout *l, int x, int y, int w, int h,
    struct render_style style)
{
	if (w > 0 && h > 0)
		l->ops->fill(l->ctx, (struct render_rect){ x, y, w, h }, style);
}

/* n copies of a piece ("─") into out. */
static void
layout_repeat(char *out, const char *piece, int n)
{
	size_t len = strlen(piece), o = 0;

	for (int i = 0; i < n && i < LAYOUT_TEXT_CELLS; i++, o += len)
		memcpy(out + o, piece, len);
	out[o] = '\0';
}

/* ---- figures ---------------------------------------------------------------- */

void
layout_format_duration(int64_t ms, char *buf, size_t len)
{
	metric_format_duration((long long)ms, buf, len);
}

void
layout_format_value(enum metric_kind kind, double v, char *buf, size_t len)
{
	metric_format(kind, v, buf, len);
}

static enum metric_kind
layout_tile_kind(const struct config_tile *t)
{
	if (t->agents_state >= 0 || t->metric_id < 0)
		return METRIC_COUNT;
	return metric_get((enum metric_id)t->metric_id)->kind;
}

bool
layout_tile_value(const struct config_tile *t, const struct snapshot_scope *s,
    double *value, enum metric_kind *kind)
{
	const struct snapshot_window *w;

	*kind = layout_tile_kind(t);
	if (s == NULL)
		return false;
	if (t->agents_state >= 0) {
		*value = (double)s->agents[t->agents_state];
		return true;
	}
	if (t->metric_id == M_WAITING || t->metric_id == M_LONGEST_WAIT_MS) {
		*value = (double)(t->metric_id == M_WAITING ? s->waiting :
		    s->longest_wait_ms);
		return s->waiting_known;
	}
	if (t->metric_id < 0 || t->window == NULL ||
	    (w = snapshot_find_window(s, t->window)) == NULL ||
	    w->null[t->metric_id])
		return false;
	*value = w->value[t->metric_id];
	return true;
}

enum layout_status
layout_tile_status(const struct config_tile *t, const struct snapshot_scope *s,
    double value)
{
	double amber = t->amber, red = t->red;
	bool has_amber = t->has_amber, has_red = t->has_red;
	double v = metric_shown(layout_tile_kind(t), value);

	if (t->sl_target) {
		if (s == NULL || s->sl_target <= 0)
			return LAYOUT_STATUS_NONE;
		amber = s->sl_target;
		red = s->sl_target - 0.05;
		has_amber = has_red = true;
	}
	if (!has_amber && !has_red)
		return LAYOUT_STATUS_NONE;
	if (t->good_below) {
		v = -v;
		amber = -amber;
		red = -red;
	}
	if (has_red && v < red - 1e-9)
		return LAYOUT_STATUS_BAD;
	if (has_amber && v < amber - 1e-9)
		return LAYOUT_STATUS_WARN;
	return LAYOUT_STATUS_GOOD;
}

bool
layout_tile_trend(const struct config_tile *t, const struct snapshot_scope *s,
    bool stale, struct render_trend *out)
{
	int series = t->agents_state >= 0 ? -1 :
	    snapshot_trend_series_of(t->metric);
	const double *v;
	size_t n, numbers = 0;
	double last, prev;

	if (s == NULL || !s->has_trend || series < 0)
		return false;
	v = s->trend.values[series];
	n = s->trend.n[series];
	for (size_t i = 0; i < n; i++)
		numbers += !isnan(v[i]);
	if (numbers < 2)
		return false;
	memset(out, 0, sizeof *out);
	out->values = v;
	out->n = n;
	out->has_arrow = !isnan(v[n - 1]) && !isnan(v[n - 2]);
	if (!out->has_arrow)
		return true;
	/* Level when they read alike: "81%" and "81%" is no change. */
	last = metric_shown(layout_tile_kind(t), v[n - 1]);
	prev = metric_shown(layout_tile_kind(t), v[n - 2]);
	out->direction = fabs(last - prev) < 1e-9 ? 0 : last > prev ? 1 : -1;
	if (stale)
		out->arrow = RENDER_MUTED;
	else if (out->direction == 0 || series == SNAPSHOT_TREND_OFFERED)
		out->arrow = RENDER_NEUTRAL;
	else
		out->arrow = (out->direction > 0) != t->good_below ?
		    RENDER_GOOD : RENDER_BAD;
	return true;
}

/* ---- agents ---------------------------------------------------------------- */

/* The queues an agent serves: the snapshot's, the config's or its team's. */
static bool
layout_agent_serves(const struct config *c, const struct snapshot_agent *a,
    const char *pattern)
{
	const struct config_agent *ca;
	const struct config_team *team;
	char *const *queues = NULL;
	size_t n = 0;
	char key[256];

	if (a->has_queues) {
		queues = (char *const *)(uintptr_t)a->queues;
		n = a->n_queues;
	} else if (c != NULL && (ca = config_find_agent(c, a->id)) != NULL &&
	    ca->has_queues) {
		queues = ca->queues;
		n = ca->n_queues;
	} else if (c != NULL && a->team != NULL &&
	    (team = config_find_team(c, a->team)) != NULL) {
		queues = team->queues;
		n = team->n_queues;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof key, "queue:%s", queues[i]);
		if (config_scope_match(pattern, key))
			return true;
	}
	return false;
}

bool
layout_agent_selected(const struct config *c, const struct config_board *b,
    const struct snapshot_agent *a)
{
	const char *p;
	char key[256];

	for (size_t i = 0; i < b->n_agents; i++) {
		p = b->agents[i];
		if (strcmp(p, "all") == 0)
			return true;
		if (strncmp(p, "team:", 5) == 0 && a->team != NULL) {
			snprintf(key, sizeof key, "team:%s", a->team);
			if (config_scope_match(p, key))
				return true;
		}
		if (strncmp(p, "queue:", 6) == 0 && layout_agent_serves(c, a, p))
			return true;
	}
	return false;
}

/* Where a state sorts: away first, then ready, busy, wrap. */
static int
layout_state_rank(enum agent_state state)
{
	return state == AGENT_AWAY ? -1 : (int)state;
}

/* By state, then the longest in it first (earliest since), then by id. */
static int
layout_agent_compare(const void *x, const void *y)
{
	const struct snapshot_agent *a = *(const struct snapshot_agent *const *)x;
	const struct snapshot_agent *b = *(const struct snapshot_agent *const *)y;

	if (a->state != b->state)
		return layout_state_rank(a->state) < layout_state_rank(b->state) ?
		    -1 : 1;
	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;
	return strcmp(a->id, b->id);
}

size_t
layout_agents_sorted(const struct config *c, const struct config_board *b,
    const struct snapshot_view *v, const struct snapshot_agent **out)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_agents; i++)
		if (v->agents[i].state != AGENT_OFFLINE &&
		    layout_agent_selected(c, b, &v->agents[i]))
			out[n++] = &v->agents[i];
	qsort(out, n, sizeof *out, layout_agent_compare);
	return n;
}

/* ---- the big font ---------------------------------------------------------- */

struct layout_glyph {
	char c;
	int width;
	const char *rows[LAYOUT_BIG_HEIGHT];
};

static const struct layout_glyph layout_glyphs[] = {
	{ '0', 3, { "###", "#.#", "#.#", "#.#", "###" } },
	{ '1', 3, { ".#.", "##.", ".#.", ".#.", "###" } },
	{ '2', 3, { "###", "..#", "###", "#..", "###" } },
	{ '3', 3, { "###", "..#", ".##", "..#", "###" } },
	{ '4', 3, { "#.#", "#.#", "###", "..#", "..#" } },
	{ '5', 3, { "###", "#..", "###", "..#", "###" } },
	{ '6', 3, { "###", "#..", "###", "#.#", "###" } },
	{ '7', 3, { "###", "..#", "..#", ".#.", ".#." } },
	{ '8', 3, { "###", "#.#", "###", "#.#", "###" } },
	{ '9', 3, { "###", "#.#", "###", "..#", "###" } },
	{ '%', 3, { "#.#", "..#", ".#.", "#..", "#.#" } },
	{ ':', 1, { ".", "#", ".", "#", "." } },
	{ '.', 1, { ".", ".", ".", ".", "#" } },
	{ '-', 3, { "...", "...", "###", "...", "..." } },
	{ ' ', 2, { "..", "..", "..", "..", ".." } },
	{ 'h', 3, { "#..", "#..", "###", "#.#", "#.#" } },
	{ 'A', 3, { ".#.", "#.#", "###", "#.#", "#.#" } },
	{ 'C', 3, { ".##", "#..", "#..", "#..", ".##" } },
	{ 'D', 3, { "##.", "#.#", "#.#", "#.#", "##." } },
	{ 'E', 3, { "###", "#..", "##.", "#..", "###" } },
	{ 'I', 3, { "###", ".#.", ".#.", ".#.", "###" } },
	{ 'L', 3, { "#..", "#..", "#..", "#..", "###" } },
	{ 'N', 4, { "#..#", "##.#", "#.##", "#..#", "#..#" } },
	{ 'O', 3, { ".#.", "#.#", "#.#", "#.#", ".#." } },
	{ 'S', 3, { ".##", "#..", ".#.", "..#", "##." } },
	{ 'T', 3, { "###", ".#.", ".#.", ".#.", ".#." } },
};

static const struct layout_glyph *
layout_glyph(char c)
{
	for (size_t i = 0; i < sizeof layout_glyphs / sizeof *layout_glyphs;
	    i++)
		if (layout_glyphs[i].c == c)
			return &layout_glyphs[i];
	return NULL;
}

int
layout_big_width(const char *text)
{
	const struct layout_glyph *g;
	int w = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if ((g = layout_glyph(*p)) == NULL)
			return -1;
		w += g->width + (p != text);
	}
	return w;
}

bool
layout_big_pixel(const char *text, int px, int py)
{
	const struct layout_glyph *g;

	if (px < 0 || py < 0 || py >= LAYOUT_BIG_HEIGHT)
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if ((g = layout_glyph(*p)) == NULL)
			return false;
		if (px < g->width)
			return g->rows[py][px] == '#';
		px -= g->width + 1;	/* the glyph and the space after it */
		if (px < 0)
			return false;
	}
	return false;
}

void
layout_big_size(const char *text, const struct render_big *how, int *w,
    int *h)
{
	int s = how->scale < 1 ? 1 : how->scale;

	*w = layout_big_width(text) * s;
	*h = how->half ? (LAYOUT_BIG_HEIGHT * s + 1) / 2 : LAYOUT_BIG_HEIGHT * s;
}

const char *
layout_big_cell(const char *text, const struct render_big *how, int cx,
    int cy)
{
	int s = how->scale < 1 ? 1 : how->scale, px = cx / s;
	bool top, bottom;

	if (!how->half) {
		if (!layout_big_pixel(text, px, cy / s))
			return " ";
		return how->unicode ? "\u2588" : "#";
	}
	top = layout_big_pixel(text, px, 2 * cy / s);
	bottom = layout_big_pixel(text, px, (2 * cy + 1) / s);
	if (top && bottom)
		return "\u2588";
	if (top)
		return "\u2580";
	return bottom ? "\u2584" : " ";
}

/*
 * The largest rendering of text that fits w x h; false when none does.
 * Half blocks make square pixels out of tall cells, so Unicode uses them.
 */
static bool
layout_big_fit(const struct layout *l, const char *text, int w, int h,
    struct render_big *how)
{
	int bw, bh;

	if (layout_big_width(text) < 0)
		return false;
	how->unicode = l->in->caps.unicode;
	how->half = how->unicode;
	for (how->scale = 16; how->scale >= 1; how->scale--) {
		layout_big_size(text, how, &bw, &bh);
		if (bw <= w && bh <= h)
			return true;
	}
	return false;
}

/* ---- boxes ----------------------------------------------------------------- */

struct layout_box_chars {
	const char *tl, *tr, *bl, *br, *h, *v;
};

static const struct layout_box_chars layout_box_unicode = {
	"\u250c", "\u2510", "\u2514", "\u2518", "\u2500", "\u2502"
};
static const struct layout_box_chars layout_box_ascii = {
	"+", "+", "+", "+", "-", "|"
};

/*
 * A box on r's edge with a title top left, a note top right and a note
 * bottom left, each set in the line ("┌ Support SL ──── 15m ┐").
 */
static void
layout_box(struct layout *l, struct render_rect r, struct render_style line,
    struct render_style title, const char *top_left, const char *top_right,
    const char *bottom_left)
{
	const struct layout_box_chars *b = l->in->caps.unicode ?
	    &layout_box_unicode : &layout_box_ascii;
	char buf[LAYOUT_TEXT_MAX];
	int n;

	layout_repeat(buf, b->h, r.w - 2);
	l->ops->text(l->ctx, r.x + 1, r.y, buf, line);
	l->ops->text(l->ctx, r.x + 1, r.y + r.h - 1, buf, line);
	l->ops->text(l->ctx, r.x, r.y, b->tl, line);
	l->ops->text(l->ctx, r.x + r.w - 1, r.y, b->tr, line);
	l->ops->text(l->ctx, r.x, r.y + r.h - 1, b->bl, line);
	l->ops->text(l->ctx, r.x + r.w - 1, r.y + r.h - 1, b->br, line);
	for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
		l->ops->text(l->ctx, r.x, y, b->v, line);
		l->ops->text(l->ctx, r.x + r.w - 1, y, b->v, line);
	}
	n = 0;
	if (*top_right != '\0' && r.w >= 12) {
		snprintf(buf, sizeof buf, " %s ", top_right);
		n = layout_cells(buf);
		layout_text_right(l, r.x + r.w - 1, r.y, r.w - 2, buf, line);
	}
	snprintf(buf, sizeof buf, " %s ", top_left);
	layout_text(l, r.x + 1, r.y, r.w - 2 - n, buf, title);
	if (*bottom_left != '\0' && r.h >= 3) {
		snprintf(buf, sizeof buf, " %s ", bottom_left);
		layout_text(l, r.x + 1, r.y + r.h - 1, r.w - 2, buf, line);
	}
}

/* ---- freshness ------------------------------------------------------------- */

static const struct snapshot_feed *
layout_find_feed(const struct snapshot_view *v, const char *name)
{
	for (size_t i = 0; i < v->n_feeds; i++)
		if (strcmp(v->feeds[i].name, name) == 0)
			return &v->feeds[i];
	return NULL;
}

/* Every feed that has ever sent an event is stale: the daemon speaks, but
 * nothing behind its figures does. False when no feed was ever heard. */
static bool
layout_feeds_silent(const struct snapshot_view *v)
{
	size_t heard = 0;

	for (size_t i = 0; i < v->n_feeds; i++) {
		if (v->feeds[i].last_event <= 0)
			continue;
		if (v->feeds[i].live)
			return false;
		heard++;
	}
	return heard > 0;
}

/* name onto a ", "-list in buf of len. */
static void
layout_list_add(char *buf, size_t len, const char *name)
{
	size_t o = strlen(buf);

	snprintf(buf + o, len - o, "%s%s", o > 0 ? ", " : "", name);
}

/*
 * The feeds a stale scope is waiting for, ", "-joined into names: those of
 * its feeds the snapshot says are stale (all its feeds if it says none
 * is), or with s NULL every stale feed heard from. *newest: the latest
 * event any of them sent, 0 when none is known.
 */
static void
layout_silent_feeds(const struct layout *l, const struct snapshot_scope *s,
    char *names, size_t len, int64_t *newest)
{
	const struct snapshot_view *v = l->in->snap;
	const struct snapshot_feed *f;

	names[0] = '\0';
	*newest = 0;
	if (s == NULL) {
		for (size_t i = 0; i < v->n_feeds; i++) {
			f = &v->feeds[i];
			if (f->live || f->last_event <= 0)
				continue;
			layout_list_add(names, len, f->name);
			if (f->last_event > *newest)
				*newest = f->last_event;
		}
		return;
	}
	for (int pass = 0; pass < 2 && names[0] == '\0'; pass++)
		for (size_t i = 0; i < s->n_feeds; i++) {
			f = layout_find_feed(v, s->feeds[i]);
			if (pass == 0 && (f == NULL || f->live))
				continue;
			layout_list_add(names, len, s->feeds[i]);
			if (f != NULL && f->last_event > *newest)
				*newest = f->last_event;
		}
	if (*newest == 0 && s->has_last_event)
		*newest = s->last_event;
}

/*
 * What a stale scope's tile says, the longest that fits cells: "no data
 * from pbx1 for 1:12", "pbx1 silent 1:12", "STALE". The silence is the
 * data's time less the feed's last event.
 */
static void
layout_stale_note(const struct layout *l, const struct snapshot_scope *s,
    int cells, char *buf, size_t len)
{
	char names[160], silence[24] = "";
	int64_t newest;

	layout_silent_feeds(l, s, names, sizeof names, &newest);
	if (newest > 0)
		layout_format_duration(l->data_now - newest, silence,
		    sizeof silence);
	if (*names != '\0')
		snprintf(buf, len, "no data from %s%s%s", names,
		    *silence ? " for " : "", silence);
	else
		snprintf(buf, len, "no new data%s%s", *silence ? " for " : "",
		    silence);
	if (layout_cells(buf) <= cells)
		return;
	if (*names != '\0')
		snprintf(buf, len, "%s silent%s%s", names, *silence ? " " : "",
		    silence);
	else
		snprintf(buf, len, "silent%s%s", *silence ? " " : "", silence);
	if (layout_cells(buf) <= cells)
		return;
	snprintf(buf, len, "STALE");
}

/*
 * How old the figures the page shows are: the data's time less the newest
 * event counted in the scopes of its tiles; else less the newest event of
 * any feed; else (an older daemon's snapshot) how long ago it arrived.
 */
static int64_t
layout_data_age(const struct layout *l, const struct config_page *page)
{
	const struct snapshot_view *v = l->in->snap;
	const struct snapshot_scope *s;
	int64_t newest = 0;

	if (v == NULL)
		return l->in->age_ms;
	for (size_t i = 0; i < page->n_tiles; i++)
		if ((s = snapshot_find_scope(v, page->tiles[i].scope)) != NULL &&
		    s->has_last_event && s->last_event > newest)
			newest = s->last_event;
	if (newest == 0)
		for (size_t i = 0; i < v->n_feeds; i++)
			if (v->feeds[i].last_event > newest)
				newest = v->feeds[i].last_event;
	if (newest == 0)
		return l->in->age_ms;
	return l->data_now > newest ? l->data_now - newest : 0;
}

/* ---- header, alerts, ticker -------------------------------------------------- */

static void
layout_age(int64_t ms, char *buf, size_t len)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%ds", (int)s);
	else if (s < 3600)
		snprintf(buf, len, "%dm", (int)(s / 60));
	else
		snprintf(buf, len, "%dh", (int)(s / 3600));
}

static const char *
layout_site(const struct layout *l)
{
	const struct snapshot_view *v = l->in->snap;

	if (v != NULL && v->site_name != NULL)
		return v->site_name;
	return l->in->config ? l->in->config->site_name : "wallboard";
}

static void
layout_header(struct layout *l)
{
	const struct layout_input *in = l->in;
	const struct config_page *page = &in->board->pages[in->page %
	    in->board->n_pages];
	const char *dot = in->caps.unicode ? " \u00b7 " : " - ";
	struct render_style bar = layout_style(RENDER_WHITE, RENDER_HEADER,
	    in->caps.colours ? RENDER_BOLD : RENDER_REVERSE | RENDER_BOLD);
	struct render_style alarm = layout_style(RENDER_WHITE, RENDER_BAD,
	    RENDER_BOLD | (in->caps.colours ? 0 : RENDER_REVERSE));
	char left[LAYOUT_TEXT_MAX], right[160], age[16], pages[64];
	const char *journal = in->snap != NULL ? in->snap->journal : NULL;
	/* A journal the daemon cannot write, or one that lost records: the
	 * figures are live, but a restart would lose (or has lost) some of the
	 * day. Operations must see it; the header says it, small, not every
	 * tile. */
	bool journal_bad = journal != NULL && strcmp(journal, "ok") != 0 &&
	    in->link != LAYOUT_DISCONNECTED;
	/* A stream-fed daemon cut off from its stream, or catching up: its
	 * clock holds (docs/nats.md), so the figures are as of a moment ago. */
	const char *stream = in->snap != NULL ? in->snap->stream : NULL;
	bool catching_up = stream != NULL && strcmp(stream, "live") != 0 &&
	    in->link == LAYOUT_LIVE;
	int w = in->width, n;

	layout_fill(l, 0, 0, w, 1, bar);
	layout_age(in->link == LAYOUT_LIVE ? layout_data_age(l, page) :
	    in->age_ms, age, sizeof age);
	pages[0] = '\0';
	if (in->board->n_pages > 1 || page->title != NULL)
		snprintf(pages, sizeof pages, "%s%s (%zu/%zu)", dot,
		    page->title ? page->title : "page",
		    in->page % in->board->n_pages + 1, in->board->n_pages);
	snprintf(left, sizeof left, " %s%s%s%s", layout_site(l), dot,
	    in->board->title, w >= 60 ? pages : "");
	if (in->link == LAYOUT_DISCONNECTED)
		snprintf(right, sizeof right, " NO DATA%s%s ", dot, in->clock);
	else if (in->link == LAYOUT_STALE)
		snprintf(right, sizeof right, " STALE %s%s%s ", age, dot,
		    in->clock);
	else
		snprintf(right, sizeof right, " %s%sdata %s%s%s ",
		    catching_up ? "CATCHING UP " : "",
		    journal_bad && w >= 40 ? "JOURNAL " : "", age, dot, in->clock);
	n = layout_cells(right);
	if (n > w)
		n = w;
	layout_text_right(l, w, 0, n, right,
	    in->link == LAYOUT_LIVE && !l->feeds_silent && !journal_bad &&
	    !catching_up ? bar : alarm);
	layout_text(l, 0, 0, w - n - 1, left, bar);
}

/* Worst first: critical, warning, info; unacked first; newest first. */
static int
layout_alert_compare(const void *x, const void *y)
{
	const struct snapshot_alert *a = *(const struct snapshot_alert *const *)x;
	const struct snapshot_alert *b = *(const struct snapshot_alert *const *)y;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((a->acked_by == NULL) != (b->acked_by == NULL))
		return a->acked_by == NULL ? -1 : 1;
	if (a->since != b->since)
		return a->since > b->since ? -1 : 1;
	return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

/* Firing alerts, sorted, into out (room for v->n_alerts). */
static size_t
layout_alerts_firing(const struct snapshot_view *v,
    const struct snapshot_alert **out)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_alerts; i++)
		if (v->alerts[i].state == SNAPSHOT_ALERT_FIRING)
			out[n++] = &v->alerts[i];
	qsort(out, n, sizeof *out, layout_alert_compare);
	return n;
}

static struct render_style
layout_alert_style(struct layout *l, const struct snapshot_alert *a)
{
	const struct layout_input *in = l->in;
	struct render_style s = layout_style(RENDER_WHITE, RENDER_BAD,
	    RENDER_BOLD);

	if (a->severity == SEVERITY_WARNING)
		s = layout_style(RENDER_BLACK, RENDER_WARN, RENDER_BOLD);
	else if (a->severity == SEVERITY_INFO)
		s = layout_style(RENDER_WHITE, RENDER_INFO, 0);
	if (a->acked_by != NULL)
		s = layout_style(a->severity == SEVERITY_INFO ? RENDER_NEUTRAL :
		    s.bg, RENDER_DEFAULT, 0);
	else if (in->caps.colours == 0)
		s.attrs |= RENDER_REVERSE;
	if (a->severity == SEVERITY_CRITICAL && a->acked_by == NULL) {
		s.attrs |= RENDER_FLASH;
		if (in->frame & 1)
			s.attrs ^= RENDER_REVERSE;
		l->animated = true;
	}
	return s;
}

/*
 * One alert: " ▲ CRITICAL #14 Support SL 50% (target 80%)  for 5m"; on a
 * screen under 50 cells the severity's name goes (its colour stays). The
 * line is cut with "…" if it must be; when more alerts did not get a
 * line, "+2 more alerts" follows at the right if there is room for it
 * after the whole of this one.
 */
static void
layout_alert_line(struct layout *l, int y, const struct snapshot_alert *a,
    size_t more)
{
	static const char *const names[] = { "INFO", "WARNING", "CRITICAL" };
	const struct layout_input *in = l->in;
	struct render_style s = layout_alert_style(l, a);
	char line[LAYOUT_TEXT_MAX], age[16], acked[160] = "", id[32] = "";
	char severity[16] = "", count[48] = "";
	const char *mark = in->caps.unicode ? "\u25b2" : "!";
	int n;

	layout_age(in->snap->now - a->since + in->age_ms, age, sizeof age);
	if (a->acked_by != NULL)
		snprintf(acked, sizeof acked, "  (acked by %s)", a->acked_by);
	if (a->short_id > 0) {
		/* "#9 " as wide as "#14", so that texts line up. */
		snprintf(id, sizeof id, "#%lld", (long long)a->short_id);
		snprintf(id + strlen(id), sizeof id - strlen(id), "%*s",
		    strlen(id) < 3 ? 2 : 1, "");
	}
	if (in->width >= 50)
		snprintf(severity, sizeof severity, "%-8s ",
		    names[a->severity]);
	snprintf(line, sizeof line, " %s %s%s%s  for %s%s", mark, severity,
	    id, a->text, age, acked);
	layout_fill(l, 0, y, in->width, 1, s);
	layout_text(l, 0, y, in->width, line, s);
	if (more == 0)
		return;
	n = layout_cells(line);
	snprintf(count, sizeof count, "  +%zu more alert%s ", more,
	    more == 1 ? "" : "s");
	if (n + layout_cells(count) > in->width)
		snprintf(count, sizeof count, "  +%zu more ", more);
	if (n + layout_cells(count) <= in->width)
		layout_text_right(l, in->width, y, layout_cells(count), count,
		    s);
}

/*
 * The alert lines, from y: up to max_lines, and always one when any
 * fires, so that the worst is never hidden; returns how many lines they
 * took.
 */
static int
layout_alerts(struct layout *l, int y, int max_lines)
{
	const struct snapshot_view *v = l->in->snap;
	const struct snapshot_alert **firing;
	size_t n, shown;

	if (v == NULL || v->n_alerts == 0)
		return 0;
	if (max_lines < 1)
		max_lines = 1;
	firing = xcalloc(v->n_alerts, sizeof *firing);
	n = layout_alerts_firing(v, firing);
	shown = n <= (size_t)max_lines ? n : (size_t)max_lines;
	for (size_t i = 0; i < shown; i++)
		layout_alert_line(l, y + (int)i, firing[i],
		    i + 1 == shown ? n - shown : 0);
	free(firing);
	return (int)shown;
}

/* The message, still if it fits, else scrolling one cell per frame. */
static void
layout_ticker(struct layout *l, int y)
{
	const struct layout_input *in = l->in;
	const struct snapshot_view *v = in->snap;
	struct render_style s = layout_style(RENDER_WHITE, RENDER_HEADER,
	    in->caps.colours ? RENDER_BOLD : RENDER_REVERSE);
	char text[LAYOUT_TEXT_MAX], loop[2 * LAYOUT_TEXT_MAX + 16];
	const char *p;
	int n, skip;

	snprintf(text, sizeof text, "%s%s%s", v->message_text,
	    v->message_from ? (in->caps.unicode ? " \u2014 " : " - ") : "",
	    v->message_from ? v->message_from : "");
	layout_fill(l, 0, y, in->width, 1, s);
	if ((n = layout_cells(text)) <= in->width - 2) {
		layout_text_centre(l, 0, y, in->width, text, s);
		return;
	}
	/* Twice round, so any window of width cells is one stretch. */
	snprintf(loop, sizeof loop, "%s   %s   %s   ", text,
	    in->caps.unicode ? "\u2022" : "*", text);
	skip = (int)(in->frame % (uint64_t)(n + 7));
	for (p = loop; skip-- > 0 && *p != '\0';)
		p += layout_utf8_len((unsigned char)*p);
	/* Cut here, not by layout_text: a ticker runs on, it is not cut off. */
	snprintf(text, sizeof text, "%.*s", layout_bytes(p, in->width), p);
	layout_text(l, 0, y, in->width, text, s);
	l->animated = true;
}

/* ---- tiles -------------------------------------------------------------------- */

/* A stale figure is grey: it claims to be neither good nor bad. */
static enum render_colour
layout_status_colour(bool stale, enum layout_status status)
{
	if (stale)
		return RENDER_MUTED;
	switch (status) {
	case LAYOUT_STATUS_GOOD: return RENDER_GOOD;
	case LAYOUT_STATUS_WARN: return RENDER_WARN;
	case LAYOUT_STATUS_BAD: return RENDER_BAD;
	default: return RENDER_NEUTRAL;
	}
}

/* A short name for a figure, for labels a config does not give. */
static const char *
layout_metric_name(const struct config_tile *t)
{
	static const struct { const char *key, *name; } names[] = {
		{ "service_level", "SL" }, { "asa_ms", "ASA" },
		{ "aht_ms", "AHT" }, { "abandon_rate", "abandoned" },
		{ "longest_wait_ms", "longest wait" },
		{ "max_wait_ms", "max wait" }, { "avg_abandon_ms",
		"abandon wait" }, { "csat_avg", "CSAT" }, { "csat", "CSAT" },
		{ "fcr", "FCR" }, { "agents_ready", "ready" },
		{ "agents_busy", "busy" }, { "agents_wrap", "wrap" },
		{ "agents_away", "away" }, { "agents_offline", "offline" },
		{ "agents_staffed", "staffed" }, { "talk_ms", "talk" },
		{ "wrap_ms", "wrap" }, { "transfer_rate", "transfers" },
		{ "repeat_rate", "repeats" },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(names[i].key, t->metric) == 0)
			return names[i].name;
	return t->metric;
}

static void
layout_tile_label(const struct layout *l, const struct config_tile *t,
    const struct snapshot_scope *s, char *buf, size_t len)
{
	const char *name = strchr(t->scope, ':'), *label;
	const struct config_queue *q;
	const struct config_team *team;

	label = name ? name + 1 : t->scope;
	if (s != NULL && s->label != NULL)
		label = s->label;
	else if (l->in->config != NULL && strncmp(t->scope, "queue:", 6) == 0 &&
	    (q = config_find_queue(l->in->config, label)) != NULL)
		label = q->label;
	else if (l->in->config != NULL && strncmp(t->scope, "team:", 5) == 0 &&
	    (team = config_find_team(l->in->config, label)) != NULL)
		label = team->label;
	if (t->label != NULL)
		snprintf(buf, len, "%s", t->label);
	else if (strcmp(t->scope, "all") == 0)
		snprintf(buf, len, "%s", layout_metric_name(t));
	else
		snprintf(buf, len, "%s %s", label, layout_metric_name(t));
}

/* "target 80%" (or "max 0:30" where less is better) under the figure. */
static void
layout_tile_target(const struct config_tile *t, const struct snapshot_scope *s,
    enum layout_status status, bool mono, char *buf, size_t len)
{
	static const char *const words[] = { "", "", " (amber)", " (red)" };
	char level[32] = "";

	if (t->sl_target && s != NULL && s->sl_target > 0)
		layout_format_value(METRIC_RATIO, s->sl_target, level,
		    sizeof level);
	else if (t->has_amber)
		layout_format_value(layout_tile_kind(t), t->amber, level,
		    sizeof level);
	else if (t->has_red)
		layout_format_value(layout_tile_kind(t), t->red, level,
		    sizeof level);
	if (*level == '\0')
		buf[0] = '\0';
	else
		snprintf(buf, len, "%s %s%s", t->good_below ? "max" : "target",
		    level, mono ? words[status] : "");
}

/*
 * The figure in the tile's inside: in the big font when it fits, else as
 * text; if even the text is too wide, the unit goes, then "…".
 */
static void
layout_tile_figure(struct layout *l, struct render_rect r, const char *value,
    struct render_style style)
{
	struct render_big how;
	char text[64];
	int w, h;

	if (r.w <= 0 || r.h <= 0)
		return;
	if (l->in->caps.scalable) {
		how = (struct render_big){ .scale = 1 };
		l->ops->big(l->ctx, r, value, &how, style);
		return;
	}
	if (r.h >= 3 && layout_big_fit(l, value, r.w, r.h, &how)) {
		layout_big_size(value, &how, &w, &h);
		l->ops->big(l->ctx, (struct render_rect){ r.x + (r.w - w) / 2,
		    r.y + (r.h - h) / 2, w, h }, value, &how, style);
		return;
	}
	snprintf(text, sizeof text, "%s", value);
	if (layout_cells(text) > r.w && strchr("%", text[strlen(text) - 1]))
		text[strlen(text) - 1] = '\0';
	layout_text_centre(l, r.x, r.y + (r.h - 1) / 2, r.w, text, style);
}

/* What a tile shows: its figure ("--" when the snapshot lacks it), its
 * label, how it is judged, whether it is old. */
struct layout_tile_view {
	const struct config_tile	*t;
	const struct snapshot_scope	*s;
	enum layout_status		 status;
	bool				 scope_stale;	/* its feed is silent */
	bool				 stale;		/* or the whole board */
	char				 value[64];
	char				 label[256];
	int				 value_cells, label_cells;
};

static void
layout_tile_view(const struct layout *l, const struct config_tile *t,
    struct layout_tile_view *tv)
{
	enum metric_kind kind;
	double v;

	memset(tv, 0, sizeof *tv);
	tv->t = t;
	tv->s = l->in->snap ? snapshot_find_scope(l->in->snap, t->scope) : NULL;
	snprintf(tv->value, sizeof tv->value, "--");
	if (layout_tile_value(t, tv->s, &v, &kind)) {
		layout_format_value(kind, v, tv->value, sizeof tv->value);
		tv->status = layout_tile_status(t, tv->s, v);
	}
	tv->scope_stale = tv->s != NULL && tv->s->stale;
	tv->stale = l->stale || tv->scope_stale;
	layout_tile_label(l, t, tv->s, tv->label, sizeof tv->label);
	tv->value_cells = layout_cells(tv->value);
	tv->label_cells = layout_cells(tv->label);
}

/* The least of a label a tile shows: 7 characters and "…" ("Support…"),
 * or all of a shorter one. */
#define LAYOUT_LABEL_MIN 8

static int
layout_label_min(const struct layout_tile_view *tv)
{
	return tv->label_cells < LAYOUT_LABEL_MIN ? tv->label_cells :
	    LAYOUT_LABEL_MIN;
}

/* The figure's style: the status colour, grey when old, bold. */
static void
layout_tile_styles(const struct layout *l, const struct layout_tile_view *tv,
    struct render_style *line, struct render_style *value)
{
	*line = layout_style(layout_status_colour(tv->stale, tv->status),
	    RENDER_DEFAULT, tv->stale ? RENDER_DIM : 0);
	*value = *line;
	value->attrs |= RENDER_BOLD;
	if (l->in->caps.colours == 0 && !tv->stale &&
	    tv->status == LAYOUT_STATUS_BAD)
		value->attrs |= RENDER_REVERSE;
}

static double layout_scaled_figure(const struct layout_tile_view *, size_t,
    int, int);

#define LAYOUT_FIGURE_SHARE 0.12
#define LAYOUT_TREND_KEEP 0.85
/* A trend's room, in cells: its arrow takes LAYOUT_TREND_ARROW (a square
 * of a row and a margin); its sparkline is read only with a cell for every
 * two intervals left of it, and at least LAYOUT_TREND_LINE; with less the
 * arrow alone; with less than the arrow, nothing. */
#define LAYOUT_TREND_LINE 4
#define LAYOUT_TREND_ARROW 3

/* Whether a trend of n intervals gets its sparkline in w cells. */
static bool
layout_trend_line_fits(size_t n, int w)
{
	int need = (int)(n + 1) / 2;

	return w - LAYOUT_TREND_ARROW >= (need > LAYOUT_TREND_LINE ? need :
	    LAYOUT_TREND_LINE);
}

/*
 * Where a tile's trend goes, where the back-end draws them: a strip along
 * the bottom of the tile's inside when the figure keeps, without that
 * row, LAYOUT_TREND_KEEP of its height and at least LAYOUT_FIGURE_SHARE
 * of the screen (a tall tile, a portrait screen, a figure the tile's
 * width limits anyway); else
 * in the tile's bottom edge after the target (" target 80% (red) "), up
 * to half the tile's width and a cell short of its corner. False, and no
 * trend, when fewer than 6 cells are left.
 */
static bool
layout_tile_trend_room(const struct layout *l,
    const struct layout_tile_view *tv, struct render_rect r,
    const char *target, struct render_rect *strip, bool *inside)
{
	int side = l->in->caps.short_rows > 0 ? l->in->caps.short_rows :
	    l->in->height, from, to;
	double whole = layout_scaled_figure(tv, 1, r.w, r.h);
	double less = layout_scaled_figure(tv, 1, r.w, r.h - 1);

	*inside = r.h >= 6 && less >= LAYOUT_TREND_KEEP * whole &&
	    less >= LAYOUT_FIGURE_SHARE * side;
	if (*inside) {
		*strip = (struct render_rect){ r.x + 2, r.y + r.h - 2, r.w - 4,
		    1 };
		return strip->w >= LAYOUT_TREND_ARROW;
	}
	from = r.x + 1 + (*target != '\0' ? layout_cells(target) + 3 : 1);
	to = r.x + r.w - 2;
	if (to - from > r.w / 2)
		from = to - r.w / 2;
	*strip = (struct render_rect){ from, r.y + r.h - 1, to - from, 1 };
	return to - from >= LAYOUT_TREND_ARROW;
}

/* The trend figure a tile's metric has (§6.14), or -1. */
static int
layout_trend_figure(const struct config_tile *t)
{
	switch (t->metric_id) {
	case M_SERVICE_LEVEL: return SNAPSHOT_TREND_SERVICE_LEVEL;
	case M_OFFERED: return SNAPSHOT_TREND_OFFERED;
	case M_ASA_MS: return SNAPSHOT_TREND_ASA;
	case M_ABANDON_RATE: return SNAPSHOT_TREND_ABANDON_RATE;
	default: return -1;
	}
}

/*
 * The sparkline of a tile's trend, oldest first, one block (U+2581 to
 * U+2588) an interval scaled between the least and the most, a blank
 * where undefined; then an arrow against the interval before: up, down or
 * level (as the figures are shown). Into out; its cells in *cells; false
 * when there is none to draw (no trend, or a terminal without Unicode).
 */
static bool
layout_sparkline(const struct layout *l, const struct layout_tile_view *tv,
    char *out, size_t len, int *cells)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583",
	    "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" };
	const struct snapshot_trend *tr = tv->s && tv->s->has_trend ?
	    &tv->s->trend : NULL;
	int f = layout_trend_figure(tv->t);
	double lo = 0, hi = 0, last = 0, prev = 0;
	bool any = false, has_last = false, has_prev = false;
	size_t o = 0;

	size_t n;

	if (tr == NULL || f < 0 || (n = tr->n[f]) == 0 ||
	    !l->in->caps.unicode || len < n * 3 + 8)
		return false;
	for (size_t k = 0; k < n; k++) {
		double v = tr->values[f][k];

		if (isnan(v))     /* null: nothing measured */
			continue;
		lo = any && lo < v ? lo : v;
		hi = any && hi > v ? hi : v;
		any = true;
		prev = last, has_prev = has_last;
		last = v, has_last = true;
	}
	for (size_t k = 0; k < n; k++) {
		double v = tr->values[f][k];
		int b = hi > lo && !isnan(v) ? (int)((v - lo) / (hi - lo) * 7 +
		    0.5) : 3;

		o += (size_t)snprintf(out + o, len - o, "%s",
		    isnan(v) ? " " : blocks[b < 0 ? 0 : b > 7 ? 7 : b]);
	}
	*cells = (int)n;
	if (has_prev) {
		enum metric_kind kind = metric_get(tv->t->metric_id)->kind;
		double a = metric_shown(kind, last), b = metric_shown(kind, prev);

		snprintf(out + o, len - o, " %s", a > b ? "\u2191" : a < b ?
		    "\u2193" : "\u2192");
		*cells += 2;
	}
	return true;
}

/* A tile as a box: the label in its top edge, the window top right, the
 * figure inside, the target (or why it is old) in its bottom edge. */
static void
layout_tile(struct layout *l, const struct layout_tile_view *tv,
    struct render_rect r)
{
	const struct config_tile *t = tv->t;
	struct render_style line, value_style;
	char target[256], spark[SNAPSHOT_TREND_MAX * 3 + 8];
	const char *window = t->window ? t->window : "now";
	struct render_trend trend;
	struct render_rect strip;
	bool inside;
	int spark_cells;

	layout_tile_styles(l, tv, &line, &value_style);
	/* A stale tile says why instead of its target. */
	if (tv->scope_stale)
		layout_stale_note(l, tv->s, r.w - 4, target, sizeof target);
	else
		layout_tile_target(t, tv->s, tv->stale ? LAYOUT_STATUS_NONE :
		    tv->status, l->in->caps.colours == 0 ||
		    l->in->caps.scalable, target, sizeof target);
	/* The window gives way to the label. */
	if (r.w - 4 - (layout_cells(window) + 2) < layout_label_min(tv))
		window = "";
	layout_fill(l, r.x, r.y, r.w, r.h, line);
	layout_box(l, r, line, layout_style(RENDER_NEUTRAL, RENDER_DEFAULT,
	    RENDER_BOLD | (tv->stale ? RENDER_DIM : 0)), tv->label, window,
	    target);
	if (l->ops->trend != NULL && l->in->caps.scalable && r.h >= 3 &&
	    layout_tile_trend(t, tv->s, tv->stale, &trend) &&
	    layout_tile_trend_room(l, tv, r, target, &strip, &inside) &&
	    (layout_trend_line_fits(trend.n, strip.w) || trend.has_arrow)) {
		/* The arrow alone takes its own cells at the strip's end: the
		 * edge's line runs on up to it. */
		trend.arrow_only = !layout_trend_line_fits(trend.n, strip.w);
		if (trend.arrow_only) {
			strip.x += strip.w - LAYOUT_TREND_ARROW;
			strip.w = LAYOUT_TREND_ARROW;
		}
		l->ops->trend(l->ctx, strip, &trend, line);
	} else
		inside = false;
	/* On a terminal the trend goes in the tile's bottom edge, right of
	 * the target, where it fits: the figure keeps every row of the box,
	 * and a sparkline's blocks are never read as part of its big digits
	 * (the framebuffer board draws its own, above). */
	if (!l->in->caps.scalable &&
	    layout_sparkline(l, tv, spark, sizeof spark, &spark_cells) &&
	    layout_cells(target) + spark_cells + 10 <= r.w) {
		char edge[sizeof spark + 4];

		snprintf(edge, sizeof edge, " %s ", spark);
		layout_text(l, r.x + r.w - 4 - spark_cells, r.y + r.h - 1,
		    spark_cells + 2, edge, layout_style(RENDER_NEUTRAL,
		    RENDER_DEFAULT, tv->stale ? RENDER_DIM : 0));
	}
	layout_tile_figure(l, (struct render_rect){ r.x + 1, r.y + 1,
	    r.w - 2, r.h - 2 - inside }, tv->value, value_style);
}

/* Cells a tile's line needs after its label: " 81%", and " STALE" or
 * more when its feed is silent. */
static int
layout_tile_line_tail(const struct layout_tile_view *tv)
{
	return 1 + tv->value_cells + (tv->scope_stale ? 6 : 0);
}

/* Where the parts of tile lines go: figures right-aligned in a column
 * fig_w wide, then notes (why a figure is old) note_w wide. */
struct layout_line_cols {
	int fig_w, note_w;
};

/*
 * A tile as one line, where boxes do not fit: the label, the figure and,
 * when its feed is silent, why it is old ("STALE", or longer when there
 * is room): "Support SL   50% pbx1 silent 1:12".
 */
static void
layout_tile_line(struct layout *l, const struct layout_tile_view *tv,
    struct render_rect r, const struct layout_line_cols *c)
{
	struct render_style line, value_style, label_style;
	char note[256] = "";
	int fig_end = r.x + r.w - (c->note_w ? c->note_w + 1 : 0);

	layout_tile_styles(l, tv, &line, &value_style);
	label_style = layout_style(RENDER_NEUTRAL, RENDER_DEFAULT,
	    RENDER_BOLD | (tv->stale ? RENDER_DIM : 0));
	if (tv->scope_stale)
		layout_stale_note(l, tv->s, c->note_w, note, sizeof note);
	layout_fill(l, r.x, r.y, r.w, 1, line);
	layout_text(l, r.x, r.y, fig_end - c->fig_w - 1 - r.x, tv->label,
	    label_style);
	layout_text_right(l, fig_end, r.y, tv->value_cells, tv->value,
	    value_style);
	if (*note)
		layout_text(l, fig_end + 1, r.y, c->note_w, note, line);
}

/* How a page's tiles are laid out: how many (the first ones), as boxes or
 * lines, in how many columns. */
struct layout_arrangement {
	size_t	n;
	bool	lines;
	int	cols;
	long	score;
	double	figure;         /* scalable type: the figures' height, rows */
};

/*
 * Scalable type: how tall, in rows, the digits of the widest of n figures
 * come out in tiles of tw x th cells, as the framebuffer sets them
 * (render-pixel.c): at most 0.9 of the inside's height, and no wider than
 * the inside less half a cell each side; a cell is 0.42 of a row wide, a
 * figure's character about 0.68 of the type's size, its digits 0.73 tall.
 */
static double
layout_scaled_figure(const struct layout_tile_view *tv, size_t n, int tw,
    int th)
{
	int widest = 1;
	double by_h = (th - 2) * 0.9, by_w;

	for (size_t i = 0; i < n; i++)
		if (tv[i].value_cells > widest)
			widest = tv[i].value_cells;
	by_w = (tw - 3) * 0.42 / (widest * 0.68) * 0.73;
	return by_h < by_w ? by_h : by_w;
}

/*
 * The arrangement that shows the most tiles, each with its figure whole
 * and at least LAYOUT_LABEL_MIN cells of its label; among those, the one
 * where a typical figure ("88%") comes out biggest, then the one with the
 * most room for labels. Tiles that do not fit are left out, last first:
 * a tile never shows a label without its figure.
 */
static struct layout_arrangement
layout_arrange(const struct layout *l, const struct layout_tile_view *tv,
    size_t n, int w, int h)
{
	struct layout_arrangement best = { 0 }, a;
	struct render_big how;
	int rows, tw, th, cw;
	bool fits;

	for (size_t k = n; k > 0 && best.n == 0; k--) {
		for (int cols = 1; cols <= (int)k; cols++) {
			rows = ((int)k + cols - 1) / cols;
			/* Boxes: tiles are at least tw x th. */
			tw = w / cols;
			th = h / rows;
			fits = th >= 3;
			for (size_t i = 0; i < k && fits; i++)
				fits = tw - 2 >= tv[i].value_cells &&
				    tw - 4 >= layout_label_min(&tv[i]);
			if (fits) {
				a = (struct layout_arrangement){ k, false,
				    cols, (long)k * 1000000 + (tw - 4 < 999 ?
				    tw - 4 : 999), 0 };
				if (l->in->caps.scalable) {
					a.figure = layout_scaled_figure(tv,
					    k, tw, th);
					a.score += (long)(1000 * a.figure);
				}
				else if (layout_big_fit(l, "88%", tw - 2,
				    th - 2, &how))
					a.score += 1000 * how.scale;
				if (a.score > best.score)
					best = a;
			}
			/* Lines: one a tile, a blank between columns. */
			cw = w / cols - (cols > 1 ? 1 : 0);
			fits = rows <= h;
			for (size_t i = 0; i < k && fits; i++)
				fits = cw >= layout_label_min(&tv[i]) +
				    layout_tile_line_tail(&tv[i]);
			if (fits) {
				a = (struct layout_arrangement){ k, true,
				    cols, (long)k * 1000000 + (cw - 4 < 999 ?
				    cw - 4 : 999), 0 };
				if (a.score > best.score)
					best = a;
			}
		}
	}
	return best;
}

/*
 * Tiles as lines, down the columns of a: every figure right-aligned in
 * one column, every note in one after it, as wide as the longest that
 * fits; a line no wider than its longest label and those need.
 */
static void
layout_tile_lines(struct layout *l, const struct layout_tile_view *tv,
    struct layout_arrangement a, struct render_rect area)
{
	struct layout_line_cols c = { 0, 0 };
	int rows = ((int)a.n + a.cols - 1) / a.cols, cw, label_w = 0, w, room;
	char note[256];

	cw = area.w / a.cols - (a.cols > 1 ? 1 : 0);
	for (size_t i = 0; i < a.n; i++) {
		if (tv[i].value_cells > c.fig_w)
			c.fig_w = tv[i].value_cells;
		if (tv[i].label_cells > label_w)
			label_w = tv[i].label_cells;
	}
	/* Notes get what the labels leave, and "STALE" at least (the
	 * arrangement made room for it). */
	room = cw - label_w - 2 - c.fig_w - 1;
	for (size_t i = 0; i < a.n; i++) {
		if (!tv[i].scope_stale)
			continue;
		layout_stale_note(l, tv[i].s, room, note, sizeof note);
		if (layout_cells(note) > c.note_w)
			c.note_w = layout_cells(note);
	}
	w = label_w + 2 + c.fig_w + (c.note_w ? 1 + c.note_w : 0);
	if (w > cw)
		w = cw;
	for (size_t i = 0; i < a.n; i++)
		layout_tile_line(l, &tv[i], (struct render_rect){ area.x +
		    (int)(i / (size_t)rows) * (cw + 1), area.y +
		    (int)(i % (size_t)rows), w, 1 }, &c);
}

/* The page's tiles in area; returns the rows they took from its top. */
static int
layout_tiles(struct layout *l, const struct config_page *page,
    struct render_rect area)
{
	struct layout_tile_view *tv;
	struct layout_arrangement a;
	int cols, rows, x0, x1, y0, y1;

	if (page->n_tiles == 0 || area.w <= 0 || area.h <= 0)
		return 0;
	tv = xcalloc(page->n_tiles, sizeof *tv);
	for (size_t i = 0; i < page->n_tiles; i++)
		layout_tile_view(l, &page->tiles[i], &tv[i]);
	a = layout_arrange(l, tv, page->n_tiles, area.w, area.h);
	cols = a.cols;
	rows = a.n > 0 ? ((int)a.n + cols - 1) / cols : 0;
	if (a.n == 0 || a.lines) {
		if (a.n > 0)
			layout_tile_lines(l, tv, a, area);
		free(tv);
		return rows;
	}
	for (size_t i = 0; i < a.n; i++) {
		int in_row = cols, at = (int)(i % (size_t)cols);

		/* A last row of fewer tiles stretches them, where type
		 * scales: no empty slot. */
		if (l->in->caps.scalable && i / (size_t)cols == (size_t)rows - 1)
			in_row = (int)a.n - (rows - 1) * cols;
		/* Edges spread the spare cells over the tiles. */
		x0 = area.x + area.w * at / in_row;
		x1 = area.x + area.w * (at + 1) / in_row;
		y0 = area.y + area.h * (int)(i / (size_t)cols) / rows;
		y1 = area.y + area.h * ((int)(i / (size_t)cols) + 1) / rows;
		layout_tile(l, &tv[i], (struct render_rect){ x0, y0, x1 - x0,
		    y1 - y0 });
	}
	free(tv);
	return area.h;
}

/* ---- the agent grid ---------------------------------------------------------- */

static enum render_colour
layout_state_colour(enum agent_state state)
{
	switch (state) {
	case AGENT_READY: return RENDER_READY;
	case AGENT_BUSY: return RENDER_BUSY;
	case AGENT_WRAP: return RENDER_WRAP;
	case AGENT_AWAY: return RENDER_AWAY;
	default: return RENDER_OFFLINE;
	}
}

/* "Amira Khan" to "Amira K.": the first word and the last one's initial. */
static void
layout_short_name(const char *name, char *buf, size_t len)
{
	const char *space = strchr(name, ' '), *last = strrchr(name, ' ');

	if (space == NULL || last[1] == '\0')
		snprintf(buf, len, "%s", name);
	else
		/* The surname's first character whole ("Ø.", not a byte). */
		snprintf(buf, len, "%.*s %.*s.", (int)(space - name), name,
		    layout_utf8_len((unsigned char)last[1]), last + 1);
}

/* "A. Khan" to "AK": the first letter of each word. */
static void
layout_initials(const char *name, char *buf, size_t len)
{
	size_t o = 0;
	bool start = true;

	for (const char *p = name; *p != '\0' && o + 1 < len && o < 3; p++) {
		if (*p == ' ' || *p == '.' || *p == '-')
			start = true;
		else if (start && (unsigned char)*p < 128) {
			buf[o++] = *p;
			start = false;
		}
	}
	buf[o] = '\0';
}

/*
 * The time an agent's timer runs to: now, or for an agent whose feed is
 * stale the feed's last event (what the board last heard of it), so that
 * the timer stops rather than count on from an old state.
 */
static int64_t
layout_agent_clock(const struct layout *l, const struct snapshot_agent *a,
    int64_t now)
{
	const struct snapshot_feed *f;
	int64_t at;

	if (!a->stale)
		return now;
	f = a->feed ? layout_find_feed(l->in->snap, a->feed) : NULL;
	at = f != NULL && f->last_event > 0 ? f->last_event : l->in->snap->now;
	return at < now ? at : now;
}

static void
layout_agent_cell(struct layout *l, const struct snapshot_agent *a,
    struct render_rect r, int64_t now)
{
	const char *name = a->name ? a->name : a->id;
	const char *tag = a->state == AGENT_AWAY && a->reason ? a->reason :
	    event_state_name(a->state);
	struct render_style s = layout_style(RENDER_BLACK,
	    layout_state_colour(a->state), 0);
	char time[16], shown[64], tagbuf[16];
	/* Proportional type sets "lunch" in less than its cells: on a TV
	 * the name gets what the state's column spares. */
	int tag_w = r.w < 22 ? 0 : l->in->caps.scalable ? 5 : 7, name_w;
	bool stale = l->stale || a->stale;

	if (l->in->caps.colours == 0 || stale)
		s = layout_style(stale ? RENDER_MUTED : RENDER_DEFAULT,
		    RENDER_DEFAULT, stale ? RENDER_DIM : 0);
	else if (a->state == AGENT_BUSY || a->state == AGENT_AWAY)
		s.fg = RENDER_WHITE;
	layout_format_duration(layout_agent_clock(l, a, now) - a->since, time,
	    sizeof time);
	/* " name tag  0:00 ": a blank either side of each part. */
	name_w = r.w - 8 - (tag_w ? tag_w + 1 : 0);
	if (layout_cells(name) > name_w) {
		layout_short_name(name, shown, sizeof shown);
		/* Proportional type condenses "Jonas B." into a cell less
		 * before it comes to initials. */
		if (layout_cells(shown) > name_w + (l->in->caps.scalable ? 1 :
		    0) && name_w < 8)
			layout_initials(name, shown, sizeof shown);
		name = shown;
	}
	if (tag_w == 0 && a->state == AGENT_AWAY)
		tag = "";
	snprintf(tagbuf, sizeof tagbuf, "%s", tag);
	layout_fill(l, r.x, r.y, r.w, 1, s);
	/* The name, the state and the time a blank apart: in proportional
	 * type two of them would spill into it ("lunch34:00"); each keeps
	 * to its cells. */
	if (l->in->caps.scalable)
		s.attrs |= RENDER_FIT;
	layout_text(l, r.x + 1, r.y, name_w, name, s);
	if (tag_w > 0)
		layout_text(l, r.x + r.w - 7 - tag_w, r.y, tag_w, tagbuf, s);
	/* Right-aligned in all five cells: "1h08" has the fifth for its
	 * proportional width (its blank gives it room, render-pixel.c). */
	if (l->in->caps.scalable) {
		char padded[sizeof time + 8];

		snprintf(padded, sizeof padded, "%5s", time);
		layout_text_right(l, r.x + r.w - 1, r.y, 5, padded, s);
	} else
		layout_text_right(l, r.x + r.w - 1, r.y, 5, time, s);
}

/*
 * Which agents a page of the grid shows. The away agents (first in the
 * order) keep a part of every page: all of them while they fill at most
 * half of it (or whatever the others leave), else they page through that
 * part too; the others page through the rest.
 */
struct layout_grid_page {
	size_t away_from, away_n;       /* of shown[]: the away part */
	size_t rest_from, rest_n;       /* and the others' */
	size_t page, pages;
};

static void
layout_grid_paging(const struct layout *l,
    const struct snapshot_agent *const *shown, size_t n, size_t slots,
    struct layout_grid_page *g)
{
	size_t away = 0, rest, away_room, rest_room, away_pages, rest_pages;

	while (away < n && shown[away]->state == AGENT_AWAY)
		away++;
	rest = n - away;
	memset(g, 0, sizeof *g);
	g->pages = 1;
	if (n <= slots) {
		g->away_n = away;
		g->rest_from = away;
		g->rest_n = rest;
		return;
	}
	/* Half the grid, or what the others leave if that is more. */
	away_room = rest < slots / 2 ? slots - rest : (slots + 1) / 2;
	if (away_room > away)
		away_room = away;
	rest_room = slots - away_room;
	if (rest > 0 && rest_room == 0) {
		/* One cell: no room to keep; everyone takes a turn. */
		away_room = 0;
		rest_room = slots;
	}
	away_pages = away_room ? (away + away_room - 1) / away_room : 1;
	rest_pages = rest_room ? (rest + rest_room - 1) / rest_room : 1;
	g->pages = away_pages > rest_pages ? away_pages : rest_pages;
	if (away_room == 0) {
		/* Everyone in one list, away first. */
		g->pages = (n + slots - 1) / slots;
		g->page = (size_t)(l->in->elapsed_ms / LAYOUT_GRID_PAGE_MS) %
		    g->pages;
		g->rest_from = g->page * slots;
		g->rest_n = n - g->rest_from < slots ? n - g->rest_from : slots;
		return;
	}
	g->page = (size_t)(l->in->elapsed_ms / LAYOUT_GRID_PAGE_MS) % g->pages;
	g->away_from = g->page % away_pages * away_room;
	g->away_n = away - g->away_from < away_room ? away - g->away_from :
	    away_room;
	g->rest_from = away + g->page % rest_pages * rest_room;
	g->rest_n = n - g->rest_from < rest_room ? n - g->rest_from : rest_room;
}

/* Agents from..from+n-1 of the grid's order, counted from 1: "53-85",
 * "7"; "" for none. */
static void
layout_range(char *buf, size_t len, size_t from, size_t n)
{
	if (n == 0)
		buf[0] = '\0';
	else if (n == 1)
		snprintf(buf, len, "%zu", from + 1);
	else
		snprintf(buf, len, "%zu-%zu", from + 1, from + n);
}

/*
 * The heading over the grid: " Agents: 4 ready · 10 busy · ..."; when the
 * grid pages, which of them this page shows first, in the grid's order:
 * " Agents 1-20, 52-82 of 120 (page 2/4): 4 ready · ...".
 */
static void
layout_grid_heading(struct layout *l, int y,
    const struct snapshot_agent *const *shown, size_t n, size_t offline,
    const struct layout_grid_page *g)
{
	const char *dot = l->in->caps.unicode ? " \u00b7 " : ", ";
	size_t counts[AGENT_STATE_COUNT] = { 0 };
	char line[LAYOUT_TEXT_MAX];
	size_t o;
	size_t stale = 0;

	for (size_t i = 0; i < n; i++) {
		counts[shown[i]->state]++;
		stale += shown[i]->stale;
	}
	counts[AGENT_OFFLINE] = offline;
	if (g->pages <= 1)
		o = (size_t)snprintf(line, sizeof line, " Agents: ");
	else {
		char away[48] = "", rest[48] = "";

		/* The two parts, joined when they meet: 1-52, or 1-19, 53-85. */
		if (g->away_n > 0 && g->away_from + g->away_n == g->rest_from &&
		    g->rest_n > 0)
			layout_range(rest, sizeof rest, g->away_from,
			    g->away_n + g->rest_n);
		else {
			layout_range(away, sizeof away, g->away_from, g->away_n);
			layout_range(rest, sizeof rest, g->rest_from, g->rest_n);
		}
		o = (size_t)snprintf(line, sizeof line, " Agents %s%s%s of %zu "
		    "(page %zu/%zu): ", away, *away && *rest ? ", " : "", rest,
		    n, g->page + 1, g->pages);
	}
	for (int k = 0; k < AGENT_STATE_COUNT && o < sizeof line; k++)
		o += (size_t)snprintf(line + o, sizeof line - o, "%zu %s%s",
		    counts[k], event_state_name((enum agent_state)k),
		    k + 1 < AGENT_STATE_COUNT ? dot : "");
	if (stale > 0 && o < sizeof line)
		snprintf(line + o, sizeof line - o, "%s%zu stale", dot, stale);
	layout_text(l, 0, y, l->in->width, line,
	    layout_style(RENDER_NEUTRAL, RENDER_DEFAULT, RENDER_BOLD));
}

static size_t
layout_offline_count(const struct layout *l)
{
	const struct snapshot_view *v = l->in->snap;
	size_t n = 0;

	for (size_t i = 0; i < v->n_agents; i++)
		n += v->agents[i].state == AGENT_OFFLINE &&
		    layout_agent_selected(l->in->config, l->in->board,
		    &v->agents[i]);
	return n;
}

/* Columns of agent cells across w: on a screen whose type scales, cells
 * of LAYOUT_AGENT_CELL_TV (a name shortened to "Amira K." still whole, its
 * state and its time), so that a 16:9 TV shows four columns. */
static int
layout_grid_columns(const struct layout *l, int w)
{
	int cell = l->in->caps.scalable ? LAYOUT_AGENT_CELL_TV :
	    LAYOUT_AGENT_CELL;

	return w / cell > 0 ? w / cell : 1;
}

/*
 * The grid of the n agents in shown, heading first. When they do not all
 * fit, it pages (LAYOUT_GRID_PAGE_MS), the away agents kept on every page.
 */
static void
layout_grid(struct layout *l, struct render_rect area,
    const struct snapshot_agent *const *shown, size_t n)
{
	const struct snapshot_view *v = l->in->snap;
	struct layout_grid_page g;
	int cols, rows, cw;
	size_t slots, cell = 0;

	if (v == NULL || area.h < 2 || area.w < 8)
		return;
	cols = layout_grid_columns(l, area.w);
	cw = area.w / cols;
	rows = area.h - 1;
	slots = (size_t)(rows * cols);
	layout_grid_paging(l, shown, n, slots, &g);
	layout_grid_heading(l, area.y, shown, n, layout_offline_count(l), &g);
	/* Down the columns, so the order reads like a list. */
	for (size_t part = 0; part < 2; part++) {
		size_t from = part ? g.rest_from : g.away_from;
		size_t count = part ? g.rest_n : g.away_n;

		for (size_t i = from; i < from + count; i++, cell++)
			layout_agent_cell(l, shown[i], (struct render_rect){
			    area.x + (int)(cell / (size_t)rows) * cw,
			    area.y + 1 + (int)(cell % (size_t)rows), cw - 1, 1 },
			    l->data_now);
	}
}

/* ---- the banner ----------------------------------------------------------------- */

/* STALE or DISCONNECTED, big, in a red box over the middle of area. */
static void
layout_banner(struct layout *l, struct render_rect area)
{
	const struct layout_input *in = l->in;
	const char *word = in->link == LAYOUT_DISCONNECTED ? "DISCONNECTED" :
	    "STALE";
	struct render_style s = layout_style(RENDER_WHITE, RENDER_BAD,
	    RENDER_BOLD | (in->caps.colours ? 0 : RENDER_REVERSE));
	char detail[256], age[16];
	struct render_big how;
	int bw = layout_cells(word), bh = 1, w, h;
	bool big = layout_big_fit(l, word, area.w - 6, area.h - 4, &how);

	if (in->caps.scalable) {
		/* The word a third of the body, as wide as it likes. */
		big = area.h >= 5;
		bw = area.w - 6;
		bh = area.h / 3 > 1 ? area.h / 3 : 1;
		how = (struct render_big){ .scale = 1 };
	} else if (big)
		layout_big_size(word, &how, &bw, &bh);
	layout_age(in->age_ms, age, sizeof age);
	if (in->link == LAYOUT_LIVE) {
		/* The daemon speaks; the feeds behind it do not. */
		char names[160], silence[24] = "";
		int64_t newest;

		layout_silent_feeds(l, NULL, names, sizeof names, &newest);
		layout_format_duration(l->data_now - newest, silence,
		    sizeof silence);
		snprintf(detail, sizeof detail, "no data from %s for %s: these "
		    "figures are old", names, silence);
	} else if (in->link == LAYOUT_STALE)
		snprintf(detail, sizeof detail, "no data for %s: these figures "
		    "are old", age);
	else
		snprintf(detail, sizeof detail, "no data yet%s%s",
		    in->endpoint ? " from " : "", in->endpoint ? in->endpoint : "");
	/* Across the whole width: no figure half-hidden beside it. */
	w = area.w;
	h = bh + 4 < area.h ? bh + 4 : area.h;
	if (w <= 0 || h <= 0)
		return;
	struct render_rect r = { area.x + (area.w - w) / 2,
	    area.y + (area.h - h) / 2, w, h };
	layout_fill(l, r.x, r.y, r.w, r.h, s);
	if (big)
		l->ops->big(l->ctx, (struct render_rect){ r.x + (w - bw) / 2,
		    r.y + 1, bw, bh }, word, &how, s);
	else
		layout_text_centre(l, r.x, r.y + (h > 2 ? 1 : 0), w, word, s);
	if (h >= 3)
		layout_text_centre(l, r.x, r.y + h - (h > 3 ? 2 : 1), w, detail,
		    s);
}

/* ---- the frame --------------------------------------------------------------------- */

/* Scalable type: the figures' height, in rows, of the page's tiles in
 * w x h cells (0 when they do not all fit as boxes). */
static double
layout_scaled_tiles(const struct layout *l, const struct config_page *page,
    int w, int h)
{
	struct layout_tile_view *tv = xcalloc(page->n_tiles, sizeof *tv);
	struct layout_arrangement a;

	for (size_t i = 0; i < page->n_tiles; i++)
		layout_tile_view(l, &page->tiles[i], &tv[i]);
	a = layout_arrange(l, tv, page->n_tiles, w, h);
	free(tv);
	return a.n == page->n_tiles && !a.lines ? a.figure : 0;
}

/*
 * Scalable type: the rows the agent grid takes under tiles, from the most
 * it would (most) down to 4: the most that leaves the figures at least
 * LAYOUT_FIGURE_SHARE of the screen's height (of its shorter side,
 * caps.short_rows, on a portrait screen); if none does, the one that
 * leaves them biggest. On a TV the figures are what is read across the
 * room; the grid pages through what it cannot show.
 */
static int
layout_scaled_grid(const struct layout *l, const struct config_page *page,
    struct render_rect body, int most)
{
	int side = l->in->caps.short_rows > 0 ? l->in->caps.short_rows :
	    l->in->height;
	double want = LAYOUT_FIGURE_SHARE * side, best = -1, f;
	int best_h = most;

	for (int g = most; g >= 4 && body.h - g >= 7; g--) {
		f = layout_scaled_tiles(l, page, body.w, body.h - g);
		if (f >= want)
			return g;
		if (f > best + 0.01) {
			best = f;
			best_h = g;
		}
	}
	return best_h;
}

/*
 * Tiles above, agents below; each alone takes all of it. Together, the
 * grid takes the rows its agents need, up to half, and never leaves the
 * tiles fewer than 7 rows (room for big figures).
 */
static void layout_intervals(struct layout *, struct render_rect);

static void
layout_body(struct layout *l, const struct config_page *page,
    struct render_rect body)
{
	const struct snapshot_view *v = l->in->snap;
	const struct snapshot_agent **shown = NULL;
	struct render_rect tiles = body, grid = body;
	size_t n = 0;
	int need, used;

	if (page->agent_grid && v != NULL) {
		shown = xcalloc(v->n_agents + 1, sizeof *shown);
		n = layout_agents_sorted(l->in->config, l->in->board, v, shown);
	}
	if (page->agent_grid && page->n_tiles > 0) {
		need = 1 + ((int)n + layout_grid_columns(l, body.w) - 1) /
		    layout_grid_columns(l, body.w);
		need = need < 4 ? 4 : need;
		grid.h = need < body.h / 2 ? need : body.h / 2;
		if (l->in->caps.scalable)
			grid.h = layout_scaled_grid(l, page, body, grid.h);
		if (body.h - grid.h < 7)
			grid.h = body.h > 7 ? body.h - 7 : 0;
		tiles.h = body.h - grid.h;
		grid.y = body.y + tiles.h;
	}
	if (page->n_tiles > 0) {
		/* Tiles as lines may leave rows: the grid has them. */
		used = layout_tiles(l, page, tiles);
		if (page->agent_grid && used < tiles.h) {
			grid.y = tiles.y + used;
			grid.h += tiles.h - used;
		}
	}
	if (page->agent_grid)
		layout_grid(l, grid, shown, n);
	free(shown);
	if (page->intervals && page->n_tiles == 0 && !page->agent_grid)
		layout_intervals(l, body);
}

/*
 * "Today by interval": for each of the board's scopes with a trend, four
 * lines (service level, offered, ASA, abandon rate), a column an interval,
 * oldest first, headed by its local start ("09:15"; the local day is told
 * from the snapshot's day_start, so on a DST day the columns after the
 * change read an hour off). Service level green at or above the scope's
 * target, red below. Columns that do not fit go, the oldest first.
 */
#define LAYOUT_IV_LABEL 16
#define LAYOUT_IV_COL 7

/* The intervals a scope's trend has (its longest series; 0: none). */
static size_t
layout_trend_len(const struct snapshot_scope *s)
{
	size_t n = 0;

	for (int f = 0; s->has_trend && f < SNAPSHOT_TREND_COUNT; f++)
		n = s->trend.n[f] > n ? s->trend.n[f] : n;
	return n;
}

/* Interval k of series f: false when undefined (null, or past its end). */
static bool
layout_trend_value(const struct snapshot_trend *t, int f, size_t k, double *v)
{
	if (k >= t->n[f] || isnan(t->values[f][k]))
		return false;
	*v = t->values[f][k];
	return true;
}

static void
layout_interval_cell(const struct snapshot_trend *t, int f, size_t k,
    char *buf, size_t len)
{
	static const enum metric_kind kinds[SNAPSHOT_TREND_COUNT] = {
	    METRIC_RATIO, METRIC_COUNT, METRIC_DURATION, METRIC_RATIO };
	double v;

	if (!layout_trend_value(t, f, k, &v))
		snprintf(buf, len, "-");
	else
		layout_format_value(kinds[f], v, buf, len);
}

/* Scope s's four lines; column c holds its interval c - shift (its
 * trend may be shorter than the head's: it ends alike). */
static int
layout_interval_scope(struct layout *l, const struct snapshot_scope *s,
    struct render_rect area, int y, size_t first, size_t shift)
{
	static const char *const names[SNAPSHOT_TREND_COUNT] = { "SL",
	    "offered", "ASA", "abandoned" };
	const struct snapshot_trend *t = &s->trend;
	size_t n = layout_trend_len(s);
	double sl;
	struct render_style plain = layout_style(RENDER_NEUTRAL, RENDER_DEFAULT, 0);
	char label[LAYOUT_IV_LABEL * 4 + 8], cell[32];

	for (int f = 0; f < SNAPSHOT_TREND_COUNT && y < area.y + area.h;
	    f++, y++) {
		snprintf(label, sizeof label, "%s %s", f == 0 ? (s->label ?
		    s->label : s->key) : "", names[f]);
		layout_text(l, area.x, y, LAYOUT_IV_LABEL - 1, f == 0 ? label :
		    label + 1, f == 0 ? layout_style(RENDER_NEUTRAL,
		    RENDER_DEFAULT, RENDER_BOLD) : plain);
		for (size_t c = first > shift ? first : shift; c - shift < n;
		    c++) {
			struct render_style st = plain;
			size_t k = c - shift;

			layout_interval_cell(t, f, k, cell, sizeof cell);
			if (f == SNAPSHOT_TREND_SERVICE_LEVEL &&
			    layout_trend_value(t, f, k, &sl) && s->sl_target > 0)
				st = layout_style(metric_shown(METRIC_RATIO,
				    sl) >= metric_shown(METRIC_RATIO,
				    s->sl_target) ? RENDER_GOOD : RENDER_BAD,
				    RENDER_DEFAULT, RENDER_BOLD);
			layout_text_right(l, area.x + LAYOUT_IV_LABEL +
			    (int)(c - first + 1) * LAYOUT_IV_COL, y,
			    LAYOUT_IV_COL - 1, cell, st);
		}
	}
	return y + 1;
}

static void
layout_intervals(struct layout *l, struct render_rect area)
{
	const struct snapshot_view *v = l->in->snap;
	int cols = (area.w - LAYOUT_IV_LABEL) / LAYOUT_IV_COL, y = area.y + 2;
	const struct snapshot_trend *head = NULL;
	size_t head_n = 0;
	char when[16];

	/* The longest trend heads the columns. */
	for (size_t i = 0; v != NULL && i < v->n_scopes; i++)
		if (layout_trend_len(&v->scopes[i]) > head_n) {
			head = &v->scopes[i].trend;
			head_n = layout_trend_len(&v->scopes[i]);
		}
	layout_text(l, area.x, area.y, area.w, "Today by interval",
	    layout_style(RENDER_NEUTRAL, RENDER_DEFAULT, RENDER_BOLD));
	if (head == NULL || cols <= 0) {
		layout_text(l, area.x, y, area.w, "no complete interval yet",
		    layout_style(RENDER_NEUTRAL, RENDER_DEFAULT, RENDER_DIM));
		return;
	}
	size_t first = head_n > (size_t)cols ? head_n - (size_t)cols : 0;
	for (size_t k = first; k < head_n; k++) {
		int64_t start = head->end - (int64_t)(head_n - k) * head->interval_ms;
		int64_t min = (start - v->day_start) / 60000 +
		    l->in->config->day_start_minutes;

		min = (min % 1440 + 1440) % 1440;
		snprintf(when, sizeof when, "%02d:%02d", (int)(min / 60),
		    (int)(min % 60));
		layout_text_right(l, area.x + LAYOUT_IV_LABEL +
		    (int)(k - first + 1) * LAYOUT_IV_COL, area.y + 1,
		    LAYOUT_IV_COL - 1, when, layout_style(RENDER_NEUTRAL,
		    RENDER_DEFAULT, RENDER_DIM));
	}
	for (size_t i = 0; i < v->n_scopes && y < area.y + area.h; i++)
		if (layout_trend_len(&v->scopes[i]) > 0 &&
		    v->scopes[i].trend.end == head->end &&
		    v->scopes[i].trend.interval_ms == head->interval_ms)
			y = layout_interval_scope(l, &v->scopes[i], area, y,
			    first, head_n - layout_trend_len(&v->scopes[i]));
}

/* Below 20x5 there is no board to show. */
static bool
layout_too_small(struct layout *l)
{
	if (l->in->width >= 20 && l->in->height >= 5)
		return false;
	layout_text(l, 0, 0, l->in->width, "screen too small",
	    layout_style(RENDER_DEFAULT, RENDER_DEFAULT, 0));
	return true;
}

void
layout_draw(const struct layout_input *in, const struct render_ops *ops,
    void *ctx, struct layout_output *out)
{
	struct layout l = { .in = in, .ops = ops, .ctx = ctx,
	    .stale = in->link != LAYOUT_LIVE };

	if (in->snap != NULL) {
		l.data_now = in->snap->now + in->age_ms;
		l.feeds_silent = in->link == LAYOUT_LIVE &&
		    layout_feeds_silent(in->snap);
		l.stale = l.stale || l.feeds_silent;
	}
	const struct config_page *page;
	int top = 1, bottom = in->height;

	ops->begin(ctx, in->width, in->height);
	layout_fill(&l, 0, 0, in->width, in->height,
	    layout_style(RENDER_DEFAULT, RENDER_DEFAULT, 0));
	if (in->board->n_pages > 0 && !layout_too_small(&l)) {
		page = &in->board->pages[in->page % in->board->n_pages];
		layout_header(&l);
		if (in->snap != NULL && in->snap->has_message &&
		    in->height >= 10)
			layout_ticker(&l, --bottom);
		top += layout_alerts(&l, top, in->height / 8);
		layout_body(&l, page, (struct render_rect){ 0, top, in->width,
		    bottom - top });
		if (in->link != LAYOUT_LIVE || l.feeds_silent)
			layout_banner(&l, (struct render_rect){ 0, top,
			    in->width, bottom - top });
	}
	ops->end(ctx);
	if (out != NULL)
		out->animated = l.animated;
}

void
layout_clock(const struct tz *tz, int64_t utc_ms, char *buf, size_t len)
{
	int64_t local = utc_ms + (tz ? (int64_t)tz_offset(tz, utc_ms) * 1000 : 0);
	int64_t s = (local / 1000) % 86400;

	if (s < 0)
		s += 86400;
	snprintf(buf, len, "%02d:%02d:%02d", (int)(s / 3600),
	    (int)(s / 60 % 60), (int)(s % 60));
}

int64_t
layout_data_time(int64_t snapshot_now, int64_t since_received_ms,
    int64_t wall_ms, bool have_snapshot)
{
	return have_snapshot ? snapshot_now + since_received_ms : wall_ms;
}
