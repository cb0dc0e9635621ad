/* progress.h - how long work tells its caller how far it got.
 *
 * Core never prints: a long loop (demo rows, index builds, bulk actions, paging through a filter)
 * calls bc_progress_report with what it is doing and a count; the caller decides whether and how
 * to show it (tui/meter.c draws one line on a terminal's stderr). A NULL bc_progress, or one
 * without a report function, costs nothing.
 */
#ifndef BC_PROGRESS_H
#define BC_PROGRESS_H

#include <stdint.h>

typedef struct {
    /* what: a short phrase ("writing users"), static or valid for the call; total 0 when the
     * end is not known. Called from the thread doing the work. */
    void (*report)(void *ctx, const char *what, uint64_t done, uint64_t total);
    void *ctx;
} bc_progress;

static inline void bc_progress_report(const bc_progress *p, const char *what, uint64_t done,
                                      uint64_t total)
{
    if (p && p->report)
        p->report(p->ctx, what, done, total);
}

#endif
