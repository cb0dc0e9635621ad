/* app_menu.c - the console's small menus drawn over the view: keys, clicks and drawing. */
#include "app_internal.h"

#include "draw.h"
#include "text.h"

/* --- menus ---------------------------------------------------------------------------------- */

void app_menu_close(tui_app *app)
{
    app->menu_on = false;
    if (app->menu.on_close)
        app->menu.on_close(&app->menu, app);
}

void app_menu_activate(tui_app *app, int dir)
{
    if (app->menu.activate && app->menu.activate(&app->menu, app, dir))
        app_menu_close(app);
}

void app_menu_key(tui_app *app, int key)
{
    if (key == TUI_KEY_LEFT || key == 'h') {
        app_menu_activate(app, -1);
        return;
    }
    if (key == ' ') {
        app_menu_activate(app, +1);
        return;
    }
    tui_menu *m = &app->menu;
    switch (tui_keymap_lookup(&app->keymap, key)) {
    case TUI_ACT_MOVE_DOWN:
        m->sel = (m->sel + 1) % m->n;
        break;
    case TUI_ACT_MOVE_UP:
        m->sel = (m->sel + m->n - 1) % m->n;
        break;
    case TUI_ACT_FIRST:
        m->sel = 0;
        break;
    case TUI_ACT_LAST:
        m->sel = m->n - 1;
        break;
    case TUI_ACT_OPEN:
        app_menu_activate(app, +1);
        break;
    case TUI_ACT_QUIT:
        app->quit = true;
        break;
    case TUI_ACT_BACK:
    case TUI_ACT_CLOSE:
    case TUI_ACT_FILTER:
    case TUI_ACT_SORT:
        app_menu_close(app);
        break;
    default:
        break;
    }
}

void app_draw_menu(tui_app *app, tui_rect r)
{
    tui_menu *m = &app->menu;
    int w = (int)bc_text_width(m->title) + 6;
    for (int i = 0; i < m->n; i++) {
        int iw = (int)bc_text_width(m->items[i]) + 6;
        if (iw > w)
            w = iw;
    }
    if (w > r.w)
        w = r.w;
    int h = m->n + 2 < r.h ? m->n + 2 : r.h;
    int y = r.y + (r.h - h) / 3, x = r.x + (r.w - w) / 2;
    app->menu_rect = (tui_rect){y, x, h, w};
    tui_draw_box(y, x, h, w, TUI_S_NORMAL);
    tui_draw_text(y, x + 2, w - 4, m->title, TUI_S_TITLE, false);
    for (int i = 0; i < m->n && i < h - 2; i++) {
        bool sel = i == m->sel;
        tui_draw_text(y + 1 + i, x + 1, 2, sel ? "\u25b8" : "", sel ? TUI_S_SELECTED : 0, true);
        tui_draw_text(y + 1 + i, x + 3, w - 4, m->items[i], sel ? TUI_S_SELECTED : 0, true);
    }
}
