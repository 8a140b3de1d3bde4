/*
 * url.c — the URLs the command takes (RFC 3986), reduced to what a request
 * needs: scheme (http/https), host, port and the request target.
 *
 * Implementation notes:
 *  - No scheme means https (the issue's rule); ":8443/x" is HTTPie's
 *    shorthand for localhost, and "/x" after a first URL means the same
 *    origin, which is how several multiplexed requests are written.
 *  - User information ("user:pass@") is refused rather than silently sent
 *    or dropped: credentials belong in an Authorization ITEM.
 *  - Octets that may not appear in a request target (RFC 3986 §2: controls,
 *    space, non-ASCII, and " < > \ ^ ` { | }) are percent-encoded; '%' is
 *    kept, so an already encoded URL goes out as written.
 *  - Query items are encoded fully (only unreserved octets kept, §2.3) so
 *    a value may hold '&', '=', '#' or '+' and arrive intact.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

static const char HEX[] = "0123456789ABCDEF";

static int is_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

int cli_percent_encode(cli_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (is_unreserved(c)) {
            rc = cli_buf_addc(out, (char)c);
        } else {
            char e[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            rc = cli_buf_add(out, e, 3);
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Appends a path/query as written, encoding what a target may not hold. */
static int add_target(cli_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int rc;
        if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c)) {
            char e[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            rc = cli_buf_add(out, e, 3);
        } else {
            rc = cli_buf_addc(out, (char)c);
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int parse_port(const char *s, size_t n, uint16_t *port)
{
    unsigned long v = 0;
    if (n == 0 || n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* host[:port] in s[0..n): fills u->host and u->port (default kept). */
static int parse_authority(cli_url *u, const char *s, size_t n, const char *url,
                           char *err, size_t errlen)
{
    const char *hs = s, *colon = NULL;
    size_t hn;
    if (memchr(s, '@', n)) {
        snprintf(err, errlen, "URL '%s': user information (user@host) is not supported; "
                 "send an Authorization header ITEM", url);
        return CLI_EXIT_USAGE;
    }
    if (n && s[0] == '[') {
        const char *end = memchr(s, ']', n);
        if (!end)
            goto bad;
        hs = s + 1;
        hn = (size_t)(end - hs);
        if (end + 1 < s + n) {
            if (end[1] != ':')
                goto bad;
            colon = end + 1;
        }
    } else {
        colon = memchr(s, ':', n);
        hn = colon ? (size_t)(colon - s) : n;
    }
    if (hn == 0 || hn >= sizeof u->host)
        goto bad;
    for (size_t i = 0; i < hn; i++)
        if ((unsigned char)hs[i] <= 0x20 || (unsigned char)hs[i] >= 0x7f || hs[i] == '/')
            goto bad;
    memcpy(u->host, hs, hn);
    u->host[hn] = 0;
    if (colon && parse_port(colon + 1, (size_t)(s + n - colon - 1), &u->port) != 0) {
        snprintf(err, errlen, "URL '%s': bad port number", url);
        return CLI_EXIT_USAGE;
    }
    return 0;
bad:
    snprintf(err, errlen, "URL '%s': bad host", url);
    return CLI_EXIT_USAGE;
}

/* Splits off the scheme; 1 https, 0 http, -1 unknown scheme. */
static int scheme_of(const char **s)
{
    if (strncmp(*s, "https://", 8) == 0) {
        *s += 8;
        return 1;
    }
    if (strncmp(*s, "http://", 7) == 0) {
        *s += 7;
        return 0;
    }
    const char *p = strstr(*s, "://");
    if (p && strcspn(*s, "/?#") > (size_t)(p - *s))
        return -1;
    return 1;
}

static int set_target(cli_url *u, const char *path)
{
    size_t n = strcspn(path, "#");
    if (n == 0 || path[0] != '/') {
        if (cli_buf_addc(&u->target, '/') != 0)
            return CLI_EXIT_ERROR;
    }
    return add_target(&u->target, path, n) == 0 ? 0 : CLI_EXIT_ERROR;
}

int cli_url_parse(cli_url *u, const char *s, const cli_url *base, const hyper_mem *mem,
                  char *err, size_t errlen)
{
    const char *url = s;
    memset(u, 0, sizeof *u);
    cli_buf_init(&u->target, mem);
    if (s[0] == '/' && base) {
        u->secure = base->secure;
        memcpy(u->host, base->host, sizeof u->host);
        u->port = base->port;
        return set_target(u, s);
    }
    if (s[0] == ':' && s[1] >= '0' && s[1] <= '9') {
        size_t pn = strcspn(s + 1, "/?#");
        u->secure = 1;
        strcpy(u->host, "localhost");
        if (parse_port(s + 1, pn, &u->port) != 0) {
            snprintf(err, errlen, "URL '%s': bad port number", url);
            return CLI_EXIT_USAGE;
        }
        return set_target(u, s + 1 + pn);
    }
    int sch = scheme_of(&s);
    if (sch < 0) {
        snprintf(err, errlen, "URL '%s': only http:// and https:// are supported", url);
        return CLI_EXIT_USAGE;
    }
    u->secure = sch;
    u->port = sch ? 443 : 80;
    size_t an = strcspn(s, "/?#");
    int rc = parse_authority(u, s, an, url, err, errlen);
    if (rc)
        return rc;
    return set_target(u, s + an);
}

void cli_url_free(cli_url *u)
{
    cli_buf_free(&u->target);
}

int cli_url_same_origin(const cli_url *a, const cli_url *b)
{
    return a->secure == b->secure && a->port == b->port && strcmp(a->host, b->host) == 0;
}

int cli_url_add_query(cli_url *u, const char *name, size_t nlen, const char *value,
                      size_t vlen)
{
    char sep = memchr(u->target.data, '?', u->target.len) ? '&' : '?';
    /* "/x?" already ends with its separator. */
    if (u->target.len && (u->target.data[u->target.len - 1] == '?' ||
                          u->target.data[u->target.len - 1] == '&'))
        sep = 0;
    if ((sep && cli_buf_addc(&u->target, sep) != 0) ||
        cli_percent_encode(&u->target, name, nlen) != 0 ||
        cli_buf_addc(&u->target, '=') != 0 ||
        cli_percent_encode(&u->target, value, vlen) != 0)
        return -1;
    return 0;
}

void cli_url_authority(const cli_url *u, char *out, size_t cap)
{
    int v6 = strchr(u->host, ':') != NULL;
    int dflt = u->port == (u->secure ? 443 : 80);
    if (dflt)
        snprintf(out, cap, v6 ? "[%s]" : "%s", u->host);
    else
        snprintf(out, cap, v6 ? "[%s]:%u" : "%s:%u", u->host, (unsigned)u->port);
}
