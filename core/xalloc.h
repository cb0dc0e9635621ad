/* xalloc.h - allocation that never returns NULL.
 *
 * Out of memory aborts: an interactive tool has no sane recovery, and it keeps every call site
 * honest. Everything returned is freed with free().
 */
#ifndef BC_XALLOC_H
#define BC_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

#define BC_NONNULL __attribute__((returns_nonnull))

BC_NONNULL void *bc_xmalloc(size_t n);
BC_NONNULL void *bc_xcalloc(size_t n, size_t size);
BC_NONNULL void *bc_xrealloc(void *p, size_t n);
char *bc_xstrdup(const char *s); /* NULL in, NULL out */
BC_NONNULL char *bc_xstrndup(const char *s, size_t n);
/* A copy of n bytes plus a NUL, NUL bytes included (text that may hold NULs); NULL in, NULL out. */
char *bc_xmemdup(const void *p, size_t n);
BC_NONNULL char *bc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* bc_xasprintf with a va_list (the caller's va_start/va_end). */
BC_NONNULL char *bc_xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer, always NUL-terminated once anything was appended. Zero-initialise;
 * bc_buf_release frees. */
typedef struct {
    char *data;
    size_t len, cap;
} bc_buf;

void bc_buf_append(bc_buf *b, const void *data, size_t len);
void bc_buf_puts(bc_buf *b, const char *s);
void bc_buf_printf(bc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bc_buf_release(bc_buf *b);
/* Hand the contents to the caller (who frees them) and leave the buffer empty. Never NULL. */
char *bc_buf_take(bc_buf *b);

#endif
