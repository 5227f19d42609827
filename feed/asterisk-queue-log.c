/*
 * asterisk-queue-log.c: `wallboard-feed asterisk-queue-log FILE [--follow]`,
 * Asterisk's queue_log file into protocol-v1 events (pbx/bridge-queuelog.c
 * does the mapping).
 *
 * Following: the file is polled (every --poll ms). A new inode at the path
 * is a rotation: the old file is read to its end first, then the new one from
 * its start. A file shorter than our position was truncated (copytruncate):
 * read again from its start. After every batch, once its events are out,
 * the state file (written beside itself and renamed over) gets the position
 * (device, inode, byte offset after the last whole line) and the mapper's
 * state (calls in flight, agents' pauses): a restart carries on from there
 * exactly as if it had never stopped. Stopped by SIGTERM/SIGINT nothing is
 * lost or repeated; killed outright, at most the last batch is sent again.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge-cli.h"
#include "bridge-queuelog.h"
#include "feed.h"
#include "jsonw.h"
#include "xalloc.h"

#define QLOG_CHUNK (64 * 1024)
#define QLOG_LINE_MAX (64 * 1024)       /* a longer "line" is cut and dropped */

enum { OPT_FOLLOW = BRIDGE_OPT_FIRST_FREE, OPT_STATE, OPT_POLL };

struct qlog_pos {
	dev_t dev;
	ino_t ino;
	off_t offset;
};

struct qlog {
	struct bridge_cli cli;
	const char *path;
	bool follow;
	const char *state_path;
	char *state_owned;
	int poll_ms;
	struct bridge_queuelog *map;
	int fd;
	struct qlog_pos pos;        /* of the next byte to read a line from */
	char *line;                 /* a partial line carried over */
	size_t line_len;            /* bytes of it kept (at most QLOG_LINE_MAX) */
	off_t line_bytes;           /* bytes of it in the file */
};

static void
qlog_usage(FILE *out)
{
	fprintf(out,
	    "usage: wallboard-feed asterisk-queue-log FILE [--follow] [--state FILE]\n"
	    "           [--caller-secret-file F] [--src NAME] [--jsonl -|FILE]\n"
	    "           [--endpoint E | --bind E]\n"
	    "\n"
	    "      --follow           keep reading as Asterisk writes, across rotation\n"
	    "                         and truncation\n"
	    "      --state FILE       where the read position is kept (with --follow the\n"
	    "                         default is $STATE_DIRECTORY, $XDG_STATE_HOME/wallboard\n"
	    "                         or ~/.local/state/wallboard, queue_log-<hash>.state)\n"
	    "      --caller-secret-file F  the site secret that caller numbers are\n"
	    "                         hashed with; without it no caller is sent\n"
	    "      --src NAME         the feed's name (default asterisk)\n"
	    "      --jsonl -|FILE     write JSON Lines (a FILE is appended to) instead\n"
	    "      --endpoint E       publish to the daemon here (default tcp://127.0.0.1:7410)\n"
	    "      --bind E           or bind here, for a daemon that connects\n"
	    "      --poll MS          how often --follow looks for more (default 250)\n"
	    FEED_NATS_USAGE);
}

/* The default state file: one per queue_log path, in the user's state
 * directory (systemd's StateDirectory= first). */
static char *
qlog_default_state(const char *path)
{
	const char *dir = getenv("STATE_DIRECTORY"), *home = getenv("HOME");
	char *abs = realpath(path, NULL), *base, *out;
	const char *name = abs != NULL ? abs : path;
	uint64_t h = bridge_siphash(0, 0, name, strlen(name));

	if (dir != NULL && *dir != '\0')
		base = xstrdup(dir);
	else if (getenv("XDG_STATE_HOME") != NULL && *getenv("XDG_STATE_HOME") != '\0')
		base = xasprintf("%s/wallboard", getenv("XDG_STATE_HOME"));
	else
		base = xasprintf("%s/.local/state/wallboard", home != NULL ? home : ".");
	out = xasprintf("%s/queue_log-%016" PRIx64 ".state", base, h);
	free(abs);
	free(base);
	return out;
}

static int
qlog_parse(struct qlog *q, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "poll", required_argument, NULL, OPT_POLL },
		{ "help", no_argument, NULL, 'h' },
		BRIDGE_CLI_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		if (bridge_cli_option(&q->cli, opt, optarg))
			continue;
		switch (opt) {
		case 'f':
		case OPT_FOLLOW:
			q->follow = true;
			break;
		case OPT_STATE:
			q->state_path = optarg;
			break;
		case OPT_POLL:
			q->poll_ms = atoi(optarg);
			if (q->poll_ms < 10 || q->poll_ms > 60000) {
				bridge_cli_log(&q->cli, "--poll: 10 to 60000 ms");
				return 2;
			}
			break;
		case 'h':
			qlog_usage(stdout);
			return 0;
		default:
			qlog_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		qlog_usage(stderr);
		return 2;
	}
	q->path = argv[optind];
	return -1;
}

/* ---- the saved position ---- */

/*
 * Read the state file: position into *pos, mapper state restored. False
 * (start from the beginning of FILE) if there is none or it is unreadable.
 */
static bool
qlog_state_load(struct qlog *q, struct qlog_pos *pos)
{
	FILE *fp = fopen(q->state_path, "r");
	char buf[1 << 16], *text = NULL;
	size_t n, len = 0;
	cJSON *root;
	const cJSON *dev, *ino, *off;
	bool ok = false;

	if (fp == NULL)
		return false;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
		text = xrealloc(text, len + n + 1);
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(fp);
	root = text != NULL ? cJSON_ParseWithLength(text, len) : NULL;
	free(text);
	dev = cJSON_GetObjectItemCaseSensitive(root, "dev");
	ino = cJSON_GetObjectItemCaseSensitive(root, "inode");
	off = cJSON_GetObjectItemCaseSensitive(root, "offset");
	if (cJSON_IsNumber(dev) && cJSON_IsNumber(ino) && cJSON_IsNumber(off) &&
	    off->valuedouble >= 0 && bridge_queuelog_restore(q->map,
	    cJSON_GetObjectItemCaseSensitive(root, "mapper"))) {
		pos->dev = (dev_t)dev->valuedouble;
		pos->ino = (ino_t)ino->valuedouble;
		pos->offset = (off_t)off->valuedouble;
		ok = true;
	} else
		bridge_cli_log(&q->cli, "%s: not a state file of ours, starting "
		    "from the beginning", q->state_path);
	cJSON_Delete(root);
	return ok;
}

/* Make sure the state file's directory exists (and its parent: enough for
 * ~/.local/state/wallboard). */
static void
qlog_state_mkdir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/'), *up;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) != 0 && errno == ENOENT &&
		    (up = strrchr(dir, '/')) != NULL && up != dir) {
			*up = '\0';
			mkdir(dir, 0700);
			*up = '/';
			mkdir(dir, 0700);
		}
	}
	free(dir);
}

static char *
qlog_state_text(struct qlog *q)
{
	struct jsonw w;
	char *text;

	memset(&w, 0, sizeof w);
	jsonw_reset(&w);
	jsonw_object(&w);
	jsonw_key(&w, "what");
	jsonw_string(&w, "wallboard-feed asterisk-queue-log position");
	jsonw_key(&w, "path");
	jsonw_string(&w, q->path);
	jsonw_key(&w, "dev");
	jsonw_int(&w, (int64_t)q->pos.dev);
	jsonw_key(&w, "inode");
	jsonw_int(&w, (int64_t)q->pos.ino);
	jsonw_key(&w, "offset");
	jsonw_int(&w, (int64_t)q->pos.offset);
	jsonw_key(&w, "mapper");
	bridge_queuelog_save(q->map, &w);
	jsonw_end_object(&w);
	text = xstrdup(jsonw_text(&w));
	jsonw_release(&w);
	return text;
}

/* Save the position, after the events it covers are out. */
static void
qlog_state_save(struct qlog *q)
{
	char *tmp, *text;
	FILE *fp;

	if (q->state_path == NULL)
		return;
	bridge_cli_flush(&q->cli);
	tmp = xasprintf("%s.tmp", q->state_path);
	fp = fopen(tmp, "w");
	if (fp == NULL) {
		qlog_state_mkdir(q->state_path);
		fp = fopen(tmp, "w");
	}
	if (fp == NULL) {
		bridge_cli_log(&q->cli, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return;
	}
	text = qlog_state_text(q);
	fprintf(fp, "%s\n", text);
	free(text);
	if (fclose(fp) != 0 || rename(tmp, q->state_path) != 0)
		bridge_cli_log(&q->cli, "%s: %s", q->state_path, strerror(errno));
	free(tmp);
}

/* ---- reading ---- */

static void
qlog_take_line(struct qlog *q, const char *s, size_t len)
{
	q->line_bytes += (off_t)len;
	if (q->line_len + len > QLOG_LINE_MAX)
		len = QLOG_LINE_MAX - q->line_len;
	memcpy(q->line + q->line_len, s, len);
	q->line_len += len;
}

/* Map the whole lines in buf; keep a partial last line for later. */
static void
qlog_lines(struct qlog *q, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			qlog_take_line(q, p, (size_t)(end - p));
			return;
		}
		qlog_take_line(q, p, (size_t)(nl - p));
		bridge_queuelog_line(q->map, q->line, q->line_len);
		q->pos.offset += q->line_bytes + 1;
		q->line_len = 0;
		q->line_bytes = 0;
		p = nl + 1;
	}
}

/*
 * Read from the open file to its current end, in batches, saving the
 * position after each; it advances past each whole line. Returns false on a
 * read error. A stop request ends it after the batch in hand.
 */
static bool
qlog_drain(struct qlog *q)
{
	char buf[QLOG_CHUNK];
	ssize_t n;
	off_t at = q->pos.offset + q->line_bytes;

	while (!feed_pace_stop) {
		n = pread(q->fd, buf, sizeof buf, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bridge_cli_log(&q->cli, "%s: %s", q->path, strerror(errno));
			return false;
		}
		if (n == 0)
			break;
		at += n;
		qlog_lines(q, buf, (size_t)n);
		qlog_state_save(q);
	}
	return true;
}

/* A file that ended without a newline: its last line is whole. */
static void
qlog_last_line(struct qlog *q)
{
	if (q->line_bytes == 0)
		return;
	bridge_queuelog_line(q->map, q->line, q->line_len);
	q->pos.offset += q->line_bytes;
	q->line_len = 0;
	q->line_bytes = 0;
}

static bool
qlog_open(struct qlog *q, const char *path)
{
	struct stat st;

	q->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (q->fd < 0 || fstat(q->fd, &st) != 0) {
		bridge_cli_log(&q->cli, "%s: %s", path, strerror(errno));
		return false;
	}
	q->pos.dev = st.st_dev;
	q->pos.ino = st.st_ino;
	q->pos.offset = 0;
	q->line_len = 0;
	q->line_bytes = 0;
	return true;
}

/* Carry on at a saved offset of the open file. */
static void
qlog_resume(struct qlog *q, off_t offset)
{
	struct stat st;

	if (fstat(q->fd, &st) != 0 || st.st_size < offset) {
		bridge_cli_log(&q->cli, "%s: shorter than the saved position: "
		    "truncated while we were stopped, reading it all", q->path);
		return;
	}
	q->pos.offset = offset;
}

/*
 * Start where the state file says. The path may now be a newer file: if the
 * rotated one is at FILE.1 (logrotate's name) its rest is read first.
 */
static bool
qlog_start(struct qlog *q)
{
	struct qlog_pos saved;
	char *old;
	bool ok = true;

	if (q->state_path == NULL || !qlog_state_load(q, &saved))
		return qlog_open(q, q->path);
	if (!qlog_open(q, q->path))
		return false;
	if (q->pos.ino == saved.ino && q->pos.dev == saved.dev) {
		qlog_resume(q, saved.offset);
		return true;
	}
	old = xasprintf("%s.1", q->path);
	close(q->fd);
	if (qlog_open(q, old) && q->pos.ino == saved.ino && q->pos.dev == saved.dev) {
		bridge_cli_log(&q->cli, "rotated while stopped: finishing %s", old);
		qlog_resume(q, saved.offset);
		ok = qlog_drain(q);
		qlog_last_line(q);
	} else
		bridge_cli_log(&q->cli, "%s is a new file: reading it from the start",
		    q->path);
	if (q->fd >= 0)
		close(q->fd);
	free(old);
	return ok && qlog_open(q, q->path);
}

/* Between polls: a rotation (new inode at the path) or a truncation. */
static bool
qlog_check_file(struct qlog *q)
{
	struct stat st, cur;

	if (fstat(q->fd, &cur) == 0 && cur.st_size < q->pos.offset) {
		bridge_cli_log(&q->cli, "%s was truncated: reading from its start",
		    q->path);
		q->pos.offset = 0;
		q->line_len = 0;
		q->line_bytes = 0;
		return true;
	}
	if (stat(q->path, &st) != 0 || (st.st_ino == q->pos.ino &&
	    st.st_dev == q->pos.dev))
		return true;            /* missing for a moment, or the same */
	if (!qlog_drain(q))         /* what was written before the move */
		return false;
	qlog_last_line(q);
	close(q->fd);
	bridge_cli_log(&q->cli, "%s was rotated: reading the new file", q->path);
	if (!qlog_open(q, q->path))
		return false;
	qlog_state_save(q);
	return true;
}

static int
qlog_run(struct qlog *q)
{
	if (!qlog_start(q) || !qlog_drain(q))
		return 1;
	while (q->follow && !feed_pace_stop) {
		if (!feed_pace_until(feed_pace_mono_ms() + q->poll_ms))
			break;
		if (!qlog_check_file(q) || !qlog_drain(q))
			return 1;
	}
	if (!q->follow)
		qlog_last_line(q);
	qlog_state_save(q);
	return 0;
}

static void
qlog_report(struct qlog *q)
{
	struct bridge_queuelog_stats s;

	bridge_queuelog_stats(q->map, &s);
	bridge_cli_log(&q->cli, "%" PRIu64 " lines: %" PRIu64 " mapped, %" PRIu64
	    " ignored (%" PRIu64 " CONFIGRELOAD), %" PRIu64 " malformed, %" PRIu64
	    " with NUL bytes, %" PRIu64 " QUEUESTART, %" PRIu64 " waits that "
	    "differ from Asterisk's", s.lines, s.mapped, s.ignored,
	    s.config_reloads, s.malformed, s.nul_runs, s.restarts, s.wait_mismatch);
}

int
asterisk_queue_log_main(int argc, char **argv)
{
	struct qlog q;
	int rc;

	memset(&q, 0, sizeof q);
	bridge_cli_init(&q.cli, "asterisk-queue-log", "asterisk");
	q.poll_ms = 250;
	q.fd = -1;
	if ((rc = qlog_parse(&q, argc, argv)) >= 0)
		return rc;
	if (q.state_path == NULL && q.follow)
		q.state_path = q.state_owned = qlog_default_state(q.path);
	if (!bridge_cli_open(&q.cli))
		return 1;
	feed_pace_signals();
	q.line = xmalloc(QLOG_LINE_MAX);
	q.map = bridge_queuelog_new(q.cli.have_secret ? &q.cli.secret : NULL,
	    bridge_cli_emit, &q.cli);
	rc = qlog_run(&q);
	bridge_cli_close(&q.cli);
	qlog_report(&q);
	if (q.fd >= 0)
		close(q.fd);
	bridge_queuelog_free(&q.map);
	free(q.line);
	free(q.state_owned);
	return rc;
}
