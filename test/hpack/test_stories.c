/*
 * test_stories.c — the hpack-test-case corpus through our decoder, and the
 * JSON / story support code it relies on.
 *
 *  - Every story of every folder of ../shared/hpack-test-case that carries
 *    wire data decodes to exactly its headers, with one decoder per story
 *    (the format's shared compression context), whole and fed one byte at a
 *    time and in 7-byte pieces (as CONTINUATION frames may split a block).
 *  - Allocation failure at every allocation of one story's decode returns
 *    HYPER_ENOMEM and leaks nothing.
 *  - The JSON reader: escapes, surrogate pairs, numbers, and malformed text
 *    reported (never a crash: run under ASan); the story writer round-trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hyper.h"
#include "support/hpack_story.h"
#include "support/json.h"
#include "support/story.h"
#include "testutil.h"

/* ---- JSON reader ------------------------------------------------------ */

typedef struct json_ok_case {
    const char *text;
    const char *want; /* the decoded string (for a string value) */
    size_t want_len;
} json_ok_case;

static void json_strings_decode(void **state)
{
    (void)state;
    static const json_ok_case cases[] = {
        {"\"plain\"", "plain", 5},
        {"\"q\\\" b\\\\ s\\/\"", "q\" b\\ s/", 8},
        {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5},
        {"\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6},
        {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4},     /* surrogate pair */
        {"\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4},      /* U+10FFFF */
        {"\"a\\u0000b\"", "a\0b", 3},                       /* NUL kept, length counts */
        {" \r\n\t\"\xc3\xa9\" ", "\xc3\xa9", 2},            /* raw UTF-8, whitespace */
        {"\"\"", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_value v;
        char err[200];
        int r = json_parse(cases[i].text, strlen(cases[i].text), &v, err, sizeof err);
        if (r != 0)
            fail_msg("case %zu (%s): %s", i, cases[i].text, err);
        assert_int_equal(v.type, JSON_STRING);
        assert_int_equal(v.len, cases[i].want_len);
        assert_memory_equal(v.str, cases[i].want, v.len + 1 > 1 ? v.len : 1);
        assert_int_equal(v.str[v.len], '\0');
        json_free(&v);
    }
}

static void json_values_decode(void **state)
{
    (void)state;
    const char *t = "{\"a\": [1, -2.5e2, 0, 1E+3, null, true, false, {}, []], \"b\": {\"c\": \"d\"},"
                    " \"a\": 7}";
    json_value v;
    char err[200];
    assert_int_equal(json_parse(t, strlen(t), &v, err, sizeof err), 0);
    assert_int_equal(v.type, JSON_OBJECT);
    assert_int_equal(v.count, 3);
    const json_value *a = json_get(&v, "a"); /* the first of duplicates */
    assert_non_null(a);
    assert_int_equal(a->type, JSON_ARRAY);
    assert_int_equal(a->count, 9);
    assert_true(a->items[0].number == 1.0);
    assert_true(a->items[1].number == -250.0);
    assert_true(a->items[2].number == 0.0);
    assert_true(a->items[3].number == 1000.0);
    assert_int_equal(a->items[4].type, JSON_NULL);
    assert_int_equal(a->items[5].type, JSON_TRUE);
    assert_int_equal(a->items[6].type, JSON_FALSE);
    assert_int_equal(a->items[7].type, JSON_OBJECT);
    assert_int_equal(a->items[8].type, JSON_ARRAY);
    const json_value *c = json_get(json_get(&v, "b"), "c");
    assert_non_null(c);
    assert_string_equal(c->str, "d");
    assert_null(json_get(&v, "zz"));
    assert_null(json_get(a, "a"));
    json_free(&v);
}

typedef struct json_bad_case {
    const char *text;
    const char *why; /* a substring of the error message */
} json_bad_case;

static void json_malformed_is_reported(void **state)
{
    (void)state;
    static const json_bad_case cases[] = {
        {"", "end of text"},
        {"   ", "end of text"},
        {"{", "member name"},
        {"[1,]", "unexpected character ']'"},
        {"[1 2]", "',' or ']'"},
        {"{\"a\"}", "':' expected"},
        {"{\"a\":1,}", "member name"},
        {"{\"a\":1 \"b\":2}", "',' or '}'"},
        {"{1:2}", "member name"},
        {"\"abc", "unterminated string"},
        {"\"a\\", "unterminated string"},
        {"\"\\x\"", "invalid escape"},
        {"\"\\u12zz\"", "bad hex digit"},
        {"\"\\u12", "truncated"},
        {"\"\\ud800\"", "not followed by a low one"},
        {"\"\\ud800\\u0041\"", "followed by"},
        {"\"\\udc00\"", "unpaired low surrogate"},
        {"\"a\nb\"", "control character"},
        {"01", "trailing"},
        {"1.", "digit expected after '.'"},
        {"-", "invalid number"},
        {"1e", "exponent"},
        {"+1", "unexpected character '+'"},
        {"tru", "unexpected character 't'"},
        {"nul", "unexpected character 'n'"},
        {"[true false]", "',' or ']'"},
        {"{} {}", "trailing"},
        {"\x01", "unexpected byte 0x01"},
        {"[\"a\", {\"b\": [1, 2, {\"c\": \"\\uZZZZ\"}]}]", "bad hex digit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_value v;
        char err[200];
        int r = json_parse(cases[i].text, strlen(cases[i].text), &v, err, sizeof err);
        if (r != -1)
            fail_msg("case %zu (%s) parsed", i, cases[i].text);
        if (!strstr(err, cases[i].why) || strncmp(err, "line 1, column ", 15) != 0)
            fail_msg("case %zu (%s): message \"%s\", wanted \"%s\"", i, cases[i].text, err,
                     cases[i].why);
    }
    /* Errors carry the line: the third line here is bad. */
    json_value v;
    char err[200];
    assert_int_equal(json_parse("[1,\n2,\n  x]", 11, &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 3, column 3"));
}

static void json_nesting_is_bounded(void **state)
{
    (void)state;
    char buf[2 * (JSON_MAX_DEPTH + 1) + 1];
    json_value v;
    char err[200];
    /* Exactly the maximum depth parses... */
    memset(buf, '[', JSON_MAX_DEPTH);
    memset(buf + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
    assert_int_equal(json_parse(buf, 2 * JSON_MAX_DEPTH, &v, err, sizeof err), 0);
    json_free(&v);
    /* ...one more is refused, without recursing further. */
    memset(buf, '[', JSON_MAX_DEPTH + 1);
    memset(buf + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
    assert_int_equal(json_parse(buf, 2 * (JSON_MAX_DEPTH + 1), &v, err, sizeof err), -1);
    assert_non_null(strstr(err, "nesting deeper"));
}

/* Every prefix and many one-byte corruptions of a real story either parse
 * or fail with a message; under ASan this also proves no leak and no
 * out-of-bounds read on malformed text. */
static void json_truncated_and_corrupted_story(void **state)
{
    (void)state;
    char path[512], err[600], *data;
    size_t len;
    snprintf(path, sizeof path, "%s/hpack-test-case/nghttp2/story_00.json", test_shared_dir());
    assert_int_equal(story_read_file(path, &data, &len, err, sizeof err), 0);
    size_t failed = 0;
    for (size_t n = 0; n < len; n++) {
        story s;
        if (story_parse(data, n, &s, err, sizeof err) == 0) {
            story_free(&s);
        } else {
            failed++;
            assert_true(err[0] != '\0'); /* every failure says why */
        }
    }
    /* Only prefixes that end after the closing brace (trailing whitespace)
     * may parse. */
    assert_true(failed + 2 >= len);
    static const char junk[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', 'x', '\n', 0};
    size_t parsed = 0;
    for (size_t i = 0; i < len; i++) {
        char saved = data[i];
        data[i] = junk[(i * 7) % sizeof junk];
        story s;
        if (story_parse(data, len, &s, err, sizeof err) == 0) {
            parsed++;
            story_free(&s);
        }
        data[i] = saved;
    }
    assert_true(parsed < len);
    free(data);
}

/* ---- story reader and writer ------------------------------------------ */

static void story_format_errors(void **state)
{
    (void)state;
    static const json_bad_case cases[] = {
        {"[]", "must be a JSON object"},
        {"{}", "\"cases\" missing"},
        {"{\"cases\": {}}", "\"cases\" missing or not an array"},
        {"{\"cases\": [1]}", "case 0: not an object"},
        {"{\"cases\": [{\"wire\": \"8\", \"headers\": []}]}", "case 0: \"wire\" is not valid hex"},
        {"{\"cases\": [{\"wire\": \"8g\", \"headers\": []}]}", "not valid hex"},
        {"{\"cases\": [{\"wire\": 82, \"headers\": []}]}", "\"wire\" is not a string"},
        {"{\"cases\": [{\"wire\": \"82\"}]}", "case 0: \"headers\" missing"},
        {"{\"cases\": [{\"headers\": [], \"header_table_size\": -1}]}", "header_table_size"},
        {"{\"cases\": [{\"headers\": [], \"header_table_size\": 1.5}]}", "header_table_size"},
        {"{\"cases\": [{\"headers\": [], \"header_table_size\": \"4096\"}]}", "header_table_size"},
        {"{\"cases\": [{\"headers\": [], \"seqno\": 1e10}]}", "seqno"},
        {"{\"cases\": [{\"headers\": []}, {\"headers\": [{\"a\": \"b\", \"c\": \"d\"}]}]}",
         "case 1, header 0"},
        {"{\"cases\": [{\"headers\": [{}]}]}", "case 0, header 0"},
        {"{\"cases\": [{\"headers\": [{\"a\": \"b\"}, {\"a\": 1}]}]}", "case 0, header 1"},
        {"{\"cases\": [{\"headers\": [[\"a\", \"b\"]]}]}", "case 0, header 0"},
        {"{\"cases\": [], \"description\": 5}", "\"description\" is not a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        story s;
        char err[300];
        int r = story_parse(cases[i].text, strlen(cases[i].text), &s, err, sizeof err);
        if (r != -1)
            fail_msg("case %zu (%s) parsed", i, cases[i].text);
        if (!strstr(err, cases[i].why))
            fail_msg("case %zu: message \"%s\", wanted \"%s\"", i, err, cases[i].why);
    }
    story s;
    char err[300];
    assert_int_equal(story_load("/nonexistent/story.json", &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/story.json"));
}

static void story_fields_load(void **state)
{
    (void)state;
    const char *t = "{\"cases\": [{\"seqno\": 3, \"header_table_size\": null, \"wire\": \"82AbcD\","
                    " \"headers\": [{\":method\": \"GET\"}, {\"x\": \"\\u00e9\"}]},"
                    " {\"header_table_size\": 0, \"headers\": []}], \"description\": \"d\"}";
    story s;
    char err[300];
    assert_int_equal(story_parse(t, strlen(t), &s, err, sizeof err), 0);
    assert_int_equal(s.case_count, 2);
    assert_int_equal(s.cases[0].seqno, 3);
    assert_int_equal(s.cases[0].header_table_size, -1);
    assert_true(s.cases[0].has_wire);
    assert_int_equal(s.cases[0].wire_len, 3);
    assert_memory_equal(s.cases[0].wire, "\x82\xab\xcd", 3);
    assert_int_equal(s.cases[0].header_count, 2);
    assert_string_equal(s.cases[0].headers[0].name, ":method");
    assert_int_equal(s.cases[0].headers[1].value_len, 2);
    assert_memory_equal(s.cases[0].headers[1].value, "\xc3\xa9", 2);
    assert_int_equal(s.cases[1].seqno, -1);
    assert_int_equal(s.cases[1].header_table_size, 0);
    assert_false(s.cases[1].has_wire);
    assert_string_equal(s.description, "d");
    assert_null(s.context);
    story_free(&s);
}

/* What the writer prints, the reader reads back identically, whatever the
 * bytes (JSON specials, controls, UTF-8, an empty value). */
static void story_writer_round_trips(void **state)
{
    (void)state;
    static story_header hs[] = {
        {"quote\"back\\slash", 16, "tab\tnl\ncr\rdel\x7f" "ctl\x01\x1f", 19},
        {"utf8", 4, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/", 10},
        {"empty", 5, "", 0},
        {"nul", 3, "a\0b", 3},
    };
    static uint8_t wire[] = {0x82, 0x00, 0xff};
    story_case cs[2] = {
        {0, 4096, wire, 3, 1, hs, 4},
        {-1, -1, NULL, 0, 0, NULL, 0},
    };
    story s = {"desc \"x\"", 8, "request", 7, cs, 2};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    story_write(f, &s);
    assert_int_equal(fclose(f), 0);
    story back;
    char err[300];
    if (story_parse(buf, len, &back, err, sizeof err) != 0)
        fail_msg("%s\n%s", err, buf);
    assert_int_equal(back.case_count, 2);
    assert_int_equal(back.cases[0].header_table_size, 4096);
    assert_int_equal(back.cases[0].wire_len, 3);
    assert_memory_equal(back.cases[0].wire, wire, 3);
    assert_int_equal(back.cases[0].header_count, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(back.cases[0].headers[i].name_len, hs[i].name_len);
        assert_memory_equal(back.cases[0].headers[i].name, hs[i].name, hs[i].name_len);
        assert_int_equal(back.cases[0].headers[i].value_len, hs[i].value_len);
        if (hs[i].value_len)
            assert_memory_equal(back.cases[0].headers[i].value, hs[i].value, hs[i].value_len);
    }
    assert_int_equal(back.cases[1].seqno, 1); /* the writer numbers cases */
    assert_int_equal(back.cases[1].header_table_size, -1);
    assert_false(back.cases[1].has_wire);
    assert_string_equal(back.description, "desc \"x\"");
    assert_string_equal(back.context, "request");
    story_free(&back);
    free(buf);
}

/* A byte that is not UTF-8 is written as its Latin-1 code point. */
static void json_writer_escapes_invalid_utf8(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    json_write_string(f, "a\xff\xc3(\xed\xa0\x80", 7); /* 0xff, lone lead, surrogate */
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, "\"a\\u00ff\\u00c3(\\u00ed\\u00a0\\u0080\"");
    free(buf);
}

/* ---- the corpus ------------------------------------------------------- */

typedef struct corpus_counts {
    size_t folders, files, blocks, headers, skipped_files;
} corpus_counts;

/*
 * Decodes one story with a fresh decoder (pieces of `piece` bytes, 0 =
 * whole); returns 0 or fails the test naming file, case and header.
 * Stories without wire data (raw-data) are counted as skipped.
 */
static void check_story(const char *path, size_t piece, corpus_counts *n)
{
    story s;
    char err[800];
    if (story_load(path, &s, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (s.case_count == 0 || !s.cases[0].has_wire) {
        n->skipped_files++;
        story_free(&s);
        return;
    }
    hyper_hpack_decoder *dec;
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, NULL), HYPER_OK);
    for (size_t i = 0; i < s.case_count; i++) {
        int r = story_case_check(dec, &s.cases[i], piece, NULL, err, sizeof err);
        if (r != 0) {
            hyper_hpack_decoder_free(dec);
            fail_msg("%s: case %zu (seqno %ld), pieces of %zu: %s", path, i, s.cases[i].seqno,
                     piece, err);
        }
        n->blocks++;
        n->headers += s.cases[i].header_count;
    }
    n->files++;
    hyper_hpack_decoder_free(dec);
    story_free(&s);
}

static void check_corpus(size_t piece, corpus_counts *n)
{
    char root[512], dir[1024], path[2048], err[600];
    char **folders, **files;
    snprintf(root, sizeof root, "%s/hpack-test-case", test_shared_dir());
    long nf = story_list_dir(root, 1, &folders, err, sizeof err);
    if (nf < 0)
        fail_msg("%s", err);
    for (long i = 0; i < nf; i++) {
        snprintf(dir, sizeof dir, "%s/%s", root, folders[i]);
        long nj = story_list_dir(dir, 0, &files, err, sizeof err);
        if (nj < 0)
            fail_msg("%s", err);
        size_t before = n->files;
        for (long j = 0; j < nj; j++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[j]);
            check_story(path, piece, n);
        }
        if (n->files > before)
            n->folders++;
        story_list_free(files, nj);
    }
    story_list_free(folders, nf);
    if (n->files == 0 || n->blocks == 0 || n->headers == 0)
        fail_msg("no story with wire data found under %s", root);
}

static void corpus_decodes_whole(void **state)
{
    (void)state;
    corpus_counts n = {0};
    check_corpus(0, &n);
    print_message("hpack-test-case, whole blocks: %zu folders with wire data, %zu story files, %zu blocks, "
                  "%zu headers checked (%zu files without wire skipped)\n",
                  n.folders, n.files, n.blocks, n.headers, n.skipped_files);
    /* The corpus has 6 encoders' folders plus raw-data: all must be seen. */
    assert_true(n.folders >= 6);
    assert_true(n.skipped_files >= 1);
}

static void corpus_decodes_one_byte_at_a_time(void **state)
{
    (void)state;
    corpus_counts n = {0};
    check_corpus(1, &n);
    print_message("hpack-test-case, 1-byte pieces: %zu story files, %zu blocks, %zu headers "
                  "checked\n", n.files, n.blocks, n.headers);
}

static void corpus_decodes_in_7_byte_pieces(void **state)
{
    (void)state;
    corpus_counts n = {0};
    check_corpus(7, &n);
    print_message("hpack-test-case, 7-byte pieces: %zu story files, %zu blocks, %zu headers "
                  "checked\n", n.files, n.blocks, n.headers);
}

/* The checker itself must catch a wrong header (else the tests above could
 * not fail): corrupt one expected value and one expected count. */
static void checker_catches_mismatches(void **state)
{
    (void)state;
    char path[512], err[800];
    snprintf(path, sizeof path, "%s/hpack-test-case/nghttp2/story_00.json", test_shared_dir());
    story s;
    assert_int_equal(story_load(path, &s, err, sizeof err), 0);
    hyper_hpack_decoder *dec;
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, NULL), HYPER_OK);
    story_case *c = &s.cases[0];
    c->headers[1].value[0] ^= 1;
    assert_int_equal(story_case_check(dec, c, 0, NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "header 1: expected"));
    hyper_hpack_decoder_free(dec);
    c->headers[1].value[0] ^= 1;
    assert_int_equal(hyper_hpack_decoder_init(&dec, NULL, NULL), HYPER_OK);
    c->header_count--;
    assert_int_equal(story_case_check(dec, c, 1, NULL, err, sizeof err), 1);
    assert_non_null(strstr(err, "unexpected extra field"));
    hyper_hpack_decoder_free(dec);
    c->header_count++;
    story_free(&s);
}

/* Every allocation of a decoder through a story fails in turn: the result
 * is HYPER_ENOMEM (or success when the failing call was not needed), then
 * the decoder is freed and nothing is left allocated. */
static void corpus_story_allocation_failures(void **state)
{
    (void)state;
    char path[512], err[800];
    snprintf(path, sizeof path, "%s/hpack-test-case/nghttp2-change-table-size/story_01.json",
             test_shared_dir());
    story s;
    assert_int_equal(story_load(path, &s, err, sizeof err), 0);
    size_t calls = 0, enomem = 0;
    for (size_t fail_at = 1;; fail_at++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail_at;
        hyper_hpack_decoder *dec = NULL;
        snprintf(err, sizeof err, "decoder init");
        int r = hyper_hpack_decoder_init(&dec, &tm.mem, NULL);
        for (size_t i = 0; r == 0 && i < s.case_count; i++)
            r = story_case_check(dec, &s.cases[i], 0, NULL, err, sizeof err);
        hyper_hpack_decoder_free(dec);
        if (r != 0 && r != HYPER_ENOMEM)
            fail_msg("fail_at %zu: %d (%s)", fail_at, r, err);
        assert_int_equal(tm.blocks, 0);
        assert_false(tm.size_mismatch);
        if (r == HYPER_ENOMEM)
            enomem++;
        if (r == 0 && tm.calls < fail_at) {
            calls = tm.calls;
            break;
        }
    }
    print_message("decoder allocation failures: %zu of %zu calls failed cleanly\n", enomem,
                  calls);
    assert_true(calls >= 1);
    story_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_strings_decode),
        cmocka_unit_test(json_values_decode),
        cmocka_unit_test(json_malformed_is_reported),
        cmocka_unit_test(json_nesting_is_bounded),
        cmocka_unit_test(json_truncated_and_corrupted_story),
        cmocka_unit_test(json_writer_escapes_invalid_utf8),
        cmocka_unit_test(story_format_errors),
        cmocka_unit_test(story_fields_load),
        cmocka_unit_test(story_writer_round_trips),
        cmocka_unit_test(checker_catches_mismatches),
        cmocka_unit_test(corpus_decodes_whole),
        cmocka_unit_test(corpus_decodes_one_byte_at_a_time),
        cmocka_unit_test(corpus_decodes_in_7_byte_pieces),
        cmocka_unit_test(corpus_story_allocation_failures),
    };
    return cmocka_run_group_tests_name("hpack_stories", tests, NULL, NULL);
}
