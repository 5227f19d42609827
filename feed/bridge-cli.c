/*
 * bridge-cli.c: options, secrets, output and TCP shared by the PBX bridges.
 */
#include "bridge-cli.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "feed.h"
#include "xalloc.h"

void
bridge_cli_init(struct bridge_cli *c, const char *name, const char *default_src)
{
	memset(c, 0, sizeof *c);
	c->name = name;
	c->out.src = default_src;
}

bool
bridge_cli_option(struct bridge_cli *c, int opt, const char *arg)
{
	if (feed_out_nats_option(&c->out, opt, arg))
		return true;
	switch (opt) {
	case BRIDGE_OPT_SRC:
		c->out.src = arg;
		return true;
	case BRIDGE_OPT_JSONL:
		c->out.jsonl = arg;
		return true;
	case BRIDGE_OPT_ENDPOINT:
		c->out.connect = arg;
		return true;
	case BRIDGE_OPT_BIND:
		c->out.bind = arg;
		return true;
	case BRIDGE_OPT_CALLER_SECRET:
		c->caller_secret_file = arg;
		return true;
	}
	return false;
}

void
bridge_cli_log(const struct bridge_cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wallboard-feed: %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *
bridge_cli_read_secret(const char *who, const char *path)
{
	FILE *fp = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (fp == NULL) {
		fprintf(stderr, "wallboard-feed: %s: %s: %s\n", who, path,
		    strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	if (n == 0) {
		fprintf(stderr, "wallboard-feed: %s: %s is empty\n", who, path);
		return NULL;
	}
	return xstrdup(buf);
}

/* --jsonl FILE: append, through stdout (see bridge_cli_open). */
static bool
bridge_cli_jsonl_file(struct bridge_cli *c)
{
	int fd;

	fd = open(c->out.jsonl, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		bridge_cli_log(c, "%s: %s", c->out.jsonl, strerror(errno));
		return false;
	}
	fflush(stdout);
	if (dup2(fd, STDOUT_FILENO) < 0) {
		bridge_cli_log(c, "%s: %s", c->out.jsonl, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	c->out.jsonl = "-";
	return true;
}

bool
bridge_cli_open(struct bridge_cli *c)
{
	char err[256], *secret;

	if (c->caller_secret_file != NULL) {
		secret = bridge_cli_read_secret(c->name, c->caller_secret_file);
		if (secret == NULL)
			return false;
		bridge_secret_init(&c->secret, secret, strlen(secret));
		c->have_secret = true;
		memset(secret, 0, strlen(secret));
		free(secret);
	} else
		bridge_cli_log(c, "no --caller-secret-file: caller numbers are "
		    "not sent at all (no repeat-contact figures)");
	if (c->out.jsonl != NULL && strcmp(c->out.jsonl, "-") != 0 &&
	    !bridge_cli_jsonl_file(c))
		return false;
	c->fo = feed_out_new(&c->out, err, sizeof err);
	if (c->fo == NULL) {
		bridge_cli_log(c, "%s", err);
		return false;
	}
	return true;
}

void
bridge_cli_emit(const char *json, size_t len, void *arg)
{
	struct bridge_cli *c = arg;

	feed_out_event(c->fo, json, len);
}

void
bridge_cli_flush(struct bridge_cli *c)
{
	if (c->out.jsonl != NULL)
		fflush(stdout);
}

void
bridge_cli_close(struct bridge_cli *c)
{
	if (c->fo == NULL)
		return;
	feed_out_report(c->fo);
	feed_out_free(&c->fo);
	bridge_cli_flush(c);
}

int
bridge_cli_connect(const char *host, int port)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv = { 10, 0 };
	char portstr[16];
	int fd = -1, rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof portstr, "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

bool
bridge_cli_send(int fd, const char *s)
{
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

#define BRIDGE_BACKOFF_MAX_MS 30000
#define BRIDGE_STABLE_MS 60000

int
bridge_cli_reconnect(struct bridge_cli *c, const char *host, int port,
    enum bridge_end (*session)(int fd, void *arg), void *arg)
{
	int64_t backoff = 1000, started;
	enum bridge_end end;
	int fd;

	while (!feed_pace_stop) {
		started = feed_pace_mono_ms();
		fd = bridge_cli_connect(host, port);
		if (fd < 0)
			bridge_cli_log(c, "%s:%d: %s", host, port, strerror(errno));
		else {
			end = session(fd, arg);
			close(fd);
			if (end == BRIDGE_END_REFUSED)
				return 1;
			if (end == BRIDGE_END_STOP)
				break;
			bridge_cli_log(c, "connection lost");
		}
		if (feed_pace_mono_ms() - started > BRIDGE_STABLE_MS)
			backoff = 1000;
		bridge_cli_log(c, "reconnecting in %" PRId64 " s", backoff / 1000);
		if (!feed_pace_until(feed_pace_mono_ms() + backoff))
			break;
		backoff = backoff * 2 > BRIDGE_BACKOFF_MAX_MS ? BRIDGE_BACKOFF_MAX_MS :
		    backoff * 2;
	}
	return 0;
}
