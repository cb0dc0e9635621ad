/* Unit tests for the action table and the keymap (tui/actions.c, tui/keymap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "actions.h"
#include "keymap.h"

static void every_default_key_parses_and_is_bound_once(void **state)
{
    (void)state;
    tui_keymap km;
    tui_keymap_defaults(&km);
    size_t expected = 0;
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const tui_action_info *info = tui_action_get((tui_action)a);
        assert_non_null(info);
        assert_int_equal(info->id, a);
        assert_true(strlen(info->name) > 0);
        assert_true(strlen(info->help) > 0);
        assert_int_equal(tui_action_by_name(info->name), a);
        char *keys = strdup(info->keys), *save = NULL;
        for (char *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
            int key;
            if (!tui_key_parse(k, &key))
                fail_msg("action %s: default key \"%s\" does not parse", info->name, k);
            if (tui_keymap_lookup(&km, key) != (tui_action)a)
                fail_msg("key %s of %s is bound to another action too", k, info->name);
            char name[32];
            tui_key_name(key, name, sizeof name);
            assert_string_equal(name, k); /* the help screen shows what the table says */
            expected++;
        }
        free(keys);
    }
    assert_int_equal(km.n, expected);
    tui_keymap_release(&km);
}

static void names_and_verbs_are_unique(void **state)
{
    (void)state;
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        for (int b = a + 1; b < TUI_ACT_COUNT; b++) {
            const tui_action_info *x = tui_action_get((tui_action)a),
                                  *y = tui_action_get((tui_action)b);
            assert_string_not_equal(x->name, y->name);
            if (x->verb && y->verb)
                assert_string_not_equal(x->verb, y->verb);
        }
    }
    assert_int_equal(tui_action_by_verb("users list"), TUI_ACT_VIEW_USERS);
    assert_int_equal(tui_action_by_verb("users show"), TUI_ACT_SHOW_USER);
    assert_int_equal(tui_action_by_verb("no such verb"), TUI_ACT_NONE);
    assert_int_equal(tui_action_by_name(""), TUI_ACT_NONE);
    assert_null(tui_action_get(TUI_ACT_NONE));
    assert_null(tui_action_get(TUI_ACT_COUNT));
}

static void key_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"j",  "G",   "C-f",  "Enter",     "Esc",  "Tab", "S-Tab",
                                        "F1", "F12", "PgUp", "PgDn",      "Home", "End", "Space",
                                        "é",  "日",  "Up",   "Backspace", "?",    ":"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int key;
        if (!tui_key_parse(names[i], &key))
            fail_msg("\"%s\" does not parse", names[i]);
        char back[32];
        tui_key_name(key, back, sizeof back);
        assert_string_equal(back, names[i]);
    }
    int key;
    assert_true(tui_key_parse("^F", &key));
    assert_int_equal(key, TUI_KEY_CTRL('f'));
    assert_true(tui_key_parse("enter", &key));
    assert_int_equal(key, TUI_KEY_ENTER);
    static const char *const bad[] = {"",    "jj",   "C-",   "C-1",  "F0",
                                      "F13", "\x1b", "\xff", "Ctrl", "^1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (tui_key_parse(bad[i], &key))
            fail_msg("\"%s\" should not parse", bad[i]);
}

static void keymap_file_rebinds_and_unbinds(void **state)
{
    (void)state;
    tui_keymap km;
    tui_keymap_defaults(&km);
    bc_error err = {0};
    const char *text = "# my keys\n"
                       "\n"
                       "bind n move-down   # like less\n"
                       "bind j page-down\r\n"
                       "   unbind  G\n"
                       "bind C-n move-down\n";
    assert_int_equal(tui_keymap_parse(&km, "keys", text, &err), BC_OK);
    int key;
    tui_key_parse("n", &key);
    assert_int_equal(tui_keymap_lookup(&km, key), TUI_ACT_MOVE_DOWN);
    assert_int_equal(tui_keymap_lookup(&km, 'j'), TUI_ACT_PAGE_DOWN);
    assert_int_equal(tui_keymap_lookup(&km, 'G'), TUI_ACT_NONE);
    assert_int_equal(tui_keymap_lookup(&km, TUI_KEY_END), TUI_ACT_LAST); /* others keep theirs */
    char *keys = tui_keymap_keys_of(&km, TUI_ACT_MOVE_DOWN);
    assert_string_equal(keys, "Down n C-n");
    free(keys);
    tui_keymap_release(&km);
}

static void check_bad_line(const char *text, const char *want)
{
    tui_keymap km;
    tui_keymap_defaults(&km);
    bc_error err = {0};
    assert_int_equal(tui_keymap_parse(&km, "/home/op/.config/bcadmin/keys", text, &err), BC_USAGE);
    if (!strstr(err.msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
    tui_keymap_release(&km);
}

static void malformed_lines_name_file_and_line(void **state)
{
    (void)state;
    /* a bad line does not stop the lines after it, and every error is told */
    tui_keymap km;
    tui_keymap_defaults(&km);
    bc_error err = {0};
    assert_int_equal(tui_keymap_parse(&km, "keys", "bind C-x nosuchaction\nunbind b\nfoo\n", &err),
                     BC_USAGE);
    int b;
    tui_key_parse("b", &b);
    assert_int_equal(tui_keymap_lookup(&km, b), TUI_ACT_NONE);
    assert_non_null(strstr(err.msg, "keys:1: unknown action \"nosuchaction\"; keys:3: "));
    tui_keymap_release(&km);
    check_bad_line("bind j move-down\nbind k fly\n",
                   "/home/op/.config/bcadmin/keys:2: unknown action \"fly\"");
    check_bad_line("\n\nbind Hyper-x quit\n", "keys:3: unknown key \"Hyper-x\"");
    check_bad_line("map j quit\n", "keys:1: unknown command \"map\"");
    check_bad_line("bind j\n", "keys:1: expected \"bind KEY ACTION\", got 2 words");
    check_bad_line("bind j quit now\n", "keys:1: expected \"bind KEY ACTION\"");
    check_bad_line("unbind\n", "keys:1: expected \"unbind KEY\"");
}

static void keymap_file_missing_empty_and_binary(void **state)
{
    (void)state;
    tui_keymap km;
    tui_keymap_defaults(&km);
    size_t before = km.n;
    bc_error err = {0};
    bool loaded = true;
    assert_int_equal(tui_keymap_load(&km, "/nonexistent/bcadmin/keys", &loaded, &err), BC_OK);
    assert_false(loaded);
    char path[] = "/tmp/bcadmin-keys-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(tui_keymap_load(&km, path, &loaded, &err), BC_OK); /* empty file */
    assert_true(loaded);
    assert_int_equal(km.n, before);
    assert_int_equal(write(fd, "bind x quit\n\0junk", 17), 17);
    close(fd);
    assert_int_equal(tui_keymap_load(&km, path, &loaded, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "NUL byte"));
    unlink(path);
    tui_keymap_release(&km);
}

static void completes_action_names(void **state)
{
    (void)state;
    const char *out[8];
    size_t common;
    size_t n = tui_action_complete("page-", out, 8, &common);
    assert_int_equal(n, 2);
    assert_int_equal(common, strlen("page-"));
    n = tui_action_complete("he", out, 8, &common);
    assert_int_equal(n, 1);
    assert_string_equal(out[0], "help");
    assert_int_equal(common, 4);
    n = tui_action_complete("zzz", out, 8, &common);
    assert_int_equal(n, 0);
    n = tui_action_complete("", out, 2, &common); /* more matches than room */
    assert_int_equal(n, TUI_ACT_COUNT - 1);
}

static void default_path_follows_xdg(void **state)
{
    (void)state;
    setenv("XDG_CONFIG_HOME", "/x/conf", 1);
    char *p = tui_keymap_default_path();
    assert_string_equal(p, "/x/conf/bcadmin/keys");
    free(p);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* ignored, as the XDG spec says */
    setenv("HOME", "/home/op", 1);
    p = tui_keymap_default_path();
    assert_string_equal(p, "/home/op/.config/bcadmin/keys");
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_default_key_parses_and_is_bound_once),
        cmocka_unit_test(names_and_verbs_are_unique),
        cmocka_unit_test(key_names_round_trip),
        cmocka_unit_test(keymap_file_rebinds_and_unbinds),
        cmocka_unit_test(malformed_lines_name_file_and_line),
        cmocka_unit_test(keymap_file_missing_empty_and_binary),
        cmocka_unit_test(completes_action_names),
        cmocka_unit_test(default_path_follows_xdg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
