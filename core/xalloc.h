/*
 * xalloc.h: allocation that never returns NULL, and fatal exits.
 *
 * Out-of-memory is fatal in exactly one place (here), so callers do not check.
 */
#ifndef WALLBOARD_XALLOC_H
#define WALLBOARD_XALLOC_H

#include <stddef.h>

/* Allocate or die with a message on stderr. Free with free(). */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* size bytes, zeroed, for a big table or pool. From XALLOC_HUGE up, aligned
 * to it and offered to the kernel for transparent huge pages (madvise;
 * Debian's default THP mode honours it), so that filling it takes a page
 * fault every 2 MiB, not every 4 kB (a fault costs microseconds in a VM);
 * smaller, as xcalloc. Free with free(). */
#define XALLOC_HUGE ((size_t)2 << 20)
void *xcalloc_huge(size_t size);
/* The same, not zeroed (a pool whose every byte is written before it is
 * read): no pass over the memory before its first use. */
void *xmalloc_huge(size_t size);
/* size bytes, zeroed, starting on a 64-byte cache line (a record whose
 * hot fields are laid out by line). Free with free(). */
void *xcalloc_line(size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "wallboard: message" (fatal adds ": strerror(errno)") and exit(1). */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
