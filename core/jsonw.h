/*
 * jsonw.h: a small, fast JSON writer into a growable buffer.
 *
 * Commas are placed by the writer (it tracks nesting), strings are escaped,
 * so callers just say what comes next. Used for snapshots, where a 10,000
 * agent floor must encode in well under a millisecond or two.
 */
#ifndef WALLBOARD_JSONW_H
#define WALLBOARD_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_DEPTH 32

struct jsonw {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[JSONW_DEPTH]; /* nothing written yet at this depth */
	bool after_key;
};

/* Start (or restart) writing; keeps the buffer for reuse. */
void jsonw_reset(struct jsonw *);
/* Free the buffer. */
void jsonw_release(struct jsonw *);

void jsonw_object(struct jsonw *);      /* { */
void jsonw_array(struct jsonw *);       /* [ */
void jsonw_end_object(struct jsonw *);  /* } */
void jsonw_end_array(struct jsonw *);   /* ] */
void jsonw_key(struct jsonw *, const char *key);
void jsonw_string(struct jsonw *, const char *s);  /* NULL writes null */
void jsonw_int(struct jsonw *, int64_t v);
void jsonw_double(struct jsonw *, double v);       /* up to 12 significant digits */
void jsonw_bool(struct jsonw *, bool v);
void jsonw_null(struct jsonw *);
/* A ready-made JSON value, written as is. */
void jsonw_raw(struct jsonw *, const char *json, size_t len);

/* The document so far, NUL-terminated (owned by the writer). */
const char *jsonw_text(const struct jsonw *);

#endif
