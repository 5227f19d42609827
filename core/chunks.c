/*
 * chunks.c: bytes that never move (see chunks.h).
 */
#include "chunks.h"

#include <stdlib.h>

#include "xalloc.h"

struct chunk {
	struct chunk *next;
	size_t cap, used;
	char bytes[];
};

char *
chunks_take(struct chunks *cs, size_t need, size_t *grew)
{
	struct chunk *c = cs->head;

	if (need == 0)
		need = 1;
	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > cs->size ? need : cs->size;

		c = xmalloc(sizeof *c + cap);
		if (grew != NULL)
			*grew += sizeof *c + cap;
		c->cap = cap;
		c->used = 0;
		c->next = cs->head;
		cs->head = c;
	}
	c->used += need;
	return c->bytes + c->used - need;
}

size_t
chunks_reset(struct chunks *cs)
{
	struct chunk *keep = NULL;

	while (cs->head != NULL) {
		struct chunk *c = cs->head;

		cs->head = c->next;
		if (keep == NULL && c->cap == cs->size)
			keep = c;
		else
			free(c);
	}
	if (keep == NULL)
		return 0;
	keep->used = 0;
	keep->next = NULL;
	cs->head = keep;
	return sizeof *keep + keep->cap;
}

void
chunks_free(struct chunks *cs)
{
	chunks_reset(cs);
	free(cs->head);
	cs->head = NULL;
}
