/*
 * strmap.h: a string-keyed hash map (open addressing, linear probing,
 * backward-shift deletion, so no tombstones build up under call churn).
 *
 * The map copies keys; values are the caller's pointers, never freed here.
 */
#ifndef WALLBOARD_STRMAP_H
#define WALLBOARD_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
/* A map that keeps the caller's key pointers instead of copies: each key
 * must live, unchanged, until its entry is deleted (a key stored inside its
 * value, say, which a lookup then finds in the cache line it reads next).
 * A put on a key already there keeps the first pointer. */
struct strmap *strmap_new_borrowing(void);
/* Free the map and its key copies (not the values); clears *map. NULL ok. */
void strmap_free(struct strmap **map);

/* Start loading the slot where key's lookup begins (a hint; nothing
 * changes): for a caller with other work to do before the lookup, in a map
 * too big for the cache. */
void strmap_prefetch(const struct strmap *, const char *key);
/* The value stored under key, or NULL. */
void *strmap_get(const struct strmap *, const char *key);
/* Store value under key (replacing any); returns the map's own copy of key,
 * which lives until the entry is deleted. */
const char *strmap_put(struct strmap *, const char *key, void *value);
/* Remove key; returns the value it had, or NULL. */
void *strmap_delete(struct strmap *, const char *key);
size_t strmap_count(const struct strmap *);

/* Iterate: start with *pos = 0; returns false at the end. Do not modify the
 * map while iterating. */
int strmap_next(const struct strmap *, size_t *pos, const char **key, void **value);

/* The hash the map uses (64-bit), exposed for compact keyed tables. */
uint64_t strmap_hash(const char *key, size_t len);

#endif
