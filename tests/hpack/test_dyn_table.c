/* SPDX-License-Identifier: MIT */
/* Decoder dynamic table: RFC eviction, placement and in-place compaction,
 * checked against a naive model. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dec_util.h"
#include "dyn_table.h"
#include "hpack_alloc.h"
#include "testutil.h"

/* Naive model: a list, newest first (kept in a circular array so that
 * inserting moves nothing). */
#define M_CAP 512

typedef struct {
    char name[600], value[600];
    size_t nl, vl;
} m_entry;

typedef struct {
    m_entry e[M_CAP];
    size_t head, n, size, max;
} model;

/* i-th newest, 0-based. */
static m_entry *m_at(model *m, size_t i)
{
    return &m->e[(m->head + i) % M_CAP];
}

static void m_evict(model *m, size_t limit)
{
    while (m->size > limit) {
        m->n--;
        m->size -= m_at(m, m->n)->nl + m_at(m, m->n)->vl + 32;
    }
}

static void m_insert(model *m, const char *n, size_t nl, const char *v, size_t vl)
{
    if (nl + vl + 32 > m->max) {
        m->n = 0;
        m->size = 0;
        return;
    }
    m_evict(m, m->max - nl - vl - 32);
    m->head = (m->head + M_CAP - 1) % M_CAP;
    m_entry *e = m_at(m, 0);
    memcpy(e->name, n, nl);
    memcpy(e->value, v, vl);
    e->nl = nl;
    e->vl = vl;
    m->n++;
    m->size += nl + vl + 32;
}

/* Compare table and model.  Plain tests, one assertion at the end: every
 * passing Check assertion costs a write to the parent process. */
static void check_same(const h2c_dyn_table *t, model *m)
{
    int ok = t->count == m->n && t->size == m->size && t->size <= t->max;
    for (size_t i = 1; ok && i <= m->n; i++) {
        const h2c_dyn_entry *e = h2c_dyn_get(t, i);
        const m_entry *me = m_at(m, i - 1);
        ok = e && e->name_len == me->nl && e->value_len == me->vl &&
             e->off + e->name_len + e->value_len <= t->arena_cap &&
             memcmp(h2c_dyn_name(t, e), me->name, me->nl) == 0 &&
             memcmp(h2c_dyn_value(t, e), me->value, me->vl) == 0;
        if (!ok)
            ck_abort_msg("entry %zu differs", i);
    }
    ok = ok && !h2c_dyn_get(t, 0) && !h2c_dyn_get(t, m->n + 1);
    if (!ok)
        ck_abort_msg("table: count %zu size %zu max %zu, model: count %zu size %zu", t->count,
                     t->size, t->max, m->n, m->size);
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static h2c_allocator fa_allocator(h2t_failalloc *fa)
{
    h2c_allocator a = { h2t_fa_alloc, h2t_fa_free, fa };
    return a;
}

/* Random inserts of varied sizes (including empty and too-large entries),
 * occasional maximum changes, names taken from live or evicted entries. */
START_TEST(random_against_model)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    static model m;
    memset(&m, 0, sizeof m);
    h2c_dyn_table t;
    uint32_t seed = (uint32_t)_i * 7919u + 1;
    size_t maxes[] = { 256, 4096, 1000, 33, 0, 64, 700 };
    m.max = 256;
    h2c_dyn_init(&t, m.max);
    char name[600], value[600];
    for (int iter = 0; iter < 4000; iter++) {
        if (rnd(&seed) % 300 == 0) {
            m.max = maxes[rnd(&seed) % (sizeof maxes / sizeof maxes[0])];
            h2c_dyn_set_max(&t, m.max);
            m_evict(&m, m.max);
            check_same(&t, &m);
            continue;
        }
        uint32_t r = rnd(&seed);
        size_t nl = r % 4 == 0 ? 0 : rnd(&seed) % (r % 7 == 0 ? 500 : 40);
        size_t vl = rnd(&seed) % (r % 5 == 0 ? 500 : 60);
        for (size_t i = 0; i < vl; i++)
            value[i] = (char)('a' + (iter + i) % 26);
        const uint8_t *np = (const uint8_t *)name;
        if (t.count && r % 3 == 0) {
            /* Name of an existing entry, often the oldest (evicted by this
             * very insertion when the table is full). */
            size_t k = r % 2 ? t.count : 1 + rnd(&seed) % t.count;
            const h2c_dyn_entry *e = h2c_dyn_get(&t, k);
            np = h2c_dyn_name(&t, e);
            nl = e->name_len;
            memcpy(name, np, nl);
        } else {
            for (size_t i = 0; i < nl; i++)
                name[i] = (char)('A' + (iter * 3 + i) % 26);
        }
        int added = h2c_dyn_insert(&t, &a, np, nl, (const uint8_t *)value, vl);
        if (added != (nl + vl + 32 <= m.max))
            ck_abort_msg("insert %d: added %d", iter, added);
        m_insert(&m, name, nl, value, vl);
        check_same(&t, &m);
    }
    /* Memory stays below 1.25 * max plus the descriptor ring. */
    ck_assert_uint_le(t.arena_cap, 4096 + 4096 / 4);
    ck_assert_uint_le(t.ring_cap, 4096 / 32);
    h2c_dyn_free(&t, &a);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

START_TEST(too_large_entry_empties)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    h2c_dyn_table t;
    h2c_dyn_init(&t, 100);
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1), 1);
    ck_assert_uint_eq(t.size, 34);
    char big[80];
    memset(big, 'x', sizeof big);
    /* 1 + 68 + 32 = 101 > 100. */
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"n", 1, (const uint8_t *)big, 68), 0);
    ck_assert_uint_eq(t.count, 0);
    ck_assert_uint_eq(t.size, 0);
    /* Exactly 100 fits. */
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"n", 1, (const uint8_t *)big, 67), 1);
    ck_assert_uint_eq(t.size, 100);
    h2c_dyn_free(&t, &a);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

START_TEST(grow_keeps_entries)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    h2c_dyn_table t;
    h2c_dyn_init(&t, 200);
    for (int i = 0; i < 10; i++) {
        char v[8] = { (char)('0' + i) };
        ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"key", 3, (const uint8_t *)v, 1), 1);
    }
    ck_assert_uint_eq(t.count, 5); /* 5 * 36 = 180 */
    /* A higher maximum alone allocates nothing. */
    unsigned long calls = fa.calls;
    h2c_dyn_set_max(&t, 5000);
    ck_assert_uint_eq(fa.calls, calls);
    /* Growing fails cleanly: the entries stay. */
    char v[600];
    memset(v, 'v', sizeof v);
    fa.fail_at = fa.calls + 1;
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"big", 3, (const uint8_t *)v, 500),
                     H2C_E_NOMEM);
    ck_assert_uint_eq(t.count, 5);
    fa.fail_at = 0;
    /* The new entry's name may come from an entry of the old arena. */
    const h2c_dyn_entry *old = h2c_dyn_get(&t, 5);
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, h2c_dyn_name(&t, old), 3, (const uint8_t *)v, 500), 1);
    ck_assert_uint_ge(t.arena_cap, 5 * 4 + 503);
    ck_assert_uint_eq(t.count, 6);
    for (size_t i = 2; i <= 6; i++) {
        const h2c_dyn_entry *e = h2c_dyn_get(&t, i);
        ck_assert_mem_eq(h2c_dyn_name(&t, e), "key", 3);
        ck_assert_int_eq(h2c_dyn_value(&t, e)[0], '0' + 11 - (int)i);
    }
    ck_assert_mem_eq(h2c_dyn_name(&t, h2c_dyn_get(&t, 1)), "key", 3);
    ck_assert_mem_eq(h2c_dyn_value(&t, h2c_dyn_get(&t, 1)), v, 500);
    /* Shrinking keeps the memory: inserting again allocates nothing. */
    h2c_dyn_set_max(&t, 100);
    ck_assert_uint_eq(t.count, 0);
    calls = fa.calls;
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"key", 3, (const uint8_t *)"x", 1), 1);
    ck_assert_uint_eq(fa.calls, calls);
    h2c_dyn_free(&t, &a);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* A maximum of 2^32-1 and one small entry: the storage follows the entry,
 * not the maximum. */
START_TEST(huge_max_holds_little)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    h2c_dyn_table t;
    h2c_dyn_init(&t, UINT32_MAX);
    ck_assert_uint_eq(fa.calls, 0);
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"name", 4, (const uint8_t *)"value", 5), 1);
    ck_assert_uint_le(t.arena_cap + t.ring_cap * sizeof(h2c_dyn_entry), 256);
    h2c_dyn_free(&t, &a);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

START_TEST(zero_max_allocates_nothing)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    h2c_dyn_table t;
    h2c_dyn_init(&t, 0);
    ck_assert_uint_eq(fa.calls, 0);
    ck_assert_int_eq(h2c_dyn_insert(&t, &a, (const uint8_t *)"", 0, (const uint8_t *)"", 0), 0);
    ck_assert_uint_eq(t.count, 0);
    h2c_dyn_free(&t, &a);
}
END_TEST

/* Entry sizes of full_table_compacts, cycled: one size each, then a mix
 * whose live content changes as it cycles.  None divides the arena, so
 * insertions wrap and compact often. */
static const size_t cycle_sizes[][8][2] = {
    {{7, 90}, {7, 90}, {7, 90}, {7, 90}, {7, 90}, {7, 90}, {7, 90}, {7, 90}},
    {{3, 250}, {3, 250}, {3, 250}, {3, 250}, {3, 250}, {3, 250}, {3, 250}, {3, 250}},
    {{20, 41}, {20, 41}, {20, 41}, {20, 41}, {20, 41}, {20, 41}, {20, 41}, {20, 41}},
    {{5, 300}, {12, 30}, {0, 1}, {40, 120}, {9, 0}, {30, 500}, {4, 7}, {16, 61}},
};

/* Insert the cycle's entries n times into t and the model: every third
 * takes its name from the oldest entry, which this insertion evicts when
 * the table is full (so compaction must keep that name).  Sets *at_full
 * to the allocation count right after the first insertion that evicted. */
static void cycle(h2c_dyn_table *t, const h2c_allocator *a, model *m, int k, int n,
                  const h2t_failalloc *fa, unsigned long *at_full)
{
    char name[600], value[600];
    for (int iter = 0; iter < n; iter++) {
        size_t nl = cycle_sizes[k][iter % 8][0], vl = cycle_sizes[k][iter % 8][1];
        for (size_t i = 0; i < vl; i++)
            value[i] = (char)('a' + (iter + i) % 26);
        const uint8_t *np = (const uint8_t *)name;
        if (t->count && iter % 3 == 0) {
            const h2c_dyn_entry *e = h2c_dyn_get(t, t->count);
            np = h2c_dyn_name(t, e);
            nl = e->name_len;
            memcpy(name, np, nl);
        } else {
            for (size_t i = 0; i < nl; i++)
                name[i] = (char)('A' + (iter * 7 + i) % 26);
        }
        int evicts = t->size + nl + vl + 32 > t->max;
        if (h2c_dyn_insert(t, a, np, nl, (const uint8_t *)value, vl) != 1)
            ck_abort_msg("insert %d failed", iter);
        m_insert(m, name, nl, value, vl);
        check_same(t, m);
        if (evicts && !*at_full)
            *at_full = fa->calls;
    }
}

/* A table cycled through many insertions at full size compacts its arena
 * in place: with entries of one size it allocates nothing once it first
 * fills, with any sequence nothing when the same sequence runs again, and
 * its arena stays near 1.25 times its content, far below twice the
 * maximum. */
START_TEST(full_table_compacts)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    static model m;
    memset(&m, 0, sizeof m);
    m.max = 4096;
    h2c_dyn_table t;
    h2c_dyn_init(&t, m.max);
    unsigned long at_full = 0;
    cycle(&t, &a, &m, _i, 20000, &fa, &at_full);
    ck_assert_uint_gt(at_full, 0);
    if (_i < 3)
        ck_assert_uint_eq(fa.calls, at_full);
    /* Content: at most max - 32 octets with the new entry; 1.25 times
     * that, and the arena never passes 1.25 times the maximum. */
    ck_assert_uint_le(t.arena_cap, 4096 + 4096 / 4);
    size_t content = t.size - t.count * 32;
    if (_i < 3)
        ck_assert_uint_le(t.arena_cap, (content + 300) * 5 / 4 + 1);
    unsigned long first = fa.calls;
    h2c_dyn_clear(&t);
    m.n = m.size = 0;
    unsigned long again = 0;
    cycle(&t, &a, &m, _i, 20000, &fa, &again);
    ck_assert_uint_eq(fa.calls, first);
    h2c_dyn_free(&t, &a);
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

/* A name taken from the entry that this insertion evicts, where
 * compaction moves the live data over that entry's octets: the name must
 * arrive intact.  Tables of three to four entries of about 40 octets:
 * every insertion evicts the oldest and takes its name, and the arena,
 * under twice the content, often has no place without compaction. */
START_TEST(name_from_evicted_entry_compacted)
{
    h2t_failalloc fa = { 0 };
    h2c_allocator a = fa_allocator(&fa);
    static model m;
    memset(&m, 0, sizeof m);
    for (int variant = 0; variant < 4; variant++) {
        memset(&m, 0, sizeof m);
        m.max = 3 * (40 + 32) + (size_t)variant * 8;
        h2c_dyn_table t;
        h2c_dyn_init(&t, m.max);
        char name[64], value[64];
        for (int iter = 0; iter < 40; iter++) {
            size_t nl = 10 + (size_t)(iter + variant) % 5, vl = 30 - (size_t)(iter % 3);
            for (size_t i = 0; i < vl; i++)
                value[i] = (char)('a' + (iter + i) % 26);
            const uint8_t *np = (const uint8_t *)name;
            if (t.count >= 2) {
                const h2c_dyn_entry *e = h2c_dyn_get(&t, t.count);
                np = h2c_dyn_name(&t, e);
                nl = e->name_len;
                memcpy(name, np, nl);
            } else {
                for (size_t i = 0; i < nl; i++)
                    name[i] = (char)('A' + (iter * 5 + i) % 26);
            }
            ck_assert_int_eq(h2c_dyn_insert(&t, &a, np, nl, (const uint8_t *)value, vl), 1);
            m_insert(&m, name, nl, value, vl);
            check_same(&t, &m);
        }
        /* The arena stayed below twice the content: compaction, not
         * growth, made the places. */
        ck_assert_uint_lt(t.arena_cap, 2 * (t.size - t.count * 32));
        h2c_dyn_free(&t, &a);
    }
    ck_assert_int_eq(fa.live, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hpack_dyn_table");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, random_against_model, 0, 8);
    tcase_add_test(tc, too_large_entry_empties);
    tcase_add_test(tc, grow_keeps_entries);
    tcase_add_test(tc, huge_max_holds_little);
    tcase_add_test(tc, zero_max_allocates_nothing);
    tcase_add_loop_test(tc, full_table_compacts, 0, 4);
    tcase_add_test(tc, name_from_evicted_entry_compacted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_run_suite(suite());
}
