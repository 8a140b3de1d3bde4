/*
 * test_python.c — runs the Python binding tests (pytest over
 * test/python/test_*.py, Debian's /usr/bin/python3) under `make test`: one
 * cmocka test per pytest file, passing when pytest ran at least one test
 * and reported no failure and no error. pytest's own output is shown, with
 * its summary line ("27 passed in 2.9s").
 *
 * The library under test is the libhyper.so of this build folder (found
 * from argv[0]: BUILD/test/python/test_python), given to Python as
 * $HYPER_LIBRARY. The profile switches this binary was compiled with
 * (include/hyper_config.h) are passed on as $HYPER_TEST_NO_H1 and
 * $HYPER_TEST_NO_PUSH so the Python tests skip what the build left out.
 * Sanitizer builds (make asan): python3 is not instrumented, so the
 * compiler's ASan runtime is preloaded into it (LD_PRELOAD, found with
 * `CC -print-file-name=...`; leak detection off, as CPython keeps memory
 * until exit on purpose); conftest.py removes the preload from the
 * environment of the servers it starts. Without the runtime the tests skip.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "hyper.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif

static char libpath[PATH_MAX];

typedef struct summary {
    int passed, failed, errors, skipped;
} summary;

/* Adds up the "N passed", "N failed", "N error(s)", "N skipped" of a
 * pytest summary line; returns 1 if the line was one. */
static int parse_summary(const char *line, summary *s)
{
    static const char *const words[] = {"passed", "failed", "error", "skipped"};
    int found = 0;
    const char *p = line;
    while (*p) {
        char *end;
        long n = strtol(p, &end, 10);
        if (end != p && *end == ' ') {
            for (int i = 0; i < 4; i++) {
                if (strncmp(end + 1, words[i], strlen(words[i])) == 0) {
                    int *slot[] = {&s->passed, &s->failed, &s->errors, &s->skipped};
                    *slot[i] += (int)n;
                    found = 1;
                }
            }
            p = end;
        } else {
            p++;
        }
    }
    return found;
}

#ifdef SANITIZED
#ifdef __clang__
#define RUNTIME_QUERY "clang -print-file-name=libclang_rt.asan-x86_64.so"
#else
#define RUNTIME_QUERY "gcc -print-file-name=libasan.so"
#endif
/* Preloads the ASan runtime into python3; 0 if it was found. */
static int preload_sanitizer(void)
{
    char path[PATH_MAX];
    FILE *f = popen(RUNTIME_QUERY " 2>/dev/null", "r");
    if (!f)
        return -1;
    char *got = fgets(path, sizeof path, f);
    pclose(f);
    if (!got)
        return -1;
    path[strcspn(path, "\n")] = 0;
    if (path[0] != '/' || access(path, R_OK) != 0)
        return -1;
    setenv("LD_PRELOAD", path, 1);
    setenv("HYPER_TEST_PRELOAD", path, 1);
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    return 0;
}
static int sanitizer_ok;
#endif

static void run_pytest(const char *file)
{
#ifdef SANITIZED
    if (!sanitizer_ok)
        skip();
#endif
    if (!libpath[0] || access(libpath, R_OK) != 0) {
        fprintf(stderr, "libhyper.so not found next to this test (%s)\n", libpath);
        fail();
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "timeout 600 /usr/bin/python3 -m pytest -q -p no:cacheprovider "
             "test/python/%s 2>&1", file);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[4096];
    summary s = {0, 0, 0, 0}, last = {0, 0, 0, 0};
    while (fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        summary one = {0, 0, 0, 0};
        if (strstr(line, " in ") && parse_summary(line, &one))
            last = one; /* the final summary line wins */
    }
    int status = pclose(f);
    s = last;
    printf("pytest %s: %d passed, %d failed, %d errors, %d skipped (exit %d)\n", file,
           s.passed, s.failed, s.errors, s.skipped,
           WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.errors, 0);
    assert_true(s.passed > 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_summary_parser(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        int is, passed, failed, errors, skipped;
    } rows[] = {
        {"27 passed in 2.93s\n", 1, 27, 0, 0, 0},
        {"1 failed, 26 passed, 2 skipped in 3.50s\n", 1, 26, 1, 0, 2},
        {"==== 3 passed, 1 error in 0.1s ====\n", 1, 3, 0, 1, 0},
        {"2 errors in 0.2s\n", 1, 0, 0, 2, 0},
        {"test/python/test_x.py ....   [100%]\n", 0, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        summary s = {0, 0, 0, 0};
        assert_int_equal(parse_summary(rows[i].line, &s), rows[i].is);
        assert_int_equal(s.passed, rows[i].passed);
        assert_int_equal(s.failed, rows[i].failed);
        assert_int_equal(s.errors, rows[i].errors);
        assert_int_equal(s.skipped, rows[i].skipped);
    }
}

static void test_headers_py(void **state) { (void)state; run_pytest("test_headers.py"); }
static void test_connection_py(void **state) { (void)state; run_pytest("test_connection.py"); }
static void test_quickstart_py(void **state) { (void)state; run_pytest("test_quickstart.py"); }
static void test_adapter_py(void **state) { (void)state; run_pytest("test_adapter.py"); }
static void test_httpie_py(void **state) { (void)state; run_pytest("test_httpie.py"); }

/* BUILD/test/python/test_python -> BUILD/libhyper.so, absolute. */
static void find_library(const char *argv0)
{
    char build[PATH_MAX];
    const char *tail = strstr(argv0, "test/python/test_python");
    size_t n = tail ? (size_t)(tail - argv0) : 0;
    if (n >= sizeof build - 16)
        return;
    memcpy(build, argv0, n);
    strcpy(build + n, n ? "libhyper.so" : "./libhyper.so");
    if (!realpath(build, libpath))
        libpath[0] = 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    find_library(argv[0]);
    if (libpath[0])
        setenv("HYPER_LIBRARY", libpath, 1);
#ifdef SANITIZED
    sanitizer_ok = preload_sanitizer() == 0;
#endif
#ifdef HYPER_CONFIG_NO_H1
    setenv("HYPER_TEST_NO_H1", "1", 1);
#endif
#ifdef HYPER_CONFIG_NO_PUSH
    setenv("HYPER_TEST_NO_PUSH", "1", 1);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary_parser),
        cmocka_unit_test(test_headers_py),
        cmocka_unit_test(test_connection_py),
        cmocka_unit_test(test_quickstart_py),
        cmocka_unit_test(test_adapter_py),
        cmocka_unit_test(test_httpie_py),
    };
    return cmocka_run_group_tests_name("python bindings (pytest)", tests, NULL, NULL);
}
