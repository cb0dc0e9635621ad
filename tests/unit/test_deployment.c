/* Tests of deployment selection (deployment.h): the Convex CLI's order, sources searched in
 * order without overriding, empty values as unset, conflicts, refused key kinds, production
 * marking, and fingerprints/labels/messages that never hold a key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deployment.h"

/* A source made of NAME=VALUE strings (NULL-terminated). */
typedef struct {
    const char *const *vars;
} fake_env;

static const char *fake_lookup(void *ctx, const char *name)
{
    const fake_env *e = ctx;
    size_t n = strlen(name);
    for (const char *const *v = e->vars; v && *v; v++)
        if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
            return *v + n + 1;
    return NULL;
}

#define PROD_KEY "prod:happy-otter-123|eyJ2MiI6InNlY3JldHByb2Qi"
#define DEV_KEY "dev:quiet-fox-456|eyJ2MiI6InNlY3JldGRldiJ9"
#define SH_KEY "convex-self-hosted|01a2b3c4d5e6f708"

static fake_env env_vars, local_vars, dot_vars;
static bc_env_source sources[3];

static void set_sources(const char *const *env, const char *const *local, const char *const *dot)
{
    env_vars.vars = env;
    local_vars.vars = local;
    dot_vars.vars = dot;
    sources[0] = (bc_env_source){"the environment", fake_lookup, &env_vars};
    sources[1] = (bc_env_source){".env.local", fake_lookup, &local_vars};
    sources[2] = (bc_env_source){".env", fake_lookup, &dot_vars};
}

static bc_status choose(const bc_deploy_opts *o, bc_deployment *d, bc_error *err)
{
    *err = (bc_error){0};
    return bc_deployment_choose(o, sources, 3, d, err);
}

/* No secret part of any key may appear in what is shown. */
static void assert_no_secret(const bc_deployment *d, const bc_error *err)
{
    static const char *const secrets[] = {"eyJ2MiI6InNlY3JldHByb2Qi", "eyJ2MiI6InNlY3JldGRldiJ9",
                                          "01a2b3c4d5e6f708", "bcadmin-secret"};
    for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
        if (d) {
            assert_null(strstr(d->label ? d->label : "", secrets[i]));
            assert_null(strstr(d->how ? d->how : "", secrets[i]));
            assert_null(strstr(d->fingerprint ? d->fingerprint : "", secrets[i]));
            assert_null(strstr(d->name ? d->name : "", secrets[i]));
        }
        if (err)
            assert_null(strstr(err->msg, secrets[i]));
    }
}

static void test_flags_win(void **state)
{
    const char *env[] = {"CONVEX_DEPLOY_KEY=" DEV_KEY, NULL};
    set_sources(env, NULL, NULL);
    bc_deploy_opts o = {.url = "https://x.example.com", .admin_key = PROD_KEY};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_int_equal(d.via, BC_DEPLOY_FLAGS);
    assert_string_equal(d.url, "https://x.example.com");
    assert_string_equal(d.key, PROD_KEY);
    assert_true(d.production); /* a prod: key is production whatever carried it */
    assert_string_equal(d.name, "happy-otter-123");
    assert_non_null(strstr(d.label, "PROD"));
    assert_no_secret(&d, NULL);
    bc_deployment_release(&d);
}

static void test_flags_untyped_key_named_by_host(void **state)
{
    set_sources(NULL, NULL, NULL);
    bc_deploy_opts o = {.url = "http://127.0.0.1:3210/", .admin_key = SH_KEY};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_false(d.production);
    assert_string_equal(d.name, "127.0.0.1:3210");
    bc_deployment_release(&d);
    o.prod = true; /* the operator says it is production */
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_true(d.production);
    bc_deployment_release(&d);
}

static void test_flags_half(void **state)
{
    set_sources(NULL, NULL, NULL);
    bc_deploy_opts o = {.admin_key = PROD_KEY};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "--url"));
    assert_no_secret(NULL, &err);
    o = (bc_deploy_opts){.url = "https://x.convex.cloud"};
    assert_int_equal(choose(&o, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "--admin-key"));
}

static void test_deploy_key_fallback_url(void **state)
{
    const char *local[] = {"CONVEX_DEPLOY_KEY=" PROD_KEY, NULL};
    set_sources(NULL, local, NULL);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_int_equal(d.via, BC_DEPLOY_KEY);
    assert_string_equal(d.url, "https://happy-otter-123.convex.cloud");
    assert_true(d.production);
    assert_non_null(strstr(d.how, "CONVEX_DEPLOY_KEY from .env.local"));
    assert_non_null(strstr(d.how, "fallback"));
    assert_no_secret(&d, NULL);
    bc_deployment_release(&d);
}

static void test_deploy_key_url_override(void **state)
{
    const char *env[] = {"CONVEX_DEPLOY_KEY=" DEV_KEY, NULL};
    set_sources(env, NULL, NULL);
    bc_deploy_opts o = {.url = "https://auth.example.com"};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_string_equal(d.url, "https://auth.example.com");
    assert_false(d.production);
    assert_non_null(strstr(d.how, "--url"));
    assert_non_null(strstr(d.label, "dev quiet-fox-456"));
    bc_deployment_release(&d);
}

static bc_status fake_url_ok(const char *key, char **url, bc_error *err)
{
    *url = strdup("https://custom.example.org");
    return BC_OK;
}

static bc_status fake_url_fail(const char *key, char **url, bc_error *err)
{
    *url = NULL;
    return bc_fail(err, BC_ERR, "offline");
}

static void test_url_for_key(void **state)
{
    const char *env[] = {"CONVEX_DEPLOY_KEY=" PROD_KEY, NULL};
    set_sources(env, NULL, NULL);
    bc_deploy_opts o = {.url_for_key = fake_url_ok};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_string_equal(d.url, "https://custom.example.org");
    assert_non_null(strstr(d.how, "url_for_key"));
    bc_deployment_release(&d);
    o.url_for_key = fake_url_fail;
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_string_equal(d.url, "https://happy-otter-123.convex.cloud");
    assert_non_null(strstr(d.how, "offline"));
    bc_deployment_release(&d);
}

static void test_token_alias_and_order(void **state)
{
    /* CONVEX_DEPLOY_KEY wins over CONVEX_DEPLOYMENT_TOKEN, wherever each is. */
    const char *env[] = {"CONVEX_DEPLOYMENT_TOKEN=" DEV_KEY, NULL};
    const char *dot[] = {"CONVEX_DEPLOY_KEY=" PROD_KEY, NULL};
    set_sources(env, NULL, dot);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_string_equal(d.key, PROD_KEY);
    bc_deployment_release(&d);
    set_sources(env, NULL, NULL);
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_string_equal(d.key, DEV_KEY);
    assert_non_null(strstr(d.how, "CONVEX_DEPLOYMENT_TOKEN"));
    bc_deployment_release(&d);
}

static void test_no_overriding_and_empty_unset(void **state)
{
    /* The environment wins over .env.local, which wins over .env; an empty value is unset. */
    const char *env[] = {"CONVEX_DEPLOY_KEY=", NULL};
    const char *local[] = {"CONVEX_DEPLOY_KEY=" DEV_KEY, NULL};
    const char *dot[] = {"CONVEX_DEPLOY_KEY=" PROD_KEY, NULL};
    set_sources(env, local, dot);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_string_equal(d.key, DEV_KEY);
    assert_non_null(strstr(d.how, ".env.local"));
    bc_deployment_release(&d);
}

static void test_prod_flag(void **state)
{
    const char *env[] = {"CONVEX_DEPLOY_KEY=" DEV_KEY, NULL};
    set_sources(env, NULL, NULL);
    bc_deploy_opts o = {.prod = true};
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(&o, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "dev:"));
    assert_no_secret(NULL, &err);
    const char *penv[] = {"CONVEX_DEPLOY_KEY=" PROD_KEY, NULL};
    set_sources(penv, NULL, NULL);
    assert_int_equal(choose(&o, &d, &err), BC_OK);
    assert_true(d.production);
    bc_deployment_release(&d);
    /* a dev: admin key given with --prod is refused too */
    set_sources(NULL, NULL, NULL);
    o = (bc_deploy_opts){.url = "https://q.convex.cloud", .admin_key = DEV_KEY, .prod = true};
    assert_int_equal(choose(&o, &d, &err), BC_USAGE);
}

static void test_refused_kinds(void **state)
{
    static const char *const keys[] = {
        "CONVEX_DEPLOY_KEY=preview:team:project|bcadmin-secret",
        "CONVEX_DEPLOY_KEY=project:team:project|bcadmin-secret",
        "CONVEX_DEPLOY_KEY=bcadmin-secret",
        "CONVEX_DEPLOY_KEY=local:thing|bcadmin-secret",
        "CONVEX_DEPLOY_KEY=dev:Bad Name|bcadmin-secret",
    };
    static const char *const expect[] = {"preview", "project", "not a deploy key",
                                         "local:", "not a deploy key"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *env[] = {keys[i], NULL};
        set_sources(env, NULL, NULL);
        bc_deployment d;
        bc_error err;
        assert_int_equal(choose(NULL, &d, &err), BC_USAGE);
        assert_non_null(strstr(err.msg, expect[i]));
        assert_no_secret(NULL, &err);
    }
}

static void test_placeholders(void **state)
{
    const char *ignore[] = {"CONVEX_DEPLOY_KEY=<ignore_deploy_key>",
                            "CONVEX_SELF_HOSTED_URL=http://127.0.0.1:1",
                            "CONVEX_SELF_HOSTED_ADMIN_KEY=" SH_KEY, NULL};
    set_sources(ignore, NULL, NULL);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_int_equal(d.via, BC_DEPLOY_SELF_HOSTED);
    bc_deployment_release(&d);
    const char *missing[] = {"CONVEX_DEPLOY_KEY=<missing_deploy_key:Set it in Vercel>", NULL};
    set_sources(missing, NULL, NULL);
    assert_int_equal(choose(NULL, &d, &err), BC_USAGE);
    assert_string_equal(err.msg, "Set it in Vercel");
}

static void test_self_hosted(void **state)
{
    const char *env[] = {"CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210", NULL};
    const char *dot[] = {"CONVEX_SELF_HOSTED_ADMIN_KEY=" SH_KEY, NULL};
    set_sources(env, NULL, dot);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_int_equal(d.via, BC_DEPLOY_SELF_HOSTED);
    assert_string_equal(d.url, "http://127.0.0.1:3210");
    assert_string_equal(d.key, SH_KEY);
    assert_false(d.production);
    assert_non_null(strstr(d.label, "self-hosted 127.0.0.1:3210"));
    assert_no_secret(&d, NULL);
    bc_deployment_release(&d);
}

static void test_self_hosted_conflicts(void **state)
{
    const char *env[] = {"CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210",
                         "CONVEX_SELF_HOSTED_ADMIN_KEY=" SH_KEY, NULL};
    const char *local[] = {"CONVEX_DEPLOYMENT=dev:quiet-fox-456", NULL};
    set_sources(env, local, NULL);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "CONVEX_DEPLOYMENT (from .env.local) must not be set"));
    assert_no_secret(NULL, &err);
    /* half a self-hosted pair */
    const char *half[] = {"CONVEX_SELF_HOSTED_ADMIN_KEY=" SH_KEY, NULL};
    set_sources(half, NULL, NULL);
    assert_int_equal(choose(NULL, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "CONVEX_SELF_HOSTED_URL"));
    assert_no_secret(NULL, &err);
    /* a deploy key comes before self-hosted (the CLI's order) */
    const char *both[] = {"CONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210",
                          "CONVEX_SELF_HOSTED_ADMIN_KEY=" SH_KEY, "CONVEX_DEPLOY_KEY=" DEV_KEY,
                          NULL};
    set_sources(both, NULL, NULL);
    assert_int_equal(choose(NULL, &d, &err), BC_OK);
    assert_int_equal(d.via, BC_DEPLOY_KEY);
    bc_deployment_release(&d);
}

static void test_nothing_or_deployment_only(void **state)
{
    set_sources(NULL, NULL, NULL);
    bc_deployment d;
    bc_error err;
    assert_int_equal(choose(NULL, &d, &err), BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "CONVEX_DEPLOY_KEY"));
    assert_false(bc_deployment_configured(NULL, sources, 3));
    const char *dot[] = {"CONVEX_DEPLOYMENT=dev:quiet-fox-456", NULL};
    set_sources(NULL, NULL, dot);
    assert_int_equal(choose(NULL, &d, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "Convex login"));
    const char *env[] = {"CONVEX_DEPLOYMENT_TOKEN=" DEV_KEY, NULL};
    set_sources(env, NULL, NULL);
    assert_true(bc_deployment_configured(NULL, sources, 3));
}

static void test_fingerprint(void **state)
{
    char *a = bc_key_fingerprint(PROD_KEY), *b = bc_key_fingerprint(DEV_KEY);
    assert_int_equal(strlen(a), 12); /* "key:" + 8 hex */
    assert_memory_equal(a, "key:", 4);
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "happy"));
    char *again = bc_key_fingerprint(PROD_KEY);
    assert_string_equal(a, again);
    /* SHA-256("abc") starts ba7816bf */
    char *abc = bc_key_fingerprint("abc");
    assert_string_equal(abc, "key:ba7816bf");
    free(a);
    free(b);
    free(again);
    free(abc);
}

static void test_process_env(void **state)
{
    setenv("CONVEX_SELF_HOSTED_URL", "http://127.0.0.1:9", 1);
    setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", SH_KEY, 1);
    unsetenv("CONVEX_DEPLOY_KEY");
    unsetenv("CONVEX_DEPLOYMENT_TOKEN");
    unsetenv("CONVEX_DEPLOYMENT");
    bc_deployment d;
    bc_error err = {0};
    assert_int_equal(bc_deployment_choose(NULL, &bc_env_process, 1, &d, &err), BC_OK);
    assert_string_equal(d.url, "http://127.0.0.1:9");
    assert_non_null(strstr(d.how, "the environment"));
    bc_deployment_release(&d);
    bc_deployment_release(&d); /* released twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_win),
        cmocka_unit_test(test_flags_untyped_key_named_by_host),
        cmocka_unit_test(test_flags_half),
        cmocka_unit_test(test_deploy_key_fallback_url),
        cmocka_unit_test(test_deploy_key_url_override),
        cmocka_unit_test(test_url_for_key),
        cmocka_unit_test(test_token_alias_and_order),
        cmocka_unit_test(test_no_overriding_and_empty_unset),
        cmocka_unit_test(test_prod_flag),
        cmocka_unit_test(test_refused_kinds),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_self_hosted),
        cmocka_unit_test(test_self_hosted_conflicts),
        cmocka_unit_test(test_nothing_or_deployment_only),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_process_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
