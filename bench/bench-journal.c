/*
 * bench-journal.c: how fast the journal writes and replays a busy day.
 *
 * 2M generated protocol-v1 events (about 150 bytes of JSON each) go into a
 * journal in a temporary directory, then come back out:
 *
 *   write, batch 64     records per flush as on a busy floor (one write()
 *                       per loop wake-up)
 *   write, batch 1      one write() per event, a quiet floor's worst case
 *                       (200k records)
 *   bare write()        the JSON alone in the same batches, no journal: the
 *                       kernel's and the disk's share of the above
 *   open                journal_open on the full file: read once to verify
 *   replay              journal_replay_since, the callback touching each
 *                       payload (warm: the file in the page cache)
 *   replay, cold        the same after the file's pages were dropped
 *                       (posix_fadvise DONTNEED)
 *   replay + apply      replay, event_decode and engine_apply: the daemon's
 *                       restart cost for the day
 *
 * Replay figures are medians of 3 runs; the process pins itself to one core.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "event.h"
#include "gen.h"
#include "util.h"
#include "journal.h"
#include "xalloc.h"

#define RUNS 3
#define EVENTS 2000000
#define BATCH 64
#define SINGLE 200000
#define T_START 1795132800000LL  /* 2026-11-20T00:00Z */

static char dir[64];

static void
bench_clear_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char *path = xasprintf("%s/%s", dir, de->d_name);

		if (de->d_name[0] != '.')
			unlink(path);
		free(path);
	}
	if (d != NULL)
		closedir(d);
}

static size_t
bench_line_len(const struct gen_stream *s, size_t i)
{
	size_t end = i + 1 < s->n ? s->offsets[i + 1] : s->len;

	return end - s->offsets[i] - 1;        /* without the '\n' */
}

/* Each event's ts, read before the clock starts: the daemon has it decoded. */
static int64_t *
bench_times(const struct gen_stream *s)
{
	int64_t *t = xmalloc(s->n * sizeof *t);

	for (size_t i = 0; i < s->n; i++) {
		const char *ts = strstr(s->text + s->offsets[i], "\"ts\":");

		t[i] = ts ? strtoll(ts + 5, NULL, 10) : T_START;
	}
	return t;
}

/* Journal the first n events, flushing every `batch`; seconds taken. */
static double
bench_write(const struct gen_stream *s, const int64_t *times, size_t n, size_t batch)
{
	struct journal *j;
	double t0;

	bench_clear_dir();
	j = journal_open(dir, T_START, NULL);
	if (!journal_ok(j))
		fatalx("%s", journal_error(j));
	t0 = bench_seconds();
	for (size_t i = 0; i < n; i++) {
		journal_append(j, JOURNAL_EVENT, times[i],
		    s->text + s->offsets[i], bench_line_len(s, i));
		if ((i + 1) % batch == 0 && journal_flush(j) == -1)
			fatalx("%s", journal_error(j));
	}
	if (journal_flush(j) == -1)
		fatalx("%s", journal_error(j));
	t0 = bench_seconds() - t0;
	journal_sync(j);
	journal_free(&j);
	return t0;
}

/* The same JSON bytes in the same batches with bare write(): what the
 * kernel and disk cost, without the journal. */
static double
bench_bare_write(const struct gen_stream *s, size_t batch)
{
	char *path = xasprintf("%s/bare", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	double t0 = bench_seconds();

	for (size_t i = 0; i < s->n; i += batch) {
		size_t end = i + batch < s->n ? s->offsets[i + batch] : s->len;

		if (write(fd, s->text + s->offsets[i], end - s->offsets[i]) == -1)
			fatal("%s", path);
	}
	t0 = bench_seconds() - t0;
	fdatasync(fd);
	close(fd);
	unlink(path);
	free(path);
	return t0;
}

static int
bench_touch(const struct journal_record *rec, void *arg)
{
	*(uint64_t *)arg += rec->payload[rec->len / 2];
	return 0;
}

struct bench_apply {
	struct engine *engine;
	struct event_decoder *decoder;
};

static int
bench_apply(const struct journal_record *rec, void *arg)
{
	struct bench_apply *a = arg;
	struct event ev;

	engine_advance(a->engine, rec->clock_ms);
	if (rec->type == JOURNAL_EVENT && event_decode(a->decoder,
	    (const char *)rec->payload, rec->len, &ev) == REJECT_NONE)
		engine_apply(a->engine, &ev);
	return 0;
}

/* Drop the journal's pages from the page cache, for a cold read. */
static void
bench_evict(void)
{
	char name[JOURNAL_NAME_MAX];
	char *path = xasprintf("%s/%s", dir, journal_file_name(T_START, name));
	int fd = open(path, O_RDONLY);

	if (fd != -1) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	free(path);
}

static double
bench_replay(journal_replay_fn *fn, void *arg, bool cold, struct journal_replay_result *res)
{
	double t0;

	if (cold)
		bench_evict();
	t0 = bench_seconds();
	if (journal_replay_since(dir, T_START, fn, arg, res) == -1)
		fatalx("replay: %s", res->error);
	return bench_seconds() - t0;
}

static void
bench_report_writes(const struct gen_stream *s)
{
	int64_t *times = bench_times(s);
	double secs = bench_write(s, times, SINGLE, 1);

	printf("write, batch 1:  %.2f M records/s (%zu records, one write() each)\n",
	    SINGLE / secs / 1e6, (size_t)SINGLE);
	secs = bench_write(s, times, s->n, BATCH);
	printf("write, batch %d: %.2f M records/s, %.0f MB/s (%.3f s for %zu)\n",
	    BATCH, (double)s->n / secs / 1e6,
	    (double)(s->len + s->n * (JOURNAL_HEADER_SIZE - 1)) / secs / 1e6,
	    secs, s->n);
	secs = bench_bare_write(s, BATCH);
	printf("bare write():    %.0f MB/s (the JSON alone, same batches)\n",
	    (double)s->len / secs / 1e6);
	free(times);
}

static void
bench_report_open(void)
{
	struct journal_replay_result check;
	double t0 = bench_seconds();
	struct journal *j = journal_open(dir, T_START, &check);

	printf("open (verify):   %.3f s for %llu records\n", bench_seconds() - t0,
	    (unsigned long long)check.records);
	journal_free(&j);
}

static void
bench_report_replays(size_t n)
{
	struct journal_replay_result res;
	double warm[RUNS], cold[RUNS];
	uint64_t sum = 0;

	for (int r = 0; r < RUNS; r++) {
		warm[r] = bench_replay(bench_touch, &sum, false, &res);
		cold[r] = bench_replay(bench_touch, &sum, true, &res);
	}
	if (res.records != n)
		fatalx("replayed %llu of %zu", (unsigned long long)res.records, n);
	printf("replay, warm:    %.3f s: %.1f M records/s, %.0f MB/s\n",
	    bench_median(warm, RUNS), (double)n / bench_median(warm, RUNS) / 1e6,
	    (double)res.bytes / bench_median(warm, RUNS) / 1e6);
	printf("replay, cold:    %.3f s: %.1f M records/s, %.0f MB/s\n",
	    bench_median(cold, RUNS), (double)n / bench_median(cold, RUNS) / 1e6,
	    (double)res.bytes / bench_median(cold, RUNS) / 1e6);
}

static void
bench_report_apply(void)
{
	struct config *c = bench_config("site: {name: Bench, timezone: UTC}\nwindows: [15m, 60m]\n");
	struct bench_apply a = { .decoder = event_decoder_new() };
	struct journal_replay_result res;
	double secs[RUNS];

	for (int r = 0; r < RUNS; r++) {
		a.engine = engine_new(c, T_START);
		secs[r] = bench_replay(bench_apply, &a, false, &res);
		engine_free(&a.engine);
	}
	printf("replay + apply:  %.3f s (decode + engine, %llu records)\n",
	    bench_median(secs, RUNS), (unsigned long long)res.records);
	event_decoder_free(&a.decoder);
	config_free(&c);
}

int
main(void)
{
	struct gen_params p = { .agents = 1000, .queues = 50, .teams = 20,
	    .start_ms = T_START, .duration_ms = 24 * 3600 * 1000LL,
	    .calls_per_s = 10, .seed = 3, .max_events = EVENTS };
	struct gen *g = gen_new(&p);
	struct gen_stream s = { 0 };

	bench_pin();
	snprintf(dir, sizeof dir, "/tmp/wallboard-bench-journal-XXXXXX");
	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	gen_fill(g, &s, p.max_events);
	printf("stream: %zu events, %.0f bytes of JSON each on average\n",
	    s.n, (double)s.len / (double)s.n - 1);
	bench_report_writes(&s);
	bench_report_open();
	bench_report_replays(s.n);
	bench_report_apply();
	bench_clear_dir();
	rmdir(dir);
	gen_stream_free(&s);
	gen_free(&g);
	return 0;
}
