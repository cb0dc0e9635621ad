/* app_frame.c - the console's frame: the top bar, the view, the banner, the bottom line (message,
 * hints, busy line, line editor), menus and dialogs over them. */
#include "app_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "line.h"
#include "table.h"
#include "text.h"
#include "trace.h"
#include "xalloc.h"

#define MIN_ROWS 10
#define MIN_COLS 60
/* --- frame ---------------------------------------------------------------------------------- */

static void format_total(char *out, size_t size, int64_t n, bool at_least, const char *what)
{
    char count[48];
    tui_format_count(count, sizeof count, n);
    snprintf(out, size, "%s%s %s", count, at_least ? "+" : "", what);
}

static void draw_top_bar(tui_app *app, int cols)
{
    tui_draw_fill(0, 0, cols, TUI_S_BAR);
    int x = 0;
    x += tui_draw_text(0, x, cols - x, " bcadmin ", TUI_S_BAR | TUI_A_BOLD, false);
    char part[512];
    /* the line the target shows (schema or functions), never assumed */
    snprintf(part, sizeof part, " %s \u2502 %s \u2502 %s ", app->driver->ops->kind, app->label,
             bc_line_of_driver(app->driver, true));
    x += tui_draw_text(0, x, cols - x, part, TUI_S_BAR, false);
    if (app->demo)
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, "[DEMO: no --db given]",
                               TUI_S_BAR | TUI_C_YELLOW, false);
    if (app->driver->production)
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, "[PROD]", TUI_S_BAR | TUI_A_BOLD | TUI_C_RED,
                               false);
    if (app->driver->read_only)
        x +=
            1 + tui_draw_text(0, x + 1, cols - x - 1, "[READ-ONLY]", TUI_S_BAR | TUI_A_BOLD, false);
    const bc_admin *admin = app->cfg->admin;
    if (admin && bc_admin_has_actor(admin)) {
        char as[300];
        char *email = tui_record_cell(&admin->actor, "email");
        snprintf(as, sizeof as, "as %s", email ? email : "?");
        free(email);
        x += 1 + tui_draw_text(0, x + 1, cols - x - 1, as, TUI_S_BAR, false);
    }
    char right[160] = "", buf[64];
    if (app->total[0] >= 0) {
        format_total(buf, sizeof buf, app->total[0], app->total_at_least[0], "users");
        snprintf(right, sizeof right, "%s", buf);
    }
    if (app->total[1] >= 0) {
        format_total(buf, sizeof buf, app->total[1], app->total_at_least[1], "sessions");
        size_t l = strlen(right);
        snprintf(right + l, sizeof right - l, "%s%s", l ? " \u00b7 " : "", buf);
    }
    size_t l = strlen(right);
    tui_view *top = app_top_view(app);
    snprintf(right + l, sizeof right - l, " \u2502 %s ", top ? top->ops->name : "");
    int rw = (int)bc_text_width(right);
    if (x + 1 + rw <= cols)
        tui_draw_text_right(0, x, cols - x, right, TUI_S_BAR);
}

static void draw_hints(tui_app *app, int y, int cols)
{
    tui_view *top = app_top_view(app);
    bc_buf line = {0};
    bc_buf_append(&line, "", 0);
    static const tui_action common[] = {TUI_ACT_HELP, TUI_ACT_COMMAND, TUI_ACT_CLOSE, TUI_ACT_NONE};
    const tui_action *lists[2] = {top ? top->ops->hints : NULL, common};
    for (int l = 0; l < 2; l++) {
        for (const tui_action *a = lists[l]; a && *a != TUI_ACT_NONE; a++) {
            if (app->driver->read_only && tui_action_writes(*a))
                continue;
            char *keys = tui_keymap_keys_of(&app->keymap, *a);
            if (*keys) {
                keys[strcspn(keys, " ")] = '\0';
                const char *name =
                    *a == TUI_ACT_CLOSE && app->depth <= 1 ? "quit" : tui_action_get(*a)->name;
                bc_buf_printf(&line, "%s%s %s", line.len ? "  " : "", keys, name);
            }
            free(keys);
        }
    }
    tui_draw_text(y, 0, cols, line.data, TUI_S_DIM, true);
    bc_buf_release(&line);
}

/* "⠹ searching… 2.4 s  Esc stops" while a call runs. */
static void busy_text(const tui_app *app, char *out, size_t size)
{
    static const char *const spin[] = {"\u280b", "\u2819", "\u2839", "\u2838", "\u283c",
                                       "\u2834", "\u2826", "\u2827", "\u2807", "\u280f"};
    int64_t ms = (tui_trace_now_us() - app->busy_since_us) / 1000;
    int len = snprintf(out, size, "%s %s\u2026", spin[(ms / 100) % 10],
                       app->busy_stopping ? "stopping" : app->busy_doing);
    if (app->busy_found && len > 0 && (size_t)len < size) {
        /* matches so far, then rows read and the table's share read (a scan on Convex) */
        char n[32], read[32], all[32];
        uint64_t scanned = atomic_load(&app->busy_found->scanned);
        uint64_t estimate = atomic_load(&app->busy_found->table_estimate);
        tui_format_count(n, sizeof n, (int64_t)atomic_load(&app->busy_found->found));
        len += snprintf(out + len, size - (size_t)len, " %s found so far", n);
        if (scanned && len > 0 && (size_t)len < size) {
            tui_format_count(read, sizeof read, (int64_t)scanned);
            len += snprintf(out + len, size - (size_t)len, ", %s rows read", read);
        }
        if (scanned && estimate > scanned && len > 0 && (size_t)len < size) {
            tui_format_count(all, sizeof all, (int64_t)estimate);
            len += snprintf(out + len, size - (size_t)len, " of ~%s (%d%%)", all,
                            (int)(scanned * 100 / estimate));
        }
    }
    if (ms >= 1000 && len > 0 && (size_t)len < size)
        len += snprintf(out + len, size - (size_t)len, " %.1f s", (double)ms / 1000);
    if (app->busy_cancellable && !app->busy_stopping && len > 0 && (size_t)len < size)
        snprintf(out + len, size - (size_t)len, "  Esc stops");
    if (app->busy_refused && len > 0 && (size_t)len < size)
        snprintf(out + len, size - (size_t)len, "  (a change is not stopped half way)");
}

static void draw_bottom(tui_app *app, int y, int cols)
{
    char busy[256] = "";
    if (app->busy)
        busy_text(app, busy, sizeof busy);
    if (app->prompt_on) {
        tui_prompt_draw(&app->prompt, y, cols, busy[0] ? busy : NULL);
        return;
    }
    tui_draw_cursor(-1, 0);
    if (busy[0])
        tui_draw_text(y, 0, cols, busy, TUI_A_BOLD, true);
    else if (app->msg[0])
        tui_draw_text(y, 0, cols, app->msg, app->msg_error ? TUI_S_DANGER : TUI_A_BOLD, true);
    else
        draw_hints(app, y, cols);
}

/* What stands in for the screen below the minimum size. Only Q (quit) and C-l work meanwhile
 * (on_key): a dialog or the line editor behind it gets no key it could not show. */
static void draw_too_small(const tui_app *app, int rows, int cols)
{
    char line[96];
    snprintf(line, sizeof line, "Terminal too small: %dx%d", cols, rows);
    const char *hidden = app->dialog_on   ? "A dialog waits behind this: enlarge to answer it"
                         : app->prompt_on ? "The line you are typing waits behind this"
                                          : NULL;
    const char *lines[4] = {line, "bcadmin needs at least 60x10"};
    int n = 2;
    if (hidden)
        lines[n++] = hidden;
    lines[n++] = "Enlarge it, or press Q to quit";
    int top = rows / 2 - 1 - (n > 3);
    for (int i = 0; i < n && i < rows; i++) {
        int w = (int)bc_text_width(lines[i]);
        int x = w < cols ? (cols - w) / 2 : 0;
        tui_draw_text(top + i >= 0 ? top + i : i, x, cols - x, lines[i], TUI_A_BOLD, false);
    }
}

void app_draw_frame(tui_app *app)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    tui_draw_clear();
    app->too_small = rows < MIN_ROWS || cols < MIN_COLS;
    if (app->too_small) {
        tui_draw_cursor(-1, 0);
        draw_too_small(app, rows, cols);
        tui_draw_flush();
        return;
    }
    draw_top_bar(app, cols);
    tui_view *top = app_top_view(app);
    tui_rect r = {1, 0, rows - 2, cols};
    if (app->banner_run && app->depth == 1) {
        tui_draw_text(1, 0, cols, app->banner, TUI_A_REVERSE | TUI_A_BOLD | TUI_C_YELLOW, true);
        r = (tui_rect){2, 0, rows - 3, cols};
    }
    if (top) {
        top->rect = r;
        top->ops->draw(top, app, r);
    }
    if (app->menu_on)
        app_draw_menu(app, r);
    draw_bottom(app, rows - 1, cols);
    if (app->dialog_on)
        tui_dialog_draw(&app->dialog, r.y, r.x, r.h, r.w);
    /* Text to copy: let the terminal have the mouse so a drag selects it. */
    bool copy = app->dialog_on && app->dialog.kind == TUI_DLG_INFO;
    if (copy != app->mouse_off) {
        tui_term_mouse(!copy);
        app->mouse_off = copy;
    }
    tui_draw_flush();
}
