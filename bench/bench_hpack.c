/*
 * bench_hpack.c — hyper's HPACK against nghttp2's, same corpus, same run.
 *
 *   build/bench/bench_hpack [CORPUS_DIR [MIN_SECONDS]]   (make bench-hpack)
 *
 * Implementation notes:
 *  - Inputs (loaded and checked before any timing):
 *      decode   every story with wire data in every folder of the
 *               hpack-test-case corpus; one decoder per story (the
 *               format's shared context), header_table_size applied;
 *      encode   the raw-data stories, table size 4096, one encoder per
 *               story, Huffman when shorter (both libraries' policy);
 *      Huffman  the names and values of raw-data, as blocks of 32
 *               literal-without-indexing fields with new names and
 *               Huffman-coded name and value (decode), and as the same
 *               fields flagged not-to-index (encode). nghttp2's Huffman
 *               coder is internal, so both libraries are measured through
 *               their public block API on these blocks and nothing is
 *               subtracted: the figures include the field-parsing overhead.
 *  - Before timing, ours is checked to decode every block to exactly the
 *    story's headers, nghttp2 to the same field count, and both to decode
 *    the Huffman blocks to the original strings.
 *  - Each measurement runs whole passes over its input until MIN_SECONDS
 *    (default 0.3) have passed, three times; the best time per pass counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <nghttp2/nghttp2.h>
#include "hyper.h"
#include "hpack/hpack_int.h"
#include "hpack/huffman.h"
#include "support/hpack_story.h"
#include "support/story.h"

#define HUFF_BLOCK_FIELDS 32

typedef struct corpus {
    story *dec;              /* stories with wire data (all folders) */
    size_t ndec, dec_blocks, dec_headers, dec_wire;
    story *enc;              /* raw-data stories */
    size_t nenc, enc_blocks, enc_headers;
    hyper_hpack_field **enc_fields; /* per raw-data case, flattened */
    nghttp2_nv **enc_nv;
    size_t enc_cases;
    uint8_t *hblocks;        /* Huffman blocks, back to back */
    size_t *hblock_off;      /* nhblocks + 1 offsets */
    size_t nhblocks, hfields, hplain, hcoded;
    hyper_hpack_field *hfield; /* the Huffman fields, flags NO_INDEX */
    nghttp2_nv *hnv;
} corpus;

static volatile size_t sink;
static double min_seconds = 0.3;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_hpack: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best seconds per pass of fn over three runs of at least min_seconds. */
static double measure(void (*fn)(const corpus *), const corpus *c)
{
    double best = 1e30;
    for (int run = 0; run < 3; run++) {
        size_t passes = 0;
        double t0 = now(), t;
        do {
            fn(c);
            passes++;
            t = now() - t0;
        } while (t < min_seconds);
        if (t / (double)passes < best)
            best = t / (double)passes;
    }
    return best;
}

/* ---- loading ------------------------------------------------------------ */

static void load_folder(const char *dir, story **v, size_t *n, int want_wire)
{
    char **files, err[800], path[2048];
    long nf = story_list_dir(dir, 0, &files, err, sizeof err);
    if (nf < 0)
        die(err, NULL);
    for (long i = 0; i < nf; i++) {
        story s;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (story_load(path, &s, err, sizeof err) < 0)
            die(err, NULL);
        if (s.case_count == 0 || (want_wire && !s.cases[0].has_wire)) {
            story_free(&s);
            continue;
        }
        story *nv = realloc(*v, (*n + 1) * sizeof *nv);
        if (!nv)
            die("out of memory", NULL);
        *v = nv;
        (*v)[(*n)++] = s;
    }
    story_list_free(files, nf);
}

static void load_corpus(const char *root, corpus *c)
{
    char **folders, err[800], dir[1024];
    long n = story_list_dir(root, 1, &folders, err, sizeof err);
    if (n < 0)
        die(err, NULL);
    for (long i = 0; i < n; i++) {
        snprintf(dir, sizeof dir, "%s/%s", root, folders[i]);
        if (strcmp(folders[i], "raw-data") == 0)
            load_folder(dir, &c->enc, &c->nenc, 0);
        else
            load_folder(dir, &c->dec, &c->ndec, 1);
    }
    story_list_free(folders, n);
    if (c->ndec == 0 || c->nenc == 0)
        die("no stories (wire data and raw-data) under", root);
    for (size_t i = 0; i < c->ndec; i++)
        for (size_t j = 0; j < c->dec[i].case_count; j++) {
            c->dec_blocks++;
            c->dec_headers += c->dec[i].cases[j].header_count;
            c->dec_wire += c->dec[i].cases[j].wire_len;
        }
}

/* The raw-data headers as hyper fields and nghttp2 name/value pairs. */
static void build_encode_inputs(corpus *c)
{
    for (size_t i = 0; i < c->nenc; i++)
        c->enc_cases += c->enc[i].case_count;
    c->enc_fields = xcalloc(c->enc_cases, sizeof *c->enc_fields);
    c->enc_nv = xcalloc(c->enc_cases, sizeof *c->enc_nv);
    size_t k = 0;
    for (size_t i = 0; i < c->nenc; i++) {
        for (size_t j = 0; j < c->enc[i].case_count; j++, k++) {
            const story_case *sc = &c->enc[i].cases[j];
            c->enc_fields[k] = xcalloc(sc->header_count, sizeof **c->enc_fields);
            c->enc_nv[k] = xcalloc(sc->header_count, sizeof **c->enc_nv);
            for (size_t h = 0; h < sc->header_count; h++) {
                const story_header *sh = &sc->headers[h];
                c->enc_fields[k][h] = (hyper_hpack_field){sh->name, sh->name_len, sh->value,
                                                          sh->value_len, 0};
                c->enc_nv[k][h] = (nghttp2_nv){(uint8_t *)sh->name, (uint8_t *)sh->value,
                                               sh->name_len, sh->value_len,
                                               NGHTTP2_NV_FLAG_NONE};
            }
            c->enc_blocks++;
            c->enc_headers += sc->header_count;
        }
    }
}

/* Appends a Huffman string literal (H bit set, RFC 7541 §5.2). */
static size_t put_huffman_string(uint8_t *out, const char *s, size_t len)
{
    size_t hl = hyper_huffman_encoded_len((const uint8_t *)s, len);
    size_t n = hyper_hpack_int_encode(out, (uint32_t)hl, 7, 0x80);
    return n + hyper_huffman_encode((const uint8_t *)s, len, out + n);
}

/* Blocks of literal-without-indexing, new-name fields (RFC 7541 §6.2.2,
 * first octet 0x00), both strings Huffman-coded. */
static void build_huffman_blocks(corpus *c)
{
    c->hfields = c->enc_headers;
    c->hfield = xcalloc(c->hfields, sizeof *c->hfield);
    c->hnv = xcalloc(c->hfields, sizeof *c->hnv);
    size_t cap = 0, k = 0;
    for (size_t i = 0; i < c->nenc; i++)
        for (size_t j = 0; j < c->enc[i].case_count; j++)
            for (size_t h = 0; h < c->enc[i].cases[j].header_count; h++) {
                const story_header *sh = &c->enc[i].cases[j].headers[h];
                c->hfield[k] = (hyper_hpack_field){sh->name, sh->name_len, sh->value,
                                                   sh->value_len, HYPER_HPACK_NO_INDEX};
                c->hnv[k++] = (nghttp2_nv){(uint8_t *)sh->name, (uint8_t *)sh->value,
                                           sh->name_len, sh->value_len,
                                           NGHTTP2_NV_FLAG_NO_INDEX};
                cap += 1 + 2 * HYPER_HPACK_INT_MAX_LEN + 2 * (sh->name_len + sh->value_len);
                c->hplain += sh->name_len + sh->value_len;
            }
    c->nhblocks = (c->hfields + HUFF_BLOCK_FIELDS - 1) / HUFF_BLOCK_FIELDS;
    c->hblocks = xcalloc(cap, 1);
    c->hblock_off = xcalloc(c->nhblocks + 1, sizeof *c->hblock_off);
    size_t off = 0;
    for (size_t f = 0; f < c->hfields; f++) {
        if (f % HUFF_BLOCK_FIELDS == 0)
            c->hblock_off[f / HUFF_BLOCK_FIELDS] = off;
        c->hblocks[off++] = 0x00;
        off += put_huffman_string(c->hblocks + off, c->hfield[f].name, c->hfield[f].name_len);
        off += put_huffman_string(c->hblocks + off, c->hfield[f].value, c->hfield[f].value_len);
    }
    c->hblock_off[c->nhblocks] = off;
    c->hcoded = off;
}

/* ---- decode passes -------------------------------------------------------- */

/* Decoders run with their default bounds (the corpus fits them), as
 * nghttp2's inflater does. */
static const hyper_hpack_decoder_opts *const dec_opts = NULL;

/* Decodes one block with ours; returns the field count or dies. */
static size_t ours_decode_block(hyper_hpack_decoder *dec, const uint8_t *p, size_t left)
{
    size_t n = 0, acc = 0;
    for (;;) {
        hyper_hpack_field f;
        size_t used;
        int r = hyper_hpack_decode(dec, p, left, 1, &f, &used);
        p += used;
        left -= used;
        if (r <= 0) {
            if (r < 0)
                die("our decoder failed", hyper_strerror_name(r));
            break;
        }
        acc += f.name_len + f.value_len;
        n++;
    }
    sink += acc;
    return n;
}

static size_t ng_decode_block(nghttp2_hd_inflater *inf, const uint8_t *p, size_t left)
{
    size_t n = 0, acc = 0;
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t rv = nghttp2_hd_inflate_hd2(inf, &nv, &flags, p, left, 1);
        if (rv < 0)
            die("nghttp2 inflate failed", nghttp2_strerror((int)rv));
        p += rv;
        left -= (size_t)rv;
        if (flags & NGHTTP2_HD_INFLATE_EMIT) {
            acc += nv.namelen + nv.valuelen;
            n++;
        }
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inf);
            break;
        }
        if (rv == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT))
            die("nghttp2 inflate made no progress", NULL);
    }
    sink += acc;
    return n;
}

static void ours_decode_pass(const corpus *c)
{
    for (size_t i = 0; i < c->ndec; i++) {
        hyper_hpack_decoder *dec;
        if (hyper_hpack_decoder_init(&dec, NULL, dec_opts) < 0)
            die("decoder init", NULL);
        for (size_t j = 0; j < c->dec[i].case_count; j++) {
            const story_case *sc = &c->dec[i].cases[j];
            if (sc->header_table_size >= 0)
                hyper_hpack_decoder_set_max_table_size(dec, (uint32_t)sc->header_table_size);
            ours_decode_block(dec, sc->wire, sc->wire_len);
        }
        hyper_hpack_decoder_free(dec);
    }
}

static void ng_decode_pass(const corpus *c)
{
    for (size_t i = 0; i < c->ndec; i++) {
        nghttp2_hd_inflater *inf;
        if (nghttp2_hd_inflate_new(&inf) != 0)
            die("nghttp2_hd_inflate_new", NULL);
        for (size_t j = 0; j < c->dec[i].case_count; j++) {
            const story_case *sc = &c->dec[i].cases[j];
            if (sc->header_table_size >= 0)
                nghttp2_hd_inflate_change_table_size(inf, (size_t)sc->header_table_size);
            ng_decode_block(inf, sc->wire, sc->wire_len);
        }
        nghttp2_hd_inflate_del(inf);
    }
}

/* ---- encode passes ---------------------------------------------------------- */

static uint8_t *enc_buf;
static size_t enc_buf_cap;
static size_t ours_encoded, ng_encoded;

static void ours_encode_pass(const corpus *c)
{
    size_t k = 0, total = 0;
    hyper_hpack_encoder_opts eo = {.max_table_size = 4096, .huffman = HYPER_HPACK_HUFFMAN_AUTO};
    for (size_t i = 0; i < c->nenc; i++) {
        hyper_hpack_encoder *enc;
        if (hyper_hpack_encoder_init(&enc, NULL, &eo) < 0)
            die("encoder init", NULL);
        for (size_t j = 0; j < c->enc[i].case_count; j++, k++) {
            size_t n = c->enc[i].cases[j].header_count;
            size_t bound = hyper_hpack_encode_bound(enc, c->enc_fields[k], n);
            if (bound > enc_buf_cap)
                die("our encode bound exceeds the bench buffer", NULL);
            long r = hyper_hpack_encode(enc, c->enc_fields[k], n, enc_buf, bound);
            if (r < 0)
                die("our encoder failed", hyper_strerror_name((int)r));
            total += (size_t)r;
        }
        hyper_hpack_encoder_free(enc);
    }
    ours_encoded = total;
}

static void ng_encode_pass(const corpus *c)
{
    size_t k = 0, total = 0;
    for (size_t i = 0; i < c->nenc; i++) {
        nghttp2_hd_deflater *def;
        if (nghttp2_hd_deflate_new(&def, 4096) != 0)
            die("nghttp2_hd_deflate_new", NULL);
        for (size_t j = 0; j < c->enc[i].case_count; j++, k++) {
            size_t n = c->enc[i].cases[j].header_count;
            size_t bound = nghttp2_hd_deflate_bound(def, c->enc_nv[k], n);
            if (bound > enc_buf_cap)
                die("nghttp2's bound exceeds the bench buffer", NULL);
            ssize_t r = nghttp2_hd_deflate_hd(def, enc_buf, bound, c->enc_nv[k], n);
            if (r < 0)
                die("nghttp2 deflate failed", nghttp2_strerror((int)r));
            total += (size_t)r;
        }
        nghttp2_hd_deflate_del(def);
    }
    ng_encoded = total;
}

/* ---- Huffman passes (through blocks) ----------------------------------------- */

static void ours_huff_decode_pass(const corpus *c)
{
    hyper_hpack_decoder *dec;
    if (hyper_hpack_decoder_init(&dec, NULL, dec_opts) < 0)
        die("decoder init", NULL);
    for (size_t b = 0; b < c->nhblocks; b++)
        ours_decode_block(dec, c->hblocks + c->hblock_off[b],
                          c->hblock_off[b + 1] - c->hblock_off[b]);
    hyper_hpack_decoder_free(dec);
}

static void ng_huff_decode_pass(const corpus *c)
{
    nghttp2_hd_inflater *inf;
    if (nghttp2_hd_inflate_new(&inf) != 0)
        die("nghttp2_hd_inflate_new", NULL);
    for (size_t b = 0; b < c->nhblocks; b++)
        ng_decode_block(inf, c->hblocks + c->hblock_off[b],
                        c->hblock_off[b + 1] - c->hblock_off[b]);
    nghttp2_hd_inflate_del(inf);
}

static void ours_huff_encode_pass(const corpus *c)
{
    hyper_hpack_encoder_opts eo = {.max_table_size = 4096, .huffman = HYPER_HPACK_HUFFMAN_AUTO};
    hyper_hpack_encoder *enc;
    if (hyper_hpack_encoder_init(&enc, NULL, &eo) < 0)
        die("encoder init", NULL);
    for (size_t f = 0; f < c->hfields; f += HUFF_BLOCK_FIELDS) {
        size_t n = c->hfields - f < HUFF_BLOCK_FIELDS ? c->hfields - f : HUFF_BLOCK_FIELDS;
        size_t bound = hyper_hpack_encode_bound(enc, c->hfield + f, n);
        long r = bound <= enc_buf_cap ? hyper_hpack_encode(enc, c->hfield + f, n, enc_buf, bound)
                                      : HYPER_EBUFFER;
        if (r < 0)
            die("our encoder failed", hyper_strerror_name((int)r));
        sink += (size_t)r;
    }
    hyper_hpack_encoder_free(enc);
}

static void ng_huff_encode_pass(const corpus *c)
{
    nghttp2_hd_deflater *def;
    if (nghttp2_hd_deflate_new(&def, 4096) != 0)
        die("nghttp2_hd_deflate_new", NULL);
    for (size_t f = 0; f < c->hfields; f += HUFF_BLOCK_FIELDS) {
        size_t n = c->hfields - f < HUFF_BLOCK_FIELDS ? c->hfields - f : HUFF_BLOCK_FIELDS;
        size_t bound = nghttp2_hd_deflate_bound(def, c->hnv + f, n);
        ssize_t r = bound <= enc_buf_cap ? nghttp2_hd_deflate_hd(def, enc_buf, bound, c->hnv + f, n)
                                         : -1;
        if (r < 0)
            die("nghttp2 deflate failed", NULL);
        sink += (size_t)r;
    }
    nghttp2_hd_deflate_del(def);
}

/* ---- checks before timing ---------------------------------------------------- */

typedef struct huff_check {
    const corpus *c;
    size_t next;
} huff_check;

static int huff_field_matches(void *ctx, const hyper_hpack_field *f)
{
    huff_check *k = ctx;
    const hyper_hpack_field *w = &k->c->hfield[k->next++];
    return !(f->name_len == w->name_len && !memcmp(f->name, w->name, w->name_len) &&
             f->value_len == w->value_len && !memcmp(f->value, w->value, w->value_len));
}

static void check_inputs(const corpus *c)
{
    char err[800];
    size_t ng_headers = 0;
    for (size_t i = 0; i < c->ndec; i++) {
        hyper_hpack_decoder *dec;
        nghttp2_hd_inflater *inf;
        if (hyper_hpack_decoder_init(&dec, NULL, dec_opts) < 0 || nghttp2_hd_inflate_new(&inf))
            die("decoder init", NULL);
        for (size_t j = 0; j < c->dec[i].case_count; j++) {
            const story_case *sc = &c->dec[i].cases[j];
            if (story_case_check(dec, sc, 0, NULL, err, sizeof err) != 0)
                die("our decoder does not decode the corpus", err);
            if (sc->header_table_size >= 0)
                nghttp2_hd_inflate_change_table_size(inf, (size_t)sc->header_table_size);
            ng_headers += ng_decode_block(inf, sc->wire, sc->wire_len);
        }
        hyper_hpack_decoder_free(dec);
        nghttp2_hd_inflate_del(inf);
    }
    if (ng_headers != c->dec_headers)
        die("nghttp2 decoded a different number of headers", NULL);
    hyper_hpack_decoder *dec;
    nghttp2_hd_inflater *inf;
    if (hyper_hpack_decoder_init(&dec, NULL, dec_opts) < 0 || nghttp2_hd_inflate_new(&inf))
        die("decoder init", NULL);
    huff_check k = {c, 0};
    ng_headers = 0;
    for (size_t b = 0; b < c->nhblocks; b++) {
        const uint8_t *p = c->hblocks + c->hblock_off[b];
        size_t len = c->hblock_off[b + 1] - c->hblock_off[b];
        if (story_block_decode(dec, p, len, 0, huff_field_matches, &k) != 0)
            die("our decoder does not decode the Huffman blocks", NULL);
        ng_headers += ng_decode_block(inf, p, len);
    }
    if (k.next != c->hfields || ng_headers != c->hfields)
        die("the Huffman blocks do not decode to their fields", NULL);
    hyper_hpack_decoder_free(dec);
    nghttp2_hd_inflate_del(inf);
}

/* ---- report -------------------------------------------------------------------- */

static void row(const char *what, double ours, double ng, const char *fmt, const char *target,
                int met)
{
    char a[32], b[32];
    snprintf(a, sizeof a, fmt, ours);
    snprintf(b, sizeof b, fmt, ng);
    printf("  %-30s %14s %14s %9.3f   %s%s\n", what, a, b, ours / ng, target,
           target[0] ? (met ? "  met" : "  BELOW TARGET") : "");
}

static void report(const corpus *c, const char *root)
{
    printf("HPACK bench: hyper %s vs nghttp2 %s; best of 3 runs of >= %.2f s each\n",
           HYPER_VERSION, nghttp2_version(0)->version_str, min_seconds);
    printf("  decode input: %zu stories with wire data (all folders of %s), %zu blocks, "
           "%zu headers, %zu wire bytes\n", c->ndec, root, c->dec_blocks, c->dec_headers,
           c->dec_wire);
    printf("  encode input: %zu raw-data stories, %zu blocks, %zu headers; table 4096, "
           "one context per story\n", c->nenc, c->enc_blocks, c->enc_headers);
    printf("  Huffman input: the %zu names+values of raw-data, %zu plain bytes, %zu "
           "Huffman bytes, in %zu blocks of %d fields\n", c->hfields, c->hplain, c->hcoded,
           c->nhblocks, HUFF_BLOCK_FIELDS);

    double od = measure(ours_decode_pass, c), nd = measure(ng_decode_pass, c);
    double oe = measure(ours_encode_pass, c), ne = measure(ng_encode_pass, c);
    double ohd = measure(ours_huff_decode_pass, c), nhd = measure(ng_huff_decode_pass, c);
    double ohe = measure(ours_huff_encode_pass, c), nhe = measure(ng_huff_encode_pass, c);

    double dh = (double)c->dec_headers, eh = (double)c->enc_headers;
    printf("\n  %-30s %14s %14s %9s   %s\n", "", "hyper", "nghttp2", "ours/ng", "target");
    row("decode ns/header", od * 1e9 / dh, nd * 1e9 / dh, "%.1f", "", 0);
    row("decode headers/s", dh / od, dh / nd, "%.0f", ">= 3x", nd / od >= 3.0);
    row("decode MB/s of wire", (double)c->dec_wire / od / 1e6, (double)c->dec_wire / nd / 1e6,
        "%.1f", "", 0);
    row("encode ns/header", oe * 1e9 / eh, ne * 1e9 / eh, "%.1f", "", 0);
    row("encode headers/s", eh / oe, eh / ne, "%.0f", ">= 2x", ne / oe >= 2.0);
    row("encode total bytes", (double)ours_encoded, (double)ng_encoded, "%.0f", "<= 1x",
        ours_encoded <= ng_encoded);
    row("Huffman decode MB/s (coded in)", (double)c->hcoded / ohd / 1e6,
        (double)c->hcoded / nhd / 1e6, "%.1f", ">= 3x", nhd / ohd >= 3.0);
    row("Huffman encode MB/s (plain in)", (double)c->hplain / ohe / 1e6,
        (double)c->hplain / nhe / 1e6, "%.1f", "", 0);
    printf("\n  Huffman lines: nghttp2's Huffman coder is internal, so both are measured\n"
           "  through their block API on blocks of literal-without-indexing fields (decode:\n"
           "  new names, both strings Huffman-coded; encode: the same fields flagged not to\n"
           "  index, Huffman when shorter); field overhead is included, nothing subtracted.\n");
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "../shared/hpack-test-case";
    if (argc > 2 && (min_seconds = atof(argv[2])) <= 0)
        die("usage: bench_hpack [CORPUS_DIR [MIN_SECONDS]]", NULL);
    corpus c;
    memset(&c, 0, sizeof c);
    load_corpus(root, &c);
    build_encode_inputs(&c);
    build_huffman_blocks(&c);
    enc_buf_cap = 1u << 20;
    enc_buf = xcalloc(enc_buf_cap, 1);
    check_inputs(&c);

    report(&c, root);

    for (size_t i = 0; i < c.enc_cases; i++) {
        free(c.enc_fields[i]);
        free(c.enc_nv[i]);
    }
    for (size_t i = 0; i < c.ndec; i++)
        story_free(&c.dec[i]);
    for (size_t i = 0; i < c.nenc; i++)
        story_free(&c.enc[i]);
    free(c.dec), free(c.enc), free(c.enc_fields), free(c.enc_nv), free(c.hblocks);
    free(c.hblock_off), free(c.hfield), free(c.hnv), free(enc_buf);
    return 0;
}
