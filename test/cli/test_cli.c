/*
 * End-to-end tests of the `hyper` command (build/.../hyper) against the
 * httpbin-like node server (test/peers/httpbin.js) on loopback, with the
 * throw-away test PKI: every ITEM form, the options, exit codes, standard
 * input, -o downloads, multiplexing, --check-status, TLS failures, and the
 * exact JSON body built from = and := fields (/post echoes it).
 * The binary is found next to this test's build folder: BUILD/hyper.
 * HYPER_TEST_VALGRIND (set by scripts/run-valgrind, make valgrind): a
 * command line, split on spaces, that each run of hyper is prefixed with,
 * so the command itself is checked by memcheck too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "../conn/conn_fixture.h"
#include "cli/cli.h"

#define RUN_LIMIT_MS 20000

static char hyper_bin[PATH_MAX];
static char wrap_buf[1024];
static char *wrap_argv[24]; /* HYPER_TEST_VALGRIND split, NULL-terminated */
static int wrap_argc;

static void wrap_init(void)
{
    const char *w = getenv("HYPER_TEST_VALGRIND");
    if (!w || strlen(w) >= sizeof wrap_buf)
        return;
    strcpy(wrap_buf, w);
    for (char *t = strtok(wrap_buf, " "); t && wrap_argc < 23; t = strtok(NULL, " "))
        wrap_argv[wrap_argc++] = t;
}

typedef struct result {
    int code;          /* exit status, or -1 (signal, timeout) */
    char *out, *err;   /* NUL-terminated */
    size_t out_len, err_len;
    double secs;
} result;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n = 0, k;
    char *b = malloc(cap + 1);
    if (f) {
        while ((k = fread(b + n, 1, cap - n, f)) > 0) {
            n += k;
            if (n == cap)
                b = realloc(b, (cap *= 2) + 1);
        }
        fclose(f);
    }
    b[n] = 0;
    *len = n;
    return b;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs hyper with the arguments (NULL-terminated), stdin from stdin_path
 * (NULL: /dev/null), in the fixture folder. */
static result run_hyper(const char *stdin_path, ...)
{
    char *argv[64];
    int argc = 0;
    for (int i = 0; i < wrap_argc; i++)
        argv[argc++] = wrap_argv[i];
    argv[argc++] = hyper_bin;
    va_list ap;
    va_start(ap, stdin_path);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    char outp[300], errp[300];
    snprintf(outp, sizeof outp, "%s/stdout", fx.dir);
    snprintf(errp, sizeof errp, "%s/stderr", fx.dir);
    result r = {-1, NULL, NULL, 0, 0, 0};
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0 || chdir(fx.dir) != 0)
            _exit(127);
        dup2(in, 0), dup2(out, 1), dup2(err, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    for (int waited = 0; pid > 0; waited += 10) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            break;
        }
        if (waited >= RUN_LIMIT_MS) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    r.secs = now_s() - t0;
    r.out = slurp(outp, &r.out_len);
    r.err = slurp(errp, &r.err_len);
    return r;
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

static char *url(int port, const char *scheme, const char *host, const char *path)
{
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, 256, "%s://%s:%d%s", scheme, host, port, path);
    return b;
}
#define TLS_URL(path) url(fx.bin.tls, "https", "localhost", path)

static void expect(const result *r, int code, const char *out_has, const char *err_has)
{
    if (r->code != code || (out_has && !strstr(r->out, out_has)) ||
        (err_has && !strstr(r->err, err_has)))
        fail_msg("exit %d (want %d)\n--- stdout:\n%s\n--- stderr:\n%s\n--- wanted out '%s' "
                 "err '%s'", r->code, code, r->out, r->err, out_has ? out_has : "",
                 err_has ? err_has : "");
}

static int cli_setup(void **state)
{
    ssize_t n = readlink("/proc/self/exe", hyper_bin, sizeof hyper_bin - 1);
    if (n <= 0)
        return -1;
    hyper_bin[n] = 0;
    for (int i = 0; i < 3; i++) /* BUILD/test/cli/test_cli -> BUILD */
        *strrchr(hyper_bin, '/') = 0;
    strncat(hyper_bin, "/hyper", sizeof hyper_bin - strlen(hyper_bin) - 1);
    wrap_init();
    if (access(hyper_bin, X_OK) != 0) {
        fprintf(stderr, "test_cli: %s not built\n", hyper_bin);
        return -1;
    }
    return fx_setup(state);
}

static void write_file(const char *name, const void *data, size_t len)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", fx.dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* ---- tests ---------------------------------------------------------------- */

static void get_with_header_and_query_items(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/get?x=0"), "X-Test:yes", "Empty:",
                         "a==1", "b==x y&z", NULL);
    expect(&r, 0, "\"x-test\": \"yes\"", NULL);
    expect(&r, 0, "\"empty\": \"\"", NULL);
    expect(&r, 0, "\"url\": \"/get?x=0&a=1&b=x%20y%26z\"", NULL);
    expect(&r, 0, "\"b\": \"x y&z\"", NULL);
    expect(&r, 0, "\"method\": \"GET\"", NULL);
    expect(&r, 0, "\"protocol\": \"h2\"", NULL);
    assert_int_equal(r.err_len, 0);
    result_free(&r);
}

static void exact_json_body(void **state)
{
    (void)state;
    static const char want[] =
        "{\"name\": \"John \\\"Q\\\" Doe\", \"age\": 30, \"tags\": [\"a\", 1], "
        "\"nested\": {\"k\": null}, \"uni\": \"caf\xc3\xa9\\ttab\", \"ok\": true}";
    result r = run_hyper(NULL, "--cacert", fx.ca, "-i", TLS_URL("/post"), "name=John \"Q\" Doe",
                         "age:=30", "tags:=[\"a\", 1]", "nested:= {\"k\": null}",
                         "uni=caf\xc3\xa9\ttab", "ok:=true", NULL);
    expect(&r, 0, "content-type: application/json\n", NULL);
    const char *body = strstr(r.out, "\n\n");
    assert_non_null(body);
    assert_string_equal(body + 2, want); /* POST by default, body echoed byte for byte */
    result_free(&r);
}

static void bad_json_is_usage_error(void **state)
{
    (void)state;
    result r = run_hyper(NULL, TLS_URL("/post"), "n:={oops", NULL);
    expect(&r, CLI_EXIT_USAGE, NULL, "hyper: ITEM 'n:={oops': the value after := is not valid JSON");
    assert_int_equal(r.out_len, 0);
    result_free(&r);
    r = run_hyper(NULL, TLS_URL("/post"), "justaword", NULL);
    expect(&r, CLI_EXIT_USAGE, NULL, "'justaword' is neither a URL nor an ITEM");
    result_free(&r);
    r = run_hyper(NULL, "--nope", TLS_URL("/"), NULL);
    expect(&r, CLI_EXIT_USAGE, NULL, "unknown option '--nope'");
    result_free(&r);
    r = run_hyper(NULL, TLS_URL("/post"), "a=1", "@file", NULL);
    expect(&r, CLI_EXIT_USAGE, NULL, "give one body");
    result_free(&r);
}

static void file_data_and_stdin_bodies(void **state)
{
    (void)state;
    unsigned char bin[3000];
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7 + (i >> 8));
    write_file("body.bin", bin, sizeof bin);
    char path[300];
    snprintf(path, sizeof path, "%s/body.bin", fx.dir);
    const char *forms[][2] = {{"@body.bin", NULL}, {"--data-binary", "@body.bin"},
                              {"--data", "@body.bin"}};
    for (size_t i = 0; i < 3; i++) {
        result r = forms[i][1] ? run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/post"), forms[i][0],
                                           forms[i][1], NULL)
                               : run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/post"), forms[i][0],
                                           NULL);
        expect(&r, 0, NULL, NULL);
        assert_int_equal(r.out_len, sizeof bin);
        assert_memory_equal(r.out, bin, sizeof bin);
        result_free(&r);
    }
    /* Standard input, with a PUT and a content-type header. */
    result r = run_hyper(path, "--cacert", fx.ca, "-i", "PUT", TLS_URL("/post"), "-",
                         "Content-Type:application/x-test", NULL);
    expect(&r, 0, "content-type: application/x-test\n", NULL);
    expect(&r, 0, "x-body-length: 3000\n", NULL);
    assert_memory_equal(r.out + r.out_len - sizeof bin, bin, sizeof bin);
    result_free(&r);
    r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/post"), "--data", "plain words", NULL);
    expect(&r, 0, NULL, NULL);
    assert_string_equal(r.out, "plain words");
    result_free(&r);
    r = run_hyper(NULL, TLS_URL("/post"), "@missing.bin", NULL);
    expect(&r, CLI_EXIT_ERROR, NULL, "hyper: cannot read missing.bin: No such file");
    result_free(&r);
}

static void methods(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--cacert", fx.ca, "DELETE", TLS_URL("/get"), NULL);
    expect(&r, 0, "\"method\": \"DELETE\"", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--cacert", fx.ca, "-i", "HEAD", TLS_URL("/get"), NULL);
    expect(&r, 0, "HTTP/2 200\n", NULL);
    assert_non_null(strstr(r.out, "\n\n"));
    assert_string_equal(strstr(r.out, "\n\n"), "\n\n"); /* no body after the head */
    result_free(&r);
}

/* /bytes/N: the server's xorshift32 generator (test/peers/httpbin.js). */
static void expected_bytes(unsigned char *out, size_t n, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        for (size_t k = 0; k < 4 && i + k < n; k++)
            out[i + k] = (unsigned char)(x >> (8 * k));
    }
}

static void download_to_file(void **state)
{
    (void)state;
    const size_t n = 1234567;
    result r = run_hyper(NULL, "--cacert", fx.ca, "-o", "dl.bin", TLS_URL("/bytes/1234567"), NULL);
    expect(&r, 0, NULL, NULL);
    assert_int_equal(r.out_len, 0);
    assert_int_equal(r.err_len, 0); /* stderr is not a terminal: no progress bar */
    char path[300];
    size_t len;
    snprintf(path, sizeof path, "%s/dl.bin", fx.dir);
    char *got = slurp(path, &len);
    unsigned char *want = malloc(n);
    expected_bytes(want, n, 1);
    assert_int_equal(len, n);
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
    result_free(&r);
}

/* Three URLs of one origin: one connection, streams 1, 3, 5, all sent before
 * the first response is read; bodies in the order given. */
static void multiplexed_urls(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--cacert", fx.ca, "--debug", TLS_URL("/stream/3"), "/ip",
                         "/status/418", NULL);
    expect(&r, 0, "\"origin\": \"127.0.0.1\"", NULL);
    const char *s3 = strstr(r.out, "{\"id\":2,\"url\":\"/stream/3\"}");
    const char *ip = strstr(r.out, "\"origin\"");
    const char *st = strstr(r.out, "status 418");
    assert_true(s3 && ip && st && s3 < ip && ip < st);
    const char *c1 = strstr(r.err, "connecting to");
    assert_non_null(c1);
    assert_null(strstr(c1 + 1, "connecting to"));
    const char *h5 = strstr(r.err, "send HEADERS frame <length=");
    for (int i = 0; i < 2 && h5; i++)
        h5 = strstr(h5 + 1, "send HEADERS frame <length=");
    assert_non_null(h5);
    assert_non_null(strstr(h5, "stream_id=5>"));
    const char *first_recv = strstr(r.err, "recv HEADERS frame");
    assert_true(first_recv && h5 < first_recv);
    expect(&r, 0, NULL, "flags=0x05 (END_STREAM|END_HEADERS), stream_id=1>");
    expect(&r, 0, NULL, "recv DATA frame <length=0, flags=0x01 (END_STREAM), stream_id=5>");
    expect(&r, 0, NULL, "          :path: /status/418\n");
    expect(&r, 0, NULL, "TLS handshake done, ALPN: h2");
    result_free(&r);
}

static void check_status(void **state)
{
    (void)state;
    static const struct { const char *path; int plain, checked; } cases[] = {
        {"/status/200", 0, 0}, {"/status/302", 0, 3}, {"/status/404", 0, 4},
        {"/status/503", 0, 5}, {"/status/204", 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        result r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL(cases[i].path), NULL);
        expect(&r, cases[i].plain, NULL, NULL);
        result_free(&r);
        r = run_hyper(NULL, "--check-status", "--cacert", fx.ca, TLS_URL(cases[i].path), NULL);
        expect(&r, cases[i].checked, NULL, cases[i].checked ? "hyper: warning: HTTP " : NULL);
        result_free(&r);
    }
}

static void tls_failures(void **state)
{
    (void)state;
    result r = run_hyper(NULL, url(fx.bin.tls, "https", "127.0.0.1", "/get"), NULL);
    expect(&r, CLI_EXIT_TLS, NULL, NULL);
    assert_string_equal(r.err, "hyper: TLS: certificate for 127.0.0.1 not trusted (untrusted CA)\n");
    assert_int_equal(r.out_len, 0);
    result_free(&r);
    r = run_hyper(NULL, "--insecure", url(fx.bin.tls, "https", "127.0.0.1", "/ip"), NULL);
    expect(&r, 0, "\"origin\"", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--cacert", "nope.pem", TLS_URL("/ip"), NULL);
    expect(&r, CLI_EXIT_TLS, NULL, "hyper: TLS: cannot load the CA certificates");
    result_free(&r);
    /* The test client certificate loads (the server does not ask for it). */
    char cert[300], key[300];
    snprintf(cert, sizeof cert, "%s/client.crt", fx.dir);
    snprintf(key, sizeof key, "%s/client.key", fx.dir);
    r = run_hyper(NULL, "--cacert", fx.ca, "--cert", cert, "--key", key, "--pass",
                  "hyper-test-pass", TLS_URL("/ip"), NULL);
    expect(&r, 0, "\"origin\"", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--cacert", fx.ca, "--cert", cert, "--key", key, "--pass", "wrong",
                  TLS_URL("/ip"), NULL);
    expect(&r, CLI_EXIT_TLS, NULL, "hyper: TLS: cannot use the client certificate or key");
    result_free(&r);
}

static void connection_and_timeout_failures(void **state)
{
    (void)state;
    int port = peer_free_port();
    char want[100];
    snprintf(want, sizeof want, "hyper: connection: connect to 127.0.0.1 port %d: ", port);
    result r = run_hyper(NULL, url(port, "http", "127.0.0.1", "/"), NULL);
    expect(&r, CLI_EXIT_CONNECT, NULL, want);
    result_free(&r);
    r = run_hyper(NULL, "--timeout", "0.5", "--cacert", fx.ca, TLS_URL("/delay/3"), NULL);
    expect(&r, CLI_EXIT_TIMEOUT, NULL, "hyper: timeout: ");
    assert_true(r.secs < (wrap_argc ? 10.0 : 2.5)); /* valgrind starts slowly */
    result_free(&r);
    r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/drop"), NULL);
    assert_true(r.code == CLI_EXIT_PROTOCOL || r.code == CLI_EXIT_CONNECT);
    assert_non_null(strstr(r.err, "hyper: "));
    assert_int_equal(strchr(r.err, '\n') - r.err + 1, (long)r.err_len); /* one line */
    result_free(&r);
}

static void protocols(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "-i", "--http1.1", "--cacert", fx.ca, TLS_URL("/get"), NULL);
    expect(&r, 0, "HTTP/1.1 200 OK\n", "");
    expect(&r, 0, "\"protocol\": \"http/1.1\"", NULL);
    result_free(&r);
    r = run_hyper(NULL, "-i", "--h2", url(fx.bin.h2c, "http", "localhost", "/get"), NULL);
    expect(&r, 0, "HTTP/2 200\n", NULL);
    result_free(&r);
    r = run_hyper(NULL, "-i", url(fx.bin.h1, "http", "localhost", "/get"), "/ip", NULL);
    expect(&r, 0, "\"protocol\": \"http/1.1\"", NULL);
    expect(&r, 0, "\"origin\"", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--h2", "--cacert", fx.ca, url(fx.bin.h1tls, "https", "localhost", "/"),
                  NULL);
    /* The server offers only http/1.1 in ALPN: refused in the handshake. */
    expect(&r, CLI_EXIT_TLS, NULL, "hyper: TLS: localhost has no application protocol in "
           "common with us (ALPN)\n");
    result_free(&r);
}

static void verbose_include_and_trailers(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "-v", "--cacert", fx.ca, TLS_URL("/trailers"), "X-Test:v", NULL);
    expect(&r, 0, "GET /trailers HTTP/2\n", NULL);
    expect(&r, 0, "x-test: v\n", NULL);
    expect(&r, 0, "\nHTTP/2 200\ncontent-type: text/plain\n", NULL);
    expect(&r, 0, "trailers follow\n\nx-trailer-one: 1\n", NULL);
    result_free(&r);
    r = run_hyper(NULL, "-v", "--cacert", fx.ca, TLS_URL("/post"), "k=v", NULL);
    expect(&r, 0, "POST /post HTTP/2\n", NULL);
    expect(&r, 0, "content-type: application/json\n", NULL);
    expect(&r, 0, "content-length: 10\n\n{\"k\": \"v\"}\n\nHTTP/2 200", NULL);
    result_free(&r);
}

static void decompression(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/gzip"), NULL);
    expect(&r, 0, "\"gzipped\": true", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--no-decompress", "--cacert", fx.ca, TLS_URL("/deflate"), NULL);
    expect(&r, 0, NULL, NULL);
    assert_true(r.out_len > 2);
    assert_int_equal((unsigned char)r.out[0], 0x78); /* zlib header, not JSON */
    assert_null(strstr(r.out, "deflated"));
    result_free(&r);
}

static void server_push(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--push", "--cacert", fx.ca, TLS_URL("/push"), NULL);
    expect(&r, 0, NULL, "hyper: push promised on stream 1: GET /pushed/a (stream 2)\n");
    expect(&r, 0, NULL, "hyper: push promised on stream 1: GET /pushed/b (stream 4)\n");
    assert_string_equal(r.out, "pushed 2\npushed a\npushed b\n");
    result_free(&r);
    r = run_hyper(NULL, "--cacert", fx.ca, TLS_URL("/push"), NULL);
    expect(&r, 0, NULL, NULL);
    assert_string_equal(r.out, "pushed 0\n");
    result_free(&r);
    /* --debug shows the promise and the promised request's fields. */
    r = run_hyper(NULL, "--push", "--debug", "--cacert", fx.ca, TLS_URL("/push"), NULL);
    expect(&r, 0, NULL, "recv PUSH_PROMISE frame <length=");
    expect(&r, 0, NULL, "(END_HEADERS), stream_id=1>\n          promised_stream_id=2\n");
    expect(&r, 0, NULL, "          :path: /pushed/b\n");
    expect(&r, 0, NULL, "[ENABLE_PUSH(0x02):1]");
    result_free(&r);
    /* With -o the main body goes to the file, pushed ones to stdout. */
    r = run_hyper(NULL, "--push", "-o", "main.txt", "--cacert", fx.ca, TLS_URL("/push"), NULL);
    expect(&r, 0, NULL, NULL);
    assert_string_equal(r.out, "pushed a\npushed b\n");
    char path[300];
    size_t len;
    snprintf(path, sizeof path, "%s/main.txt", fx.dir);
    char *file = slurp(path, &len);
    assert_string_equal(file, "pushed 2\n");
    free(file);
    result_free(&r);
}

static void debug_http1(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--debug", url(fx.bin.h1, "http", "localhost", "/post"), "a=1",
                         NULL);
    expect(&r, 0, "{\"a\": \"1\"}", "hyper: debug: connecting to localhost port ");
    expect(&r, 0, NULL, "(cleartext)\n");
    expect(&r, 0, NULL, "hyper: debug: send HTTP/1.1: POST /post HTTP/1.1 (");
    expect(&r, 0, NULL, "hyper: debug: recv HTTP/1.1: HTTP/1.1 200 OK (");
    assert_null(strstr(r.err, "frame <"));
    result_free(&r);
}

static void help_and_version(void **state)
{
    (void)state;
    result r = run_hyper(NULL, "--version", NULL);
    expect(&r, 0, "hyper " HYPER_VERSION "\n", NULL);
    result_free(&r);
    r = run_hyper(NULL, "--help", NULL);
    expect(&r, 0, "Exit status:", NULL);
    expect(&r, 0, "name:=json", NULL);
    result_free(&r);
    r = run_hyper(NULL, NULL);
    expect(&r, CLI_EXIT_USAGE, NULL, "hyper: no URL given");
    result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_with_header_and_query_items),
        cmocka_unit_test(exact_json_body),
        cmocka_unit_test(bad_json_is_usage_error),
        cmocka_unit_test(file_data_and_stdin_bodies),
        cmocka_unit_test(methods),
        cmocka_unit_test(download_to_file),
        cmocka_unit_test(multiplexed_urls),
        cmocka_unit_test(check_status),
        cmocka_unit_test(tls_failures),
        cmocka_unit_test(connection_and_timeout_failures),
        cmocka_unit_test(protocols),
        cmocka_unit_test(verbose_include_and_trailers),
        cmocka_unit_test(decompression),
        cmocka_unit_test(server_push),
        cmocka_unit_test(debug_http1),
        cmocka_unit_test(help_and_version),
    };
    return cmocka_run_group_tests_name("cli end to end", tests, cli_setup, fx_teardown);
}
