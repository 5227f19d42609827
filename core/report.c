/*
 * report.c: interval rows from history.h's sums, as JSON Lines or CSV.
 *
 * Rows go scope by scope (board order), each scope's intervals oldest
 * first; an interval is reported when some part of it was recorded for the
 * scope (history_sums), so a replay that starts mid-morning reports from
 * its first boundary on. CSV follows RFC 4180: a header row, CRLF line
 * ends, a field quoted when it holds a comma, a quote or a line end, its
 * quotes doubled.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "jsonw.h"
#include "metric.h"
#include "tz.h"
#include "u64map.h"
#include "xalloc.h"

static void
report_append(struct report_text *t, const char *s, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

static void
report_puts(struct report_text *t, const char *s)
{
	report_append(t, s, strlen(s));
}

static void
report_csv_field(struct report_text *t, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		report_puts(t, s);
		return;
	}
	report_puts(t, "\"");
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		report_append(t, s, (size_t)(q - s));
		report_puts(t, "\"\"");
	}
	report_puts(t, s);
	report_puts(t, "\"");
}

/* A figure as the snapshot writes it: a share or score as a double, the
 * rest whole; empty (CSV) or null (JSON) when undefined. */
static void
report_value(char *buf, size_t len, const struct kpi_figures *f, int id)
{
	const struct metric_info *m = metric_get((enum metric_id)id);

	if (f->null[id])
		buf[0] = '\0';
	else if (m->kind == METRIC_RATIO || m->kind == METRIC_SCORE)
		snprintf(buf, len, "%.12g", f->value[id]);
	else
		snprintf(buf, len, "%lld", (long long)f->value[id]);
}

static void
report_csv_header(struct report_text *t)
{
	report_puts(t, "scope,start,end");
	for (int id = 0; id < M_WINDOWED_COUNT; id++) {
		report_puts(t, ",");
		report_puts(t, metric_get((enum metric_id)id)->key);
	}
	report_puts(t, ",staffed_avg\r\n");
}

static void
report_csv_row(struct report_text *t, const char *scope, int64_t start,
    int64_t end, const struct kpi_figures *f, double staffed)
{
	char buf[64];

	report_csv_field(t, scope);
	snprintf(buf, sizeof buf, ",%lld,%lld", (long long)start, (long long)end);
	report_puts(t, buf);
	for (int id = 0; id < M_WINDOWED_COUNT; id++) {
		report_puts(t, ",");
		report_value(buf, sizeof buf, f, id);
		report_puts(t, buf);
	}
	snprintf(buf, sizeof buf, ",%.4f\r\n", staffed);
	report_puts(t, buf);
}

static void
report_json_row(struct report_text *t, const char *scope, int64_t start,
    int64_t end, const struct kpi_figures *f, double staffed)
{
	struct jsonw w = { 0 };

	jsonw_object(&w);
	jsonw_key(&w, "scope"); jsonw_string(&w, scope);
	jsonw_key(&w, "start"); jsonw_int(&w, start);
	jsonw_key(&w, "end"); jsonw_int(&w, end);
	for (int id = 0; id < M_WINDOWED_COUNT; id++) {
		const struct metric_info *m = metric_get((enum metric_id)id);

		jsonw_key(&w, m->key);
		if (f->null[id])
			jsonw_null(&w);
		else if (m->kind == METRIC_RATIO || m->kind == METRIC_SCORE)
			jsonw_double(&w, f->value[id]);
		else
			jsonw_int(&w, (int64_t)f->value[id]);
	}
	jsonw_key(&w, "staffed_avg"); jsonw_double(&w, staffed);
	jsonw_end_object(&w);
	report_puts(t, jsonw_text(&w));
	report_puts(t, "\n");
	jsonw_release(&w);
}

static bool
report_wanted(const struct report_request *rq, const char *key)
{
	if (rq->n_scopes == 0)
		return true;
	for (size_t k = 0; k < rq->n_scopes; k++)
		if (config_scope_match(rq->scopes[k], key))
			return true;
	return false;
}

/* A queue's abandoned call is in a report that names its queue or all. */
static bool
report_wanted_queue(const struct report_request *rq, const char *key)
{
	return report_wanted(rq, key) || report_wanted(rq, "all");
}

static void
report_abandoned_header(struct report_text *t)
{
	report_puts(t, "ts,queued,queue,waited_ms,short,call,caller,"
	    "caller_abandons\r\n");
}

static void
report_abandoned_row(struct report_text *t, enum report_format format,
    const struct history_abandon *a, const char *queue, int64_t caller,
    int64_t abandons)
{
	struct jsonw w = { 0 };
	char buf[128];

	if (format == REPORT_CSV) {
		snprintf(buf, sizeof buf, "%lld,%lld,", (long long)a->ts,
		    (long long)(a->ts - a->wait_ms));
		report_puts(t, buf);
		report_csv_field(t, queue);
		snprintf(buf, sizeof buf, ",%lld,%s,", (long long)a->wait_ms,
		    a->short_abandon ? "true" : "false");
		report_puts(t, buf);
		report_csv_field(t, a->call);
		if (caller > 0)
			snprintf(buf, sizeof buf, ",%lld,%lld\r\n",
			    (long long)caller, (long long)abandons);
		else
			snprintf(buf, sizeof buf, ",,\r\n");
		report_puts(t, buf);
		return;
	}
	jsonw_object(&w);
	jsonw_key(&w, "ts"); jsonw_int(&w, a->ts);
	jsonw_key(&w, "queued"); jsonw_int(&w, a->ts - a->wait_ms);
	jsonw_key(&w, "queue"); jsonw_string(&w, queue);
	jsonw_key(&w, "waited_ms"); jsonw_int(&w, a->wait_ms);
	jsonw_key(&w, "short"); jsonw_bool(&w, a->short_abandon);
	jsonw_key(&w, "call"); jsonw_string(&w, a->call);
	jsonw_key(&w, "caller");
	if (caller > 0)
		jsonw_int(&w, caller);
	else
		jsonw_null(&w);
	jsonw_key(&w, "caller_abandons");
	if (caller > 0)
		jsonw_int(&w, abandons);
	else
		jsonw_null(&w);
	jsonw_end_object(&w);
	report_puts(t, jsonw_text(&w));
	report_puts(t, "\n");
	jsonw_release(&w);
}

/*
 * The day's abandoned calls. A caller is shown as its number in the day's
 * list (the first caller to abandon is 1), so two rows of one caller can
 * be told apart from two callers without the token leaving the daemon;
 * the numbers start again every day, so days cannot be linked.
 */
/* By when the caller hung up, then as they came (feeds interleave). */
static int
report_abandon_cmp(const void *a, const void *b)
{
	const struct history_abandon *x = *(const struct history_abandon *const *)a;
	const struct history_abandon *y = *(const struct history_abandon *const *)b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void
report_write_abandoned(struct engine *e, struct report_request *rq,
    struct report_text *out)
{
	const struct history *h = engine_history(e);
	const struct history_abandon *all, **list;
	struct u64map callers = { 0 };
	struct u64map_entry *c;
	struct scope_info info;
	size_t n, k = 0, rows = 0;
	int64_t next = 1;

	if (rq->format == REPORT_CSV)
		report_abandoned_header(out);
	all = history_abandons(h, rq->until - 1, &n, &rq->dropped);
	list = xcalloc(n + 1, sizeof *list);
	for (size_t i = 0; i < n; i++)
		if (all[i].ts <= rq->until)
			list[k++] = &all[i];
	n = k;
	qsort(list, n, sizeof *list, report_abandon_cmp);
	for (size_t i = 0; i < n; i++) {
		if (list[i]->caller == 0)
			continue;
		c = u64map_put(&callers, list[i]->caller);
		if (c->v[0] == 0)
			c->v[0] = (uint64_t)next++;
		c->v[1]++;
	}
	for (size_t i = 0; i < n; i++) {
		engine_scope_info(e, list[i]->scope, &info);
		if (!report_wanted_queue(rq, info.key))
			continue;
		if (rq->max_rows > 0 && rows++ >= rq->max_rows) {
			rq->truncated = true;
			break;
		}
		c = list[i]->caller ? u64map_get(&callers, list[i]->caller) : NULL;
		report_abandoned_row(out, rq->format, list[i], info.name,
		    c ? (int64_t)c->v[0] : 0, c ? (int64_t)c->v[1] : 0);
	}
	u64map_clear(&callers);
	free(list);
}

/*------------------------------------------------------------------------
 * Agents beside their team (docs/history.md "Individual figures")
 */

enum report_col_type { COL_STR, COL_INT, COL_DBL };

struct report_col {
	const char *key;
	enum report_col_type type;
	bool null;
	const char *s;
	int64_t i;
	double d;
};

#define REPORT_AGENT_COLS 27

static void
report_cols_write(struct report_text *t, enum report_format format,
    const struct report_col *c, size_t n)
{
	struct jsonw w = { 0 };
	char buf[64];

	if (format == REPORT_CSV) {
		for (size_t k = 0; k < n; k++) {
			if (k > 0)
				report_puts(t, ",");
			if (c[k].null)
				continue;
			if (c[k].type == COL_STR)
				report_csv_field(t, c[k].s);
			else {
				if (c[k].type == COL_INT)
					snprintf(buf, sizeof buf, "%lld",
					    (long long)c[k].i);
				else
					snprintf(buf, sizeof buf, "%.12g", c[k].d);
				report_puts(t, buf);
			}
		}
		report_puts(t, "\r\n");
		return;
	}
	jsonw_object(&w);
	for (size_t k = 0; k < n; k++) {
		jsonw_key(&w, c[k].key);
		if (c[k].null)
			jsonw_null(&w);
		else if (c[k].type == COL_STR)
			jsonw_string(&w, c[k].s);
		else if (c[k].type == COL_INT)
			jsonw_int(&w, c[k].i);
		else
			jsonw_double(&w, c[k].d);
	}
	jsonw_end_object(&w);
	report_puts(t, jsonw_text(&w));
	report_puts(t, "\n");
	jsonw_release(&w);
}

static void
report_col_str(struct report_col *c, size_t *n, const char *key,
    const char *s)
{
	c[(*n)++] = (struct report_col){ .key = key, .type = COL_STR,
	    .null = s == NULL, .s = s };
}

static void
report_col_int(struct report_col *c, size_t *n, const char *key, int64_t v,
    bool null)
{
	c[(*n)++] = (struct report_col){ .key = key, .type = COL_INT,
	    .null = null, .i = v };
}

static void
report_col_ratio(struct report_col *c, size_t *n, const char *key,
    int64_t num, int64_t den)
{
	c[(*n)++] = (struct report_col){ .key = key, .type = COL_DBL,
	    .null = den <= 0, .d = den > 0 ? (double)num / (double)den : 0 };
}

/* A figure of the team's, as its scope row has it. */
static void
report_col_figure(struct report_col *c, size_t *n, const char *key,
    const struct kpi_figures *f, bool known, enum metric_id id)
{
	bool dbl = metric_get(id)->kind != METRIC_DURATION;

	c[(*n)++] = (struct report_col){ .key = key,
	    .type = dbl ? COL_DBL : COL_INT, .null = !known || f->null[id],
	    .i = (int64_t)f->value[id], .d = f->value[id] };
}

/* The team's targets, each falling back on defaults: {targets:}. */
static struct config_targets
report_targets(const struct config *c, const char *team)
{
	const struct config_team *t = team ? config_find_team(c, team) : NULL;
	struct config_targets g = c->defaults.targets;

	if (t != NULL) {
		if (t->targets.aht_ms > 0)
			g.aht_ms = t->targets.aht_ms;
		if (t->targets.occupancy > 0)
			g.occupancy = t->targets.occupancy;
		if (t->targets.fcr > 0)
			g.fcr = t->targets.fcr;
		if (t->targets.csat > 0)
			g.csat = t->targets.csat;
	}
	return g;
}

static void
report_agent_row(struct engine *e, const struct report_request *rq,
    const struct agent_info *a, const int64_t v[HA_COUNT], int64_t start,
    int64_t end, struct report_text *out)
{
	const struct config *cf = engine_config(e);
	struct report_col c[REPORT_AGENT_COLS];
	struct config_targets g = report_targets(cf, a->team);
	struct kpi_sums sums;
	struct kpi_figures f = { 0 };
	char key[256];
	size_t n = 0;
	long team = -1;
	bool known = false;
	int64_t handled = v[HA_HANDLED], work = v[HA_TALK_MS] + v[HA_WRAP_MS];

	if (a->team != NULL) {
		snprintf(key, sizeof key, "team:%s", a->team);
		team = engine_scope_find(e, key);
	}
	if (team >= 0 && history_sums_span(engine_history(e), (size_t)team,
	    end, end - start, &sums)) {
		engine_scope_figures_of(e, (size_t)team, &sums, &f);
		known = true;
	}
	snprintf(key, sizeof key, "agent:%s", a->id);
	report_col_str(c, &n, "scope", key);
	report_col_str(c, &n, "agent", a->id);
	report_col_str(c, &n, "name", a->name);
	report_col_str(c, &n, "team", a->team);
	report_col_int(c, &n, "start", start, false);
	report_col_int(c, &n, "end", end, false);
	report_col_int(c, &n, "as_of", rq->as_of, false);
	report_col_int(c, &n, "handled", handled, false);
	report_col_int(c, &n, "talk_ms", v[HA_TALK_MS], false);
	report_col_int(c, &n, "wrap_ms", v[HA_WRAP_MS], false);
	/* rounded as kpi.c rounds a mean of ms */
	report_col_int(c, &n, "aht_ms", handled > 0 ?
	    (2 * work + handled) / (2 * handled) : 0, handled <= 0);
	report_col_int(c, &n, "ready_ms", v[HA_READY_MS], false);
	report_col_int(c, &n, "busy_ms", v[HA_BUSY_MS], false);
	report_col_int(c, &n, "away_ms", v[HA_AWAY_MS], false);
	report_col_ratio(c, &n, "occupancy", v[HA_BUSY_MS] + v[HA_WRAP_MS],
	    v[HA_BUSY_MS] + v[HA_WRAP_MS] + v[HA_READY_MS]);
	report_col_ratio(c, &n, "fcr", v[HA_RESOLVED], v[HA_RESOLVED_KNOWN]);
	report_col_ratio(c, &n, "csat", v[HA_SURVEYS_GOOD], v[HA_SURVEYS]);
	report_col_ratio(c, &n, "csat_avg", v[HA_SURVEY_SUM], v[HA_SURVEYS]);
	report_col_int(c, &n, "surveys", v[HA_SURVEYS], false);
	report_col_figure(c, &n, "team_aht_ms", &f, known, M_AHT_MS);
	report_col_figure(c, &n, "team_occupancy", &f, known, M_OCCUPANCY);
	report_col_figure(c, &n, "team_fcr", &f, known, M_FCR);
	report_col_figure(c, &n, "team_csat", &f, known, M_CSAT);
	report_col_int(c, &n, "target_aht_ms", g.aht_ms, g.aht_ms <= 0);
	c[n++] = (struct report_col){ .key = "target_occupancy",
	    .type = COL_DBL, .null = g.occupancy <= 0, .d = g.occupancy };
	c[n++] = (struct report_col){ .key = "target_fcr", .type = COL_DBL,
	    .null = g.fcr <= 0, .d = g.fcr };
	c[n++] = (struct report_col){ .key = "target_csat", .type = COL_DBL,
	    .null = g.csat <= 0, .d = g.csat };
	report_cols_write(out, rq->format, c, n);
}

static void
report_agents_header(struct report_text *t)
{
	report_puts(t, "scope,agent,name,team,start,end,as_of,handled,talk_ms,"
	    "wrap_ms,aht_ms,ready_ms,busy_ms,away_ms,occupancy,fcr,csat,"
	    "csat_avg,surveys,team_aht_ms,team_occupancy,team_fcr,team_csat,"
	    "target_aht_ms,target_occupancy,target_fcr,target_csat\r\n");
}

static bool
report_wanted_agent(const struct report_request *rq,
    const struct agent_info *a)
{
	char key[256];
	bool scoped = false;

	if (rq->team != NULL && *rq->team != '\0') {
		if (a->team == NULL || !config_scope_match(rq->team, a->team))
			return false;
	}
	snprintf(key, sizeof key, "agent:%s", a->id);
	for (size_t k = 0; k < rq->n_scopes; k++) {
		if (strncmp(rq->scopes[k], "agent:", 6) != 0)
			continue;
		scoped = true;
		if (config_scope_match(rq->scopes[k], key))
			return true;
	}
	return !scoped;
}

static void
report_write_agents(struct engine *e, struct report_request *rq,
    struct report_text *out)
{
	const struct history *h = engine_history(e);
	struct agent_info a;
	int64_t ds, de, v[HA_COUNT], len = rq->interval_ms;
	size_t rows = 0;

	if (rq->format == REPORT_CSV)
		report_agents_header(out);
	if (!history_day_of(h, rq->until - 1, &ds, &de))
		return;
	rq->as_of = engine_now(e) < de ? engine_now(e) : de;
	for (size_t i = 0; i < engine_agent_count(e); i++) {
		engine_agent_info(e, i, &a);
		if (!report_wanted_agent(rq, &a))
			continue;
		for (int64_t end = ds + (len > 0 ? len : HISTORY_BASE_MS);
		    end <= de && end <= rq->until; end += len > 0 ? len : 0) {
			int64_t start = end - len;

			if (len <= 0) {         /* the day: to the last boundary */
				end = rq->until < de ? rq->until : de;
				end -= (end - ds) % HISTORY_BASE_MS;
				start = ds;
			}
			if (end > start &&
			    history_agent_sums(h, i, end, end - start, v)) {
				if (rq->max_rows > 0 && rows++ >= rq->max_rows) {
					rq->truncated = true;
					return;
				}
				report_agent_row(e, rq, &a, v, start, end, out);
			}
			if (len <= 0)
				break;
		}
	}
}

bool
report_wants_agents(struct report_request *rq)
{
	if (rq->team != NULL && *rq->team != '\0')
		rq->kind = REPORT_AGENTS;
	for (size_t k = 0; k < rq->n_scopes; k++)
		if (strncmp(rq->scopes[k], "agent:", 6) == 0)
			rq->kind = REPORT_AGENTS;
	return rq->kind == REPORT_AGENTS;
}

void
report_write(struct engine *e, struct report_request *rq,
    struct report_text *out)
{
	const struct history *h = engine_history(e);
	int64_t ds, de;
	struct scope_info info;
	struct kpi_sums sums;
	struct kpi_figures f;
	size_t n = 0;

	report_append(out, "", 0);
	if (rq->kind == REPORT_ABANDONED) {
		report_write_abandoned(e, rq, out);
		return;
	}
	if (rq->kind == REPORT_AGENTS) {
		report_write_agents(e, rq, out);
		return;
	}
	if (rq->format == REPORT_CSV)
		report_csv_header(out);
	/* The day of the last interval asked for: until - 1, so a report
	 * at midnight is of the day that ended. */
	if (!history_day_of(h, rq->until - 1, &ds, &de))
		return;
	for (size_t i = 0; i < engine_scope_count(e); i++) {
		engine_scope_info(e, i, &info);
		if (!report_wanted(rq, info.key))
			continue;
		for (int64_t end = ds + rq->interval_ms; end <= de &&
		    end <= rq->until; end += rq->interval_ms) {
			if (!history_sums(h, i, end, rq->interval_ms, &sums))
				continue;
			if (rq->max_rows > 0 && n++ >= rq->max_rows) {
				rq->truncated = true;
				return;
			}
			engine_scope_figures_of(e, i, &sums, &f);
			double staffed = history_staffed_avg(&sums, rq->interval_ms);
			if (rq->format == REPORT_CSV)
				report_csv_row(out, info.key, end - rq->interval_ms,
				    end, &f, staffed);
			else
				report_json_row(out, info.key, end - rq->interval_ms,
				    end, &f, staffed);
		}
	}
}

bool
report_parse_interval(const char *s, int64_t *ms)
{
	if (strcmp(s, "15m") == 0)
		*ms = HISTORY_BASE_MS;
	else if (strcmp(s, "30m") == 0)
		*ms = 2 * HISTORY_BASE_MS;
	else if (strcmp(s, "60m") == 0 || strcmp(s, "1h") == 0)
		*ms = 4 * HISTORY_BASE_MS;
	else if (strcmp(s, "day") == 0)
		*ms = REPORT_INTERVAL_DAY;
	else
		return false;
	return true;
}

/* The UTC ms of local noon (plus the day start) of "YYYY-MM-DD": a time
 * inside that local day, whatever DST does around midnight. */
bool
report_day_time(const struct config *c, const char *day, int64_t *t)
{
	int y, m, d;
	char extra;
	struct tz *tz;

	if (sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 9999)
		return false;
	/* days from the civil date (Howard Hinnant's days_from_civil) */
	int yy = y - (m <= 2), era = yy / 400, yoe = yy - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t days = (int64_t)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 +
	    doy - 719468;
	int64_t noon = days * 86400000LL + 12 * 3600000LL +
	    (int64_t)c->day_start_minutes * 60000;

	tz = tz_load(c->timezone, NULL, 0);
	if (tz == NULL)
		tz = tz_load("UTC", NULL, 0);
	*t = noon - (int64_t)tz_offset(tz, noon) * 1000;
	tz_free(&tz);
	return true;
}

bool
report_parse_kind(const char *s, enum report_kind *kind)
{
	if (s == NULL || *s == '\0' || strcmp(s, "intervals") == 0)
		*kind = REPORT_INTERVALS;
	else if (strcmp(s, "abandoned") == 0)
		*kind = REPORT_ABANDONED;
	else if (strcmp(s, "agents") == 0)
		*kind = REPORT_AGENTS;
	else
		return false;
	return true;
}

bool
report_answer_kind(struct engine *e, const char *day, const char *interval,
    struct report_request *rq, struct report_text *out, char *err,
    size_t errlen)
{
	const struct config *c = engine_config(e);
	int64_t t, start, end;

	rq->interval_ms = config_history_interval_ms(c);
	if (rq->until == 0)
		rq->until = engine_now(e);
	if (interval != NULL && *interval != '\0' &&
	    (!report_parse_interval(interval, &rq->interval_ms) ||
	    (rq->interval_ms == REPORT_INTERVAL_DAY &&
	    rq->kind != REPORT_AGENTS))) {
		snprintf(err, errlen, rq->kind == REPORT_AGENTS ?
		    "interval: 15m, 30m, 60m or day" :
		    "interval: 15m, 30m or 60m");
		return false;
	}
	if (day != NULL && *day != '\0') {
		if (!report_day_time(c, day, &t)) {
			snprintf(err, errlen, "day: YYYY-MM-DD");
			return false;
		}
		if (!history_day_of(engine_history(e), t, &start, &end) ||
		    start > engine_now(e)) {
			snprintf(err, errlen, "that day is not kept (today and "
			    "yesterday are); for an older one: wallboardd "
			    "--journal-export DAY >FILE, then wallboardd -c CONFIG "
			    "--replay FILE --report 15m");
			return false;
		}
		if (end < rq->until)
			rq->until = end;
	}
	report_write(e, rq, out);
	return true;
}

bool
report_answer(struct engine *e, const char *day, const char *interval,
    char *const *scopes, size_t n_scopes, enum report_format format,
    size_t max_rows, struct report_text *out, bool *truncated, char *err,
    size_t errlen)
{
	struct report_request rq = { .scopes = scopes, .n_scopes = n_scopes,
	    .format = format, .max_rows = max_rows };
	bool ok = report_answer_kind(e, day, interval, &rq, out, err, errlen);

	*truncated = rq.truncated;
	return ok;
}
