/* lineedit.h - the console's one line editor: every dialog field, the search line and the `:`
 * line edit text through it, so the same keys do the same thing everywhere.
 *
 * The text lives in the caller's buffer (a NUL-terminated UTF-8 string of a fixed size); a
 * tui_line_pos beside it says where the cursor is and whether the whole text is selected.
 * Pre-filled text starts selected: a typed character replaces it, Backspace/Delete/C-u/C-w/C-k
 * clear it, and a movement key only drops the selection. Keys (keymap.h codes): Left/Right,
 * Home/End, C-a/C-e, C-u (to the start), C-w (the word before), C-k (to the end), Backspace,
 * Delete. Control characters never enter the text. Curses-free except tui_line_draw, which draws
 * through draw.h (escaping what it shows).
 */
#ifndef TUI_LINEEDIT_H
#define TUI_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "draw.h"

typedef struct {
    size_t cur;    /* byte offset of the cursor in the text, on a character boundary */
    bool selected; /* the whole text is selected */
} tui_line_pos;

typedef enum {
    TUI_LINE_IGNORED, /* not an editing key: the owner decides (Enter, Esc, Tab, Up...) */
    TUI_LINE_MOVED,   /* the cursor or the selection changed, the text did not */
    TUI_LINE_EDITED,  /* the text changed */
} tui_line_result;

/* Put text (NULL: "") into buf[size] with the cursor at its end, selected when select and the
 * text is not empty. */
void tui_line_set(char *buf, size_t size, tui_line_pos *p, const char *text, bool select);

/* Apply one key. */
tui_line_result tui_line_key(char *buf, size_t size, tui_line_pos *p, int key);

/* Draw the text in width columns at (y, x), scrolled so the cursor shows; masked draws one
 * bullet per character. The selection is drawn reversed. Returns the cursor's screen column. */
int tui_line_draw(int y, int x, int width, const char *buf, const tui_line_pos *p, tui_style style,
                  bool masked);

#endif
