/*
 * h1_head.c — response heads and trailer sections (RFC 9112 §2, §4, §5,
 * §7.1.2): the incremental section scanner and the parser of a complete
 * section.
 *
 * Implementation notes
 *  - Two passes, as picohttpparser does it, but without re-scanning: the
 *    scanner looks at each octet once as it arrives and only finds where a
 *    section ends, enforcing every bound (line length, field count, section
 *    size) and the octet rules that need the neighbours (bare CR, NUL,
 *    bare LF in strict mode). The parser then walks the complete section,
 *    which is clean at the octet level, line by line.
 *  - A line ends at LF; a CR right before it is part of the terminator
 *    (RFC 9112 §2.2 lets a recipient accept a bare LF; we do unless
 *    strict_crlf). A CR anywhere else is rejected, never replaced by SP.
 *  - Empty lines before a status line are skipped (§2.2 robustness): some
 *    servers send a stray CRLF after a body. They count against max_head.
 *  - Framing fields (Content-Length, Transfer-Encoding, Connection, Upgrade)
 *    are interpreted while the map is filled; the session decides.
 */
#include <string.h>
#include "h1/h1.h"
/* HYPER_CONFIG_NO_H1 (hyper_config.h): the HTTP/1.1 engine is left out. */
#ifndef HYPER_CONFIG_NO_H1

/* The end of one line: decides whether the section is complete. */
static int scan_line_end(struct h1_scan *sc, const hyper_h1_options *o)
{
    size_t content = sc->line_len;
    sc->line_len = 0;
    sc->cr = 0;
    if (content == 0)
        return sc->started;               /* the empty line ends the section,
                                             or is a leading blank line */
    if (sc->started && ++sc->fields > o->max_headers)
        return HYPER_EH1_TOO_MANY_HEADERS;
    sc->started = 1;
    return 0;
}

long h1_scan_feed(struct h1_scan *sc, const hyper_h1_options *o, int is_head,
                  const uint8_t *in, size_t len)
{
    if (!is_head)
        sc->started = 1;                  /* a trailer section has no start line */
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (++sc->total > o->max_head)
            return HYPER_EH1_HEAD_TOO_LARGE;
        if (sc->cr && c != '\n')
            return HYPER_EH1_BARE_CR;
        if (c == '\n') {
            if (!sc->cr && o->strict_crlf)
                return HYPER_EH1_BARE_LF;
            int rc = scan_line_end(sc, o);
            if (rc < 0)
                return rc;
            if (rc == 1) {
                sc->done = 1;
                return (long)(i + 1);
            }
        } else if (c == '\r') {
            sc->cr = 1;
        } else if (c == 0) {
            return HYPER_EH1_NUL;
        } else if (++sc->line_len > o->max_line - 2) {
            return HYPER_EH1_LINE_TOO_LONG;   /* max_line counts the CRLF */
        }
    }
    return (long)len;
}

/* ---- parser of a complete section ---------------------------------------- */

static int is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* Next line of a clean section: returns its start and sets *n to its
 * length without CR/LF; NULL when no complete line is left. */
static inline const uint8_t *next_line(const uint8_t **pp, const uint8_t *end, size_t *n)
{
    const uint8_t *p = *pp;
    const uint8_t *lf = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    if (!lf)
        return NULL;
    *n = (size_t)(lf - p);
    if (*n && p[*n - 1] == '\r')
        (*n)--;
    *pp = lf + 1;
    return p;
}

/* Index of the first octet of p[0..n) that a field value or reason phrase
 * must not hold (h1_is_ctl), or n. */
static H1_SIZE_NOINLINE size_t ctl_at(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && !h1_is_ctl(p[i]))
        i++;
    return i;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] (§4).
 * The SP before an empty reason is optional: servers omit it. */
static int parse_status(const uint8_t *l, size_t n, struct h1_head *h)
{
    /* The first 12 octets against a form: '#' is any digit. */
    static const char form[] = "HTTP/1.# ###";
    if (n < 12 || (n > 12 && l[12] != ' '))
        return HYPER_EH1_STATUS_LINE;
    /* The digits are summed as they are checked: the SP after the
     * version's takes the minor version and starts the status code. */
    int v = 0;
    for (size_t i = 0; i < 12; i++) {
        unsigned d = (unsigned)(l[i] - '0');
        if (form[i] == '#') {
            if (d > 9)
                return HYPER_EH1_STATUS_LINE;
            v = v * 10 + (int)d;
        } else if (l[i] != (uint8_t)form[i]) {
            return HYPER_EH1_STATUS_LINE;
        } else if (form[i] == ' ') {
            h->minor = v;
            v = 0;
        }
    }
    /* 100..999 (a first digit 0 is no status code); reason-phrase =
     * 1*( HTAB / SP / VCHAR / obs-text ) */
    if (v < 100 || (n > 13 && ctl_at(l + 13, n - 13) != n - 13))
        return HYPER_EH1_STATUS_LINE;
    h->status = v;
    /* The session copies the phrase (l + 13 is inside the section even
     * when n is 12: the line's end and the empty line follow). */
    h->reason = l + 13;
    h->reason_len = n > 13 ? n - 13 : 0;
    return HYPER_OK;
}

/* Content-Length = 1*DIGIT, possibly as a list of identical values
 * (RFC 9110 §8.6); repeated fields must agree too. One pass: an element
 * ends at the first octet that is neither a digit (before any OWS after
 * the digits) nor OWS; it is then checked, and must be followed by a comma
 * or the value's end. */
static int parse_content_length(const uint8_t *v, size_t n, struct h1_head *h)
{
    uint64_t val = 0;
    size_t digits = 0, tail = 0;       /* tail: OWS seen after the digits */
    for (size_t i = 0;; i++) {
        unsigned d = i < n ? (unsigned)(v[i] - '0') : 10;
        if (d < 10 && !tail) {
            /* Below the first bound val * 10 + 9 cannot wrap; above it
             * the result would be past 2^63-1 anyway. */
            if (val > UINT64_C(922337203685477580) || (val = val * 10 + d) >> 63)
                return HYPER_EH1_CONTENT_LENGTH;
            digits++;
            continue;
        }
        if (i < n && is_ows(v[i])) {
            tail = digits;
            continue;
        }
        if (!digits)
            return HYPER_EH1_CONTENT_LENGTH;
        if (h->has_cl && h->content_length != val)
            return HYPER_EH1_CONTENT_LENGTH_CONFLICT;
        h->has_cl = 1;
        h->content_length = val;
        if (i == n)
            return HYPER_OK;
        if (v[i] != ',')
            return HYPER_EH1_CONTENT_LENGTH;
        val = digits = tail = 0;
    }
}

size_t h1_token_len(const char *p, size_t n)
{
    /* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
     *         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA, as a bit per
     * octet 0..127 (bit c & 31 of word c >> 5). Letters, most of a name,
     * are tested first. */
    static const uint32_t tchar[4] = {0x00000000, 0x03ff6cfa, 0xc7fffffe, 0x57ffffff};
    size_t i = 0;
    for (; i < n; i++) {
        unsigned c = (uint8_t)p[i];
#ifndef __OPTIMIZE_SIZE__
        if ((c | 0x20) - 'a' < 26)
            continue;                  /* (speed only: the table has them) */
#endif
        if (c >= 128 || !(tchar[c >> 5] >> (c & 31) & 1))
            break;
    }
    return i;
}

int h1_word_index(const char *list, const char *p, size_t n)
{
    for (int i = 1; *list; i++, list += 1 + (uint8_t)*list) {
        if ((uint8_t)*list != n)
            continue;
        size_t k = 0;                  /* the list is lower case: only p is folded */
        while (k < n && hyper_ascii_lower((uint8_t)p[k]) == (uint8_t)list[1 + k])
            k++;
        if (k == n)
            return i;
    }
    return 0;
}

/* Shared with the request writer (one copy of the names): the framing
 * fields first, then the fields the writer reserves for itself. */
const char h1_field_names[] = "\016content-length\021transfer-encoding\012connection"
                             "\007upgrade\004host\006expect\016http2-settings";
const char h1_list_words[] = "\007chunked\005close\012keep-alive\003h2c";

/*
 * The framing fields, interpreted while the map is filled: Content-Length,
 * and the lists of Transfer-Encoding (§6.1: only whether chunked is the
 * final coding matters; chunked applied twice is an error), Connection
 * (close, keep-alive: §9.3) and Upgrade (h2c), whose members are looked up
 * in one word list.
 */
static int interpret(const char *name, size_t nn, const char *v, size_t vn,
                     struct h1_head *h)
{
    enum { CL = H1_F_CONTENT_LENGTH, TE, CONNECTION, UPGRADE };
    enum { CHUNKED = H1_W_CHUNKED, CLOSE, KEEP_ALIVE, H2C };
    int kind = h1_word_index(h1_field_names, name, nn);
    if (kind > UPGRADE)
        kind = 0;                      /* the writer's names: not framing */
    if (kind == CL)
        return parse_content_length((const uint8_t *)v, vn, h);
    size_t pos = 0, tn, codings = 0;
    const char *t;
    while (kind && hyper_headers_split_next(v, vn, &pos, &t, &tn)) {
        if (kind == TE) {
            size_t k = 0;
            while (k < tn && t[k] != ';' && !is_ows((uint8_t)t[k]))
                k++;                   /* drop transfer-parameters */
            tn = k;
        }
        /* one list for all three: a word of another field's list is
         * simply not acted on */
        int w = h1_word_index(h1_list_words, t, tn);
        if (kind == TE) {
            if (w == CHUNKED && (h->words[TE] >> CHUNKED & 1))
                return HYPER_EH1_TRANSFER_ENCODING;
            h->te_chunked_last = w == CHUNKED;
            codings++;
        }
        h->words[kind] |= (uint8_t)(1u << w);
    }
    if (kind == TE) {
        if (!codings)
            return HYPER_EH1_TRANSFER_ENCODING;
        h->has_te = 1;
    }
    return HYPER_OK;
}

/* field-line = field-name ":" OWS field-value OWS (§5). Adds it to map. */
static H1_SIZE_NOINLINE int parse_field(const uint8_t *l, size_t n, hyper_headers *map,
                                         struct h1_head *h)
{
    if (is_ows(l[0]))
        return HYPER_EH1_OBS_FOLD;     /* §5.2: obs-fold, rejected */
    size_t nn = h1_token_len((const char *)l, n);
    if (nn == 0 || nn == n || l[nn] != ':')
        return HYPER_EH1_HEADER_SYNTAX; /* no colon, or SP before it (§5.1) */
    size_t vs = nn + 1, ve = n;
    while (vs < ve && is_ows(l[vs]))
        vs++;
    while (ve > vs && is_ows(l[ve - 1]))
        ve--;
    if (ctl_at(l + vs, ve - vs) != ve - vs)
        return HYPER_EH1_HEADER_SYNTAX;
    const char *name = (const char *)l, *val = (const char *)l + vs;
    int rc = hyper_headers_add(map, name, nn, val, ve - vs);
    if (rc == HYPER_OK && h)
        rc = interpret(name, nn, val, ve - vs, h);
    return rc;
}

int h1_section_parse(const hyper_mem *mem, const uint8_t *p, size_t len,
                     int is_head, struct h1_head *h)
{
    const uint8_t *end = p + len, *l;
    size_t n;
    int rc = HYPER_OK;
    memset(h, 0, sizeof *h);
    if (is_head) {
        do {
            if (!(l = next_line(&p, end, &n)))
                return HYPER_EH1_STATUS_LINE;
        } while (n == 0);               /* leading blank lines (§2.2) */
        rc = parse_status(l, n, h);
        if (rc != HYPER_OK)
            return rc;
    } else if (len && (p[0] == '\n' || p[0] == '\r')) {
        return HYPER_OK;                /* empty trailer section: no map */
    }
    h->headers = hyper_headers_new(mem);
    if (!h->headers)
        return HYPER_ENOMEM;
    while (rc == HYPER_OK && (l = next_line(&p, end, &n)) && n > 0)
        rc = parse_field(l, n, h->headers, is_head ? h : NULL);
    if (rc != HYPER_OK) {
        hyper_headers_free(h->headers);
        h->headers = NULL;
    }
    return rc;
}
#else
typedef int hyper_h1_left_out_; /* ISO C wants a declaration per file */
#endif /* HYPER_CONFIG_NO_H1 */
