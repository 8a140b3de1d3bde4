/*
 * hpack_tool.c — build/hpack-tool: hyper's HPACK on hpack-test-case stories.
 *
 *   hpack-tool decode [options] FILE.json|- ...
 *   hpack-tool encode [options] FILE.json|-
 *
 * Implementation notes:
 *  - One compression context per story file (the format's rule: the cases
 *    of a story share it). A case's header_table_size is the
 *    SETTINGS_HEADER_TABLE_SIZE ACKed just before it: the decoder gets it
 *    through hyper_hpack_decoder_set_max_table_size (which requires the
 *    size update of RFC 7541 §4.2 when it goes down), the encoder through
 *    hyper_hpack_encoder_set_peer_table_size (which emits that update).
 *  - Exit status: 0 all good, 1 a decoded block differs from the story's
 *    headers or fails to decode (or encoding fails), 2 usage, I/O or JSON
 *    errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hyper.h"
#include "support/hpack_story.h"
#include "support/story.h"

typedef struct tool_opts {
    int quiet;              /* decode: do not print the headers */
    size_t piece;           /* decode: feed blocks in pieces of this size */
    long table_size;        /* encode: -1 = take the story's values */
    int huffman;            /* encode: HYPER_HPACK_HUFFMAN_* */
    hyper_hpack_decoder_opts dopts;
} tool_opts;

static void usage(FILE *f)
{
    fputs("usage: hpack-tool decode [options] FILE.json|- ...\n"
          "       hpack-tool encode [options] FILE.json|-\n"
          "\n"
          "Stories are in the hpack-test-case JSON format: {\"cases\": [{\"seqno\",\n"
          "\"header_table_size\", \"wire\" (hex), \"headers\": [{name: value}, ...]}]}.\n"
          "One compression context per file. '-' reads standard input.\n"
          "\n"
          "decode: decodes each case's wire, prints the headers, and checks them\n"
          "        against the case's headers.\n"
          "  -q, --quiet            print only mismatches and a summary\n"
          "  --split N              feed each block in pieces of N bytes (default: whole)\n"
          "  --max-list-size N      header list bound (default 1048576)\n"
          "  --max-field-size N     single field bound (default 1048576)\n"
          "  --max-fields N         fields per block bound (default 65536)\n"
          "encode: encodes each case's headers and writes the story, with \"wire\"\n"
          "        filled in, to standard output.\n"
          "  --table-size N         the decoder's SETTINGS_HEADER_TABLE_SIZE for the whole\n"
          "                         story (written in the first case); default: the\n"
          "                         story's own header_table_size values, else 4096\n"
          "  --huffman auto|never|always   Huffman policy (default auto: when shorter)\n"
          "\n"
          "exit status: 0 ok, 1 mismatch or HPACK error, 2 usage, I/O or JSON error\n",
          f);
}

static int parse_num(const char *s, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int decode_file(const char *path, const tool_opts *o, size_t *blocks, size_t *fields)
{
    story s;
    char err[600];
    if (story_load(path, &s, err, sizeof err) < 0) {
        fprintf(stderr, "hpack-tool: %s\n", err);
        return 2;
    }
    hyper_hpack_decoder *dec;
    int r = hyper_hpack_decoder_init(&dec, NULL, &o->dopts);
    if (r < 0) {
        fprintf(stderr, "hpack-tool: decoder init: %s\n", hyper_strerror(r));
        story_free(&s);
        return 2;
    }
    int status = 0;
    for (size_t i = 0; i < s.case_count; i++) {
        const story_case *c = &s.cases[i];
        long seqno = c->seqno >= 0 ? c->seqno : (long)i;
        if (!o->quiet)
            printf("# %s case %zu (seqno %ld), %zu wire bytes\n", path, i, seqno, c->wire_len);
        r = story_case_check(dec, c, o->piece, o->quiet ? NULL : stdout, err, sizeof err);
        if (r != 0) {
            fflush(stdout);
            fprintf(stderr, "hpack-tool: %s: case %zu (seqno %ld): %s\n", path, i, seqno, err);
            status = c->has_wire ? 1 : 2;
            break; /* the context is lost after a failure */
        }
        (*blocks)++;
        *fields += c->header_count;
    }
    hyper_hpack_decoder_free(dec);
    story_free(&s);
    return status;
}

/* The table size to announce before case i, or -1 for none. */
static long case_table_size(const tool_opts *o, const story_case *c, size_t i)
{
    if (o->table_size >= 0)
        return i == 0 ? o->table_size : -1;
    return c->header_table_size;
}

static int encode_cases(hyper_hpack_encoder *enc, story *s, const tool_opts *o)
{
    long applied = 4096; /* HPACK's initial value (RFC 9113 §6.5.2) */
    for (size_t i = 0; i < s->case_count; i++) {
        story_case *c = &s->cases[i];
        long ts = case_table_size(o, c, i);
        if (ts >= 0 && ts != applied) {
            int r = hyper_hpack_encoder_set_peer_table_size(enc, (uint32_t)ts);
            if (r < 0) {
                fprintf(stderr, "hpack-tool: case %zu: table size %ld: %s\n", i, ts,
                        hyper_strerror(r));
                return 1;
            }
            applied = ts;
        }
        c->header_table_size = ts;
        free(c->wire);
        c->wire = NULL;
        c->has_wire = 0;
        int r = story_case_encode(enc, c, &c->wire, &c->wire_len);
        if (r < 0) {
            fprintf(stderr, "hpack-tool: case %zu: encode: %s\n", i, hyper_strerror(r));
            return 1;
        }
        c->has_wire = 1;
    }
    return 0;
}

static int encode_file(const char *path, const tool_opts *o)
{
    story s;
    char err[600];
    if (story_load(path, &s, err, sizeof err) < 0) {
        fprintf(stderr, "hpack-tool: %s\n", err);
        return 2;
    }
    /* Keep a table as large as the largest size the story announces. */
    long max_ts = o->table_size >= 0 ? o->table_size : 4096;
    for (size_t i = 0; o->table_size < 0 && i < s.case_count; i++)
        if (s.cases[i].header_table_size > max_ts)
            max_ts = s.cases[i].header_table_size;
    hyper_hpack_encoder_opts eo = {.max_table_size = (uint32_t)max_ts, .huffman = o->huffman};
    hyper_hpack_encoder *enc;
    int r = hyper_hpack_encoder_init(&enc, NULL, &eo);
    if (r < 0) {
        fprintf(stderr, "hpack-tool: encoder init: %s\n", hyper_strerror(r));
        story_free(&s);
        return 2;
    }
    int status = encode_cases(enc, &s, o);
    if (status == 0) {
        static const char *const names[] = {"auto", "never", "always"};
        char desc[200];
        snprintf(desc, sizeof desc,
                 "Encoded by hyper " HYPER_VERSION " (HPACK), huffman %s, dynamic table "
                 "at most %ld octets.",
                 names[o->huffman], max_ts);
        free(s.description);
        s.description = strdup(desc);
        s.description_len = s.description ? strlen(desc) : 0;
        story_write(stdout, &s);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "hpack-tool: write error\n");
            status = 2;
        }
    }
    hyper_hpack_encoder_free(enc);
    story_free(&s);
    return status;
}

/* Parses the options; returns the index of the first file or -1. */
static int parse_opts(int argc, char **argv, int encode, tool_opts *o)
{
    int i = 2;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (!encode && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
            o->quiet = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "hpack-tool: %s needs a value (or is unknown)\n", a);
            return -1;
        }
        i++;
        if (encode && !strcmp(a, "--huffman")) {
            if (!strcmp(v, "auto")) o->huffman = HYPER_HPACK_HUFFMAN_AUTO;
            else if (!strcmp(v, "never")) o->huffman = HYPER_HPACK_HUFFMAN_NEVER;
            else if (!strcmp(v, "always")) o->huffman = HYPER_HPACK_HUFFMAN_ALWAYS;
            else return fprintf(stderr, "hpack-tool: --huffman auto|never|always\n"), -1;
        } else if (parse_num(v, 0xffffffffL, &n) < 0) {
            fprintf(stderr, "hpack-tool: %s: bad number '%s'\n", a, v);
            return -1;
        } else if (encode && !strcmp(a, "--table-size")) {
            o->table_size = n;
        } else if (!encode && !strcmp(a, "--split") && n > 0) {
            o->piece = (size_t)n;
        } else if (!encode && !strcmp(a, "--max-list-size") && n > 0) {
            o->dopts.max_header_list_size = (uint32_t)n;
        } else if (!encode && !strcmp(a, "--max-field-size") && n > 0) {
            o->dopts.max_field_size = (uint32_t)n;
        } else if (!encode && !strcmp(a, "--max-fields") && n > 0) {
            o->dopts.max_fields = (uint32_t)n;
        } else {
            fprintf(stderr, "hpack-tool: unknown option %s for %s\n", a, argv[1]);
            return -1;
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    int encode = argc >= 2 && !strcmp(argv[1], "encode");
    if (argc < 3 || (!encode && strcmp(argv[1], "decode"))) {
        usage(stderr);
        return 2;
    }
    /* The tool checks stories, it does not defend a connection: bounds are
     * generous (a story's fields are trusted to be reasonable). */
    tool_opts o = {.table_size = -1,
                   .huffman = HYPER_HPACK_HUFFMAN_AUTO,
                   .dopts = {.max_header_list_size = 1u << 20,
                             .max_field_size = 1u << 20,
                             .max_fields = 65536}};
    int first = parse_opts(argc, argv, encode, &o);
    if (first < 0 || first >= argc || (encode && first != argc - 1)) {
        if (first >= 0)
            fprintf(stderr, "hpack-tool: %s\n",
                    encode ? "encode takes exactly one file" : "no file given");
        usage(stderr);
        return 2;
    }
    if (encode)
        return encode_file(argv[first], &o);
    int status = 0;
    size_t blocks = 0, fields = 0;
    for (int i = first; i < argc; i++) {
        int r = decode_file(argv[i], &o, &blocks, &fields);
        if (r > status)
            status = r;
    }
    printf("hpack-tool: %d file(s), %zu blocks, %zu headers %s\n",
            argc - first, blocks, fields, status ? "checked, FAILURES above" : "checked, all match");
    return status;
}
