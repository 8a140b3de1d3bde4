/*
 * Wire test: the HTTP/2 engine against a real server. The harness (not the
 * library) makes a temporary docroot with 100 small files of distinct
 * content and one 16 MiB + 123 octet file of pseudo-random bytes, starts
 * `nghttpd --no-tls -d DOCROOT PORT` on a free 127.0.0.1 port, and drives
 * the engine over a plain TCP socket with h2c prior knowledge: 101 requests
 * multiplexed on one connection (nghttpd allows 100 at once, so the engine
 * queues the rest), every body verified byte for byte as it arrives. The
 * server is stopped by pid and the docroot removed in the group teardown,
 * whatever happened. Bounded in time (poll timeouts, an overall deadline).
 * Skipped (not failed) when nghttpd is not installed.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "h2_script.h"

#define N_SMALL 100
#define BIG_LEN ((16u << 20) + 123u)

static char docroot[64];
static pid_t server_pid;
static int port;
static uint8_t *big_content;
static const char *nghttpd_path;

static void small_content(int i, char *buf, size_t *len)
{
    /* Distinct content and lengths: "file i" repeated i+1 times. */
    size_t n = 0;
    for (int k = 0; k <= i; k++)
        n += (size_t)sprintf(buf + n, "file %03d line %d\n", i, k);
    *len = n;
}

static void make_big(void)
{
    big_content = malloc(BIG_LEN);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < BIG_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        big_content[i] = (uint8_t)(x >> 24);
    }
}

static int write_file(const char *name, const void *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", docroot, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(p, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int start_server(void)
{
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execl(nghttpd_path, "nghttpd", "--no-tls", "-d", docroot, portstr, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) { /* up to 5 s */
        int fd = connect_server();
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        sleep_ms(50);
    }
    return -1;
}

static int group_setup(void **state)
{
    (void)state;
    static const char *const candidates[] = {"/usr/sbin/nghttpd", "/usr/bin/nghttpd",
                                             "/usr/local/bin/nghttpd"};
    for (size_t i = 0; i < 3 && !nghttpd_path; i++)
        if (access(candidates[i], X_OK) == 0)
            nghttpd_path = candidates[i];
    if (!nghttpd_path)
        return 0; /* the test skips */
    strcpy(docroot, "/tmp/hyper-h2-wire-XXXXXX");
    if (!mkdtemp(docroot))
        return -1;
    char buf[8192];
    size_t len;
    for (int i = 0; i < N_SMALL; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%03d.txt", i);
        small_content(i, buf, &len);
        if (write_file(name, buf, len) < 0)
            return -1;
    }
    make_big();
    if (write_file("big.bin", big_content, BIG_LEN) < 0)
        return -1;
    port = free_port();
    return port > 0 && start_server() == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
        server_pid = 0;
    }
    if (docroot[0]) {
        char path[128];
        for (int i = 0; i < N_SMALL; i++) {
            snprintf(path, sizeof path, "%s/f%03d.txt", docroot, i);
            unlink(path);
        }
        snprintf(path, sizeof path, "%s/big.bin", docroot);
        unlink(path);
        rmdir(docroot);
    }
    free(big_content);
    return 0;
}

struct response {
    const uint8_t *expect;
    size_t expect_len;
    size_t got;
    int status;
    int done;
};

static struct response resp[N_SMALL + 1];
static char small_buf[N_SMALL][8192];
static int32_t ids[N_SMALL + 1];

static struct response *find(int32_t id)
{
    for (int i = 0; i <= N_SMALL; i++)
        if (ids[i] == id)
            return &resp[i];
    fail_msg("event for unknown stream %d", id);
    return NULL;
}

/* Pulls every event; returns how many responses completed. */
static int handle_events(hyper_h2_session *s)
{
    hyper_event e;
    int ended = 0;
    while (hyper_h2_next_event(s, &e)) {
        struct response *r;
        switch (e.type) {
        case HYPER_EVENT_HEADERS:
            r = find(e.stream_id);
            r->status = e.status;
            assert_int_equal(e.status, 200);
            break;
        case HYPER_EVENT_DATA:
            r = find(e.stream_id);
            if (r->got + e.len > r->expect_len ||
                memcmp(r->expect + r->got, e.data, e.len) != 0)
                fail_msg("stream %d: body differs at %zu", e.stream_id, r->got);
            r->got += e.len;
            assert_int_equal(hyper_h2_consume(s, e.stream_id, e.flow_len), HYPER_OK);
            break;
        case HYPER_EVENT_END:
            r = find(e.stream_id);
            assert_int_equal(r->got, r->expect_len);
            r->done = 1;
            ended++;
            break;
        case HYPER_EVENT_RESET:
        case HYPER_EVENT_ERROR:
            fail_msg("stream %d: %s (code %u)", e.stream_id, hyper_strerror(e.error),
                     e.error_code);
            break;
        default:
            break;
        }
        hyper_headers_free(e.headers);
    }
    return ended;
}

static void submit_all(hyper_h2_session *s)
{
    for (int i = 0; i <= N_SMALL; i++) {
        char path[32];
        if (i < N_SMALL) {
            snprintf(path, sizeof path, "/f%03d.txt", i);
            small_content(i, small_buf[i], &resp[i].expect_len);
            resp[i].expect = (const uint8_t *)small_buf[i];
        } else {
            snprintf(path, sizeof path, "/big.bin");
            resp[i].expect = big_content;
            resp[i].expect_len = BIG_LEN;
        }
        hyper_h2_request r = {"GET", "http", "127.0.0.1", path, NULL, 0, NULL, 0, 1};
        ids[i] = hyper_h2_submit(s, &r);
        assert_true(ids[i] > 0);
    }
}

static void hundred_requests_over_one_connection(void **state)
{
    (void)state;
    if (!nghttpd_path)
        skip();
    test_mem tm;
    test_mem_init(&tm);
    hyper_h2_session *s;
    assert_int_equal(hyper_h2_session_init(&s, &tm.mem, NULL), HYPER_OK);
    submit_all(s);
    int fd = connect_server();
    assert_true(fd >= 0);
    static uint8_t buf[65536];
    size_t have = 0, off = 0;
    int done = 0;
    time_t deadline = time(NULL) + 60;
    while (done < N_SMALL + 1) {
        assert_true(time(NULL) < deadline);
        struct pollfd p = {fd, POLLIN, 0};
        if (hyper_h2_want_write(s))
            p.events |= POLLOUT;
        int pr = poll(&p, 1, 10000);
        assert_true(pr > 0); /* a 10 s silence means something is stuck */
        if (p.revents & POLLOUT) {
            const uint8_t *out;
            size_t n = hyper_h2_send_pending(s, &out);
            ssize_t w = send(fd, out, n, MSG_NOSIGNAL);
            assert_true(w > 0);
            assert_int_equal(hyper_h2_sent(s, (size_t)w), HYPER_OK);
        }
        if (off == have && (p.revents & (POLLIN | POLLHUP))) {
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            assert_true(r > 0);
            have = (size_t)r;
            off = 0;
        }
        while (off < have) {
            long r = hyper_h2_recv(s, buf + off, have - off);
            if (r < 0)
                fail_msg("recv: %s", hyper_strerror((int)r));
            off += (size_t)r;
            done += handle_events(s);
            if (r == 0)
                break; /* output full: send first */
        }
    }
    for (int i = 0; i <= N_SMALL; i++)
        assert_true(resp[i].done);
    close(fd);
    assert_int_equal(hyper_h2_stream_count(s), 0);
    hyper_h2_session_free(s);
    assert_int_equal(tm.in_use, 0);
    /* The engine never held more than its configured buffers. */
    assert_true(tm.peak < 512 * 1024);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hundred_requests_over_one_connection),
    };
    return cmocka_run_group_tests_name("h2_wire_nghttpd", tests, group_setup, group_teardown);
}
