/*
 * asterisk-ami.c: `wallboard-feed asterisk-ami`, Asterisk app_queue over the
 * Manager Interface (pbx/bridge-ami.c does the framing and the mapping).
 *
 * Live: connect, read the banner, log in (Events: agent by default), ask
 * QueueStatus to seed the calls already waiting and the members' states,
 * then map events until the connection drops; reconnect after 1, 2, 4 ...
 * up to 30 s (back to 1 s once a session has lasted a minute). A Ping every
 * 20 s finds dead connections: 60 s of silence is one. A refused login ends
 * the program (exit 1): retrying a wrong secret helps nobody.
 * --from-file: a recorded session (raw AMI text, gzip allowed) instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge-ami.h"
#include "bridge-cli.h"
#include "feed.h"
#include "xalloc.h"

#define AMI_PING_MS 20000
#define AMI_SILENCE_MS 60000

enum {
	OPT_HOST = BRIDGE_OPT_FIRST_FREE, OPT_PORT, OPT_USER, OPT_SECRET,
	OPT_EVENTS, OPT_FROM_FILE, OPT_MS
};

struct ami_cli {
	struct bridge_cli cli;
	const char *host, *user, *secret_file, *events, *from_file;
	int port;
	bool ms;
	char *secret;
	struct bridge_ami *map;
	struct bridge_ami_parser *parser;
	unsigned action_seq;
};

/* How a session ended. */

static void
ami_cli_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboard-feed asterisk-ami --host H [--port 5038] --user U --secret-file F\n"
	    "           [--events LIST] [--caller-secret-file F] [--src NAME]\n"
	    "           [--jsonl -|FILE] [--endpoint E | --bind E]\n"
	    "       wallboard-feed asterisk-ami --from-file TRANSCRIPT[.gz] [...]\n"
	    "\n"
	    "      --host H, --port P     the Asterisk Manager Interface (port 5038)\n"
	    "      --user U               manager.conf user (needs read = agent)\n"
	    "      --secret-file F        its secret, in a file\n"
	    "      --events LIST          event classes to ask for (default agent; add\n"
	    "                             call to tell caller hang-ups from timeouts)\n"
	    "      --from-file F          read a recorded AMI session instead\n"
	    "      --ms                   keep milliseconds (default: whole seconds,\n"
	    "                             as app_queue measures waits)\n"
	    "      --caller-secret-file F the site secret that caller numbers are hashed\n"
	    "                             with; without it no caller is sent\n"
	    "      --src NAME             the feed's name (default asterisk)\n"
	    "      --jsonl -|FILE         write JSON Lines instead of publishing\n"
	    "      --endpoint E, --bind E where to publish (default tcp://127.0.0.1:7410)\n"
	    FEED_NATS_USAGE);
}

static int
ami_cli_parse(struct ami_cli *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "user", required_argument, NULL, OPT_USER },
		{ "secret-file", required_argument, NULL, OPT_SECRET },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "from-file", required_argument, NULL, OPT_FROM_FILE },
		{ "ms", no_argument, NULL, OPT_MS },
		{ "help", no_argument, NULL, 'h' },
		BRIDGE_CLI_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (bridge_cli_option(&a->cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_HOST: a->host = optarg; break;
		case OPT_PORT: a->port = atoi(optarg); break;
		case OPT_USER: a->user = optarg; break;
		case OPT_SECRET: a->secret_file = optarg; break;
		case OPT_EVENTS: a->events = optarg; break;
		case OPT_FROM_FILE: a->from_file = optarg; break;
		case OPT_MS: a->ms = true; break;
		case 'h':
			ami_cli_usage(stdout);
			return 0;
		default:
			ami_cli_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (a->from_file == NULL && (a->host == NULL ||
	    a->user == NULL || a->secret_file == NULL)) || a->port <= 0 ||
	    a->port > 65535) {
		ami_cli_usage(stderr);
		return 2;
	}
	return -1;
}

/* Map every whole message pushed so far; the Responses are returned through
 * *response (the last one seen) for the login. */
static void
ami_cli_pump(struct ami_cli *a, const char **response, char *msgbuf, size_t size)
{
	struct bridge_ami_msg msg;
	const char *r, *m;

	while (bridge_ami_parser_next(a->parser, &msg)) {
		r = bridge_ami_get(&msg, "Response");
		if (r != NULL && response != NULL) {
			m = bridge_ami_get(&msg, "Message");
			snprintf(msgbuf, size, "%s", m != NULL ? m : "");
			*response = strcasecmp(r, "Success") == 0 ? "Success" :
			    strcasecmp(r, "Error") == 0 ? "Error" : "Other";
		}
		bridge_ami_message(a->map, &msg, feed_pace_wall_ms());
	}
}

/* ---- a recorded session ---- */

/* Open the transcript, through gzip -dc for a .gz; *child gets its pid. */
static int
ami_cli_open_file(const char *path, pid_t *child)
{
	size_t n = strlen(path);
	int fds[2];

	*child = -1;
	if (n < 3 || strcmp(path + n - 3, ".gz") != 0)
		return open(path, O_RDONLY | O_CLOEXEC);
	if (access(path, R_OK) != 0 || pipe(fds) != 0)
		return -1;
	if ((*child = fork()) < 0)
		return -1;
	if (*child == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("gzip", "gzip", "-dc", "--", path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	return fds[0];
}

static int
ami_cli_from_file(struct ami_cli *a)
{
	char buf[65536], msgbuf[256];
	pid_t child;
	ssize_t n;
	int fd, status, rc = 0;

	if ((fd = ami_cli_open_file(a->from_file, &child)) < 0) {
		bridge_cli_log(&a->cli, "%s: %s", a->from_file, strerror(errno));
		return 1;
	}
	bridge_ami_set_time(a->map, a->ms, true);
	while (!feed_pace_stop && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bridge_cli_log(&a->cli, "%s: %s", a->from_file, strerror(errno));
			rc = 1;
			break;
		}
		bridge_ami_parser_push(a->parser, buf, (size_t)n);
		ami_cli_pump(a, NULL, msgbuf, sizeof msgbuf);
	}
	bridge_ami_flush(a->map);
	close(fd);
	if (child > 0 && (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)) {
		bridge_cli_log(&a->cli, "%s: gzip -dc failed", a->from_file);
		rc = 1;
	}
	return rc;
}

/* ---- live ---- */

static bool
ami_cli_action(struct ami_cli *a, int fd, const char *action, const char *extra,
    char *id, size_t idsize)
{
	char *text;
	bool ok;

	snprintf(id, idsize, "wallboard-%u", ++a->action_seq);
	text = xasprintf("Action: %s\r\nActionID: %s\r\n%s\r\n", action, id, extra);
	ok = bridge_cli_send(fd, text);
	free(text);
	return ok;
}

/* Read what is there (waiting up to wait_ms); false when the connection is
 * gone. */
static bool
ami_cli_read(struct ami_cli *a, int fd, int wait_ms, int64_t *last_data)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[65536];
	ssize_t n;

	if (poll(&p, 1, wait_ms) <= 0)
		return true;
	n = recv(fd, buf, sizeof buf, 0);
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	*last_data = feed_pace_mono_ms();
	bridge_ami_parser_push(a->parser, buf, (size_t)n);
	return true;
}

/* Log in; BRIDGE_END_LOST if the connection failed on the way. */
static enum bridge_end
ami_cli_login(struct ami_cli *a, int fd)
{
	const char *response = NULL;
	char id[64], msgbuf[256], *extra;
	int64_t last = feed_pace_mono_ms(), start = last;
	bool ok;

	extra = xasprintf("Username: %s\r\nSecret: %s\r\nEvents: %s\r\n",
	    a->user, a->secret, a->events);
	ok = ami_cli_action(a, fd, "Login", extra, id, sizeof id);
	memset(extra, 0, strlen(extra));
	free(extra);
	while (ok && response == NULL && !feed_pace_stop &&
	    feed_pace_mono_ms() - start < 10000) {
		ok = ami_cli_read(a, fd, 500, &last);
		ami_cli_pump(a, &response, msgbuf, sizeof msgbuf);
	}
	if (response != NULL && strcmp(response, "Success") == 0) {
		bridge_cli_log(&a->cli, "logged in to %s:%d (%s)", a->host, a->port,
		    bridge_ami_parser_banner(a->parser) != NULL ?
		    bridge_ami_parser_banner(a->parser) : "no banner");
		return BRIDGE_END_STOP;    /* i.e. carry on */
	}
	if (response != NULL) {
		bridge_cli_log(&a->cli, "login refused: %s", msgbuf);
		return BRIDGE_END_REFUSED;
	}
	return BRIDGE_END_LOST;
}

static enum bridge_end
ami_cli_session(struct ami_cli *a, int fd)
{
	int64_t last_data = feed_pace_mono_ms(), last_ping = last_data;
	enum bridge_end end;
	char id[64];

	bridge_ami_parser_free(&a->parser);
	a->parser = bridge_ami_parser_new();
	if ((end = ami_cli_login(a, fd)) != BRIDGE_END_STOP)
		return end;
	if (!ami_cli_action(a, fd, "QueueStatus", "", id, sizeof id))
		return BRIDGE_END_LOST;
	bridge_ami_seed_begin(a->map, id);
	while (!feed_pace_stop) {
		if (!ami_cli_read(a, fd, 1000, &last_data))
			return BRIDGE_END_LOST;
		ami_cli_pump(a, NULL, NULL, 0);
		bridge_ami_tick(a->map, feed_pace_wall_ms());
		bridge_cli_flush(&a->cli);
		if (feed_pace_mono_ms() - last_data > AMI_SILENCE_MS)
			return BRIDGE_END_LOST;
		if (feed_pace_mono_ms() - last_ping > AMI_PING_MS) {
			last_ping = feed_pace_mono_ms();
			if (!ami_cli_action(a, fd, "Ping", "", id, sizeof id))
				return BRIDGE_END_LOST;
		}
	}
	ami_cli_action(a, fd, "Logoff", "", id, sizeof id);
	return BRIDGE_END_STOP;
}

/* One session, then whatever the mapper held for it goes out. */
static enum bridge_end
ami_cli_reconnected(int fd, void *arg)
{
	struct ami_cli *a = arg;
	enum bridge_end end = ami_cli_session(a, fd);

	bridge_ami_flush(a->map);
	return end;
}

static int
ami_cli_live(struct ami_cli *a)
{
	bridge_ami_set_time(a->map, a->ms, false);
	return bridge_cli_reconnect(&a->cli, a->host, a->port, ami_cli_reconnected, a);
}

static void
ami_cli_report(struct ami_cli *a)
{
	struct bridge_ami_stats s;

	bridge_ami_stats(a->map, &s);
	bridge_cli_log(&a->cli, "%" PRIu64 " messages, %" PRIu64 " from app_queue; "
	    "unanswered exits told apart exactly %" PRIu64 ", from member states %"
	    PRIu64 "; %" PRIu64 " waiting calls seeded, %" PRIu64 " forgotten",
	    s.messages, s.queue_events, s.abandons_exact, s.abandons_guessed,
	    s.seeded_calls, s.forgotten_calls);
}

int
asterisk_ami_main(int argc, char **argv)
{
	struct ami_cli a;
	int rc;

	memset(&a, 0, sizeof a);
	bridge_cli_init(&a.cli, "asterisk-ami", "asterisk");
	a.port = 5038;
	a.events = "agent";
	if ((rc = ami_cli_parse(&a, argc, argv)) >= 0)
		return rc;
	if (a.from_file == NULL &&
	    (a.secret = bridge_cli_read_secret(a.cli.name, a.secret_file)) == NULL)
		return 1;
	if (!bridge_cli_open(&a.cli))
		return 1;
	feed_pace_signals();
	a.parser = bridge_ami_parser_new();
	a.map = bridge_ami_new(a.cli.have_secret ? &a.cli.secret : NULL,
	    bridge_cli_emit, &a.cli);
	rc = a.from_file != NULL ? ami_cli_from_file(&a) : ami_cli_live(&a);
	bridge_cli_close(&a.cli);
	ami_cli_report(&a);
	bridge_ami_free(&a.map);
	bridge_ami_parser_free(&a.parser);
	if (a.secret != NULL)
		memset(a.secret, 0, strlen(a.secret));
	free(a.secret);
	return rc;
}
