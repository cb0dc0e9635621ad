/* jwks_rotate.c - SQLite key rotation; see jwks_rotate.h. */
#include "jwks_rotate.h"

#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "jwks_doctor.h"
#include "record_json.h"
#include "sqlite_driver.h"
#include "xalloc.h"

bc_status bc_jwks_sqlite_rows(bc_driver *d, bc_jwks_rows *out, bc_error *err)
{
    *out = (bc_jwks_rows){0};
    bc_rows rows = {0};
    bc_status st = bc_driver_rows_get(d, BC_MODEL_JWKS, NULL, 0, &rows, err);
    if (st != BC_OK)
        return st;
    out->rows = bc_xcalloc(rows.n + 1, sizeof *out->rows);
    for (size_t i = 0; i < rows.n && st == BC_OK; i++) {
        json_t *obj = bc_record_to_json(&rows.items[i]);
        out->n++;
        st = bc_jwks_row_from_json(obj, &out->rows[i], err);
        json_decref(obj);
    }
    bc_rows_release(&rows);
    if (st != BC_OK)
        bc_jwks_rows_release(out);
    return st;
}

/* Whether the table has 1.7's alg and crv columns (the schema says so, rows or not). */
static bool has_alg_column(bc_driver *d)
{
    return bc_sqlite_line(d) == BC_LINE_1_7;
}

/* The secret must open at least one existing row: otherwise it is not the server's. */
static bc_status check_secret(const bc_jwks_rows *rows, const bc_secrets *secret, bool *checked,
                              bc_error *err)
{
    *checked = false;
    if (rows->n == 0)
        return BC_OK;
    bc_error first = {0};
    for (size_t i = 0; i < rows->n; i++) {
        bc_error e = {0};
        if (bc_jwks_row_open(&rows->rows[i], secret, NULL, NULL, &e) == BC_OK) {
            *checked = true;
            return BC_OK;
        }
        if (!first.msg[0])
            first = e;
    }
    return bc_fail(err, BC_REFUSED,
                   "the secret opens none of the %zu existing keys (%s): it is probably not the "
                   "server's BETTER_AUTH_SECRET, and a key encrypted with it would make every "
                   "get-session fail; nothing was changed",
                   rows->n, first.msg);
}

/* Make and check the new row: it opens with the secret and fits the algorithm. */
static bc_status make_row(const char *alg, const bc_secrets *secret, int64_t created, bool alg_column,
                          bc_jwks_row *row, bc_error *err)
{
    bc_jwk_type type;
    bc_status st = bc_jwk_type_for_alg(alg, &type, err);
    if (st != BC_OK)
        return st;
    bc_jwk *priv = NULL;
    st = bc_jwk_generate(type, &priv, err);
    if (st == BC_OK)
        st = bc_jwks_row_new(priv, secret, NULL, alg_column ? alg : NULL, created, row, err);
    bc_jwk_free(priv);
    if (st != BC_OK)
        return st;
    if (alg_column && type != BC_JWK_RSA && type != BC_JWK_ED25519) {
        row->crv = bc_xstrdup(bc_jwk_type_name(type));
    } else if (alg_column && type == BC_JWK_ED25519) {
        row->crv = bc_xstrdup("Ed25519");
    }
    bc_jwk *pub = NULL;
    st = bc_jwks_row_open(row, secret, &pub, NULL, err);
    if (st == BC_OK && !bc_jwk_alg_fits(pub->type, alg))
        st = bc_fail(err, BC_ERR, "the new %s key does not fit %s", bc_jwk_type_name(pub->type),
                     alg);
    bc_jwk_free(pub);
    if (st != BC_OK)
        return bc_error_prefix(err, "the new key failed its check, nothing was changed");
    return BC_OK;
}

static void row_record(const bc_jwks_row *row, bc_record *r)
{
    bc_record_set_text(r, "id", row->id);
    bc_record_set_text(r, "publicKey", row->public_key);
    bc_record_set_text(r, "privateKey", row->private_key);
    bc_record_set_date(r, "createdAt", row->created_at);
    bc_record_set_null(r, "expiresAt");
    if (row->alg)
        bc_record_set_text(r, "alg", row->alg);
    if (row->alg)
        bc_record_set_text(r, "crv", row->crv);
}

/* Expire or delete the older rows: those still signing or published without an end. */
static bc_status retire_old(bc_driver *d, const bc_jwks_rows *old, const bc_jwks_rotate_opts *o,
                            int64_t now, bc_jwks_rotate_result *res, bc_error *err)
{
    const char **ids = bc_xcalloc(old->n + 1, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < old->n; i++) {
        int64_t x = old->rows[i].expires_at;
        if (o->revoke_old || x == BC_JWKS_NO_TIME || x > now)
            ids[n++] = old->rows[i].id;
        else
            res->kept++;
    }
    bc_status st = BC_OK;
    if (n) {
        bc_match m = {"id", ids, n};
        size_t changed = 0;
        if (o->revoke_old) {
            st = bc_driver_rows_delete(d, BC_MODEL_JWKS, &m, &changed, err);
            res->deleted = changed;
        } else {
            bc_record patch = {0};
            bc_record_set_date(&patch, "expiresAt", now);
            st = bc_driver_rows_update(d, BC_MODEL_JWKS, &m, &patch, &changed, err);
            bc_record_release(&patch);
            res->expired = changed;
        }
    }
    free(ids);
    return st;
}

/* Read back inside the transaction: the new row must be the newest and open with the secret. */
static bc_status verify_stored(bc_driver *d, const char *kid, const bc_secrets *secret, const char *alg,
                               bc_error *err)
{
    bc_jwks_rows rows;
    bc_status st = bc_jwks_sqlite_rows(d, &rows, err);
    if (st != BC_OK)
        return st;
    const bc_jwks_row *newest = bc_jwks_rows_newest(&rows);
    bc_jwk *pub = NULL;
    if (!newest || strcmp(newest->id, kid) != 0)
        st = bc_fail(err, BC_ERR, "read back, the new key %s is not the newest row", kid);
    else if ((st = bc_jwks_row_open(newest, secret, &pub, NULL, err)) != BC_OK)
        bc_error_prefix(err, "read back, the new key does not open");
    else if (!bc_jwk_alg_fits(pub->type, alg))
        st = bc_fail(err, BC_ERR, "read back, the new key does not fit %s", alg);
    bc_jwk_free(pub);
    bc_jwks_rows_release(&rows);
    return st;
}

static bc_status rotate_in_txn(bc_driver *d, const bc_jwks_rotate_opts *o, int64_t now,
                               bc_jwks_rotate_result *res, bc_error *err)
{
    bc_jwks_rows old;
    bc_status st = bc_jwks_sqlite_rows(d, &old, err);
    if (st != BC_OK)
        return st;
    const char *alg = bc_jwks_configured_alg(&old, o->alg, &res->alg_why);
    if (!o->alg && o->server_alg) {
        alg = o->server_alg;
        res->alg_why = "published by the app's server";
    }
    snprintf(res->alg, sizeof res->alg, "%s", alg);
    st = check_secret(&old, o->secrets, &res->secret_checked, err);
    /* The server signs with the row of greatest createdAt: be later than every row, even one
     * written by a server whose clock runs ahead. */
    const bc_jwks_row *newest = bc_jwks_rows_newest(&old);
    int64_t created = now;
    if (newest && newest->created_at != BC_JWKS_NO_TIME && newest->created_at >= created)
        created = newest->created_at + 1;
    bc_jwks_row row = {0};
    if (st == BC_OK)
        st = make_row(res->alg, o->secrets, created, has_alg_column(d), &row, err);
    if (st == BC_OK) {
        bc_record r = {0};
        row_record(&row, &r);
        st = bc_driver_row_insert(d, BC_MODEL_JWKS, &r, err);
        bc_record_release(&r);
        snprintf(res->kid, sizeof res->kid, "%s", row.id);
    }
    if (st == BC_OK)
        st = retire_old(d, &old, o, now, res, err);
    if (st == BC_OK)
        st = verify_stored(d, row.id, o->secrets, res->alg, err);
    bc_jwks_row_release(&row);
    bc_jwks_rows_release(&old);
    return st;
}

bc_status bc_jwks_rotate_sqlite(bc_driver *d, const bc_jwks_rotate_opts *o,
                                bc_jwks_rotate_result *res, bc_error *err)
{
    *res = (bc_jwks_rotate_result){0};
    if (!bc_secrets_any(o->secrets))
        return bc_fail(err, BC_USAGE,
                       "no secret: set BETTER_AUTH_SECRET (and BETTER_AUTH_SECRETS if the app "
                       "uses versioned secrets) to the app's, or pass --secret-file FILE");
    if (d->read_only)
        return bc_driver_writable(d, "key rotation", err);
    if (o->alg) {
        bc_jwk_type t;
        bc_status st = bc_jwk_type_for_alg(o->alg, &t, err);
        if (st != BC_OK)
            return st;
    }
    int64_t now = o->now_ms ? o->now_ms : bc_now_ms();
    int64_t aid = 0;
    if (o->audit_db) {
        bc_record after = {0};
        bc_record_set_text(&after, "alg", o->alg ? o->alg : "(the app's)");
        bc_record_set_text(&after, "old", o->revoke_old ? "deleted" : "expired now");
        bc_audit_change change = {.action = "jwks.rotate", .subject = "jwks", .after = &after};
        bc_status st = bc_audit_begin(o->audit_db, o->who, &change, &aid, err);
        bc_record_release(&after);
        if (st != BC_OK)
            return st;
    }
    bc_status st = bc_driver_txn(d, BC_TXN_BEGIN, err);
    if (st == BC_OK) {
        st = rotate_in_txn(d, o, now, res, err);
        bc_error ignored = {0};
        if (st == BC_OK)
            st = bc_driver_txn(d, BC_TXN_COMMIT, err);
        else
            bc_driver_txn(d, BC_TXN_ROLLBACK, &ignored);
    }
    if (aid) {
        char *done = st == BC_OK ? NULL : err->msg;
        bc_audit_finish(o->audit_db, aid, done, NULL);
    }
    return st;
}
