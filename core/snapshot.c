/*
 * snapshot.c: encoding the engine's state as the snapshot of PROTOCOL §3.
 */
#include "snapshot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "metric.h"
#include "xalloc.h"

static const char *const scope_kind_names[] = { "all", "queue", "team" };

static void
snapshot_feeds(struct jsonw *w, const struct engine *e)
{
	struct feed_info f;

	jsonw_object(w);
	for (size_t i = 0; i < engine_feed_count(e); i++) {
		engine_feed_info(e, i, &f);
		/* a feed only ever rejected has never been live */
		bool live = f.last_event > 0 && !engine_feed_stale(e, i);
		jsonw_key(w, f.name);
		jsonw_object(w);
		jsonw_key(w, "state"); jsonw_string(w, live ? "live" : "stale");
		jsonw_key(w, "last_event");
		if (f.last_event > 0) jsonw_int(w, f.last_event); else jsonw_null(w);
		jsonw_key(w, "events"); jsonw_int(w, f.events);
		jsonw_key(w, "gaps"); jsonw_int(w, f.gaps);
		jsonw_key(w, "rejected"); jsonw_int(w, f.rejected);
		jsonw_key(w, "duplicates"); jsonw_int(w, f.duplicates);
		jsonw_key(w, "restarts"); jsonw_int(w, f.restarts);
		jsonw_key(w, "orphans"); jsonw_int(w, f.orphans);
		jsonw_key(w, "ignored"); jsonw_int(w, f.ignored);
		jsonw_key(w, "lost"); jsonw_int(w, f.lost);
		jsonw_key(w, "refused"); jsonw_int(w, f.refused);
		jsonw_end_object(w);
	}
	jsonw_end_object(w);
}

static void
snapshot_now(struct jsonw *w, struct engine *e, size_t i)
{
	struct scope_now now;
	int64_t needed;

	engine_scope_now(e, i, &now);
	jsonw_key(w, "now");
	jsonw_object(w);
	jsonw_key(w, "waiting");
	if (now.waiting_known) jsonw_int(w, now.waiting); else jsonw_null(w);
	jsonw_key(w, "longest_wait_ms");
	if (now.waiting_known) jsonw_int(w, now.longest_wait_ms); else jsonw_null(w);
	jsonw_key(w, "agents");
	jsonw_object(w);
	for (int k = 0; k < AGENT_STATE_COUNT; k++) {
		jsonw_key(w, event_state_name((enum agent_state)k));
		jsonw_int(w, now.agents[k]);
	}
	jsonw_key(w, "staffed");
	jsonw_int(w, now.staffed);
	jsonw_end_object(w);
	jsonw_key(w, "agents_needed");
	if (engine_scope_agents_needed(e, i, &needed))
		jsonw_int(w, needed);
	else
		jsonw_null(w);
	jsonw_end_object(w);
}

static void
snapshot_figures(struct jsonw *w, const struct kpi_figures *f)
{
	jsonw_object(w);
	for (int id = 0; id < M_WINDOWED_COUNT; id++) {
		const struct metric_info *m = metric_get((enum metric_id)id);

		jsonw_key(w, m->key);
		if (f->null[id])
			jsonw_null(w);
		else if (m->kind == METRIC_RATIO || m->kind == METRIC_SCORE)
			jsonw_double(w, f->value[id]);
		else
			jsonw_int(w, (int64_t)f->value[id]);
	}
	jsonw_end_object(w);
}

/*
 * What scopes' figures rest on (docs/protocol.md §6.4): the feeds heard
 * from, for all and the scopes no event has named yet (worked out once a
 * snapshot), and room for one scope's own. At most SNAPSHOT_FEEDS_NAMED
 * names a scope, the longest silent first; feeds_count says how many.
 */
#define SNAPSHOT_FEEDS_NAMED 64

struct snapshot_feedset {
	size_t site[SNAPSHOT_FEEDS_NAMED], n_site_named, n_site;
	bool site_stale;
	size_t own[SNAPSHOT_FEEDS_NAMED];
};

static void
snapshot_feedset_init(struct snapshot_feedset *fs, const struct engine *e)
{
	fs->n_site_named = engine_heard_feeds(e, fs->site, SNAPSHOT_FEEDS_NAMED);
	fs->n_site = engine_feeds_heard(e);
	fs->site_stale = engine_feeds_stale_count(e) > 0;
}

/* A scope's feeds, whether any is stale, and the time of its newest event. */
static void
snapshot_scope_feeds(struct jsonw *w, const struct engine *e, size_t i,
    const struct scope_info *info, struct snapshot_feedset *fs)
{
	const size_t *idx = fs->site;
	size_t named = fs->n_site_named, n = fs->n_site;
	bool stale = fs->site_stale;
	struct feed_info f;

	if (!info->site_feeds) {
		idx = fs->own;
		n = named = engine_scope_feeds(e, i, fs->own,
		    SNAPSHOT_FEEDS_NAMED);
		stale = false;
		for (size_t k = 0; k < n; k++)
			stale |= engine_feed_stale(e, idx[k]);
	}
	jsonw_key(w, "feeds");
	jsonw_array(w);
	for (size_t k = 0; k < named; k++) {
		engine_feed_info(e, idx[k], &f);
		jsonw_string(w, f.name);
	}
	jsonw_end_array(w);
	jsonw_key(w, "feeds_count"); jsonw_int(w, (int64_t)n);
	jsonw_key(w, "stale"); jsonw_bool(w, stale);
	jsonw_key(w, "last_event");
	if (info->last_event > 0) jsonw_int(w, info->last_event); else jsonw_null(w);
}

static void snapshot_trend(struct jsonw *, struct engine *, size_t);

static void
snapshot_scope(struct jsonw *w, struct engine *e, size_t i,
    struct snapshot_feedset *fs)
{
	const struct config *c = engine_config(e);
	struct scope_info info;
	struct kpi_figures f;

	engine_scope_info(e, i, &info);
	jsonw_key(w, info.key);
	jsonw_object(w);
	jsonw_key(w, "label"); jsonw_string(w, info.label);
	jsonw_key(w, "kind"); jsonw_string(w, scope_kind_names[info.kind]);
	jsonw_key(w, "sl_threshold_ms"); jsonw_int(w, info.settings->sl_threshold_ms);
	jsonw_key(w, "sl_target"); jsonw_double(w, info.settings->sl_target);
	jsonw_key(w, "sl_formula");
	jsonw_string(w, config_sl_formula_name(info.settings->sl_formula));
	snapshot_now(w, e, i);
	snapshot_scope_feeds(w, e, i, &info, fs);
	jsonw_key(w, "windows");
	jsonw_object(w);
	for (size_t k = 0; k <= c->n_windows; k++) {
		jsonw_key(w, k < c->n_windows ? c->windows[k].name : "today");
		engine_scope_figures(e, i, k, &f);
		snapshot_figures(w, &f);
	}
	jsonw_end_object(w);
	snapshot_trend(w, e, i);
	jsonw_end_object(w);
}

/* The trend's figures (docs/protocol.md §6.14), in key order. */
static const enum metric_id snapshot_trend_ids[] = {
	M_SERVICE_LEVEL, M_OFFERED, M_ASA_MS, M_ABANDON_RATE,
};

/* One trend array: a share to 4 decimals (the size budget), the rest
 * whole; null where the interval has no figure or was not kept. */
static void
snapshot_trend_array(struct jsonw *w, const struct kpi_figures *f,
    const bool *kept, size_t n, enum metric_id id)
{
	jsonw_key(w, metric_get(id)->key);
	jsonw_array(w);
	for (size_t k = 0; k < n; k++) {
		if (!kept[k] || f[k].null[id])
			jsonw_null(w);
		else if (metric_get(id)->kind == METRIC_RATIO)
			jsonw_double(w, round(f[k].value[id] * 1e4) / 1e4);
		else
			jsonw_int(w, (int64_t)f[k].value[id]);
	}
	jsonw_end_array(w);
}

/*
 * "trend": the day's last complete intervals of history.interval, oldest
 * first, at most history.trend_points; none before the first one ends.
 * O(points): the sums of each are the history's, added up.
 */
static void
snapshot_trend(struct jsonw *w, struct engine *e, size_t i)
{
	const struct config *c = engine_config(e);
	const struct history *h = engine_history(e);
	int64_t len = config_history_interval_ms(c), ds = history_day_start(h);
	int64_t last = history_last_end(h), end, first;
	struct kpi_figures f[16];
	struct kpi_sums sums;
	bool kept[16];
	size_t n = 0;

	if (last <= ds)
		return;
	end = ds + (last - ds) / len * len;
	first = end - ((int64_t)c->history_trend_points - 1) * len;
	if (first < ds + len)
		first = ds + len;
	/* From the first interval kept for the scope (the daemon started,
	 * or the scope was first named, later in the day). */
	while (first <= end && !history_sums(h, i, first, len, &sums))
		first += len;
	if (end < first)
		return;
	for (int64_t t = first; t <= end && n < 16; t += len, n++) {
		kept[n] = history_sums(h, i, t, len, &sums);
		engine_scope_figures_of(e, i, &sums, &f[n]);
	}
	jsonw_key(w, "trend");
	jsonw_object(w);
	jsonw_key(w, "interval_ms"); jsonw_int(w, len);
	jsonw_key(w, "end"); jsonw_int(w, end);
	for (size_t k = 0; k < sizeof snapshot_trend_ids /
	    sizeof snapshot_trend_ids[0]; k++)
		snapshot_trend_array(w, f, kept, n, snapshot_trend_ids[k]);
	jsonw_end_object(w);
}

static bool
snapshot_any(const struct engine *e, size_t agent, const char *key,
    char *const *patterns, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (agent != SIZE_MAX ? engine_agent_matches(e, agent, patterns[k]) :
		    config_scope_match(patterns[k], key))
			return true;
	return false;
}

static void
snapshot_agents(struct jsonw *w, const struct engine *e,
    const struct snapshot_filter *filter)
{
	struct agent_info a;
	struct feed_info f;

	jsonw_key(w, "agents");
	jsonw_array(w);
	for (size_t i = 0; i < engine_agent_count(e); i++) {
		if (filter && !snapshot_any(e, i, NULL, filter->agents, filter->n_agents))
			continue;
		engine_agent_info(e, i, &a);
		jsonw_object(w);
		jsonw_key(w, "id"); jsonw_string(w, a.id);
		jsonw_key(w, "name"); jsonw_string(w, a.name);
		jsonw_key(w, "team"); jsonw_string(w, a.team);
		jsonw_key(w, "state"); jsonw_string(w, event_state_name(a.state));
		jsonw_key(w, "since"); jsonw_int(w, a.since);
		jsonw_key(w, "reason"); jsonw_string(w, a.reason);
		jsonw_key(w, "handled_today"); jsonw_int(w, a.handled_today);
		jsonw_key(w, "queues");
		jsonw_array(w);
		for (size_t k = 0; k < a.n_queues; k++)
			jsonw_string(w, engine_agent_queue(e, i, k));
		jsonw_end_array(w);
		jsonw_key(w, "feed");
		if (a.feed >= 0) {
			engine_feed_info(e, (size_t)a.feed, &f);
			jsonw_string(w, f.name);
		} else
			jsonw_null(w);
		jsonw_key(w, "stale");
		jsonw_bool(w, a.feed >= 0 && engine_feed_stale(e, (size_t)a.feed));
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static void
snapshot_raw(struct jsonw *w, const char *key, const char *json, const char *empty)
{
	jsonw_key(w, key);
	if (json == NULL)
		json = empty;
	jsonw_raw(w, json, strlen(json));
}

void
snapshot_write_feeds(struct jsonw *w, const struct engine *e)
{
	jsonw_reset(w);
	snapshot_feeds(w, e);
}

void
snapshot_write(struct jsonw *w, struct engine *e, const struct snapshot_meta *meta)
{
	snapshot_write_filtered(w, e, meta, NULL);
}

void
snapshot_write_filtered(struct jsonw *w, struct engine *e,
    const struct snapshot_meta *meta, const struct snapshot_filter *filter)
{
	struct scope_info info;
	struct snapshot_feedset fs;

	const struct config *c = engine_config(e);

	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "v"); jsonw_int(w, SNAPSHOT_VERSION);
	jsonw_key(w, "seq"); jsonw_int(w, (int64_t)meta->seq);
	jsonw_key(w, "now"); jsonw_int(w, engine_now(e));
	jsonw_key(w, "day_start"); jsonw_int(w, engine_day_start(e));
	jsonw_key(w, "site");
	jsonw_object(w);
	jsonw_key(w, "name"); jsonw_string(w, c->site_name);
	jsonw_key(w, "timezone"); jsonw_string(w, c->timezone);
	jsonw_end_object(w);
	jsonw_key(w, "windows");
	jsonw_array(w);
	for (size_t k = 0; k < c->n_windows; k++)
		jsonw_string(w, c->windows[k].name);
	jsonw_string(w, "today");
	jsonw_end_array(w);
	if (meta->feeds_json != NULL)
		snapshot_raw(w, "feeds", meta->feeds_json, "{}");
	else {
		jsonw_key(w, "feeds");
		snapshot_feeds(w, e);
	}
	jsonw_key(w, "scopes");
	jsonw_object(w);
	snapshot_feedset_init(&fs, e);
	for (size_t i = 0; i < engine_scope_count(e); i++) {
		engine_scope_info(e, i, &info);
		if (filter && !snapshot_any(e, SIZE_MAX, info.key, filter->scopes,
		    filter->n_scopes))
			continue;
		snapshot_scope(w, e, i, &fs);
	}
		jsonw_end_object(w);
	snapshot_agents(w, e, filter);
	snapshot_raw(w, "alerts", meta->alerts_json, "[]");
	snapshot_raw(w, "message", meta->message_json, "null");
	if (meta->journal != NULL) {
		jsonw_key(w, "journal"); jsonw_string(w, meta->journal);
	}
	if (meta->stream != NULL) {
		jsonw_key(w, "stream"); jsonw_string(w, meta->stream);
	}
	jsonw_end_object(w);
}
