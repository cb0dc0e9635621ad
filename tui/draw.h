/* draw.h - the terminal: set-up and restore, and every primitive the views draw with.
 *
 * One of the few curses files (with input.c). Views never touch curses: they draw untrusted text
 * through tui_draw_text, which escapes and fits it (core/text.h) before it reaches the terminal.
 * Styles are bit sets; colour is an extra only: every style also has a text or attribute cue, and
 * NO_COLOR or a monochrome terminal drops the colour.
 */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include <stdbool.h>

#include "status.h"

typedef int tui_style;
enum {
    TUI_A_BOLD = 1 << 0,
    TUI_A_REVERSE = 1 << 1,
    TUI_A_DIM = 1 << 2,
    TUI_A_UNDERLINE = 1 << 3,
    TUI_C_SHIFT = 8,
    TUI_C_RED = 1 << TUI_C_SHIFT,
    TUI_C_GREEN = 2 << TUI_C_SHIFT,
    TUI_C_YELLOW = 3 << TUI_C_SHIFT,
    TUI_C_BLUE = 4 << TUI_C_SHIFT,
    TUI_C_MAGENTA = 5 << TUI_C_SHIFT,
    TUI_C_CYAN = 6 << TUI_C_SHIFT,
    TUI_C_MASK = 7 << TUI_C_SHIFT,
};

#define TUI_S_NORMAL 0
#define TUI_S_BAR TUI_A_REVERSE
#define TUI_S_HEADER (TUI_A_BOLD | TUI_A_UNDERLINE)
#define TUI_S_SELECTED TUI_A_REVERSE
#define TUI_S_DANGER (TUI_A_BOLD | TUI_C_RED)
#define TUI_S_WARN TUI_C_YELLOW
#define TUI_S_GOOD TUI_C_GREEN
#define TUI_S_DIM TUI_A_DIM
#define TUI_S_TITLE TUI_A_BOLD

/* Enter curses (alternate screen, raw keys, mouse). Installs handlers so SIGTERM, SIGINT, SIGHUP
 * and fatal signals restore the terminal. */
bc_status tui_term_init(bc_error *err);
/* Leave curses; safe to call twice and when init never ran. */
void tui_term_done(void);
bool tui_term_active(void);
/* Whether drawing is plain: NO_COLOR or a terminal without colour (charts use ASCII then). */
bool tui_draw_plain(void);
/* A signal that asked bcadmin to stop (SIGTERM, SIGINT, SIGHUP), or 0. */
int tui_term_stop_signal(void);
void tui_term_size(int *rows, int *cols);
/* Give the terminal back and stop (C-z): the shell's fg resumes the console, redrawn. */
void tui_term_suspend(void);
/* Capture the mouse (clicks, wheel) or leave it to the terminal, so a drag selects text. */
void tui_term_mouse(bool capture);

void tui_draw_clear(void);
/* Forget what the terminal shows and repaint it all on the next flush (Ctrl-L). */
void tui_draw_invalidate(void);
void tui_draw_flush(void);

/* Escape and fit text into width columns at (y, x); pad to width with spaces in the same style
 * when pad. Returns the columns the text took. Text may be NULL (drawn as nothing). */
int tui_draw_text(int y, int x, int width, const char *text, tui_style style, bool pad);
/* Like tui_draw_text, right-aligned within width. */
int tui_draw_text_right(int y, int x, int width, const char *text, tui_style style);
void tui_draw_fill(int y, int x, int width, tui_style style);
void tui_draw_hline(int y, int x, int width, tui_style style);
void tui_draw_box(int y, int x, int height, int width, tui_style style);
/* Show the cursor at (y, x), or hide it with y < 0. */
void tui_draw_cursor(int y, int x);

#endif
