/* status.c - formatting of bc_error messages. */
#include "status.h"

#include <stdio.h>
#include <string.h>

bc_status bc_vfail(bc_error *err, bc_status status, const char *fmt, va_list ap)
{
    if (err) {
        err->status = status;
        err->uncertain = false;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return status;
}

bc_status bc_fail(bc_error *err, bc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bc_vfail(err, status, fmt, ap);
    va_end(ap);
    return status;
}

bc_status bc_error_prefix(bc_error *err, const char *fmt, ...)
{
    if (!err)
        return BC_ERR;
    char old[sizeof err->msg];
    char prefix[256];
    memcpy(old, err->msg, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* prefix, ": ", then as much of the old message as fits (always NUL-terminated). */
    int used = snprintf(err->msg, sizeof err->msg, "%s: ", prefix);
    size_t at = used > 0 ? (size_t)used : 0;
    size_t keep = strnlen(old, sizeof err->msg - 1 - at);
    memcpy(err->msg + at, old, keep);
    err->msg[at + keep] = '\0';
    return err->status;
}

int bc_status_exit_code(bc_status status)
{
    switch (status) {
    case BC_OK:
        return 0;
    case BC_USAGE:
        return 2;
    case BC_NOT_FOUND:
        return 3;
    case BC_REFUSED:
        return 4;
    case BC_INCOMPLETE:
        return 5;
    case BC_ERR:
    case BC_CANCELLED:
        break;
    }
    return 1;
}
