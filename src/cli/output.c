/*
 * output.c — what the command prints besides bodies: response heads (the
 * status line coloured on a terminal), error lines and exit codes.
 *
 * Implementation notes:
 *  - An error line names the layer that failed, what and where, in words
 *    ("TLS: certificate for 127.0.0.1 not trusted (untrusted CA)"); the
 *    constant's name follows in brackets only for engine errors, where the
 *    text alone may be too terse to search for.
 *  - Error codes map to exit codes by their block in enum hyper_error, so a
 *    code added later to a block lands in the right class.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

int cli_exit_for_error(int err)
{
    if (err == HYPER_ETIMEOUT || err == HYPER_ECONN_DEADLINE)
        return CLI_EXIT_TIMEOUT;
    if (err <= -160 && err >= -179)
        return CLI_EXIT_TLS;
    if ((err <= -150 && err >= -159) || err == HYPER_ECONN_CLOSED ||
        err == HYPER_ECONN_NOT_PROCESSED)
        return CLI_EXIT_CONNECT;
    if ((err <= -20 && err >= -149) || err == HYPER_ECONN_NO_H2)
        return CLI_EXIT_PROTOCOL;
    return CLI_EXIT_ERROR;
}

int cli_exit_for_status(int status)
{
    if (status >= 300 && status <= 399)
        return CLI_EXIT_3XX;
    if (status >= 400 && status <= 499)
        return CLI_EXIT_4XX;
    if (status >= 500 && status <= 599)
        return CLI_EXIT_5XX;
    return CLI_EXIT_OK;
}

/* Certificate problems: words a user understands, without mbedTLS's text. */
static const char *tls_words(int err)
{
    switch (err) {
    case HYPER_ETLS_UNTRUSTED: return "not trusted (untrusted CA)";
    case HYPER_ETLS_HOSTNAME: return "does not match the host name";
    case HYPER_ETLS_EXPIRED: return "has expired";
    case HYPER_ETLS_NOT_YET_VALID: return "is not valid yet";
    case HYPER_ETLS_VERIFY: return "rejected";
    default: return NULL;
    }
}

static void tls_line(char *out, size_t cap, int err, const char *where, const char *detail)
{
    const char *w = tls_words(err);
    int has = detail && *detail;
    if (w && err == HYPER_ETLS_VERIFY && has)
        snprintf(out, cap, "TLS: certificate for %s %s (%s)", where, w, detail);
    else if (w)
        snprintf(out, cap, "TLS: certificate for %s %s", where, w);
    else if (err == HYPER_ETLS_CA_FILE)
        snprintf(out, cap, "TLS: cannot load the CA certificates%s%s", has ? ": " : "",
                 has ? detail : "");
    else if (err == HYPER_ETLS_CLIENT_CERT)
        snprintf(out, cap, "TLS: cannot use the client certificate or key%s%s",
                 has ? ": " : "", has ? detail : "");
    else if (err == HYPER_ETLS_CERT_REQUIRED)
        snprintf(out, cap, "TLS: %s requires a valid client certificate (--cert, --key)",
                 where);
    else if (err == HYPER_ETLS_ALPN)
        snprintf(out, cap, "TLS: %s has no application protocol in common with us (ALPN)",
                 where);
    else
        snprintf(out, cap, "TLS: %s with %s%s%s", hyper_strerror(err), where,
                 has ? ": " : "", has ? detail : "");
}

void cli_error_line(char *out, size_t cap, int err, const char *what, const char *where,
                    const char *detail)
{
    int has = detail && *detail;
    int cls = cli_exit_for_error(err);
    if (cls == CLI_EXIT_TLS) {
        tls_line(out, cap, err, where, detail);
    } else if (err == HYPER_EDNS) {
        snprintf(out, cap, "connection: cannot resolve host %s%s%s", where,
                 has ? ": " : "", has ? detail : "");
    } else if (cls == CLI_EXIT_CONNECT && has) {
        snprintf(out, cap, "connection: %s", detail);
    } else if (cls == CLI_EXIT_CONNECT) {
        snprintf(out, cap, "connection: %s (%s) with %s", hyper_strerror(err), what, where);
    } else if (cls == CLI_EXIT_TIMEOUT) {
        snprintf(out, cap, "timeout: %s: %s", where, has ? detail : hyper_strerror(err));
    } else if (cls == CLI_EXIT_PROTOCOL) {
        snprintf(out, cap, "protocol: %s: %s (%s, %s)", where, hyper_strerror(err), what,
                 hyper_strerror_name(err));
    } else {
        snprintf(out, cap, "%s %s: %s%s%s", what, where, hyper_strerror(err),
                 has ? ": " : "", has ? detail : "");
    }
}

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_RED "\033[31m"
#define C_CYAN "\033[36m"

static const char *status_color(int status)
{
    if (status < 300)
        return C_GREEN;
    if (status < 400)
        return C_YELLOW;
    return C_RED;
}

void cli_print_fields(FILE *f, const hyper_headers *h, int color)
{
    size_t n = h ? hyper_headers_count(h) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        size_t nl, vl;
        if (hyper_headers_at(h, i, &name, &nl, &value, &vl) != HYPER_OK)
            break;
        if (color)
            fprintf(f, C_CYAN "%.*s" C_RESET ": ", (int)nl, name);
        else
            fprintf(f, "%.*s: ", (int)nl, name);
        fwrite(value, 1, vl, f);
        fputc('\n', f);
    }
}

void cli_print_response_head(FILE *f, const char *protocol, const hyper_response *r,
                             int color)
{
    int status = hyper_response_status(r);
    const char *reason = hyper_response_reason(r);
    int h2 = protocol && strcmp(protocol, "h2") == 0;
    char line[128];
    snprintf(line, sizeof line, "%s %d%s%s", h2 ? "HTTP/2" : "HTTP/1.1", status,
             *reason ? " " : "", reason);
    if (color)
        fprintf(f, C_BOLD "%s%s" C_RESET "\n", status_color(status), line);
    else
        fprintf(f, "%s\n", line);
    cli_print_fields(f, hyper_response_headers(r), color);
    fputc('\n', f);
}
