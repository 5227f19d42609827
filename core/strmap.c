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
	size_t len;             /* the key's, so a match is one memcmp */
};

struct strmap {
	struct strmap_slot *slots;
	size_t mask;            /* capacity - 1; capacity is a power of two */
	size_t count;
	bool borrows;           /* keys are the caller's, not copies */
};

static inline uint64_t
strmap_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* One 8-byte word into the hash: a multiply-rotate-multiply round. */
static inline uint64_t
strmap_round(uint64_t h, uint64_t w)
{
	h ^= strmap_rotl(w * 0x87c37b91114253d5ULL, 31) * 0x4cf5ad432745937fULL;
	return strmap_rotl(h, 27) * 5 + 0x52dce729;
}

uint64_t
strmap_hash(const char *key, size_t len)
{
	/* Eight bytes a round (ids are some 5 to 40 bytes: a byte-at-a-time
	 * hash was a chain of a multiply per byte), then a final mix so that
	 * linear probing sees spread bits. */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)len * 0xff51afd7ed558ccdULL);
	const char *end = key + len;
	uint64_t w;

	for (; end - key > 8; key += 8) {
		memcpy(&w, key, 8);
		h = strmap_round(h, w);
	}
	/* The last 1 to 8 bytes, in fixed-size loads (the length is in h):
	 * the last word overlaps the one before when the key is longer. */
	if (len >= 8)
		memcpy(&w, end - 8, 8);
	else if (len >= 4) {
		uint32_t a, b;

		memcpy(&a, key, 4);
		memcpy(&b, end - 4, 4);
		w = (uint64_t)a << 32 | b;
	} else if (len > 0)
		w = (uint64_t)(unsigned char)key[0] << 16 |
		    (uint64_t)(unsigned char)key[len / 2] << 8 | (unsigned char)end[-1];
	else
		w = 0;
	h = strmap_round(h, w);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h ? h : 1;
}

struct strmap *
strmap_new(void)
{
	struct strmap *map = xcalloc(1, sizeof *map);

	map->mask = 15;
	map->slots = xcalloc_huge((map->mask + 1) * sizeof *map->slots);
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
strmap_find(const struct strmap *map, const char *key, size_t len, uint64_t hash)
{
	size_t i = hash & map->mask;

	for (;;) {
		struct strmap_slot *slot = &map->slots[i];

		if (slot->hash == 0)
			return slot;
		if (slot->hash == hash && slot->len == len &&
		    memcmp(slot->key, key, len) == 0)
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
	map->slots = xcalloc_huge((map->mask + 1) * sizeof *map->slots);
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

void
strmap_prefetch(const struct strmap *map, const char *key)
{
	__builtin_prefetch(&map->slots[strmap_hash(key, strlen(key)) & map->mask]);
}

void *
strmap_get(const struct strmap *map, const char *key)
{
	size_t len = strlen(key);
	struct strmap_slot *slot = strmap_find(map, key, len, strmap_hash(key, len));

	return slot->hash ? slot->value : NULL;
}

const char *
strmap_put(struct strmap *map, const char *key, void *value)
{
	size_t len = strlen(key);
	uint64_t hash = strmap_hash(key, len);
	struct strmap_slot *slot;

	if ((map->count + 1) * 10 > (map->mask + 1) * 7)
		strmap_grow(map);
	slot = strmap_find(map, key, len, hash);
	if (slot->hash == 0) {
		slot->hash = hash;
		slot->len = len;
		slot->key = map->borrows ? (char *)key : xstrdup(key);
		map->count++;
	}
	slot->value = value;
	return slot->key;
}

void *
strmap_delete(struct strmap *map, const char *key)
{
	size_t len = strlen(key);
	struct strmap_slot *slot = strmap_find(map, key, len, strmap_hash(key, len));
	size_t i, j;
	void *value;

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
