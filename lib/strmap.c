/*
 * strmap.c: open-addressing string map.
 *
 * Slots hold the key's hash beside the pointers so most probes never touch
 * the key's memory; the table doubles at 70% load.
 */
#include "strmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct strmap_slot {
	uint64_t hash;          /* 0: empty */
	char *key;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t mask;            /* capacity - 1; capacity is a power of two */
	size_t count;
	bool borrows;           /* keys are the caller's, not copies */
};

uint64_t
strmap_hash(const char *key, size_t len)
{
	/* FNV-1a, then a final mix so that linear probing sees spread bits. */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

struct strmap *
strmap_new(void)
{
	struct strmap *map = xcalloc(1, sizeof *map);

	map->mask = 15;
	map->slots = xcalloc(map->mask + 1, sizeof *map->slots);
	return map;
}

struct strmap *
strmap_new_borrowing(void)
{
	struct strmap *map = strmap_new();

	map->borrows = true;
	return map;
}

void
strmap_free(struct strmap **mapp)
{
	struct strmap *map = mapp ? *mapp : NULL;

	if (map == NULL)
		return;
	for (size_t i = 0; i <= map->mask && !map->borrows; i++)
		free(map->slots[i].key);
	free(map->slots);
	free(map);
	*mapp = NULL;
}

static struct strmap_slot *
strmap_find(const struct strmap *map, const char *key, uint64_t hash)
{
	size_t i = hash & map->mask;

	for (;;) {
		struct strmap_slot *slot = &map->slots[i];

		if (slot->hash == 0)
			return slot;
		if (slot->hash == hash && strcmp(slot->key, key) == 0)
			return slot;
		i = (i + 1) & map->mask;
	}
}

static void
strmap_grow(struct strmap *map)
{
	struct strmap_slot *old = map->slots;
	size_t old_capacity = map->mask + 1;

	map->mask = old_capacity * 2 - 1;
	map->slots = xcalloc(map->mask + 1, sizeof *map->slots);
	for (size_t i = 0; i < old_capacity; i++) {
		if (old[i].hash == 0)
			continue;
		size_t j = old[i].hash & map->mask;
		while (map->slots[j].hash != 0)
			j = (j + 1) & map->mask;
		map->slots[j] = old[i];
	}
	free(old);
}

void *
strmap_get(const struct strmap *map, const char *key)
{
	struct strmap_slot *slot;

	slot = strmap_find(map, key, strmap_hash(key, strlen(key)));
	return slot->hash ? slot->value : NULL;
}

const char *
strmap_put(struct strmap *map, const char *key, void *value)
{
	uint64_t hash = strmap_hash(key, strlen(key));
	struct strmap_slot *slot;

	if ((map->count + 1) * 10 > (map->mask + 1) * 7)
		strmap_grow(map);
	slot = strmap_find(map, key, hash);
	if (slot->hash == 0) {
		slot->hash = hash;
		slot->key = map->borrows ? (char *)key : xstrdup(key);
		map->count++;
	}
	slot->value = value;
	return slot->key;
}

void *
strmap_delete(struct strmap *map, const char *key)
{
	struct strmap_slot *slot;
	size_t i, j;
	void *value;

	slot = strmap_find(map, key, strmap_hash(key, strlen(key)));
	if (slot->hash == 0)
		return NULL;
	value = slot->value;
	if (!map->borrows)
		free(slot->key);
	map->count--;
	/* Backward-shift: pull later members of the probe run into the hole. */
	i = (size_t)(slot - map->slots);
	j = i;
	for (;;) {
		j = (j + 1) & map->mask;
		if (map->slots[j].hash == 0)
			break;
		size_t home = map->slots[j].hash & map->mask;
		/* Can slot j move to i? Only if its home is not in (i, j]. */
		bool between = (i <= j) ? (home > i && home <= j) :
		    (home > i || home <= j);
		if (between)
			continue;
		map->slots[i] = map->slots[j];
		i = j;
	}
	memset(&map->slots[i], 0, sizeof map->slots[i]);
	return value;
}

size_t
strmap_count(const struct strmap *map)
{
	return map->count;
}

int
strmap_next(const struct strmap *map, size_t *pos, const char **key, void **value)
{
	while (*pos <= map->mask) {
		struct strmap_slot *slot = &map->slots[(*pos)++];

		if (slot->hash == 0)
			continue;
		if (key)
			*key = slot->key;
		if (value)
			*value = slot->value;
		return 1;
	}
	return 0;
}
