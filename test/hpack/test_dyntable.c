/* Tests for src/hpack/static_table.c and src/hpack/dyntable.c: the static
 * table and its hash lookup, and the dynamic table's order, size
 * accounting, eviction, wrap-around, memory bound and allocation failure,
 * against a plain reference model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "hpack/dyntable.h"
#include "hpack/static_table.h"
#include "testutil.h"

/* ---- static table --------------------------------------------------------- */

static void static_table_rfc_entries(void **state)
{
    (void)state;
    /* Spot checks against RFC 7541 Appendix A, first, last and the runs. */
    static const struct { unsigned i; const char *n, *v; } rows[] = {
        {1, ":authority", ""},       {2, ":method", "GET"},
        {3, ":method", "POST"},      {4, ":path", "/"},
        {5, ":path", "/index.html"}, {7, ":scheme", "https"},
        {8, ":status", "200"},       {14, ":status", "500"},
        {16, "accept-encoding", "gzip, deflate"},
        {20, "access-control-allow-origin", ""},
        {32, "cookie", ""},          {55, "set-cookie", ""},
        {60, "via", ""},             {61, "www-authenticate", ""},
    };
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const char *n, *v;
        size_t nl, vl;
        hyper_hpack_static_get(rows[k].i, &n, &nl, &v, &vl);
        assert_int_equal(nl, strlen(rows[k].n));
        assert_memory_equal(n, rows[k].n, nl);
        assert_int_equal(vl, strlen(rows[k].v));
        if (vl)
            assert_memory_equal(v, rows[k].v, vl);
    }
}

static void static_find_every_entry(void **state)
{
    (void)state;
    for (unsigned i = 1; i <= HYPER_HPACK_STATIC_COUNT; i++) {
        const char *en, *ev;
        size_t enl, evl;
        hyper_hpack_static_get(i, &en, &enl, &ev, &evl);
        unsigned ni = 99;
        /* Exact match: its own index. Copies, so pointer identity cannot help. */
        char n[64], v[64];
        memcpy(n, en, enl);
        memcpy(v, ev, evl);
        assert_int_equal(hyper_hpack_static_find(n, enl, v, evl, &ni), i);
        /* The lowest index with that name. */
        unsigned lowest = i;
        while (lowest > 1) {
            const char *pn, *pv;
            size_t pnl, pvl;
            hyper_hpack_static_get(lowest - 1, &pn, &pnl, &pv, &pvl);
            if (pnl != enl || memcmp(pn, en, enl) != 0)
                break;
            lowest--;
        }
        assert_int_equal(ni, lowest);
        /* Another value: name match only. */
        assert_int_equal(hyper_hpack_static_find(n, enl, "zz-other", 8, &ni), 0);
        assert_int_equal(ni, lowest);
    }
}

static void static_find_misses(void **state)
{
    (void)state;
    static const char *miss[] = {"", "a", "ag", "agf", "content-typf", "Content-Type",
                                 "x-forwarded-for", ":statuz", "access-control-allow-origins",
                                 "strict-transport-securitx", "hostt", "via "};
    for (size_t k = 0; k < sizeof miss / sizeof miss[0]; k++) {
        unsigned ni = 99;
        assert_int_equal(hyper_hpack_static_find(miss[k], strlen(miss[k]), "", 0, &ni), 0);
        assert_int_equal(ni, 0);
    }
    unsigned ni;
    assert_int_equal(hyper_hpack_static_find(":status", 7, "404", 3, &ni), 13);
    assert_int_equal(hyper_hpack_static_find(":status", 7, "403", 3, &ni), 0);
    assert_int_equal(ni, 8);
    assert_int_equal(hyper_hpack_static_find(":method", 7, "GETS", 4, &ni), 0);
    assert_int_equal(ni, 2);
}

/* ---- dynamic table: a reference model ---------------------------------------- */

#define MODEL_MAX 512
typedef struct model {
    struct { char n[300], v[300]; size_t nl, vl; } e[MODEL_MAX]; /* e[0] newest */
    size_t count, size, max;
    uint64_t inserted;
} model;

static void model_add(model *m, const char *n, size_t nl, const char *v, size_t vl)
{
    if (nl + vl + 32 > m->max) {
        m->count = m->size = 0;
        return;
    }
    while (m->size + nl + vl + 32 > m->max) {
        m->count--;
        m->size -= m->e[m->count].nl + m->e[m->count].vl + 32;
    }
    memmove(&m->e[1], &m->e[0], m->count * sizeof m->e[0]);
    memcpy(m->e[0].n, n, nl);
    memcpy(m->e[0].v, v, vl);
    m->e[0].nl = nl;
    m->e[0].vl = vl;
    m->count++;
    m->size += nl + vl + 32;
    m->inserted++;
}

static void model_set_max(model *m, size_t max)
{
    m->max = max;
    while (m->size > max) {
        m->count--;
        m->size -= m->e[m->count].nl + m->e[m->count].vl + 32;
    }
}

static void check_same(const hyper_hpack_table *t, const model *m)
{
    assert_int_equal(hyper_hpack_table_count(t), m->count);
    assert_int_equal(hyper_hpack_table_size(t), m->size);
    assert_int_equal(t->inserted, m->inserted);
    for (size_t i = 1; i <= m->count; i++) {
        const char *n, *v;
        size_t nl, vl;
        assert_int_equal(hyper_hpack_table_get(t, i, &n, &nl, &v, &vl), HYPER_OK);
        assert_int_equal(nl, m->e[i - 1].nl);
        assert_int_equal(vl, m->e[i - 1].vl);
        assert_memory_equal(n, m->e[i - 1].n, nl);
        assert_memory_equal(v, m->e[i - 1].v, vl);
    }
    const char *n, *v;
    size_t nl, vl;
    assert_int_equal(hyper_hpack_table_get(t, 0, &n, &nl, &v, &vl), HYPER_EHPACK_INDEX);
    assert_int_equal(hyper_hpack_table_get(t, m->count + 1, &n, &nl, &v, &vl),
                     HYPER_EHPACK_INDEX);
}

static uint32_t rng_next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void fill(char *p, size_t n, uint32_t *seed)
{
    for (size_t k = 0; k < n; k++)
        p[k] = (char)('a' + rng_next(seed) % 26);
}

/* ---- dynamic table tests ------------------------------------------------------ */

static void dyn_order_and_accounting(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_table t;
    assert_int_equal(hyper_hpack_table_init(&t, &tm.mem, 200), HYPER_OK);
    assert_int_equal(tm.in_use, 0); /* nothing before the first add */
    /* 3 entries of 32 + 10 + 20 = 62: the fourth evicts the first. */
    const char *names[] = {"aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd"};
    const char *val = "01234567890123456789";
    for (int k = 0; k < 3; k++)
        assert_int_equal(hyper_hpack_table_add(&t, names[k], 10, val, 20), HYPER_OK);
    assert_int_equal(hyper_hpack_table_size(&t), 186);
    assert_int_equal(hyper_hpack_table_count(&t), 3);
    const char *n, *v;
    size_t nl, vl;
    hyper_hpack_table_get(&t, 1, &n, &nl, &v, &vl);
    assert_memory_equal(n, "cccccccccc", 10);
    assert_int_equal(hyper_hpack_table_add(&t, names[3], 10, val, 20), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 3);
    assert_int_equal(hyper_hpack_table_size(&t), 186);
    hyper_hpack_table_get(&t, 3, &n, &nl, &v, &vl);
    assert_memory_equal(n, "bbbbbbbbbb", 10); /* "a" was evicted, oldest first */
    assert_int_equal(t.inserted, 4);
    /* Exactly the maximum fits (an entry of size 200 alone). */
    char big[168];
    memset(big, 'x', sizeof big);
    assert_int_equal(hyper_hpack_table_add(&t, big, 100, big, 68), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 1);
    assert_int_equal(hyper_hpack_table_size(&t), 200);
    /* One more octet: larger than the maximum empties the table (§4.4). */
    assert_int_equal(hyper_hpack_table_add(&t, big, 100, big, 69), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 0);
    assert_int_equal(hyper_hpack_table_size(&t), 0);
    assert_int_equal(t.inserted, 5);
    hyper_hpack_table_free(&t);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

static void dyn_set_max_and_limit(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_hpack_table t;
    hyper_hpack_table_init(&t, &tm.mem, 4096);
    for (int k = 0; k < 10; k++)
        assert_int_equal(hyper_hpack_table_add(&t, "name", 4, "value-xx", 8), HYPER_OK);
    assert_int_equal(hyper_hpack_table_size(&t), 440);
    assert_int_equal(hyper_hpack_table_set_max(&t, 4097), HYPER_EHPACK_SIZE_UPDATE_LIMIT);
    assert_int_equal(hyper_hpack_table_set_max(&t, 100), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 2);
    assert_int_equal(hyper_hpack_table_set_max(&t, 0), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 0);
    assert_int_equal(tm.in_use, 0); /* a zero-size table holds no memory */
    assert_int_equal(hyper_hpack_table_add(&t, "n", 1, "v", 1), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 0);
    assert_int_equal(hyper_hpack_table_set_max(&t, 4096), HYPER_OK);
    assert_int_equal(hyper_hpack_table_add(&t, "n", 1, "v", 1), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 1);
    /* A lower limit bounds later updates but evicts nothing by itself. */
    assert_int_equal(hyper_hpack_table_set_limit(&t, 64), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 1);
    assert_int_equal(hyper_hpack_table_set_max(&t, 65), HYPER_EHPACK_SIZE_UPDATE_LIMIT);
    assert_int_equal(hyper_hpack_table_set_max(&t, 64), HYPER_OK);
    assert_int_equal(hyper_hpack_table_set_limit(&t, HYPER_HPACK_TABLE_LIMIT_MAX + 1),
                     HYPER_EINVAL);
    hyper_hpack_table_free(&t);
    assert_int_equal(tm.in_use, 0);
    assert_int_equal(hyper_hpack_table_init(&t, NULL, HYPER_HPACK_TABLE_LIMIT_MAX + 1),
                     HYPER_EINVAL);
}

/* §4.4: the new entry's name may be the name of an entry it evicts. */
static void dyn_name_from_evicted_entry(void **state)
{
    (void)state;
    hyper_hpack_table t;
    hyper_hpack_table_init(&t, NULL, 100);
    assert_int_equal(hyper_hpack_table_add(&t, "a-long-header-name", 18, "v1", 2), HYPER_OK);
    const char *n, *v;
    size_t nl, vl;
    hyper_hpack_table_get(&t, 1, &n, &nl, &v, &vl);
    /* 52 + 18 + 40 + 32 > 100: adding evicts the entry whose name we pass. */
    char value[40];
    memset(value, 'z', sizeof value);
    assert_int_equal(hyper_hpack_table_add(&t, n, nl, value, sizeof value), HYPER_OK);
    assert_int_equal(hyper_hpack_table_count(&t), 1);
    hyper_hpack_table_get(&t, 1, &n, &nl, &v, &vl);
    assert_int_equal(nl, 18);
    assert_memory_equal(n, "a-long-header-name", 18);
    assert_int_equal(vl, 40);
    assert_memory_equal(v, value, 40);
    hyper_hpack_table_free(&t);
}

static void dyn_zero_length_entries(void **state)
{
    (void)state;
    model m = {0};
    m.max = 100;
    hyper_hpack_table t;
    hyper_hpack_table_init(&t, NULL, 100);
    for (int k = 0; k < 5; k++) {
        const char *nm = (k % 2) ? "" : "abcdefghij";
        size_t nl = (k % 2) ? 0 : 10;
        assert_int_equal(hyper_hpack_table_add(&t, nm, nl, "", 0), HYPER_OK);
        model_add(&m, nm, nl, "", 0);
        check_same(&t, &m);
    }
    hyper_hpack_table_free(&t);
}

/* Random adds and size changes against the model: exercises wrap-around,
 * compaction, growth, and the memory bound. */
static void dyn_random_against_model(void **state)
{
    (void)state;
    static model m;
    static const size_t limits[] = {64, 100, 256, 1000, 4096};
    uint32_t seed = 0x1234567;
    for (size_t li = 0; li < sizeof limits / sizeof limits[0]; li++) {
        size_t limit = limits[li];
        test_mem tm;
        test_mem_init(&tm);
        hyper_hpack_table t;
        hyper_hpack_table_init(&t, &tm.mem, limit);
        memset(&m, 0, sizeof m);
        m.max = limit;
        for (int op = 0; op < 3000; op++) {
            uint32_t r = rng_next(&seed);
            if (r % 50 == 0) {
                size_t mx = rng_next(&seed) % (limit + 1);
                assert_int_equal(hyper_hpack_table_set_max(&t, mx), HYPER_OK);
                model_set_max(&m, mx);
            } else {
                char n[300], v[300];
                size_t cap = limit < 280 ? limit : 280;
                size_t nl = rng_next(&seed) % (cap / 2 + 1);
                size_t vl = rng_next(&seed) % (cap / 2 + 1);
                if (r % 7 == 0 && m.count) { /* name taken from the table itself */
                    const char *tn, *tv;
                    size_t tnl, tvl;
                    hyper_hpack_table_get(&t, 1 + rng_next(&seed) % m.count, &tn, &tnl, &tv, &tvl);
                    memcpy(n, tn, tnl);
                    nl = tnl;
                    fill(v, vl, &seed);
                    assert_int_equal(hyper_hpack_table_add(&t, tn, tnl, v, vl), HYPER_OK);
                } else {
                    fill(n, nl, &seed);
                    fill(v, vl, &seed);
                    assert_int_equal(hyper_hpack_table_add(&t, n, nl, v, vl), HYPER_OK);
                }
                model_add(&m, n, nl, v, vl);
            }
            check_same(&t, &m);
            /* Storage: at most 2 * limit bytes + 12 per descriptor slot
             * (slots < 2 * (limit / 32 + 1) + 16), and during a copy the
             * old buffer besides. */
            assert_true(tm.in_use <= 2 * limit + 12 * (2 * (limit / 32 + 1) + 16));
            assert_true(tm.peak <= 4 * limit + 24 * (2 * (limit / 32 + 1) + 16));
        }
        hyper_hpack_table_free(&t);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
}

/* Every allocation in turn fails: HYPER_ENOMEM, and the table is exactly as
 * before the call. */
static void dyn_alloc_failure_leaves_table(void **state)
{
    (void)state;
    static model m;
    uint32_t seed = 99;
    size_t failures = 0;
    for (size_t fail_at = 1; fail_at < 200; fail_at++) {
        test_mem tm;
        test_mem_init(&tm);
        hyper_hpack_table t;
        hyper_hpack_table_init(&t, &tm.mem, 2048);
        memset(&m, 0, sizeof m);
        m.max = 2048;
        tm.fail_at = fail_at;
        int failed = 0;
        for (int op = 0; op < 120; op++) {
            char n[64], v[200];
            size_t nl = 1 + rng_next(&seed) % 60, vl = rng_next(&seed) % 200;
            fill(n, nl, &seed);
            fill(v, vl, &seed);
            int rc = hyper_hpack_table_add(&t, n, nl, v, vl);
            if (rc == HYPER_ENOMEM) {
                failed = 1;
                failures++;
            } else {
                assert_int_equal(rc, HYPER_OK);
                model_add(&m, n, nl, v, vl);
            }
            check_same(&t, &m);
        }
        hyper_hpack_table_free(&t);
        assert_int_equal(tm.in_use, 0);
        if (!failed)
            break; /* every allocation point was reached */
    }
    assert_true(failures >= 3); /* ring, bytes, and at least one growth */
}

static void dyn_sequence_numbers(void **state)
{
    (void)state;
    hyper_hpack_table t;
    hyper_hpack_table_init(&t, NULL, 3 * 34);
    for (int k = 0; k < 5; k++)
        hyper_hpack_table_add(&t, "k", 1, "v", 1); /* 34 each: 3 fit */
    assert_int_equal(t.inserted, 5);
    /* Sequences 2, 3, 4 are live (s >= inserted - count); 4 is index 1. */
    assert_int_equal(t.inserted - hyper_hpack_table_count(&t), 2);
    hyper_hpack_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_table_rfc_entries),
        cmocka_unit_test(static_find_every_entry),
        cmocka_unit_test(static_find_misses),
        cmocka_unit_test(dyn_order_and_accounting),
        cmocka_unit_test(dyn_set_max_and_limit),
        cmocka_unit_test(dyn_name_from_evicted_entry),
        cmocka_unit_test(dyn_zero_length_entries),
        cmocka_unit_test(dyn_random_against_model),
        cmocka_unit_test(dyn_alloc_failure_leaves_table),
        cmocka_unit_test(dyn_sequence_numbers),
    };
    return cmocka_run_group_tests_name("hpack_dyntable", tests, NULL, NULL);
}
