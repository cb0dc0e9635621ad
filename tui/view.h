/* view.h - what every view shares through tui_view (app.h): its list position, moved by the
 * movement actions, clicks and the wheel here, in one place, for every list view.
 */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "rowwin.h"

/* The movement actions (j/k, pages, halves, g/G) move v->list, through ops->seek when the view has
 * one; true when a is one of them and v has a list. */
bool tui_view_navigate(tui_view *v, tui_app *app, tui_action a);
/* A click at (y, x): ops->click first (a view with panes focuses the one clicked), then the row
 * drawn at line y of v->list is selected; true when a row was. */
bool tui_view_click(tui_view *v, tui_app *app, int y, int x);
/* Open a list's `/` line on text (selected: typing replaces it), with the search history:
 * on_change after every edit, on_done once (accepted false for Esc); ctx goes to both. */
void tui_view_search_prompt(
    tui_app *app, const char *text, void (*on_change)(void *ctx, tui_app *app, const char *text),
    void (*on_done)(void *ctx, tui_app *app, const char *text, bool accepted), void *ctx);
/* A list's live search: the text as typed, the text the rows are for, and the fetch due after a
 * pause in the typing (the view's idle_in / idle run it through tui_live_search_idle_in /
 * tui_live_search_idle). Zero-initialise, then tui_live_search_init. */
typedef struct {
    char text[256];
    char before[256];  /* the search when the `/` line opened: Esc goes back to it */
    char fetched[256]; /* the search the rows on screen were read for */
    bool pending;      /* a fetch for text is due at due_us */
    int64_t due_us;
    int64_t delay_us; /* the pause after an edit before its fetch; the view may change it */
    /* the view's: reload(ctx, to_end) reads its rows again for text (tui_live_search_reload);
     * typed(ctx), if set, runs after every edit, the fetch then due */
    void (*reload)(void *ctx, bool to_end);
    void (*typed)(void *ctx);
    void *ctx;
} tui_live_search;
void tui_live_search_init(tui_live_search *ls, void (*reload)(void *ctx, bool to_end),
                          void (*typed)(void *ctx), void *ctx, int64_t delay_us);
/* `/`: open the search line on ls->text (selected: typing replaces it), remembering the search to
 * go back to: every edit stops a fetch or count for an older text still running and has the
 * next fetch due delay_us later; Enter keeps the text, Esc goes back, either reloads when the
 * rows are not for the text. Given arg (`:search ARG`): the text is arg, reloaded now. */
void tui_live_search_open(tui_live_search *ls, tui_app *app, const char *arg);
/* Milliseconds until the due fetch (0: now), or -1 when none is due: a view's idle_in. */
int tui_live_search_idle_in(const tui_live_search *ls);
/* A view's idle: the due fetch, when one is due (true then). */
bool tui_live_search_idle(tui_live_search *ls);
/* Read w's rows again for ls->text (to_end: from its last row). BC_OK: the rows are for it (and
 * ls->fetched says so). BC_CANCELLED with ls->pending: typing went on and stopped the read, the
 * next fetch is due (nothing to say). Any other failure: the rows there were stay, and ls->text
 * is back to the search they were read for. */
bc_status tui_live_search_reload(tui_live_search *ls, tui_rowwin *w, bool to_end, bc_error *err);

/* v: open the record view on v's selected row (ops->record); false when v has no records, so
 * the app can say so. Defined in view_record.c. */
bool tui_view_show_record(tui_view *v, tui_app *app);
/* ops->seek of a view whose list is a keyset window w: reload(ctx, to_end) starts the window again
 * at an end when g/G must fetch it; errors and "press G again" go to the bottom line. */
void tui_view_seek_rows(tui_app *app, tui_rowwin *w, tui_action a, int64_t delta,
                        void (*reload)(void *ctx, bool to_end), void *ctx);

/* Esc on a list with an accepted search (ls->text): the search is dropped, the rows are read
 * again and the bottom line says "search cleared"; true. false when there is no search (Esc goes
 * back). */
bool tui_live_search_back(tui_live_search *ls, tui_app *app);

/* r on a keyset list: read w's rows again where they are (by id); the bottom line says
 * "refreshed" or the error. true when the rows were read. */
bool tui_view_refresh_rows(tui_app *app, tui_rowwin *w);

/* A list's sort direction as its title and sort menu say it ("\u25b2 ascending"); static text. */
const char *tui_sort_direction(bool ascending);
/* `:sort KEY [asc|desc]`: the index of KEY among names (a view's sort_keys, ending with NULL), or
 * -1 when arg names none; *ascending is 1 for a direction starting "asc", 0 for any other, -1 when
 * arg gives none. */
int tui_sort_arg(const char *arg, const char *const *names, int *ascending);
/* The bottom line's usage of `:sort` on a list of what ("users"): "sort users by created,
 * updated, email or name [asc|desc]", from names (ending with NULL). */
void tui_sort_usage(tui_app *app, const char *what, const char *const *names);
/* A list's sort menu: item i of m->n is labels[i] padded to width, the current key (m->sel) with
 * its direction. */
void tui_sort_menu_items(tui_menu *m, const char *const *labels, int width, bool ascending);

#endif
