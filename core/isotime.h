/* isotime.h - Better Auth's date encoding: ISO-8601 UTC text with milliseconds, and durations.
 *
 * Better Auth on SQLite writes "2026-11-27T05:31:35.107Z"; Convex rows carry epoch milliseconds.
 * Core keeps every date as int64 milliseconds since the epoch and converts only at the edges.
 */
#ifndef BC_ISOTIME_H
#define BC_ISOTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BC_ISO_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
#define BC_DAY_MS (24LL * 3600 * 1000)

/* Write ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least BC_ISO_LEN + 1 bytes). */
void bc_iso_format(int64_t ms, char out[BC_ISO_LEN + 1]);

/* Parse ISO-8601: date, optional time with optional fraction, and "Z" or a ±HH:MM offset (a
 * missing zone means UTC, as JavaScript's Date does for Better Auth's own strings). Returns false
 * for anything else; never reads past len. */
bool bc_iso_parse(const char *s, size_t len, int64_t *ms);

/* Current time in ms. BCADMIN_NOW (an ISO time) overrides it, so tests can fix the clock. */
int64_t bc_now_ms(void);

/* Parse a duration like "30m", "12h", "7d", "2w", "90s" into ms; false when malformed. */
bool bc_duration_parse(const char *s, int64_t *ms);

#endif
