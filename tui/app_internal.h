/* app_internal.h - what the pieces of the console (tui/app*.c) share: the app's state and the
 * functions one piece calls in another. Private to tui/app*.c; views use app.h. */
#ifndef TUI_APP_INTERNAL_H
#define TUI_APP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "input.h"
#include "prompt.h"

#define STACK_MAX 8
#define QUEUE_MAX 64

struct tui_app {
    const tui_app_config *cfg;
    bc_target *target; /* the console's target (cfg->target, then the switched-to one) */
    bc_driver *driver; /* target->d */
    const char *label; /* cfg->label, then the switched-to target's */
    bool demo;
    bc_target_choice *choices; /* the deployment switcher's, while its menu is open */
    size_t n_choices;
    tui_keymap keymap;
    tui_view stack[STACK_MAX];
    int depth;
    char msg[1200];
    bool msg_error;
    tui_logged *log; /* every message of the session */
    size_t nlog;
    size_t log_dropped; /* the oldest messages let go past LOG_MAX */
    bool quit;
    int64_t total[2];
    bool total_at_least[2];
    /* the bottom line's editor (prompt_on mirrors prompt.on) */
    bool prompt_on;
    tui_prompt prompt;
    /* menu */
    bool menu_on;
    tui_menu menu;
    tui_rect menu_rect;
    /* dialog */
    bool dialog_on;
    tui_dialog dialog;
    unsigned dialog_gen;
    bool mouse_off; /* released to the terminal while a dialog shows text to copy */
    /* The last frame was the "terminal too small" notice: the view, a dialog, the line editor and
     * menus are hidden, so keys must not reach them (on_key). */
    bool too_small;
    /* the resume banner: an unfinished checklist run (0: none) */
    int64_t banner_run;
    char banner[600];
    /* double click */
    int64_t last_click_us;
    int last_click_y;
    /* the call on the worker thread (tui_app_call), and keys that wait for it */
    bool busy, busy_cancellable, busy_stopping, busy_refused;
    const char *busy_doing;
    const bc_count_progress *busy_found; /* tui_app_call_progress: shown while the call runs */
    /* tui_app_call_background: asked for the next call; the running call is one; the last call
     * was stopped by a key other than Esc (tui_app_call_yielded) */
    bool call_background, busy_background, busy_yielded;
    int64_t busy_since_us;
    int queued[QUEUE_MAX];
    size_t nqueued;
    /* the frame being handled: when it started, and when the screen first changed (trace) */
    int64_t frame_t0, frame_first_us;
};

/* app.c */
void app_refresh_banner(tui_app *app);
void app_pop_view(tui_app *app);
bool app_top_is(tui_app *app, const tui_view_ops *ops);
tui_view *app_top_view(tui_app *app);
void app_prompt_key(tui_app *app, int key);

/* app_actions.c */
void app_run_action(tui_app *app, tui_action a, const char *arg);

/* app_call.c */
tui_input app_next_queued(tui_app *app);

/* app_frame.c */
void app_draw_frame(tui_app *app);

/* app_menu.c */
void app_menu_close(tui_app *app);
void app_menu_activate(tui_app *app, int dir);
void app_menu_key(tui_app *app, int key);
void app_draw_menu(tui_app *app, tui_rect r);

#endif
