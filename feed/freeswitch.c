/*
 * freeswitch.c: `wallboard-feed freeswitch`, mod_callcenter's events from
 * FreeSWITCH (pbx/bridge-freeswitch.c does the framing and the mapping).
 *
 *   --host H [--port 8021] --password-file F   the event socket (inbound):
 *       auth, `event json CUSTOM callcenter::info`, Content-Length frames;
 *       reconnects after 1, 2, 4 ... up to 30 s; a refused auth ends it.
 *   --zmq tcp://H:5556                          mod_event_zmq's PUB socket
 *       (FreeSWITCH up to 1.10.12): one JSON event per message.
 *   --from-file F                               a recording: JSON Lines (as
 *       mod_event_zmq or mod_amqp send them) or an event-socket session.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "bridge-cli.h"
#include "bridge-freeswitch.h"
#include "feed.h"
#include "xalloc.h"


enum { OPT_HOST = BRIDGE_OPT_FIRST_FREE, OPT_PORT, OPT_PASSWORD, OPT_ZMQ, OPT_FROM_FILE };

struct fs_cli {
	struct bridge_cli cli;
	const char *host, *password_file, *zmq_endpoint, *from_file;
	int port;
	char *password;
	struct bridge_freeswitch *map;
	struct bridge_esl_parser *esl;
};


static void
fs_cli_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboard-feed freeswitch --host H [--port 8021] --password-file F [...]\n"
	    "       wallboard-feed freeswitch --zmq tcp://H:5556 [...]\n"
	    "       wallboard-feed freeswitch --from-file F [...]\n"
	    "\n"
	    "      --host H, --port P        the event socket (mod_event_socket)\n"
	    "      --password-file F         its password, in a file\n"
	    "      --zmq E                   mod_event_zmq's PUB socket instead\n"
	    "      --from-file F             a recording: JSON Lines, or an event-socket\n"
	    "                                session (Content-Length frames)\n"
	    "      --caller-secret-file F    the site secret that caller numbers are\n"
	    "                                hashed with; without it no caller is sent\n"
	    "      --src NAME                the feed's name (default freeswitch)\n"
	    "      --jsonl -|FILE            write JSON Lines instead of publishing\n"
	    "      --endpoint E, --bind E    where to publish (default tcp://127.0.0.1:7410)\n"
	    FEED_NATS_USAGE);
}

static int
fs_cli_parse(struct fs_cli *f, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, OPT_HOST },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "password-file", required_argument, NULL, OPT_PASSWORD },
		{ "zmq", required_argument, NULL, OPT_ZMQ },
		{ "from-file", required_argument, NULL, OPT_FROM_FILE },
		{ "help", no_argument, NULL, 'h' },
		BRIDGE_CLI_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int opt, sources;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (bridge_cli_option(&f->cli, opt, optarg))
			continue;
		switch (opt) {
		case OPT_HOST: f->host = optarg; break;
		case OPT_PORT: f->port = atoi(optarg); break;
		case OPT_PASSWORD: f->password_file = optarg; break;
		case OPT_ZMQ: f->zmq_endpoint = optarg; break;
		case OPT_FROM_FILE: f->from_file = optarg; break;
		case 'h':
			fs_cli_usage(stdout);
			return 0;
		default:
			fs_cli_usage(stderr);
			return 2;
		}
	}
	sources = (f->host != NULL) + (f->zmq_endpoint != NULL) + (f->from_file != NULL);
	if (optind != argc || sources != 1 || (f->host != NULL &&
	    f->password_file == NULL) || f->port <= 0 || f->port > 65535) {
		fs_cli_usage(stderr);
		return 2;
	}
	return -1;
}

/* Map every whole event-socket frame pushed so far; the last command reply
 * goes to *reply (for auth). */
static void
fs_cli_pump(struct fs_cli *f, char *reply, size_t size)
{
	struct bridge_esl_frame fr;

	while (bridge_esl_parser_next(f->esl, &fr)) {
		if (strcmp(fr.content_type, "text/event-json") == 0)
			bridge_freeswitch_json(f->map, fr.body, fr.body_len);
		else if (strcmp(fr.content_type, "command/reply") == 0 && reply != NULL)
			snprintf(reply, size, "%s", fr.reply_text);
		else if (strcmp(fr.content_type, "text/disconnect-notice") == 0)
			bridge_cli_log(&f->cli, "the server says goodbye");
	}
}

/* ---- a recording ---- */

static void
fs_cli_jsonl(struct fs_cli *f, FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!feed_pace_stop && (n = getline(&line, &cap, fp)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			bridge_freeswitch_json(f->map, line, (size_t)n);
	}
	free(line);
}

static int
fs_cli_from_file(struct fs_cli *f)
{
	FILE *fp = fopen(f->from_file, "r");
	char buf[65536];
	size_t n;
	int c;

	if (fp == NULL) {
		bridge_cli_log(&f->cli, "%s: %s", f->from_file, strerror(errno));
		return 1;
	}
	while ((c = getc(fp)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		;
	if (c != EOF)
		ungetc(c, fp);
	if (c == '{')
		fs_cli_jsonl(f, fp);
	else {
		while (!feed_pace_stop && (n = fread(buf, 1, sizeof buf, fp)) > 0) {
			bridge_esl_parser_push(f->esl, buf, n);
			fs_cli_pump(f, NULL, 0);
		}
	}
	fclose(fp);
	return 0;
}

/* ---- mod_event_zmq ---- */

static int
fs_cli_zmq(struct fs_cli *f)
{
	void *ctx = zmq_ctx_new(), *sub = zmq_socket(ctx, ZMQ_SUB);
	zmq_msg_t msg;
	int timeout = 500, rc = 0;

	if (sub == NULL || zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) != 0 ||
	    zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
	    zmq_connect(sub, f->zmq_endpoint) != 0) {
		bridge_cli_log(&f->cli, "%s: %s", f->zmq_endpoint,
		    zmq_strerror(zmq_errno()));
		rc = 1;
	}
	zmq_msg_init(&msg);
	while (rc == 0 && !feed_pace_stop) {
		if (zmq_msg_recv(&msg, sub, 0) < 0)
			continue;       /* timeout or a signal: look at the flag */
		if (!zmq_msg_more(&msg))        /* the last frame is the event */
			bridge_freeswitch_json(f->map, zmq_msg_data(&msg),
			    zmq_msg_size(&msg));
		bridge_cli_flush(&f->cli);
	}
	zmq_msg_close(&msg);
	if (sub != NULL)
		zmq_close(sub);
	zmq_ctx_term(ctx);
	return rc;
}

/* ---- the event socket ---- */

static bool
fs_cli_read(struct fs_cli *f, int fd, int wait_ms)
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
	bridge_esl_parser_push(f->esl, buf, (size_t)n);
	return true;
}

/* Send a command and wait (10 s at most) for its reply. */
static enum bridge_end
fs_cli_command(struct fs_cli *f, int fd, const char *command, char *reply,
    size_t size)
{
	int64_t start = feed_pace_mono_ms();

	reply[0] = '\0';
	if (!bridge_cli_send(fd, command))
		return BRIDGE_END_LOST;
	while (reply[0] == '\0' && !feed_pace_stop &&
	    feed_pace_mono_ms() - start < 10000) {
		if (!fs_cli_read(f, fd, 500))
			return BRIDGE_END_LOST;
		fs_cli_pump(f, reply, size);
	}
	if (reply[0] == '\0')
		return BRIDGE_END_LOST;
	return strncmp(reply, "+OK", 3) == 0 ? BRIDGE_END_STOP : BRIDGE_END_REFUSED;
}

static enum bridge_end
fs_cli_session(struct fs_cli *f, int fd)
{
	char reply[256], *auth;
	enum bridge_end end;

	bridge_esl_parser_free(&f->esl);
	f->esl = bridge_esl_parser_new();
	auth = xasprintf("auth %s\n\n", f->password);
	end = fs_cli_command(f, fd, auth, reply, sizeof reply);
	memset(auth, 0, strlen(auth));
	free(auth);
	if (end == BRIDGE_END_STOP)
		end = fs_cli_command(f, fd, "event json CUSTOM callcenter::info\n\n",
		    reply, sizeof reply);
	if (end == BRIDGE_END_REFUSED)
		bridge_cli_log(&f->cli, "refused: %s", reply);
	if (end != BRIDGE_END_STOP)
		return end;
	bridge_cli_log(&f->cli, "subscribed at %s:%d", f->host, f->port);
	while (!feed_pace_stop) {
		if (!fs_cli_read(f, fd, 1000))
			return BRIDGE_END_LOST;
		fs_cli_pump(f, NULL, 0);
		bridge_cli_flush(&f->cli);
	}
	bridge_cli_send(fd, "exit\n\n");
	return BRIDGE_END_STOP;
}

static enum bridge_end
fs_cli_reconnected(int fd, void *arg)
{
	return fs_cli_session(arg, fd);
}

static int
fs_cli_live(struct fs_cli *f)
{
	return bridge_cli_reconnect(&f->cli, f->host, f->port, fs_cli_reconnected, f);
}

static void
fs_cli_report(struct fs_cli *f)
{
	struct bridge_freeswitch_stats s;

	bridge_freeswitch_stats(f->map, &s);
	bridge_cli_log(&f->cli, "%" PRIu64 " events read, %" PRIu64
	    " from mod_callcenter (%" PRIu64 " of them unusable), %" PRIu64
	    " unreadable", s.messages, s.callcenter, s.invalid, s.rejected);
}

int
freeswitch_main(int argc, char **argv)
{
	struct fs_cli f;
	int rc;

	memset(&f, 0, sizeof f);
	bridge_cli_init(&f.cli, "freeswitch", "freeswitch");
	f.port = 8021;
	if ((rc = fs_cli_parse(&f, argc, argv)) >= 0)
		return rc;
	if (f.host != NULL && (f.password = bridge_cli_read_secret(f.cli.name,
	    f.password_file)) == NULL)
		return 1;
	if (!bridge_cli_open(&f.cli))
		return 1;
	feed_pace_signals();
	f.esl = bridge_esl_parser_new();
	f.map = bridge_freeswitch_new(f.cli.have_secret ? &f.cli.secret : NULL,
	    bridge_cli_emit, &f.cli);
	if (f.from_file != NULL)
		rc = fs_cli_from_file(&f);
	else if (f.zmq_endpoint != NULL)
		rc = fs_cli_zmq(&f);
	else
		rc = fs_cli_live(&f);
	bridge_cli_close(&f.cli);
	fs_cli_report(&f);
	bridge_freeswitch_free(&f.map);
	bridge_esl_parser_free(&f.esl);
	if (f.password != NULL)
		memset(f.password, 0, strlen(f.password));
	free(f.password);
	return rc;
}
