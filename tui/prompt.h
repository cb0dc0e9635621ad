/* prompt.h - the bottom line's editor: the search line, the `:` line and short questions.
 *
 * Text is edited by lineedit.h. The search and `:` lines keep a history each (↑/↓ walk it; a line
 * opened without text starts with the last entry, selected, so Enter repeats it and typing
 * replaces it). On the `:` line Tab opens a candidate menu: action names, then the action's
 * arguments (admin emails after `as`, user emails after `user`, sort keys after `sort`).
 * Curses-free; owned by app.c, which holds one tui_prompt for the whole run. The menu's strings
 * and the history belong to the tui_prompt (tui_prompt_release frees them).
 */
#ifndef TUI_PROMPT_H
#define TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "lineedit.h"

#define TUI_PROMPT_TEXT 512
#define TUI_HISTORY_MAX 50

typedef struct {
    bool on;
    tui_prompt_spec spec;
    char prefix[32];
    char text[TUI_PROMPT_TEXT];
    tui_line_pos pos;
    /* the history walk: hist_at == nhistory[kind] is the line being typed (kept in draft) */
    char *history[TUI_HISTORY_KINDS][TUI_HISTORY_MAX];
    int nhistory[TUI_HISTORY_KINDS];
    int hist_at;
    char draft[TUI_PROMPT_TEXT];
    /* the candidate menu (ncands > 0 while it shows); cand_base: where the completed word starts */
    char **cands;
    size_t ncands;
    int cand_sel; /* -1: none chosen yet */
    size_t cand_base;
} tui_prompt;

void tui_prompt_open(tui_prompt *p, const tui_prompt_spec *spec, const char *text);
/* Apply one key; may finish the line (spec.on_done runs, p->on becomes false). */
void tui_prompt_key(tui_prompt *p, tui_app *app, int key);
/* Whether key would finish the line or needs the worker thread (Enter, Esc, Tab, Backspace on an
 * empty line): the app holds such keys while a call runs. */
bool tui_prompt_key_waits(const tui_prompt *p, int key);
/* Draw the line at row y (busy: the running call's text, drawn at the right when it fits) and
 * the candidate menu above it. */
void tui_prompt_draw(const tui_prompt *p, int y, int cols, const char *busy);
void tui_prompt_release(tui_prompt *p);

#endif
