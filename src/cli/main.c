/*
 * main.c — the `hyper` command: parse, build the request, run it over the
 * connection object (include/hyper.h section 10), write the responses.
 *
 * Implementation notes:
 *  - URLs of one origin given in a row share one hyper_conn: every request
 *    is started first (hyper_request), then the responses are collected in
 *    the order given, so on HTTP/2 they travel multiplexed; on HTTP/1.1 the
 *    connection object answers them in request order.
 *  - The body is read whole before connecting (a file, standard input or
 *    the JSON fields) so that a retried request (GOAWAY) can be sent again.
 *  - --no-decompress still offers gzip/deflate (the connection's default)
 *    and turns decoding off per response, so the coded bytes are shown.
 *  - Every failure ends in one line on stderr from cli_error_line and the
 *    exit status of its class (cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cli/cli.h"

typedef struct run {
    cli_args a;
    cli_item *items;
    size_t n_items;
    cli_buf body;
    int has_body, json;
    hyper_hpack_field *hdrs;
    size_t n_hdrs;
    cli_url *urls;
    size_t n_urls;
    const char *method;
    int color;       /* stdout is a terminal */
    int status_exit; /* --check-status result so far */
} run;

static void fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "hyper: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static int read_stream(FILE *f, cli_buf *out)
{
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (cli_buf_add(out, buf, n) != 0)
            return -1;
    return ferror(f) ? -1 : 0;
}

/* Reads a file (or "-": standard input) whole into out. */
static int read_body(const char *path, cli_buf *out)
{
    int in = strcmp(path, "-") == 0;
    FILE *f = in ? stdin : fopen(path, "rb");
    if (!f) {
        fail("cannot read %s: %s", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    int rc = read_stream(f, out);
    int e = errno;
    if (!in)
        fclose(f);
    if (rc != 0) {
        fail("cannot read %s: %s", in ? "standard input" : path, strerror(e));
        return CLI_EXIT_ERROR;
    }
    return 0;
}

/* The body: JSON fields, or one raw source (@file, -, --data). */
static int build_body(run *r)
{
    const char *raw = NULL;
    int sources = r->a.data != NULL;
    for (size_t i = 0; i < r->n_items; i++) {
        cli_item *it = &r->items[i];
        if (it->kind == CLI_ITEM_FIELD || it->kind == CLI_ITEM_JSON)
            r->json = 1;
        if (it->kind == CLI_ITEM_FILE || it->kind == CLI_ITEM_STDIN) {
            raw = it->kind == CLI_ITEM_FILE ? it->name : "-";
            sources++;
        }
    }
    if (sources > 1 || (sources && r->json)) {
        fail("%s%s", "give one body: JSON fields, @file, - or --data", "");
        return CLI_EXIT_USAGE;
    }
    if (r->json) {
        r->has_body = 1;
        return cli_json_object(r->items, r->n_items, &r->body) == 0 ? 0 : CLI_EXIT_ERROR;
    }
    if (r->a.data && r->a.data[0] != '@') {
        r->has_body = 1;
        return cli_buf_adds(&r->body, r->a.data) == 0 ? 0 : CLI_EXIT_ERROR;
    }
    if (r->a.data)
        raw = r->a.data + 1;
    if (!raw)
        return 0;
    r->has_body = 1;
    return read_body(raw, &r->body);
}

static int has_header(const run *r, const char *name)
{
    for (size_t i = 0; i < r->n_hdrs; i++)
        if (strlen(name) == r->hdrs[i].name_len &&
            strncasecmp(r->hdrs[i].name, name, r->hdrs[i].name_len) == 0)
            return 1;
    return 0;
}

static void add_header(run *r, const char *name, const char *value, size_t vlen)
{
    hyper_hpack_field *f = &r->hdrs[r->n_hdrs++];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->name_len = strlen(name);
    f->value = value;
    f->value_len = vlen;
}

/* Header ITEMs, then content-type/accept for a JSON body (unless given). */
static int build_headers(run *r)
{
    r->hdrs = calloc(r->n_items + 2, sizeof *r->hdrs);
    if (!r->hdrs)
        return CLI_EXIT_ERROR;
    for (size_t i = 0; i < r->n_items; i++)
        if (r->items[i].kind == CLI_ITEM_HEADER)
            add_header(r, r->items[i].name, r->items[i].value, r->items[i].value_len);
    if (r->json && !has_header(r, "content-type"))
        add_header(r, "content-type", "application/json", 16);
    if (r->json && !has_header(r, "accept"))
        add_header(r, "accept", "application/json, */*;q=0.5", 27);
    return 0;
}

static int build_urls(run *r)
{
    char err[CLI_ERR_MAX];
    r->urls = calloc(r->a.n_urls, sizeof *r->urls);
    if (!r->urls)
        return CLI_EXIT_ERROR;
    for (size_t i = 0; i < r->a.n_urls; i++) {
        int rc = cli_url_parse(&r->urls[i], r->a.urls[i], i ? &r->urls[i - 1] : NULL, NULL,
                               err, sizeof err);
        r->n_urls = i + 1;
        if (rc) {
            fail("%s%s", err, "");
            return rc;
        }
        for (size_t k = 0; k < r->n_items; k++) {
            const cli_item *it = &r->items[k];
            if (it->kind == CLI_ITEM_QUERY &&
                cli_url_add_query(&r->urls[i], it->name, it->name_len, it->value,
                                  it->value_len) != 0)
                return CLI_EXIT_ERROR;
        }
    }
    return 0;
}

static int prepare(run *r, int argc, char **argv)
{
    char err[CLI_ERR_MAX];
    int rc = cli_args_parse(&r->a, argc, argv, NULL, err, sizeof err);
    if (rc) {
        fail("%s%s", err, "");
        return rc;
    }
    if (r->a.help || r->a.version)
        return 0;
    r->items = calloc(r->a.n_items + 1, sizeof *r->items);
    if (!r->items)
        return CLI_EXIT_ERROR;
    for (; r->n_items < r->a.n_items; r->n_items++) {
        rc = cli_item_parse(r->a.items[r->n_items], &r->items[r->n_items], NULL, err,
                            sizeof err);
        if (rc) {
            fail("%s%s", err, "");
            return rc;
        }
    }
    if ((rc = build_body(r)) || (rc = build_headers(r)) || (rc = build_urls(r)))
        return rc;
    r->method = r->a.method ? r->a.method : r->has_body ? "POST" : "GET";
    return 0;
}

static void finish(run *r)
{
    for (size_t i = 0; i < r->n_items; i++)
        cli_item_free(&r->items[i], NULL);
    for (size_t i = 0; i < r->n_urls; i++)
        cli_url_free(&r->urls[i]);
    free(r->items);
    free(r->urls);
    free(r->hdrs);
    cli_buf_free(&r->body);
    cli_args_free(&r->a);
}

/* ---- running the requests ------------------------------------------------ */

static void conn_options(const run *r, const cli_url *u, hyper_conn_opts *o)
{
    hyper_conn_opts_init(o);
    o->secure = u->secure;
    o->protocol = r->a.protocol;
    o->enable_push = r->a.push;
    if (r->a.timeout_ms > 0)
        o->connect_timeout_ms = o->read_timeout_ms = r->a.timeout_ms;
    o->transport.ca_file = r->a.cacert;
    o->transport.client_cert_file = r->a.cert;
    o->transport.client_key_file = r->a.key;
    o->transport.client_key_password = r->a.key_pass;
    o->transport.insecure_skip_verify = r->a.insecure;
    if (r->a.debug)
        o->connect = cli_debug_connect;
}

static void print_request_head(const run *r, const cli_url *u, const char *proto)
{
    char auth[300];
    cli_url_authority(u, auth, sizeof auth);
    int h2 = strcmp(proto, "h2") == 0;
    printf("%s %s %s\n", r->method, u->target.data, h2 ? "HTTP/2" : "HTTP/1.1");
    if (!has_header(r, "host"))
        printf("host: %s\n", auth);
    if (!has_header(r, "user-agent"))
        printf("user-agent: hyper/%s\n", HYPER_VERSION);
    if (!has_header(r, "accept-encoding"))
        printf("accept-encoding: %s\n", hyper_content_accept_encoding());
    for (size_t i = 0; i < r->n_hdrs; i++) {
        /* HTTP/2 sends names in lower case (RFC 9113 §8.2.1). */
        for (size_t k = 0; k < r->hdrs[i].name_len; k++) {
            char ch = r->hdrs[i].name[k];
            putchar(h2 && ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        printf(": %.*s\n", (int)r->hdrs[i].value_len, r->hdrs[i].value);
    }
    if (r->has_body && !has_header(r, "content-length"))
        printf("content-length: %zu\n", r->body.len);
    putchar('\n');
    if (r->has_body && r->body.len && !memchr(r->body.data, 0, r->body.len)) {
        fwrite(r->body.data, 1, r->body.len, stdout);
        printf("\n\n");
    } else if (r->has_body && r->body.len) {
        printf("[%zu bytes of binary body not shown]\n\n", r->body.len);
    }
}

/* Prints err as the command's one error line and returns its exit status. */
static int timeout_ms = 30000; /* for the timeout message: --timeout or the default */

static int report(int err, const char *what, const char *where, const char *detail)
{
    char line[CLI_ERR_MAX + 600], waited[64];
    if (err == HYPER_ETIMEOUT) {
        snprintf(waited, sizeof waited, "no answer within %g s", timeout_ms / 1000.0);
        detail = waited;
    }
    cli_error_line(line, sizeof line, err, what, where, detail);
    fflush(stdout);
    fprintf(stderr, "hyper: %s\n", line);
    return cli_exit_for_error(err);
}

/* The length to show progress against: content-length of an uncoded body. */
static int64_t progress_total(hyper_response *resp, int decoding)
{
    const hyper_headers *h = hyper_response_headers(resp);
    const char *v;
    size_t n;
    if (decoding && hyper_headers_get(h, "content-encoding", 0, &v, &n) == HYPER_OK)
        return -1;
    if (hyper_headers_get(h, "content-length", 0, &v, &n) != HYPER_OK || n == 0 || n > 18)
        return -1;
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        t = t * 10 + (v[i] - '0');
    }
    return t;
}

/* Copies the body to stdout or (file nonzero) -o FILE. */
static int write_body(const run *r, hyper_response *resp, const char *where, int file)
{
    FILE *out = stdout;
    const char *path = file ? r->a.output : NULL;
    if (path && !(out = fopen(path, "wb"))) {
        fail("cannot write %s: %s", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    cli_progress pg;
    cli_progress_start(&pg, path && isatty(2),
                       progress_total(resp, !r->a.no_decompress));
    static char buf[65536];
    long n;
    int rc = 0;
    while ((n = hyper_response_read(resp, buf, sizeof buf)) > 0) {
        if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
            fail("cannot write %s: %s", path ? path : "standard output", strerror(errno));
            rc = CLI_EXIT_ERROR;
            break;
        }
        cli_progress_add(&pg, (size_t)n);
    }
    cli_progress_finish(&pg);
    if (n < 0 && rc == 0)
        rc = report((int)n, "body", where, NULL);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        fail("cannot write %s: %s", path, strerror(errno));
        rc = CLI_EXIT_ERROR;
    }
    fflush(stdout);
    return rc;
}

static void url_text(const cli_url *u, char *out, size_t cap)
{
    char auth[300];
    cli_url_authority(u, auth, sizeof auth);
    snprintf(out, cap, "%s://%s%s", u->secure ? "https" : "http", auth, u->target.data);
}

/* Prints one collected response (head as asked, body) and its status. A
 * pushed response goes to stdout even with -o (the file is the main one). */
static int show_response(run *r, hyper_conn *c, hyper_response *resp, const char *where,
                         int pushed)
{
    const char *proto = hyper_conn_protocol(c);
    if (r->a.no_decompress)
        hyper_response_set_decompress(resp, 0);
    if (r->a.include || r->a.verbose)
        cli_print_response_head(stdout, proto, resp, r->color);
    int rc = write_body(r, resp, where, !pushed);
    const hyper_headers *tr = hyper_response_trailers(resp);
    if (rc == 0 && r->a.verbose && tr && hyper_headers_count(tr)) {
        printf("\n");
        cli_print_fields(stdout, tr, r->color);
    }
    int st = hyper_response_status(resp);
    if (rc == 0 && r->a.check_status && cli_exit_for_status(st)) {
        fprintf(stderr, "hyper: warning: HTTP %d from %s\n", st, where);
        if (!r->status_exit)
            r->status_exit = cli_exit_for_status(st);
    }
    return rc;
}

/* --push: every resource promised on stream id, after its body was read. */
static int show_pushes(run *r, hyper_conn *c, int32_t id, const cli_url *u)
{
    int32_t p;
    while ((p = hyper_conn_next_push(c, id)) > 0) {
        const hyper_headers *req = hyper_conn_push_request(c, p);
        const char *path = "?", *m = "GET";
        size_t pl = 1, ml = 3;
        if (req) {
            hyper_headers_get(req, ":path", 0, &path, &pl);
            hyper_headers_get(req, ":method", 0, &m, &ml);
        }
        fflush(stdout);
        fprintf(stderr, "hyper: push promised on stream %d: %.*s %.*s (stream %d)\n", id,
                (int)ml, m, (int)pl, path, p);
        hyper_response *resp = hyper_get_response(c, p);
        if (!resp)
            return report(hyper_conn_last_error(c), "push", u->host, NULL);
        int rc = show_response(r, c, resp, u->host, 1);
        hyper_response_free(resp);
        if (rc)
            return rc;
    }
    return 0;
}

static int open_conn(const run *r, const cli_url *u, hyper_conn **out)
{
    hyper_conn_opts o;
    char detail[HYPER_TRANSPORT_DETAIL_MAX] = "";
    int err = 0;
    conn_options(r, u, &o);
    *out = hyper_conn_open_detail(u->host, u->port, &o, &err, detail, sizeof detail);
    if (!*out)
        return report(err, "connect", u->host, detail);
    if (r->a.debug)
        fprintf(stderr, "hyper: debug: connected to %s port %u over %s, protocol %s\n",
                u->host, (unsigned)u->port, u->secure ? "TLS" : "TCP",
                hyper_conn_protocol(*out));
    return 0;
}

/* Fetches urls[first .. first+count) over one connection. */
static int fetch_group(run *r, size_t first, size_t count)
{
    hyper_conn *c;
    int32_t *ids = calloc(count, sizeof *ids);
    char where[2048];
    int rc = ids ? open_conn(r, &r->urls[first], &c) : CLI_EXIT_ERROR;
    if (!ids || rc) {
        free(ids);
        return rc;
    }
    for (size_t i = 0; i < count && rc == 0; i++) {
        const cli_url *u = &r->urls[first + i];
        if (r->a.verbose)
            print_request_head(r, u, hyper_conn_protocol(c));
        ids[i] = hyper_request(c, r->method, u->target.data, r->hdrs, r->n_hdrs,
                               r->has_body ? r->body.data : NULL, r->body.len);
        url_text(u, where, sizeof where);
        if (ids[i] < 0)
            rc = report(ids[i], "request", where, NULL);
    }
    for (size_t i = 0; i < count && rc == 0; i++) {
        const cli_url *u = &r->urls[first + i];
        url_text(u, where, sizeof where);
        hyper_response *resp = hyper_get_response(c, ids[i]);
        if (!resp) {
            rc = report(hyper_conn_last_error(c), "response", where, NULL);
            break;
        }
        rc = show_response(r, c, resp, where, 0);
        int32_t id = hyper_response_id(resp);
        hyper_response_free(resp);
        if (rc == 0 && r->a.push && id > 0)
            rc = show_pushes(r, c, id, u);
    }
    hyper_conn_free(c);
    free(ids);
    return rc;
}

int main(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    cli_buf_init(&r.body, NULL);
    int rc = prepare(&r, argc, argv);
    if (rc == CLI_EXIT_ERROR)
        fail("%s%s", "out of memory", "");
    if (rc == 0 && r.a.help)
        fputs(cli_usage(), stdout);
    else if (rc == 0 && r.a.version)
        printf("hyper %s\n", HYPER_VERSION);
    else if (rc == 0) {
        r.color = isatty(1);
        if (r.a.timeout_ms > 0)
            timeout_ms = r.a.timeout_ms;
        for (size_t i = 0; i < r.n_urls && rc == 0;) {
            size_t k = i + 1;
            while (k < r.n_urls && cli_url_same_origin(&r.urls[i], &r.urls[k]))
                k++;
            rc = fetch_group(&r, i, k - i);
            i = k;
        }
        if (rc == 0)
            rc = r.status_exit;
    }
    finish(&r);
    if (fflush(stdout) != 0 && rc == 0)
        rc = CLI_EXIT_ERROR;
    return rc;
}
