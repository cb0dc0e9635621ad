/* The line editor: a pre-filled text is selected and replaced by typing, the cursor moves by
 * characters (not bytes) through UTF-8, and C-u, C-w, C-k, Backspace and Delete cut what they
 * should, also at the ends of the line and in a full buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dialog.h"
#include "keymap.h"
#include "lineedit.h"

typedef struct {
    char buf[16];
    tui_line_pos pos;
} line;

static tui_line_result key(line *l, int k)
{
    return tui_line_key(l->buf, sizeof l->buf, &l->pos, k);
}

static void type(line *l, const char *ascii)
{
    for (const char *p = ascii; *p; p++)
        assert_int_equal(key(l, (unsigned char)*p), TUI_LINE_EDITED);
}

static void prefilled_text_is_replaced(void **state)
{
    (void)state;
    line l;
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "never", true);
    assert_true(l.pos.selected);
    type(&l, "7d");
    assert_string_equal(l.buf, "7d");
    /* a deleting key clears a selection whole */
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "user", true);
    assert_int_equal(key(&l, TUI_KEY_BACKSPACE), TUI_LINE_EDITED);
    assert_string_equal(l.buf, "");
    /* a movement keeps the text and drops the selection: typing then inserts */
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "user", true);
    assert_int_equal(key(&l, TUI_KEY_LEFT), TUI_LINE_MOVED);
    assert_false(l.pos.selected);
    type(&l, "X");
    assert_string_equal(l.buf, "useXr");
    /* an empty text is never selected; not selecting leaves the cursor at the end */
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "", true);
    assert_false(l.pos.selected);
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "ab", false);
    type(&l, "c");
    assert_string_equal(l.buf, "abc");
}

static void moves_by_characters(void **state)
{
    (void)state;
    line l;
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "\xc3\xa9t\xc3\xa9", false); /* été */
    key(&l, TUI_KEY_LEFT);
    assert_int_equal(l.pos.cur, 3);
    key(&l, TUI_KEY_CTRL('a'));
    assert_int_equal(l.pos.cur, 0);
    key(&l, TUI_KEY_LEFT); /* at the start: stays */
    assert_int_equal(l.pos.cur, 0);
    key(&l, TUI_KEY_RIGHT);
    assert_int_equal(l.pos.cur, 2);
    assert_int_equal(key(&l, TUI_KEY_DELETE), TUI_LINE_EDITED);
    assert_string_equal(l.buf, "\xc3\xa9\xc3\xa9");
    assert_int_equal(key(&l, TUI_KEY_BACKSPACE), TUI_LINE_EDITED);
    assert_string_equal(l.buf, "\xc3\xa9");
    assert_int_equal(l.pos.cur, 0);
    assert_int_equal(key(&l, TUI_KEY_BACKSPACE), TUI_LINE_MOVED); /* nothing before */
    key(&l, TUI_KEY_END);
    assert_int_equal(l.pos.cur, 2);
    assert_int_equal(key(&l, TUI_KEY_DELETE), TUI_LINE_MOVED); /* nothing after */
    key(&l, TUI_KEY_HOME);
    key(&l, TUI_KEY_CTRL('e'));
    assert_int_equal(l.pos.cur, 2);
    key(&l, TUI_KEY_RIGHT); /* at the end: stays */
    assert_int_equal(l.pos.cur, 2);
}

static void cuts(void **state)
{
    (void)state;
    line l;
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "sort  email asc", false);
    key(&l, TUI_KEY_CTRL('w'));
    assert_string_equal(l.buf, "sort  email ");
    key(&l, TUI_KEY_CTRL('w')); /* the blanks before a word go with it */
    assert_string_equal(l.buf, "sort  ");
    type(&l, "name");
    key(&l, TUI_KEY_LEFT);
    key(&l, TUI_KEY_LEFT);
    key(&l, TUI_KEY_CTRL('k'));
    assert_string_equal(l.buf, "sort  na");
    key(&l, TUI_KEY_CTRL('u'));
    assert_string_equal(l.buf, "");
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "ab", false);
    key(&l, TUI_KEY_LEFT);
    key(&l, TUI_KEY_CTRL('u'));
    assert_string_equal(l.buf, "b");
    assert_int_equal(l.pos.cur, 0);
}

static void never_text_nor_overflow(void **state)
{
    (void)state;
    line l;
    tui_line_set(l.buf, sizeof l.buf, &l.pos, "", false);
    assert_int_equal(key(&l, TUI_KEY_ENTER), TUI_LINE_IGNORED);
    assert_int_equal(key(&l, TUI_KEY_ESC), TUI_LINE_IGNORED);
    assert_int_equal(key(&l, TUI_KEY_TAB), TUI_LINE_IGNORED);
    assert_int_equal(key(&l, TUI_KEY_UP), TUI_LINE_IGNORED);
    assert_int_equal(key(&l, 0x9b), TUI_LINE_IGNORED); /* C1 CSI */
    assert_int_equal(key(&l, TUI_KEY_F0 + 2), TUI_LINE_IGNORED);
    assert_string_equal(l.buf, "");
    type(&l, "0123456789abcde"); /* 15 bytes: full */
    assert_int_equal(key(&l, 'f'), TUI_LINE_MOVED);
    assert_int_equal(key(&l, 0x00e9), TUI_LINE_MOVED);
    assert_string_equal(l.buf, "0123456789abcde");
    /* the owner shortened the text: the cursor is clamped before the next key */
    l.buf[2] = '\0';
    type(&l, "x");
    assert_string_equal(l.buf, "01x");
}

static void dialog_fields_use_it(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_FORM};
    tui_dialog_field_add(&d, "Expires", "never", false, NULL);
    tui_dialog_field_add_yesno(&d, "Email verified", false);
    tui_dialog_key(&d, '7');
    tui_dialog_key(&d, 'd');
    assert_string_equal(d.fields[0].value, "7d");
    tui_dialog_key(&d, TUI_KEY_TAB);
    tui_dialog_key(&d, 'y');
    assert_string_equal(d.fields[1].value, "yes");
    tui_dialog_key(&d, ' ');
    assert_string_equal(d.fields[1].value, "no");
    tui_dialog_key(&d, 'x'); /* not an answer: nothing changes */
    tui_dialog_key(&d, TUI_KEY_BACKSPACE);
    assert_string_equal(d.fields[1].value, "no");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefilled_text_is_replaced),
        cmocka_unit_test(moves_by_characters),
        cmocka_unit_test(cuts),
        cmocka_unit_test(never_text_nor_overflow),
        cmocka_unit_test(dialog_fields_use_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
