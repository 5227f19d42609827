/*
 * server-internal.h: the daemon's state, shared by server.c and the files
 * that serve it (control.c, http.c). Nothing outside daemon/ sees it.
 */
#ifndef WALLBOARD_SERVER_INTERNAL_H
#define WALLBOARD_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "event.h"
#include "journal.h"
#include "jsonw.h"
#include "log.h"

struct ingest;
struct proc_fd;

struct server_stats {
	uint64_t received;      /* messages on the ingest socket, taken in */
	uint64_t applied;
	uint64_t duplicates;
	uint64_t rejected[REJECT_COUNT];
	uint64_t published;
	uint64_t publish_dropped;
	uint64_t control_requests;
	uint64_t replayed;      /* journal records at the last (re)build */
	int64_t replay_ms;
	double events_per_s;
};

struct server {
	const char *config_path;
	struct config *config;
	struct proc *proc;
	void *zctx;
	struct zsock *ingest, *publish, *control;
	struct engine *engine;
	struct alerts *alerts;
	struct journal *journal;
	struct event_decoder *decoder;
	struct ingest *receiver;        /* the thread that reads s->ingest */
	struct proc_fd *receiver_fd;
	struct jsonw snapshot;
	uint64_t snapshot_seq;
	int64_t offset;         /* event time minus wall time, never decreasing */
	bool offset_set;        /* by the first event, or the journal */
	bool dirty;
	int64_t last_publish;   /* monotonic ms */
	struct proc_timer *heartbeat_timer, *rate_timer, *alert_timer;
	struct log_limiter reject_log;
	char future_error[128];
	struct proc_timer *watchdog_timer;
	int64_t watchdog_ms;    /* half of systemd's WatchdogSec */
	struct jsonw board_snapshot;
	struct jsonw alerts_json, message_json; /* of the latest snapshot */
	int64_t status_mono;
	uint64_t status_received;
	char *control_path;
	char *message_text, *message_from;
	int64_t message_until;
#define SERVER_ACKS_MAX 256
	struct { char *id, *by; int64_t at; } acks[SERVER_ACKS_MAX]; /* from the journal */
	size_t n_acks;
	struct server_stats stats;
};

/* Write the journal's buffered records; a failure is logged. */
void server_journal_flush(struct server *);
/* The clock: wall time plus the event-time offset, never behind the engine. */
int64_t server_clock(struct server *);
/* Move the engine to the clock (journaled). */
void server_tick(struct server *);
/* The snapshot as of now (owned by the server, valid until the next call). */
const char *server_snapshot(struct server *);
/* A new engine for config, fed from the journal (see server.c). */
struct engine *server_rebuild(struct server *, const struct config *);
/* Reload the config file; -1 with the errors if it is not whole. */
int server_reload(struct server *, struct config_errors *errors);

/* control.c: the control socket. */
int server_control_open(struct server *, char *err, size_t errlen);
void server_control_close(struct server *);
/* Re-apply a journaled message or ack at start; the acks once the alerts
 * have been judged (server_control_restore_acks). */
void server_control_replay(struct server *, const struct journal_record *);
void server_control_restore_acks(struct server *);

/* http.c: /healthz, /metrics and /api/v1/snapshot on http.listen (none when
 * it is ""). Open after the sockets are bound: failing to listen is an
 * error, -1 with a sentence in err. Close accepts a server never opened. */
int server_http_open(struct server *, char *err, size_t errlen);
void server_http_close(struct server *);

#endif
