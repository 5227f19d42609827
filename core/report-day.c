/*
 * report-day.c: a kept day's engine rebuilt from its journal file, for a
 * report of a day older than the live engine keeps (issue 19, §6.13).
 *
 * The file is state_dir/journal-DAY.wbj, or state_dir/history/ once the
 * day has passed; it is replayed into a fresh engine as the daemon's
 * start-up replay does (events at their journaled clock, clock records,
 * rejects), then the clock is moved past the day's end so every interval
 * is complete. Bounded: a file larger than history.rebuild_max_bytes is
 * refused with a sentence (the offline route is named).
 *
 * The daemon's loop answers nothing else while a day replays, so the last
 * day rebuilt is kept (a team leader paging through one day asks again and
 * again; keyed by the day, its file's size and time, and the config) and
 * another day is rebuilt at most once per history.rebuild_every: a report
 * asking sooner is told to try again, counted, logged once in a while.
 * Memory: at most one old day's engine, besides the live one.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "event.h"
#include "history.h"
#include "journal.h"
#include "log.h"
#include "tz.h"
#include "xalloc.h"

struct report_day_replay {
	const struct config *config;
	struct engine *engine;
	struct event_decoder *decoder;
	struct event ev;
	struct journal_reject rej;
	int64_t stop;           /* events and clock moves after it (engine
	                         * time) are left out */
};

static int
report_day_record(const struct journal_record *r, void *arg)
{
	struct report_day_replay *rp = arg;
	struct journal_event je;

	if (rp->engine == NULL) {
		/* The engine starts where the journal does: at its first
		 * record's clock, or its first event's time when that is
		 * earlier (a recorded day sent at full speed, which the live
		 * daemon started at its first event too). */
		int64_t t = r->clock_ms;

		if (journal_event_decode(r, &je) && event_decode(rp->decoder,
		    je.data, je.len, &rp->ev) == REJECT_NONE && rp->ev.ts < t)
			t = rp->ev.ts;
		rp->engine = engine_new(rp->config, t);
		engine_keep_agent_intervals(rp->engine);
	}
	switch (r->type) {
	case JOURNAL_EVENT:
	case JOURNAL_STREAM_EVENT:
		/* As the daemon's own replay: the event moves the clock (its
		 * record's clock is the wall time it came at, which a recorded
		 * day sent at full speed is far ahead of); past `stop` in
		 * event time, left out. */
		if (journal_event_decode(r, &je) && event_decode(rp->decoder,
		    je.data, je.len, &rp->ev) == REJECT_NONE && rp->ev.ts <= rp->stop)
			engine_apply(rp->engine, &rp->ev);
		break;
	case JOURNAL_REJECT:
		if (journal_reject_decode(r, &rp->rej))
			engine_reject(rp->engine, rp->rej.src, rp->rej.has_seq,
			    rp->rej.seq);
		break;
	case JOURNAL_CLOCK:     /* its clock is the engine's time */
		if (r->clock_ms <= rp->stop)
			engine_advance(rp->engine, r->clock_ms);
		break;
	default:
		break;
	}
	return 0;
}

/* The last day rebuilt, and how often one is. */
static struct {
	const struct config *config;
	char day[16];
	off_t size;
	struct timespec mtime;
	struct engine *engine;
	bool rebuilt;           /* any day ever: last_ms is set */
	int64_t last_ms;        /* monotonic: when the last rebuild ended */
	struct report_day_stats stats;
	struct log_limiter said;
} report_days = { .said = { .period_ms = 60000, .burst = 1 } };

void
report_day_forget(void)
{
	engine_free(&report_days.engine);
	report_days.config = NULL;
	report_days.day[0] = '\0';
}

void
report_day_stats(struct report_day_stats *out)
{
	*out = report_days.stats;
}

/* The day's journal file, in state_dir or its history/; NULL if neither. */
static char *
report_day_path(const char *state_dir, int64_t day_start, struct stat *out)
{
	char name[JOURNAL_NAME_MAX];
	const char *const where[] = { "", "/history" };
	struct stat st;

	journal_file_name(day_start, name);
	for (size_t i = 0; i < 2; i++) {
		char *path = xasprintf("%s%s/%s", state_dir, where[i], name);

		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			*out = st;
			return path;
		}
		free(path);
	}
	return NULL;
}

/* The day's file, kept and not too big, and its bounds; NULL with a
 * sentence in err. */
static char *
report_day_file(const struct config *c, const char *day, int64_t *start,
    int64_t *end, struct stat *st, char *err, size_t errlen)
{
	int64_t t;
	struct tz *tz;
	char *path;

	if (!report_day_time(c, day, &t)) {
		snprintf(err, errlen, "day: YYYY-MM-DD");
		return NULL;
	}
	if ((tz = tz_load(c->timezone, NULL, 0)) == NULL)
		tz = tz_load("UTC", NULL, 0);
	*start = tz_day_start(tz, c->day_start_minutes, t);
	*end = tz_next_day_start(tz, c->day_start_minutes, *start);
	tz_free(&tz);
	if ((path = report_day_path(c->state_dir, *start, st)) == NULL) {
		snprintf(err, errlen, "that day is not kept: no journal of %s "
		    "(journal.keep_days keeps %lld days)", day,
		    (long long)c->journal_keep_days);
		return NULL;
	}
	if ((uint64_t)st->st_size > (uint64_t)c->history_rebuild_max_bytes) {
		snprintf(err, errlen, "that day's journal is %lld bytes, more "
		    "than history.rebuild_max_bytes: report it offline "
		    "(wallboardd --journal-export %s >FILE, then wallboardd -c "
		    "CONFIG --replay FILE --report 15m)", (long long)st->st_size,
		    day);
		free(path);
		return NULL;
	}
	return path;
}

/* Replay the file up to stop (a past day: past its end). */
static struct engine *
report_day_replay(const struct config *c, char *path, int64_t start,
    int64_t stop)
{
	struct report_day_replay rp = { .config = c, .stop = stop };
	struct journal_replay_result res = { 0 };

	rp.decoder = event_decoder_new();
	journal_replay(path, report_day_record, &rp, &res);
	event_decoder_free(&rp.decoder);
	free(path);
	if (rp.engine == NULL) {
		rp.engine = engine_new(c, start);
		engine_keep_agent_intervals(rp.engine);
	}
	engine_advance(rp.engine, stop);
	return rp.engine;
}

struct engine *
report_rebuild_day(const struct config *c, const char *day, char *err,
    size_t errlen)
{
	int64_t start, end;
	struct stat st;
	char *path = report_day_file(c, day, &start, &end, &st, err, errlen);

	return path == NULL ? NULL : report_day_replay(c, path, start, end + 1);
}

/* The day's engine: the one kept if it is that day's, else rebuilt (and
 * kept) unless another was rebuilt too recently. Today (live_now inside
 * the day) is replayed up to live_now, and its rebuild is kept while it is
 * younger than history.rebuild_every though the file grows (rows say
 * "as_of"). NULL with a sentence. */
static struct engine *
report_day_engine(const struct config *c, const char *day,
    int64_t (*mono_ms)(void), int64_t live_now, char *err, size_t errlen)
{
	int64_t start, end, now, wait;
	struct stat st;
	char *path = report_day_file(c, day, &start, &end, &st, err, errlen);
	bool today;

	if (path == NULL)
		return NULL;
	today = start <= live_now && live_now < end;
	now = mono_ms != NULL ? mono_ms() : 0;
	if (report_days.engine != NULL && report_days.config == c &&
	    strcmp(report_days.day, day) == 0 &&
	    ((report_days.size == st.st_size &&
	    report_days.mtime.tv_sec == st.st_mtim.tv_sec &&
	    report_days.mtime.tv_nsec == st.st_mtim.tv_nsec) ||
	    (today && mono_ms != NULL &&
	    now - report_days.last_ms < c->history_rebuild_every_ms))) {
		free(path);
		report_days.stats.kept++;
		return report_days.engine;
	}
	wait = report_days.last_ms + c->history_rebuild_every_ms - now;
	if (mono_ms != NULL && report_days.rebuilt &&
	    c->history_rebuild_every_ms > 0 && wait > 0) {
		free(path);
		report_days.stats.refused++;
		snprintf(err, errlen, "busy: another day was rebuilt from its "
		    "journal %lld s ago (history.rebuild_every): try again in "
		    "%lld s", (long long)((now - report_days.last_ms) / 1000),
		    (long long)((wait + 999) / 1000));
		log_limited(&report_days.said, now, LOG_NOTICE, "report: %s "
		    "refused (%llu so far): %s", day,
		    (unsigned long long)report_days.stats.refused, err);
		return NULL;
	}
	report_day_forget();
	report_days.engine = report_day_replay(c, path, start,
	    today ? live_now : end + 1);
	report_days.config = c;
	snprintf(report_days.day, sizeof report_days.day, "%s", day);
	report_days.size = st.st_size;
	report_days.mtime = st.st_mtim;
	report_days.rebuilt = true;
	report_days.last_ms = mono_ms != NULL ? mono_ms() : 0;
	report_days.stats.rebuilt++;
	report_days.stats.last_ms = report_days.last_ms - now;
	report_days.stats.bytes = (uint64_t)st.st_size;
	return report_days.engine;
}

/* "YYYY-MM-DD" of the local day starting at day_start. */
static const char *
report_day_name(const struct config *c, int64_t day_start, char buf[16])
{
	struct tz *tz = tz_load(c->timezone, NULL, 0);
	int64_t local;
	time_t secs;
	struct tm tm;

	if (tz == NULL)
		tz = tz_load("UTC", NULL, 0);
	/* an hour in, clear of the day's start minute */
	local = day_start + 3600000 + (int64_t)tz_offset(tz, day_start) * 1000 -
	    (int64_t)c->day_start_minutes * 60000;
	tz_free(&tz);
	secs = (time_t)(local / 1000);
	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(buf, 16, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000,
	    (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
	return buf;
}

bool
report_answer_any_day(struct engine *e, const char *day, const char *interval,
    struct report_request *rq, struct report_text *out, char *err,
    size_t errlen)
{
	const struct config *c = engine_config(e);
	struct engine *old;
	int64_t t, start, end;
	char today[16];

	if (report_wants_agents(rq)) {
		/* Agents' figures only ever come from a rebuilt day: the
		 * live engine keeps none (docs/history.md). */
		if (day == NULL || *day == '\0')
			day = report_day_name(c, engine_day_start(e), today);
		old = report_day_engine(c, day, rq->mono_ms, engine_now(e), err,
		    errlen);
		if (old == NULL)
			return false;
		rq->until = 0;
		return report_answer_kind(old, day, interval, rq, out, err,
		    errlen);
	}
	if (day == NULL || *day == '\0' || !report_day_time(c, day, &t) ||
	    history_day_of(engine_history(e), t, &start, &end) ||
	    t >= engine_now(e))
		return report_answer_kind(e, day, interval, rq, out, err, errlen);
	if ((old = report_day_engine(c, day, rq->mono_ms, engine_now(e), err,
	    errlen)) == NULL)
		return false;
	rq->until = 0;
	return report_answer_kind(old, day, interval, rq, out, err, errlen);
}
