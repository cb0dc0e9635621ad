/* meter.h - the one progress line of bcadmin's verbs: on standard error, only when it is a
 * terminal (quiet in pipes, files and CI), redrawn at most ten times a second with the count,
 * the rate and, when the total is known, the percentage and the time left. Core reports through
 * bc_progress (progress.h); every verb that runs long shows it through this module.
 */
#ifndef BC_METER_H
#define BC_METER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "progress.h"

typedef struct {
    FILE *f;      /* standard error, or NULL when it is not a terminal: nothing is drawn */
    const char *label; /* the verb ("demo", "db index") */
    int64_t start_ms, last_ms;
    int64_t delay_ms; /* nothing is drawn before the work has run this long */
    const char *what; /* the phase last reported */
    uint64_t phase_done; /* count when the phase began: the rate counts this phase only */
    int64_t phase_ms;
    bool drawn;
} bc_meter;

/* Start a meter for label; draws nothing until the work has run for a moment. */
void bc_meter_start(bc_meter *m, const char *label);
/* What a core function takes to report into this meter. */
bc_progress bc_meter_progress(bc_meter *m);
void bc_meter_update(bc_meter *m, const char *what, uint64_t done, uint64_t total);
/* Clear the line (the verb's own output follows on a clean line). */
void bc_meter_end(bc_meter *m);

#endif
