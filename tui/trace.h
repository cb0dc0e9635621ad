/* trace.h - the opt-in frame-time trace: BCADMIN_TRACE=FILE appends one line per frame
 *     frame=N event=KEY action=NAME fetch_ms=F fetches=K draw_ms=D total_ms=T [rows_ms=R]
 *     [count_ms=C]
 * plus a "startup_ms=" line for the first frame (from opening the target to the first screen), so
 * slow frames can be found and benchmarked. Curses-free; does nothing when the variable is unset.
 * The file is created 0600 (an existing one is tightened to it) and never holds a typed character.
 */
#ifndef TUI_TRACE_H
#define TUI_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Open the file named by BCADMIN_TRACE (if any); returns false and leaves tracing off when it
 * cannot be opened (the message goes to *why, static). */
bool tui_trace_open(const char **why);
void tui_trace_close(void);
/* The event name of a key for the trace: its key name (keymap.h), except that a key which types
 * a character into a text field (search, command line, any dialog field, masked or not) is only
 * "char" - the trace never holds what was typed. */
void tui_trace_key_label(int key, bool in_text, char *out, size_t size);
/* Monotonic time in microseconds. */
int64_t tui_trace_now_us(void);
/* Account one data fetch (called by views around driver calls). */
void tui_trace_fetch(int64_t us);
/* Write the line of a finished frame: event names what woke us, handle/draw in microseconds;
 * first_us is the time to the first screen flush after the event (the busy line, when the
 * handling waited on a call; 0: the frame's own draw). */
void tui_trace_frame(const char *event, const char *action, int64_t handle_us, int64_t draw_us,
                     int64_t first_us);
void tui_trace_startup(int64_t us);
/* The frame being handled shows the rows of a search whose text changed at since_us (the letter
 * typed): its line gets rows_ms, from then to the end of its draw (time to rows on screen). */
void tui_trace_rows_since(int64_t since_us);
/* The same for the search's count filled in on the screen: count_ms. */
void tui_trace_count_since(int64_t since_us);

#endif
