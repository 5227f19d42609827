/*
 * history.c: the day's intervals, kept as 15-minute sums per scope.
 *
 * Layout: for each scope, HISTORY_MAX_BASE slots of struct kpi_sums, slot k
 * holding the 15-minute window at day_start + (k + 1) * 15m, and a bitmap
 * of the slots recorded. A 30- or 60-minute interval adds its parts: every
 * field of kpi_sums but max_wait_ms is a sum over entries (or an integral
 * over time) in (end - length, end], and those spans tile the longer one
 * exactly; max_wait_ms is the maximum of the parts (-1: none).
 */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct history_scope {
	uint64_t recorded[(HISTORY_MAX_BASE + 63) / 64];
	struct kpi_sums slot[HISTORY_MAX_BASE];
};

/* One local day's slots. */
struct history_span {
	int64_t start, end;
	int64_t last_end;
	struct history_scope **scopes;
	size_t n_scopes;
};

/* Today, and the day before when it came just before (so a report asked
 * for just after midnight still finds the day that ended). */
struct history {
	struct history_span day[2];
};

struct history *
history_new(int64_t day_start, int64_t day_end)
{
	struct history *h = xcalloc(1, sizeof *h);

	h->day[0].start = day_start;
	h->day[0].end = day_end;
	return h;
}

static void
history_span_release(struct history_span *d)
{
	for (size_t i = 0; i < d->n_scopes; i++)
		free(d->scopes[i]);
	free(d->scopes);
	memset(d, 0, sizeof *d);
}

static void
history_span_clear(struct history_span *d, int64_t start, int64_t end)
{
	for (size_t i = 0; i < d->n_scopes; i++)
		if (d->scopes[i] != NULL)
			memset(d->scopes[i]->recorded, 0,
			    sizeof d->scopes[i]->recorded);
	d->start = start;
	d->end = end;
	d->last_end = 0;
}

void
history_free(struct history **hp)
{
	struct history *h = hp ? *hp : NULL;

	if (h == NULL)
		return;
	history_span_release(&h->day[0]);
	history_span_release(&h->day[1]);
	free(h);
	*hp = NULL;
}

void
history_day(struct history *h, int64_t day_start, int64_t day_end)
{
	struct history_span keep;

	if (day_start == h->day[0].start)
		return;
	if (day_start == h->day[0].end) {
		keep = h->day[1];
		h->day[1] = h->day[0];
		h->day[0] = keep;
	} else
		history_span_clear(&h->day[1], 0, 0);
	history_span_clear(&h->day[0], day_start, day_end);
}

int64_t history_day_start(const struct history *h) { return h->day[0].start; }
int64_t history_day_end(const struct history *h) { return h->day[0].end; }
int64_t history_last_end(const struct history *h) { return h->day[0].last_end; }

bool
history_day_of(const struct history *h, int64_t t, int64_t *start,
    int64_t *end)
{
	for (int k = 0; k < 2; k++)
		if (h->day[k].start <= t && t < h->day[k].end) {
			*start = h->day[k].start;
			*end = h->day[k].end;
			return true;
		}
	return false;
}

/* The span holding the base interval ending at end, and its slot; NULL. */
static struct history_span *
history_slot(const struct history *h, int64_t end, long *slot)
{
	for (int k = 0; k < 2; k++) {
		const struct history_span *d = &h->day[k];
		int64_t off = end - d->start;

		if (off <= 0 || end > d->end || off % HISTORY_BASE_MS != 0 ||
		    off / HISTORY_BASE_MS > HISTORY_MAX_BASE)
			continue;
		*slot = (long)(off / HISTORY_BASE_MS) - 1;
		return (struct history_span *)(uintptr_t)d;
	}
	return NULL;
}

void
history_record(struct history *h, size_t scope, int64_t end,
    const struct kpi_sums *sums)
{
	long k;
	struct history_span *d = history_slot(h, end, &k);
	struct history_scope *s;

	if (d == NULL)
		return;
	if (scope >= d->n_scopes) {
		d->scopes = xrealloc(d->scopes, (scope + 1) * sizeof *d->scopes);
		memset(d->scopes + d->n_scopes, 0,
		    (scope + 1 - d->n_scopes) * sizeof *d->scopes);
		d->n_scopes = scope + 1;
	}
	if (d->scopes[scope] == NULL)
		d->scopes[scope] = xcalloc(1, sizeof *d->scopes[scope]);
	s = d->scopes[scope];
	s->slot[k] = *sums;
	s->recorded[k / 64] |= 1ULL << (k % 64);
	if (end > d->last_end)
		d->last_end = end;
}

static void
history_add(struct kpi_sums *to, const struct kpi_sums *part)
{
	for (size_t i = 0; i < KS_COUNT; i++)
		to->n[i] += part->n[i];
	for (size_t i = 0; i < KT_COUNT; i++)
		to->time_ms[i] += part->time_ms[i];
	if (part->max_wait_ms > to->max_wait_ms)
		to->max_wait_ms = part->max_wait_ms;
}

bool
history_sums(const struct history *h, size_t scope, int64_t end,
    int64_t length, struct kpi_sums *out)
{
	bool any = false;

	memset(out, 0, sizeof *out);
	out->max_wait_ms = -1;
	if (!history_length_ok(length))
		return false;
	for (int64_t part = end - length + HISTORY_BASE_MS; part <= end;
	    part += HISTORY_BASE_MS) {
		long k;
		const struct history_span *d = history_slot(h, part, &k);
		const struct history_scope *s;

		if (d == NULL || scope >= d->n_scopes ||
		    (s = d->scopes[scope]) == NULL ||
		    !(s->recorded[k / 64] & (1ULL << (k % 64))))
			continue;
		history_add(out, &s->slot[k]);
		any = true;
	}
	return any;
}

double
history_staffed_avg(const struct kpi_sums *s, int64_t length)
{
	return (double)(s->time_ms[KT_BUSY] + s->time_ms[KT_WRAP] +
	    s->time_ms[KT_READY]) / (double)length;
}

bool
history_length_ok(int64_t length)
{
	return length == HISTORY_BASE_MS || length == 2 * HISTORY_BASE_MS ||
	    length == 4 * HISTORY_BASE_MS;
}

size_t
history_memory(const struct history *h)
{
	size_t n = sizeof *h;

	for (int k = 0; k < 2; k++) {
		n += h->day[k].n_scopes * sizeof *h->day[k].scopes;
		for (size_t i = 0; i < h->day[k].n_scopes; i++)
			if (h->day[k].scopes[i] != NULL)
				n += sizeof *h->day[k].scopes[i];
	}
	return n;
}
