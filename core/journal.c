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
#define JOURNAL_VERSION 1
#define JOURNAL_CRC_OFFSET 16
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

static bool
journal_header_valid(const unsigned char *h)
{
	return h[0] == JOURNAL_MAGIC0 && h[1] == JOURNAL_MAGIC1 &&
	    h[2] == JOURNAL_VERSION && h[3] != 0 &&
	    journal_get_u32(h + 4) <= JOURNAL_PAYLOAD_MAX;
}

static uint32_t
journal_record_crc(const unsigned char *h, size_t len)
{
	uint32_t crc = journal_crc32c(0, h, JOURNAL_CRC_OFFSET);

	return journal_crc32c(crc, h + JOURNAL_HEADER_SIZE, len);
}

/* The record at the reader's position, which it does not pass. */
static enum journal_check
journal_reader_next(struct journal_reader *r, struct journal_record *rec)
{
	size_t have = journal_reader_fill(r, JOURNAL_HEADER_SIZE), len;
	const unsigned char *h;

	if (have == 0)
		return CHECK_END;
	r->why = "cut short";
	if (have < JOURNAL_HEADER_SIZE)
		return CHECK_SHORT;
	r->why = "bad header";
	if (!journal_header_valid(r->buf + r->pos))
		return CHECK_BAD;
	len = journal_get_u32(r->buf + r->pos + 4);
	r->why = "cut short";
	if (journal_reader_fill(r, JOURNAL_HEADER_SIZE + len) < JOURNAL_HEADER_SIZE + len)
		return CHECK_SHORT;
	h = r->buf + r->pos;
	r->why = "bad checksum";
	if (journal_get_u32(h + JOURNAL_CRC_OFFSET) != journal_record_crc(h, len))
		return CHECK_BAD;
	rec->type = h[3];
	rec->len = len;
	rec->clock_ms = (int64_t)journal_get_u64(h + 8);
	rec->payload = h + JOURNAL_HEADER_SIZE;
	rec->offset = r->base + r->pos;
	return CHECK_OK;
}

/* After a damaged record at the reader's position: the offset of the next
 * whole record, or -1 when there is none (the damage is a torn tail). Only to
 * tell the two apart: nothing after damage is ever replayed, so a record
 * found by chance inside another's payload does no harm. */
static int64_t
journal_reader_resync(struct journal_reader *r)
{
	struct journal_record rec;
	enum journal_check c;

	do {
		r->pos++;
		c = journal_reader_next(r, &rec);
	} while (c == CHECK_SHORT || c == CHECK_BAD);
	return c == CHECK_OK ? (int64_t)rec.offset : -1;
}

struct journal_scan {
	journal_replay_fn *fn;  /* NULL: verify only */
	void *arg;
	int64_t from_ms;
	bool stopped;           /* fn asked to stop */
	uint64_t good_end;      /* the file's whole records end here */
	struct journal_replay_result *res;
};

/* Hand the file's whole records on; leaves the reader at the first byte
 * that is not one (or at the end). */
static void
journal_scan_records(struct journal_reader *r, struct journal_scan *s)
{
	struct journal_replay_result *res = s->res;
	struct journal_record rec;

	while (journal_reader_next(r, &rec) == CHECK_OK) {
		r->pos += JOURNAL_HEADER_SIZE + rec.len;
		res->bytes += JOURNAL_HEADER_SIZE + rec.len;
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

/* Tell a torn tail from damage in the middle, at the reader's position. */
static int
journal_scan_damage(struct journal_reader *r, const char *path, struct journal_scan *s)
{
	struct journal_replay_result *res = s->res;
	uint64_t at = s->good_end, size;
	const char *why = r->why;
	int64_t next = journal_reader_resync(r);
	struct stat st;

	if (r->error != 0)
		return -1;
	size = fstat(r->fd, &st) == 0 ? (uint64_t)st.st_size : r->base + r->end;
	if (next < 0) {
		res->torn_tail = true;
		res->torn_bytes += size - at;
		return 0;
	}
	res->corrupt = true;
	res->lost_bytes += size - at;
	journal_say(res, "%s: the record at byte %llu is damaged (%s): the "
	    "%llu bytes from there to the end were not replayed (the next whole "
	    "record is at byte %llu).", path, (unsigned long long)at, why,
	    (unsigned long long)(size - at), (unsigned long long)next);
	return -1;
}

/* Read the open file fd from its start; returns as journal_replay. */
static int
journal_scan_fd(int fd, const char *path, struct journal_scan *s)
{
	struct journal_reader r = { .fd = fd };
	int rc = 0;

	r.buf = xmalloc(JOURNAL_READ_CHUNK);
	s->res->files++;
	journal_scan_records(&r, s);
	s->good_end = r.base + r.pos;
	if (s->stopped) {
		journal_say(s->res, "%s: replay stopped by the caller at byte %llu.",
		    path, (unsigned long long)s->good_end);
		rc = -1;
	} else if (r.error == 0 && journal_reader_fill(&r, 1) > 0)
		rc = journal_scan_damage(&r, path, s);
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

/* Copy all of `from` into `to`; 0, or -1 with errno. */
static int
journal_copy(int from, int to)
{
	unsigned char *buf = xmalloc(JOURNAL_READ_CHUNK);
	off_t at = 0;
	ssize_t n;

	while ((n = pread(from, buf, JOURNAL_READ_CHUNK, at)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || journal_write_all(to, buf, (size_t)n) == -1)
			break;
		at += n;
	}
	free(buf);
	return n == 0 ? 0 : -1;
}

/* Keep a copy of a damaged file before it is cut, for a person to look at;
 * named after the byte where the damage starts. */
static int
journal_keep_damaged(int fd, const char *path, struct journal_replay_result *check)
{
	char *copy = xasprintf("%s.damaged-%llu", path,
	    (unsigned long long)check->bytes);
	int out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int rc = out == -1 ? -1 : journal_copy(fd, out);

	if (out != -1 && close(out) == -1)
		rc = -1;
	if (rc == 0)
		journal_say(check, "A copy of the damaged file is kept as %s.", copy);
	free(copy);
	return rc;
}

/* Verify the file just opened; cut a torn tail or damage off its end so
 * that appends follow the last whole record. */
static int
journal_repair(struct journal *j, int fd, struct journal_replay_result *check)
{
	struct journal_scan s = { .from_ms = INT64_MIN, .res = check };

	if (journal_scan_fd(fd, j->path, &s) == -1 && !check->corrupt) {
		journal_fail(j, "%s", check->error);
		return -1;
	}
	if (check->corrupt && journal_keep_damaged(fd, j->path, check) == -1) {
		journal_fail(j, "%s No copy of it could be made (%s), so it is "
		    "left as it is and the journal is off: move the file away "
		    "and restart.", check->error, strerror(errno));
		return -1;
	}
	if ((check->torn_tail || check->corrupt) &&
	    ftruncate(fd, (off_t)s.good_end) == -1) {
		journal_fail(j, "%s: cannot cut off its torn tail: %s", j->path,
		    strerror(errno));
		return -1;
	}
	j->size = s.good_end;
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
	size_t need = j->len + JOURNAL_HEADER_SIZE + len;

	if (need > j->cap) {
		j->cap = j->cap ? j->cap : 64 * 1024;
		while (j->cap < need)
			j->cap *= 2;
		j->buf = xrealloc(j->buf, j->cap);
	}
	return j->buf + j->len;
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
	size_t at = 0, goal = (size_t)(j->lim.max_pending / 4 * 3);
	uint64_t n = 0;

	if (j->len <= (size_t)j->lim.max_pending)
		return;
	while (at < j->len && j->len - at > goal) {
		at += JOURNAL_HEADER_SIZE + journal_get_u32(j->buf + at + 4);
		n++;
	}
	memmove(j->buf, j->buf + at, j->len - at);
	j->len -= at;
	j->pending -= n;
	j->lost_records += n;
	j->lost_bytes += at;
}

/* Fill the header of a record whose payload is in place, and keep it. */
static void
journal_seal(struct journal *j, unsigned char *h, unsigned type, int64_t clock_ms,
    size_t len)
{
	h[0] = JOURNAL_MAGIC0;
	h[1] = JOURNAL_MAGIC1;
	h[2] = JOURNAL_VERSION;
	h[3] = (unsigned char)type;
	journal_put_u32(h + 4, (uint32_t)len);
	journal_put_u64(h + 8, (uint64_t)clock_ms);
	journal_put_u32(h + JOURNAL_CRC_OFFSET, journal_record_crc(h, len));
	j->len += JOURNAL_HEADER_SIZE + len;
	j->pending++;
	if (!journal_ok(j))
		journal_bound(j);
}

int
journal_append(struct journal *j, unsigned type, int64_t clock_ms,
    const void *payload, size_t len)
{
	unsigned char *h;

	if (len > JOURNAL_PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (type == 0 || type > 255) {
		errno = EINVAL;
		return -1;
	}
	h = journal_reserve(j, len);
	if (len > 0)
		memcpy(h + JOURNAL_HEADER_SIZE, payload, len);
	journal_seal(j, h, type, clock_ms, len);
	return 0;
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
	unsigned char *h, *p;

	if (len > JOURNAL_PAYLOAD_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	h = journal_reserve(j, len);
	p = h + JOURNAL_HEADER_SIZE;
	if (why > 255) {
		errno = EINVAL;
		return -1;
	}
	p[0] = (unsigned char)((has_seq ? 1 : 0) | (src ? 2 : 0) | (why ? 4 : 0));
	journal_put_u64(p + 1, has_seq ? (uint64_t)seq : 0);
	if (why)
		p[JOURNAL_REJECT_FIXED] = (unsigned char)why;
	if (src != NULL)
		memcpy(p + fixed, src, len - fixed);
	journal_seal(j, h, JOURNAL_REJECT, clock_ms, len);
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
