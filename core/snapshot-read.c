/*
 * snapshot-read.c: a snapshot document back into a struct (snapshot-read.h).
 *
 * Arrays grow and are reused from one read to the next; windows and agents'
 * queues come from pools, so a read allocates nothing once the sizes have
 * settled, beyond cJSON's own tree.
 */
#include "snapshot-read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "xalloc.h"

/* One parsed document and the arrays that point into it. */
struct snapshot_buffer {
	cJSON			*root;
	struct snapshot_view	 view;
	size_t			 cap_scopes, cap_agents, cap_alerts, cap_feeds;
	struct snapshot_window	*windows;	/* every scope's, in a row */
	size_t			 n_windows, cap_windows;
	const char		**queues;	/* every agent's, in a row */
	size_t			 n_queues, cap_queues;
	const char		**feeds;	/* every scope's, in a row */
	size_t			 n_feeds, cap_feeds_pool;
};

struct snapshot_reader {
	struct snapshot_buffer	 buffers[2];
	int			 current;	/* the good one; -1: none */
};

struct snapshot_reader *
snapshot_reader_new(void)
{
	struct snapshot_reader *r = xcalloc(1, sizeof *r);

	r->current = -1;
	return r;
}

static void
snapshot_buffer_free(struct snapshot_buffer *b)
{
	cJSON_Delete(b->root);
	free(b->view.scopes);
	free(b->view.agents);
	free(b->view.alerts);
	free(b->view.feeds);
	free(b->windows);
	free(b->queues);
	free(b->feeds);
}

void
snapshot_reader_free(struct snapshot_reader **rp)
{
	if (rp == NULL || *rp == NULL)
		return;
	snapshot_buffer_free(&(*rp)->buffers[0]);
	snapshot_buffer_free(&(*rp)->buffers[1]);
	free(*rp);
	*rp = NULL;
}

/* Room for n items in *array of *cap; grows by doubling. */
static void
snapshot_reserve(void *arrayp, size_t *cap, size_t n, size_t size)
{
	void **array = arrayp;

	if (n <= *cap)
		return;
	*cap = *cap ? *cap : 16;
	while (*cap < n)
		*cap *= 2;
	*array = xrealloc(*array, *cap * size);
}

/* ---- small readers ----------------------------------------------------- */

static const char *
snapshot_string(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* A JSON number as an integer; 0 for one no int64 can hold (a cast of such
 * a double is undefined). */
static int64_t
snapshot_to_int(double v)
{
	return v > -9.2e18 && v < 9.2e18 ? (int64_t)v : 0;
}

static int64_t
snapshot_int(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	return cJSON_IsNumber(item) ? snapshot_to_int(item->valuedouble) : 0;
}

static double
snapshot_double(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	return cJSON_IsNumber(item) ? item->valuedouble : 0;
}

static size_t
snapshot_count(const cJSON *item)
{
	size_t n = 0;

	for (const cJSON *c = item ? item->child : NULL; c; c = c->next)
		n++;
	return n;
}

/*
 * The strings of a JSON array appended to a pool (*pool of *n, room *cap);
 * returns where they start, as an offset: the pool may still move, so
 * pointers are made once it has stopped (snapshot_pool_pointer).
 */
static size_t
snapshot_pool_strings(const char ***pool, size_t *n, size_t *cap,
    const cJSON *array, size_t *count)
{
	size_t start = *n;

	snapshot_reserve(pool, cap, *n + snapshot_count(array), sizeof **pool);
	for (const cJSON *c = array->child; c; c = c->next)
		if (cJSON_IsString(c))
			(*pool)[(*n)++] = c->valuestring;
	*count = *n - start;
	return start;
}

static const char *const *
snapshot_pool_pointer(const char **pool, const void *offset)
{
	return pool == NULL ? NULL : pool + (size_t)(uintptr_t)offset;
}

/* ---- scopes ------------------------------------------------------------ */

/*
 * One window's figures. The daemon writes them in metric order, so the
 * metric at the same position is tried before a search by name.
 */
static void
snapshot_read_window(struct snapshot_window *w, const cJSON *object)
{
	const struct metric_info *info;
	int position = 0, id;

	w->name = object->string;
	for (int i = 0; i < M_WINDOWED_COUNT; i++)
		w->null[i] = true;
	for (const cJSON *c = object->child; c; c = c->next, position++) {
		if (position < M_WINDOWED_COUNT && strcmp(c->string,
		    metric_get((enum metric_id)position)->key) == 0)
			id = position;
		else if ((info = metric_find(c->string)) != NULL &&
		    info->windowed)
			id = (int)metric_id_of(info);
		else
			continue;
		if (cJSON_IsNumber(c)) {
			w->value[id] = c->valuedouble;
			w->null[id] = false;
		}
	}
}

static void
snapshot_read_now(struct snapshot_scope *s, const cJSON *now)
{
	const cJSON *waiting = cJSON_GetObjectItemCaseSensitive(now, "waiting");
	const cJSON *agents = cJSON_GetObjectItemCaseSensitive(now, "agents");

	s->waiting_known = cJSON_IsNumber(waiting);
	s->waiting = s->waiting_known ? snapshot_to_int(waiting->valuedouble) : 0;
	s->longest_wait_ms = snapshot_int(now, "longest_wait_ms");
	for (int k = 0; k < AGENT_STATE_COUNT; k++)
		s->agents[k] = snapshot_int(agents,
		    event_state_name((enum agent_state)k));
	s->agents[AGENT_STATE_COUNT] = snapshot_int(agents, "staffed");
}

/* "feeds", "stale", "last_event": what a board needs to say a scope's
 * figures are old. An older daemon's snapshot has none of them. */
static void
snapshot_read_freshness(struct snapshot_buffer *b, struct snapshot_scope *s,
    const cJSON *object)
{
	const cJSON *feeds = cJSON_GetObjectItemCaseSensitive(object, "feeds");
	const cJSON *stale = cJSON_GetObjectItemCaseSensitive(object, "stale");
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(object,
	    "last_event");

	if (cJSON_IsArray(feeds))
		s->feeds = (const char *const *)(uintptr_t)snapshot_pool_strings(
		    &b->feeds, &b->n_feeds, &b->cap_feeds_pool, feeds,
		    &s->n_feeds);
	s->has_stale = cJSON_IsBool(stale);
	s->stale = cJSON_IsTrue(stale);
	if (cJSON_IsNumber(last) && last->valuedouble > 0) {
		s->has_last_event = true;
		s->last_event = snapshot_to_int(last->valuedouble);
	}
}

/* "trend": every array as long as the first, at most 16; else none. */
static void
snapshot_read_trend(struct snapshot_trend *t, const cJSON *object)
{
	static const char *const keys[TREND_FIGURES] = { "service_level",
	    "offered", "asa_ms", "abandon_rate" };
	const cJSON *trend = cJSON_GetObjectItemCaseSensitive(object, "trend");
	const cJSON *a, *v;
	size_t n = SIZE_MAX, k;

	memset(t, 0, sizeof *t);
	if (!cJSON_IsObject(trend))
		return;
	for (int f = 0; f < TREND_FIGURES; f++) {
		a = cJSON_GetObjectItemCaseSensitive(trend, keys[f]);
		if (!cJSON_IsArray(a) || (n != SIZE_MAX &&
		    (size_t)cJSON_GetArraySize(a) != n) ||
		    cJSON_GetArraySize(a) > SNAPSHOT_TREND_MAX)
			return;
		n = (size_t)cJSON_GetArraySize(a);
		k = 0;
		cJSON_ArrayForEach(v, a) {
			t->null[f][k] = !cJSON_IsNumber(v);
			t->value[f][k++] = cJSON_IsNumber(v) ? v->valuedouble : 0;
		}
	}
	t->interval_ms = snapshot_int(trend, "interval_ms");
	t->end = snapshot_int(trend, "end");
	t->n = n;
}

/* Windows go into the pool; their pointers are set once it stops moving. */
static void
snapshot_read_scope(struct snapshot_buffer *b, struct snapshot_scope *s,
    const cJSON *object)
{
	const cJSON *windows = cJSON_GetObjectItemCaseSensitive(object,
	    "windows");
	size_t n;

	/* Windows are named members of an object: an array of them has no
	 * names to find them by, so it counts as none. */
	if (!cJSON_IsObject(windows))
		windows = NULL;
	n = snapshot_count(windows);

	memset(s, 0, sizeof *s);
	s->key = object->string;
	s->label = snapshot_string(object, "label");
	s->sl_target = snapshot_double(object, "sl_target");
	s->sl_threshold_ms = snapshot_int(object, "sl_threshold_ms");
	snapshot_read_now(s, cJSON_GetObjectItemCaseSensitive(object, "now"));
	snapshot_read_freshness(b, s, object);
	snapshot_read_trend(&s->trend, object);
	snapshot_reserve(&b->windows, &b->cap_windows, b->n_windows + n,
	    sizeof *b->windows);
	s->windows = (struct snapshot_window *)(uintptr_t)b->n_windows;
	for (const cJSON *w = windows ? windows->child : NULL; w; w = w->next)
		if (cJSON_IsObject(w))
			snapshot_read_window(&b->windows[b->n_windows++], w);
	s->n_windows = b->n_windows - (size_t)(uintptr_t)s->windows;
}

static void
snapshot_read_scopes(struct snapshot_buffer *b, const cJSON *scopes)
{
	struct snapshot_view *v = &b->view;

	if (!cJSON_IsObject(scopes))    /* scopes are named: an array has none */
		scopes = NULL;
	snapshot_reserve(&v->scopes, &b->cap_scopes, snapshot_count(scopes),
	    sizeof *v->scopes);
	b->n_windows = 0;
	b->n_feeds = 0;
	for (const cJSON *s = scopes ? scopes->child : NULL; s; s = s->next)
		if (cJSON_IsObject(s))
			snapshot_read_scope(b, &v->scopes[v->n_scopes++], s);
	for (size_t i = 0; i < v->n_scopes; i++) {
		v->scopes[i].windows = b->windows == NULL ? NULL : b->windows +
		    (size_t)(uintptr_t)v->scopes[i].windows;
		v->scopes[i].feeds = v->scopes[i].n_feeds == 0 ? NULL :
		    snapshot_pool_pointer(b->feeds, v->scopes[i].feeds);
	}
}

/* ---- agents, alerts, feeds, message ------------------------------------ */

static void
snapshot_read_agent(struct snapshot_buffer *b, struct snapshot_agent *a,
    const cJSON *object)
{
	const cJSON *queues = cJSON_GetObjectItemCaseSensitive(object, "queues");
	const char *state = snapshot_string(object, "state");
	const cJSON *stale = cJSON_GetObjectItemCaseSensitive(object, "stale");

	memset(a, 0, sizeof *a);
	a->id = snapshot_string(object, "id");
	a->name = snapshot_string(object, "name");
	a->team = snapshot_string(object, "team");
	a->reason = snapshot_string(object, "reason");
	if (state == NULL || !event_state_parse(state, &a->state))
		a->state = AGENT_OFFLINE;
	a->since = snapshot_int(object, "since");
	a->handled_today = snapshot_int(object, "handled_today");
	a->feed = snapshot_string(object, "feed");
	a->stale = cJSON_IsTrue(stale);
	if (!cJSON_IsArray(queues))
		return;
	a->has_queues = true;
	a->queues = (const char *const *)(uintptr_t)snapshot_pool_strings(
	    &b->queues, &b->n_queues, &b->cap_queues, queues, &a->n_queues);
}

static void
snapshot_read_agents(struct snapshot_buffer *b, const cJSON *agents)
{
	struct snapshot_view *v = &b->view;
	struct snapshot_agent *a;

	snapshot_reserve(&v->agents, &b->cap_agents, snapshot_count(agents),
	    sizeof *v->agents);
	b->n_queues = 0;
	for (const cJSON *o = agents ? agents->child : NULL; o; o = o->next) {
		a = &v->agents[v->n_agents];
		if (cJSON_IsObject(o)) {
			snapshot_read_agent(b, a, o);
			v->n_agents += a->id != NULL;
		}
	}
	/* The agents kept offsets into b->queues while it grew; now that it
	 * has stopped moving, make them pointers (none when it stayed empty). */
	for (size_t i = 0; i < v->n_agents; i++)
		if (v->agents[i].has_queues)
			v->agents[i].queues = snapshot_pool_pointer(b->queues,
			    v->agents[i].queues);
}

static void
snapshot_read_alert(struct snapshot_alert *a, const cJSON *object)
{
	const char *severity = snapshot_string(object, "severity");
	const char *state = snapshot_string(object, "state");

	memset(a, 0, sizeof *a);
	a->id = snapshot_string(object, "id");
	a->scope = snapshot_string(object, "scope");
	a->text = snapshot_string(object, "text");
	if (a->text == NULL)
		a->text = a->id ? a->id : "";
	a->acked_by = snapshot_string(object, "acked_by");
	a->severity = SEVERITY_WARNING;
	if (severity != NULL && strcmp(severity, "critical") == 0)
		a->severity = SEVERITY_CRITICAL;
	else if (severity != NULL && strcmp(severity, "info") == 0)
		a->severity = SEVERITY_INFO;
	a->state = SNAPSHOT_ALERT_FIRING;
	if (state != NULL && strcmp(state, "pending") == 0)
		a->state = SNAPSHOT_ALERT_PENDING;
	else if (state != NULL && strcmp(state, "resolved") == 0)
		a->state = SNAPSHOT_ALERT_RESOLVED;
	a->since = snapshot_int(object, "since");
	a->short_id = snapshot_int(object, "short_id");
	if (a->short_id < 1)
		a->short_id = 0;
}

static void
snapshot_read_alerts(struct snapshot_buffer *b, const cJSON *alerts)
{
	struct snapshot_view *v = &b->view;

	snapshot_reserve(&v->alerts, &b->cap_alerts, snapshot_count(alerts),
	    sizeof *v->alerts);
	for (const cJSON *o = alerts ? alerts->child : NULL; o; o = o->next)
		if (cJSON_IsObject(o))
			snapshot_read_alert(&v->alerts[v->n_alerts++], o);
}

static void
snapshot_read_feeds(struct snapshot_buffer *b, const cJSON *feeds)
{
	struct snapshot_view *v = &b->view;
	struct snapshot_feed *f;
	const char *state;

	snapshot_reserve(&v->feeds, &b->cap_feeds, snapshot_count(feeds),
	    sizeof *v->feeds);
	for (const cJSON *o = feeds ? feeds->child : NULL; o; o = o->next) {
		if (!cJSON_IsObject(o))
			continue;
		f = &v->feeds[v->n_feeds++];
		state = snapshot_string(o, "state");
		f->name = o->string;
		f->live = state != NULL && strcmp(state, "live") == 0;
		f->last_event = snapshot_int(o, "last_event");
	}
}

static void
snapshot_read_message(struct snapshot_view *v, const cJSON *message)
{
	v->message_text = snapshot_string(message, "text");
	v->has_message = cJSON_IsObject(message) && v->message_text != NULL &&
	    *v->message_text != '\0';
	v->message_from = snapshot_string(message, "from");
	v->message_until = snapshot_int(message, "until");
}

/* ---- the document ------------------------------------------------------ */

static bool
snapshot_fill(struct snapshot_buffer *b, const cJSON *root, char *err,
    size_t errlen)
{
	struct snapshot_view *v = &b->view;
	const cJSON *site = cJSON_GetObjectItemCaseSensitive(root, "site");

	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "a snapshot must be a JSON object");
		return false;
	}
	if (snapshot_int(root, "v") != 1 ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "now"))) {
		snprintf(err, errlen, "not a version 1 snapshot (\"v\": 1 and "
		    "\"now\" are required)");
		return false;
	}
	v->v = 1;
	v->seq = (uint64_t)snapshot_int(root, "seq");
	v->now = snapshot_int(root, "now");
	v->day_start = snapshot_int(root, "day_start");
	v->site_name = snapshot_string(site, "name");
	v->timezone = snapshot_string(site, "timezone");
	v->n_scopes = v->n_agents = v->n_alerts = v->n_feeds = 0;
	snapshot_read_scopes(b, cJSON_GetObjectItemCaseSensitive(root, "scopes"));
	snapshot_read_agents(b, cJSON_GetObjectItemCaseSensitive(root, "agents"));
	snapshot_read_alerts(b, cJSON_GetObjectItemCaseSensitive(root, "alerts"));
	snapshot_read_feeds(b, cJSON_GetObjectItemCaseSensitive(root, "feeds"));
	snapshot_read_message(v, cJSON_GetObjectItemCaseSensitive(root,
	    "message"));
	v->journal = snapshot_string(root, "journal");
	return true;
}

const struct snapshot_view *
snapshot_read(struct snapshot_reader *r, const char *json, size_t len,
    char *err, size_t errlen)
{
	int spare = r->current == 0 ? 1 : 0;
	struct snapshot_buffer *b = &r->buffers[spare];
	cJSON *root = cJSON_ParseWithLength(json, len);

	if (root == NULL) {
		snprintf(err, errlen, "not valid JSON");
		return NULL;
	}
	if (!snapshot_fill(b, root, err, errlen)) {
		cJSON_Delete(root);
		return NULL;
	}
	cJSON_Delete(b->root);
	b->root = root;
	r->current = spare;
	return &b->view;
}

const struct snapshot_view *
snapshot_reader_view(const struct snapshot_reader *r)
{
	return r->current < 0 ? NULL : &r->buffers[r->current].view;
}

const struct snapshot_scope *
snapshot_find_scope(const struct snapshot_view *v, const char *key)
{
	for (size_t i = 0; i < v->n_scopes; i++)
		if (strcmp(v->scopes[i].key, key) == 0)
			return &v->scopes[i];
	return NULL;
}

const struct snapshot_window *
snapshot_find_window(const struct snapshot_scope *s, const char *name)
{
	for (size_t i = 0; i < s->n_windows; i++)
		if (strcmp(s->windows[i].name, name) == 0)
			return &s->windows[i];
	return NULL;
}
