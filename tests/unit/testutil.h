/*
 * testutil.h: what every unit test includes first (cmocka needs these
 * headers before its own).
 */
#ifndef WALLBOARD_TESTUTIL_H
#define WALLBOARD_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/*
 * Small helpers for tests that need files. Static inline so that a test not
 * using them does not trip -Wunused-function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write text to a new temporary file; returns its path, which the caller
 * gives to testutil_remove_temp. Fails the test if it cannot. */
static inline char *
testutil_write_temp(const char *text)
{
	char *path = strdup("/tmp/wallboard-test-XXXXXX");
	size_t len = strlen(text);
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_true(write(fd, text, len) == (ssize_t)len);
	close(fd);
	return path;
}

/* Remove a file from testutil_write_temp and free its path; clears *path. */
static inline void
testutil_remove_temp(char **path)
{
	if (*path == NULL)
		return;
	unlink(*path);
	free(*path);
	*path = NULL;
}

#endif
