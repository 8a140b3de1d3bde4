/*
 * cli.h — the `hyper` command's internal interface (src/cli/).
 *
 * The command is split by concern:
 *   args.c      command line -> cli_args (options, METHOD, URLs, ITEMs); pure
 *   items.c     one ITEM -> cli_item; fields -> JSON object; JSON validation; pure
 *   url.c       URL parsing, query appending, percent-encoding; pure
 *   output.c    heads, colour, error lines, exit codes
 *   progress.c  the -o progress bar (formatting is pure)
 *   debug.c     --debug: a transport tap that prints HTTP/2 frames
 *   main.c      reads bodies, opens connections, runs the requests
 * Everything but main.c, output.c's printing and debug.c's tap is a pure
 * function over memory, unit-tested in test/cli/. Allocation goes through a
 * hyper_mem so the tests can fail each allocation in turn.
 */
#ifndef HYPER_CLI_H
#define HYPER_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "hyper.h"

/* ---- exit status (documented in --help and the README) -------------------
 * 0..5 follow HTTPie: 2 timeout, 3/4/5 a 3xx/4xx/5xx with --check-status. */
#define CLI_EXIT_OK 0        /* a response was received (any status) */
#define CLI_EXIT_ERROR 1     /* other failure: a file, out of memory */
#define CLI_EXIT_TIMEOUT 2   /* connect or a wait for the server took too long */
#define CLI_EXIT_3XX 3       /* --check-status and a 3xx response */
#define CLI_EXIT_4XX 4       /* --check-status and a 4xx response */
#define CLI_EXIT_5XX 5       /* --check-status and a 5xx response */
#define CLI_EXIT_CONNECT 7   /* DNS, connect refused, connection lost */
#define CLI_EXIT_TLS 8       /* TLS handshake or certificate failure */
#define CLI_EXIT_PROTOCOL 9  /* the server broke HTTP/2, HTTP/1.1 or the content coding */
#define CLI_EXIT_USAGE 64    /* bad option, ITEM, URL or JSON (sysexits EX_USAGE) */

#define CLI_ERR_MAX 512      /* error line buffers */

/* ---- a growable byte buffer ---------------------------------------------- */
typedef struct cli_buf {
    char *data;              /* NUL-terminated when len > 0 or after cli_buf_nul */
    size_t len, cap;         /* cap counts the byte kept for the NUL */
    const hyper_mem *mem;
} cli_buf;

void cli_buf_init(cli_buf *b, const hyper_mem *mem);
void cli_buf_free(cli_buf *b);
/* Appends n bytes (keeps a NUL after them). 0, or -1 when memory fails. */
int cli_buf_add(cli_buf *b, const void *p, size_t n);
int cli_buf_adds(cli_buf *b, const char *s);
int cli_buf_addc(cli_buf *b, char c);
/* Makes data a valid (possibly empty) C string. 0 or -1. */
int cli_buf_nul(cli_buf *b);

/* ---- command line (args.c) ----------------------------------------------- */
typedef struct cli_args {
    const char *method;        /* upper case, or NULL: GET, POST with a body */
    const char **urls;         /* point into argv */
    size_t n_urls;
    const char **items;        /* ITEM arguments as given */
    size_t n_items;
    int protocol;              /* HYPER_CONN_PROTO_* */
    int verbose, include, debug, insecure, push, no_decompress, check_status;
    int help, version;
    const char *output;        /* -o FILE */
    const char *cacert, *cert, *key, *key_pass;
    const char *data;          /* --data / --data-binary value (STRING, @FILE, @-) */
    int timeout_ms;            /* --timeout in ms (rounded up); -1: not given */
    const hyper_mem *mem;
    size_t arrays_size;        /* bytes of urls and items each */
} cli_args;

/*
 * Parses argv[1..argc-1]. Options may come anywhere (until "--"); the first
 * positional is METHOD when it is all upper-case letters and more follow;
 * the next is the URL; after it an argument starting with http://, https://
 * or / is one more URL, anything else an ITEM. Returns 0, or CLI_EXIT_USAGE
 * with a one-line message in err, or CLI_EXIT_ERROR (memory). --help and
 * --version succeed without a URL.
 */
int cli_args_parse(cli_args *a, int argc, char **argv, const hyper_mem *mem,
                   char *err, size_t errlen);
void cli_args_free(cli_args *a);
/* Parses a --timeout value ("2", "2.5", ".25"): milliseconds rounded up,
 * at least 1; -1 when it is not a positive decimal number of seconds up to
 * 1e6. */
int cli_parse_seconds(const char *s);
/* The --help text. */
const char *cli_usage(void);

/* ---- ITEMs and the JSON body (items.c) ------------------------------------ */
typedef enum cli_item_kind {
    CLI_ITEM_HEADER,   /* Name:value, Name: (empty value) */
    CLI_ITEM_QUERY,    /* name==value */
    CLI_ITEM_FIELD,    /* name=value: JSON string */
    CLI_ITEM_JSON,     /* name:=json: raw JSON value */
    CLI_ITEM_FILE,     /* @path: the body is the file */
    CLI_ITEM_STDIN     /* -: the body is standard input */
} cli_item_kind;

typedef struct cli_item {
    cli_item_kind kind;
    char *name;        /* unescaped, NUL-terminated, owned (path for FILE) */
    size_t name_len;
    size_t name_size;  /* bytes allocated for name */
    const char *value; /* points into the argument (NULL for FILE, STDIN) */
    size_t value_len;
} cli_item;

/* Parses one ITEM (see cli_usage). 0, CLI_EXIT_USAGE (message in err) or
 * CLI_EXIT_ERROR (memory). Free with cli_item_free. */
int cli_item_parse(const char *arg, cli_item *it, const hyper_mem *mem,
                   char *err, size_t errlen);
void cli_item_free(cli_item *it, const hyper_mem *mem);

/* Checks that s[0..n) is exactly one JSON value (RFC 8259), with surrounding
 * whitespace; nesting deeper than 256 is refused. Returns -1 when valid, else
 * the offset of the first offending byte (n for "ends too early"). */
long cli_json_check(const char *s, size_t n);

/* Appends s as a JSON string literal (quotes, escapes for " \ and control
 * characters; other bytes as they are). 0 or -1. */
int cli_json_string(cli_buf *out, const char *s, size_t n);

/* Builds the JSON object of the FIELD and JSON items, in order; a repeated
 * name keeps its first place and takes the last value. Writes
 * {"a": "b", "n": 1} (HTTPie's spacing). 0, or -1 (memory). The JSON items
 * must have passed cli_json_check (cli_item_parse does it). */
int cli_json_object(const cli_item *items, size_t n, cli_buf *out);

/* ---- URLs (url.c) ------------------------------------------------------ */
typedef struct cli_url {
    int secure;            /* https */
    char host[256];        /* without IPv6 brackets */
    uint16_t port;
    cli_buf target;        /* path and query ("/get?a=1"), never empty */
} cli_url;

/*
 * Parses an absolute URL (http://, https://, or no scheme: https), a
 * ":port/path" shorthand for https://localhost:port/path, or, when base is
 * given, a "/path" on base's origin. The fragment is dropped; characters not
 * allowed in a request target (space, controls, non-ASCII, "<>\\^`{|}) are
 * percent-encoded. 0, CLI_EXIT_USAGE (message in err) or CLI_EXIT_ERROR.
 */
int cli_url_parse(cli_url *u, const char *s, const cli_url *base,
                  const hyper_mem *mem, char *err, size_t errlen);
void cli_url_free(cli_url *u);
/* 1 when a and b have the same scheme, host and port. */
int cli_url_same_origin(const cli_url *a, const cli_url *b);
/* Appends "name=value" (both percent-encoded) to the query, with ? or &. */
int cli_url_add_query(cli_url *u, const char *name, size_t nlen,
                      const char *value, size_t vlen);
/* Appends s percent-encoded: every octet but A-Z a-z 0-9 - . _ ~ (RFC 3986
 * §2.3 unreserved) becomes %XX. 0 or -1. */
int cli_percent_encode(cli_buf *out, const char *s, size_t n);
/* "host:port" for messages and the Host field (IPv6 in brackets; the port
 * left out when it is the scheme's default). */
void cli_url_authority(const cli_url *u, char *out, size_t cap);

/* ---- output (output.c) --------------------------------------------------- */
/* The exit status for an error code (CLI_EXIT_TIMEOUT, _CONNECT, _TLS,
 * _PROTOCOL, or _ERROR). */
int cli_exit_for_error(int err);
/* The exit status for a response status with --check-status (0, 3, 4, 5). */
int cli_exit_for_status(int status);
/*
 * One error line without the "hyper: " prefix and newline, e.g.
 * "TLS: certificate for 127.0.0.1 not trusted (untrusted CA)".
 *  what    what failed ("connect", "request", "response", "body")
 *  where   the host or URL it concerned
 *  detail  the transport's explanation, or NULL/""
 */
void cli_error_line(char *out, size_t cap, int err, const char *what,
                    const char *where, const char *detail);
/* Prints the response head (status line, fields, blank line). */
void cli_print_response_head(FILE *f, const char *protocol, const hyper_response *r,
                             int color);
/* Prints a header map's fields as "name: value" lines (trailers, pushes). */
void cli_print_fields(FILE *f, const hyper_headers *h, int color);

/* ---- progress (progress.c) -------------------------------------------------- */
/*
 * Formats one progress line: a bar and percentage when total is known
 * (total >= 0), the bytes done, the rate, and the ETA. elapsed in seconds.
 * Always NUL-terminates (cap >= 1). Returns the length written.
 */
size_t cli_progress_format(char *out, size_t cap, uint64_t done, int64_t total,
                           double elapsed);
/* Human size: "512 B", "1.5 KiB", "3.0 MiB", "1.2 GiB". */
void cli_format_size(char *out, size_t cap, double bytes);

typedef struct cli_progress {
    int active;            /* stderr is a terminal and a file is written */
    uint64_t done;
    int64_t total;
    double start, last;    /* monotonic seconds */
} cli_progress;

void cli_progress_start(cli_progress *p, int active, int64_t total);
void cli_progress_add(cli_progress *p, size_t n);
void cli_progress_finish(cli_progress *p);

/* ---- --debug (debug.c) ------------------------------------------------------ */
/* The hyper_conn_connect_fn that opens the normal transport and wraps it in
 * a tap printing every HTTP/2 frame (with its flags) sent and received to
 * stderr. ctx: unused (NULL). */
int cli_debug_connect(void *ctx, const char *host, uint16_t port, int secure,
                      const hyper_transport_opts *topts, hyper_transport *out,
                      char *detail, size_t detail_len);

#endif /* HYPER_CLI_H */
