/*
 * tools/ is the programs that talk to a running daemon: wallboardctl. It
 * uses core/ only (the config, to find the control socket).
 *
 * wallboardctl.c: talk to a running wallboardd over its control socket.
 *
 *   wallboardctl [-c CONFIG] [--socket PATH] status [--json]
 *   wallboardctl ... snapshot [--pretty]
 *   wallboardctl ... reload
 *   wallboardctl ... message TEXT [--for DURATION] [--from NAME]
 *   wallboardctl ... message --clear
 *   wallboardctl ... ack ID [--by NAME]
 *   wallboardctl ... alerts [--json]
 *   wallboardctl ... report [--day YYYY-MM-DD] [--interval 15m] [--scope S...]
 *                           [--csv | --json]
 *
 * One JSON request, one JSON reply, on the daemon's ZeroMQ REP socket at
 * ipc://STATE_DIR/control.sock (daemon/control.c is the other side). The
 * socket file is 0660 in a 0750 state directory: the file permissions are
 * the access control, so the errors here say which group a person needs.
 *
 * Exit status: 0 done; 1 the daemon refused, and its reason is printed;
 * 2 it could not be asked (bad usage, no config, not running, no
 * permission, no answer).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "config.h"
#include "metric.h"
#include "tz.h"
#include "units.h"
#include "xalloc.h"

#define CTL_VERSION "0.1.0"
#define CTL_DEFAULT_CONFIG "/etc/wallboard/wallboard.yaml"
#define CTL_TIMEOUT_MS 5000
#define CTL_MESSAGE_FOR_MS (10 * 60 * 1000LL)

enum { CTL_OK = 0, CTL_REFUSED = 1, CTL_UNREACHABLE = 2 };

/* How long to wait for the daemon's answer (--timeout): a reload of a busy
 * day rebuilds it from the journal, which can take longer than a status. */
static int ctl_timeout_ms = CTL_TIMEOUT_MS;

/* The options that belong to one command, as bits, to refuse the others. */
enum {
	CTL_JSON = 1 << 0,
	CTL_PRETTY = 1 << 1,
	CTL_FOR = 1 << 2,
	CTL_FROM = 1 << 3,
	CTL_CLEAR = 1 << 4,
	CTL_BY = 1 << 5,
	CTL_CSV = 1 << 6,
	CTL_DAY = 1 << 7,
	CTL_INTERVAL = 1 << 8,
	CTL_SCOPE = 1 << 9,
	CTL_ABANDONED = 1 << 10,
	CTL_TEAM = 1 << 11,
};

#define CTL_SCOPES_MAX 64

struct ctl {
	const char *config;
	const char *socket;     /* the control socket's path, once known */
	unsigned given;         /* CTL_* options seen */
	int64_t for_ms;
	const char *from;
	const char *by;
	const char *day, *interval, *team;
	const char *scopes[CTL_SCOPES_MAX];
	int n_scopes;
	char **args;            /* the command's words after its name */
	int n_args;
};

struct ctl_command {
	const char *name;
	unsigned options;       /* the CTL_* it takes */
	int (*run)(struct ctl *);
};

static void
ctl_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboardctl [-c CONFIG] [--socket PATH] COMMAND\n"
	    "\n"
	    "  status [--json]            the daemon's counters\n"
	    "  snapshot [--pretty]        the current snapshot (JSON)\n"
	    "  reload                     load the config again; on a mistake,\n"
	    "                             print it and keep the running one\n"
	    "  message TEXT [--for DURATION] [--from NAME]\n"
	    "                             show TEXT on every board (default for\n"
	    "                             10m, from $SUDO_USER or $USER)\n"
	    "  message --clear            take the message down\n"
	    "  ack ID [--by NAME]         acknowledge an alert (default by $USER):\n"
	    "                             its short id as the boards show it (14\n"
	    "                             or #14), or any unambiguous start of its id\n"
	    "  alerts [--json]            today's alerts, newest first: firing,\n"
	    "                             pending, acked and resolved, with ids\n"
	    "  report [--day YYYY-MM-DD] [--interval 15m|30m|60m] [--scope S]...\n"
	    "         [--csv | --json]    the day by interval (default today, the\n"
	    "                             config's history.interval, every scope):\n"
	    "                             a table (service level coloured against\n"
	    "                             target on a terminal), CSV with a header\n"
	    "                             row, or JSON Lines; --scope takes a\n"
	    "                             pattern (queue:*, team:b*), up to 64;\n"
	    "                             --day: any day whose journal is kept\n"
	    "                             (older than yesterday: rebuilt from it)\n"
	    "  report --abandoned [--day D] [--scope S]... [--csv | --json]\n"
	    "                             the day's abandoned calls, oldest first:\n"
	    "                             when, queue, wait, the PBX's call id to\n"
	    "                             call back from, the caller's number in\n"
	    "                             the day's list (never the phone number)\n"
	    "  report --team T | --scope agent:ID... [--interval 15m|30m|60m|day]\n"
	    "         [--day D] [--csv | --json]\n"
	    "                             agents' own figures beside their team's\n"
	    "                             and the targets (AHT, OCC, FCR, CSAT green\n"
	    "                             or red against target on a terminal): for\n"
	    "                             the agent and their team leader only\n"
	    "                             (docs/history.md, Individual figures)\n"
	    "\n"
	    "  -c, --config FILE   find the daemon through this config's state_dir\n"
	    "                      (default " CTL_DEFAULT_CONFIG ")\n"
	    "      --socket PATH   the control socket itself (STATE_DIR/control.sock)\n"
	    "      --timeout DURATION\n"
	    "                      wait this long for the answer (default 5s)\n"
	    "  -V, --version       print the version\n"
	    "  -h, --help          this text\n"
	    "\n"
	    "Exit status: 0 done, 1 refused by the daemon, 2 could not ask it.\n");
}

/* ---- reaching the daemon ------------------------------------------------ */

/* The control socket's path from the config's state_dir (caller frees), or
 * NULL after printing why the config could not be read. */
static char *
ctl_socket_from_config(const char *path)
{
	struct config_errors errors = { 0 };
	struct config *config = config_load(path, &errors);
	char *socket;

	for (size_t i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	config_errors_clear(&errors);
	if (config == NULL) {
		fprintf(stderr, "wallboardctl: cannot find the control socket "
		    "without the config %s (or give --socket PATH)\n", path);
		return NULL;
	}
	socket = xasprintf("%s/control.sock", config->state_dir);
	config_free(&config);
	return socket;
}

/* The group that owns the socket, or failing that its directory: the group
 * a person must be in. "wallboard" when neither can be looked at, or when
 * it is root's group, which no one should be added to for this. */
static const char *
ctl_socket_group(const char *path)
{
	char *copy = xstrdup(path);
	struct stat sb;
	struct group *gr = NULL;

	if (stat(path, &sb) == 0 || stat(dirname(copy), &sb) == 0)
		gr = sb.st_gid != 0 ? getgrgid(sb.st_gid) : NULL;
	free(copy);
	return gr != NULL ? gr->gr_name : "wallboard";
}

static int
ctl_denied(const char *path)
{
	const char *group = ctl_socket_group(path);
	struct passwd *pw = getpwuid(getuid());

	fprintf(stderr, "wallboardctl: permission denied on %s: only the "
	    "daemon's user and members of its group (%s) may use wallboardctl; "
	    "an administrator can add you with 'sudo adduser %s %s' (then "
	    "log in again)\n", path, group, pw != NULL ? pw->pw_name : "YOUR-NAME",
	    group);
	return CTL_UNREACHABLE;
}

static int
ctl_not_running(const char *path, const char *why)
{
	fprintf(stderr, "wallboardctl: wallboardd is not running (%s at %s)\n",
	    why, path);
	return CTL_UNREACHABLE;
}

/* Whether the socket file is left over from a daemon that died: nothing
 * listens on it, so a plain connect is refused at once. */
static bool
ctl_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool stale;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path)
		return false;   /* too long for ipc://: zmq_connect says so */
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	stale = connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 &&
	    errno == ECONNREFUSED;
	close(fd);
	return stale;
}

/* Check the socket can be used before asking on it, so that every way of
 * failing has its own sentence. CTL_OK, or CTL_UNREACHABLE having said why. */
static int
ctl_reachable(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ctl_not_running(path, "no control socket");
		if (errno == EACCES)
			return ctl_denied(path);
		fprintf(stderr, "wallboardctl: %s: %s\n", path, strerror(errno));
		return CTL_UNREACHABLE;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		fprintf(stderr, "wallboardctl: %s is not a socket\n", path);
		return CTL_UNREACHABLE;
	}
	if (access(path, R_OK | W_OK) != 0)
		return ctl_denied(path);
	if (ctl_stale(path))
		return ctl_not_running(path, "nothing listens on the control socket");
	return CTL_OK;
}

/* Send one request on a fresh REQ socket and wait up to ctl_timeout_ms for
 * the reply. Returns the reply (caller frees) or NULL having said why. */
static char *
ctl_exchange(void *zctx, const char *path, const char *request)
{
	void *sock = zmq_socket(zctx, ZMQ_REQ);
	int linger = 0, timeout = ctl_timeout_ms, len;
	char *endpoint = xasprintf("ipc://%s", path), *reply = NULL;
	zmq_msg_t msg;

	zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
	zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
	zmq_setsockopt(sock, ZMQ_SNDTIMEO, &timeout, sizeof timeout);
	zmq_msg_init(&msg);
	if (zmq_connect(sock, endpoint) != 0)
		fprintf(stderr, "wallboardctl: %s: %s\n", endpoint, zmq_strerror(errno));
	else if (zmq_send(sock, request, strlen(request), 0) == -1 ||
	    (len = zmq_msg_recv(&msg, sock, 0)) == -1)
		fprintf(stderr, "wallboardctl: no answer from wallboardd at %s "
		    "within %g s\n", path, ctl_timeout_ms / 1000.0);
	else
		reply = xstrndup(zmq_msg_data(&msg), (size_t)len);
	zmq_msg_close(&msg);
	zmq_close(sock);
	free(endpoint);
	return reply;
}

/* Ask the daemon; takes the request. Returns the parsed reply (the caller
 * deletes it; *raw, if asked for, is its text, caller frees) or NULL having
 * said why, with *status set. */
static cJSON *
ctl_call(struct ctl *c, cJSON *request, char **raw, int *status)
{
	char *text = cJSON_PrintUnformatted(request);
	void *zctx;
	char *reply;
	cJSON *parsed = NULL;

	cJSON_Delete(request);
	if ((*status = ctl_reachable(c->socket)) != CTL_OK) {
		cJSON_free(text);
		return NULL;
	}
	zctx = zmq_ctx_new();
	reply = ctl_exchange(zctx, c->socket, text);
	zmq_ctx_term(zctx);
	cJSON_free(text);
	*status = CTL_UNREACHABLE;
	if (reply == NULL)
		return NULL;
	if ((parsed = cJSON_Parse(reply)) == NULL)
		fprintf(stderr, "wallboardctl: wallboardd's reply is not JSON\n");
	else
		*status = CTL_OK;
	if (raw != NULL && parsed != NULL)
		*raw = reply;
	else
		free(reply);
	return parsed;
}

/* Text from the daemon as it may be printed on a terminal: a byte below
 * space (an escape, say), DEL, or a C1 control (U+0080 to U+009F, which
 * terminals also read as escapes) as '?'. */
static void
ctl_put_safe(FILE *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	for (; *p != '\0'; p++) {
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputc('?', out);
			p++;
		} else
			fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
	}
}

/* If the reply says {"ok":false}, print its error and any error lines (a
 * reload's FILE:LINE:COL lines) and return CTL_REFUSED; else CTL_OK. */
static int
ctl_refused(const cJSON *reply)
{
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(reply, "error");
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(reply, "errors");
	const cJSON *line;

	if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(reply, "ok")))
		return CTL_OK;
	fputs("wallboardctl: ", stderr);
	ctl_put_safe(stderr, cJSON_IsString(error) ? error->valuestring :
	    "wallboardd refused, giving no reason");
	fputc('\n', stderr);
	cJSON_ArrayForEach(line, lines) {
		if (cJSON_IsString(line)) {
			ctl_put_safe(stderr, line->valuestring);
			fputc('\n', stderr);
		}
	}
	return CTL_REFUSED;
}

/* Ask with a request built by the caller; on success print `done`. */
static int
ctl_simple(struct ctl *c, cJSON *request, const char *done)
{
	cJSON *reply;
	int status;

	if ((reply = ctl_call(c, request, NULL, &status)) == NULL)
		return status;
	if ((status = ctl_refused(reply)) == CTL_OK)
		printf("%s\n", done);
	cJSON_Delete(reply);
	return status;
}

static cJSON *
ctl_request(const char *cmd)
{
	cJSON *request = cJSON_CreateObject();

	if (request == NULL)
		fatalx("out of memory building a request");
	cJSON_AddStringToObject(request, "cmd", cmd);
	return request;
}

/* Who is speaking: $SUDO_USER (a team leader using sudo), $USER, or a role. */
static const char *
ctl_user(void)
{
	const char *names[] = { "SUDO_USER", "USER" };
	const char *v;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((v = getenv(names[i])) != NULL && *v != '\0')
			return v;
	}
	return "team leader";
}

/* ---- times for people ---------------------------------------------------- */

/* Times are shown in the site's zone (the daemon says which), as the boards
 * show them, not in the zone of the machine wallboardctl runs on. */
static struct tz *ctl_zone;

static void
ctl_zone_set(const cJSON *reply)
{
	const cJSON *zone = cJSON_GetObjectItemCaseSensitive(reply, "timezone");
	char err[256];

	tz_free(&ctl_zone);
	if (cJSON_IsString(zone) && (ctl_zone = tz_load(zone->valuestring,
	    err, sizeof err)) == NULL)
		fprintf(stderr, "wallboardctl: %s; times in UTC\n", err);
	if (ctl_zone == NULL)
		ctl_zone = tz_load("UTC", NULL, 0);
}

/* "2026-12-04 09:31:05" (with_date) or "09:31:05", in the site's zone;
 * "-" for 0. */
static const char *
ctl_when(int64_t ms, bool with_date, char *buf, size_t len)
{
	time_t t;
	struct tm tm;

	if (ms <= 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	t = (time_t)((ms + (int64_t)tz_offset(ctl_zone, ms) * 1000) / 1000);
	gmtime_r(&t, &tm);
	strftime(buf, len, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	return buf;
}

/* "UTC+01:00" for the zone's offset at ms. */
static const char *
ctl_offset(int64_t ms, char *buf, size_t len)
{
	int32_t off = tz_offset(ctl_zone, ms);
	int32_t a = off < 0 ? -off : off;

	snprintf(buf, len, "UTC%c%02d:%02d", off < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
	return buf;
}

static void
ctl_print_safe(const char *text)
{
	ctl_put_safe(stdout, text);
}

static int64_t
ctl_int(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	/* a number past int64 (or NaN) from a daemon gone wrong: 0, not UB */
	return cJSON_IsNumber(v) && v->valuedouble > -9.2e18 &&
	    v->valuedouble < 9.2e18 ? (int64_t)v->valuedouble : 0;
}

static const char *
ctl_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- status ------------------------------------------------------------- */

static const struct {
	const char *key;
	const char *label;
} ctl_status_labels[] = {
	{ "version", "wallboardd version" },
	{ "now", "clock" },
	{ "day_start", "day started" },
	{ "stale_feeds", "silent feeds" },
	{ "last_event", "newest event" },
	{ "received", "events received" },
	{ "applied", "events applied" },
	{ "rejected", "events rejected" },
	{ "events_per_s", "events per second" },
	{ "snapshots", "snapshots sent" },
	{ "largest_message_bytes", "largest message" },
	{ "subscribers", "boards connected" },
	{ "subscribers_refused", "boards refused" },
	{ "ingest_peers", "feeds connected" },
	{ "ingest_peers_refused", "feeds refused" },
	{ "ingest_peers_dropped", "feed connections ended" },
	{ "memory_bytes", "memory" },
	{ "engine_bytes", "engine's share" },
	{ "refused", "events refused" },
	{ "stale_feeds_count", "silent feeds" },
	{ "journal_ok", "journal healthy" },
	{ "journal_error", "journal trouble" },
	{ "journal_failing_since", "journal failing since" },
	{ "journal_unwritten_records", "journal records waiting" },
	{ "journal_unwritten_bytes", "journal bytes waiting" },
	{ "journal_lost_records", "journal records lost" },
	{ "journal_lost_bytes", "journal bytes lost" },
	{ "journal_damaged", "journal damaged" },
	{ "journal_damaged_records", "journal records lost to damage" },
	{ "journal_damaged_records_estimated", "(an estimate)" },
	{ "journal_damaged_bytes", "journal bytes damaged" },
	{ "journal_damaged_regions", "journal damaged regions" },
	{ "journal_damage_offset", "journal damage at byte" },
	{ "journal_damage_copy", "journal damage kept as" },
	{ "journal_torn_bytes", "journal torn tail" },
	{ "rejected_samples", "rejected, samples" },
	{ "replayed_at_start", "replayed at start" },
	{ "http_connections", "HTTP connections" },
	{ "http_accepted", "HTTP accepted" },
	{ "http_evicted", "HTTP evicted at cap" },
	{ "http_accept_errors", "HTTP accept errors" },
	{ "http_header_timeouts", "HTTP header timeouts" },
	{ "http_idle_timeouts", "HTTP idle timeouts" },
	{ "http_write_timeouts", "HTTP write timeouts" },
	{ "http_bad_requests", "HTTP bad requests" },
	{ "http_busy", "HTTP 503 busy" },
	{ "http_requests", "HTTP requests" },
};

static const char *
ctl_status_label(const char *key)
{
	for (size_t i = 0; i < sizeof ctl_status_labels /
	    sizeof ctl_status_labels[0]; i++) {
		if (strcmp(ctl_status_labels[i].key, key) == 0)
			return ctl_status_labels[i].label;
	}
	return key;     /* a field newer than this table shows as it is */
}

/* A number the way a person reads it: times in the site's zone, the newest
 * event with its age, bytes in MiB. */
static void
ctl_status_number(const char *key, double v, int64_t now, bool heard)
{
	char when[64], off[32], age[32];

	if (!(v > -9.2e18 && v < 9.2e18)) {     /* no int64: as it came */
		printf("%g\n", v);
		return;
	}
	if (strcmp(key, "now") == 0 || strcmp(key, "day_start") == 0)
		printf("%s %s (%s)%s\n", ctl_when((int64_t)v, true, when, sizeof when),
		    tz_name(ctl_zone), ctl_offset((int64_t)v, off, sizeof off),
		    !heard && strcmp(key, "now") == 0 ? ", standing: it starts "
		    "with the first event (a recorded day runs on its own time)" : "");
	else if (strcmp(key, "last_event") == 0)
	{
		metric_format_duration(now - (int64_t)v, age, sizeof age);
		printf("%s (%s ago)\n", ctl_when((int64_t)v, true, when,
		    sizeof when), age);
	}
	else if (strcmp(key, "memory_bytes") == 0 ||
	    strcmp(key, "engine_bytes") == 0 ||
	    strcmp(key, "largest_message_bytes") == 0)
		printf("%.1f MiB\n", v / (1024.0 * 1024.0));
	else if (v == (double)(long long)v)
		printf("%lld\n", (long long)v);
	else
		printf("%.1f\n", v);
}

static void
ctl_status_field(const cJSON *item, int64_t now, bool heard)
{
	const cJSON *el;
	char *text;
	int n = 0;

	printf("%-20s ", ctl_status_label(item->string));
	if (cJSON_IsString(item))
		ctl_print_safe(item->valuestring), putchar('\n');
	else if (cJSON_IsBool(item))
		printf("%s\n", cJSON_IsTrue(item) ? "yes" : "no");
	else if (cJSON_IsNumber(item))
		ctl_status_number(item->string, item->valuedouble, now, heard);
	else if (cJSON_IsNull(item))
		printf("none\n");
	else if (strcmp(item->string, "rejected_samples") == 0) {
		/* one a line: when, feed, why, then the text (masked) */
		cJSON_ArrayForEach(el, item) {
			char when[64];

			printf("%s%s %s: ", n++ ? "\n                     " : "",
			    ctl_when(ctl_int(el, "at"), false, when, sizeof when),
			    cJSON_IsString(cJSON_GetObjectItem(el, "feed")) ?
			    cJSON_GetObjectItem(el, "feed")->valuestring : "?");
			if (cJSON_IsString(cJSON_GetObjectItem(el, "why")))
				ctl_print_safe(cJSON_GetObjectItem(el, "why")->valuestring);
			printf("\n                       ");
			if (cJSON_IsString(cJSON_GetObjectItem(el, "text")))
				ctl_print_safe(cJSON_GetObjectItem(el, "text")->valuestring);
		}
		printf("%s\n", n ? "" : "none");
	} else if (cJSON_IsArray(item)) {
		cJSON_ArrayForEach(el, item) {
			if (!cJSON_IsString(el))
				continue;
			printf("%s", n++ ? ", " : "");
			ctl_print_safe(el->valuestring);
		}
		printf("%s\n", n ? " (the boards show their figures as stale)" : "none");
	} else if (strcmp(item->string, "stream") == 0) {
		/* "WALLBOARD: at 1234, 0 behind, connected" */
		const cJSON *name = cJSON_GetObjectItem(item, "name");
		const cJSON *err = cJSON_GetObjectItem(item, "last_error");

		if (cJSON_IsString(name))
			ctl_print_safe(name->valuestring);
		printf(": at %lld, %lld behind, %s; %lld read, %lld disconnects",
		    (long long)ctl_int(item, "position"),
		    (long long)ctl_int(item, "lag"),
		    cJSON_IsTrue(cJSON_GetObjectItem(item, "connected")) ?
		    "connected" : "NOT CONNECTED (the figures wait for the stream)",
		    (long long)ctl_int(item, "received"),
		    (long long)ctl_int(item, "disconnects"));
		if (ctl_int(item, "redelivered") > 0)
			printf("; %lld sent again by the library, dropped",
			    (long long)ctl_int(item, "redelivered"));
		if (cJSON_IsString(err) && err->valuestring[0] != '\0') {
			printf("; last error: ");
			ctl_print_safe(err->valuestring);
		}
		putchar('\n');
	} else if (strcmp(item->string, "limits") == 0) {
		/* "agents 12/20000, ..."; what was refused, after */
		cJSON_ArrayForEach(el, item) {
			printf("%s", n++ ? ", " : "");
			ctl_print_safe(el->string);
			printf(" %lld/%lld", (long long)ctl_int(el, "held"),
			    (long long)ctl_int(el, "limit"));
		}
		n = 0;
		cJSON_ArrayForEach(el, item) {
			if (ctl_int(el, "refused") <= 0)
				continue;
			printf("%s", n++ ? ", " : "; at the limit, refused: ");
			ctl_print_safe(el->string);
			printf(" %lld", (long long)ctl_int(el, "refused"));
		}
		putchar('\n');
	} else {
		text = cJSON_PrintUnformatted(item);
		printf("%s\n", text != NULL ? text : "?");
		cJSON_free(text);
	}
}

static int
ctl_status(struct ctl *c)
{
	cJSON *reply, *item;
	char *raw = NULL;
	int status;

	if ((reply = ctl_call(c, ctl_request("status"), &raw, &status)) == NULL)
		return status;
	if ((status = ctl_refused(reply)) == CTL_OK && (c->given & CTL_JSON))
		printf("%s\n", raw);
	else if (status == CTL_OK) {
		ctl_zone_set(reply);
		cJSON_ArrayForEach(item, reply) {
			if (item->string != NULL && strcmp(item->string, "ok") != 0)
				ctl_status_field(item, ctl_int(reply, "now"),
				    ctl_int(reply, "last_event") > 0);
		}
	}
	free(raw);
	cJSON_Delete(reply);
	tz_free(&ctl_zone);
	return status;
}

/* ---- alerts -------------------------------------------------------------- */

/* The unit of an alert's values: its metric's, or the built-ins'. */
static enum metric_kind
ctl_alert_kind(const cJSON *a)
{
	const char *metric = ctl_str(a, "metric");
	const struct metric_info *m = metric ? metric_find(metric) : NULL;

	if (m != NULL)
		return m->kind;
	return metric != NULL && strcmp(metric, "silence_ms") == 0 ?
	    METRIC_DURATION : METRIC_COUNT;
}

/* "firing", "firing, acked", "pending", "resolved" */
static const char *
ctl_alert_state(const cJSON *a, char *buf, size_t len)
{
	const char *state = ctl_str(a, "state");

	snprintf(buf, len, "%s%s", state ? state : "?",
	    ctl_str(a, "acked_by") && state && strcmp(state, "resolved") != 0 ?
	    ", acked" : "");
	return buf;
}

static void
ctl_alert_row(const cJSON *a, int64_t now)
{
	const cJSON *worst = cJSON_GetObjectItemCaseSensitive(a, "worst");
	int64_t since = ctl_int(a, "since"), end = ctl_int(a, "resolved_at");
	char id[16] = "-", state[32], at[16], lasted[32], value[32] = "-";
	const char *by = ctl_str(a, "acked_by") ? ctl_str(a, "acked_by") : "-";

	if (ctl_int(a, "short_id") > 0)
		snprintf(id, sizeof id, "#%lld", (long long)ctl_int(a, "short_id"));
	if (cJSON_IsNumber(worst))
		metric_format(ctl_alert_kind(a), worst->valuedouble, value,
		    sizeof value);
	metric_format_duration((end > 0 ? end : now) - since, lasted,
	    sizeof lasted);
	printf("%-5s %-15s %-9s %-9s %-7s %-7s ", id,
	    ctl_alert_state(a, state, sizeof state),
	    ctl_str(a, "severity") ? ctl_str(a, "severity") : "?",
	    ctl_when(since, false, at, sizeof at), lasted, value);
	/* who acked, in a column of 12 (a longer name pushes the id on) */
	ctl_print_safe(by);
	printf("%*s", strlen(by) < 12 ? (int)(12 - strlen(by)) : 1, "");
	ctl_print_safe(ctl_str(a, "id") ? ctl_str(a, "id") : "?");
	printf("\n      ");
	ctl_print_safe(ctl_str(a, "text") ? ctl_str(a, "text") : "");
	printf("\n");
}

/* Today's alerts, newest first, as a table (one alert on two lines: the
 * facts, then its sentence) or as the daemon's JSON. */
static int
ctl_alerts(struct ctl *c)
{
	cJSON *reply;
	const cJSON *list, *a;
	char *raw = NULL, day[64];
	int status, n = 0;

	if ((reply = ctl_call(c, ctl_request("alerts"), &raw, &status)) == NULL)
		return status;
	if ((status = ctl_refused(reply)) == CTL_OK && (c->given & CTL_JSON))
		printf("%s\n", raw);
	else if (status == CTL_OK) {
		ctl_zone_set(reply);
		list = cJSON_GetObjectItemCaseSensitive(reply, "alerts");
		ctl_when(ctl_int(reply, "day_start"), true, day, sizeof day);
		cJSON_ArrayForEach(a, list) {
			if (n++ == 0)
				printf("%-5s %-15s %-9s %-9s %-7s %-7s %-12sALERT\n",
				    "ID", "STATE", "SEVERITY", "SINCE", "FOR",
				    "WORST", "ACKED BY");
			ctl_alert_row(a, ctl_int(reply, "now"));
		}
		if (n == 0)
			printf("no alerts today (since %s %s)\n", day,
			    tz_name(ctl_zone));
		else
			printf("%d alert%s since %s, times in %s\n", n,
			    n == 1 ? "" : "s", day, tz_name(ctl_zone));
		if (ctl_int(reply, "dropped") > 0)
			printf("(%lld older alerts dropped: the day's list is "
			    "full)\n", (long long)ctl_int(reply, "dropped"));
	}
	free(raw);
	cJSON_Delete(reply);
	tz_free(&ctl_zone);
	return status;
}

/* ---- report ------------------------------------------------------------- */

static double
ctl_num(const cJSON *o, const char *key, bool *null)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*null = !cJSON_IsNumber(v);
	return *null ? 0 : v->valuedouble;
}

/* A figure as the boards show it (metric_format), "-" when undefined. */
static const char *
ctl_figure(const cJSON *row, const char *key, char *buf, size_t len)
{
	/* team_aht_ms, target_occupancy, ...: shown as the figure they are */
	const char *figure = strncmp(key, "team_", 5) == 0 ? key + 5 :
	    strncmp(key, "target_", 7) == 0 ? key + 7 : key;
	const struct metric_info *m = metric_find(figure);
	bool null;
	double v = ctl_num(row, key, &null);

	if (null || m == NULL)
		snprintf(buf, len, "-");
	else
		metric_format(m->kind, v, buf, len);
	return buf;
}

/* One row of the table; the service level green at or above the scope's
 * target, red below it, as the boards judge it (the value as shown), when
 * colour is wanted. */
/* The interval table's columns after SL: all 8 and STAFFED (113
 * columns), or the first 5 (77) on a terminal narrower than that. */
static const char *const ctl_report_keys[] = { "offered", "answered",
    "abandoned", "asa_ms", "aht_ms", "max_wait_ms", "abandon_rate",
    "occupancy" };
static size_t ctl_report_cols = 8;

static void
ctl_report_row(const cJSON *row, const cJSON *targets, bool colour)
{
	const char *const *keys = ctl_report_keys;
	char when[16], sl[16], buf[32];
	const char *scope = ctl_str(row, "scope");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(targets, scope);
	bool null;
	double v = ctl_num(row, "service_level", &null);

	ctl_when(ctl_int(row, "start"), false, when, sizeof when);
	when[5] = '\0';
	printf("%-20.20s %s ", scope, when);
	ctl_figure(row, "service_level", sl, sizeof sl);
	if (colour && !null && cJSON_IsNumber(t))
		printf("\033[%sm%5s\033[0m", metric_shown(METRIC_RATIO, v) >=
		    metric_shown(METRIC_RATIO, t->valuedouble) ? "32" : "31", sl);
	else
		printf("%5s", sl);
	for (size_t k = 0; k < ctl_report_cols; k++)
		printf(" %8s", ctl_figure(row, keys[k], buf, sizeof buf));
	if (ctl_report_cols == 8)
		printf(" %7.1f", ctl_num(row, "staffed_avg", &null));
	printf("\n");
}

/* One abandoned call: when, queue, how long the caller waited, the PBX's
 * call id, and the caller's number in the day's list with how many times
 * that caller abandoned ("#3 x2"; "-" without a caller token). */
static void
ctl_abandoned_row(const cJSON *row, const cJSON *targets, bool colour)
{
	char when[16], waited[32], who[48];
	const char *queue = ctl_str(row, "queue"), *call = ctl_str(row, "call");
	int64_t caller = ctl_int(row, "caller");

	(void)targets;
	(void)colour;
	ctl_when(ctl_int(row, "ts"), false, when, sizeof when);
	units_format_duration(ctl_int(row, "waited_ms"), waited, sizeof waited);
	if (caller > 0)
		snprintf(who, sizeof who, "#%lld x%lld", (long long)caller,
		    (long long)ctl_int(row, "caller_abandons"));
	else
		snprintf(who, sizeof who, "-");
	printf("%-8s %-16.16s %8s%s %-12s %-30.30s\n", when, queue ? queue : "?",
	    waited, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "short")) ?
	    "*" : " ", who, call ? call : "?");
}

/* The rows (JSON Lines) as a table: a header, a row each, a footer. */
static void
ctl_table(const cJSON *reply, const char *rows, const char *header,
    void (*print)(const cJSON *, const cJSON *, bool), const char *none)
{
	const cJSON *targets = cJSON_GetObjectItemCaseSensitive(reply, "targets");
	bool colour = isatty(STDOUT_FILENO);
	const char *line = rows, *nl;
	int n = 0;

	ctl_zone_set(reply);
	fputs(header, stdout);
	for (; *line != '\0'; line = *nl ? nl + 1 : nl) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		cJSON *row = cJSON_ParseWithLength(line, (size_t)(nl - line));

		if (row != NULL) {
			print(row, targets, colour);
			n++;
		}
		cJSON_Delete(row);
	}
	if (n == 0)
		printf("%s\n", none);
	else
		printf("%d row%s, times in %s\n", n, n == 1 ? "" : "s",
		    tz_name(ctl_zone));
	tz_free(&ctl_zone);
}

static void
ctl_report_table(const cJSON *reply, const char *rows)
{
	char header[160];
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 && ws.ws_col < 113)
		ctl_report_cols = 5;
	snprintf(header, sizeof header,
	    "%-20s %-5s %5s %8s %8s %8s %8s %8s", "SCOPE",
	    "START", "SL", "OFFERED", "ANSWERED", "ABANDON", "ASA", "AHT");
	if (ctl_report_cols == 8)
		snprintf(header + strlen(header), sizeof header - strlen(header),
		    " %8s %8s %8s %7s", "MAXWAIT", "ABN%", "OCC", "STAFFED");
	strcat(header, "\n");
	ctl_table(reply, rows, header, ctl_report_row, "no complete interval yet");
}

static void
ctl_abandoned_table(const cJSON *reply, const char *rows)
{
	char header[160];

	snprintf(header, sizeof header, "%-8s %-16s %9s %-12s %s\n", "TIME",
	    "QUEUE", "WAITED", "CALLER", "CALL");
	ctl_table(reply, rows, header, ctl_abandoned_row, "no abandoned call");
	printf("(* short abandon; CALLER: #n in the day's list, x abandons)\n");
}

/* An agent's figure beside its target: green when it meets it (AHT at or
 * under, the others at or over), red when not, as shown; plain without a
 * target or colour. */
static void
ctl_agent_figure(const cJSON *row, const char *key, const char *target,
    bool lower_better, bool colour)
{
	const struct metric_info *m = metric_find(key);
	char buf[32];
	bool null, tnull;
	double v = ctl_num(row, key, &null), t = ctl_num(row, target, &tnull);

	ctl_figure(row, key, buf, sizeof buf);
	if (colour && !null && !tnull && m != NULL) {
		double a = metric_shown(m->kind, v), b = metric_shown(m->kind, t);
		bool good = lower_better ? a <= b : a >= b;

		printf(" \033[%sm%8s\033[0m", good ? "32" : "31", buf);
	} else
		printf(" %8s", buf);
}

static void
ctl_agent_row(const cJSON *row, const cJSON *targets, bool colour)
{
	char when[16], buf[32], team[32];
	const char *agent = ctl_str(row, "agent");

	(void)targets;
	ctl_when(ctl_int(row, "start"), false, when, sizeof when);
	when[5] = '\0';
	printf("%-16.16s %-5s %7lld", agent ? agent : "?", when,
	    (long long)ctl_int(row, "handled"));
	ctl_agent_figure(row, "aht_ms", "target_aht_ms", true, colour);
	printf(" %8s", ctl_figure(row, "team_aht_ms", team, sizeof team));
	ctl_agent_figure(row, "occupancy", "target_occupancy", false, colour);
	printf(" %8s", ctl_figure(row, "team_occupancy", team, sizeof team));
	ctl_agent_figure(row, "fcr", "target_fcr", false, colour);
	ctl_agent_figure(row, "csat", "target_csat", false, colour);
	printf(" %8s", ctl_figure(row, "team_csat", team, sizeof team));
	/* time in each state, to the second, as the boards show times
	 * ("4:52", "1:02:07") */
	static const char *const states[] = { "ready_ms", "busy_ms", "wrap_ms",
	    "away_ms" };
	for (size_t k = 0; k < 4; k++) {
		long long sec = (ctl_int(row, states[k]) + 500) / 1000;

		if (sec >= 3600)
			snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", sec / 3600,
			    sec / 60 % 60, sec % 60);
		else
			snprintf(buf, sizeof buf, "%lld:%02lld", sec / 60, sec % 60);
		printf(" %8s", buf);
	}
	printf("\n");
}

static void
ctl_agents_table(const cJSON *reply, const char *rows)
{
	char header[256], at[16];

	snprintf(header, sizeof header, "%-16s %-5s %7s %8s %8s %8s %8s %8s "
	    "%8s %8s %8s %8s %8s %8s\n", "AGENT", "START", "HANDLED", "AHT",
	    "TEAM AHT", "OCC", "TEAM OCC", "FCR", "CSAT", "TEAM CST", "READY",
	    "BUSY", "WRAP", "AWAY");
	ctl_table(reply, rows, header, ctl_agent_row,
	    "no agent with a complete interval");
	ctl_zone_set(reply);
	ctl_when(ctl_int(reply, "as_of"), false, at, sizeof at);
	printf("(as of %s; individual figures: for the agent and their team "
	    "leader)\n", at);
	tz_free(&ctl_zone);
}

/* The day by interval: rows as the daemon wrote them (--csv, --json) or a
 * table. */
static int
ctl_report(struct ctl *c)
{
	cJSON *request = ctl_request("report"), *reply, *list;
	const cJSON *rows, *dropped;
	char *raw = NULL;
	int status;

	if (c->day != NULL)
		cJSON_AddStringToObject(request, "day", c->day);
	if (c->interval != NULL)
		cJSON_AddStringToObject(request, "interval", c->interval);
	cJSON_AddStringToObject(request, "format",
	    (c->given & CTL_CSV) ? "csv" : "json");
	if (c->given & CTL_ABANDONED)
		cJSON_AddStringToObject(request, "kind", "abandoned");
	if (c->team != NULL)
		cJSON_AddStringToObject(request, "team", c->team);
	list = cJSON_AddArrayToObject(request, "scopes");
	for (int i = 0; i < c->n_scopes; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(c->scopes[i]));
	if ((reply = ctl_call(c, request, &raw, &status)) == NULL)
		return status;
	rows = cJSON_GetObjectItemCaseSensitive(reply, "rows");
	if ((status = ctl_refused(reply)) == CTL_OK && cJSON_IsString(rows)) {
		if (c->given & (CTL_CSV | CTL_JSON))
			fputs(rows->valuestring, stdout);
		else if (c->given & CTL_ABANDONED)
			ctl_abandoned_table(reply, rows->valuestring);
		else if (ctl_str(reply, "kind") != NULL &&
		    strcmp(ctl_str(reply, "kind"), "agents") == 0)
			ctl_agents_table(reply, rows->valuestring);
		else
			ctl_report_table(reply, rows->valuestring);
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply,
		    "truncated")))
			fprintf(stderr, "wallboardctl: the report was cut short "
			    "(too many rows): ask for fewer scopes\n");
		dropped = cJSON_GetObjectItemCaseSensitive(reply, "dropped");
		if (cJSON_IsNumber(dropped) && dropped->valuedouble > 0)
			fprintf(stderr, "wallboardctl: %.0f more abandoned call(s) "
			    "that day not listed (history.max_abandoned)\n",
			    dropped->valuedouble);
	}
	free(raw);
	cJSON_Delete(reply);
	return status;
}

/* ---- the other commands ------------------------------------------------- */

/* The snapshot as the daemon wrote it, or re-indented with --pretty. */
static int
ctl_snapshot(struct ctl *c)
{
	cJSON *reply;
	char *raw = NULL, *pretty;
	int status;

	if ((reply = ctl_call(c, ctl_request("snapshot"), &raw, &status)) == NULL)
		return status;
	if ((status = ctl_refused(reply)) == CTL_OK && (c->given & CTL_PRETTY)) {
		if ((pretty = cJSON_Print(reply)) == NULL)
			fatalx("out of memory printing the snapshot");
		printf("%s\n", pretty);
		cJSON_free(pretty);
	} else if (status == CTL_OK)
		printf("%s\n", raw);
	free(raw);
	cJSON_Delete(reply);
	return status;
}

static int
ctl_reload(struct ctl *c)
{
	return ctl_simple(c, ctl_request("reload"), "config reloaded");
}

static int
ctl_message(struct ctl *c)
{
	cJSON *request = ctl_request("message");
	char length[32], *done;
	int status;

	if (c->given & CTL_CLEAR) {
		cJSON_AddTrueToObject(request, "clear");
		return ctl_simple(c, request, "message cleared");
	}
	cJSON_AddStringToObject(request, "text", c->args[0]);
	cJSON_AddNumberToObject(request, "for_ms", (double)c->for_ms);
	cJSON_AddStringToObject(request, "from", c->from);
	done = xasprintf("message on the boards for %s, from %s",
	    units_format_duration(c->for_ms, length, sizeof length), c->from);
	status = ctl_simple(c, request, done);
	free(done);
	return status;
}

/* ID may be any unambiguous start of the alert's id: the daemon says which
 * alert it acked, or which it could have meant. */
static int
ctl_ack(struct ctl *c)
{
	cJSON *request = ctl_request("ack"), *reply;
	const cJSON *id;
	int status;

	cJSON_AddStringToObject(request, "id", c->args[0]);
	cJSON_AddStringToObject(request, "by", c->by);
	if ((reply = ctl_call(c, request, NULL, &status)) == NULL)
		return status;
	if ((status = ctl_refused(reply)) == CTL_OK) {
		id = cJSON_GetObjectItemCaseSensitive(reply, "id");
		printf("alert %s acknowledged by %s\n",
		    cJSON_IsString(id) ? id->valuestring : c->args[0], c->by);
	}
	cJSON_Delete(reply);
	return status;
}

static const struct ctl_command ctl_commands[] = {
	{ "status", CTL_JSON, ctl_status },
	{ "snapshot", CTL_PRETTY, ctl_snapshot },
	{ "reload", 0, ctl_reload },
	{ "message", CTL_FOR | CTL_FROM | CTL_CLEAR, ctl_message },
	{ "ack", CTL_BY, ctl_ack },
	{ "alerts", CTL_JSON, ctl_alerts },
	{ "report", CTL_JSON | CTL_CSV | CTL_DAY | CTL_INTERVAL | CTL_SCOPE |
	  CTL_ABANDONED | CTL_TEAM, ctl_report },
};

/* ---- the command line --------------------------------------------------- */

static const struct option ctl_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "socket", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "for", required_argument, NULL, 'f' },
	{ "from", required_argument, NULL, 'F' },
	{ "clear", no_argument, NULL, 'C' },
	{ "by", required_argument, NULL, 'b' },
	{ "timeout", required_argument, NULL, 't' },
	{ "csv", no_argument, NULL, 'x' },
	{ "day", required_argument, NULL, 'd' },
	{ "interval", required_argument, NULL, 'i' },
	{ "scope", required_argument, NULL, 'S' },
	{ "abandoned", no_argument, NULL, 'A' },
	{ "team", required_argument, NULL, 'T' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Words a command's options are known by, in CTL_* bit order. */
static const char *const ctl_option_names[] = {
	"--json", "--pretty", "--for", "--from", "--clear", "--by", "--csv",
	"--day", "--interval", "--scope", "--abandoned", "--team",
};

static bool
ctl_parse_for(struct ctl *c, const char *arg)
{
	if (!units_parse_duration(arg, &c->for_ms) || c->for_ms <= 0) {
		fprintf(stderr, "wallboardctl: --for wants a duration such as "
		    "10m, 90s or 1h30m, not '%s'\n", arg);
		return false;
	}
	return true;
}

static bool
ctl_parse_timeout(const char *arg)
{
	int64_t ms;

	if (!units_parse_duration(arg, &ms) || ms <= 0 || ms > 3600 * 1000) {
		fprintf(stderr, "wallboardctl: --timeout wants a duration up to 1h "
		    "such as 5s or 2m, not '%s'\n", arg);
		return false;
	}
	ctl_timeout_ms = (int)ms;
	return true;
}

/* Read one option into c. Returns -1 to carry on, else an exit status. */
static int
ctl_option(struct ctl *c, int opt, const char *arg)
{
	switch (opt) {
	case 'c': c->config = arg; break;
	case 's': c->socket = arg; break;
	case 'j': c->given |= CTL_JSON; break;
	case 'p': c->given |= CTL_PRETTY; break;
	case 'f': c->given |= CTL_FOR; return ctl_parse_for(c, arg) ? -1 : 2;
	case 'F': c->given |= CTL_FROM; c->from = arg; break;
	case 'C': c->given |= CTL_CLEAR; break;
	case 'b': c->given |= CTL_BY; c->by = arg; break;
	case 't': return ctl_parse_timeout(arg) ? -1 : 2;
	case 'x': c->given |= CTL_CSV; break;
	case 'd': c->given |= CTL_DAY; c->day = arg; break;
	case 'i': c->given |= CTL_INTERVAL; c->interval = arg; break;
	case 'A': c->given |= CTL_ABANDONED; break;
	case 'T': c->given |= CTL_TEAM; c->team = arg; break;
	case 'S':
		c->given |= CTL_SCOPE;
		if (c->n_scopes == CTL_SCOPES_MAX) {
			fprintf(stderr, "wallboardctl: at most %d --scope\n",
			    CTL_SCOPES_MAX);
			return 2;
		}
		c->scopes[c->n_scopes++] = arg;
		break;
	case 'V': printf("wallboardctl %s\n", CTL_VERSION); return 0;
	case 'h': ctl_usage(stdout); return 0;
	default: ctl_usage(stderr); return 2;
	}
	return -1;
}

/* The number of words a command takes after its name, given its options. */
static int
ctl_arity(const struct ctl_command *cmd, unsigned given)
{
	if (strcmp(cmd->name, "ack") == 0)
		return 1;
	if (strcmp(cmd->name, "message") == 0)
		return (given & CTL_CLEAR) ? 0 : 1;
	return 0;
}

/* Refuse options the command does not take and a wrong number of words. */
static bool
ctl_fits(const struct ctl_command *cmd, const struct ctl *c)
{
	unsigned stray = c->given & ~cmd->options;

	for (size_t i = 0; stray != 0; i++, stray >>= 1) {
		if (stray & 1) {
			fprintf(stderr, "wallboardctl: %s does not go with '%s'\n",
			    ctl_option_names[i], cmd->name);
			return false;
		}
	}
	if ((c->given & CTL_CLEAR) && (c->given & (CTL_FOR | CTL_FROM))) {
		fprintf(stderr, "wallboardctl: message --clear takes no --for or --from\n");
		return false;
	}
	if ((c->given & CTL_TEAM) && (c->given & CTL_ABANDONED)) {
		fprintf(stderr, "wallboardctl: report takes --team or --abandoned, "
		    "not both\n");
		return false;
	}
	if ((c->given & CTL_CSV) && (c->given & CTL_JSON)) {
		fprintf(stderr, "wallboardctl: report takes --csv or --json, not both\n");
		return false;
	}
	if (c->n_args != ctl_arity(cmd, c->given)) {
		ctl_usage(stderr);
		return false;
	}
	return true;
}

static const struct ctl_command *
ctl_find(const char *name)
{
	for (size_t i = 0; i < sizeof ctl_commands / sizeof ctl_commands[0]; i++) {
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	}
	fprintf(stderr, "wallboardctl: unknown command '%s' (status, snapshot, "
	    "alerts, report, reload, message, ack)\n", name);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct ctl c = { .config = CTL_DEFAULT_CONFIG, .for_ms = CTL_MESSAGE_FOR_MS };
	const struct ctl_command *cmd;
	char *socket = NULL;
	int opt, status;

	c.from = c.by = ctl_user();
	while ((opt = getopt_long(argc, argv, "c:Vh", ctl_options, NULL)) != -1) {
		if ((status = ctl_option(&c, opt, optarg)) != -1)
			return status;
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return 2;
	}
	if ((cmd = ctl_find(argv[optind])) == NULL)
		return 2;
	c.args = argv + optind + 1;
	c.n_args = argc - optind - 1;
	if (!ctl_fits(cmd, &c))
		return 2;
	if (c.socket == NULL && (c.socket = socket = ctl_socket_from_config(c.config)) == NULL)
		return 2;
	status = cmd->run(&c);
	free(socket);
	return status;
}
