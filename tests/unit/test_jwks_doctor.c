/* Unit tests for the JWKS doctor's checks on every broken state: two keys, wrong secret, stale
 * key id, missing secret, malformed JSON, wrong algorithm, short RSA, published keys missing
 * the kid; and the SQLite checks (wrong secret, wrong-type newest row, expiry). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "jwks_doctor.h"
#include "xalloc.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789ab"
#define NOW 1767225600000LL

typedef struct {
    bc_jwks_row row; /* the key in JWKS and the database */
    bc_jwks_rows db; /* the database's rows */
    json_t *env;
    char *published;
} fixture;

static bc_jwks_row make_row(bc_jwk_type type, const char *secret, int64_t created)
{
    bc_jwk *k = NULL;
    assert_int_equal(bc_jwk_generate(type, &k, NULL), BC_OK);
    bc_jwks_row row;
    assert_int_equal(
        bc_jwks_row_new(k, BC_SECRETS_LEGACY(secret), NULL, bc_jwk_type_default_alg(type), created, &row, NULL),
        BC_OK);
    bc_jwk_free(k);
    return row;
}

static void copy_row(const bc_jwks_row *from, bc_jwks_row *to)
{
    *to = *from;
    to->id = bc_xstrdup(from->id);
    to->alg = bc_xstrdup(from->alg);
    to->crv = bc_xstrdup(from->crv);
    to->public_key = bc_xstrdup(from->public_key);
    to->private_key = bc_xstrdup(from->private_key);
}

/* JWKS text for rows. */
static void set_jwks(fixture *f, const bc_jwks_row *rows, size_t n)
{
    bc_jwks_rows r = {(bc_jwks_row *)rows, n};
    char *text = bc_jwks_env_format(&r);
    json_object_set_new(f->env, "JWKS", json_string(text));
    free(text);
}

static void publish(fixture *f, const bc_jwks_row *row)
{
    bc_jwks_rows r = {(bc_jwks_row *)row, 1};
    bc_jwk_set *set = NULL;
    assert_int_equal(bc_jwks_rows_public_set(&r, "RS256", &set, NULL), BC_OK);
    json_t *keys = json_array();
    json_t *k = bc_jwk_to_json(set->keys[0], false);
    json_object_set_new(k, "kid", json_string(row->id));
    json_object_set_new(k, "alg", json_string("RS256"));
    json_array_append_new(keys, k);
    free(f->published);
    json_t *doc = json_pack("{s:o}", "keys", keys);
    f->published = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    bc_jwk_set_free(set);
}

static int setup(void **state)
{
    fixture *f = bc_xcalloc(1, sizeof *f);
    f->row = make_row(BC_JWK_RSA, SECRET, NOW - 1000);
    f->db.rows = bc_xcalloc(4, sizeof *f->db.rows);
    copy_row(&f->row, &f->db.rows[0]);
    f->db.n = 1;
    f->env = json_pack("{s:s, s:s}", "BETTER_AUTH_SECRET", SECRET, "SITE_URL",
                       "https://app.example.com");
    set_jwks(f, &f->row, 1);
    publish(f, &f->row);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bc_jwks_row_release(&f->row);
    bc_jwks_rows_release(&f->db);
    json_decref(f->env);
    free(f->published);
    free(f);
    return 0;
}

static bc_checks run(fixture *f)
{
    bc_jwks_convex_inputs in = {.env = f->env,
                                .db_rows = &f->db,
                                .site_url = "https://x.convex.site",
                                .site_url_from = "test",
                                .published = f->published,
                                .published_status = 200,
                                .now_ms = NOW};
    bc_checks c = {0};
    assert_int_equal(bc_jwks_doctor_convex(&in, &c, NULL), BC_OK);
    return c;
}

/* The check's status, asserting the fix mentions `fix` when it is not ok. */
static void expect(const bc_checks *c, const char *id, bc_check_status s, const char *fix)
{
    const bc_check *k = bc_checks_find(c, id);
    assert_non_null(k);
    if (k->status != s)
        fail_msg("%s: status %s, want %s (%s)", id, bc_check_status_name(k->status),
                 bc_check_status_name(s), k->message);
    if (fix && !strstr(k->fix, fix))
        fail_msg("%s: fix \"%s\" does not mention \"%s\"", id, k->fix, fix);
}

static void healthy(void **state)
{
    bc_checks c = run(*state);
    assert_int_equal(c.n, 10);
    for (size_t i = 0; i < c.n; i++)
        if (c.items[i].status != BC_CHECK_OK)
            fail_msg("%s: %s", c.items[i].id, c.items[i].message);
    assert_false(bc_checks_failed(&c));
    json_t *j = bc_checks_to_json(&c);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "checks"), 0), "status")),
                        "ok");
    json_decref(j);
    bc_checks_release(&c);
}

static void two_keys(void **state)
{
    fixture *f = *state;
    bc_jwks_row rows[2] = {f->row, make_row(BC_JWK_RSA, SECRET, NOW)};
    set_jwks(f, rows, 2);
    bc_checks c = run(f);
    expect(&c, "jwks.one_key", BC_CHECK_FAIL, "jwks rotate");
    assert_true(bc_checks_failed(&c));
    bc_checks_release(&c);
    bc_jwks_row_release(&rows[1]);
}

static void wrong_secret(void **state)
{
    fixture *f = *state;
    json_object_set_new(f->env, "BETTER_AUTH_SECRET",
                        json_string("another-secret-of-enough-length-0123456789"));
    bc_checks c = run(f);
    expect(&c, "jwks.private_key", BC_CHECK_FAIL, "BETTER_AUTH_SECRET");
    expect(&c, "secret.present", BC_CHECK_OK, NULL);
    expect(&c, "jwks.test_token", BC_CHECK_FAIL, NULL);
    bc_checks_release(&c);
}

static void stale_kid(void **state)
{
    fixture *f = *state;
    bc_jwks_row_release(&f->db.rows[0]);
    f->db.rows[0] = make_row(BC_JWK_RSA, SECRET, NOW);
    bc_checks c = run(f);
    expect(&c, "jwks.current", BC_CHECK_FAIL, "bootstrap");
    assert_non_null(strstr(bc_checks_find(&c, "jwks.current")->message, "stale"));
    bc_checks_release(&c);
}

static void missing_secret(void **state)
{
    fixture *f = *state;
    json_object_del(f->env, "BETTER_AUTH_SECRET");
    bc_checks c = run(f);
    expect(&c, "secret.present", BC_CHECK_FAIL, "env sync");
    expect(&c, "jwks.private_key", BC_CHECK_FAIL, NULL);
    bc_checks_release(&c);
    json_object_set_new(f->env, "BETTER_AUTH_SECRET", json_string("short"));
    c = run(f);
    expect(&c, "secret.present", BC_CHECK_FAIL, "32");
    bc_checks_release(&c);
}

static void malformed_json(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"[{\"id\":", "", "{\"keys\":[]}", "[{\"id\":\"x\"}]", "42"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_object_set_new(f->env, "JWKS", json_string(bad[i]));
        bc_checks c = run(f);
        expect(&c, "jwks.set", BC_CHECK_FAIL, *bad[i] ? "bootstrap" : NULL);
        expect(&c, "jwks.one_key", BC_CHECK_FAIL, NULL);
        assert_int_equal(c.n, 10); /* every check still reported */
        bc_checks_release(&c);
    }
    json_object_del(f->env, "JWKS");
    bc_checks c = run(f);
    expect(&c, "jwks.set", BC_CHECK_FAIL, "bootstrap");
    bc_checks_release(&c);
    bc_jwks_convex_inputs none = {.env_error = "HTTP 401"};
    c = (bc_checks){0};
    bc_jwks_doctor_convex(&none, &c, NULL);
    expect(&c, "jwks.set", BC_CHECK_FAIL, "admin key");
    bc_checks_release(&c);
}

static void wrong_algorithm(void **state)
{
    fixture *f = *state;
    bc_jwks_row ed = make_row(BC_JWK_ED25519, SECRET, NOW);
    bc_jwks_row_release(&f->db.rows[0]);
    copy_row(&ed, &f->db.rows[0]);
    set_jwks(f, &ed, 1);
    bc_checks c = run(f);
    expect(&c, "jwks.algorithm", BC_CHECK_FAIL, "rotate");
    assert_non_null(strstr(bc_checks_find(&c, "jwks.algorithm")->message, "RS256"));
    bc_checks_release(&c);
    bc_jwks_row_release(&ed);
}

static void short_rsa(void **state)
{
    fixture *f = *state;
    bc_jwk k = {.type = BC_JWK_RSA, .is_private = true};
    k.pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    assert_non_null(k.pkey);
    bc_jwks_row r;
    assert_int_equal(bc_jwks_row_new(&k, BC_SECRETS_LEGACY(SECRET), NULL, "RS256", NOW, &r, NULL), BC_OK);
    EVP_PKEY_free(k.pkey);
    set_jwks(f, &r, 1);
    bc_checks c = run(f);
    expect(&c, "jwks.algorithm", BC_CHECK_FAIL, "rotate");
    assert_non_null(strstr(bc_checks_find(&c, "jwks.algorithm")->message, "1024"));
    bc_checks_release(&c);
    bc_jwks_row_release(&r);
}

static void published_missing_kid(void **state)
{
    fixture *f = *state;
    bc_jwks_row other = make_row(BC_JWK_RSA, SECRET, NOW);
    publish(f, &other);
    bc_checks c = run(f);
    expect(&c, "site.published", BC_CHECK_FAIL, "bootstrap");
    expect(&c, "jwks.test_token", BC_CHECK_WARN, NULL);
    bc_checks_release(&c);
    bc_jwks_row_release(&other);
    /* unreachable site: a warning, not a failure */
    bc_jwks_convex_inputs in = {.env = f->env,
                                .db_rows = &f->db,
                                .site_url = "https://x",
                                .published_error = "connection refused",
                                .now_ms = NOW};
    c = (bc_checks){0};
    bc_jwks_doctor_convex(&in, &c, NULL);
    expect(&c, "site.published", BC_CHECK_WARN, NULL);
    assert_false(bc_checks_failed(&c));
    bc_checks_release(&c);
    free(f->published);
    f->published = bc_xstrdup("<html>");
    c = run(f);
    expect(&c, "site.published", BC_CHECK_FAIL, NULL);
    bc_checks_release(&c);
}

static void missing_site_url(void **state)
{
    fixture *f = *state;
    json_object_del(f->env, "SITE_URL");
    bc_checks c = run(f);
    expect(&c, "site.urls", BC_CHECK_FAIL, "SITE_URL");
    bc_checks_release(&c);
}

/* A self-hosted deployment whose site URL nobody knows: the doctor says what it could not check
 * (warnings with the fix), and fails nothing for it. */
static void unknown_convex_site_url_warns(void **state)
{
    fixture *f = *state;
    bc_jwks_convex_inputs in = {.env = f->env,
                                .db_rows = &f->db,
                                .published_error = "CONVEX_SITE_URL is unknown",
                                .now_ms = NOW};
    bc_checks c = {0};
    bc_jwks_doctor_convex(&in, &c, NULL);
    expect(&c, "site.urls", BC_CHECK_WARN, "--site-url");
    expect(&c, "site.published", BC_CHECK_WARN, NULL);
    assert_false(bc_checks_failed(&c));
    bc_checks_release(&c);
}

/* ---- SQLite ---- */

static bc_checks run_sqlite(const bc_jwks_rows *rows, const char *secret, const char *alg)
{
    bc_jwks_sqlite_inputs in = {
        .rows = rows, .secrets = secret ? BC_SECRETS_LEGACY(secret) : NULL, .secret_from = "test", .alg = alg, .now_ms = NOW};
    bc_checks c = {0};
    assert_int_equal(bc_jwks_doctor_sqlite(&in, &c, NULL), BC_OK);
    return c;
}

static bc_checks run_line(const bc_jwks_rows *rows, const bc_secrets *secrets, bool alg_column)
{
    bc_jwks_sqlite_inputs in = {.rows = rows,
                                .secrets = secrets,
                                .secret_from = "test",
                                .alg = "EdDSA",
                                .alg_column = alg_column,
                                .now_ms = NOW};
    bc_checks c = {0};
    assert_int_equal(bc_jwks_doctor_sqlite(&in, &c, NULL), BC_OK);
    return c;
}

static const char *usable_message(const bc_checks *c)
{
    return bc_checks_find(c, "newest.usable")->message;
}

/* The row the server signs with, per line, under an EdDSA configuration: an older EdDSA row and
 * a newer RS256 one. Up to 1.6 the newest row signs as EdDSA (HTTP 500); 1.7 picks the newest row
 * of the configured alg, else the newest live row under its own alg - a NULL alg counting as the
 * configured one. */
static void sqlite_lines(void **state)
{
    (void)state;
    bc_jwks_row r[2] = {make_row(BC_JWK_ED25519, SECRET, NOW - 5000),
                        make_row(BC_JWK_RSA, SECRET, NOW - 1000)};
    bc_jwks_rows rows = {r, 2};
    bc_checks c = run_line(&rows, BC_SECRETS_LEGACY(SECRET), false);
    expect(&c, "newest.usable", BC_CHECK_FAIL, "jwks rotate");
    assert_non_null(strstr(usable_message(&c), "Better Auth 1.4.9 to 1.6"));
    assert_non_null(strstr(bc_checks_find(&c, "schema.line")->message, "1.4.9 to 1.6"));
    bc_checks_release(&c);
    c = run_line(&rows, BC_SECRETS_LEGACY(SECRET), true);
    expect(&c, "newest.usable", BC_CHECK_OK, NULL);
    assert_non_null(strstr(usable_message(&c), "not the newest row"));
    assert_non_null(strstr(bc_checks_find(&c, "schema.line")->message, "1.7"));
    bc_checks_release(&c);
    /* the EdDSA row expired: 1.7 signs RS256 with the RSA row's own alg */
    r[0].expires_at = NOW - 1;
    c = run_line(&rows, BC_SECRETS_LEGACY(SECRET), true);
    expect(&c, "newest.usable", BC_CHECK_OK, NULL);
    assert_non_null(strstr(usable_message(&c), "as RS256"));
    bc_checks_release(&c);
    /* ...unless the RSA row has no alg (written before the column): then it signs as EdDSA */
    free(r[1].alg);
    r[1].alg = NULL;
    c = run_line(&rows, BC_SECRETS_LEGACY(SECRET), true);
    expect(&c, "newest.usable", BC_CHECK_FAIL, NULL);
    bc_checks_release(&c);
    bc_jwks_row_release(&r[0]);
    bc_jwks_row_release(&r[1]);
}

/* Versioned secrets: a row in the "$ba$2$" envelope opens with the ring, not with the legacy
 * secret alone (the doctor says which variable is missing). */
static void sqlite_versioned(void **state)
{
    (void)state;
    bc_secrets ring;
    bc_error err = {0};
    assert_int_equal(bc_secrets_parse("2:current-secret-0123456789abcdef0123456789,1:older-one",
                                      SECRET, &ring, &err),
                     BC_OK);
    bc_jwk *k = NULL;
    assert_int_equal(bc_jwk_generate(BC_JWK_ED25519, &k, NULL), BC_OK);
    bc_jwks_row r[1];
    assert_int_equal(bc_jwks_row_new(k, &ring, NULL, "EdDSA", NOW - 1000, &r[0], NULL), BC_OK);
    bc_jwk_free(k);
    assert_int_equal(bc_jwks_row_secret_version(&r[0]), 2);
    bc_jwks_rows rows = {r, 1};
    bc_checks c = run_line(&rows, &ring, true);
    assert_false(bc_checks_failed(&c));
    assert_non_null(strstr(bc_checks_find(&c, "secret.present")->message, "version 2"));
    bc_checks_release(&c);
    c = run_line(&rows, BC_SECRETS_LEGACY(SECRET), true);
    expect(&c, "rows.decrypt", BC_CHECK_FAIL, NULL);
    assert_non_null(strstr(bc_checks_find(&c, "rows.decrypt")->message, "BETTER_AUTH_SECRETS"));
    bc_checks_release(&c);
    bc_jwks_row_release(&r[0]);
    bc_secrets_release(&ring);
}

static void sqlite_states(void **state)
{
    (void)state;
    bc_jwks_row r[3] = {make_row(BC_JWK_ED25519, SECRET, NOW - 5000),
                        make_row(BC_JWK_ED25519, SECRET, NOW - 1000)};
    bc_jwks_rows rows = {r, 2};
    bc_checks c = run_sqlite(&rows, SECRET, NULL);
    assert_false(bc_checks_failed(&c));
    bc_checks_release(&c);
    /* no secret, wrong secret */
    c = run_sqlite(&rows, NULL, NULL);
    expect(&c, "secret.present", BC_CHECK_FAIL, "--secret-file");
    bc_checks_release(&c);
    c = run_sqlite(&rows, "another-secret-of-enough-length-0123456789", NULL);
    expect(&c, "rows.decrypt", BC_CHECK_FAIL, "jwks rotate");
    expect(&c, "newest.usable", BC_CHECK_FAIL, NULL);
    bc_checks_release(&c);
    /* an RSA newest row under an EdDSA app (inferred from the oldest row) */
    r[2] = make_row(BC_JWK_RSA, SECRET, NOW);
    free(r[2].alg);
    r[2].alg = NULL; /* 1.4.9 has no alg column */
    rows.n = 3;
    c = run_sqlite(&rows, SECRET, NULL);
    expect(&c, "newest.usable", BC_CHECK_FAIL, "--alg");
    assert_non_null(strstr(bc_checks_find(&c, "newest.usable")->message, "get-session"));
    bc_checks_release(&c);
    c = run_sqlite(&rows, SECRET, "RS256"); /* the operator says the server is RS256 */
    expect(&c, "newest.usable", BC_CHECK_OK, NULL);
    bc_checks_release(&c);
    /* an older row under another secret: a warning */
    rows.n = 2;
    bc_jwks_row_release(&r[0]);
    r[0] = make_row(BC_JWK_ED25519, "another-secret-of-enough-length-0123456789", NOW - 5000);
    c = run_sqlite(&rows, SECRET, NULL);
    expect(&c, "rows.decrypt", BC_CHECK_WARN, NULL);
    expect(&c, "newest.usable", BC_CHECK_OK, NULL);
    bc_checks_release(&c);
    /* expired newest row */
    r[1].expires_at = NOW - 1;
    c = run_sqlite(&rows, SECRET, NULL);
    expect(&c, "newest.expiry", BC_CHECK_WARN, NULL);
    bc_checks_release(&c);
    /* an empty table and no table */
    rows.n = 0;
    c = run_sqlite(&rows, SECRET, NULL);
    assert_false(bc_checks_failed(&c));
    bc_checks_release(&c);
    c = run_sqlite(NULL, SECRET, NULL);
    expect(&c, "rows.present", BC_CHECK_WARN, NULL);
    bc_checks_release(&c);
    for (int i = 0; i < 3; i++)
        bc_jwks_row_release(&r[i]);
}

static void configured_alg(void **state)
{
    (void)state;
    const char *why;
    assert_string_equal(bc_jwks_configured_alg(NULL, NULL, &why), "EdDSA");
    assert_string_equal(bc_jwks_configured_alg(NULL, "ES256", &why), "ES256");
    bc_jwks_row r[2] = {make_row(BC_JWK_P256, SECRET, NOW - 10), make_row(BC_JWK_RSA, SECRET, NOW)};
    free(r[1].alg);
    r[1].alg = NULL;
    bc_jwks_rows rows = {r, 2};
    assert_string_equal(bc_jwks_configured_alg(&rows, NULL, &why), "ES256");
    assert_ptr_equal(bc_jwks_rows_newest(&rows), &r[1]);
    r[1].alg = bc_xstrdup("PS256"); /* 1.7.x column wins */
    assert_string_equal(bc_jwks_configured_alg(&rows, NULL, &why), "PS256");
    bc_jwks_row_release(&r[0]);
    bc_jwks_row_release(&r[1]);
}

/* What a server's published keys say of its configured algorithm: the alg published for a row
 * without one of its own; nothing from rows that carry their own (1.7) or from another database's
 * keys. The doctor then judges the newest row by it (server.alg before newest.usable). */
static void published_alg(void **state)
{
    (void)state;
    bc_jwks_row r = make_row(BC_JWK_ED25519, SECRET, NOW - 10);
    bc_jwks_rows rows = {&r, 1};
    char buf[16];
    const char *why = NULL;
    /* as 1.4.9-1.6 publish an EdDSA key under keyPairConfig.alg RS256 */
    json_t *key = json_loads(r.public_key, 0, NULL);
    assert_non_null(key);
    json_object_set_new(key, "alg", json_string("RS256"));
    json_object_set_new(key, "kid", json_string(r.id));
    json_t *set = json_pack("{s:[o]}", "keys", key);
    char *pub = json_dumps(set, 0);
    json_decref(set);
    char *alg_saved = r.alg;
    r.alg = NULL; /* no alg column */
    assert_string_equal(bc_jwks_published_alg(pub, &rows, buf, sizeof buf, &why), "RS256");
    bc_jwks_sqlite_inputs in = {.rows = &rows,
                                .secrets = BC_SECRETS_LEGACY(SECRET),
                                .secret_from = "test",
                                .now_ms = NOW,
                                .server_url = "http://127.0.0.1:1/api/auth/jwks",
                                .published = pub,
                                .published_status = 200};
    bc_checks c = {0};
    assert_int_equal(bc_jwks_doctor_sqlite(&in, &c, NULL), BC_OK);
    expect(&c, "server.alg", BC_CHECK_OK, NULL);
    expect(&c, "newest.usable", BC_CHECK_FAIL, NULL);
    assert_non_null(strstr(bc_checks_find(&c, "newest.usable")->message, "as RS256"));
    bc_checks_release(&c);
    /* the server unreachable: said, and the algorithm is inferred */
    in.published = NULL;
    in.published_error = "connection refused";
    assert_int_equal(bc_jwks_doctor_sqlite(&in, &c, NULL), BC_OK);
    expect(&c, "server.alg", BC_CHECK_WARN, "--site-url");
    expect(&c, "newest.usable", BC_CHECK_OK, NULL);
    bc_checks_release(&c);
    /* a row with its own alg (1.7) shows nothing */
    r.alg = alg_saved;
    assert_null(bc_jwks_published_alg(pub, &rows, buf, sizeof buf, &why));
    assert_non_null(strstr(why, "own alg"));
    /* keys of another database */
    r.alg = NULL;
    free(r.id);
    r.id = bc_xstrdup("another-kid");
    assert_null(bc_jwks_published_alg(pub, &rows, buf, sizeof buf, &why));
    assert_non_null(strstr(why, "another database"));
    r.alg = alg_saved;
    bc_jwks_row_release(&r);
    free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(healthy, setup, teardown),
        cmocka_unit_test_setup_teardown(two_keys, setup, teardown),
        cmocka_unit_test(sqlite_lines),
        cmocka_unit_test(sqlite_versioned),
        cmocka_unit_test_setup_teardown(wrong_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(stale_kid, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_json, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_algorithm, setup, teardown),
        cmocka_unit_test_setup_teardown(short_rsa, setup, teardown),
        cmocka_unit_test_setup_teardown(published_missing_kid, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_convex_site_url_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_site_url, setup, teardown),
        cmocka_unit_test(sqlite_states),
        cmocka_unit_test(configured_alg),
        cmocka_unit_test(published_alg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
