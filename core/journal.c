/*
 * journal.c: append-only, checksummed day files of what the daemon applied.
 *
 * Writing is a memcpy into a buffer per record and one write() per batch.
 * Reading streams the file through a 1 MiB buffer (no per-record syscalls,
 * no mmap: a disk error is then an EIO we can report, not a SIGBUS). The
 * record format is in journal.h.
 */
#include "journal.h"

#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

#define JOURNAL_MAGIC0 0xb1
#define JOURNAL_MAGIC1 'J'
#define JOURNAL_VERSION_1 1      /* no salt, no sequence numbers: read only */
#define JOURNAL_V1_CRC_OFFSET 16
#define JOURNAL_VERSION 2       /* what is written */
#define JOURNAL_SEQ_OFFSET 16
#define JOURNAL_CRC_OFFSET 20
/* The file header record's payload: salt, day start, salt again. */
#define JOURNAL_FILE_PAYLOAD 24
#define JOURNAL_FILE_SIZE (JOURNAL_HEADER_SIZE + JOURNAL_FILE_PAYLOAD)
#define JOURNAL_READ_CHUNK (1024 * 1024) /* > the largest record */

struct journal {
	char *dir;
	char *path;             /* the current day's file */
	int64_t day_start;
	int fd;                 /* -1 once failed */
	uint64_t size;          /* whole records in the file */
	bool dir_dirty;         /* the file's directory entry not yet synced */
	unsigned char *buf;     /* records appended, not yet written */
	size_t len, cap;
	unsigned version;       /* the file's format: 2, or 1 for an old file */
	uint64_t salt;          /* format 2: the file's, in every CRC */
	uint32_t salt_crc;      /* journal_salt_crc(salt) */
	uint32_t seq;           /* the next record's number */
	bool need_header;       /* the file has no file header record yet */
	uint64_t pending;       /* records in buf */
	bool failing;           /* a write failed: buf waits for journal_retry */
	int err;                /* errno of the last failure; 0 while ok */
	uint64_t lost_records;  /* dropped from buf past max_pending */
	uint64_t lost_bytes;
	struct journal_limits lim;
	char error[512];
};

#define JOURNAL_DAY_MS (24 * 3600 * 1000LL)
#define JOURNAL_HISTORY "history"


/* ---- CRC-32C, slicing by 8: about 1-2 GB/s without special instructions. */

static uint32_t journal_crc_table[8][256];
static bool journal_crc_ready;

static void
journal_crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78U & -(c & 1));
		journal_crc_table[0][i] = c;
	}
	for (int t = 1; t < 8; t++)
		for (int i = 0; i < 256; i++) {
			uint32_t c = journal_crc_table[t - 1][i];

			journal_crc_table[t][i] = (c >> 8) ^ journal_crc_table[0][c & 0xff];
		}
	journal_crc_ready = true;
}

static uint32_t
journal_get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
journal_get_u64(const unsigned char *p)
{
	return (uint64_t)journal_get_u32(p) | (uint64_t)journal_get_u32(p + 4) << 32;
}

static void
journal_put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
journal_put_u64(unsigned char *p, uint64_t v)
{
	journal_put_u32(p, (uint32_t)v);
	journal_put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Slicing by 8: any machine. */
uint32_t
journal_crc32c_portable(uint32_t crc, const void *buf, size_t len)
{
	uint32_t (*t)[256] = journal_crc_table;
	const unsigned char *p = buf;

	if (!journal_crc_ready)
		journal_crc_init();
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t lo = crc ^ journal_get_u32(p), hi = journal_get_u32(p + 4);

		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^
		    t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		    t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
		    t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
	}
	while (len-- > 0)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>

/* SSE 4.2's crc32 instruction computes exactly CRC-32C, 8 bytes a step. */
__attribute__((target("sse4.2")))
static uint32_t
journal_crc32c_sse42(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t c = (uint32_t)~crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c = _mm_crc32_u64(c, v);
	}
	uint32_t c32 = (uint32_t)c;
	while (len-- > 0)
		c32 = _mm_crc32_u8(c32, *p++);
	return ~c32;
}
#endif

/* The instruction when the CPU has it, else the tables. */
uint32_t
journal_crc32c(uint32_t crc, const void *buf, size_t len)
{
#if defined(__x86_64__) && defined(__GNUC__)
	static int hw = -1;

	if (hw < 0)
		hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	if (hw)
		return journal_crc32c_sse42(crc, buf, len);
#endif
	return journal_crc32c_portable(crc, buf, len);
}

/* ---- Names. */

char *
journal_file_name(int64_t day_start_ms, char buf[JOURNAL_NAME_MAX])
{
	time_t secs = (time_t)(day_start_ms / 1000);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(buf, JOURNAL_NAME_MAX, "journal-%04d%02d%02dT%02d%02dZ-%lld.wbj",
	    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100,
	    tm.tm_hour % 100, tm.tm_min % 100, (long long)day_start_ms);
	return buf;
}

/* Is `name` a journal file? Only names we would write ourselves count, so
 * pruning never removes anything else. */
static bool
journal_name_parse(const char *name, int64_t *day_start)
{
	char again[JOURNAL_NAME_MAX];
	const char *dash = strrchr(name, '-');
	char *end;
	long long ms;

	if (strncmp(name, "journal-", 8) != 0 || dash == NULL ||
	    dash[1] < '0' || dash[1] > '9')
		return false;
	errno = 0;
	ms = strtoll(dash + 1, &end, 10);
	if (errno != 0 || strcmp(end, ".wbj") != 0)
		return false;
	if (strcmp(journal_file_name(ms, again), name) != 0)
		return false;
	*day_start = ms;
	return true;
}

struct journal_file {
	int64_t day_start;
	char name[JOURNAL_NAME_MAX];
};

static int
journal_file_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct journal_file *)a)->day_start;
	int64_t y = ((const struct journal_file *)b)->day_start;

	return (x > y) - (x < y);
}

/* The journal files in dir, oldest first, into *files (caller frees); the
 * count, or -1 with errno. */
static long
journal_list(const char *dir, struct journal_file **files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, cap = 0;
	int64_t ms;

	*files = NULL;
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!journal_name_parse(de->d_name, &ms))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			*files = xrealloc(*files, cap * sizeof **files);
		}
		(*files)[n].day_start = ms;
		journal_file_name(ms, (*files)[n++].name);
	}
	closedir(d);
	if (n > 1)
		qsort(*files, n, sizeof **files, journal_file_cmp);
	return (long)n;
}

/* Remove dir/name; its size is taken off *total. */
static void
journal_remove(const char *dir, const char *name, uint64_t *total)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;

	if (stat(path, &st) == 0 && unlink(path) == 0 && *total >= (uint64_t)st.st_size)
		*total -= (uint64_t)st.st_size;
	free(path);
}

static uint64_t
journal_files_size(const char *dir, const struct journal_file *files, long n)
{
	uint64_t total = 0;
	struct stat st;

	for (long i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, files[i].name);

		if (stat(path, &st) == 0)
			total += (uint64_t)st.st_size;
		free(path);
	}
	return total;
}

/*
 * The directory keeps the file of day_start and the newest before it: all
 * that a replay at start reads (journal_replay_since reads every file of
 * the directory). Older ones move to dir/history, kept there for
 * lim->keep_days days, for history and reports; and while all journal files
 * together are over lim->max_bytes, the oldest go first, history's, then
 * yesterday's; never the day_start's own.
 */
static void
journal_prune(const char *dir, int64_t day_start, const struct journal_limits *lim)
{
	struct journal_file *files, *old;
	long n = journal_list(dir, &files), n_old;
	int64_t keep = INT64_MIN;
	/* Days are local and 23 to 25 hours long: half a day of slack. */
	int64_t cutoff = day_start - lim->keep_days * JOURNAL_DAY_MS - JOURNAL_DAY_MS / 2;
	char *history = xasprintf("%s/" JOURNAL_HISTORY, dir);
	uint64_t total;

	for (long i = 0; i < n; i++)
		if (files[i].day_start < day_start)
			keep = files[i].day_start;
	if (n > 0 && files[0].day_start < keep && mkdir(history, 0750) == -1 &&
	    errno != EEXIST) {
		/* then they go, as they went before there was a history */
	}
	for (long i = 0; i < n && files[i].day_start < keep; i++) {
		char *from = xasprintf("%s/%s", dir, files[i].name);
		char *to = xasprintf("%s/%s", history, files[i].name);

		if (files[i].day_start < cutoff || rename(from, to) == -1)
			unlink(from);   /* an old file that stays is no harm */
		free(from);
		free(to);
	}
	free(files);

	n_old = journal_list(history, &old);
	for (long i = 0; i < n_old; i++)
		if (old[i].day_start < cutoff) {
			uint64_t ignored = 0;

			journal_remove(history, old[i].name, &ignored);
		}
	free(old);

	/* The size cap, over what is left. */
	n_old = journal_list(history, &old);
	n = journal_list(dir, &files);
	total = journal_files_size(history, old, n_old) +
	    journal_files_size(dir, files, n);
	for (long i = 0; i < n_old && total > (uint64_t)lim->max_bytes; i++)
		journal_remove(history, old[i].name, &total);
	for (long i = 0; i < n && total > (uint64_t)lim->max_bytes &&
	    files[i].day_start < day_start; i++)
		journal_remove(dir, files[i].name, &total);
	free(old);
	free(files);
	free(history);
}

/* ---- Reading. */

/* Append a sentence to res->error (truncated if it must be). */
static void __attribute__((format(printf, 2, 3)))
journal_say(struct journal_replay_result *res, const char *fmt, ...)
{
	size_t used = strlen(res->error);
	va_list ap;

	if (used > 0 && used + 1 < sizeof res->error)
		res->error[used++] = ' ';
	va_start(ap, fmt);
	vsnprintf(res->error + used, sizeof res->error - used, fmt, ap);
	va_end(ap);
}

struct journal_reader {
	int fd;
	unsigned char *buf;
	size_t pos, end;        /* unread bytes: buf[pos, end) */
	uint64_t base;          /* file offset of buf[0] */
	bool eof;
	int error;              /* errno of a failed read */
	const char *why;        /* what is wrong with a damaged record */
	unsigned version;       /* the file's format: 0 until a record says */
	uint64_t salt;          /* v2: from the file header record */
	uint32_t salt_crc;      /* journal_salt_crc(salt) */
	size_t header;          /* the header size of the record just read */
};

enum journal_check { CHECK_END, CHECK_OK, CHECK_SHORT, CHECK_BAD };

/* Have at least `need` bytes unread in the buffer, unless the file ends (or
 * a read fails) first; returns how many there are. */
static size_t
journal_reader_fill(struct journal_reader *r, size_t need)
{
	ssize_t n;

	if (r->end - r->pos >= need || r->eof || r->error)
		return r->end - r->pos;
	memmove(r->buf, r->buf + r->pos, r->end - r->pos);
	r->base += r->pos;
	r->end -= r->pos;
	r->pos = 0;
	while (r->end < need && !r->eof && !r->error) {
		n = read(r->fd, r->buf + r->end, JOURNAL_READ_CHUNK - r->end);
		if (n > 0)
			r->end += (size_t)n;
		else if (n == 0)
			r->eof = true;
		else if (errno != EINTR)
			r->error = errno;
	}
	return r->end - r->pos;
}

/*
 * Is this a record of the file's format, and how long is its header? A v1
 * record may only be read in a v1 file (or before the format is known): in
 * a v2 file, v1 bytes can only be a chance match inside a payload.
 */
static size_t
journal_header_size(const unsigned char *h, unsigned version)
{
	if (h[0] != JOURNAL_MAGIC0 || h[1] != JOURNAL_MAGIC1 || h[3] == 0 ||
	    journal_get_u32(h + 4) > JOURNAL_PAYLOAD_MAX)
		return 0;
	if (h[2] == JOURNAL_VERSION_1 && version != JOURNAL_VERSION)
		return JOURNAL_V1_HEADER_SIZE;
	if (h[2] == JOURNAL_VERSION && version != JOURNAL_VERSION_1)
		return JOURNAL_HEADER_SIZE;
	return 0;
}

/* A v1 record's CRC: its header up to the CRC, then the payload. */
static uint32_t
journal_v1_crc(const unsigned char *h, size_t len)
{
	uint32_t crc = journal_crc32c(0, h, JOURNAL_V1_CRC_OFFSET);

	return journal_crc32c(crc, h + JOURNAL_V1_HEADER_SIZE, len);
}

/* A v2 record's CRC: the file's salt first, so that bytes that were never
 * written as a record of this file (a chance match, a record quoted inside
 * a payload, a block of another file) do not check. */
/* The CRC of a salt alone: where every record's CRC in its file starts.
 * Kept with the salt, so that each record costs no more than in format 1. */
static uint32_t
journal_salt_crc(uint64_t salt)
{
	unsigned char s[8];

	journal_put_u64(s, salt);
	return journal_crc32c(0, s, sizeof s);
}

/* A v2 record's CRC, from its salt's (journal_salt_crc): the salt first, so
 * that bytes that were never written as a record of this file (a chance
 * match, a record quoted inside a payload, a block of another file) do not
 * check. */
static uint32_t
journal_record_crc(uint32_t salt_crc, const unsigned char *h, size_t len)
{
	uint32_t crc = journal_crc32c(salt_crc, h, JOURNAL_CRC_OFFSET);

	return journal_crc32c(crc, h + JOURNAL_HEADER_SIZE, len);
}

/* Does the v2 record at h (whole in memory) check with a salt's CRC? */
static bool
journal_v2_checks(uint32_t salt_crc, const unsigned char *h, size_t len)
{
	return journal_get_u32(h + JOURNAL_CRC_OFFSET) ==
	    journal_record_crc(salt_crc, h, len);
}

/* The record at the reader's position, which it does not pass. A file
 * header record (JOURNAL_FILE, checked with the salt it carries) sets the
 * reader's format and salt; it counts only at the file's start. */
static enum journal_check
journal_reader_next(struct journal_reader *r, struct journal_record *rec)
{
	size_t have = journal_reader_fill(r, JOURNAL_V1_HEADER_SIZE), len, hs;
	const unsigned char *h;
	uint64_t salt = r->salt;
	uint32_t salt_crc = r->salt_crc;

	if (have == 0)
		return CHECK_END;
	r->why = "cut short";
	if (have < JOURNAL_V1_HEADER_SIZE)
		return CHECK_SHORT;
	r->why = "bad header";
	if ((hs = journal_header_size(r->buf + r->pos, r->version)) == 0)
		return CHECK_BAD;
	len = journal_get_u32(r->buf + r->pos + 4);
	r->why = "cut short";
	if (journal_reader_fill(r, hs + len) < hs + len)
		return CHECK_SHORT;
	h = r->buf + r->pos;
	r->why = "bad checksum";
	if (hs == JOURNAL_V1_HEADER_SIZE) {
		if (journal_get_u32(h + JOURNAL_V1_CRC_OFFSET) != journal_v1_crc(h, len))
			return CHECK_BAD;
		r->version = JOURNAL_VERSION_1;
		rec->seq = 0;
	} else {
		if (h[3] == JOURNAL_FILE) {
			/* Only at the file's start: anywhere else it would
			 * bring its own salt, and a payload can hold one
			 * made to check. */
			if (len != JOURNAL_FILE_PAYLOAD || r->base + r->pos != 0)
				return CHECK_BAD;
			salt = journal_get_u64(h + hs);
			salt_crc = journal_salt_crc(salt);
		} else if (r->version != JOURNAL_VERSION)
			return CHECK_BAD;       /* no salt known to check it */
		if (!journal_v2_checks(salt_crc, h, len))
			return CHECK_BAD;
		r->version = JOURNAL_VERSION;
		r->salt = salt;
		r->salt_crc = salt_crc;
		rec->seq = journal_get_u32(h + JOURNAL_SEQ_OFFSET);
	}
	rec->type = h[3];
	rec->len = len;
	rec->clock_ms = (int64_t)journal_get_u64(h + 8);
	rec->payload = h + hs;
	rec->offset = r->base + r->pos;
	rec->size = hs + len;
	r->header = hs;
	return CHECK_OK;
}

/*
 * A v2 file whose own header record is damaged: its salt is kept twice in
 * the payload, and a candidate is taken only if the record after the header
 * checks with it, so one damaged byte there does not cost the day.
 */
static void
journal_reader_salvage_salt(struct journal_reader *r)
{
	size_t need = JOURNAL_FILE_SIZE + JOURNAL_HEADER_SIZE, len;
	const unsigned char *h = r->buf, *n;

	/* Whatever the header's own bytes say (they are the damaged ones):
	 * the record after it decides. */
	if (journal_reader_fill(r, need) < need)
		return;
	n = h + JOURNAL_FILE_SIZE;
	if (journal_header_size(n, JOURNAL_VERSION) != JOURNAL_HEADER_SIZE)
		return;
	len = journal_get_u32(n + 4);
	if (journal_reader_fill(r, need + len) < need + len)
		return;
	h = r->buf;
	n = h + JOURNAL_FILE_SIZE;
	for (size_t at = 0; at <= 16; at += 16) {
		uint64_t salt = journal_get_u64(h + JOURNAL_HEADER_SIZE + at);

		if (journal_v2_checks(journal_salt_crc(salt), n, len)) {
			r->version = JOURNAL_VERSION;
			r->salt = salt;
			r->salt_crc = journal_salt_crc(salt);
			return;
		}
	}
}

/*
 * After a damaged record at the reader's position: leave the reader at the
 * next whole record and return its offset, or -1 when there is none (the
 * damage runs to the end: a torn tail). *v1_starts counts the places passed
 * over that still look like a format 1 record's start: a format 1 file has
 * no sequence numbers, so that is its estimate of the records lost (a
 * flipped byte leaves the other records' magic as it was). Counted on the
 * way, as the buffer may move on under a long region.
 */
static int64_t
journal_reader_resync(struct journal_reader *r, struct journal_record *rec,
    uint64_t *v1_starts)
{
	enum journal_check c;

	*v1_starts = 0;
	do {
		const unsigned char *p = r->buf + r->pos;

		if (r->end - r->pos >= 3 && p[0] == JOURNAL_MAGIC0 &&
		    p[1] == JOURNAL_MAGIC1 && p[2] == JOURNAL_VERSION_1)
			(*v1_starts)++;
		r->pos++;
		c = journal_reader_next(r, rec);
	} while (c == CHECK_SHORT || c == CHECK_BAD);
	return c == CHECK_OK ? (int64_t)rec->offset : -1;
}

struct journal_region {
	uint64_t offset, length;
};

struct journal_scan {
	journal_replay_fn *fn;  /* NULL: verify only */
	void *arg;
	int64_t from_ms;
	bool stopped;           /* fn asked to stop */
	uint64_t good_end;      /* the file's last whole record ends here */
	unsigned version;       /* the file's format, once known */
	uint64_t salt;
	uint32_t last_seq;      /* of the last whole record (v2) */
	struct journal_region *regions; /* damaged regions of the file, when
					 * asked for (keep_regions) */
	size_t n_regions;
	bool keep_regions;
	journal_damage_fn *damage_fn;   /* told of each region; may be NULL */
	void *damage_arg;
	struct journal_replay_result *res;
};

/* Hand on the whole records from the reader's position; leaves the reader
 * at the first byte that is not one (or at the end). */
static void
journal_scan_records(struct journal_reader *r, struct journal_scan *s)
{
	struct journal_replay_result *res = s->res;
	struct journal_record rec;

	while (journal_reader_next(r, &rec) == CHECK_OK) {
		size_t n = r->header + rec.len;

		r->pos += n;
		s->good_end = rec.offset + n;
		s->last_seq = rec.seq;
		if (rec.type == JOURNAL_FILE) {
			res->header_bytes += n;
			continue;
		}
		res->bytes += n;
		if (rec.clock_ms < s->from_ms) {
			res->older++;
			continue;
		}
		res->records++;
		if (s->fn != NULL && s->fn(&rec, s->arg) != 0) {
			s->stopped = true;
			return;
		}
	}
}

/*
 * Damage at the reader's position: skip to the next whole record and count
 * the region, or, when there is none, count a torn tail. Returns true when
 * the scan goes on (the reader is at that record).
 */
static bool
journal_scan_damage(struct journal_reader *r, const char *path, struct journal_scan *s)
{
	struct journal_replay_result *res = s->res;
	uint64_t at = r->base + r->pos, size, lost, v1_starts;
	unsigned version = r->version;
	uint32_t seq = s->last_seq;
	const char *why = r->why;
	struct journal_record rec;
	struct stat st;
	int64_t next;

	if (r->version == 0 && at == 0)
		journal_reader_salvage_salt(r);
	next = journal_reader_resync(r, &rec, &v1_starts);
	if (r->error != 0)
		return false;
	if (next < 0) {
		size = fstat(r->fd, &st) == 0 ? (uint64_t)st.st_size : r->base + r->end;
		res->torn_tail = true;
		res->torn_bytes += size - at;
		return false;
	}
	/* Sequence numbers count exactly what the region held; a file header
	 * record found inside it (a new salt) or a v1 file cannot say. */
	if (version == JOURNAL_VERSION && rec.type != JOURNAL_FILE && rec.seq > seq)
		lost = rec.seq - seq - 1;
	else if (r->version == JOURNAL_VERSION)
		lost = 0;
	else {
		lost = v1_starts > 0 ? v1_starts : 1;
		res->lost_estimated = true;
	}
	res->corrupt = true;
	res->lost_bytes += (uint64_t)next - at;
	res->lost_records += lost;
	if (res->regions++ == 0) {
		res->first_offset = at;
		res->first_length = (uint64_t)next - at;
		snprintf(res->first_copy, sizeof res->first_copy, "%s.damaged-%llu-%llu",
		    path, (unsigned long long)at, (unsigned long long)(next - at));
		journal_say(res, "%s: %llu damaged bytes at byte %llu (%s), %llu "
		    "records lost; the replay went on at byte %lld.", path,
		    (unsigned long long)(next - at), (unsigned long long)at, why,
		    (unsigned long long)lost, (long long)next);
	}
	if (s->damage_fn != NULL)
		s->damage_fn(at, (uint64_t)next - at, lost, s->damage_arg);
	if (s->keep_regions) {
		s->regions = xrealloc(s->regions, (s->n_regions + 1) * sizeof *s->regions);
		s->regions[s->n_regions].offset = at;
		s->regions[s->n_regions++].length = (uint64_t)next - at;
	}
	return true;
}

/* Read the open file fd from its start; returns as journal_replay. */
static int
journal_scan_fd(int fd, const char *path, struct journal_scan *s)
{
	struct journal_reader r = { .fd = fd };
	unsigned before = s->res->regions;
	int rc = 0;

	r.buf = xmalloc(JOURNAL_READ_CHUNK);
	s->res->files++;
	s->good_end = 0;
	s->last_seq = 0;
	do
		journal_scan_records(&r, s);
	while (!s->stopped && r.error == 0 && journal_reader_fill(&r, 1) > 0 &&
	    journal_scan_damage(&r, path, s));
	s->version = r.version;
	s->salt = r.salt;
	if (s->res->regions > before + 1)
		journal_say(s->res, "%s: %u more damaged regions.", path,
		    s->res->regions - before - 1);
	if (s->stopped) {
		journal_say(s->res, "%s: replay stopped by the caller at byte %llu.",
		    path, (unsigned long long)s->good_end);
		rc = -1;
	}
	if (r.error != 0) {
		journal_say(s->res, "%s: cannot read: %s.", path, strerror(r.error));
		rc = -1;
	}
	free(r.buf);
	return rc;
}

/* Open and scan one file. */
static int
journal_scan_path(const char *path, struct journal_scan *s)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1) {
		journal_say(s->res, "%s: cannot open: %s.", path, strerror(errno));
		return -1;
	}
	rc = journal_scan_fd(fd, path, s);
	close(fd);
	return rc;
}

int
journal_replay(const char *path, journal_replay_fn *fn, void *arg,
    struct journal_replay_result *res)
{
	struct journal_scan s = { .fn = fn, .arg = arg, .from_ms = INT64_MIN, .res = res };

	memset(res, 0, sizeof *res);
	return journal_scan_path(path, &s);
}

int
journal_verify(const char *path, journal_damage_fn *fn, void *arg,
    struct journal_replay_result *res)
{
	struct journal_scan s = { .from_ms = INT64_MIN, .res = res,
	    .damage_fn = fn, .damage_arg = arg };

	memset(res, 0, sizeof *res);
	return journal_scan_path(path, &s);
}

int
journal_replay_since(const char *dir, int64_t from_ms, journal_replay_fn *fn,
    void *arg, struct journal_replay_result *res)
{
	struct journal_scan s = { .fn = fn, .arg = arg, .from_ms = from_ms, .res = res };
	struct journal_file *files;
	long n;
	int rc = 0;

	memset(res, 0, sizeof *res);
	if ((n = journal_list(dir, &files)) == -1) {
		journal_say(res, "%s: cannot list: %s.", dir, strerror(errno));
		return -1;
	}
	/* Damage in one file does not stop the next: yesterday's torn byte
	 * must not cost today's figures. */
	for (long i = 0; i < n && !s.stopped; i++) {
		char *path = xasprintf("%s/%s", dir, files[i].name);

		if (journal_scan_path(path, &s) == -1)
			rc = -1;
		free(path);
	}
	free(files);
	return rc;
}

/* ---- Writing. */

/* Close the file with a sentence; errno is kept. Records appended stay in
 * memory (up to max_pending) for journal_retry, which opens it again. */
static void __attribute__((format(printf, 2, 3)))
journal_fail(struct journal *j, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->error, sizeof j->error, fmt, ap);
	va_end(ap);
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	j->err = saved;
	errno = saved;
}

static int
journal_write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			errno = EIO;    /* no progress: do not spin */
			return -1;
		} else if (errno != EINTR)
			return -1;
	}
	return 0;
}

/* Copy len bytes of `from` at offset `at` into `to`; 0, or -1 with errno. */
static int
journal_copy_range(int from, int to, uint64_t at, uint64_t len)
{
	unsigned char *buf = xmalloc(JOURNAL_READ_CHUNK);
	ssize_t n = 0;

	while (len > 0) {
		size_t want = len < JOURNAL_READ_CHUNK ? (size_t)len : JOURNAL_READ_CHUNK;

		n = pread(from, buf, want, (off_t)at);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;    /* the file shrank under us */
		if (n <= 0 || journal_write_all(to, buf, (size_t)n) == -1) {
			n = -1;
			break;
		}
		at += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(buf);
	return n == -1 ? -1 : 0;
}

/*
 * Keep a copy of damaged bytes for a person to look at, named after where
 * they are: "<file>.damaged-<offset>-<length>". Once: if that name exists
 * (an earlier start made it), it is left as it is, so that restarting on a
 * damaged file does not pile up copies. 0 when the copy exists now.
 */
static int
journal_keep_damaged(int fd, const char *path, uint64_t at, uint64_t len,
    struct journal_replay_result *check)
{
	char *copy = xasprintf("%s.damaged-%llu-%llu", path,
	    (unsigned long long)at, (unsigned long long)len);
	int out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	int rc = 0;

	if (out == -1 && errno != EEXIST)
		rc = -1;
	else if (out != -1) {
		rc = journal_copy_range(fd, out, at, len);
		if (close(out) == -1)
			rc = -1;
		if (rc == -1)
			unlink(copy);   /* half a copy would pass for one */
		else
			journal_say(check, "The damaged bytes are kept as %s.", copy);
	}
	if (rc == -1)
		journal_say(check, "No copy of the damaged bytes could be made "
		    "as %s (%s); they stay in the journal, which a replay skips.",
		    copy, strerror(errno));
	free(copy);
	return rc;
}

static unsigned char *journal_begin(struct journal *, size_t);
static size_t journal_hsize(const struct journal *);
static void journal_seal(struct journal *, unsigned char *, unsigned, int64_t,
    size_t);

/*
 * Records that wait (a write failed) were sealed for the file they were
 * meant for: its salt, its numbers, its format. When they are to go to a
 * file as it is now (reopened after a failure, or the next day's after a
 * roll), seal them again for it, in order; an old file header among them
 * goes (journal_begin puts the file's own first when it needs one).
 */
static void
journal_reseal(struct journal *j, unsigned old_version)
{
	size_t hs = old_version == JOURNAL_VERSION_1 ? JOURNAL_V1_HEADER_SIZE :
	    JOURNAL_HEADER_SIZE, old_len = j->len, at = 0;
	unsigned char *old = j->buf;

	j->buf = NULL;
	j->len = j->cap = 0;
	j->pending = 0;
	while (at + hs <= old_len) {
		const unsigned char *h = old + at;
		size_t len = journal_get_u32(h + 4);
		unsigned char *p;

		if (h[3] != JOURNAL_FILE) {
			p = journal_begin(j, len);
			memcpy(p, h + hs, len);
			journal_seal(j, p - journal_hsize(j), h[3],
			    (int64_t)journal_get_u64(h + 8), len);
		}
		at += hs + len;
	}
	free(old);
}

/* A new file's salt. Unpredictable where the kernel can say, so that no
 * payload can be made to hold a record of the file. If it cannot (no
 * getrandom, no /dev/urandom), the pid and the stack's address (ASLR) still
 * tell this file from its neighbours; core/ reads no clock. */
static uint64_t
journal_new_salt(void)
{
	uint64_t salt = 0;
	int fd;

	if (getrandom(&salt, sizeof salt, GRND_NONBLOCK) == (ssize_t)sizeof salt)
		return salt;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		ssize_t n = read(fd, &salt, sizeof salt);

		close(fd);
		if (n == (ssize_t)sizeof salt)
			return salt;
	}
	return ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&salt;
}

/*
 * Verify the file just opened, and find where appends go: after the last
 * whole record. A torn tail is cut off there; damaged regions before it
 * are left in place (every replay skips them) and copied once each.
 */
static int
journal_repair(struct journal *j, int fd, struct journal_replay_result *check)
{
	struct journal_scan s = { .from_ms = INT64_MIN, .res = check,
	    .keep_regions = true };
	uint64_t torn = check->torn_bytes;
	unsigned old_version = j->version ? j->version : JOURNAL_VERSION;

	if (journal_scan_fd(fd, j->path, &s) == -1) {
		free(s.regions);
		journal_fail(j, "%s", check->error);
		return -1;
	}
	for (size_t i = 0; i < s.n_regions; i++)
		journal_keep_damaged(fd, j->path, s.regions[i].offset,
		    s.regions[i].length, check);
	free(s.regions);
	torn = check->torn_bytes - torn;
	/* No crash leaves more than a record half written (a batch is one
	 * write()): a longer tail is damage too, kept before it goes. If it
	 * cannot be kept it stays, and appends follow it: a replay then skips
	 * it as a damaged region. But a file with no whole record at all is
	 * cut anyway: a file header can only be read at the start. */
	if (check->torn_tail && torn > JOURNAL_HEADER_SIZE + JOURNAL_PAYLOAD_MAX &&
	    journal_keep_damaged(fd, j->path, s.good_end, torn, check) == -1 &&
	    s.version != 0) {
		struct stat st;

		j->size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : s.good_end + torn;
	} else if (check->torn_tail && ftruncate(fd, (off_t)s.good_end) == -1) {
		journal_fail(j, "%s: cannot cut off its torn tail: %s", j->path,
		    strerror(errno));
		return -1;
	} else
		j->size = s.good_end;
	/* A file begun in format 1 goes on in it; an empty one (or one with no
	 * whole record) gets format 2 and a fresh salt with its first append. */
	j->version = s.version != 0 ? s.version : JOURNAL_VERSION;
	j->salt = s.version == JOURNAL_VERSION ? s.salt : journal_new_salt();
	j->salt_crc = journal_salt_crc(j->salt);
	j->seq = s.last_seq + 1;
	/* Nothing whole in it: it is empty now, and gets a file header with
	 * the first append (journal_begin). */
	j->need_header = s.version == 0;
	if (j->len > 0)
		journal_reseal(j, old_version);
	return 0;
}

/* Open j->path for appending, and only ours: -1 (journal failed) if not. */
static int
journal_open_file(struct journal *j)
{
	int fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	struct stat st;

	if (fd == -1) {
		journal_fail(j, "%s: cannot open: %s", j->path, strerror(errno));
		return -1;
	}
	/* A device would read forever (/dev/zero) or never verify. */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		journal_fail(j, "%s: not a regular file", j->path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		journal_fail(j, "%s: in use by another process (%s)", j->path,
		    strerror(errno));
		return -1;
	}
	return fd;
}

/* Open the file of day_start for appending, verified; prune old files. */
static int
journal_start(struct journal *j, int64_t day_start, struct journal_replay_result *check)
{
	struct journal_replay_result local;
	char name[JOURNAL_NAME_MAX];
	int fd;

	if (check == NULL)
		check = &local;
	memset(check, 0, sizeof *check);
	free(j->path);
	j->path = xasprintf("%s/%s", j->dir, journal_file_name(day_start, name));
	j->day_start = day_start;
	j->error[0] = '\0';
	j->size = 0;
	if ((fd = journal_open_file(j)) == -1)
		return -1;
	if (journal_repair(j, fd, check) == -1) {
		close(fd);
		return -1;
	}
	j->fd = fd;
	j->dir_dirty = true;    /* we may have created it: sync once */
	j->failing = false;     /* a fresh try for what waits */
	j->err = 0;
	journal_prune(j->dir, day_start, &j->lim);
	return 0;
}

struct journal *
journal_open_limits(const char *dir, int64_t day_start_ms,
    struct journal_replay_result *check, const struct journal_limits *lim)
{
	struct journal *j = xcalloc(1, sizeof *j);

	j->dir = xstrdup(dir);
	j->fd = -1;
	if (lim != NULL)
		j->lim = *lim;
	if (j->lim.keep_days <= 0)
		j->lim.keep_days = JOURNAL_KEEP_DAYS;
	if (j->lim.max_bytes <= 0)
		j->lim.max_bytes = JOURNAL_MAX_BYTES;
	if (j->lim.max_pending <= 0)
		j->lim.max_pending = JOURNAL_MAX_PENDING;
	journal_start(j, day_start_ms, check);
	return j;
}

struct journal *
journal_open(const char *dir, int64_t day_start_ms, struct journal_replay_result *check)
{
	return journal_open_limits(dir, day_start_ms, check, NULL);
}

void
journal_free(struct journal **jp)
{
	struct journal *j = jp ? *jp : NULL;

	if (j == NULL)
		return;
	journal_flush(j);
	if (j->len > 0)
		journal_retry(j);       /* a last try for what waits */
	if (j->fd != -1)
		close(j->fd);
	free(j->buf);
	free(j->path);
	free(j->dir);
	free(j);
	*jp = NULL;
}

/* Room for one more record of len payload bytes; its header's address. */
static unsigned char *
journal_reserve(struct journal *j, size_t len)
{
	size_t need = j->len + JOURNAL_HEADER_SIZE + len; /* >= a v1 header */

	if (need > j->cap) {
		j->cap = j->cap ? j->cap : 64 * 1024;
		while (j->cap < need)
			j->cap *= 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
	return j->buf + j->len;
}

/* The header size of what this journal writes. */
static size_t
journal_hsize(const struct journal *j)
{
	return j->version == JOURNAL_VERSION_1 ? JOURNAL_V1_HEADER_SIZE :
	    JOURNAL_HEADER_SIZE;
}

/*
 * While writing fails, what waits is bounded by max_pending: past it the
 * oldest records go (counted as lost from the journal; the live figures
 * have them), down to three quarters of it, so that the memmove is paid
 * once per quarter of the bound, not once per record.
 */
static void
journal_bound(struct journal *j)
{
	size_t keep = 0, at, goal = (size_t)(j->lim.max_pending / 4 * 3);
	uint64_t n = 0;

	if (j->len <= (size_t)j->lim.max_pending)
		return;
	/* A file header record waiting first stays: what follows it is read
	 * with its salt. */
	if (j->version != JOURNAL_VERSION_1 && j->len >= JOURNAL_FILE_SIZE &&
	    j->buf[3] == JOURNAL_FILE)
		keep = JOURNAL_FILE_SIZE;
	at = keep;
	while (at < j->len && j->len - at > goal) {
		at += journal_hsize(j) + journal_get_u32(j->buf + at + 4);
		n++;
	}
	memmove(j->buf + keep, j->buf + at, j->len - at);
	j->len -= at - keep;
	j->pending -= n;
	j->lost_records += n;
	j->lost_bytes += at - keep;
}

/* Fill the header of a record whose payload is in place, and keep it. */
static void
journal_seal(struct journal *j, unsigned char *h, unsigned type, int64_t clock_ms,
    size_t len)
{
	h[0] = JOURNAL_MAGIC0;
	h[1] = JOURNAL_MAGIC1;
	h[3] = (unsigned char)type;
	journal_put_u32(h + 4, (uint32_t)len);
	journal_put_u64(h + 8, (uint64_t)clock_ms);
	if (j->version == JOURNAL_VERSION_1) {
		h[2] = JOURNAL_VERSION_1;
		journal_put_u32(h + JOURNAL_V1_CRC_OFFSET, journal_v1_crc(h, len));
	} else {
		h[2] = JOURNAL_VERSION;
		journal_put_u32(h + JOURNAL_SEQ_OFFSET, j->seq++);
		journal_put_u32(h + JOURNAL_CRC_OFFSET,
		    journal_record_crc(j->salt_crc, h, len));
	}
	j->len += journal_hsize(j) + len;
	if (type != JOURNAL_FILE)
		j->pending++;
	if (!journal_ok(j))
		journal_bound(j);
}

/* The payload's place for a record of len bytes, after the file header
 * record when the file needs one first. Checked at each append rather than
 * once at open, so that a file cut back to empty (a failed write) gets its
 * header again. */
static unsigned char *
journal_begin(struct journal *j, size_t len)
{
	unsigned char *h;

	if (j->version != JOURNAL_VERSION_1 && j->len == 0 &&
	    (j->size == 0 || j->need_header)) {
		h = journal_reserve(j, JOURNAL_FILE_PAYLOAD);
		journal_put_u64(h + JOURNAL_HEADER_SIZE, j->salt);
		journal_put_u64(h + JOURNAL_HEADER_SIZE + 8, (uint64_t)j->day_start);
		journal_put_u64(h + JOURNAL_HEADER_SIZE + 16, j->salt);
		j->seq = 0;
		journal_seal(j, h, JOURNAL_FILE, j->day_start, JOURNAL_FILE_PAYLOAD);
		j->need_header = false;
	}
	return journal_reserve(j, len) + journal_hsize(j);
}

int
journal_append(struct journal *j, unsigned type, int64_t clock_ms,
    const void *payload, size_t len)
{
	unsigned char *p;

	if (len > JOURNAL_PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (type == 0 || type > 255 || type == JOURNAL_FILE) {
		errno = EINVAL;
		return -1;
	}
	p = journal_begin(j, len);
	if (len > 0)
		memcpy(p, payload, len);
	journal_seal(j, p - journal_hsize(j), type, clock_ms, len);
	return 0;
}

#define JOURNAL_STREAM_FIXED 16

int
journal_append_stream_event(struct journal *j, int64_t clock_ms,
    uint64_t stream_seq, uint64_t stream_pending, const void *event, size_t len)
{
	unsigned char *p;

	if (len > JOURNAL_PAYLOAD_MAX - JOURNAL_STREAM_FIXED) {
		errno = EMSGSIZE;
		return -1;
	}
	p = journal_begin(j, JOURNAL_STREAM_FIXED + len);
	memcpy(p, &stream_seq, 8);
	memcpy(p + 8, &stream_pending, 8);
	if (len > 0)
		memcpy(p + JOURNAL_STREAM_FIXED, event, len);
	journal_seal(j, p - journal_hsize(j), JOURNAL_STREAM_EVENT, clock_ms,
	    JOURNAL_STREAM_FIXED + len);
	return 0;
}

bool
journal_event_decode(const struct journal_record *r, struct journal_event *out)
{
	if (r->type == JOURNAL_EVENT) {
		out->data = (const char *)r->payload;
		out->len = r->len;
		out->stream_seq = out->stream_pending = 0;
		return true;
	}
	if (r->type != JOURNAL_STREAM_EVENT || r->len < JOURNAL_STREAM_FIXED)
		return false;
	memcpy(&out->stream_seq, r->payload, 8);
	memcpy(&out->stream_pending, r->payload + 8, 8);
	out->data = (const char *)r->payload + JOURNAL_STREAM_FIXED;
	out->len = r->len - JOURNAL_STREAM_FIXED;
	return true;
}

/* A reject's payload: flags (1: has seq, 2: has src, 4: has why), seq
 * (i64), then the reason (u8) when there is one, then src and its NUL when
 * there is one. Records without flag 4 are read as they always were. */
#define JOURNAL_REJECT_FIXED 9

int
journal_append_reject(struct journal *j, int64_t clock_ms, const char *src,
    bool has_seq, int64_t seq)
{
	return journal_append_rejected(j, clock_ms, src, has_seq, seq, 0);
}

int
journal_append_rejected(struct journal *j, int64_t clock_ms, const char *src,
    bool has_seq, int64_t seq, unsigned why)
{
	size_t fixed = JOURNAL_REJECT_FIXED + (why ? 1 : 0);
	size_t len = fixed + (src ? strlen(src) + 1 : 0);
	unsigned char *p;

	if (len > JOURNAL_PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (why > 255) {
		errno = EINVAL;
		return -1;
	}
	p = journal_begin(j, len);
	p[0] = (unsigned char)((has_seq ? 1 : 0) | (src ? 2 : 0) | (why ? 4 : 0));
	journal_put_u64(p + 1, has_seq ? (uint64_t)seq : 0);
	if (why)
		p[JOURNAL_REJECT_FIXED] = (unsigned char)why;
	if (src != NULL)
		memcpy(p + fixed, src, len - fixed);
	journal_seal(j, p - journal_hsize(j), JOURNAL_REJECT, clock_ms, len);
	return 0;
}

bool
journal_reject_decode(const struct journal_record *rec, struct journal_reject *out)
{
	const unsigned char *p = rec->payload;
	size_t n = rec->len, fixed;

	if (rec->type != JOURNAL_REJECT || n < JOURNAL_REJECT_FIXED || (p[0] & ~7))
		return false;
	fixed = JOURNAL_REJECT_FIXED + ((p[0] & 4) ? 1 : 0);
	if (n < fixed || ((p[0] & 4) && p[JOURNAL_REJECT_FIXED] == 0))
		return false;
	if (p[0] & 2) {
		/* One NUL, at the end: src is a whole C string. */
		if (n == fixed || p[n - 1] != '\0' ||
		    memchr(p + fixed, '\0', n - fixed - 1))
			return false;
	} else if (n != fixed)
		return false;
	out->src = (p[0] & 2) ? (const char *)p + fixed : NULL;
	out->has_seq = p[0] & 1;
	out->seq = (int64_t)journal_get_u64(p + 1);
	out->why = (p[0] & 4) ? p[JOURNAL_REJECT_FIXED] : 0;
	return true;
}

/*
 * Write what waits in one write(). On failure, cut what part of it reached
 * the file, so that the file ends on a whole record and the next try's
 * records follow it (a reader must never take a cut record and what comes
 * after for records); if even that fails, close the file: journal_retry
 * opens it again, and the open cuts a torn tail.
 */
static int
journal_write_pending(struct journal *j)
{
	int saved;

	if (journal_write_all(j->fd, j->buf, j->len) == -1) {
		saved = errno;
		if (ftruncate(j->fd, (off_t)j->size) == -1) {
			close(j->fd);
			j->fd = -1;
		}
		j->failing = true;
		j->err = saved;
		snprintf(j->error, sizeof j->error, "%s: cannot write: %s",
		    j->path, strerror(saved));
		errno = saved;
		return -1;
	}
	j->size += j->len;
	j->len = 0;
	j->pending = 0;
	j->failing = false;
	j->err = 0;
	return 0;
}

int
journal_flush(struct journal *j)
{
	if (!journal_ok(j) || j->len == 0)
		return 0;
	return journal_write_pending(j);
}

int
journal_retry(struct journal *j)
{
	struct journal_replay_result check;

	if (journal_ok(j))
		return journal_flush(j);
	if (j->fd == -1) {
		int fd = journal_open_file(j);

		memset(&check, 0, sizeof check);
		if (fd == -1)
			return -1;
		if (journal_repair(j, fd, &check) == -1) {
			close(fd);
			return -1;
		}
		j->fd = fd;
		j->dir_dirty = true;
	}
	if (j->len == 0) {
		j->failing = false;
		j->err = 0;
		return 0;
	}
	return journal_write_pending(j);
}

void
journal_pending(const struct journal *j, struct journal_pending *out)
{
	*out = (struct journal_pending){ .records = j->pending,
	    .bytes = j->len, .lost_records = j->lost_records,
	    .lost_bytes = j->lost_bytes, .error = journal_ok(j) ? 0 : j->err };
}

/* The directory entry of a new file survives a power cut only once the
 * directory itself is synced. Best effort: some file systems refuse. */
static void
journal_sync_dir(struct journal *j)
{
	int fd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd != -1) {
		fsync(fd);
		close(fd);
	}
	j->dir_dirty = false;
}

int
journal_sync(struct journal *j)
{
	if (journal_flush(j) == -1)
		return -1;
	if (!journal_ok(j))
		return 0;
	if (fdatasync(j->fd) == -1) {
		/* After a failed sync the kernel may have dropped the pages:
		 * what the file holds is no longer known; journal_retry opens
		 * it again and verifies it. */
		journal_fail(j, "%s: cannot sync: %s", j->path, strerror(errno));
		return -1;
	}
	if (j->dir_dirty)
		journal_sync_dir(j);
	return 0;
}

int
journal_roll(struct journal *j, int64_t new_day_start_ms)
{
	/* What cannot be written to the old file waits and goes to the new
	 * one: a replay reads the files in order, so the records keep
	 * theirs. */
	journal_flush(j);
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	return journal_start(j, new_day_start_ms, NULL);
}

bool
journal_ok(const struct journal *j)
{
	return j->fd != -1 && !j->failing;
}

const char *
journal_error(const struct journal *j)
{
	return journal_ok(j) ? "" : j->error;
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

int64_t
journal_day_start(const struct journal *j)
{
	return j->day_start;
}

uint64_t
journal_size(const struct journal *j)
{
	return j->size;
}
