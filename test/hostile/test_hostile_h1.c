/*
 * Hostile HTTP/1.1 servers (issue 5): one cmocka test per row of the table
 * below, each naming a scenario of test/hostile/scenarios_h1.py (sent by
 * the script to a client that speaks HTTP/1.1 only) and the error hyper
 * must return to the user through the public connection API, with the
 * body octets readable before it. Endless inputs (4 MiB) must stop at the
 * HTTP/1.1 engine's bounds (max_line, max_headers, max_head); every row is
 * bounded in time and memory (hostile_harness.h). RFC 9112 sections in
 * scenarios_h1.py. HX_ONLY=<pattern> runs the matching rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "hostile_harness.h"

#define NONE W(WANT_NONE)
#define ANY {SENT_ANY, 0, C(CEND)}
#define H1(name, flags, errs, min_body) {name, P_ONE, F_H1 | (flags), errs, NONE, min_body, ANY}

static const hx_scenario table[] = {
    H1("h1_ok", 0, W(WANT_OK), 0),
    H1("h1_endless_headers", 0, W(HYPER_EH1_TOO_MANY_HEADERS, HYPER_EH1_HEAD_TOO_LARGE), 0),
    H1("h1_endless_header_line", 0, W(HYPER_EH1_LINE_TOO_LONG, HYPER_EH1_HEAD_TOO_LARGE), 0),
    H1("h1_endless_status_line", 0,
       W(HYPER_EH1_LINE_TOO_LONG, HYPER_EH1_HEAD_TOO_LARGE, HYPER_EH1_STATUS_LINE), 0),
    H1("h1_endless_chunk_size", 0,
       W(HYPER_EH1_LINE_TOO_LONG, HYPER_EH1_CHUNK_SIZE_OVERFLOW, HYPER_EH1_CHUNK_SIZE), 0),
    H1("h1_endless_chunk_ext", 0, W(HYPER_EH1_LINE_TOO_LONG), 0),
    H1("h1_chunk_overflow", 0, W(HYPER_EH1_CHUNK_SIZE_OVERFLOW, HYPER_EH1_CHUNK_SIZE), 0),
    H1("h1_negative_cl", 0, W(HYPER_EH1_CONTENT_LENGTH), 0),
    H1("h1_huge_cl", 0, W(HYPER_EH1_CONTENT_LENGTH), 0),
    H1("h1_big_cl_truncated", 0, W(HYPER_EH1_TRUNCATED), 14),
    H1("h1_truncated_body", 0, W(HYPER_EH1_TRUNCATED), 14),
    H1("h1_truncated_chunked", 0, W(HYPER_EH1_TRUNCATED), 14),
    H1("h1_cl_conflict", 0, W(HYPER_EH1_CONTENT_LENGTH_CONFLICT), 0),
    H1("h1_slow_drip", F_NOSPIN | F_DEADLINE, W(HYPER_ECONN_DEADLINE), 0),
    /* over TLS (ALPN http/1.1) */
    H1("h1_ok", F_TLS, W(WANT_OK), 0),
    H1("h1_endless_headers", F_TLS, W(HYPER_EH1_TOO_MANY_HEADERS, HYPER_EH1_HEAD_TOO_LARGE), 0),
    H1("h1_truncated_body", F_TLS, W(HYPER_EH1_TRUNCATED), 14),
};

#define N (sizeof table / sizeof table[0])

static void run_one(void **state)
{
    hx_run((const hx_scenario *)*state);
}

int main(void)
{
    static char names[N][64];
    struct CMUnitTest tests[N];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "%s%s", table[i].flags & F_TLS ? "tls/" : "",
                 table[i].name);
        tests[i] = (struct CMUnitTest){names[i], run_one, NULL, NULL, (void *)&table[i]};
    }
    if (getenv("HX_ONLY"))
        cmocka_set_test_filter(getenv("HX_ONLY"));
    return cmocka_run_group_tests_name("hostile_h1", tests, hx_setup, hx_teardown);
}
