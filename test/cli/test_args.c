/* Tests for src/cli/args.c (command line), output.c (exit codes, error
 * lines) and progress.c (the progress line). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "cli/cli.h"
#include "testutil.h"

#define MAXARGS 32

/* Splits a command line on spaces ("|" stands for a space inside one
 * argument) into argv; returns argc. */
static int split(const char *line, char *store, size_t cap, char **argv)
{
    int argc = 0;
    strncpy(store, line, cap - 1);
    store[cap - 1] = 0;
    argv[argc++] = "hyper";
    for (char *p = strtok(store, " "); p && argc < MAXARGS; p = strtok(NULL, " ")) {
        for (char *q = p; *q; q++)
            if (*q == '|')
                *q = ' ';
        argv[argc++] = p;
    }
    return argc;
}

typedef struct args_case {
    const char *line;
    int rc;
    const char *method;   /* expected (NULL: none given) */
    const char *urls;     /* URLs joined by "," */
    const char *items;    /* ITEMs joined by "," */
} args_case;

static const args_case CASES[] = {
    {"https://h/get", 0, NULL, "https://h/get", ""},
    {"PUT https://h/put a=1", 0, "PUT", "https://h/put", "a=1"},
    {"localhost/get", 0, NULL, "localhost/get", ""},
    {"get https://h/", 0, NULL, "get,https://h/", ""}, /* lower case: not a method */
    {"https://h/a /b http://o/c X:1 q==2", 0, NULL, "https://h/a,/b,http://o/c", "X:1,q==2"},
    {"-v https://h/ -i --h2 n:=1", 0, NULL, "https://h/", "n:=1"},
    {"DELETE -- https://h/ -", 0, "DELETE", "https://h/", "-"},
    {"https://h/ --timeout 2.5 --data=@f", 0, NULL, "https://h/", ""},
    {"", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"GET", 0, NULL, "GET", ""}, /* alone, an upper-case word is the URL (host GET) */
    {"-v --h2", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"--bogus https://h/", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"-x https://h/", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ -o", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --timeout", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --timeout 0", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --timeout -1", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --h2 --http1.1", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --cert c.pem", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --push=1", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/a /b -o out", CLI_EXIT_USAGE, NULL, NULL, NULL},
    {"https://h/ --data a --data-binary b", CLI_EXIT_USAGE, NULL, NULL, NULL},
};

static void join(const char **v, size_t n, char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, v[i], cap - strlen(out) - 1);
    }
}

static void args_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        const args_case *c = &CASES[i];
        char store[256], *argv[MAXARGS], err[CLI_ERR_MAX] = "", got[256];
        int argc = split(c->line, store, sizeof store, argv);
        cli_args a;
        test_mem tm;
        test_mem_init(&tm);
        int rc = cli_args_parse(&a, argc, argv, &tm.mem, err, sizeof err);
        if (rc != c->rc)
            fail_msg("'%s': rc %d, expected %d (%s)", c->line, rc, c->rc, err);
        if (rc == 0) {
            if (c->method)
                assert_string_equal(a.method, c->method);
            else
                assert_null(a.method);
            join(a.urls, a.n_urls, got, sizeof got);
            assert_string_equal(got, c->urls);
            join(a.items, a.n_items, got, sizeof got);
            assert_string_equal(got, c->items);
        } else {
            assert_true(strlen(err) > 0);
        }
        cli_args_free(&a);
        assert_int_equal(tm.in_use, 0);
        assert_false(tm.size_mismatch);
    }
}

static void options_set(void **state)
{
    (void)state;
    char store[256], *argv[MAXARGS], err[CLI_ERR_MAX];
    int argc = split("-vi -ofile.bin --insecure --cacert ca.pem --cert c --key k --pass pw "
                     "--timeout .25 --push --no-decompress --check-status --debug --http1.1 "
                     "https://h/", store, sizeof store, argv);
    cli_args a;
    assert_int_equal(cli_args_parse(&a, argc, argv, NULL, err, sizeof err), 0);
    assert_true(a.verbose && a.include && a.insecure && a.push && a.no_decompress &&
                a.check_status && a.debug);
    assert_string_equal(a.output, "file.bin");
    assert_string_equal(a.cacert, "ca.pem");
    assert_string_equal(a.cert, "c");
    assert_string_equal(a.key, "k");
    assert_string_equal(a.key_pass, "pw");
    assert_int_equal(a.timeout_ms, 250);
    assert_int_equal(a.protocol, HYPER_CONN_PROTO_HTTP1);
    cli_args_free(&a);
    argc = split("--help", store, sizeof store, argv);
    assert_int_equal(cli_args_parse(&a, argc, argv, NULL, err, sizeof err), 0);
    assert_true(a.help);
    cli_args_free(&a);
    argc = split("--version", store, sizeof store, argv);
    assert_int_equal(cli_args_parse(&a, argc, argv, NULL, err, sizeof err), 0);
    assert_true(a.version);
    cli_args_free(&a);
    /* The usage text documents every exit code. */
    for (const char *code = "\n  0 \n  1 \n  2 \n  3, 4, 5 \n  7 \n  8 \n  9 \n  64 "; *code;) {
        const char *end = strchr(code + 1, '\n');
        size_t n = end ? (size_t)(end - code) : strlen(code);
        char want[16];
        memcpy(want, code, n);
        want[n] = 0;
        assert_non_null(strstr(cli_usage(), want));
        code += n;
    }
}

static void seconds(void **state)
{
    (void)state;
    static const struct { const char *s; int ms; } cases[] = {
        {"1", 1000}, {"2.5", 2500}, {".25", 250}, {"0.0001", 1}, {"0.0015", 2}, {"30.", 30000},
        {"0", -1}, {"", -1}, {".", -1}, {"1s", -1}, {"-1", -1}, {"1e3", -1}, {"9999999", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (cli_parse_seconds(cases[i].s) != cases[i].ms)
            fail_msg("'%s': %d, expected %d", cases[i].s, cli_parse_seconds(cases[i].s),
                     cases[i].ms);
}

static void args_allocation_failures(void **state)
{
    (void)state;
    char store[256], *argv[MAXARGS], err[CLI_ERR_MAX];
    int argc = split("POST https://h/ a=1", store, sizeof store, argv);
    for (size_t fail = 1; fail <= 4; fail++) {
        test_mem tm;
        test_mem_init(&tm);
        tm.fail_at = fail;
        cli_args a;
        int rc = cli_args_parse(&a, argc, argv, &tm.mem, err, sizeof err);
        assert_int_equal(rc, fail <= 3 ? CLI_EXIT_ERROR : 0);
        cli_args_free(&a);
        assert_int_equal(tm.in_use, 0);
    }
}

static void exit_codes(void **state)
{
    (void)state;
    static const struct { int err, code; } cases[] = {
        {HYPER_ETIMEOUT, CLI_EXIT_TIMEOUT}, {HYPER_ECONN_DEADLINE, CLI_EXIT_TIMEOUT},
        {HYPER_EDNS, CLI_EXIT_CONNECT}, {HYPER_ECONNECT, CLI_EXIT_CONNECT},
        {HYPER_EIO, CLI_EXIT_CONNECT}, {HYPER_ECLOSED, CLI_EXIT_CONNECT},
        {HYPER_ECONN_CLOSED, CLI_EXIT_CONNECT}, {HYPER_ECONN_NOT_PROCESSED, CLI_EXIT_CONNECT},
        {HYPER_ETLS_UNTRUSTED, CLI_EXIT_TLS}, {HYPER_ETLS_HANDSHAKE, CLI_EXIT_TLS},
        {HYPER_ETLS_CERT_REQUIRED, CLI_EXIT_TLS}, {HYPER_EH2_PROTOCOL, CLI_EXIT_PROTOCOL},
        {HYPER_EH2_STREAM_RESET, CLI_EXIT_PROTOCOL}, {HYPER_EH1_TRUNCATED, CLI_EXIT_PROTOCOL},
        {HYPER_EHPACK_INDEX, CLI_EXIT_PROTOCOL}, {HYPER_ECONTENT_CORRUPT, CLI_EXIT_PROTOCOL},
        {HYPER_ECONN_NO_H2, CLI_EXIT_PROTOCOL}, {HYPER_ENOMEM, CLI_EXIT_ERROR},
        {HYPER_EINVAL, CLI_EXIT_ERROR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(cli_exit_for_error(cases[i].err), cases[i].code);
    assert_int_equal(cli_exit_for_status(200), 0);
    assert_int_equal(cli_exit_for_status(101), 0);
    assert_int_equal(cli_exit_for_status(301), CLI_EXIT_3XX);
    assert_int_equal(cli_exit_for_status(404), CLI_EXIT_4XX);
    assert_int_equal(cli_exit_for_status(599), CLI_EXIT_5XX);
    /* The codes are distinct. */
    int all[] = {CLI_EXIT_OK, CLI_EXIT_ERROR, CLI_EXIT_TIMEOUT, CLI_EXIT_3XX, CLI_EXIT_4XX,
                 CLI_EXIT_5XX, CLI_EXIT_CONNECT, CLI_EXIT_TLS, CLI_EXIT_PROTOCOL, CLI_EXIT_USAGE};
    for (size_t i = 0; i < 10; i++)
        for (size_t k = i + 1; k < 10; k++)
            assert_int_not_equal(all[i], all[k]);
}

static void error_lines(void **state)
{
    (void)state;
    static const struct { int err; const char *where, *detail, *want; } cases[] = {
        {HYPER_ETLS_UNTRUSTED, "127.0.0.1", "mbedtls text",
         "TLS: certificate for 127.0.0.1 not trusted (untrusted CA)"},
        {HYPER_ETLS_HOSTNAME, "wrong.example", NULL,
         "TLS: certificate for wrong.example does not match the host name"},
        {HYPER_ETLS_EXPIRED, "h", "", "TLS: certificate for h has expired"},
        {HYPER_ETLS_CA_FILE, "h", "ca.pem: no such file",
         "TLS: cannot load the CA certificates: ca.pem: no such file"},
        {HYPER_ECONNECT, "127.0.0.1", "connect to 127.0.0.1 port 9: Connection refused",
         "connection: connect to 127.0.0.1 port 9: Connection refused"},
        {HYPER_EDNS, "nowhere.invalid", NULL, "connection: cannot resolve host nowhere.invalid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[CLI_ERR_MAX];
        cli_error_line(line, sizeof line, cases[i].err, "connect", cases[i].where,
                       cases[i].detail);
        assert_string_equal(line, cases[i].want);
    }
    char line[CLI_ERR_MAX];
    cli_error_line(line, sizeof line, HYPER_EH2_STREAM_RESET, "response", "https://h/x", NULL);
    assert_non_null(strstr(line, "protocol: https://h/x: "));
    assert_non_null(strstr(line, hyper_strerror(HYPER_EH2_STREAM_RESET)));
    assert_non_null(strstr(line, "HYPER_EH2_STREAM_RESET"));
    cli_error_line(line, sizeof line, HYPER_ETIMEOUT, "response", "https://h/x", NULL);
    assert_non_null(strstr(line, "timeout: https://h/x: "));
}

static void progress_lines(void **state)
{
    (void)state;
    static const struct { uint64_t done; int64_t total; double t; const char *want; } cases[] = {
        {0, 1000, 0, "[>                       ]   0%  0 B  0 B/s  ETA --:--"},
        {512, 1024, 1, "[============>           ]  50%  512 B  512 B/s  ETA 0:01"},
        {1 << 20, 4 << 20, 2, "[======>                 ]  25%  1.0 MiB  512.0 KiB/s  ETA 0:06"},
        {4 << 20, 4 << 20, 4, "[========================] 100%  4.0 MiB  1.0 MiB/s  ETA 0:00"},
        {3u << 30, -1, 3, "3.0 GiB  1.0 GiB/s"},
        {100, 7200 * 100 + 100, 1, "[>                       ]   0%  100 B  100 B/s  ETA 2:00:00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[160];
        size_t n = cli_progress_format(line, sizeof line, cases[i].done, cases[i].total,
                                       cases[i].t);
        assert_string_equal(line, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
    char tiny[8];
    size_t n = cli_progress_format(tiny, sizeof tiny, 1, 2, 1);
    assert_int_equal(n, 7);
    assert_int_equal(strlen(tiny), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(args_table),
        cmocka_unit_test(options_set),
        cmocka_unit_test(seconds),
        cmocka_unit_test(args_allocation_failures),
        cmocka_unit_test(exit_codes),
        cmocka_unit_test(error_lines),
        cmocka_unit_test(progress_lines),
    };
    return cmocka_run_group_tests_name("cli args and output", tests, NULL, NULL);
}
