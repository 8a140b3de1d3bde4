/*
 * Tests for src/common/arena.c: the free policy step by step (table-driven
 * scripts of operations with the expected layout after each), in-place
 * realloc, exhaustion, misuse, and a long random run checked against a model
 * (no two live blocks overlap, contents survive, everything comes back).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "common/common.h"
#include "testutil.h"

#define G (2 * sizeof(void *)) /* the arena's grain */

static size_t round_up_g(size_t n)
{
    return (n + G - 1) / G * G;
}

/* A buffer aligned for anything, so offsets below are predictable. */
static _Alignas(16) unsigned char buf[4096];

/* ---- scripted policy tests ---------------------------------------------- */

enum op { A, F, R, RESET };
struct step {
    enum op op;
    int slot;        /* A: slot to fill; F/R: slot to use */
    size_t size;     /* A/R: size in grains */
    long expect_off; /* A/R: offset (in grains) of the block, -1: NULL */
    size_t top;      /* top after the step, in grains */
    size_t free_g;   /* grains on the free list after the step */
};

struct script {
    const char *name;
    struct step steps[12];
    size_t n;
};

static const struct script scripts[] = {
    {"free of the last block lowers top",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 2, 1, 3, 0}, {F, 1, 2, 0, 1, 0}, {F, 0, 1, 0, 0, 0}}, 4},
    {"free in the middle goes to the free list and is reused",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 2, 1, 3, 0}, {A, 2, 1, 3, 4, 0}, {F, 1, 2, 0, 4, 2},
      {A, 3, 1, 1, 4, 1}, {A, 4, 1, 2, 4, 0}}, 6},
    {"freeing the top also reclaims free pieces just below it",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {A, 2, 1, 2, 3, 0}, {F, 1, 1, 0, 3, 1},
      {F, 2, 1, 0, 1, 0}, {F, 0, 1, 0, 0, 0}}, 6},
    {"neighbours on the free list merge",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {A, 2, 1, 2, 3, 0}, {A, 3, 1, 3, 4, 0},
      {F, 0, 1, 0, 4, 1}, {F, 2, 1, 0, 4, 2}, {F, 1, 1, 0, 4, 3}, {A, 4, 3, 0, 4, 0}}, 8},
    {"too large for a free piece: taken from the top",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {F, 0, 1, 0, 2, 1}, {A, 2, 2, 2, 4, 1}}, 4},
    {"realloc of the top block grows and shrinks in place",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {R, 1, 4, 1, 5, 0}, {R, 1, 2, 1, 3, 0}}, 4},
    {"realloc shrinking a middle block frees its tail",
     {{A, 0, 3, 0, 3, 0}, {A, 1, 1, 3, 4, 0}, {R, 0, 1, 0, 4, 2}, {A, 2, 2, 1, 4, 0}}, 4},
    {"realloc grows into a free neighbour",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 2, 1, 3, 0}, {A, 2, 1, 3, 4, 0}, {F, 1, 2, 0, 4, 2},
      {R, 0, 2, 0, 4, 1}}, 5},
    {"realloc that cannot grow in place moves the block",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {R, 0, 2, 2, 4, 1}}, 3},
    {"reset forgets everything",
     {{A, 0, 1, 0, 1, 0}, {A, 1, 1, 1, 2, 0}, {F, 0, 1, 0, 2, 1}, {RESET, 0, 0, 0, 0, 0},
      {A, 2, 1, 0, 1, 0}}, 5},
};

static void run_script(const struct script *sc)
{
    hyper_arena *a = hyper_arena_init(buf, sizeof buf);
    assert_non_null(a);
    const hyper_mem *m = hyper_arena_mem(a);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    /* buf is aligned, so the region starts right after the control block,
     * whose size is what a fresh arena reports as its peak. */
    unsigned char *base = buf + st.peak;
    void *slot[8] = {0};
    size_t size[8] = {0};
    for (size_t i = 0; i < sc->n; i++) {
        const struct step *s = &sc->steps[i];
        void *p = NULL;
        switch (s->op) {
        case A:
            p = hyper_mem_alloc(m, s->size * G);
            slot[s->slot] = p;
            size[s->slot] = s->size * G;
            break;
        case R:
            p = hyper_mem_realloc(m, slot[s->slot], size[s->slot], s->size * G);
            if (p) {
                slot[s->slot] = p;
                size[s->slot] = s->size * G;
            }
            break;
        case F:
            hyper_mem_free(m, slot[s->slot], size[s->slot]);
            slot[s->slot] = NULL;
            break;
        case RESET:
            hyper_arena_reset(a);
            break;
        }
        if (s->op == A || s->op == R) {
            if (s->expect_off < 0) {
                assert_null(p);
            } else {
                assert_non_null(p);
                assert_int_equal((unsigned char *)p - base, (size_t)s->expect_off * G);
            }
        }
        hyper_arena_stats_get(a, &st);
        if (st.top != s->top * G || st.free_list != s->free_g * G)
            print_error("%s: step %zu: top %zu free %zu\n", sc->name, i, st.top / G,
                        st.free_list / G);
        assert_int_equal(st.top, s->top * G);
        assert_int_equal(st.free_list, s->free_g * G);
        assert_int_equal(st.misuse, 0);
    }
}

static void free_policy_scripts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
        run_script(&scripts[i]);
}

/* ---- sizes, alignment, exhaustion --------------------------------------- */

static void sizes_round_to_grain_and_align(void **state)
{
    (void)state;
    hyper_arena *a = hyper_arena_init(buf + 3, sizeof buf - 3); /* misaligned buffer */
    assert_non_null(a);
    const hyper_mem *m = hyper_arena_mem(a);
    static const size_t sizes[] = {1, G - 1, G, G + 1, 3 * G - 1, 100};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = hyper_mem_alloc(m, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % G, 0);
        assert_true(p >= buf + 3 && p + sizes[i] <= buf + sizeof buf);
        memset(p, 0xa5, sizes[i]);
        hyper_arena_stats st;
        hyper_arena_stats_get(a, &st);
        assert_int_equal(st.in_use % G, 0);
        hyper_mem_free(m, p, sizes[i]);
        hyper_arena_stats_get(a, &st);
        assert_int_equal(st.in_use, 0);
        assert_int_equal(st.top, 0);
    }
}

static void init_rejects_tiny_buffers(void **state)
{
    (void)state;
    assert_null(hyper_arena_init(NULL, 4096));
    assert_null(hyper_arena_init(buf, 8));
    hyper_arena *a = hyper_arena_init(buf, 256);
    assert_non_null(a);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    assert_true(st.capacity >= G && st.capacity < 256);
    assert_true(st.peak < 128); /* the control block is small */
}

static void full_arena_returns_null_and_recovers(void **state)
{
    (void)state;
    hyper_arena *a = hyper_arena_init(buf, 1024);
    const hyper_mem *m = hyper_arena_mem(a);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    size_t cap = st.capacity;
    void *big = hyper_mem_alloc(m, cap);
    assert_non_null(big);
    assert_null(hyper_mem_alloc(m, 1));
    assert_null(hyper_mem_alloc(m, SIZE_MAX)); /* rounding overflows */
    assert_null(hyper_mem_realloc(m, big, cap, cap + 1));
    assert_null(hyper_mem_realloc(m, big, cap, 0)); /* size 0 is refused */
    hyper_arena_stats_get(a, &st);
    assert_int_equal(st.failures, 4);
    assert_int_equal(st.in_use, cap); /* the failed realloc left it alone */
    hyper_mem_free(m, big, cap);
    assert_non_null(hyper_mem_alloc(m, cap / 2));
    hyper_arena_stats_get(a, &st);
    assert_int_equal(st.top, round_up_g(cap / 2));
    /* The peak is the whole buffer minus what rounding could not use. */
    assert_true(st.peak <= 1024 && st.peak > 1024 - G);
}

static void foreign_pointers_are_ignored(void **state)
{
    (void)state;
    hyper_arena *a = hyper_arena_init(buf, 1024);
    const hyper_mem *m = hyper_arena_mem(a);
    unsigned char *p = hyper_mem_alloc(m, 64);
    unsigned char other[32];
    hyper_mem_free(m, other, sizeof other);         /* not ours */
    hyper_mem_free(m, p + 1, 8);                    /* misaligned */
    hyper_mem_free(m, p, 4096);                     /* runs past top */
    assert_null(hyper_mem_realloc(m, other, 32, 64));
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    assert_int_equal(st.misuse, 4);
    assert_int_equal(st.in_use, round_up_g(64));
    hyper_mem_free(m, p, 64);
    hyper_arena_stats_get(a, &st);
    assert_int_equal(st.top, 0);
}

/* ---- random run against a model ----------------------------------------- */

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

#define SLOTS 48
static void random_run_keeps_blocks_apart(void **state)
{
    (void)state;
    hyper_arena *a = hyper_arena_init(buf, sizeof buf);
    const hyper_mem *m = hyper_arena_mem(a);
    unsigned char *p[SLOTS] = {0};
    size_t n[SLOTS] = {0};
    size_t live = 0, fails = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t i = next_rand() % SLOTS;
        size_t want = 1 + next_rand() % 300;
        if (!p[i]) {
            p[i] = hyper_mem_alloc(m, want);
            if (p[i]) {
                n[i] = want;
                memset(p[i], (int)i, want);
            } else {
                fails++;
            }
        } else if (next_rand() % 2) {
            for (size_t k = 0; k < n[i]; k++)
                assert_int_equal(p[i][k], (unsigned char)i);
            hyper_mem_free(m, p[i], n[i]);
            p[i] = NULL;
        } else {
            unsigned char *q = hyper_mem_realloc(m, p[i], n[i], want);
            if (q) {
                for (size_t k = 0; k < (want < n[i] ? want : n[i]); k++)
                    assert_int_equal(q[k], (unsigned char)i);
                memset(q, (int)i, want);
                p[i] = q;
                n[i] = want;
            } else {
                fails++;
                for (size_t k = 0; k < n[i]; k++)
                    assert_int_equal(p[i][k], (unsigned char)i);
            }
        }
        /* in_use is exactly the rounded sizes of the live blocks */
        live = 0;
        for (size_t k = 0; k < SLOTS; k++)
            if (p[k])
                live += round_up_g(n[k]);
        hyper_arena_stats st;
        hyper_arena_stats_get(a, &st);
        assert_int_equal(st.in_use, live);
        assert_true(st.in_use + st.free_list == st.top);
    }
    assert_true(fails > 0); /* the buffer was small enough to fill up */
    for (size_t k = 0; k < SLOTS; k++)
        hyper_mem_free(m, p[k], n[k]);
    hyper_arena_stats st;
    hyper_arena_stats_get(a, &st);
    assert_int_equal(st.top, 0);
    assert_int_equal(st.free_list, 0);
    assert_int_equal(st.misuse, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(free_policy_scripts),
        cmocka_unit_test(sizes_round_to_grain_and_align),
        cmocka_unit_test(init_rejects_tiny_buffers),
        cmocka_unit_test(full_arena_returns_null_and_recovers),
        cmocka_unit_test(foreign_pointers_are_ignored),
        cmocka_unit_test(random_run_keeps_blocks_apart),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
