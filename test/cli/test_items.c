/* Tests for src/cli/items.c: ITEM parsing, JSON validation, JSON output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "cli/cli.h"
#include "testutil.h"

typedef struct item_case {
    const char *arg;
    int rc;              /* 0 or CLI_EXIT_USAGE */
    cli_item_kind kind;
    const char *name;    /* unescaped name (path for FILE) */
    const char *value;
} item_case;

static const item_case ITEMS[] = {
    {"X-Api-Key:abc", 0, CLI_ITEM_HEADER, "X-Api-Key", "abc"},
    {"Accept:", 0, CLI_ITEM_HEADER, "Accept", ""},
    {"X-A:b=c", 0, CLI_ITEM_HEADER, "X-A", "b=c"},
    {"X-A:b:c", 0, CLI_ITEM_HEADER, "X-A", "b:c"},
    {"X-A: spaced value ", 0, CLI_ITEM_HEADER, "X-A", " spaced value "},
    {"q==hello world", 0, CLI_ITEM_QUERY, "q", "hello world"},
    {"q==", 0, CLI_ITEM_QUERY, "q", ""},
    {"a===b", 0, CLI_ITEM_QUERY, "a", "=b"},
    {"name=John", 0, CLI_ITEM_FIELD, "name", "John"},
    {"name=", 0, CLI_ITEM_FIELD, "name", ""},
    {"eq=a==b", 0, CLI_ITEM_FIELD, "eq", "a==b"},
    {"url=http://x:1/", 0, CLI_ITEM_FIELD, "url", "http://x:1/"},
    {"age:=30", 0, CLI_ITEM_JSON, "age", "30"},
    {"list:=[1, {\"a\": null}]", 0, CLI_ITEM_JSON, "list", "[1, {\"a\": null}]"},
    {"ok:=true", 0, CLI_ITEM_JSON, "ok", "true"},
    {"a\\:b=c", 0, CLI_ITEM_FIELD, "a:b", "c"},
    {"a\\=b==c", 0, CLI_ITEM_QUERY, "a=b", "c"},
    {"back\\\\slash=v", 0, CLI_ITEM_FIELD, "back\\slash", "v"},
    {"back\\\\slash:v", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"@body.bin", 0, CLI_ITEM_FILE, "body.bin", NULL},
    {"-", 0, CLI_ITEM_STDIN, NULL, NULL},
    /* errors */
    {"plainword", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"@", CLI_EXIT_USAGE, 0, NULL, NULL},
    {":value", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"=value", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"==value", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"Bad Name:v", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"X-A:a\r\nInjected: 1", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"n:={", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"n:=abc", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"n:=", CLI_EXIT_USAGE, 0, NULL, NULL},
    {"n:=1 2", CLI_EXIT_USAGE, 0, NULL, NULL},
};

static void item_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ITEMS / sizeof ITEMS[0]; i++) {
        const item_case *c = &ITEMS[i];
        test_mem tm;
        test_mem_init(&tm);
        cli_item it;
        char err[CLI_ERR_MAX] = "";
        int rc = cli_item_parse(c->arg, &it, &tm.mem, err, sizeof err);
        if (rc != c->rc)
            fail_msg("ITEM '%s': rc %d, expected %d (%s)", c->arg, rc, c->rc, err);
        if (rc) {
            assert_true(strlen(err) > 0);
            assert_non_null(strstr(err, "ITEM") ? err : strstr(err, c->arg));
        } else {
            assert_int_equal(it.kind, c->kind);
            if (c->name) {
                assert_int_equal(it.name_len, strlen(c->name));
                assert_memory_equal(it.name, c->name, it.name_len);
            } else {
                assert_null(it.name);
            }
            if (c->value) {
                assert_int_equal(it.value_len, strlen(c->value));
                assert_memory_equal(it.value, c->value, it.value_len);
            }
            cli_item_free(&it, &tm.mem);
        }
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
}

static void item_error_names_argument(void **state)
{
    (void)state;
    cli_item it;
    char err[CLI_ERR_MAX];
    assert_int_equal(cli_item_parse("n:={oops", &it, NULL, err, sizeof err), CLI_EXIT_USAGE);
    assert_non_null(strstr(err, "n:={oops"));
    assert_non_null(strstr(err, "not valid JSON"));
    assert_int_equal(cli_item_parse("word", &it, NULL, err, sizeof err), CLI_EXIT_USAGE);
    assert_non_null(strstr(err, "'word' is neither a URL nor an ITEM"));
}

typedef struct json_case {
    const char *text;
    long bad; /* -1 valid, else offset of the first offending byte */
} json_case;

static const json_case JSON[] = {
    {"0", -1}, {"-0", -1}, {"12.5e-3", -1}, {"1E9", -1}, {"  true ", -1}, {"null", -1},
    {"\"a\\n\\u00e9\\\"\"", -1}, {"[]", -1}, {"{}", -1}, {" [1, [2, [3]], {\"k\": [true]}] ", -1},
    {"{\"a\": {\"b\": \"c\"}, \"d\": -1.0}", -1}, {"\"caf\xc3\xa9\"", -1},
    {"", 0}, {" ", 1}, {"01", 1}, {"1.", 2}, {".5", 0}, {"+1", 0}, {"1e", 2}, {"tru", 0},
    {"nul", 0}, {"[1,]", 3}, {"[1 2]", 3}, {"{\"a\" 1}", 5}, {"{a: 1}", 1}, {"{\"a\":}", 5},
    {"\"abc", 4}, {"\"a\x01\"", 2}, {"\"\\x\"", 2}, {"\"\\u12g4\"", 2}, {"[1]x", 3},
    {"{\"a\":1,}", 7}, {"'a'", 0}, {"1 2", 2}, {"NaN", 0},
};

static void json_check_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof JSON / sizeof JSON[0]; i++) {
        long got = cli_json_check(JSON[i].text, strlen(JSON[i].text));
        if (got != JSON[i].bad)
            fail_msg("JSON '%s': %ld, expected %ld", JSON[i].text, got, JSON[i].bad);
    }
}

static void json_depth_bound(void **state)
{
    (void)state;
    char deep[1200];
    size_t n = 0;
    for (int i = 0; i < 256; i++)
        deep[n++] = '[';
    for (int i = 0; i < 256; i++)
        deep[n++] = ']';
    assert_int_equal(cli_json_check(deep, n), -1);
    n = 0;
    for (int i = 0; i < 300; i++)
        deep[n++] = '[';
    for (int i = 0; i < 300; i++)
        deep[n++] = ']';
    assert_true(cli_json_check(deep, n) >= 0);
}

static void json_string_escapes(void **state)
{
    (void)state;
    static const struct { const char *in; size_t len; const char *out; } cases[] = {
        {"plain", 5, "\"plain\""},
        {"", 0, "\"\""},
        {"say \"hi\"", 8, "\"say \\\"hi\\\"\""},
        {"back\\slash", 10, "\"back\\\\slash\""},
        {"a\nb\tc\rd\be\ff", 11, "\"a\\nb\\tc\\rd\\be\\ff\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"nul\0x", 5, "\"nul\\u0000x\""},
        {"caf\xc3\xa9 \x7f/", 8, "\"caf\xc3\xa9 \x7f/\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_buf b;
        cli_buf_init(&b, NULL);
        assert_int_equal(cli_json_string(&b, cases[i].in, cases[i].len), 0);
        assert_string_equal(b.data, cases[i].out);
        /* Whatever the input, the output is valid JSON. */
        assert_int_equal(cli_json_check(b.data, b.len), -1);
        cli_buf_free(&b);
    }
}

/* Parses args into items (asserting success). */
static size_t parse_all(const char *const *args, size_t n, cli_item *items)
{
    char err[CLI_ERR_MAX];
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cli_item_parse(args[i], &items[i], NULL, err, sizeof err), 0);
    return n;
}

static void free_all(cli_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cli_item_free(&items[i], NULL);
}

static void json_object_mix(void **state)
{
    (void)state;
    static const struct { const char *args[8]; size_t n; const char *out; } cases[] = {
        {{"name=John Doe", "age:=29", "married:=false", "hobbies:=[\"http\", \"pies\"]",
          "X-H:v", "q==1", "quote=say \"x\"\n"}, 7,
         "{\"name\": \"John Doe\", \"age\": 29, \"married\": false, \"hobbies\": "
         "[\"http\", \"pies\"], \"quote\": \"say \\\"x\\\"\\n\"}"},
        {{"a=1", "b:= {\"c\": null} ", "a:=2"}, 3, "{\"a\": 2, \"b\": {\"c\": null}}"},
        {{"X-Only:header"}, 1, "{}"},
        {{"we\\:ird=v", "n:=-1.5e3"}, 2, "{\"we:ird\": \"v\", \"n\": -1.5e3}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_item items[8];
        size_t n = parse_all(cases[i].args, cases[i].n, items);
        cli_buf b;
        cli_buf_init(&b, NULL);
        assert_int_equal(cli_json_object(items, n, &b), 0);
        assert_string_equal(b.data, cases[i].out);
        assert_int_equal(cli_json_check(b.data, b.len), -1);
        cli_buf_free(&b);
        free_all(items, n);
    }
}

/* Every allocation of parse + object building fails in turn: an error,
 * never a leak or a crash. */
static void allocation_failures(void **state)
{
    (void)state;
    static const char *args[] = {"name=" "a fairly long value to force the buffer to grow "
                                 "beyond its first capacity of sixty-four bytes",
                                 "n:=[1,2,3]", "\\@x=y", "@file"};
    const size_t n = sizeof args / sizeof args[0];
    int succeeded = 0;
    for (size_t fail = 1; fail < 40 && !succeeded; fail++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        cli_item items[4];
        size_t done = 0;
        char err[CLI_ERR_MAX];
        int rc = 0;
        for (; done < n; done++)
            if ((rc = cli_item_parse(args[done], &items[done], &tm.mem, err, sizeof err)))
                break;
        if (rc) {
            assert_int_equal(rc, CLI_EXIT_ERROR);
        } else {
            cli_buf b;
            cli_buf_init(&b, &tm.mem);
            int orc = cli_json_object(items, n, &b);
            if (orc == 0) {
                succeeded = 1;
                assert_string_equal(b.data, "{\"name\": \"a fairly long value to force the "
                                    "buffer to grow beyond its first capacity of sixty-"
                                    "four bytes\", \"n\": [1,2,3], \"@x\": \"y\"}");
            }
            cli_buf_free(&b);
        }
        for (size_t i = 0; i < done; i++)
            cli_item_free(&items[i], &tm.mem);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(item_table),
        cmocka_unit_test(item_error_names_argument),
        cmocka_unit_test(json_check_table),
        cmocka_unit_test(json_depth_bound),
        cmocka_unit_test(json_string_escapes),
        cmocka_unit_test(json_object_mix),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("cli items", tests, NULL, NULL);
}
