/*
 * wallboard-relay: fans a daemon's snapshots out to many boards.
 *
 *   wallboard-relay --upstream tcp://DAEMON:7411 [--upstream ...]
 *                   [--bind tcp://0.0.0.0:7411 ...] [--hwm N] [--max-topics N]
 *                   [--max-cache-bytes N] [--max-message N]
 *                   [--stats SECONDS] [-v]
 *
 * An XSUB socket connected to every upstream (a daemon or another relay)
 * subscribes to everything; an XPUB socket bound for the boards forwards
 * each [topic, body] message as it comes, as zmq_proxy does. Beside the
 * forwarding sits a last-value cache (the ZeroMQ guide's "lvcache"): the
 * newest body of each topic (snapshot, board/NAME, and layout/NAME: a
 * joining board gets its layout from here, PROTOCOL §6.15). When a board
 * subscribes, XPUB hands the relay its subscription (ZMQ_XPUB_VERBOSE: every
 * one, repeats too), and the relay sends the cached message of every topic
 * the prefix matches at once, so a joining board shows the current picture
 * without waiting for the next heartbeat. A board connects to a relay
 * exactly as to a daemon, and a relay to a relay: a chain subscribes to ""
 * and so gets the upstream relay's whole cache when it joins.
 *
 * XPUB cannot address one peer: the cached message goes to every board
 * whose subscription matches, so the boards already there get a copy of a
 * snapshot they have. A snapshot is a whole state and carries its `now`;
 * a board keeps the newest, so the copy costs a parse, never a wrong
 * figure. Alerts (topic "alert") are deltas, not a state: they are
 * forwarded but not cached (the cached snapshot carries every alert).
 *
 * Several --upstream daemons (a hot standby): both are forwarded, and the
 * boards choose by `now` (display/standby.h). The cache keeps the last
 * message to arrive, whichever daemon sent it, so a joining board's first
 * picture may be the one a few milliseconds behind; its next is the newer.
 *
 * What an outsider can make it spend, each bounded, counted and logged
 * once a minute at most:
 *   - the cache: at most --max-topics topics and --max-cache-bytes bytes;
 *     a message past either is forwarded but not cached;
 *   - one message: --max-message bytes (past it: dropped); ZMQ_MAXMSGSIZE
 *     at four times that makes libzmq drop an upstream that sends a frame
 *     bigger still before it is ever held whole;
 *   - a message that is not [topic, body] (one frame, three, an empty
 *     topic): dropped;
 *   - a slow board: ZeroMQ's send HWM (--hwm messages) per board; past it
 *     XPUB drops that board's messages (libzmq counts them nowhere we can
 *     read; the board sees a snapshot later, each is a whole state). What
 *     libzmq does tell, its socket monitor, counts the boards connected
 *     and ever joined.
 * The relay keeps nothing per board: O(1) memory per board beyond
 * ZeroMQ's queues. The number of boards is bounded by the fd limit
 * (LimitNOFILE in the unit).
 *
 * The loop is zmq_poll on the two sockets with a one-second tick, as
 * zmq_proxy's own: the relay has no timers, files or terminals that would
 * want libevent (loop/proc.c), and no parsing beyond the frame counts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>
#include <zmq.h>

#include "log.h"
#include "xalloc.h"

#define RELAY_MAX_ENDPOINTS 16
#define RELAY_MAX_TOPIC 256
/* Distinct prefixes whose replay one wake-up defers to its end. */
#define RELAY_BATCH_PREFIXES 16

struct relay_options {
	const char	*upstream[RELAY_MAX_ENDPOINTS];
	size_t		 n_upstream;
	const char	*bind[RELAY_MAX_ENDPOINTS];
	size_t		 n_bind;
	int		 hwm;
	size_t		 max_topics;
	size_t		 max_cache_bytes;
	size_t		 max_message;
	int64_t		 stats_ms;
};

/* One cached topic: its name and newest body. */
struct relay_entry {
	char		*topic;
	size_t		 topic_len;
	char		*body;		/* NULL: not cached (bytes bound) */
	size_t		 len;
};

struct relay_counters {
	uint64_t	 in, out, subscriptions, lvc_sent;
	uint64_t	 boards, boards_joined;	/* connected now; ever */
	uint64_t	 malformed, oversize, cache_full_topics, cache_full_bytes;
};

struct relay {
	struct relay_options	 o;
	void			*zctx, *xsub, *xpub;
	void			*monitor;	/* the XPUB's connections */
	struct relay_entry	*table;		/* open addressing */
	size_t			 table_size, topics, bytes;
	struct relay_counters	 n, last;
	struct log_limiter	 limit;
	int64_t			 next_stats, next_watchdog, watchdog_ms;
};

static volatile sig_atomic_t relay_quit;

static void
relay_on_signal(int signo)
{
	relay_quit = 1;
}

static int64_t
relay_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the last-value cache --------------------------------------------- */

static uint64_t
relay_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The slot of `topic`, or the empty slot where it would go; the table is
 * twice --max-topics and never more than half full, so one is found. */
static struct relay_entry *
relay_slot(struct relay *r, const char *topic, size_t len)
{
	size_t i = relay_hash(topic, len) % r->table_size;

	for (;; i = (i + 1) % r->table_size) {
		struct relay_entry *e = &r->table[i];

		if (e->topic == NULL || (e->topic_len == len &&
		    memcmp(e->topic, topic, len) == 0))
			return e;
	}
}

static void
relay_cache(struct relay *r, const char *topic, size_t topic_len,
    const void *body, size_t len)
{
	struct relay_entry *e = relay_slot(r, topic, topic_len);

	if (e->topic == NULL) {
		if (r->topics >= r->o.max_topics) {
			r->n.cache_full_topics++;
			return;
		}
		e->topic = xmalloc(topic_len);
		memcpy(e->topic, topic, topic_len);
		e->topic_len = topic_len;
		r->topics++;
	}
	r->bytes -= e->len;
	free(e->body);
	e->body = NULL;
	e->len = 0;
	if (r->bytes + len > r->o.max_cache_bytes) {
		r->n.cache_full_bytes++;
		return;
	}
	e->body = xmalloc(len > 0 ? len : 1);
	memcpy(e->body, body, len);
	e->len = len;
	r->bytes += len;
}

/* Send the cached message of every topic `prefix` matches. */
static void
relay_replay(struct relay *r, const char *prefix, size_t len)
{
	for (size_t i = 0; i < r->table_size; i++) {
		struct relay_entry *e = &r->table[i];

		if (e->body == NULL || e->topic_len < len ||
		    memcmp(e->topic, prefix, len) != 0)
			continue;
		if (zmq_send(r->xpub, e->topic, e->topic_len,
		    ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
			continue;
		zmq_send(r->xpub, e->body, e->len, ZMQ_DONTWAIT);
		r->n.lvc_sent++;
	}
}

/* ---- forwarding -------------------------------------------------------- */

/* One message from upstream: its first 3 parts kept in `parts`
 * (`*n_kept`), the rest read and let go; `*n_parts` counts them all. */
static int
relay_receive(struct relay *r, zmq_msg_t *parts, int *n_kept, int *n_parts)
{
	int more;
	size_t more_len = sizeof more;

	*n_kept = *n_parts = 0;
	for (;;) {
		zmq_msg_t scratch, *m = *n_kept < 3 ? &parts[*n_kept] : &scratch;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, r->xsub, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(m);
			return *n_parts > 0 ? 0 : -1;
		}
		(*n_parts)++;
		if (m == &scratch)
			zmq_msg_close(m);
		else
			(*n_kept)++;
		zmq_getsockopt(r->xsub, ZMQ_RCVMORE, &more, &more_len);
		if (!more)
			return 0;
	}
}

static bool
relay_valid(struct relay *r, zmq_msg_t *parts, int n_parts)
{
	int64_t now = relay_mono_ms();
	size_t topic_len;

	if (n_parts != 2 || (topic_len = zmq_msg_size(&parts[0])) == 0 ||
	    topic_len > RELAY_MAX_TOPIC) {
		r->n.malformed++;
		log_limited(&r->limit, now, LOG_WARNING, "wallboard-relay: "
		    "dropped a message that is not [topic, body] (%d part%s); "
		    "%" PRIu64 " so far", n_parts, n_parts == 1 ? "" : "s",
		    r->n.malformed);
		return false;
	}
	if (zmq_msg_size(&parts[1]) > r->o.max_message) {
		r->n.oversize++;
		log_limited(&r->limit, now, LOG_WARNING, "wallboard-relay: "
		    "dropped a message of %zu bytes (max-message %zu); %" PRIu64
		    " so far", zmq_msg_size(&parts[1]), r->o.max_message,
		    r->n.oversize);
		return false;
	}
	return true;
}

static void
relay_forward(struct relay *r, zmq_msg_t *parts)
{
	const char *topic = zmq_msg_data(&parts[0]);
	size_t topic_len = zmq_msg_size(&parts[0]);

	if (!(topic_len == 5 && memcmp(topic, "alert", 5) == 0))
		relay_cache(r, topic, topic_len, zmq_msg_data(&parts[1]),
		    zmq_msg_size(&parts[1]));
	/* zmq_msg_send takes the parts: nothing to close after success. */
	if (zmq_msg_send(&parts[0], r->xpub, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
		return;
	if (zmq_msg_send(&parts[1], r->xpub, ZMQ_DONTWAIT) >= 0)
		r->n.out++;
}

/* Everything upstream has sent, a bounded batch per wake-up. */
static void
relay_on_upstream(struct relay *r)
{
	for (int batch = 0; batch < 1024; batch++) {
		zmq_msg_t parts[3];
		int n_kept, n_parts;

		if (relay_receive(r, parts, &n_kept, &n_parts) != 0)
			return;
		r->n.in++;
		if (relay_valid(r, parts, n_parts))
			relay_forward(r, parts);
		for (int i = 0; i < n_kept; i++)
			zmq_msg_close(&parts[i]);
	}
}

/* Subscriptions from boards: [1 prefix] subscribes, [0 prefix] leaves.
 * Each replay reaches every board the prefix matches (XPUB cannot pick
 * one), so the boards joining in one wake-up share one replay per distinct
 * prefix: a floor of boards starting together costs O(boards), not
 * O(boards^2). */
static void
relay_on_board(struct relay *r)
{
	char prefixes[RELAY_BATCH_PREFIXES][RELAY_MAX_TOPIC + 1];
	int lens[RELAY_BATCH_PREFIXES], n = 0;

	for (int batch = 0; batch < 1024; batch++) {
		char buf[RELAY_MAX_TOPIC + 1];
		int len = zmq_recv(r->xpub, buf, sizeof buf, ZMQ_DONTWAIT), i;

		if (len < 0)
			break;
		if (len < 1 || len > (int)sizeof buf || buf[0] != 1)
			continue;
		r->n.subscriptions++;
		for (i = 0; i < n; i++)
			if (lens[i] == len - 1 && memcmp(prefixes[i], buf + 1,
			    (size_t)len - 1) == 0)
				break;
		if (i < n)
			continue;
		if (n == RELAY_BATCH_PREFIXES) {
			relay_replay(r, buf + 1, (size_t)len - 1);
			continue;
		}
		memcpy(prefixes[n], buf + 1, (size_t)len - 1);
		lens[n++] = len - 1;
	}
	for (int i = 0; i < n; i++)
		relay_replay(r, prefixes[i], (size_t)lens[i]);
}

/* Boards connecting and leaving, from libzmq's socket monitor: each event
 * is [event (2 bytes) value (4 bytes), endpoint]. */
static void
relay_on_monitor(struct relay *r)
{
	for (;;) {
		zmq_msg_t m;
		uint16_t event;
		int more;
		size_t more_len = sizeof more;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, r->monitor, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return;
		}
		if (zmq_msg_size(&m) >= sizeof event) {
			memcpy(&event, zmq_msg_data(&m), sizeof event);
			if (event == ZMQ_EVENT_ACCEPTED) {
				r->n.boards++;
				r->n.boards_joined++;
			} else if (event == ZMQ_EVENT_DISCONNECTED &&
			    r->n.boards > 0)
				r->n.boards--;
		}
		zmq_getsockopt(r->monitor, ZMQ_RCVMORE, &more, &more_len);
		zmq_msg_close(&m);
		while (more) {	/* the endpoint frame */
			zmq_msg_init(&m);
			zmq_msg_recv(&m, r->monitor, 0);
			zmq_getsockopt(r->monitor, ZMQ_RCVMORE, &more,
			    &more_len);
			zmq_msg_close(&m);
		}
	}
}

/* ---- status ------------------------------------------------------------ */

static void
relay_stats(struct relay *r, int64_t now)
{
	struct relay_counters *n = &r->n;

	sd_notifyf(0, "STATUS=%" PRIu64 " boards, %" PRIu64 " in, %" PRIu64
	    " out, %zu topics cached", n->boards, n->in, n->out, r->topics);
	if (r->o.stats_ms <= 0 || now < r->next_stats)
		return;
	r->next_stats = now + r->o.stats_ms;
	log_msg(LOG_INFO, "wallboard-relay: stats boards=%" PRIu64
	    " boards_joined=%" PRIu64 " in=%" PRIu64 " out=%" PRIu64
	    " subscriptions=%" PRIu64 " lvc_sent=%" PRIu64 " topics=%zu "
	    "cache_bytes=%zu malformed=%" PRIu64 " oversize=%" PRIu64
	    " cache_full_topics=%" PRIu64 " cache_full_bytes=%" PRIu64,
	    n->boards, n->boards_joined, n->in, n->out, n->subscriptions,
	    n->lvc_sent, r->topics, r->bytes,
	    n->malformed, n->oversize, n->cache_full_topics,
	    n->cache_full_bytes);
	if (n->cache_full_topics + n->cache_full_bytes >
	    r->last.cache_full_topics + r->last.cache_full_bytes)
		log_limited(&r->limit, now, LOG_WARNING, "wallboard-relay: the "
		    "cache is full (%zu of %zu topics, %zu of %zu bytes): new "
		    "topics are forwarded but not cached", r->topics,
		    r->o.max_topics, r->bytes, r->o.max_cache_bytes);
	r->last = *n;
}

static void
relay_tick(struct relay *r)
{
	int64_t now = relay_mono_ms();

	if (r->watchdog_ms > 0 && now >= r->next_watchdog) {
		sd_notify(0, "WATCHDOG=1");
		r->next_watchdog = now + r->watchdog_ms;
	}
	relay_stats(r, now);
}

/* ---- set up and run ---------------------------------------------------- */

static void
relay_usage(FILE *f)
{
	fprintf(f,
	    "usage: wallboard-relay --upstream ENDPOINT [--upstream ...]\n"
	    "                       [--bind ENDPOINT ...] [--hwm N]\n"
	    "                       [--max-topics N] [--max-cache-bytes N]\n"
	    "                       [--max-message N] [--stats SECONDS] [-v]\n"
	    "  --upstream   a daemon's or relay's publish socket (repeatable)\n"
	    "  --bind       where boards connect (default tcp://*:7411)\n"
	    "  --hwm        messages queued per board (default 16)\n"
	    "  --max-topics       topics cached (default 1024)\n"
	    "  --max-cache-bytes  bytes cached (default 67108864)\n"
	    "  --max-message      bytes in one message (default 16777216)\n"
	    "  --stats      a counters line every SECONDS (default 60; 0: none)\n");
}

static bool
relay_number(const char *s, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min &&
	    *out <= max;
}

enum { O_UPSTREAM = 256, O_BIND, O_HWM, O_TOPICS, O_BYTES, O_MESSAGE, O_STATS };

static int
relay_option(struct relay_options *o, int opt, const char *arg)
{
	long long v = 0;

	switch (opt) {
	case O_UPSTREAM:
	case O_BIND: {
		const char **list = opt == O_BIND ? o->bind : o->upstream;
		size_t *n = opt == O_BIND ? &o->n_bind : &o->n_upstream;

		if (*n == RELAY_MAX_ENDPOINTS)
			return -1;
		list[(*n)++] = arg;
		return 0;
	}
	case O_HWM:
		if (!relay_number(arg, 1, 1000000, &v))
			return -1;
		o->hwm = (int)v;
		return 0;
	case O_TOPICS:
		if (!relay_number(arg, 1, 1000000, &v))
			return -1;
		o->max_topics = (size_t)v;
		return 0;
	case O_BYTES:
	case O_MESSAGE:
		if (!relay_number(arg, 1, (long long)1 << 40, &v))
			return -1;
		*(opt == O_BYTES ? &o->max_cache_bytes : &o->max_message) =
		    (size_t)v;
		return 0;
	case O_STATS:
		if (!relay_number(arg, 0, 86400, &v))
			return -1;
		o->stats_ms = v * 1000;
		return 0;
	}
	return -1;
}

static int
relay_parse(int argc, char **argv, struct relay_options *o)
{
	static const struct option longopts[] = {
		{ "upstream", required_argument, NULL, O_UPSTREAM },
		{ "bind", required_argument, NULL, O_BIND },
		{ "hwm", required_argument, NULL, O_HWM },
		{ "max-topics", required_argument, NULL, O_TOPICS },
		{ "max-cache-bytes", required_argument, NULL, O_BYTES },
		{ "max-message", required_argument, NULL, O_MESSAGE },
		{ "stats", required_argument, NULL, O_STATS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	*o = (struct relay_options){ .hwm = 16, .max_topics = 1024,
	    .max_cache_bytes = 64 << 20, .max_message = 16 << 20,
	    .stats_ms = 60000 };
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if (opt == 'v')
			log_set_level(LOG_DEBUG);
		else if (opt == 'h') {
			relay_usage(stdout);
			exit(0);
		} else if (opt < O_UPSTREAM || opt > O_STATS) {
			relay_usage(stderr);
			return -1;
		} else if (relay_option(o, opt, optarg) != 0) {
			fprintf(stderr, "wallboard-relay: bad or too many "
			    "--%s: %s\n", longopts[opt - O_UPSTREAM].name,
			    optarg ? optarg : "");
			return -1;
		}
	}
	if (optind != argc || o->n_upstream == 0) {
		relay_usage(stderr);
		return -1;
	}
	if (o->n_bind == 0)
		o->bind[o->n_bind++] = "tcp://*:7411";
	return 0;
}

static int
relay_sockets(struct relay *r)
{
	int zero = 0, one = 1, hwm = r->o.hwm, up_hwm = 1000, backlog = 1024;
	int64_t max = (int64_t)r->o.max_message * 4 + RELAY_MAX_TOPIC;
	char subscribe_all = 1;

	r->zctx = zmq_ctx_new();
	r->xsub = zmq_socket(r->zctx, ZMQ_XSUB);
	r->xpub = zmq_socket(r->zctx, ZMQ_XPUB);
	/* Nothing waits at exit for an upstream or board that is gone. */
	zmq_setsockopt(r->xsub, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(r->xpub, ZMQ_LINGER, &zero, sizeof zero);
	zmq_setsockopt(r->xsub, ZMQ_MAXMSGSIZE, &max, sizeof max);
	zmq_setsockopt(r->xsub, ZMQ_RCVHWM, &up_hwm, sizeof up_hwm);
	zmq_setsockopt(r->xpub, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(r->xpub, ZMQ_XPUB_VERBOSE, &one, sizeof one);
	/* Boards come back all at once after a restart; libzmq's backlog of
	 * 100 would drop the SYNs past it, and each waits a TCP
	 * retransmission (1 s) more. The kernel caps it (somaxconn). */
	zmq_setsockopt(r->xpub, ZMQ_BACKLOG, &backlog, sizeof backlog);
	/* Boards counted as they connect and leave (relay_on_monitor). */
	if (zmq_socket_monitor(r->xpub, "inproc://relay-boards",
	    ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) == 0) {
		r->monitor = zmq_socket(r->zctx, ZMQ_PAIR);
		zmq_connect(r->monitor, "inproc://relay-boards");
		zmq_setsockopt(r->monitor, ZMQ_LINGER, &zero, sizeof zero);
	}
	for (size_t i = 0; i < r->o.n_bind; i++)
		if (zmq_bind(r->xpub, r->o.bind[i]) != 0) {
			log_msg(LOG_ERR, "wallboard-relay: bind %s: %s",
			    r->o.bind[i], zmq_strerror(errno));
			return -1;
		}
	for (size_t i = 0; i < r->o.n_upstream; i++)
		if (zmq_connect(r->xsub, r->o.upstream[i]) != 0) {
			log_msg(LOG_ERR, "wallboard-relay: upstream %s: %s",
			    r->o.upstream[i], zmq_strerror(errno));
			return -1;
		}
	/* Everything upstream: the cache wants every topic. XSUB keeps the
	 * subscription and sends it again on each reconnect. */
	zmq_send(r->xsub, &subscribe_all, 1, 0);
	return 0;
}

static void
relay_free(struct relay *r)
{
	for (size_t i = 0; i < r->table_size; i++) {
		free(r->table[i].topic);
		free(r->table[i].body);
	}
	free(r->table);
	if (r->xsub != NULL)
		zmq_close(r->xsub);
	if (r->monitor != NULL)
		zmq_close(r->monitor);
	if (r->xpub != NULL) {
		zmq_socket_monitor(r->xpub, NULL, 0);
		zmq_close(r->xpub);
	}
	if (r->zctx != NULL)
		zmq_ctx_term(r->zctx);
}

static void
relay_loop(struct relay *r)
{
	zmq_pollitem_t items[] = {
		{ r->xsub, 0, ZMQ_POLLIN, 0 },
		{ r->xpub, 0, ZMQ_POLLIN, 0 },
		{ r->monitor, 0, ZMQ_POLLIN, 0 },
	};
	int n_items = r->monitor != NULL ? 3 : 2;
	int64_t next_tick = 0;

	while (!relay_quit) {
		int64_t now = relay_mono_ms();

		if (now >= next_tick) {
			relay_tick(r);
			next_tick = now + 1000;
		}
		if (zmq_poll(items, n_items, (long)(next_tick - now)) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "wallboard-relay: poll: %s",
			    zmq_strerror(errno));
			return;
		}
		if (items[1].revents & ZMQ_POLLIN)
			relay_on_board(r);
		if (items[0].revents & ZMQ_POLLIN)
			relay_on_upstream(r);
		if (n_items == 3 && (items[2].revents & ZMQ_POLLIN))
			relay_on_monitor(r);
	}
}

int
main(int argc, char **argv)
{
	struct relay r;
	struct sigaction sa;
	uint64_t usec;

	memset(&r, 0, sizeof r);
	if (relay_parse(argc, argv, &r.o) != 0)
		return 2;
	r.table_size = r.o.max_topics * 2;
	r.table = xcalloc(r.table_size, sizeof *r.table);
	r.limit.period_ms = 60000;
	r.limit.burst = 5;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = relay_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (relay_sockets(&r) != 0) {
		relay_free(&r);
		return 1;
	}
	if (sd_watchdog_enabled(0, &usec) > 0)
		r.watchdog_ms = (int64_t)(usec / 2000);
	r.next_stats = relay_mono_ms() + r.o.stats_ms;
	log_msg(LOG_INFO, "wallboard-relay: %zu upstream%s, boards on %s",
	    r.o.n_upstream, r.o.n_upstream == 1 ? "" : "s", r.o.bind[0]);
	sd_notify(0, "READY=1");
	relay_loop(&r);
	sd_notify(0, "STOPPING=1");
	r.o.stats_ms = 1;
	r.next_stats = 0;
	relay_stats(&r, relay_mono_ms());
	relay_free(&r);
	return 0;
}
