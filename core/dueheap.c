/*
 * dueheap.c: an indexed binary min-heap of due times (see dueheap.h).
 */
#include "dueheap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
dueheap_clear(struct dueheap *h)
{
	free(h->heap);
	free(h->pos);
	memset(h, 0, sizeof *h);
}

static void
dueheap_place(struct dueheap *h, size_t k, struct dueheap_entry e)
{
	h->heap[k] = e;
	h->pos[e.item] = k;
}

static void
dueheap_up(struct dueheap *h, size_t k)
{
	struct dueheap_entry e = h->heap[k];

	while (k > 0 && h->heap[(k - 1) / 2].due > e.due) {
		dueheap_place(h, k, h->heap[(k - 1) / 2]);
		k = (k - 1) / 2;
	}
	dueheap_place(h, k, e);
}

static void
dueheap_down(struct dueheap *h, size_t k)
{
	struct dueheap_entry e = h->heap[k];

	for (;;) {
		size_t c = 2 * k + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->heap[c + 1].due < h->heap[c].due)
			c++;
		if (h->heap[c].due >= e.due)
			break;
		dueheap_place(h, k, h->heap[c]);
		k = c;
	}
	dueheap_place(h, k, e);
}

/* Take out the entry at place k. */
static void
dueheap_remove_at(struct dueheap *h, size_t k)
{
	size_t item = h->heap[k].item;
	struct dueheap_entry last = h->heap[--h->n];

	h->pos[item] = SIZE_MAX;
	if (k == h->n)
		return;
	dueheap_place(h, k, last);
	if (k > 0 && h->heap[(k - 1) / 2].due > last.due)
		dueheap_up(h, k);
	else
		dueheap_down(h, k);
}

void
dueheap_set(struct dueheap *h, size_t item, int64_t due)
{
	size_t k;

	if (item >= h->n_pos) {
		size_t n = h->n_pos ? h->n_pos : 64;

		while (n <= item)
			n *= 2;
		h->pos = xrealloc(h->pos, n * sizeof *h->pos);
		for (size_t i = h->n_pos; i < n; i++)
			h->pos[i] = SIZE_MAX;
		h->n_pos = n;
	}
	k = h->pos[item];
	if (due == INT64_MAX) {
		if (k != SIZE_MAX)
			dueheap_remove_at(h, k);
		return;
	}
	if (k == SIZE_MAX) {
		if (h->n == h->cap) {
			h->cap = h->cap ? h->cap * 2 : 64;
			h->heap = xrealloc(h->heap, h->cap * sizeof *h->heap);
		}
		k = h->n++;
		h->heap[k] = (struct dueheap_entry){ due, item };
		dueheap_up(h, k);
		return;
	}
	if (h->heap[k].due == due)
		return;
	h->heap[k].due = due;
	dueheap_up(h, k);
	dueheap_down(h, h->pos[item]);
}

int64_t
dueheap_get(const struct dueheap *h, size_t item)
{
	if (item >= h->n_pos || h->pos[item] == SIZE_MAX)
		return INT64_MAX;
	return h->heap[h->pos[item]].due;
}

bool
dueheap_take(struct dueheap *h, int64_t t, size_t *item)
{
	if (h->n == 0 || h->heap[0].due > t)
		return false;
	*item = h->heap[0].item;
	dueheap_remove_at(h, 0);
	return true;
}

int64_t
dueheap_next(const struct dueheap *h)
{
	return h->n > 0 ? h->heap[0].due : INT64_MAX;
}
