/* input.c - curses key codes and mouse events translated into keymap.h's curses-free codes. */
#define NCURSES_WIDECHAR 1
#include "input.h"

#include <ncursesw/curses.h>

#include "draw.h"
#include "keymap.h"

static int function_key(wint_t k)
{
    switch (k) {
    case KEY_UP:
        return TUI_KEY_UP;
    case KEY_DOWN:
        return TUI_KEY_DOWN;
    case KEY_LEFT:
        return TUI_KEY_LEFT;
    case KEY_RIGHT:
        return TUI_KEY_RIGHT;
    case KEY_PPAGE:
        return TUI_KEY_PGUP;
    case KEY_NPAGE:
        return TUI_KEY_PGDN;
    case KEY_HOME:
    case KEY_A1:
        return TUI_KEY_HOME;
    case KEY_END:
    case KEY_C1:
        return TUI_KEY_END;
    case KEY_IC:
        return TUI_KEY_INSERT;
    case KEY_DC:
        return TUI_KEY_DELETE;
    case KEY_BACKSPACE:
        return TUI_KEY_BACKSPACE;
    case KEY_BTAB:
        return TUI_KEY_BTAB;
    case KEY_ENTER:
        return TUI_KEY_ENTER;
    }
    if (k >= (wint_t)KEY_F(1) && k <= (wint_t)KEY_F(12))
        return TUI_KEY_F0 + (int)(k - KEY_F0);
    return 0;
}

static tui_input mouse_event(void)
{
    MEVENT ev;
    tui_input in = {.kind = TUI_IN_TIMEOUT};
    if (getmouse(&ev) != OK)
        return in;
    in.y = ev.y;
    in.x = ev.x;
    if (ev.bstate & BUTTON4_PRESSED)
        in.mouse = TUI_MOUSE_WHEEL_UP;
    else if (ev.bstate & BUTTON5_PRESSED)
        in.mouse = TUI_MOUSE_WHEEL_DOWN;
    else if (ev.bstate & BUTTON1_PRESSED)
        in.mouse = TUI_MOUSE_CLICK;
    else
        return in;
    in.kind = TUI_IN_MOUSE;
    return in;
}

tui_input tui_input_read(int timeout_ms)
{
    timeout(timeout_ms);
    for (;;) {
        wint_t k;
        int r = get_wch(&k);
        if (tui_term_stop_signal())
            return (tui_input){.kind = TUI_IN_INTERRUPT};
        if (r == ERR)
            return (tui_input){.kind = TUI_IN_TIMEOUT};
        if (r == KEY_CODE_YES) {
            if (k == KEY_RESIZE)
                return (tui_input){.kind = TUI_IN_RESIZE};
            if (k == KEY_MOUSE) {
                tui_input in = mouse_event();
                if (in.kind == TUI_IN_MOUSE)
                    return in;
                continue;
            }
            int key = function_key(k);
            if (key)
                return (tui_input){.kind = TUI_IN_KEY, .key = key};
            continue; /* a key we have no name for */
        }
        if (k == 0x7f || k == 0x08)
            return (tui_input){.kind = TUI_IN_KEY, .key = TUI_KEY_BACKSPACE};
        if (k == '\n')
            k = '\r';
        return (tui_input){.kind = TUI_IN_KEY, .key = (int)k};
    }
}
