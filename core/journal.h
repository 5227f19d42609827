/*
 * journal.h: the daemon's journal of accepted events, so that `kill -9` and a
 * restart give the same figures as a run that never stopped.
 *
 * The only file in lib/ that does file I/O: it reads no clock and knows
 * nothing of events beyond their bytes, so unit tests link it alone.
 *
 * Files. One append-only file per day in the state directory, named after the
 * day's start (ms since the epoch) as a UTC time for people and as a number
 * for the code, which reads only the number:
 *
 *	journal-20261119T2300Z-1795129200000.wbj
 *
 * journal_roll moves to the next day's file. At open and at each roll, the
 * directory keeps the current day's file and the newest one before it
 * (yesterday's, for replay across midnight): what a replay at start reads.
 * Older journal files move to the "history" directory inside it, kept for
 * keep_days days (struct journal_limits); and all journal files together
 * (history's and the directory's) are kept under max_bytes, the oldest day
 * going first, never the current day's. Other names are never touched, so
 * a damaged file's copy (journal_open) stays until a person deals with it.
 *
 * Records. Little-endian, no padding; a 24-byte header, then the payload:
 *
 *	 0  u8   0xb1, 'J'  magic (never JSON text, never a zero-filled tail)
 *	 2  u8   2          format version
 *	 3  u8   type       enum journal_type; 0 is never written
 *	 4  u32  length     payload bytes, at most JOURNAL_PAYLOAD_MAX
 *	 8  i64  clock      engine clock (ms) at which the record is applied
 *	16  u32  seq        the record's number in its file: 0 for the file
 *	                    header, then 1, 2, 3 ... with no gap
 *	20  u32  crc        CRC-32C (Castagnoli) of the file's salt (u64), then
 *	                    bytes 0-19 and the payload
 *	24  payload
 *
 * Every file starts with a file header record (JOURNAL_FILE, seq 0) whose
 * payload is a random salt (u64), the day start (i64) and the salt again;
 * its own CRC covers the salt it carries.
 *
 * Damage. A record that fails its checks is skipped: the reader moves on a
 * byte at a time until bytes check as a whole record again (magic, version,
 * length, and the CRC with the file's salt), and replay goes on from there.
 * The salt is what makes that safe: a payload is text from outside (an
 * event's JSON), but no sender knows the salt, so no payload can hold bytes
 * that check as a record of this file, and a chance match needs magic,
 * version and length to fit and then a 32-bit CRC to match: about 2^-32 per
 * candidate position, and candidates need the two magic bytes first. The
 * sequence numbers make the loss exact: the records a damaged region held
 * are the numbers between the last whole record before it and the first
 * after it. A damaged file header loses nothing if either copy of the salt
 * is whole (taken only if the next record checks with it). Details and
 * reasons: docs/journal.md.
 *
 * Format 1 (before the salt), still read: a 20-byte header without seq,
 * CRC-32C of bytes 0-15 and the payload at offset 16, no file header. A
 * file that starts in format 1 stays in it: appends to it are format 1, so
 * the day an older daemon began is replayed whole. Its damaged regions are
 * skipped too, but what they held is estimated (lost_estimated), and v1
 * bytes inside a v2 file are never taken for a record.
 *
 * Durability. journal_flush hands the batch to the kernel in one write():
 * once it returns 0 the records survive the death of the process (kill -9)
 * without any fsync. Only a power cut can lose them: journal_sync (fdatasync)
 * narrows that to the time between two syncs, for a periodic call.
 *
 * A write that fails (a full disk: ENOSPC, EDQUOT, EIO) loses nothing at
 * once: the part of the batch that reached the file is cut off, so the file
 * ends on a whole record, and the records wait in memory, up to max_pending
 * bytes (past it the oldest go, counted: journal_pending). journal_retry,
 * called on a timer by the owner, writes them all once the disk takes them;
 * then the file is whole again, as if nothing had happened.
 *
 * Not thread-safe: one thread owns a journal.
 */
#ifndef WALLBOARD_JOURNAL_H
#define WALLBOARD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_HEADER_SIZE 24    /* format 2, what is written */
#define JOURNAL_V1_HEADER_SIZE 20 /* format 1, read only */
#define JOURNAL_FILE_HEADER_SIZE 48 /* the file header record, whole */
#define JOURNAL_PAYLOAD_MAX 65536

enum journal_type {
	JOURNAL_EVENT = 1,      /* an accepted event's JSON, as received */
	JOURNAL_REJECT = 2,     /* a rejected event: journal_append_reject */
	JOURNAL_CLOCK = 3,      /* the clock moved without an event; no payload */
	JOURNAL_MESSAGE = 4,    /* a team-leader message (the daemon's format) */
	JOURNAL_ACK = 5,        /* an alert ack (the daemon's format) */
	JOURNAL_FILE = 6,       /* the file header: never handed on */
	JOURNAL_STREAM = 7,     /* ingest.nats: the stream sequence applied
	                         * last, and what the stream had after it
	                         * (two uint64_t, host order); read, no
	                         * longer written: see JOURNAL_STREAM_EVENT */
	JOURNAL_STREAM_EVENT = 8, /* ingest.nats: an accepted event with its
	                         * stream sequence and what the stream had
	                         * after it (two uint64_t, host order, then
	                         * the event's JSON as received). One record:
	                         * a write a kill cuts short leaves the
	                         * position exactly at the last whole event */
	JOURNAL_JUDGE = 9,      /* the alerts were judged, at this record's
	                         * clock (no payload): a restart judges them
	                         * at exactly these moments, so the day's
	                         * alert history comes back as it was */
	/* Types up to 255 may be added; a reader hands on what it does not know. */
};

/* One record, as the replay callback sees it. */
struct journal_record {
	unsigned type;          /* enum journal_type, or a newer one */
	int64_t clock_ms;
	const unsigned char *payload; /* valid during the callback only; no NUL */
	size_t len;
	uint64_t offset;        /* of its header in its file, for messages */
	uint32_t seq;           /* its number in its file (0 in format 1) */
	size_t size;            /* its bytes in the file: header and payload */
};

/* An event record's parts: JOURNAL_EVENT's payload is the event whole
 * (no stream position: 0); JOURNAL_STREAM_EVENT's follows its position. */
struct journal_event {
	const char *data;
	size_t len;
	uint64_t stream_seq;
	uint64_t stream_pending;
};

/* true, and *out filled, for an event record (either type) whole enough
 * to read; false for any other record. */
bool journal_event_decode(const struct journal_record *r, struct journal_event *out);

/* Called for each record in file order; return 0 to go on, anything else to
 * stop the replay there. */
typedef int journal_replay_fn(const struct journal_record *, void *arg);

/* What a replay found. Zero-initialise, or let the replay do it. */
struct journal_replay_result {
	unsigned files;         /* files read */
	uint64_t records;       /* whole records at or after from_ms (each
				 * handed to fn, when there is one) */
	uint64_t older;         /* whole records passed over: before from_ms */
	uint64_t bytes;         /* bytes of whole, valid records read */
	uint64_t header_bytes;  /* bytes of file header records (not handed on) */
	bool torn_tail;         /* a file ended in part of a record: ignored */
	uint64_t torn_bytes;    /* the size of such tails, in all files */
	/* Damage in the middle: regions of bytes that are not records, with
	 * whole records after them. Skipped; replay goes on after each. */
	bool corrupt;           /* at least one damaged region */
	uint64_t lost_bytes;    /* bytes in damaged regions, exactly */
	uint64_t lost_records;  /* records they held: exact in format 2 (from
				 * the sequence numbers), estimated in 1 */
	bool lost_estimated;    /* lost_records is an estimate */
	unsigned regions;       /* damaged regions, in all files */
	uint64_t first_offset;  /* the first region: its offset and length */
	uint64_t first_length;
	char first_copy[320];   /* the name its copy has (journal_open keeps
				 * it): "<file>.damaged-<offset>-<length>" */
	char error[512];        /* "" when nothing needs telling; else sentences
				 * naming the file, the byte and what to do */
};

/*
 * Replay the journal file at `path` through fn (NULL: only verify). Every
 * record's CRC is checked; file header records are not handed on. A torn
 * tail (bytes at the end that hold no whole record, as a kill or a power
 * cut leaves) ends the replay quietly: counted in torn_tail/torn_bytes.
 * Damage with whole records after it is skipped, counted (corrupt,
 * lost_bytes, lost_records, regions, first_*) and told in error, and the
 * replay goes on with the next whole record. Returns 0 when the file was
 * read to its end, -1 when not (cannot read, or fn stopped it); res->error
 * says why.
 */
int journal_replay(const char *path, journal_replay_fn *fn, void *arg,
    struct journal_replay_result *res);

/*
 * Replay, oldest first, the records with clock >= from_ms in every journal
 * file of `dir` (usually yesterday's and today's), each as journal_replay
 * does; the counts add up over the files. A directory without journal
 * files is not an error. Returns as journal_replay, over all files.
 */
int journal_replay_since(const char *dir, int64_t from_ms, journal_replay_fn *fn,
    void *arg, struct journal_replay_result *res);

/* Told of each damaged region a replay skips: where, how long, and the
 * records it held (exact in format 2; an estimate in format 1). */
typedef void journal_damage_fn(uint64_t offset, uint64_t length,
    uint64_t records, void *arg);

/* journal_replay with no record callback, telling `fn` of each damaged
 * region (for a checker that lists them all). */
int journal_verify(const char *path, journal_damage_fn *fn, void *arg,
    struct journal_replay_result *res);

struct journal;

/* What the journal may keep; 0 in a field: its default. */
#define JOURNAL_KEEP_DAYS 7
#define JOURNAL_MAX_BYTES (2LL * 1024 * 1024 * 1024)
#define JOURNAL_MAX_PENDING (64LL * 1024 * 1024)
struct journal_limits {
	int64_t keep_days;      /* days an old day's file is kept in history */
	int64_t max_bytes;      /* all journal files together, at most */
	int64_t max_pending;    /* bytes of records waiting while writes fail */
};

/*
 * Open (creating it if need be) the journal file of the day starting at
 * day_start_ms in `dir`, ready to append; remove old files as above. The file
 * is read once to verify it: a torn tail is cut off so that new records
 * follow whole ones (one longer than a record could be is first copied as
 * below, since no crash leaves that much). Damage in the middle is never
 * cut: its bytes stay where they are (a replay skips them every time), a
 * copy of each damaged region is kept for a person as
 * "<file>.damaged-<offset>-<length>" unless one of that name exists (so
 * restarts make no more copies), and appends go after the last whole record.
 * A new file gets a fresh salt; a format 1 file is appended to in format 1.
 * `check` (may be NULL) receives what the verification found.
 *
 * Never NULL: a journal that cannot open is failed (journal_ok false,
 * journal_error says why) and drops appends, so the daemon runs on without
 * it. An exclusive lock keeps a second daemon out of the same file. Free with
 * journal_free.
 */
struct journal *journal_open(const char *dir, int64_t day_start_ms,
    struct journal_replay_result *check);
/* The same with limits (NULL: the defaults), which then hold for the
 * journal's life. */
struct journal *journal_open_limits(const char *dir, int64_t day_start_ms,
    struct journal_replay_result *check, const struct journal_limits *lim);

/* Write out what is buffered (errors ignored: flush first to see them), close
 * and free; clears *j. NULL ok. */
void journal_free(struct journal **j);

/*
 * Buffer one record in memory (no I/O). payload may be NULL when len is 0.
 * Returns 0, or -1 with errno EMSGSIZE when len is over JOURNAL_PAYLOAD_MAX
 * or EINVAL for type 0 (nothing buffered). On a failing journal the record
 * waits with the others for journal_retry (up to max_pending, see above).
 */
int journal_append(struct journal *j, unsigned type, int64_t clock_ms,
    const void *payload, size_t len);

/* A JOURNAL_STREAM_EVENT record: the event and its stream position; as
 * journal_append (EMSGSIZE when the three do not fit a record). */
int journal_append_stream_event(struct journal *j, int64_t clock_ms,
    uint64_t stream_seq, uint64_t stream_pending, const void *event, size_t len);

/* A JOURNAL_REJECT record: the feed (NULL: unreadable) and its seq, so that a
 * replay counts the rejection again (engine_reject). Never the message: a
 * flood of big rejected messages costs the journal some 30 bytes each, and
 * whatever a bad message carried (a raw number) is not kept. */
int journal_append_reject(struct journal *j, int64_t clock_ms, const char *src,
    bool has_seq, int64_t seq);
/* The same with the reason (enum event_reject, 1 to 255), which a replay
 * counts as the live daemon did. */
int journal_append_rejected(struct journal *j, int64_t clock_ms, const char *src,
    bool has_seq, int64_t seq, unsigned why);

struct journal_reject {
	const char *src;        /* NULL: unreadable; points into the record */
	bool has_seq;
	int64_t seq;
	unsigned why;           /* 0: not recorded (older records) */
};

/* Read a JOURNAL_REJECT record's fields; false if it is not a valid one. */
bool journal_reject_decode(const struct journal_record *rec,
    struct journal_reject *out);

/*
 * Write everything buffered in one write() (more only after a short write or
 * EINTR). Call it once per loop wake-up, before the batch is applied: then
 * nothing applied is missing from the file after a kill -9. Returns 0 when
 * all is written or nothing was buffered; -1 with errno (and journal_error)
 * when this call failed: what reached the file of the batch is cut off, the
 * records wait in memory and the journal is failing (journal_ok false) until
 * journal_retry or journal_roll succeeds. Only the failing call returns -1,
 * so the caller logs once; a failing journal's flush does nothing, returns 0.
 */
int journal_flush(struct journal *j);

/*
 * On a failing or failed journal: open the file again if it was closed
 * (verifying it as journal_open does), then write what waits. Returns 0
 * when the journal is ok again (journal_ok), -1 with errno while it is
 * not. On an ok journal, journal_flush. Cheap enough for a timer of a few
 * seconds: one write() of what waits, one ftruncate() if it fails.
 */
int journal_retry(struct journal *j);

/* Records waiting in memory (all of them, while the journal fails), and
 * those dropped from the wait past max_pending since the journal opened:
 * lost from the journal, so a restart would not have them. */
struct journal_pending {
	uint64_t records, bytes;
	uint64_t lost_records, lost_bytes;
	int error;              /* errno of the failure; 0 while ok */
};
void journal_pending(const struct journal *j, struct journal_pending *out);

/* journal_flush, then fdatasync (and the directory, once after a new file):
 * only a power cut needs it. Returns 0, or -1 with errno as journal_flush. */
int journal_sync(struct journal *j);

/*
 * Move to the day starting at new_day_start_ms: write out what is buffered
 * into the old file (best effort: flush first to see errors), close it, open
 * the new day's file as journal_open does and remove old files. A failed
 * journal gets a fresh try. Returns 0, or -1 when the new file cannot be
 * used (journal_error says why).
 */
int journal_roll(struct journal *j, int64_t new_day_start_ms);

/* False while the journal's file cannot be written: appends then wait. */
bool journal_ok(const struct journal *j);
/* Why it failed, a sentence naming the file; "" while it is ok. */
const char *journal_error(const struct journal *j);
/* The current day's file. */
const char *journal_path(const struct journal *j);
int64_t journal_day_start(const struct journal *j);
/* Bytes in the current file, as written so far (not counting the buffer). */
uint64_t journal_size(const struct journal *j);

/* The file name (no directory) for a day start, into buf; returns buf. */
#define JOURNAL_NAME_MAX 64
char *journal_file_name(int64_t day_start_ms, char buf[JOURNAL_NAME_MAX]);

/* CRC-32C, continuing from crc (0 to start), as the records use it. */
uint32_t journal_crc32c(uint32_t crc, const void *buf, size_t len);
/* The same by tables alone (journal_crc32c uses the CPU's instruction
 * where there is one): the tests hold the two to each other. */
uint32_t journal_crc32c_portable(uint32_t crc, const void *buf, size_t len);

#endif
