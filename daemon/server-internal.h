/*
 * server-internal.h: the daemon's state, shared by server.c and notes.c
 * (the message and acks). The control socket and HTTP do not see it: they
 * ask through service.h.
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
#include "service.h"

struct ingest;
struct nats_in;
struct proc_fd;

struct server {
	const char *config_path;
	struct config *config;
	struct proc *proc;
	void *zctx;
	struct zsock *ingest, *publish;
	struct peers *peers;            /* caps the peers of both (peers.h) */
	struct control *control;
	struct http *http;
	struct web *web;                /* the browser board (web.c) */
	struct service service;         /* what control and http may ask */
	struct engine *engine;
	struct alerts *alerts;
	struct journal *journal;
	struct ingest *receiver;        /* the thread that reads s->ingest */
	struct proc_fd *receiver_fd;
	struct nats_in *nats;           /* ingest.nats: the stream's reader */
	uint64_t stream_seq;            /* the stream sequence applied last */
	uint64_t stream_pending;        /* what the stream had after it */
	bool held;              /* the clock holds: cut off from the stream,
	                         * or behind it (server_clock) */
	struct jsonw snapshot;
	uint64_t snapshot_seq;
	int64_t offset;         /* event time minus wall time, never decreasing */
	bool offset_set;        /* by the first event, or the journal */
	bool dirty;
	int64_t last_publish;   /* monotonic ms */
	/* Layouts on layout/NAME (PROTOCOL §6.15): when the config was
	 * loaded (wall ms), the boards a subscription asked for since the
	 * last send, and when that was (monotonic ms). */
	int64_t config_loaded;
	bool *layout_wanted;
	size_t n_layout_wanted;
	int64_t layout_sent_mono;
	struct proc_timer *layout_timer;
	struct proc_timer *heartbeat_timer, *rate_timer, *alert_timer;
	struct log_limiter reject_log;
	struct log_limiter limit_log;   /* names refused at a limit */
	int64_t refused_logged[LIMIT_COUNT];
	char future_error[128];
	struct proc_timer *watchdog_timer;
	int64_t watchdog_ms;    /* half of systemd's WatchdogSec */
	struct jsonw board_snapshot;
	struct jsonw history;   /* the day's alerts, for service.h */
	struct jsonw alerts_json, message_json; /* of the latest snapshot */
	struct jsonw feeds_json;        /* kept while no feed changes */
	struct jsonw unknown_json;      /* an unknown event, as journaled */
	uint64_t feeds_serial, feeds_changes; /* the engine's, when made */
	int64_t status_mono;
	uint64_t status_received;
	char *message_text, *message_from;
	int64_t message_until;
	struct server_stats stats;
	/* The journal while its file cannot be written (server.c): retried
	 * on this timer, every journal_retry_ms (2 s, doubling up to 10 s). */
	struct proc_timer *journal_timer;
	int64_t journal_retry_ms;
	struct log_limiter journal_log;
	uint64_t journal_lost_said;     /* journal_pending's lost_records */
};

/* Write the journal's buffered records; a failure is logged. */
void server_journal_flush(struct server *);
/* The clock: wall time plus the event-time offset, never behind the engine. */
int64_t server_clock(struct server *);
/* Move the engine to the clock (journaled). */
void server_tick(struct server *);
/* The snapshot as of now (owned by the server, valid until the next call). */
const char *server_snapshot(struct server *);
/* A new engine for config, fed from the journal (see server.c); with
 * follow_alerts, the alerts (new) are judged along it, as they were live. */
struct engine *server_rebuild(struct server *, const struct config *,
    bool follow_alerts);
/* Reload the config file; -1 with the errors if it is not whole. */
int server_reload(struct server *, struct config_errors *errors);

/* notes.c: the team leader's message and the acks (service.h's message
 * and ack); re-applied from the journal at start: the message always, an
 * ack when `acks` (the alerts are being judged along the replay, so the
 * ack finds the episode it was given to). */
int notes_message(void *server, const char *raw, size_t len, char *out, size_t outlen);
int notes_ack(void *server, const char *raw, size_t len, char *out, size_t outlen);
void notes_replay(struct server *, const struct journal_record *, bool acks);

#endif
