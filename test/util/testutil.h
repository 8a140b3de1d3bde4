/*
 * testutil.h — helpers shared by the cmocka tests: a counting allocator with
 * failure injection, hex conversion, and the path of ../shared.
 */
#ifndef HYPER_TESTUTIL_H
#define HYPER_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include "hyper.h"

/* Counting allocator: tracks bytes and blocks in use and the peak, and can
 * fail the Nth allocation (fail_at = N, 1-based; 0 never fails) to test
 * every allocation-failure path. Checks size arguments on realloc/free. */
typedef struct test_mem {
    hyper_mem mem;          /* pass &tm.mem to hyper */
    size_t in_use;          /* bytes currently allocated */
    size_t peak;            /* highest in_use seen */
    size_t blocks;          /* live allocations */
    size_t calls;           /* alloc + realloc calls so far */
    size_t fail_at;         /* fail this call number (1-based); 0: never */
    int size_mismatch;      /* set if a free/realloc passed a wrong size */
} test_mem;

void test_mem_init(test_mem *tm);

/* Decodes hex (whitespace ignored) into out; returns length or -1. */
long test_hex_decode(const char *hex, uint8_t *out, size_t cap);
/* Encodes len bytes as lowercase hex into out (2*len+1 bytes). */
void test_hex_encode(const uint8_t *in, size_t len, char *out);

/* Folder of the shared data (../shared unless HYPER_SHARED is set). */
const char *test_shared_dir(void);

#endif
