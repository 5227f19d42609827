/*
 * driver.c: a main() for a harness built without libFuzzer, to replay saved
 * inputs (the corpus test, tests/fuzz/t-fuzz-corpus.sh; a crash reproducer
 * under gdb).
 *
 *	fuzz-NAME FILE|DIR...
 *
 * Each file named, and each regular file in a directory named (not
 * recursively, in name order), is given to LLVMFuzzerTestOneInput once. A
 * broken invariant aborts, as under libFuzzer; with ASan a memory error or a
 * leak fails the run. Prints how many inputs ran.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static unsigned long driver_runs;

static int
driver_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	/* An exact-size copy, as libFuzzer gives: ASan sees any over-read. */
	unsigned char *input = malloc(len ? len : 1);
	if (input == NULL)
		abort();
	memcpy(input, buf, len);
	free(buf);
	if (getenv("FUZZ_DRIVER_VERBOSE") != NULL)
		fprintf(stderr, "running %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(input, len);
	free(input);
	driver_runs++;
	return 0;
}

static int
driver_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
driver_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct stat st;
	int rc = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof *names)) == NULL)
				abort();
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof *names, driver_name_cmp);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    driver_file(path) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode) ? driver_dir(argv[i]) == -1 :
		    driver_file(argv[i]) == -1)
			rc = 1;
	}
	printf("%s: %lu inputs\n", argv[0], driver_runs);
	return rc;
}
