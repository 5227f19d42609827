/*
 * server.c: the live daemon.
 *
 * One libevent loop (proc.c), and one thread beside it that receives and
 * decodes (ingest.c). Each batch the thread hands over is written to the
 * journal in one write(), and only then applied to the engine: so whatever
 * was applied survives a kill -9. Snapshots go out when the state changed,
 * at most publish.max_rate a second, at least every publish.heartbeat, and
 * at once when an alert changes.
 *
 * The clock follows event time: it is the wall clock plus an offset that
 * moves up to the newest event's ts. Live feeds keep it on the wall clock;
 * a recorded day replayed at full speed runs it on the recording's time, so
 * the figures are the same as `--replay` gives.
 */
#include "server.h"

#include <errno.h>
#include <sys/random.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>
#include <zmq.h>

#include "alert.h"
#include "engine.h"
#include "event.h"
#include "ingest.h"
#include "nats-in.h"
#include "journal.h"
#include "jsonw.h"
#include "log.h"
#include "peers.h"
#include "proc.h"
#include "replay-ahead.h"
#include "report.h"
#include "server-internal.h"
#include "snapshot.h"
#include "tz.h"
#include "web.h"
#include "xalloc.h"
#include "zsock.h"

/* ingest: ZeroMQ's queue a peer, small: the ingest thread empties it into
 * its own queue, bounded in bytes (ingest.max_queue); while that is full,
 * a peer can make the daemon hold at most this many messages of at most
 * ingest.max_message (ingest.h) */
#define HWM 1000
/*
 * What a board that reads slowly, or not at all, can make the daemon hold
 * (README, "What the network can make it spend"): publish.queue whole
 * messages (ZMQ_SNDHWM counts a multipart message once) and the one being
 * written, in memory, plus this kernel send buffer (Linux doubles it).
 */
#define PUBLISH_SNDBUF (256 * 1024)
/* Data unacknowledged this long (TCP_USER_TIMEOUT): the board's link is
 * dead, its connection and pipe are dropped. Keepalive alone would not see
 * it: the daemon sends every heartbeat, so the link is never idle. */
#define PUBLISH_MAXRT_MS 30000

static void server_publish_due(struct server *s);

/* ---- the journal -------------------------------------------------------- */

/*
 * A journal whose file cannot be written (a full disk, a quota, EIO) keeps
 * its records in memory (journal.max_pending) and is retried on a timer,
 * every 2 s, doubling up to every 10 s: once the disk takes them, they are
 * all written and the file is whole again, without a restart. Meanwhile the
 * figures stay live, and the trouble is said: status, /healthz, /metrics, a
 * log line now and then, and the alert journal/daemon.
 */
#define JOURNAL_RETRY_MIN_MS 2000
#define JOURNAL_RETRY_MAX_MS 10000

/* "10:02" in the site's time zone (UTC if it cannot be loaded). */
static void
server_hhmm(const struct server *s, int64_t wall, char *buf, size_t len)
{
	char err[128];
	struct tz *tz = tz_load(s->config->timezone, err, sizeof err);
	int64_t local = wall + (tz ? (int64_t)tz_offset(tz, wall) * 1000 : 0);
	int64_t mins = (local / 60000) % (24 * 60);

	snprintf(buf, len, "%02lld:%02lld%s", (long long)(mins / 60),
	    (long long)(mins % 60), tz ? "" : " UTC");
	tz_free(&tz);
}

/* Say, in the alert, what the journal's trouble is, or that there is none. */
static void
server_journal_alert(struct server *s)
{
	struct journal_pending p;
	char text[512], when[32];

	journal_pending(s->journal, &p);
	if (s->stats.journal_failing_since == 0 && p.lost_records == 0) {
		alerts_daemon(s->alerts, NULL);
		return;
	}
	if (s->stats.journal_failing_since != 0) {
		server_hhmm(s, s->stats.journal_failing_since, when, sizeof when);
		snprintf(text, sizeof text, "Journal cannot be written (%s) "
		    "since %s: %s", strerror(p.error ? p.error : EIO), when,
		    p.lost_records == 0 ? "what came since waits in memory; a "
		    "restart would lose it" : "a restart would lose today");
	} else
		snprintf(text, sizeof text, "Journal lost %llu records while it "
		    "could not be written: a restart would lack them",
		    (unsigned long long)p.lost_records);
	alerts_daemon(s->alerts, text);
}

/* The journal's file failed, or still fails: tell, and try again later. */
static void
server_journal_failing(struct server *s)
{
	struct journal_pending p;
	bool first = s->stats.journal_failing_since == 0;

	journal_pending(s->journal, &p);
	if (first) {
		s->stats.journal_failing_since = proc_wall_ms();
		s->journal_retry_ms = JOURNAL_RETRY_MIN_MS;
		log_msg(LOG_ERR, "journal: %s; the figures stay live, records "
		    "wait in memory (up to journal.max_pending) and are written "
		    "when the disk takes them: a restart before then would lose "
		    "them", journal_error(s->journal));
	} else
		log_limited(&s->journal_log, proc_mono_ms(), LOG_ERR,
		    "journal: still %s: %llu records (%llu bytes) wait in "
		    "memory, %llu lost from the journal", journal_error(s->journal),
		    (unsigned long long)p.records, (unsigned long long)p.bytes,
		    (unsigned long long)p.lost_records);
	if (p.lost_records > s->journal_lost_said) {
		log_limited(&s->journal_log, proc_mono_ms(), LOG_ERR,
		    "journal: %llu records (%llu bytes) lost from the journal "
		    "past journal.max_pending: the figures have them, a restart "
		    "would not", (unsigned long long)p.lost_records,
		    (unsigned long long)p.lost_bytes);
		s->journal_lost_said = p.lost_records;
	}
	if (!proc_timer_pending(s->journal_timer))
		proc_timer_after(s->journal_timer, s->journal_retry_ms);
	server_journal_alert(s);
}

/* Write what the journal holds; a failure is said and retried (above). */
void
server_journal_flush(struct server *s)
{
	if (journal_flush(s->journal) != 0)
		server_journal_failing(s);
}

static void
server_on_journal_retry(void *arg)
{
	struct server *s = arg;
	struct journal_pending p;

	if (journal_retry(s->journal) != 0) {
		s->journal_retry_ms = s->journal_retry_ms * 2 > JOURNAL_RETRY_MAX_MS ?
		    JOURNAL_RETRY_MAX_MS : s->journal_retry_ms * 2;
		server_journal_failing(s);
		return;
	}
	journal_pending(s->journal, &p);
	log_msg(LOG_NOTICE, "journal %s: written again%s%s",
	    journal_path(s->journal), p.lost_records ? "; records lost from "
	    "it meanwhile: " : ", nothing lost", p.lost_records ? "see status" : "");
	s->stats.journal_failing_since = 0;
	/* the alert resolves at the next evaluation (a heartbeat at most) */
	server_journal_alert(s);
}

/* ---- the clock --------------------------------------------------------- */

/* The clock trails the newest event's time by this much, so that events
 * that arrive a little late (a burst split over two wake-ups, a second feed
 * a few ms behind) still count at their own ts, as --replay counts them. */
#define CLOCK_GRACE_MS 100

int64_t
server_clock(struct server *s)
{
	int64_t t;

	/* Events from a stream (ingest.nats): the clock goes no further than
	 * the last look that found the stream had nothing the daemon has not
	 * applied. Cut off from it, or behind it, the clock holds (only
	 * events move it), so what a stall kept back applies at its own
	 * time, as a replay of the stream would. */
	int64_t wall = proc_wall_ms();

	if (s->nats != NULL) {
		s->held = !nats_in_caught_up(s->nats, s->stream_seq, &wall);
		if (s->held)
			return engine_now(s->engine);
	}
	t = wall + s->offset - CLOCK_GRACE_MS;
	if (!s->offset_set)     /* nothing received yet: the engine's own time */
		return engine_now(s->engine);
	return t > engine_now(s->engine) ? t : engine_now(s->engine);
}

/*
 * Move the engine to the clock. Events move it themselves (to their ts, as
 * --replay does); this is the only other mover, and it is journaled, so a
 * restart replays the same steps in the same order.
 */
void
server_tick(struct server *s)
{
	int64_t t = server_clock(s);
	int64_t wall = proc_wall_ms();

	if (t <= engine_now(s->engine))
		return;
	engine_advance(s->engine, t);
	journal_append(s->journal, JOURNAL_CLOCK, t, &wall, sizeof wall);
	/* Written now, not with the next batch: after a kill -9 the clock
	 * resumes from the last time a board was shown, not from before it. */
	server_journal_flush(s);
}

/* The clock follows the newest event's time: set by the first event (live
 * feeds: about the wall clock; a recorded day: its own time), then only
 * moving forward. */
static void
server_follow(struct server *s, int64_t ts, int64_t wall)
{
	int64_t offset = ts - wall;

	if (!s->offset_set || offset > s->offset)
		s->offset = offset;
	s->offset_set = true;
}

/* ---- applying events --------------------------------------------------- */

/* An event further ahead of the wall clock when it came than feeds.max_ahead
 * is refused: the board's clock never goes back, so one bad ts would
 * otherwise freeze every board until the day it names. */

/* "limits: agents at 20,000 (limits.agents): ..." once in a while, for
 * the kinds that refused since the last line. */
static void
server_log_refused(struct server *s)
{
	struct engine_limit_info li;

	for (int k = 0; k < LIMIT_COUNT; k++) {
		engine_limit_info(s->engine, (enum engine_limit)k, &li);
		if (li.refused == s->refused_logged[k])
			continue;
		s->refused_logged[k] = li.refused;
		log_limited(&s->limit_log, proc_mono_ms(), LOG_WARNING,
		    "limits: %lld %s held, the most %s allows: %s (%lld so far)",
		    (long long)li.held, li.name, li.config_key,
		    k == LIMIT_ENDED || k == LIMIT_CALLERS ? "new ones are not "
		    "remembered" : "events that would add one are refused",
		    (long long)li.refused);
	}
}

/* An event stamped further ahead of this machine's clock than
 * feeds.max_ahead: refused (a PBX clock gone wrong would freeze the boards). */
static bool
server_too_far_ahead(const struct server *s, const struct event *ev,
    int64_t clock)
{
	return s->config->feeds_max_ahead_ms > 0 &&
	    ev->ts > clock + s->config->feeds_max_ahead_ms;
}

/*
 * An event of a type this daemon does not know is only counted (ignored)
 * and moves its feed's sequence on: the journal keeps just that, not its
 * bytes (up to 64 KiB each: a flood of them must not fill the disk).
 */
static void
server_journal_unknown(struct server *s, const struct event *ev, int64_t clock)
{
	struct jsonw *w = &s->unknown_json;

	jsonw_reset(w);
	jsonw_object(w);
	jsonw_key(w, "type"); jsonw_string(w, "unknown");
	jsonw_key(w, "ts"); jsonw_int(w, ev->ts);
	if (ev->src != NULL) {
		jsonw_key(w, "src"); jsonw_string(w, ev->src);
	}
	if (ev->has_seq) {
		jsonw_key(w, "seq"); jsonw_int(w, ev->seq);
	}
	jsonw_end_object(w);
	journal_append(s->journal, JOURNAL_EVENT, clock, jsonw_text(w),
	    strlen(jsonw_text(w)));
}
/* Apply one message, decoded (`why` and `error` say how that went); the
 * event moves the clock itself. `clock` is the wall time it came at (as the
 * journal recorded it). */
static void
server_apply_event(struct server *s, enum event_reject why, const struct event *ev,
    const char *error, int64_t clock, bool live)
{
	if (why == REJECT_NONE && server_too_far_ahead(s, ev, clock)) {
		why = REJECT_VALUE;
		snprintf(s->future_error, sizeof s->future_error, "'ts' is %lld s "
		    "ahead of this machine's clock (more than feeds.max_ahead: a PBX "
		    "clock wrong?)", (long long)((ev->ts - clock) / 1000));
	}
	if (why != REJECT_NONE) {
		s->stats.rejected[why]++;
		engine_reject(s->engine, ev->src, ev->has_seq, ev->seq);
		if (live)
			log_limited(&s->reject_log, proc_mono_ms(), LOG_WARNING,
			    "rejected event from feed '%s': %s",
			    ev->src ? ev->src : "?", why == REJECT_VALUE && s->future_error[0] ?
			    s->future_error : error);
		s->future_error[0] = '\0';
		return;
	}
	if (ev->ts < engine_now(s->engine))
		s->stats.late++;
	switch (engine_apply(s->engine, ev)) {
	case ENGINE_DUPLICATE:
		s->stats.duplicates++;
		break;
	case ENGINE_REFUSED:
		s->stats.refused++;
		if (live)
			server_log_refused(s);
		return;
	default:
		break;
	}
	s->stats.applied++;
	if (live)
		server_follow(s, ev->ts, clock);
}

static uint64_t
server_rejected(const struct server *s)
{
	uint64_t n = 0;

	for (int k = 0; k < REJECT_COUNT; k++)
		n += s->stats.rejected[k];
	return n;
}

/* Times the ingest queue was full (reading paused): counted, and said
 * at most once a minute. */
static void
server_log_full(struct server *s)
{
	uint64_t n;

	if (s->receiver == NULL ||
	    (n = ingest_full(s->receiver)) == s->stats.ingest_full)
		return;
	s->stats.ingest_full = n;
	log_limited(&s->limit_log, proc_mono_ms(), LOG_WARNING,
	    "ingest: events come faster than they are applied: reading paused "
	    "at ingest.max_queue until the loop catches up (%llu times so "
	    "far); the senders hold the rest, and a feed's gaps say what its "
	    "own queue dropped", (unsigned long long)n);
}

/*
 * Before the first event ever, the engine's clock is only a guess (the wall
 * clock at start): start it again at the first event's time, so that a
 * recorded day published at full speed keeps its own time.
 */
static void
server_first_event(struct server *s, const struct ingest_batch *b)
{
	if (s->offset_set || engine_feed_count(s->engine) > 0)
		return;
	for (size_t i = 0; i < b->n; i++) {
		const struct event *ev = &b->items[i].ev;
		int64_t wall = proc_wall_ms();

		if (b->items[i].why != REJECT_NONE)
			continue;
		if (ev->ts < engine_now(s->engine)) {
			engine_free(&s->engine);
			s->engine = engine_new(s->config, ev->ts);
		}
		server_follow(s, ev->ts, wall);
		/* The journal's first word: where the engine's clock starts. */
		journal_append(s->journal, JOURNAL_CLOCK, engine_now(s->engine), &wall,
		    sizeof wall);
		return;
	}
}

/*
 * A few rejected messages a minute (REJECT_SAMPLES), kept in memory for
 * `wallboardctl status`, so that a person can see what a feed sends wrong:
 * the first REJECT_SAMPLE_BYTES bytes, printable ASCII only, with what
 * could name a caller masked: the value of any "caller" key, and any run of
 * 7 or more digits inside a string (a phone number a custom feed did not
 * hash). Numbers outside strings (ts, seq) stay: they are often the fault.
 */
static void
server_reject_sample(struct server *s, const struct ingest_item *it,
    const char *why)
{
	struct server_stats *st = &s->stats;
	int64_t minute = proc_wall_ms() / 60000;
	struct reject_sample *r;
	size_t n = it->len < REJECT_SAMPLE_BYTES ? it->len : REJECT_SAMPLE_BYTES;
	bool in_string = false, masking = false;
	size_t digits = 0;

	if (minute != st->reject_sample_minute) {
		st->reject_sample_minute = minute;
		st->reject_samples_this_minute = 0;
	}
	if (st->reject_samples_this_minute >= REJECT_SAMPLES)
		return;
	st->reject_samples_this_minute++;
	if (st->n_reject_samples == REJECT_SAMPLES)
		memmove(st->reject_samples, st->reject_samples + 1,
		    (REJECT_SAMPLES - 1) * sizeof *st->reject_samples);
	else
		st->n_reject_samples++;
	r = &st->reject_samples[st->n_reject_samples - 1];
	memset(r, 0, sizeof *r);
	r->at = proc_wall_ms();
	snprintf(r->feed, sizeof r->feed, "%s", it->ev.src ? it->ev.src : "");
	snprintf(r->why, sizeof r->why, "%s", why ? why : "");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)it->data[i];

		r->text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		if (c == '"' && (i == 0 || it->data[i - 1] != '\\')) {
			/* "caller": its value, string or number, is masked */
			if (in_string && i >= 7 &&
			    memcmp(it->data + i - 7, "\"caller", 7) == 0)
				masking = true;
			else if (in_string)
				masking = false;
			in_string = !in_string;
			digits = 0;
			continue;
		}
		if (masking && !in_string && (c == ',' || c == '}'))
			masking = false;
		if (masking && c != ':' && c != ' ')
			r->text[i] = '*';
		digits = in_string && c >= '0' && c <= '9' ? digits + 1 : 0;
		if (digits == 7)
			memset(r->text + i - 6, '*', 7);
		else if (digits > 7)
			r->text[i] = '*';
	}
	if (it->len > n)
		memcpy(r->text + n, "...", 4);
}

/* A stream event's position goes into the journal in the same record as
 * the event (JOURNAL_STREAM_EVENT), so that a restart goes on from the
 * stream right after the last event the journal holds whole, even when a
 * kill cut the batch's write short; what is journaled otherwise (a
 * rejection, an unknown event) is followed by a JOURNAL_STREAM record. */
static void
server_journal_item(struct server *s, const struct ingest_item *it,
    int64_t clock)
{
	uint64_t pos[2] = { it->stream_seq, it->stream_pending };

	if (it->why != REJECT_NONE)
		journal_append_rejected(s->journal, clock, it->ev.src,
		    it->ev.has_seq, it->ev.seq, it->why);
	else if (server_too_far_ahead(s, &it->ev, clock))
		/* judged now, as the replay would: kept small */
		journal_append_rejected(s->journal, clock, it->ev.src,
		    it->ev.has_seq, it->ev.seq, REJECT_VALUE);
	else if (it->ev.type == EVENT_UNKNOWN)
		server_journal_unknown(s, &it->ev, clock);
	else if (it->stream_seq > 0) {
		if (journal_append_stream_event(s->journal, clock, it->stream_seq,
		    it->stream_pending, it->data, it->len) != 0)
			journal_append_reject(s->journal, clock, NULL, false, 0);
		else
			pos[0] = 0;     /* in the record */
	} else if (it->len <= JOURNAL_PAYLOAD_MAX)
		journal_append(s->journal, JOURNAL_EVENT, clock, it->data, it->len);
	else
		journal_append_reject(s->journal, clock, NULL, false, 0);
	if (pos[0] > 0)
		journal_append(s->journal, JOURNAL_STREAM, clock, pos, sizeof pos);
	if (it->stream_seq > s->stream_seq) {
		s->stream_seq = it->stream_seq;
		s->stream_pending = it->stream_pending;
	}
}

/* Journal one batch (one write), then apply it. A rejected message is
 * journaled as a small REJECT record (its feed, seq and reason: what a
 * replay needs to count it again), never whole. */
static void
server_apply_one(struct server *s, const struct ingest_batch *b)
{
	int64_t clock;
	uint64_t rejected;

	server_first_event(s, b);
	/* EVENT records keep the wall time they came at: events apply at their
	 * own ts, and a restart must judge "too far ahead" as live did. */
	clock = proc_wall_ms();
	for (size_t i = 0; i < b->n; i++)
		server_journal_item(s, &b->items[i], clock);
	server_journal_flush(s);
	for (size_t i = 0; i < b->n; i++) {
		const struct ingest_item *it = &b->items[i];

		rejected = server_rejected(s);
		server_apply_event(s, it->why, &it->ev, it->error, clock, true);
		if (server_rejected(s) != rejected)
			server_reject_sample(s, it, it->why != REJECT_NONE ?
			    it->error : "'ts' too far ahead (feeds.max_ahead)");
	}
	s->stats.received += b->n;
	s->dirty = true;
}

/* Journal and apply the batches the ingest thread has handed over, up to
 * `most` of them (then back to the loop: timers are due too). */
static void
server_apply_batches(struct server *s, size_t most)
{
	struct ingest_batch *b;

	for (size_t i = 0; i < most && s->receiver != NULL &&
	    (b = ingest_next(s->receiver)) != NULL; i++) {
		server_apply_one(s, b);
		ingest_done(s->receiver, b);
	}
}

/* The ingest thread has batches: any that were there when the eventfd was
 * read are taken now; a later one wrote it again. */
static void
server_on_ingest(void *arg)
{
	struct server *s = arg;

	ingest_woken(s->receiver);
	server_apply_batches(s, INGEST_PER_WAKE);
	if (ingest_next(s->receiver) != NULL)
		ingest_rewake(s->receiver);     /* more, after the timers */
	server_publish_due(s);
}

/* ---- publishing -------------------------------------------------------- */

static void
server_message_json(struct server *s, struct jsonw *w)
{
	jsonw_reset(w);
	if (s->message_text == NULL || s->message_until <= engine_now(s->engine)) {
		jsonw_null(w);
		return;
	}
	jsonw_object(w);
	jsonw_key(w, "text"); jsonw_string(w, s->message_text);
	jsonw_key(w, "from"); jsonw_string(w, s->message_from);
	jsonw_key(w, "until"); jsonw_int(w, s->message_until);
	jsonw_end_object(w);
}

/* The journal as the boards show it (docs/protocol.md §6.3.1). */
static const char *
server_journal_state(const struct server *s)
{
	if (s->journal != NULL && !journal_ok(s->journal))
		return "failing";
	/* the start-up (or reload) replay skipped damage: records lost */
	if (s->stats.replay_result.corrupt)
		return "damaged";
	return "ok";
}

/* What a snapshot carries besides the engine's figures (alerts, message),
 * encoded once for the snapshot and every board's copy of it. */
static struct snapshot_meta
server_meta(struct server *s)
{
	jsonw_reset(&s->alerts_json);   /* alerts_write_json appends */
	alerts_write_json(s->alerts, &s->alerts_json);
	server_message_json(s, &s->message_json);
	/* The feeds object is kept while no feed changed: with many feeds
	 * it is most of the snapshot, and most are quiet. */
	if (s->feeds_serial != engine_serial(s->engine) ||
	    s->feeds_changes != engine_feed_changes(s->engine) ||
	    jsonw_text(&s->feeds_json)[0] == '\0') {
		snapshot_write_feeds(&s->feeds_json, s->engine);
		s->feeds_serial = engine_serial(s->engine);
		s->feeds_changes = engine_feed_changes(s->engine);
	}
	return (struct snapshot_meta){ .seq = ++s->snapshot_seq,
	    .alerts_json = jsonw_text(&s->alerts_json),
	    .message_json = jsonw_text(&s->message_json),
	    .feeds_json = jsonw_text(&s->feeds_json),
	    .journal = server_journal_state(s),
	    .stream = s->nats == NULL ? NULL : s->held ? "catching up" : "live" };
}

/* The snapshot as of the clock, into s->snapshot; meta for the boards'. */
static const char *
server_snapshot_with(struct server *s, struct snapshot_meta *meta)
{
	server_tick(s);
	*meta = server_meta(s);
	snapshot_write(&s->snapshot, s->engine, meta);
	return jsonw_text(&s->snapshot);
}

/* A snapshot asked for (control, HTTP): the figures as of the clock, the
 * alerts as judged with the last snapshot published (judging them here, at
 * whatever moment a client asks, would make the day's alert history depend
 * on when people looked, and a restart's replay could not rebuild it). */
const char *
server_snapshot(struct server *s)
{
	struct snapshot_meta meta;

	return server_snapshot_with(s, &meta);
}

static void
server_send(struct server *s, const char *topic, const char *json)
{
	const void *frames[2] = { topic, json };
	size_t lens[2] = { strlen(topic), strlen(json) };

	if (lens[0] + lens[1] > s->stats.publish_largest)
		s->stats.publish_largest = lens[0] + lens[1];
	if (zsock_send(s->publish, frames, lens, 2) != 0)
		s->stats.publish_dropped++;
}

/* Each board's own topic carries only the scopes and agents it shows. */
static void
server_publish_boards(struct server *s, const struct snapshot_meta *meta)
{
	char topic[256];

	for (size_t i = 0; i < s->config->n_boards; i++) {
		const struct config_board *b = &s->config->boards[i];
		struct snapshot_filter f = { b->scopes, b->n_scopes, b->agents, b->n_agents };

		snapshot_write_filtered(&s->board_snapshot, s->engine, meta, &f);
		snprintf(topic, sizeof topic, "board/%s", b->name);
		server_send(s, topic, jsonw_text(&s->board_snapshot));
		web_publish(s->web, b->name, meta->seq,
		    jsonw_text(&s->board_snapshot));
	}
}

/*
 * Layouts (PROTOCOL §6.15): each board's on "layout/NAME", the §6.11
 * document with "loaded". Sent after every reload, and when a board
 * subscribes to a prefix of its topic: the publish socket is an XPUB that
 * hands us every subscription (XPUB_VERBOSE: repeats too). A board that
 * subscribes again and again costs at most one round of layouts every
 * LAYOUT_GAP_MS, whatever it asks.
 */
#define LAYOUT_GAP_MS 100

static void
server_publish_layouts(struct server *s, bool all)
{
	struct jsonw j = { 0 };
	char topic[256];
	bool *wanted = s->layout_wanted;
	size_t n_wanted = s->n_layout_wanted;

	/* A send reads what waits on the socket (zsock.h), so subscriptions
	 * may come in below: they count from this round, not before it. */
	s->layout_wanted = NULL;
	s->n_layout_wanted = 0;
	s->layout_sent_mono = proc_mono_ms();
	for (size_t i = 0; i < s->config->n_boards; i++) {
		const struct config_board *b = &s->config->boards[i];

		if (!all && (i >= n_wanted || !wanted[i]))
			continue;
		jsonw_reset(&j);
		web_layout_json(&j, s->config, b, s->config_loaded);
		snprintf(topic, sizeof topic, "layout/%s", b->name);
		server_send(s, topic, jsonw_text(&j));
	}
	jsonw_release(&j);
	free(wanted);
}

static void
server_on_layout_timer(void *arg)
{
	server_publish_layouts(arg, false);
}

/* A (un)subscription on the publish socket: \1 or \0, then the prefix. */
static void
server_on_subscription(const struct zsock_message *m, void *arg)
{
	struct server *s = arg;
	char topic[256];
	size_t n;

	if (m->topic != NULL || m->len < 1 || m->data[0] != 1)
		return;
	if (s->n_layout_wanted != s->config->n_boards) {
		s->n_layout_wanted = s->config->n_boards;
		s->layout_wanted = xrealloc(s->layout_wanted,
		    (s->n_layout_wanted + 1) * sizeof *s->layout_wanted);
		memset(s->layout_wanted, 0,
		    s->n_layout_wanted * sizeof *s->layout_wanted);
	}
	for (size_t i = 0; i < s->config->n_boards; i++) {
		n = (size_t)snprintf(topic, sizeof topic, "layout/%s",
		    s->config->boards[i].name);
		if (m->len - 1 <= n && memcmp(topic, m->data + 1, m->len - 1) == 0)
			s->layout_wanted[i] = true;
	}
}

static void
server_on_subscriptions(void *arg)
{
	struct server *s = arg;
	int64_t wait = s->layout_sent_mono + LAYOUT_GAP_MS - proc_mono_ms();
	bool any = false;

	for (size_t i = 0; i < s->n_layout_wanted && !any; i++)
		any = s->layout_wanted[i];
	if (!any || proc_timer_pending(s->layout_timer))
		return;
	if (wait <= 0)
		server_publish_layouts(s, false);
	else
		proc_timer_after(s->layout_timer, wait);
}

static void
server_publish(struct server *s)
{
	struct snapshot_meta meta;
	const char *json = server_snapshot_with(s, &meta);

	server_send(s, "snapshot", json);
	server_publish_boards(s, &meta);
	s->stats.published++;
	s->dirty = false;
	s->last_publish = proc_mono_ms();
	/* The next heartbeat counts from now. */
	proc_timer_after(s->heartbeat_timer, s->config->publish_heartbeat_ms);
}

/* Log each alert that changed and publish it alone on the topic "alert"
 * (one that left the list goes out as its id with state "cleared"). */
static void
server_publish_alerts(struct server *s)
{
	struct alert_transition t;
	struct jsonw w = { 0 };

	for (size_t i = 0; i < alerts_transition_count(s->alerts); i++) {
		long at;

		alerts_transition(s->alerts, i, &t);
		log_msg(t.to == ALERT_FIRING ? LOG_WARNING : LOG_NOTICE,
		    "alert %s %s -> %s: %s", t.id, alert_state_name(t.from),
		    alert_state_name(t.to), t.text ? t.text : "");
		at = alerts_find(s->alerts, t.id);
		jsonw_reset(&w);
		if (at >= 0)
			alerts_write_one(s->alerts, (size_t)at, &w);
		else {
			jsonw_object(&w);
			jsonw_key(&w, "id"); jsonw_string(&w, t.id);
			jsonw_key(&w, "state"); jsonw_string(&w, "cleared");
			jsonw_end_object(&w);
		}
		server_send(s, "alert", jsonw_text(&w));
	}
	jsonw_release(&w);
}

/* Evaluate alerts; a change goes out at once, with a snapshot. */
static bool
server_check_alerts(struct server *s)
{
	int64_t now;
	int64_t due;

	server_tick(s);
	now = engine_now(s->engine);
	/* The moment goes to the journal: a restart judges at the same ones */
	journal_append(s->journal, JOURNAL_JUDGE, now, NULL, 0);
	server_journal_flush(s);
	if (!alerts_evaluate(s->alerts, s->engine, now))
		return false;
	server_publish_alerts(s);
	due = alerts_next_due(s->alerts);
	if (due != INT64_MAX)
		proc_timer_after(s->alert_timer, due - now);
	return true;
}

/* Publish now if allowed by max_rate, else when it is. */
/*
 * Publish now if max_rate allows, else when it does. Alerts are judged with
 * each snapshot (not with each wake-up of the ingest socket, which at full
 * load is thousands a second), so a change goes out with the next snapshot.
 */
static void
server_publish_due(struct server *s)
{
	int64_t gap = (int64_t)(1000.0 / s->config->publish_max_rate);
	int64_t wait = s->last_publish + gap - proc_mono_ms();

	if (!s->dirty)
		return;
	if (wait <= 0) {
		server_check_alerts(s);
		server_publish(s);
	} else if (!proc_timer_pending(s->rate_timer))
		proc_timer_after(s->rate_timer, wait);
}

static void
server_on_rate_timer(void *arg)
{
	struct server *s = arg;

	if (s->dirty) {
		server_check_alerts(s);
		server_publish(s);
	}
}

static void
server_on_alert_timer(void *arg)
{
	struct server *s = arg;

	if (server_check_alerts(s))
		server_publish(s);
}

static void
server_status_line(struct server *s)
{
	int64_t mono = proc_mono_ms();
	int64_t span = mono - s->status_mono;
	double rate = span > 0 ? (double)(s->stats.received - s->status_received) *
	    1000.0 / (double)span : 0;
	size_t live = engine_feeds_heard(s->engine) - engine_silent_feeds(
	    s->engine, engine_now(s->engine), NULL, 0);

	sd_notifyf(0, "STATUS=%.0f events/s, %zu feed%s live, %llu snapshots sent",
	    rate, live, live == 1 ? "" : "s", (unsigned long long)s->stats.published);
	s->status_mono = mono;
	s->status_received = s->stats.received;
	s->stats.events_per_s = rate;
}

/* Every heartbeat: time moves on (waits grow, windows slide, feeds go
 * stale), so a snapshot goes out even when nothing arrived. */
static void
server_on_heartbeat(void *arg)
{
	struct server *s = arg;

	server_tick(s);
	/* Only forward: the journal is read back file by file, oldest first,
	 * so records must never go to an older day's file than ones already
	 * written. A first event from before midnight (a recorded day, a feed
	 * behind) starts the engine on yesterday while the journal opened on
	 * today: its records stay in today's file, in the order they came. */
	if (engine_day_start(s->engine) > journal_day_start(s->journal)) {
		server_journal_flush(s);        /* the day's last records stay in it */
		if (journal_roll(s->journal, engine_day_start(s->engine)) != 0)
			server_journal_failing(s);
	}
	if (s->stats.journal_failing_since != 0)
		server_journal_alert(s);        /* what waits, what was lost */
	server_check_alerts(s);
	server_publish(s);
	server_journal_flush(s);
	server_status_line(s);
	server_log_refused(s);
	server_log_full(s);
}

/* The watchdog's own timer, at half systemd's interval: a long heartbeat
 * must not get the daemon killed. */
static void
server_on_watchdog(void *arg)
{
	struct server *s = arg;

	sd_notify(0, "WATCHDOG=1");
	proc_timer_after(s->watchdog_timer, s->watchdog_ms);
}

/* ---- building the engine from the journal ------------------------------ */

struct server_replay {
	struct server *s;
	const struct config *config;
	int64_t last_clock;
	bool has_offset;
	int64_t offset;         /* from the last CLOCK record */
	bool follow;            /* judge the alerts along the way */
	int64_t evaluated;      /* the last time they were judged */
	bool judged;            /* a JUDGE record seen: from then on the
	                         * alerts are judged at those only */
	uint64_t records;
	int64_t started, told;  /* monotonic ms: the replay's start, the last
	                         * word to systemd */
};

/*
 * A long replay (a busy day's journal) tells systemd it is alive and
 * getting on, every second: WATCHDOG=1 (a reload blocks the loop that
 * sends it otherwise), EXTEND_TIMEOUT_USEC (start-up and reload may take
 * longer than their timeouts, as long as it goes on) and a STATUS line.
 */
static void
server_replay_progress(struct server_replay *rp)
{
	int64_t now;

	if (++rp->records % 16384 != 0 || (now = proc_mono_ms()) - rp->told < 1000)
		return;
	rp->told = now;
	sd_notifyf(0, "WATCHDOG=1\nEXTEND_TIMEOUT_USEC=%d\nSTATUS=replaying the "
	    "journal: %llu records in %lld s", 10 * 1000 * 1000,
	    (unsigned long long)rp->records, (long long)((now - rp->started) / 1000));
}

/* One record of the journal, in file order; an event's decoded on the
 * reading thread (replay-ahead.c). */
static void
server_replay_record(const struct journal_record *r,
    const struct replay_ahead_event *ev, void *arg)
{
	struct server_replay *rp = arg;
	struct server *s = rp->s;
	struct journal_reject rej;

	rp->last_clock = r->clock_ms;
	server_replay_progress(rp);
	/* Alerts judged before any event ever were judged on a guess of the
	 * engine's time, which the first event set again (server_first_event):
	 * nothing to judge here, and no clock to start the engine at. */
	if (s->engine == NULL && r->type == JOURNAL_JUDGE) {
		rp->judged = true;
		return;
	}
	if (s->engine == NULL)  /* the engine starts where the journal does */
		s->engine = engine_new(rp->config, r->clock_ms);
	switch (r->type) {
	case JOURNAL_EVENT:
	case JOURNAL_STREAM_EVENT:
		if (!ev->decoded)       /* a stream event too short to read */
			break;
		if (ev->stream_seq > 0) {
			s->stream_seq = ev->stream_seq;
			s->stream_pending = ev->stream_pending;
		}
		/* (no reason for a log line: a replay logs no rejection) */
		server_apply_event(s, ev->why, &ev->ev, "", r->clock_ms, false);
		break;
	case JOURNAL_REJECT:
		/* As live: a rejection does not move the clock (the record's
		 * clock is the wall time it came at, not the engine's). */
		if (journal_reject_decode(r, &rej)) {
			engine_reject(s->engine, rej.src, rej.has_seq, rej.seq);
			if (rej.why > REJECT_NONE && rej.why < REJECT_COUNT)
				s->stats.rejected[rej.why]++;
		}
		break;
	case JOURNAL_STREAM:
		if (r->len == 2 * sizeof(uint64_t)) {
			memcpy(&s->stream_seq, r->payload, sizeof s->stream_seq);
			memcpy(&s->stream_pending, (const char *)r->payload + 8,
			    sizeof s->stream_pending);
		}
		break;
	case JOURNAL_CLOCK:
		engine_advance(s->engine, r->clock_ms);
		if (r->len == sizeof(int64_t)) {
			int64_t wall;

			memcpy(&wall, r->payload, sizeof wall);
			rp->offset = r->clock_ms - wall;
			rp->has_offset = true;
		}
		break;
	case JOURNAL_JUDGE:
		/* Judged where the live daemon judged, as of the engine's
		 * time then (which its CLOCK records have brought it to) */
		rp->judged = true;
		if (rp->follow) {
			if (r->clock_ms > engine_now(s->engine))
				engine_advance(s->engine, r->clock_ms);
			alerts_evaluate(s->alerts, s->engine, engine_now(s->engine));
			rp->evaluated = engine_now(s->engine);
		}
		break;
	default:
		notes_replay(s, r, rp->follow);
		break;
	}
	/* A journal from before JOURNAL_JUDGE: judged as of the engine's time
	 * after each record, at most once a second and at the alerts' due
	 * times, never ahead of the engine (the live daemon journaled a move
	 * of the clock before each judgement it made). */
	if (rp->follow && !rp->judged) {
		alerts_follow_until(s->alerts, s->engine, engine_now(s->engine),
		    &rp->evaluated);
		alerts_follow_after(s->alerts, s->engine, &rp->evaluated);
	}
}

/*
 * A new engine for `config`, fed everything the journal keeps (today's file
 * and yesterday's): agents' states and waiting calls set before midnight
 * come back too. Used at start and at reload, so a reload keeps the day.
 * At start the alerts are judged along the replay, as they were live, so
 * the day's alert history (and the acks, each at its own time) comes back
 * too; at a reload the running alerts carry on (alerts_reconfigure).
 */
struct engine *
server_rebuild(struct server *s, const struct config *config, bool follow_alerts)
{
	struct journal_replay_result res = { 0 };
	struct server_replay rp = { .s = s, .config = config,
	    .follow = follow_alerts, .evaluated = INT64_MIN,
	    .started = proc_mono_ms(), .told = proc_mono_ms() };
	struct engine *old = s->engine, *fresh;
	int64_t start_ms = proc_mono_ms();

	s->engine = NULL;
	replay_ahead(config->state_dir, server_replay_record, &rp, &res);
	if (s->engine == NULL)
		s->engine = engine_new(config, proc_wall_ms() + s->offset);
	if (res.corrupt)
		log_msg(LOG_WARNING, "journal: the day rests on a damaged journal: "
		    "%s%llu records (%llu bytes) lost in %u damaged regions, "
		    "skipped: %s", res.lost_estimated ? "about " : "",
		    (unsigned long long)res.lost_records,
		    (unsigned long long)res.lost_bytes, res.regions, res.error);
	else if (res.error[0] != '\0')
		log_msg(LOG_ERR, "journal: %s", res.error);
	log_msg(LOG_INFO, "journal: %llu records replayed in %lld ms%s",
	    (unsigned long long)res.records, (long long)(proc_mono_ms() - start_ms),
	    res.torn_tail ? " (a torn last record, from a crash, was ignored)" : "");
	s->stats.replayed = res.records;
	s->stats.replay_result = res;
	s->stats.replay_ms = proc_mono_ms() - start_ms;
	if (rp.has_offset && !s->offset_set) {
		s->offset = rp.offset;
		s->offset_set = true;
	}
	fresh = s->engine;
	s->engine = old;
	return fresh;
}

/* ---- reload ------------------------------------------------------------ */

/* What the config check found odd but not wrong (a tile whose colour can
 * never change, say): to the journal, at start and at each reload. */
static void
server_config_warnings(const struct config *config)
{
	for (size_t i = 0; i < config->n_warnings; i++)
		log_msg(LOG_WARNING, "%s", config->warnings[i]);
}

int
server_reload(struct server *s, struct config_errors *errors)
{
	struct config *config = config_load(s->config_path, errors);
	struct engine *engine;

	if (config == NULL) {
		log_msg(LOG_ERR, "reload refused: %s has %zu error%s; the running "
		    "config stays", s->config_path, errors->n, errors->n == 1 ? "" : "s");
		for (size_t i = 0; i < errors->n; i++)
			log_msg(LOG_ERR, "%s", errors->lines[i]);
		return -1;
	}
	if (!journal_ok(s->journal)) {
		/* A reload rebuilds the day from the journal: without it, the
		 * day's figures would be lost. */
		errors->lines = xrealloc(errors->lines, (errors->n + 1) * sizeof *errors->lines);
		errors->lines[errors->n++] = xasprintf("%s: not reloaded: the journal "
		    "is not being written (%s), and a reload rebuilds today's figures "
		    "from it: reload once it is written again (status: journal_ok; "
		    "a restart now would lose what waits)", s->config_path,
		    journal_error(s->journal));
		log_msg(LOG_ERR, "%s", errors->lines[errors->n - 1]);
		config_free(&config);
		return -1;
	}
	/* The journal holds exactly what was applied: batches the ingest
	 * thread has handed over since are applied to the new engine. */
	server_journal_flush(s);
	/* The rebuild applies the day's records again: the counts of what was
	 * applied, rejected and duplicated stay those of the running day. */
	struct server_stats counted = s->stats;
	engine = server_rebuild(s, config, false);
	counted.replayed = s->stats.replayed;
	counted.replay_ms = s->stats.replay_ms;
	s->stats = counted;
	engine_free(&s->engine);
	s->engine = engine;
	alerts_reconfigure(s->alerts, config);
	report_day_forget();    /* the day kept for reports points at it */
	config_free(&s->config);
	s->config = config;
	s->config_loaded = proc_wall_ms();
	/* Every board's layout, at once: each screen follows the reload. */
	server_publish_layouts(s, true);
	log_msg(LOG_NOTICE, "reloaded %s: %zu queues, %zu teams, %zu alert rules",
	    s->config_path, config->n_queues, config->n_teams, config->n_alerts);
	server_config_warnings(config);
	/* Events that came during the rebuild (a busy day's takes a second)
	 * go in before the clock moves on: at their own ts, not late. */
	server_apply_batches(s, INGEST_PER_WAKE);
	if (s->receiver != NULL && ingest_next(s->receiver) != NULL)
		ingest_rewake(s->receiver);
	s->dirty = true;
	server_publish_due(s);
	return 0;
}

/* ---- life -------------------------------------------------------------- */

static void
server_on_signal(int signo, void *arg)
{
	struct server *s = arg;
	struct config_errors errors = { 0 };

	if (signo == SIGHUP) {
		sd_notify(0, "RELOADING=1");
		server_reload(s, &errors);
		config_errors_clear(&errors);
		sd_notify(0, "READY=1");
		return;
	}
	log_msg(LOG_NOTICE, "signal %d: stopping", signo);
	sd_notify(0, "STOPPING=1");
	proc_exit(s->proc);
}

static int
server_sockets(struct server *s)
{
	const struct config *c = s->config;
	char err[256];
	int hwm = HWM;

	int64_t max_message = c->ingest_max_message;

	/* Peers on the binds are counted and capped (peers.h): the ZAP
	 * handler is bound before any socket is. */
	if ((s->peers = peers_new(s->zctx, err, sizeof err)) == NULL)
		goto fail;
	s->ingest = zsock_new(s->proc, s->zctx, ZMQ_SUB);
	zmq_setsockopt(zsock_raw(s->ingest), ZMQ_RCVHWM, &hwm, sizeof hwm);
	/* A peer that sends more than this in one message is cut off before
	 * the message is held (it reconnects; what it sent meanwhile is lost,
	 * as its feed's gaps will say): one 1 GiB message must not cost 1 GiB. */
	zmq_setsockopt(zsock_raw(s->ingest), ZMQ_MAXMSGSIZE, &max_message,
	    sizeof max_message);
	zmq_setsockopt(zsock_raw(s->ingest), ZMQ_SUBSCRIBE, "", 0);
	if (peers_watch(s->peers, zsock_raw(s->ingest), PEERS_INGEST,
	    c->ingest_max_peers, err, sizeof err) != 0)
		goto fail;
	for (size_t i = 0; i < c->n_ingest_bind; i++)
		if (zsock_bind(s->ingest, c->ingest_bind[i], err, sizeof err) != 0)
			goto fail;
	peers_bound(zsock_raw(s->ingest));      /* our own connects are not capped */
	for (size_t i = 0; i < c->n_ingest_connect; i++)
		if (zsock_connect(s->ingest, c->ingest_connect[i], err, sizeof err) != 0)
			goto fail;
	/* A board needs only the latest snapshot: a stalled one must not make
	 * the daemon hold more than a few for it. ZeroMQ drops new messages
	 * for that subscriber past this mark; once it reads again, the next
	 * snapshot brings it up to date. */
	int publish_hwm = (int)c->publish_queue;
	int sndbuf = PUBLISH_SNDBUF, maxrt = PUBLISH_MAXRT_MS;
	int verbose = 1;
	s->publish = zsock_new(s->proc, s->zctx, ZMQ_XPUB);
	zmq_setsockopt(zsock_raw(s->publish), ZMQ_XPUB_VERBOSE, &verbose,
	    sizeof verbose);
	zmq_setsockopt(zsock_raw(s->publish), ZMQ_SNDHWM, &publish_hwm, sizeof publish_hwm);
	zmq_setsockopt(zsock_raw(s->publish), ZMQ_SNDBUF, &sndbuf, sizeof sndbuf);
	zmq_setsockopt(zsock_raw(s->publish), ZMQ_TCP_MAXRT, &maxrt, sizeof maxrt);
	if (peers_watch(s->peers, zsock_raw(s->publish), PEERS_PUBLISH,
	    c->publish_max_subscribers, err, sizeof err) != 0)
		goto fail;
	for (size_t i = 0; i < c->n_publish_bind; i++)
		if (zsock_bind(s->publish, c->publish_bind[i], err, sizeof err) != 0)
			goto fail;
	zsock_watch(s->publish, server_on_subscription, server_on_subscriptions,
	    s);
	peers_start(s->peers);
	s->control = control_open(s->proc, s->zctx, c->state_dir, &s->service,
	    err, sizeof err);
	if (s->control == NULL)
		goto fail;
	if ((s->web = web_open(s->proc, c, &s->service, &s->stats.web_http,
	    err, sizeof err)) == NULL)
		goto fail;
	s->service.web = s->web;
	if (http_open(&s->http, s->proc, c, &s->service, &s->stats.http, err,
	    sizeof err) != 0)
		goto fail;
	/* ingest.nats: the stream's reader hands its events to the same
	 * thread, through inproc, each with its position behind a key of
	 * this run's own. */
	unsigned char key[INGEST_STREAM_KEY];
	bool nats = c->n_nats_servers > 0;

	if (nats) {
		if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
			snprintf(err, sizeof err, "getrandom: %s", strerror(errno));
			goto fail;
		}
		if ((s->nats = nats_in_new(c, s->zctx, key, err, sizeof err)) == NULL ||
		    zsock_connect(s->ingest, NATS_IN_ENDPOINT, err, sizeof err) != 0)
			goto fail;
	}
	/* From here on only the ingest thread reads the SUB socket. */
	s->receiver = ingest_start(zsock_raw(s->ingest),
	    (size_t)c->ingest_max_queue, nats ? key : NULL);
	s->receiver_fd = proc_fd_new(s->proc, ingest_fd(s->receiver), server_on_ingest, s);
	if (nats && !nats_in_subscribe(s->nats, s->stream_seq,
	    engine_day_start(s->engine), err, sizeof err))
		goto fail;
	return 0;
fail:
	log_msg(LOG_ERR, "%s", err);
	return -1;
}

/* ---- what control and HTTP may ask (service.h) ----------------------- */

/* Where the daemon is in its stream: what it applied last (journaled),
 * and the lag the stream reported with it. */
static void
server_stream_stats(struct server *s)
{
	struct stream_stats *st = &s->stats.stream;
	struct nats_in_stats ns;

	if (s->nats == NULL) {
		st->on = false;
		return;
	}
	nats_in_stats(s->nats, &ns);
	*st = (struct stream_stats){ .on = true, .connected = ns.connected,
	    .stream = s->config->nats_stream, .received = ns.received,
	    .redelivered = ns.redelivered, .position = s->stream_seq,
	    .lag = s->stream_pending, .disconnects = ns.disconnects,
	    .errors = ns.errors };
	memcpy(st->error, ns.error, sizeof st->error);
}

static void
server_service_state(void *server, bool to_clock, struct service_state *st)
{
	struct server *s = server;

	if (to_clock && s->engine != NULL)      /* none only while starting */
		server_tick(s);
	peers_stats(s->peers, &s->stats);
	server_stream_stats(s);
	*st = (struct service_state){ .config_path = s->config_path,
	    .config = s->config, .engine = s->engine, .alerts = s->alerts,
	    .journal = s->journal, .stats = &s->stats,
	    .now = s->engine != NULL ? server_clock(s) : 0 };
}

static const char *
server_service_snapshot(void *server)
{
	return server_snapshot(server);
}

static const char *
server_service_alerts(void *server)
{
	struct server *s = server;

	alerts_write_day(s->alerts, &s->history, s->config, server_clock(s),
	    engine_day_start(s->engine));
	return jsonw_text(&s->history);
}

static int
server_service_reload(void *server, struct config_errors *errors)
{
	return server_reload(server, errors);
}

static void
server_service_count(void *server)
{
	((struct server *)server)->stats.control_requests++;
}

/*
 * The state directory holds the day's journal, the figures a restart
 * rebuilds: made 0750 if missing; refused if someone else could write into
 * it (swap a day's file, or plant one) or another user owns it, as sshd
 * refuses loose keys (StrictModes). systemd's StateDirectory= makes it 0750
 * and the service user's, as it should be.
 */
static int
server_state_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		log_msg(LOG_ERR, "state_dir %s: cannot create: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0) {
		log_msg(LOG_ERR, "state_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_msg(LOG_ERR, "state_dir %s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		log_msg(LOG_ERR, "state_dir %s is owned by uid %lu, not by the user "
		    "the daemon runs as (uid %lu): refusing to keep the journal "
		    "there; fix: chown %lu %s (or point state_dir elsewhere)", dir,
		    (unsigned long)st.st_uid, (unsigned long)geteuid(),
		    (unsigned long)geteuid(), dir);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		log_msg(LOG_ERR, "state_dir %s has mode %04o: others may write into "
		    "it, and change the journal a restart rebuilds the day from: "
		    "refusing to start; fix: chmod 750 %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

static void
server_timers(struct server *s)
{
	s->heartbeat_timer = proc_timer_new(s->proc, server_on_heartbeat, s);
	s->journal_timer = proc_timer_new(s->proc, server_on_journal_retry, s);
	s->rate_timer = proc_timer_new(s->proc, server_on_rate_timer, s);
	s->alert_timer = proc_timer_new(s->proc, server_on_alert_timer, s);
	s->layout_timer = proc_timer_new(s->proc, server_on_layout_timer, s);
	proc_signal(s->proc, SIGTERM, server_on_signal, s);
	proc_signal(s->proc, SIGINT, server_on_signal, s);
	proc_signal(s->proc, SIGHUP, server_on_signal, s);
	signal(SIGPIPE, SIG_IGN);
}

static void
server_free(struct server *s)
{
	/* The stream's reader first: what it has not handed over is read
	 * again at the next start (the journal's position is before it). */
	nats_in_free(&s->nats);
	/* What the thread has handed over is applied and journaled; what it
	 * has not yet is lost, like messages still in ZeroMQ's queue. */
	if (s->receiver != NULL)
		ingest_halt(s->receiver);
	server_apply_batches(s, SIZE_MAX);
	proc_fd_free(&s->receiver_fd);
	ingest_stop(&s->receiver);
	journal_free(&s->journal);
	http_close(&s->http);
	web_close(&s->web);             /* after HTTP: its streams are ours */
	control_close(&s->control);
	zsock_free(&s->ingest);
	zsock_free(&s->publish);
	peers_free(&s->peers);
	if (s->zctx != NULL)
		zmq_ctx_term(s->zctx);
	proc_timer_free(&s->heartbeat_timer);
	proc_timer_free(&s->journal_timer);
	proc_timer_free(&s->rate_timer);
	proc_timer_free(&s->alert_timer);
	proc_timer_free(&s->watchdog_timer);
	proc_timer_free(&s->layout_timer);
	free(s->layout_wanted);
	jsonw_release(&s->board_snapshot);
	jsonw_release(&s->alerts_json);
	jsonw_release(&s->feeds_json);
	jsonw_release(&s->unknown_json);
	jsonw_release(&s->history);
	jsonw_release(&s->message_json);
	alerts_free(&s->alerts);
	report_day_forget();
	engine_free(&s->engine);
	jsonw_release(&s->snapshot);
	free(s->message_text);
	free(s->message_from);
	config_free(&s->config);
	proc_free(&s->proc);
}

int
server_run(const char *path, struct config *config)
{
	struct server s = { .config_path = path, .config = config,
	    .config_loaded = proc_wall_ms() };
	struct journal_replay_result check = { 0 };
	uint64_t usec;

	s.service = (struct service){ .server = &s, .state = server_service_state,
	    .snapshot = server_service_snapshot, .alerts = server_service_alerts,
	    .reload = server_service_reload,
	    .message = notes_message, .ack = notes_ack,
	    .count_request = server_service_count };

	s.reject_log.period_ms = 10000;
	s.reject_log.burst = 10;
	s.limit_log.period_ms = 60000;
	s.limit_log.burst = 7;
	s.journal_log.period_ms = 60000;
	s.journal_log.burst = 2;
	s.proc = proc_new();
	s.alerts = alerts_new(config);
	server_timers(&s);
	if (server_state_dir(config->state_dir) != 0) {
		server_free(&s);
		return 1;
	}
	s.engine = server_rebuild(&s, config, true);
	if (config->n_nats_servers > 0 && s.stats.replayed == 0) {
		/* Nothing journaled: the day comes from the stream, from its
		 * start, each event at its own time; the clock starts there. */
		int64_t day = engine_day_start(s.engine);

		engine_free(&s.engine);
		s.engine = engine_new(config, day);
	}
	s.journal = journal_open_limits(config->state_dir, engine_day_start(s.engine),
	    &check, &(struct journal_limits){
		.keep_days = config->journal_keep_days,
		.max_bytes = config->journal_max_bytes,
		.max_pending = config->journal_max_pending });
	if (!journal_ok(s.journal))
		server_journal_failing(&s);     /* and tried again, as a full disk */
	s.zctx = zmq_ctx_new();
	if (server_sockets(&s) != 0) {
		server_free(&s);
		return 1;
	}
	if (sd_watchdog_enabled(0, &usec) > 0) {
		s.watchdog_ms = (int64_t)(usec / 2000);
		s.watchdog_timer = proc_timer_new(s.proc, server_on_watchdog, &s);
		proc_timer_after(s.watchdog_timer, s.watchdog_ms);
	}
	s.status_mono = proc_mono_ms();
	server_check_alerts(&s);
	server_publish(&s);
	sd_notify(0, "READY=1");
	log_msg(LOG_NOTICE, "wallboardd ready: %s, %zu queues, %zu feeds known",
	    path, config->n_queues, engine_feed_count(s.engine));
	server_config_warnings(config);
	proc_loop(s.proc);
	server_free(&s);
	return 0;
}
