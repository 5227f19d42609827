/*
 * peers.c: the ZAP handler and the monitors that cap the peers (peers.h).
 *
 * Which connection a ZAP request is about: libzmq's request carries the
 * peer's IP address, not its port or fd. The monitor's ACCEPTED event
 * carries the fd, from which the thread reads the peer's address
 * (getpeername) and, when the request comes, how many bytes the
 * connection has received (TCP_INFO): a connection being asked about has
 * sent its whole ZMTP greeting (64 bytes). So the request is pinned on the
 * oldest undecided connection of that socket from that address that has
 * sent a greeting. Two peers from one address that greet at the same
 * moment may be swapped; both are asked about in turn, so the count stays
 * right unless one of them drops before its own request is answered, and
 * then only until the other one leaves.
 *
 * ZAP also refuses peers that speak ZMTP 1.0 or 2.0 (libzmq before 3.0):
 * libzmq 4.3 does not let them through a socket with a ZAP domain.
 */
#define _GNU_SOURCE             /* pthread_setname_np */
#include "peers.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"
#include "proc.h"
#include "xalloc.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZMTP_GREETING 64        /* bytes a ZMTP 3 peer sends before ZAP */
#define LOG_PERIOD_MS 60000     /* one line a kind a minute */
/* A connection that has not finished ZMTP's handshake by then is dropped
 * (libzmq's default is 30 s): a scanner's connections do not linger. */
#define HANDSHAKE_MS 10000
/* A peer silent this long is probed, so often, so many times, then dropped
 * (a board or feed on a dead link frees its pipe in about a minute). */
#define KEEPALIVE_IDLE_S 30
#define KEEPALIVE_INTVL_S 10
#define KEEPALIVE_CNT 3

static const char *const peers_domain[PEERS_KINDS] = {
	"wallboard-ingest", "wallboard-publish"
};
static const char *const peers_monitor_endpoint[PEERS_KINDS] = {
	"inproc://wallboard-peers-ingest", "inproc://wallboard-peers-publish"
};
static const char *const peers_key[PEERS_KINDS] = {
	"ingest.max_peers", "publish.max_subscribers"
};
static const char *const peers_what[PEERS_KINDS] = {
	"ingest: a feed", "publish: a board"
};

enum peer_state { PEER_UNDECIDED, PEER_ADMITTED, PEER_REFUSED };

/* A connection accepted on a watched bind. */
struct peer {
	int fd;
	enum peers_kind kind;
	enum peer_state state;
	uint64_t seq;           /* accept order */
	char ip[64];            /* as libzmq writes it in a ZAP request */
};

struct peers {
	void *zctx;
	void *zap;              /* REP on ZAP_ENDPOINT */
	void *monitor[PEERS_KINDS];     /* PAIR, the other end of each monitor */
	int64_t cap[PEERS_KINDS];
	int stop_fd;
	pthread_t thread;
	bool started;
	/* The thread's alone. */
	struct peer *conn;
	size_t n, alloc;
	uint64_t seq;
	struct log_limiter refuse_log[PEERS_KINDS], drop_log;
	/* The thread writes, the loop reads. */
	_Atomic uint64_t live[PEERS_KINDS];
	_Atomic uint64_t refused[PEERS_KINDS];
	_Atomic uint64_t dropped[PEERS_KINDS];
};

static void *
peers_socket(struct peers *p, int type)
{
	void *z = zmq_socket(p->zctx, type);
	int linger = 0;

	if (z == NULL)
		fatalx("zmq_socket: %s", zmq_strerror(errno));
	zmq_setsockopt(z, ZMQ_LINGER, &linger, sizeof linger);
	return z;
}

struct peers *
peers_new(void *zctx, char *err, size_t errlen)
{
	struct peers *p = xcalloc(1, sizeof *p);

	p->zctx = zctx;
	p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->stop_fd < 0)
		fatal("eventfd");
	p->zap = peers_socket(p, ZMQ_REP);
	if (zmq_bind(p->zap, ZAP_ENDPOINT) != 0) {
		snprintf(err, errlen, "cannot bind %s: %s", ZAP_ENDPOINT,
		    zmq_strerror(errno));
		peers_free(&p);
		return NULL;
	}
	for (int k = 0; k < PEERS_KINDS; k++) {
		p->refuse_log[k].period_ms = LOG_PERIOD_MS;
		p->refuse_log[k].burst = 1;
	}
	p->drop_log.period_ms = LOG_PERIOD_MS;
	p->drop_log.burst = 1;
	return p;
}

int
peers_watch(struct peers *p, void *socket, enum peers_kind k, int64_t cap,
    char *err, size_t errlen)
{
	const char *domain = peers_domain[k];
	int events = ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_CONNECTED |
	    ZMQ_EVENT_DISCONNECTED;
	int unbounded = 0, on = 1, handshake = HANDSHAKE_MS;
	int idle = KEEPALIVE_IDLE_S, intvl = KEEPALIVE_INTVL_S, cnt = KEEPALIVE_CNT;

	p->cap[k] = cap;
	zmq_setsockopt(socket, ZMQ_HANDSHAKE_IVL, &handshake, sizeof handshake);
	zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE, &on, sizeof on);
	zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_IDLE, &idle, sizeof idle);
	zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_INTVL, &intvl, sizeof intvl);
	zmq_setsockopt(socket, ZMQ_TCP_KEEPALIVE_CNT, &cnt, sizeof cnt);
	zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, domain, strlen(domain));
	if (zmq_socket_monitor(socket, peers_monitor_endpoint[k], events) != 0)
		goto fail;
	/* Events are never dropped (the counts would drift) and never block
	 * libzmq's I/O thread: no high-water mark on this end (an inproc
	 * pipe's mark is the sum of both ends', none when either has none). */
	p->monitor[k] = peers_socket(p, ZMQ_PAIR);
	zmq_setsockopt(p->monitor[k], ZMQ_RCVHWM, &unbounded, sizeof unbounded);
	if (zmq_connect(p->monitor[k], peers_monitor_endpoint[k]) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot monitor %s: %s", peers_monitor_endpoint[k],
	    zmq_strerror(errno));
	return -1;
}

void
peers_bound(void *socket)
{
	zmq_setsockopt(socket, ZMQ_ZAP_DOMAIN, "", 0);
}

/* ---- the connections -------------------------------------------------- */

static struct peer *
peers_find(struct peers *p, int fd)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->conn[i].fd == fd)
			return &p->conn[i];
	return NULL;
}

/* A connection ended: an admitted one frees its place. */
static void
peers_end(struct peers *p, struct peer *c)
{
	enum peers_kind k = c->kind;

	if (c->state == PEER_ADMITTED) {
		atomic_fetch_sub(&p->live[k], 1);
		atomic_fetch_add(&p->dropped[k], 1);
		if (k == PEERS_INGEST)
			log_limited(&p->drop_log, proc_mono_ms(), LOG_NOTICE,
			    "ingest: a feed's connection from %s ended (%llu so "
			    "far): it left, or was cut off for a message over "
			    "ingest.max_message (then its feed's gaps show what "
			    "it lost)", c->ip, (unsigned long long)
			    atomic_load(&p->dropped[k]));
	}
	*c = p->conn[--p->n];
}

static void
peers_accepted(struct peers *p, enum peers_kind k, int fd)
{
	struct peer *c = peers_find(p, fd);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (c != NULL)          /* its DISCONNECTED came on the other monitor */
		peers_end(p, c);
	if (p->n == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 64;
		p->conn = xrealloc(p->conn, p->alloc * sizeof *p->conn);
	}
	c = &p->conn[p->n++];
	*c = (struct peer){ .fd = fd, .kind = k, .state = PEER_UNDECIDED,
	    .seq = ++p->seq };
	/* As libzmq writes the address in a ZAP request. */
	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    getnameinfo((struct sockaddr *)&ss, len, c->ip, sizeof c->ip, NULL,
	    0, NI_NUMERICHOST) != 0)
		c->ip[0] = '\0';
}

static void
peers_disconnected(struct peers *p, enum peers_kind k, int fd)
{
	struct peer *c = peers_find(p, fd);

	if (c != NULL && c->kind == k)
		peers_end(p, c);
}

/* One monitor event (v1: a frame of event and value, a frame of address). */
static bool
peers_event(struct peers *p, enum peers_kind k)
{
	zmq_msg_t m;
	uint16_t event;
	uint32_t value;
	bool got = false;

	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, p->monitor[k], ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&m);
		return false;
	}
	if (zmq_msg_size(&m) >= sizeof event + sizeof value) {
		memcpy(&event, zmq_msg_data(&m), sizeof event);
		memcpy(&value, (char *)zmq_msg_data(&m) + sizeof event, sizeof value);
		got = true;
	}
	while (zmq_msg_more(&m))        /* the address */
		if (zmq_msg_recv(&m, p->monitor[k], 0) < 0)
			break;
	zmq_msg_close(&m);
	if (!got)
		return true;
	if (event == ZMQ_EVENT_ACCEPTED)
		peers_accepted(p, k, (int)value);
	else if (event == ZMQ_EVENT_DISCONNECTED)
		peers_disconnected(p, k, (int)value);
	else if (event == ZMQ_EVENT_CONNECTED) {
		/* One of ours (ingest.connect), never counted; an entry on
		 * its fd is a connection that ended. */
		struct peer *c = peers_find(p, (int)value);

		if (c != NULL)
			peers_end(p, c);
	}
	return true;
}

static void
peers_events(struct peers *p)
{
	for (int k = 0; k < PEERS_KINDS; k++)
		while (p->monitor[k] != NULL && peers_event(p, k))
			;
}

/* Has this connection sent a whole ZMTP greeting? True when it cannot be
 * told (not TCP: ipc://). */
static bool
peers_greeted(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_received) +
	    sizeof ti.tcpi_bytes_received)
		return true;
	return ti.tcpi_bytes_received >= ZMTP_GREETING;
}

/* The connection a request from `ip` on kind k is most likely about. */
static struct peer *
peers_candidate(struct peers *p, enum peers_kind k, const char *ip)
{
	struct peer *best = NULL;
	bool best_greeted = false;

	for (size_t i = 0; i < p->n; i++) {
		struct peer *c = &p->conn[i];
		bool greeted;

		if (c->kind != k || c->state != PEER_UNDECIDED ||
		    (c->ip[0] != '\0' && strcmp(c->ip, ip) != 0))
			continue;
		greeted = peers_greeted(c->fd);
		if (best == NULL || (greeted && !best_greeted) ||
		    (greeted == best_greeted && c->seq < best->seq)) {
			best = c;
			best_greeted = greeted;
		}
	}
	return best;
}

/* ---- ZAP (RFC 27) ----------------------------------------------------- */

#define ZAP_FRAMES 8

/*
 * "200", or "300" (RFC 27: a temporary failure) for a new connection of
 * kind k from ip. Not "400": libzmq 4.3 sends the peer an ERROR command for
 * it, and a peer's libzmq then gives that endpoint up for good (a board
 * refused once would stay dark until restarted). On "300" libzmq sends
 * nothing and closes the connection once the peer's READY is in, or, when
 * that came before the answer, only at the handshake timeout: so the thread
 * shuts the connection down itself (*cut), and the peer's libzmq tries
 * again after its reconnect interval: a board gets in once a place is free.
 */
static const char *
peers_decide(struct peers *p, enum peers_kind k, const char *ip, int *cut)
{
	struct peer *c = peers_candidate(p, k, ip);
	uint64_t live = atomic_load(&p->live[k]);

	if (live < (uint64_t)p->cap[k]) {
		/* None to pin it on (a swap, see above): let it in uncounted
		 * rather than count a place that nothing would free. */
		if (c != NULL) {
			c->state = PEER_ADMITTED;
			atomic_fetch_add(&p->live[k], 1);
		}
		return "200";
	}
	if (c != NULL) {
		c->state = PEER_REFUSED;
		*cut = c->fd;
	}
	atomic_fetch_add(&p->refused[k], 1);
	log_limited(&p->refuse_log[k], proc_mono_ms(), LOG_WARNING,
	    "%s from %s refused: %llu connected, the most %s allows (%llu "
	    "refused so far; each retry counts)", peers_what[k], ip,
	    (unsigned long long)live, peers_key[k],
	    (unsigned long long)atomic_load(&p->refused[k]));
	return "300";
}

static void
peers_send(void *z, const void *data, size_t len, bool more)
{
	zmq_send(z, data, len, more ? ZMQ_SNDMORE : 0);
}

/* Answer one request, if one is waiting. */
static bool
peers_zap(struct peers *p)
{
	zmq_msg_t f[ZAP_FRAMES];
	size_t n = 0;
	int more = 1;
	const char *status = "200";
	char ip[64] = "";
	int cut = -1;

	while (more && n < ZAP_FRAMES) {
		zmq_msg_init(&f[n]);
		if (zmq_msg_recv(&f[n], p->zap, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&f[n]);
			if (n == 0)
				return false;
			break;
		}
		more = zmq_msg_more(&f[n]);
		n++;
	}
	while (more) {          /* more frames than a request has */
		zmq_msg_t rest;

		zmq_msg_init(&rest);
		if (zmq_msg_recv(&rest, p->zap, 0) < 0)
			more = 0;
		else
			more = zmq_msg_more(&rest);
		zmq_msg_close(&rest);
	}
	/* version, request id, domain, address, identity, mechanism, ... */
	if (n >= 4) {
		size_t len = zmq_msg_size(&f[3]);

		if (len >= sizeof ip)
			len = sizeof ip - 1;
		memcpy(ip, zmq_msg_data(&f[3]), len);
		ip[len] = '\0';
		for (int k = 0; k < PEERS_KINDS; k++)
			if (zmq_msg_size(&f[2]) == strlen(peers_domain[k]) &&
			    memcmp(zmq_msg_data(&f[2]), peers_domain[k],
			    zmq_msg_size(&f[2])) == 0)
				status = peers_decide(p, (enum peers_kind)k, ip,
				    &cut);
	}
	peers_send(p->zap, "1.0", 3, true);
	if (n >= 2)
		peers_send(p->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), true);
	else
		peers_send(p->zap, "", 0, true);
	peers_send(p->zap, status, 3, true);
	peers_send(p->zap, status[0] == '2' ? "OK" : "too many peers",
	    status[0] == '2' ? 2 : 14, true);
	peers_send(p->zap, "", 0, true);        /* user id */
	peers_send(p->zap, "", 0, false);       /* metadata */
	for (size_t i = 0; i < n; i++)
		zmq_msg_close(&f[i]);
	/* libzmq sees the peer gone and closes the fd (DISCONNECTED): the fd
	 * is still this connection's, its DISCONNECTED not yet read. */
	if (cut >= 0)
		shutdown(cut, SHUT_RDWR);
	return true;
}

/* ---- the thread -------------------------------------------------------- */

static void *
peers_main(void *arg)
{
	struct peers *p = arg;
	zmq_pollitem_t items[2 + PEERS_KINDS];
	int n = 0;

	items[n++] = (zmq_pollitem_t){ .fd = p->stop_fd, .events = ZMQ_POLLIN };
	items[n++] = (zmq_pollitem_t){ .socket = p->zap, .events = ZMQ_POLLIN };
	for (int k = 0; k < PEERS_KINDS; k++)
		if (p->monitor[k] != NULL)
			items[n++] = (zmq_pollitem_t){ .socket = p->monitor[k],
			    .events = ZMQ_POLLIN };
	for (;;) {
		if (zmq_poll(items, n, -1) < 0 && errno != EINTR)
			break;
		if (items[0].revents & ZMQ_POLLIN)
			break;
		/* Every connection's ACCEPTED went out before its request
		 * did: read the events first, each time. */
		do
			peers_events(p);
		while (peers_zap(p));
	}
	return NULL;
}

void
peers_start(struct peers *p)
{
	int rc = pthread_create(&p->thread, NULL, peers_main, p);

	if (rc != 0) {
		errno = rc;
		fatal("pthread_create");
	}
	pthread_setname_np(p->thread, "wb-peers");
	p->started = true;
}

void
peers_stats(struct peers *p, struct server_stats *st)
{
	if (p == NULL)
		return;
	st->ingest_peers = atomic_load(&p->live[PEERS_INGEST]);
	st->ingest_peers_refused = atomic_load(&p->refused[PEERS_INGEST]);
	st->ingest_peers_dropped = atomic_load(&p->dropped[PEERS_INGEST]);
	st->subscribers = atomic_load(&p->live[PEERS_PUBLISH]);
	st->subscribers_refused = atomic_load(&p->refused[PEERS_PUBLISH]);
}

void
peers_free(struct peers **pp)
{
	struct peers *p = pp ? *pp : NULL;
	uint64_t one = 1;

	if (p == NULL)
		return;
	if (p->started) {
		if (write(p->stop_fd, &one, sizeof one) != sizeof one)
			fatal("eventfd write");
		pthread_join(p->thread, NULL);
	}
	for (int k = 0; k < PEERS_KINDS; k++)
		if (p->monitor[k] != NULL)
			zmq_close(p->monitor[k]);
	zmq_close(p->zap);
	close(p->stop_fd);
	free(p->conn);
	free(p);
	*pp = NULL;
}
