/*
 * test_roundtrip.c — every story of hpack-test-case/raw-data encoded by our
 * encoder, then decoded by our decoder and by Python's hpack module (an
 * independent implementation: test/hpack/pydecode.py run with
 * /usr/bin/python3), must give back exactly its headers.
 *
 * Configurations: Huffman AUTO, NEVER and ALWAYS, each with the peer's
 * table size at 4096 (the default), 256 (constant eviction) and 0 (no
 * dynamic table: the encoder must open with a size update to 0, RFC 7541
 * §4.2, and never index). One encoder and one decoder per story, as the
 * format requires. The encoded stories go to a temporary folder that the
 * test's teardown removes, pass or fail; the corpus itself is only read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "hyper.h"
#include "support/hpack_story.h"
#include "support/story.h"
#include "testutil.h"

#ifndef PYTHON /* overridable only to test the "missing" message */
#define PYTHON "/usr/bin/python3"
#endif
#define PYDECODE "test/hpack/pydecode.py"

typedef struct rt_config {
    int huffman;
    long table_size;
    const char *name;
} rt_config;

static const rt_config configs[] = {
    {HYPER_HPACK_HUFFMAN_AUTO, 4096, "auto-4096"},
    {HYPER_HPACK_HUFFMAN_NEVER, 4096, "never-4096"},
    {HYPER_HPACK_HUFFMAN_ALWAYS, 4096, "always-4096"},
    {HYPER_HPACK_HUFFMAN_AUTO, 256, "auto-256"},
    {HYPER_HPACK_HUFFMAN_AUTO, 0, "auto-0"},
    {HYPER_HPACK_HUFFMAN_NEVER, 0, "never-0"},
    {HYPER_HPACK_HUFFMAN_ALWAYS, 0, "always-0"},
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

typedef struct rt_totals {
    size_t files, blocks, headers, wire_bytes;
} rt_totals;

static rt_totals totals[NCONFIGS];

/* Encodes every case of s in place (fills wire), with one encoder. */
static void encode_story(story *s, const rt_config *cfg, const char *path)
{
    hyper_hpack_encoder_opts eo = {.huffman = cfg->huffman};
    hyper_hpack_encoder *enc;
    assert_int_equal(hyper_hpack_encoder_init(&enc, NULL, &eo), HYPER_OK);
    if (cfg->table_size != 4096)
        assert_int_equal(hyper_hpack_encoder_set_peer_table_size(enc, (uint32_t)cfg->table_size),
                         HYPER_OK);
    for (size_t i = 0; i < s->case_count; i++) {
        story_case *c = &s->cases[i];
        c->header_table_size = i == 0 ? cfg->table_size : -1;
        free(c->wire);
        c->wire = NULL;
        int r = story_case_encode(enc, c, &c->wire, &c->wire_len);
        if (r != 0) {
            hyper_hpack_encoder_free(enc);
            fail_msg("%s, %s: case %zu: encode failed: %s", path, cfg->name, i,
                     hyper_strerror_name(r));
        }
        c->has_wire = 1;
    }
    hyper_hpack_encoder_free(enc);
}

/* Decodes the encoded story with our decoder (whole, or one byte at a
 * time) and checks every header. */
static void decode_story(const story *s, const rt_config *cfg, const char *path, size_t piece)
{
    hyper_hpack_decoder *dec;
    char err[800];
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, NULL), HYPER_OK);
    for (size_t i = 0; i < s->case_count; i++) {
        int r = story_case_check(dec, &s->cases[i], piece, NULL, err, sizeof err);
        if (r != 0) {
            hyper_hpack_decoder_free(dec);
            fail_msg("%s, %s, pieces of %zu: case %zu: %s", path, cfg->name, piece, i, err);
        }
        if (cfg->table_size == 0 && hyper_hpack_decoder_table_count(dec) != 0) {
            hyper_hpack_decoder_free(dec);
            fail_msg("%s, %s: case %zu: the table has entries at size 0", path, cfg->name, i);
        }
    }
    hyper_hpack_decoder_free(dec);
}

static void write_story(const story *s, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    story_write(f, s);
    if (fclose(f) != 0)
        fail_msg("cannot write %s", path);
}

/* Runs pydecode.py on the files; fails the test with its output unless
 * every case matched. */
static void python_decodes(const char *tmpdir, const rt_config *cfg, size_t nfiles)
{
    if (access(PYTHON, X_OK) != 0)
        fail_msg(PYTHON " is missing: install Debian's python3 and python3-hpack");
    if (access(PYDECODE, R_OK) != 0)
        fail_msg(PYDECODE " not found: run the test from the repository root");
    char cmd[1024], line[1024], out[4096] = "";
    snprintf(cmd, sizeof cmd, PYTHON " " PYDECODE " %s/%s-*.json 2>&1", tmpdir, cfg->name);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(line, sizeof line, p))
        if (strlen(out) + strlen(line) < sizeof out)
            strcat(out, line);
    int st = pclose(p);
    if (st != 0)
        fail_msg("Python's hpack rejected our %s encoding (status %d):\n%s", cfg->name, st, out);
    char want[64];
    snprintf(want, sizeof want, ": %zu files,", nfiles);
    if (!strstr(out, want))
        fail_msg("pydecode did not check %zu files: %s", nfiles, out);
    print_message("  %s: %s", cfg->name, out);
}

/* The scratch folder of the running test; the teardown removes it, pass
 * or fail. */
static char tmpdir[64];

static int remove_tmpdir(void **state)
{
    (void)state;
    char **files, err[600], path[1024];
    if (!tmpdir[0])
        return 0;
    long n = story_list_dir(tmpdir, 0, &files, err, sizeof err);
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
        unlink(path);
    }
    if (n >= 0)
        story_list_free(files, n);
    rmdir(tmpdir);
    tmpdir[0] = '\0';
    return 0;
}

static void round_trip_config(const rt_config *cfg, rt_totals *t)
{
    char root[512], path[1024], out[1024], err[800];
    char **files;
    snprintf(root, sizeof root, "%s/hpack-test-case/raw-data", test_shared_dir());
    long n = story_list_dir(root, 0, &files, err, sizeof err);
    if (n <= 0)
        fail_msg("no raw-data stories: %s", n < 0 ? err : root);
    if (access(PYTHON, X_OK) != 0)
        fail_msg(PYTHON " is missing: install Debian's python3 and python3-hpack");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hyper-roundtrip-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    for (long i = 0; i < n; i++) {
        story s;
        snprintf(path, sizeof path, "%s/%s", root, files[i]);
        if (story_load(path, &s, err, sizeof err) != 0)
            fail_msg("%s", err);
        encode_story(&s, cfg, path);
        decode_story(&s, cfg, path, 0);
        if (cfg->huffman == HYPER_HPACK_HUFFMAN_AUTO)
            decode_story(&s, cfg, path, 1);
        for (size_t j = 0; j < s.case_count; j++) {
            t->blocks++;
            t->headers += s.cases[j].header_count;
            t->wire_bytes += s.cases[j].wire_len;
        }
        snprintf(out, sizeof out, "%s/%s-%s", tmpdir, cfg->name, files[i]);
        write_story(&s, out);
        story_free(&s);
        t->files++;
    }
    story_list_free(files, n);
    python_decodes(tmpdir, cfg, (size_t)n);
    print_message("  %s: %zu stories, %zu blocks, %zu headers, %zu encoded bytes\n", cfg->name,
                  t->files, t->blocks, t->headers, t->wire_bytes);
}

static void round_trip(void **state)
{
    const rt_config *cfg = *state; /* the test's initial state */
    print_message("round trip %s\n", cfg->name);
    rt_totals *t = &totals[cfg - configs];
    memset(t, 0, sizeof *t);
    round_trip_config(cfg, t);
    assert_true(t->headers > 0);
}

/* Sums the wire bytes of a corpus folder (stories encoded by another
 * implementation from the same raw data). */
static size_t folder_wire_bytes(const char *folder)
{
    char dir[512], path[1024], err[800];
    char **files;
    snprintf(dir, sizeof dir, "%s/hpack-test-case/%s", test_shared_dir(), folder);
    long n = story_list_dir(dir, 0, &files, err, sizeof err);
    if (n <= 0)
        fail_msg("no stories in %s", dir);
    size_t total = 0;
    for (long i = 0; i < n; i++) {
        story s;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (story_load(path, &s, err, sizeof err) != 0)
            fail_msg("%s", err);
        for (size_t j = 0; j < s.case_count; j++)
            total += s.cases[j].wire_len;
        story_free(&s);
    }
    story_list_free(files, n);
    return total;
}

/* AUTO picks the shorter string form, so it can never lose to NEVER or
 * ALWAYS with the same table; at 4096 our output must be no larger than
 * what nghttp2 produced for the corpus (its folder of the same stories). */
static void compression_is_sane(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCONFIGS; i++)
        if (totals[i].wire_bytes == 0)
            fail_msg("the round trip of %s did not run", configs[i].name);
    assert_true(totals[0].wire_bytes <= totals[1].wire_bytes);
    assert_true(totals[0].wire_bytes <= totals[2].wire_bytes);
    assert_true(totals[4].wire_bytes <= totals[5].wire_bytes);
    assert_true(totals[4].wire_bytes <= totals[6].wire_bytes);
    assert_true(totals[0].wire_bytes < totals[3].wire_bytes);
    assert_true(totals[3].wire_bytes < totals[4].wire_bytes);
    size_t ng = folder_wire_bytes("nghttp2");
    print_message("  encoded bytes: ours (auto, 4096) %zu, nghttp2's corpus folder %zu (%.3f)\n",
                  totals[0].wire_bytes, ng, (double)totals[0].wire_bytes / (double)ng);
#ifdef HYPER_CONFIG_NO_HUFFMAN_ENCODER
    /* Raw literals only (hyper_config.h): every policy gives the same bytes,
     * and losing to a Huffman-coding encoder is the price of the switch. */
    assert_int_equal(totals[0].wire_bytes, totals[2].wire_bytes);
#else
    assert_true(totals[0].wire_bytes <= ng);
#endif
}

/* Every allocation of an encoder through a story fails in turn: ENOMEM or
 * success, and nothing left allocated once it is freed. */
static void encoder_allocation_failures(void **state)
{
    (void)state;
    char path[512], err[800];
    snprintf(path, sizeof path, "%s/hpack-test-case/raw-data/story_01.json", test_shared_dir());
    story s;
    assert_int_equal(story_load(path, &s, err, sizeof err), 0);
    size_t enomem = 0, calls = 0;
    for (size_t fail_at = 1;; fail_at++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail_at;
        hyper_hpack_encoder *enc = NULL;
        int r = hyper_hpack_encoder_init(&enc, &tm.mem, NULL);
        for (size_t i = 0; r == 0 && i < s.case_count; i++) {
            uint8_t *wire = NULL;
            size_t len = 0;
            r = story_case_encode(enc, &s.cases[i], &wire, &len);
            if (r == 0)
                free(wire);
        }
        hyper_hpack_encoder_free(enc);
        if (r != 0 && r != HYPER_ENOMEM)
            fail_msg("fail_at %zu: %s", fail_at, hyper_strerror_name(r));
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        enomem += r == HYPER_ENOMEM;
        if (r == 0 && tm.calls < fail_at) {
            calls = tm.calls;
            break;
        }
    }
    print_message("  encoder allocation failures: %zu of %zu calls failed cleanly\n", enomem,
                  calls);
    assert_true(calls >= 1);
    story_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define RT(i, name) {"round_trip_" name, round_trip, NULL, remove_tmpdir, (void *)&configs[i]}
        RT(0, "auto_4096"), RT(1, "never_4096"), RT(2, "always_4096"), RT(3, "auto_256"),
        RT(4, "auto_0"), RT(5, "never_0"), RT(6, "always_0"),
#undef RT
        cmocka_unit_test(compression_is_sane),
        cmocka_unit_test(encoder_allocation_failures),
    };
    _Static_assert(NCONFIGS == 7, "one round_trip entry per configuration");
    return cmocka_run_group_tests_name("hpack_roundtrip", tests, NULL, NULL);
}
