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

struct history {
	int64_t day_start, day_end;
	int64_t last_end;
	struct history_scope **scopes;
	size_t n_scopes;
};

struct history *
history_new(int64_t day_start, int64_t day_end)
{
	struct history *h = xcalloc(1, sizeof *h);

	h->day_start = day_start;
	h->day_end = day_end;
	return h;
}

void
history_free(struct history **hp)
{
	struct history *h = hp ? *hp : NULL;

	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n_scopes; i++)
		free(h->scopes[i]);
	free(h->scopes);
	free(h);
	*hp = NULL;
}

void
history_day(struct history *h, int64_t day_start, int64_t day_end)
{
	for (size_t i = 0; i < h->n_scopes; i++)
		if (h->scopes[i] != NULL)
			memset(h->scopes[i]->recorded, 0,
			    sizeof h->scopes[i]->recorded);
	h->day_start = day_start;
	h->day_end = day_end;
	h->last_end = 0;
}

int64_t history_day_start(const struct history *h) { return h->day_start; }
int64_t history_day_end(const struct history *h) { return h->day_end; }
int64_t history_last_end(const struct history *h) { return h->last_end; }

/* The slot of the base interval ending at end, or -1. */
static long
history_slot(const struct history *h, int64_t end)
{
	int64_t off = end - h->day_start;

	if (off <= 0 || end > h->day_end || off % HISTORY_BASE_MS != 0 ||
	    off / HISTORY_BASE_MS > HISTORY_MAX_BASE)
		return -1;
	return (long)(off / HISTORY_BASE_MS) - 1;
}

void
history_record(struct history *h, size_t scope, int64_t end,
    const struct kpi_sums *sums)
{
	long k = history_slot(h, end);
	struct history_scope *s;

	if (k < 0)
		return;
	if (scope >= h->n_scopes) {
		h->scopes = xrealloc(h->scopes, (scope + 1) * sizeof *h->scopes);
		memset(h->scopes + h->n_scopes, 0,
		    (scope + 1 - h->n_scopes) * sizeof *h->scopes);
		h->n_scopes = scope + 1;
	}
	if (h->scopes[scope] == NULL)
		h->scopes[scope] = xcalloc(1, sizeof *h->scopes[scope]);
	s = h->scopes[scope];
	s->slot[k] = *sums;
	s->recorded[k / 64] |= 1ULL << (k % 64);
	if (end > h->last_end)
		h->last_end = end;
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
	const struct history_scope *s;
	bool any = false;

	memset(out, 0, sizeof *out);
	out->max_wait_ms = -1;
	if (!history_length_ok(length) || scope >= h->n_scopes ||
	    (s = h->scopes[scope]) == NULL)
		return false;
	for (int64_t part = end - length + HISTORY_BASE_MS; part <= end;
	    part += HISTORY_BASE_MS) {
		long k = history_slot(h, part);

		if (k < 0 || !(s->recorded[k / 64] & (1ULL << (k % 64))))
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
	size_t n = sizeof *h + h->n_scopes * sizeof *h->scopes;

	for (size_t i = 0; i < h->n_scopes; i++)
		if (h->scopes[i] != NULL)
			n += sizeof *h->scopes[i];
	return n;
}
