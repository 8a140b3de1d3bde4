/*
 * json.h — a small JSON reader and string writer for the tools, tests and
 * benches (not library code: it uses malloc).
 *
 * json_parse() builds a tree of json_value from a complete text (RFC 8259):
 * objects, arrays, strings (every escape, \uXXXX to UTF-8 with surrogate
 * pairs), numbers, null, true, false. Malformed text is reported with its
 * line and column, never crashes, and leaks nothing; nesting is bounded so
 * hostile input cannot exhaust the stack.
 */
#ifndef HYPER_TOOLS_JSON_H
#define HYPER_TOOLS_JSON_H

#include <stddef.h>
#include <stdio.h>

typedef enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

/* Deepest nesting of arrays and objects json_parse accepts. */
#define JSON_MAX_DEPTH 256

typedef struct json_value {
    json_type type;
    double number;             /* JSON_NUMBER */
    char *str;                 /* JSON_STRING: UTF-8 bytes, NUL-terminated */
    size_t len;                /* JSON_STRING: byte length (may hold NULs) */
    struct json_value *items;  /* JSON_ARRAY: elements; JSON_OBJECT: values */
    char **keys;               /* JSON_OBJECT: member names (NUL-terminated) */
    size_t *key_lens;          /* JSON_OBJECT: member name lengths */
    size_t count;              /* elements or members */
} json_value;

/*
 * Parses text[0..len) (one JSON value, whitespace around it allowed) into
 * *out. Returns 0, or -1 with a message "line L, column C: what" in
 * err[0..errlen) (then *out holds nothing to free).
 */
int json_parse(const char *text, size_t len, json_value *out, char *err, size_t errlen);

/* Frees everything a successful json_parse allocated in v. */
void json_free(json_value *v);

/* The value of the first member named key (C string) of an object, or NULL
 * when v is not an object or has no such member. */
const json_value *json_get(const json_value *v, const char *key);

/* Writes s[0..len) as a JSON string literal (with quotes): ", \ and control
 * characters are escaped; valid UTF-8 passes through; a byte that is not
 * part of valid UTF-8 is written as \u00XX (its Latin-1 reading). */
void json_write_string(FILE *f, const char *s, size_t len);

#endif
