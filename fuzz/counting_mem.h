/*
 * counting_mem.h — the heap allocator the session fuzzers hand to hyper: it
 * counts the octets in use (hyper passes sizes back on free and realloc)
 * and their peak, and aborts when a ceiling is set and crossed, so a leak
 * or unbounded growth is a finding even where the sanitizers see none.
 * Included by one translation unit of a target (its statics are the
 * counters).
 */
#ifndef FUZZ_COUNTING_MEM_H
#define FUZZ_COUNTING_MEM_H
#include <stdio.h>
#include <stdlib.h>
#include "hyper.h"

static size_t in_use, peak;
static size_t mem_bound; /* 0: no ceiling */

static void counted(size_t now)
{
    in_use = now;
    peak = in_use > peak ? in_use : peak;
    if (mem_bound && in_use > mem_bound) {
        fprintf(stderr, "fuzz: %zu octets in use, above the bound %zu\n", in_use, mem_bound);
        abort();
    }
}

static void *f_alloc(void *ctx, size_t n)
{
    (void)ctx;
    void *p = malloc(n);
    if (p)
        counted(in_use + n);
    return p;
}

static void *f_realloc(void *ctx, void *p, size_t old, size_t n)
{
    (void)ctx;
    void *q = realloc(p, n);
    if (q)
        counted(in_use - old + n);
    return q;
}

static void f_free(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (p)
        in_use -= n;
    free(p);
}

static const hyper_mem fuzz_mem = {f_alloc, f_realloc, f_free, NULL};

#endif
