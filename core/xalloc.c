/* xalloc.c - allocation that aborts on exhaustion, and a growable buffer. */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (!p) {
        fputs("bcadmin: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *bc_xmalloc(size_t n)
{
    return check(malloc(n ? n : 1));
}

void *bc_xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *bc_xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1));
}

char *bc_xstrdup(const char *s)
{
    return s ? check(strdup(s)) : NULL;
}

char *bc_xstrndup(const char *s, size_t n)
{
    return check(strndup(s, n));
}

char *bc_xmemdup(const void *p, size_t n)
{
    if (!p)
        return NULL;
    char *out = bc_xmalloc(n + 1);
    memcpy(out, p, n);
    out[n] = '\0';
    return out;
}

char *bc_xvasprintf(const char *fmt, va_list ap)
{
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0)
        check(NULL);
    return out;
}

char *bc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = bc_xvasprintf(fmt, ap);
    va_end(ap);
    return out;
}

static void reserve(bc_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = bc_xrealloc(b->data, cap);
    b->cap = cap;
}

void bc_buf_append(bc_buf *b, const void *data, size_t len)
{
    reserve(b, len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void bc_buf_puts(bc_buf *b, const char *s)
{
    bc_buf_append(b, s, strlen(s));
}

void bc_buf_printf(bc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void bc_buf_release(bc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *bc_buf_take(bc_buf *b)
{
    char *out = b->data ? b->data : bc_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return out;
}
