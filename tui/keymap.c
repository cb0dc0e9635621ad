/* keymap.c - key names, default bindings from the action table, and the user's keymap file. */
#include "keymap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistr.h>

#include "paths.h"
#include "xalloc.h"

static const struct {
    const char *name;
    int key;
} named_keys[] = {
    {"Enter", TUI_KEY_ENTER},
    {"Esc", TUI_KEY_ESC},
    {"Tab", TUI_KEY_TAB},
    {"S-Tab", TUI_KEY_BTAB},
    {"Space", ' '},
    {"Backspace", TUI_KEY_BACKSPACE},
    {"Up", TUI_KEY_UP},
    {"Down", TUI_KEY_DOWN},
    {"Left", TUI_KEY_LEFT},
    {"Right", TUI_KEY_RIGHT},
    {"PgUp", TUI_KEY_PGUP},
    {"PgDn", TUI_KEY_PGDN},
    {"Home", TUI_KEY_HOME},
    {"End", TUI_KEY_END},
    {"Insert", TUI_KEY_INSERT},
    {"Delete", TUI_KEY_DELETE},
    {"KpEnter", TUI_KEY_ENTER_FN},
};

bool tui_key_parse(const char *name, int *key)
{
    size_t len = strlen(name);
    if (len == 0)
        return false;
    for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
        if (strcasecmp(name, named_keys[i].name) == 0) {
            *key = named_keys[i].key;
            return true;
        }
    }
    if ((name[0] == 'F' || name[0] == 'f') && len >= 2 && len <= 3) {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 12) {
            *key = TUI_KEY_F0 + (int)n;
            return true;
        }
    }
    if ((strncmp(name, "C-", 2) == 0 && len == 3) || (name[0] == '^' && len == 2)) {
        char c = name[len - 1];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            *key = TUI_KEY_CTRL(c);
            return true;
        }
        return false;
    }
    /* Exactly one printable character. */
    ucs4_t c;
    int n = u8_mbtouc(&c, (const uint8_t *)name, len);
    if (n <= 0 || (size_t)n != len || c < 0x20 || c == 0x7f || c == 0xfffd)
        return false;
    *key = (int)c;
    return true;
}

void tui_key_name(int key, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
        if (named_keys[i].key == key) {
            snprintf(out, size, "%s", named_keys[i].name);
            return;
        }
    }
    if (key > TUI_KEY_F0 && key < TUI_KEY_LAST) {
        snprintf(out, size, "F%d", key - TUI_KEY_F0);
        return;
    }
    if (key > 0 && key < 0x20) {
        snprintf(out, size, "C-%c", key + 'a' - 1);
        return;
    }
    if (key > 0x20 && key < 0x110000 && key != 0x7f) {
        uint8_t buf[8];
        int n = u8_uctomb(buf, (ucs4_t)key, (int)sizeof buf);
        if (n > 0) {
            snprintf(out, size, "%.*s", n, (const char *)buf);
            return;
        }
    }
    snprintf(out, size, "<%#x>", (unsigned)key);
}

void tui_keymap_bind(tui_keymap *km, int key, tui_action action)
{
    for (size_t i = 0; i < km->n; i++) {
        if (km->items[i].key != key)
            continue;
        if (action != TUI_ACT_NONE) {
            km->items[i].action = action;
            return;
        }
        memmove(&km->items[i], &km->items[i + 1], (km->n - i - 1) * sizeof km->items[0]);
        km->n--;
        return;
    }
    if (action == TUI_ACT_NONE)
        return;
    if (km->n == km->cap) {
        km->cap = km->cap ? km->cap * 2 : 64;
        km->items = bc_xrealloc(km->items, km->cap * sizeof km->items[0]);
    }
    km->items[km->n++] = (tui_binding){key, action};
}

void tui_keymap_defaults(tui_keymap *km)
{
    *km = (tui_keymap){0};
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        char *keys = bc_xstrdup(tui_action_get((tui_action)a)->keys);
        char *save = NULL;
        for (char *tok = strtok_r(keys, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
            int key;
            /* The table is ours: a bad name is a programming error caught by test_keymap. */
            if (tui_key_parse(tok, &key))
                tui_keymap_bind(km, key, (tui_action)a);
        }
        free(keys);
    }
}

void tui_keymap_release(tui_keymap *km)
{
    free(km->items);
    *km = (tui_keymap){0};
}

tui_action tui_keymap_lookup(const tui_keymap *km, int key)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->items[i].key == key)
            return km->items[i].action;
    return TUI_ACT_NONE;
}

char *tui_keymap_keys_of(const tui_keymap *km, tui_action action)
{
    bc_buf out = {0};
    bc_buf_append(&out, "", 0);
    for (size_t i = 0; i < km->n; i++) {
        if (km->items[i].action != action)
            continue;
        char name[32];
        tui_key_name(km->items[i].key, name, sizeof name);
        if (out.len)
            bc_buf_puts(&out, " ");
        bc_buf_puts(&out, name);
    }
    return bc_buf_take(&out);
}

/* Split line into at most 4 whitespace-separated words (in place); returns the word count. */
static size_t split_words(char *line, char **words, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            break;
        if (n == max)
            return max + 1;
        words[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static bc_status parse_line(tui_keymap *km, char *line, const char *where, bc_error *err)
{
    char *w[3];
    size_t n = split_words(line, w, 3);
    if (n == 0)
        return BC_OK;
    bool bind = strcmp(w[0], "bind") == 0, unbind = strcmp(w[0], "unbind") == 0;
    if (!bind && !unbind)
        return bc_fail(err, BC_USAGE,
                       "%s: unknown command \"%s\" (expected \"bind KEY ACTION\" or "
                       "\"unbind KEY\")",
                       where, w[0]);
    if ((bind && n != 3) || (unbind && n != 2))
        return bc_fail(err, BC_USAGE, "%s: expected \"%s\", got %zu word%s", where,
                       bind ? "bind KEY ACTION" : "unbind KEY", n, n == 1 ? "" : "s");
    int key;
    if (!tui_key_parse(w[1], &key))
        return bc_fail(err, BC_USAGE,
                       "%s: unknown key \"%s\" (a character, C-x, Enter, Esc, Tab, S-Tab, Space, "
                       "Up, Down, Left, Right, PgUp, PgDn, Home, End, F1..F12...)",
                       where, w[1]);
    tui_action a = TUI_ACT_NONE;
    if (bind) {
        a = tui_action_by_name(w[2]);
        if (a == TUI_ACT_NONE)
            return bc_fail(err, BC_USAGE,
                           "%s: unknown action \"%s\" (the help screen, ?, lists "
                           "every action name)",
                           where, w[2]);
    }
    tui_keymap_bind(km, key, a);
    return BC_OK;
}

/* An error without its hint in parentheses (and the space before it). */
static void cut_hint(char *msg)
{
    size_t n = strcspn(msg, "(");
    while (n && msg[n - 1] == ' ')
        n--;
    msg[n] = '\0';
}

bc_status tui_keymap_parse(tui_keymap *km, const char *path, const char *text, bc_error *err)
{
    size_t lineno = 0, errors = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = bc_xstrndup(p, len);
        lineno++;
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        char where[512];
        snprintf(where, sizeof where, "%s:%zu", path, lineno);
        bc_error one = {0};
        if (parse_line(km, line, where, &one) != BC_OK) {
            /* the lines after a bad one still apply; every error is told, in order, without the
             * hints in parentheses once there are several */
            char before[sizeof err->msg];
            memcpy(before, err->msg, sizeof before);
            if (errors++) {
                cut_hint(before);
                cut_hint(one.msg);
                bc_fail(err, BC_USAGE, "%.600s; %.400s", before, one.msg);
            } else {
                bc_fail(err, BC_USAGE, "%s", one.msg);
            }
        }
        free(line);
        p += len + (eol ? 1 : 0);
    }
    return errors ? BC_USAGE : BC_OK;
}

bc_status tui_keymap_load(tui_keymap *km, const char *path, bool *loaded, bc_error *err)
{
    *loaded = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return BC_OK;
        return bc_fail(err, BC_ERR, "%s: %s", path, strerror(errno));
    }
    bc_buf text = {0};
    bc_buf_append(&text, "", 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        bc_buf_append(&text, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        bc_buf_release(&text);
        return bc_fail(err, BC_ERR, "%s: read error", path);
    }
    if (strlen(text.data) != text.len) {
        bc_buf_release(&text);
        return bc_fail(err, BC_USAGE, "%s: holds a NUL byte: not a keymap file", path);
    }
    *loaded = true;
    bc_status st = tui_keymap_parse(km, path, text.data, err);
    bc_buf_release(&text);
    return st;
}

char *tui_keymap_default_path(void)
{
    char *dir = NULL;
    bc_error err = {0};
    if (bc_paths_dir(BC_DIR_CONFIG, &dir, &err) != BC_OK)
        return bc_xstrdup("./bcadmin-keys"); /* neither XDG_CONFIG_HOME nor HOME: look here */
    char *path = bc_xasprintf("%s/keys", dir);
    free(dir);
    return path;
}
