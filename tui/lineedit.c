/* lineedit.c - editing one line of UTF-8 text in a caller's buffer, and drawing it. */
#include "lineedit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "keymap.h"
#include "text.h"

void tui_line_set(char *buf, size_t size, tui_line_pos *p, const char *text, bool select)
{
    snprintf(buf, size, "%s", text ? text : "");
    p->cur = strlen(buf);
    p->selected = select && buf[0];
}

static bool continuation(char c)
{
    return ((unsigned char)c & 0xc0) == 0x80;
}

static size_t prev_char(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && continuation(s[i]))
        i--;
    return i;
}

static size_t next_char(const char *s, size_t i)
{
    if (!s[i])
        return i;
    i++;
    while (s[i] && continuation(s[i]))
        i++;
    return i;
}

/* Remove buf[from..to). */
static void cut(char *buf, size_t from, size_t to)
{
    memmove(buf + from, buf + to, strlen(buf + to) + 1);
}

static size_t word_start(const char *s, size_t i)
{
    while (i > 0 && s[i - 1] == ' ')
        i--;
    while (i > 0 && s[i - 1] != ' ')
        i--;
    return i;
}

static bool is_text(int key)
{
    /* C0 and C1 controls, DEL and function keys are never text */
    return key >= 0x20 && !(key >= 0x7f && key <= 0x9f) && key < TUI_KEY_BASE;
}

static tui_line_result insert(char *buf, size_t size, tui_line_pos *p, int key)
{
    uint8_t enc[8];
    int n = u8_uctomb(enc, (ucs4_t)key, (int)sizeof enc);
    size_t len = strlen(buf);
    if (n <= 0 || len + (size_t)n >= size)
        return TUI_LINE_MOVED; /* full: the key is taken, nothing changes */
    memmove(buf + p->cur + n, buf + p->cur, len - p->cur + 1);
    memcpy(buf + p->cur, enc, (size_t)n);
    p->cur += (size_t)n;
    return TUI_LINE_EDITED;
}

/* A deleting key on a selected text clears it all. */
static bool deletes(int key)
{
    return key == TUI_KEY_BACKSPACE || key == TUI_KEY_DELETE || key == TUI_KEY_CTRL('h') ||
           key == TUI_KEY_CTRL('u') || key == TUI_KEY_CTRL('w') || key == TUI_KEY_CTRL('k');
}

static tui_line_result move_key(const char *buf, tui_line_pos *p, int key)
{
    switch (key) {
    case TUI_KEY_LEFT:
        p->cur = prev_char(buf, p->cur);
        return TUI_LINE_MOVED;
    case TUI_KEY_RIGHT:
        p->cur = next_char(buf, p->cur);
        return TUI_LINE_MOVED;
    case TUI_KEY_HOME:
    case TUI_KEY_CTRL('a'):
        p->cur = 0;
        return TUI_LINE_MOVED;
    case TUI_KEY_END:
    case TUI_KEY_CTRL('e'):
        p->cur = strlen(buf);
        return TUI_LINE_MOVED;
    default:
        return TUI_LINE_IGNORED;
    }
}

static tui_line_result delete_key(char *buf, tui_line_pos *p, int key)
{
    size_t len = strlen(buf), from = p->cur, to = p->cur;
    switch (key) {
    case TUI_KEY_BACKSPACE:
    case TUI_KEY_CTRL('h'):
        from = prev_char(buf, p->cur);
        break;
    case TUI_KEY_DELETE:
        to = next_char(buf, p->cur);
        break;
    case TUI_KEY_CTRL('u'):
        from = 0;
        break;
    case TUI_KEY_CTRL('w'):
        from = word_start(buf, p->cur);
        break;
    case TUI_KEY_CTRL('k'):
        to = len;
        break;
    }
    if (from == to)
        return TUI_LINE_MOVED;
    cut(buf, from, to);
    p->cur = from;
    return TUI_LINE_EDITED;
}

tui_line_result tui_line_key(char *buf, size_t size, tui_line_pos *p, int key)
{
    size_t len = strlen(buf);
    if (p->cur > len) /* the owner may have changed the text */
        p->cur = len;
    if (p->selected && (is_text(key) || deletes(key))) {
        p->selected = false;
        buf[0] = '\0';
        p->cur = 0;
        if (is_text(key))
            insert(buf, size, p, key);
        return TUI_LINE_EDITED; /* a selection is never empty */
    }
    if (is_text(key))
        return insert(buf, size, p, key);
    if (deletes(key))
        return delete_key(buf, p, key);
    tui_line_result r = move_key(buf, p, key);
    if (r == TUI_LINE_MOVED)
        p->selected = false;
    return r;
}

/* --- drawing -------------------------------------------------------------------------------- */

/* What s[0..len) looks like on the screen: escaped, or bullets when masked. Caller frees. */
static char *shown(const char *s, size_t len, bool masked)
{
    if (!masked)
        return bc_text_escape(s, len);
    size_t chars = u8_mbsnlen((const uint8_t *)s, len);
    char *out = malloc(chars * 3 + 1);
    if (!out)
        abort();
    for (size_t i = 0; i < chars; i++)
        memcpy(out + i * 3, "\u2022", 3);
    out[chars * 3] = '\0';
    return out;
}

int tui_line_draw(int y, int x, int width, const char *buf, const tui_line_pos *p, tui_style style,
                  bool masked)
{
    size_t len = strlen(buf), cur = p->cur > len ? len : p->cur;
    char *before = shown(buf, cur, masked), *after = shown(buf + cur, len - cur, masked);
    /* Scroll: leave out the start of what comes before the cursor until the cursor fits. */
    const char *b = before;
    while (*b && (int)bc_text_width(b) > width - 1) {
        b++;
        while (continuation(*b))
            b++;
    }
    tui_style st = style | (p->selected ? TUI_A_REVERSE : 0);
    int used = tui_draw_text(y, x, width, b, st, false);
    if (used < width)
        tui_draw_text(y, x + used, width - used, after, st, false);
    free(before);
    free(after);
    return x + (used < width ? used : width - 1);
}
