/*
 * hyper_bench — an h2load-like load client built on the public API only
 * (include/hyper.h section 10: hyper_conn_open, hyper_request,
 * hyper_get_response, hyper_response_read). It is what `make bench-e2e`
 * runs against h2load, curl and nghttp (bench/e2e/run.py).
 *
 *   hyper-bench [-n N] [-c C] [-m M] [--h1] [--insecure | --cacert FILE]
 *               [--read chunk|copy] [-w BITS] [-W BITS] [-o FILE] [-q] URL
 *
 *  -n N        requests in all (default 1)
 *  -c C        connections (default 1); requests are spread over them
 *  -m M        requests in flight per connection (default 1). On HTTP/2
 *              these are concurrent streams; on HTTP/1.1 the connection
 *              object sends one at a time (no pipelining), so M > 1 only
 *              queues them inside the library.
 *  --h1        HTTP/1.1 (ALPN "http/1.1" over TLS); default HTTP/2: ALPN
 *              "h2" over TLS, prior knowledge over cleartext, as h2load.
 *  --insecure  accept any certificate; --cacert FILE trusts FILE only.
 *  --read      how bodies are drained: "chunk" (default) takes each piece
 *              as it arrived with hyper_response_read_chunk (no copy);
 *              "copy" copies through hyper_response_read into a 64 KiB
 *              buffer, the way most applications read.
 *  -o FILE     write every body to FILE (e.g. /dev/null, as curl -o does),
 *              one write(2) per piece; default: bodies are counted, dropped.
 *  -w BITS     per-stream receive window 2^BITS-1 (as h2load/nghttp -w);
 *              default: the library's (256 KiB).
 *  -W BITS     connection receive window 2^BITS-1 (default: the
 *              connection object's, 2^31-1).
 *  -q          print only the RESULT line.
 *
 * Implementation notes: one thread drives every connection. Each keeps a
 * ring of the ids in flight; the loop visits the connections in turn,
 * collects the oldest response of each (hyper_get_response blocks on that
 * connection only), drains its body, and starts the next request, so each
 * connection always has M requests outstanding until N are started (the
 * window h2load calls -m). Content decoding is off: like h2load we send no
 * accept-encoding, and the bench measures transport + protocol only.
 * Output ends with one line for scripts:
 *   RESULT requests=N ok=K failed=F bytes=B seconds=S proto=h2
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "hyper.h"

#define MAX_CONNS 256
#define MAX_INFLIGHT 1024
#define COPY_BUF (64u * 1024u)

typedef struct bench_opts {
    long n, conns, streams;
    int h1, insecure, quiet, copy;
    int window_bits, conn_window_bits; /* 0: defaults */
    const char *cacert, *out_path;
    int secure;
    char host[256];
    uint16_t port;
    const char *path;
} bench_opts;

typedef struct bench_conn {
    hyper_conn *c;
    int32_t ring[MAX_INFLIGHT];
    long head, count;
} bench_conn;

typedef struct bench_stats {
    long started, ok, failed;
    uint64_t bytes;
    int first_err;
    const char *proto;
} bench_stats;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: hyper-bench [-n N] [-c C] [-m M] [--h1] [--insecure | --cacert FILE]\n"
                    "                   [--read chunk|copy] [-w BITS] [-W BITS] [-o FILE] [-q] URL\n");
    return 2;
}

/* http[s]://host[:port][/path]; IPv6 literals in brackets. */
static int parse_url(bench_opts *o, const char *url)
{
    const char *p;
    if (strncmp(url, "https://", 8) == 0) {
        o->secure = 1;
        p = url + 8;
    } else if (strncmp(url, "http://", 7) == 0) {
        o->secure = 0;
        p = url + 7;
    } else {
        return -1;
    }
    const char *host_end, *rest;
    if (*p == '[') {
        host_end = strchr(p, ']');
        if (!host_end)
            return -1;
        p++;
        rest = host_end + 1;
    } else {
        host_end = p + strcspn(p, ":/");
        rest = host_end;
    }
    size_t hl = (size_t)(host_end - p);
    if (hl == 0 || hl >= sizeof o->host)
        return -1;
    memcpy(o->host, p, hl);
    o->host[hl] = 0;
    o->port = o->secure ? 443 : 80;
    if (*rest == ':') {
        char *end;
        long port = strtol(rest + 1, &end, 10);
        if (port <= 0 || port > 65535 || (*end && *end != '/'))
            return -1;
        o->port = (uint16_t)port;
        rest = end;
    }
    o->path = *rest ? rest : "/";
    return 0;
}

static long num_arg(const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    return v;
}

static int parse_args(bench_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->n = o->conns = o->streams = 1;
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-n") && v) {
            o->n = num_arg(v, 1, 1000000000L), i++;
        } else if (!strcmp(a, "-c") && v) {
            o->conns = num_arg(v, 1, MAX_CONNS), i++;
        } else if (!strcmp(a, "-m") && v) {
            o->streams = num_arg(v, 1, MAX_INFLIGHT), i++;
        } else if (!strcmp(a, "--h1")) {
            o->h1 = 1;
        } else if (!strcmp(a, "--insecure") || !strcmp(a, "-k")) {
            o->insecure = 1;
        } else if (!strcmp(a, "--cacert") && v) {
            o->cacert = v, i++;
        } else if (!strcmp(a, "--read") && v) {
            if (strcmp(v, "copy") && strcmp(v, "chunk"))
                return -1;
            o->copy = !strcmp(v, "copy"), i++;
        } else if (!strcmp(a, "-w") && v) {
            o->window_bits = (int)num_arg(v, 1, 31), i++;
        } else if (!strcmp(a, "-W") && v) {
            o->conn_window_bits = (int)num_arg(v, 16, 31), i++;
        } else if (!strcmp(a, "-o") && v) {
            o->out_path = v, i++;
        } else if (!strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] != '-' && !url) {
            url = a;
        } else {
            return -1;
        }
    }
    if (!url || o->window_bits < 0 || o->conn_window_bits < 0 || o->n < 1 || o->conns < 1 || o->streams < 1 || parse_url(o, url) != 0)
        return -1;
    return 0;
}

static hyper_conn *open_one(const bench_opts *o, int *err)
{
    hyper_conn_opts co;
    hyper_conn_opts_init(&co);
    co.secure = o->secure;
    co.protocol = o->h1 ? HYPER_CONN_PROTO_HTTP1 : HYPER_CONN_PROTO_H2;
    co.decompress = 0;
    co.transport.ca_file = o->cacert;
    co.transport.insecure_skip_verify = o->insecure;
    if (o->window_bits)
        co.h2.initial_window_size = (uint32_t)((1ull << o->window_bits) - 1);
    if (o->conn_window_bits)
        co.h2.connection_window_size = (uint32_t)((1ull << o->conn_window_bits) - 1);
    char detail[HYPER_TRANSPORT_DETAIL_MAX];
    hyper_conn *c = hyper_conn_open_detail(o->host, o->port, &co, err, detail, sizeof detail);
    if (!c)
        fprintf(stderr, "hyper-bench: connect %s:%u: %s (%s)\n", o->host, (unsigned)o->port,
                hyper_strerror(*err), detail);
    return c;
}

static void note_error(bench_stats *st, int err)
{
    st->failed++;
    if (!st->first_err)
        st->first_err = err;
}

/* Starts one request on bc. 0 on success, the error otherwise. */
static int start_one(const bench_opts *o, bench_conn *bc, bench_stats *st)
{
    int32_t id = hyper_request(bc->c, "GET", o->path, NULL, 0, NULL, 0);
    st->started++;
    if (id < 0) {
        note_error(st, id);
        return id;
    }
    bc->ring[(bc->head + bc->count) % MAX_INFLIGHT] = id;
    bc->count++;
    return 0;
}

/* Reads the whole body of r; returns 0 or the read error. */
static int drain(const bench_opts *o, hyper_response *r, int out, uint8_t *buf,
                 bench_stats *st)
{
    for (;;) {
        const uint8_t *p = buf;
        long n = o->copy ? hyper_response_read(r, buf, COPY_BUF)
                         : hyper_response_read_chunk(r, &p);
        if (n <= 0)
            return (int)n;
        st->bytes += (uint64_t)n;
        for (size_t done = 0; out >= 0 && done < (size_t)n;) {
            ssize_t w = write(out, p + done, (size_t)n - done);
            if (w < 0 && errno != EINTR)
                return HYPER_EIO;
            done += w > 0 ? (size_t)w : 0;
        }
    }
}

/* Collects the oldest response of bc and drains it. */
static void finish_one(const bench_opts *o, bench_conn *bc, bench_stats *st, int out,
                       uint8_t *buf)
{
    int32_t id = bc->ring[bc->head];
    bc->head = (bc->head + 1) % MAX_INFLIGHT;
    bc->count--;
    hyper_response *r = hyper_get_response(bc->c, id);
    if (!r) {
        note_error(st, hyper_conn_last_error(bc->c));
        return;
    }
    int status = hyper_response_status(r);
    int e = drain(o, r, out, buf, st);
    hyper_response_free(r);
    if (e < 0)
        note_error(st, e);
    else if (status < 200 || status > 299)
        note_error(st, HYPER_EINVAL);
    else
        st->ok++;
}

static int run(const bench_opts *o, bench_conn *conns, bench_stats *st, int out,
               uint8_t *buf)
{
    long per = o->streams;
    for (long i = 0; i < o->conns; i++)
        for (long k = 0; k < per && st->started < o->n; k++)
            start_one(o, &conns[i], st);
    long busy = 1;
    while (busy) {
        busy = 0;
        for (long i = 0; i < o->conns; i++) {
            bench_conn *bc = &conns[i];
            if (bc->count == 0)
                continue;
            busy = 1;
            finish_one(o, bc, st, out, buf);
            if (st->started < o->n)
                start_one(o, bc, st);
            /* A connection that fails everything must not spin forever. */
            if (st->failed > 100 && st->failed > st->ok)
                return -1;
        }
    }
    return 0;
}

static void report(const bench_opts *o, const bench_stats *st, double secs)
{
    if (!o->quiet) {
        printf("protocol: %s, %ld connection(s), %ld in flight each\n",
               st->proto ? st->proto : "-", o->conns, o->streams);
        printf("finished in %.3fs, %.1f req/s, %.2f MB/s\n", secs,
               secs > 0 ? (double)st->ok / secs : 0.0,
               secs > 0 ? (double)st->bytes / secs / 1e6 : 0.0);
        printf("requests: %ld total, %ld started, %ld succeeded, %ld failed\n", o->n,
               st->started, st->ok, st->failed);
        if (st->first_err)
            printf("first error: %s (%s)\n", hyper_strerror_name(st->first_err),
                   hyper_strerror(st->first_err));
    }
    printf("RESULT requests=%ld ok=%ld failed=%ld bytes=%llu seconds=%.6f proto=%s\n", o->n,
           st->ok, st->failed, (unsigned long long)st->bytes, secs,
           st->proto ? st->proto : "-");
}

int main(int argc, char **argv)
{
    bench_opts o;
    if (parse_args(&o, argc, argv) != 0)
        return usage();
    int out = -1;
    if (o.out_path && (out = open(o.out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
        fprintf(stderr, "hyper-bench: %s: %s\n", o.out_path, strerror(errno));
        return 1;
    }
    bench_conn *conns = calloc((size_t)o.conns, sizeof *conns);
    uint8_t *buf = malloc(COPY_BUF);
    bench_stats st;
    memset(&st, 0, sizeof st);
    int rc = 1;
    double t0 = now_s();
    if (!conns || !buf)
        goto done;
    for (long i = 0; i < o.conns; i++) {
        int err = 0;
        if (!(conns[i].c = open_one(&o, &err)))
            goto done;
    }
    st.proto = hyper_conn_protocol(conns[0].c);
    rc = run(&o, conns, &st, out, buf) == 0 && st.failed == 0 ? 0 : 1;
    report(&o, &st, now_s() - t0);
done:
    for (long i = 0; conns && i < o.conns; i++)
        hyper_conn_free(conns[i].c);
    free(conns);
    free(buf);
    if (out >= 0 && close(out) != 0)
        rc = 1;
    return rc;
}
