/*
 * buf.c — the growable byte buffer the command builds bodies, URLs and
 * query strings in. Memory comes from a hyper_mem so tests can fail it.
 */
#include <string.h>
#include "cli/cli.h"

void cli_buf_init(cli_buf *b, const hyper_mem *mem)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->mem = mem ? mem : hyper_mem_default();
}

void cli_buf_free(cli_buf *b)
{
    if (b->data)
        b->mem->free(b->mem->ctx, b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Room for `more` bytes plus the NUL; doubles the capacity. */
static int reserve(cli_buf *b, size_t more)
{
    if (more > SIZE_MAX / 2 - b->len - 1)
        return -1;
    size_t need = b->len + more + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = b->data ? b->mem->realloc(b->mem->ctx, b->data, b->cap, cap)
                      : b->mem->alloc(b->mem->ctx, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int cli_buf_add(cli_buf *b, const void *p, size_t n)
{
    if (reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int cli_buf_adds(cli_buf *b, const char *s)
{
    return cli_buf_add(b, s, strlen(s));
}

int cli_buf_addc(cli_buf *b, char c)
{
    return cli_buf_add(b, &c, 1);
}

int cli_buf_nul(cli_buf *b)
{
    return cli_buf_add(b, "", 0);
}
