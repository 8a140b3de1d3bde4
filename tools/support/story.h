/*
 * story.h — hpack-test-case stories (https://github.com/http2jp/hpack-test-case):
 * load one into memory, write one back in the same JSON format. For the
 * tools, tests and benches (not library code: it uses malloc).
 *
 * A story is a JSON object with "cases" (and optional "description" and
 * "context"); each case has an optional "seqno", an optional
 * "header_table_size" (number or null: the SETTINGS_HEADER_TABLE_SIZE that
 * was ACKed just before this case), an optional hex "wire" and "headers",
 * an array of one-member objects {name: value}. Every case of a story
 * shares one compression context.
 */
#ifndef HYPER_TOOLS_STORY_H
#define HYPER_TOOLS_STORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct story_header {
    char *name;        /* bytes, NUL-terminated for convenience */
    size_t name_len;
    char *value;
    size_t value_len;
} story_header;

typedef struct story_case {
    long seqno;               /* -1 when absent */
    long header_table_size;   /* -1 when null or absent */
    uint8_t *wire;            /* decoded "wire", NULL when absent */
    size_t wire_len;
    int has_wire;             /* "wire" was present (it may be empty) */
    story_header *headers;
    size_t header_count;
} story_case;

typedef struct story {
    char *description;        /* NULL when absent */
    size_t description_len;
    char *context;            /* "request"/"response" in raw-data; NULL when absent */
    size_t context_len;
    story_case *cases;
    size_t case_count;
} story;

/* Reads a whole file ("-" = standard input) into a malloc'd buffer (one
 * extra NUL byte after len). Returns 0, or -1 with a message in err. */
int story_read_file(const char *path, char **data, size_t *len, char *err, size_t errlen);

/* Parses a story from text[0..len). Returns 0, or -1 with a message in err
 * (JSON syntax errors with line and column, then format errors naming the
 * case); on error *s holds nothing to free. */
int story_parse(const char *text, size_t len, story *s, char *err, size_t errlen);

/* story_read_file + story_parse; messages are prefixed with the path. */
int story_load(const char *path, story *s, char *err, size_t errlen);

/* Frees everything a story holds and zeroes it. */
void story_free(story *s);

/* Writes s as JSON in the layout of the hpack-test-case files: "cases" with
 * seqno, header_table_size (when >= 0), wire (lower-case hex, when
 * has_wire) and headers, then "context" and "description" when present. */
void story_write(FILE *f, const story *s);

/* The names of the files ending in ".json" in dir (subdirs == 0), or of
 * its subdirectories not starting with '.' (subdirs != 0), sorted (strcmp),
 * as a malloc'd array of malloc'd C strings (free with story_list_free).
 * Returns the count, or -1 with a message in err when dir cannot be read. */
long story_list_dir(const char *dir, int subdirs, char ***names, char *err, size_t errlen);
void story_list_free(char **names, long n);

/* Hex helpers: decode returns the byte count or -1 (odd length or a
 * non-hex character); encode writes 2*len chars plus a NUL. */
long story_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t cap);
void story_hex_encode(const uint8_t *in, size_t len, char *out);

#endif
