/*
 * chunks.h: bytes that never move, taken from chunks and given back all at
 * once: the decoded strings of a batch of events handed to another thread
 * (daemon/ingest.c, daemon/replay-ahead.c). A pointer into a chunk stays
 * good until chunks_reset.
 */
#ifndef WALLBOARD_CHUNKS_H
#define WALLBOARD_CHUNKS_H

#include <stddef.h>

struct chunk;

struct chunks {
	struct chunk *head;
	size_t size;            /* a chunk's bytes; larger takes get their own */
};

/* `need` bytes (at least 1); *grew (if not NULL) gains what was allocated
 * for them, headers included. */
char *chunks_take(struct chunks *, size_t need, size_t *grew);
/* Give everything back: one chunk of the usual size is kept for reuse,
 * the rest freed (a burst of large items does not pin its memory). The
 * bytes still allocated, headers included. */
size_t chunks_reset(struct chunks *);
void chunks_free(struct chunks *);

#endif
