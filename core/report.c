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
	else
		return false;
	return true;
}

/* The UTC ms of local noon (plus the day start) of "YYYY-MM-DD": a time
 * inside that local day, whatever DST does around midnight. */
static bool
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
report_answer(struct engine *e, const char *day, const char *interval,
    char *const *scopes, size_t n_scopes, enum report_format format,
    size_t max_rows, struct report_text *out, bool *truncated, char *err,
    size_t errlen)
{
	const struct config *c = engine_config(e);
	struct report_request rq = { .interval_ms = config_history_interval_ms(c),
	    .until = engine_now(e), .scopes = scopes, .n_scopes = n_scopes,
	    .format = format, .max_rows = max_rows };
	int64_t t, start, end;

	if (interval != NULL && *interval != '\0' &&
	    !report_parse_interval(interval, &rq.interval_ms)) {
		snprintf(err, errlen, "interval: 15m, 30m or 60m");
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
		if (end < rq.until)
			rq.until = end;
	}
	report_write(e, &rq, out);
	*truncated = rq.truncated;
	return true;
}
