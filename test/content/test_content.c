/*
 * Tests for content decoding (hyper.h section 8): bodies compressed by zlib
 * here and by the gzip command, every split, stacked codings, corrupt and
 * truncated streams, trailing data, allocation failure at every point, and
 * a 1 GiB decompression bomb decoded with bounded memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "common/common.h"
#include "testutil.h"

/* zlib's windowBits for each wrapper we make. */
#define W_ZLIB 15
#define W_RAW (-15)
#define W_GZIP (15 + 16)

/* ---- helpers ---------------------------------------------------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes;

static void bytes_put(bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->len + n)
            nc *= 2;
        b->p = realloc(b->p, nc);
        assert_non_null(b->p);
        b->cap = nc;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void bytes_free(bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* Compresses with zlib itself: wrapper chosen by windowBits. */
static bytes zcompress(const uint8_t *in, size_t len, int wbits, int level)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    bytes out = {0};
    uint8_t buf[4096];
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    int rc;
    do {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        rc = deflate(&z, Z_FINISH);
        assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
        bytes_put(&out, buf, sizeof buf - z.avail_out);
    } while (rc != Z_STREAM_END);
    deflateEnd(&z);
    return out;
}

/* Deterministic text-like data (compresses, but not trivially). */
static bytes sample_text(size_t len)
{
    static const char *const words[] = {"hyper ", "stream ", "frame ", "\x00\xff", "gzip ",
                                        "deflate\n", "HEADERS ", "0123456789 "};
    bytes b = {0};
    uint32_t x = 12345;
    while (b.len < len) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % 8];
        size_t n = (x >> 16) % 8 == 3 ? 2 : strlen(w);
        bytes_put(&b, w, n < len - b.len ? n : len - b.len);
    }
    return b;
}

/*
 * Decodes `in` fed in pieces of `piece` octets with an output buffer of
 * `outcap`; appends the output to *out. Returns the first error, else
 * finish()'s result. Checks the return contract of every call.
 */
static int decode_with(hyper_content_decoder *d, const uint8_t *in, size_t len,
                       size_t piece, size_t outcap, bytes *out)
{
    uint8_t *tmp = malloc(outcap);
    assert_non_null(tmp);
    int rc = 0;
    size_t off = 0;
    while (off < len) {
        size_t n = piece < len - off ? piece : len - off;
        do {
            size_t used, made;
            rc = hyper_content_decode(d, in + off, n, &used, tmp, outcap, &made);
            if (rc < 0)
                goto out;
            assert_true(used <= n && made <= outcap);
            if (rc == 0)
                assert_int_equal(used, n);  /* 0 means: all taken */
            bytes_put(out, tmp, made);
            off += used;
            n -= used;
        } while (rc == 1);
    }
    rc = hyper_content_decoder_finish(d);
out:
    free(tmp);
    return rc;
}

static int decode_all(const char *enc, const hyper_mem *mem, const uint8_t *in,
                      size_t len, size_t piece, size_t outcap, bytes *out)
{
    hyper_content_decoder *d;
    int rc = hyper_content_decoder_init(&d, mem, enc, strlen(enc));
    if (rc != HYPER_OK) {
        assert_null(d);
        return rc;
    }
    rc = decode_with(d, in, len, piece, outcap, out);
    hyper_content_decoder_free(d);
    return rc;
}

/* The splits every vector runs through: whole, and one byte at a time. */
static const struct { size_t piece, outcap; } splits[] = {
    {SIZE_MAX, 65536}, {1, 1}, {1, 65536}, {SIZE_MAX, 1}, {7, 13}, {4096, 100},
};
#define NSPLITS (sizeof splits / sizeof splits[0])

/* Decodes under every split with a counting allocator; checks the output,
 * the result, and that nothing leaks. */
static void expect_decodes(const char *enc, const uint8_t *in, size_t len,
                           const uint8_t *want, size_t want_len, int want_rc)
{
    for (size_t s = 0; s < NSPLITS; s++) {
        if (splits[s].outcap == 1 && want_len > 20000)
            continue;   /* 1-octet buffers on big bodies: covered by smaller ones */
        test_mem tm;
        test_mem_init(&tm);
        bytes out = {0};
        int rc = decode_all(enc, &tm.mem, in, len, splits[s].piece, splits[s].outcap, &out);
        if (rc != want_rc)
            fail_msg("%s split %zu: got %s, want %s", enc, s, hyper_strerror_name(rc),
                     hyper_strerror_name(want_rc));
        if (want_rc == HYPER_OK) {
            assert_int_equal(out.len, want_len);
            if (want_len)
                assert_memory_equal(out.p, want, want_len);
        }
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        bytes_free(&out);
    }
}

/* ---- round trips ------------------------------------------------------------ */

static void zlib_made_bodies(void **state)
{
    (void)state;
    static const struct { const char *enc; int wbits; } kinds[] = {
        {"gzip", W_GZIP}, {"x-gzip", W_GZIP}, {"deflate", W_ZLIB}, {"deflate", W_RAW},
        {"GZIP", W_GZIP}, {" Deflate\t", W_RAW}, {"identity, gzip", W_GZIP},
    };
    static const size_t sizes[] = {0, 1, 5, 1000, 70000};
    static const int levels[] = {0, 1, 9};   /* stored, fast, best */
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
            for (size_t l = 0; l < 3; l++) {
                bytes plain = sample_text(sizes[z]);
                bytes c = zcompress(plain.p, plain.len, kinds[k].wbits, levels[l]);
                expect_decodes(kinds[k].enc, c.p, c.len, plain.p, plain.len, HYPER_OK);
                bytes_free(&c);
                bytes_free(&plain);
            }
}

/* Raw deflate and zlib-wrapped deflate of the same data both decode as
 * "deflate"; and the detection is by content, not by luck of the split. */
static void deflate_raw_vs_wrapped(void **state)
{
    (void)state;
    bytes plain = sample_text(3000);
    bytes wrapped = zcompress(plain.p, plain.len, W_ZLIB, 6);
    bytes raw = zcompress(plain.p, plain.len, W_RAW, 6);
    assert_true(wrapped.len == raw.len + 6);   /* 2-octet header + Adler-32 */
    assert_memory_not_equal(wrapped.p, raw.p, 2);
    expect_decodes("deflate", wrapped.p, wrapped.len, plain.p, plain.len, HYPER_OK);
    expect_decodes("deflate", raw.p, raw.len, plain.p, plain.len, HYPER_OK);
    /* A zlib stream with a bad Adler-32 is corrupt (so it was read as zlib). */
    wrapped.p[wrapped.len - 1] ^= 1;
    expect_decodes("deflate", wrapped.p, wrapped.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    /* gzip data labelled deflate is not silently accepted. */
    bytes gz = zcompress(plain.p, plain.len, W_GZIP, 6);
    expect_decodes("deflate", gz.p, gz.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    expect_decodes("gzip", raw.p, raw.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    bytes_free(&gz);
    bytes_free(&raw);
    bytes_free(&wrapped);
    bytes_free(&plain);
}

/* Runs the gzip command on data; returns its output. */
static bytes gzip_command(const uint8_t *in, size_t len, const char *flags)
{
    char path[] = "/tmp/hyper_test_content_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, in, len), (ssize_t)len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "gzip -c %s < %s", flags, path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    bytes out = {0};
    uint8_t buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        bytes_put(&out, buf, n);
    assert_int_equal(pclose(f), 0);
    unlink(path);
    return out;
}

static void gzip_command_bodies(void **state)
{
    (void)state;
    if (system("gzip --version >/dev/null 2>&1") != 0)
        skip();
    bytes plain = sample_text(50000);
    /* gzip writes a file name and time unless -n; keep both kinds. */
    static const char *const flags[] = {"-9", "-1 -n", "-6"};
    for (size_t i = 0; i < 3; i++) {
        bytes gz = gzip_command(plain.p, plain.len, flags[i]);
        assert_int_equal(gz.p[0], 0x1f);
        expect_decodes("gzip", gz.p, gz.len, plain.p, plain.len, HYPER_OK);
        bytes_free(&gz);
    }
    /* Two members (as `cat a.gz b.gz` makes) decode as one stream. */
    bytes a = gzip_command(plain.p, 20000, "-n");
    bytes b = gzip_command(plain.p + 20000, 30000, "-9");
    bytes both = {0};
    bytes_put(&both, a.p, a.len);
    bytes_put(&both, b.p, b.len);
    expect_decodes("gzip", both.p, both.len, plain.p, plain.len, HYPER_OK);
    bytes_free(&both);
    bytes_free(&a);
    bytes_free(&b);
    bytes_free(&plain);
}

static void identity_passthrough(void **state)
{
    (void)state;
    static const char *const ids[] = {"", "identity", " IDENTITY ,, ", ","};
    const uint8_t raw[] = "not compressed \x1f\x8b at all";
    for (size_t i = 0; i < 4; i++) {
        hyper_content_decoder *d;
        assert_int_equal(hyper_content_decoder_init(&d, NULL, ids[i], strlen(ids[i])), 0);
        assert_int_equal(hyper_content_decoder_codings(d), 0);
        hyper_content_decoder_free(d);
        expect_decodes(ids[i], raw, sizeof raw, raw, sizeof raw, HYPER_OK);
    }
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init(&d, NULL, NULL, 0), 0);
    uint8_t out[4];
    size_t used, made;
    assert_int_equal(hyper_content_decode(d, raw, 10, &used, out, 4, &made), 1);
    assert_int_equal(used, 4);
    assert_int_equal(made, 4);
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_ESTATE);
    assert_int_equal(hyper_content_decode(d, raw + 4, 3, &used, out, 4, &made), 0);
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_OK);
    hyper_content_decoder_free(d);
}

/* ---- stacked codings -------------------------------------------------------- */

static void stacked_codings(void **state)
{
    (void)state;
    bytes plain = sample_text(40000);
    /* Content-Encoding lists codings in the order they were applied. */
    bytes g1 = zcompress(plain.p, plain.len, W_GZIP, 6);
    bytes g2 = zcompress(g1.p, g1.len, W_GZIP, 1);
    expect_decodes("gzip, gzip", g2.p, g2.len, plain.p, plain.len, HYPER_OK);
    expect_decodes("gzip", g2.p, g2.len, g1.p, g1.len, HYPER_OK);
    bytes d1 = zcompress(plain.p, plain.len, W_RAW, 9);
    bytes d2 = zcompress(d1.p, d1.len, W_GZIP, 0);   /* gzip(deflate(x)) */
    expect_decodes("deflate,gzip", d2.p, d2.len, plain.p, plain.len, HYPER_OK);
    expect_decodes("gzip, deflate", d2.p, d2.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    bytes t3 = zcompress(d2.p, d2.len, W_ZLIB, 9);   /* deflate(gzip(deflate(x))) */
    expect_decodes("deflate, identity, gzip, deflate", t3.p, t3.len, plain.p, plain.len,
                   HYPER_OK);
    /* Truncating the outer stream is reported, whichever layer notices. */
    expect_decodes("deflate, gzip, deflate", t3.p, t3.len - 1, NULL, 0,
                   HYPER_ECONTENT_TRUNCATED);
    expect_decodes("gzip, gzip", g2.p, g2.len / 2, NULL, 0, HYPER_ECONTENT_TRUNCATED);

    /* Several Content-Encoding fields make one list. */
    hyper_headers *h = hyper_headers_new(NULL);
    assert_int_equal(hyper_headers_add(h, "Content-Encoding", 16, "gzip", 4), 0);
    assert_int_equal(hyper_headers_add(h, "content-type", 12, "text/plain", 10), 0);
    assert_int_equal(hyper_headers_add(h, "CONTENT-ENCODING", 16, "GZIP", 4), 0);
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init_headers(&d, NULL, h), 0);
    assert_int_equal(hyper_content_decoder_codings(d), 2);
    bytes out = {0};
    assert_int_equal(decode_with(d, g2.p, g2.len, 999, 4096, &out), HYPER_OK);
    assert_int_equal(out.len, plain.len);
    assert_memory_equal(out.p, plain.p, plain.len);
    hyper_content_decoder_free(d);
    bytes_free(&out);
    assert_int_equal(hyper_headers_add(h, "content-encoding", 16, "br", 2), 0);
    assert_int_equal(hyper_content_decoder_init_headers(&d, NULL, h), HYPER_ECONTENT_UNSUPPORTED);
    assert_null(d);
    hyper_headers_clear(h);
    assert_int_equal(hyper_content_decoder_init_headers(&d, NULL, h), 0);
    assert_int_equal(hyper_content_decoder_codings(d), 0);
    hyper_content_decoder_free(d);
    hyper_headers_free(h);
    bytes_free(&t3);
    bytes_free(&d2);
    bytes_free(&d1);
    bytes_free(&g2);
    bytes_free(&g1);
    bytes_free(&plain);
}

static void unsupported_and_too_many(void **state)
{
    (void)state;
    static const char *const bad[] = {"br", "compress", "x-compress", "zstd", "gzip, br",
                                      "gzip;q=1", "gzipx", "gzi", "deflate2", "\"gzip\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hyper_content_decoder *d = (hyper_content_decoder *)1;
        assert_int_equal(hyper_content_decoder_init(&d, NULL, bad[i], strlen(bad[i])),
                         HYPER_ECONTENT_UNSUPPORTED);
        assert_null(d);
    }
    hyper_content_decoder *d;
    const char *four = "gzip, gzip, deflate, gzip";
    assert_int_equal(hyper_content_decoder_init(&d, NULL, four, strlen(four)),
                     HYPER_ECONTENT_TOO_MANY);
    const char *three = "gzip, identity, gzip, deflate";
    assert_int_equal(hyper_content_decoder_init(&d, NULL, three, strlen(three)), 0);
    assert_int_equal(hyper_content_decoder_codings(d), 3);
    hyper_content_decoder_free(d);
    assert_int_equal(hyper_content_decoder_init(NULL, NULL, "gzip", 4), HYPER_EINVAL);
    assert_int_equal(hyper_content_decoder_init(&d, NULL, NULL, 4), HYPER_EINVAL);
    assert_string_equal(hyper_content_accept_encoding(), "gzip, deflate");
    assert_string_equal(hyper_strerror_name(HYPER_ECONTENT_TRUNCATED), "HYPER_ECONTENT_TRUNCATED");
}

/* ---- bad input -------------------------------------------------------------- */

static void corrupt_streams(void **state)
{
    (void)state;
    bytes plain = sample_text(5000);
    bytes gz = zcompress(plain.p, plain.len, W_GZIP, 6);
    /* Every single-octet change in a gzip member is caught: header checks,
     * deflate data errors, or the CRC-32 / length trailer. A change in the
     * header's MTIME/XFL/OS octets (4..9) is not detectable, skip those. */
    size_t caught = 0;
    for (size_t i = 0; i < gz.len; i++) {
        if (i >= 4 && i <= 9)
            continue;
        bytes c = {0};
        bytes_put(&c, gz.p, gz.len);
        c.p[i] ^= 0x55;
        bytes out = {0};
        int rc = decode_all("gzip", NULL, c.p, c.len, SIZE_MAX, 4096, &out);
        if (rc == HYPER_ECONTENT_CORRUPT || rc == HYPER_ECONTENT_TRUNCATED)
            caught++;
        else
            fail_msg("change at %zu not caught: %s", i, hyper_strerror_name(rc));
        bytes_free(&out);
        bytes_free(&c);
    }
    assert_true(caught > 100);
    /* Specific ones, under every split. */
    bytes c = {0};
    bytes_put(&c, gz.p, gz.len);
    c.p[1] = 0x8c;                               /* bad magic */
    expect_decodes("gzip", c.p, c.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    c.p[1] = 0x8b;
    c.p[c.len - 5] ^= 0x80;                      /* CRC-32 */
    expect_decodes("gzip", c.p, c.len, NULL, 0, HYPER_ECONTENT_CORRUPT);
    static const uint8_t reserved_block[] = {0x07, 0x00, 0x00};   /* BTYPE 11 */
    expect_decodes("deflate", reserved_block, 3, NULL, 0, HYPER_ECONTENT_CORRUPT);
    static const uint8_t zlib_dict[] = {0x78, 0xbb, 0, 0, 0, 1, 0x03, 0x00};  /* FDICT */
    expect_decodes("deflate", zlib_dict, sizeof zlib_dict, NULL, 0, HYPER_ECONTENT_CORRUPT);
    /* The error sticks, and finish reports it too. */
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init(&d, NULL, "deflate", 7), 0);
    uint8_t out[64];
    size_t used, made;
    assert_int_equal(hyper_content_decode(d, reserved_block, 3, &used, out, 64, &made),
                     HYPER_ECONTENT_CORRUPT);
    assert_int_equal(hyper_content_decode(d, plain.p, 10, &used, out, 64, &made),
                     HYPER_ECONTENT_CORRUPT);
    assert_int_equal(used, 0);
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_ECONTENT_CORRUPT);
    assert_int_equal(hyper_content_decode(d, NULL, 0, &used, NULL, 0, &made), HYPER_EINVAL);
    hyper_content_decoder_free(d);
    bytes_free(&c);
    bytes_free(&gz);
    bytes_free(&plain);
}

/* Every proper prefix of a stream is truncated, never a success. */
static void truncated_streams(void **state)
{
    (void)state;
    bytes plain = sample_text(3000);
    static const int wb[] = {W_GZIP, W_ZLIB, W_RAW};
    static const char *const enc[] = {"gzip", "deflate", "deflate"};
    for (size_t k = 0; k < 3; k++) {
        bytes c = zcompress(plain.p, plain.len, wb[k], 6);
        for (size_t cut = 1; cut < c.len; cut++) {
            bytes out = {0};
            int rc = decode_all(enc[k], NULL, c.p, cut, cut % 2 ? 1 : SIZE_MAX, 512, &out);
            if (rc != HYPER_ECONTENT_TRUNCATED)
                fail_msg("%s cut at %zu/%zu: %s", enc[k], cut, c.len, hyper_strerror_name(rc));
            /* What came out is a prefix of the body. */
            assert_true(out.len <= plain.len);
            if (out.len)
                assert_memory_equal(out.p, plain.p, out.len);
            bytes_free(&out);
        }
        bytes_free(&c);
    }
    /* An empty body is an empty body, not a truncated one. */
    expect_decodes("gzip", NULL, 0, NULL, 0, HYPER_OK);
    bytes_free(&plain);
}

/* Octets after the end: discarded (and counted), unless another gzip member. */
static void trailing_data(void **state)
{
    (void)state;
    bytes plain = sample_text(2000);
    bytes gz = zcompress(plain.p, plain.len, W_GZIP, 6);
    bytes raw = zcompress(plain.p, plain.len, W_RAW, 6);
    static const struct { const char *tail; size_t len; int rc; uint64_t discarded; } t[] = {
        {"\0\0\0\0", 4, HYPER_OK, 4},
        {"junk after", 10, HYPER_OK, 10},
        {"\x1f", 1, HYPER_OK, 1},
        {"\x1f\x1f", 2, HYPER_OK, 2},
        {"\x1f\x8b", 2, HYPER_ECONTENT_TRUNCATED, 0},      /* a member begins */
        {"\x1f\x8b\x09", 3, HYPER_ECONTENT_TRUNCATED, 0},  /* zlib reads CM with FLG */
        {"\x1f\x8b\x09\x00", 4, HYPER_ECONTENT_CORRUPT, 0},  /* CM must be 8 */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        for (int which = 0; which < 2; which++) {
            const bytes *base = which ? &raw : &gz;
            const char *enc = which ? "deflate" : "gzip";
            bytes in = {0};
            bytes_put(&in, base->p, base->len);
            bytes_put(&in, t[i].tail, t[i].len);
            int want = which ? HYPER_OK : t[i].rc;    /* deflate: all is trailing */
            expect_decodes(enc, in.p, in.len, plain.p, plain.len, want);
            hyper_content_decoder *d;
            assert_int_equal(hyper_content_decoder_init(&d, NULL, enc, strlen(enc)), 0);
            bytes out = {0};
            assert_int_equal(decode_with(d, in.p, in.len, 3, 1000, &out), want);
            if (want == HYPER_OK)
                assert_int_equal(hyper_content_decoder_discarded(d), t[i].len);
            hyper_content_decoder_free(d);
            bytes_free(&out);
            bytes_free(&in);
        }
    }
    /* Junk after the inner stream of a stacked body stops the outer one too. */
    bytes inner = {0};
    bytes_put(&inner, raw.p, raw.len);
    bytes_put(&inner, "trailing", 8);
    bytes outer = zcompress(inner.p, inner.len, W_GZIP, 6);
    expect_decodes("deflate, gzip", outer.p, outer.len, plain.p, plain.len, HYPER_OK);
    bytes_free(&outer);
    bytes_free(&inner);
    bytes_free(&raw);
    bytes_free(&gz);
    bytes_free(&plain);
}

/* ---- memory ----------------------------------------------------------------- */

static void allocation_failure_everywhere(void **state)
{
    (void)state;
    bytes plain = sample_text(30000);
    bytes d1 = zcompress(plain.p, plain.len, W_RAW, 6);
    bytes d2 = zcompress(d1.p, d1.len, W_GZIP, 6);
    bytes d3 = zcompress(d2.p, d2.len, W_ZLIB, 6);
    const char *enc = "deflate, gzip, deflate";
    size_t clean;
    {
        test_mem tm;
        test_mem_init(&tm);
        bytes out = {0};
        assert_int_equal(decode_all(enc, &tm.mem, d3.p, d3.len, 500, 777, &out), 0);
        assert_int_equal(out.len, plain.len);
        clean = tm.calls;
        bytes_free(&out);
    }
    assert_true(clean >= 7);   /* decoder, mids, 3 states, 3 windows */
    size_t at_init = 0, at_decode = 0;
    for (size_t f = 1; f <= clean; f++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = f;
        hyper_content_decoder *d;
        int rc = hyper_content_decoder_init(&d, &tm.mem, enc, strlen(enc));
        if (rc != HYPER_OK) {
            assert_int_equal(rc, HYPER_ENOMEM);
            assert_null(d);
            at_init++;
        } else {
            bytes out = {0};
            rc = decode_with(d, d3.p, d3.len, 500, 777, &out);
            assert_int_equal(rc, HYPER_ENOMEM);
            /* Sticky: finish says the same. */
            assert_int_equal(hyper_content_decoder_finish(d), HYPER_ENOMEM);
            hyper_content_decoder_free(d);
            bytes_free(&out);
            at_decode++;
        }
        assert_int_equal(tm.in_use, 0);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
    }
    assert_true(at_init >= 5);
    assert_true(at_decode >= 3);
    bytes_free(&d3);
    bytes_free(&d2);
    bytes_free(&d1);
    bytes_free(&plain);
}

/* The decoder's own accounting matches the allocator's, and the worst case
 * (three stacked codings, windows allocated) stays under the documented
 * 140 KiB. */
static void memory_accounting(void **state)
{
    (void)state;
    bytes plain = sample_text(100000);
    bytes d1 = zcompress(plain.p, plain.len, W_GZIP, 6);
    bytes d2 = zcompress(d1.p, d1.len, W_GZIP, 6);
    bytes d3 = zcompress(d2.p, d2.len, W_RAW, 6);
    test_mem tm;
    test_mem_init(&tm);
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init(&d, &tm.mem, "gzip, gzip, deflate", 19), 0);
    assert_int_equal(hyper_content_decoder_memory(d), tm.in_use);
    bytes out = {0};
    assert_int_equal(decode_with(d, d3.p, d3.len, 1000, 3000, &out), 0);
    assert_int_equal(out.len, plain.len);
    assert_int_equal(hyper_content_decoder_memory(d), tm.in_use);
    print_message("      three stacked codings: %zu octets held, peak %zu\n",
                  hyper_content_decoder_memory(d), tm.peak);
    assert_true(tm.peak < 140 * 1024);
    hyper_content_decoder_free(d);
    assert_int_equal(tm.in_use, 0);
    bytes_free(&out);
    bytes_free(&d3);
    bytes_free(&d2);
    bytes_free(&d1);
    bytes_free(&plain);
}

/* Stacked data that expands without producing output (empty stored blocks
 * inside a gzip): each call's work is bounded; the caller sees 1 ("call
 * again") with nothing produced, and the stream still ends cleanly. */
static void work_bound_per_call(void **state)
{
    (void)state;
    bytes inner = {0};
    static const uint8_t empty_stored[] = {0x00, 0x00, 0x00, 0xff, 0xff};
    for (int i = 0; i < 1000000; i++)        /* 5 MB of empty blocks */
        bytes_put(&inner, empty_stored, sizeof empty_stored);
    static const uint8_t final_empty[] = {0x03, 0x00};  /* final fixed block, EOB */
    bytes_put(&inner, final_empty, sizeof final_empty);
    bytes outer = zcompress(inner.p, inner.len, W_GZIP, 9);
    assert_true(outer.len < 20000);
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init(&d, NULL, "deflate, gzip", 13), 0);
    uint8_t buf[1024];
    size_t off = 0, calls = 0, used, made;
    int rc;
    do {
        rc = hyper_content_decode(d, outer.p + off, outer.len - off, &used, buf, sizeof buf, &made);
        assert_true(rc == 0 || rc == 1);
        assert_int_equal(made, 0);
        off += used;
        calls++;
    } while (rc == 1);
    assert_int_equal(off, outer.len);
    assert_true(calls >= 5);      /* 10 MB of work cannot fit in one call */
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_OK);
    hyper_content_decoder_free(d);
    bytes_free(&outer);
    bytes_free(&inner);
}

/* A 1 GiB-of-zeros bomb: about 1 MB of gzip, decoded with a 16 KiB buffer.
 * Memory stays bounded and every octet comes out.
 * Building it: raw deflate of zeros, one MiB at a time, each MiB closed by
 * Z_SYNC_FLUSH so it ends on an octet boundary. Once the window is all
 * zeros, zlib codes every further MiB with the same octets, so when two
 * successive MiB compress identically that piece is repeated instead of
 * deflating 1 GiB again (4 s); otherwise every MiB is deflated. The gzip
 * wrapper is written here, its CRC-32 from crc32_combine. The decoder
 * checks that CRC and the length, so a wrong bomb fails the test.
 * HYPER_BOMB_MIB=n overrides the size. */
static size_t deflate_piece(z_stream *z, const uint8_t *in, size_t len, int flush,
                            bytes *out)
{
    static uint8_t cbuf[1 << 16];
    size_t before = out->len;
    z->next_in = (Bytef *)(uintptr_t)in;
    z->avail_in = (uInt)len;
    int rc;
    do {
        z->next_out = cbuf;
        z->avail_out = sizeof cbuf;
        rc = deflate(z, flush);
        assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
        bytes_put(out, cbuf, sizeof cbuf - z->avail_out);
    } while (z->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return out->len - before;
}

static bytes make_bomb(size_t mib, size_t *repeated)
{
    static uint8_t zeros[1 << 20];
    static const uint8_t gz_head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255};
    bytes b = {0};
    bytes_put(&b, gz_head, sizeof gz_head);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, W_RAW, 9, Z_DEFAULT_STRATEGY), Z_OK);
    size_t prev_off = 0, prev_len = 0, i = 0;
    *repeated = 0;
    uLong crc = crc32(0, Z_NULL, 0), crc_mib = crc32(0, zeros, sizeof zeros);
    for (; i < mib; i++) {
        size_t off = b.len;
        size_t n = deflate_piece(&z, zeros, sizeof zeros, Z_SYNC_FLUSH, &b);
        crc = crc32_combine(crc, crc_mib, sizeof zeros);
        if (prev_len == n && memcmp(b.p + prev_off, b.p + off, n) == 0) {
            i++;
            break;                  /* steady state reached */
        }
        prev_off = off;
        prev_len = n;
    }
    uint8_t *piece = malloc(prev_len ? prev_len : 1);   /* b.p moves as b grows */
    assert_non_null(piece);
    if (prev_len)
        memcpy(piece, b.p + prev_off, prev_len);
    for (; i < mib; i++) {          /* repeat the steady-state piece */
        bytes_put(&b, piece, prev_len);
        crc = crc32_combine(crc, crc_mib, sizeof zeros);
        (*repeated)++;
    }
    free(piece);
    deflate_piece(&z, NULL, 0, Z_FINISH, &b);   /* final empty block */
    deflateEnd(&z);
    uint8_t trailer[8];
    uint32_t isize = (uint32_t)((uint64_t)mib << 20);
    for (int k = 0; k < 4; k++) {
        trailer[k] = (uint8_t)(crc >> (8 * k));
        trailer[4 + k] = (uint8_t)(isize >> (8 * k));
    }
    bytes_put(&b, trailer, sizeof trailer);
    return b;
}

static void decompression_bomb(void **state)
{
    (void)state;
    size_t mib = 1024, repeated;
    const char *env = getenv("HYPER_BOMB_MIB");
    if (env && atoi(env) > 0)
        mib = (size_t)atoi(env);
    clock_t t0 = clock();
    bytes bomb = make_bomb(mib, &repeated);
    clock_t t1 = clock();

    test_mem tm;
    test_mem_init(&tm);
    hyper_content_decoder *d;
    assert_int_equal(hyper_content_decoder_init(&d, &tm.mem, "gzip", 4), 0);
    static uint8_t out[16384];
    uint64_t total = 0;
    size_t off = 0, used, made, max_piece = 0;
    int rc, all_zero = 1;
    do {
        /* Feed in 4 KiB pieces, as a socket would. */
        size_t n = bomb.len - off < 4096 ? bomb.len - off : 4096;
        rc = hyper_content_decode(d, bomb.p + off, n, &used, out, sizeof out, &made);
        assert_true(rc == 0 || rc == 1);
        off += used;
        total += made;
        if (made > max_piece)
            max_piece = made;
        if (made && (out[0] || memcmp(out, out + 1, made - 1) != 0))
            all_zero = 0;
    } while (rc == 1 || off < bomb.len);
    assert_int_equal(hyper_content_decoder_finish(d), HYPER_OK);
    clock_t t2 = clock();
    print_message("      bomb: %zu MiB from %zu octets of gzip (%zu MiB repeated); peak "
                  "decoder memory %zu; build %.2fs, decode %.2fs\n", mib, bomb.len,
                  repeated, tm.peak,
                  (double)(t1 - t0) / CLOCKS_PER_SEC, (double)(t2 - t1) / CLOCKS_PER_SEC);
    assert_true(total == (uint64_t)mib << 20);
    assert_true(all_zero);
    assert_true(max_piece <= sizeof out);
    /* One coding: zlib's state (~7 KiB) and window (32 KiB) and the decoder;
     * the 1 GiB output never lives in memory (a 16 KiB buffer at a time). */
    assert_true(tm.peak < 64 * 1024);
    assert_true(bomb.len < ((size_t)mib << 20) / 500);
    hyper_content_decoder_free(d);
    assert_int_equal(tm.in_use, 0);
    bytes_free(&bomb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zlib_made_bodies),
        cmocka_unit_test(deflate_raw_vs_wrapped),
        cmocka_unit_test(gzip_command_bodies),
        cmocka_unit_test(identity_passthrough),
        cmocka_unit_test(stacked_codings),
        cmocka_unit_test(unsupported_and_too_many),
        cmocka_unit_test(corrupt_streams),
        cmocka_unit_test(truncated_streams),
        cmocka_unit_test(trailing_data),
        cmocka_unit_test(allocation_failure_everywhere),
        cmocka_unit_test(memory_accounting),
        cmocka_unit_test(work_bound_per_call),
        cmocka_unit_test(decompression_bomb),
    };
    return cmocka_run_group_tests_name("content", tests, NULL, NULL);
}
