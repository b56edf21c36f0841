/*
 * Tests of ht.c: SipHash-2-4 against the reference vectors, and the table
 * (insert, find, remove, growth, iteration with removal, ownership).
 */
/* Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC */

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/ht.h"

/*
 * Reference SipHash-2-4 outputs (as 64-bit little-endian values) for key
 * 00 01 .. 0f and messages 00 01 .. (n - 1), n = 0..15, from the SipHash
 * paper and its reference implementation; n = 15 is the paper's example.
 */
static const uint64_t test_ht_vectors[16] = {
	UINT64_C(0x726fdb47dd0e0e31), UINT64_C(0x74f839c593dc67fd),
	UINT64_C(0x0d6c8009d9a94f5a), UINT64_C(0x85676696d7fb7e2d),
	UINT64_C(0xcf2794e0277187b7), UINT64_C(0x18765564cd99a68d),
	UINT64_C(0xcbc9466e58fee3ce), UINT64_C(0xab0200f58b01d137),
	UINT64_C(0x93f5f5799a932462), UINT64_C(0x9e0082df0ba9e4b0),
	UINT64_C(0x7a5dbbc594ddb9f3), UINT64_C(0xf4b32f46226bada7),
	UINT64_C(0x751e8fbc860ee5fb), UINT64_C(0x14ea5627c0843d90),
	UINT64_C(0xf723ca908e7af2ee), UINT64_C(0xa129ca6149be45e5)
};

Test(ht, siphash_reference_vectors)
{
	uint64_t	 key[2] = {
		UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908)
	};
	unsigned char	 msg[16];
	size_t		 i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	for (i = 0; i < 16; i++)
		cr_expect_eq(ht_siphash(key, msg, i), test_ht_vectors[i],
		    "length %zu: %016llx", i,
		    (unsigned long long)ht_siphash(key, msg, i));
}

Test(ht, siphash_depends_on_key)
{
	uint64_t	 k1[2] = { 1, 2 }, k2[2] = { 1, 3 };

	cr_expect_neq(ht_siphash(k1, "hello", 5), ht_siphash(k2, "hello", 5));
}

/* Counters of destructor calls, per test (Criterion forks each test). */
static int	 test_ht_keys_freed;
static int	 test_ht_vals_freed;
static uint64_t	 test_ht_seed[2] = { 42, 4242 };

static uint64_t
test_ht_hash(const void *key, void *arg)
{
	(void)arg;
	return ht_siphash(test_ht_seed, key, strlen(key));
}

/* A deliberately bad hash: every key collides. */
static uint64_t
test_ht_hash_const(const void *key, void *arg)
{
	(void)key;
	(void)arg;
	return 7;
}

static bool
test_ht_equal(const void *a, const void *b, void *arg)
{
	(void)arg;
	return strcmp(a, b) == 0;
}

static void
test_ht_key_free(void *key)
{
	test_ht_keys_freed++;
	free(key);
}

static void
test_ht_val_free(void *val)
{
	test_ht_vals_freed++;
	free(val);
}

static const struct ht_type test_ht_type = {
	test_ht_hash, test_ht_equal, test_ht_key_free, test_ht_val_free
};

static const struct ht_type test_ht_type_collide = {
	test_ht_hash_const, test_ht_equal, test_ht_key_free, test_ht_val_free
};

static char *
test_ht_str(const char *prefix, int i)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%s%d", prefix, i);
	return strdup(buf);
}

static int *
test_ht_int(int i)
{
	int	*p = malloc(sizeof(*p));

	*p = i;
	return p;
}

Test(ht, insert_find_remove)
{
	struct ht	*h = ht_new(&test_ht_type, NULL);
	char		*dup;
	void		*v;
	int		*val;

	cr_assert_eq(ht_insert(h, strdup("a"), test_ht_int(1)), 0);
	cr_assert_eq(ht_insert(h, strdup("b"), test_ht_int(2)), 0);
	cr_assert(ht_find(h, "a", &v));
	cr_expect_eq(*(int *)v, 1);
	cr_assert(ht_find(h, "b", &v));
	cr_expect_eq(*(int *)v, 2);
	cr_expect_not(ht_find(h, "c", &v));
	cr_expect_eq(ht_count(h), 2);

	/* A duplicate is refused and ownership stays with the caller. */
	dup = strdup("a");
	val = test_ht_int(3);
	cr_expect_eq(ht_insert(h, dup, val), -1);
	free(dup);
	free(val);
	cr_expect_eq(test_ht_keys_freed, 0);

	cr_expect_eq(ht_remove(h, "a"), 0);
	cr_expect_eq(test_ht_keys_freed, 1);
	cr_expect_eq(test_ht_vals_freed, 1);
	cr_expect_not(ht_find(h, "a", NULL));
	cr_expect_eq(ht_remove(h, "a"), -1);
	cr_expect(ht_find(h, "b", NULL));
	cr_expect_eq(ht_count(h), 1);
	ht_free(h);
	cr_expect_eq(test_ht_keys_freed, 2);
	cr_expect_eq(test_ht_vals_freed, 2);
}

static void
test_ht_many(const struct ht_type *type, int n)
{
	struct ht	*h = ht_new(type, NULL);
	char		 buf[32];
	void		*v;
	int		 i;

	for (i = 0; i < n; i++)
		cr_assert_eq(ht_insert(h, test_ht_str("key", i),
		    test_ht_int(i)), 0);
	cr_assert_eq(ht_count(h), (size_t)n);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "key%d", i);
		cr_assert(ht_find(h, buf, &v), "lost %s", buf);
		cr_assert_eq(*(int *)v, i);
	}
	snprintf(buf, sizeof(buf), "key%d", n);
	cr_expect_not(ht_find(h, buf, NULL));
	ht_free(h);
	cr_expect_eq(test_ht_keys_freed, n);
	cr_expect_eq(test_ht_vals_freed, n);
}

Test(ht, resize_keeps_every_entry)
{
	test_ht_many(&test_ht_type, 5000);
}

Test(ht, all_colliding_keys_still_work)
{
	test_ht_many(&test_ht_type_collide, 300);
}

static void
test_ht_iter_remove_odd(const struct ht_type *type, bool via_iter)
{
	struct ht	*h = ht_new(type, NULL);
	struct ht_iter	 it;
	char		 seen[1000];
	void		*k, *v;
	int		 i, n = 1000, visits = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++)
		cr_assert_eq(ht_insert(h, test_ht_str("", i),
		    test_ht_int(i)), 0);
	ht_iter_init(h, &it);
	while (ht_iter_next(&it, &k, &v)) {
		i = *(int *)v;
		cr_assert(i >= 0 && i < n);
		cr_assert_eq(seen[i], 0, "%d visited twice", i);
		seen[i] = 1;
		visits++;
		if (i % 2 == 1) {
			if (via_iter)
				ht_iter_remove(&it);
			else
				cr_assert_eq(ht_remove(h, k), 0);
		}
	}
	cr_expect_eq(visits, n);
	cr_expect_eq(ht_count(h), (size_t)n / 2);
	cr_expect_eq(test_ht_keys_freed, n / 2);
	cr_expect_eq(test_ht_vals_freed, n / 2);
	cr_expect(ht_find(h, "2", NULL));
	cr_expect_not(ht_find(h, "3", NULL));

	/* A second walk sees exactly the even entries. */
	visits = 0;
	ht_iter_init(h, &it);
	while (ht_iter_next(&it, NULL, &v)) {
		cr_expect_eq(*(int *)v % 2, 0);
		visits++;
	}
	cr_expect_eq(visits, n / 2);
	ht_free(h);
	cr_expect_eq(test_ht_keys_freed, n);
	cr_expect_eq(test_ht_vals_freed, n);
}

Test(ht, iteration_with_removal)
{
	test_ht_iter_remove_odd(&test_ht_type, true);
}

Test(ht, iteration_with_ht_remove_of_current)
{
	test_ht_iter_remove_odd(&test_ht_type, false);
}

Test(ht, iteration_with_removal_in_one_chain)
{
	test_ht_iter_remove_odd(&test_ht_type_collide, true);
}

Test(ht, empty_table)
{
	struct ht	*h = ht_new(&test_ht_type, NULL);
	struct ht_iter	 it;

	ht_iter_init(h, &it);
	cr_expect_not(ht_iter_next(&it, NULL, NULL));
	cr_expect_eq(ht_count(h), 0);
	ht_free(h);
	ht_free(NULL);
	cr_expect_eq(test_ht_keys_freed, 0);
}
