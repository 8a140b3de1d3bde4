/*
 * peer.c — running real servers for wire tests (see peer.h).
 *
 * Implementation notes: children are started with fork + execvp and stopped
 * by the pid we got, never by name. Every wait polls with a bound, so a
 * server that does not come up fails the test instead of hanging it.
 */
#include "peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* A server must not outlive a test that crashed (an ASan abort skips the
 * teardown): on Linux the child gets SIGTERM when its parent dies. */
static void die_with_parent(void)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int peer_free_port(void)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

pid_t peer_spawn(char *const argv[], int *out_fd)
{
    int pipefd[2] = {-1, -1};
    if (out_fd && pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        if (out_fd) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    if (pid == 0) {
        die_with_parent();
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        if (out_fd) {
            dup2(pipefd[1], 1);
            close(pipefd[0]);
            close(pipefd[1]);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (out_fd) {
        close(pipefd[1]);
        *out_fd = pipefd[0];
    }
    return pid;
}

long peer_read_line(int fd, char *line, size_t cap, int timeout_ms)
{
    size_t n = 0;
    long deadline = now_ms() + timeout_ms;
    if (cap == 0)
        return -1;
    while (n < cap - 1) {
        long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t r = read(fd, line + n, 1);
        if (r <= 0)
            return -1;
        if (line[n] == '\n') {
            line[n] = 0;
            return (long)n;
        }
        n++;
    }
    return -1;
}

static int try_connect(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a);
    close(fd);
    return rc;
}

int peer_wait_port(int port, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        if (try_connect(port) == 0)
            return 0;
        if (now_ms() >= deadline)
            return -1;
        sleep_ms(20);
    }
}

void peer_stop(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        sleep_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int peer_run(char *const argv[], int timeout_ms, int verbose)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            if (!verbose) {
                dup2(devnull, 1);
                dup2(devnull, 2);
            }
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    long deadline = now_ms() + timeout_ms;
    int status;
    while (now_ms() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0)
            return -1;
        sleep_ms(10);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

int peer_tmpdir(const char *tag, char *out, size_t cap)
{
    int n = snprintf(out, cap, "/tmp/hyper-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    return mkdtemp(out) ? 0 : -1;
}

void peer_rmdir(const char *dir)
{
    /* Only folders peer_tmpdir made: a guard against an empty or odd path. */
    if (!dir || strncmp(dir, "/tmp/hyper-", 11) != 0 || strstr(dir, ".."))
        return;
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    peer_run(argv, 10000, 0);
}

int peer_file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

int peer_make_certs(const char *dir)
{
    if (!peer_file_exists("test/peers/make-certs.sh"))
        return -1;
    char *argv[] = {"sh", "test/peers/make-certs.sh", (char *)dir, NULL};
    return peer_run(argv, 60000, 0) == 0 ? 0 : -1;
}

int peer_httpbin_start(peer_httpbin *p, const char *cert, const char *key,
                       int timeout_ms)
{
    char *argv[] = {"node", "test/peers/httpbin.js", "--cert", (char *)cert,
                    "--key", (char *)key, "--tls", "0", "--h2c", "0",
                    "--h1tls", "0", "--h1", "0", NULL};
    char line[160];
    int fd = -1;
    memset(p, 0, sizeof *p);
    p->pid = peer_spawn(argv, &fd);
    if (p->pid < 0)
        return -1;
    long n = peer_read_line(fd, line, sizeof line, timeout_ms);
    close(fd);
    if (n < 0 || sscanf(line, "READY tls=%d h2c=%d h1tls=%d h1=%d", &p->tls,
                        &p->h2c, &p->h1tls, &p->h1) != 4) {
        fprintf(stderr, "peer: httpbin.js did not start (line: %s)\n", n < 0 ? "-" : line);
        peer_httpbin_stop(p);
        return -1;
    }
    return 0;
}

void peer_httpbin_stop(peer_httpbin *p)
{
    peer_stop(p->pid);
    p->pid = 0;
}
