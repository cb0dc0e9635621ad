/* prompt.c - the bottom line's editor: editing, history, the `:` line's candidate menu. */
#include "prompt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "keymap.h"
#include "text.h"
#include "xalloc.h"

#define MENU_ROWS 10
#define CANDS_MAX 50

static void cands_clear(tui_prompt *p)
{
    for (size_t i = 0; i < p->ncands; i++)
        free(p->cands[i]);
    free(p->cands);
    p->cands = NULL;
    p->ncands = 0;
    p->cand_sel = -1;
}

void tui_prompt_open(tui_prompt *p, const tui_prompt_spec *spec, const char *text)
{
    cands_clear(p);
    p->spec = *spec;
    snprintf(p->prefix, sizeof p->prefix, "%s", spec->prefix);
    p->spec.prefix = p->prefix;
    int kind = spec->history;
    if ((!text || !*text) && kind && p->nhistory[kind])
        text = p->history[kind][p->nhistory[kind] - 1];
    tui_line_set(p->text, sizeof p->text, &p->pos, text, true);
    p->hist_at = p->nhistory[kind];
    p->draft[0] = '\0';
    p->on = true;
}

static void remember(tui_prompt *p, const char *text)
{
    int kind = p->spec.history;
    if (!kind || !*text)
        return;
    int n = p->nhistory[kind];
    if (n && strcmp(p->history[kind][n - 1], text) == 0)
        return;
    if (n == TUI_HISTORY_MAX) {
        free(p->history[kind][0]);
        memmove(p->history[kind], p->history[kind] + 1, (size_t)(n - 1) * sizeof(char *));
        n--;
    }
    p->history[kind][n++] = bc_xstrdup(text);
    p->nhistory[kind] = n;
}

static void finish(tui_prompt *p, tui_app *app, bool accepted)
{
    tui_prompt_spec spec = p->spec;
    char text[sizeof p->text];
    memcpy(text, p->text, sizeof text);
    cands_clear(p);
    p->on = false;
    if (accepted)
        remember(p, text);
    if (spec.on_done)
        spec.on_done(spec.ctx, app, text, accepted);
}

static void changed(tui_prompt *p, tui_app *app)
{
    if (p->spec.on_change)
        p->spec.on_change(p->spec.ctx, app, p->text);
}

/* ↑ (dir -1) and ↓ (+1) walk the history; the line being typed waits at its end. */
static void walk_history(tui_prompt *p, tui_app *app, int dir)
{
    int kind = p->spec.history, n = p->nhistory[kind];
    int at = p->hist_at + dir;
    if (!kind || at < 0 || at > n)
        return;
    if (p->hist_at == n)
        snprintf(p->draft, sizeof p->draft, "%s", p->text);
    p->hist_at = at;
    tui_line_set(p->text, sizeof p->text, &p->pos, at == n ? p->draft : p->history[kind][at],
                 false);
    changed(p, app);
}

/* --- candidates (the `:` line) -------------------------------------------------------------- */

static void cand_add(tui_prompt *p, const char *s)
{
    if (p->ncands == CANDS_MAX || !s)
        return;
    p->cands = bc_xrealloc(p->cands, (p->ncands + 1) * sizeof *p->cands);
    p->cands[p->ncands++] = bc_xstrdup(s);
}

typedef struct {
    bc_driver *driver;
    bc_user_query q;
    bc_page page;
} emails_call;

static bc_status run_emails_call(void *ctx, bc_error *err)
{
    emails_call *c = ctx;
    return bc_driver_users_page(c->driver, &c->q, &c->page, err);
}

/* The emails starting with partial (of admins only when admins). */
static void email_cands(tui_prompt *p, tui_app *app, const char *partial, bool admins)
{
    emails_call c = {.driver = tui_app_driver(app)};
    c.q = (bc_user_query){.search = *partial ? partial : NULL,
                          .search_mode = BC_SEARCH_PREFIX,
                          .role = admins ? "admin" : NULL,
                          .sort = BC_SORT_EMAIL,
                          .ascending = true,
                          .limit = CANDS_MAX};
    bc_error err = {0};
    if (tui_app_call(app, admins ? "listing admins" : "listing users", true, run_emails_call, &c,
                     &err) != BC_OK) {
        tui_app_error(app, &err);
        return;
    }
    for (size_t i = 0; i < c.page.rows.n; i++)
        cand_add(p, bc_record_text(&c.page.rows.items[i], "email"));
    bc_page_release(&c.page);
}

static void action_cands(tui_prompt *p, const char *partial)
{
    const char *names[CANDS_MAX];
    size_t n = tui_action_complete(partial, names, CANDS_MAX, NULL);
    for (size_t i = 0; i < n && i < CANDS_MAX; i++)
        cand_add(p, names[i]);
}

/* `:sort KEY [asc|desc]`: the keys of the screen on top, then a direction. */
static void sort_cands(tui_prompt *p, tui_app *app, const char *arg)
{
    static const char *const directions[] = {"asc", "desc", NULL};
    const char *const *keys = tui_app_sort_keys(app);
    size_t key_len = strcspn(arg, " ");
    if (!keys)
        return;
    if (arg[key_len]) {
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(key_len < 63 ? key_len : 63), arg);
        const char *dir = arg + key_len;
        while (*dir == ' ')
            dir++;
        bool known = false;
        for (size_t i = 0; keys[i]; i++)
            known = known || strcmp(keys[i], key) == 0;
        if (!known)
            return;
        p->cand_base += (size_t)(dir - arg);
        keys = directions;
        arg = dir;
    }
    for (size_t i = 0; keys[i]; i++)
        if (strncmp(keys[i], arg, strlen(arg)) == 0)
            cand_add(p, keys[i]);
}

static void arg_cands(tui_prompt *p, tui_app *app, tui_action a, const char *partial)
{
    switch (a) {
    case TUI_ACT_ACT_AS:
        email_cands(p, app, partial, true);
        break;
    case TUI_ACT_SHOW_USER:
        email_cands(p, app, partial, false);
        break;
    case TUI_ACT_SORT:
        sort_cands(p, app, partial);
        break;
    default:
        break;
    }
}

static size_t common_prefix(char *const *s, size_t n)
{
    size_t len = n ? strlen(s[0]) : 0;
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && s[i][k] == s[0][k])
            k++;
        len = k;
    }
    while (len && n && ((unsigned char)s[0][len] & 0xc0) == 0x80)
        len--; /* never cut a character */
    return len;
}

/* Put the candidate (or its first len bytes) in place of the word being completed. */
static void put_cand(tui_prompt *p, const char *cand, size_t len, bool space)
{
    snprintf(p->text + p->cand_base, sizeof p->text - p->cand_base, "%.*s%s", (int)len, cand,
             space ? " " : "");
    p->pos = (tui_line_pos){.cur = strlen(p->text)};
}

static void complete(tui_prompt *p, tui_app *app)
{
    cands_clear(p);
    const char *t = p->text;
    size_t name_len = strcspn(t, " ");
    tui_action a = TUI_ACT_NONE;
    if (!t[name_len]) {
        p->cand_base = 0;
        action_cands(p, t);
    } else {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(name_len < 63 ? name_len : 63), t);
        const char *arg = t + name_len;
        while (*arg == ' ')
            arg++;
        p->cand_base = (size_t)(arg - t);
        a = strcmp(name, "q") == 0 ? TUI_ACT_QUIT : tui_action_by_name(name);
        arg_cands(p, app, a, arg);
    }
    if (p->ncands == 0 && a == TUI_ACT_SORT && !tui_app_sort_keys(app)) {
        tui_app_message(app, "this screen has no sort");
        return;
    }
    if (p->ncands == 0) {
        char *shown = bc_text_escape(t, strlen(t));
        tui_app_message(app, "nothing to complete after \"%s\"", shown);
        free(shown);
        return;
    }
    if (p->ncands == 1) {
        put_cand(p, p->cands[0], strlen(p->cands[0]), true);
        cands_clear(p);
        return;
    }
    put_cand(p, p->cands[0], common_prefix(p->cands, p->ncands), false);
}

/* A key while the menu shows: Tab/↓ and S-Tab/↑ choose, Esc closes it; false for any other key,
 * which closes the menu and then does what it always does. */
static bool menu_key(tui_prompt *p, int key)
{
    int n = (int)p->ncands;
    switch (key) {
    case TUI_KEY_TAB:
    case TUI_KEY_DOWN:
        p->cand_sel = (p->cand_sel + 1) % n;
        break;
    case TUI_KEY_BTAB:
    case TUI_KEY_UP:
        p->cand_sel = p->cand_sel <= 0 ? n - 1 : p->cand_sel - 1;
        break;
    case TUI_KEY_ESC:
        cands_clear(p);
        return true;
    default:
        cands_clear(p);
        return false;
    }
    const char *c = p->cands[p->cand_sel];
    put_cand(p, c, strlen(c), false);
    return true;
}

bool tui_prompt_key_waits(const tui_prompt *p, int key)
{
    return key == TUI_KEY_ESC || key == TUI_KEY_CTRL('c') || key == TUI_KEY_CTRL('g') ||
           key == TUI_KEY_ENTER || key == TUI_KEY_ENTER_FN || key == TUI_KEY_TAB ||
           (key == TUI_KEY_BACKSPACE && !p->text[0]);
}

void tui_prompt_key(tui_prompt *p, tui_app *app, int key)
{
    if (p->ncands && menu_key(p, key))
        return;
    switch (key) {
    case TUI_KEY_ENTER:
    case TUI_KEY_ENTER_FN:
        finish(p, app, true);
        return;
    case TUI_KEY_ESC:
    case TUI_KEY_CTRL('c'):
    case TUI_KEY_CTRL('g'):
        finish(p, app, false);
        return;
    case TUI_KEY_TAB:
        if (p->spec.complete_actions)
            complete(p, app);
        return;
    case TUI_KEY_UP:
    case TUI_KEY_DOWN:
        walk_history(p, app, key == TUI_KEY_UP ? -1 : 1);
        return;
    case TUI_KEY_BACKSPACE:
        if (!p->text[0]) { /* Backspace on an empty line leaves it, as in vi and less */
            finish(p, app, false);
            return;
        }
        break;
    default:
        break;
    }
    if (tui_line_key(p->text, sizeof p->text, &p->pos, key) == TUI_LINE_EDITED)
        changed(p, app);
}

static void draw_menu(const tui_prompt *p, int y, int x, int cols)
{
    int n = (int)p->ncands, rows = n < MENU_ROWS ? n : MENU_ROWS;
    int w = 0;
    for (int i = 0; i < n; i++) {
        char *safe = bc_text_escape(p->cands[i], strlen(p->cands[i]));
        int cw = (int)bc_text_width(safe);
        free(safe);
        if (cw > w)
            w = cw;
    }
    char title[48];
    snprintf(title, sizeof title, " %zu: Tab/\u2191\u2193 choose ", p->ncands);
    if (w < (int)bc_text_width(title))
        w = (int)bc_text_width(title);
    w += 4;
    if (x + w > cols)
        x = cols - w > 0 ? cols - w : 0;
    if (w > cols)
        w = cols;
    int top = p->cand_sel >= rows ? p->cand_sel - rows + 1 : 0, by = y - rows - 2;
    if (by < 0)
        return;
    tui_draw_box(by, x, rows + 2, w, TUI_S_NORMAL);
    tui_draw_text(by, x + 1, w - 2, title, TUI_S_DIM, false);
    for (int i = 0; i < rows; i++) {
        bool sel = top + i == p->cand_sel;
        tui_draw_text(by + 1 + i, x + 1, w - 2, p->cands[top + i], sel ? TUI_S_SELECTED : 0, true);
    }
}

void tui_prompt_draw(const tui_prompt *p, int y, int cols, const char *busy)
{
    int x = tui_draw_text(y, 0, cols, p->prefix, TUI_A_BOLD, false);
    int bw = busy ? (int)bc_text_width(busy) : 0;
    int room = cols - x - (bw && cols - x - bw - 2 > 20 ? bw + 2 : 0);
    int cx = tui_line_draw(y, x, room, p->text, &p->pos, 0, false);
    if (bw && room < cols - x)
        tui_draw_text(y, cols - bw, bw, busy, TUI_S_DIM, false);
    if (p->ncands) {
        char *safe = bc_text_escape(p->text, p->cand_base);
        draw_menu(p, y, x + (int)bc_text_width(safe), cols);
        free(safe);
    }
    tui_draw_cursor(y, cx < cols ? cx : cols - 1);
}

void tui_prompt_release(tui_prompt *p)
{
    cands_clear(p);
    for (int k = 0; k < TUI_HISTORY_KINDS; k++)
        for (int i = 0; i < p->nhistory[k]; i++)
            free(p->history[k][i]);
    memset(p->nhistory, 0, sizeof p->nhistory);
}
