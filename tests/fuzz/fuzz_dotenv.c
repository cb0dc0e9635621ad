/* fuzz_dotenv.c - the .env reader (core/dotenv.c) on any bytes, and its writer's promise: the
 * quoting chosen for every value read is read back as the same bytes, or refused. */
#include <string.h>

#include "dotenv.h"
#include "fuzz.h"
#include "xalloc.h"

static void check_quote(const bc_dotenv_entry *e)
{
    char *rhs = NULL;
    bc_error err = {0};
    if (bc_dotenv_quote(e->value, e->value_len, &rhs, &err) != BC_OK)
        return;
    char *line = bc_xasprintf("K=%s\n", rhs);
    bc_dotenv *back = NULL;
    bc_dotenv_parse(line, strlen(line), NULL, &back, &err);
    const bc_dotenv_entry *b = bc_dotenv_get(back, "K");
    FUZZ_CHECK(b && b->value_len == e->value_len && memcmp(b->value, e->value, e->value_len) == 0);
    bc_dotenv_free(back);
    free(line);
    free(rhs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    if (bc_dotenv_parse((const char *)data, size, "fuzz.env", &env, &err) != BC_OK)
        return 0;
    for (size_t i = 0; i < env->n_diags; i++)
        free(bc_dotenv_diag_format(env, &env->diags[i]));
    for (size_t i = 0; i < env->n_entries; i++) {
        const bc_dotenv_entry *e = &env->entries[i];
        FUZZ_CHECK(e->raw_start <= e->raw_end && e->raw_end <= env->text_len);
        FUZZ_CHECK(e->value_start <= e->value_end && e->value_end <= env->text_len);
        check_quote(e);
    }
    /* Change the first entry and add one: every other entry must read back unchanged. */
    if (env->n_entries > 0 && bc_dotenv_name_ok(env->entries[0].name) &&
        strcmp(env->entries[0].name, "FUZZ_ADDED") != 0) {
        bc_dotenv_change ch[2] = {
            {.name = env->entries[0].name, .value = "new\nvalue", .value_len = 9},
            {.name = "FUZZ_ADDED", .value = "x'\"`", .value_len = 4, .comment = "added"},
        };
        char *out = NULL;
        size_t out_len = 0;
        if (bc_dotenv_edit(env, ch, 2, &out, &out_len, &err) == BC_OK) {
            bc_dotenv *back = NULL;
            bc_dotenv_parse(out, out_len, NULL, &back, &err);
            const bc_dotenv_entry *a = bc_dotenv_get(back, "FUZZ_ADDED");
            const bc_dotenv_entry *c = bc_dotenv_get(back, env->entries[0].name);
            FUZZ_CHECK(a && a->value_len == 4 && memcmp(a->value, "x'\"`", 4) == 0);
            FUZZ_CHECK(c && c->value_len == 9 && memcmp(c->value, "new\nvalue", 9) == 0);
            for (size_t i = 0; i < env->n_entries; i++) {
                const bc_dotenv_entry *e = &env->entries[i];
                if (e->overridden || strcmp(e->name, ch[0].name) == 0 ||
                    strcmp(e->name, ch[1].name) == 0)
                    continue;
                const bc_dotenv_entry *o = bc_dotenv_get(back, e->name);
                FUZZ_CHECK(o && o->value_len == e->value_len &&
                           memcmp(o->value, e->value, e->value_len) == 0);
            }
            bc_dotenv_free(back);
            free(out);
        }
    }
    bc_dotenv_free(env);
    return 0;
}
