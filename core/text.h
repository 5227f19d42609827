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

#endif
