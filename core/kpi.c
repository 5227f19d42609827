/*
 * kpi.c: rolling windows over a time-ordered log of entries.
 *
 * Every figure of a window is a difference: what the set has counted since
 * it began (`total`, kept up as entries come and the clock moves) less what
 * has gone out past the window's far edge (`gone`). So an entry, or a tick
 * of the clock, touches one set of sums whatever the number of windows, and
 * 'today' is `total` less what it was when the day began.
 *
 * The far edges move when a window is read (a board's snapshot, a few times
 * a second) and whenever the log needs another block: the entries they pass
 * are then taken out in one sequential sweep, not one cold entry at a time
 * on every event. The log is a chain of fixed-size blocks shared by all
 * windows, each window keeping a cursor at its far edge; a block is freed
 * once the longest window has passed it, so memory follows the entries
 * held. The longest wait is one monotonic queue (waits decreasing from front
 * to back) for all windows: a window's longest is the first item inside it.
 */
#include "kpi.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct kpi_peak {
	int64_t t;
	int64_t wait;
};

/* Monotonic queue of (t, wait), oldest first, waits strictly decreasing:
 * for any suffix of time, its longest wait is the first item in it. */
struct kpi_maxq {
	struct kpi_peak *items;
	size_t cap;             /* power of two */
	uint64_t head, tail;
};

/*
 * An entry, in 8 bytes: its time in ms after its block's first entry (24
 * bits: a block spans at most 4.6 hours, and a new one starts sooner when
 * entries come further apart), its kind and flags, and its value (29 bits:
 * a wait or talk counts up to KPI_VALUE_MAX ms, some 6.2 days; a call
 * times out long before, 4 h by default) or a state change's deltas.
 *   head: dt << 8 | kind << 5 | flags & 0x1f
 *   word: KPI_STATE: delta[KT_COUNT]; else value | (flags >> 5) << 29
 */
struct kpi_entry {
	uint32_t head;
	union {
		uint32_t word;
		int8_t delta[KT_COUNT];
	};
};

#define KPI_DT_MAX ((1u << 24) - 1)
/* After a block's last entry, when it was closed before it was full: the
 * windows' cursors read it, not a count in the block's header (another
 * cache line). */
#define KPI_END 7
_Static_assert(KPI_ARRIVAL < KPI_END && KPI_STATE < KPI_END,
    "a kind fits 3 bits, KPI_END apart");
_Static_assert(KPI_F_AS_ABANDON < 1 << 8, "the flags fit 8 bits");
_Static_assert(KT_COUNT <= 4, "a state change's deltas fit a word");

static unsigned
kpi_entry_kind(const struct kpi_entry *e)
{
	return e->head >> 5 & 7;
}

static unsigned
kpi_entry_flags(const struct kpi_entry *e)
{
	return (e->head & 0x1f) | (e->word >> 29) << 5;
}

static uint32_t
kpi_entry_value(const struct kpi_entry *e)
{
	return e->word & KPI_VALUE_MAX;
}

#define KPI_BLOCK 250   /* entries a block: 2 kB */

struct kpi_block {
	struct kpi_block *next;
	int64_t base;           /* its first entry's time; the others' dt from it */
	struct kpi_entry e[KPI_BLOCK];
};

/*
 * Blocks are carved from 2 MiB slabs that the kernel is asked to back with
 * huge pages (xmalloc_huge: not zeroed, as an entry is written before it
 * is read), and a freed block waits on a free list for the next one
 * asked for. The windows' logs are most of what a big floor
 * holds: while they fill, a page fault every 4 kB was a fifth of the time
 * (bench-replay, 1,000 queues x 20,000 agents: 28,000 faults, 5,000 with
 * huge pages), and malloc's own work on 3 kB chunks most of the rest.
 * Slabs are never given back: the blocks freed are reused, and the peak is
 * what the longest window holds. Per thread, as an engine lives on one.
 * Under AddressSanitizer, plain malloc, so that it sees each block.
 */
#define KPI_SLAB XALLOC_HUGE
#if defined(__SANITIZE_ADDRESS__)
#define KPI_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KPI_POOL 0
#endif
#endif
#ifndef KPI_POOL
#define KPI_POOL 1
#endif

static _Thread_local struct kpi_block *kpi_spare;      /* freed blocks */
static _Thread_local char *kpi_slab_next, *kpi_slab_end;

static struct kpi_block *
kpi_block_new(void)
{
	struct kpi_block *b = kpi_spare;

	if (!KPI_POOL)
		return xmalloc(sizeof *b);
	if (b != NULL) {
		kpi_spare = b->next;
		return b;
	}
	if (kpi_slab_end - kpi_slab_next < (ptrdiff_t)sizeof *b) {
		kpi_slab_next = xmalloc_huge(KPI_SLAB);
		kpi_slab_end = kpi_slab_next + KPI_SLAB;
	}
	b = (struct kpi_block *)(void *)kpi_slab_next;
	kpi_slab_next += sizeof *b;
	return b;
}

static void
kpi_block_free(struct kpi_block *b)
{
	if (!KPI_POOL) {
		free(b);
		return;
	}
	b->next = kpi_spare;
	kpi_spare = b;
}

/* Counters and agent time, summed (the time first: it moves with the
 * clock, next to the set's other hot fields). */
struct kpi_acc {
	int64_t time_ms[KT_COUNT];
	int64_t n[KS_COUNT];
};

struct kpi_window {
	/* On a line of its own: a window is read as its cursor's line and the
	 * line of sums after it (staffing's are there), not three. */
	_Alignas(64) int64_t length;
	int64_t edge;           /* far edge: entries at or before it are out */
	uint32_t cursor;        /* first log entry still inside (the absolute
	                         * index's low 32 bits: the tail is never 2^32
	                         * entries ahead) */
	unsigned offset;        /* ... at this index of block (KPI_BLOCK or a
	                         * KPI_END entry: the next block) */
	struct kpi_block *block; /* the block holding it, */
	int64_t base;           /* and that block's base */
	int64_t next_t;         /* its time, INT64_MAX when there is none */
	int32_t n_edge[KT_COUNT]; /* agents in each state at the far edge */
	struct kpi_acc gone;    /* what has passed the far edge */
};

/*
 * What an entry or a tick of the clock touches comes first, in one cache
 * line (the set is allocated on one), then the totals: a floor of a
 * thousand queues touches a set that is cold more often than not, and
 * each line read is a miss.
 */
struct kpi_set {
	int64_t t;
	int64_t today_start;    /* read as the clock moves */
	int64_t last_base;      /* the last block's base */
	int32_t n_now[KT_COUNT];
	struct kpi_block *last;
	uint64_t tail;          /* absolute index of the next entry */
	uint32_t n_windows;
	uint16_t last_fill;     /* entries in the last block */
	bool any_idle;          /* a window's cursor may be at the tail */
	/* the second line: agent time, then staffing's sums */
	struct kpi_acc total;   /* everything since the set began */
	int64_t slid_t;         /* the clock the windows were last slid to */
	struct kpi_acc day_base; /* total when today began */
	int64_t today_max_wait; /* -1: no outcome today */
	struct kpi_maxq peaks;
	struct kpi_block *first;
	size_t n_blocks;
	int64_t *held;          /* a count of entries' room, shared; or NULL */
	size_t longest;         /* index of the longest window */
	struct kpi_window windows[];
};

#define KPI_LINE 64
_Static_assert(offsetof(struct kpi_set, total) == KPI_LINE &&
    offsetof(struct kpi_set, total.n[KS_ABANDONED + 1]) <= 2 * KPI_LINE,
    "a kpi_set's hot fields fit one cache line, and staffing's totals the "
    "next (kpi_set_read_some)");
_Static_assert(offsetof(struct kpi_window, gone) == KPI_LINE,
    "a window's cursor fits one cache line");
_Static_assert(offsetof(struct kpi_set, windows) % KPI_LINE == 0 &&
    sizeof(struct kpi_window) % KPI_LINE == 0, "windows start on lines");

struct kpi_set *
kpi_set_new(const int64_t *lengths, size_t n, int64_t now, int64_t day_start)
{
	struct kpi_set *set = xcalloc_line(sizeof(struct kpi_set) +
	    n * sizeof(struct kpi_window));

	set->t = now;
	set->slid_t = now;
	set->today_start = day_start;
	set->today_max_wait = -1;
	set->n_windows = (uint32_t)n;
	set->any_idle = true;
	for (size_t i = 0; i < n; i++) {
		struct kpi_window *w = &set->windows[i];

		w->length = lengths[i];
		w->edge = now - lengths[i];
		w->next_t = INT64_MAX;
		if (lengths[i] > set->windows[set->longest].length)
			set->longest = i;
	}
	return set;
}

void
kpi_set_count_held(struct kpi_set *set, int64_t *held)
{
	set->held = held;
	*held += (int64_t)set->n_blocks * KPI_BLOCK;
}

void
kpi_set_free(struct kpi_set **setp)
{
	struct kpi_set *set = setp ? *setp : NULL;

	if (set == NULL)
		return;
	free(set->peaks.items);
	if (set->held != NULL)
		*set->held -= (int64_t)set->n_blocks * KPI_BLOCK;
	while (set->first != NULL) {
		struct kpi_block *b = set->first;
		set->first = b->next;
		kpi_block_free(b);
	}
	free(set);
	*setp = NULL;
}

/* Add an entry's counters to n (a total, or what passed an edge). */
static void
kpi_count(int64_t n[KS_COUNT], const struct kpi_entry *e)
{
	int64_t v = kpi_entry_value(e);
	unsigned f = kpi_entry_flags(e);
	enum kpi_kind kind = kpi_entry_kind(e);

	n[KS_COUNTED] += kind != KPI_STATE && kind <= KPI_ARRIVAL;
	switch (kind) {
	case KPI_ANSWERED:
		n[KS_ANSWERED] += 1;
		n[KS_ANSWERED_IN_SL] += !!(f & KPI_F_IN_SL);
		n[KS_WAIT_ANSWERED_MS] += v;
		break;
	case KPI_ABANDONED:
		n[KS_ABANDONED] += 1;
		n[KS_ABANDONED_IN_SL] += !!(f & KPI_F_IN_SL);
		n[KS_SHORT_ABANDONED] += !!(f & KPI_F_SHORT);
		n[KS_WAIT_ABANDONED_MS] += v;
		break;
	case KPI_EXITED:
		n[KS_EXITED] += 1;
		n[KS_EXITED_AS_ABANDON] += !!(f & KPI_F_AS_ABANDON);
		n[KS_EXITED_AS_ABANDON_IN_SL] +=
		    ((f & (KPI_F_AS_ABANDON | KPI_F_IN_SL)) == (KPI_F_AS_ABANDON | KPI_F_IN_SL));
		break;
	case KPI_HANDLED:
		n[KS_HANDLED] += 1;
		n[KS_TALK_MS] += v;
		n[KS_TRANSFERRED] += !!(f & KPI_F_TRANSFERRED);
		n[KS_RESOLVED] += !!(f & KPI_F_RESOLVED);
		n[KS_RESOLVED_KNOWN] += !!(f & KPI_F_RESOLVED_KNOWN);
		n[KS_HANDLED_IN_SL] += !!(f & KPI_F_IN_SL);
		return;
	case KPI_ARRIVAL:
		n[KS_ARRIVALS] += 1;
		return;
	case KPI_SURVEY:
		n[KS_SURVEYS] += 1;
		n[KS_SURVEYS_GOOD] += (v >= 4);
		n[KS_SURVEY_SUM] += v;
		return;
	default:
		return;
	}
	/* Every queue outcome (answered, abandoned, exited) is offered. */
	n[KS_WITH_CALLER] += !!(f & KPI_F_CALLER);
	n[KS_REPEATS] += !!(f & KPI_F_REPEAT);
}

static bool
kpi_is_outcome(const struct kpi_entry *e)
{
	unsigned kind = kpi_entry_kind(e);

	return kind == KPI_ANSWERED || kind == KPI_ABANDONED ||
	    kind == KPI_EXITED;
}

/* Agent time over a span at constant counts n. */
static void
kpi_integrate(int64_t time_ms[KT_COUNT], const int32_t n[KT_COUNT], int64_t span)
{
	if (span <= 0)
		return;
	for (int k = 0; k < KT_COUNT; k++)
		time_ms[k] += n[k] * span;
}

static void
kpi_peaks_push(struct kpi_maxq *q, int64_t t, int64_t wait)
{
	while (q->tail > q->head && q->items[(q->tail - 1) & (q->cap - 1)].wait <= wait)
		q->tail--;
	if (q->tail - q->head == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct kpi_peak *items = xmalloc(cap * sizeof *items);

		for (uint64_t i = q->head; i < q->tail; i++)
			items[i - q->head] = q->items[i & (q->cap - 1)];
		free(q->items);
		q->items = items;
		q->tail -= q->head;
		q->head = 0;
		q->cap = cap;
	}
	q->items[q->tail++ & (q->cap - 1)] = (struct kpi_peak){ t, wait };
}

static void
kpi_peaks_expire(struct kpi_maxq *q, int64_t edge)
{
	while (q->tail > q->head && q->items[q->head & (q->cap - 1)].t <= edge)
		q->head++;
}

/* The longest wait after `edge`: the first item past it (binary search,
 * times increasing), or -1. */
static int64_t
kpi_peaks_after(const struct kpi_maxq *q, int64_t edge)
{
	uint64_t lo = q->head, hi = q->tail;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (q->items[mid & (q->cap - 1)].t <= edge)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < q->tail ? q->items[lo & (q->cap - 1)].wait : -1;
}

/* Whether a window at a cursor short of the tail has passed its block's
 * last entry: a closed block may hold fewer than KPI_BLOCK (a new one
 * starts when the next entry's time is too far from its base). */
static bool
kpi_window_at_block_end(const struct kpi_window *w)
{
	return w->offset == KPI_BLOCK ||
	    kpi_entry_kind(&w->block->e[w->offset]) == KPI_END;
}

static int64_t
kpi_entry_time(const struct kpi_block *b, const struct kpi_entry *e)
{
	return b->base + (e->head >> 8);
}

/* The time of the entry at a window's cursor, or INT64_MAX at the tail. */
static int64_t
kpi_window_peek(const struct kpi_set *set, const struct kpi_window *w)
{
	if (w->cursor == (uint32_t)set->tail)
		return INT64_MAX;
	if (kpi_window_at_block_end(w))
		return kpi_entry_time(w->block->next, &w->block->next->e[0]);
	return w->base + (w->block->e[w->offset].head >> 8);
}

/* Move a window's far edge to `edge`, taking out what it passes. Agent
 * time is integrated only where the counts at the edge change (a state
 * entry): between two, they are constant. */
static void
kpi_window_slide(struct kpi_set *set, struct kpi_window *w, int64_t edge)
{
	int64_t at = w->edge;

	if (edge <= at)
		return;
	while (w->next_t <= edge) {
		if (kpi_window_at_block_end(w)) {
			w->block = w->block->next;
			w->base = w->block->base;
			w->offset = 0;
		}
		const struct kpi_entry *e = &w->block->e[w->offset];
		int64_t t = w->next_t;

		if (kpi_entry_kind(e) == KPI_STATE) {
			kpi_integrate(w->gone.time_ms, w->n_edge, t - at);
			at = t > at ? t : at;
			for (int k = 0; k < KT_COUNT; k++)
				w->n_edge[k] += e->delta[k];
		} else
			kpi_count(w->gone.n, e);
		w->cursor++;
		w->offset++;
		w->next_t = kpi_window_peek(set, w);
		set->any_idle |= w->next_t == INT64_MAX;
	}
	kpi_integrate(w->gone.time_ms, w->n_edge, edge - at);
	w->edge = edge;
}

/* Free the blocks that every window has passed. */
static void
kpi_set_trim(struct kpi_set *set)
{
	const struct kpi_window *w = &set->windows[set->longest];

	if (set->n_windows == 0)
		return;
	while (set->first != NULL && set->first != w->block) {
		struct kpi_block *b = set->first;

		set->first = b->next;
		kpi_block_free(b);
		set->n_blocks--;
		if (set->held != NULL)
			*set->held -= KPI_BLOCK;
	}
}

/* Bring every far edge to the clock; the longest window's frees blocks. */
static void
kpi_set_slide(struct kpi_set *set)
{
	if (set->slid_t == set->t)
		return;
	for (size_t i = 0; i < set->n_windows; i++)
		kpi_window_slide(set, &set->windows[i], set->t - set->windows[i].length);
	if (set->n_windows > 0)
		kpi_peaks_expire(&set->peaks, set->windows[set->longest].edge);
	kpi_set_trim(set);
	set->slid_t = set->t;
}

static void
kpi_set_integrate(struct kpi_set *set, int64_t t)
{
	int64_t span = t - set->t;

	if (span <= 0)
		return;
	kpi_integrate(set->total.time_ms, set->n_now, span);
	set->t = t;
}

int64_t
kpi_set_clock(const struct kpi_set *set)
{
	return set->t;
}

void
kpi_set_advance(struct kpi_set *set, int64_t t, int64_t day_start)
{
	if (day_start > set->today_start) {
		kpi_set_integrate(set, day_start);
		set->day_base = set->total;
		set->today_max_wait = -1;
		set->today_start = day_start;
	}
	kpi_set_integrate(set, t);
}

static void
kpi_set_append(struct kpi_set *set, struct kpi_entry *e)
{
	if (set->n_windows == 0)
		return;
	if (set->last == NULL || set->last_fill == KPI_BLOCK ||
	    set->t - set->last_base > (int64_t)KPI_DT_MAX) {
		/* Before the log grows, let the windows give back what they
		 * have passed: memory stays bounded however rarely they are
		 * read. */
		kpi_set_slide(set);
		struct kpi_block *b = kpi_block_new();

		b->next = NULL;
		b->base = set->t;
		if (set->last != NULL) {
			if (set->last_fill < KPI_BLOCK)
				set->last->e[set->last_fill].head = KPI_END << 5;
			set->last->next = b;
		} else
			set->first = b;
		set->last = b;
		set->last_base = b->base;
		set->last_fill = 0;
		set->n_blocks++;
		if (set->held != NULL)
			*set->held += KPI_BLOCK;
		for (size_t i = 0; i < set->n_windows; i++)
			if (set->windows[i].block == NULL) {
				set->windows[i].block = b;
				set->windows[i].base = b->base;
			}
	}
	e->head |= (uint32_t)(set->t - set->last_base) << 8;
	set->last->e[set->last_fill++] = *e;
	/* A window that had passed every entry finds its next one here. */
	for (size_t i = 0; set->any_idle && i < set->n_windows; i++)
		if (set->windows[i].cursor == (uint32_t)set->tail)
			set->windows[i].next_t = set->t;
	set->any_idle = false;
	set->tail++;
}

void
kpi_set_add(struct kpi_set *set, enum kpi_kind kind, int64_t value, unsigned flags)
{
	struct kpi_entry e;
	uint32_t v;

	if (value < 0)
		value = 0;
	v = value > KPI_VALUE_MAX ? KPI_VALUE_MAX : (uint32_t)value;
	e.head = (uint32_t)kind << 5 | (flags & 0x1f);
	e.word = v | (uint32_t)(flags >> 5 & 7) << 29;
	kpi_count(set->total.n, &e);
	if (kpi_is_outcome(&e)) {
		if (v > set->today_max_wait)
			set->today_max_wait = v;
		if (set->n_windows > 0)
			kpi_peaks_push(&set->peaks, set->t, v);
	}
	kpi_set_append(set, &e);
}

/* Fold state changes at the same instant into one entry: exact, since the
 * far edge takes them out together anyway, and it keeps a busy floor's log
 * small (call.ended's busy->ready and the wrap that follows, say). */
static bool
kpi_set_merge(struct kpi_set *set, const int8_t delta[KT_COUNT])
{
	struct kpi_entry *last;

	if (set->last == NULL || set->last_fill == 0)
		return false;
	last = &set->last->e[set->last_fill - 1];
	if (kpi_entry_kind(last) != KPI_STATE ||
	    set->last_base + (last->head >> 8) != set->t)
		return false;
	for (int k = 0; k < KT_COUNT; k++)
		if (last->delta[k] + delta[k] > INT8_MAX || last->delta[k] + delta[k] < INT8_MIN)
			return false;
	for (int k = 0; k < KT_COUNT; k++)
		last->delta[k] = (int8_t)(last->delta[k] + delta[k]);
	return true;
}

void
kpi_set_agents(struct kpi_set *set, const int8_t delta[KT_COUNT])
{
	struct kpi_entry e = { .head = KPI_STATE << 5 };

	for (int k = 0; k < KT_COUNT; k++) {
		set->n_now[k] += delta[k];
		e.delta[k] = delta[k];
	}
	if (set->n_windows > 0 && !kpi_set_merge(set, delta))
		kpi_set_append(set, &e);
}

/* out = a - b, for counters and agent time. */
static void
kpi_difference(struct kpi_sums *out, const struct kpi_acc *a, const struct kpi_acc *b)
{
	for (int k = 0; k < KS_COUNT; k++)
		out->n[k] = a->n[k] - b->n[k];
	for (int k = 0; k < KT_COUNT; k++)
		out->time_ms[k] = a->time_ms[k] - b->time_ms[k];
}

void
kpi_set_read(struct kpi_set *set, size_t i, struct kpi_sums *out)
{
	const struct kpi_window *w;

	if (i >= set->n_windows) {
		kpi_difference(out, &set->total, &set->day_base);
		out->max_wait_ms = set->today_max_wait;
		return;
	}
	kpi_set_slide(set);
	w = &set->windows[i];
	kpi_difference(out, &set->total, &w->gone);
	out->max_wait_ms = kpi_peaks_after(&set->peaks, w->edge);
}

void
kpi_set_read_some(struct kpi_set *set, size_t i, uint32_t sums,
    unsigned timed, struct kpi_sums *out)
{
	const struct kpi_acc *less = &set->day_base;

	_Static_assert(KS_COUNT <= 32 && KT_COUNT <= 32, "a mask holds them");
	if (i < set->n_windows) {
		struct kpi_window *w = &set->windows[i];

		/* This window's edge alone: the others', the longest wait's
		 * and the blocks given back wait for a full read or the next
		 * block (each window's edge moves on its own). */
		kpi_window_slide(set, w, set->t - w->length);
		less = &w->gone;
	}
	for (; sums != 0; sums &= sums - 1) {
		int k = __builtin_ctz(sums);

		out->n[k] = set->total.n[k] - less->n[k];
	}
	for (; timed != 0; timed &= timed - 1) {
		int k = __builtin_ctz(timed);

		out->time_ms[k] = set->total.time_ms[k] - less->time_ms[k];
	}
}

int64_t
kpi_set_moves(const struct kpi_set *set, size_t i, unsigned timed)
{
	const struct kpi_window *w;

	if (i >= set->n_windows) {
		for (int k = 0; k < KT_COUNT; k++)
			if ((timed & 1u << k) && set->n_now[k] != 0)
				return set->t;
		return INT64_MAX;
	}
	w = &set->windows[i];
	if (w->next_t != INT64_MAX && w->next_t + w->length <= set->t)
		return set->t;          /* not slid yet: an entry is out */
	/* The window's agent time is the integral of (agents now - agents at
	 * the far edge): it moves while they differ. */
	for (int k = 0; k < KT_COUNT; k++)
		if ((timed & 1u << k) && set->n_now[k] != w->n_edge[k])
			return set->t;
	return w->next_t == INT64_MAX ? INT64_MAX : w->next_t + w->length;
}

/* Going through a window's entries from its far edge on, leaving it be. */
struct kpi_walk {
	const struct kpi_block *b;      /* the block of the entry last given */
	unsigned offset;
	uint32_t cursor, tail;
};

static void
kpi_walk_start(struct kpi_walk *k, const struct kpi_set *set,
    const struct kpi_window *w)
{
	k->b = w->block;
	k->offset = w->offset;
	k->cursor = w->cursor;
	k->tail = (uint32_t)set->tail;
}

/* The next entry (its time: kpi_entry_time(k->b, e)), or NULL at the
 * log's tail. */
static const struct kpi_entry *
kpi_walk_next(struct kpi_walk *k)
{
	const struct kpi_entry *e;

	if (k->cursor == k->tail)
		return NULL;
	if (k->offset == KPI_BLOCK ||
	    kpi_entry_kind(&k->b->e[k->offset]) == KPI_END) {
		k->b = k->b->next;
		k->offset = 0;
	}
	e = &k->b->e[k->offset];
	k->cursor++;
	k->offset++;
	return e;
}

int64_t
kpi_set_moves_of(const struct kpi_set *set, size_t i, unsigned timed,
    unsigned kinds)
{
	int64_t moves = kpi_set_moves(set, i, timed);
	const struct kpi_window *w;
	struct kpi_walk k;
	int64_t t = INT64_MAX;

	/* moving now, or no entry to leave: as for all the sums */
	if (i >= set->n_windows || moves == set->t || moves == INT64_MAX)
		return moves;
	w = &set->windows[i];
	kpi_walk_start(&k, set, w);
	for (int n = 0; n < KPI_MOVES_SCAN; n++) {
		const struct kpi_entry *e = kpi_walk_next(&k);
		unsigned kind;

		if (e == NULL)
			return INT64_MAX;       /* none of them in the window */
		kind = kpi_entry_kind(e);
		t = kpi_entry_time(k.b, e) + w->length;
		if (!(kinds & 1u << kind))
			continue;
		if (kind != KPI_STATE)
			return t;
		for (int j = 0; j < KT_COUNT; j++)
			if ((timed & 1u << j) && e->delta[j] != 0)
				return t;
	}
	return t;
}

/* Entries other than agents' states counted into a (kpi_count). */
static uint64_t
kpi_counted(const struct kpi_acc *a)
{
	return (uint64_t)a->n[KS_COUNTED];
}

uint64_t
kpi_set_counts_stamp(const struct kpi_set *set, size_t i)
{
	uint64_t in, out;

	if (i >= set->n_windows)
		return 0;
	/* what came in and what went out past the far edge: the same pair,
	 * none came or went (31 and 32 bits: no 2^31 entries between two
	 * judgements) */
	in = kpi_counted(&set->total);
	out = kpi_counted(&set->windows[i].gone);
	return 1ull << 63 | (in & 0x7fffffffu) << 32 | (out & 0xffffffffu);
}

bool
kpi_set_counts_same(const struct kpi_set *set, size_t i, uint64_t stamp,
    int64_t t)
{
	const struct kpi_window *w;
	struct kpi_walk k;

	if (stamp == 0 || stamp != kpi_set_counts_stamp(set, i))
		return false;
	/* Nor may one be out by t that the far edge has yet to pass: the
	 * entries from it on, up to the first still inside at t, are all
	 * agents' states (a few looked at; more, and the answer is no). */
	w = &set->windows[i];
	/* the first of them by the window's own line (next_t is its time),
	 * not its log's: most often it is still inside */
	if (w->next_t == INT64_MAX || w->next_t + w->length > t)
		return true;
	kpi_walk_start(&k, set, w);
	for (int n = 0; n < KPI_MOVES_SCAN; n++) {
		const struct kpi_entry *e = kpi_walk_next(&k);

		if (e == NULL || kpi_entry_time(k.b, e) + w->length > t)
			return true;
		if (kpi_entry_kind(e) != KPI_STATE)
			return false;
	}
	return false;
}

size_t
kpi_set_memory(const struct kpi_set *set)
{
	return sizeof *set + set->n_windows * sizeof set->windows[0] +
	    set->n_blocks * sizeof(struct kpi_block) +
	    set->peaks.cap * sizeof(struct kpi_peak);
}

size_t
kpi_set_entries(const struct kpi_set *set)
{
	return set->n_windows ? (size_t)(uint32_t)((uint32_t)set->tail -
	    set->windows[set->longest].cursor) : 0;
}

/* Ratio num/den, null when den is 0. */
static void
kpi_ratio(struct kpi_figures *f, enum metric_id id, int64_t num, int64_t den)
{
	f->null[id] = den <= 0;
	f->value[id] = den > 0 ? (double)num / (double)den : 0;
}

/* Mean in whole ms (rounded to nearest), null when nothing was counted. */
static void
kpi_mean_ms(struct kpi_figures *f, enum metric_id id, int64_t sum, int64_t count)
{
	f->null[id] = count <= 0;
	f->value[id] = count > 0 ? (double)((2 * sum + count) / (2 * count)) : 0;
}

static void
kpi_value(struct kpi_figures *f, enum metric_id id, int64_t v)
{
	f->null[id] = false;
	f->value[id] = (double)v;
}

static int64_t
kpi_service_level_num(const int64_t *n, enum sl_formula formula)
{
	switch (formula) {
	case SL_ABANDONS_POSITIVE:
		return n[KS_ANSWERED_IN_SL] + n[KS_ABANDONED_IN_SL];
	case SL_ASTERISK:
		return n[KS_HANDLED_IN_SL];
	case SL_ASTERISK2:
		return n[KS_HANDLED_IN_SL] + n[KS_ABANDONED_IN_SL] +
		    n[KS_EXITED_AS_ABANDON_IN_SL];
	default:
		return n[KS_ANSWERED_IN_SL];
	}
}

static int64_t
kpi_service_level_den(const int64_t *n, int64_t offered, enum sl_formula formula)
{
	switch (formula) {
	case SL_ANSWERED:
		return n[KS_ANSWERED];
	case SL_ABANDONS_POSITIVE:
		return offered;
	case SL_ABANDONS_IGNORED:
		return offered - n[KS_ABANDONED_IN_SL];
	case SL_ASTERISK:
		return n[KS_HANDLED];
	case SL_ASTERISK2:
		return n[KS_HANDLED] + n[KS_ABANDONED] + n[KS_EXITED_AS_ABANDON];
	default:
		return offered - n[KS_SHORT_ABANDONED];
	}
}

static void
kpi_figures_outcomes(const struct kpi_sums *s, enum sl_formula formula,
    struct kpi_figures *f)
{
	const int64_t *n = s->n;
	int64_t offered = n[KS_ANSWERED] + n[KS_ABANDONED] + n[KS_EXITED];

	kpi_value(f, M_OFFERED, offered);
	kpi_value(f, M_ANSWERED, n[KS_ANSWERED]);
	kpi_value(f, M_ANSWERED_IN_SL, n[KS_ANSWERED_IN_SL]);
	kpi_value(f, M_ABANDONED, n[KS_ABANDONED]);
	kpi_value(f, M_SHORT_ABANDONED, n[KS_SHORT_ABANDONED]);
	kpi_value(f, M_ABANDONED_IN_SL, n[KS_ABANDONED_IN_SL]);
	kpi_value(f, M_EXITED, n[KS_EXITED]);
	kpi_ratio(f, M_SERVICE_LEVEL, kpi_service_level_num(n, formula),
	    kpi_service_level_den(n, offered, formula));
	kpi_mean_ms(f, M_ASA_MS, n[KS_WAIT_ANSWERED_MS], n[KS_ANSWERED]);
	kpi_mean_ms(f, M_AVG_ABANDON_MS, n[KS_WAIT_ABANDONED_MS], n[KS_ABANDONED]);
	kpi_value(f, M_MAX_WAIT_MS, s->max_wait_ms);
	f->null[M_MAX_WAIT_MS] = s->max_wait_ms < 0;
	kpi_ratio(f, M_ABANDON_RATE, n[KS_ABANDONED] - n[KS_SHORT_ABANDONED],
	    offered - n[KS_SHORT_ABANDONED]);
	kpi_ratio(f, M_REPEAT_RATE, n[KS_REPEATS], n[KS_WITH_CALLER]);
}

static void
kpi_figures_handling(const struct kpi_sums *s, bool wrap_attributed,
    struct kpi_figures *f)
{
	const int64_t *n = s->n;
	const int64_t *tm = s->time_ms;
	int64_t wrap = wrap_attributed ? tm[KT_WRAP_ATTR] : tm[KT_WRAP];

	kpi_value(f, M_HANDLED, n[KS_HANDLED]);
	kpi_value(f, M_TALK_MS, n[KS_TALK_MS]);
	kpi_value(f, M_WRAP_MS, wrap);
	kpi_mean_ms(f, M_AHT_MS, n[KS_TALK_MS] + wrap, n[KS_HANDLED]);
	kpi_ratio(f, M_OCCUPANCY, tm[KT_BUSY] + tm[KT_WRAP],
	    tm[KT_BUSY] + tm[KT_WRAP] + tm[KT_READY]);
	kpi_ratio(f, M_TRANSFER_RATE, n[KS_TRANSFERRED], n[KS_HANDLED]);
	kpi_ratio(f, M_FCR, n[KS_RESOLVED], n[KS_RESOLVED_KNOWN]);
	kpi_ratio(f, M_CSAT, n[KS_SURVEYS_GOOD], n[KS_SURVEYS]);
	f->null[M_CSAT_AVG] = n[KS_SURVEYS] == 0;
	f->value[M_CSAT_AVG] = n[KS_SURVEYS] ?
	    (double)n[KS_SURVEY_SUM] / (double)n[KS_SURVEYS] : 0;
}

void
kpi_figures_compute(const struct kpi_sums *s, enum sl_formula formula,
    bool wrap_attributed, bool queue_outcomes_known, struct kpi_figures *f)
{
	kpi_figures_outcomes(s, formula, f);
	kpi_figures_handling(s, wrap_attributed, f);
	if (queue_outcomes_known)
		return;
	for (int id = 0; id < M_WINDOWED_COUNT; id++)
		if (metric_get((enum metric_id)id)->queue_outcome) {
			f->null[id] = true;
			f->value[id] = 0;
		}
}
