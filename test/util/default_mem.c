/*
 * default_mem.c — tests are hosted programs: in a build with
 * HYPER_CONFIG_NO_DEFAULT_ALLOCATOR (the library defines no
 * hyper_mem_default, hyper_config.h), they supply the one a NULL mem
 * argument means, on malloc, the way a device application supplies its
 * own. In every other build this file is empty.
 */
#include "hyper.h"
#ifdef HYPER_CONFIG_NO_DEFAULT_ALLOCATOR
#include <stdlib.h>

static void *app_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *app_realloc(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    return realloc(p, new_size);
}

static void app_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

const hyper_mem *hyper_mem_default(void)
{
    static const hyper_mem m = {app_alloc, app_realloc, app_free, NULL};
    return &m;
}
#else
typedef int hyper_test_default_mem_unused_; /* ISO C wants a declaration per file */
#endif
