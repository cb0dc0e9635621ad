/* view_help.c - the help screen, generated from the action table and the live keymap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "keymap.h"
#include "text.h"
#include "view.h"
#include "xalloc.h"

typedef struct {
    char *text;        /* what is drawn (keys, name, help, verb) */
    tui_action action; /* TUI_ACT_NONE for a group title */
} help_line;

typedef struct {
    help_line *lines;
    size_t n;
    size_t *shown; /* indices of lines matching the search */
    size_t nshown;
    tui_list list;  /* over shown; Enter runs the selected line's action */
    size_t actions; /* actions listed (write actions are left out under --read-only) */
    char search[128];
} help_state;

static void build(help_state *s, tui_app *app)
{
    s->lines = bc_xcalloc(TUI_ACT_COUNT + TUI_GROUP_COUNT + 1, sizeof *s->lines);
    bool read_only = tui_app_driver(app)->read_only;
    for (int g = 0; g < TUI_GROUP_COUNT; g++) {
        if (read_only && g == TUI_GROUP_ADMIN)
            continue;
        s->lines[s->n++] = (help_line){bc_xstrdup(tui_group_title((tui_group)g)), TUI_ACT_NONE};
        for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
            const tui_action_info *info = tui_action_get((tui_action)a);
            if ((int)info->group != g)
                continue;
            s->actions++;
            char *keys = tui_keymap_keys_of(tui_app_keymap(app), (tui_action)a);
            char *verb = info->verb ? bc_xasprintf("  [bcadmin %s]", info->verb) : bc_xstrdup("");
            s->lines[s->n++] =
                (help_line){bc_xasprintf("  %-18s %-16s %s%s", *keys ? keys : "(:only)", info->name,
                                         info->help, verb),
                            (tui_action)a};
            free(keys);
            free(verb);
        }
    }
}

static void apply_search(help_state *s)
{
    free(s->shown);
    s->shown = bc_xcalloc(s->n + 1, sizeof *s->shown);
    s->nshown = 0;
    s->list.top = 0;
    size_t nn;
    char *needle = bc_text_fold(s->search, strlen(s->search), &nn);
    for (size_t i = 0; i < s->n; i++) {
        const char *t = s->lines[i].text;
        bool title = s->lines[i].action == TUI_ACT_NONE;
        if (title || bc_text_contains_folded(t, strlen(t), needle, nn))
            s->shown[s->nshown++] = i;
    }
    free(needle);
    if (!s->search[0]) {
        tui_list_count(&s->list, s->nshown);
        tui_list_select(&s->list, 0);
        return;
    }
    /* Drop group titles left without a matching line. */
    size_t k = 0;
    for (size_t i = 0; i < s->nshown; i++) {
        bool title = s->lines[s->shown[i]].action == TUI_ACT_NONE;
        bool next_is_line = i + 1 < s->nshown && s->lines[s->shown[i + 1]].action != TUI_ACT_NONE;
        if (!title || next_is_line)
            s->shown[k++] = s->shown[i];
    }
    s->nshown = k;
    tui_list_count(&s->list, s->nshown);
    tui_list_select(&s->list, s->nshown > 1 ? 1 : 0); /* the first action, not its group's title */
}

static bc_status help_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)err;
    help_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->list;
    build(s, app);
    snprintf(s->search, sizeof s->search, "%s", arg ? arg : "");
    apply_search(s);
    return BC_OK;
}

static void help_close(tui_view *v)
{
    help_state *s = v->data;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->lines[i].text);
    free(s->lines);
    free(s->shown);
    free(s);
}

static void help_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    help_state *s = v->data;
    char title[256];
    snprintf(title, sizeof title, "Help  %zu actions%s%s%s   / search   Enter runs   q back", s->actions,
             s->search[0] ? "   matching: \"" : "", s->search, s->search[0] ? "\"" : "");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
    tui_draw_text(r.y + 1, r.x, r.w, "  key(s)             action           what it does",
                  TUI_S_HEADER, true);
    tui_list_place(&s->list, r.y + 2, r.h - 2);
    size_t k;
    for (int i = 0; tui_list_row(&s->list, i, &k); i++) {
        const help_line *l = &s->lines[s->shown[k]];
        bool group = l->action == TUI_ACT_NONE, sel = tui_list_selected(&s->list, k);
        tui_style st = sel ? TUI_S_SELECTED : group ? TUI_A_BOLD | TUI_A_UNDERLINE : 0;
        /* the selection says so in text too, as a table row's does: ▸ in the first column */
        int x = sel && group ? tui_draw_text(r.y + 2 + i, r.x, 1, "\u25b8", st, false) : 0;
        tui_draw_text(r.y + 2 + i, r.x + x, r.w - x, l->text, st, true);
        if (sel && !group)
            tui_draw_text(r.y + 2 + i, r.x, 1, "\u25b8", st, false);
    }
    if (s->nshown == 0)
        tui_draw_text(r.y + 3, r.x + 2, r.w - 2, "No action matches the search.", TUI_S_DIM, false);
}

/* Enter on an action's line runs it where help was opened from. */
static void run_selected(help_state *s, tui_app *app)
{
    if (s->list.sel >= s->nshown)
        return;
    tui_action a = s->lines[s->shown[s->list.sel]].action;
    if (a == TUI_ACT_NONE)
        return;
    tui_app_run_action(app, TUI_ACT_HELP, NULL); /* closes this screen: s is gone */
    tui_app_run_action(app, a, NULL);
}

static void search_changed(void *ctx, tui_app *app, const char *text)
{
    (void)app;
    help_state *s = ctx;
    snprintf(s->search, sizeof s->search, "%s", text);
    apply_search(s);
}

static void search_done(void *ctx, tui_app *app, const char *text, bool accepted)
{
    (void)app;
    help_state *s = ctx;
    snprintf(s->search, sizeof s->search, "%s", accepted ? text : "");
    apply_search(s);
}

static bool help_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    help_state *s = v->data;
    switch (a) {
    case TUI_ACT_OPEN:
        run_selected(s, app);
        return true;
    case TUI_ACT_SEARCH:
        if (arg) {
            search_changed(s, app, arg);
            return true;
        }
        tui_view_search_prompt(app, s->search, search_changed, search_done, s);
        return true;
    case TUI_ACT_CLEAR:
        search_changed(s, app, "");
        return true;
    case TUI_ACT_BACK:
        if (!s->search[0])
            return false;
        search_changed(s, app, ""); /* Esc drops the search first; the next goes back */
        return true;
    default:
        return false;
    }
}

/* The selected action whole: its keys, name, verb and help line. */
static bool help_record(tui_view *v, tui_app *app, tui_fields *out)
{
    help_state *s = v->data;
    if (s->list.sel >= s->nshown)
        return false;
    tui_action a = s->lines[s->shown[s->list.sel]].action;
    const tui_action_info *info = tui_action_get(a);
    if (!info)
        return false;
    tui_fields_title(out, "Action %s", info->name);
    char *keys = tui_keymap_keys_of(tui_app_keymap(app), a);
    if (*keys)
        tui_fields_add(out, "keys", keys);
    else
        tui_fields_addf(out, "keys", "none: type :%s", info->name);
    free(keys);
    tui_fields_add(out, "action", info->name);
    tui_fields_add(out, "group", tui_group_title(info->group));
    tui_fields_add(out, "what it does", info->help);
    if (info->verb)
        tui_fields_addf(out, "command line", "bcadmin %s", info->verb);
    return true;
}

static const tui_action help_hints[] = {TUI_ACT_SEARCH, TUI_ACT_NONE};

const tui_view_ops tui_help_view = {
    .name = "help",
    .open = help_open,
    .draw = help_draw,
    .handle = help_handle,
    .record = help_record,
    .hints = help_hints,
    .close = help_close,
};
