/*
 * fuzz_content.c — libFuzzer target for the content decoder (hyper.h §8).
 *
 * Input layout: byte 0 picks the Content-Encoding (table below), byte 1
 * the output buffer size (1..256) and the seed of the piece sizes; the rest
 * is the coded body, fed in pieces of 1..64 octets derived from the input.
 * Checks the API contract on every call (never more than asked, 0 means
 * all consumed, bounded memory) and stops a bomb after 8 MiB of output.
 * Seeds: fuzz/corpus/fuzz_content/, made by tools/gen_content_corpus.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"

static const char *const codings[] = {
    "gzip", "deflate", "identity", "gzip, gzip", "deflate, gzip", "x-gzip",
    "gzip, deflate, gzip", "br",
};
#define NCODINGS (sizeof codings / sizeof codings[0])

#define MAX_OUTPUT ((uint64_t)8 << 20)
#define MAX_MEMORY (200u * 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *enc = codings[data[0] % NCODINGS];
    size_t outcap = (size_t)data[1] + 1;
    uint32_t seed = data[1] * 2654435761u + 1;
    data += 2;
    size -= 2;

    hyper_content_decoder *d;
    int rc = hyper_content_decoder_init(&d, NULL, enc, strlen(enc));
    if (rc != HYPER_OK) {
        if (d != NULL || (rc != HYPER_ECONTENT_UNSUPPORTED && rc != HYPER_ENOMEM))
            abort();
        return 0;
    }
    uint8_t out[256];
    uint64_t total = 0;
    size_t off = 0;
    while (off < size && rc >= 0 && total < MAX_OUTPUT) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 64;
        if (n > size - off)
            n = size - off;
        do {
            size_t used, made;
            rc = hyper_content_decode(d, data + off, n, &used, out, outcap, &made);
            if (rc < 0)
                break;
            if (used > n || made > outcap || (rc == 0 && used != n) || rc > 1)
                abort();
            if (hyper_content_decoder_memory(d) > MAX_MEMORY)
                abort();
            off += used;
            n -= used;
            total += made;
        } while (rc == 1 && total < MAX_OUTPUT);
    }
    if (rc >= 0 && total < MAX_OUTPUT) {
        rc = hyper_content_decoder_finish(d);
        if (rc != HYPER_OK && rc != HYPER_ECONTENT_TRUNCATED)
            abort();
    } else if (rc < 0) {
        if (rc != HYPER_ECONTENT_CORRUPT && rc != HYPER_ENOMEM)
            abort();
        if (hyper_content_decoder_finish(d) != rc)   /* errors stick */
            abort();
    }
    hyper_content_decoder_free(d);
    return 0;
}
