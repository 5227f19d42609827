/*
 * fuzz-journal.c: a journal file of any bytes, as a crash, a full disk or a
 * bad sector leaves it, through journal_replay and journal_open.
 *
 * The first input byte is options, the rest is the file:
 *	bit 0	seal: give every record that has a good header the right
 *		CRC-32C (format 2 with the salt of a file header record at the
 *		start, else format 1), so that the fuzzer reaches the records'
 *		payloads and the damage after them instead of stopping at the
 *		first checksum
 *	bit 1	also open the file for appending (journal_open repairs it),
 *		append, and check that a replay then finds it whole
 *	bit 2	build, then damage: the rest is not a file but a recipe. The
 *		real writer builds a journal (record lengths from the input),
 *		then flipped bytes and zeroed blocks go where the input says;
 *		every record whose bytes did not change must come back, in
 *		order, and the records lost must be exactly the changed ones
 *		(but a damaged tail, which is a torn tail)
 *
 * Replay must account for every byte (whole records, file headers, a torn
 * tail, or damaged regions skipped) and hand on only records that fit the
 * file, in file order, never overlapping. Each record is decoded as the
 * daemon would: a reject with journal_reject_decode, an event with
 * event_decode.
 */
#include <sys/stat.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "fuzz.h"
#include "journal.h"

#define DAY_START 1795129200000LL       /* 2026-11-19T23:00:00Z */
#define OPT_SEAL 1
#define OPT_OPEN 2
#define OPT_BUILD 4
#define FILE_HEADER 48          /* JOURNAL_FILE_HEADER_SIZE */
#define MAX_RECORDS 256

struct replay {
	struct event_decoder *decoder;
	uint64_t size;          /* of the file */
	uint64_t records;
	uint64_t bytes;         /* header + payload of the records seen */
	uint64_t next;          /* where the next record may start */
};

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Put the right CRC in each record that has a good header, in order, as
 * far as whole records go: format 2 (salted, numbered) when the file
 * starts with a file header record, else format 1. */
static void
seal(unsigned char *p, size_t len)
{
	size_t at = 0, n, hs;
	unsigned version = len >= 4 && p[2] == 2 && p[3] == JOURNAL_FILE ? 2 : 1;
	unsigned char salt[8] = { 0 };
	uint32_t crc, seq = 0;

	hs = version == 2 ? JOURNAL_HEADER_SIZE : JOURNAL_V1_HEADER_SIZE;
	while (len - at >= hs) {
		unsigned char *h = p + at;

		n = get_u32(h + 4);
		if (h[0] != 0xb1 || h[1] != 'J' || h[2] != version || h[3] == 0 ||
		    n > JOURNAL_PAYLOAD_MAX || n > len - at - hs)
			return;
		if (version == 1) {
			crc = journal_crc32c(0, h, 16);
			crc = journal_crc32c(crc, h + hs, n);
			for (int i = 0; i < 4; i++)
				h[16 + i] = (unsigned char)(crc >> (8 * i));
		} else {
			if (at == 0 && n >= 8)
				memcpy(salt, h + hs, 8);
			for (int i = 0; i < 4; i++)
				h[16 + i] = (unsigned char)(seq >> (8 * i));
			seq++;
			crc = journal_crc32c(0, salt, 8);
			crc = journal_crc32c(crc, h, 20);
			crc = journal_crc32c(crc, h + hs, n);
			for (int i = 0; i < 4; i++)
				h[20 + i] = (unsigned char)(crc >> (8 * i));
		}
		at += hs + n;
	}
}

static int
replay_record(const struct journal_record *rec, void *arg)
{
	struct replay *r = arg;
	struct journal_reject rej;
	struct journal_event je;
	struct event ev;

	FUZZ_CHECK(rec->type >= 1 && rec->type <= 255, "type %u", rec->type);
	FUZZ_CHECK(rec->len <= JOURNAL_PAYLOAD_MAX, "len %zu", rec->len);
	/* In order and never overlapping; gaps are damage skipped. */
	FUZZ_CHECK(rec->offset >= r->next, "record at %llu, before %llu",
	    (unsigned long long)rec->offset, (unsigned long long)r->next);
	FUZZ_CHECK(rec->type != JOURNAL_FILE, "file header handed on");
	FUZZ_CHECK(rec->size == rec->len + JOURNAL_HEADER_SIZE ||
	    rec->size == rec->len + JOURNAL_V1_HEADER_SIZE,
	    "size %zu of a %zu-byte payload", rec->size, rec->len);
	FUZZ_CHECK(rec->offset + rec->size <= r->size,
	    "record at %llu of %zu bytes past the end (%llu)",
	    (unsigned long long)rec->offset, rec->len,
	    (unsigned long long)r->size);
	FUZZ_CHECK(rec->len == 0 || rec->payload != NULL, "payload");
	r->next = rec->offset + rec->size;
	r->records++;
	r->bytes += rec->size;
	if (rec->type == JOURNAL_REJECT && journal_reject_decode(rec, &rej)) {
		FUZZ_CHECK(rej.src == NULL || strlen(rej.src) <
		    rec->len, "reject src runs past its record");
	} else if (journal_event_decode(rec, &je)) {
		FUZZ_CHECK(je.len <= rec->len && (je.len == 0 ||
		    je.data >= (const char *)rec->payload), "event runs past its record");
		event_decode(r->decoder, je.data, je.len, &ev);
	}
	return 0;
}

/* What journal.h promises of a result, for a file of size bytes. */
static void
check_result(int rc, const struct journal_replay_result *res,
    const struct replay *r, uint64_t size)
{
	FUZZ_CHECK(res->files == 1, "%u files", res->files);
	FUZZ_CHECK(memchr(res->error, '\0', sizeof res->error) != NULL,
	    "error not terminated");
	FUZZ_CHECK(res->records == r->records, "%llu records, %llu handed on",
	    (unsigned long long)res->records, (unsigned long long)r->records);
	FUZZ_CHECK(res->bytes == r->bytes, "%llu bytes, %llu handed on",
	    (unsigned long long)res->bytes, (unsigned long long)r->bytes);
	FUZZ_CHECK(res->bytes + res->header_bytes + res->torn_bytes +
	    res->lost_bytes == size, "%llu whole + %llu headers + %llu torn + "
	    "%llu lost != %llu", (unsigned long long)res->bytes,
	    (unsigned long long)res->header_bytes,
	    (unsigned long long)res->torn_bytes,
	    (unsigned long long)res->lost_bytes, (unsigned long long)size);
	FUZZ_CHECK(res->torn_tail == (res->torn_bytes > 0), "torn tail");
	FUZZ_CHECK(res->corrupt == (res->lost_bytes > 0), "corrupt");
	FUZZ_CHECK(res->corrupt == (res->regions > 0), "regions");
	FUZZ_CHECK(!res->corrupt || (res->first_length > 0 &&
	    res->first_offset + res->first_length <= size &&
	    res->first_length <= res->lost_bytes), "first region");
	FUZZ_CHECK(rc == 0, "rc %d: %s", rc, res->error);
	FUZZ_CHECK(!res->corrupt || res->error[0] != '\0', "damage unexplained");
}

static void
replay(const char *path, struct replay *r, struct journal_replay_result *res,
    uint64_t size)
{
	int rc;

	r->size = size;
	r->records = r->bytes = r->next = 0;
	rc = journal_replay(path, replay_record, r, res);
	check_result(rc, res, r, size);
}

/* Open for appending (the repair), append, and replay again: the file must
 * now hold the whole records found before, the same damage, and the new
 * ones; only a torn tail is gone. */
static void
open_append(const char *dir, const char *path, struct replay *r,
    const struct journal_replay_result *before)
{
	struct journal_replay_result check, after;
	struct journal *j = journal_open(dir, DAY_START, &check);
	struct stat st;

	FUZZ_CHECK(journal_ok(j), "journal_open failed: %s", journal_error(j));
	FUZZ_CHECK(check.records == before->records && check.bytes ==
	    before->bytes && check.lost_bytes == before->lost_bytes &&
	    check.lost_records == before->lost_records,
	    "open saw %llu records, replay %llu", (unsigned long long)check.records,
	    (unsigned long long)before->records);
	FUZZ_CHECK(journal_size(j) == r->size - before->torn_bytes,
	    "size %llu after repair of %llu with %llu torn",
	    (unsigned long long)journal_size(j), (unsigned long long)r->size,
	    (unsigned long long)before->torn_bytes);
	FUZZ_CHECK(journal_append(j, JOURNAL_EVENT, DAY_START + 1, "{}", 2) == 0 &&
	    journal_append_reject(j, DAY_START + 2, "pbx", true, 9) == 0 &&
	    journal_append(j, JOURNAL_CLOCK, DAY_START + 3, NULL, 0) == 0 &&
	    journal_flush(j) == 0, "append: %s", journal_error(j));
	journal_free(&j);
	FUZZ_CHECK(stat(path, &st) == 0, "%s gone", path);
	replay(path, r, &after, (uint64_t)st.st_size);
	FUZZ_CHECK(!after.torn_tail && after.lost_bytes == before->lost_bytes &&
	    after.lost_records == before->lost_records &&
	    after.records == before->records + 3, "after repair: %llu records, "
	    "torn %d, lost %llu: %s", (unsigned long long)after.records,
	    after.torn_tail, (unsigned long long)after.lost_bytes, after.error);
}

/* ---- build, then damage */

struct built {
	size_t start[MAX_RECORDS + 1];  /* record i is [start[i], start[i+1]) */
	bool touched[MAX_RECORDS];
	int n, next;
	uint64_t seen;
};

/* Untouched records, each once, in order; a touched one never. */
static int
built_record(const struct journal_record *rec, void *arg)
{
	struct built *b = arg;
	uint32_t i;

	FUZZ_CHECK(rec->len >= 4, "a %zu-byte record", rec->len);
	memcpy(&i, rec->payload, 4);
	while (b->next < b->n && b->touched[b->next])
		b->next++;
	FUZZ_CHECK((int)i == b->next && b->next < b->n, "record %u, expected %d",
	    i, b->next);
	FUZZ_CHECK(rec->offset == b->start[i] && rec->seq == i + 1,
	    "record %u at %llu", i, (unsigned long long)rec->offset);
	b->next++;
	b->seen++;
	return 0;
}

static void
build_and_damage(const char *dir, const char *path, const uint8_t *in, size_t size)
{
	static struct built b;
	struct journal_replay_result res, check;
	unsigned char payload[300], *file, *bad;
	uint64_t expect = 0, lost = 0, tail_start;
	struct journal *j;
	size_t k = 0, len;
	FILE *f;

	memset(&b, 0, sizeof b);
	b.n = size > 0 ? 1 + in[k++] % MAX_RECORDS : 1;
	j = journal_open(dir, DAY_START, NULL);
	b.start[0] = FILE_HEADER;
	for (int i = 0; i < b.n; i++) {
		size_t n = 4 + (k < size ? in[k++] : 40) % 290;

		memset(payload, 'a' + i % 26, n);
		memcpy(payload, &i, 4);
		FUZZ_CHECK(journal_append(j, JOURNAL_EVENT, DAY_START + i, payload,
		    n) == 0, "append");
		b.start[i + 1] = b.start[i] + JOURNAL_HEADER_SIZE + n;
	}
	FUZZ_CHECK(journal_flush(j) == 0, "flush: %s", journal_error(j));
	journal_free(&j);
	len = b.start[b.n];
	file = malloc(len);
	bad = malloc(len);
	f = fopen(path, "rb");
	FUZZ_CHECK(f != NULL && fread(file, 1, len, f) == len, "read back");
	fclose(f);
	memcpy(bad, file, len);
	/* Damage: (where: 2 bytes, what: 1 byte) triples, after the file
	 * header. A high bit zeroes a block, else the byte is flipped. */
	for (; k + 3 <= size; k += 3) {
		size_t at = FILE_HEADER + ((size_t)in[k] << 8 | in[k + 1]) %
		    (len - FILE_HEADER), n;

		if (in[k + 2] & 0x80) {
			n = 1 + (size_t)(in[k + 2] & 0x7f) * 8;
			memset(bad + at, 0, at + n > len ? len - at : n);
		} else
			bad[at] ^= (unsigned char)(in[k + 2] | 1);
	}
	/* A damaged run at the end is a torn tail: not counted as lost. */
	for (int i = 0; i < b.n; i++)
		b.touched[i] = memcmp(file + b.start[i], bad + b.start[i],
		    b.start[i + 1] - b.start[i]) != 0;
	tail_start = len;
	for (int i = b.n - 1; i >= 0 && b.touched[i]; i--)
		tail_start = b.start[i];
	for (int i = 0; i < b.n; i++) {
		if (!b.touched[i])
			expect++;
		else if (b.start[i] < tail_start)
			lost++;
	}
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL && fwrite(bad, 1, len, f) == len && fclose(f) == 0,
	    "write");
	FUZZ_CHECK(journal_replay(path, built_record, &b, &res) == 0, "replay: %s",
	    res.error);
	FUZZ_CHECK(b.seen == expect && res.records == expect,
	    "%llu of %llu untouched records", (unsigned long long)b.seen,
	    (unsigned long long)expect);
	FUZZ_CHECK(res.lost_records == lost, "%llu lost, %llu touched",
	    (unsigned long long)res.lost_records, (unsigned long long)lost);
	FUZZ_CHECK(res.torn_tail == (tail_start < len), "torn tail");
	FUZZ_CHECK(res.torn_bytes == len - tail_start, "torn bytes");
	/* Open twice: the same count, and appends come back after it all. */
	for (int r = 0; r < 2; r++) {
		j = journal_open(dir, DAY_START, &check);
		FUZZ_CHECK(journal_ok(j) && check.lost_records == lost,
		    "open: %s", journal_error(j));
		journal_free(&j);
	}
	free(file);
	free(bad);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay r = { 0 };
	struct journal_replay_result res;
	char name[JOURNAL_NAME_MAX], path[256];
	const char *dir;
	unsigned char *file;
	unsigned options;
	FILE *f;

	if (size < 1)
		return 0;
	options = data[0];
	size--;
	if (options & OPT_BUILD) {
		dir = fuzz_temp_dir();
		snprintf(path, sizeof path, "%s/%s", dir,
		    journal_file_name(DAY_START, name));
		build_and_damage(dir, path, data + 1, size);
		return 0;
	}
	file = malloc(size ? size : 1);
	memcpy(file, data + 1, size);
	if (options & OPT_SEAL)
		seal(file, size);
	dir = fuzz_temp_dir();
	snprintf(path, sizeof path, "%s/%s", dir, journal_file_name(DAY_START, name));
	if ((f = fopen(path, "wb")) == NULL || fwrite(file, 1, size, f) != size ||
	    fclose(f) != 0) {
		perror(path);
		abort();
	}
	free(file);
	r.decoder = event_decoder_new();
	replay(path, &r, &res, size);
	if (options & OPT_OPEN)
		open_append(dir, path, &r, &res);
	event_decoder_free(&r.decoder);
	return 0;
}
