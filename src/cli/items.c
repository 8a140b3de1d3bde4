/*
 * items.c — request ITEMs as HTTPie writes them, and the JSON body.
 *
 * Implementation notes:
 *  - The separator is the first one found scanning left to right; at one
 *    position the longer wins (":=" over ":", "==" over "="), so "a:=1" is a
 *    raw JSON field and "X-A:b=c" a header. A backslash escapes the next
 *    character of the NAME ("a\:b=c" is the field "a:b"); the value is taken
 *    as written, so raw JSON keeps its own escapes.
 *  - Header names must be RFC 9110 §5.6.2 tokens and values must not hold
 *    CR, LF or NUL (§5.5): refused here, with the argument named, instead of
 *    by the engine later with a bare code.
 *  - Raw JSON (name:=json) is validated by a small RFC 8259 checker (depth
 *    bounded) so a typo is a usage error, not a body the server rejects.
 *  - The body object keeps the first place of a repeated name and its last
 *    value, as HTTPie's dict did; strings are escaped per RFC 8259 §7
 *    (" \ and U+0000..U+001F), other octets (UTF-8) pass through unchanged.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"

#define JSON_MAX_DEPTH 256

static int is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Finds the separator: sets *kind, *at (its offset) and *seplen. */
static int find_separator(const char *s, cli_item_kind *kind, size_t *at, size_t *seplen)
{
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            i++;
            continue;
        }
        if (s[i] == ':') {
            int json = s[i + 1] == '=';
            *kind = json ? CLI_ITEM_JSON : CLI_ITEM_HEADER;
            *seplen = json ? 2 : 1;
        } else if (s[i] == '=') {
            int query = s[i + 1] == '=';
            *kind = query ? CLI_ITEM_QUERY : CLI_ITEM_FIELD;
            *seplen = query ? 2 : 1;
        } else {
            continue;
        }
        *at = i;
        return 1;
    }
    return 0;
}

/* Copies s[0..n) dropping each escaping backslash. */
static char *unescape(const char *s, size_t n, cli_item *it, const hyper_mem *mem)
{
    char *o = mem->alloc(mem->ctx, n + 1);
    size_t k = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        o[k++] = s[i];
    }
    o[k] = 0;
    it->name_len = k;
    it->name_size = n + 1;
    return o;
}

static const char *kind_name(cli_item_kind k)
{
    switch (k) {
    case CLI_ITEM_HEADER: return "header";
    case CLI_ITEM_QUERY: return "query parameter";
    case CLI_ITEM_FIELD: return "JSON field";
    default: return "raw JSON field";
    }
}

/* The checks of a parsed item that only depend on its text. */
static int check_item(const cli_item *it, const char *arg, char *err, size_t errlen)
{
    if (it->name_len == 0) {
        snprintf(err, errlen, "ITEM '%s': empty %s name", arg, kind_name(it->kind));
        return CLI_EXIT_USAGE;
    }
    if (it->kind == CLI_ITEM_HEADER) {
        for (size_t i = 0; i < it->name_len; i++)
            if (!is_tchar((unsigned char)it->name[i])) {
                snprintf(err, errlen, "ITEM '%s': header name has a character not "
                         "allowed in a field name", arg);
                return CLI_EXIT_USAGE;
            }
        for (size_t i = 0; i < it->value_len; i++) {
            char c = it->value[i];
            if (c == '\r' || c == '\n' || c == 0) {
                snprintf(err, errlen, "ITEM '%s': header value holds CR or LF", arg);
                return CLI_EXIT_USAGE;
            }
        }
    }
    if (it->kind == CLI_ITEM_JSON) {
        long bad = cli_json_check(it->value, it->value_len);
        if (bad >= 0) {
            snprintf(err, errlen, "ITEM '%s': the value after := is not valid JSON "
                     "(at offset %ld)", arg, bad);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

int cli_item_parse(const char *arg, cli_item *it, const hyper_mem *mem, char *err,
                   size_t errlen)
{
    mem = mem ? mem : hyper_mem_default();
    memset(it, 0, sizeof *it);
    if (strcmp(arg, "-") == 0) {
        it->kind = CLI_ITEM_STDIN;
        return 0;
    }
    if (arg[0] == '@') {
        it->kind = CLI_ITEM_FILE;
        if (!arg[1]) {
            snprintf(err, errlen, "ITEM '@': no file name after @");
            return CLI_EXIT_USAGE;
        }
        it->name = unescape(arg + 1, strlen(arg + 1), it, mem);
        return it->name ? 0 : CLI_EXIT_ERROR;
    }
    size_t at, seplen;
    if (!find_separator(arg, &it->kind, &at, &seplen)) {
        snprintf(err, errlen, "'%s' is neither a URL nor an ITEM (Name:value, name==value, "
                 "name=value, name:=json, @file, -)", arg);
        return CLI_EXIT_USAGE;
    }
    it->name = unescape(arg, at, it, mem);
    if (!it->name)
        return CLI_EXIT_ERROR;
    it->value = arg + at + seplen;
    it->value_len = strlen(it->value);
    int rc = check_item(it, arg, err, errlen);
    if (rc)
        cli_item_free(it, mem);
    return rc;
}

void cli_item_free(cli_item *it, const hyper_mem *mem)
{
    mem = mem ? mem : hyper_mem_default();
    if (it->name)
        mem->free(mem->ctx, it->name, it->name_size);
    it->name = NULL;
}

/* ---- JSON validation (RFC 8259) ------------------------------------------ */

typedef struct jcur {
    const char *s;
    size_t n, i;
} jcur;

static void skip_ws(jcur *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
                           c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static int is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* §7: a string; raw control characters are not allowed. */
static int j_string(jcur *c)
{
    c->i++; /* opening quote */
    while (c->i < c->n) {
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            return 0;
        }
        if (ch < 0x20)
            return -1;
        if (ch == '\\') {
            if (++c->i >= c->n)
                return -1;
            char e = c->s[c->i];
            if (e == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (c->i + (size_t)k >= c->n || !is_hex(c->s[c->i + (size_t)k]))
                        return -1;
                c->i += 4;
            } else if (!strchr("\"\\/bfnrt", e) || e == 0) {
                return -1;
            }
        }
        c->i++;
    }
    return -1;
}

static int digits(jcur *c)
{
    size_t start = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > start ? 0 : -1;
}

/* §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int j_number(jcur *c)
{
    if (c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0')
        c->i++;
    else if (digits(c) != 0)
        return -1;
    if (c->i < c->n && c->s[c->i] == '.') {
        c->i++;
        if (digits(c) != 0)
            return -1;
    }
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (digits(c) != 0)
            return -1;
    }
    return 0;
}

static int j_literal(jcur *c, const char *word)
{
    size_t k = strlen(word);
    if (c->n - c->i < k || memcmp(c->s + c->i, word, k) != 0)
        return -1;
    c->i += k;
    return 0;
}

static int j_value(jcur *c, int depth);

/* §4 and §5: object or array; members separated by commas. */
static int j_container(jcur *c, int depth)
{
    char close = c->s[c->i] == '{' ? '}' : ']';
    int object = close == '}';
    if (depth >= JSON_MAX_DEPTH)
        return -1;
    c->i++;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        return 0;
    }
    for (;;) {
        if (object) {
            skip_ws(c);
            if (c->i >= c->n || c->s[c->i] != '"' || j_string(c) != 0)
                return -1;
            skip_ws(c);
            if (c->i >= c->n || c->s[c->i] != ':')
                return -1;
            c->i++;
        }
        if (j_value(c, depth + 1) != 0)
            return -1;
        skip_ws(c);
        if (c->i >= c->n)
            return -1;
        if (c->s[c->i] == close) {
            c->i++;
            return 0;
        }
        if (c->s[c->i] != ',')
            return -1;
        c->i++;
    }
}

static int j_value(jcur *c, int depth)
{
    skip_ws(c);
    if (c->i >= c->n)
        return -1;
    switch (c->s[c->i]) {
    case '{': case '[': return j_container(c, depth);
    case '"': return j_string(c);
    case 't': return j_literal(c, "true");
    case 'f': return j_literal(c, "false");
    case 'n': return j_literal(c, "null");
    default:
        if (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9'))
            return j_number(c);
        return -1;
    }
}

long cli_json_check(const char *s, size_t n)
{
    jcur c = {s, n, 0};
    if (j_value(&c, 0) != 0)
        return (long)(c.i < n ? c.i : n);
    skip_ws(&c);
    return c.i == n ? -1 : (long)c.i;
}

/* ---- JSON output -------------------------------------------------------- */

int cli_json_string(cli_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (cli_buf_addc(out, '"') != 0)
        return -1;
    size_t run = 0; /* start of the pending unescaped run */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[7];
        size_t elen = 2;
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\'; esc[1] = (char)ch;
        } else if (ch < 0x20) {
            const char *named = ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t"
                              : ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : NULL;
            if (named) {
                memcpy(esc, named, 2);
            } else {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[ch >> 4];
                esc[5] = hex[ch & 15];
                elen = 6;
            }
        } else {
            continue;
        }
        if (cli_buf_add(out, s + run, i - run) != 0 || cli_buf_add(out, esc, elen) != 0)
            return -1;
        run = i + 1;
    }
    if (cli_buf_add(out, s + run, n - run) != 0)
        return -1;
    return cli_buf_addc(out, '"');
}

static int is_body_field(const cli_item *it)
{
    return it->kind == CLI_ITEM_FIELD || it->kind == CLI_ITEM_JSON;
}

/* The last item with the same name as items[i] (i itself when unique). */
static size_t last_with_name(const cli_item *items, size_t n, size_t i)
{
    size_t last = i;
    for (size_t k = i + 1; k < n; k++)
        if (is_body_field(&items[k]) && items[k].name_len == items[i].name_len &&
            memcmp(items[k].name, items[i].name, items[i].name_len) == 0)
            last = k;
    return last;
}

static int seen_before(const cli_item *items, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (is_body_field(&items[k]) && items[k].name_len == items[i].name_len &&
            memcmp(items[k].name, items[i].name, items[i].name_len) == 0)
            return 1;
    return 0;
}

int cli_json_object(const cli_item *items, size_t n, cli_buf *out)
{
    int first = 1;
    if (cli_buf_addc(out, '{') != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_body_field(&items[i]) || seen_before(items, i))
            continue;
        const cli_item *v = &items[last_with_name(items, n, i)];
        if ((!first && cli_buf_adds(out, ", ") != 0) ||
            cli_json_string(out, items[i].name, items[i].name_len) != 0 ||
            cli_buf_adds(out, ": ") != 0)
            return -1;
        first = 0;
        int rc;
        if (v->kind == CLI_ITEM_FIELD) {
            rc = cli_json_string(out, v->value, v->value_len);
        } else {
            /* Raw JSON as written, without its surrounding whitespace. */
            size_t a = 0, b = v->value_len;
            while (a < b && strchr(" \t\r\n", v->value[a]))
                a++;
            while (b > a && strchr(" \t\r\n", v->value[b - 1]))
                b--;
            rc = cli_buf_add(out, v->value + a, b - a);
        }
        if (rc != 0)
            return -1;
    }
    return cli_buf_addc(out, '}');
}
