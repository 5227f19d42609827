/*
 * test-chunks.c: bytes that never move until a reset (core/chunks.h), as a
 * batch of decoded events handed between threads needs them.
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "chunks.h"

/* Written bytes stay put while more are taken, across chunks, and what was
 * allocated is counted: three chunks of 100 and one of its own for 250. */
static void
test_chunks_never_move(void **state)
{
	struct chunks cs = { .size = 100 };
	char *p[40];
	size_t grew = 0, header;

	(void)state;
	for (int i = 0; i < 30; i++) {
		p[i] = chunks_take(&cs, 10, &grew);
		snprintf(p[i], 10, "s%03d", i % 1000);
	}
	/* 10 takes of 10 fill a chunk of 100: three chunks */
	header = grew / 3 - 100;
	assert_true(header > 0 && header <= 64);
	p[30] = chunks_take(&cs, 250, &grew);
	memset(p[30], 'x', 250);
	assert_int_equal(grew, 3 * (header + 100) + header + 250);
	for (int i = 31; i < 40; i++)
		snprintf(p[i] = chunks_take(&cs, 10, &grew), 10, "s%03d", i % 1000);
	for (int i = 0; i < 40; i++) {
		char want[10];

		if (i == 30)
			continue;
		snprintf(want, sizeof want, "s%03d", i % 1000);
		assert_string_equal(p[i], want);
	}
	assert_true(p[30][0] == 'x' && p[30][249] == 'x');
	/* a take of 0 is still a distinct byte */
	assert_ptr_not_equal(chunks_take(&cs, 0, NULL), chunks_take(&cs, 0, NULL));
	/* a reset keeps one chunk of the usual size, and says so */
	assert_int_equal(chunks_reset(&cs), header + 100);
	grew = 0;
	chunks_take(&cs, 100, &grew);
	assert_int_equal(grew, 0);      /* the kept chunk, reused */
	chunks_free(&cs);
	assert_null(cs.head);
	assert_int_equal(chunks_reset(&cs), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks_never_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
