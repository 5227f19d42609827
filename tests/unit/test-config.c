/*
 * test-config.c: loading and validating the config (core/config.c).
 *
 * Each YAML text is written to a temporary file and loaded. Error lines are
 * "PATH:LINE:COL: message"; the tests check the path and then compare the
 * rest, with line and column counted by hand (both 1-based).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <sys/stat.h>

#include "config.h"
#include "event.h"
#include "metric.h"

struct loaded {
	char			*path;
	struct config		*config;
	struct config_errors	 errors;
};

static void
load(struct loaded *l, const char *yaml)
{
	l->path = testutil_write_temp(yaml);
	l->config = config_load(l->path, &l->errors);
}

static void
unload(struct loaded *l)
{
	config_free(&l->config);
	config_errors_clear(&l->errors);
	testutil_remove_temp(&l->path);
}

static void
print_errors(const struct config_errors *errors)
{
	for (size_t i = 0; i < errors->n; i++)
		print_error("  got: %s\n", errors->lines[i]);
}

/* Load yaml that must be valid. The caller frees the config. */
static struct config *
load_ok(const char *yaml)
{
	struct config *config;
	struct loaded l;

	load(&l, yaml);
	print_errors(&l.errors);
	assert_non_null(l.config);
	assert_int_equal(l.errors.n, 0);
	assert_null(l.errors.lines);
	for (size_t i = 0; i < l.config->n_warnings; i++)
		print_error("  warning: %s\n", l.config->warnings[i]);
	assert_int_equal(l.config->n_warnings, 0);
	assert_null(l.config->warnings);
	config = l.config;
	l.config = NULL;
	unload(&l);
	return config;
}

/* Check lines (n of them, each "PATH:" then a want) against the wants in
 * ap, which end with NULL; what is missing or extra fails. */
static void
expect_lines(const struct loaded *l, char *const *lines, size_t n_lines,
    const char *what, va_list ap)
{
	size_t n = 0, prefix = strlen(l->path);
	const char *want, *got;

	while ((want = va_arg(ap, const char *)) != NULL) {
		if (n >= n_lines) {
			print_errors(&l->errors);
			fail_msg("missing %s: %s", what, want);
		}
		got = lines[n++];
		assert_true(strncmp(got, l->path, prefix) == 0);
		assert_int_equal(got[prefix], ':');
		assert_string_equal(got + prefix + 1, want);
	}
	for (size_t i = n; i < n_lines; i++)
		print_error("  extra %s: %s\n", what, lines[i]);
	assert_int_equal(n_lines, n);
}

/*
 * Load yaml that must fail with exactly the given errors, in order, each
 * written "LINE:COL: message"; the list ends with NULL.
 */
static void
expect_errors(const char *yaml, ...)
{
	struct loaded l;
	va_list ap;

	load(&l, yaml);
	assert_null(l.config);
	va_start(ap, yaml);
	expect_lines(&l, l.errors.lines, l.errors.n, "error", ap);
	va_end(ap);
	unload(&l);
}

/*
 * Load yaml that must load with exactly the given warnings, in order, each
 * written "LINE:COL: warning: message"; the list ends with NULL.
 */
static void
expect_warnings(const char *yaml, ...)
{
	struct loaded l;
	va_list ap;

	load(&l, yaml);
	print_errors(&l.errors);
	assert_non_null(l.config);
	va_start(ap, yaml);
	expect_lines(&l, l.config->warnings, l.config->n_warnings, "warning", ap);
	va_end(ap);
	unload(&l);
}

/* ------------------------------------------------------------------------
 * What loads.
 */

static void
check_defaults(const struct config *c)
{
	assert_string_equal(c->site_name, "wallboard");
	assert_string_equal(c->timezone, "UTC");
	assert_int_equal(c->day_start_minutes, 0);
	assert_int_equal(c->n_windows, 2);
	assert_string_equal(c->windows[0].name, "15m");
	assert_int_equal(c->windows[0].length_ms, 900000);
	assert_string_equal(c->windows[1].name, "60m");
	assert_int_equal(c->windows[1].length_ms, 3600000);
	assert_int_equal(c->defaults.sl_threshold_ms, 20000);
	assert_float_equal(c->defaults.sl_target, 0.8, 1e-12);
	assert_int_equal(c->defaults.short_abandon_ms, 5000);
	assert_int_equal(c->defaults.sl_formula, SL_STANDARD);
	assert_int_equal(c->defaults.repeat_window_ms, 86400000);
	assert_int_equal(c->n_queues, 0);
	assert_int_equal(c->n_teams, 0);
	assert_int_equal(c->n_agents, 0);
	assert_int_equal(c->n_alerts, 0);
	assert_int_equal(c->call_timeout_ms, 4 * 3600000);
	assert_int_equal(c->feeds_stale_after_ms, 30000);
	assert_int_equal(c->n_ingest_bind, 1);
	assert_string_equal(c->ingest_bind[0], "tcp://*:7410");
	assert_int_equal(c->n_ingest_connect, 0);
	assert_int_equal(c->n_publish_bind, 1);
	assert_string_equal(c->publish_bind[0], "tcp://*:7411");
	assert_float_equal(c->publish_max_rate, 10, 0);
	assert_int_equal(c->publish_heartbeat_ms, 1000);
	assert_string_equal(c->state_dir, "/var/lib/wallboard");
	assert_string_equal(c->http_listen, "127.0.0.1:7412");
}

static void
test_default(void **state)
{
	struct config *c = config_default();

	check_defaults(c);
	assert_string_equal(c->path, "(defaults)");
	config_free(&c);
	assert_null(c);
}

static void
test_empty_file(void **state)
{
	struct config *c = load_ok("");

	check_defaults(c);
	config_free(&c);
	c = load_ok("# nothing but a comment\n");
	check_defaults(c);
	config_free(&c);
	c = load_ok("---\n");
	check_defaults(c);
	config_free(&c);
}

static void
test_path_kept(void **state)
{
	struct loaded l;

	load(&l, "site: {name: X}\n");
	assert_non_null(l.config);
	assert_string_equal(l.config->path, l.path);
	unload(&l);
}

/* PROTOCOL section 4's example, field by field. */
static const char protocol_example[] =
    "site:\n"
    "  name: Leeds\n"
    "  timezone: Europe/London\n"
    "  day_start: \"00:00\"\n"
    "windows: [15m, 60m]\n"
    "defaults:\n"
    "  sl_threshold: 20s\n"
    "  sl_target: 80%\n"
    "  short_abandon: 5s\n"
    "  sl_formula: standard\n"
    "  repeat_window: 24h\n"
    "queues:\n"
    "  support: {label: Support, sl_threshold: 30s}\n"
    "  sales: {}\n"
    "teams:\n"
    "  billing: {label: Billing, agents: [a17, a18], queues: [support]}\n"
    "agents:\n"
    "  a17: {name: A. Khan, team: billing, queues: [support, sales]}\n"
    "alerts:\n"
    "  - name: sl-breach\n"		/* line 20 */
    "    metric: service_level\n"
    "    window: 15m\n"
    "    scope: \"queue:*\"\n"
    "    below: 80%\n"
    "    for: 60s\n"
    "    clear: 82%\n"
    "    severity: critical\n"
    "ingest:\n"
    "  bind: [\"tcp://*:7410\"]\n"
    "  connect: []\n"
    "publish:\n"
    "  bind: [\"tcp://*:7411\"]\n"
    "state_dir: /var/lib/wallboard\n";

static void
test_protocol_example(void **state)
{
	struct config *c = load_ok(protocol_example);
	const struct config_queue *q;
	const struct config_team *t;
	const struct config_agent *a;
	const struct config_alert *r;

	assert_string_equal(c->site_name, "Leeds");
	assert_string_equal(c->timezone, "Europe/London");
	assert_int_equal(c->n_queues, 2);
	q = config_find_queue(c, "support");
	assert_non_null(q);
	assert_string_equal(q->label, "Support");
	assert_int_equal(q->settings.sl_threshold_ms, 30000);
	assert_float_equal(q->settings.sl_target, 0.8, 1e-12);
	q = config_find_queue(c, "sales");
	assert_non_null(q);
	assert_string_equal(q->label, "sales");

	t = config_find_team(c, "billing");
	assert_non_null(t);
	assert_string_equal(t->label, "Billing");
	assert_int_equal(t->n_agents, 2);
	assert_string_equal(t->agents[0], "a17");
	assert_string_equal(t->agents[1], "a18");
	assert_true(t->has_queues);
	assert_int_equal(t->n_queues, 1);
	assert_string_equal(t->queues[0], "support");

	a = config_find_agent(c, "a17");
	assert_non_null(a);
	assert_string_equal(a->name, "A. Khan");
	assert_string_equal(a->team, "billing");
	assert_true(a->has_queues);
	assert_int_equal(a->n_queues, 2);
	assert_string_equal(a->queues[1], "sales");
	/* Listed by a team, not under agents: fine, and not an agent entry. */
	assert_null(config_find_agent(c, "a18"));

	assert_int_equal(c->n_alerts, 1);
	r = &c->alerts[0];
	assert_string_equal(r->name, "sl-breach");
	assert_string_equal(r->metric, "service_level");
	assert_string_equal(r->window, "15m");
	assert_string_equal(r->scope, "queue:*");
	assert_false(r->above);
	assert_float_equal(r->threshold, 0.8, 1e-12);
	assert_true(r->has_clear);
	assert_float_equal(r->clear, 0.82, 1e-12);
	assert_int_equal(r->for_ms, 60000);
	assert_int_equal(r->severity, SEVERITY_CRITICAL);
	assert_int_equal(r->line, 20);
	config_free(&c);
}

/* Every queue starts from defaults:, wherever defaults: is in the file. */
static void
test_queue_inherits_defaults(void **state)
{
	struct config *c = load_ok(
	    "queues:\n"
	    "  a: {}\n"
	    "  b:\n"
	    "  c: {label: C, sl_target: 95%}\n"
	    "defaults:\n"
	    "  sl_threshold: 15s\n"
	    "  sl_formula: answered\n");
	const struct config_queue *q;

	assert_int_equal(c->n_queues, 3);
	for (size_t i = 0; i < 3; i++) {
		q = &c->queues[i];
		assert_int_equal(q->settings.sl_threshold_ms, 15000);
		assert_int_equal(q->settings.short_abandon_ms, 5000);
		assert_int_equal(q->settings.sl_formula, SL_ANSWERED);
		assert_int_equal(q->settings.repeat_window_ms, 86400000);
	}
	assert_string_equal(c->queues[0].name, "a");
	assert_string_equal(c->queues[0].label, "a");
	assert_string_equal(c->queues[1].label, "b");
	assert_float_equal(c->queues[1].settings.sl_target, 0.8, 1e-12);
	assert_string_equal(c->queues[2].label, "C");
	assert_float_equal(c->queues[2].settings.sl_target, 0.95, 1e-12);
	assert_int_equal(c->defaults.sl_threshold_ms, 15000);
	config_free(&c);
}

static void
test_queue_overrides_all(void **state)
{
	struct config *c = load_ok(
	    "queues:\n"
	    "  vip:\n"
	    "    sl_threshold: 10s\n"
	    "    sl_target: 0.95\n"
	    "    short_abandon: 0s\n"
	    "    sl_formula: abandons_positive\n"
	    "    repeat_window: 7d\n");
	const struct queue_settings *s = &c->queues[0].settings;

	assert_int_equal(s->sl_threshold_ms, 10000);
	assert_float_equal(s->sl_target, 0.95, 1e-12);
	assert_int_equal(s->short_abandon_ms, 0);
	assert_int_equal(s->sl_formula, SL_ABANDONS_POSITIVE);
	assert_int_equal(s->repeat_window_ms, 7 * 86400000);
	/* The defaults themselves are untouched. */
	assert_int_equal(c->defaults.sl_threshold_ms, 20000);
	config_free(&c);
}

static void
test_formula_names(void **state)
{
	static const char *const names[] = {
		"standard", "answered", "abandons_positive", "abandons_ignored",
	};
	enum sl_formula f = SL_ANSWERED;

	for (int i = 0; i < 4; i++) {
		assert_true(config_sl_formula_parse(names[i], &f));
		assert_int_equal(f, i);
		assert_string_equal(config_sl_formula_name(f), names[i]);
	}
	f = SL_ANSWERED;
	assert_false(config_sl_formula_parse("Standard", &f));
	assert_false(config_sl_formula_parse("", &f));
	assert_int_equal(f, SL_ANSWERED);
	assert_string_equal(config_severity_name(SEVERITY_INFO), "info");
	assert_string_equal(config_severity_name(SEVERITY_WARNING), "warning");
	assert_string_equal(config_severity_name(SEVERITY_CRITICAL),
	    "critical");
}

static void
test_formula_in_file(void **state)
{
	struct config *c = load_ok(
	    "defaults: {sl_formula: abandons_ignored}\n"
	    "queues: {a: {sl_formula: standard}, b: {}}\n");

	assert_int_equal(c->defaults.sl_formula, SL_ABANDONS_IGNORED);
	assert_int_equal(c->queues[0].settings.sl_formula, SL_STANDARD);
	assert_int_equal(c->queues[1].settings.sl_formula,
	    SL_ABANDONS_IGNORED);
	config_free(&c);
}

static void
test_site_and_daemon_keys(void **state)
{
	struct config *c = load_ok(
	    "site: {name: York, timezone: America/New_York, day_start: 06:30}\n"
	    "windows: [5m, \"1h30m\", 31d]\n"
	    "call_timeout: 1m\n"
	    "feeds: {stale_after: 1s}\n"
	    "ingest: {bind: [], connect: [\"tcp://a:1\", \"tcp://b:2\"]}\n"
	    "publish: {bind: [\"ipc:///x\"], max_rate: \"0.5\", "
	    "heartbeat: 100ms}\n"
	    "state_dir: /tmp/wb\n");

	assert_string_equal(c->site_name, "York");
	assert_string_equal(c->timezone, "America/New_York");
	assert_int_equal(c->day_start_minutes, 6 * 60 + 30);
	assert_int_equal(c->n_windows, 3);
	assert_string_equal(c->windows[1].name, "1h30m");
	assert_int_equal(c->windows[1].length_ms, 5400000);
	assert_int_equal(c->windows[2].length_ms, 31 * INT64_C(86400000));
	assert_int_equal(c->call_timeout_ms, 60000);
	assert_int_equal(c->feeds_stale_after_ms, 1000);
	/* A list given replaces the default list. */
	assert_int_equal(c->n_ingest_bind, 0);
	assert_int_equal(c->n_ingest_connect, 2);
	assert_string_equal(c->ingest_connect[1], "tcp://b:2");
	assert_int_equal(c->n_publish_bind, 1);
	assert_string_equal(c->publish_bind[0], "ipc:///x");
	assert_float_equal(c->publish_max_rate, 0.5, 0);
	assert_int_equal(c->publish_heartbeat_ms, 100);
	assert_string_equal(c->state_dir, "/tmp/wb");
	config_free(&c);
}

/* The bounds' own values are inside them. */
static void
test_bounds_edges(void **state)
{
	struct config *c = load_ok(
	    "windows: [1ms, 31d]\n"
	    "defaults: {sl_target: 0%}\n"
	    "queues: {a: {sl_target: 100%}}\n"
	    "call_timeout: 60s\n"
	    "feeds: {stale_after: 1000ms}\n"
	    "publish: {max_rate: 1000, heartbeat: 100ms}\n");

	assert_int_equal(c->windows[0].length_ms, 1);
	assert_float_equal(c->defaults.sl_target, 0, 0);
	assert_float_equal(c->queues[0].settings.sl_target, 1, 0);
	assert_float_equal(c->publish_max_rate, 1000, 0);
	config_free(&c);
	c = load_ok("publish: {max_rate: 0.001}\n");
	assert_float_equal(c->publish_max_rate, 0.001, 1e-15);
	config_free(&c);
}

/* http.listen: HOST:PORT, [V6]:PORT; "" and off both read as "" (none). */
static void
test_http_listen(void **state)
{
	static const char *const ok[][2] = {
		{ "http: {listen: \"[::1]:8080\"}\n", "[::1]:8080" },
		{ "http: {listen: localhost:65535}\n", "localhost:65535" },
		{ "http: {listen: off}\n", "" },
		{ "http: {listen: \"\"}\n", "" },
	};
	struct config *c;
	char host[64];
	unsigned port;

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		c = load_ok(ok[i][0]);
		assert_string_equal(c->http_listen, ok[i][1]);
		config_free(&c);
	}
	assert_true(config_listen_split("[::1]:7412", host, sizeof host, &port));
	assert_string_equal(host, "::1");
	assert_int_equal(port, 7412);
	assert_false(config_listen_split("::1:7412", host, sizeof host, &port));
}

/* Short abandons may be longer than the threshold: no rule between them. */
static void
test_short_abandon_free(void **state)
{
	struct config *c = load_ok(
	    "defaults: {sl_threshold: 20s, short_abandon: 30s}\n");

	assert_int_equal(c->defaults.short_abandon_ms, 30000);
	config_free(&c);
}

static void
test_teams_and_agents(void **state)
{
	struct config *c = load_ok(
	    "queues: {support: {}, sales: {}}\n"
	    "teams:\n"
	    "  t1: {agents: [a1, a2]}\n"
	    "  t2: {queues: []}\n"
	    "  t3:\n"
	    "agents:\n"
	    "  a1: {team: t1}\n"
	    "  a3: {name: Solo}\n"
	    "  a4:\n");
	const struct config_team *t;
	const struct config_agent *a;

	t = config_find_team(c, "t1");
	assert_string_equal(t->label, "t1");
	assert_false(t->has_queues);
	assert_int_equal(t->n_queues, 0);
	assert_null(t->queues);
	t = config_find_team(c, "t2");
	assert_true(t->has_queues);
	assert_int_equal(t->n_queues, 0);
	t = config_find_team(c, "t3");
	assert_int_equal(t->n_agents, 0);
	assert_null(config_find_team(c, "t4"));

	a = config_find_agent(c, "a3");
	assert_string_equal(a->name, "Solo");
	assert_null(a->team);
	assert_false(a->has_queues);
	a = config_find_agent(c, "a4");
	assert_null(a->name);
	assert_null(config_find_agent(c, "a2"));
	assert_null(config_find_queue(c, "billing"));
	config_free(&c);
}

static void
test_alert_kinds(void **state)
{
	struct config *c = load_ok(
	    "alerts:\n"
	    "  - {name: ratio, metric: abandon_rate, window: 60m, above: 0.1}\n"
	    "  - {name: ms, metric: longest_wait_ms, above: 45000, clear: 30s}\n"
	    "  - {name: dur, metric: asa_ms, window: today, above: 1m30s}\n"
	    "  - {name: count, metric: waiting, above: 10, clear: 8}\n"
	    "  - {name: score, metric: csat_avg, window: 15m, below: 3.5}\n"
	    "  - name: glob\n"
	    "    metric: handled\n"
	    "    window: today\n"
	    "    below: 1\n"
	    "    scope: queue:sup*\n"
	    "    severity: info\n"
	    "    for: 1h30m\n");
	const struct config_alert *r = c->alerts;

	assert_int_equal(c->n_alerts, 6);
	assert_true(r[0].above);
	assert_float_equal(r[0].threshold, 0.1, 1e-12);
	assert_false(r[0].has_clear);
	assert_float_equal(r[0].clear, 0.1, 1e-12);
	assert_string_equal(r[0].scope, "all");
	assert_int_equal(r[0].for_ms, 0);
	assert_int_equal(r[0].severity, SEVERITY_WARNING);
	assert_int_equal(r[0].line, 2);

	assert_null(r[1].window);
	assert_float_equal(r[1].threshold, 45000, 0);
	assert_true(r[1].has_clear);
	assert_float_equal(r[1].clear, 30000, 0);
	assert_float_equal(r[2].threshold, 90000, 0);
	assert_string_equal(r[2].window, "today");
	assert_float_equal(r[3].threshold, 10, 0);
	assert_float_equal(r[3].clear, 8, 0);
	assert_false(r[4].above);
	assert_float_equal(r[4].threshold, 3.5, 0);

	assert_string_equal(r[5].scope, "queue:sup*");
	assert_int_equal(r[5].severity, SEVERITY_INFO);
	assert_int_equal(r[5].for_ms, 5400000);
	assert_int_equal(r[5].line, 7);
	config_free(&c);
}

/*
 * service_level rules may fire and clear relative to each scope's own
 * sl_target: the flag says so and the field holds the offset.
 */
static void
test_alert_target(void **state)
{
	struct config *c = load_ok(
	    "alerts:\n"
	    "  - {name: a, metric: service_level, window: 15m, below: target}\n"
	    "  - {name: b, metric: service_level, window: 15m, "
	    "below: target-5%, clear: target+2%}\n"
	    "  - {name: c, metric: service_level, window: 15m, "
	    "below: \"target - 0.05\", clear: target + 2%}\n"
	    "  - {name: d, metric: service_level, window: 15m, "
	    "above: target+10%, clear: target}\n"
	    "  - {name: e, metric: service_level, window: 15m, "
	    "below: target, clear: 82%}\n"
	    "  - {name: f, metric: service_level, window: 15m, "
	    "below: 70%, clear: target}\n"
	    "  - {name: g, metric: service_level, window: 15m, below: 70%}\n"
	    "  - {name: h, metric: service_level, window: 15m, "
	    "below: target-5%, clear: target-5%}\n"
	    "  - {name: i, metric: service_level, window: 15m, "
	    "below: target+5%, clear: 10%}\n"
	    "  - {name: j, metric: service_level, window: 15m, "
	    "above: target}\n");
	const struct config_alert *r = c->alerts;

	assert_int_equal(c->n_alerts, 10);
	/* Plain target: offset 0, and it clears where it fired. */
	assert_false(r[0].above);
	assert_true(r[0].threshold_target);
	assert_float_equal(r[0].threshold, 0, 0);
	assert_false(r[0].has_clear);
	assert_true(r[0].clear_target);
	assert_float_equal(r[0].clear, 0, 0);
	/* 5 points under each target, clearing 2 points over it. */
	assert_true(r[1].threshold_target);
	assert_float_equal(r[1].threshold, -0.05, 1e-12);
	assert_true(r[1].has_clear);
	assert_true(r[1].clear_target);
	assert_float_equal(r[1].clear, 0.02, 1e-12);
	/* The same with spaces, and the offset as a fraction. */
	assert_true(r[2].threshold_target && r[2].clear_target);
	assert_float_equal(r[2].threshold, -0.05, 1e-12);
	assert_float_equal(r[2].clear, 0.02, 1e-12);
	assert_true(r[3].above);
	assert_float_equal(r[3].threshold, 0.10, 1e-12);
	assert_true(r[3].clear_target);
	assert_float_equal(r[3].clear, 0, 0);
	/* Mixed: a target threshold with a number to clear at ... */
	assert_true(r[4].threshold_target);
	assert_true(r[4].has_clear);
	assert_false(r[4].clear_target);
	assert_float_equal(r[4].clear, 0.82, 1e-12);
	/* ... and the other way round. */
	assert_false(r[5].threshold_target);
	assert_float_equal(r[5].threshold, 0.70, 1e-12);
	assert_true(r[5].has_clear && r[5].clear_target);
	assert_float_equal(r[5].clear, 0, 0);
	/* Plain numbers as before. */
	assert_false(r[6].threshold_target || r[6].clear_target);
	assert_false(r[6].has_clear);
	assert_float_equal(r[6].clear, 0.70, 1e-12);
	/* Equal offsets are allowed (clear at the threshold). */
	assert_float_equal(r[7].clear, -0.05, 1e-12);
	/* A number against a target form is not compared: 10% is allowed
	 * under target+5%, since each scope's target is not known here. */
	assert_false(r[8].clear_target);
	assert_float_equal(r[8].clear, 0.10, 1e-12);
	assert_true(r[9].above && r[9].threshold_target && r[9].clear_target);
	config_free(&c);
}

/*
 * Levels that load but can never show, each worked out from the layout's
 * rule (red below `red` when good is above, above it when good is below,
 * judged on the value as shown) and the range of the figure. Sorted by
 * position, though boards are read after alerts.
 */
static void
test_warnings(void **state)
{
	expect_warnings(
	    "boards:\n"
	    "  tv:\n"
	    "    pages:\n"
	    "      - tiles:\n"
	    "          - {metric: agents_staffed, red: 0}\n"
	    "          - {metric: csat_avg, window: today, good: below, amber: 5}\n"
	    "          - {metric: service_level, window: 15m, amber: 80.4%, red: 80.1%}\n"
	    "          - {metric: fcr, window: 60m, target: 3%}\n"
	    "          - {metric: longest_wait_ms, amber: 0s, red: 1000h}\n"
	    "alerts:\n"
	    "  - {name: low-csat, metric: csat_avg, window: today, below: 1}\n"
	    "  - {name: top-csat, metric: csat_avg, window: today, above: 5}\n"
	    "  - {name: long, metric: longest_wait_ms, above: 0s}\n",
	    "5:43: warning: tile agents_staffed (all) can never turn red: "
	    "red: 0 means \"red below 0\", and a count is never below 0; for "
	    "red at 0 staffed agents write red: 1",
	    "6:67: warning: tile csat_avg (all, today) can never turn amber: "
	    "amber: 5 means \"amber above 5\", and a survey score is never "
	    "above 5; for amber at 5 write amber: 4.9",
	    /* Red below 80.1% takes 80% and under; amber below 80.4% adds
	     * no whole percent; amber: 82% gives amber at 81%. */
	    "7:57: warning: tile service_level (all, 15m) can never turn "
	    "amber: every share below amber: 80.4% is also below red: 80.1% "
	    "(shares are judged to the whole percent), so it shows red; to "
	    "show amber first write e.g. amber: 82%",
	    "8:48: warning: tile fcr (all, 60m) can never turn red: target: "
	    "3% puts red 5 points under it, at 0%, and a share is never below "
	    "0%; for red at 0% write red: 1%",
	    "11:62: warning: alert 'low-csat' can never fire: below: 1 means "
	    "\"below 1\", and a survey score is never below 1; to fire at 1 "
	    "write below: 1.1",
	    "12:62: warning: alert 'top-csat' can never fire: above: 5 means "
	    "\"above 5\", and a survey score is never above 5; to fire at 5 "
	    "write above: 4.9", NULL);
}

/* A config that fails says its errors only; one that loads clean has no
 * warning list at all. */
static void
test_warnings_need_whole_config(void **state)
{
	struct config *c;

	expect_errors(
	    "windows: [15m, 15m]\n"
	    "alerts: [{name: a, metric: waiting, below: 0}]\n",
	    "1:16: duplicate window '15m'", NULL);
	c = config_default();
	assert_int_equal(c->n_warnings, 0);
	assert_null(c->warnings);
	config_free(&c);
	c = load_ok("alerts: [{name: a, metric: waiting, below: 1}]\n");
	config_free(&c);
}

/* ------------------------------------------------------------------------
 * What is refused, and where.
 */

static void
test_error_syntax(void **state)
{
	expect_errors(
	    "site:\n"
	    "  name: Leeds\n"
	    " timezone: x\n",
	    "3:2: syntax error: did not find expected key (while parsing a "
	    "block mapping at 1:1)", NULL);
	expect_errors(
	    "windows: [15m, 60m\n"
	    "site: {}\n",
	    "2:5: syntax error: did not find expected ',' or ']' (while "
	    "parsing a flow sequence at 1:10)", NULL);
	/*
	 * Bad UTF-8: libyaml's reader gives only a byte offset, that of the
	 * bad trailing octet '(' (\xc3 is column 9, one character).
	 */
	expect_errors(
	    "site:\n"
	    "  name: \xc3(\n",
	    "2:10: syntax error: invalid trailing UTF-8 octet", NULL);
	expect_errors("a: *nowhere\n",
	    "1:4: syntax error: found undefined alias", NULL);
}

static void
test_error_documents(void **state)
{
	expect_errors("site: {}\n---\nsite: {}\n",
	    "2:1: only one YAML document is allowed", NULL);
	expect_errors("- a\n- b\n",
	    "1:1: expected a mapping at the top of the file, got a sequence",
	    NULL);
	expect_errors("hello\n",
	    "1:1: expected a mapping at the top of the file, got a string",
	    NULL);
}

static void
test_error_unknown_keys(void **state)
{
	expect_errors(
	    "sit: {}\n"
	    "site: {nmae: X}\n"
	    "defaults:\n"
	    "  sl_treshold: 20s\n"
	    "queues: {a: {lable: A, colour: red}}\n"
	    "teams: {t: {agent: [x]}}\n"
	    "agents: {x: {Team: t}}\n"
	    "alerts:\n"
	    "  - {name: r, metric: waiting, above: 1, severty: info}\n"
	    "publish: {max_rates: 5}\n"
	    "boards: {b: {pages: [{agent_grid: true}], colour: red}}\n",
	    "1:1: unknown key 'sit' (did you mean 'site'?)",
	    "2:8: unknown key 'nmae' (did you mean 'name'?)",
	    "4:3: unknown key 'sl_treshold' (did you mean 'sl_threshold'?)",
	    "5:14: unknown key 'lable' (did you mean 'label'?)",
	    "5:24: unknown key 'colour'",
	    "6:13: unknown key 'agent' (did you mean 'agents'?)",
	    "7:14: unknown key 'Team' (did you mean 'team'?)",
	    "9:42: unknown key 'severty' (did you mean 'severity'?)",
	    "10:11: unknown key 'max_rates' (did you mean 'max_rate'?)",
	    "11:43: unknown key 'colour'", NULL);
}

static void
test_error_duplicate_keys(void **state)
{
	expect_errors(
	    "site: {name: A}\n"
	    "queues:\n"
	    "  a: {}\n"
	    "  a: {label: A}\n"
	    "site: {name: B}\n"
	    "alerts:\n"
	    "  - {name: r, metric: waiting, above: 1, above: 2}\n",
	    "4:3: duplicate key 'a' (first at line 3)",
	    "5:1: duplicate key 'site' (first at line 1)",
	    "7:42: duplicate key 'above' (first at line 7)", NULL);
	/* The first of duplicates is the one kept: nothing else is wrong. */
}

static void
test_error_types(void **state)
{
	expect_errors(
	    "site: [Leeds]\n"
	    "windows: 15m\n"
	    "defaults: {sl_target: [1]}\n"
	    "queues: [a]\n"
	    "teams: {t: {agents: {a: 1}}}\n"
	    "agents: {x: hello}\n"
	    "alerts: {name: x}\n"
	    "ingest: {bind: [[x]]}\n"
	    "publish: {max_rate: fast, heartbeat: {}}\n"
	    "state_dir: [a]\n",
	    "1:7: expected a mapping for 'site', got a sequence",
	    "2:10: expected a sequence for 'windows', got a string",
	    "3:23: expected a share for 'sl_target', got a sequence",
	    "4:9: expected a mapping for 'queues', got a sequence",
	    "5:21: expected a sequence for 'agents', got a mapping",
	    "6:13: expected a mapping for 'x', got a string",
	    "7:9: expected a sequence for 'alerts', got a mapping",
	    "8:17: expected a string in 'bind', got a sequence",
	    "9:21: expected a number for 'max_rate', got 'fast'",
	    "9:38: expected a duration for 'heartbeat', got a mapping",
	    "10:12: expected a string for 'state_dir', got a sequence", NULL);
}

/* web: off by default, no token, frame-ancestors 'none'; a board's own
 * token; bounds on the streams. */
static void
test_web(void **state)
{
	struct config *c = load_ok("queues: {support: {}}\n");

	assert_string_equal(c->web_listen, "");
	assert_null(c->web_token);
	assert_string_equal(c->web_frame_ancestors, "'none'");
	assert_int_equal(c->web_max_streams, 64);
	assert_int_equal(c->web_stream_buffer, 8 * 1024 * 1024);
	config_free(&c);
	c = load_ok("queues: {support: {}}\n"
	    "web: {listen: \"0.0.0.0:7413\", token: shared, max_streams: 10,\n"
	    "      stream_buffer: 1MiB, frame_ancestors: \"'self'\"}\n"
	    "boards:\n"
	    "  floor:\n"
	    "    token: own\n"
	    "    pages: [{tiles: [{scope: all, metric: waiting}]}]\n");
	assert_string_equal(c->web_listen, "0.0.0.0:7413");
	assert_string_equal(c->web_token, "shared");
	assert_string_equal(c->web_frame_ancestors, "'self'");
	assert_int_equal(c->web_max_streams, 10);
	assert_int_equal(c->web_stream_buffer, 1024 * 1024);
	assert_string_equal(c->boards[0].token, "own");
	config_free(&c);
	expect_errors("web: {listen: nowhere, max_streams: 0}\n",
	    "1:15: bad address 'nowhere' for 'listen' (expected "
	    "HOST:PORT or [IPV6]:PORT with a port from 1 to 65535, e.g. "
	    "127.0.0.1:7412 or [::1]:7412; \"\" or off for none)",
	    "1:37: 'max_streams' value '0' is too small (the minimum is 1)",
	    NULL);
	expect_errors("web: {token: \"a b/c\"}\n",
	    "1:14: bad token for 'token': use letters, digits and - . _ ~ "
	    "only (it goes in a URL), and not none", NULL);
}

static void
test_error_http_listen(void **state)
{
	expect_errors(
	    "http:\n"
	    "  listen: 127.0.0.1:99999\n",
	    "2:11: bad address '127.0.0.1:99999' for 'listen' (expected "
	    "HOST:PORT or [IPV6]:PORT with a port from 1 to 65535, e.g. "
	    "127.0.0.1:7412 or [::1]:7412; \"\" or off for none)", NULL);
}

/* boards: defaults, levels, scopes derived from the tiles. */
static void
test_boards(void **state)
{
	struct config *c = load_ok(
	    "queues: {support: {}}\n"
	    "boards:\n"
	    "  floor:\n"
	    "    agents: \"team:billing\"\n"
	    "    rotate: 20s\n"
	    "    pages:\n"
	    "      - title: Now\n"
	    "        agent_grid: true\n"
	    "        tiles:\n"
	    "          - {scope: \"queue:support\", metric: service_level, window: 15m}\n"
	    "          - {metric: waiting, label: Waiting}\n"
	    "          - {scope: all, metric: abandon_rate, window: today, amber: 5%}\n"
	    "          - {scope: all, metric: agents_away, good: above, target: 2}\n"
	    "  tv: {scopes: [\"queue:*\"], pages: [{agent_grid: true}]}\n");
	const struct config_board *b = config_find_board(c, "floor");
	const struct config_tile *t;

	assert_int_equal(c->n_boards, 2);
	assert_non_null(b);
	assert_string_equal(b->title, "floor");
	assert_int_equal(b->rotate_ms, 20000);
	assert_int_equal(b->n_agents, 1);
	assert_string_equal(b->agents[0], "team:billing");
	assert_int_equal(b->n_pages, 1);
	assert_true(b->pages[0].agent_grid);
	assert_int_equal(b->pages[0].n_tiles, 4);
	/* Without scopes:, the scopes its tiles name, once each. */
	assert_int_equal(b->n_scopes, 2);
	assert_string_equal(b->scopes[0], "queue:support");
	assert_string_equal(b->scopes[1], "all");
	t = b->pages[0].tiles;
	assert_true(t[0].sl_target);
	assert_int_equal(t[0].metric_id, M_SERVICE_LEVEL);
	assert_string_equal(t[1].scope, "all");
	assert_null(t[1].window);
	assert_true(t[1].good_below);
	assert_false(t[1].has_amber || t[1].has_red || t[1].sl_target);
	assert_true(t[2].good_below && t[2].has_amber && !t[2].has_red);
	assert_float_equal(t[2].amber, 0.05, 1e-9);
	assert_int_equal(t[3].agents_state, AGENT_AWAY);
	assert_false(t[3].good_below);
	assert_float_equal(t[3].amber, 2, 0);
	assert_false(t[3].has_red);     /* 5 points past a target: shares only */
	b = config_find_board(c, "tv");
	assert_string_equal(b->agents[0], "all");
	assert_true(config_scope_match("queue:*", "queue:support"));
	assert_false(config_scope_match("queue:*", "team:support"));
	assert_false(config_scope_match("queue:s*", "queue:"));
	assert_null(config_find_board(c, "nope"));
	config_free(&c);
}

static void
test_error_boards(void **state)
{
	expect_errors(
	    "boards:\n"
	    "  floor:\n"
	    "    scopes: [\"queue:support\"]\n"
	    "    pages:\n"
	    "      - tiles:\n"
	    "          - {scope: \"queue:sales\", metric: waiting}\n"
	    "          - {metric: service_level, window: 5m}\n"
	    "          - {metric: waiting, amber: 3, red: 1}\n",
	    "6:21: board 'floor' page 1 tile 1: scope 'queue:sales' is not "
	    "among the board's scopes (queue:support)",
	    "7:13: board 'floor' page 1 tile 2: scope 'all' is not among the "
	    "board's scopes (queue:support)",
	    "7:45: board 'floor' page 1 tile 2: unknown window '5m' (expected "
	    "15m, 60m, today)",
	    "8:13: board 'floor' page 1 tile 3: scope 'all' is not among the "
	    "board's scopes (queue:support)",
	    "8:46: board 'floor' page 1 tile 3: 'red' (1) must be at or above "
	    "'amber' (3) when good is below", NULL);
	expect_errors("boards: {floor: {title: x}}\n",
	    "1:17: board 'floor': missing 'pages'", NULL);
}

static void
test_error_null_values(void **state)
{
	expect_errors(
	    "site:\n"
	    "  timezone:\n"
	    "defaults: {sl_threshold: ~}\n"
	    "windows: [15m, null]\n",
	    "2:12: missing value for 'timezone' (expected a string)",
	    "3:26: missing value for 'sl_threshold' (expected a duration)",
	    "4:16: expected a duration in 'windows', got nothing", NULL);
}

static void
test_error_values(void **state)
{
	expect_errors(
	    "site: {day_start: \"7:30\"}\n"
	    "defaults:\n"
	    "  sl_threshold: 20\n"
	    "  sl_target: 80\n"
	    "  repeat_window: 30m1h\n"
	    "queues: {a: {sl_target: 120%, short_abandon: 5 s}}\n",
	    "1:19: bad time '7:30' for 'day_start' (expected HH:MM, 00:00 to "
	    "23:59)",
	    "3:17: bad duration '20' for 'sl_threshold' (expected e.g. 500ms, "
	    "20s, 15m, 24h, 1d or 1h30m)",
	    "4:14: bad share '80' for 'sl_target' (expected a percentage like "
	    "80% or a fraction from 0 to 1)",
	    "5:18: bad duration '30m1h' for 'repeat_window' (expected e.g. "
	    "500ms, 20s, 15m, 24h, 1d or 1h30m)",
	    "6:25: bad share '120%' for 'sl_target' (expected a percentage "
	    "like 80% or a fraction from 0 to 1)",
	    "6:46: bad duration '5 s' for 'short_abandon' (expected e.g. "
	    "500ms, 20s, 15m, 24h, 1d or 1h30m)", NULL);
}

static void
test_error_ranges(void **state)
{
	expect_errors(
	    "windows: [0s, 31d1ms]\n"
	    "call_timeout: 59s\n"
	    "feeds: {stale_after: 999ms}\n"
	    "publish: {max_rate: 0, heartbeat: 99ms}\n",
	    "1:11: 'windows' value '0s' is too short (it must be above 0)",
	    "1:15: 'windows' value '31d1ms' is too long (the maximum is 31d)",
	    "2:15: 'call_timeout' value '59s' is too short (the minimum is 1m)",
	    "3:22: 'stale_after' value '999ms' is too short (the minimum is "
	    "1s)",
	    "4:21: 'max_rate' value '0' is too small (it must be above 0)",
	    "4:35: 'heartbeat' value '99ms' is too short (the minimum is "
	    "100ms)", NULL);
	expect_errors("publish: {max_rate: 1000.5}\n",
	    "1:21: 'max_rate' value '1000.5' is too large (the maximum is "
	    "1000)", NULL);
	expect_errors("publish: {max_rate: -1}\n",
	    "1:21: expected a number for 'max_rate', got '-1'", NULL);
}

static void
test_error_formula(void **state)
{
	expect_errors(
	    "defaults:\n"
	    "  sl_formula: fast\n"
	    "queues:\n"
	    "  a: {sl_formula: Standard}\n",
	    "2:15: unknown sl_formula 'fast' (expected standard, answered, "
	    "abandons_positive, abandons_ignored, asterisk, asterisk2)",
	    "4:19: unknown sl_formula 'Standard' (expected standard, answered, "
	    "abandons_positive, abandons_ignored, asterisk, asterisk2)", NULL);
}

static void
test_error_timezone(void **state)
{
	static const char tail[] =
	    " (expected an IANA name like Europe/London)";
	static const char *const bad[] = {
		"Europe/Leds", "../../etc/passwd", "Europe/../Europe/London",
		"/usr/share/zoneinfo/UTC", "",
	};
	char yaml[128], want[192];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(yaml, sizeof yaml, "site: {timezone: \"%s\"}\n",
		    bad[i]);
		snprintf(want, sizeof want, "1:18: unknown timezone '%s'%s",
		    bad[i], tail);
		expect_errors(yaml, want, NULL);
	}
}

/* $TZDIR is honoured, and only TZif files count as zones. */
static void
test_timezone_tzdir(void **state)
{
	char dir[] = "/tmp/wallboard-tz-XXXXXX", *path;
	const char *old = getenv("TZDIR");
	char *saved = old ? strdup(old) : NULL;
	struct config *c;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	path = malloc(strlen(dir) + 32);
	sprintf(path, "%s/Test", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	sprintf(path, "%s/Test/Zone", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("TZif2 and the rest", f);
	fclose(f);
	sprintf(path, "%s/zone.tab", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("# not a zone\n", f);
	fclose(f);
	setenv("TZDIR", dir, 1);

	c = load_ok("site: {timezone: Test/Zone}\n");
	assert_string_equal(c->timezone, "Test/Zone");
	config_free(&c);
	expect_errors("site: {timezone: zone.tab}\n",
	    "1:18: unknown timezone 'zone.tab' (expected an IANA name like "
	    "Europe/London)", NULL);
	expect_errors("site: {timezone: Test}\n",
	    "1:18: unknown timezone 'Test' (expected an IANA name like "
	    "Europe/London)", NULL);

	if (saved != NULL)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
	sprintf(path, "%s/Test/Zone", dir);
	unlink(path);
	sprintf(path, "%s/Test", dir);
	rmdir(path);
	sprintf(path, "%s/zone.tab", dir);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void
test_error_queue_refs(void **state)
{
	expect_errors(
	    "queues: {support: {}, sales: {}}\n"
	    "teams:\n"
	    "  billing: {queues: [support, x]}\n"
	    "agents:\n"
	    "  a1: {queues: [sales, suport, sales]}\n",
	    "3:31: team 'billing' names unknown queue 'x'",
	    "5:24: agent 'a1' names unknown queue 'suport' (did you mean "
	    "'support'?)",
	    "5:32: 'sales' is listed twice in 'queues'", NULL);
	/* Without any queues: section every reference is unknown. */
	expect_errors("teams: {t: {queues: [support]}}\n",
	    "1:22: team 't' names unknown queue 'support'", NULL);
}

static void
test_error_windows(void **state)
{
	expect_errors("windows: [15m, 60m, 15m, 1h, 900s]\n",
	    "1:21: duplicate window '15m'",
	    "1:26: window '1h' is the same length as window '60m'",
	    "1:30: window '900s' is the same length as window '15m'", NULL);
}

static void
test_error_agent_teams(void **state)
{
	expect_errors(
	    "teams:\n"
	    "  t1: {agents: [a1, a2, a1]}\n"
	    "  t2: {agents: [a3, a2]}\n"
	    "agents:\n"
	    "  a1: {team: t1}\n"
	    "  a3: {team: t1}\n"
	    "  a4: {team: elsewhere}\n",
	    "2:25: 'a1' is listed twice in 'agents'",
	    "3:21: agent 'a2' is already in team 't1'",
	    "6:14: agent 'a3' has team 't1' but team 't2' lists it", NULL);
}

static void
test_error_alert_name(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - metric: waiting\n"
	    "    above: 5\n"
	    "  - {name: busy, metric: waiting, above: 5}\n"
	    "  - {name: busy, metric: waiting, above: 6}\n"
	    "  - {name: [x], metric: waiting, above: 5}\n"
	    "  - 42\n",
	    "2:5: alert #1: missing 'name'",
	    "5:12: duplicate alert name 'busy' (first at line 4)",
	    "6:12: expected a string for 'name', got a sequence",
	    "7:5: expected a mapping for an alert rule, got a string", NULL);
}

static void
test_error_alert_metric(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - {name: a, metric: service_levle, window: 15m, below: 80%}\n"
	    "  - {name: b, metric: banana, above: 1}\n"
	    "  - {name: c, below: 1}\n"
	    "  - {name: d, metric: {x: 1}, below: 1}\n",
	    "2:23: unknown metric 'service_levle' (did you mean "
	    "'service_level'?)",
	    "3:23: unknown metric 'banana'",
	    "4:5: alert 'c': missing 'metric'",
	    "5:23: expected a string for 'metric', got a mapping", NULL);
}

static void
test_error_alert_window(void **state)
{
	expect_errors(
	    "windows: [15m, 60m]\n"
	    "alerts:\n"
	    "  - {name: a, metric: service_level, below: 80%}\n"
	    "  - {name: b, metric: abandon_rate, window: 5m, above: 10%}\n"
	    "  - {name: c, metric: waiting, window: 15m, above: 5}\n"
	    "  - {name: d, metric: longest_wait_ms, window: today, above: 1}\n",
	    "3:5: alert 'a': metric 'service_level' needs a 'window' (15m, "
	    "60m, today)",
	    "4:45: alert 'b': unknown window '5m' (expected 15m, 60m, today)",
	    "5:40: alert 'c': metric 'waiting' is not windowed, so it takes "
	    "no 'window'",
	    "6:48: alert 'd': metric 'longest_wait_ms' is not windowed, so it "
	    "takes no 'window'", NULL);
	/* With no rolling windows, only today is left. */
	expect_errors(
	    "windows: []\n"
	    "alerts: [{name: a, metric: fcr, window: 15m, below: 0.5}]\n",
	    "2:41: alert 'a': unknown window '15m' (expected today)", NULL);
}

static void
test_error_alert_levels(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - {name: both, metric: waiting, below: 1, above: 5}\n"
	    "  - {name: neither, metric: waiting}\n"
	    "  - {name: r, metric: occupancy, window: 15m, above: 95}\n"
	    "  - {name: d, metric: aht_ms, window: 15m, above: 5 min}\n"
	    "  - {name: n, metric: handled, window: 15m, below: few}\n"
	    "  - {name: s, metric: csat_avg, window: 15m, below: 80%}\n",
	    "2:52: alert 'both': give 'below' or 'above', not both",
	    "3:5: alert 'neither': missing 'below' or 'above'",
	    "4:54: bad share '95' for 'above' (expected a percentage like 80% "
	    "or a fraction from 0 to 1)",
	    "5:51: bad duration '5 min' for 'above' (expected e.g. 20s, 2m or "
	    "1h30m, or a number of ms)",
	    "6:52: expected a number for 'below', got 'few'",
	    "7:53: expected a number for 'below', got '80%'", NULL);
}

static void
test_error_alert_clear(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - {name: a, metric: service_level, window: 15m, below: 80%, "
	    "clear: 75%}\n"
	    "  - {name: b, metric: longest_wait_ms, above: 2m, clear: 150s}\n"
	    "  - {name: c, metric: waiting, above: 5, clear: 5}\n"
	    "  - {name: d, metric: waiting, above: 5, clear: lots}\n",
	    "2:70: alert 'a': 'clear' (75%) must be at or above 'below' (80%)",
	    "3:58: alert 'b': 'clear' (150s) must be at or below 'above' (2m)",
	    "5:49: expected a number for 'clear', got 'lots'", NULL);
}

static void
test_error_alert_target(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - {name: a, metric: abandon_rate, window: 15m, above: target}\n"
	    "  - {name: b, metric: waiting, above: 5, clear: target}\n"
	    "  - {name: c, metric: service_level, window: 15m, below: target, "
	    "clear: target-1%}\n"
	    "  - {name: d, metric: service_level, window: 15m, above: "
	    "target+5%, clear: target+6%}\n"
	    "  - {name: e, metric: service_level, window: 15m, below: "
	    "target*2}\n"
	    "  - {name: f, metric: service_level, window: 15m, below: "
	    "target+}\n"
	    "  - {name: g, metric: service_level, window: 15m, below: "
	    "target+120%}\n"
	    "  - {name: h, metric: service_level, window: 15m, below: "
	    "target 5%}\n",
	    "2:57: alert 'a': 'above: target' is relative to each queue's "
	    "sl_target, so it is only for metric service_level, not "
	    "'abandon_rate' (give a level in the metric's unit)",
	    "3:49: alert 'b': 'clear: target' is relative to each queue's "
	    "sl_target, so it is only for metric service_level, not "
	    "'waiting' (give a level in the metric's unit)",
	    "4:73: alert 'c': 'clear' (target-1%) must be at or above "
	    "'below' (target)",
	    "5:76: alert 'd': 'clear' (target+6%) must be at or below "
	    "'above' (target+5%)",
	    "6:58: bad level 'target*2' for 'below' (expected target, or "
	    "target+N% / target-N% with a share N, e.g. target-5%)",
	    "7:58: bad level 'target+' for 'below' (expected target, or "
	    "target+N% / target-N% with a share N, e.g. target-5%)",
	    "8:58: bad level 'target+120%' for 'below' (expected target, or "
	    "target+N% / target-N% with a share N, e.g. target-5%)",
	    "9:58: bad level 'target 5%' for 'below' (expected target, or "
	    "target+N% / target-N% with a share N, e.g. target-5%)", NULL);
}

static void
test_error_alert_misc(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - name: a\n"
	    "    metric: waiting\n"
	    "    above: 5\n"
	    "    for: 1 minute\n"
	    "    severity: high\n"
	    "    scope: queues:support\n"
	    "  - {name: b, metric: waiting, above: 5, scope: \"queue:\"}\n"
	    "  - {name: c, metric: waiting, above: 5, scope: \"queue:a*b\"}\n"
	    "  - {name: d, metric: waiting, above: 5, scope: \"team:*x\"}\n",
	    "5:10: bad duration '1 minute' for 'for' (expected e.g. 500ms, 20s, "
	    "15m, 24h, 1d or 1h30m)",
	    "6:15: unknown severity 'high' (expected info, warning, critical)",
	    "7:12: bad scope 'queues:support' (expected all, queue:NAME, "
	    "team:NAME, queue:* or team:*)",
	    "8:49: bad scope 'queue:' (expected all, queue:NAME, team:NAME, "
	    "queue:* or team:*)",
	    "9:49: bad scope 'queue:a*b' (expected all, queue:NAME, team:NAME, "
	    "queue:* or team:*)",
	    "10:49: bad scope 'team:*x' (expected all, queue:NAME, team:NAME, "
	    "queue:* or team:*)", NULL);
}

/* Every error is reported, not just the first. */
static void
test_all_errors_reported(void **state)
{
	struct loaded l;

	load(&l,
	    "defaults:\n"
	    "  sl_treshold: 20s\n"
	    "queues: {support: {sl_formula: fast}}\n"
	    "publish: {heartbeat: 10ms}\n");
	assert_null(l.config);
	assert_int_equal(l.errors.n, 3);
	unload(&l);
}

/* Errors come in file order, whatever order the sections are read in. */
static void
test_errors_sorted(void **state)
{
	expect_errors(
	    "alerts:\n"
	    "  - {name: x, metric: nope, above: 1}\n"
	    "queues: {a: {sl_target: 2}}\n"
	    "site: {timezone: Nowhere/City}\n"
	    "defaults: {sl_target: 3}\n",
	    "2:23: unknown metric 'nope'",
	    "3:25: bad share '2' for 'sl_target' (expected a percentage like "
	    "80% or a fraction from 0 to 1)",
	    "4:18: unknown timezone 'Nowhere/City' (expected an IANA name like "
	    "Europe/London)",
	    "5:23: bad share '3' for 'sl_target' (expected a percentage like "
	    "80% or a fraction from 0 to 1)", NULL);
}

static void
test_missing_file(void **state)
{
	struct config_errors errors = { NULL, 0 };

	assert_null(config_load("/nonexistent/wallboard.yaml", &errors));
	assert_int_equal(errors.n, 1);
	assert_string_equal(errors.lines[0], "/nonexistent/wallboard.yaml:1:1: "
	    "cannot open: No such file or directory");
	config_errors_clear(&errors);
	assert_int_equal(errors.n, 0);
	assert_null(errors.lines);
}

static void
test_errors_argument(void **state)
{
	char *path = testutil_write_temp("site: {bad: 1}\n");
	struct config_errors errors;
	struct config *c;

	/* NULL errors: the caller only wants yes or no. */
	assert_null(config_load(path, NULL));
	testutil_remove_temp(&path);
	path = testutil_write_temp("site: {name: ok}\n");
	c = config_load(path, NULL);
	assert_non_null(c);
	config_free(&c);
	/* Errors is overwritten, so it may start uninitialised. */
	memset(&errors, 0xa5, sizeof errors);
	c = config_load(path, &errors);
	assert_non_null(c);
	assert_int_equal(errors.n, 0);
	assert_null(errors.lines);
	config_free(&c);
	testutil_remove_temp(&path);
}

/* Where a board connects: publish.endpoints joined by commas (a hot
 * standby, display/standby.h), else the first bind read as loopback. */
static void
test_client_endpoint(void **state)
{
	struct config *c = load_ok("publish: {bind: [\"tcp://*:7500\"]}\n");
	char *endpoint = config_client_endpoint(c);

	assert_string_equal(endpoint, "tcp://127.0.0.1:7500");
	free(endpoint);
	config_free(&c);
	c = load_ok("publish:\n  endpoints: [\"tcp://wb-a:7411\", "
	    "\"tcp://wb-b:7411\"]\n");
	endpoint = config_client_endpoint(c);
	assert_string_equal(endpoint, "tcp://wb-a:7411,tcp://wb-b:7411");
	free(endpoint);
	config_free(&c);
}

static void
test_free_accepts_null(void **state)
{
	struct config *c = NULL;
	struct config_errors errors = { NULL, 0 };

	config_free(NULL);
	config_free(&c);
	config_errors_clear(NULL);
	config_errors_clear(&errors);
	config_errors_clear(&errors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_path_kept),
		cmocka_unit_test(test_protocol_example),
		cmocka_unit_test(test_queue_inherits_defaults),
		cmocka_unit_test(test_queue_overrides_all),
		cmocka_unit_test(test_formula_names),
		cmocka_unit_test(test_formula_in_file),
		cmocka_unit_test(test_site_and_daemon_keys),
		cmocka_unit_test(test_bounds_edges),
		cmocka_unit_test(test_http_listen),
		cmocka_unit_test(test_web),
		cmocka_unit_test(test_short_abandon_free),
		cmocka_unit_test(test_teams_and_agents),
		cmocka_unit_test(test_alert_kinds),
		cmocka_unit_test(test_alert_target),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_warnings_need_whole_config),
		cmocka_unit_test(test_error_syntax),
		cmocka_unit_test(test_error_documents),
		cmocka_unit_test(test_error_unknown_keys),
		cmocka_unit_test(test_error_duplicate_keys),
		cmocka_unit_test(test_error_types),
		cmocka_unit_test(test_error_http_listen),
		cmocka_unit_test(test_boards),
		cmocka_unit_test(test_error_boards),
		cmocka_unit_test(test_error_null_values),
		cmocka_unit_test(test_error_values),
		cmocka_unit_test(test_error_ranges),
		cmocka_unit_test(test_error_formula),
		cmocka_unit_test(test_error_timezone),
		cmocka_unit_test(test_timezone_tzdir),
		cmocka_unit_test(test_error_queue_refs),
		cmocka_unit_test(test_error_windows),
		cmocka_unit_test(test_error_agent_teams),
		cmocka_unit_test(test_error_alert_name),
		cmocka_unit_test(test_error_alert_metric),
		cmocka_unit_test(test_error_alert_window),
		cmocka_unit_test(test_error_alert_levels),
		cmocka_unit_test(test_error_alert_clear),
		cmocka_unit_test(test_error_alert_target),
		cmocka_unit_test(test_error_alert_misc),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_errors_sorted),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_errors_argument),
		cmocka_unit_test(test_client_endpoint),
		cmocka_unit_test(test_free_accepts_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
