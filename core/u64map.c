/*
 * u64map.c: inline-record hash table keyed by 64-bit hashes.
 */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
u64map_clear(struct u64map *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static size_t
u64map_home(const struct u64map *m, uint64_t key)
{
	/* Keys are hashes already; fold the high bits in for small tables. */
	return (size_t)(key ^ (key >> 32)) & m->mask;
}

void
u64map_prefetch(const struct u64map *m, uint64_t key)
{
	if (m->slots != NULL)
		__builtin_prefetch(&m->slots[u64map_home(m, key)]);
}

struct u64map_entry *
u64map_get(const struct u64map *m, uint64_t key)
{
	if (m->slots == NULL)
		return NULL;
	for (size_t i = u64map_home(m, key);; i = (i + 1) & m->mask) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		if (m->slots[i].key == 0)
			return NULL;
	}
}

static void
u64map_grow(struct u64map *m)
{
	struct u64map_entry *old = m->slots;
	size_t old_cap = m->slots ? m->mask + 1 : 0;

	m->mask = old_cap ? old_cap * 2 - 1 : 63;
	m->slots = xcalloc_huge((m->mask + 1) * sizeof *m->slots);
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].key == 0)
			continue;
		size_t j = u64map_home(m, old[i].key);
		while (m->slots[j].key != 0)
			j = (j + 1) & m->mask;
		m->slots[j] = old[i];
	}
	free(old);
}

struct u64map_entry *
u64map_put(struct u64map *m, uint64_t key)
{
	size_t i;

	/* Grow first (at 80% full), then one probe finds the key or the
	 * empty slot it goes in. */
	if (m->slots == NULL || (m->count + 1) * 5 > (m->mask + 1) * 4)
		u64map_grow(m);
	for (i = u64map_home(m, key); m->slots[i].key != 0; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			return &m->slots[i];
	m->count++;
	m->slots[i].key = key;
	return &m->slots[i];
}

/* Empty slot i and pull later members of its probe run back into it. */
static void
u64map_remove_at(struct u64map *m, size_t i)
{
	size_t j = i;

	m->count--;
	for (;;) {
		j = (j + 1) & m->mask;
		if (m->slots[j].key == 0)
			break;
		size_t home = u64map_home(m, m->slots[j].key);
		int between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (between)
			continue;
		m->slots[i] = m->slots[j];
		i = j;
	}
	memset(&m->slots[i], 0, sizeof m->slots[i]);
}

void
u64map_delete(struct u64map *m, uint64_t key)
{
	struct u64map_entry *e = u64map_get(m, key);

	if (e != NULL)
		u64map_remove_at(m, (size_t)(e - m->slots));
}

void
u64map_filter(struct u64map *m, int (*keep)(const struct u64map_entry *, void *),
    void *arg)
{
	size_t cap = m->slots ? m->mask + 1 : 0;

	/* In place: a deletion pulls a later entry back into slot i, so slot i
	 * is looked at again before moving on. An entry pulled back across the
	 * table's end is merely looked at twice. */
	for (size_t i = 0; i < cap; i++)
		while (m->slots[i].key != 0 && !keep(&m->slots[i], arg))
			u64map_remove_at(m, i);
}

size_t
u64map_memory(const struct u64map *m)
{
	return m->slots ? (m->mask + 1) * sizeof *m->slots : 0;
}
