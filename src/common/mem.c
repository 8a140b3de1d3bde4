/*
 * mem.c — the default allocator. Everything else in hyper allocates through
 * a hyper_mem, so a device can swap this for an arena (or nothing at all).
 */
#include <stdlib.h>
#include "common.h"

static void *default_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *default_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    return realloc(p, new_size);
}

static void default_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

static const hyper_mem default_mem = {default_alloc, default_realloc, default_free, NULL};

const hyper_mem *hyper_mem_default(void)
{
    return &default_mem;
}
