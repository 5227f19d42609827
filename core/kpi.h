/*
 * kpi.h: rolling windows of contact-centre figures for one scope.
 *
 * A kpi_set holds, for one scope (a queue, a team, the site), every
 * configured rolling window plus 'today'. Each happening (an outcome, a
 * handled call, a survey, an agent changing state) is one small entry in a
 * time-ordered log. The set keeps running totals since it began; a window's
 * sums are those totals less what has passed its far edge, where a cursor
 * sits. Adding an entry costs O(1) whatever the number of windows, and a far
 * edge catches up (O(1) amortised an entry) when the window is read.
 * Windows are exact to the millisecond: a window of length L at time t holds
 * the entries in (t - L, t].
 *
 * Agent time in a state is the integral of the number of agents in that state
 * over the window: the totals gather it as the clock moves, and the far edge
 * gathers what falls out, using the state changes it passes.
 *
 * Pure: the clock is always passed in.
 */
#ifndef WALLBOARD_KPI_H
#define WALLBOARD_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metric.h"

/* Counters summed over a window. */
enum kpi_sum {
	/* staffing's inputs first, in the first line or two of the sums
	 * (kpi_set_read_some reads only these, most queues being cold) */
	KS_ARRIVALS,            /* call.queued */
	KS_HANDLED, KS_TALK_MS, KS_ABANDONED,
	/* entries other than agents' states, one each (a window's figure
	 * other than agents' time moves only with them: kpi_set_counts_same) */
	KS_COUNTED,
	KS_WAIT_ANSWERED_MS, KS_WAIT_ABANDONED_MS,
	KS_ANSWERED, KS_ANSWERED_IN_SL, KS_SHORT_ABANDONED,
	KS_ABANDONED_IN_SL, KS_EXITED,
	KS_WITH_CALLER, KS_REPEATS, KS_TRANSFERRED,
	KS_RESOLVED, KS_RESOLVED_KNOWN, KS_SURVEYS, KS_SURVEYS_GOOD,
	KS_SURVEY_SUM,
	KS_HANDLED_IN_SL,       /* handled calls answered within T (asterisk) */
	KS_EXITED_AS_ABANDON,   /* exits app_queue counts as abandons (asterisk2) */
	KS_EXITED_AS_ABANDON_IN_SL,
	KS_COUNT
};

/* Agent-time integrals (ms). KT_WRAP_ATTR is wrap time attributed to a queue
 * through the agent's last ended call; the others are the scope's agents'. */
enum kpi_time { KT_BUSY, KT_WRAP, KT_READY, KT_WRAP_ATTR, KT_COUNT };

struct kpi_sums {
	int64_t n[KS_COUNT];
	int64_t time_ms[KT_COUNT];
	int64_t max_wait_ms;     /* -1: no outcome in the window */
};

enum kpi_kind {
	KPI_ANSWERED, KPI_ABANDONED, KPI_EXITED, KPI_HANDLED, KPI_SURVEY,
	KPI_STATE, KPI_ARRIVAL,
};

/* Entry flags, worked out once when the entry is made (by the call's own
 * queue's T and S), so every scope that holds it counts it alike. */
enum {
	KPI_F_IN_SL = 1 << 0,          /* wait <= T */
	KPI_F_SHORT = 1 << 1,          /* abandoned with wait <= S */
	KPI_F_REPEAT = 1 << 2,         /* the caller's other call was recent */
	KPI_F_CALLER = 1 << 3,         /* the visit carried a caller */
	KPI_F_TRANSFERRED = 1 << 4,
	KPI_F_RESOLVED = 1 << 5,
	KPI_F_RESOLVED_KNOWN = 1 << 6, /* call.ended carried `resolved` */
	KPI_F_AS_ABANDON = 1 << 7,     /* an exit by timeout, empty or withdraw */
};

struct kpi_set;

/* A set with windows of the given lengths (ms, any order) and 'today',
 * starting empty at `now`, in the day that began at `day_start`. */
struct kpi_set *kpi_set_new(const int64_t *lengths, size_t n_windows,
    int64_t now, int64_t day_start);
void kpi_set_free(struct kpi_set **set);
/* Keep *held counting the entries the set has room for (its blocks), as
 * it grows and gives back: several sets may share one count. */
void kpi_set_count_held(struct kpi_set *set, int64_t *held);

/*
 * Move the set's clock to t (never backwards: an earlier t is ignored).
 * day_start is the start of the day t is in; when it is later than the set's
 * day, 'today' is integrated up to it and starts again from zero.
 */
void kpi_set_advance(struct kpi_set *, int64_t t, int64_t day_start);

/* The set's clock. */
int64_t kpi_set_clock(const struct kpi_set *);

/* The most an entry's value holds (ms: about 6.2 days). */
#define KPI_VALUE_MAX ((1u << 29) - 1)

/* Record an entry at the set's clock (advance first). value is a wait or a
 * talk time in ms or a survey score: an entry holds up to KPI_VALUE_MAX
 * (about 6.2 days), and a longer wait or talk counts as that. */
void kpi_set_add(struct kpi_set *, enum kpi_kind kind, int64_t value, unsigned flags);

/* Agents entering (+1) or leaving (-1) states in this scope, at its clock. */
void kpi_set_agents(struct kpi_set *, const int8_t delta[KT_COUNT]);

/* The sums of window i (0 .. n_windows-1), or of 'today' for i == n_windows,
 * as of the set's clock. Reading a window brings the far edges up to it. */
void kpi_set_read(struct kpi_set *, size_t i, struct kpi_sums *out);

/* Only some of window i's sums, the same as kpi_set_read gives: n[k] for
 * each bit k of `sums` (1u << KS_...), time_ms[k] for each of `timed`
 * (1u << KT_...); the rest of *out, max_wait_ms too, is left as it was. */
void kpi_set_read_some(struct kpi_set *, size_t i, uint32_t sums,
    unsigned timed, struct kpi_sums *out);

/* The earliest clock at which window i (n_windows: today) may read other
 * sums with no entry added: the set's clock when it moves all the time
 * (agent time in one of the kpi_times in the mask `timed`, 1 << KT_..., is
 * being summed; or the window has yet to slide), else when its oldest entry
 * leaves it; INT64_MAX for never (today, with no such agent time running:
 * only the next day changes it). */
int64_t kpi_set_moves(const struct kpi_set *, size_t i, unsigned timed);

/* The same for only some of the window's sums: those of entries of the
 * kinds in the mask `kinds` (1 << KPI_...), a state change counting only
 * when it moves agents in one of the kpi_times in `timed`. It looks at
 * most KPI_MOVES_SCAN entries past the far edge: with no such entry among
 * them, the time the last of them leaves (sooner than need be, never
 * later). */
#define KPI_MOVES_SCAN 8
int64_t kpi_set_moves_of(const struct kpi_set *, size_t i, unsigned timed,
    unsigned kinds);

/* A stamp of what window i counts: every sum but agents' time, and the
 * longest wait. While kpi_set_counts_same(set, i, stamp, t) holds they
 * read at clock t as they did when the stamp was taken (after a read),
 * with no read: no entry other than agents' states came or went since.
 * 'today' has no stamp (0, which never holds). */
uint64_t kpi_set_counts_stamp(const struct kpi_set *, size_t i);
bool kpi_set_counts_same(const struct kpi_set *, size_t i, uint64_t stamp,
    int64_t t);

/* Bytes held by the set, and entries in its log, for the memory figures. */
size_t kpi_set_memory(const struct kpi_set *);
size_t kpi_set_entries(const struct kpi_set *);

/* The figures of PROTOCOL §2 from a window's sums. */
struct kpi_figures {
	double value[M_WINDOWED_COUNT];
	bool null[M_WINDOWED_COUNT];
};

/*
 * Work out every windowed figure. formula: the scope's sl_formula.
 * wrap_attributed: wrap_ms is the queue-attributed wrap (queue scopes).
 * queue_outcomes_known: false for a team without configured queues, whose
 * queue-outcome figures are then null.
 */
void kpi_figures_compute(const struct kpi_sums *, enum sl_formula formula,
    bool wrap_attributed, bool queue_outcomes_known, struct kpi_figures *out);

#endif
