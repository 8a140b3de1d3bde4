/*
 * args.c — the command line: `hyper [options] [METHOD] URL [URL ...] [ITEM ...]`.
 *
 * Implementation notes:
 *  - Options may be mixed with positionals (HTTPie allows it); "--" ends
 *    them. Short flags group ("-vi"), "-oFILE" and "--opt=value" work.
 *  - METHOD is recognised only in upper case, so "localhost" is never taken
 *    for a method; the METHOD must be followed by a URL.
 *  - After the first URL, arguments starting with http://, https:// or "/"
 *    are more URLs; everything else is an ITEM, checked later (items.c) so
 *    the error names the ITEM.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static const char USAGE[] =
"usage: hyper [options] [METHOD] URL [URL ...] [ITEM ...]\n"
"\n"
"Makes HTTP/2 requests (HTTP/1.1 when the server has no HTTP/2) and writes\n"
"each response body to standard output, exactly as received (decompressed).\n"
"\n"
"METHOD   GET, or POST when there is a body; upper case (PUT, DELETE, ...)\n"
"URL      https://host[:port]/path, http://..., host/path (https),\n"
"         :port/path (https://localhost:port/path). After the first URL,\n"
"         /path means the same origin: all URLs of one origin given in a\n"
"         row are fetched over one HTTP/2 connection, multiplexed.\n"
"ITEM     Name:value    request header (Name: sends an empty value)\n"
"         name==value   query parameter, percent-encoded, appended to the URL\n"
"         name=value    JSON string field   } the fields make one JSON object\n"
"         name:=json    raw JSON field      } body, content-type application/json\n"
"         @file         the body is the file\n"
"         -             the body is standard input\n"
"         A backslash escapes a separator in the name (a\\:b=c).\n"
"\n"
"Options:\n"
"  --h2                  HTTP/2 only (prior knowledge on http://, ALPN h2 on https://)\n"
"  --http1.1             HTTP/1.1 only\n"
"  -v, --verbose         print the request and response heads\n"
"  -i, --include         print the response head before the body\n"
"  -o, --output FILE     write the body to FILE (progress bar on a terminal)\n"
"  --data STRING|@FILE|@-    the body (also --data-binary; sent exactly)\n"
"  --timeout S           seconds (2.5 works) for connecting and for every wait\n"
"                        for the server\n"
"  --insecure, -k        accept any certificate (DANGEROUS: tests only)\n"
"  --cacert FILE         trust the CAs in FILE instead of the system's\n"
"  --cert FILE --key FILE [--pass PASSWORD]   client certificate\n"
"  --push                accept server push and print pushed resources\n"
"  --no-decompress       write gzip/deflate bodies as they came\n"
"  --check-status        exit 3, 4, 5 for a 3xx, 4xx, 5xx response\n"
"  --debug               protocol chosen and every HTTP/2 frame (with flags)\n"
"                        sent and received, on standard error\n"
"  --version, --help\n"
"\n"
"Exit status:\n"
"  0   a response was received (whatever its status, without --check-status)\n"
"  1   other failure (a file could not be read or written, out of memory)\n"
"  2   timeout (connecting, or waiting for the server)\n"
"  3, 4, 5   --check-status: the response was 3xx, 4xx, 5xx\n"
"  7   connection failure (DNS, refused, connection lost)\n"
"  8   TLS failure (handshake, certificate not trusted or not matching)\n"
"  9   protocol failure (the server broke HTTP/2, HTTP/1.1 or gzip/deflate)\n"
"  64  usage error (bad option, URL, ITEM or JSON)\n";

const char *cli_usage(void)
{
    return USAGE;
}

int cli_parse_seconds(const char *s)
{
    double whole = 0, frac = 0, scale = 1;
    int nd = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, nd++)
        whole = whole * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, nd++) {
            scale /= 10;
            frac += (*p - '0') * scale;
        }
    if (*p || nd == 0)
        return -1;
    double ms = (whole + frac) * 1000.0;
    if (ms <= 0 || ms > 1e9)
        return -1;
    int r = (int)ms;
    return r < ms ? r + 1 : r;
}

typedef struct optdef {
    const char *lng;
    char shrt;
    int takes_value;
} optdef;

static const optdef OPTS[] = {
    {"h2", 0, 0}, {"http2", 0, 0}, {"http1.1", 0, 0}, {"debug", 0, 0},
    {"verbose", 'v', 0}, {"include", 'i', 0}, {"output", 'o', 1},
    {"insecure", 'k', 0}, {"cacert", 0, 1}, {"cert", 0, 1}, {"key", 0, 1},
    {"pass", 0, 1}, {"timeout", 0, 1}, {"push", 0, 0}, {"no-decompress", 0, 0},
    {"check-status", 0, 0}, {"data", 0, 1}, {"data-binary", 0, 1},
    {"version", 0, 0}, {"help", 'h', 0},
};
#define NOPTS (sizeof OPTS / sizeof OPTS[0])

/* Applies a recognised option. */
static int apply(cli_args *a, const optdef *o, const char *val, char *err, size_t errlen)
{
    const char *n = o->lng;
    if (!strcmp(n, "h2") || !strcmp(n, "http2") || !strcmp(n, "http1.1")) {
        int p = !strcmp(n, "http1.1") ? HYPER_CONN_PROTO_HTTP1 : HYPER_CONN_PROTO_H2;
        if (a->protocol != HYPER_CONN_PROTO_AUTO && a->protocol != p) {
            snprintf(err, errlen, "--h2 and --http1.1 exclude each other");
            return CLI_EXIT_USAGE;
        }
        a->protocol = p;
    } else if (!strcmp(n, "debug")) a->debug = 1;
    else if (!strcmp(n, "verbose")) a->verbose = 1;
    else if (!strcmp(n, "include")) a->include = 1;
    else if (!strcmp(n, "output")) a->output = val;
    else if (!strcmp(n, "insecure")) a->insecure = 1;
    else if (!strcmp(n, "cacert")) a->cacert = val;
    else if (!strcmp(n, "cert")) a->cert = val;
    else if (!strcmp(n, "key")) a->key = val;
    else if (!strcmp(n, "pass")) a->key_pass = val;
    else if (!strcmp(n, "push")) a->push = 1;
    else if (!strcmp(n, "no-decompress")) a->no_decompress = 1;
    else if (!strcmp(n, "check-status")) a->check_status = 1;
    else if (!strcmp(n, "version")) a->version = 1;
    else if (!strcmp(n, "help")) a->help = 1;
    else if (!strcmp(n, "timeout")) {
        a->timeout_ms = cli_parse_seconds(val);
        if (a->timeout_ms < 0) {
            snprintf(err, errlen, "--timeout '%s': not a positive number of seconds", val);
            return CLI_EXIT_USAGE;
        }
    } else { /* data, data-binary */
        if (a->data) {
            snprintf(err, errlen, "--data given twice");
            return CLI_EXIT_USAGE;
        }
        a->data = val;
    }
    return 0;
}

/* A long option at argv[*i] ("--name" or "--name=value"). */
static int long_option(cli_args *a, int argc, char **argv, int *i, char *err, size_t errlen)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    for (size_t k = 0; k < NOPTS; k++) {
        if (strlen(OPTS[k].lng) != n || strncmp(OPTS[k].lng, arg, n) != 0)
            continue;
        const char *val = NULL;
        if (OPTS[k].takes_value) {
            if (eq) {
                val = eq + 1;
            } else if (*i + 1 < argc) {
                val = argv[++*i];
            } else {
                snprintf(err, errlen, "option --%s needs a value", OPTS[k].lng);
                return CLI_EXIT_USAGE;
            }
        } else if (eq) {
            snprintf(err, errlen, "option --%s takes no value", OPTS[k].lng);
            return CLI_EXIT_USAGE;
        }
        return apply(a, &OPTS[k], val, err, errlen);
    }
    snprintf(err, errlen, "unknown option '%s' (see hyper --help)", argv[*i]);
    return CLI_EXIT_USAGE;
}

/* Short options at argv[*i]: "-v", "-vi", "-o FILE", "-oFILE". */
static int short_options(cli_args *a, int argc, char **argv, int *i, char *err,
                         size_t errlen)
{
    const char *p = argv[*i] + 1;
    for (; *p; p++) {
        const optdef *o = NULL;
        for (size_t k = 0; k < NOPTS; k++)
            if (OPTS[k].shrt == *p)
                o = &OPTS[k];
        if (!o) {
            snprintf(err, errlen, "unknown option '-%c' (see hyper --help)", *p);
            return CLI_EXIT_USAGE;
        }
        const char *val = NULL;
        if (o->takes_value) {
            if (p[1]) {
                val = p + 1;
            } else if (*i + 1 < argc) {
                val = argv[++*i];
            } else {
                snprintf(err, errlen, "option -%c needs a value", *p);
                return CLI_EXIT_USAGE;
            }
        }
        int rc = apply(a, o, val, err, errlen);
        if (rc || val)
            return rc;
    }
    return 0;
}

static int is_method(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

static int looks_like_url(const char *s)
{
    return s[0] == '/' || strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* Sorts the positionals (pos[0..np)) into METHOD, URLs and ITEMs. */
static int positionals(cli_args *a, const char **pos, size_t np, char *err, size_t errlen)
{
    size_t k = 0;
    if (np >= 2 && is_method(pos[0]))
        a->method = pos[k++];
    if (k >= np) {
        snprintf(err, errlen, "no URL given (see hyper --help)");
        return CLI_EXIT_USAGE;
    }
    a->urls[a->n_urls++] = pos[k++];
    for (; k < np; k++) {
        if (looks_like_url(pos[k]))
            a->urls[a->n_urls++] = pos[k];
        else
            a->items[a->n_items++] = pos[k];
    }
    return 0;
}

int cli_args_parse(cli_args *a, int argc, char **argv, const hyper_mem *mem, char *err,
                   size_t errlen)
{
    memset(a, 0, sizeof *a);
    a->mem = mem ? mem : hyper_mem_default();
    a->timeout_ms = -1;
    size_t cap = (size_t)(argc > 0 ? argc : 1) * sizeof(char *);
    const char **pos = a->mem->alloc(a->mem->ctx, cap);
    a->urls = a->mem->alloc(a->mem->ctx, cap);
    a->items = a->mem->alloc(a->mem->ctx, cap);
    a->arrays_size = cap;
    int rc = 0;
    size_t np = 0;
    if (!pos || !a->urls || !a->items) {
        rc = CLI_EXIT_ERROR;
        goto out;
    }
    int opts_done = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *s = argv[i];
        if (!opts_done && strcmp(s, "--") == 0)
            opts_done = 1;
        else if (!opts_done && s[0] == '-' && s[1] == '-')
            rc = long_option(a, argc, argv, &i, err, errlen);
        else if (!opts_done && s[0] == '-' && s[1])
            rc = short_options(a, argc, argv, &i, err, errlen);
        else
            pos[np++] = s;
    }
    if (rc == 0 && !a->help && !a->version)
        rc = positionals(a, pos, np, err, errlen);
    if (rc == 0 && a->output && a->n_urls > 1) {
        snprintf(err, errlen, "-o FILE takes one URL, %zu given", a->n_urls);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && (a->cert != NULL) != (a->key != NULL)) {
        snprintf(err, errlen, "--cert and --key go together");
        rc = CLI_EXIT_USAGE;
    }
out:
    if (pos)
        a->mem->free(a->mem->ctx, pos, cap);
    if (rc == CLI_EXIT_ERROR)
        snprintf(err, errlen, "out of memory");
    return rc;
}

void cli_args_free(cli_args *a)
{
    if (!a->mem)
        return;
    if (a->urls)
        a->mem->free(a->mem->ctx, (void *)a->urls, a->arrays_size);
    if (a->items)
        a->mem->free(a->mem->ctx, (void *)a->items, a->arrays_size);
    a->urls = a->items = NULL;
}
