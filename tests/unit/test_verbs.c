/* The verbs of `bcadmin` and the console's action table name the same things: every CLI verb is
 * an action's verb, and every action's verb is a CLI verb.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "actions.h"
#include "cli.h"

static void every_verb_is_an_action(void **state)
{
    (void)state;
    size_t n = 0;
    for (const char *verb; (verb = bc_cli_verb_name(n)); n++)
        if (tui_action_by_verb(verb) == TUI_ACT_NONE)
            fail_msg("verb \"%s\" has no action in tui/actions.h", verb);
    assert_true(n > 0);
}

static void every_action_verb_is_a_verb(void **state)
{
    (void)state;
    for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
        const char *verb = tui_action_get((tui_action)a)->verb;
        if (!verb)
            continue;
        bool found = false;
        for (size_t i = 0; bc_cli_verb_name(i) && !found; i++)
            found = strcmp(bc_cli_verb_name(i), verb) == 0;
        if (!found)
            fail_msg("action %s names verb \"%s\", which `bcadmin` does not have",
                     tui_action_get((tui_action)a)->name, verb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_verb_is_an_action),
        cmocka_unit_test(every_action_verb_is_a_verb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
