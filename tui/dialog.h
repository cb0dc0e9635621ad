/* dialog.h - modal dialogs over the console: a form of text fields (some masked, some a typed
 * confirmation that must match a given text), a yes/no question, or text to copy.
 *
 * Curses-free: tui_dialog_key edits the fields and judges each key, tui_dialog_draw draws through
 * draw.h (which escapes every string, so hostile names stay visible and inert). The app shows one
 * dialog at a time (tui_app_dialog in app.h) and routes every key to it. A tui_dialog is a plain
 * value: zero-initialise it, fill it in, hand a copy to the app.
 */
#ifndef TUI_DIALOG_H
#define TUI_DIALOG_H

#include <stdbool.h>

#include "draw.h"
#include "lineedit.h"

#define TUI_DIALOG_FIELDS 6
#define TUI_DIALOG_LINES 16
#define TUI_DIALOG_TEXT 512

typedef enum {
    TUI_DLG_FORM,  /* fields; Enter on the last field accepts */
    TUI_DLG_YESNO, /* y (or Enter, unless danger) accepts, n or Esc declines */
    TUI_DLG_INFO,  /* text to read or copy; any of Enter, Esc, q closes */
} tui_dialog_kind;

typedef struct {
    char label[64];
    bool masked;                 /* drawn as one bullet per character (passwords) */
    char expect[256];            /* typed confirmation: accepted only when value equals this */
    bool yesno;                  /* value is "yes" or "no": Space toggles, y and n set it */
    char value[TUI_DIALOG_TEXT]; /* UTF-8, edited by lineedit.h */
    tui_line_pos pos;            /* a pre-filled value starts selected: typing replaces it */
} tui_dialog_field;

typedef struct tui_app tui_app;
typedef struct tui_dialog tui_dialog;

struct tui_dialog {
    tui_dialog_kind kind;
    char title[160];
    bool danger; /* drawn in the danger style (removal, bulk, production); a yes/no then needs y */
    char lines[TUI_DIALOG_LINES][TUI_DIALOG_TEXT];
    int nlines;
    bool wrap; /* INFO: wrap long lines instead of cutting them, so they can be copied whole */
    tui_dialog_field fields[TUI_DIALOG_FIELDS];
    int nfields, focus;
    char error[TUI_DIALOG_TEXT]; /* shown in the dialog until the next key */
    /* Runs once when the dialog is accepted or cancelled. Return false to keep it open (after
     * setting error); a new dialog opened from here replaces this one. */
    bool (*on_done)(tui_dialog *d, tui_app *app, bool accepted);
    void *ctx;
    void (*ctx_free)(void *ctx); /* frees ctx when the last dialog using it closes (may be NULL) */
};

typedef enum { TUI_DLG_KEEP, TUI_DLG_ACCEPT, TUI_DLG_CANCEL } tui_dialog_result;

/* Append a body line (printf-style); extra lines beyond TUI_DIALOG_LINES are dropped. */
void tui_dialog_line(tui_dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the error line shown in the dialog (printf-style, cut to fit). */
void tui_dialog_error(tui_dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a field; returns its index, or -1 when the dialog is full. value and expect may be
 * NULL. */
int tui_dialog_field_add(tui_dialog *d, const char *label, const char *value, bool masked,
                         const char *expect);

/* Append a yes/no field (Space toggles it, y and n set it); its value reads "yes" or "no". */
int tui_dialog_field_add_yesno(tui_dialog *d, const char *label, bool yes);

/* Apply one key (keymap.h codes). ACCEPT only when every typed confirmation matches; a mismatch
 * keeps the dialog open with d->error saying so. */
tui_dialog_result tui_dialog_key(tui_dialog *d, int key);

/* Escape text and split it into pieces of at most width columns (the caller frees each); returns
 * how many, at most max (the rest is dropped). Used wherever long text is wrapped, not cut. */
int tui_wrap_text(const char *text, int width, char **out, int max);

/* Draw centred in the area r (the space between the bars). */
void tui_dialog_draw(const tui_dialog *d, int y, int x, int h, int w);

#endif
