/*
 * peers.h: how many ZeroMQ peers may connect to the daemon's binds.
 *
 * libzmq has no limit of its own on the connections a bound socket
 * accepts. So each bound socket (ingest, publish) gets a ZAP domain and a
 * monitor, and a thread of ours (peers.c) answers libzmq's ZAP requests
 * (RFC 27, inproc://zeromq.zap.01; asked for each new connection even with
 * the NULL mechanism once the socket has a domain): "200" while fewer
 * peers than the cap are connected, "300" past it. The monitor's ACCEPTED
 * and DISCONNECTED events (each with the connection's fd) say which are
 * connected. A refused peer is closed at the handshake: it never gets a
 * pipe, so it costs no queue; it retries every reconnect interval (100 ms
 * by default), and each try counts as refused.
 *
 * The thread never touches the sockets it watches, only its own (the ZAP
 * handler, the monitors' other ends), and nothing the loop owns: the
 * counts are atomics, read by peers_stats.
 */
#ifndef WALLBOARD_PEERS_H
#define WALLBOARD_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "service.h"

enum peers_kind { PEERS_INGEST, PEERS_PUBLISH, PEERS_KINDS };

struct peers;

/* Bind the ZAP handler in zctx; NULL with a sentence in err if it cannot. */
struct peers *peers_new(void *zctx, char *err, size_t errlen);
/*
 * Count and cap the peers that connect to `socket`'s binds at `cap`. Call
 * before its binds, and peers_bound after them: libzmq copies the ZAP
 * domain into each bind and connect as it is made, so connections the
 * daemon makes itself (ingest.connect) are not asked about. Also sets
 * the handshake timeout and TCP keepalive (peers.c says how long).
 */
int peers_watch(struct peers *, void *socket, enum peers_kind, int64_t cap,
    char *err, size_t errlen);
void peers_bound(void *socket);
/* Start answering (the thread); after every peers_watch. */
void peers_start(struct peers *);
/* The counts into the stats' peer fields. */
void peers_stats(struct peers *, struct server_stats *);
/* Stop the thread and close its sockets; before zmq_ctx_term. NULL ok. */
void peers_free(struct peers **);

#endif
