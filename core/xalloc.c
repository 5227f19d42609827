/*
 * xalloc.c: allocation that never returns NULL, and fatal exits.
 */
#define _GNU_SOURCE
#include "xalloc.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void
xalloc_die(size_t size)
{
	fatalx("out of memory allocating %zu bytes", size);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xalloc_die(size);
	return p;
}

void *
xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		xalloc_die(count * size);
	return p;
}

void *
xmalloc_huge(size_t size)
{
	void *p;

	if (size < XALLOC_HUGE)
		return xmalloc(size);
	if (posix_memalign(&p, XALLOC_HUGE, size) != 0)
		xalloc_die(size);
#ifdef MADV_HUGEPAGE
	madvise(p, size, MADV_HUGEPAGE);        /* a hint: ignored if refused */
#endif
	return p;
}

void *
xcalloc_huge(size_t size)
{
	void *p;

	if (size < XALLOC_HUGE)
		return xcalloc(1, size);
	p = xmalloc_huge(size);
	memset(p, 0, size);
	return p;
}

void *
xcalloc_line(size_t size)
{
	void *p;

	if (posix_memalign(&p, 64, size ? size : 1) != 0)
		xalloc_die(size);
	memset(p, 0, size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		xalloc_die(size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		xalloc_die(strlen(fmt));
	va_end(ap);
	return s;
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fprintf(stderr, "%swallboard: ", log_prefix(2));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%swallboard: ", log_prefix(2));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
