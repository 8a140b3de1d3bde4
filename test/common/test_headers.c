/* Tests for the header map and the comma-list helper (hyper.h section 2). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "testutil.h"

#define S(x) x, sizeof(x) - 1

/* Asserts that the map holds exactly the fields of `want`, in order:
 * "name", "value", "name", "value", ..., NULL. Values are C strings here. */
static void expect_fields(const hyper_headers *h, const char *const *want)
{
    size_t i = 0, bytes = 0;
    for (; want[2 * i]; i++) {
        const char *n, *v;
        size_t nl, vl;
        assert_int_equal(hyper_headers_at(h, i, &n, &nl, &v, &vl), HYPER_OK);
        assert_int_equal(nl, strlen(want[2 * i]));
        assert_memory_equal(n, want[2 * i], nl);
        assert_int_equal(vl, strlen(want[2 * i + 1]));
        if (vl)
            assert_memory_equal(v, want[2 * i + 1], vl);
        bytes += nl + vl;
    }
    assert_int_equal(hyper_headers_count(h), i);
    assert_int_equal(hyper_headers_at(h, i, NULL, NULL, NULL, NULL), HYPER_ENOTFOUND);
    assert_int_equal(hyper_headers_bytes(h), bytes);
}

static hyper_headers *sample(test_mem *tm)
{
    hyper_headers *h = hyper_headers_new(&tm->mem);
    assert_non_null(h);
    assert_int_equal(hyper_headers_add(h, S("Content-Type"), S("text/html")), 0);
    assert_int_equal(hyper_headers_add(h, S("set-cookie"), S("a=1; Expires=Wed, 21 Oct 2015")), 0);
    assert_int_equal(hyper_headers_add(h, S("Vary"), S("accept")), 0);
    assert_int_equal(hyper_headers_add(h, S("Set-Cookie"), S("b=2")), 0);
    assert_int_equal(hyper_headers_add(h, S("X-Empty"), "", 0), 0);
    return h;
}

static void add_get_order_case(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_headers *h = sample(&tm);
    static const char *const want[] = {"Content-Type", "text/html",
        "set-cookie", "a=1; Expires=Wed, 21 Oct 2015", "Vary", "accept",
        "Set-Cookie", "b=2", "X-Empty", "", NULL};
    expect_fields(h, want);

    const char *v;
    size_t vl;
    assert_int_equal(hyper_headers_get(h, "content-type", 0, &v, &vl), 0);
    assert_int_equal(vl, 9);
    assert_memory_equal(v, "text/html", 9);
    assert_int_equal(hyper_headers_get(h, "CONTENT-TYPE", 1, &v, &vl), HYPER_ENOTFOUND);
    assert_int_equal(hyper_headers_get_count(h, "SET-COOKIE"), 2);
    assert_int_equal(hyper_headers_get(h, "Set-cookie", 1, &v, &vl), 0);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, "b=2", 3);
    assert_int_equal(hyper_headers_get(h, "x-empty", 0, &v, &vl), 0);
    assert_int_equal(vl, 0);
    /* A name that is a prefix, or differs in one byte, does not match. */
    assert_int_equal(hyper_headers_get(h, "content-typ", 0, &v, &vl), HYPER_ENOTFOUND);
    assert_int_equal(hyper_headers_get(h, "vary ", 0, &v, &vl), HYPER_ENOTFOUND);
    assert_int_equal(hyper_headers_get_count(h, "missing"), 0);
    /* Case folding is ASCII only: 0xC9 and 0xE9 are different names. */
    assert_int_equal(hyper_headers_add(h, S("\xc9t"), S("1")), 0);
    assert_int_equal(hyper_headers_get_count(h, "\xe9t"), 0);
    assert_int_equal(hyper_headers_get_count_n(h, S("\xc9T")), 1);
    assert_int_equal(hyper_headers_get_n(h, S("VARY"), 0, &v, &vl), 0);
    assert_memory_equal(v, "accept", 6);
    assert_true(hyper_headers_memory(h) >= hyper_headers_bytes(h));
    hyper_headers_free(h);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

static void set_and_remove(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_headers *h = sample(&tm);
    /* set replaces every set-cookie by one, at the place of the first. */
    assert_int_equal(hyper_headers_set(h, S("SET-COOKIE"), S("c=3, longer than before")), 0);
    static const char *const w1[] = {"Content-Type", "text/html",
        "set-cookie", "c=3, longer than before", "Vary", "accept", "X-Empty", "", NULL};
    expect_fields(h, w1);
    /* Shorter value, in the middle. */
    assert_int_equal(hyper_headers_set(h, S("set-cookie"), S("d")), 0);
    static const char *const w2[] = {"Content-Type", "text/html",
        "set-cookie", "d", "Vary", "accept", "X-Empty", "", NULL};
    expect_fields(h, w2);
    /* set of a new name appends. */
    assert_int_equal(hyper_headers_set(h, S("new"), S("n")), 0);
    assert_int_equal(hyper_headers_add(h, S("vary"), S("x")), 0);
    static const char *const w3[] = {"Content-Type", "text/html",
        "set-cookie", "d", "Vary", "accept", "X-Empty", "", "new", "n", "vary", "x", NULL};
    expect_fields(h, w3);
    assert_int_equal(hyper_headers_remove(h, S("VARY")), 2);
    assert_int_equal(hyper_headers_remove(h, S("vary")), 0);
    assert_int_equal(hyper_headers_remove(h, S("content-type")), 1);
    static const char *const w4[] = {"set-cookie", "d", "X-Empty", "", "new", "n", NULL};
    expect_fields(h, w4);
    assert_int_equal(hyper_headers_remove(h, S("new")), 1);
    static const char *const w5[] = {"set-cookie", "d", "X-Empty", "", NULL};
    expect_fields(h, w5);
    hyper_headers_clear(h);
    static const char *const w6[] = {NULL};
    expect_fields(h, w6);
    assert_int_equal(hyper_headers_add(h, S("a"), S("b")), 0);
    static const char *const w7[] = {"a", "b", NULL};
    expect_fields(h, w7);
    hyper_headers_free(h);
    assert_int_equal(tm.in_use, 0);
    assert_false(tm.size_mismatch);
}

/* Arguments that point into the map itself (a value just read from it) stay
 * valid through the realloc and memmove that add/set/remove do. */
static void self_aliasing_arguments(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    hyper_headers *h = hyper_headers_new(&tm.mem);
    assert_int_equal(hyper_headers_add(h, S("a"), S("first")), 0);
    assert_int_equal(hyper_headers_add(h, S("b"), S("second-value")), 0);
    assert_int_equal(hyper_headers_add(h, S("a"), S("third")), 0);
    const char *n, *v;
    size_t nl, vl;
    /* set "a" to b's value, which lies after a's value and moves. */
    assert_int_equal(hyper_headers_get(h, "b", 0, &v, &vl), 0);
    assert_int_equal(hyper_headers_set(h, S("a"), v, vl), 0);
    static const char *const w1[] = {"a", "second-value", "b", "second-value", NULL};
    expect_fields(h, w1);
    /* add many copies of a field's own name and value: the arena grows. */
    for (int k = 0; k < 60; k++) {
        assert_int_equal(hyper_headers_at(h, 1, &n, &nl, &v, &vl), 0);
        assert_int_equal(hyper_headers_add(h, n, nl, v, vl), 0);
    }
    assert_int_equal(hyper_headers_get_count(h, "B"), 61);
    /* remove with a name pointing at the first matching field. */
    assert_int_equal(hyper_headers_at(h, 1, &n, &nl, NULL, NULL), 0);
    assert_int_equal(hyper_headers_remove(h, n, nl), 61);
    expect_fields(h, (const char *const[]){"a", "second-value", NULL});
    /* set with a value inside its own old value. */
    assert_int_equal(hyper_headers_get(h, "a", 0, &v, &vl), 0);
    assert_int_equal(hyper_headers_set(h, S("A"), v + 7, 5), 0);
    expect_fields(h, (const char *const[]){"a", "value", NULL});
    hyper_headers_free(h);
    assert_int_equal(tm.in_use, 0);
}

static void binary_values_and_bad_args(void **state)
{
    (void)state;
    hyper_headers *h = hyper_headers_new(NULL);
    assert_non_null(h);
    static const char bin[] = {'a', 0, '\r', '\n', (char)0xff, 0};
    assert_int_equal(hyper_headers_add(h, S("x-bin"), bin, sizeof bin), 0);
    const char *v;
    size_t vl;
    assert_int_equal(hyper_headers_get(h, "x-bin", 0, &v, &vl), 0);
    assert_int_equal(vl, sizeof bin);
    assert_memory_equal(v, bin, sizeof bin);
    /* A name with a NUL is stored as given; the C-string lookup stops at it. */
    assert_int_equal(hyper_headers_add(h, "x\0y", 3, S("1")), 0);
    assert_int_equal(hyper_headers_get_count_n(h, "X\0Y", 3), 1);
    assert_int_equal(hyper_headers_get_count(h, "x"), 0);
    assert_int_equal(hyper_headers_add(h, "", 0, S("v")), HYPER_EINVAL);
    assert_int_equal(hyper_headers_add(h, NULL, 1, S("v")), HYPER_EINVAL);
    assert_int_equal(hyper_headers_add(h, S("n"), NULL, 1), HYPER_EINVAL);
    assert_int_equal(hyper_headers_add(NULL, S("n"), S("v")), HYPER_EINVAL);
    assert_int_equal(hyper_headers_add(h, S("n"), "v", (size_t)HYPER_HEADERS_MAX_STRING + 1),
                     HYPER_EINVAL);
    assert_int_equal(hyper_headers_set(h, "", 0, S("v")), HYPER_EINVAL);
    assert_int_equal(hyper_headers_add(h, S("n"), NULL, 0), 0);
    assert_int_equal(hyper_headers_count(h), 3);
    assert_int_equal(hyper_headers_count(NULL), 0);
    assert_int_equal(hyper_headers_get(NULL, "n", 0, &v, &vl), HYPER_ENOTFOUND);
    hyper_headers_free(h);
    hyper_headers_free(NULL);
}

/* Builds a map through every operation; returns the first error. */
static int build_map(hyper_headers *h)
{
    int rc = 0;
    char name[16], value[64];
    for (int i = 0; i < 40 && rc == 0; i++) {
        int nl = snprintf(name, sizeof name, "Name-%d", i % 7);
        int vl = snprintf(value, sizeof value, "value number %d, padded %*s", i, i, "");
        rc = hyper_headers_add(h, name, (size_t)nl, value, (size_t)vl);
    }
    if (rc == 0)
        rc = hyper_headers_set(h, S("name-3"), S("a much longer value than any before it, to grow"));
    if (rc == 0)
        rc = hyper_headers_remove(h, S("name-1")) == 6 ? 0 : -99;
    return rc;
}

/* Snapshot of a map as one string, to check "unchanged" after a failure. */
static size_t snapshot(const hyper_headers *h, char *out, size_t cap)
{
    size_t o = 0;
    const char *n, *v;
    size_t nl, vl;
    for (size_t i = 0; hyper_headers_at(h, i, &n, &nl, &v, &vl) == 0; i++) {
        assert_true(o + nl + vl + 2 <= cap);
        memcpy(out + o, n, nl);
        o += nl;
        out[o++] = ':';
        memcpy(out + o, v, vl);
        o += vl;
        out[o++] = '\n';
    }
    return o;
}

static void allocation_failure_everywhere(void **state)
{
    (void)state;
    size_t clean_calls;
    {
        test_mem tm;
        test_mem_init(&tm);
        hyper_headers *h = hyper_headers_new(&tm.mem);
        assert_int_equal(build_map(h), 0);
        clean_calls = tm.calls;
        hyper_headers_free(h);
    }
    assert_true(clean_calls >= 4);
    static char before[8192], after[8192];
    for (size_t f = 1; f <= clean_calls; f++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = f;
        hyper_headers *h = hyper_headers_new(&tm.mem);
        if (!h) {
            assert_int_equal(f, 1);
            assert_int_equal(tm.in_use, 0);
            continue;
        }
        /* Replay the same operations, snapshotting before each. */
        int rc = 0;
        char name[16], value[64];
        size_t blen = 0;
        for (int i = 0; i < 40 && rc == 0; i++) {
            int nl = snprintf(name, sizeof name, "Name-%d", i % 7);
            int vl = snprintf(value, sizeof value, "value number %d, padded %*s", i, i, "");
            blen = snapshot(h, before, sizeof before);
            rc = hyper_headers_add(h, name, (size_t)nl, value, (size_t)vl);
        }
        if (rc == 0) {
            blen = snapshot(h, before, sizeof before);
            rc = hyper_headers_set(h, S("name-3"), S("a much longer value than any before it, to grow"));
        }
        assert_int_equal(rc, HYPER_ENOMEM);   /* the failure landed somewhere */
        size_t alen = snapshot(h, after, sizeof after);
        assert_int_equal(alen, blen);
        assert_memory_equal(before, after, alen);
        /* The map is still usable after the failure. */
        assert_int_equal(hyper_headers_add(h, S("after"), S("ok")), 0);
        hyper_headers_free(h);
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
    }
}

/* ---- comma lists ---------------------------------------------------------- */

struct split_case {
    const char *in;
    const char *out[6];
};

static const struct split_case split_cases[] = {
    {"gzip", {"gzip"}},
    {"gzip, deflate", {"gzip", "deflate"}},
    {" \tgzip ,deflate\t ", {"gzip", "deflate"}},
    {"a,,b, ,\t,c", {"a", "b", "c"}},
    {",", {NULL}},
    {"", {NULL}},
    {"  ", {NULL}},
    {"no-cache=\"a, b\", max-age=3", {"no-cache=\"a, b\"", "max-age=3"}},
    {"x=\"q\\\", still\", y", {"x=\"q\\\", still\"", "y"}},
    {"x=\"unterminated, to end", {"x=\"unterminated, to end"}},
    {"a b, c", {"a b", "c"}},
    {"W/\"1,2\" , \"3\"", {"W/\"1,2\"", "\"3\""}},
    {"trail\\", {"trail\\"}},
};

static void split_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof split_cases / sizeof split_cases[0]; c++) {
        const struct split_case *t = &split_cases[c];
        size_t pos = 0, k = 0, il;
        const char *it;
        while (hyper_headers_split_next(t->in, strlen(t->in), &pos, &it, &il)) {
            assert_non_null(t->out[k]);
            assert_int_equal(il, strlen(t->out[k]));
            assert_memory_equal(it, t->out[k], il);
            k++;
        }
        assert_null(t->out[k]);
        assert_int_equal(pos, strlen(t->in));
        /* Exhausted stays exhausted. */
        assert_int_equal(hyper_headers_split_next(t->in, strlen(t->in), &pos, &it, &il), 0);
    }
    size_t pos = 0;
    assert_int_equal(hyper_headers_split_next(NULL, 0, &pos, NULL, NULL), 0);
    /* Bytes after the value's length are not looked at. */
    const char *it;
    size_t il;
    pos = 0;
    assert_int_equal(hyper_headers_split_next("ab,cd", 1, &pos, &it, &il), 1);
    assert_int_equal(il, 1);
    assert_int_equal(hyper_headers_split_next("ab,cd", 1, &pos, &it, &il), 0);
}

static void has_token(void **state)
{
    (void)state;
    hyper_headers *h = hyper_headers_new(NULL);
    assert_int_equal(hyper_headers_add(h, S("Connection"), S("keep-alive, Upgrade")), 0);
    assert_int_equal(hyper_headers_add(h, S("connection"), S("\"close\", CLOSE")), 0);
    assert_true(hyper_headers_has_token(h, "connection", S("upgrade")));
    assert_true(hyper_headers_has_token(h, "CONNECTION", S("close")));
    assert_false(hyper_headers_has_token(h, "connection", S("keep")));
    assert_false(hyper_headers_has_token(h, "transfer-encoding", S("chunked")));
    hyper_headers_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_get_order_case),
        cmocka_unit_test(set_and_remove),
        cmocka_unit_test(self_aliasing_arguments),
        cmocka_unit_test(binary_values_and_bad_args),
        cmocka_unit_test(allocation_failure_everywhere),
        cmocka_unit_test(split_table),
        cmocka_unit_test(has_token),
    };
    return cmocka_run_group_tests_name("headers", tests, NULL, NULL);
}
