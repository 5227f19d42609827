/*
 * dueheap.h: when each of a set of numbered things is next due.
 *
 * An indexed binary min-heap: item i (a small whole number, such as an
 * engine's scope index) has at most one due time; setting it again moves
 * the item, so the heap never holds more than one entry an item, whatever
 * the number of updates. O(log n) to set, clear or take the earliest.
 */
#ifndef WALLBOARD_DUEHEAP_H
#define WALLBOARD_DUEHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dueheap_entry {
	int64_t due;
	size_t item;
};

struct dueheap {
	struct dueheap_entry *heap;
	size_t n, cap;
	size_t *pos;            /* by item: its place in heap, or SIZE_MAX */
	size_t n_pos;
};

/* Zero-initialise a struct dueheap to use it; free with dueheap_clear. */
void dueheap_clear(struct dueheap *);

/* Item i is due at `due` (INT64_MAX: never, which takes it out). */
void dueheap_set(struct dueheap *, size_t item, int64_t due);

/* When item i is due, INT64_MAX if never. */
int64_t dueheap_get(const struct dueheap *, size_t item);

/* The earliest due time, INT64_MAX if none. O(1). */
int64_t dueheap_next(const struct dueheap *);

/* Take out the earliest item due at or before t: true and *item, or false
 * when none is. */
bool dueheap_take(struct dueheap *, int64_t t, size_t *item);

#endif
