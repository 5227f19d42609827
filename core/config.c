/*
 * config.c: the typed configuration, loaded from YAML through tables of keys.
 *
 * Each section is a table of keys (redis style): a key's name, how to read
 * its YAML node, how to read its text, where it goes, its bounds and its
 * default written the way a config file would say it. One walker checks any
 * mapping against its table (unknown keys, with a suggestion; duplicates)
 * and then reads the keys in table order, so a section that depends on
 * another (queues on defaults, alerts on windows) always sees it first,
 * wherever it sits in the file. config_default() applies the same tables'
 * defaults through the same readers, so a default cannot drift from what
 * the parser would make of it.
 *
 * Errors never stop the walk: each is recorded with its position and the
 * walk moves on, so one run shows a person every problem. They are sorted by
 * position at the end, because table order is not file order.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>
#include <cjson/cJSON.h>

#include "event.h"
#include "metric.h"
#include "units.h"
#include "xalloc.h"

/* One error, kept apart from its text until the end so they can be sorted. */
struct config_error {
	size_t		 line;		/* 1-based */
	size_t		 column;	/* 1-based */
	size_t		 order;		/* keeps equal positions in found order */
	char		*message;
};

struct config_loader {
	const char		*path;
	yaml_document_t		*document;
	struct config		*config;
	struct config_error	*errors;
	size_t			 n_errors;
	struct config_error	*warnings;	/* kept only if no error */
	size_t			 n_warnings;
};

struct config_key;

/* Reads a key's YAML value into base (the struct its table describes). */
typedef void config_node_fn(struct config_loader *, const struct config_key *,
    yaml_node_t *, void *);
/*
 * Reads one scalar (or one item of a list) into base. node is NULL (and so
 * is loader) when applying a table default.
 */
typedef bool config_text_fn(struct config_loader *, const struct config_key *,
    const char *, const yaml_node_t *, void *);

struct config_key {
	const char		*name;
	config_node_fn		*node;
	config_text_fn		*text;
	const char		*what;		/* "a duration": for type errors */
	size_t			 offset;	/* into base */
	size_t			 count_offset;	/* lists: the size_t count */
	double			 min;		/* bounds; ms for durations */
	double			 max;		/* 0: none */
	bool			 open_min;	/* min itself is refused */
	const char *const	*names;		/* enums: the names, in order */
	const char		*def;		/* default; lists split on ',' */
	const struct config_key	*keys;		/* a section's keys */
};

/* Room for the longest table; checked by config_walk. */
#define CONFIG_MAX_KEYS 24

#define DAY_MS (24.0 * 3600 * 1000)

static config_node_fn config_node_scalar, config_node_strings,
    config_node_windows, config_node_section, config_node_capture,
    config_node_queues, config_node_teams, config_node_agents,
    config_node_alerts, config_node_team_queues, config_node_agent_queues,
    config_node_boards, config_node_board_scopes, config_node_scope_list,
    config_node_pages, config_node_tiles;
static config_text_fn config_text_string, config_text_duration,
    config_text_share, config_text_number, config_text_clock, config_text_size,
    config_text_count,
    config_text_enum, config_text_timezone, config_text_scope,
    config_text_listen, config_text_token,
    config_item_string, config_item_window, config_item_team_agent,
    config_item_team_queue, config_item_agent_queue, config_text_bool,
    config_item_scope;

static const char *const config_formula_names[] = {
	[SL_STANDARD] = "standard",
	[SL_ANSWERED] = "answered",
	[SL_ABANDONS_POSITIVE] = "abandons_positive",
	[SL_ABANDONS_IGNORED] = "abandons_ignored",
	[SL_ASTERISK] = "asterisk",
	[SL_ASTERISK2] = "asterisk2",
	NULL
};

static const char *const config_severity_names[] = {
	[SEVERITY_INFO] = "info",
	[SEVERITY_WARNING] = "warning",
	[SEVERITY_CRITICAL] = "critical",
	NULL
};

/* Shorthands for table rows; T is the struct the table describes. */
#define KEY_STRING(n, T, f, d) { .name = n, .node = config_node_scalar,	\
	.text = config_text_string, .what = "a string",			\
	.offset = offsetof(T, f), .def = d }
#define KEY_DURATION(n, T, f, lo, d) { .name = n,			\
	.node = config_node_scalar, .text = config_text_duration,	\
	.what = "a duration", .offset = offsetof(T, f), .min = lo, .def = d }
#define KEY_SIZE(n, T, f, lo, hi, d) { .name = n,			\
	.node = config_node_scalar, .text = config_text_size,		\
	.what = "a size", .offset = offsetof(T, f), .min = lo, .max = hi, \
	.def = d }
/* A whole number of things ("10000"), stored as int64_t. */
#define KEY_COUNT(n, T, f, lo, hi, d) { .name = n,			\
	.node = config_node_scalar, .text = config_text_count,		\
	.what = "a whole number", .offset = offsetof(T, f), .min = lo,	\
	.max = hi, .def = d }
#define KEY_SHARE(n, T, f, d) { .name = n, .node = config_node_scalar,	\
	.text = config_text_share, .what = "a share",			\
	.offset = offsetof(T, f), .def = d }
#define KEY_ENUM(n, T, f, list, d) { .name = n, .node = config_node_scalar, \
	.text = config_text_enum, .what = "a string", .offset = offsetof(T, f), \
	.names = list, .def = d }
#define KEY_STRINGS(n, T, f, nf, d) { .name = n,			\
	.node = config_node_strings, .text = config_item_string,	\
	.what = "a string", .offset = offsetof(T, f),			\
	.count_offset = offsetof(T, nf), .def = d }
/* A section; off is where its keys' struct sits in base (0: base itself). */
#define KEY_SECTION(n, off, k) { .name = n, .node = config_node_section, \
	.offset = off, .keys = k }
#define KEY_CAPTURE(n, T, f) { .name = n, .node = config_node_capture,	\
	.offset = offsetof(T, f) }

/*
 * A queue's service settings, for `defaults:` (T = struct queue_settings,
 * P empty) and for each queue (T = struct config_queue, P = settings.). Only
 * `defaults:` applies the defaults written here; a queue starts from the
 * loaded `defaults:` instead.
 */
#define KEYS_SETTINGS(T, P)						\
	KEY_DURATION("sl_threshold", T, P sl_threshold_ms, 0, "20s"),	\
	KEY_SHARE("sl_target", T, P sl_target, "80%"),			\
	KEY_DURATION("short_abandon", T, P short_abandon_ms, 0, "5s"),	\
	KEY_ENUM("sl_formula", T, P sl_formula, config_formula_names,	\
	    "standard"),						\
	KEY_DURATION("repeat_window", T, P repeat_window_ms, 0, "24h")

/* Targets of an agent report (no default: unset is 0, shown as null). */
static const struct config_key config_targets_keys[] = {
	KEY_DURATION("aht", struct config_targets, aht_ms, 0, NULL),
	KEY_SHARE("occupancy", struct config_targets, occupancy, NULL),
	KEY_SHARE("fcr", struct config_targets, fcr, NULL),
	KEY_SHARE("csat", struct config_targets, csat, NULL),
	{ .name = NULL }
};

static const struct config_key config_settings_keys[] = {
	KEYS_SETTINGS(struct queue_settings, ),
	KEY_SECTION("targets", offsetof(struct queue_settings, targets),
	    config_targets_keys),
	{ .name = NULL }
};

static const struct config_key config_queue_keys[] = {
	KEY_STRING("label", struct config_queue, label, NULL),
	KEYS_SETTINGS(struct config_queue, settings.),
	{ .name = NULL }
};

static const struct config_key config_team_keys[] = {
	KEY_STRING("label", struct config_team, label, NULL),
	{ .name = "agents", .node = config_node_strings,
	  .text = config_item_team_agent, .what = "a string",
	  .offset = offsetof(struct config_team, agents),
	  .count_offset = offsetof(struct config_team, n_agents) },
	{ .name = "queues", .node = config_node_team_queues,
	  .text = config_item_team_queue, .what = "a string",
	  .offset = offsetof(struct config_team, queues),
	  .count_offset = offsetof(struct config_team, n_queues) },
	KEY_SECTION("targets", offsetof(struct config_team, targets),
	    config_targets_keys),
	{ .name = NULL }
};

static const struct config_key config_agent_keys[] = {
	KEY_STRING("name", struct config_agent, name, NULL),
	KEY_STRING("team", struct config_agent, team, NULL),
	{ .name = "queues", .node = config_node_agent_queues,
	  .text = config_item_agent_queue, .what = "a string",
	  .offset = offsetof(struct config_agent, queues),
	  .count_offset = offsetof(struct config_agent, n_queues) },
	{ .name = NULL }
};

/*
 * An alert rule being read. The keys whose meaning depends on another key
 * (the threshold's syntax on the metric's kind, the window on the metric)
 * are only captured by the walk and read afterwards.
 */
struct config_alert_draft {
	struct config_alert	 alert;
	yaml_node_t		*name;
	yaml_node_t		*metric;
	yaml_node_t		*window;
	yaml_node_t		*below;
	yaml_node_t		*above;
	yaml_node_t		*clear;
};

static const struct config_key config_alert_keys[] = {
	KEY_CAPTURE("name", struct config_alert_draft, name),
	KEY_CAPTURE("metric", struct config_alert_draft, metric),
	KEY_CAPTURE("window", struct config_alert_draft, window),
	{ .name = "scope", .node = config_node_scalar,
	  .text = config_text_scope, .what = "a string",
	  .offset = offsetof(struct config_alert_draft, alert.scope),
	  .def = "all" },
	KEY_CAPTURE("below", struct config_alert_draft, below),
	KEY_CAPTURE("above", struct config_alert_draft, above),
	KEY_DURATION("for", struct config_alert_draft, alert.for_ms, 0, "0s"),
	KEY_CAPTURE("clear", struct config_alert_draft, clear),
	KEY_ENUM("severity", struct config_alert_draft, alert.severity,
	    config_severity_names, "warning"),
	{ .name = NULL }
};

static const struct config_key config_site_keys[] = {
	KEY_STRING("name", struct config, site_name, "wallboard"),
	{ .name = "timezone", .node = config_node_scalar,
	  .text = config_text_timezone, .what = "a string",
	  .offset = offsetof(struct config, timezone), .def = "UTC" },
	{ .name = "day_start", .node = config_node_scalar,
	  .text = config_text_clock, .what = "a time (HH:MM)",
	  .offset = offsetof(struct config, day_start_minutes),
	  .def = "00:00" },
	{ .name = NULL }
};

static const struct config_key config_feeds_keys[] = {
	KEY_DURATION("stale_after", struct config, feeds_stale_after_ms, 1000,
	    "30s"),
	KEY_DURATION("max_ahead", struct config, feeds_max_ahead_ms, 0, "1h"),
	{ .name = NULL }
};

/* ingest.nats (docs/nats.md): where the events' stream is, and how a
 * missing one is made. */
static const struct config_key config_nats_keys[] = {
	KEY_STRINGS("servers", struct config, nats_servers, n_nats_servers, ""),
	KEY_STRING("stream", struct config, nats_stream, "WALLBOARD"),
	KEY_STRINGS("subjects", struct config, nats_subjects, n_nats_subjects,
	    "wallboard.events.>"),
	KEY_STRING("credentials", struct config, nats_credentials, ""),
	KEY_COUNT("replicas", struct config, nats_replicas, 1, 5, "1"),
	/* today's and yesterday's events at least: a restart reads them */
	KEY_DURATION("max_age", struct config, nats_max_age_ms, 48 * 3600 * 1000LL,
	    "72h"),
	KEY_DURATION("duplicate_window", struct config, nats_duplicates_ms,
	    1000, "2h"),
	{ .name = NULL }
};

static const struct config_key config_ingest_keys[] = {
	KEY_STRINGS("bind", struct config, ingest_bind, n_ingest_bind,
	    "tcp://*:7410"),
	KEY_STRINGS("connect", struct config, ingest_connect,
	    n_ingest_connect, ""),
	/* A peer that sends a bigger message is cut off by ZeroMQ before the
	 * message is held; one up to this size is read and, over the 64 KiB
	 * an event may be, counted as too long. */
	KEY_SIZE("max_message", struct config, ingest_max_message, 64 * 1024,
	    64 * 1024 * 1024, "128KiB"),
	/* Peers that connect to the binds (feeds) at once; more are refused
	 * at the ZMTP handshake (daemon/peers.c). Connections the daemon makes
	 * itself (ingest.connect) are not counted. */
	KEY_COUNT("max_peers", struct config, ingest_max_peers, 1, 10000, "64"),
	/* What received events waiting to be applied may hold: a burst, or
	 * the seconds a reload rebuilds the day. Past it, dropped, counted. */
	KEY_SIZE("max_queue", struct config, ingest_max_queue, 16 * 1024 * 1024,
	    4LL * 1024 * 1024 * 1024, "64MiB"),
	KEY_SECTION("nats", 0, config_nats_keys),
	{ .name = NULL }
};

/* history: the day's intervals (core/history.h, docs §6.13). */
static const char *const config_interval_names[] = { "15m", "30m", "60m", NULL };

static const struct config_key config_history_keys[] = {
	/* Reports' default interval, and the trends' */
	KEY_ENUM("interval", struct config, history_interval,
	    config_interval_names, "15m"),
	/* Intervals in each scope's trend in the snapshot: its size */
	KEY_COUNT("trend_points", struct config, history_trend_points, 1, 16,
	    "8"),
	/* Abandoned calls listed a day, for calling back; past it counted
	 * (history_abandoned_dropped), not listed */
	KEY_COUNT("max_abandoned", struct config, history_max_abandoned, 0,
	    1000000, "20000"),
	/* A report of a day before yesterday replays its journal file:
	 * files larger than this are refused (report them offline) */
	KEY_SIZE("rebuild_max_bytes", struct config, history_rebuild_max_bytes,
	    0, 1LL << 40, "256MiB"),
	/* ... and a different day than the last one rebuilt (which is kept)
	 * at most once in this long: others are told to try again */
	KEY_DURATION("rebuild_every", struct config, history_rebuild_every_ms,
	    0, "10s"),
	{ .name = NULL }
};

/* What the state directory keeps (core/journal.h, README "Personal data"). */
static const struct config_key config_journal_keys[] = {
	/* Old days' files, for history and reports; replay at start reads
	 * only yesterday's and today's. */
	KEY_COUNT("keep_days", struct config, journal_keep_days, 1, 3660, "7"),
	/* All journal files together; past it the oldest day goes first,
	 * never today's. */
	KEY_SIZE("max_bytes", struct config, journal_max_bytes,
	    16 * 1024 * 1024, 1LL << 50, "2GiB"),   /* 1 PiB */
	/* While the disk refuses writes (full), records wait in memory and
	 * are written when it takes them again; past this the oldest are
	 * lost from the journal (not from the live figures), counted. */
	KEY_SIZE("max_pending", struct config, journal_max_pending,
	    1024 * 1024, 4LL * 1024 * 1024 * 1024, "64MiB"),
	{ .name = NULL }
};

static const struct config_key config_publish_keys[] = {
	KEY_STRINGS("bind", struct config, publish_bind, n_publish_bind,
	    "tcp://*:7411"),
	/* Where the boards on this config connect: several for a hot
	 * standby (display/standby.h), or relays; default: the first bind,
	 * on this machine. */
	KEY_STRINGS("endpoints", struct config, publish_endpoints,
	    n_publish_endpoints, ""),
	{ .name = "max_rate", .node = config_node_scalar,
	  .text = config_text_number, .what = "a number",
	  .offset = offsetof(struct config, publish_max_rate),
	  .min = 0, .open_min = true, .max = 1000, .def = "10" },
	KEY_DURATION("heartbeat", struct config, publish_heartbeat_ms, 100,
	    "1s"),
	/* What boards may make the daemon hold: so many subscribers, each
	 * with so many messages queued (docs/operations: limits). */
	KEY_COUNT("max_subscribers", struct config, publish_max_subscribers,
	    1, 10000, "64"),
	KEY_COUNT("queue", struct config, publish_queue, 1, 64, "4"),
	{ .name = NULL }
};

static const struct config_key config_http_keys[] = {
	{ .name = "listen", .node = config_node_scalar,
	  .text = config_text_listen, .what = "a string",
	  .offset = offsetof(struct config, http_listen),
	  .def = "127.0.0.1:7412" },
	KEY_COUNT("max_connections", struct config, http_max_connections, 1,
	    65536, "256"),
	{ .name = "agent_reports", .node = config_node_scalar,
	  .text = config_text_bool, .what = "true or false",
	  .offset = offsetof(struct config, http_agent_reports),
	  .def = "false" },
	KEY_DURATION("header_timeout", struct config, http_header_timeout_ms,
	    100, "10s"),
	KEY_DURATION("idle_timeout", struct config, http_idle_timeout_ms, 100,
	    "60s"),
	{ .name = NULL }
};

/* The browser board (docs/web.md): its own listener, tokens, headers, and
 * what its event streams may make the daemon hold. */
static const struct config_key config_web_keys[] = {
	{ .name = "listen", .node = config_node_scalar,
	  .text = config_text_listen, .what = "a string",
	  .offset = offsetof(struct config, web_listen), .def = "" },
	{ .name = "token", .node = config_node_scalar,
	  .text = config_text_token, .what = "a string",
	  .offset = offsetof(struct config, web_token) },
	KEY_STRING("frame_ancestors", struct config, web_frame_ancestors,
	    "'none'"),
	KEY_COUNT("max_streams", struct config, web_max_streams, 1, 10000,
	    "64"),
	KEY_SIZE("stream_buffer", struct config, web_stream_buffer,
	    64 * 1024, 1024 * 1024 * 1024, "8MiB"),
	{ .name = NULL }
};

/*
 * How many names the feeds may make the daemon hold (docs/protocol.md
 * §6.9): sized for a 10,000-agent site with room to spare. What the config
 * names counts too, and must fit.
 */
static const struct config_key config_limits_keys[] = {
	KEY_COUNT("feeds", struct config, limit_feeds, 1, 1000000, "256"),
	KEY_COUNT("agents", struct config, limit_agents, 1, 10000000, "20000"),
	KEY_COUNT("queues", struct config, limit_queues, 1, 1000000, "2000"),
	KEY_COUNT("teams", struct config, limit_teams, 1, 1000000, "2000"),
	KEY_COUNT("calls", struct config, limit_calls, 1, 100000000,
	    "100000"),
	KEY_COUNT("callers", struct config, limit_callers, 1, 100000000,
	    "1000000"),
	/* 12 bytes each: 10M is 120 MB; a 10,000-agent site's hour holds
	 * about 1M */
	KEY_COUNT("window_entries", struct config, limit_window_entries,
	    100000, 1000000000, "10000000"),
	KEY_COUNT("alert_history", struct config, limit_alert_history, 10,
	    1000000, "2000"),
	{ .name = NULL }
};

/*
 * The top level. Order matters: each key is read after the ones it refers
 * to (defaults before queues, queues before teams and agents, teams before
 * agents, windows before alerts).
 */
static const struct config_key config_keys[] = {
	KEY_SECTION("site", 0, config_site_keys),
	{ .name = "windows", .node = config_node_windows,
	  .text = config_item_window, .what = "a duration",
	  .offset = offsetof(struct config, windows),
	  .count_offset = offsetof(struct config, n_windows),
	  .min = 0, .open_min = true, .max = 31 * DAY_MS,
	  .def = "15m,60m" },
	KEY_SECTION("defaults", offsetof(struct config, defaults),
	    config_settings_keys),
	{ .name = "queues", .node = config_node_queues },
	{ .name = "teams", .node = config_node_teams },
	{ .name = "agents", .node = config_node_agents },
	{ .name = "alerts", .node = config_node_alerts },
	{ .name = "boards", .node = config_node_boards },
	KEY_DURATION("call_timeout", struct config, call_timeout_ms, 60000,
	    "4h"),
	KEY_SECTION("feeds", 0, config_feeds_keys),
	KEY_SECTION("ingest", 0, config_ingest_keys),
	KEY_SECTION("publish", 0, config_publish_keys),
	KEY_SECTION("http", 0, config_http_keys),
	KEY_SECTION("web", 0, config_web_keys),
	KEY_SECTION("limits", 0, config_limits_keys),
	KEY_SECTION("journal", 0, config_journal_keys),
	KEY_SECTION("history", 0, config_history_keys),
	KEY_STRING("state_dir", struct config, state_dir,
	    "/var/lib/wallboard"),
	{ .name = NULL }
};

/* ------------------------------------------------------------------------
 * Errors and warnings.
 */

static void config_error(struct config_loader *, const yaml_mark_t *,
    const char *, ...) __attribute__((format(printf, 3, 4)));
static void config_warning(struct config_loader *, const yaml_mark_t *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

/* Append a note at mark (1-based in the output, 0-based in libyaml). */
static void
config_note_add(struct config_error **list, size_t *n,
    const yaml_mark_t *mark, const char *fmt, va_list ap)
{
	struct config_error *e;
	va_list copy;
	int len;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0)
		fatalx("config: cannot format '%s'", fmt);
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	e = &(*list)[*n];
	e->line = mark->line + 1;
	e->column = mark->column + 1;
	e->order = (*n)++;
	e->message = xmalloc((size_t)len + 1);
	vsnprintf(e->message, (size_t)len + 1, fmt, ap);
}

/*
 * Record an error at mark. Without a loader we are applying a table's
 * default: a bad one is a bug in this file, not in anyone's config.
 */
static void
config_error(struct config_loader *loader, const yaml_mark_t *mark,
    const char *fmt, ...)
{
	va_list ap;

	if (loader == NULL)
		fatalx("config: bad built-in default (%s)", fmt);
	va_start(ap, fmt);
	config_note_add(&loader->errors, &loader->n_errors, mark, fmt, ap);
	va_end(ap);
}

/* Record a warning at mark: the config loads, but a person should look. */
static void
config_warning(struct config_loader *loader, const yaml_mark_t *mark,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_note_add(&loader->warnings, &loader->n_warnings, mark, fmt, ap);
	va_end(ap);
}

static int
config_error_compare(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Hand notes over as sorted "FILE:LINE:COL: <kind>message" lines into
 * *lines (n of them), and empty the list.
 */
static void
config_notes_take(const char *path, struct config_error **list, size_t *n,
    const char *kind, char ***lines, size_t *n_lines)
{
	struct config_error *e;

	*lines = NULL;
	*n_lines = *n;
	if (*n == 0)
		return;		/* qsort's base may not be NULL */
	qsort(*list, *n, sizeof **list, config_error_compare);
	*lines = xcalloc(*n, sizeof **lines);
	for (size_t i = 0; i < *n; i++) {
		e = &(*list)[i];
		(*lines)[i] = xasprintf("%s:%zu:%zu: %s%s", path, e->line,
		    e->column, kind, e->message);
		free(e->message);
	}
	free(*list);
	*list = NULL;
	*n = 0;
}

/* Drop notes unsaid (the warnings of a config that failed). */
static void
config_notes_drop(struct config_error **list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i].message);
	free(*list);
	*list = NULL;
	*n = 0;
}

/* ------------------------------------------------------------------------
 * Nodes.
 */

static yaml_node_t *
config_get(struct config_loader *loader, int index)
{
	return yaml_document_get_node(loader->document, index);
}

/* YAML's null: a plain (unquoted) empty scalar, ~ or null. */
static bool
config_is_null(const yaml_node_t *node)
{
	const char *v;

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	return *v == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* What a node is, for "expected X, got Y". */
static const char *
config_kind(const yaml_node_t *node)
{
	if (config_is_null(node))
		return "nothing";
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	default:
		return "a string";
	}
}

static const char *
config_scalar_text(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

/*
 * The text of a scalar that must have a value, or NULL after saying why not
 * (a mapping, a sequence, or null where a value is needed).
 */
static const char *
config_expect_scalar(struct config_loader *loader, const char *name,
    const char *what, const yaml_node_t *node)
{
	if (node->type == YAML_SCALAR_NODE && !config_is_null(node))
		return config_scalar_text(node);
	if (config_is_null(node))
		config_error(loader, &node->start_mark,
		    "missing value for '%s' (expected %s)", name, what);
	else
		config_error(loader, &node->start_mark,
		    "expected %s for '%s', got %s", what, name,
		    config_kind(node));
	return NULL;
}

/*
 * Whether a node may stand for a mapping: null is an empty one, so that
 * "sales:" and "sales: {}" mean the same. Says why not otherwise.
 */
static bool
config_expect_mapping(struct config_loader *loader, const char *name,
    const yaml_node_t *node)
{
	if (node->type == YAML_MAPPING_NODE || config_is_null(node))
		return true;
	config_error(loader, &node->start_mark,
	    "expected a mapping for '%s', got %s", name, config_kind(node));
	return false;
}

/* The same for sequences: null is an empty one. */
static bool
config_expect_sequence(struct config_loader *loader, const char *name,
    const yaml_node_t *node)
{
	if (node->type == YAML_SEQUENCE_NODE || config_is_null(node))
		return true;
	config_error(loader, &node->start_mark,
	    "expected a sequence for '%s', got %s", name, config_kind(node));
	return false;
}

/* Number of pairs of a mapping, or 0 for anything else (null). */
static size_t
config_pairs(const yaml_node_t *node)
{
	if (node->type != YAML_MAPPING_NODE)
		return 0;
	return (size_t)(node->data.mapping.pairs.top -
	    node->data.mapping.pairs.start);
}

static size_t
config_items(const yaml_node_t *node)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(node->data.sequence.items.top -
	    node->data.sequence.items.start);
}

/*
 * Whether pair i of a mapping has a usable key: a scalar not seen before in
 * the same mapping. The first of duplicates wins; the others are errors.
 */
static bool
config_pair_ok(struct config_loader *loader, const yaml_node_t *mapping,
    size_t i)
{
	yaml_node_pair_t *pairs = mapping->data.mapping.pairs.start;
	yaml_node_t *key = config_get(loader, pairs[i].key), *other;

	if (key->type != YAML_SCALAR_NODE) {
		config_error(loader, &key->start_mark,
		    "expected a string as key, got %s", config_kind(key));
		return false;
	}
	for (size_t j = 0; j < i; j++) {
		other = config_get(loader, pairs[j].key);
		if (other->type == YAML_SCALAR_NODE &&
		    strcmp(config_scalar_text(other),
		    config_scalar_text(key)) == 0) {
			config_error(loader, &key->start_mark,
			    "duplicate key '%s' (first at line %zu)",
			    config_scalar_text(key),
			    other->start_mark.line + 1);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Suggestions for unknown keys.
 */

static int
config_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Edit distance, ignoring case, with a swap of neighbours counting as one
 * edit (optimal string alignment): "sl_treshold" and "nmae" are one typo
 * away from what was meant. Long inputs are not worth the work.
 */
static size_t
config_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33][33], cost, v;

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			cost = config_lower(a[i - 1]) != config_lower(b[j - 1]);
			v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && config_lower(a[i - 1]) ==
			    config_lower(b[j - 2]) && config_lower(a[i - 2]) ==
			    config_lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* Whether word is close enough to candidate to suggest it. */
static bool
config_close(const char *word, const char *candidate, size_t *best)
{
	size_t d = config_distance(word, candidate);

	/* At most two edits, and fewer than half the word's letters. */
	if (d > 2 || d * 2 >= strlen(candidate) || d >= *best)
		return false;
	*best = d;
	return true;
}

/* The key of a table nearest to word, or NULL when none is near. */
static const char *
config_suggest_key(const struct config_key *keys, const char *word)
{
	const char *found = NULL;
	size_t best = SIZE_MAX;

	for (; keys->name != NULL; keys++)
		if (config_close(word, keys->name, &best))
			found = keys->name;
	return found;
}

static const char *
config_suggest_metric(const char *word)
{
	const char *found = NULL, *key;
	size_t best = SIZE_MAX;

	for (int id = 0; id < M_COUNT; id++) {
		key = metric_get((enum metric_id)id)->key;
		if (config_close(word, key, &best))
			found = key;
	}
	return found;
}

/* ------------------------------------------------------------------------
 * The walker.
 */

static const struct config_key *
config_lookup(const struct config_key *keys, const char *name, size_t *index)
{
	for (size_t i = 0; keys[i].name != NULL; i++) {
		if (strcmp(keys[i].name, name) == 0) {
			*index = i;
			return &keys[i];
		}
	}
	return NULL;
}

static void
config_unknown_key(struct config_loader *loader, const struct config_key *keys,
    const yaml_node_t *key)
{
	const char *name = config_scalar_text(key);
	const char *near = config_suggest_key(keys, name);

	if (near != NULL)
		config_error(loader, &key->start_mark,
		    "unknown key '%s' (did you mean '%s'?)", name, near);
	else
		config_error(loader, &key->start_mark, "unknown key '%s'", name);
}

/*
 * Check a mapping's keys against a table and read the known ones into base,
 * in table order. mapping may be null (nothing to read).
 */
static void
config_walk(struct config_loader *loader, yaml_node_t *mapping,
    const struct config_key *keys, void *base)
{
	yaml_node_t *found[CONFIG_MAX_KEYS] = { NULL };
	yaml_node_pair_t *pairs;
	size_t index;

	if (config_pairs(mapping) == 0)
		return;
	pairs = mapping->data.mapping.pairs.start;
	for (size_t i = 0; i < config_pairs(mapping); i++) {
		yaml_node_t *key = config_get(loader, pairs[i].key);

		if (!config_pair_ok(loader, mapping, i))
			continue;
		if (config_lookup(keys, config_scalar_text(key), &index) == NULL)
			config_unknown_key(loader, keys, key);
		else if (index < CONFIG_MAX_KEYS)
			found[index] = config_get(loader, pairs[i].value);
		else
			fatalx("config: table too long for %s", keys->name);
	}
	for (size_t i = 0; keys[i].name != NULL && i < CONFIG_MAX_KEYS; i++)
		if (found[i] != NULL)
			keys[i].node(loader, &keys[i], found[i], base);
}

/* The value under key in a mapping, or NULL (the first, if duplicated). */
static yaml_node_t *
config_value_of(struct config_loader *loader, yaml_node_t *mapping,
    const char *key)
{
	yaml_node_pair_t *pairs;
	yaml_node_t *k;

	if (config_pairs(mapping) == 0)
		return NULL;
	pairs = mapping->data.mapping.pairs.start;
	for (size_t i = 0; i < config_pairs(mapping); i++) {
		k = config_get(loader, pairs[i].key);
		if (k->type == YAML_SCALAR_NODE &&
		    strcmp(config_scalar_text(k), key) == 0)
			return config_get(loader, pairs[i].value);
	}
	return NULL;
}

/* Apply every default of a table (and its sections) to base. */
static void
config_apply_defaults(const struct config_key *keys, void *base)
{
	char *copy, *item, *next;

	for (; keys->name != NULL; keys++) {
		if (keys->keys != NULL)
			config_apply_defaults(keys->keys,
			    (char *)base + keys->offset);
		if (keys->def == NULL)
			continue;
		if (keys->count_offset == 0) {
			keys->text(NULL, keys, keys->def, NULL, base);
			continue;
		}
		/*
		 * A list (the only rows with a count_offset): its items,
		 * comma-separated; "" is the empty list.
		 */
		copy = xstrdup(keys->def);
		for (item = copy; *item != '\0'; item = next) {
			next = item + strcspn(item, ",");
			if (*next != '\0')
				*next++ = '\0';
			keys->text(NULL, keys, item, NULL, base);
		}
		free(copy);
	}
}

/* ------------------------------------------------------------------------
 * Node readers: how a key's YAML value is read.
 */

static void
config_node_scalar(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	const char *text = config_expect_scalar(loader, key->name, key->what,
	    node);

	if (text != NULL)
		key->text(loader, key, text, node, base);
}

static void
config_node_section(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	if (config_expect_mapping(loader, key->name, node))
		config_walk(loader, node, key->keys, (char *)base + key->offset);
}

/* Keep the node for a reader that needs other keys first. */
static void
config_node_capture(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	*(yaml_node_t **)(void *)((char *)base + key->offset) = node;
}

/* Read each scalar item of a sequence through key->text. */
static void
config_each_item(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	yaml_node_t *item;

	for (size_t i = 0; i < config_items(node); i++) {
		item = config_get(loader, node->data.sequence.items.start[i]);
		if (item->type == YAML_SCALAR_NODE && !config_is_null(item))
			key->text(loader, key, config_scalar_text(item), item,
			    base);
		else
			config_error(loader, &item->start_mark,
			    "expected %s in '%s', got %s", key->what,
			    key->name, config_kind(item));
	}
}

static void
config_strings_free(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

/* A list of strings; a list given replaces the default, it does not add. */
static void
config_node_strings(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	char ***list = (char ***)(void *)((char *)base + key->offset);
	size_t *n = (size_t *)(void *)((char *)base + key->count_offset);

	if (!config_expect_sequence(loader, key->name, node))
		return;
	config_strings_free(list, n);
	config_each_item(loader, key, node, base);
}

static void
config_windows_free(struct config *config)
{
	for (size_t i = 0; i < config->n_windows; i++)
		free(config->windows[i].name);
	free(config->windows);
	config->windows = NULL;
	config->n_windows = 0;
}

static void
config_node_windows(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	if (!config_expect_sequence(loader, key->name, node))
		return;
	config_windows_free(base);
	config_each_item(loader, key, node, base);
}

static void
config_node_team_queues(struct config_loader *loader,
    const struct config_key *key, yaml_node_t *node, void *base)
{
	struct config_team *team = base;

	team->has_queues = true;
	config_node_strings(loader, key, node, base);
}

static void
config_node_agent_queues(struct config_loader *loader,
    const struct config_key *key, yaml_node_t *node, void *base)
{
	struct config_agent *agent = base;

	agent->has_queues = true;
	config_node_strings(loader, key, node, base);
}

/* ------------------------------------------------------------------------
 * Text readers: how one value is read, from the file or from a default.
 */

static void *
config_field(const struct config_key *key, void *base)
{
	return (char *)base + key->offset;
}

static bool
config_text_string(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	char **field = config_field(key, base);

	free(*field);
	*field = xstrdup(text);
	return true;
}

/* A bound as the config would write it: "100ms", "1000"; zero needs no unit. */
static void
config_bound_text(double v, bool duration, char *buf, size_t len)
{
	if (v == 0)
		snprintf(buf, len, "0");
	else if (duration)
		units_format_duration((int64_t)v, buf, len);
	else
		snprintf(buf, len, "%g", v);
}

/* Whether v is within key's bounds; says which bound it breaks otherwise. */
static bool
config_in_bounds(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, double v, bool duration)
{
	const yaml_mark_t *mark = node ? &node->start_mark : NULL;
	char bound[32];

	if (v < key->min || (key->open_min && v == key->min)) {
		config_bound_text(key->min, duration, bound, sizeof bound);
		config_error(loader, mark, key->open_min ?
		    "'%s' value '%s' is too %s (it must be above %s)" :
		    "'%s' value '%s' is too %s (the minimum is %s)", key->name,
		    text, duration ? "short" : "small", bound);
		return false;
	}
	if (key->max > 0 && v > key->max) {
		config_bound_text(key->max, duration, bound, sizeof bound);
		config_error(loader, mark,
		    "'%s' value '%s' is too %s (the maximum is %s)", key->name,
		    text, duration ? "long" : "large", bound);
		return false;
	}
	return true;
}

/* A duration within key's bounds into *out. */
static bool
config_duration(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, int64_t *out)
{
	int64_t ms;

	if (!units_parse_duration(text, &ms)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad duration '%s' for '%s' (expected e.g. 500ms, 20s, "
		    "15m, 24h, 1d or 1h30m)", text, key->name);
		return false;
	}
	if (!config_in_bounds(loader, key, text, node, (double)ms, true))
		return false;
	*out = ms;
	return true;
}

static bool
config_text_duration(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	return config_duration(loader, key, text, node,
	    config_field(key, base));
}

/* A whole number within key's bounds: digits only, no sign or exponent. */
static bool
config_text_count(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	size_t len = strlen(text);

	if (len == 0 || len > 15 || strspn(text, "0123456789") != len) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "expected a whole number for '%s', got '%s'", key->name,
		    text);
		return false;
	}
	if (!config_in_bounds(loader, key, text, node, strtod(text, NULL),
	    false))
		return false;
	*(int64_t *)config_field(key, base) = strtoll(text, NULL, 10);
	return true;
}

/* A size in bytes ("64KiB", "1MiB") within key's bounds. */
static bool
config_text_size(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	const yaml_mark_t *mark = node ? &node->start_mark : NULL;
	char bound[32];
	int64_t v;

	if (!units_parse_size(text, &v)) {
		config_error(loader, mark, "bad size '%s' for '%s' (expected a "
		    "whole number with B, KiB, MiB or GiB, like 1MiB)", text,
		    key->name);
		return false;
	}
	if (v < key->min || (key->max > 0 && v > key->max)) {
		units_format_size((int64_t)(v < key->min ? key->min : key->max),
		    bound, sizeof bound);
		config_error(loader, mark, "'%s' value '%s' is too %s (the %s is "
		    "%s)", key->name, text, v < key->min ? "small" : "large",
		    v < key->min ? "minimum" : "maximum", bound);
		return false;
	}
	*(int64_t *)config_field(key, base) = v;
	return true;
}

static bool
config_text_share(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	double v;

	if (!units_parse_share(text, &v)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad share '%s' for '%s' (expected a percentage like 80%% "
		    "or a fraction from 0 to 1)", text, key->name);
		return false;
	}
	*(double *)config_field(key, base) = v;
	return true;
}

/*
 * A plain non-negative decimal, "10" or "2.5". No sign, exponent or hex:
 * nothing in the config needs them and strtod alone would take "inf".
 */
static bool
config_parse_number(const char *text, double *out)
{
	const char *dot = strchr(text, '.');

	if (*text < '0' || *text > '9' ||
	    strspn(text, "0123456789.") != strlen(text) ||
	    (dot != NULL && (strchr(dot + 1, '.') != NULL || dot[1] == '\0')))
		return false;
	*out = strtod(text, NULL);
	return true;
}

static bool
config_text_number(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	double v;

	if (!config_parse_number(text, &v)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "expected a number for '%s', got '%s'", key->name, text);
		return false;
	}
	if (!config_in_bounds(loader, key, text, node, v, false))
		return false;
	*(double *)config_field(key, base) = v;
	return true;
}

static bool
config_text_clock(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	if (!units_parse_clock(text, config_field(key, base))) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad time '%s' for '%s' (expected HH:MM, 00:00 to 23:59)",
		    text, key->name);
		return false;
	}
	return true;
}

/* "a, b, c": the names of an enum, for messages. */
static char *
config_join(const char *const *names, const char *sep)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; names[i] != NULL; i++)
		len += strlen(names[i]) + strlen(sep);
	s = xcalloc(1, len);
	for (size_t i = 0; names[i] != NULL; i++) {
		if (i > 0)
			strcat(s, sep);
		strcat(s, names[i]);
	}
	return s;
}

static bool
config_text_enum(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	char *expected;

	for (int i = 0; key->names[i] != NULL; i++) {
		if (strcmp(key->names[i], text) == 0) {
			*(int *)config_field(key, base) = i;
			return true;
		}
	}
	expected = config_join(key->names, ", ");
	config_error(loader, node ? &node->start_mark : NULL,
	    "unknown %s '%s' (expected %s)", key->name, text, expected);
	free(expected);
	return false;
}

/*
 * Whether name is a zone of the system's tzdata: a TZif file under $TZDIR
 * (or /usr/share/zoneinfo). The magic keeps out the directory's other files
 * (zone.tab, leapseconds); the name checks keep the lookup inside it.
 */
static bool
config_timezone_exists(const char *name)
{
	const char *dir = getenv("TZDIR");
	char magic[4], *path;
	FILE *f;
	bool ok = false;

	if (*name == '\0' || *name == '/' || strstr(name, "..") != NULL)
		return false;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "rb")) != NULL) {
		ok = fread(magic, 1, sizeof magic, f) == sizeof magic &&
		    memcmp(magic, "TZif", sizeof magic) == 0;
		fclose(f);
	}
	free(path);
	return ok;
}

static bool
config_text_timezone(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	/*
	 * The built-in default (UTC) is not looked up: a minimal system
	 * without tzdata still knows UTC.
	 */
	if (loader != NULL && !config_timezone_exists(text)) {
		config_error(loader, &node->start_mark,
		    "unknown timezone '%s' (expected an IANA name like "
		    "Europe/London)", text);
		return false;
	}
	return config_text_string(loader, key, text, node, base);
}

/*
 * "all", "queue:NAME" or "team:NAME", where NAME may end in '*' to match
 * every name with that start ("queue:*", "queue:sup*"). A '*' elsewhere would
 * promise a glob the alert engine does not do, so it is refused.
 */
static bool
config_scope_valid(const char *s)
{
	const char *name, *star;

	if (strcmp(s, "all") == 0)
		return true;
	if (strncmp(s, "queue:", 6) == 0)
		name = s + 6;
	else if (strncmp(s, "team:", 5) == 0)
		name = s + 5;
	else
		return false;
	star = strchr(name, '*');
	return *name != '\0' && (star == NULL || star[1] == '\0');
}

static bool
config_text_scope(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	if (!config_scope_valid(text)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad scope '%s' (expected all, queue:NAME, team:NAME, "
		    "queue:* or team:*)", text);
		return false;
	}
	return config_text_string(loader, key, text, node, base);
}

/* An address to listen on; "" and "off" are both kept as "" (no listener). */
static bool
config_text_listen(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	char host[256];
	unsigned port;

	if (*text == '\0' || strcmp(text, "off") == 0)
		return config_text_string(loader, key, "", node, base);
	if (!config_listen_split(text, host, sizeof host, &port)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad address '%s' for '%s' (expected HOST:PORT or "
		    "[IPV6]:PORT with a port from 1 to 65535, e.g. "
		    "127.0.0.1:7412 or [::1]:7412; \"\" or off for none)", text,
		    key->name);
		return false;
	}
	return config_text_string(loader, key, text, node, base);
}

/* A web board's token: it travels in a URL (?token=), so only the
 * characters a URL carries as they are (RFC 3986 unreserved). */
static bool
config_text_token(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	size_t n = strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~");

	if (*text == '\0' || text[n] != '\0') {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad token for '%s': use letters, digits and - . _ ~ "
		    "only (it goes in a URL), and not none", key->name);
		return false;
	}
	return config_text_string(loader, key, text, node, base);
}

/* ------------------------------------------------------------------------
 * List items.
 */

/* Append to a string list; refuses (and says so) an item given twice. */
static bool
config_item_string(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	char ***list = config_field(key, base);
	size_t *n = (size_t *)(void *)((char *)base + key->count_offset);

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*list)[i], text) == 0) {
			config_error(loader, node ? &node->start_mark : NULL,
			    "'%s' is listed twice in '%s'", text, key->name);
			return false;
		}
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = xstrdup(text);
	return true;
}

static bool
config_item_window(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	struct config *config = base;
	struct config_window *w;
	int64_t ms;

	if (!config_duration(loader, key, text, node, &ms))
		return false;
	for (size_t i = 0; i < config->n_windows; i++) {
		w = &config->windows[i];
		if (strcmp(w->name, text) == 0) {
			config_error(loader, node ? &node->start_mark : NULL,
			    "duplicate window '%s'", text);
			return false;
		}
		/* Two names for one window would split its alerts. */
		if (w->length_ms == ms) {
			config_error(loader, node ? &node->start_mark : NULL,
			    "window '%s' is the same length as window '%s'",
			    text, w->name);
			return false;
		}
	}
	config->windows = xrealloc(config->windows,
	    (config->n_windows + 1) * sizeof *config->windows);
	w = &config->windows[config->n_windows++];
	w->name = xstrdup(text);
	w->length_ms = ms;
	return true;
}

static bool
config_team_has_agent(const struct config_team *team, const char *id)
{
	for (size_t i = 0; i < team->n_agents; i++)
		if (strcmp(team->agents[i], id) == 0)
			return true;
	return false;
}

/* An agent has one team: a second team listing it is an error. */
static bool
config_item_team_agent(struct config_loader *loader,
    const struct config_key *key, const char *text, const yaml_node_t *node,
    void *base)
{
	const struct config *config = loader->config;
	const struct config_team *team = base, *other;

	if (!config_item_string(loader, key, text, node, base))
		return false;
	for (size_t i = 0; i < config->n_teams; i++) {
		other = &config->teams[i];
		if (other != team && config_team_has_agent(other, text)) {
			config_error(loader, &node->start_mark,
			    "agent '%s' is already in team '%s'", text,
			    other->name);
			return false;
		}
	}
	return true;
}

/*
 * A team or agent may only name a configured queue: a queue that exists
 * only through events has no settings of its own, so a typo here would
 * quietly measure the wrong queue.
 */
static bool
config_check_queue(struct config_loader *loader, const yaml_node_t *node,
    const char *owner_kind, const char *owner, const char *name)
{
	const struct config *config = loader->config;
	const char *near = NULL;
	size_t best = SIZE_MAX;

	if (config_find_queue(config, name) != NULL)
		return true;
	for (size_t i = 0; i < config->n_queues; i++)
		if (config_close(name, config->queues[i].name, &best))
			near = config->queues[i].name;
	if (near != NULL)
		config_error(loader, &node->start_mark, "%s '%s' names unknown "
		    "queue '%s' (did you mean '%s'?)", owner_kind, owner, name,
		    near);
	else
		config_error(loader, &node->start_mark,
		    "%s '%s' names unknown queue '%s'", owner_kind, owner, name);
	return false;
}

static bool
config_item_team_queue(struct config_loader *loader,
    const struct config_key *key, const char *text, const yaml_node_t *node,
    void *base)
{
	const struct config_team *team = base;

	if (!config_item_string(loader, key, text, node, base))
		return false;
	return config_check_queue(loader, node, "team", team->name, text);
}

static bool
config_item_agent_queue(struct config_loader *loader,
    const struct config_key *key, const char *text, const yaml_node_t *node,
    void *base)
{
	const struct config_agent *agent = base;

	if (!config_item_string(loader, key, text, node, base))
		return false;
	return config_check_queue(loader, node, "agent", agent->id, text);
}

/* ------------------------------------------------------------------------
 * Queues, teams and agents: mappings of name to an entry.
 */

typedef void config_entry_fn(struct config_loader *, const char *,
    yaml_node_t *);

/* Call fn for each usable (scalar, not duplicated) name of a mapping. */
static void
config_each_entry(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, config_entry_fn *fn)
{
	yaml_node_pair_t *pairs;

	if (!config_expect_mapping(loader, key->name, node))
		return;
	for (size_t i = 0; i < config_pairs(node); i++) {
		pairs = node->data.mapping.pairs.start;
		if (config_pair_ok(loader, node, i))
			fn(loader, config_scalar_text(config_get(loader,
			    pairs[i].key)), config_get(loader, pairs[i].value));
	}
}

static void
config_queue_entry(struct config_loader *loader, const char *name,
    yaml_node_t *value)
{
	struct config *config = loader->config;
	struct config_queue *queue;

	config->queues = xrealloc(config->queues,
	    (config->n_queues + 1) * sizeof *config->queues);
	queue = &config->queues[config->n_queues++];
	memset(queue, 0, sizeof *queue);
	queue->name = xstrdup(name);
	queue->settings = config->defaults;
	if (config_expect_mapping(loader, name, value))
		config_walk(loader, value, config_queue_keys, queue);
	if (queue->label == NULL)
		queue->label = xstrdup(name);
}

static void
config_node_queues(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	config_each_entry(loader, key, node, config_queue_entry);
}

static void
config_team_entry(struct config_loader *loader, const char *name,
    yaml_node_t *value)
{
	struct config *config = loader->config;
	struct config_team *team;

	config->teams = xrealloc(config->teams,
	    (config->n_teams + 1) * sizeof *config->teams);
	team = &config->teams[config->n_teams++];
	memset(team, 0, sizeof *team);
	team->name = xstrdup(name);
	if (config_expect_mapping(loader, name, value))
		config_walk(loader, value, config_team_keys, team);
	if (team->label == NULL)
		team->label = xstrdup(name);
}

static void
config_node_teams(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	config_each_entry(loader, key, node, config_team_entry);
}

/* The team an agent names must be the team that lists it, if one does. */
static void
config_agent_check_team(struct config_loader *loader,
    const struct config_agent *agent, yaml_node_t *value)
{
	const struct config *config = loader->config;
	const struct config_team *team;

	if (agent->team == NULL)
		return;
	for (size_t i = 0; i < config->n_teams; i++) {
		team = &config->teams[i];
		if (strcmp(team->name, agent->team) != 0 &&
		    config_team_has_agent(team, agent->id)) {
			config_error(loader,
			    &config_value_of(loader, value, "team")->start_mark,
			    "agent '%s' has team '%s' but team '%s' lists it",
			    agent->id, agent->team, team->name);
			return;
		}
	}
}

static void
config_agent_entry(struct config_loader *loader, const char *id,
    yaml_node_t *value)
{
	struct config *config = loader->config;
	struct config_agent *agent;

	config->agents = xrealloc(config->agents,
	    (config->n_agents + 1) * sizeof *config->agents);
	agent = &config->agents[config->n_agents++];
	memset(agent, 0, sizeof *agent);
	agent->id = xstrdup(id);
	if (config_expect_mapping(loader, id, value)) {
		config_walk(loader, value, config_agent_keys, agent);
		config_agent_check_team(loader, agent, value);
	}
}

static void
config_node_agents(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	config_each_entry(loader, key, node, config_agent_entry);
}

/* ------------------------------------------------------------------------
 * Alert rules.
 */

static void
config_bad_share(struct config_loader *loader, const yaml_node_t *node,
    const char *text, const char *name)
{
	config_error(loader, &node->start_mark, "bad share '%s' for '%s' "
	    "(expected a percentage like 80%% or a fraction from 0 to 1)",
	    text, name);
}

/*
 * A threshold or clear level, in the metric's unit: a share for ratios, a
 * duration (or a plain number of ms) for durations, a number otherwise.
 */
static bool
config_alert_level(struct config_loader *loader, const struct metric_info *info,
    const char *name, const yaml_node_t *node, double *out)
{
	const char *what = info->kind == METRIC_RATIO ? "a share" :
	    info->kind == METRIC_DURATION ? "a duration" : "a number";
	const char *text = config_expect_scalar(loader, name, what, node);
	int64_t ms;

	if (text == NULL)
		return false;
	if (info->kind == METRIC_RATIO) {
		if (units_parse_share(text, out))
			return true;
		config_bad_share(loader, node, text, name);
	} else if (config_parse_number(text, out))
		return true;
	else if (info->kind == METRIC_DURATION) {
		if (units_parse_duration(text, &ms)) {
			*out = (double)ms;
			return true;
		}
		config_error(loader, &node->start_mark, "bad duration '%s' "
		    "for '%s' (expected e.g. 20s, 2m or 1h30m, or a number of "
		    "ms)", text, name);
	} else
		config_error(loader, &node->start_mark,
		    "expected a number for '%s', got '%s'", name, text);
	return false;
}

/* ------------------------------------------------------------------------
 * Levels no figure can reach: warnings.
 *
 * A tile is red while its figure, as shown, is below `red` (amber below
 * `amber`) when good is above, and above them when good is below
 * (draw/layout.c, layout_tile_status, with 1e-9 to spare); an alert rule
 * fires while the figure is strictly below (above) its threshold. A level
 * at the edge of what a figure can be, or amber hidden behind red, loads
 * but never shows: the config is whole, so this is a warning, worded so
 * that the operator knows what to write instead.
 */

/* What a figure of each kind can be, and how it is shown. */
struct config_kind_facts {
	const char	*noun;		/* "a count is never below 0" */
	const char	*word;		/* "every count below amber ..." */
	const char	*shown;		/* why levels between shown values
					 * are the same level */
	double		 min, max;	/* every value is in [min, max] */
	double		 step;		/* shown values are multiples of it */
};

static const struct config_kind_facts config_kinds[] = {
	[METRIC_COUNT] = { "a count", "count", "counts are whole",
	    0, INFINITY, 1 },
	[METRIC_RATIO] = { "a share", "share", "shares are judged to the "
	    "whole percent", 0, 1, 0.01 },
	[METRIC_DURATION] = { "a time", "time", "times are judged to the "
	    "whole second", 0, INFINITY, 1000 },
	[METRIC_SCORE] = { "a survey score", "score", "scores are judged to "
	    "one decimal", 1, 5, 0.1 },
};

/* What a count of these is, for "red at 0 ready agents". */
static const char *const config_count_nouns[][2] = {
	{ "agents_ready", "ready agents" }, { "agents_busy", "busy agents" },
	{ "agents_wrap", "agents in wrap-up" }, { "agents_away", "agents away" },
	{ "agents_offline", "agents offline" },
	{ "agents_staffed", "staffed agents" }, { "waiting", "calls waiting" },
};

/* A level written the way a config would write it: "1", "99%", "1s". */
static void
config_level_text(enum metric_kind kind, double v, char *buf, size_t len)
{
	if (kind == METRIC_RATIO)
		snprintf(buf, len, "%g%%", v * 100);
	else if (kind == METRIC_DURATION)
		units_format_duration((int64_t)llround(v), buf, len);
	else
		snprintf(buf, len, "%g", v);
}

/* " ready agents" for a metric with a noun, "" otherwise. */
static const char *
config_count_noun(const char *metric, char *buf, size_t len)
{
	size_t n = sizeof config_count_nouns / sizeof config_count_nouns[0];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (strcmp(config_count_nouns[i][0], metric) == 0)
			snprintf(buf, len, " %s", config_count_nouns[i][1]);
	return buf;
}

/*
 * Whether a shown value lies at or past `from` and short of `to`, on the
 * bad side: sign is 1 when good is above (bad is lower), -1 when good is
 * below, and from, to are levels multiplied by sign (from -INFINITY: no
 * lower bound). Shown values are the kind's multiples of step in [min, max].
 */
static bool
config_level_reachable(const struct config_kind_facts *f, double sign,
    double from, double to)
{
	double lo = sign > 0 ? f->min : -f->max, hi = sign > 0 ? f->max : -f->min;
	double first = fmax(ceil(lo / f->step - 1e-6),
	    ceil((from - 1e-9) / f->step));
	double last = fmin(floor(hi / f->step + 1e-6),
	    ceil((to - 1e-9) / f->step) - 1);

	return first <= last;
}

/* An alert rule that can never fire: below the least value, above the
 * most. A target form depends on each scope's sl_target: not judged. */
static void
config_alert_warn(struct config_loader *loader,
    const struct config_alert_draft *draft, const struct metric_info *info,
    const char *label)
{
	const struct config_alert *alert = &draft->alert;
	const struct config_kind_facts *f = &config_kinds[info->kind];
	const yaml_node_t *node = alert->above ? draft->above : draft->below;
	const char *side = alert->above ? "above" : "below";
	double edge = alert->above ? f->max : f->min;
	char edge_text[32], fix[32];

	if (alert->threshold_target ||
	    (alert->above ? alert->threshold < f->max - 1e-12 :
	    alert->threshold > f->min + 1e-12))
		return;
	config_level_text(info->kind, edge, edge_text, sizeof edge_text);
	config_level_text(info->kind, alert->above ? edge - f->step :
	    edge + f->step, fix, sizeof fix);
	config_warning(loader, &node->start_mark, "%s can never fire: %s: %s "
	    "means \"%s %s\", and %s is never %s %s; to fire at %s write "
	    "%s: %s", label, side, config_scalar_text(node), side,
	    config_scalar_text(node), f->noun, side, edge_text, edge_text, side,
	    fix);
}

/*
 * The offset of a level written relative to the scope's sl_target: "target"
 * (0), "target+2%", "target - 5%", "target+0.02". text starts with "target".
 */
static bool
config_target_offset(const char *text, double *out)
{
	const char *p = text + strlen("target");
	double sign, v;

	p += strspn(p, " ");
	if (*p == '\0') {
		*out = 0;
		return true;
	}
	if (*p != '+' && *p != '-')
		return false;
	sign = *p == '-' ? -1 : 1;
	p++;
	p += strspn(p, " ");
	if (!units_parse_share(p, &v))
		return false;
	*out = sign * v;
	return true;
}

/*
 * An alert's below/above/clear: a level as config_alert_level reads it, or
 * a target form, which is only for service_level (no other figure has a
 * target of its own). *target says which was read.
 */
static bool
config_alert_bound(struct config_loader *loader, const struct metric_info *info,
    const char *name, const yaml_node_t *node, const char *label,
    double *out, bool *target)
{
	const char *text;

	*target = false;
	if (node->type != YAML_SCALAR_NODE || config_is_null(node) ||
	    strncmp(config_scalar_text(node), "target", 6) != 0)
		return config_alert_level(loader, info, name, node, out);
	text = config_scalar_text(node);
	if (metric_id_of(info) != M_SERVICE_LEVEL) {
		config_error(loader, &node->start_mark, "%s: '%s: %s' is "
		    "relative to each queue's sl_target, so it is only for "
		    "metric service_level, not '%s' (give a level in the "
		    "metric's unit)", label, name, text, info->key);
		return false;
	}
	if (!config_target_offset(text, out)) {
		config_error(loader, &node->start_mark, "bad level '%s' for "
		    "'%s' (expected target, or target+N%% / target-N%% with a "
		    "share N, e.g. target-5%%)", text, name);
		return false;
	}
	*target = true;
	return true;
}

static void
config_alert_name(struct config_loader *loader,
    struct config_alert_draft *draft, const yaml_node_t *mapping,
    size_t number, char **label)
{
	const struct config *config = loader->config;
	const char *text;

	*label = xasprintf("alert #%zu", number);
	if (draft->name == NULL) {
		config_error(loader, &mapping->start_mark, "%s: missing 'name'",
		    *label);
		return;
	}
	if ((text = config_expect_scalar(loader, "name", "a string",
	    draft->name)) == NULL)
		return;
	for (size_t i = 0; i < config->n_alerts; i++) {
		if (config->alerts[i].name != NULL &&
		    strcmp(config->alerts[i].name, text) == 0) {
			config_error(loader, &draft->name->start_mark,
			    "duplicate alert name '%s' (first at line %d)", text,
			    config->alerts[i].line);
			break;
		}
	}
	draft->alert.name = xstrdup(text);
	free(*label);
	*label = xasprintf("alert '%s'", text);
}

static const struct metric_info *
config_alert_metric(struct config_loader *loader,
    struct config_alert_draft *draft, const yaml_node_t *mapping,
    const char *label)
{
	const struct metric_info *info;
	const char *text, *near;

	if (draft->metric == NULL) {
		config_error(loader, &mapping->start_mark,
		    "%s: missing 'metric'", label);
		return NULL;
	}
	if ((text = config_expect_scalar(loader, "metric", "a string",
	    draft->metric)) == NULL)
		return NULL;
	if ((info = metric_find(text)) == NULL) {
		if ((near = config_suggest_metric(text)) != NULL)
			config_error(loader, &draft->metric->start_mark,
			    "unknown metric '%s' (did you mean '%s'?)", text,
			    near);
		else
			config_error(loader, &draft->metric->start_mark,
			    "unknown metric '%s'", text);
		return NULL;
	}
	draft->alert.metric = xstrdup(text);
	return info;
}

/* The windows an alert may name: "15m, 60m, today". */
static char *
config_window_choices(const struct config *config)
{
	const char **names = xcalloc(config->n_windows + 2, sizeof *names);
	char *s;

	for (size_t i = 0; i < config->n_windows; i++)
		names[i] = config->windows[i].name;
	names[config->n_windows] = "today";
	s = config_join(names, ", ");
	free(names);
	return s;
}

static bool
config_window_known(const struct config *config, const char *name)
{
	if (strcmp(name, "today") == 0)
		return true;
	for (size_t i = 0; i < config->n_windows; i++)
		if (strcmp(config->windows[i].name, name) == 0)
			return true;
	return false;
}

/* A windowed metric needs a known window; a figure of `now` takes none. */
static void
config_alert_window(struct config_loader *loader,
    struct config_alert_draft *draft, const yaml_node_t *mapping,
    const struct metric_info *info, const char *label)
{
	char *choices = config_window_choices(loader->config);
	const char *text = NULL;

	if (!info->windowed && draft->window != NULL)
		config_error(loader, &draft->window->start_mark,
		    "%s: metric '%s' is not windowed, so it takes no 'window'",
		    label, info->key);
	else if (info->windowed && draft->window == NULL)
		config_error(loader, &mapping->start_mark,
		    "%s: metric '%s' needs a 'window' (%s)", label, info->key,
		    choices);
	else if (info->windowed)
		text = config_expect_scalar(loader, "window", "a string",
		    draft->window);
	if (text != NULL && !config_window_known(loader->config, text))
		config_error(loader, &draft->window->start_mark,
		    "%s: unknown window '%s' (expected %s)", label, text,
		    choices);
	else if (text != NULL)
		draft->alert.window = xstrdup(text);
	free(choices);
}

static bool
config_mark_before(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->start_mark.index < b->start_mark.index;
}

/*
 * The clear level must be on the side where the alert does not fire. Two
 * numbers, or two offsets from the target, compare; a number against a
 * target form depends on each scope's sl_target, and is allowed.
 */
static void
config_alert_clear(struct config_loader *loader,
    struct config_alert_draft *draft, const struct metric_info *info,
    const char *label)
{
	struct config_alert *alert = &draft->alert;
	const yaml_node_t *level = alert->above ? draft->above : draft->below;

	alert->clear = alert->threshold;
	alert->clear_target = alert->threshold_target;
	if (draft->clear == NULL ||
	    !config_alert_bound(loader, info, "clear", draft->clear, label,
	    &alert->clear, &alert->clear_target))
		return;
	alert->has_clear = true;
	if (alert->clear_target != alert->threshold_target)
		return;
	if (alert->above ? alert->clear > alert->threshold + 1e-12 :
	    alert->clear < alert->threshold - 1e-12)
		config_error(loader, &draft->clear->start_mark,
		    "%s: 'clear' (%s) must be at or %s '%s' (%s)", label,
		    config_scalar_text(draft->clear),
		    alert->above ? "below" : "above",
		    alert->above ? "above" : "below",
		    config_scalar_text(level));
}

static void
config_alert_levels(struct config_loader *loader,
    struct config_alert_draft *draft, const yaml_node_t *mapping,
    const struct metric_info *info, const char *label)
{
	struct config_alert *alert = &draft->alert;
	const yaml_node_t *level;

	if (draft->below != NULL && draft->above != NULL) {
		level = config_mark_before(draft->below, draft->above) ?
		    draft->above : draft->below;
		config_error(loader, &level->start_mark,
		    "%s: give 'below' or 'above', not both", label);
		return;
	}
	if (draft->below == NULL && draft->above == NULL) {
		config_error(loader, &mapping->start_mark,
		    "%s: missing 'below' or 'above'", label);
		return;
	}
	alert->above = draft->above != NULL;
	level = alert->above ? draft->above : draft->below;
	/* Without a metric there is no unit to read the levels in. */
	if (info == NULL || !config_alert_bound(loader, info,
	    alert->above ? "above" : "below", level, label, &alert->threshold,
	    &alert->threshold_target))
		return;
	config_alert_clear(loader, draft, info, label);
	config_alert_warn(loader, draft, info, label);
}

static void
config_alert_read(struct config_loader *loader, yaml_node_t *mapping,
    size_t number)
{
	struct config *config = loader->config;
	struct config_alert_draft draft;
	const struct metric_info *info;
	char *label;

	memset(&draft, 0, sizeof draft);
	config_apply_defaults(config_alert_keys, &draft);
	draft.alert.line = (int)mapping->start_mark.line + 1;
	config_walk(loader, mapping, config_alert_keys, &draft);

	config_alert_name(loader, &draft, mapping, number, &label);
	info = config_alert_metric(loader, &draft, mapping, label);
	if (info != NULL)
		config_alert_window(loader, &draft, mapping, info, label);
	config_alert_levels(loader, &draft, mapping, info, label);
	free(label);

	config->alerts = xrealloc(config->alerts,
	    (config->n_alerts + 1) * sizeof *config->alerts);
	config->alerts[config->n_alerts++] = draft.alert;
}

static void
config_node_alerts(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	yaml_node_t *item;

	if (!config_expect_sequence(loader, key->name, node))
		return;
	for (size_t i = 0; i < config_items(node); i++) {
		item = config_get(loader, node->data.sequence.items.start[i]);
		if (item->type == YAML_MAPPING_NODE)
			config_alert_read(loader, item, i + 1);
		else
			config_error(loader, &item->start_mark,
			    "expected a mapping for an alert rule, got %s",
			    config_kind(item));
	}
}

/* ------------------------------------------------------------------------
 * Boards (docs/boards.md).
 */

/* The figures of `now` a tile may show besides metric.h's: agents by state. */
static const char *const config_agent_figures[] = {
	[AGENT_READY] = "agents_ready", [AGENT_BUSY] = "agents_busy",
	[AGENT_WRAP] = "agents_wrap", [AGENT_AWAY] = "agents_away",
	[AGENT_OFFLINE] = "agents_offline",
	[AGENT_STATE_COUNT] = "agents_staffed", NULL
};

/* Figures where less is better: a tile's `good` defaults to below. */
static const char *const config_lower_is_better[] = {
	"abandoned", "short_abandoned", "abandoned_in_sl", "exited", "asa_ms",
	"avg_abandon_ms", "max_wait_ms", "abandon_rate", "aht_ms", "talk_ms",
	"wrap_ms", "transfer_rate", "repeat_rate", "waiting", "longest_wait_ms",
	"agents_away", "agents_offline", NULL
};

/* A board being read: whether `scopes:` was given, so tiles can be held to
 * it. Tiles are read after scopes (table order). */
struct config_board_draft {
	struct config_board	 board;
	bool			 scopes_given;
};

/* A page being read, with what its tiles' messages need. */
struct config_page_draft {
	struct config_page		 page;
	struct config_board_draft	*board;
	size_t				 number;
};

/* A tile being read: the keys whose syntax depends on the metric are only
 * captured by the walk and read afterwards, as for alert rules. */
struct config_tile_draft {
	struct config_tile	 tile;
	yaml_node_t		*scope;
	yaml_node_t		*metric;
	yaml_node_t		*window;
	yaml_node_t		*good;
	yaml_node_t		*target;
	yaml_node_t		*amber;
	yaml_node_t		*red;
};

static const struct config_key config_tile_keys[] = {
	KEY_CAPTURE("scope", struct config_tile_draft, scope),
	KEY_CAPTURE("metric", struct config_tile_draft, metric),
	KEY_CAPTURE("window", struct config_tile_draft, window),
	KEY_STRING("label", struct config_tile_draft, tile.label, NULL),
	KEY_CAPTURE("good", struct config_tile_draft, good),
	KEY_CAPTURE("target", struct config_tile_draft, target),
	KEY_CAPTURE("amber", struct config_tile_draft, amber),
	KEY_CAPTURE("red", struct config_tile_draft, red),
	{ .name = NULL }
};

static const struct config_key config_page_keys[] = {
	KEY_STRING("title", struct config_page_draft, page.title, NULL),
	{ .name = "tiles", .node = config_node_tiles },
	{ .name = "agent_grid", .node = config_node_scalar,
	  .text = config_text_bool, .what = "true or false",
	  .offset = offsetof(struct config_page_draft, page.agent_grid),
	  .def = "false" },
	{ .name = "intervals", .node = config_node_scalar,
	  .text = config_text_bool, .what = "true or false",
	  .offset = offsetof(struct config_page_draft, page.intervals),
	  .def = "false" },
	{ .name = NULL }
};

static const struct config_key config_board_keys[] = {
	KEY_STRING("title", struct config_board_draft, board.title, NULL),
	{ .name = "scopes", .node = config_node_board_scopes,
	  .text = config_item_scope, .what = "a scope",
	  .offset = offsetof(struct config_board_draft, board.scopes),
	  .count_offset = offsetof(struct config_board_draft, board.n_scopes) },
	{ .name = "agents", .node = config_node_scope_list,
	  .text = config_item_scope, .what = "a scope",
	  .offset = offsetof(struct config_board_draft, board.agents),
	  .count_offset = offsetof(struct config_board_draft, board.n_agents),
	  .def = "all" },
	{ .name = "pages", .node = config_node_pages },
	KEY_DURATION("rotate", struct config_board_draft, board.rotate_ms, 0,
	    "0s"),
	{ .name = "token", .node = config_node_scalar,
	  .text = config_text_token, .what = "a string",
	  .offset = offsetof(struct config_board_draft, board.token) },
	{ .name = NULL }
};

static bool
config_text_bool(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	bool *field = config_field(key, base);

	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
		*field = *text == 't';
		return true;
	}
	config_error(loader, node ? &node->start_mark : NULL,
	    "expected true or false for '%s', got '%s'", key->name, text);
	return false;
}

/* A scope pattern in a list (scopes:, agents:). */
static bool
config_item_scope(struct config_loader *loader, const struct config_key *key,
    const char *text, const yaml_node_t *node, void *base)
{
	if (!config_scope_valid(text)) {
		config_error(loader, node ? &node->start_mark : NULL,
		    "bad scope '%s' in '%s' (expected all, queue:NAME, "
		    "team:NAME, queue:* or team:*)", text, key->name);
		return false;
	}
	return config_item_string(loader, key, text, node, base);
}

static void
config_node_board_scopes(struct config_loader *loader,
    const struct config_key *key, yaml_node_t *node, void *base)
{
	struct config_board_draft *draft = base;

	draft->scopes_given = true;
	config_node_strings(loader, key, node, base);
}

/* One scope pattern, or a list of them. */
static void
config_node_scope_list(struct config_loader *loader,
    const struct config_key *key, yaml_node_t *node, void *base)
{
	if (node->type != YAML_SCALAR_NODE || config_is_null(node)) {
		config_node_strings(loader, key, node, base);
		return;
	}
	config_strings_free(config_field(key, base),
	    (size_t *)(void *)((char *)base + key->count_offset));
	key->text(loader, key, config_scalar_text(node), node, base);
}

/* A tile shows one scope: no '*'. Must be among the board's scopes. */
static void
config_tile_scope(struct config_loader *loader, struct config_tile_draft *d,
    const struct config_board_draft *board, const yaml_node_t *mapping,
    const char *label)
{
	const struct config_board *b = &board->board;
	const char *text = "all", **names;
	char *list;

	if (d->scope != NULL && (text = config_expect_scalar(loader, "scope",
	    "a string", d->scope)) == NULL)
		return;
	if (!config_scope_valid(text) || strchr(text, '*') != NULL) {
		config_error(loader, &d->scope->start_mark, "%s: bad scope '%s' "
		    "(expected all, queue:NAME or team:NAME)", label, text);
		return;
	}
	d->tile.scope = xstrdup(text);
	for (size_t i = 0; board->scopes_given && i < b->n_scopes; i++)
		if (config_scope_match(b->scopes[i], text))
			return;
	if (!board->scopes_given)
		return;
	names = xcalloc(b->n_scopes + 1, sizeof *names);
	for (size_t i = 0; i < b->n_scopes; i++)
		names[i] = b->scopes[i];
	list = config_join(names, ", ");
	config_error(loader, d->scope ? &d->scope->start_mark :
	    &mapping->start_mark, "%s: scope '%s' is not among the board's "
	    "scopes (%s)", label, text, list);
	free(list);
	free(names);
}

static int
config_name_index(const char *const *names, const char *name)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* The tile's metric: metric.h's, or agents_<state>; NULL after an error.
 * agent_info is where an agents_* figure's description is built. */
static const struct metric_info *
config_tile_metric(struct config_loader *loader, struct config_tile_draft *d,
    const yaml_node_t *mapping, const char *label,
    struct metric_info *agent_info)
{
	const struct metric_info *info;
	const char *text, *near;
	int state;

	if (d->metric == NULL) {
		config_error(loader, &mapping->start_mark, "%s: missing 'metric'",
		    label);
		return NULL;
	}
	if ((text = config_expect_scalar(loader, "metric", "a string",
	    d->metric)) == NULL)
		return NULL;
	d->tile.metric = xstrdup(text);
	if ((info = metric_find(text)) != NULL) {
		d->tile.metric_id = (int)metric_id_of(info);
		return info;
	}
	if ((state = config_name_index(config_agent_figures, text)) >= 0) {
		d->tile.agents_state = state;
		*agent_info = (struct metric_info){ .key = d->tile.metric,
		    .kind = METRIC_COUNT };
		return agent_info;
	}
	if ((near = config_suggest_metric(text)) != NULL)
		config_error(loader, &d->metric->start_mark,
		    "%s: unknown metric '%s' (did you mean '%s'?)", label, text,
		    near);
	else
		config_error(loader, &d->metric->start_mark, "%s: unknown metric "
		    "'%s' (expected a metric of PROTOCOL §2, waiting, "
		    "longest_wait_ms, agents_ready, agents_busy, agents_wrap, "
		    "agents_away, agents_offline or agents_staffed)", label, text);
	return NULL;
}

/* A windowed metric needs a known window; a figure of `now` takes none. */
static void
config_tile_window(struct config_loader *loader, struct config_tile_draft *d,
    const yaml_node_t *mapping, const struct metric_info *info,
    const char *label)
{
	char *choices = config_window_choices(loader->config);
	const char *text = NULL;

	if (!info->windowed && d->window != NULL)
		config_error(loader, &d->window->start_mark, "%s: metric '%s' "
		    "is a figure of now, so it takes no 'window'", label,
		    info->key);
	else if (info->windowed && d->window == NULL)
		config_error(loader, &mapping->start_mark,
		    "%s: metric '%s' needs a 'window' (%s)", label, info->key,
		    choices);
	else if (info->windowed)
		text = config_expect_scalar(loader, "window", "a string",
		    d->window);
	if (text != NULL && !config_window_known(loader->config, text))
		config_error(loader, &d->window->start_mark,
		    "%s: unknown window '%s' (expected %s)", label, text,
		    choices);
	else if (text != NULL)
		d->tile.window = xstrdup(text);
	free(choices);
}

/* good: above|below; the default follows the metric. */
static void
config_tile_good(struct config_loader *loader, struct config_tile_draft *d,
    const char *label)
{
	const char *text;

	d->tile.good_below = config_name_index(config_lower_is_better,
	    d->tile.metric) >= 0;
	if (d->good == NULL || (text = config_expect_scalar(loader, "good",
	    "above or below", d->good)) == NULL)
		return;
	if (strcmp(text, "above") == 0 || strcmp(text, "below") == 0)
		d->tile.good_below = text[0] == 'b';
	else
		config_error(loader, &d->good->start_mark, "%s: bad good '%s' "
		    "(expected above or below)", label, text);
}

/* "tile agents_ready (all)", "tile service_level (queue:support, 15m)". */
static char *
config_tile_title(const struct config_tile *t)
{
	const char *scope = t->scope ? t->scope : "all";

	if (t->window != NULL)
		return xasprintf("tile %s (%s, %s)", t->metric, scope,
		    t->window);
	return xasprintf("tile %s (%s)", t->metric, scope);
}

/*
 * One level of a tile, for the warnings: its colour, the key that set it
 * (amber, target or red), the node, its value, and how a person reads it:
 * `red: 0 means "red below 0"`, or for a red that target: made,
 * `target: 3% puts red 5 points under it, at 0%`.
 */
struct config_tile_level {
	const char		*colour;
	const char		*key;
	const char		*fix_key;	/* the key to write instead */
	const yaml_node_t	*node;
	double			 value;
	char			 says[160];
};

static void
config_tile_level_init(struct config_tile_level *l, const char *colour,
    const char *key, const yaml_node_t *node, double value,
    const struct config_tile *t, enum metric_kind kind, bool made)
{
	const char *side = t->good_below ? "above" : "below";
	char text[32];

	l->colour = colour;
	l->key = key;
	l->fix_key = made ? colour : key;
	l->node = node;
	l->value = value;
	config_level_text(kind, value, text, sizeof text);
	if (made)
		snprintf(l->says, sizeof l->says, "%s: %s puts %s 5 points %s "
		    "it, at %s", key, config_scalar_text(node), colour,
		    t->good_below ? "over" : "under", text);
	else
		snprintf(l->says, sizeof l->says, "%s: %s means \"%s %s %s\"",
		    key, config_scalar_text(node), colour, side,
		    config_scalar_text(node));
}

/* A level beyond every value the figure can take: it never shows. */
static void
config_tile_warn_edge(struct config_loader *loader, const char *title,
    const struct config_tile *t, const struct metric_info *info,
    const struct config_tile_level *l)
{
	const struct config_kind_facts *f = &config_kinds[info->kind];
	double edge = t->good_below ? f->max : f->min;
	char edge_text[32], fix[32], noun[64];

	config_level_text(info->kind, edge, edge_text, sizeof edge_text);
	config_level_text(info->kind, t->good_below ? edge - f->step :
	    edge + f->step, fix, sizeof fix);
	config_warning(loader, &l->node->start_mark, "%s can never turn %s: "
	    "%s, and %s is never %s %s; for %s at %s%s write %s: %s", title,
	    l->colour, l->says, f->noun, t->good_below ? "above" : "below",
	    edge_text, l->colour, edge_text,
	    config_count_noun(t->metric, noun, sizeof noun), l->fix_key, fix);
}

/*
 * Amber hidden behind red: every value shown past amber is past red too.
 * The fix suggested moves amber one shown value clear of red, or red one
 * clear of amber when amber cannot move (a share past 100%).
 */
static void
config_tile_warn_order(struct config_loader *loader, const char *title,
    const struct config_tile *t, const struct metric_info *info,
    const struct config_tile_level *amber, const struct config_tile_level *red)
{
	const struct config_kind_facts *f = &config_kinds[info->kind];
	double sign = t->good_below ? -1 : 1, fix;
	const char *side = t->good_below ? "above" : "below", *key;
	char fix_text[32];

	fix = sign * (ceil((sign * red->value - 1e-9) / f->step) + 1) * f->step;
	key = amber->key;
	if (fix < 0 || (info->kind == METRIC_RATIO && fix > 1 + 1e-9)) {
		fix = sign * (ceil((sign * amber->value - 1e-9) / f->step) - 1) *
		    f->step;
		key = "red";
	}
	config_level_text(info->kind, fix, fix_text, sizeof fix_text);
	if (fabs(amber->value - red->value) < 1e-9)
		config_warning(loader, &amber->node->start_mark, "%s can never "
		    "turn amber: %s: %s and %s: %s are the same level, so it "
		    "turns red where it would turn amber; to show amber first "
		    "write e.g. %s: %s", title, amber->key,
		    config_scalar_text(amber->node), red->key,
		    config_scalar_text(red->node), key, fix_text);
	else
		config_warning(loader, &amber->node->start_mark, "%s can never "
		    "turn amber: every %s %s %s: %s is also %s %s: %s (%s), so "
		    "it shows red; to show amber first write e.g. %s: %s",
		    title, f->word, side, amber->key,
		    config_scalar_text(amber->node), side, red->key,
		    config_scalar_text(red->node), f->shown, key, fix_text);
}

/* Warn for a tile colour that can never show (the levels already read). */
static void
config_tile_warn(struct config_loader *loader, const struct config_tile_draft *d,
    const struct metric_info *info)
{
	const struct config_tile *t = &d->tile;
	const struct config_kind_facts *f = &config_kinds[info->kind];
	const yaml_node_t *amber_node = d->target ? d->target : d->amber;
	struct config_tile_level amber, red;
	double sign = t->good_below ? -1 : 1;
	bool red_seen = false;
	char *title;

	if (!t->has_amber && !t->has_red)
		return;
	title = config_tile_title(t);
	if (t->has_amber)
		config_tile_level_init(&amber, "amber", d->target ? "target" :
		    "amber", amber_node, t->amber, t, info->kind, false);
	if (t->has_red)
		config_tile_level_init(&red, "red", d->red ? "red" : "target",
		    d->red ? d->red : d->target, t->red, t, info->kind,
		    d->red == NULL);
	if (t->has_red) {
		red_seen = config_level_reachable(f, sign, -INFINITY,
		    sign * t->red);
		if (!red_seen)
			config_tile_warn_edge(loader, title, t, info, &red);
	}
	if (t->has_amber) {
		if (!config_level_reachable(f, sign, -INFINITY, sign * t->amber))
			config_tile_warn_edge(loader, title, t, info, &amber);
		else if (t->has_red && red_seen && !config_level_reachable(f,
		    sign, sign * t->red, sign * t->amber))
			config_tile_warn_order(loader, title, t, info, &amber,
			    &red);
	}
	free(title);
}

/*
 * target: X is amber: X, with red 5 points past it for a share; a
 * service_level tile with no levels colours against its scope's sl_target.
 */
static void
config_tile_levels(struct config_loader *loader, struct config_tile_draft *d,
    const struct metric_info *info, const char *label)
{
	struct config_tile *t = &d->tile;
	const yaml_node_t *amber = d->target ? d->target : d->amber;

	config_tile_good(loader, d, label);
	if (d->target != NULL && d->amber != NULL) {
		config_error(loader, &(config_mark_before(d->target, d->amber) ?
		    d->amber : d->target)->start_mark,
		    "%s: give 'target' or 'amber', not both", label);
		return;
	}
	if (amber != NULL) {
		t->has_amber = config_alert_level(loader, info,
		    d->target ? "target" : "amber", amber, &t->amber);
		if (t->has_amber && d->target != NULL &&
		    info->kind == METRIC_RATIO) {
			t->red = t->good_below ? fmin(1, t->amber + 0.05) :
			    fmax(0, t->amber - 0.05);
			t->has_red = true;
		}
	}
	if (d->red != NULL)
		t->has_red = config_alert_level(loader, info, "red", d->red,
		    &t->red);
	if (t->has_amber && t->has_red && d->red != NULL &&
	    (t->good_below ? t->red < t->amber : t->red > t->amber))
		config_error(loader, &d->red->start_mark, "%s: 'red' (%s) must "
		    "be at or %s '%s' (%s) when good is %s", label,
		    config_scalar_text(d->red), t->good_below ? "above" : "below",
		    d->target ? "target" : "amber", config_scalar_text(amber),
		    t->good_below ? "below" : "above");
	t->sl_target = !t->has_amber && !t->has_red && amber == NULL &&
	    d->red == NULL && t->metric_id == (int)M_SERVICE_LEVEL;
	config_tile_warn(loader, d, info);
}

static void
config_tile_read(struct config_loader *loader, yaml_node_t *mapping,
    struct config_page_draft *page, size_t number)
{
	struct config_page *p = &page->page;
	struct config_tile_draft d;
	struct metric_info agent_info;
	const struct metric_info *info;
	char *label;

	memset(&d, 0, sizeof d);
	d.tile.metric_id = d.tile.agents_state = -1;
	d.tile.line = (int)mapping->start_mark.line + 1;
	config_walk(loader, mapping, config_tile_keys, &d);
	label = xasprintf("board '%s' page %zu tile %zu",
	    page->board->board.name, page->number, number);
	config_tile_scope(loader, &d, page->board, mapping, label);
	info = config_tile_metric(loader, &d, mapping, label, &agent_info);
	if (info != NULL) {
		config_tile_window(loader, &d, mapping, info, label);
		config_tile_levels(loader, &d, info, label);
	}
	free(label);
	if (d.tile.scope == NULL)
		d.tile.scope = xstrdup("all");
	p->tiles = xrealloc(p->tiles, (p->n_tiles + 1) * sizeof *p->tiles);
	p->tiles[p->n_tiles++] = d.tile;
}

static void
config_node_tiles(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	yaml_node_t *item;

	if (!config_expect_sequence(loader, key->name, node))
		return;
	for (size_t i = 0; i < config_items(node); i++) {
		item = config_get(loader, node->data.sequence.items.start[i]);
		if (item->type == YAML_MAPPING_NODE)
			config_tile_read(loader, item, base, i + 1);
		else
			config_error(loader, &item->start_mark,
			    "expected a mapping for a tile, got %s",
			    config_kind(item));
	}
}

static void
config_page_read(struct config_loader *loader, yaml_node_t *mapping,
    struct config_board_draft *board, size_t number)
{
	struct config_board *b = &board->board;
	struct config_page_draft d;

	memset(&d, 0, sizeof d);
	d.board = board;
	d.number = number;
	config_apply_defaults(config_page_keys, &d);
	config_walk(loader, mapping, config_page_keys, &d);
	if (d.page.n_tiles == 0 && !d.page.agent_grid && !d.page.intervals)
		config_error(loader, &mapping->start_mark, "board '%s' page %zu "
		    "shows nothing (give 'tiles', 'agent_grid: true' or "
		    "'intervals: true')",
		    b->name, number);
	b->pages = xrealloc(b->pages, (b->n_pages + 1) * sizeof *b->pages);
	b->pages[b->n_pages++] = d.page;
}

static void
config_node_pages(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	yaml_node_t *item;

	if (!config_expect_sequence(loader, key->name, node))
		return;
	for (size_t i = 0; i < config_items(node); i++) {
		item = config_get(loader, node->data.sequence.items.start[i]);
		if (item->type == YAML_MAPPING_NODE)
			config_page_read(loader, item, base, i + 1);
		else
			config_error(loader, &item->start_mark,
			    "expected a mapping for a page, got %s",
			    config_kind(item));
	}
}

/* Without `scopes:`, a board needs the scopes its tiles name. */
static void
config_board_default_scopes(struct config_board *b)
{
	const struct config_tile *t;
	bool seen;

	for (size_t p = 0; p < b->n_pages; p++) {
		for (size_t i = 0; i < b->pages[p].n_tiles; i++) {
			t = &b->pages[p].tiles[i];
			seen = false;
			for (size_t k = 0; k < b->n_scopes && !seen; k++)
				seen = strcmp(b->scopes[k], t->scope) == 0;
			if (seen)
				continue;
			b->scopes = xrealloc(b->scopes,
			    (b->n_scopes + 1) * sizeof *b->scopes);
			b->scopes[b->n_scopes++] = xstrdup(t->scope);
		}
	}
}

/* A board's name goes into a topic (board/NAME) and onto command lines. */
static bool
config_board_name_valid(const char *name)
{
	return *name != '\0' && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(name);
}

static void
config_board_check(struct config_loader *loader,
    struct config_board_draft *d, yaml_node_t *key, yaml_node_t *value)
{
	struct config_board *b = &d->board;
	yaml_node_t *rotate = config_value_of(loader, value, "rotate");
	yaml_node_t *pages = config_value_of(loader, value, "pages");

	if (!config_board_name_valid(b->name))
		config_error(loader, &key->start_mark, "bad board name '%s' "
		    "(letters, digits, '_', '.' and '-' only)", b->name);
	if (pages == NULL)
		config_error(loader, &value->start_mark,
		    "board '%s': missing 'pages'", b->name);
	else if (b->n_pages == 0 && config_items(pages) == 0)
		config_error(loader, &pages->start_mark,
		    "board '%s' has no pages", b->name);
	if (rotate != NULL && b->rotate_ms > 0 && b->rotate_ms < 1000)
		config_error(loader, &rotate->start_mark, "'rotate' value '%s' "
		    "is too short (the minimum is 1s; 0s for none)",
		    config_scalar_text(rotate));
	if (!d->scopes_given)
		config_board_default_scopes(b);
	if (b->title == NULL)
		b->title = xstrdup(b->name);
}

static void
config_board_entry(struct config_loader *loader, yaml_node_t *key,
    yaml_node_t *value)
{
	struct config *config = loader->config;
	struct config_board_draft d;

	memset(&d, 0, sizeof d);
	d.board.name = xstrdup(config_scalar_text(key));
	config_apply_defaults(config_board_keys, &d);
	if (config_expect_mapping(loader, d.board.name, value)) {
		config_walk(loader, value, config_board_keys, &d);
		config_board_check(loader, &d, key, value);
	} else if (d.board.title == NULL)
		d.board.title = xstrdup(d.board.name);
	config->boards = xrealloc(config->boards,
	    (config->n_boards + 1) * sizeof *config->boards);
	config->boards[config->n_boards++] = d.board;
}

static void
config_node_boards(struct config_loader *loader, const struct config_key *key,
    yaml_node_t *node, void *base)
{
	yaml_node_pair_t *pairs;

	if (!config_expect_mapping(loader, key->name, node))
		return;
	for (size_t i = 0; i < config_pairs(node); i++) {
		pairs = node->data.mapping.pairs.start;
		if (config_pair_ok(loader, node, i))
			config_board_entry(loader, config_get(loader,
			    pairs[i].key), config_get(loader, pairs[i].value));
	}
}

/* ------------------------------------------------------------------------
 * Loading.
 */

/* Read the whole file: libyaml then parses from memory, and a reader error's
 * byte offset can be turned into a line and column. */
static char *
config_read_file(struct config_loader *loader, size_t *len)
{
	static const yaml_mark_t start = { 0, 0, 0 };
	size_t size = 8192, n;
	char *text;
	FILE *f;

	if ((f = fopen(loader->path, "rb")) == NULL) {
		config_error(loader, &start, "cannot open: %s", strerror(errno));
		return NULL;
	}
	text = xmalloc(size);
	*len = 0;
	while ((n = fread(text + *len, 1, size - *len, f)) > 0) {
		*len += n;
		if (*len == size)
			text = xrealloc(text, size *= 2);
	}
	if (ferror(f)) {
		config_error(loader, &start, "cannot read: %s", strerror(errno));
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* The line and column (0-based, in characters) of a byte offset. */
static yaml_mark_t
config_mark_at(const char *text, size_t len, size_t offset)
{
	yaml_mark_t mark = { offset, 0, 0 };

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			mark.line++;
			mark.column = 0;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80)
			mark.column++;
	}
	return mark;
}

static void
config_syntax_error(struct config_loader *loader, const yaml_parser_t *parser,
    const char *text, size_t len)
{
	yaml_mark_t mark = parser->problem_mark;

	if (parser->error == YAML_MEMORY_ERROR)
		fatalx("out of memory parsing %s", loader->path);
	/* The reader (bad encoding) knows only a byte offset. */
	if (parser->error == YAML_READER_ERROR)
		mark = config_mark_at(text, len, parser->problem_offset);
	if (parser->context != NULL)
		config_error(loader, &mark, "syntax error: %s (%s at %zu:%zu)",
		    parser->problem, parser->context,
		    parser->context_mark.line + 1,
		    parser->context_mark.column + 1);
	else
		config_error(loader, &mark, "syntax error: %s",
		    parser->problem ? parser->problem : "unknown");
}

/*
 * Parse the one document of the file into *document. A second document is
 * refused: the daemon would silently ignore it.
 */
static bool
config_parse(struct config_loader *loader, const char *text, size_t len,
    yaml_document_t *document)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	bool ok = false;

	if (!yaml_parser_initialize(&parser))
		fatalx("out of memory parsing %s", loader->path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, document))
		config_syntax_error(loader, &parser, text, len);
	else if (!yaml_parser_load(&parser, &extra)) {
		config_syntax_error(loader, &parser, text, len);
		yaml_document_delete(document);
	} else {
		if (yaml_document_get_root_node(&extra) != NULL)
			config_error(loader, &extra.start_mark,
			    "only one YAML document is allowed");
		yaml_document_delete(&extra);
		ok = true;
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void
config_read_root(struct config_loader *loader)
{
	yaml_node_t *root = yaml_document_get_root_node(loader->document);

	/* An empty file is every default. */
	if (root == NULL || config_is_null(root))
		return;
	if (root->type != YAML_MAPPING_NODE) {
		config_error(loader, &root->start_mark,
		    "expected a mapping at the top of the file, got %s",
		    config_kind(root));
		return;
	}
	config_walk(loader, root, config_keys, loader->config);
}

/* What the config itself names fits in limits: (the feeds add to it). */
static void
config_check_limits(struct config_loader *loader)
{
	const struct config *c = loader->config;
	const yaml_node_t *root = yaml_document_get_root_node(loader->document);
	const struct { const char *what; size_t n; int64_t limit; } t[] = {
		{ "queues", c->n_queues, c->limit_queues },
		{ "teams", c->n_teams, c->limit_teams },
		{ "agents", c->n_agents, c->limit_agents },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if ((int64_t)t[i].n > t[i].limit)
			config_error(loader, &root->start_mark, "the config "
			    "names %zu %s, "
			    "more than limits: {%s: %" PRId64 "}", t[i].n,
			    t[i].what, t[i].what, t[i].limit);
}

static struct config *config_load_from(const char *, const char *, size_t,
    struct config_errors *);

/*
 * Load path into a new config. errors is overwritten (not appended to): on
 * success it is empty, on failure it holds every error, sorted by position.
 */
struct config *
config_load(const char *path, struct config_errors *errors)
{
	return config_load_from(path, NULL, 0, errors);
}

/* From path's file, or from text (len bytes) named path when text is set. */
static struct config *
config_load_from(const char *path, const char *given, size_t len,
    struct config_errors *errors)
{
	struct config_loader loader = { .path = path };
	struct config_errors discard;
	yaml_document_t document;
	char *text;

	if (errors == NULL)
		errors = &discard;
	errors->lines = NULL;
	errors->n = 0;
	loader.config = config_default();
	free(loader.config->path);
	loader.config->path = xstrdup(path);

	if (given != NULL)
		text = xstrndup(given, len);
	else
		text = config_read_file(&loader, &len);
	if (text != NULL) {
		if (config_parse(&loader, text, len, &document)) {
			loader.document = &document;
			config_read_root(&loader);
			if (loader.n_errors == 0)
				config_check_limits(&loader);
			yaml_document_delete(&document);
		}
		free(text);
	}
	if (loader.n_errors == 0) {
		config_notes_take(path, &loader.warnings, &loader.n_warnings,
		    "warning: ", &loader.config->warnings,
		    &loader.config->n_warnings);
		return loader.config;
	}
	config_notes_drop(&loader.warnings, &loader.n_warnings);
	config_free(&loader.config);
	config_notes_take(path, &loader.errors, &loader.n_errors, "",
	    &errors->lines, &errors->n);
	if (errors == &discard)
		config_errors_clear(&discard);
	return NULL;
}

/* Every default, from the tables: the same readers as a file's values. */
struct config *
config_default(void)
{
	struct config *config = xcalloc(1, sizeof *config);

	config->path = xstrdup("(defaults)");
	config_apply_defaults(config_keys, config);
	return config;
}

static void
config_alerts_free(struct config *config)
{
	struct config_alert *alert;

	for (size_t i = 0; i < config->n_alerts; i++) {
		alert = &config->alerts[i];
		free(alert->name);
		free(alert->metric);
		free(alert->window);
		free(alert->scope);
	}
	free(config->alerts);
}

static void
config_entries_free(struct config *config)
{
	for (size_t i = 0; i < config->n_queues; i++) {
		free(config->queues[i].name);
		free(config->queues[i].label);
	}
	free(config->queues);
	for (size_t i = 0; i < config->n_teams; i++) {
		free(config->teams[i].name);
		free(config->teams[i].label);
		config_strings_free(&config->teams[i].agents,
		    &config->teams[i].n_agents);
		config_strings_free(&config->teams[i].queues,
		    &config->teams[i].n_queues);
	}
	free(config->teams);
	for (size_t i = 0; i < config->n_agents; i++) {
		free(config->agents[i].id);
		free(config->agents[i].name);
		free(config->agents[i].team);
		config_strings_free(&config->agents[i].queues,
		    &config->agents[i].n_queues);
	}
	free(config->agents);
}

static void
config_tiles_free(struct config_page *page)
{
	for (size_t i = 0; i < page->n_tiles; i++) {
		free(page->tiles[i].scope);
		free(page->tiles[i].metric);
		free(page->tiles[i].window);
		free(page->tiles[i].label);
	}
	free(page->tiles);
}

static void
config_boards_free(struct config *config)
{
	struct config_board *b;

	for (size_t i = 0; i < config->n_boards; i++) {
		b = &config->boards[i];
		free(b->name);
		free(b->title);
		free(b->token);
		config_strings_free(&b->scopes, &b->n_scopes);
		config_strings_free(&b->agents, &b->n_agents);
		for (size_t p = 0; p < b->n_pages; p++) {
			free(b->pages[p].title);
			config_tiles_free(&b->pages[p]);
		}
		free(b->pages);
	}
	free(config->boards);
}

/* Free a config and clear the caller's pointer. Accepts NULL. */
void
config_free(struct config **configp)
{
	struct config *config;

	if (configp == NULL || (config = *configp) == NULL)
		return;
	free(config->path);
	free(config->site_name);
	free(config->timezone);
	config_windows_free(config);
	config_entries_free(config);
	config_alerts_free(config);
	config_boards_free(config);
	config_strings_free(&config->ingest_bind, &config->n_ingest_bind);
	config_strings_free(&config->ingest_connect, &config->n_ingest_connect);
	config_strings_free(&config->nats_servers, &config->n_nats_servers);
	config_strings_free(&config->nats_subjects, &config->n_nats_subjects);
	free(config->nats_stream);
	free(config->nats_credentials);
	config_strings_free(&config->publish_bind, &config->n_publish_bind);
	config_strings_free(&config->publish_endpoints,
	    &config->n_publish_endpoints);
	free(config->state_dir);
	free(config->http_listen);
	free(config->web_listen);
	free(config->web_token);
	free(config->web_frame_ancestors);
	config_strings_free(&config->warnings, &config->n_warnings);
	free(config);
	*configp = NULL;
}

/* Free every error line and leave errors empty. Accepts NULL. */
void
config_errors_clear(struct config_errors *errors)
{
	if (errors == NULL)
		return;
	config_strings_free(&errors->lines, &errors->n);
}

/* ------------------------------------------------------------------------
 * Listen addresses.
 */

/* A port: 1 to 5 digits, 1 to 65535. */
static bool
config_port_parse(const char *text, unsigned *port)
{
	size_t len = strlen(text);
	unsigned long v;

	if (len == 0 || len > 5 || strspn(text, "0123456789") != len)
		return false;
	v = strtoul(text, NULL, 10);
	if (v == 0 || v > 65535)
		return false;
	*port = (unsigned)v;
	return true;
}

/*
 * The host part, len bytes of text: a name or IPv4 address, or inside
 * brackets an IPv6 one. Only the characters each may hold: the resolver
 * says the rest when the daemon binds.
 */
static bool
config_host_valid(const char *text, size_t len, bool bracketed)
{
	const char *allowed = bracketed ? "0123456789abcdefABCDEF:." :
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-";

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (strchr(allowed, text[i]) == NULL)
			return false;
	return !bracketed || memchr(text, ':', len) != NULL;
}

bool
config_listen_split(const char *text, char *host, size_t hostlen,
    unsigned *port)
{
	bool bracketed = *text == '[';
	const char *start = text + bracketed, *end;

	if (bracketed) {
		if ((end = strchr(start, ']')) == NULL || end[1] != ':')
			return false;
	} else if ((end = strrchr(start, ':')) == NULL)
		return false;
	if (!config_host_valid(start, (size_t)(end - start), bracketed) ||
	    (size_t)(end - start) >= hostlen ||
	    !config_port_parse(end + 1 + bracketed, port))
		return false;
	memcpy(host, start, (size_t)(end - start));
	host[end - start] = '\0';
	return true;
}

/* ------------------------------------------------------------------------
 * Lookups.
 */

/* The queue called name, or NULL. Linear: configs hold tens of queues. */
const struct config_queue *
config_find_queue(const struct config *config, const char *name)
{
	for (size_t i = 0; i < config->n_queues; i++)
		if (strcmp(config->queues[i].name, name) == 0)
			return &config->queues[i];
	return NULL;
}

/* The team called name, or NULL. */
const struct config_team *
config_find_team(const struct config *config, const char *name)
{
	for (size_t i = 0; i < config->n_teams; i++)
		if (strcmp(config->teams[i].name, name) == 0)
			return &config->teams[i];
	return NULL;
}

/* The agent with this id (from `agents:` only), or NULL. */
const struct config_agent *
config_find_agent(const struct config *config, const char *id)
{
	for (size_t i = 0; i < config->n_agents; i++)
		if (strcmp(config->agents[i].id, id) == 0)
			return &config->agents[i];
	return NULL;
}

/* The board called name, or NULL. */
const struct config_board *
config_find_board(const struct config *config, const char *name)
{
	for (size_t i = 0; i < config->n_boards; i++)
		if (strcmp(config->boards[i].name, name) == 0)
			return &config->boards[i];
	return NULL;
}

/* A pattern ending in '*' matches every scope with that start. */
bool
config_scope_match(const char *pattern, const char *scope)
{
	size_t len = strlen(pattern);

	if (len > 0 && pattern[len - 1] == '*')
		return strncmp(pattern, scope, len - 1) == 0 &&
		    strlen(scope) >= len;
	return strcmp(pattern, scope) == 0;
}

/* The formula's config name; "unknown" for a value outside the enum. */
const char *
config_sl_formula_name(enum sl_formula formula)
{
	if ((unsigned)formula > SL_ASTERISK2)
		return "unknown";
	return config_formula_names[formula];
}

int64_t
config_history_interval_ms(const struct config *c)
{
	static const int64_t minutes[] = { 15, 30, 60 };

	if (c->history_interval < 0 || c->history_interval > 2)
		return minutes[0] * 60 * 1000;
	return minutes[c->history_interval] * 60 * 1000;
}

/* The formula called name into *out; false (out untouched) if none is. */
bool
config_sl_formula_parse(const char *name, enum sl_formula *out)
{
	for (int i = 0; config_formula_names[i] != NULL; i++) {
		if (strcmp(config_formula_names[i], name) == 0) {
			*out = (enum sl_formula)i;
			return true;
		}
	}
	return false;
}

/* The severity's config name; "unknown" for a value outside the enum. */
const char *
config_severity_name(enum alert_severity severity)
{
	if ((unsigned)severity > SEVERITY_CRITICAL)
		return "unknown";
	return config_severity_names[severity];
}

struct config *
config_load_reporting(const char *path)
{
	struct config_errors errors = { 0 };
	struct config *config = config_load(path, &errors);

	for (size_t i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	config_errors_clear(&errors);
	return config;
}

/* publish.endpoints as one list, joined by commas (display/standby.h). */
static char *
config_endpoints_joined(const struct config *c)
{
	char *list = xstrdup(c->publish_endpoints[0]);

	for (size_t i = 1; i < c->n_publish_endpoints; i++) {
		char *longer = xasprintf("%s,%s", list, c->publish_endpoints[i]);

		free(list);
		list = longer;
	}
	return list;
}

char *
config_client_endpoint(const struct config *c)
{
	const char *bind = c->n_publish_bind ? c->publish_bind[0] :
	    "tcp://*:7411";
	const char *host = strstr(bind, "://");

	if (c->n_publish_endpoints > 0)
		return config_endpoints_joined(c);
	if (host != NULL && (strncmp(host + 3, "*:", 2) == 0 ||
	    strncmp(host + 3, "0.0.0.0:", 8) == 0))
		return xasprintf("%.*s://127.0.0.1%s", (int)(host - bind), bind,
		    strchr(host + 3, ':'));
	return xstrdup(bind);
}

const struct config_board *
config_choose_board(const struct config *c, const char *name, char *err,
    size_t errlen)
{
	const struct config_board *b;

	if (name == NULL && c->n_boards == 1)
		return &c->boards[0];
	if (name == NULL)
		snprintf(err, errlen, "%s: --board NAME is needed (%zu boards are "
		    "configured)", c->path, c->n_boards);
	else if ((b = config_find_board(c, name)) != NULL)
		return b;
	else
		snprintf(err, errlen, "%s: no board '%s' under boards:", c->path, name);
	return NULL;
}

/* ------------------------------------------------------------------------
 * A board's layout from the wire (PROTOCOL §6.15): the §6.11 document is
 * checked for shape and size here, then written out as the YAML of a
 * config with that one board and read by the loader above, so a layout
 * from a daemon passes exactly the checks a config file's board does.
 */

struct config_layout_out {
	char *buf;
	size_t len;
	FILE *f;
	char *err;
	size_t errlen;
	bool bad;
};

static void
config_layout_bad(struct config_layout_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->bad)
		return;
	o->bad = true;
	va_start(ap, fmt);
	vsnprintf(o->err, o->errlen, fmt, ap);
	va_end(ap);
}

/* A YAML double-quoted scalar: escapes for '"', '\' and control bytes. */
static void
config_layout_quote(struct config_layout_out *o, const char *text)
{
	fputc('"', o->f);
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(o->f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(o->f, "\\x%02x", *c);
		else
			fputc(*c, o->f);
	}
	fputc('"', o->f);
}

/* An optional string member: absent or null is NULL; else capped text. */
static const char *
config_layout_text(struct config_layout_out *o, const cJSON *obj,
    const char *key, bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			config_layout_bad(o, "missing '%s'", key);
		return NULL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		config_layout_bad(o, "'%s' is not a string", key);
		return NULL;
	}
	if (strlen(v->valuestring) > CONFIG_LAYOUT_MAX_TEXT) {
		config_layout_bad(o, "'%s' is longer than %d bytes", key,
		    CONFIG_LAYOUT_MAX_TEXT);
		return NULL;
	}
	return v->valuestring;
}

/* An optional number member in [min, max]; false when absent or null. */
static bool
config_layout_number(struct config_layout_out *o, const cJSON *obj,
    const char *key, double min, double max, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
	    v->valuedouble < min || v->valuedouble > max) {
		config_layout_bad(o, "'%s' is not a number from %g to %g", key,
		    min, max);
		return false;
	}
	*out = v->valuedouble;
	return true;
}

static bool
config_layout_bool(struct config_layout_out *o, const cJSON *obj,
    const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v != NULL && !cJSON_IsBool(v) && !cJSON_IsNull(v))
		config_layout_bad(o, "'%s' is not true or false", key);
	return v != NULL && cJSON_IsTrue(v);
}

/* "key": "text", when there is text. */
static void
config_layout_pair(struct config_layout_out *o, const char *key,
    const char *text)
{
	if (text == NULL)
		return;
	fprintf(o->f, ", \"%s\": ", key);
	config_layout_quote(o, text);
}

static void
config_layout_tile(struct config_layout_out *o, const cJSON *t)
{
	const cJSON *good = cJSON_GetObjectItemCaseSensitive(t, "good_below");
	double v;

	if (!cJSON_IsObject(t)) {
		config_layout_bad(o, "a tile is not an object");
		return;
	}
	fputs("{\"metric\": ", o->f);
	config_layout_quote(o, config_layout_text(o, t, "metric", true) ?: "");
	config_layout_pair(o, "scope", config_layout_text(o, t, "scope",
	    false));
	config_layout_pair(o, "window", config_layout_text(o, t, "window",
	    false));
	config_layout_pair(o, "label", config_layout_text(o, t, "label",
	    false));
	if (good != NULL && !cJSON_IsNull(good))
		fprintf(o->f, ", \"good\": \"%s\"",
		    config_layout_bool(o, t, "good_below") ? "below" : "above");
	if (config_layout_number(o, t, "amber", -1e15, 1e15, &v))
		fprintf(o->f, ", \"amber\": %.17g", v);
	if (config_layout_number(o, t, "red", -1e15, 1e15, &v))
		fprintf(o->f, ", \"red\": %.17g", v);
	fputc('}', o->f);
}

static void
config_layout_page(struct config_layout_out *o, const cJSON *p)
{
	const cJSON *tiles, *t;
	int n = 0;

	if (!cJSON_IsObject(p)) {
		config_layout_bad(o, "a page is not an object");
		return;
	}
	tiles = cJSON_GetObjectItemCaseSensitive(p, "tiles");
	if (tiles != NULL && !cJSON_IsArray(tiles) && !cJSON_IsNull(tiles))
		config_layout_bad(o, "'tiles' is not an array");
	if (cJSON_GetArraySize(tiles) > CONFIG_LAYOUT_MAX_TILES)
		config_layout_bad(o, "a page has more than %d tiles",
		    CONFIG_LAYOUT_MAX_TILES);
	fprintf(o->f, "{\"agent_grid\": %s, \"intervals\": %s",
	    config_layout_bool(o, p, "agent_grid") ? "true" : "false",
	    config_layout_bool(o, p, "intervals") ? "true" : "false");
	config_layout_pair(o, "title", config_layout_text(o, p, "title",
	    false));
	if (cJSON_IsArray(tiles) && cJSON_GetArraySize(tiles) > 0) {
		fputs(", \"tiles\": [", o->f);
		cJSON_ArrayForEach(t, tiles) {
			if (n++ > 0)
				fputs(", ", o->f);
			config_layout_tile(o, t);
		}
		fputc(']', o->f);
	}
	fputc('}', o->f);
}

/* The config's windows: the layout's "windows" (the daemon's), else the
 * distinct windows the tiles name. */
static void
config_layout_windows(struct config_layout_out *o, const cJSON *root,
    const cJSON *pages)
{
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(root, "windows");
	const cJSON *p, *t, *w;
	char **seen = NULL;
	size_t n = 0;

	if (given != NULL && !cJSON_IsNull(given)) {
		if (!cJSON_IsArray(given) || cJSON_GetArraySize(given) >
		    CONFIG_LAYOUT_MAX_WINDOWS) {
			config_layout_bad(o, "'windows' is not an array of at "
			    "most %d", CONFIG_LAYOUT_MAX_WINDOWS);
			return;
		}
		cJSON_ArrayForEach(w, given) {
			if (!cJSON_IsString(w) || w->valuestring == NULL ||
			    strlen(w->valuestring) > CONFIG_LAYOUT_MAX_TEXT) {
				config_layout_bad(o, "a window is not a string");
				return;
			}
			seen = xrealloc(seen, (n + 1) * sizeof *seen);
			seen[n++] = w->valuestring;
		}
		pages = NULL;
	}
	cJSON_ArrayForEach(p, pages) {
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(p,
		    "tiles")) {
			bool dup = false;

			w = cJSON_GetObjectItemCaseSensitive(t, "window");
			/* "today" is every config's, never in windows:. */
			if (!cJSON_IsString(w) || w->valuestring == NULL ||
			    strlen(w->valuestring) > CONFIG_LAYOUT_MAX_TEXT ||
			    strcmp(w->valuestring, "today") == 0)
				continue;
			for (size_t i = 0; i < n && !dup; i++)
				dup = strcmp(seen[i], w->valuestring) == 0;
			if (dup)
				continue;
			seen = xrealloc(seen, (n + 1) * sizeof *seen);
			seen[n++] = w->valuestring;
		}
	}
	if (n > 0) {
		fputs(", \"windows\": [", o->f);
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				fputs(", ", o->f);
			config_layout_quote(o, seen[i]);
		}
		fputc(']', o->f);
	}
	free(seen);
}

/* The layout as a config file's YAML (flow style), or NULL and o->err. */
static void
config_layout_yaml(struct config_layout_out *o, const cJSON *root,
    const char *name)
{
	const cJSON *pages = cJSON_GetObjectItemCaseSensitive(root, "pages");
	const char *text;
	double v;
	int n = 0;

	if (!config_layout_number(o, root, "v", 1, 1, &v))
		config_layout_bad(o, "not a layout of version 1 ('v')");
	if ((text = config_layout_text(o, root, "name", true)) != NULL &&
	    strcmp(text, name) != 0)
		config_layout_bad(o, "the layout of board '%s', not '%s'",
		    text, name);
	if (!cJSON_IsArray(pages))
		config_layout_bad(o, "'pages' is not an array");
	else if (cJSON_GetArraySize(pages) > CONFIG_LAYOUT_MAX_PAGES)
		config_layout_bad(o, "more than %d pages",
		    CONFIG_LAYOUT_MAX_PAGES);
	if (o->bad)
		return;
	fputs("{\"site\": {\"name\": ", o->f);
	config_layout_quote(o, config_layout_text(o, root, "site", false) ?:
	    "wallboard");
	config_layout_pair(o, "timezone", config_layout_text(o, root,
	    "timezone", false));
	if (config_layout_number(o, root, "day_start_min", 0, 1439, &v))
		fprintf(o->f, ", \"day_start\": \"%02d:%02d\"", (int)v / 60,
		    (int)v % 60);
	fputc('}', o->f);
	if (config_layout_number(o, root, "heartbeat_ms", 0, 86400000, &v))
		fprintf(o->f, ", \"publish\": {\"heartbeat\": \"%.0fms\"}", v);
	config_layout_windows(o, root, pages);
	fputs(", \"boards\": {", o->f);
	config_layout_quote(o, name);
	fputs(": {\"pages\": [", o->f);
	const cJSON *p;
	cJSON_ArrayForEach(p, pages) {
		if (n++ > 0)
			fputs(", ", o->f);
		config_layout_page(o, p);
	}
	fputc(']', o->f);
	config_layout_pair(o, "title", config_layout_text(o, root, "title",
	    false));
	if (config_layout_number(o, root, "rotate_ms", 0, 86400000, &v))
		fprintf(o->f, ", \"rotate\": \"%.0fms\"", v);
	fputs("}}}\n", o->f);
}

struct config *
config_load_layout(const char *json, size_t len, const char *name,
    int64_t *loaded, char *err, size_t errlen)
{
	struct config_layout_out o = { .err = err, .errlen = errlen };
	struct config_errors errors = { 0 };
	struct config *c = NULL;
	cJSON *root;
	double v;
	char *path;

	*loaded = -1;
	if (len > CONFIG_LAYOUT_MAX_BYTES) {
		snprintf(err, errlen, "%zu bytes, more than the %d a layout may "
		    "have", len, CONFIG_LAYOUT_MAX_BYTES);
		return NULL;
	}
	if ((root = cJSON_ParseWithLength(json, len)) == NULL ||
	    !cJSON_IsObject(root)) {
		snprintf(err, errlen, "not a JSON object");
		cJSON_Delete(root);
		return NULL;
	}
	if ((o.f = open_memstream(&o.buf, &o.len)) == NULL)
		fatalx("out of memory");
	config_layout_yaml(&o, root, name);
	if (config_layout_number(&o, root, "loaded", 0, 9e15, &v))
		*loaded = (int64_t)v;
	fclose(o.f);
	cJSON_Delete(root);
	if (!o.bad) {
		path = xasprintf("layout/%s", name);
		c = config_load_from(path, o.buf, o.len, &errors);
		free(path);
		if (c == NULL) {
			/* "layout/NAME:L:C: what": the place is in our YAML. */
			const char *what = errors.lines[0], *at;

			for (int i = 0; i < 3 && (at = strchr(what, ':')); i++)
				what = at + 1;
			snprintf(err, errlen, "%s", what + strspn(what, " "));
			config_errors_clear(&errors);
		} else if (c->n_boards != 1) {
			snprintf(err, errlen, "no board");
			config_free(&c);
		}
	}
	free(o.buf);
	return c;
}
