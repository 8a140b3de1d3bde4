/*
 * story.c — hpack-test-case story reader and writer.
 *
 * Implementation notes:
 *  - The JSON tree from json.c is walked once and copied into plain structs
 *    (story, story_case, story_header), then freed, so users never touch
 *    json_value. Format errors name the case and header at fault.
 *  - "header_table_size": null and an absent member both mean "no change"
 *    (-1); hpack-test-case's README says the decoder then keeps the value it
 *    had (4096 at the start, RFC 7541 §4.2 / RFC 9113 §6.5.2).
 *  - Each header is a one-member object; anything else is refused rather
 *    than guessed at, since the order of headers matters.
 */
#include "support/story.h"
#include "support/json.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int story_read_file(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return errf(err, errlen, "%s: %s", path, strerror(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (ferror(f) || feof(f))
            break;
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int bad = !buf || ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(buf);
        return errf(err, errlen, "%s: %s", path, buf ? "read error" : "out of memory");
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dir(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return 0;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

long story_list_dir(const char *dir, int subdirs, char ***names, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return errf(err, errlen, "%s: %s", dir, strerror(errno));
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (subdirs ? e->d_name[0] == '.' || !is_dir(dir, e->d_name)
                    : len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            char **nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        if ((v[n] = dup_bytes(e->d_name, len)) == NULL)
            break;
        n++;
    }
    int oom = e != NULL;
    closedir(d);
    if (oom) {
        story_list_free(v, (long)n);
        return errf(err, errlen, "out of memory");
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_names);
    *names = v;
    return (long)n;
}

void story_list_free(char **names, long n)
{
    for (long i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long story_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t cap)
{
    if (hex_len % 2 || hex_len / 2 > cap)
        return -1;
    for (size_t i = 0; i < hex_len; i += 2) {
        int hi = hexval((unsigned char)hex[i]), lo = hexval((unsigned char)hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(hex_len / 2);
}

void story_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

/* A non-negative integer member (or null/absent: -1). */
static int get_count(const json_value *c, const char *key, long *out, size_t idx,
                     char *err, size_t errlen)
{
    const json_value *v = json_get(c, key);
    *out = -1;
    if (!v || v->type == JSON_NULL)
        return 0;
    if (v->type != JSON_NUMBER || v->number < 0 || v->number > 4294967295.0 ||
        v->number != floor(v->number))
        return errf(err, errlen, "case %zu: \"%s\" is not an integer in 0..2^32-1", idx, key);
    *out = (long)v->number;
    return 0;
}

static int load_headers(const json_value *hv, story_case *sc, size_t idx,
                        char *err, size_t errlen)
{
    if (!hv || hv->type != JSON_ARRAY)
        return errf(err, errlen, "case %zu: \"headers\" missing or not an array", idx);
    if (hv->count) {
        sc->headers = calloc(hv->count, sizeof *sc->headers);
        if (!sc->headers)
            return errf(err, errlen, "out of memory");
    }
    for (size_t i = 0; i < hv->count; i++) {
        const json_value *h = &hv->items[i];
        if (h->type != JSON_OBJECT || h->count != 1 || h->items[0].type != JSON_STRING)
            return errf(err, errlen,
                        "case %zu, header %zu: not an object {\"name\": \"value\"}", idx, i);
        story_header *sh = &sc->headers[sc->header_count++];
        sh->name = dup_bytes(h->keys[0], h->key_lens[0]);
        sh->value = dup_bytes(h->items[0].str, h->items[0].len);
        if (!sh->name || !sh->value)
            return errf(err, errlen, "out of memory");
        sh->name_len = h->key_lens[0];
        sh->value_len = h->items[0].len;
    }
    return 0;
}

static int load_case(const json_value *c, story_case *sc, size_t idx, char *err, size_t errlen)
{
    if (c->type != JSON_OBJECT)
        return errf(err, errlen, "case %zu: not an object", idx);
    if (get_count(c, "seqno", &sc->seqno, idx, err, errlen) < 0 ||
        get_count(c, "header_table_size", &sc->header_table_size, idx, err, errlen) < 0)
        return -1;
    const json_value *w = json_get(c, "wire");
    if (w && w->type != JSON_NULL) {
        if (w->type != JSON_STRING)
            return errf(err, errlen, "case %zu: \"wire\" is not a string", idx);
        sc->has_wire = 1;
        sc->wire = malloc(w->len / 2 + 1);
        if (!sc->wire)
            return errf(err, errlen, "out of memory");
        long n = story_hex_decode(w->str, w->len, sc->wire, w->len / 2 + 1);
        if (n < 0)
            return errf(err, errlen, "case %zu: \"wire\" is not valid hex", idx);
        sc->wire_len = (size_t)n;
    }
    return load_headers(json_get(c, "headers"), sc, idx, err, errlen);
}

/* Copies an optional string member; a non-string is an error. */
static int load_text(const json_value *root, const char *key, char **out, size_t *len,
                     char *err, size_t errlen)
{
    const json_value *v = json_get(root, key);
    if (!v || v->type == JSON_NULL)
        return 0;
    if (v->type != JSON_STRING)
        return errf(err, errlen, "\"%s\" is not a string", key);
    *out = dup_bytes(v->str, v->len);
    *len = v->len;
    return *out ? 0 : errf(err, errlen, "out of memory");
}

static int load_story(const json_value *root, story *s, char *err, size_t errlen)
{
    if (root->type != JSON_OBJECT)
        return errf(err, errlen, "a story must be a JSON object");
    const json_value *cases = json_get(root, "cases");
    if (!cases || cases->type != JSON_ARRAY)
        return errf(err, errlen, "\"cases\" missing or not an array");
    if (load_text(root, "description", &s->description, &s->description_len, err, errlen) < 0 ||
        load_text(root, "context", &s->context, &s->context_len, err, errlen) < 0)
        return -1;
    if (cases->count) {
        s->cases = calloc(cases->count, sizeof *s->cases);
        if (!s->cases)
            return errf(err, errlen, "out of memory");
    }
    for (size_t i = 0; i < cases->count; i++) {
        story_case *sc = &s->cases[s->case_count++];
        if (load_case(&cases->items[i], sc, i, err, errlen) < 0)
            return -1;
    }
    return 0;
}

int story_parse(const char *text, size_t len, story *s, char *err, size_t errlen)
{
    json_value root;
    memset(s, 0, sizeof *s);
    if (json_parse(text, len, &root, err, errlen) < 0)
        return -1;
    int r = load_story(&root, s, err, errlen);
    json_free(&root);
    if (r < 0)
        story_free(s);
    return r;
}

int story_load(const char *path, story *s, char *err, size_t errlen)
{
    char *data;
    size_t len;
    memset(s, 0, sizeof *s);
    if (story_read_file(path, &data, &len, err, errlen) < 0)
        return -1;
    char msg[512];
    int r = story_parse(data, len, s, msg, sizeof msg);
    free(data);
    if (r < 0)
        errf(err, errlen, "%s: %s", path, msg);
    return r;
}

void story_free(story *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->case_count; i++) {
        story_case *c = &s->cases[i];
        for (size_t j = 0; j < c->header_count; j++) {
            free(c->headers[j].name);
            free(c->headers[j].value);
        }
        free(c->headers);
        free(c->wire);
    }
    free(s->cases);
    free(s->description);
    free(s->context);
    memset(s, 0, sizeof *s);
}

static void write_case(FILE *f, const story_case *c, size_t idx)
{
    fputs("    {\n", f);
    fprintf(f, "      \"seqno\": %ld,\n", c->seqno >= 0 ? c->seqno : (long)idx);
    if (c->header_table_size >= 0)
        fprintf(f, "      \"header_table_size\": %ld,\n", c->header_table_size);
    if (c->has_wire) {
        fputs("      \"wire\": \"", f);
        char hex[65];
        for (size_t i = 0; i < c->wire_len; i += 32) {
            size_t n = c->wire_len - i < 32 ? c->wire_len - i : 32;
            story_hex_encode(c->wire + i, n, hex);
            fputs(hex, f);
        }
        fputs("\",\n", f);
    }
    fputs("      \"headers\": [", f);
    for (size_t j = 0; j < c->header_count; j++) {
        const story_header *h = &c->headers[j];
        fputs(j ? ",\n        {\n          " : "\n        {\n          ", f);
        json_write_string(f, h->name, h->name_len);
        fputs(": ", f);
        json_write_string(f, h->value, h->value_len);
        fputs("\n        }", f);
    }
    fputs(c->header_count ? "\n      ]\n    }" : "]\n    }", f);
}

void story_write(FILE *f, const story *s)
{
    fputs("{\n  \"cases\": [", f);
    for (size_t i = 0; i < s->case_count; i++) {
        fputs(i ? ",\n" : "\n", f);
        write_case(f, &s->cases[i], i);
    }
    fputs(s->case_count ? "\n  ]" : "]", f);
    if (s->context) {
        fputs(",\n  \"context\": ", f);
        json_write_string(f, s->context, s->context_len);
    }
    if (s->description) {
        fputs(",\n  \"description\": ", f);
        json_write_string(f, s->description, s->description_len);
    }
    fputs("\n}\n", f);
}
