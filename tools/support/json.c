/*
 * json.c — recursive-descent JSON reader (RFC 8259) and string writer.
 *
 * Implementation notes:
 *  - One pass over the text, no tokenizer: each parse_* function consumes
 *    its value and leaves the cursor after it. The first error wins: it is
 *    formatted once (with line and column) and every caller unwinds,
 *    freeing what it built, so a failed parse leaks nothing.
 *  - Recursion depth is bounded by JSON_MAX_DEPTH: "[[[[..." cannot blow
 *    the stack.
 *  - Strings are decoded into a fresh buffer; \uXXXX becomes UTF-8, a high
 *    surrogate must be followed by a \u low surrogate (RFC 8259 §7), and an
 *    unpaired surrogate is an error. Raw control characters are refused.
 *  - Numbers are checked against the RFC 8259 §6 grammar, then converted by
 *    strtod on a bounded copy (the text is not NUL-terminated).
 */
#include "support/json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *start, *p, *end;
    int depth;
    int failed;
    char *err;
    size_t errlen;
} parser;

static int parse_value(parser *ps, json_value *out);

static int fail(parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = 1;
    size_t line = 1, col = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (ps->err && ps->errlen) {
        int n = snprintf(ps->err, ps->errlen, "line %zu, column %zu: ", line, col);
        if (n >= 0 && (size_t)n < ps->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* A growable byte buffer for string decoding. */
typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

static int sbuf_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static int hex4(parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4)
        return fail(ps, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return fail(ps, "bad hex digit in \\u escape");
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static size_t utf8_put(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* After the "\u": one code point, joining a surrogate pair (RFC 8259 §7). */
static int parse_unicode_escape(parser *ps, unsigned *cp)
{
    unsigned hi;
    if (hex4(ps, &hi) < 0)
        return -1;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return fail(ps, "unpaired low surrogate \\u%04x", hi);
    if (hi < 0xd800 || hi > 0xdbff) {
        *cp = hi;
        return 0;
    }
    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
        return fail(ps, "high surrogate \\u%04x not followed by a low one", hi);
    ps->p += 2;
    unsigned lo;
    if (hex4(ps, &lo) < 0)
        return -1;
    if (lo < 0xdc00 || lo > 0xdfff)
        return fail(ps, "high surrogate \\u%04x followed by \\u%04x", hi, lo);
    *cp = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
    return 0;
}

/* After the backslash: one escape sequence appended to b. */
static int parse_escape(parser *ps, sbuf *b)
{
    if (ps->p >= ps->end)
        return fail(ps, "unterminated string");
    char c = *ps->p++, out[4];
    size_t n = 1;
    switch (c) {
    case '"': out[0] = '"'; break;
    case '\\': out[0] = '\\'; break;
    case '/': out[0] = '/'; break;
    case 'b': out[0] = '\b'; break;
    case 'f': out[0] = '\f'; break;
    case 'n': out[0] = '\n'; break;
    case 'r': out[0] = '\r'; break;
    case 't': out[0] = '\t'; break;
    case 'u': {
        unsigned cp = 0;
        if (parse_unicode_escape(ps, &cp) < 0)
            return -1;
        n = utf8_put(out, cp);
        break;
    }
    default:
        ps->p--;
        return fail(ps, "invalid escape \\%c", c);
    }
    return sbuf_put(b, out, n) < 0 ? fail(ps, "out of memory") : 0;
}

/* At the opening quote: the decoded string in *s / *len (caller frees). */
static int parse_string_raw(parser *ps, char **s, size_t *len)
{
    sbuf b = {0};
    ps->p++; /* opening quote */
    if (sbuf_put(&b, "", 0) < 0)
        return fail(ps, "out of memory");
    for (;;) {
        const char *run = ps->p;
        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20)
            ps->p++;
        if (sbuf_put(&b, run, (size_t)(ps->p - run)) < 0) {
            free(b.data);
            return fail(ps, "out of memory");
        }
        if (ps->p >= ps->end) {
            free(b.data);
            return fail(ps, "unterminated string");
        }
        char c = *ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c != '\\') {
            free(b.data);
            return fail(ps, "control character 0x%02x in string", (unsigned char)c);
        }
        ps->p++;
        if (parse_escape(ps, &b) < 0) {
            free(b.data);
            return -1;
        }
    }
    *s = b.data;
    *len = b.len;
    return 0;
}

static int parse_number(parser *ps, json_value *out)
{
    const char *s = ps->p, *q = ps->p;
    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || *q < '0' || *q > '9')
        return fail(ps, "invalid number");
    if (*q == '0') {
        q++;
    } else {
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && *q == '.') {
        q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "invalid number: digit expected after '.'");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "invalid number: digit expected in exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    char tmp[64];
    size_t n = (size_t)(q - s);
    if (n >= sizeof tmp)
        return fail(ps, "number too long");
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    out->type = JSON_NUMBER;
    out->number = strtod(tmp, NULL);
    ps->p = q;
    return 0;
}

static int parse_literal(parser *ps, const char *word, json_type t, json_value *out)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character '%c'", *ps->p);
    ps->p += n;
    out->type = t;
    return 0;
}

static int parse_array(parser *ps, json_value *out)
{
    size_t cap = 0;
    out->type = JSON_ARRAY;
    ps->p++; /* [ */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 4;
            json_value *it = realloc(out->items, cap * sizeof *it);
            if (!it)
                return fail(ps, "out of memory");
            out->items = it;
        }
        json_value *v = &out->items[out->count++];
        memset(v, 0, sizeof *v); /* counted before parsing: freed on error */
        if (parse_value(ps, v) < 0)
            return -1;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return fail(ps, "unterminated array");
        if (*ps->p == ']') {
            ps->p++;
            return 0;
        }
        if (*ps->p != ',')
            return fail(ps, "',' or ']' expected in array");
        ps->p++;
    }
}

/* Grows an object's three member arrays to hold one more member. */
static int object_reserve(parser *ps, json_value *out, size_t *cap)
{
    if (out->count < *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 4;
    json_value *it = realloc(out->items, n * sizeof *it);
    if (it)
        out->items = it;
    char **k = it ? realloc(out->keys, n * sizeof *k) : NULL;
    if (k)
        out->keys = k;
    size_t *kl = k ? realloc(out->key_lens, n * sizeof *kl) : NULL;
    if (kl)
        out->key_lens = kl;
    if (!kl)
        return fail(ps, "out of memory");
    *cap = n;
    return 0;
}

static int parse_object(parser *ps, json_value *out)
{
    size_t cap = 0;
    out->type = JSON_OBJECT;
    ps->p++; /* { */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return fail(ps, "member name (string) expected in object");
        if (object_reserve(ps, out, &cap) < 0)
            return -1;
        size_t i = out->count;
        memset(&out->items[i], 0, sizeof out->items[i]);
        if (parse_string_raw(ps, &out->keys[i], &out->key_lens[i]) < 0)
            return -1;
        out->count++; /* the key is owned now; the value is zeroed */
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return fail(ps, "':' expected after member name");
        ps->p++;
        if (parse_value(ps, &out->items[i]) < 0)
            return -1;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return fail(ps, "unterminated object");
        if (*ps->p == '}') {
            ps->p++;
            return 0;
        }
        if (*ps->p != ',')
            return fail(ps, "',' or '}' expected in object");
        ps->p++;
    }
}

static int parse_value(parser *ps, json_value *out)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "value expected, found end of text");
    int r;
    switch (*ps->p) {
    case '{':
    case '[':
        if (ps->depth >= JSON_MAX_DEPTH)
            return fail(ps, "nesting deeper than %d", JSON_MAX_DEPTH);
        ps->depth++;
        r = *ps->p == '{' ? parse_object(ps, out) : parse_array(ps, out);
        ps->depth--;
        return r;
    case '"':
        out->type = JSON_STRING;
        return parse_string_raw(ps, &out->str, &out->len);
    case 't': return parse_literal(ps, "true", JSON_TRUE, out);
    case 'f': return parse_literal(ps, "false", JSON_FALSE, out);
    case 'n': return parse_literal(ps, "null", JSON_NULL, out);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps, out);
        if ((unsigned char)*ps->p >= 0x20 && (unsigned char)*ps->p < 0x7f)
            return fail(ps, "unexpected character '%c'", *ps->p);
        return fail(ps, "unexpected byte 0x%02x", (unsigned char)*ps->p);
    }
}

int json_parse(const char *text, size_t len, json_value *out, char *err, size_t errlen)
{
    parser ps = {text, text, text + len, 0, 0, err, errlen};
    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';
    if (parse_value(&ps, out) == 0) {
        skip_ws(&ps);
        if (ps.p == ps.end)
            return 0;
        fail(&ps, "trailing characters after the value");
    }
    json_free(out);
    return -1;
}

void json_free(json_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        json_free(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->key_lens);
    free(v->str);
    memset(v, 0, sizeof *v);
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (!v || v->type != JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < v->count; i++)
        if (v->key_lens[i] == n && memcmp(v->keys[i], key, n) == 0)
            return &v->items[i];
    return NULL;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t need;
    unsigned cp, min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { need = 2; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 3; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need;
}

void json_write_string(FILE *f, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    fputc('"', f);
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            i++;
        } else if (c == '\n') { fputs("\\n", f); i++; }
        else if (c == '\r') { fputs("\\r", f); i++; }
        else if (c == '\t') { fputs("\\t", f); i++; }
        else if (c < 0x20 || c == 0x7f) { fprintf(f, "\\u%04x", c); i++; }
        else {
            size_t n = utf8_valid_len(u + i, len - i);
            if (n == 0) {
                fprintf(f, "\\u%04x", c); /* not UTF-8: its Latin-1 reading */
                i++;
            } else {
                fwrite(u + i, 1, n, f);
                i += n;
            }
        }
    }
    fputc('"', f);
}
