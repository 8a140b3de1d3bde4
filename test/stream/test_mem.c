/*
 * Allocation failure injection over a whole HTTP/2 exchange: session init,
 * requests with bodies, a server push, responses with headers, DATA and
 * trailers, PING, GOAWAY. Every allocation is failed in turn (test_mem's
 * fail_at): the engine must report errors, never crash, and give back
 * every byte once freed. The exchange is also checked to complete when
 * nothing fails.
 */
#include "h2_script.h"

static uint8_t server[8192];
static size_t server_len;

/* The server's side of the exchange, built once with the harness. */
static void build_server(void)
{
    h2t t;
    t_init(&t, NULL, 0);
    hyper_frame_setting set[] = {{HYPER_SETTINGS_HEADER_TABLE_SIZE, 8192},
                                 {HYPER_SETTINGS_MAX_CONCURRENT_STREAMS, 10}};
    srv_settings(&t, set, 2);
    srv_settings_ack(&t);
#ifndef HYPER_CONFIG_NO_PUSH
    srv_promise(&t, 1, 2, "/pushed");
#endif
    srv_headers(&t, 1, EH, ":status", "200", "content-type", "text/plain", "x-long",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL);
    srv_data(&t, 1, 0, "hello", 5);
    srv_headers(&t, 1, EH | ES, "x-trailer", "yes", NULL);
#ifndef HYPER_CONFIG_NO_PUSH
    srv_headers(&t, 2, EH | ES, ":status", "200", NULL);
#endif
    srv_headers(&t, 3, EH, ":status", "103", NULL);
    srv_headers(&t, 3, EH, ":status", "200", "content-length", "3", NULL);
    srv_data(&t, 3, ES, "abc", 3);
    srv_ping(&t, "12345678", 0);
    srv_goaway(&t, 3, HYPER_H2_NO_ERROR, "done");
    memcpy(server, t.in, t.in_len);
    server_len = t.in_len;
    t.in_len = 0;
    t_done(&t);
}

static void pump(hyper_h2_session *s)
{
    const uint8_t *p;
    size_t n;
    while ((n = hyper_h2_send_pending(s, &p)) > 0)
        assert_int_equal(hyper_h2_sent(s, n), HYPER_OK);
}

/* Streams that end when everything works: 1, 3 and the pushed 2. */
#ifdef HYPER_CONFIG_NO_PUSH
#define ENDS 2
#else
#define ENDS 3
#endif

/* Returns the number of END events seen (ENDS when everything worked). */
static int exchange(test_mem *tm)
{
    hyper_h2_options o;
    hyper_h2_options_init(&o);
#ifndef HYPER_CONFIG_NO_PUSH
    o.enable_push = 1;
#endif
    hyper_h2_session *s;
    if (hyper_h2_session_init(&s, &tm->mem, &o) < 0)
        return -1;
    hyper_hpack_field f[] = {{"user-agent", 10, "hyper", 5, 0}};
    hyper_h2_request r1 = {"POST", "https", "a", "/up", f, 1, (const uint8_t *)"body", 4, 0};
    hyper_h2_request r2 = {"GET", "https", "a", "/", NULL, 0, NULL, 0, 1};
    int32_t id1 = hyper_h2_submit(s, &r1);
    (void)hyper_h2_submit(s, &r2);
    if (id1 > 0)
        (void)hyper_h2_send_data(s, id1, (const uint8_t *)"more", 4, 1);
    (void)hyper_h2_ping(s, (const uint8_t *)"ourping!");
    pump(s);
    int ends = 0;
    size_t pos = 0;
    while (pos < server_len) {
        long n = hyper_h2_recv(s, server + pos, server_len - pos);
        if (n < 0)
            break;
        pos += (size_t)n;
        hyper_event e;
        while (hyper_h2_next_event(s, &e)) {
            hyper_headers_free(e.headers);
            if (e.type == HYPER_EVENT_DATA)
                assert_int_equal(hyper_h2_consume(s, e.stream_id, e.flow_len), HYPER_OK);
            ends += e.type == HYPER_EVENT_END;
        }
        pump(s);
        if (n == 0)
            break; /* cannot happen with the defaults: would be a bug */
    }
    hyper_h2_session_free(s);
    return ends;
}

static void whole_exchange_works(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    assert_int_equal(exchange(&tm), ENDS);
    assert_int_equal(tm.in_use, 0);
    assert_int_equal(tm.blocks, 0);
    assert_false(tm.size_mismatch);
    assert_true(tm.calls > 10);
}

static void every_allocation_fails_in_turn(void **state)
{
    (void)state;
    test_mem tm;
    test_mem_init(&tm);
    exchange(&tm);
    size_t total = tm.calls;
    int completed = 0;
    for (size_t k = 1; k <= total + 1; k++) {
        test_mem_init(&tm);
        tm.fail_at = k;
        int ends = exchange(&tm);
        completed += ends == ENDS;
        if (tm.in_use != 0 || tm.blocks != 0 || tm.size_mismatch)
            fail_msg("fail_at %zu: %zu bytes in %zu blocks left", k, tm.in_use, tm.blocks);
    }
    /* Past the last allocation nothing fails and the exchange completes. */
    assert_true(completed >= 1);
}

int main(void)
{
    build_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_exchange_works),
        cmocka_unit_test(every_allocation_fails_in_turn),
    };
    return cmocka_run_group_tests_name("h2_mem", tests, NULL, NULL);
}
