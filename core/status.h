/* status.h - the status codes every core call returns, and the error message that goes with them.
 *
 * Core never exits and never prints: a failing call returns a status and fills a bc_error that
 * the caller shows. Statuses map one-to-one onto bcadmin's exit codes (see bc_status_exit_code).
 */
#ifndef BC_STATUS_H
#define BC_STATUS_H

#include <stdarg.h>
#include <stdbool.h>

typedef enum {
    BC_OK = 0,
    BC_ERR,       /* failure: I/O, network, peer error, malformed data (exit 1) */
    BC_USAGE,     /* the caller asked for something malformed (exit 2) */
    BC_NOT_FOUND, /* the named user, session, file... does not exist (exit 3) */
    BC_REFUSED,   /* a rule forbids it: read-only, self-ban, admin target (exit 4) */
    BC_CANCELLED, /* the operator stopped a request while it ran (bc_driver_interrupt; exit 1) */
    /* A change stands in part, or may stand: its audit entry says 'partly applied' or 'unknown'
     * and the message what stands and how to finish (exit 5; bc_audit_finish_error sets it). */
    BC_INCOMPLETE,
} bc_status;

/* A formatted message owned by the struct itself (no allocation). Zero-initialise it. */
typedef struct {
    bc_status status;
    char msg[1024];
    /* A write reached the target but its answer was lost or says nothing (a dropped connection,
     * a timeout, an HTTP 500): it may or may not have been applied. bc_fail clears it; whoever
     * sets it does so after bc_fail. The audit records such a change as 'unknown'. */
    bool uncertain;
} bc_error;

/* Set err (which may be NULL) and return status, so callers can `return bc_fail(...)`. */
bc_status bc_fail(bc_error *err, bc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bc_status bc_vfail(bc_error *err, bc_status status, const char *fmt, va_list ap);

/* Put context in front of an existing message: "reading users: <old message>". */
bc_status bc_error_prefix(bc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The process exit code for a status: 0, 1, 2, 3, 4 or 5. */
int bc_status_exit_code(bc_status status);

#endif
