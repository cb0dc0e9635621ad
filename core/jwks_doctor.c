/* jwks_doctor.c - the doctor's checks over gathered inputs; see jwks_doctor.h. */
#include "jwks_doctor.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "jwt.h"
#include "line.h"
#include "xalloc.h"

/* ---- the list ---------------------------------------------------------------------------- */

static const char *const status_names[] = {"ok", "warn", "fail"};

const char *bc_check_status_name(bc_check_status s)
{
    return status_names[s];
}

void bc_checks_release(bc_checks *checks)
{
    for (size_t i = 0; i < checks->n; i++) {
        free(checks->items[i].id);
        free(checks->items[i].message);
        free(checks->items[i].fix);
    }
    free(checks->items);
    *checks = (bc_checks){0};
}

bool bc_checks_failed(const bc_checks *checks)
{
    for (size_t i = 0; i < checks->n; i++)
        if (checks->items[i].status == BC_CHECK_FAIL)
            return true;
    return false;
}

const bc_check *bc_checks_find(const bc_checks *checks, const char *id)
{
    for (size_t i = 0; i < checks->n; i++)
        if (strcmp(checks->items[i].id, id) == 0)
            return &checks->items[i];
    return NULL;
}

json_t *bc_checks_to_json(const bc_checks *checks)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < checks->n; i++) {
        const bc_check *c = &checks->items[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "id", c->id, "status",
                                             status_names[c->status], "message", c->message, "fix",
                                             c->fix));
    }
    return json_pack("{s:o}", "checks", arr);
}

/* Append a check; fix may be NULL (nothing to do). */
static void add(bc_checks *out, const char *id, bc_check_status s, const char *fix, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
static void add(bc_checks *out, const char *id, bc_check_status s, const char *fix, const char *fmt,
                ...)
{
    if (out->n == out->cap)
        out->items =
            bc_xrealloc(out->items, (out->cap = out->cap ? out->cap * 2 : 16) * sizeof *out->items);
    va_list ap;
    va_start(ap, fmt);
    char *msg = bc_xvasprintf(fmt, ap);
    va_end(ap);
    out->items[out->n++] = (bc_check){bc_xstrdup(id), s, msg, bc_xstrdup(fix ? fix : "")};
}

/* ---- shared facts ------------------------------------------------------------------------ */

const bc_jwks_row *bc_jwks_rows_newest(const bc_jwks_rows *rows)
{
    const bc_jwks_row *best = NULL;
    for (size_t i = 0; rows && i < rows->n; i++)
        if (!best || rows->rows[i].created_at > best->created_at)
            best = &rows->rows[i];
    return best;
}

static bool is_live(const bc_jwks_row *r, int64_t now)
{
    return r->expires_at == BC_JWKS_NO_TIME || r->expires_at > now;
}

/* The newest row for which keep() holds. */
static const bc_jwks_row *newest_where(const bc_jwks_rows *rows, const char *alg, int64_t now)
{
    const bc_jwks_row *best = NULL;
    for (size_t i = 0; rows && i < rows->n; i++) {
        const bc_jwks_row *r = &rows->rows[i];
        if (!is_live(r, now) || (alg && r->alg && strcmp(r->alg, alg) != 0))
            continue;
        if (!best || r->created_at > best->created_at)
            best = r;
    }
    return best;
}

const bc_jwks_row *bc_jwks_signing_row(const bc_jwks_rows *rows, const char *configured_alg,
                                       bool alg_column, int64_t now_ms, const char **sign_alg)
{
    const bc_jwks_row *key = NULL;
    if (!alg_column) {
        key = bc_jwks_rows_newest(rows);
        if (key && !is_live(key, now_ms))
            key = NULL;
    } else {
        key = newest_where(rows, configured_alg, now_ms);
        if (!key)
            key = newest_where(rows, NULL, now_ms);
    }
    if (sign_alg)
        *sign_alg = key && alg_column && key->alg ? key->alg : configured_alg;
    return key;
}

static const bc_jwks_row *rows_oldest(const bc_jwks_rows *rows)
{
    const bc_jwks_row *best = NULL;
    for (size_t i = 0; rows && i < rows->n; i++)
        if (!best || rows->rows[i].created_at < best->created_at)
            best = &rows->rows[i];
    return best;
}

const char *bc_jwks_configured_alg(const bc_jwks_rows *rows, const char *alg, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (alg) {
        *why = "as given";
        return alg;
    }
    const bc_jwks_row *newest = bc_jwks_rows_newest(rows);
    if (newest && newest->alg) {
        *why = "from the newest row's alg column";
        return newest->alg;
    }
    const bc_jwks_row *oldest = rows_oldest(rows);
    bc_jwk *pub = NULL;
    if (oldest && bc_jwks_row_public_jwk(oldest, &pub, NULL) == BC_OK) {
        const char *a = bc_jwk_type_default_alg(pub->type);
        bc_jwk_free(pub);
        *why = "inferred from the oldest key, which the server made itself";
        return a;
    }
    *why = "the jwt plugin's default";
    return "EdDSA";
}

static const char *env_text(const json_t *env, const char *name)
{
    const json_t *v = env ? json_object_get(env, name) : NULL;
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

static void short_id(const char *id, char out[16])
{
    snprintf(out, 16, "%.12s", id ? id : "?");
}

/* ---- Convex ------------------------------------------------------------------------------ */

typedef struct {
    const bc_jwks_convex_inputs *in;
    bc_checks *out;
    bc_jwks_rows jwks; /* parsed JWKS */
    bool jwks_ok;
    const bc_jwks_row *key; /* the key JWKS signs with (its first element) */
    bc_jwk *pub, *priv;
    bc_jwk_set *published;
} convex_doc;

static const char *const fix_bootstrap =
    "run `bcadmin jwks bootstrap` (getLatestJwks, then JWKS set to its result)";
static const char *const fix_rotate =
    "run `bcadmin jwks rotate` (rotateKeys, then JWKS set to the new key)";

static void check_jwks_set(convex_doc *d)
{
    const char *env_err = d->in->env_error;
    if (!d->in->env) {
        add(d->out, "jwks.set", BC_CHECK_FAIL, "check the deployment URL and admin key",
            "the deployment's environment variables could not be read: %s",
            env_err ? env_err : "not gathered");
        return;
    }
    const char *text = env_text(d->in->env, "JWKS");
    if (!text) {
        add(d->out, "jwks.set", BC_CHECK_FAIL, fix_bootstrap, "JWKS is not set on the deployment");
        return;
    }
    bc_error err = {0};
    if (bc_jwks_env_parse(text, strlen(text), &d->jwks, &err) != BC_OK) {
        add(d->out, "jwks.set", BC_CHECK_FAIL,
            "set JWKS again from the key in the database: `bcadmin jwks bootstrap`", "%s", err.msg);
        return;
    }
    d->jwks_ok = true;
    add(d->out, "jwks.set", BC_CHECK_OK, NULL, "JWKS is set and valid JSON (%zu key%s)", d->jwks.n,
        d->jwks.n == 1 ? "" : "s");
}

static void not_checked(convex_doc *d, const char *id, const char *why)
{
    add(d->out, id, BC_CHECK_FAIL, "fix the failing checks above first", "not checked: %s", why);
}

static void check_one_key(convex_doc *d)
{
    if (!d->jwks_ok)
        return not_checked(d, "jwks.one_key", "JWKS is not usable");
    if (d->jwks.n == 1) {
        d->key = &d->jwks.rows[0];
        add(d->out, "jwks.one_key", BC_CHECK_OK, NULL, "JWKS holds exactly one key");
        return;
    }
    if (d->jwks.n == 0) {
        add(d->out, "jwks.one_key", BC_CHECK_FAIL, fix_bootstrap, "JWKS is an empty array");
        return;
    }
    d->key = &d->jwks.rows[0];
    add(d->out, "jwks.one_key", BC_CHECK_FAIL, fix_rotate,
        "JWKS holds %zu keys: token signing breaks with two or more", d->jwks.n);
}

static void check_algorithm(convex_doc *d)
{
    if (!d->key)
        return not_checked(d, "jwks.algorithm", "JWKS has no key");
    bc_error err = {0};
    if (bc_jwks_row_public_jwk(d->key, &d->pub, &err) != BC_OK) {
        add(d->out, "jwks.algorithm", BC_CHECK_FAIL, fix_rotate, "the key's type is unknown: %s",
            err.msg);
        return;
    }
    const char *alg = d->key->alg;
    int bits = bc_jwk_bits(d->pub);
    if (d->pub->type != BC_JWK_RSA || (alg && strcmp(alg, "RS256") != 0)) {
        add(d->out, "jwks.algorithm", BC_CHECK_FAIL, fix_rotate,
            "the key is %s %s; the Convex auth config (getAuthConfigProvider) needs RS256 with "
            "RSA",
            alg ? alg : "(no alg)", bc_jwk_type_name(d->pub->type));
        return;
    }
    if (bits < 2048) {
        add(d->out, "jwks.algorithm", BC_CHECK_FAIL, fix_rotate,
            "the RSA key has %d bits; at least 2048 are needed", bits);
        return;
    }
    if (!alg) {
        add(d->out, "jwks.algorithm", BC_CHECK_WARN, fix_bootstrap,
            "the key is RSA %d bits but JWKS names no alg (the CLI form has \"alg\":\"RS256\")",
            bits);
        return;
    }
    add(d->out, "jwks.algorithm", BC_CHECK_OK, NULL, "RS256 with a %d-bit RSA key", bits);
}

static void check_public_key(convex_doc *d)
{
    if (!d->key)
        return not_checked(d, "jwks.public_key", "JWKS has no key");
    bc_error err = {0};
    if (!d->pub && bc_jwks_row_public_jwk(d->key, &d->pub, &err) != BC_OK) {
        add(d->out, "jwks.public_key", BC_CHECK_FAIL, fix_rotate, "%s", err.msg);
        return;
    }
    char kid[16];
    short_id(d->key->id, kid);
    add(d->out, "jwks.public_key", BC_CHECK_OK, NULL, "the public key of %s is a valid %s JWK", kid,
        bc_jwk_type_name(d->pub->type));
}

static void check_private_key(convex_doc *d)
{
    if (!d->key)
        return not_checked(d, "jwks.private_key", "JWKS has no key");
    bc_secrets secrets = {0};
    bc_error err = {0};
    if (bc_secrets_parse(env_text(d->in->env, "BETTER_AUTH_SECRETS"),
                         env_text(d->in->env, "BETTER_AUTH_SECRET"), &secrets, &err) != BC_OK) {
        bc_secrets_release(&secrets);
        return not_checked(d, "jwks.private_key", err.msg);
    }
    if (!bc_secrets_any(&secrets)) {
        bc_secrets_release(&secrets);
        return not_checked(d, "jwks.private_key",
                           "neither BETTER_AUTH_SECRET nor BETTER_AUTH_SECRETS is set");
    }
    bc_status st = bc_jwks_row_private_jwk(d->key, &secrets, &d->priv, &err);
    bc_secrets_release(&secrets);
    if (st != BC_OK) {
        add(d->out, "jwks.private_key", BC_CHECK_FAIL,
            "put back the BETTER_AUTH_SECRET (or BETTER_AUTH_SECRETS version) the key was made "
            "with, or run `bcadmin jwks rotate` to make a key under the current secret",
            "%s (signing fails with \"Failed to decrypt private key\")", err.msg);
        return;
    }
    if (d->pub && bc_jwk_match(d->priv, d->pub, &err) != BC_OK) {
        add(d->out, "jwks.private_key", BC_CHECK_FAIL, fix_rotate,
            "the private key does not match the public key: %s", err.msg);
        return;
    }
    long v = bc_jwks_row_secret_version(d->key);
    if (v >= 0)
        add(d->out, "jwks.private_key", BC_CHECK_OK, NULL,
            "the private key decrypts with version %ld of BETTER_AUTH_SECRETS and matches the "
            "public key",
            v);
    else
        add(d->out, "jwks.private_key", BC_CHECK_OK, NULL,
            "the private key decrypts with BETTER_AUTH_SECRET and matches the public key");
}

static void check_secret(convex_doc *d)
{
    if (!d->in->env)
        return not_checked(d, "secret.present", "the environment could not be read");
    const char *secret = env_text(d->in->env, "BETTER_AUTH_SECRET");
    const char *versions = env_text(d->in->env, "BETTER_AUTH_SECRETS");
    if (versions) {
        bc_secrets secrets = {0};
        bc_error err = {0};
        char name[64];
        if (bc_secrets_parse(versions, secret, &secrets, &err) != BC_OK)
            add(d->out, "secret.present", BC_CHECK_FAIL,
                "fix BETTER_AUTH_SECRETS: comma-separated version:secret entries, the current "
                "first",
                "%s (Better Auth refuses to start)", err.msg);
        else if (strlen(bc_secrets_current(&secrets)) < 32)
            add(d->out, "secret.present", BC_CHECK_WARN,
                "make the current secret at least 32 characters (`openssl rand -base64 32`)",
                "the current secret (%s) has %zu characters; Better Auth 1.5+ warns under 32",
                bc_secrets_current_name(&secrets, name, sizeof name),
                strlen(bc_secrets_current(&secrets)));
        else
            add(d->out, "secret.present", BC_CHECK_OK, NULL,
                "BETTER_AUTH_SECRETS holds %zu version%s, the current is %s%s", secrets.n,
                secrets.n == 1 ? "" : "s", bc_secrets_current_name(&secrets, name, sizeof name),
                secret ? "; BETTER_AUTH_SECRET reads older bare-hex values" : "");
        bc_secrets_release(&secrets);
        return;
    }
    if (!secret) {
        add(d->out, "secret.present", BC_CHECK_FAIL,
            "set BETTER_AUTH_SECRET with `bcadmin env sync` (before any key is made)",
            "BETTER_AUTH_SECRET is not set");
        return;
    }
    size_t len = strlen(secret);
    if (len < 32) {
        add(d->out, "secret.present", BC_CHECK_FAIL,
            "set a secret of at least 32 characters (`openssl rand -base64 32`), then `bcadmin "
            "jwks rotate` so the key is encrypted with it",
            "BETTER_AUTH_SECRET has %zu characters; Better Auth needs at least 32", len);
        return;
    }
    add(d->out, "secret.present", BC_CHECK_OK, NULL, "BETTER_AUTH_SECRET is set (%zu characters)",
        len);
}

static void check_current(convex_doc *d)
{
    if (!d->key)
        return not_checked(d, "jwks.current", "JWKS has no key");
    if (!d->in->db_rows) {
        add(d->out, "jwks.current", BC_CHECK_FAIL, "check that the auth functions are deployed",
            "the jwks rows in the database could not be read: %s",
            d->in->db_error ? d->in->db_error : "not gathered");
        return;
    }
    const bc_jwks_row *newest = bc_jwks_rows_newest(d->in->db_rows);
    char kid[16], nid[16];
    short_id(d->key->id, kid);
    if (!newest) {
        add(d->out, "jwks.current", BC_CHECK_FAIL, fix_bootstrap,
            "JWKS holds key %s but the database has no jwks row", kid);
        return;
    }
    short_id(newest->id, nid);
    if (strcmp(newest->id, d->key->id) != 0) {
        add(d->out, "jwks.current", BC_CHECK_FAIL,
            "set JWKS to the database's newest key: `bcadmin jwks bootstrap`",
            "JWKS holds key %s but the newest key in the database is %s (a stale JWKS)", kid, nid);
        return;
    }
    add(d->out, "jwks.current", BC_CHECK_OK, NULL,
        "JWKS holds %s, the newest of %zu key row%s in the database", kid, d->in->db_rows->n,
        d->in->db_rows->n == 1 ? "" : "s");
}

static void check_site_urls(convex_doc *d)
{
    if (!d->in->env)
        return not_checked(d, "site.urls", "the environment could not be read");
    const char *site = env_text(d->in->env, "SITE_URL");
    const char *csite = d->in->site_url;
    if (!site && !csite) {
        add(d->out, "site.urls", BC_CHECK_FAIL,
            "set SITE_URL (`bcadmin env sync`); set CONVEX_SITE_URL where bcadmin runs",
            "SITE_URL and CONVEX_SITE_URL are unknown");
        return;
    }
    if (!site) {
        add(d->out, "site.urls", BC_CHECK_FAIL, "set SITE_URL with `bcadmin env sync`",
            "SITE_URL is not set on the deployment (Better Auth's baseURL)");
        return;
    }
    if (!csite) {
        /* What cannot be known is not a failure: a self-hosted deployment does not say its site
         * URL, and the site checks below are then not made (warnings). */
        add(d->out, "site.urls", BC_CHECK_WARN,
            "give --site-url URL, or set CONVEX_SITE_URL (in the environment, or in .env.local "
            "as the Convex CLI writes it)",
            "SITE_URL %s; CONVEX_SITE_URL is unknown (not a deployment variable, not derivable "
            "from the URL): the site's published keys were not checked",
            site);
        return;
    }
    add(d->out, "site.urls", BC_CHECK_OK, NULL, "SITE_URL %s; CONVEX_SITE_URL %s (%s)", site, csite,
        d->in->site_url_from ? d->in->site_url_from : "given");
}

static void check_published(convex_doc *d)
{
    if (!d->in->published && d->in->published_unread) {
        add(d->out, "site.published", BC_CHECK_WARN, fix_bootstrap,
            "the site's published keys were %s", d->in->published_error);
        return;
    }
    if (!d->in->published) {
        add(d->out, "site.published", BC_CHECK_WARN,
            "check that the site's HTTP routes are deployed and reachable from here",
            "the site's published keys could not be fetched: %s",
            d->in->published_error ? d->in->published_error : "no CONVEX_SITE_URL");
        return;
    }
    if (d->in->published_status != 200) {
        add(d->out, "site.published", BC_CHECK_FAIL,
            "deploy the HTTP routes (authComponent.registerRoutes / the auth http router)",
            "the site's published keys ({CONVEX_SITE_URL}{basePath}/convex/jwks) answered HTTP %ld",
            d->in->published_status);
        return;
    }
    bc_error err = {0};
    if (bc_jwk_set_parse(d->in->published, strlen(d->in->published), &d->published, &err) !=
        BC_OK) {
        add(d->out, "site.published", BC_CHECK_FAIL, "check the site's auth routes",
            "the site's published keys are not a key set: %s", err.msg);
        return;
    }
    if (!d->key) {
        add(d->out, "site.published", BC_CHECK_WARN, fix_bootstrap,
            "the site publishes %zu key%s, but JWKS has no key to look for", d->published->n,
            d->published->n == 1 ? "" : "s");
        return;
    }
    char kid[16];
    short_id(d->key->id, kid);
    if (!bc_jwk_set_find(d->published, d->key->id)) {
        add(d->out, "site.published", BC_CHECK_FAIL,
            "JWKS changes take effect at once; if it was just set, check again, else set it "
            "with `bcadmin jwks bootstrap`",
            "the site's published keys (%zu) do not hold key %s", d->published->n, kid);
        return;
    }
    add(d->out, "site.published", BC_CHECK_OK, NULL, "the site publishes key %s", kid);
}

static void check_test_token(convex_doc *d)
{
    if (!d->priv)
        return not_checked(d, "jwks.test_token", "no usable private key");
    const bc_jwk *verify_key = d->published ? bc_jwk_set_find(d->published, d->key->id) : NULL;
    bool against_published = verify_key != NULL;
    if (!verify_key)
        verify_key = d->pub;
    if (!verify_key)
        return not_checked(d, "jwks.test_token", "no public key");
    int64_t now = (d->in->now_ms ? d->in->now_ms : bc_now_ms()) / 1000;
    json_t *payload = json_pack("{s:s, s:s, s:s, s:I, s:I}", "sub", "bcadmin-doctor", "iss",
                                d->in->site_url ? d->in->site_url : "bcadmin", "aud", "convex",
                                "iat", (json_int_t)now, "exp", (json_int_t)(now + 60));
    char *token = NULL;
    bc_error err = {0};
    bc_jwt *jwt = NULL;
    bc_status st = bc_jwt_sign(d->priv, "RS256", payload, &token, &err);
    if (st == BC_OK)
        st = bc_jwt_decode(token, &jwt, &err);
    if (st == BC_OK)
        st = bc_jwt_verify_key(jwt, verify_key, &err);
    json_decref(payload);
    free(token);
    bc_jwt_free(jwt);
    if (st != BC_OK) {
        add(d->out, "jwks.test_token", BC_CHECK_FAIL, fix_rotate,
            "a test token signed with the key does not verify against the %s key: %s",
            against_published ? "published" : "JWKS public", err.msg);
        return;
    }
    if (!against_published) {
        add(d->out, "jwks.test_token", BC_CHECK_WARN,
            "make the site's published keys reachable and check again",
            "a test token verifies against JWKS's public key, but not against the published key "
            "(not available)");
        return;
    }
    add(d->out, "jwks.test_token", BC_CHECK_OK, NULL,
        "a test RS256 token signed with the key verifies against the published key");
}

bc_status bc_jwks_doctor_convex(const bc_jwks_convex_inputs *in, bc_checks *out, bc_error *err)
{
    convex_doc d = {.in = in, .out = out};
    check_jwks_set(&d);
    check_one_key(&d);
    check_algorithm(&d);
    check_public_key(&d);
    check_private_key(&d);
    check_secret(&d);
    check_current(&d);
    check_site_urls(&d);
    check_published(&d);
    check_test_token(&d);
    bc_jwks_rows_release(&d.jwks);
    bc_jwk_free(d.pub);
    bc_jwk_free(d.priv);
    bc_jwk_set_free(d.published);
    return BC_OK;
}

/* ---- SQLite ------------------------------------------------------------------------------ */

static const char *const fix_sqlite_rotate =
    "run `bcadmin jwks rotate` with the app's secret (and --alg if the server is configured "
    "for another algorithm)";

/* secret.present: what the app's secrets are; false when there is none. */
static bool sqlite_secret(const bc_jwks_sqlite_inputs *in, const char *from, bc_checks *out)
{
    const char *current = bc_secrets_current(in->secrets);
    char name[64];
    if (!current) {
        add(out, "secret.present", BC_CHECK_FAIL,
            "set BETTER_AUTH_SECRET (and BETTER_AUTH_SECRETS if the app uses versioned secrets) "
            "or pass --secret-file FILE",
            "no secret given: the private keys cannot be checked");
        return false;
    }
    if (in->secrets->n)
        add(out, "secret.present", strlen(current) < 32 ? BC_CHECK_WARN : BC_CHECK_OK,
            strlen(current) < 32 ? "use a current secret of 32+ characters" : NULL,
            "BETTER_AUTH_SECRETS holds %zu version%s, the current is %s (%zu characters)%s",
            in->secrets->n, in->secrets->n == 1 ? "" : "s",
            bc_secrets_current_name(in->secrets, name, sizeof name), strlen(current),
            in->secrets->legacy ? "; BETTER_AUTH_SECRET reads bare-hex rows" : "");
    else if (strlen(current) < 32)
        add(out, "secret.present", BC_CHECK_WARN, "use the app's real secret (32+ characters)",
            "%s has %zu characters; Better Auth 1.4.9 refuses secrets under 32 (1.5+ warns)",
            from, strlen(current));
    else
        add(out, "secret.present", BC_CHECK_OK, NULL, "secret from %s (%zu characters)", from,
            strlen(current));
    return true;
}

/* rows.decrypt: every row, the signing one included. */
static void sqlite_decrypt(const bc_jwks_sqlite_inputs *in, bool have_secret,
                           const bc_jwks_row *signing, const char *from, bc_checks *out)
{
    size_t n = in->rows ? in->rows->n : 0;
    if (!have_secret) {
        add(out, "rows.decrypt", BC_CHECK_FAIL, "give the secret first", "not checked: no secret");
        return;
    }
    if (n == 0) {
        add(out, "rows.decrypt", BC_CHECK_OK, NULL, "no rows to decrypt");
        return;
    }
    size_t bad = 0, versioned = 0;
    char first_bad[1100] = "";
    bool signing_bad = false;
    for (size_t i = 0; i < n; i++) {
        bc_error e = {0};
        versioned += bc_jwks_row_secret_version(&in->rows->rows[i]) >= 0;
        if (bc_jwks_row_open(&in->rows->rows[i], in->secrets, NULL, NULL, &e) != BC_OK) {
            if (!bad++)
                snprintf(first_bad, sizeof first_bad, "%s", e.msg);
            if (&in->rows->rows[i] == signing)
                signing_bad = true;
        }
    }
    if (bad == 0 && versioned)
        add(out, "rows.decrypt", BC_CHECK_OK, NULL,
            "every row decrypts with %s and matches its public key (%zu in a \"$ba$<version>$\" "
            "envelope)",
            from, versioned);
    else if (bad == 0)
        add(out, "rows.decrypt", BC_CHECK_OK, NULL,
            "every row decrypts with %s and matches its public key", from);
    else
        add(out, "rows.decrypt", signing_bad ? BC_CHECK_FAIL : BC_CHECK_WARN,
            signing_bad ? fix_sqlite_rotate
                        : "older rows only verify old tokens; remove them with `bcadmin jwks "
                          "rotate --revoke-old` once their tokens have expired",
            "%zu of %zu rows do not open with %s: %s", bad, n, from, first_bad);
}

const char *bc_jwks_published_alg(const char *published, const bc_jwks_rows *rows, char *buf,
                                  size_t size, const char **why)
{
    bc_jwk_set *set = NULL;
    if (!published || bc_jwk_set_parse(published, strlen(published), &set, NULL) != BC_OK) {
        *why = "the server's answer is not a key set";
        return NULL;
    }
    const char *alg = NULL;
    size_t seen = 0;
    for (size_t i = 0; rows && i < rows->n && !alg; i++) {
        const bc_jwk *k = bc_jwk_set_find(set, rows->rows[i].id);
        seen += k != NULL;
        if (k && k->alg && !rows->rows[i].alg) {
            snprintf(buf, size, "%s", k->alg);
            alg = buf;
        }
    }
    bc_jwk_set_free(set);
    if (!alg)
        *why = seen ? "every key it publishes carries its row's own alg (Better Auth 1.7), so its "
                      "configured one does not show"
                    : "it publishes none of this file's keys: is it the server of another "
                      "database?";
    return alg;
}

/* server.alg: what the server's published keys say; *alg (NULL: nothing) and *why are what
 * newest.usable then takes, unless --alg was given. */
static const char *sqlite_server_alg(const bc_jwks_sqlite_inputs *in, char *buf, size_t size,
                                     bc_checks *out)
{
    static const char *const fix_url =
        "check that the app's server runs at that URL (--site-url, BETTER_AUTH_URL), or pass "
        "--alg";
    if (!in->server_url)
        return NULL;
    if (!in->rows || in->rows->n == 0) {
        add(out, "server.alg", BC_CHECK_OK, NULL,
            "not asked: the file has no key rows (asking would make the server create one)");
        return NULL;
    }
    if (!in->published) {
        add(out, "server.alg", BC_CHECK_WARN, fix_url,
            "the keys the server publishes at %s could not be read (%s): its configured "
            "algorithm is inferred",
            in->server_url, in->published_error ? in->published_error : "not fetched");
        return NULL;
    }
    if (in->published_status != 200) {
        add(out, "server.alg", BC_CHECK_WARN, fix_url,
            "%s answered HTTP %ld: the server's configured algorithm is inferred", in->server_url,
            in->published_status);
        return NULL;
    }
    const char *why = NULL;
    const char *alg = bc_jwks_published_alg(in->published, in->rows, buf, size, &why);
    if (!alg) {
        bool other = strstr(why, "another database") != NULL;
        add(out, "server.alg", other ? BC_CHECK_WARN : BC_CHECK_OK,
            other ? "point --site-url / BETTER_AUTH_URL at the server of this file" : NULL,
            "%s: %s", in->server_url, why);
        return NULL;
    }
    add(out, "server.alg", in->alg && strcmp(in->alg, alg) != 0 ? BC_CHECK_WARN : BC_CHECK_OK,
        in->alg && strcmp(in->alg, alg) != 0 ? "drop --alg, or change the server's configuration"
                                             : NULL,
        "the server publishes its keys at %s as %s: its configured algorithm%s%s", in->server_url,
        alg, in->alg && strcmp(in->alg, alg) != 0 ? "; --alg says " : "",
        in->alg && strcmp(in->alg, alg) != 0 ? in->alg : "");
    return alg;
}

/* newest.usable: the row the server signs with, judged as the file's line does. */
static void sqlite_usable(const bc_jwks_sqlite_inputs *in, bool have_secret, const char *alg,
                          const bc_jwks_row *signing, const char *sign_alg, const char *why,
                          bc_checks *out)
{
    const bc_jwks_row *newest = bc_jwks_rows_newest(in->rows);
    const char *line = in->alg_column ? "Better Auth 1.7" : "Better Auth 1.4.9 to 1.6";
    if (!signing) {
        add(out, "newest.usable", BC_CHECK_OK, NULL,
            newest ? "no live row; the server will make a %s key at the next signed token"
                   : "no rows; the server will make a %s key at the first signed token",
            alg);
        return;
    }
    char kid[16];
    short_id(signing->id, kid);
    bc_jwk *pub = NULL;
    bc_error e = {0};
    if (bc_jwks_row_public_jwk(signing, &pub, &e) != BC_OK) {
        add(out, "newest.usable", BC_CHECK_FAIL, fix_sqlite_rotate,
            "the row %s the server signs with has a broken public key: %s", kid, e.msg);
    } else if (!bc_jwk_alg_fits(pub->type, sign_alg)) {
        add(out, "newest.usable", BC_CHECK_FAIL, fix_sqlite_rotate,
            "the row %s the server signs with is a %s key but %s signs it as %s (%s): every "
            "get-session fails with HTTP 500",
            kid, bc_jwk_type_name(pub->type), line, sign_alg, why);
    } else if (have_secret && bc_jwks_row_open(signing, in->secrets, NULL, NULL, &e) != BC_OK) {
        add(out, "newest.usable", BC_CHECK_FAIL, fix_sqlite_rotate,
            "the row %s, which the server signs with, does not open: every get-session fails "
            "with HTTP 500 (%s)",
            kid, e.msg);
    } else if (pub->type == BC_JWK_RSA && bc_jwk_bits(pub) < 2048) {
        add(out, "newest.usable", BC_CHECK_FAIL, fix_sqlite_rotate,
            "the row %s the server signs with is RSA with %d bits; at least 2048 are needed", kid,
            bc_jwk_bits(pub));
    } else {
        bool own = in->alg_column && signing->alg && strcmp(signing->alg, alg) != 0;
        add(out, "newest.usable", have_secret ? BC_CHECK_OK : BC_CHECK_WARN,
            have_secret ? NULL : "give the secret to check the private key",
            "%s signs with row %s (%s) as %s (%s)%s%s", line, kid,
            bc_jwk_type_name(pub->type), sign_alg,
            own ? "the row's own alg: no row has the configured one" : why,
            signing != newest ? "; it is not the newest row" : "",
            have_secret ? "" : "; its private key was not checked");
    }
    bc_jwk_free(pub);
}

bc_status bc_jwks_doctor_sqlite(const bc_jwks_sqlite_inputs *in, bc_checks *out, bc_error *err)
{
    (void)err;
    int64_t now = in->now_ms ? in->now_ms : bc_now_ms();
    int64_t grace = in->grace_ms > 0 ? in->grace_ms : BC_JWKS_GRACE_DEFAULT_MS;
    const char *from = in->secret_from ? in->secret_from : "the secret";
    bc_ba_line line = !in->rows ? BC_LINE_UNKNOWN : in->alg_column ? BC_LINE_1_7
                                                                   : BC_LINE_1_4_TO_1_6;
    add(out, "schema.line", BC_CHECK_OK, NULL, "%s", bc_ba_line_describe(line));
    bool have_secret = sqlite_secret(in, from, out);

    /* rows.present */
    size_t n = in->rows ? in->rows->n : 0;
    if (!in->rows)
        add(out, "rows.present", BC_CHECK_WARN, "nothing to do unless the app uses the jwt plugin",
            "the database has no jwks table (no jwt plugin?)");
    else if (n == 0)
        add(out, "rows.present", BC_CHECK_OK, NULL,
            "no key rows yet: the server makes one with its configured algorithm at the first "
            "signed token");
    else
        add(out, "rows.present", BC_CHECK_OK, NULL, "%zu key row%s", n, n == 1 ? "" : "s");

    const char *why = NULL, *sign_alg = NULL;
    const char *alg = bc_jwks_configured_alg(in->rows, in->alg, &why);
    bc_checks server = {0}; /* server.alg goes after rows.decrypt */
    char published[16];
    const char *from_server = sqlite_server_alg(in, published, sizeof published, &server);
    if (from_server && !in->alg) {
        alg = from_server;
        why = "the server's published keys";
    }
    const bc_jwks_row *signing = bc_jwks_signing_row(in->rows, alg, in->alg_column, now, &sign_alg);
    sqlite_decrypt(in, have_secret, signing, from, out);
    for (size_t i = 0; i < server.n; i++)
        add(out, server.items[i].id, server.items[i].status, server.items[i].fix, "%s",
            server.items[i].message);
    bc_checks_release(&server);
    sqlite_usable(in, have_secret, alg, signing, sign_alg, why, out);
    const bc_jwks_row *newest = bc_jwks_rows_newest(in->rows);

    /* newest.expiry */
    size_t gone = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t x = in->rows->rows[i].expires_at;
        if (x != BC_JWKS_NO_TIME && x + grace <= now)
            gone++;
    }
    if (newest && newest->expires_at != BC_JWKS_NO_TIME && newest->expires_at < now) {
        char when[BC_ISO_LEN + 1];
        bc_iso_format(newest->expires_at, when);
        add(out, "newest.expiry", BC_CHECK_WARN, fix_sqlite_rotate,
            "the newest row expired at %s: the server makes a new key with its own algorithm at "
            "the next signed token",
            when);
    } else if (gone) {
        add(out, "newest.expiry", BC_CHECK_WARN,
            "remove them with `bcadmin jwks rotate --revoke-old` at the next rotation",
            "%zu row%s past expiry and grace period: no longer published, only taking space", gone,
            gone == 1 ? " is" : "s are");
    } else {
        add(out, "newest.expiry", BC_CHECK_OK, NULL, "%s",
            newest && newest->expires_at != BC_JWKS_NO_TIME ? "the newest row has not expired"
                                                            : "the newest row does not expire");
    }
    return BC_OK;
}
