/*
 * test-journal.c: the journal of applied events (core/journal.c): records come
 * back whole and in order, a torn tail is ignored at every byte, damage in
 * the middle is reported and never passed over silently, days roll and old
 * files go, and a write error turns the journal off without harm.
 */
#include "testutil.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"

#define DAY (24 * 3600 * 1000LL)
#define D0 1795132800000LL      /* 2026-11-20T00:00Z */
#define H 24                    /* JOURNAL_HEADER_SIZE, short for offsets */
#define F 48                    /* JOURNAL_FILE_HEADER_SIZE: where records start */

/* A fresh temporary directory per test. */
static char dir[64];

static int
setup_dir(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/wallboard-journal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
remove_dir(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	return 0;
}

/* ---- Collecting what a replay hands on. */

#define MAX_SEEN 64

struct seen {
	size_t n;
	unsigned type[MAX_SEEN];
	int64_t clock[MAX_SEEN];
	size_t len[MAX_SEEN];
	unsigned char *payload[MAX_SEEN];
};

static int
seen_add(const struct journal_record *rec, void *arg)
{
	struct seen *s = arg;

	assert_true(s->n < MAX_SEEN);
	s->type[s->n] = rec->type;
	s->clock[s->n] = rec->clock_ms;
	s->len[s->n] = rec->len;
	s->payload[s->n] = malloc(rec->len + 1);
	memcpy(s->payload[s->n], rec->payload, rec->len);
	s->n++;
	return 0;
}

static void
seen_clear(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->payload[i]);
	memset(s, 0, sizeof *s);
}

static char *
path_of(int64_t day_start)
{
	char name[JOURNAL_NAME_MAX];
	static char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, journal_file_name(day_start, name));
	return path;
}

static bool
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static off_t
file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* The whole file, into a fresh buffer. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;

	assert_non_null(f);
	*len = (size_t)file_size(path);
	buf = malloc(*len + 1);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void
spill(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* A journal for day D0 holding n EVENT records "event <i> ..." of
 * payload_len bytes each, clock D0 + i s. Returns the file's path. */
static const char *
write_events(int n, size_t payload_len)
{
	struct journal *j = journal_open(dir, D0, NULL);
	char payload[1024];

	assert_true(journal_ok(j));
	for (int i = 0; i < n; i++) {
		memset(payload, 'x', sizeof payload);
		snprintf(payload, sizeof payload, "{\"event\": %d}", i);
		payload[strlen(payload)] = ' ';
		assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + i * 1000LL,
		    payload, payload_len), 0);
	}
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
	assert_null(j);
	return path_of(D0);
}

/* ---- Tests. */

static void
test_crc32c(void **state)
{
	const char *check = "123456789";

	/* The standard check value of CRC-32C (Castagnoli). */
	assert_int_equal(journal_crc32c(0, check, 9), 0xe3069283);
	/* In pieces, across the 8-byte stride, the same. */
	assert_int_equal(journal_crc32c(journal_crc32c(0, check, 3), check + 3, 6),
	    0xe3069283);
	assert_int_equal(journal_crc32c(0, "", 0), 0);
	/* The table version gives the same standard value ... */
	assert_int_equal(journal_crc32c_portable(0, check, 9), 0xe3069283);
	/* ... and agrees with the instruction on every length and alignment
	 * of a pseudo-random buffer, whole and in two pieces. */
	unsigned char buf[300];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; off + len <= sizeof buf; len += 7) {
			uint32_t whole = journal_crc32c_portable(0, buf + off, len);

			assert_int_equal(journal_crc32c(0, buf + off, len), whole);
			assert_int_equal(journal_crc32c(journal_crc32c(0, buf + off,
			    len / 3), buf + off + len / 3, len - len / 3), whole);
		}
}

static void
test_file_name(void **state)
{
	char name[JOURNAL_NAME_MAX];

	assert_string_equal(journal_file_name(D0, name),
	    "journal-20261120T0000Z-1795132800000.wbj");
	/* Local midnight in London summer time is 23:00 UTC the day before. */
	assert_string_equal(journal_file_name(D0 - 3600000, name),
	    "journal-20261119T2300Z-1795129200000.wbj");
}

static void
test_round_trip(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	struct journal_reject rj;
	struct journal_record rec;
	struct seen s = { 0 };
	static unsigned char big[JOURNAL_PAYLOAD_MAX + 1];
	const char *ev = "{\"type\":\"call.queued\",\"ts\":1795132800000,\"call\":\"c1\",\"queue\":\"q\"}";

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7);
	assert_true(journal_ok(j));
	assert_string_equal(journal_error(j), "");
	assert_int_equal(journal_day_start(j), D0);
	assert_string_equal(journal_path(j), path_of(D0));
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 1, ev, strlen(ev)), 0);
	assert_int_equal(journal_append_reject(j, D0 + 2, "pbx1", true, 42), 0);
	assert_int_equal(journal_append_reject(j, D0 + 3, NULL, false, 0), 0);
	assert_int_equal(journal_append(j, JOURNAL_CLOCK, D0 + 4, NULL, 0), 0);
	assert_int_equal(journal_append(j, JOURNAL_MESSAGE, D0 + 5, "hi", 2), 0);
	assert_int_equal(journal_append(j, JOURNAL_ACK, D0 + 6, "a1", 2), 0);
	assert_int_equal(journal_append(j, 200, -7, "new", 3), 0);
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 8, big, JOURNAL_PAYLOAD_MAX), 0);
	/* Refused, and nothing of them buffered. */
	errno = 0;
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0, big, sizeof big), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(journal_append(j, 0, D0, "x", 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(journal_size(j), 0);   /* nothing written before a flush */
	assert_int_equal(journal_flush(j), 0);
	assert_int_equal(journal_flush(j), 0);  /* nothing more to write */
	journal_free(&j);

	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 8);
	assert_int_equal(res.records, 8);
	assert_int_equal(res.files, 1);
	assert_false(res.torn_tail);
	assert_false(res.corrupt);
	assert_string_equal(res.error, "");
	assert_int_equal(res.header_bytes, F);
	assert_int_equal(res.bytes + F, file_size(path_of(D0)));
	assert_int_equal(res.bytes, 8 * H + strlen(ev) + 14 + 9 + 0 + 2 + 2 + 3 +
	    JOURNAL_PAYLOAD_MAX);

	assert_int_equal(s.type[0], JOURNAL_EVENT);
	assert_int_equal(s.clock[0], D0 + 1);
	assert_int_equal(s.len[0], strlen(ev));
	assert_memory_equal(s.payload[0], ev, strlen(ev));

	rec = (struct journal_record){ .type = s.type[1], .payload = s.payload[1], .len = s.len[1] };
	assert_true(journal_reject_decode(&rec, &rj));
	assert_string_equal(rj.src, "pbx1");
	assert_true(rj.has_seq);
	assert_int_equal(rj.seq, 42);
	assert_int_equal(s.clock[1], D0 + 2);
	rec = (struct journal_record){ .type = s.type[2], .payload = s.payload[2], .len = s.len[2] };
	assert_true(journal_reject_decode(&rec, &rj));
	assert_null(rj.src);
	assert_false(rj.has_seq);

	assert_int_equal(s.type[3], JOURNAL_CLOCK);
	assert_int_equal(s.clock[3], D0 + 4);
	assert_int_equal(s.len[3], 0);
	assert_int_equal(s.type[4], JOURNAL_MESSAGE);
	assert_memory_equal(s.payload[4], "hi", 2);
	assert_int_equal(s.type[5], JOURNAL_ACK);
	assert_memory_equal(s.payload[5], "a1", 2);
	/* A type this build does not know is handed on, for the caller to skip. */
	assert_int_equal(s.type[6], 200);
	assert_int_equal(s.clock[6], -7);
	assert_int_equal(s.len[7], JOURNAL_PAYLOAD_MAX);
	assert_memory_equal(s.payload[7], big, JOURNAL_PAYLOAD_MAX);
	seen_clear(&s);
}

static void
test_reject_decode_refuses(void **state)
{
	struct journal_reject rj;
	struct journal_record rec = { .type = JOURNAL_REJECT };
	const unsigned char no_nul[] = { 3, 1, 0, 0, 0, 0, 0, 0, 0, 'a', 'b' };
	const unsigned char two_nul[] = { 2, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 0, 'b', 0 };
	const unsigned char no_src_extra[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 'a' };
	const unsigned char bad_flags[] = { 4, 0, 0, 0, 0, 0, 0, 0, 0 };
	const unsigned char empty_src[] = { 2, 0, 0, 0, 0, 0, 0, 0, 0 };

	rec.payload = no_nul, rec.len = sizeof no_nul;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.payload = two_nul, rec.len = sizeof two_nul;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.payload = no_src_extra, rec.len = sizeof no_src_extra;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.payload = bad_flags, rec.len = sizeof bad_flags;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.payload = empty_src, rec.len = sizeof empty_src;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.payload = bad_flags, rec.len = 5;
	assert_false(journal_reject_decode(&rec, &rj));
	rec.type = JOURNAL_EVENT, rec.payload = empty_src, rec.len = sizeof empty_src;
	assert_false(journal_reject_decode(&rec, &rj));
}

/* Cut the file anywhere inside its last record: the earlier records come
 * back whole, the tail is counted and nothing is an error. */
static void
test_torn_tail_every_byte(void **state)
{
	const char *path = write_events(4, 150);
	size_t len, last = F + 3 * (H + 150);
	unsigned char *whole = slurp(path, &len);
	struct journal_replay_result res;
	struct seen s = { 0 };

	assert_int_equal(len, F + 4 * (H + 150));
	for (size_t cut = last; cut <= len; cut++) {
		spill(path, whole, cut);
		assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
		assert_int_equal(s.n, cut == len ? 4 : 3);
		assert_int_equal(res.bytes, (cut == len ? len : last) - F);
		assert_int_equal(res.torn_tail, cut != last && cut != len);
		assert_int_equal(res.torn_bytes, cut == len ? 0 : cut - last);
		assert_false(res.corrupt);
		assert_string_equal(res.error, "");
		for (size_t i = 0; i < s.n; i++) {
			assert_int_equal(s.len[i], 150);
			assert_memory_equal(s.payload[i], whole + F + i * (H + 150) + H, 150);
		}
		seen_clear(&s);
	}
	free(whole);
}

/* ingest.nats: an event and its stream position are one record, so a
 * write a kill cuts short anywhere leaves a journal whose last position is
 * that of its last whole event: a restart reads the stream from the next
 * one, nothing twice and nothing skipped. Cut at every byte of a 3-event
 * batch (seqs 101..103, what the stream had after each: 9, 8, 7). */
struct stream_seen {
	unsigned events;
	uint64_t seq, pending;
	char last[32];
};

static int
stream_seen_add(const struct journal_record *rec, void *arg)
{
	struct stream_seen *s = arg;
	struct journal_event ev;

	assert_true(journal_event_decode(rec, &ev));
	s->events++;
	s->seq = ev.stream_seq;
	s->pending = ev.stream_pending;
	assert_true(ev.len < sizeof s->last);
	memcpy(s->last, ev.data, ev.len);
	s->last[ev.len] = '\0';
	return 0;
}

static void
test_stream_event_position_whole(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	const char *ev[3] = { "{\"n\": 1}", "{\"n\": 22}", "{\"n\": 333}" };
	struct journal_replay_result res;
	struct journal_record rec = { 0 };
	struct journal_event je;
	size_t len, ends[3], at = F;
	unsigned char *whole;
	const char *path;

	assert_true(journal_ok(j));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(journal_append_stream_event(j, D0 + i,
		    101 + (uint64_t)i, 9 - (uint64_t)i, ev[i], strlen(ev[i])), 0);
		at += H + 16 + strlen(ev[i]);
		ends[i] = at;
	}
	/* the event and its position cannot outgrow a record together */
	assert_int_equal(journal_append_stream_event(j, D0, 1, 0, ev[0],
	    JOURNAL_PAYLOAD_MAX - 15), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);
	path = path_of(D0);
	whole = slurp(path, &len);
	assert_int_equal(len, ends[2]);
	for (size_t cut = F; cut <= len; cut++) {
		struct stream_seen s = { 0 };
		unsigned whole_events = cut >= ends[2] ? 3 : cut >= ends[1] ? 2 :
		    cut >= ends[0] ? 1 : 0;

		spill(path, whole, cut);
		assert_int_equal(journal_replay(path, stream_seen_add, &s, &res), 0);
		assert_int_equal(s.events, whole_events);
		if (whole_events > 0) {
			assert_int_equal(s.seq, 100 + whole_events);
			assert_int_equal(s.pending, 10 - whole_events);
			assert_string_equal(s.last, ev[whole_events - 1]);
		}
	}
	/* a plain event has no position; a record too short for one, and any
	 * other type, is not an event */
	rec.type = JOURNAL_EVENT, rec.payload = (const unsigned char *)"{}", rec.len = 2;
	assert_true(journal_event_decode(&rec, &je));
	assert_int_equal(je.stream_seq, 0);
	assert_int_equal(je.len, 2);
	rec.type = JOURNAL_STREAM_EVENT, rec.len = 15;
	rec.payload = (const unsigned char *)"0123456789abcdef";
	assert_false(journal_event_decode(&rec, &je));
	rec.len = 16;
	assert_true(journal_event_decode(&rec, &je));
	assert_int_equal(je.len, 0);
	rec.type = JOURNAL_STREAM;
	assert_false(journal_event_decode(&rec, &je));
	free(whole);
}

/* A power cut can leave the file longer than what reached the disk, filled
 * with zeros: a torn tail too. */
static void
test_zero_filled_tail(void **state)
{
	const char *path = write_events(3, 100);
	size_t len;
	unsigned char *buf = slurp(path, &len);
	struct journal_replay_result res;
	struct seen s = { 0 };

	buf = realloc(buf, len + 4096);
	memset(buf + len, 0, 4096);
	spill(path, buf, len + 4096);
	assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
	assert_int_equal(s.n, 3);
	assert_true(res.torn_tail);
	assert_int_equal(res.torn_bytes, 4096);
	seen_clear(&s);
	free(buf);
}

/* Every single bit flipped in the third of five records, header or payload,
 * costs that record only: it is skipped, counted exactly and told, and the
 * replay goes on with the fourth. */
static void
test_flipped_bit_in_middle(void **state)
{
	const char *path = write_events(5, 30);
	size_t len, rec = H + 30, at = F + 2 * rec;
	unsigned char *whole = slurp(path, &len);
	struct journal_replay_result res;
	struct seen s = { 0 };
	char expect[64];

	snprintf(expect, sizeof expect, "%zu damaged bytes at byte %zu", rec, at);
	for (size_t bit = 0; bit < rec * 8; bit++) {
		whole[at + bit / 8] ^= (unsigned char)(1u << (bit % 8));
		spill(path, whole, len);
		whole[at + bit / 8] ^= (unsigned char)(1u << (bit % 8));
		assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
		assert_int_equal(s.n, 4);
		assert_int_equal(s.clock[2], D0 + 3000);
		assert_int_equal(s.clock[3], D0 + 4000);
		assert_true(res.corrupt);
		assert_false(res.torn_tail);
		assert_int_equal(res.records, 4);
		assert_int_equal(res.bytes, 4 * rec);
		assert_int_equal(res.lost_bytes, rec);
		assert_int_equal(res.lost_records, 1);
		assert_false(res.lost_estimated);
		assert_int_equal(res.regions, 1);
		assert_int_equal(res.first_offset, at);
		assert_int_equal(res.first_length, rec);
		assert_non_null(strstr(res.error, expect));
		assert_non_null(strstr(res.error, path));
		seen_clear(&s);
	}
	free(whole);
}

/* Reopening cuts the torn tail, so that new records follow whole ones. */
static void
test_reopen_cuts_torn_tail(void **state)
{
	const char *path = write_events(3, 50);
	size_t good = F + 2 * (H + 50);
	struct journal_replay_result check, res;
	struct journal *j;
	struct seen s = { 0 };

	assert_int_equal(truncate(path, (off_t)good + 33), 0);
	j = journal_open(dir, D0, &check);
	assert_true(journal_ok(j));
	assert_true(check.torn_tail);
	assert_int_equal(check.torn_bytes, 33);
	assert_int_equal(check.records, 2);
	assert_int_equal(journal_size(j), good);
	assert_int_equal(file_size(path), good);
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 10, "after", 5), 0);
	assert_int_equal(journal_append(j, JOURNAL_CLOCK, D0 + 11, NULL, 0), 0);
	assert_int_equal(journal_flush(j), 0);
	assert_int_equal(journal_size(j), good + H + 5 + H);
	journal_free(&j);

	assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
	assert_false(res.torn_tail);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.clock[1], D0 + 1000);
	assert_int_equal(s.clock[2], D0 + 10);
	assert_memory_equal(s.payload[2], "after", 5);
	assert_int_equal(s.type[3], JOURNAL_CLOCK);
	seen_clear(&s);
}

/* How many "<file>.damaged-*" copies the directory holds. */
static int
count_copies(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strstr(de->d_name, ".damaged-") != NULL;
	closedir(d);
	return n;
}

/* Damage in the middle is never cut: the file keeps every byte, the damaged
 * ones are copied once for a person (not again at the next open), appends
 * go after the last whole record, and a replay skips the damage each time. */
static void
test_reopen_after_damage(void **state)
{
	const char *path = write_events(4, 40);
	size_t len, rec = H + 40, at = F + rec;
	unsigned char *whole = slurp(path, &len);
	struct journal_replay_result check, res;
	char copy[600];
	unsigned char *kept;
	struct journal *j;
	struct seen s = { 0 };
	size_t klen;

	whole[at + H + 5] ^= 0x10;
	spill(path, whole, len);
	j = journal_open(dir, D0, &check);
	assert_true(journal_ok(j));
	assert_true(check.corrupt);
	assert_int_equal(check.lost_bytes, rec);
	assert_int_equal(check.lost_records, 1);
	snprintf(copy, sizeof copy, "%s.damaged-%zu-%zu", path, at, rec);
	assert_string_equal(check.first_copy, copy);
	assert_non_null(strstr(check.error, copy));
	kept = slurp(copy, &klen);
	assert_int_equal(klen, rec);
	assert_memory_equal(kept, whole + at, rec);
	free(kept);
	assert_int_equal(file_size(path), len);
	assert_int_equal(journal_size(j), len);
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 9, "next", 4), 0);
	journal_free(&j);       /* flushes */

	assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.clock[0], D0);
	assert_int_equal(s.clock[1], D0 + 2000);
	assert_memory_equal(s.payload[3], "next", 4);
	assert_int_equal(res.lost_records, 1);
	assert_int_equal(res.lost_bytes, rec);
	seen_clear(&s);

	/* Again and again: the same region, no new copy. */
	for (int i = 0; i < 3; i++) {
		j = journal_open(dir, D0, &check);
		assert_true(journal_ok(j));
		assert_int_equal(check.regions, 1);
		assert_int_equal(check.lost_records, 1);
		journal_free(&j);
	}
	assert_int_equal(count_copies(), 1);
	free(whole);
}

/* ---- Damage at random places. */

/* A small seeded generator, so that a failure comes back the same. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct order {
	int next;               /* the record expected next, or one after it */
	size_t n;
	const bool *touched;
};

/* The records handed on are the untouched ones, in order. */
static int
order_fn(const struct journal_record *rec, void *arg)
{
	struct order *o = arg;
	int i;

	memcpy(&i, rec->payload, sizeof i);
	while (o->touched[o->next])
		o->next++;
	assert_int_equal(i, o->next);
	assert_int_equal(rec->seq, (uint32_t)i + 1);
	o->next++;
	o->n++;
	return 0;
}

#define MANY 3000

/*
 * A journal of MANY records of 10-300 bytes, damaged by flipped bytes and
 * zeroed blocks (up to 4 KiB) at random places, in many seeded rounds:
 * every record whose bytes did not change comes back, in order; the lost
 * count is exact (the sequence numbers); each damaged region is copied once,
 * however often the file is opened again.
 */
static void
test_random_damage(void **state)
{
	static size_t start[MANY + 1];
	struct journal_replay_result res, check;
	struct seen s = { 0 };
	struct journal *j;
	char payload[300];

	for (uint64_t seed = 1; seed <= 40; seed++) {
		uint64_t rs = seed * 0x9e3779b97f4a7c15ULL;
		unsigned char *whole, *bad;
		bool touched[MANY];
		size_t len, expect = 0, lost = 0, runs = 0;
		int hits = 1 + (int)(rnd(&rs) % 6);

		j = journal_open(dir, D0, NULL);
		start[0] = F;
		for (int i = 0; i < MANY; i++) {
			size_t n = 10 + rnd(&rs) % 291;

			memset(payload, 'a' + i % 26, n);
			memcpy(payload, &i, sizeof i);
			assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + i,
			    payload, n), 0);
			start[i + 1] = start[i] + H + n;
		}
		assert_int_equal(journal_flush(j), 0);
		journal_free(&j);
		whole = slurp(path_of(D0), &len);
		assert_int_equal(len, start[MANY]);
		bad = malloc(len);
		memcpy(bad, whole, len);
		/* Damage after the file header, before the last record (the
		 * last one damaged would be a torn tail, counted apart). */
		for (int k = 0; k < hits; k++) {
			size_t span = start[MANY - 1] - F;
			size_t at = F + rnd(&rs) % span, n;

			if (rnd(&rs) % 2) {
				bad[at] ^= (unsigned char)(1 + rnd(&rs) % 255);
			} else {
				n = 1 + rnd(&rs) % 4096;
				if (at + n > start[MANY - 1])
					n = start[MANY - 1] - at;
				memset(bad + at, 0, n);
			}
		}
		for (int i = 0; i < MANY; i++) {
			touched[i] = memcmp(whole + start[i], bad + start[i],
			    start[i + 1] - start[i]) != 0;
			if (touched[i]) {
				lost++;
				runs += i == 0 || !touched[i - 1];
			} else
				expect++;
		}
		spill(path_of(D0), bad, len);

		/* seen_add holds MAX_SEEN: count and check order here. */
		struct order o = { 0, 0, touched };

		assert_int_equal(journal_replay(path_of(D0), order_fn, &o, &res), 0);
		assert_int_equal(o.n, expect);
		assert_int_equal(res.records, expect);
		assert_int_equal(res.lost_records, lost);
		assert_int_equal(res.regions, runs);
		assert_false(res.torn_tail);
		assert_int_equal(res.bytes + res.lost_bytes + F, len);

		for (int r = 0; r < 3; r++) {
			j = journal_open(dir, D0, &check);
			assert_true(journal_ok(j));
			assert_int_equal(check.lost_records, lost);
			journal_free(&j);
		}
		assert_int_equal(count_copies(), (int)runs);
		remove_dir(NULL);
		setup_dir(NULL);
		free(whole);
		free(bad);
	}
	seen_clear(&s);
}

/* A whole record of another file (another salt) quoted inside a payload is
 * never taken for a record, even when the reader looks for one right there
 * after damage. */
static void
test_quoted_record_not_taken(void **state)
{
	struct journal_replay_result res;
	struct seen s = { 0 };
	unsigned char *other, *whole;
	size_t olen, len, at;
	struct journal *j;

	write_events(3, 60);
	other = slurp(path_of(D0), &olen);
	remove_dir(NULL);
	setup_dir(NULL);
	j = journal_open(dir, D0, NULL);
	journal_append(j, JOURNAL_EVENT, D0 + 1, "first", 5);
	/* The payload: records 2 and 3 of the other file, verbatim. */
	journal_append(j, JOURNAL_EVENT, D0 + 2, other + F + (H + 60), 2 * (H + 60));
	journal_append(j, JOURNAL_EVENT, D0 + 3, "last", 4);
	journal_free(&j);
	whole = slurp(path_of(D0), &len);
	at = F + H + 5;         /* the second record's header */
	whole[at] ^= 0xff;
	spill(path_of(D0), whole, len);
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 2);
	assert_memory_equal(s.payload[0], "first", 5);
	assert_memory_equal(s.payload[1], "last", 4);
	assert_int_equal(res.lost_records, 1);
	assert_int_equal(res.lost_bytes, H + 2 * (H + 60));
	seen_clear(&s);
	free(other);
	free(whole);
}

/* A format 2 record sealed with `salt`, as someone who chose the salt
 * would forge it. */
static size_t
v2_forge(unsigned char *p, uint64_t salt, unsigned type, uint32_t seq,
    const void *payload, size_t n)
{
	unsigned char s[8];
	uint32_t crc;

	memset(p, 0, H);
	p[0] = 0xb1, p[1] = 'J', p[2] = 2, p[3] = (unsigned char)type;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (unsigned char)(n >> (8 * i));
		p[16 + i] = (unsigned char)(seq >> (8 * i));
	}
	memcpy(p + H, payload, n);
	for (int i = 0; i < 8; i++)
		s[i] = (unsigned char)(salt >> (8 * i));
	crc = journal_crc32c(0, s, 8);
	crc = journal_crc32c(crc, p, 20);
	crc = journal_crc32c(crc, p + H, n);
	for (int i = 0; i < 4; i++)
		p[20 + i] = (unsigned char)(crc >> (8 * i));
	return H + n;
}

/* A payload made to hold a whole file header (with a salt of its maker's)
 * and a record sealed with that salt: after damage just before it, the
 * reader must not take either (a file header counts only at the start). */
static void
test_forged_file_header_not_taken(void **state)
{
	unsigned char forged[256], hdr[24] = { 0 }, *whole;
	struct journal_replay_result res;
	struct seen s = { 0 };
	struct journal *j;
	size_t n = 0, len;

	for (int i = 0; i < 24; i++)
		hdr[i] = (unsigned char)(i < 8 || i >= 16 ? 0x42 : 0);
	n += v2_forge(forged + n, 0x4242424242424242ULL, JOURNAL_FILE, 0, hdr, 24);
	n += v2_forge(forged + n, 0x4242424242424242ULL, JOURNAL_EVENT, 2, "evil", 4);
	j = journal_open(dir, D0, NULL);
	journal_append(j, JOURNAL_EVENT, D0 + 1, "first", 5);
	journal_append(j, JOURNAL_EVENT, D0 + 2, forged, n);
	journal_append(j, JOURNAL_EVENT, D0 + 3, "last", 4);
	journal_free(&j);
	whole = slurp(path_of(D0), &len);
	whole[F + H + 5 + 1] ^= 0xff;   /* the forged record's holder */
	spill(path_of(D0), whole, len);
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 2);
	assert_memory_equal(s.payload[1], "last", 4);
	assert_int_equal(res.lost_records, 1);
	seen_clear(&s);
	free(whole);
}

/* A damaged file header costs nothing while a copy of its salt is whole. */
static void
test_damaged_file_header(void **state)
{
	const char *path = write_events(3, 20);
	struct journal_replay_result res;
	struct seen s = { 0 };
	unsigned char *whole;
	size_t len;
	const size_t spots[] = { 0, 3, 9, 18, H + 3, H + 12, H + 20, F - 1 };

	whole = slurp(path, &len);
	for (size_t k = 0; k < sizeof spots / sizeof spots[0]; k++) {
		whole[spots[k]] ^= 0x40;
		spill(path, whole, len);
		whole[spots[k]] ^= 0x40;
		assert_int_equal(journal_replay(path, seen_add, &s, &res), 0);
		assert_int_equal(s.n, 3);
		assert_int_equal(res.lost_records, 0);
		assert_int_equal(res.regions, 1);
		assert_int_equal(res.first_offset, 0);
		assert_int_equal(res.first_length, F);
		seen_clear(&s);
	}
	free(whole);
}

/* A format 1 record, as an older daemon wrote it. */
static size_t
v1_record(unsigned char *p, unsigned type, int64_t clock, const char *payload)
{
	size_t n = strlen(payload);
	uint32_t crc;

	p[0] = 0xb1, p[1] = 'J', p[2] = 1, p[3] = (unsigned char)type;
	for (int i = 0; i < 4; i++)
		p[4 + i] = (unsigned char)(n >> (8 * i));
	for (int i = 0; i < 8; i++)
		p[8 + i] = (unsigned char)((uint64_t)clock >> (8 * i));
	memcpy(p + 20, payload, n);
	crc = journal_crc32c(0, p, 16);
	crc = journal_crc32c(crc, p + 20, n);
	for (int i = 0; i < 4; i++)
		p[16 + i] = (unsigned char)(crc >> (8 * i));
	return 20 + n;
}

/* An older daemon's file (format 1) is replayed, its damage skipped (the
 * loss estimated), and appended to in format 1. */
static void
test_format_1(void **state)
{
	unsigned char buf[1024], *whole;
	struct journal_replay_result res, check;
	struct seen s = { 0 };
	struct journal *j;
	size_t len = 0, at = 0;
	char p[32];

	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof p, "{\"old\": %d}", i);
		if (i == 2)
			at = len;
		len += v1_record(buf + len, JOURNAL_EVENT, D0 + i, p);
	}
	spill(path_of(D0), buf, len);
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(res.bytes, len);
	seen_clear(&s);

	buf[at + 22] ^= 1;
	spill(path_of(D0), buf, len);
	j = journal_open(dir, D0, &check);
	assert_true(journal_ok(j));
	assert_int_equal(check.lost_records, 1);
	assert_true(check.lost_estimated);
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 9, "new", 3), 0);
	journal_free(&j);
	whole = slurp(path_of(D0), &len);
	assert_int_equal(whole[len - 23 + 2], 1);       /* format 1 still */
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 5);
	assert_memory_equal(s.payload[4], "new", 3);
	assert_int_equal(res.lost_records, 1);
	seen_clear(&s);
	free(whole);
}

/* Records that wait for the disk when the day ends go to the next day's
 * file, sealed again for it (its salt, its numbers): they read back whole
 * there, after its own file header. */
static void
test_waiting_records_resealed(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	struct rlimit old, small;
	struct seen s = { 0 };
	char payload[100];

	memset(payload, 'p', sizeof payload);
	journal_append(j, JOURNAL_EVENT, D0, payload, sizeof payload);
	assert_int_equal(journal_flush(j), 0);
	for (int i = 0; i < 30; i++)
		journal_append(j, JOURNAL_EVENT, D0 + i, payload, sizeof payload);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	assert_int_equal(journal_flush(j), -1);
	journal_roll(j, D0 + DAY);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(journal_retry(j), 0);
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + DAY, "x", 1), 0);
	journal_free(&j);

	assert_int_equal(journal_replay(path_of(D0), NULL, NULL, &res), 0);
	assert_int_equal(res.records, 1);
	assert_int_equal(journal_replay(path_of(D0 + DAY), seen_add, &s, &res), 0);
	assert_int_equal(res.records, 31);
	assert_false(res.corrupt);
	assert_false(res.torn_tail);
	assert_int_equal(res.header_bytes, F);
	assert_int_equal(s.clock[29], D0 + 29);
	assert_memory_equal(s.payload[30], "x", 1);
	seen_clear(&s);
}

/* A second daemon on the same state directory is kept out. */
static void
test_lock(void **state)
{
	struct journal *a = journal_open(dir, D0, NULL);
	struct journal *b = journal_open(dir, D0, NULL);

	assert_true(journal_ok(a));
	assert_false(journal_ok(b));
	assert_non_null(strstr(journal_error(b), "in use by another process"));
	journal_free(&b);
	journal_free(&a);
	b = journal_open(dir, D0, NULL);
	assert_true(journal_ok(b));
	journal_free(&b);
}

static void
touch(const char *path)
{
	spill(path, (const unsigned char *)"", 0);
}

/* Rolling keeps today's file and yesterday's, removes older journal files
 * and nothing else. */
static void
test_roll(void **state)
{
	struct journal *j;
	struct journal_replay_result res;
	struct seen s = { 0 };
	char other[600], lookalike[600];

	touch(path_of(D0 - 3 * DAY));
	touch(path_of(D0 - 2 * DAY));
	snprintf(other, sizeof other, "%s/notes.txt", dir);
	touch(other);
	/* The right pattern, but the date does not match the number. */
	snprintf(lookalike, sizeof lookalike,
	    "%s/journal-20200101T0000Z-1795132800000.wbj", dir);
	touch(lookalike);

	j = journal_open(dir, D0 - DAY, NULL);
	/* At open: the newest before (D0-2d) stays, D0-3d goes. */
	assert_false(exists(path_of(D0 - 3 * DAY)));
	assert_true(exists(path_of(D0 - 2 * DAY)));
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 - 1, "late", 4), 0);
	/* Unflushed records written into the old day's file at the roll. */
	assert_int_equal(journal_roll(j, D0), 0);
	assert_true(journal_ok(j));
	assert_string_equal(journal_path(j), path_of(D0));
	assert_int_equal(journal_day_start(j), D0);
	assert_int_equal(journal_size(j), 0);
	assert_true(exists(path_of(D0)));
	assert_true(exists(path_of(D0 - DAY)));
	assert_false(exists(path_of(D0 - 2 * DAY)));
	assert_true(exists(other));
	assert_true(exists(lookalike));
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + 1, "early", 5), 0);
	assert_int_equal(journal_flush(j), 0);

	assert_int_equal(journal_roll(j, D0 + DAY), 0);
	assert_false(exists(path_of(D0 - DAY)));
	assert_true(exists(path_of(D0)));
	assert_true(exists(path_of(D0 + DAY)));
	journal_free(&j);

	/* Yesterday's stayed whole. */
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.payload[0], "early", 5);
	seen_clear(&s);
}

/* Replay from a time in yesterday's file through today's, in order. */
static void
test_replay_since(void **state)
{
	struct journal *j = journal_open(dir, D0 - DAY, NULL);
	struct journal_replay_result res;
	struct seen s = { 0 };
	char lookalike[600];

	for (int i = 0; i < 4; i++)      /* 22:00, 22:30, 23:00, 23:30 */
		journal_append(j, JOURNAL_EVENT, D0 - (4 - i) * 1800000LL, "y", 1);
	journal_roll(j, D0);
	for (int i = 0; i < 3; i++)      /* 00:00, 00:30, 01:00 */
		journal_append(j, JOURNAL_EVENT, D0 + i * 1800000LL, "t", 1);
	journal_append(j, JOURNAL_CLOCK, D0 + 3 * 1800000LL, NULL, 0);
	journal_free(&j);
	snprintf(lookalike, sizeof lookalike,
	    "%s/journal-20200101T0000Z-1795132800000.wbj", dir);
	spill(lookalike, (const unsigned char *)"garbage", 7);

	/* From 23:00: the last two of yesterday, then all of today. */
	assert_int_equal(journal_replay_since(dir, D0 - 3600000, seen_add, &s, &res), 0);
	assert_int_equal(res.files, 2);
	assert_int_equal(res.older, 2);
	assert_int_equal(res.records, 6);
	assert_string_equal(res.error, "");
	assert_int_equal(s.n, 6);
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(s.clock[i], D0 - 3600000 + (int64_t)i * 1800000);
	assert_memory_equal(s.payload[1], "y", 1);
	assert_memory_equal(s.payload[2], "t", 1);
	assert_int_equal(s.type[5], JOURNAL_CLOCK);
	seen_clear(&s);
}

/* Damage in yesterday's file is reported; today's is still replayed. */
static void
test_replay_since_goes_on_after_damage(void **state)
{
	struct journal *j = journal_open(dir, D0 - DAY, NULL);
	struct journal_replay_result res;
	struct seen s = { 0 };
	unsigned char *buf;
	size_t len;

	for (int i = 0; i < 3; i++)
		journal_append(j, JOURNAL_EVENT, D0 - 1000 + i, "abc", 3);
	journal_roll(j, D0);
	journal_append(j, JOURNAL_EVENT, D0 + 1, "def", 3);
	journal_free(&j);
	buf = slurp(path_of(D0 - DAY), &len);
	buf[F + H + 1] ^= 1;    /* in the first record's payload */
	spill(path_of(D0 - DAY), buf, len);

	assert_int_equal(journal_replay_since(dir, 0, seen_add, &s, &res), 0);
	assert_true(res.corrupt);
	assert_int_equal(res.lost_bytes, H + 3);
	assert_int_equal(res.lost_records, 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.clock[0], D0 - 999);
	assert_int_equal(s.clock[2], D0 + 1);
	assert_non_null(strstr(res.error, path_of(D0 - DAY)));
	seen_clear(&s);
	free(buf);
}

static int
stop_after_two(const struct journal_record *rec, void *arg)
{
	return ++*(int *)arg == 2;
}

static void
test_callback_stops(void **state)
{
	const char *path = write_events(5, 10);
	struct journal_replay_result res;
	int calls = 0;

	assert_int_equal(journal_replay(path, stop_after_two, &calls, &res), -1);
	assert_int_equal(calls, 2);
	assert_non_null(strstr(res.error, "stopped by the caller"));
	calls = 0;
	assert_int_equal(journal_replay_since(dir, 0, stop_after_two, &calls, &res), -1);
	assert_int_equal(calls, 2);
}

static void
test_missing_and_empty(void **state)
{
	struct journal_replay_result res;
	char path[600];

	snprintf(path, sizeof path, "%s/nothing.wbj", dir);
	assert_int_equal(journal_replay(path, NULL, NULL, &res), -1);
	assert_non_null(strstr(res.error, "cannot open"));
	/* A state directory without journals: a first start, not an error. */
	assert_int_equal(journal_replay_since(dir, 0, NULL, NULL, &res), 0);
	assert_int_equal(res.files, 0);
	assert_int_equal(res.records, 0);
	assert_int_equal(journal_replay_since("/nonexistent/dir", 0, NULL, NULL, &res), -1);
	assert_non_null(strstr(res.error, "/nonexistent/dir"));
	/* An empty file is a journal with no records yet. */
	touch(path);
	assert_int_equal(journal_replay(path, NULL, NULL, &res), 0);
	assert_int_equal(res.records, 0);
	assert_false(res.torn_tail);
}

/* A journal that cannot open is not fatal: it says why and drops appends. */
static void
test_cannot_open(void **state)
{
	struct journal *j = journal_open("/nonexistent/dir", D0, NULL);

	assert_non_null(j);
	assert_false(journal_ok(j));
	assert_non_null(strstr(journal_error(j), "/nonexistent/dir"));
	assert_non_null(strstr(journal_error(j), "cannot open"));
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0, "x", 1), 0);
	assert_int_equal(journal_append_reject(j, D0, "s", false, 0), 0);
	assert_int_equal(journal_flush(j), 0);
	assert_int_equal(journal_sync(j), 0);
	journal_free(&j);
}

/* A device in place of the day's file is refused, not read forever. */
static void
test_not_a_regular_file(void **state)
{
	struct journal *j;

	assert_int_equal(symlink("/dev/zero", path_of(D0)), 0);
	j = journal_open(dir, D0, NULL);
	assert_false(journal_ok(j));
	assert_non_null(strstr(journal_error(j), "not a regular file"));
	journal_free(&j);
}

/* A write that fails half way (a full disk; here a file size limit, which
 * root cannot bypass) makes the journal failing, reported once; the file
 * keeps whole records only; the next day's file gets a fresh try (and what
 * waited: test_writer_retry_after_full for the retry). */
static void
test_write_error(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	struct rlimit old, small;
	char payload[100];
	uint64_t before;

	memset(payload, 'p', sizeof payload);
	journal_append(j, JOURNAL_EVENT, D0, payload, sizeof payload);
	assert_int_equal(journal_flush(j), 0);
	before = journal_size(j);
	for (int i = 0; i < 30; i++)
		journal_append(j, JOURNAL_EVENT, D0 + i, payload, sizeof payload);

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 1000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	errno = 0;
	assert_int_equal(journal_flush(j), -1);
	assert_int_equal(errno, EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	assert_false(journal_ok(j));
	assert_non_null(strstr(journal_error(j), "cannot write"));
	assert_non_null(strstr(journal_error(j), path_of(D0)));
	/* Failing: appends wait, flushes are quiet, so the caller logs once. */
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0, payload, sizeof payload), 0);
	assert_int_equal(journal_flush(j), 0);
	assert_int_equal(journal_sync(j), 0);
	assert_int_equal(file_size(path_of(D0)), before);
	assert_int_equal(journal_replay(path_of(D0), NULL, NULL, &res), 0);
	assert_int_equal(res.records, 1);
	assert_false(res.torn_tail);

	assert_int_equal(journal_roll(j, D0 + DAY), 0);
	assert_true(journal_ok(j));
	assert_string_equal(journal_error(j), "");
	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0 + DAY, "x", 1), 0);
	assert_int_equal(journal_sync(j), 0);
	journal_free(&j);
}

/* Without root, a read-only directory refuses the file. */
static void
test_read_only_dir(void **state)
{
	struct journal *j;

	if (geteuid() == 0)
		skip();
	assert_int_equal(chmod(dir, 0500), 0);
	j = journal_open(dir, D0, NULL);
	chmod(dir, 0700);
	assert_false(journal_ok(j));
	assert_non_null(strstr(journal_error(j), "Permission denied"));
	journal_free(&j);
}

static void
test_sync(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;

	assert_int_equal(journal_append(j, JOURNAL_EVENT, D0, "s", 1), 0);
	assert_int_equal(journal_sync(j), 0);
	assert_int_equal(journal_size(j), F + H + 1);
	assert_int_equal(journal_sync(j), 0);
	journal_free(&j);
	journal_free(&j);       /* NULL is fine */
	assert_int_equal(journal_replay(path_of(D0), NULL, NULL, &res), 0);
	assert_int_equal(res.records, 1);
}

/* ---- The writer while the disk refuses (issue 17): kept apart from the
 * reader's tests above. */

/* A small file size limit (root cannot bypass it) stands for a full disk. */
static struct rlimit writer_old_limit;

static void
writer_disk_full(off_t at)
{
	struct rlimit small;

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &writer_old_limit), 0);
	small = writer_old_limit;
	small.rlim_cur = (rlim_t)at;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
}

static void
writer_disk_freed(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &writer_old_limit), 0);
	signal(SIGXFSZ, SIG_DFL);
}

static int
writer_count(const struct journal_record *rec, void *arg)
{
	int64_t *want = arg;

	/* in order, none missing, none twice */
	assert_int_equal(rec->clock_ms, *want);
	(*want)++;
	return 0;
}

/* A batch cut half way is cut back to the last whole record; the records
 * wait, with those appended meanwhile; once the disk takes them, one retry
 * writes them all and the file is whole, in order. */
static void
test_writer_retry_after_full(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	struct journal_pending p;
	char payload[100];
	uint64_t before;
	int64_t next = D0;

	memset(payload, 'p', sizeof payload);
	journal_append(j, JOURNAL_EVENT, next++, payload, sizeof payload);
	assert_int_equal(journal_flush(j), 0);
	before = journal_size(j);
	for (int i = 0; i < 30; i++)
		journal_append(j, JOURNAL_EVENT, next++, payload, sizeof payload);
	writer_disk_full(1000);
	errno = 0;
	assert_int_equal(journal_flush(j), -1);
	assert_int_equal(errno, EFBIG);
	assert_false(journal_ok(j));
	assert_int_equal(file_size(path_of(D0)), before);      /* cut back */
	/* Still full: appends wait, flushes are quiet, retries fail. */
	for (int i = 0; i < 10; i++)
		journal_append(j, JOURNAL_EVENT, next++, payload, sizeof payload);
	assert_int_equal(journal_flush(j), 0);
	assert_int_equal(journal_retry(j), -1);
	assert_int_equal(file_size(path_of(D0)), before);
	journal_pending(j, &p);
	assert_int_equal(p.records, 40);
	assert_int_equal(p.bytes, 40 * (H + sizeof payload));
	assert_int_equal(p.lost_records, 0);
	assert_int_equal(p.error, EFBIG);
	writer_disk_freed();

	assert_int_equal(journal_retry(j), 0);
	assert_true(journal_ok(j));
	assert_string_equal(journal_error(j), "");
	journal_pending(j, &p);
	assert_int_equal(p.records, 0);
	assert_int_equal(p.error, 0);
	journal_append(j, JOURNAL_EVENT, next++, payload, sizeof payload);
	assert_int_equal(journal_flush(j), 0);
	journal_free(&j);

	int64_t want = D0;
	assert_int_equal(journal_replay(path_of(D0), writer_count, &want, &res), 0);
	assert_int_equal(want, next);
	assert_int_equal(res.records, 42);
	assert_false(res.torn_tail);
}

/* Past max_pending the oldest waiting records go, counted; what is left
 * is the newest, written in order once the disk takes it. */
static void
test_writer_max_pending(void **state)
{
	struct journal_limits lim = { .max_pending = 64 * 1024 };
	struct journal *j = journal_open_limits(dir, D0, NULL, &lim);
	struct journal_replay_result res;
	struct journal_pending p;
	char payload[1000];
	int64_t want;
	const int n = 200;

	memset(payload, 'q', sizeof payload);
	writer_disk_full(10);
	for (int i = 0; i < n; i++) {
		journal_append(j, JOURNAL_EVENT, D0 + i, payload, sizeof payload);
		journal_flush(j);
	}
	journal_pending(j, &p);
	assert_true(p.bytes <= 64 * 1024);
	assert_true(p.lost_records > 0);
	assert_int_equal(p.records + p.lost_records, n);
	assert_int_equal(p.lost_bytes, p.lost_records * (H + sizeof payload));
	writer_disk_freed();
	assert_int_equal(journal_retry(j), 0);
	journal_free(&j);
	want = D0 + (int64_t)p.lost_records;
	assert_int_equal(journal_replay(path_of(D0), writer_count, &want, &res), 0);
	assert_int_equal(want, D0 + n);
}

/* A journal that could not open (here: another process holds it) is tried
 * again by journal_retry, and what waited is written. */
static void
test_writer_retry_reopens(void **state)
{
	struct journal *a = journal_open(dir, D0, NULL);
	struct journal *b = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	int64_t want = D0;

	assert_false(journal_ok(b));
	assert_int_equal(journal_append(b, JOURNAL_EVENT, D0, "w", 1), 0);
	assert_int_equal(journal_retry(b), -1);
	journal_free(&a);
	assert_int_equal(journal_retry(b), 0);
	assert_true(journal_ok(b));
	journal_free(&b);
	assert_int_equal(journal_replay(path_of(D0), writer_count, &want, &res), 0);
	assert_int_equal(res.records, 1);
}

static bool
writer_in_history(int64_t day)
{
	char p[600], name[JOURNAL_NAME_MAX];

	snprintf(p, sizeof p, "%s/history/%s", dir, journal_file_name(day, name));
	return exists(p);
}

/* Old days move to history/, kept keep_days; all files under max_bytes,
 * the oldest first, never the current day's. */
static void
test_writer_keep_days_and_max_bytes(void **state)
{
	struct journal_limits lim = { .keep_days = 3, .max_bytes = 3000 };
	struct journal *j;
	int fd;

	for (int k = 1; k <= 6; k++)
		touch(path_of(D0 - k * DAY));
	j = journal_open_limits(dir, D0, NULL, &lim);
	assert_true(exists(path_of(D0)));
	assert_true(exists(path_of(D0 - DAY)));         /* a restart reads it */
	assert_false(exists(path_of(D0 - 2 * DAY)));
	assert_true(writer_in_history(D0 - 2 * DAY));
	assert_true(writer_in_history(D0 - 3 * DAY));
	assert_false(writer_in_history(D0 - 4 * DAY));  /* past keep_days */
	assert_false(exists(path_of(D0 - 4 * DAY)));
	assert_false(exists(path_of(D0 - 6 * DAY)));

	/* Over max_bytes: history's oldest first, then yesterday's, never
	 * today's (here over the cap alone). */
	char big[2000];
	memset(big, 'b', sizeof big);
	for (int i = 0; i < 3; i++)
		journal_append(j, JOURNAL_EVENT, D0 + i, big, sizeof big);
	assert_int_equal(journal_flush(j), 0);
	fd = open(path_of(D0 - DAY), O_WRONLY);
	assert_true(fd != -1);
	assert_int_equal(ftruncate(fd, 1000), 0);
	close(fd);
	assert_int_equal(journal_roll(j, D0 + DAY), 0);
	assert_true(exists(path_of(D0 + DAY)));
	assert_false(writer_in_history(D0 - 2 * DAY));
	assert_false(writer_in_history(D0 - DAY));
	/* today's (now yesterday's) over the cap alone: it goes too, but
	 * the current day's never */
	assert_false(exists(path_of(D0)));
	journal_free(&j);
}

/* A reject record keeps its reason, small whatever the message was. */
static void
test_writer_reject_why(void **state)
{
	struct journal *j = journal_open(dir, D0, NULL);
	struct journal_replay_result res;
	struct journal_reject rej;
	struct seen s = { 0 };
	struct journal_record rec;

	assert_int_equal(journal_append_rejected(j, D0, "pbx1", true, 7, 4), 0);
	assert_int_equal(journal_append_rejected(j, D0, NULL, false, 0, 6), 0);
	assert_int_equal(journal_append_reject(j, D0, "old", false, 0), 0);
	assert_int_equal(journal_append_rejected(j, D0, NULL, false, 0, 256), -1);
	assert_int_equal(journal_flush(j), 0);
	assert_true(journal_size(j) < F + 3 * (H + 20));
	journal_free(&j);
	assert_int_equal(journal_replay(path_of(D0), seen_add, &s, &res), 0);
	assert_int_equal(s.n, 3);
	rec = (struct journal_record){ .type = s.type[0], .payload = s.payload[0],
	    .len = s.len[0] };
	assert_true(journal_reject_decode(&rec, &rej));
	assert_string_equal(rej.src, "pbx1");
	assert_true(rej.has_seq);
	assert_int_equal(rej.seq, 7);
	assert_int_equal(rej.why, 4);
	rec = (struct journal_record){ .type = s.type[1], .payload = s.payload[1],
	    .len = s.len[1] };
	assert_true(journal_reject_decode(&rec, &rej));
	assert_null(rej.src);
	assert_int_equal(rej.why, 6);
	rec = (struct journal_record){ .type = s.type[2], .payload = s.payload[2],
	    .len = s.len[2] };
	assert_true(journal_reject_decode(&rec, &rej));
	assert_string_equal(rej.src, "old");
	assert_int_equal(rej.why, 0);
	seen_clear(&s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup_dir, remove_dir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_reject_decode_refuses),
		T(test_round_trip),
		T(test_torn_tail_every_byte),
		T(test_stream_event_position_whole),
		T(test_zero_filled_tail),
		T(test_flipped_bit_in_middle),
		T(test_reopen_cuts_torn_tail),
		T(test_reopen_after_damage),
		T(test_random_damage),
		T(test_quoted_record_not_taken),
		T(test_forged_file_header_not_taken),
		T(test_damaged_file_header),
		T(test_format_1),
		T(test_waiting_records_resealed),
		T(test_lock),
		T(test_roll),
		T(test_replay_since),
		T(test_replay_since_goes_on_after_damage),
		T(test_callback_stops),
		T(test_missing_and_empty),
		T(test_cannot_open),
		T(test_not_a_regular_file),
		T(test_write_error),
		T(test_read_only_dir),
		T(test_sync),
		/* the writer while the disk refuses (issue 17) */
		T(test_writer_retry_after_full),
		T(test_writer_max_pending),
		T(test_writer_retry_reopens),
		T(test_writer_keep_days_and_max_bytes),
		T(test_writer_reject_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
