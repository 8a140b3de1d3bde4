/*
 * peer.h — helpers for wire tests that run a real server on loopback: find
 * a free port, start a command, read its ready line, wait until a port
 * accepts, stop it by pid, make and remove a temporary folder, make the test
 * certificates. Every wait is bounded. Only 127.0.0.1 is ever touched.
 */
#ifndef HYPER_TEST_PEER_H
#define HYPER_TEST_PEER_H

#include <stddef.h>
#include <sys/types.h>

/* A free TCP port on 127.0.0.1 (bound and released), or -1. */
int peer_free_port(void);

/*
 * Starts argv[0] (searched on PATH) with argv, stdin from /dev/null, stderr
 * inherited. When out_fd is not NULL the child's stdout goes to a pipe whose
 * read end is stored there (the caller closes it); otherwise stdout is
 * inherited. Returns the child's pid, or -1.
 */
pid_t peer_spawn(char *const argv[], int *out_fd);

/* Reads one line (without its newline, NUL-terminated) from fd, waiting at
 * most timeout_ms in total. Returns its length, or -1 (timeout, EOF, error,
 * or a line longer than cap - 1). */
long peer_read_line(int fd, char *line, size_t cap, int timeout_ms);

/* Waits until 127.0.0.1:port accepts a TCP connection, trying every 20 ms
 * for at most timeout_ms. 0 once it does, -1 otherwise. */
int peer_wait_port(int port, int timeout_ms);

/* Stops a child started by peer_spawn: SIGTERM, up to 2 s for it to exit,
 * then SIGKILL; reaps it. pid <= 0 is a no-op. */
void peer_stop(pid_t pid);

/* Runs argv to completion, waiting at most timeout_ms (then it is killed).
 * Returns its exit status (0..255), or -1 (could not run, killed, timeout).
 * Its stdout and stderr go to /dev/null unless verbose is nonzero. */
int peer_run(char *const argv[], int timeout_ms, int verbose);

/* Makes a fresh folder /tmp/hyper-<tag>-XXXXXX; stores its path in out.
 * 0 or -1. */
int peer_tmpdir(const char *tag, char *out, size_t cap);
/* Removes a folder made by peer_tmpdir and everything in it. */
void peer_rmdir(const char *dir);

/* Runs test/peers/make-certs.sh DIR (cwd must be the repository root).
 * 0 on success, -1 otherwise (also when the script is missing). */
int peer_make_certs(const char *dir);

/* 1 if the file exists and is readable, else 0. */
int peer_file_exists(const char *path);

/*
 * The httpbin-like node server (test/peers/httpbin.js) with its four
 * listeners on free ports: tls (ALPN h2 + http/1.1), h2c (prior
 * knowledge), h1tls (HTTP/1.1-only TLS), h1 (cleartext HTTP/1.1).
 */
typedef struct peer_httpbin {
    pid_t pid;
    int tls, h2c, h1tls, h1;
} peer_httpbin;

/* Starts it with the certificate and key files given; waits for its READY
 * line (at most timeout_ms). 0 or -1 (nothing left running on failure). */
int peer_httpbin_start(peer_httpbin *p, const char *cert, const char *key,
                       int timeout_ms);
void peer_httpbin_stop(peer_httpbin *p);

#endif
