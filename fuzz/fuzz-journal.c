/*
 * fuzz-journal.c: a journal file of any bytes, as a crash, a full disk or a
 * bad sector leaves it, through journal_replay and journal_open.
 *
 * The first input byte is options, the rest is the file:
 *	bit 0	seal: give every record that has a good header the right
 *		CRC-32C, so that the fuzzer reaches the records' payloads and
 *		the damage after them instead of stopping at the first checksum
 *	bit 1	also open the file for appending (journal_open repairs it),
 *		append, and check that a replay then finds it whole
 *
 * Replay must account for every byte (whole records, a torn tail, or bytes
 * lost after damage) and hand on only records that fit the file. Each
 * record is decoded as the daemon would: a reject with
 * journal_reject_decode, an event with event_decode.
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
 * far as whole records go. */
static void
seal(unsigned char *p, size_t len)
{
	size_t at = 0, n;
	uint32_t crc;

	while (len - at >= JOURNAL_HEADER_SIZE) {
		unsigned char *h = p + at;

		n = get_u32(h + 4);
		if (h[0] != 0xb1 || h[1] != 'J' || h[2] != 1 || h[3] == 0 ||
		    n > JOURNAL_PAYLOAD_MAX || n > len - at - JOURNAL_HEADER_SIZE)
			return;
		crc = journal_crc32c(0, h, 16);
		crc = journal_crc32c(crc, h + JOURNAL_HEADER_SIZE, n);
		for (int i = 0; i < 4; i++)
			h[16 + i] = (unsigned char)(crc >> (8 * i));
		at += JOURNAL_HEADER_SIZE + n;
	}
}

static int
replay_record(const struct journal_record *rec, void *arg)
{
	struct replay *r = arg;
	struct journal_reject rej;
	struct event ev;

	FUZZ_CHECK(rec->type >= 1 && rec->type <= 255, "type %u", rec->type);
	FUZZ_CHECK(rec->len <= JOURNAL_PAYLOAD_MAX, "len %zu", rec->len);
	FUZZ_CHECK(rec->offset == r->next, "record at %llu, expected %llu",
	    (unsigned long long)rec->offset, (unsigned long long)r->next);
	FUZZ_CHECK(rec->offset + JOURNAL_HEADER_SIZE + rec->len <= r->size,
	    "record at %llu of %zu bytes past the end (%llu)",
	    (unsigned long long)rec->offset, rec->len,
	    (unsigned long long)r->size);
	FUZZ_CHECK(rec->len == 0 || rec->payload != NULL, "payload");
	r->next = rec->offset + JOURNAL_HEADER_SIZE + rec->len;
	r->records++;
	r->bytes += JOURNAL_HEADER_SIZE + rec->len;
	if (rec->type == JOURNAL_REJECT && journal_reject_decode(rec, &rej)) {
		FUZZ_CHECK(rej.src == NULL || strlen(rej.src) <
		    rec->len, "reject src runs past its record");
	} else if (rec->type == JOURNAL_EVENT)
		event_decode(r->decoder, (const char *)rec->payload, rec->len, &ev);
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
	FUZZ_CHECK(res->bytes + res->torn_bytes + res->lost_bytes == size,
	    "%llu whole + %llu torn + %llu lost != %llu",
	    (unsigned long long)res->bytes, (unsigned long long)res->torn_bytes,
	    (unsigned long long)res->lost_bytes, (unsigned long long)size);
	FUZZ_CHECK(res->torn_tail == (res->torn_bytes > 0), "torn tail");
	FUZZ_CHECK(res->corrupt == (res->lost_bytes > 0), "corrupt");
	FUZZ_CHECK(!(res->torn_tail && res->corrupt), "torn and corrupt");
	FUZZ_CHECK((rc == 0) == !res->corrupt, "rc %d, corrupt %d", rc,
	    res->corrupt);
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
 * now be the whole records found before, and the new ones. */
static void
open_append(const char *dir, const char *path, struct replay *r,
    const struct journal_replay_result *before)
{
	struct journal_replay_result check, after;
	struct journal *j = journal_open(dir, DAY_START, &check);
	struct stat st;

	FUZZ_CHECK(journal_ok(j), "journal_open failed: %s", journal_error(j));
	FUZZ_CHECK(check.records == before->records && check.bytes ==
	    before->bytes && check.corrupt == before->corrupt,
	    "open saw %llu records, replay %llu", (unsigned long long)check.records,
	    (unsigned long long)before->records);
	FUZZ_CHECK(journal_size(j) == before->bytes, "size %llu after repair",
	    (unsigned long long)journal_size(j));
	FUZZ_CHECK(journal_append(j, JOURNAL_EVENT, DAY_START + 1, "{}", 2) == 0 &&
	    journal_append_reject(j, DAY_START + 2, "pbx", true, 9) == 0 &&
	    journal_append(j, JOURNAL_CLOCK, DAY_START + 3, NULL, 0) == 0 &&
	    journal_flush(j) == 0, "append: %s", journal_error(j));
	journal_free(&j);
	FUZZ_CHECK(stat(path, &st) == 0, "%s gone", path);
	replay(path, r, &after, (uint64_t)st.st_size);
	FUZZ_CHECK(!after.torn_tail && !after.corrupt &&
	    after.records == before->records + 3, "after repair: %llu records, "
	    "torn %d, corrupt %d: %s", (unsigned long long)after.records,
	    after.torn_tail, after.corrupt, after.error);
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
