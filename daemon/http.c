/*
 * http.c: HTTP for monitoring, served by httpd.c (our own small HTTP/1.1
 * server on libevent's bufferevents), on the address of http.listen
 * (loopback by default):
 *
 *   GET /healthz            200 "ok"; 200 "degraded: ..." when a feed is
 *                           silent (the daemon serves, its figures are
 *                           stale); 503 and a one-line reason when the
 *                           daemon itself is not well
 *   GET /metrics            Prometheus text exposition format 0.0.4
 *   GET /api/v1/snapshot    the snapshot of PROTOCOL §3
 *   GET /api/v1/alerts      the day's alerts, newest first (as wallboardctl
 *                           alerts --json)
 *   GET /api/v1/report?day=&interval=&scope=&format=&kind=intervals|abandoned
 *     (&team=T or scope=agent:ID: agents, 403 unless http.agent_reports)
 *                           the day by interval (docs/protocol.md §6.13):
 *                           JSON Lines, or CSV with format=csv; scope may
 *                           repeat (at most 64)
 *
 * Read-only: no request changes a figure, an alert or the config (a read
 * moves the engine's clock up to now, as a snapshot does), so a port open to
 * a monitoring host can do no harm beyond reading the board. Every figure comes from the
 * engine's read API, the alerts and the server's counters, none of which
 * carries a caller token (PROTOCOL §1: it never leaves the daemon).
 *
 * HEAD is answered like GET, without the body: HTTP asks every server to
 * take it, and monitoring probes use it. Other methods get 405.
 *
 * It sees the daemon only through service.h: the state, as of the clock,
 * and the snapshot.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "alert.h"
#include "engine.h"
#include "httpd.h"
#include "journal.h"
#include "log.h"
#include "metric.h"
#include "proc.h"
#include "history.h"
#include "report.h"
#include "service.h"
#include "text.h"
#include "web.h"
#include "xalloc.h"

/* Silent feeds /healthz names; the count says how many in all. */
#define HTTP_SILENT_NAMED 16

#define HTTP_NITEMS(a) (sizeof (a) / sizeof (a)[0])

#define HTTP_TYPE_TEXT "text/plain; charset=utf-8"
#define HTTP_TYPE_METRICS "text/plain; version=0.0.4"
#define HTTP_TYPE_JSON "application/json"

struct http {
	const struct service *svc;
	struct httpd *httpd;
};

struct http_label {
	const char *key;
	const char *value;
};

/* Every scope's state, read once per scrape: families are written one
 * after the other, each over every scope. */
struct http_scopes {
	size_t n;
	size_t n_windows;               /* the configured ones, and today */
	struct scope_info *info;
	struct scope_now *now;
	struct kpi_figures *figures;    /* n * n_windows, scope after scope */
};

/* The # HELP of each windowed figure (PROTOCOL §2), by metric id. */
static const char *const http_metric_help[M_WINDOWED_COUNT] = {
	[M_OFFERED] = "Calls offered: answered, abandoned and exited.",
	[M_ANSWERED] = "Calls answered.",
	[M_ANSWERED_IN_SL] = "Calls answered within the service-level "
	    "threshold.",
	[M_ABANDONED] = "Calls abandoned while waiting.",
	[M_SHORT_ABANDONED] = "Calls abandoned within the short-abandon "
	    "threshold.",
	[M_ABANDONED_IN_SL] = "Calls abandoned within the service-level "
	    "threshold.",
	[M_EXITED] = "Calls that left the queue unanswered (call.exited).",
	[M_SERVICE_LEVEL] = "Service level, 0 to 1, by the scope's "
	    "sl_formula.",
	[M_ASA_MS] = "Mean wait of answered calls, ms.",
	[M_AVG_ABANDON_MS] = "Mean wait of abandoned calls, ms.",
	[M_MAX_WAIT_MS] = "Longest wait of a call with its outcome in the "
	    "window, ms.",
	[M_ABANDON_RATE] = "Abandoned over offered, short abandons left "
	    "out, 0 to 1.",
	[M_HANDLED] = "Calls handled (call.ended).",
	[M_TALK_MS] = "Talk time of handled calls, ms.",
	[M_WRAP_MS] = "Agent time in wrap-up, ms.",
	[M_AHT_MS] = "Average handle time, talk and wrap-up per handled "
	    "call, ms.",
	[M_OCCUPANCY] = "Agent time busy or in wrap-up over that and ready "
	    "time, 0 to 1.",
	[M_TRANSFER_RATE] = "Handled calls transferred, 0 to 1.",
	[M_FCR] = "Handled calls resolved at first contact, 0 to 1.",
	[M_REPEAT_RATE] = "Offered calls from a caller who called within "
	    "the repeat window, 0 to 1.",
	[M_CSAT] = "Surveys scoring 4 or 5, 0 to 1.",
	[M_CSAT_AVG] = "Mean survey score, 1 to 5.",
};

/* A feed's counters (struct feed_info), as Prometheus counters. */
static const struct {
	const char *name;
	const char *help;
	size_t offset;
} http_feed_counters[] = {
	{ "wallboard_feed_events_total", "Events taken from the feed, "
	  "unknown types too; not duplicates or rejects.",
	  offsetof(struct feed_info, events) },
	{ "wallboard_feed_gaps_total", "Events missed, by sequence number.",
	  offsetof(struct feed_info, gaps) },
	{ "wallboard_feed_rejected_total", "Events rejected as malformed.",
	  offsetof(struct feed_info, rejected) },
	{ "wallboard_feed_duplicates_total", "Events skipped as already "
	  "seen.", offsetof(struct feed_info, duplicates) },
	{ "wallboard_feed_restarts_total", "Times the feed restarted its "
	  "sequence at 1.", offsetof(struct feed_info, restarts) },
	{ "wallboard_feed_orphans_total", "Outcomes for calls never seen "
	  "queued.", offsetof(struct feed_info, orphans) },
	{ "wallboard_feed_refused_total", "Events refused: they would "
	  "have made a name past a limit (limits:).",
	  offsetof(struct feed_info, refused) },
	{ "wallboard_feed_ignored_total", "Events of an unknown type.",
	  offsetof(struct feed_info, ignored) },
	{ "wallboard_feed_lost_total", "Calls given up as lost after "
	  "call_timeout.", offsetof(struct feed_info, lost) },
};

/* ---- the text format --------------------------------------------------- */

/* # HELP and # TYPE: once per family, before its samples. */
static void
http_family(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* A label value, escaped as the format asks: backslash, quote, newline. */
static void
http_escape(struct evbuffer *b, const char *value)
{
	size_t span;

	while (*value != '\0') {
		span = strcspn(value, "\\\"\n");
		evbuffer_add(b, value, span);
		value += span;
		if (*value == '\0')
			break;
		evbuffer_add(b, *value == '\n' ? "\\n" : *value == '"' ?
		    "\\\"" : "\\\\", 2);
		value++;
	}
}

/* One sample line, name{key="value",...} value. */
static void
http_sample(struct evbuffer *b, const char *name,
    const struct http_label *labels, size_t n, const char *value)
{
	evbuffer_add_printf(b, "%s", name);
	for (size_t i = 0; i < n; i++) {
		evbuffer_add_printf(b, "%s%s=\"", i == 0 ? "{" : ",",
		    labels[i].key);
		http_escape(b, labels[i].value);
		evbuffer_add(b, "\"", 1);
	}
	evbuffer_add_printf(b, "%s %s\n", n > 0 ? "}" : "", value);
}

static void
http_int(struct evbuffer *b, const char *name, const struct http_label *labels,
    size_t n, int64_t v)
{
	char text[32];

	snprintf(text, sizeof text, "%" PRId64, v);
	http_sample(b, name, labels, n, text);
}

/* A real value; 15 digits round-trip and print 0.1 as 0.1. */
static void
http_real(struct evbuffer *b, const char *name, const struct http_label *labels,
    size_t n, double v)
{
	char text[32];

	if (!isfinite(v))
		return;
	snprintf(text, sizeof text, "%.15g", v);
	http_sample(b, name, labels, n, text);
}

/* A family of one unlabelled sample. */
static void
http_single(struct evbuffer *b, const char *name, const char *type,
    const char *help, double v)
{
	http_family(b, name, type, help);
	http_real(b, name, NULL, 0, v);
}

/* ---- /metrics: scopes -------------------------------------------------- */

static void
http_scopes_read(struct http_scopes *sc, struct engine *e)
{
	sc->n = engine_scope_count(e);
	sc->n_windows = engine_config(e)->n_windows + 1;
	sc->info = xcalloc(sc->n, sizeof *sc->info);
	sc->now = xcalloc(sc->n, sizeof *sc->now);
	sc->figures = xcalloc(sc->n * sc->n_windows, sizeof *sc->figures);
	for (size_t i = 0; i < sc->n; i++) {
		engine_scope_info(e, i, &sc->info[i]);
		engine_scope_now(e, i, &sc->now[i]);
		for (size_t w = 0; w < sc->n_windows; w++)
			engine_scope_figures(e, i, w,
			    &sc->figures[i * sc->n_windows + w]);
	}
}

static void
http_scopes_free(struct http_scopes *sc)
{
	free(sc->info);
	free(sc->now);
	free(sc->figures);
}

/* A window's name: as configured, or "today" after them. */
static const char *
http_window_name(const struct engine *e, size_t w)
{
	const struct config *c = engine_config(e);

	return w < c->n_windows ? c->windows[w].name : "today";
}

/* Every windowed figure, one family each; null figures are left out. */
static void
http_windowed(struct evbuffer *b, const struct engine *e,
    const struct http_scopes *sc)
{
	const struct metric_info *m;
	const struct kpi_figures *f;
	struct http_label l[2] = { { "scope", NULL }, { "window", NULL } };
	char name[64];

	for (int id = 0; id < M_WINDOWED_COUNT; id++) {
		m = metric_get((enum metric_id)id);
		snprintf(name, sizeof name, "wallboard_%s", m->key);
		http_family(b, name, "gauge", http_metric_help[id] != NULL ?
		    http_metric_help[id] : m->key);
		for (size_t i = 0; i < sc->n; i++) {
			l[0].value = sc->info[i].key;
			for (size_t w = 0; w < sc->n_windows; w++) {
				f = &sc->figures[i * sc->n_windows + w];
				if (f->null[id])
					continue;
				l[1].value = http_window_name(e, w);
				http_real(b, name, l, 2, f->value[id]);
			}
		}
	}
}

/* The figures of now: waiting calls and agents by state. */
static void
http_now(struct evbuffer *b, const struct http_scopes *sc)
{
	struct http_label l[2] = { { "scope", NULL }, { "state", NULL } };

	/* A team without queues has no waiting figures (null): left out. */
	http_family(b, "wallboard_waiting", "gauge", "Calls waiting now.");
	for (size_t i = 0; i < sc->n; i++) {
		l[0].value = sc->info[i].key;
		if (sc->now[i].waiting_known)
			http_int(b, "wallboard_waiting", l, 1, sc->now[i].waiting);
	}
	http_family(b, "wallboard_longest_wait_ms", "gauge",
	    "Age of the oldest waiting call, ms (0 when none).");
	for (size_t i = 0; i < sc->n; i++) {
		l[0].value = sc->info[i].key;
		if (sc->now[i].waiting_known)
			http_int(b, "wallboard_longest_wait_ms", l, 1,
			    sc->now[i].longest_wait_ms);
	}
	http_family(b, "wallboard_agents", "gauge", "Agents by state now.");
	for (size_t i = 0; i < sc->n; i++) {
		l[0].value = sc->info[i].key;
		for (int k = 0; k < AGENT_STATE_COUNT; k++) {
			l[1].value = event_state_name((enum agent_state)k);
			http_int(b, "wallboard_agents", l, 2,
			    sc->now[i].agents[k]);
		}
	}
	http_family(b, "wallboard_staffed", "gauge",
	    "Agents staffed (not offline) now.");
	for (size_t i = 0; i < sc->n; i++) {
		l[0].value = sc->info[i].key;
		http_int(b, "wallboard_staffed", l, 1, sc->now[i].staffed);
	}
}

/* ---- /metrics: feeds, alerts, the daemon ------------------------------- */

static int64_t
http_feed_counter(const struct feed_info *f, size_t k)
{
	return *(const int64_t *)(const void *)((const char *)f +
	    http_feed_counters[k].offset);
}

static void
http_feeds(struct evbuffer *b, const struct engine *e)
{
	size_t n = engine_feed_count(e);
	struct feed_info *f = xcalloc(n > 0 ? n : 1, sizeof *f);
	struct http_label l = { "feed", NULL };

	for (size_t i = 0; i < n; i++)
		engine_feed_info(e, i, &f[i]);
	for (size_t k = 0; k < HTTP_NITEMS(http_feed_counters); k++) {
		http_family(b, http_feed_counters[k].name, "counter",
		    http_feed_counters[k].help);
		for (size_t i = 0; i < n; i++) {
			l.value = f[i].name;
			http_int(b, http_feed_counters[k].name, &l, 1,
			    http_feed_counter(&f[i], k));
		}
	}
	http_family(b, "wallboard_feed_live", "gauge", "1 while the feed is "
	    "live, 0 once silent for feeds.stale_after.");
	for (size_t i = 0; i < n; i++) {
		l.value = f[i].name;
		http_int(b, "wallboard_feed_live", &l, 1, f[i].last_event > 0 &&
		    !feed_silent(&f[i], engine_now(e),
		    engine_config(e)->feeds_stale_after_ms));
	}
	free(f);
}

/* Alerts counted by state and severity; every pair, zeros too, so that a
 * rule on them sees a series go to 0 rather than vanish. */
static void
http_alerts(struct evbuffer *b, const struct alerts *alerts)
{
	int64_t count[ALERT_RESOLVED + 1][SEVERITY_CRITICAL + 1] = { { 0 } };
	struct http_label l[2] = { { "state", NULL }, { "severity", NULL } };
	struct alert_info a;

	for (size_t i = 0; i < alerts_count(alerts); i++) {
		alerts_get(alerts, i, &a);
		if (a.state <= ALERT_RESOLVED && a.severity <= SEVERITY_CRITICAL)
			count[a.state][a.severity]++;
	}
	http_family(b, "wallboard_alerts", "gauge",
	    "Alerts in the list, by state and severity.");
	for (int st = ALERT_PENDING; st <= ALERT_RESOLVED; st++) {
		l[0].value = alert_state_name((enum alert_state)st);
		for (int sv = SEVERITY_INFO; sv <= SEVERITY_CRITICAL; sv++) {
			l[1].value = config_severity_name((enum alert_severity)sv);
			http_int(b, "wallboard_alerts", l, 2, count[st][sv]);
		}
	}
}

static void
http_counters(struct evbuffer *b, const struct server_stats *st)
{
	struct http_label l = { "reason", NULL };

	http_single(b, "wallboard_received_total", "counter",
	    "Messages received on the ingest socket.", (double)st->received);
	http_single(b, "wallboard_applied_total", "counter",
	    "Events decoded and applied.", (double)st->applied);
	http_single(b, "wallboard_duplicates_total", "counter",
	    "Events skipped as duplicates.", (double)st->duplicates);
	http_single(b, "wallboard_refused_total", "counter",
	    "Events refused at a limit (limits:).", (double)st->refused);
	http_single(b, "wallboard_ingest_queue_full_total", "counter",
	    "Times reading paused: events waiting held ingest.max_queue.",
	    (double)st->ingest_full);
	http_family(b, "wallboard_rejected_total", "counter",
	    "Events rejected, by reason.");
	for (int r = REJECT_NONE + 1; r < REJECT_COUNT; r++) {
		l.value = event_reject_name((enum event_reject)r);
		http_int(b, "wallboard_rejected_total", &l, 1,
		    (int64_t)st->rejected[r]);
	}
	http_single(b, "wallboard_published_total", "counter",
	    "Snapshots published.", (double)st->published);
	http_single(b, "wallboard_publish_dropped_total", "counter",
	    "Messages the publish socket could not take.",
	    (double)st->publish_dropped);
	http_single(b, "wallboard_publish_largest_message_bytes", "gauge",
	    "The largest message published so far (topic and body); a slow "
	    "board can make the daemon hold publish.queue + 1 of these.",
	    (double)st->publish_largest);
	http_single(b, "wallboard_publish_subscribers", "gauge",
	    "Boards (subscribers) connected to the publish binds.",
	    (double)st->subscribers);
	http_single(b, "wallboard_publish_subscribers_refused_total", "counter",
	    "Connections to the publish binds refused: publish.max_subscribers "
	    "were connected (each retry counts).",
	    (double)st->subscribers_refused);
	http_single(b, "wallboard_ingest_peers", "gauge",
	    "Feeds (peers) connected to the ingest binds.",
	    (double)st->ingest_peers);
	http_single(b, "wallboard_ingest_peers_refused_total", "counter",
	    "Connections to the ingest binds refused: ingest.max_peers were "
	    "connected (each retry counts).",
	    (double)st->ingest_peers_refused);
	http_single(b, "wallboard_ingest_peers_dropped_total", "counter",
	    "Feed connections to the ingest binds that ended: the feed left, "
	    "or was cut off for a message over ingest.max_message.",
	    (double)st->ingest_peers_dropped);
	http_single(b, "wallboard_control_requests_total", "counter",
	    "Requests on the control socket.", (double)st->control_requests);
	http_single(b, "wallboard_events_per_second", "gauge",
	    "Messages received per second, over the last heartbeat.",
	    st->events_per_s);
}

/* The HTTP server's own counters (httpd.h). */
static const struct {
	const char *name;
	const char *type;
	const char *help;
	size_t offset;
} http_server_counters[] = {
	{ "wallboard_http_connections", "gauge", "HTTP connections open now.",
	  offsetof(struct httpd_stats, open) },
	{ "wallboard_http_accepted_total", "counter", "HTTP connections "
	  "accepted.", offsetof(struct httpd_stats, accepted) },
	{ "wallboard_http_evicted_total", "counter", "HTTP connections closed "
	  "at http.max_connections to make room for a new one: the oldest "
	  "with no request in progress.", offsetof(struct httpd_stats, evicted) },
	{ "wallboard_http_accept_errors_total", "counter", "Times accept() "
	  "failed (out of fds, say) and the listener paused for 1 s.",
	  offsetof(struct httpd_stats, accept_errors) },
	{ "wallboard_http_header_timeouts_total", "counter", "HTTP connections "
	  "closed with no whole request within http.header_timeout.",
	  offsetof(struct httpd_stats, header_timeouts) },
	{ "wallboard_http_idle_timeouts_total", "counter", "Kept-alive HTTP "
	  "connections closed after http.idle_timeout without a request.",
	  offsetof(struct httpd_stats, idle_timeouts) },
	{ "wallboard_http_write_timeouts_total", "counter", "HTTP connections "
	  "closed when the client did not take its response within "
	  "http.header_timeout.", offsetof(struct httpd_stats, write_timeouts) },
	{ "wallboard_http_bad_requests_total", "counter", "HTTP requests "
	  "refused as malformed, too large or with a body (400, 413, 431, "
	  "501, 505); each closed its connection.",
	  offsetof(struct httpd_stats, bad_requests) },
	{ "wallboard_http_busy_total", "counter", "HTTP responses refused with "
	  "503 because responses waiting for their clients to read them held "
	  "the 256 MiB the server queues in all.",
	  offsetof(struct httpd_stats, busy) },
	{ "wallboard_http_requests_total", "counter", "HTTP requests answered "
	  "by a route (404 and 405 included; this scrape not yet).",
	  offsetof(struct httpd_stats, requests) },
};

static void
http_server(struct evbuffer *b, const struct httpd_stats *h)
{
	for (size_t k = 0; k < HTTP_NITEMS(http_server_counters); k++)
		http_single(b, http_server_counters[k].name,
		    http_server_counters[k].type, http_server_counters[k].help,
		    (double)*(const uint64_t *)(const void *)((const char *)h +
		    http_server_counters[k].offset));
}

/* Days rebuilt from their journals for reports (docs/history.md). */
static void
http_report_days(struct evbuffer *b)
{
	struct report_day_stats rd;

	report_day_stats(&rd);
	http_single(b, "wallboard_report_days_rebuilt_total", "counter",
	    "Days replayed from their journal for a report (days before "
	    "yesterday, and any day's agents' report).",
	    (double)rd.rebuilt);
	http_single(b, "wallboard_report_days_kept_total", "counter",
	    "Reports answered from the day kept (no replay).",
	    (double)rd.kept);
	http_single(b, "wallboard_report_days_refused_total", "counter",
	    "Reports needing another replay asked sooner than "
	    "history.rebuild_every after one.", (double)rd.refused);
	http_single(b, "wallboard_report_day_rebuild_seconds", "gauge",
	    "How long the last day's replay for a report took.",
	    (double)rd.last_ms / 1000);
}

/* Names the feeds may make it hold (limits:), by kind. */
static void
http_limits(struct evbuffer *b, const struct engine *e)
{
	static const struct { const char *name, *type, *help; } fam[] = {
		{ "wallboard_limit", "gauge", "The most of a kind of name "
		  "held (limits:)." },
		{ "wallboard_limit_held", "gauge", "Names of a kind held now." },
		{ "wallboard_limit_refused_total", "counter", "Events refused "
		  "(ended calls, callers: not remembered) at the limit." },
	};
	struct engine_limit_info li;
	struct http_label l = { "kind", NULL };

	for (size_t f = 0; f < HTTP_NITEMS(fam); f++) {
		http_family(b, fam[f].name, fam[f].type, fam[f].help);
		for (int k = 0; k < LIMIT_COUNT; k++) {
			engine_limit_info(e, (enum engine_limit)k, &li);
			l.value = li.key;
			http_int(b, fam[f].name, &l, 1, f == 0 ? li.limit :
			    f == 1 ? li.held : li.refused);
		}
	}
}

static void
http_daemon(struct evbuffer *b, const struct service_state *st)
{
	struct engine_memory m;
	struct journal_pending jp;

	http_counters(b, st->stats);
	http_server(b, &st->stats->http);
	engine_memory(st->engine, &m);
	http_single(b, "wallboard_engine_memory_bytes", "gauge",
	    "Bytes the engine holds: windows, calls, callers, agents "
	    "(an estimate; the process's is process_resident_memory_bytes).",
	    (double)m.total);
	http_single(b, "process_resident_memory_bytes", "gauge",
	    "Resident memory of the daemon, bytes.", (double)proc_rss_bytes());
	http_single(b, "wallboard_history_abandoned_dropped_total", "counter",
	    "Abandoned calls left off the day's list past "
	    "history.max_abandoned (counted in the figures all the same).",
	    (double)history_abandons_dropped(engine_history(st->engine)));
	http_limits(b, st->engine);
	http_report_days(b);
	journal_pending(st->journal, &jp);
	http_single(b, "wallboard_journal_ok", "gauge",
	    "1 while the journal is written, 0 while its file cannot be.",
	    journal_ok(st->journal));
	http_single(b, "wallboard_journal_unwritten_records", "gauge",
	    "Records waiting in memory while the journal cannot be written.",
	    (double)jp.records);
	http_single(b, "wallboard_journal_unwritten_bytes", "gauge",
	    "Bytes of records waiting in memory (at most journal.max_pending).",
	    (double)jp.bytes);
	http_single(b, "wallboard_journal_lost_records_total", "counter",
	    "Records dropped from the wait past journal.max_pending: in the "
	    "figures, not in the journal.", (double)jp.lost_records);
	http_single(b, "wallboard_journal_lost_bytes_total", "counter",
	    "Bytes of those records.", (double)jp.lost_bytes);
	http_single(b, "wallboard_journal_replayed_records", "gauge",
	    "Journal records replayed at the last start or reload.",
	    (double)st->stats->replayed);
	http_single(b, "wallboard_journal_replay_ms", "gauge",
	    "Time the last replay of the journal took, ms.",
	    (double)st->stats->replay_ms);
	http_single(b, "wallboard_journal_damaged_records", "gauge",
	    "Journal records lost to damage, skipped at the last start or "
	    "reload (exact, or an estimate for an old format file).",
	    (double)st->stats->replay_result.lost_records);
	http_single(b, "wallboard_journal_damaged_bytes", "gauge",
	    "Damaged journal bytes skipped at the last start or reload.",
	    (double)st->stats->replay_result.lost_bytes);
	http_single(b, "wallboard_journal_damaged_regions", "gauge",
	    "Damaged regions of the journal skipped at the last start or reload.",
	    (double)st->stats->replay_result.regions);
}

/* ---- requests ---------------------------------------------------------- */

static void
http_reply(struct httpd_req *req, int code, const char *reason,
    const char *type, struct evbuffer *body)
{
	httpd_header(req, "Content-Type", type);
	httpd_header(req, "Cache-Control", "no-store");
	httpd_header(req, "X-Content-Type-Options", "nosniff");
	httpd_reply(req, code, reason, body);
}

static void
http_text(struct httpd_req *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add(b, text, strlen(text));
	http_reply(req, code, reason, HTTP_TYPE_TEXT, b);
	evbuffer_free(b);
}

/* A feed's name for a line of text: control bytes as '?'. */
static void
http_name(char *out, size_t len, const char *name)
{
	size_t i = 0;

	for (; name[i] != '\0' && i + 1 < len; i++)
		out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ?
		    '?' : name[i];
	out[i] = '\0';
}

/*
 * Degraded, when the figures are not fresh: every feed heard from that has
 * been silent for feeds.stale_after, as the boards mark it. 0 with nothing
 * written when all are live.
 */
static int
http_degraded(char *out, size_t len, const struct service_state *st)
{
	struct engine *e = st->engine;
	int64_t limit = st->config->feeds_stale_after_ms;
	size_t heard = engine_feeds_heard(e), silent, used = 0;
	size_t idx[HTTP_SILENT_NAMED];
	char quiet[16], lim[16], name[64];
	struct feed_info f;

	/* The longest silent first, as many as fit; the count says the rest. */
	silent = engine_silent_feeds(e, st->now, idx, HTTP_SILENT_NAMED);
	for (size_t i = 0; i < silent && i < HTTP_SILENT_NAMED; i++) {
		engine_feed_info(e, idx[i], &f);
		if (i == 0)
			used = (size_t)snprintf(out, len, "degraded: silent feeds:");
		if (used + 40 < len) {
			metric_format_duration(st->now - f.last_event, quiet,
			    sizeof quiet);
			http_name(name, sizeof name, f.name);
			used += (size_t)snprintf(out + used, len - used, "%s %s for %s",
			    i > 0 ? "," : "", name, quiet);
		}
	}
	if (heard == 0) {
		snprintf(out, len, "degraded: no event from any feed yet\n");
		return 1;
	}
	if (silent == 0)
		return 0;
	metric_format_duration(limit, lim, sizeof lim);
	if (used < len)
		snprintf(out + used, len - used, " (%zu of %zu; stale after %s): "
		    "the boards show their figures as stale\n", silent, heard, lim);
	return 1;
}

/* The day's figures rest on a journal the replay found damaged: a line
 * for /healthz, into out; its length (0: not damaged). The copy by its
 * name only: this answers anyone who can reach the port. */
static size_t
http_journal_damage(char *out, size_t len, const struct service_state *st)
{
	const struct journal_replay_result *r = &st->stats->replay_result;
	const char *copy = strrchr(r->first_copy, '/');
	int n;

	if (!r->corrupt)
		return 0;
	copy = copy != NULL ? copy + 1 : r->first_copy;
	n = snprintf(out, len, "degraded: the day rests on a damaged journal: "
	    "%s%llu records (%llu bytes) lost at byte %llu%s (kept as %s)\n",
	    r->lost_estimated ? "about " : "",
	    (unsigned long long)r->lost_records, (unsigned long long)r->lost_bytes,
	    (unsigned long long)r->first_offset,
	    r->regions > 1 ? " and in more places" : "", copy);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* Running, since this is answering; healthy if the journal is kept (503
 * while its file cannot be written: the daemon's own trouble, and a restart
 * then would lose what waits); degraded (still 200: the daemon serves, a
 * feed does not, or the day's figures miss what a damaged journal lost)
 * when a feed is silent or the start-up replay skipped damage. */
static void
http_healthz(struct httpd_req *req, const struct service *svc)
{
	struct service_state st;
	char why[2048];
	struct journal_pending jp;
	size_t used;

	svc->state(svc->server, false, &st);
	if (st.engine == NULL)
		http_text(req, 503, "Service Unavailable", "starting\n");
	else if (st.journal == NULL)
		http_text(req, 503, "Service Unavailable", "journal: not open\n");
	else if (!journal_ok(st.journal)) {
		journal_pending(st.journal, &jp);
		/* no path: this answers anyone who can reach the port */
		snprintf(why, sizeof why, "journal: cannot write (%s); %llu "
		    "records wait in memory%s: a restart would lose %s\n",
		    strerror(jp.error ? jp.error : EIO), (unsigned long long)jp.records,
		    jp.lost_records ? ", more were lost" : "",
		    jp.lost_records ? "the day" : "them");
		http_text(req, 503, "Service Unavailable", why);
	}
	else {
		used = http_journal_damage(why, sizeof why, &st);
		if (http_degraded(why + used, sizeof why - used, &st) || used > 0)
			http_text(req, 200, "OK", why);
		else
			http_text(req, 200, "OK", "ok\n");
	}
}

static void
http_metrics(struct httpd_req *req, const struct service *svc)
{
	struct evbuffer *b = evbuffer_new();
	struct service_state st;
	struct http_scopes sc;

	if (b == NULL)
		fatalx("out of memory");
	svc->state(svc->server, true, &st);     /* figures as of the clock */
	http_scopes_read(&sc, st.engine);
	http_windowed(b, st.engine, &sc);
	http_now(b, &sc);
	http_scopes_free(&sc);
	http_feeds(b, st.engine);
	http_alerts(b, st.alerts);
	http_daemon(b, &st);
	web_metrics(svc->web, b);               /* the boards' streams */
	http_reply(req, 200, "OK", HTTP_TYPE_METRICS, b);
	evbuffer_free(b);
}

static void
http_json(struct httpd_req *req, const char *json)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL)
		fatalx("out of memory");
	evbuffer_add(b, json, strlen(json));
	http_reply(req, 200, "OK", HTTP_TYPE_JSON, b);
	evbuffer_free(b);
}

static void
http_snapshot(struct httpd_req *req, const struct service *svc)
{
	http_json(req, svc->snapshot(svc->server));
}

static void
http_alert_history(struct httpd_req *req, const struct service *svc)
{
	http_json(req, svc->alerts(svc->server));
}

#define HTTP_REPORT_SCOPES 64
#define HTTP_REPORT_ROWS 20000
#define HTTP_PARAM_MAX 256

static int
http_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode one query value (len bytes at s, '+' a space) into out;
 * false when it is too long or not text. */
static bool
http_decode(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned hex;
		char c = s[i];

		if (n + 1 >= cap)
			return false;
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < len && http_hex(s[i + 1]) >= 0 &&
		    http_hex(s[i + 2]) >= 0) {
			hex = (unsigned)(http_hex(s[i + 1]) * 16 + http_hex(s[i + 2]));
			c = (char)hex;
			i += 2;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return text_problem(out, n) == NULL;
}

struct http_report_args {
	char day[HTTP_PARAM_MAX], interval[HTTP_PARAM_MAX], format[HTTP_PARAM_MAX];
	char kind[HTTP_PARAM_MAX], team[HTTP_PARAM_MAX];
	char scope[HTTP_REPORT_SCOPES][HTTP_PARAM_MAX];
	char *scopes[HTTP_REPORT_SCOPES];
	size_t n_scopes;
};

/* day, interval, format, scope... from the query; a sentence on error. */
static const char *
http_report_args(const char *q, struct http_report_args *a)
{
	while (*q != '\0') {
		size_t len = strcspn(q, "&"), klen = strcspn(q, "=&");
		const char *v = q + klen + (klen < len);
		size_t vlen = len - klen - (klen < len);
		char *to = NULL;

		if (klen == 3 && strncmp(q, "day", 3) == 0)
			to = a->day;
		else if (klen == 8 && strncmp(q, "interval", 8) == 0)
			to = a->interval;
		else if (klen == 6 && strncmp(q, "format", 6) == 0)
			to = a->format;
		else if (klen == 4 && strncmp(q, "kind", 4) == 0)
			to = a->kind;
		else if (klen == 4 && strncmp(q, "team", 4) == 0)
			to = a->team;
		else if (klen == 5 && strncmp(q, "scope", 5) == 0) {
			if (a->n_scopes == HTTP_REPORT_SCOPES)
				return "at most 64 scope parameters\n";
			to = a->scopes[a->n_scopes] = a->scope[a->n_scopes];
			a->n_scopes++;
		}
		if (to != NULL && !http_decode(v, vlen, to, HTTP_PARAM_MAX))
			return "a parameter too long or not text\n";
		q += len + (q[len] == '&');
	}
	return NULL;
}

static void
http_report(struct httpd_req *req, const struct service *svc)
{
	static struct http_report_args a;
	struct report_text t = { 0 };
	struct service_state st;
	struct evbuffer *b;
	const char *why;
	char err[512], dropped[32];
	bool csv;
	struct report_request rq = { .max_rows = HTTP_REPORT_ROWS,
	    .mono_ms = proc_mono_ms };

	memset(&a, 0, sizeof a);
	if ((why = http_report_args(httpd_req_query(req), &a)) != NULL) {
		http_text(req, 400, "Bad Request", why);
		return;
	}
	csv = strcmp(a.format, "csv") == 0;
	if (!csv && a.format[0] != '\0' && strcmp(a.format, "json") != 0) {
		http_text(req, 400, "Bad Request", "format: json or csv\n");
		return;
	}
	if (!report_parse_kind(a.kind, &rq.kind)) {
		http_text(req, 400, "Bad Request",
		    "kind: intervals or abandoned, or agents\n");
		return;
	}
	rq.format = csv ? REPORT_CSV : REPORT_JSON;
	rq.scopes = a.scopes;
	rq.n_scopes = a.n_scopes;
	rq.team = a.team;
	svc->state(svc->server, true, &st);
	/* Individual figures are for the agent and their team leader, not
	 * for whoever reaches the port (docs/history.md). */
	if (report_wants_agents(&rq) && !st.config->http_agent_reports) {
		http_text(req, 403, "Forbidden", "agents' own figures are not "
		    "served over HTTP unless the config says http: "
		    "{agent_reports: true}; ask with wallboardctl report "
		    "--team T on the daemon's host\n");
		return;
	}
	if (!report_answer_any_day(st.engine, a.day, a.interval, &rq, &t, err,
	    sizeof err - 1)) {
		/* Another old day was rebuilt a moment ago: come back later */
		bool busy = strncmp(err, "busy:", 5) == 0;
		const char *again = strstr(err, "try again in ");
		char secs[24];

		strcat(err, "\n");
		if (busy) {
			snprintf(secs, sizeof secs, "%d", again != NULL ?
			    atoi(again + strlen("try again in ")) : 10);
			httpd_header(req, "Retry-After", secs);
		}
		http_text(req, busy ? 503 : 400, busy ? "Service Unavailable" :
		    "Bad Request", err);
		return;
	}
	if ((b = evbuffer_new()) == NULL)
		fatalx("out of memory");
	evbuffer_add(b, t.buf, t.len);
	if (rq.truncated)
		httpd_header(req, "X-Wallboard-Truncated", "rows");
	if (rq.kind == REPORT_ABANDONED) {
		snprintf(dropped, sizeof dropped, "%llu",
		    (unsigned long long)rq.dropped);
		httpd_header(req, "X-Wallboard-Dropped", dropped);
	}
	http_reply(req, 200, "OK", csv ? "text/csv; charset=utf-8; header=present" :
	    "application/x-ndjson", b);
	evbuffer_free(b);
	free(t.buf);
}

static const struct {
	const char *path;
	void (*serve)(struct httpd_req *, const struct service *);
} http_routes[] = {
	{ "/healthz", http_healthz },
	{ "/metrics", http_metrics },
	{ "/api/v1/snapshot", http_snapshot },
	{ "/api/v1/alerts", http_alert_history },
	{ "/api/v1/report", http_report },
};

/* Every request: the path (query aside) picks the route, then the method. */
static void
http_on_request(struct httpd_req *req, void *arg)
{
	const struct http *http = arg;
	const char *path = httpd_req_path(req);
	const char *method = httpd_req_method(req);

	if (web_serve(http->svc->web, req))     /* the boards (web.c) */
		return;
	for (size_t i = 0; i < HTTP_NITEMS(http_routes); i++) {
		if (strcmp(path, http_routes[i].path) != 0)
			continue;
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			http_routes[i].serve(req, http->svc);
		else {
			httpd_header(req, "Allow", "GET, HEAD");
			http_text(req, 405, "Method Not Allowed",
			    "method not allowed: only GET and HEAD\n");
		}
		return;
	}
	http_text(req, 404, "Not Found", "not found\n");
}

/* ---- life -------------------------------------------------------------- */

/*
 * Listen on http.listen, unless it is off ("" or NULL), with the limits of
 * http.max_connections, header_timeout and idle_timeout (read here, at
 * start: a reload does not change them). A failure to listen is an error:
 * -1 with a sentence in err.
 */
int
http_open(struct http **hp, struct proc *proc, const struct config *c,
    const struct service *svc, struct httpd_stats *stats, char *err,
    size_t errlen)
{
	const char *address = c->http_listen;
	struct httpd_limits lim = { .max_connections = c->http_max_connections,
	    .header_timeout_ms = c->http_header_timeout_ms,
	    .idle_timeout_ms = c->http_idle_timeout_ms };
	struct http *http;
	char host[256], why[128];
	unsigned port;

	*hp = NULL;
	if (address == NULL || *address == '\0') {
		log_msg(LOG_INFO, "http: off");
		return 0;
	}
	if (!config_listen_split(address, host, sizeof host, &port)) {
		snprintf(err, errlen, "http.listen '%s' is not HOST:PORT", address);
		return -1;
	}
	http = xcalloc(1, sizeof *http);
	http->svc = svc;
	http->httpd = httpd_open(proc, host, port, &lim, stats, http_on_request,
	    http, why, sizeof why);
	if (http->httpd == NULL) {
		snprintf(err, errlen, "http.listen %s: cannot listen there: %s",
		    address, why);
		http_close(&http);
		return -1;
	}
	log_msg(LOG_INFO, "http: listening on %s (at most %" PRId64
	    " connections)", address, httpd_max_connections(http->httpd));
	*hp = http;
	return 0;
}

/* Close the listener and any open connection. Safe if never opened. */
void
http_close(struct http **hp)
{
	struct http *http = *hp;

	if (http == NULL)
		return;
	httpd_close(&http->httpd);
	free(http);
	*hp = NULL;
}
