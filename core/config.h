/*
 * config.h: the typed configuration, loaded from YAML.
 *
 * config_load() reads a file through libyaml into a struct config, walking a
 * table of keys with type, bounds and default (redis style). Every error is
 * collected as "FILE:LINE:COL: message" before failing, so a person sees them
 * all at once. A config is immutable once loaded; a reload loads a new one
 * and swaps it in only if it is whole.
 */
#ifndef WALLBOARD_CONFIG_H
#define WALLBOARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sl_formula {
	SL_STANDARD,          /* answered_in_sl / (offered - short_abandoned) */
	SL_ANSWERED,          /* answered_in_sl / answered */
	SL_ABANDONS_POSITIVE, /* (answered_in_sl + abandoned_in_sl) / offered */
	SL_ABANDONS_IGNORED,  /* answered_in_sl / (offered - abandoned_in_sl) */
	SL_ASTERISK,          /* app_queue's SL: completed in SL / completed */
	SL_ASTERISK2,         /* app_queue's SL2: (C in SL + A in SL) / (C + A) */
};

enum alert_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_CRITICAL };

/* Targets an agent's figures are read against in an agent report
 * (docs/history.md "Individual figures"); 0: none set. `defaults:
 * {targets:}` and each team's `targets:` (a team's own first). */
struct config_targets {
	int64_t aht_ms;
	double occupancy, fcr, csat;
};

/* The per-queue service settings; `defaults:` and every queue hold one. */
struct queue_settings {
	int64_t sl_threshold_ms;   /* T; default 20s */
	double sl_target;          /* default 0.8 */
	int64_t short_abandon_ms;  /* S; 0 turns short abandons off; default 5s */
	enum sl_formula sl_formula;
	int64_t repeat_window_ms;  /* default 24h */
	struct config_targets targets; /* read from `defaults:` only */
};

struct config_queue {
	char *name;               /* the key under queues: */
	char *label;              /* defaults to name */
	struct queue_settings settings;
};

struct config_team {
	char *name;
	char *label;              /* defaults to name */
	char **agents;            /* agent ids; n_agents of them */
	size_t n_agents;
	char **queues;            /* queue names; NULL/0 when absent */
	size_t n_queues;
	bool has_queues;          /* `queues:` was given (even empty) */
	struct config_targets targets; /* 0: the defaults' */
};

struct config_agent {
	char *id;
	char *name;               /* NULL when absent */
	char *team;               /* NULL when absent */
	char **queues;
	size_t n_queues;
	bool has_queues;
};

struct config_window {
	char *name;               /* as written: "15m" */
	int64_t length_ms;
};

struct config_alert {
	char *name;
	char *metric;             /* a metric key of PROTOCOL §2, waiting or longest_wait_ms */
	char *window;             /* a configured window's name or "today"; NULL for now-metrics */
	char *scope;              /* "all", "queue:*", "team:billing", ... */
	bool above;               /* false: fires below threshold */
	bool threshold_target;    /* threshold is an offset from each scope's sl_target */
	double threshold;         /* in the metric's unit: fraction, ms or count;
	                           * with threshold_target, the offset added to
	                           * the scope's sl_target (`below: target-5%`
	                           * is -0.05; plain `target` is 0) */
	bool has_clear;           /* `clear:` was given (a number or a target
	                           * form); false when clear is the default */
	bool clear_target;        /* clear is an offset from each scope's sl_target */
	double clear;             /* hysteresis level, read like threshold: an
	                           * offset when clear_target. Without `clear:`
	                           * it is the threshold, in the same form
	                           * (clear_target = threshold_target), so the
	                           * alert resolves where it fired */
	int64_t for_ms;           /* default 0 */
	enum alert_severity severity; /* default warning */
	int line;                 /* where it was defined, for messages */
};

/*
 * Boards (docs/boards.md): what a wallboard shows. A tile is one figure of
 * one scope; its colour comes from two levels, amber and red, read on the
 * side that `good` says is better.
 */
struct config_tile {
	char *scope;              /* "all", "queue:support", "team:billing" */
	char *metric;             /* a metric key of PROTOCOL §2, waiting,
	                           * longest_wait_ms or agents_<state>/staffed */
	char *window;             /* NULL for figures of `now` */
	char *label;              /* NULL: the board makes one */
	int metric_id;            /* enum metric_id (metric.h), or -1 */
	int agents_state;         /* agents_*: enum agent_state (event.h),
	                           * AGENT_STATE_COUNT for staffed; else -1 */
	bool good_below;          /* lower is better (waits, abandons) */
	bool has_amber, has_red;  /* levels in the metric's unit */
	double amber, red;
	bool sl_target;           /* service_level with no levels: amber at
	                           * the scope's sl_target, red 5 points under */
	int line;
};

struct config_page {
	char *title;              /* NULL when absent */
	struct config_tile *tiles;
	size_t n_tiles;
	bool agent_grid;          /* default false */
	bool intervals;           /* "Today by interval": a table of the
	                           * board's scopes' trends (§6.14); default
	                           * false */
};

struct config_board {
	char *name;               /* the key under boards: */
	char *title;              /* defaults to name */
	char **scopes;            /* scope patterns the board needs; default:
	                           * the scopes its tiles name */
	size_t n_scopes;
	char **agents;            /* scope patterns choosing the grid's agents;
	                           * default ["all"] */
	size_t n_agents;
	struct config_page *pages;
	size_t n_pages;           /* at least 1 */
	int64_t rotate_ms;        /* 0: no rotation (default) */
	char *token;              /* the web board's access token (web:,
	                           * docs/web.md); NULL: web.token */
};

struct config {
	char *path;

	/* site: */
	char *site_name;          /* default "wallboard" */
	char *timezone;           /* default "UTC"; must exist in tzdata */
	int day_start_minutes;    /* minutes after local midnight; default 0 */

	struct config_window *windows; /* default [15m, 60m] */
	size_t n_windows;

	struct queue_settings defaults;

	struct config_queue *queues;
	size_t n_queues;
	struct config_team *teams;
	size_t n_teams;
	struct config_agent *agents;
	size_t n_agents;
	struct config_alert *alerts;
	size_t n_alerts;

	int64_t call_timeout_ms;  /* default 4h */
	int64_t feeds_stale_after_ms; /* feeds: {stale_after: 30s} */
	int64_t feeds_max_ahead_ms;   /* feeds: {max_ahead: 1h}; 0: no limit */

	/* The daemon's own (PROTOCOL §4). */
	char **ingest_bind;       /* default tcp on port 7410, all interfaces */
	size_t n_ingest_bind;
	char **ingest_connect;    /* default [] */
	size_t n_ingest_connect;
	int64_t ingest_max_message; /* bytes; a peer sending more is cut off
	                           * (ZMQ_MAXMSGSIZE); default 1MiB, at least
	                           * 64KiB, the most an event may be */
	int64_t ingest_max_queue; /* bytes of events waiting to be applied;
	                           * default 64MiB */
	int64_t ingest_max_peers; /* peers connected to the binds at once;
	                           * default 64 (daemon/peers.c) */
	/* ingest.nats: the events from NATS JetStream (docs/nats.md); off
	 * while no server is named. */
	char **nats_servers;      /* default [] */
	size_t n_nats_servers;
	char *nats_stream;        /* default "WALLBOARD" */
	char **nats_subjects;     /* default ["wallboard.events.>"] */
	size_t n_nats_subjects;
	char *nats_credentials;   /* a .creds file; default "" (none) */
	int64_t nats_replicas;    /* of a stream made here; default 1 */
	int64_t nats_max_age_ms;  /* its retention; default 72h, at least 48h */
	int64_t nats_duplicates_ms; /* its duplicate window; default 2h */
	char **publish_bind;      /* default tcp on port 7411, all interfaces */
	size_t n_publish_bind;
	char **publish_endpoints; /* the boards' endpoints; none: the bind */
	size_t n_publish_endpoints;
	double publish_max_rate;  /* snapshots per second at most; default 10 */
	int64_t publish_heartbeat_ms; /* default 1s */
	int64_t publish_max_subscribers; /* default 64 */
	int64_t publish_queue;    /* messages held per subscriber; default 4 */
	char *state_dir;          /* default "/var/lib/wallboard" */
	/* journal: what the state directory keeps (core/journal.h) */
	int64_t journal_keep_days; /* old days' files kept; default 7 */
	int64_t journal_max_bytes; /* all journal files; default 2GiB */
	int64_t journal_max_pending; /* records waiting while the disk
	                           * refuses them; default 64MiB */
	int64_t http_max_connections;  /* default 256 */
	int64_t http_header_timeout_ms; /* whole request in; default 10s */
	int64_t http_idle_timeout_ms;   /* between requests; default 60s */
	/* limits: names the feeds may make it hold (§6.9) */
	int64_t limit_feeds, limit_agents, limit_queues, limit_teams;
	int64_t limit_calls, limit_callers, limit_alert_history;
	int64_t limit_window_entries;
	/* history: (issue 19, §6.13) */
	int history_interval;     /* index into 15m, 30m, 60m; default 15m:
	                           * config_history_interval_ms */
	int64_t history_trend_points; /* intervals in a snapshot's trend;
	                           * default 8, at most 16 */
	int64_t history_max_abandoned; /* abandoned calls listed a day;
	                           * default 20000 (docs/history.md) */
	int64_t history_rebuild_max_bytes; /* a kept day's journal replayed
	                           * for a report: at most; default 256MiB */
	int64_t history_rebuild_every_ms; /* a day rebuilt (not the one kept)
	                           * at most once in this long; default 10s */
	bool http_agent_reports;  /* http: {agent_reports: false}: agents'
	                           * report rows over HTTP (docs/history.md) */
	char *http_listen;        /* http: {listen: "127.0.0.1:7412"}; HOST:PORT
	                           * or [V6]:PORT, "" when off */
	/* web: the browser board (docs/web.md) */
	char *web_listen;         /* a second HTTP listener serving only the
	                           * boards; "" (default) when off */
	char *web_token;          /* shared access token; NULL: none asked */
	char *web_frame_ancestors; /* CSP frame-ancestors; default 'none' */
	int64_t web_max_streams;  /* event streams open at once; default 64 */
	int64_t web_stream_buffer; /* bytes queued per stream; default 8MiB */
	struct config_board *boards; /* boards:, in file order */
	size_t n_boards;

	/*
	 * What loads but cannot be meant: a tile level no figure can reach
	 * (never red, never amber), an alert rule that can never fire. Each
	 * "FILE:LINE:COL: warning: message", sorted by position; none in
	 * config_default(). Owned by the config, freed by config_free.
	 */
	char **warnings;
	size_t n_warnings;
};

/* A list of error lines, each "FILE:LINE:COL: message". */
struct config_errors {
	char **lines;
	size_t n;
};

/*
 * Load and validate a config file. Returns a new config (free with
 * config_free) or NULL; on NULL, errors holds every problem found (at least
 * one). The caller owns errors' contents: free with config_errors_clear.
 * A config returned may carry warnings (config->warnings); a config that
 * fails carries none of them out: errors come first.
 */
struct config *config_load(const char *path, struct config_errors *errors);

/*
 * A board's layout from the wire (the §6.11 document, PROTOCOL §6.15): a
 * config holding that one board, checked as a config file's board is, or
 * NULL with a sentence in err. Refused past the caps below, or when the
 * document names another board than name. *loaded: its "loaded" (when the
 * daemon loaded its config, ms since the epoch), -1 when it has none.
 */
#define CONFIG_LAYOUT_MAX_BYTES 65536
#define CONFIG_LAYOUT_MAX_PAGES 32
#define CONFIG_LAYOUT_MAX_TILES 64      /* a page */
#define CONFIG_LAYOUT_MAX_TEXT 256      /* bytes of any string */
#define CONFIG_LAYOUT_MAX_WINDOWS 64
struct config *config_load_layout(const char *json, size_t len,
    const char *name, int64_t *loaded, char *err, size_t errlen);

/* A config with every default and nothing else (no queues, teams, agents,
 * alerts); path is "(defaults)". Free with config_free. */
struct config *config_default(void);

/* Free a config and clear the caller's pointer. Accepts NULL. */
void config_free(struct config **config);

void config_errors_clear(struct config_errors *errors);

/* Lookups by name; NULL when absent. */
const struct config_queue *config_find_queue(const struct config *, const char *name);
const struct config_team *config_find_team(const struct config *, const char *name);
const struct config_agent *config_find_agent(const struct config *, const char *id);
const struct config_board *config_find_board(const struct config *, const char *name);

/* Load a config, or print every error on stderr and return NULL. */
struct config *config_load_reporting(const char *path);

/* Where a board connects to see this daemon: publish.endpoints joined by
 * commas, or else its first publish address, a wildcard host read as
 * loopback. Caller frees. */
char *config_client_endpoint(const struct config *);

/* The board a client asked for (name), or the only one when name is NULL.
 * NULL with a sentence in err when there is no such board, or several and
 * no name. */
const struct config_board *config_choose_board(const struct config *,
    const char *name, char *err, size_t errlen);

/*
 * Whether scope (a snapshot scope key: "all", "queue:support") matches
 * pattern (a config scope: "all", "queue:support", "queue:*", "team:b*").
 */
bool config_scope_match(const char *pattern, const char *scope);

/* The sl_formula's name ("standard", ...) and back. */
const char *config_sl_formula_name(enum sl_formula);
/* history.interval in ms: 15, 30 or 60 minutes. */
int64_t config_history_interval_ms(const struct config *);
bool config_sl_formula_parse(const char *name, enum sl_formula *out);
const char *config_severity_name(enum alert_severity);

/*
 * Split a listen address, "HOST:PORT" or "[V6ADDR]:PORT", into its host
 * (without brackets, NUL-terminated in host) and a port from 1 to 65535.
 * false if text is not one or the host does not fit in hostlen.
 */
bool config_listen_split(const char *text, char *host, size_t hostlen,
    unsigned *port);

#endif
