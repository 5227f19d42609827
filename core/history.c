/*
 * history.c: the day's intervals, kept as 15-minute sums per scope.
 *
 * Layout: for each scope, HISTORY_MAX_BASE slots, slot k holding the
 * 15-minute window at day_start + (k + 1) * 15m, and a bitmap of the slots
 * recorded. A slot's struct kpi_sums (28 numbers, 224 bytes) is kept packed
 * in the scope's byte string: a 32-bit mask of the fields that are not 0,
 * then each of those as a zigzag varint. Most are 0 or small, so a slot
 * takes some 30-70 bytes. The day's slots, every scope's, are appended to
 * 64 KiB chunks as they come (nothing moves, nothing is left over but the
 * end of a chunk): a 1,000-queue floor's day is ~7 MiB, not ~25. A 30- or 60-minute interval adds its parts: every
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
	uint32_t at[HISTORY_MAX_BASE];  /* slot k's bytes in the day's chunks:
	                                 * chunk at >> 16, from at & 0xffff */
};

#define HISTORY_CHUNK 65536

/* The fields of struct kpi_sums, in the packed order. */
#define HISTORY_FIELDS (KS_COUNT + KT_COUNT + 1)
_Static_assert(HISTORY_FIELDS <= 32, "a slot's mask has a bit for each field");

static int64_t *
history_field(struct kpi_sums *s, size_t f)
{
	return f < KS_COUNT ? &s->n[f] : f < KS_COUNT + KT_COUNT ?
	    &s->time_ms[f - KS_COUNT] : &s->max_wait_ms;
}

/* Pack n (at most 32) numbers into out (at most 4 + 10 * n bytes): a mask
 * of those not 0, then each as a zigzag varint; its length. */
static size_t
history_pack(const int64_t *v, size_t nv, uint8_t *out)
{
	uint32_t mask = 0;
	size_t n = 4;

	for (size_t f = 0; f < nv; f++) {
		uint64_t z = ((uint64_t)v[f] << 1) ^ (uint64_t)(v[f] >> 63);

		if (z == 0)
			continue;
		mask |= 1u << f;
		while (z >= 0x80) {
			out[n++] = (uint8_t)(z | 0x80);
			z >>= 7;
		}
		out[n++] = (uint8_t)z;
	}
	memcpy(out, &mask, 4);
	return n;
}

static void
history_unpack(const uint8_t *in, int64_t *v, size_t nv)
{
	uint32_t mask;

	memcpy(&mask, in, 4);
	in += 4;
	memset(v, 0, nv * sizeof *v);
	for (size_t f = 0; f < nv; f++) {
		uint64_t z = 0;

		if (!(mask & (1u << f)))
			continue;
		for (int shift = 0;; shift += 7) {
			z |= (uint64_t)(*in & 0x7f) << shift;
			if (!(*in++ & 0x80))
				break;
		}
		v[f] = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	}
}

/* One local day's slots. */
struct history_span {
	int64_t start, end;
	int64_t last_end;
	struct history_scope **scopes;
	size_t n_scopes;
	struct history_scope **agents;  /* agents' slots (HA_COUNT numbers),
	                                 * by the engine's agent index */
	size_t n_agents;
	uint8_t **chunks;       /* the packed slots, HISTORY_CHUNK bytes each */
	size_t n_chunks;
	uint32_t used;          /* bytes used in the last chunk */
	/* the day's abandoned calls, oldest first, at most abandon_max */
	struct history_abandon *abandons;
	size_t n_abandons, cap_abandons;
	uint64_t abandons_dropped;
	size_t abandon_bytes;   /* the call ids' copies */
};

/* Today, and the day before when it came just before (so a report asked
 * for just after midnight still finds the day that ended). */
struct history {
	struct history_span day[2];
	size_t abandon_max;
	uint64_t abandons_dropped;      /* since the start, every day */
};

struct history *
history_new(int64_t day_start, int64_t day_end)
{
	struct history *h = xcalloc(1, sizeof *h);

	h->day[0].start = day_start;
	h->day[0].end = day_end;
	return h;
}

static void
history_abandons_clear(struct history_span *d)
{
	for (size_t i = 0; i < d->n_abandons; i++)
		free(d->abandons[i].call);
	d->n_abandons = 0;
	d->abandons_dropped = 0;
	d->abandon_bytes = 0;
}

static void
history_span_release(struct history_span *d)
{
	for (size_t i = 0; i < d->n_scopes; i++)
		free(d->scopes[i]);
	free(d->scopes);
	for (size_t i = 0; i < d->n_agents; i++)
		free(d->agents[i]);
	free(d->agents);
	for (size_t i = 0; i < d->n_chunks; i++)
		free(d->chunks[i]);
	free(d->chunks);
	history_abandons_clear(d);
	free(d->abandons);
	memset(d, 0, sizeof *d);
}

static void
history_span_clear(struct history_span *d, int64_t start, int64_t end)
{
	for (size_t i = 0; i < d->n_scopes; i++)
		if (d->scopes[i] != NULL)
			memset(d->scopes[i]->recorded, 0,
			    sizeof d->scopes[i]->recorded);
	for (size_t i = 0; i < d->n_agents; i++)
		if (d->agents[i] != NULL)
			memset(d->agents[i]->recorded, 0,
			    sizeof d->agents[i]->recorded);
	for (size_t i = 0; i < d->n_chunks; i++)
		free(d->chunks[i]);
	free(d->chunks);
	d->chunks = NULL;
	d->n_chunks = 0;
	d->used = 0;
	history_abandons_clear(d);
	d->start = start;
	d->end = end;
	d->last_end = 0;
}

void
history_free(struct history **hp)
{
	struct history *h = hp ? *hp : NULL;

	if (h == NULL)
		return;
	history_span_release(&h->day[0]);
	history_span_release(&h->day[1]);
	free(h);
	*hp = NULL;
}

void
history_day(struct history *h, int64_t day_start, int64_t day_end)
{
	struct history_span keep;

	if (day_start == h->day[0].start)
		return;
	if (day_start == h->day[0].end) {
		keep = h->day[1];
		h->day[1] = h->day[0];
		h->day[0] = keep;
	} else
		history_span_clear(&h->day[1], 0, 0);
	history_span_clear(&h->day[0], day_start, day_end);
}

int64_t history_day_start(const struct history *h) { return h->day[0].start; }
int64_t history_day_end(const struct history *h) { return h->day[0].end; }
int64_t history_last_end(const struct history *h) { return h->day[0].last_end; }

bool
history_day_of(const struct history *h, int64_t t, int64_t *start,
    int64_t *end)
{
	for (int k = 0; k < 2; k++)
		if (h->day[k].start <= t && t < h->day[k].end) {
			*start = h->day[k].start;
			*end = h->day[k].end;
			return true;
		}
	return false;
}

/* The span holding the base interval ending at end, and its slot; NULL. */
static struct history_span *
history_slot(const struct history *h, int64_t end, long *slot)
{
	for (int k = 0; k < 2; k++) {
		const struct history_span *d = &h->day[k];
		int64_t off = end - d->start;

		if (off <= 0 || end > d->end || off % HISTORY_BASE_MS != 0 ||
		    off / HISTORY_BASE_MS > HISTORY_MAX_BASE)
			continue;
		*slot = (long)(off / HISTORY_BASE_MS) - 1;
		return (struct history_span *)(uintptr_t)d;
	}
	return NULL;
}

/* Keep numbers v[0..nv) as slot `end` of entry i of a space (scopes or
 * agents), which grows as entries are named. */
static void
history_put(struct history *h, bool agents, size_t i, int64_t end,
    const int64_t *v, size_t nv)
{
	long k;
	struct history_span *d = history_slot(h, end, &k);
	struct history_scope *s, ***space;
	uint8_t packed[4 + 10 * 32];
	size_t n, *count;

	if (d == NULL)
		return;
	space = agents ? &d->agents : &d->scopes;
	count = agents ? &d->n_agents : &d->n_scopes;
	if (i >= *count) {
		*space = xrealloc(*space, (i + 1) * sizeof **space);
		memset(*space + *count, 0, (i + 1 - *count) * sizeof **space);
		*count = i + 1;
	}
	if ((*space)[i] == NULL)
		(*space)[i] = xcalloc(1, sizeof *(*space)[i]);
	s = (*space)[i];
	n = history_pack(v, nv, packed);
	/* Appended: a slot recorded again (not done today) leaves its old
	 * bytes behind until the day is cleared. */
	if (d->n_chunks == 0 || d->used + n > HISTORY_CHUNK) {
		d->chunks = xrealloc(d->chunks, (d->n_chunks + 1) *
		    sizeof *d->chunks);
		d->chunks[d->n_chunks++] = xmalloc(HISTORY_CHUNK);
		d->used = 0;
	}
	memcpy(d->chunks[d->n_chunks - 1] + d->used, packed, n);
	s->at[k] = (uint32_t)(d->n_chunks - 1) << 16 | d->used;
	d->used += (uint32_t)n;
	s->recorded[k / 64] |= 1ULL << (k % 64);
	if (end > d->last_end)
		d->last_end = end;
}

void
history_record(struct history *h, size_t scope, int64_t end,
    const struct kpi_sums *sums)
{
	int64_t v[HISTORY_FIELDS];
	struct kpi_sums s = *sums;

	for (size_t f = 0; f < HISTORY_FIELDS; f++)
		v[f] = *history_field(&s, f);
	history_put(h, false, scope, end, v, HISTORY_FIELDS);
}

void
history_record_agent(struct history *h, size_t agent, int64_t end,
    const int64_t v[HA_COUNT])
{
	history_put(h, true, agent, end, v, HA_COUNT);
}

/* Slot `end` of entry i of a space in the day holding it, into v. */
static bool
history_get(const struct history *h, bool agents, size_t i, int64_t end,
    int64_t *v, size_t nv)
{
	long k;
	const struct history_span *d = history_slot(h, end, &k);
	const struct history_scope *s;

	if (d == NULL || i >= (agents ? d->n_agents : d->n_scopes) ||
	    (s = (agents ? d->agents : d->scopes)[i]) == NULL ||
	    !(s->recorded[k / 64] & (1ULL << (k % 64))))
		return false;
	history_unpack(d->chunks[s->at[k] >> 16] + (s->at[k] & 0xffff), v, nv);
	return true;
}

bool
history_agent_sums(const struct history *h, size_t agent, int64_t end,
    int64_t length, int64_t out[HA_COUNT])
{
	int64_t v[HA_COUNT];
	bool any = false;

	memset(out, 0, HA_COUNT * sizeof *out);
	for (int64_t part = end - length + HISTORY_BASE_MS; part <= end;
	    part += HISTORY_BASE_MS) {
		if (!history_get(h, true, agent, part, v, HA_COUNT))
			continue;
		for (size_t f = 0; f < HA_COUNT; f++)
			out[f] += v[f];
		any = true;
	}
	return any;
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
	memset(out, 0, sizeof *out);
	out->max_wait_ms = -1;
	if (!history_length_ok(length))
		return false;
	return history_sums_span(h, scope, end, length, out);
}

bool
history_sums_span(const struct history *h, size_t scope, int64_t end,
    int64_t length, struct kpi_sums *out)
{
	struct kpi_sums sums;
	int64_t v[HISTORY_FIELDS];
	bool any = false;

	memset(out, 0, sizeof *out);
	out->max_wait_ms = -1;
	for (int64_t part = end - length + HISTORY_BASE_MS; part <= end;
	    part += HISTORY_BASE_MS) {
		if (!history_get(h, false, scope, part, v, HISTORY_FIELDS))
			continue;
		for (size_t f = 0; f < HISTORY_FIELDS; f++)
			*history_field(&sums, f) = v[f];
		history_add(out, &sums);
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

void
history_set_abandon_max(struct history *h, size_t max)
{
	h->abandon_max = max;
}

void
history_abandon(struct history *h, int64_t ts, size_t scope, int64_t wait_ms,
    const char *call, uint64_t caller, bool short_abandon)
{
	struct history_span *d = &h->day[0];
	struct history_abandon *a;

	if (h->day[1].start <= ts && ts < h->day[1].end)
		d = &h->day[1];
	if (d->n_abandons >= h->abandon_max) {
		d->abandons_dropped++;
		h->abandons_dropped++;
		return;
	}
	if (d->n_abandons == d->cap_abandons) {
		d->cap_abandons = d->cap_abandons ? 2 * d->cap_abandons : 64;
		d->abandons = xrealloc(d->abandons,
		    d->cap_abandons * sizeof *d->abandons);
	}
	a = &d->abandons[d->n_abandons++];
	a->ts = ts;
	a->wait_ms = wait_ms;
	a->caller = caller;
	a->scope = scope;
	a->short_abandon = short_abandon;
	a->call = xstrdup(call);
	d->abandon_bytes += strlen(call) + 1;
}

const struct history_abandon *
history_abandons(const struct history *h, int64_t t, size_t *n,
    uint64_t *dropped)
{
	for (int k = 0; k < 2; k++)
		if (h->day[k].start <= t && t < h->day[k].end) {
			*n = h->day[k].n_abandons;
			*dropped = h->day[k].abandons_dropped;
			return h->day[k].abandons;
		}
	*n = 0;
	*dropped = 0;
	return NULL;
}

uint64_t
history_abandons_dropped(const struct history *h)
{
	return h->abandons_dropped;
}

size_t
history_memory(const struct history *h)
{
	size_t n = sizeof *h;

	for (int k = 0; k < 2; k++) {
		n += h->day[k].cap_abandons * sizeof *h->day[k].abandons +
		    h->day[k].abandon_bytes;
		n += h->day[k].n_scopes * sizeof *h->day[k].scopes;
		for (size_t i = 0; i < h->day[k].n_scopes; i++)
			if (h->day[k].scopes[i] != NULL)
				n += sizeof *h->day[k].scopes[i];
		n += h->day[k].n_agents * sizeof *h->day[k].agents;
		for (size_t i = 0; i < h->day[k].n_agents; i++)
			if (h->day[k].agents[i] != NULL)
				n += sizeof *h->day[k].agents[i];
		n += h->day[k].n_chunks * (HISTORY_CHUNK + sizeof(uint8_t *));
	}
	return n;
}
