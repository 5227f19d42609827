/*
 * bridge-cli.h: what the PBX bridges' command lines share: the output
 * options, secrets read from files, the emit callback into feed-out, and
 * plain blocking TCP for the AMI and event-socket clients.
 */
#ifndef WALLBOARD_BRIDGE_CLI_H
#define WALLBOARD_BRIDGE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bridge-common.h"
#include "feed-out.h"

/* Long options every bridge takes (values above any short option). */
enum {
	BRIDGE_OPT_SRC = 1000, BRIDGE_OPT_JSONL, BRIDGE_OPT_ENDPOINT,
	BRIDGE_OPT_BIND, BRIDGE_OPT_CALLER_SECRET,
	BRIDGE_OPT_FIRST_FREE       /* a bridge's own options start here */
};

#define BRIDGE_CLI_LONG_OPTIONS						\
	{ "src", required_argument, NULL, BRIDGE_OPT_SRC },		\
	{ "jsonl", required_argument, NULL, BRIDGE_OPT_JSONL },		\
	{ "endpoint", required_argument, NULL, BRIDGE_OPT_ENDPOINT },	\
	{ "bind", required_argument, NULL, BRIDGE_OPT_BIND },		\
	{ "caller-secret-file", required_argument, NULL,		\
	    BRIDGE_OPT_CALLER_SECRET },					\
	FEED_NATS_LONG_OPTIONS

struct bridge_cli {
	const char *name;           /* the subcommand, for messages */
	struct feed_out_options out;
	const char *caller_secret_file;
	struct bridge_secret secret;
	bool have_secret;           /* else no caller tokens at all */
	struct feed_out *fo;
};

/* How a session on a PBX connection ended. */
enum bridge_end { BRIDGE_END_STOP, BRIDGE_END_LOST, BRIDGE_END_REFUSED };

/*
 * Connect to host:port and run session(fd, arg) until asked to stop (SIGINT,
 * SIGTERM). A lost or failed connection is tried again after 1 s, doubling
 * to 30 s while it keeps failing; a connection that lasted a minute starts
 * the doubling again. Returns 0 when stopped, 1 when the PBX refused us
 * (a wrong secret: trying again would only lock the account).
 */
int bridge_cli_reconnect(struct bridge_cli *, const char *host, int port,
    enum bridge_end (*session)(int fd, void *arg), void *arg);

/* Defaults (src = default_src). */
void bridge_cli_init(struct bridge_cli *, const char *name, const char *default_src);

/* Take a shared option; false if opt is not one. */
bool bridge_cli_option(struct bridge_cli *, int opt, const char *arg);

/*
 * Read the caller secret (if a file was given) and open the output. With
 * --jsonl FILE the file is opened for appending and becomes stdout, so that
 * bridge_cli_flush can make what was sent durable before a saved position
 * says so. Returns false after printing why.
 */
bool bridge_cli_open(struct bridge_cli *);

/* The emit callback: arg is the struct bridge_cli. */
void bridge_cli_emit(const char *json, size_t len, void *arg);

/* Flush JSON Lines output (no-op when publishing). */
void bridge_cli_flush(struct bridge_cli *);

/* Print what was sent, close the output. */
void bridge_cli_close(struct bridge_cli *);

/* Read a one-line secret from a file (trailing white space cut); NULL and a
 * message on stderr if it cannot, or if it is empty. Caller frees. */
char *bridge_cli_read_secret(const char *who, const char *path);

/* Connect a TCP socket to host:port (blocking, with a 10 s send timeout;
 * callers poll before reading); -1 and errno on failure. */
int bridge_cli_connect(const char *host, int port);

/* Write all of s; false on error. */
bool bridge_cli_send(int fd, const char *s);

/* Print "wallboard-feed: NAME: message" on stderr. */
void bridge_cli_log(const struct bridge_cli *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
