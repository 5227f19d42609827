/*
 * snapshot.h: the board state as one JSON document (PROTOCOL §3).
 *
 * This file owns the snapshot's format and version ("v": 1). The engine
 * gives the figures; the daemon adds what it alone knows (the snapshot's
 * sequence number, alerts, the team leader's message) as ready JSON.
 */
#ifndef WALLBOARD_SNAPSHOT_H
#define WALLBOARD_SNAPSHOT_H

#include <stdint.h>

#include "engine.h"
#include "jsonw.h"

#define SNAPSHOT_VERSION 1

struct snapshot_meta {
	uint64_t seq;
	const char *alerts_json;   /* a JSON array; NULL writes [] */
	const char *message_json;  /* a JSON object; NULL writes null */
	const char *journal;       /* "ok", "failing", "damaged"; NULL: not
	                            * written (--replay has none) */
	const char *feeds_json;    /* the feeds object, from
	                            * snapshot_write_feeds; NULL: written here */
	const char *stream;        /* ingest.nats: "live", "catching up" (the
	                            * clock holds; docs/nats.md); NULL: not
	                            * written */
};

/* Which scopes and agents a board's snapshot carries (engine.h patterns). */
struct snapshot_filter {
	char *const *scopes;
	size_t n_scopes;
	char *const *agents;
	size_t n_agents;
};

/* Write the snapshot of the engine as of its clock into w (reset first);
 * with a filter, only the scopes and agents it names (a board's topic). */
void snapshot_write(struct jsonw *w, struct engine *e, const struct snapshot_meta *meta);
/* The snapshot's feeds object alone (reset first): it changes only when
 * engine_feed_changes does, so a caller may keep it (snapshot_meta). */
void snapshot_write_feeds(struct jsonw *w, const struct engine *e);
void snapshot_write_filtered(struct jsonw *w, struct engine *e,
    const struct snapshot_meta *meta, const struct snapshot_filter *filter);

#endif
