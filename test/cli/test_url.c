/* Tests for src/cli/url.c: URL parsing, query items, percent-encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "cli/cli.h"
#include "testutil.h"

typedef struct url_case {
    const char *in;
    int rc;
    int secure;
    const char *host;
    unsigned port;
    const char *target;
    const char *authority;
} url_case;

static const url_case URLS[] = {
    {"https://example.org/get?a=1", 0, 1, "example.org", 443, "/get?a=1", "example.org"},
    {"http://example.org", 0, 0, "example.org", 80, "/", "example.org"},
    {"example.org/x", 0, 1, "example.org", 443, "/x", "example.org"},
    {"localhost:8443/get", 0, 1, "localhost", 8443, "/get", "localhost:8443"},
    {"http://127.0.0.1:8080?q", 0, 0, "127.0.0.1", 8080, "/?q", "127.0.0.1:8080"},
    {"https://[::1]:9443/p", 0, 1, "::1", 9443, "/p", "[::1]:9443"},
    {"http://[::1]/", 0, 0, "::1", 80, "/", "[::1]"},
    {":8443/get", 0, 1, "localhost", 8443, "/get", "localhost:8443"},
    {":9", 0, 1, "localhost", 9, "/", "localhost:9"},
    {"https://h/a b#frag", 0, 1, "h", 443, "/a%20b", "h"},
    {"https://h/%41{x}|\x01\xc3\xa9", 0, 1, "h", 443, "/%41%7Bx%7D%7C%01%C3%A9", "h"},
    {"https://h:443/", 0, 1, "h", 443, "/", "h"},
    {"ftp://h/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://user:pw@h/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://h:0/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://h:65536/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://h:8x/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https:///path", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://[::1/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"https://[::1]x/", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
    {"", CLI_EXIT_USAGE, 0, NULL, 0, NULL, NULL},
};

static void url_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof URLS / sizeof URLS[0]; i++) {
        const url_case *c = &URLS[i];
        cli_url u;
        char err[CLI_ERR_MAX] = "";
        int rc = cli_url_parse(&u, c->in, NULL, NULL, err, sizeof err);
        if (rc != c->rc)
            fail_msg("URL '%s': rc %d, expected %d (%s)", c->in, rc, c->rc, err);
        if (rc == 0) {
            char auth[300];
            assert_int_equal(u.secure, c->secure);
            assert_string_equal(u.host, c->host);
            assert_int_equal(u.port, c->port);
            assert_string_equal(u.target.data, c->target);
            cli_url_authority(&u, auth, sizeof auth);
            assert_string_equal(auth, c->authority);
        } else {
            assert_non_null(strstr(err, "URL '"));
        }
        cli_url_free(&u);
    }
}

static void relative_and_origin(void **state)
{
    (void)state;
    cli_url a, b, c, d;
    char err[CLI_ERR_MAX];
    assert_int_equal(cli_url_parse(&a, "https://localhost:8443/get", NULL, NULL, err, sizeof err), 0);
    assert_int_equal(cli_url_parse(&b, "/ip?x=1", &a, NULL, err, sizeof err), 0);
    assert_int_equal(cli_url_parse(&c, "http://localhost:8443/", &a, NULL, err, sizeof err), 0);
    assert_int_equal(cli_url_parse(&d, "https://localhost:8443/other", &c, NULL, err, sizeof err), 0);
    assert_string_equal(b.host, "localhost");
    assert_int_equal(b.port, 8443);
    assert_true(b.secure);
    assert_string_equal(b.target.data, "/ip?x=1");
    assert_true(cli_url_same_origin(&a, &b));
    assert_false(cli_url_same_origin(&a, &c)); /* scheme differs */
    assert_true(cli_url_same_origin(&a, &d));
    cli_url_free(&a);
    cli_url_free(&b);
    cli_url_free(&c);
    cli_url_free(&d);
    /* Without a base, "/path" is not a URL. */
    assert_int_equal(cli_url_parse(&a, "/ip", NULL, NULL, err, sizeof err), CLI_EXIT_USAGE);
    cli_url_free(&a);
}

static void percent_encoding(void **state)
{
    (void)state;
    static const struct { const char *in; size_t n; const char *out; } cases[] = {
        {"abcXYZ019-._~", 13, "abcXYZ019-._~"},
        {"a b&c=d", 7, "a%20b%26c%3Dd"},
        {"/?#[]@!$'()*+,;%", 16, "%2F%3F%23%5B%5D%40%21%24%27%28%29%2A%2B%2C%3B%25"},
        {"\xc3\xa9\x00\xff", 4, "%C3%A9%00%FF"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_buf b;
        cli_buf_init(&b, NULL);
        assert_int_equal(cli_percent_encode(&b, cases[i].in, cases[i].n), 0);
        assert_int_equal(cli_buf_nul(&b), 0);
        assert_string_equal(b.data, cases[i].out);
        cli_buf_free(&b);
    }
}

static void query_items(void **state)
{
    (void)state;
    static const struct { const char *url; const char *out; } cases[] = {
        {"https://h/get", "/get?q=a%20b&n=1%262"},
        {"https://h/get?x=1", "/get?x=1&q=a%20b&n=1%262"},
        {"https://h/get?", "/get?q=a%20b&n=1%262"},
        {"https://h/get?x=1&", "/get?x=1&q=a%20b&n=1%262"},
        {"https://h", "/?q=a%20b&n=1%262"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_url u;
        char err[CLI_ERR_MAX];
        assert_int_equal(cli_url_parse(&u, cases[i].url, NULL, NULL, err, sizeof err), 0);
        assert_int_equal(cli_url_add_query(&u, "q", 1, "a b", 3), 0);
        assert_int_equal(cli_url_add_query(&u, "n", 1, "1&2", 3), 0);
        assert_string_equal(u.target.data, cases[i].out);
        cli_url_free(&u);
    }
}

static void allocation_failures(void **state)
{
    (void)state;
    int ok = 0;
    for (size_t fail = 1; fail < 30 && !ok; fail++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        cli_url u;
        char err[CLI_ERR_MAX];
        int rc = cli_url_parse(&u, "https://h/a/rather/long/path/that/needs/more/than/"
                               "sixty-four/bytes/of/buffer?x=1", NULL, &tm.mem, err, sizeof err);
        if (rc == 0 && cli_url_add_query(&u, "key", 3, "value with spaces", 17) == 0) {
            ok = 1;
            assert_string_equal(u.target.data, "/a/rather/long/path/that/needs/more/than/"
                                "sixty-four/bytes/of/buffer?x=1&key=value%20with%20spaces");
        } else if (rc) {
            assert_int_equal(rc, CLI_EXIT_ERROR);
        }
        cli_url_free(&u);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_table),
        cmocka_unit_test(relative_and_origin),
        cmocka_unit_test(percent_encoding),
        cmocka_unit_test(query_items),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests_name("cli url", tests, NULL, NULL);
}
