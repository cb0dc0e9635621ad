/* keymap.h - key codes, key names and the key -> action bindings, including the user's file.
 *
 * Keys are Unicode code points for characters (Ctrl-x is its control code) and TUI_KEY_* values
 * above the Unicode range for function keys, so this module stays curses-free; input.c
 * translates curses' codes. The keymap file ($XDG_CONFIG_HOME/bcadmin/keys, else
 * ~/.config/bcadmin/keys) holds lines of
 *     bind <key> <action>      # the key now runs the action (other keys keep theirs)
 *     unbind <key>             # the key does nothing
 * with `#` comments and blank lines. Key names: a single character (`j`, `G`, `é`), `C-x` for
 * Ctrl-x, `Enter`, `Esc`, `Tab`, `S-Tab`, `Space`, `Backspace`, `Up`, `Down`, `Left`, `Right`,
 * `PgUp`, `PgDn`, `Home`, `End`, `Insert`, `Delete`, `F1`..`F12`. Actions are the names listed by
 * `?` (actions.h).
 */
#ifndef TUI_KEYMAP_H
#define TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "status.h"

enum {
    TUI_KEY_BASE = 0x110000, /* above every code point */
    TUI_KEY_UP,
    TUI_KEY_DOWN,
    TUI_KEY_LEFT,
    TUI_KEY_RIGHT,
    TUI_KEY_PGUP,
    TUI_KEY_PGDN,
    TUI_KEY_HOME,
    TUI_KEY_END,
    TUI_KEY_INSERT,
    TUI_KEY_DELETE,
    TUI_KEY_BACKSPACE,
    TUI_KEY_BTAB,
    TUI_KEY_ENTER_FN, /* the keypad Enter key; plain Enter is '\r' */
    TUI_KEY_F0,       /* TUI_KEY_F0 + n is Fn, n = 1..12 */
    TUI_KEY_LAST = TUI_KEY_F0 + 13,
};

#define TUI_KEY_ENTER '\r'
#define TUI_KEY_ESC 0x1b
#define TUI_KEY_TAB '\t'
#define TUI_KEY_CTRL(c) ((c)&0x1f)

/* Parse a key name; false when it is not one. */
bool tui_key_parse(const char *name, int *key);
/* The name of a key ("C-f", "PgDn", "j") into out; always NUL-terminated. */
void tui_key_name(int key, char *out, size_t size);

typedef struct {
    int key;
    tui_action action;
} tui_binding;

typedef struct {
    tui_binding *items;
    size_t n, cap;
} tui_keymap;

/* The default bindings of the action table. Release with tui_keymap_release. */
void tui_keymap_defaults(tui_keymap *km);
void tui_keymap_release(tui_keymap *km);
/* Bind key to action (TUI_ACT_NONE unbinds it), replacing the key's earlier binding. */
void tui_keymap_bind(tui_keymap *km, int key, tui_action action);
tui_action tui_keymap_lookup(const tui_keymap *km, int key);
/* The names of the keys bound to action, space-separated, in binding order; caller frees. */
char *tui_keymap_keys_of(const tui_keymap *km, tui_action action);

/* Apply the bindings of text (the contents of the file called path, used in messages). A
 * malformed line is skipped and the lines after it still apply; BC_USAGE then says
 * "PATH:LINE: what is wrong" for every such line, in order ("; " between them). */
bc_status tui_keymap_parse(tui_keymap *km, const char *path, const char *text, bc_error *err);
/* Read and apply path; a missing file is not an error (*loaded says whether it existed). */
bc_status tui_keymap_load(tui_keymap *km, const char *path, bool *loaded, bc_error *err);
/* The keymap file's path from the environment; the caller frees it. */
char *tui_keymap_default_path(void);

#endif
