/*
 * feed-out.h: where wallboard-feed's events go: a ZeroMQ PUB socket that
 * connects to (or binds) the daemon's ingest endpoint, or a JSON Lines file
 * ("-" for stdout). Shared by every event source (sim, replay, Asterisk,
 * FreeSWITCH). With `nats`, events go to NATS JetStream (feed-nats.h),
 * instead of ZeroMQ or as well.
 *
 * The source hands over one protocol-v1 event object as JSON text without
 * "src" and "seq"; feed_out adds both ("src" first, then "seq" counting from
 * 1 per feed_out), so every source numbers its events the same way.
 */
#ifndef WALLBOARD_FEED_OUT_H
#define WALLBOARD_FEED_OUT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct feed_out_options {
	const char *src;            /* the feed's name; required */
	const char *jsonl;          /* write JSON Lines here instead ("-": stdout) */
	const char *connect;        /* PUB connects here (default tcp://127.0.0.1:7410) */
	const char *bind;           /* or binds here (the daemon connects) */
	int settle_ms;              /* wait after connecting before the first send
	                             * (PUB/SUB joins late); default 300 */
	const char *nats;           /* NATS servers: publish to JetStream (also to
	                             * ZeroMQ if connect or bind is given) */
	const char *nats_subject;   /* default wallboard.events.SRC */
	const char *nats_credentials;
	size_t nats_buffer;         /* events kept while NATS cannot take them */
	const volatile sig_atomic_t *nats_wait_unless; /* a file: wait for room
	                             * (feed-nats.h), until this is set */
	const char *name_prefix;    /* put before every call, queue, agent and
	                             * team name (several sites in one view) */
};

/* The JetStream options every source takes (getopt_long values, long
 * options and usage lines): --nats URL[,URL...], --subject S,
 * --nats-creds FILE. */
enum { FEED_OPT_NATS = 900, FEED_OPT_SUBJECT, FEED_OPT_NATS_CREDS,
	FEED_OPT_NAME_PREFIX, FEED_OPT_NATS_BUFFER };
#define FEED_NATS_LONG_OPTIONS						\
	{ "nats", required_argument, NULL, FEED_OPT_NATS },		\
	{ "subject", required_argument, NULL, FEED_OPT_SUBJECT },	\
	{ "nats-creds", required_argument, NULL, FEED_OPT_NATS_CREDS },	\
	{ "name-prefix", required_argument, NULL, FEED_OPT_NAME_PREFIX }, \
	{ "nats-buffer", required_argument, NULL, FEED_OPT_NATS_BUFFER }
#define FEED_NATS_USAGE							\
	"      --nats URL[,URL...]  publish to NATS JetStream (instead of ZeroMQ,\n" \
	"                     or as well with --endpoint/--bind): each event\n" \
	"                     acknowledged, its id src:seq, kept while NATS is away\n" \
	"      --subject S    the subject (default wallboard.events.SRC)\n" \
	"      --nats-creds FILE  a NATS credentials file\n" \
	"      --nats-buffer N  events kept while NATS cannot take them (default\n" \
	"                     100000; 1 to 10000000): past it a live source's\n" \
	"                     are refused (counted), a replay waits for room\n" \
	"      --name-prefix P  put P before every call, queue, agent and team\n" \
	"                     name (several sites in one daemon: \"leeds.\")\n"
/* Take one of them into o; false if opt is not one. */
bool feed_out_nats_option(struct feed_out_options *o, int opt, const char *arg);

struct feed_out_stats {
	uint64_t sent;              /* events handed to the socket or file */
	uint64_t dropped;           /* refused by the socket (high-water mark) */
	uint64_t bytes;
};

struct feed_out;

/* Open; NULL with a sentence in err on failure. Free with feed_out_free,
 * which sends what is queued (up to 2 s) and closes. */
struct feed_out *feed_out_new(const struct feed_out_options *, char *err, size_t errlen);
void feed_out_free(struct feed_out **);

/* Send one event: `json` is one JSON object (no src/seq), len bytes. Returns
 * 0, or -1 if it could not be sent (counted in dropped). Blocks rather than
 * drop when publishing (SNDHWM 0 would be unbounded: a high HWM is used). */
int feed_out_event(struct feed_out *, const char *json, size_t len);

/* Send one message exactly as given (a recorded event that already carries
 * its own src and seq): nothing is added and this feed_out's seq does not
 * move. Returns and counts as feed_out_event. */
int feed_out_raw(struct feed_out *, const char *data, size_t len);

void feed_out_stats(const struct feed_out *, struct feed_out_stats *out);

/* Print "wallboard-feed: SRC: N events sent (M dropped)" on stderr, the
 * line every source prints when it stops. */
void feed_out_report(const struct feed_out *);

#endif
