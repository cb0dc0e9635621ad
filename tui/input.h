/* input.h - one event from the terminal: a key (as keymap.h codes), a mouse event, a resize, a
 * timeout or an interruption by a stop signal. One of the few curses files. */
#ifndef TUI_INPUT_H
#define TUI_INPUT_H

typedef enum {
    TUI_IN_KEY,
    TUI_IN_MOUSE,
    TUI_IN_RESIZE,
    TUI_IN_TIMEOUT,
    TUI_IN_INTERRUPT, /* a signal; see tui_term_stop_signal */
} tui_input_kind;

typedef enum {
    TUI_MOUSE_CLICK = 1,
    TUI_MOUSE_WHEEL_UP,
    TUI_MOUSE_WHEEL_DOWN,
} tui_mouse_kind;

typedef struct {
    tui_input_kind kind;
    int key;              /* TUI_IN_KEY */
    tui_mouse_kind mouse; /* TUI_IN_MOUSE */
    int y, x;             /* TUI_IN_MOUSE: screen cell */
} tui_input;

/* Wait for the next event, at most timeout_ms (negative: forever). */
tui_input tui_input_read(int timeout_ms);

#endif
