/* Unit tests for the environment sync plan: add/change/unchanged/remote-only/prune, Convex's name
 * and size rules, masking, every BETTER_AUTH_SECRET and JWKS safety case, lint, comparing two
 * deployments, and writing the generated secret into a real file. Applying against a deployment
 * is tested on the Convex test deployment (tests/integration/envsync.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dotenv.h"
#include "envsync.h"
#include "jwk.h"
#include "xalloc.h"

#define SECRET_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 44 characters */
#define SECRET_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define GENERATED "Z2VuZXJhdGVkLXNlY3JldC1mb3ItdGVzdHMtMDEyMzQ="

/* A JWKS value (the Convex CLI's form) with RS256 keys encrypted under secret. */
static char *make_jwks(const char *secret, int keys)
{
    bc_jwks_rows rows = {.rows = bc_xcalloc((size_t)keys, sizeof(bc_jwks_row)), .n = (size_t)keys};
    bc_error err = {0};
    for (int i = 0; i < keys; i++) {
        bc_jwk *k = NULL;
        assert_int_equal(bc_jwk_generate(BC_JWK_RSA, &k, &err), BC_OK);
        assert_int_equal(
            bc_jwks_row_new(k, BC_SECRETS_LEGACY(secret), NULL, "RS256", 1767225600000, &rows.rows[i], &err), BC_OK);
        bc_jwk_free(k);
    }
    char *text = bc_jwks_env_format(&rows);
    bc_jwks_rows_release(&rows);
    return text;
}

/* remote from "NAME", "value", ... NULL */
static json_t *vars(const char *first, ...)
{
    json_t *o = json_object();
    va_list ap;
    va_start(ap, first);
    for (const char *name = first; name; name = va_arg(ap, const char *)) {
        const char *value = va_arg(ap, const char *);
        json_object_set_new(o, name, json_string(value));
    }
    va_end(ap);
    return o;
}

static bc_envsync_local L(const char *name, const char *value, unsigned line)
{
    return (bc_envsync_local){name, value, value ? strlen(value) : 0, line, false};
}

static void plan(const bc_envsync_local *local, size_t n, json_t *remote, const bc_envsync_opts *o,
                 bc_envsync_plan *p)
{
    bc_error err = {0};
    bc_envsync_opts fixed = o ? *o : (bc_envsync_opts){0};
    fixed.generated_secret = GENERATED;
    assert_int_equal(bc_envsync_plan_make(local, n, "convex/.env", remote, &fixed, p, &err), BC_OK);
    json_decref(remote);
}

static bc_envsync_kind kind_of(const bc_envsync_plan *p, const char *name)
{
    const bc_envsync_item *it = bc_envsync_plan_find(p, name);
    assert_non_null(it);
    return it->kind;
}

static bool has_line(char **lines, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(lines[i], needle))
            return true;
    return false;
}

static char *changes_text(const bc_envsync_plan *p)
{
    json_t *c = bc_envsync_plan_changes(p);
    char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(c);
    return s;
}

/* ---- the plain plan ---------------------------------------------------------------------- */

static void kinds_and_batch(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("NEW", "1", 1), L("SAME", "s", 2), L("DIFF", "new", 3),
                                L("BLANK", "", 4)};
    bc_envsync_plan p;
    plan(local, 4, vars("SAME", "s", "DIFF", "old", "EXTRA", "x", "BLANK", "b", NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "NEW"), BC_ENVSYNC_ADD);
    assert_int_equal(kind_of(&p, "SAME"), BC_ENVSYNC_UNCHANGED);
    assert_int_equal(kind_of(&p, "DIFF"), BC_ENVSYNC_CHANGE);
    assert_int_equal(kind_of(&p, "EXTRA"), BC_ENVSYNC_REMOTE_ONLY);
    assert_int_equal(kind_of(&p, "BLANK"), BC_ENVSYNC_EMPTY);
    /* Sorted by name, whatever the file order. */
    assert_string_equal(p.items[0].name, "BLANK");
    assert_string_equal(p.items[p.n - 1].name, "SAME");
    char *c = changes_text(&p);
    assert_string_equal(
        c, "[{\"name\":\"DIFF\",\"value\":\"new\"},{\"name\":\"NEW\",\"value\":\"1\"}]");
    free(c);
    assert_int_equal(p.n_refusals, 0);
    assert_true(bc_envsync_plan_has_work(&p));
    assert_int_equal(bc_envsync_plan_count(&p, BC_ENVSYNC_ADD), 1);
    /* The final view keeps what the deployment alone has. */
    assert_string_equal(json_string_value(json_object_get(p.final, "EXTRA")), "x");
    assert_string_equal(json_string_value(json_object_get(p.final, "BLANK")), "b");
    bc_envsync_plan_release(&p);
}

static void nothing_to_do(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("A", "1", 1)};
    bc_envsync_plan p;
    plan(local, 1, vars("A", "1", NULL), NULL, &p);
    assert_false(bc_envsync_plan_has_work(&p));
    char *c = changes_text(&p);
    assert_string_equal(c, "[]");
    free(c);
    bc_envsync_plan_release(&p);
}

static void prune_removes_but_protects(void **state)
{
    (void)state;
    char *jwks = make_jwks(SECRET_A, 1);
    bc_envsync_local local[] = {L("A", "1", 1)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.prune = true};
    plan(local, 1, vars("A", "1", "OLD", "x", "BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL),
         &o, &p);
    assert_int_equal(kind_of(&p, "OLD"), BC_ENVSYNC_REMOVE);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_REMOTE_ONLY);
    assert_int_equal(kind_of(&p, "JWKS"), BC_ENVSYNC_REMOTE_ONLY);
    assert_non_null(strstr(bc_envsync_plan_find(&p, "JWKS")->note, "--prune never removes"));
    char *c = changes_text(&p);
    assert_string_equal(c, "[{\"name\":\"OLD\",\"value\":null}]");
    free(c);
    assert_null(json_object_get(p.final, "OLD"));
    bc_envsync_plan_release(&p);

    /* Without --prune the same name is kept. */
    plan(local, 1, vars("A", "1", "OLD", "x", NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "OLD"), BC_ENVSYNC_REMOTE_ONLY);
    assert_false(bc_envsync_plan_find(&p, "OLD")->include);
    bc_envsync_plan_release(&p);
    free(jwks);
}

static void a_view_can_leave_rows_out(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("A", "1", 1), L("B", "2", 2)};
    bc_envsync_plan p;
    plan(local, 2, vars(NULL), NULL, &p);
    p.items[0].include = false;
    char *c = changes_text(&p);
    assert_string_equal(c, "[{\"name\":\"B\",\"value\":\"2\"}]");
    free(c);
    bc_envsync_plan_release(&p);
}

/* ---- Convex's rules ---------------------------------------------------------------------- */

static void names_convex_refuses(void **state)
{
    (void)state;
    bc_error err = {0};
    const char *good[] = {"A", "_A", "a_b_9", "__", "x1"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(bc_envsync_name_check(good[i], &err), BC_OK);
    /* dotenv accepts '.', '-' and a leading digit; Convex does not. */
    const char *bad[] = {"", "1A", "A.B", "A-B", "A B", "É", "CONVEX_SITE_URL", "CONVEX_CLOUD_URL"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(bc_envsync_name_check(bad[i], &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "built in"));
    char name[300];
    memset(name, 'N', sizeof name);
    name[256] = 0;
    assert_int_equal(bc_envsync_name_check(name, &err), BC_OK);
    name[256] = 'N';
    name[257] = 0;
    assert_int_equal(bc_envsync_name_check(name, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "257 characters"));
}

static void value_limit_is_8_kib(void **state)
{
    (void)state;
    bc_error err = {0};
    assert_int_equal(bc_envsync_value_check(8192, &err), BC_OK);
    assert_int_equal(bc_envsync_value_check(8193, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "8193 bytes"));

    char *big = bc_xmalloc(8194);
    memset(big, 'v', 8193);
    big[8193] = 0;
    bc_envsync_local local[] = {L("BIG", big, 4), L("OK", "1", 5), L("A.B", "x", 6)};
    bc_envsync_plan p;
    plan(local, 3, vars(NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "BIG"), BC_ENVSYNC_INVALID);
    assert_int_equal(kind_of(&p, "A.B"), BC_ENVSYNC_INVALID);
    assert_int_equal(kind_of(&p, "OK"), BC_ENVSYNC_ADD);
    /* Invalid rows block the whole plan, each named with file and line. */
    assert_int_equal(p.n_refusals, 2);
    assert_true(has_line(p.refusals, p.n_refusals, "convex/.env:4: BIG: Convex refuses the value"));
    assert_true(has_line(p.refusals, p.n_refusals, "convex/.env:6: A.B: Convex refuses the name"));
    char *c = changes_text(&p);
    assert_string_equal(c, "[{\"name\":\"OK\",\"value\":\"1\"}]");
    free(c);
    bc_envsync_plan_release(&p);
    local[0].value_len = 8192; /* exactly 8 KiB is fine */
    plan(local, 1, vars(NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "BIG"), BC_ENVSYNC_ADD);
    assert_int_equal(p.n_refusals, 0);
    bc_envsync_plan_release(&p);
    free(big);
}

static void malformed_input(void **state)
{
    (void)state;
    bc_envsync_plan p;
    bc_error err = {0};
    bc_envsync_local dup[] = {L("A", "1", 1), L("A", "2", 2)};
    json_t *r = json_object();
    assert_int_equal(bc_envsync_plan_make(dup, 2, NULL, r, NULL, &p, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "A is given twice"));
    bc_envsync_plan_release(&p);
    json_object_set_new(r, "N", json_integer(3));
    assert_int_equal(bc_envsync_plan_make(NULL, 0, NULL, r, NULL, &p, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "N is not a string"));
    bc_envsync_plan_release(&p);
    json_decref(r);
    assert_int_equal(bc_envsync_plan_make(NULL, 0, NULL, NULL, NULL, &p, &err), BC_USAGE);
    bc_envsync_plan_release(&p);
    bc_envsync_plan_release(NULL);
}

/* ---- masking ----------------------------------------------------------------------------- */

static void masks_show_length_and_hash(void **state)
{
    (void)state;
    char *m = bc_envsync_mask("hello", 5);
    /* sha256("hello") = 2cf24dba... */
    assert_string_equal(m, "<5 bytes, sha256:2cf24dba>");
    free(m);
    m = bc_envsync_mask("x", 1);
    assert_string_equal(m, "<1 byte, sha256:2d711642>");
    free(m);
    m = bc_envsync_mask("", 0);
    assert_string_equal(m, "<empty>");
    free(m);
    /* Bytes, not characters; a NUL byte counts. */
    m = bc_envsync_mask("\xc3\xa9\0z", 4);
    assert_non_null(strstr(m, "<4 bytes, sha256:"));
    free(m);
    char *h = bc_envsync_hash("hello", 5);
    assert_string_equal(h, "2cf24dba");
    free(h);
}

static void generated_secret_is_32_bytes_base64(void **state)
{
    (void)state;
    char *a = NULL, *b = NULL;
    bc_error err = {0};
    assert_int_equal(bc_envsync_secret_generate(&a, &err), BC_OK);
    assert_int_equal(bc_envsync_secret_generate(&b, &err), BC_OK);
    assert_int_equal(strlen(a), 44);
    assert_int_equal(a[43], '=');
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

/* ---- BETTER_AUTH_SECRET ------------------------------------------------------------------ */

static void secret_missing_everywhere_is_generated(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("SITE_URL", "http://localhost:3000", 1)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true};
    plan(local, 1, vars(NULL), &o, &p);
    const bc_envsync_item *it = bc_envsync_plan_find(&p, "BETTER_AUTH_SECRET");
    assert_non_null(it);
    assert_int_equal(it->kind, BC_ENVSYNC_ADD);
    assert_string_equal(it->local, GENERATED);
    assert_true(p.secret_generated);
    assert_string_equal(p.secret, GENERATED);
    assert_non_null(strstr(it->note, "written to convex/.env before it is pushed"));
    /* JWKS is made only after the secret is live: a separate step, not part of the batch. */
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CREATE);
    char *c = changes_text(&p);
    assert_null(strstr(c, "JWKS"));
    assert_non_null(strstr(c, "BETTER_AUTH_SECRET"));
    free(c);
    bc_envsync_plan_release(&p);

    /* An empty BETTER_AUTH_SECRET= line counts as missing. */
    bc_envsync_local empty[] = {L("BETTER_AUTH_SECRET", "", 3)};
    plan(empty, 1, vars(NULL), &o, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_ADD);
    assert_true(p.secret_generated);
    bc_envsync_plan_release(&p);

    /* Without --auth nothing is generated. */
    plan(local, 1, vars(NULL), NULL, &p);
    assert_null(bc_envsync_plan_find(&p, "BETTER_AUTH_SECRET"));
    assert_false(p.secret_generated);
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_NONE);
    assert_true(has_line(p.warnings, p.n_warnings, "BETTER_AUTH_SECRET is not set"));
    bc_envsync_plan_release(&p);
}

static void remote_secret_is_never_overwritten(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("SITE_URL", "http://localhost:3000", 1)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true, .prune = true};
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "SITE_URL", "http://localhost:3000", NULL),
         &o, &p);
    const bc_envsync_item *it = bc_envsync_plan_find(&p, "BETTER_AUTH_SECRET");
    assert_int_equal(it->kind, BC_ENVSYNC_REMOTE_ONLY);
    assert_non_null(strstr(it->note, "never overwritten"));
    assert_false(it->include);
    assert_false(p.secret_generated);
    assert_true(p.secret_offer);
    assert_string_equal(p.secret, SECRET_A);
    char *c = changes_text(&p);
    assert_string_equal(c, "[]");
    free(c);
    /* No JWKS yet: one is created with the deployment's own secret. */
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CREATE);
    bc_envsync_plan_release(&p);
}

static void secret_change_under_jwks_is_refused(void **state)
{
    (void)state;
    char *jwks = make_jwks(SECRET_A, 1);
    bc_envsync_local local[] = {L("BETTER_AUTH_SECRET", SECRET_B, 2)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true};
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &o, &p);
    const bc_envsync_item *it = bc_envsync_plan_find(&p, "BETTER_AUTH_SECRET");
    assert_int_equal(it->kind, BC_ENVSYNC_BLOCKED);
    assert_false(it->include);
    assert_int_equal(p.n_refusals, 1);
    assert_non_null(strstr(p.refusals[0], "every key would stop decrypting"));
    assert_non_null(strstr(p.refusals[0], "all sign-ins fail until a rotation"));
    assert_non_null(strstr(p.refusals[0], "--replace-secret"));
    /* The deployment keeps its secret, and its JWKS still checks out against it. */
    assert_string_equal(p.secret, SECRET_A);
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CHECK);
    assert_false(has_line(p.warnings, p.n_warnings, "JWKS on the deployment"));
    bc_envsync_plan_release(&p);

    /* Also without --auth, and --force does not open it: the rule protects the key whatever the
     * flags. */
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_BLOCKED);
    bc_envsync_plan_release(&p);
    o.force = true;
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &o, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_BLOCKED);
    bc_envsync_plan_release(&p);

    /* No JWKS variable, but key rows in the jwks table: the same refusal. */
    bc_envsync_opts rows = {.key_rows = 1};
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, NULL), &rows, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_BLOCKED);
    assert_non_null(strstr(p.refusals[0], "the jwks table holds 1 key row"));
    bc_envsync_plan_release(&p);

    /* --replace-secret: left out of the batch, handed to the replace-secret checklist. */
    bc_envsync_opts replace = {.auth = true, .replace_secret = true};
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &replace, &p);
    it = bc_envsync_plan_find(&p, "BETTER_AUTH_SECRET");
    assert_int_equal(it->kind, BC_ENVSYNC_CHANGE);
    assert_false(it->include);
    assert_int_equal(p.n_refusals, 0);
    assert_string_equal(p.replace_secret, SECRET_B);
    json_t *batch = bc_envsync_plan_changes(&p);
    size_t k;
    json_t *change;
    json_array_foreach(batch, k, change)
    {
        assert_string_not_equal(json_string_value(json_object_get(change, "name")),
                                "BETTER_AUTH_SECRET");
    }
    json_decref(batch);
    bc_envsync_plan_release(&p);
    /* never a removal */
    bc_envsync_local gone[] = {{.name = "BETTER_AUTH_SECRET", .remove = true}};
    replace.only_local = true;
    plan(gone, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &replace, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_BLOCKED);
    assert_null(p.replace_secret);
    bc_envsync_plan_release(&p);
    free(jwks);
}

static void secret_change_without_jwks_warns(void **state)
{
    (void)state;
    bc_envsync_local local[] = {L("BETTER_AUTH_SECRET", SECRET_B, 2)};
    bc_envsync_plan p;
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, NULL), NULL, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_CHANGE);
    assert_int_equal(p.n_refusals, 0);
    assert_true(has_line(p.warnings, p.n_warnings, "session cookies signed with the old secret"));
    bc_envsync_plan_release(&p);
}

static void secret_same_is_unchanged(void **state)
{
    (void)state;
    char *jwks = make_jwks(SECRET_A, 1);
    bc_envsync_local local[] = {L("BETTER_AUTH_SECRET", SECRET_A, 2)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true};
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &o, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_UNCHANGED);
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CHECK);
    assert_false(bc_envsync_plan_has_work(&p));
    bc_envsync_plan_release(&p);
    free(jwks);
}

static void unset_secret_under_jwks_is_refused(void **state)
{
    (void)state;
    char *jwks = make_jwks(SECRET_A, 1);
    bc_envsync_local rm = {.name = "BETTER_AUTH_SECRET", .remove = true};
    bc_envsync_plan p;
    bc_envsync_opts o = {.only_local = true};
    plan(&rm, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, "X", "1", NULL), &o, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_BLOCKED);
    assert_int_equal(p.n_refusals, 1);
    assert_null(bc_envsync_plan_find(&p, "X")); /* only the named variable is considered */
    bc_envsync_plan_release(&p);
    /* Unsetting something else, or a name that is not there. */
    bc_envsync_local rm2[] = {{.name = "X", .remove = true}, {.name = "NOPE", .remove = true}};
    plan(rm2, 2, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, "X", "1", NULL), &o, &p);
    assert_int_equal(kind_of(&p, "X"), BC_ENVSYNC_REMOVE);
    assert_int_equal(kind_of(&p, "NOPE"), BC_ENVSYNC_UNCHANGED);
    char *c = changes_text(&p);
    assert_string_equal(c, "[{\"name\":\"X\",\"value\":null}]");
    free(c);
    bc_envsync_plan_release(&p);
    free(jwks);
}

/* ---- JWKS -------------------------------------------------------------------------------- */

static void jwks_check_finds_problems(void **state)
{
    (void)state;
    bc_error err = {0};
    char *one = make_jwks(SECRET_A, 1);
    assert_int_equal(bc_envsync_jwks_check(one, strlen(one), SECRET_A, NULL, &err), BC_OK);
    assert_int_equal(bc_envsync_jwks_check(one, strlen(one), SECRET_B, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "does not decrypt"));
    char *two = make_jwks(SECRET_A, 2);
    assert_int_equal(bc_envsync_jwks_check(two, strlen(two), SECRET_A, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "2 keys"));
    assert_int_equal(bc_envsync_jwks_check("[]", 2, SECRET_A, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "empty array"));
    /* The Convex auth config needs RS256: an Ed25519 key is refused. */
    bc_jwk *ed = NULL;
    bc_jwks_rows rows = {.rows = bc_xcalloc(1, sizeof(bc_jwks_row)), .n = 1};
    assert_int_equal(bc_jwk_generate(BC_JWK_ED25519, &ed, &err), BC_OK);
    assert_int_equal(bc_jwks_row_new(ed, BC_SECRETS_LEGACY(SECRET_A), NULL, "EdDSA", 1, &rows.rows[0], &err), BC_OK);
    char *edtext = bc_jwks_env_format(&rows);
    assert_int_equal(bc_envsync_jwks_check(edtext, strlen(edtext), SECRET_A, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "jwks.algorithm"));
    free(edtext);
    bc_jwks_rows_release(&rows);
    bc_jwk_free(ed);
    assert_int_equal(bc_envsync_jwks_check("nope", 4, SECRET_A, NULL, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "JWKS"));
    free(one);
    free(two);
}

static void jwks_present_is_checked(void **state)
{
    (void)state;
    char *jwks = make_jwks(SECRET_A, 1);
    bc_envsync_local local[] = {L("BETTER_AUTH_SECRET", SECRET_A, 1)};
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true};
    /* The deployment's JWKS was made under another secret: a warning, nothing blocked. */
    char *other = make_jwks(SECRET_B, 1);
    plan(local, 1, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", other, NULL), &o, &p);
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CHECK);
    assert_true(
        has_line(p.warnings, p.n_warnings, "JWKS on the deployment: JWKS (jwks.private_key)"));
    assert_int_equal(p.n_refusals, 0);
    bc_envsync_plan_release(&p);
    /* A JWKS in the file that does not decrypt with the secret is refused. */
    bc_envsync_local both[] = {L("BETTER_AUTH_SECRET", SECRET_A, 1), L("JWKS", other, 2)};
    plan(both, 2, vars(NULL), &o, &p);
    assert_int_equal(kind_of(&p, "JWKS"), BC_ENVSYNC_BLOCKED);
    assert_true(has_line(p.refusals, p.n_refusals, "convex/.env:2: JWKS from the file"));
    bc_envsync_plan_release(&p);
    /* A matching one from the file is pushed with the secret; no JWKS step follows. */
    bc_envsync_local good[] = {L("BETTER_AUTH_SECRET", SECRET_A, 1), L("JWKS", jwks, 2)};
    plan(good, 2, vars(NULL), &o, &p);
    assert_int_equal(kind_of(&p, "JWKS"), BC_ENVSYNC_ADD);
    assert_int_equal(p.jwks, BC_ENVSYNC_JWKS_CHECK);
    assert_int_equal(p.n_refusals, 0);
    bc_envsync_plan_release(&p);
    /* The file replaces JWKS and the secret together: allowed when they match. */
    bc_envsync_local pair[] = {L("BETTER_AUTH_SECRET", SECRET_B, 1), L("JWKS", other, 2)};
    plan(pair, 2, vars("BETTER_AUTH_SECRET", SECRET_A, "JWKS", jwks, NULL), &o, &p);
    assert_int_equal(kind_of(&p, "BETTER_AUTH_SECRET"), BC_ENVSYNC_CHANGE);
    assert_int_equal(kind_of(&p, "JWKS"), BC_ENVSYNC_CHANGE);
    assert_int_equal(p.n_refusals, 0);
    bc_envsync_plan_release(&p);
    free(other);
    free(jwks);
}

/* ---- lint -------------------------------------------------------------------------------- */

static void lint_auth_variables(void **state)
{
    (void)state;
    char **lines = NULL;
    size_t n = 0;
    json_t *v = vars("SITE_URL", "localhost:3000", "BETTER_AUTH_SECRET", "short",
                     "GOOGLE_CLIENT_ID", "g", "GITHUB_CLIENT_SECRET", "h", "DISCORD_CLIENT_ID", "d",
                     "DISCORD_CLIENT_SECRET", "e", NULL);
    bc_envsync_lint(v, &lines, &n);
    assert_int_equal(n, 4);
    assert_true(has_line(lines, n, "SITE_URL is not an http:// or https:// URL"));
    assert_true(has_line(lines, n, "BETTER_AUTH_SECRET has 5 characters"));
    assert_true(has_line(lines, n, "GOOGLE_CLIENT_ID is set but GOOGLE_CLIENT_SECRET is not"));
    assert_true(has_line(lines, n, "GITHUB_CLIENT_SECRET is set but GITHUB_CLIENT_ID is not"));
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    json_decref(v);

    lines = NULL;
    n = 0;
    v = vars("SITE_URL", "https://app.example.com", "BETTER_AUTH_SECRET", SECRET_A, NULL);
    bc_envsync_lint(v, &lines, &n);
    assert_int_equal(n, 0);
    json_decref(v);

    v = vars("BETTER_AUTH_SECRET", "ééééééééééééééééééééééééééééééé", /* 31 characters */
             "SITE_URL", "http://", NULL);
    bc_envsync_lint(v, &lines, &n);
    assert_true(has_line(lines, n, "31 characters"));
    assert_true(has_line(lines, n, "SITE_URL is not"));
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    json_decref(v);

    lines = NULL;
    n = 0;
    v = json_object();
    bc_envsync_lint(v, &lines, &n);
    assert_true(has_line(lines, n, "SITE_URL is not set"));
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    json_decref(v);
}

/* ---- a parsed file ----------------------------------------------------------------------- */

static void file_plan_keeps_lines_and_diagnostics(void **state)
{
    (void)state;
    const char *text = "# app\nA=1\nPASSWORD=abc#123\nnot a line\nA=2\nB.C=x\n";
    bc_dotenv *env = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_parse(text, strlen(text), "convex/.env", &env, &err), BC_OK);
    json_t *r = json_object();
    bc_envsync_plan p;
    assert_int_equal(bc_envsync_plan_file(env, r, NULL, &p, &err), BC_OK);
    const bc_envsync_item *a = bc_envsync_plan_find(&p, "A");
    assert_string_equal(a->local, "2"); /* the last duplicate wins, as in dotenv */
    assert_int_equal(a->line, 5);
    assert_string_equal(bc_envsync_plan_find(&p, "PASSWORD")->local, "abc");
    assert_true(has_line(p.warnings, p.n_warnings, "convex/.env:3: warning:"));
    assert_true(has_line(p.warnings, p.n_warnings, "convex/.env:4: ignored:"));
    assert_true(has_line(p.refusals, p.n_refusals, "convex/.env:6: B.C"));
    /* The file's diagnostics come before the lint lines. */
    assert_non_null(strstr(p.warnings[0], "convex/.env:"));
    bc_envsync_plan_release(&p);
    json_decref(r);
    bc_dotenv_free(env);
}

/* ---- comparing --------------------------------------------------------------------------- */

static void compare_two_deployments(void **state)
{
    (void)state;
    json_t *dev = vars("A", "1", "B", "dev", "ONLY_DEV", "x", NULL);
    json_t *prod = vars("A", "1", "B", "prod", "ONLY_PROD", "y", NULL);
    bc_envsync_cmp cmp;
    bc_error err = {0};
    assert_int_equal(bc_envsync_compare(dev, prod, &cmp, &err), BC_OK);
    assert_int_equal(cmp.n, 4);
    assert_string_equal(cmp.items[0].name, "A");
    assert_int_equal(cmp.items[0].kind, BC_ENVSYNC_SAME);
    assert_int_equal(cmp.items[1].kind, BC_ENVSYNC_DIFFERENT);
    assert_string_not_equal(cmp.items[1].here_mask, cmp.items[1].there_mask);
    assert_null(strstr(cmp.items[1].here_mask, "dev")); /* values never shown */
    assert_string_equal(cmp.items[2].name, "ONLY_DEV");
    assert_int_equal(cmp.items[2].kind, BC_ENVSYNC_ONLY_HERE);
    assert_null(cmp.items[2].there_mask);
    assert_int_equal(cmp.items[3].kind, BC_ENVSYNC_ONLY_THERE);
    assert_string_equal(bc_envsync_cmp_name(cmp.items[3].kind), "only-there");
    bc_envsync_cmp_release(&cmp);
    json_object_set_new(prod, "N", json_true());
    assert_int_equal(bc_envsync_compare(dev, prod, &cmp, &err), BC_USAGE);
    bc_envsync_cmp_release(&cmp);
    json_decref(dev);
    json_decref(prod);
}

/* ---- applying: the parts that need no deployment ------------------------------------------ */

static void refused_plan_changes_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/envsync-test.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = bc_xasprintf("%s/.env", dir);
    FILE *f = fopen(path, "w");
    fputs("A.B=1\n", f);
    fclose(f);
    bc_dotenv *env = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_load(path, &env, &err), BC_OK);
    json_t *r = json_object();
    bc_envsync_plan p;
    bc_envsync_opts o = {.auth = true, .generated_secret = GENERATED};
    assert_int_equal(bc_envsync_plan_file(env, r, &o, &p, &err), BC_OK);
    assert_true(p.secret_generated);
    bc_envsync_report rep;
    bc_envsync_apply_opts ao = {0};
    /* No deployment is needed to refuse: the file is not written either. */
    assert_int_equal(bc_envsync_apply(NULL, &p, &ao, &rep, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "nothing was changed"));
    assert_false(rep.file_written);
    bc_envsync_report_release(&rep);
    bc_dotenv *after = NULL;
    assert_int_equal(bc_dotenv_load(path, &after, &err), BC_OK);
    assert_null(bc_dotenv_get(after, "BETTER_AUTH_SECRET"));
    bc_dotenv_free(after);
    bc_envsync_plan_release(&p);
    json_decref(r);
    bc_dotenv_free(env);
    unlink(path);
    rmdir(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_and_batch),
        cmocka_unit_test(nothing_to_do),
        cmocka_unit_test(prune_removes_but_protects),
        cmocka_unit_test(a_view_can_leave_rows_out),
        cmocka_unit_test(names_convex_refuses),
        cmocka_unit_test(value_limit_is_8_kib),
        cmocka_unit_test(malformed_input),
        cmocka_unit_test(masks_show_length_and_hash),
        cmocka_unit_test(generated_secret_is_32_bytes_base64),
        cmocka_unit_test(secret_missing_everywhere_is_generated),
        cmocka_unit_test(remote_secret_is_never_overwritten),
        cmocka_unit_test(secret_change_under_jwks_is_refused),
        cmocka_unit_test(secret_change_without_jwks_warns),
        cmocka_unit_test(secret_same_is_unchanged),
        cmocka_unit_test(unset_secret_under_jwks_is_refused),
        cmocka_unit_test(jwks_check_finds_problems),
        cmocka_unit_test(jwks_present_is_checked),
        cmocka_unit_test(lint_auth_variables),
        cmocka_unit_test(file_plan_keeps_lines_and_diagnostics),
        cmocka_unit_test(compare_two_deployments),
        cmocka_unit_test(refused_plan_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
