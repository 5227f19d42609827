/*
 * test-maps.c: the string map and the 64-bit hash the engine keys on.
 *
 * The callers and the ended calls are remembered by the 64-bit hash of their
 * token alone (u64map, no key kept): two ids that differ anywhere must hash
 * apart, or two callers' repeat contacts would merge. The hash reads ids
 * eight bytes at a time with special loads for the tail, so every byte
 * position of every length up to 40 is checked here.
 */
#include "testutil.h"

#include <stdbool.h>

#include "dueheap.h"
#include "strmap.h"
#include "u64map.h"

#define LONGEST 40

/* Every key of length 1..LONGEST that differs from a base key in one byte
 * (each position, three byte values) hashes apart from the base and from
 * the same key one byte shorter or longer. */
static void
test_hash_sees_every_byte(void **state)
{
	char base[LONGEST + 2], other[LONGEST + 2];
	static const char values[] = { 'x', '0', '\x7f' };

	for (size_t len = 1; len <= LONGEST; len++) {
		for (size_t i = 0; i < len; i++)
			base[i] = (char)('a' + i % 26);
		base[len] = '\0';
		uint64_t h = strmap_hash(base, len);

		assert_true(h != 0);
		/* A prefix, and the key with one more byte, are other keys. */
		assert_true(strmap_hash(base, len - 1) != h);
		memcpy(other, base, len);
		other[len] = 'a';
		assert_true(strmap_hash(other, len + 1) != h);
		for (size_t pos = 0; pos < len; pos++)
			for (size_t v = 0; v < sizeof values; v++) {
				memcpy(other, base, len);
				if (other[pos] == values[v])
					continue;
				other[pos] = values[v];
				assert_true(strmap_hash(other, len) != h);
			}
	}
}

/* The hash of a key is the hash of its bytes: the same id from two places
 * (an event and the config) finds the same entry. */
static void
test_hash_depends_only_on_the_bytes(void **state)
{
	char a[64], b[64 + 3];

	for (size_t len = 0; len <= LONGEST; len++) {
		for (size_t i = 0; i < len; i++)
			a[i] = (char)('A' + i * 7 % 50);
		memcpy(b + 3, a, len);  /* another address, unaligned */
		assert_true(strmap_hash(a, len) == strmap_hash(b + 3, len));
	}
}

/* Keys a byte apart are different entries; deleting some leaves the rest
 * findable (backward-shift deletion moves them within their probe runs). */
static void
test_strmap_keys_a_byte_apart(void **state)
{
	struct strmap *m = strmap_new();
	char key[LONGEST + 1];
	static int values[LONGEST * LONGEST];
	size_t n = 0;

	for (size_t len = 1; len <= LONGEST; len++)
		for (size_t pos = 0; pos < len; pos++) {
			memset(key, 'k', len);
			key[len] = '\0';
			key[pos] = 'K';
			values[n] = (int)n;
			strmap_put(m, key, &values[n++]);
		}
	assert_int_equal(strmap_count(m), n);
	/* Delete every other one, then look every one up. */
	n = 0;
	for (size_t len = 1; len <= LONGEST; len++)
		for (size_t pos = 0; pos < len; pos++, n++) {
			memset(key, 'k', len);
			key[len] = '\0';
			key[pos] = 'K';
			if (n % 2)
				assert_ptr_equal(strmap_delete(m, key), &values[n]);
		}
	n = 0;
	for (size_t len = 1; len <= LONGEST; len++)
		for (size_t pos = 0; pos < len; pos++, n++) {
			memset(key, 'k', len);
			key[len] = '\0';
			key[pos] = 'K';
			if (n % 2)
				assert_null(strmap_get(m, key));
			else
				assert_ptr_equal(strmap_get(m, key), &values[n]);
		}
	/* A key no one put: all 'k', and one longer than any. */
	memset(key, 'k', LONGEST);
	key[LONGEST] = '\0';
	assert_null(strmap_get(m, key));
	strmap_free(&m);
	assert_null(m);
}

/* A borrowing map keeps the caller's pointer; the copying map its own. */
static void
test_strmap_borrowing_keeps_the_pointer(void **state)
{
	struct strmap *borrow = strmap_new_borrowing(), *copy = strmap_new();
	char id[] = "agent-17";
	int v = 1;

	assert_ptr_equal(strmap_put(borrow, id, &v), id);
	assert_ptr_not_equal(strmap_put(copy, id, &v), id);
	assert_string_equal(strmap_put(copy, id, &v), "agent-17");
	assert_ptr_equal(strmap_get(borrow, "agent-17"), &v);
	assert_ptr_equal(strmap_get(copy, "agent-17"), &v);
	strmap_free(&borrow);
	strmap_free(&copy);
}

/* The u64map, keyed by those hashes, holds thousands of entries through
 * its growth and gives each one back. */
static void
test_u64map_through_growth(void **state)
{
	struct u64map m = { 0 };
	char token[32];

	for (uint64_t i = 0; i < 20000; i++) {
		int len = snprintf(token, sizeof token, "caller-%llu", (unsigned long long)i);
		struct u64map_entry *e = u64map_put(&m, strmap_hash(token, (size_t)len));

		e->v[0] = i;
	}
	assert_int_equal(m.count, 20000);
	for (uint64_t i = 0; i < 20000; i++) {
		int len = snprintf(token, sizeof token, "caller-%llu", (unsigned long long)i);
		struct u64map_entry *e = u64map_get(&m, strmap_hash(token, (size_t)len));

		assert_non_null(e);
		assert_int_equal(e->v[0], i);
	}
	u64map_clear(&m);
}

/*
 * The alerts' schedule of scopes: against a plain array of due times
 * updated alike (the slow, obvious route), items come out in due order,
 * each once, whatever the updates, and no more entries are held than items.
 */
static void
test_dueheap_against_an_array(void **state)
{
	enum { ITEMS = 300 };
	int64_t want[ITEMS];
	struct dueheap h = { 0 };
	uint64_t rng = 12345;
	int64_t now = 0;

	(void)state;
	for (size_t i = 0; i < ITEMS; i++)
		want[i] = INT64_MAX;
	for (int round = 0; round < 20000; round++) {
		size_t item;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		item = (size_t)(rng >> 33) % ITEMS;
		switch ((rng >> 20) % 4) {
		case 0:
			want[item] = INT64_MAX;
			break;
		default:
			want[item] = now + (int64_t)((rng >> 40) % 1000);
		}
		dueheap_set(&h, item, want[item]);
		assert_int_equal(dueheap_get(&h, item), want[item]);
		if (round % 7 == 0) {
			now += 100;
			/* everything due by now, earliest first */
			int64_t last = INT64_MIN;
			size_t got;

			while (dueheap_take(&h, now, &got)) {
				assert_true(want[got] <= now);
				assert_true(want[got] >= last);
				last = want[got];
				want[got] = INT64_MAX;
			}
			for (size_t i = 0; i < ITEMS; i++)
				assert_true(want[i] > now);
		}
		size_t held = 0;
		for (size_t i = 0; i < ITEMS; i++)
			held += want[i] != INT64_MAX;
		assert_int_equal(h.n, held);
	}
	dueheap_clear(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_sees_every_byte),
		cmocka_unit_test(test_hash_depends_only_on_the_bytes),
		cmocka_unit_test(test_strmap_keys_a_byte_apart),
		cmocka_unit_test(test_strmap_borrowing_keeps_the_pointer),
		cmocka_unit_test(test_u64map_through_growth),
		cmocka_unit_test(test_dueheap_against_an_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
