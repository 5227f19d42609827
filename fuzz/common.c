/*
 * common.c: temporary files and the engine's invariants, for the harnesses.
 *
 * Nothing here keeps state from one input to the next except the temporary
 * file and directory, which every input overwrites: a crash must replay from
 * its input alone.
 */
#include "fuzz.h"

#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "engine.h"
#include "jsonw.h"
#include "metric.h"
#include "snapshot-read.h"
#include "snapshot.h"

void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- temporary files ---------------------------------------------------- */

static char fuzz_file[64];
static int fuzz_fd = -1;
static char fuzz_dir[64];

static void
fuzz_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[320];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (unlink(path) == -1) {
			fuzz_empty_dir(path);
			rmdir(path);
		}
	}
	closedir(d);
}

static void
fuzz_cleanup(void)
{
	if (fuzz_fd != -1) {
		close(fuzz_fd);
		unlink(fuzz_file);
	}
	if (fuzz_dir[0] != '\0') {
		fuzz_empty_dir(fuzz_dir);
		rmdir(fuzz_dir);
	}
}

static const char *
fuzz_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && *t != '\0' && strlen(t) < 32 ? t : "/tmp";
}

const char *
fuzz_temp_file(const void *data, size_t size)
{
	if (fuzz_fd == -1) {
		snprintf(fuzz_file, sizeof fuzz_file, "%s/wb-fuzz-XXXXXX",
		    fuzz_tmpdir());
		if ((fuzz_fd = mkstemp(fuzz_file)) == -1) {
			perror(fuzz_file);
			abort();
		}
		atexit(fuzz_cleanup);
	}
	if (ftruncate(fuzz_fd, 0) == -1 ||
	    (size > 0 && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size)) {
		perror(fuzz_file);
		abort();
	}
	return fuzz_file;
}

const char *
fuzz_temp_dir(void)
{
	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/wb-fuzz-dir-XXXXXX",
		    fuzz_tmpdir());
		if (mkdtemp(fuzz_dir) == NULL) {
			perror(fuzz_dir);
			abort();
		}
		atexit(fuzz_cleanup);
	} else
		fuzz_empty_dir(fuzz_dir);
	return fuzz_dir;
}

int
fuzz_json_valid(const char *text, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	int ok = root != NULL;

	cJSON_Delete(root);
	return ok;
}

/* ---- the engine's invariants --------------------------------------------- */

/* One figure, by its metric's kind. */
static void
fuzz_check_figure(const char *key, size_t w, enum metric_id id, double v)
{
	const struct metric_info *m = metric_get(id);

	FUZZ_CHECK(isfinite(v), "%s window %zu: %s is %g", key, w, m->key, v);
	switch (m->kind) {
	case METRIC_COUNT:
		FUZZ_CHECK(v >= 0 && v == floor(v), "%s window %zu: %s is %g",
		    key, w, m->key, v);
		break;
	case METRIC_RATIO:
		FUZZ_CHECK(v >= 0 && v <= 1, "%s window %zu: %s is %g", key, w,
		    m->key, v);
		break;
	case METRIC_DURATION:
		FUZZ_CHECK(v >= 0, "%s window %zu: %s is %g", key, w, m->key, v);
		break;
	case METRIC_SCORE:
		FUZZ_CHECK(v >= 1 && v <= 5, "%s window %zu: %s is %g", key, w,
		    m->key, v);
		break;
	}
	/* Counts and durations go out as integers. */
	FUZZ_CHECK(fabs(v) < 9.2e18, "%s window %zu: %s is %g", key, w, m->key, v);
}

static void
fuzz_check_scope(struct engine *e, size_t i)
{
	const struct config *c = engine_config(e);
	struct scope_info info;
	struct scope_now now;
	struct kpi_figures f;
	int64_t needed;

	engine_scope_info(e, i, &info);
	FUZZ_CHECK(info.key != NULL && info.name != NULL && info.settings != NULL,
	    "scope %zu", i);
	FUZZ_CHECK(engine_scope_find(e, info.key) == (long)i, "%s", info.key);
	engine_scope_now(e, i, &now);
	FUZZ_CHECK(now.waiting >= 0 && now.longest_wait_ms >= 0 &&
	    now.staffed >= 0, "%s: waiting %lld, longest %lld, staffed %lld",
	    info.key, (long long)now.waiting, (long long)now.longest_wait_ms,
	    (long long)now.staffed);
	FUZZ_CHECK(now.waiting_known || (now.waiting == 0 &&
	    now.longest_wait_ms == 0), "%s", info.key);
	FUZZ_CHECK(now.waiting > 0 || now.longest_wait_ms == 0,
	    "%s: no one waiting, longest wait %lld", info.key,
	    (long long)now.longest_wait_ms);
	for (int k = 0; k < AGENT_STATE_COUNT; k++)
		FUZZ_CHECK(now.agents[k] >= 0, "%s: %lld agents %s", info.key,
		    (long long)now.agents[k],
		    event_state_name((enum agent_state)k));
	for (size_t w = 0; w <= c->n_windows; w++) {
		engine_scope_figures(e, i, w, &f);
		for (int id = 0; id < M_WINDOWED_COUNT; id++)
			if (!f.null[id])
				fuzz_check_figure(info.key, w, (enum metric_id)id,
				    f.value[id]);
	}
	if (engine_scope_agents_needed(e, i, &needed))
		FUZZ_CHECK(needed >= 0, "%s: %lld agents needed", info.key,
		    (long long)needed);
}

static void
fuzz_check_people(const struct engine *e)
{
	struct agent_info a;
	struct feed_info f;

	for (size_t i = 0; i < engine_agent_count(e); i++) {
		engine_agent_info(e, i, &a);
		FUZZ_CHECK(a.id != NULL && *a.id != '\0', "agent %zu", i);
		FUZZ_CHECK((unsigned)a.state < AGENT_STATE_COUNT, "%s", a.id);
		FUZZ_CHECK(a.handled_today >= 0, "%s handled %lld", a.id,
		    (long long)a.handled_today);
		FUZZ_CHECK(a.since <= engine_now(e), "%s since %lld, now %lld",
		    a.id, (long long)a.since, (long long)engine_now(e));
	}
	for (size_t i = 0; i < engine_feed_count(e); i++) {
		engine_feed_info(e, i, &f);
		FUZZ_CHECK(f.name != NULL, "feed %zu", i);
		FUZZ_CHECK(f.events >= 0 && f.gaps >= 0 && f.duplicates >= 0 &&
		    f.restarts >= 0 && f.rejected >= 0 && f.orphans >= 0 &&
		    f.ignored >= 0 && f.lost >= 0, "feed %s", f.name);
	}
}

/* The snapshot, read back as a board reads it, says what the engine says. */
static void
fuzz_check_snapshot(struct engine *e, const char *alerts_json, size_t n_alerts)
{
	struct snapshot_meta meta = { .seq = 7, .alerts_json = alerts_json };
	struct jsonw w = { 0 };
	struct snapshot_reader *r = snapshot_reader_new();
	const struct snapshot_view *v;
	char err[256];

	snapshot_write(&w, e, &meta);
	v = snapshot_read(r, w.buf, w.len, err, sizeof err);
	FUZZ_CHECK(v != NULL, "the snapshot does not read back: %s", err);
	FUZZ_CHECK(v->n_scopes == engine_scope_count(e), "%zu scopes, %zu read",
	    engine_scope_count(e), v->n_scopes);
	FUZZ_CHECK(v->n_agents == engine_agent_count(e), "%zu agents, %zu read",
	    engine_agent_count(e), v->n_agents);
	FUZZ_CHECK(v->n_feeds == engine_feed_count(e), "%zu feeds, %zu read",
	    engine_feed_count(e), v->n_feeds);
	FUZZ_CHECK(v->n_alerts == n_alerts, "%zu alerts, %zu read", n_alerts,
	    v->n_alerts);
	FUZZ_CHECK(v->now == engine_now(e), "now");
	for (size_t i = 0; i < v->n_scopes; i++) {
		struct scope_info info;

		engine_scope_info(e, i, &info);
		FUZZ_CHECK(v->scopes[i].key != NULL &&
		    strcmp(v->scopes[i].key, info.key) == 0, "scope %zu", i);
		FUZZ_CHECK(v->scopes[i].n_windows ==
		    engine_config(e)->n_windows + 1, "%s", info.key);
	}
	snapshot_reader_free(&r);
	jsonw_release(&w);
}

/* Evaluate the alerts at the engine's clock; check every alert's fields. */
static void
fuzz_check_alerts(struct alerts *a, struct engine *e)
{
	struct alert_info info;
	struct alert_transition t;

	alerts_evaluate(a, e, engine_now(e));
	for (size_t i = 0; i < alerts_count(a); i++) {
		alerts_get(a, i, &info);
		FUZZ_CHECK(info.id != NULL && info.rule != NULL &&
		    info.scope != NULL && info.text != NULL, "alert %zu", i);
		FUZZ_CHECK(alerts_find(a, info.id) == (long)i, "%s", info.id);
		FUZZ_CHECK(info.state == ALERT_PENDING || info.state == ALERT_FIRING ||
		    info.state == ALERT_RESOLVED, "%s: state %d", info.id,
		    (int)info.state);
		FUZZ_CHECK(!info.has_value || isfinite(info.value), "%s: %g",
		    info.id, info.value);
		FUZZ_CHECK(info.state != ALERT_RESOLVED || info.resolved_at != 0,
		    "%s resolved at 0", info.id);
		FUZZ_CHECK(info.state != ALERT_PENDING || info.fired_at == 0,
		    "%s pending but fired at %lld", info.id,
		    (long long)info.fired_at);
	}
	for (size_t i = 0; i < alerts_transition_count(a); i++) {
		alerts_transition(a, i, &t);
		FUZZ_CHECK(t.id != NULL && t.from != t.to, "transition %zu", i);
	}
}

void
fuzz_check_engine(struct engine *e, struct alerts *a, int snapshot)
{
	struct jsonw w = { 0 };

	for (size_t i = 0; i < engine_scope_count(e); i++)
		fuzz_check_scope(e, i);
	fuzz_check_people(e);
	if (a != NULL)
		fuzz_check_alerts(a, e);
	if (!snapshot)
		return;
	if (a != NULL) {
		alerts_write_json(a, &w);
		FUZZ_CHECK(fuzz_json_valid(w.buf, w.len), "alerts JSON: %s",
		    jsonw_text(&w));
	}
	fuzz_check_snapshot(e, a ? jsonw_text(&w) : NULL, a ? alerts_count(a) : 0);
	jsonw_release(&w);
}

/* ---- bridges' events ------------------------------------------------------ */

#define SINK_T0 1795165200000LL

void
fuzz_sink_begin(struct fuzz_sink *k)
{
	static struct config *config;

	if (config == NULL)
		config = config_default();
	k->decoder = event_decoder_new();
	k->engine = engine_new(config, SINK_T0);
	k->events = 0;
	k->lenient = getenv("WB_FUZZ_LENIENT") != NULL;
}

void
fuzz_sink_emit(const char *json, size_t len, void *arg)
{
	struct fuzz_sink *k = arg;
	struct event ev;
	enum event_reject r;

	k->events++;
	FUZZ_CHECK(json != NULL && json[len] == '\0' && strlen(json) == len,
	    "an event not NUL-terminated at its length");
	FUZZ_CHECK(fuzz_json_valid(json, len), "not JSON: %s", json);
	r = event_decode(k->decoder, json, len, &ev);
	FUZZ_CHECK(r != REJECT_JSON && r != REJECT_NOT_OBJECT, "%s: %s",
	    event_reject_name(r), json);
	if (r != REJECT_NONE) {
		FUZZ_CHECK(k->lenient, "the bridge wrote an event the daemon "
		    "rejects (%s: %s): %s", event_reject_name(r),
		    event_decoder_error(k->decoder), json);
		engine_reject(k->engine, ev.src, ev.has_seq, ev.seq);
		return;
	}
	FUZZ_CHECK(ev.type != EVENT_UNKNOWN, "unknown type: %s", json);
	engine_apply(k->engine, &ev);
}

void
fuzz_sink_end(struct fuzz_sink *k)
{
	fuzz_check_engine(k->engine, NULL, 1);
	engine_free(&k->engine);
	event_decoder_free(&k->decoder);
}
