/*
 * replay.c: the --replay mode of wallboardd.
 */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "engine.h"
#include "event.h"
#include "jsonw.h"
#include "log.h"
#include "report.h"
#include "snapshot.h"
#include "xalloc.h"

#define REPLAY_READ (64 << 10)

struct replay {
	const char *path;
	struct alerts *alerts;
	int64_t evaluated;      /* event time of the last alert evaluation */
	FILE *fp;
	char *fpbuf;            /* fp's buffer, REPLAY_READ bytes */
	char *line;
	size_t cap;
	long lineno;
	struct event_decoder *decoder;
	struct event ev;
};

/* The next non-blank line, without its line ending; NULL at the end. */
static const char *
replay_next_line(struct replay *r, size_t *len)
{
	ssize_t n;

	while ((n = getline(&r->line, &r->cap, r->fp)) >= 0) {
		r->lineno++;
		while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r'))
			n--;
		r->line[n] = '\0';
		if (strspn(r->line, " \t") == (size_t)n)
			continue;
		*len = (size_t)n;
		return r->line;
	}
	return NULL;
}

/* The ts of the first valid event: where the engine's clock starts. */
static bool
replay_first_ts(struct replay *r, int64_t *ts)
{
	const char *line;
	size_t len;

	while ((line = replay_next_line(r, &len)) != NULL)
		if (event_decode(r->decoder, line, len, &r->ev) == REJECT_NONE) {
			*ts = r->ev.ts;
			break;
		}
	rewind(r->fp);
	r->lineno = 0;
	return line != NULL;
}

/* Apply one line; false once the line lies after the cut-off (the rest of
 * the file is then the future, and is not read). */
static bool
replay_line(struct replay *r, struct engine *e, const char *line, size_t len,
    bool has_at, int64_t at)
{
	enum event_reject why = event_decode(r->decoder, line, len, &r->ev);

	if (has_at && r->ev.has_ts && r->ev.ts > at)
		return false;
	if (why != REJECT_NONE) {
		fprintf(stderr, "%s:%ld: rejected (%s): %s\n", r->path, r->lineno,
		    event_reject_name(why), event_decoder_error(r->decoder));
		engine_reject(e, r->ev.src, r->ev.has_seq, r->ev.seq);
		return true;
	}
	alerts_follow_until(r->alerts, e, r->ev.ts > engine_now(e) ? r->ev.ts :
	    engine_now(e), &r->evaluated);
	if (engine_apply(e, &r->ev) == ENGINE_ORPHAN && log_enabled(LOG_DEBUG))
		fprintf(stderr, "%s:%ld: orphan %s: changes no figure\n", r->path,
		    r->lineno, event_type_name(r->ev.type));
	alerts_follow_after(r->alerts, e, &r->evaluated);
	return true;
}

/* --report: the interval rows of the complete intervals up to the cut-off
 * (a boundary at it included: the clock is moved a millisecond past it,
 * no event being left to come at it). */
static void
replay_report(struct engine *e, int64_t report_ms, bool csv, int64_t until)
{
	struct report_request rq = { .interval_ms = report_ms, .until = until,
	    .format = csv ? REPORT_CSV : REPORT_JSON };
	struct report_text t = { 0 };

	engine_advance(e, until + 1);
	report_write(e, &rq, &t);
	fputs(t.buf, stdout);
	free(t.buf);
}

int
replay_run(const struct config *config, const char *path, bool has_at,
    int64_t at, int64_t report_ms, bool csv)
{
	struct replay r = { .path = path };
	struct jsonw w = { 0 };
	struct snapshot_meta meta = { .seq = 1 };
	struct jsonw alerts = { 0 };
	struct engine *e;
	const char *line;
	size_t len;
	int64_t start = has_at ? at : 0;

	r.fp = fopen(path, "r");
	if (r.fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	/* Read in 64 kB, not stdio's 4 kB: a day of some 100 MB was 27,000
	 * read calls, each costly on a virtual machine; 64 kB stays well
	 * inside the cache the engine's state needs. (glibc takes a size
	 * only with a buffer.) */
	r.fpbuf = xmalloc(REPLAY_READ);
	setvbuf(r.fp, r.fpbuf, _IOFBF, REPLAY_READ);
	r.decoder = event_decoder_new();
	if (replay_first_ts(&r, &start) && has_at && at < start)
		start = at;
	e = engine_new(config, start);
	r.alerts = alerts_new(config);
	r.evaluated = start;
	while ((line = replay_next_line(&r, &len)) != NULL)
		if (!replay_line(&r, e, line, len, has_at, at))
			break;
	if (has_at)
		engine_advance(e, at);
	if (report_ms > 0) {
		replay_report(e, report_ms, csv, engine_now(e));
		goto done;
	}
	alerts_follow_until(r.alerts, e, engine_now(e), &r.evaluated);
	alerts_evaluate(r.alerts, e, engine_now(e));   /* as of the snapshot */
	alerts_write_json(r.alerts, &alerts);
	meta.alerts_json = jsonw_text(&alerts);
	snapshot_write(&w, e, &meta);
	fputs(jsonw_text(&w), stdout);
	fputc('\n', stdout);
done:
	jsonw_release(&w);
	jsonw_release(&alerts);
	alerts_free(&r.alerts);
	engine_free(&e);
	event_decoder_free(&r.decoder);
	free(r.line);
	fclose(r.fp);
	free(r.fpbuf);
	return 0;
}
