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
};

enum alert_severity { SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_CRITICAL };

/* The per-queue service settings; `defaults:` and every queue hold one. */
struct queue_settings {
	int64_t sl_threshold_ms;   /* T; default 20s */
	double sl_target;          /* default 0.8 */
	int64_t short_abandon_ms;  /* S; 0 turns short abandons off; default 5s */
	enum sl_formula sl_formula;
	int64_t repeat_window_ms;  /* default 24h */
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
	double threshold;         /* in the metric's unit: fraction, ms or count */
	bool has_clear;
	double clear;             /* hysteresis level; defaults to threshold */
	int64_t for_ms;           /* default 0 */
	enum alert_severity severity; /* default warning */
	int line;                 /* where it was defined, for messages */
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

	/* The daemon's own (PROTOCOL §4). */
	char **ingest_bind;       /* default tcp on port 7410, all interfaces */
	size_t n_ingest_bind;
	char **ingest_connect;    /* default [] */
	size_t n_ingest_connect;
	char **publish_bind;      /* default tcp on port 7411, all interfaces */
	size_t n_publish_bind;
	double publish_max_rate;  /* snapshots per second at most; default 10 */
	int64_t publish_heartbeat_ms; /* default 1s */
	char *state_dir;          /* default "/var/lib/wallboard" */
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
 */
struct config *config_load(const char *path, struct config_errors *errors);

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

/* The sl_formula's name ("standard", ...) and back. */
const char *config_sl_formula_name(enum sl_formula);
bool config_sl_formula_parse(const char *name, enum sl_formula *out);
const char *config_severity_name(enum alert_severity);

#endif
