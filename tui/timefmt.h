/* timefmt.h - the one way the console and the verbs' plain text write a time: local time with its
 * zone (the default), UTC labelled UTC, or relative to now ("3 min ago", "in 12 days").
 * BCADMIN_TIMES (local, utc, relative) sets the mode at start (tui_time_from_env) and the console's
 * `times` action (T) cycles it; tables name the zone in their headers, single values carry it.
 * JSON and CSV never come here: they keep ISO 8601 UTC ("Z"). Curses-free; the mode is the
 * process's, kept here.
 */
#ifndef TUI_TIMEFMT_H
#define TUI_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "status.h"

typedef enum { TUI_TIME_LOCAL, TUI_TIME_UTC, TUI_TIME_RELATIVE, TUI_TIME_MODES } tui_time_mode;

/* What to write besides the date and minute. */
enum {
    TUI_TIME_ZONE = 1 << 0,    /* " UTC", " CET" after an absolute time */
    TUI_TIME_SECONDS = 1 << 1, /* ":SS" */
    /* a time a sentence states ("banned until ..."): in relative mode local time with its zone,
     * then the relative time in parentheses */
    TUI_TIME_ABSOLUTE = 1 << 2,
};

/* Room for any text tui_time_text writes. */
#define TUI_TIME_TEXT 48

void tui_time_set_mode(tui_time_mode m);
tui_time_mode tui_time_get_mode(void);
/* The mode named text ("local", "utc", "relative"); a bad name is BC_USAGE naming it and where
 * it came from (from: "BCADMIN_TIMES"). */
bc_status tui_time_parse_mode(const char *text, const char *from, tui_time_mode *m, bc_error *err);
const char *tui_time_mode_name(tui_time_mode m);
/* Set the mode from BCADMIN_TIMES when it is set and not empty; a bad value is BC_USAGE naming it
 * (the mode stays). */
bc_status tui_time_from_env(bc_error *err);
/* ms since the epoch as text in the current mode (flags: TUI_TIME_*) into out (size bytes, at
 * least TUI_TIME_TEXT). */
void tui_time_text(int64_t ms, unsigned flags, char *out, size_t size);
/* Like tui_time_text for an ISO 8601 text as the state database keeps it; "-" for NULL, the text
 * itself when it does not parse. */
void tui_time_iso(const char *iso, unsigned flags, char *out, size_t size);
/* The zone a table header names for its times: "UTC", the local zone's abbreviation ("CET", or
 * "CET/CEST" for a zone whose abbreviation changes within the year, as local times on both sides
 * of the change are in the table), or "" when times are relative. Static storage; valid until the
 * next call. */
const char *tui_time_zone(void);

/* A date field as a table cell (tui_time_text: no zone, the header names it), or "-" when the row
 * has none. */
void tui_date_field(const bc_record *r, const char *field, char out[TUI_TIME_TEXT]);

/* A user's status as core describes it (bc_describe_user_state) with a ban's end in the current
 * mode (flags: TUI_TIME_ZONE outside tables). The caller frees. */
char *tui_user_status(const bc_record *user, int64_t now, unsigned flags);

#endif
