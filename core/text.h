/*
 * text.h: what text from outside may be (issue: a name that holds an escape
 * sequence, a CR/LF or a NUL forges log lines, breaks JSON and terminals).
 *
 * Names, reasons and messages that reach a board, a log line, /metrics or a
 * terminal must be valid UTF-8 with no control character: no C0 (below
 * U+0020), no DEL, no C1 (U+0080 to U+009F, which terminals read as
 * escapes). Text that is not is refused where it enters, never repaired
 * into another name.
 */
#ifndef WALLBOARD_TEXT_H
#define WALLBOARD_TEXT_H

#include <stddef.h>

/* NULL when the len bytes at s are such text; else what is wrong with them,
 * a phrase for a message ("holds a control character", "is not valid
 * UTF-8"), which never quotes the text itself. */
const char *text_problem(const char *s, size_t len);

/* Make the NUL-terminated s such text in place: each control character
 * and each byte of a bad sequence becomes '?'. For what goes out where it
 * must be safe whatever came in (a log line stays one line). */
void text_clean(char *s);

/*
 * Text put together without printf, for what runs at every evaluation
 * (issue 18: no formatting of the printf family there): as snprintf would
 * write it, at most len - 1 bytes and a NUL, cut at the byte.
 */
struct text_out {
	char *buf;
	size_t len, n;          /* n: bytes written so far, before the NUL */
};

/* Start writing into buf (len bytes, 0 allowed: nothing is written). */
void text_out_init(struct text_out *, char *buf, size_t len);
void text_out_str(struct text_out *, const char *s);
/* v in decimal, with leading zeros to at least min_digits digits. */
void text_out_uint(struct text_out *, unsigned long long v,
    unsigned min_digits);

#endif
