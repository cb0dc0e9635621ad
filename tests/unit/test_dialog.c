/* The dialogs' key handling: editing (UTF-8 aware), masking, moving between fields, typed
 * confirmations that must match exactly, yes/no answers, and limits (full fields, full dialogs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dialog.h"
#include "keymap.h"

static void type(tui_dialog *d, const char *ascii)
{
    for (const char *p = ascii; *p; p++)
        assert_int_equal(tui_dialog_key(d, (unsigned char)*p), TUI_DLG_KEEP);
}

static void form_edits_and_moves(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_FORM};
    assert_int_equal(tui_dialog_field_add(&d, "Reason", "", false, NULL), 0);
    assert_int_equal(tui_dialog_field_add(&d, "Expires", "never", false, NULL), 1);
    type(&d, "spam");
    tui_dialog_key(&d, 0x00e9); /* é: two bytes */
    assert_string_equal(d.fields[0].value, "spam\xc3\xa9");
    tui_dialog_key(&d, TUI_KEY_BACKSPACE);
    assert_string_equal(d.fields[0].value, "spam");
    /* control characters and function keys never land in a field */
    tui_dialog_key(&d, TUI_KEY_CTRL('a'));
    tui_dialog_key(&d, 0x9b); /* C1 CSI */
    tui_dialog_key(&d, TUI_KEY_F0 + 2);
    assert_string_equal(d.fields[0].value, "spam");
    /* Enter moves to the next field; Enter on the last accepts */
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_KEEP);
    assert_int_equal(d.focus, 1);
    tui_dialog_key(&d, TUI_KEY_CTRL('u'));
    assert_string_equal(d.fields[1].value, "");
    type(&d, "7d");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_BTAB), TUI_DLG_KEEP);
    assert_int_equal(d.focus, 0);
    tui_dialog_key(&d, TUI_KEY_TAB);
    tui_dialog_key(&d, TUI_KEY_TAB); /* wraps around */
    assert_int_equal(d.focus, 0);
    tui_dialog_key(&d, TUI_KEY_DOWN);
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_ACCEPT);
    assert_string_equal(d.fields[1].value, "7d");
    /* backspace on an empty field is harmless */
    tui_dialog_key(&d, TUI_KEY_CTRL('u'));
    tui_dialog_key(&d, TUI_KEY_BACKSPACE);
    assert_string_equal(d.fields[1].value, "");
}

static void escape_cancels_every_kind(void **state)
{
    (void)state;
    tui_dialog_kind kinds[] = {TUI_DLG_FORM, TUI_DLG_YESNO, TUI_DLG_INFO};
    for (size_t i = 0; i < 3; i++) {
        tui_dialog d = {.kind = kinds[i]};
        assert_int_equal(tui_dialog_key(&d, TUI_KEY_ESC), TUI_DLG_CANCEL);
        assert_int_equal(tui_dialog_key(&d, TUI_KEY_CTRL('c')), TUI_DLG_CANCEL);
    }
}

static void typed_confirmation_must_match(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_FORM};
    tui_dialog_field_add(&d, "Type the email", "", false, "alice@example.com");
    type(&d, "alice@example.co");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_KEEP);
    assert_non_null(strstr(d.error, "that is not \"alice@example.com\""));
    /* the error goes with the next key */
    type(&d, "m");
    assert_string_equal(d.error, "");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_ACCEPT);
    /* a longer value does not match either, nor does a case change */
    type(&d, "x");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_KEEP);
    tui_dialog_key(&d, TUI_KEY_CTRL('u'));
    type(&d, "ALICE@example.com");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_KEEP);
}

static void mismatch_focuses_the_field(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_FORM};
    tui_dialog_field_add(&d, "Count", "", false, "12");
    tui_dialog_field_add(&d, "Deployment name", "", false, "prod-app");
    type(&d, "12");
    tui_dialog_key(&d, TUI_KEY_ENTER);
    type(&d, "prod-ap");
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_KEEP);
    assert_int_equal(d.focus, 1);
    /* the expected text in the error is escaped: no raw control characters */
    tui_dialog e = {.kind = TUI_DLG_FORM};
    tui_dialog_field_add(&e, "Type the email", "", false, "ev\x1b[31mil@x.io");
    assert_int_equal(tui_dialog_key(&e, TUI_KEY_ENTER), TUI_DLG_KEEP);
    assert_null(strchr(e.error, 0x1b));
    assert_non_null(strstr(e.error, "\\x1b[31m"));
}

static void yes_no_answers(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_YESNO};
    assert_int_equal(tui_dialog_key(&d, 'y'), TUI_DLG_ACCEPT);
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_ACCEPT);
    assert_int_equal(tui_dialog_key(&d, 'n'), TUI_DLG_CANCEL);
    assert_int_equal(tui_dialog_key(&d, 'x'), TUI_DLG_KEEP);
    assert_string_not_equal(d.error, "");
}

static void info_closes_on_enter_only_keys(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_INFO};
    assert_int_equal(tui_dialog_key(&d, 'j'), TUI_DLG_KEEP);
    assert_int_equal(tui_dialog_key(&d, TUI_KEY_ENTER), TUI_DLG_ACCEPT);
    assert_int_equal(tui_dialog_key(&d, 'q'), TUI_DLG_ACCEPT);
}

static void limits(void **state)
{
    (void)state;
    tui_dialog d = {.kind = TUI_DLG_FORM};
    for (int i = 0; i < TUI_DIALOG_FIELDS; i++)
        assert_int_equal(tui_dialog_field_add(&d, "f", NULL, true, NULL), i);
    assert_int_equal(tui_dialog_field_add(&d, "one too many", NULL, false, NULL), -1);
    assert_true(d.fields[0].masked);
    /* a full field takes no more, and never splits a character */
    for (int i = 0; i < TUI_DIALOG_TEXT; i++)
        tui_dialog_key(&d, 0x20ac); /* €: three bytes */
    size_t len = strlen(d.fields[0].value);
    assert_true(len < TUI_DIALOG_TEXT);
    assert_int_equal(len % 3, 0);
    for (int i = 0; i < TUI_DIALOG_LINES + 3; i++)
        tui_dialog_line(&d, "line %d", i);
    assert_int_equal(d.nlines, TUI_DIALOG_LINES);
    /* a form without fields accepts on Enter */
    tui_dialog empty = {.kind = TUI_DLG_FORM};
    assert_int_equal(tui_dialog_key(&empty, 'a'), TUI_DLG_KEEP);
    assert_int_equal(tui_dialog_key(&empty, TUI_KEY_ENTER), TUI_DLG_ACCEPT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(form_edits_and_moves),
        cmocka_unit_test(escape_cancels_every_kind),
        cmocka_unit_test(typed_confirmation_must_match),
        cmocka_unit_test(mismatch_focuses_the_field),
        cmocka_unit_test(yes_no_answers),
        cmocka_unit_test(info_closes_on_enter_only_keys),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
