/* timefmt.h - the one way the console writes a time: local time with its zone (the default), UTC
 * labelled UTC, or relative to now ("3 min ago", "in 12 days"). BCADMIN_TIMES (local, utc,
 * relative) sets the mode at start and the `times` action (T) cycles it; tables name the zone in
 * their headers, single values carry it. Curses-free; the mode is the console's, kept here.
 */
#ifndef TUI_TIMEFMT_H
#define TUI_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum { TUI_TIME_LOCAL, TUI_TIME_UTC, TUI_TIME_RELATIVE, TUI_TIME_MODES } tui_time_mode;

/* What to write besides the date and minute. */
enum {
    TUI_TIME_ZONE = 1 << 0,    /* " UTC", " CET" after an absolute time */
    TUI_TIME_SECONDS = 1 << 1, /* ":SS" */
};

/* Room for any text tui_time_text writes. */
#define TUI_TIME_TEXT 48

void tui_time_set_mode(tui_time_mode m);
tui_time_mode tui_time_get_mode(void);
/* The mode named text ("local", "utc", "relative"); a bad name is BC_USAGE naming it and where
 * it came from (from: "BCADMIN_TIMES"). */
bc_status tui_time_parse_mode(const char *text, const char *from, tui_time_mode *m, bc_error *err);
const char *tui_time_mode_name(tui_time_mode m);
/* ms since the epoch as text in the current mode (flags: TUI_TIME_*) into out (size bytes, at
 * least TUI_TIME_TEXT). */
void tui_time_text(int64_t ms, unsigned flags, char *out, size_t size);
/* Like tui_time_text for an ISO 8601 text as the state database keeps it; "-" for NULL, the text
 * itself when it does not parse. */
void tui_time_iso(const char *iso, unsigned flags, char *out, size_t size);
/* The zone a table header names for its times: "UTC", the local zone's abbreviation, or "" when
 * times are relative. Static storage; valid until the next call. */
const char *tui_time_zone(void);

#endif
