/*
 * u64map.h: a compact hash table from 64-bit keys to three 64-bit words,
 * stored inline (32 bytes an entry, no allocation per entry).
 *
 * For tables of hundreds of thousands of small records keyed by a string's
 * 64-bit hash (strmap_hash): the calls remembered for surveys, the callers
 * remembered for repeat contacts. Key 0 is reserved (strmap_hash never
 * returns it). Open addressing, linear probing, backward-shift deletion.
 */
#ifndef WALLBOARD_U64MAP_H
#define WALLBOARD_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct u64map_entry {
	uint64_t key;           /* 0: empty */
	uint64_t v[3];
};

struct u64map {
	struct u64map_entry *slots;
	size_t mask;
	size_t count;
};

/* Zero-initialise a struct u64map to use it; free with u64map_clear. */
void u64map_clear(struct u64map *);

/* Start loading the slot where key's lookup begins (a hint). */
void u64map_prefetch(const struct u64map *, uint64_t key);
/* The entry for key, or NULL. The pointer lives until the next insert or
 * delete. */
struct u64map_entry *u64map_get(const struct u64map *, uint64_t key);
/* The entry for key, made (values zero) if absent. */
struct u64map_entry *u64map_put(struct u64map *, uint64_t key);
void u64map_delete(struct u64map *, uint64_t key);

/* Delete every entry for which keep() returns 0. O(size). */
void u64map_filter(struct u64map *, int (*keep)(const struct u64map_entry *, void *),
    void *arg);

size_t u64map_memory(const struct u64map *);

#endif
