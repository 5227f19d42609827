/*
 * bridge-agents.c: per-queue pauses, memberships and device state folded
 * into one board state per agent.
 */
#include "bridge-agents.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

#define ALL_QUEUES "*"

struct bridge_agent {
	char *name;
	struct bridge_names queues;     /* memberships seen */
	struct bridge_names paused;     /* queues paused in; "*" for all */
	char *reason;                   /* of the latest pause */
	bool queues_known;              /* membership seen: send queues */
	bool unavailable;
	int calls;                      /* conversations in progress */
	const char *sent;               /* board state last sent (or implied) */
	bool dirty;                     /* name or queues changed since */
};

struct bridge_agents {
	struct bridge_out *out;
	struct strmap *map;
};

struct bridge_agents *
bridge_agents_new(struct bridge_out *out)
{
	struct bridge_agents *tab = xcalloc(1, sizeof *tab);

	tab->out = out;
	tab->map = strmap_new();
	return tab;
}

static void
bridge_agents_free_one(struct bridge_agent *a)
{
	free(a->name);
	free(a->reason);
	bridge_names_clear(&a->queues);
	bridge_names_clear(&a->paused);
	free(a);
}

void
bridge_agents_clear(struct bridge_agents *tab)
{
	size_t pos = 0;
	const char *key;
	void *value;

	while (strmap_next(tab->map, &pos, &key, &value))
		bridge_agents_free_one(value);
	strmap_free(&tab->map);
	tab->map = strmap_new();
}

void
bridge_agents_free(struct bridge_agents **tabp)
{
	struct bridge_agents *tab = *tabp;

	if (tab == NULL)
		return;
	bridge_agents_clear(tab);
	strmap_free(&tab->map);
	free(tab);
	*tabp = NULL;
}

size_t
bridge_agents_count(const struct bridge_agents *tab)
{
	return strmap_count(tab->map);
}

static struct bridge_agent *
bridge_agents_get(struct bridge_agents *tab, const char *id)
{
	struct bridge_agent *a = strmap_get(tab->map, id);

	if (a == NULL) {
		a = xcalloc(1, sizeof *a);
		strmap_put(tab->map, id, a);
	}
	return a;
}

static const char *
bridge_agents_wanted(const struct bridge_agent *a)
{
	if (a->unavailable || (a->queues_known && a->queues.n == 0))
		return "offline";
	if (a->paused.n > 0)
		return "away";
	return "ready";
}

/* Send the agent's state if it changed; an agent on a call waits for
 * call.ended, except to go offline. */
static void
bridge_agents_sync(struct bridge_agents *tab, int64_t ts, const char *id,
    struct bridge_agent *a)
{
	const char *want = bridge_agents_wanted(a);

	if (a->calls > 0 && strcmp(want, "offline") != 0)
		return;
	if (a->sent != NULL && strcmp(a->sent, want) == 0 && !a->dirty)
		return;
	bridge_out_agent(tab->out, ts, id, want,
	    strcmp(want, "away") == 0 ? a->reason : NULL, a->name,
	    a->queues_known ? (const char *const *)a->queues.v : NULL,
	    a->queues.n);
	a->sent = want;
	a->dirty = false;
}

void
bridge_agents_set_name(struct bridge_agents *tab, const char *id, const char *name)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	if (name == NULL || *name == '\0' || strcmp(name, id) == 0)
		return;
	if (a->name != NULL && strcmp(a->name, name) == 0)
		return;
	free(a->name);
	a->name = xstrdup(name);
}

static void
bridge_agents_apply_pause(struct bridge_agent *a, const char *queue,
    bool paused, const char *reason)
{
	if (paused) {
		bridge_names_add(&a->paused, queue != NULL ? queue : ALL_QUEUES);
		if (reason != NULL && *reason != '\0') {
			free(a->reason);
			a->reason = xstrdup(reason);
		}
	} else if (queue == NULL)
		bridge_names_clear(&a->paused);
	else
		bridge_names_remove(&a->paused, queue);
	if (a->paused.n == 0) {
		free(a->reason);
		a->reason = NULL;
	}
}

void
bridge_agents_pause(struct bridge_agents *tab, int64_t ts, const char *id,
    const char *queue, bool paused, const char *reason)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	bridge_agents_apply_pause(a, queue, paused, reason);
	bridge_agents_sync(tab, ts, id, a);
}

static void
bridge_agents_apply_member(struct bridge_agent *a, const char *queue,
    bool member)
{
	bool changed;

	changed = member ? bridge_names_add(&a->queues, queue) :
	    bridge_names_remove(&a->queues, queue);
	if (!member)
		bridge_names_remove(&a->paused, queue);
	if (changed || !a->queues_known)
		a->dirty = true;
	a->queues_known = true;
}

void
bridge_agents_member(struct bridge_agents *tab, int64_t ts, const char *id,
    const char *queue, bool member)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	bridge_agents_apply_member(a, queue, member);
	bridge_agents_sync(tab, ts, id, a);
}

void
bridge_agents_member_state(struct bridge_agents *tab, int64_t ts,
    const char *id, const char *queue, bool paused, const char *reason,
    bool available)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	bridge_agents_apply_member(a, queue, true);
	bridge_agents_apply_pause(a, queue, paused, reason);
	a->unavailable = !available;
	bridge_agents_sync(tab, ts, id, a);
}

void
bridge_agents_available(struct bridge_agents *tab, int64_t ts, const char *id,
    bool available)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	a->unavailable = !available;
	bridge_agents_sync(tab, ts, id, a);
}

void
bridge_agents_call_start(struct bridge_agents *tab, const char *id)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	a->calls++;
	a->sent = "busy";
}

/* call.ended makes a busy agent ready on the board by itself: only a
 * different held state needs sending. */
void
bridge_agents_call_end(struct bridge_agents *tab, int64_t ts, const char *id)
{
	struct bridge_agent *a = bridge_agents_get(tab, id);

	if (a->calls > 0)
		a->calls--;
	if (a->calls > 0)
		return;
	if (a->sent != NULL && strcmp(a->sent, "busy") == 0)
		a->sent = "ready";
	bridge_agents_sync(tab, ts, id, a);
}

/* ---- saving and restoring ---- */

static const char *const agent_states[] = {
	"ready", "busy", "wrap", "away", "offline", NULL
};

/* The table's own copy of a state name (sent points at literals). */
static const char *
bridge_agents_state_literal(const char *name)
{
	int i;

	for (i = 0; name != NULL && agent_states[i] != NULL; i++)
		if (strcmp(name, agent_states[i]) == 0)
			return agent_states[i];
	return NULL;
}

static void
bridge_agents_save_names(struct jsonw *w, const char *key,
    const struct bridge_names *names)
{
	size_t i;

	jsonw_key(w, key);
	jsonw_array(w);
	for (i = 0; i < names->n; i++)
		jsonw_string(w, names->v[i]);
	jsonw_end_array(w);
}

void
bridge_agents_save(const struct bridge_agents *tab, struct jsonw *w)
{
	size_t pos = 0;
	const char *id;
	void *value;
	const struct bridge_agent *a;

	jsonw_array(w);
	while (strmap_next(tab->map, &pos, &id, &value)) {
		a = value;
		jsonw_object(w);
		jsonw_key(w, "id");
		jsonw_string(w, id);
		jsonw_key(w, "name");
		jsonw_string(w, a->name);
		bridge_agents_save_names(w, "queues", &a->queues);
		bridge_agents_save_names(w, "paused", &a->paused);
		jsonw_key(w, "reason");
		jsonw_string(w, a->reason);
		jsonw_key(w, "queues_known");
		jsonw_bool(w, a->queues_known);
		jsonw_key(w, "unavailable");
		jsonw_bool(w, a->unavailable);
		jsonw_key(w, "calls");
		jsonw_int(w, a->calls);
		jsonw_key(w, "sent");
		jsonw_string(w, a->sent);
		jsonw_key(w, "dirty");
		jsonw_bool(w, a->dirty);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
}

static const char *
bridge_agents_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
bridge_agents_restore_names(struct bridge_names *names, const cJSON *o,
    const char *key)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key), *item;

	if (!cJSON_IsArray(arr))
		return false;
	cJSON_ArrayForEach(item, arr) {
		if (!cJSON_IsString(item))
			return false;
		bridge_names_add(names, item->valuestring);
	}
	return true;
}

static bool
bridge_agents_restore_one(struct bridge_agents *tab, const cJSON *o)
{
	const char *id = bridge_agents_json_str(o, "id"), *s;
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(o, "calls");
	struct bridge_agent *a;

	if (id == NULL || !cJSON_IsNumber(calls))
		return false;
	a = bridge_agents_get(tab, id);
	if ((s = bridge_agents_json_str(o, "name")) != NULL)
		a->name = xstrdup(s);
	if ((s = bridge_agents_json_str(o, "reason")) != NULL)
		a->reason = xstrdup(s);
	a->queues_known = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "queues_known"));
	a->unavailable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
	    "unavailable"));
	a->dirty = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "dirty"));
	a->calls = calls->valueint;
	a->sent = bridge_agents_state_literal(bridge_agents_json_str(o, "sent"));
	return bridge_agents_restore_names(&a->queues, o, "queues") &&
	    bridge_agents_restore_names(&a->paused, o, "paused");
}

bool
bridge_agents_restore(struct bridge_agents *tab, const struct cJSON *array)
{
	const cJSON *item;

	bridge_agents_clear(tab);
	if (!cJSON_IsArray(array))
		return false;
	cJSON_ArrayForEach(item, array) {
		if (!bridge_agents_restore_one(tab, item)) {
			bridge_agents_clear(tab);
			return false;
		}
	}
	return true;
}
