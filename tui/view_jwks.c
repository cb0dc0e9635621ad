/* view_jwks.c - the JWKS screen: the doctor's checks (ok / warn / fail, what was found, the fix)
 * and, for a SQLite app, its key rows (kid, type, created, expires, whether the secret opens
 * them) with a typed-confirmed rotation. Every rule is core's (target.h, jwks_rotate.h);
 * this file gathers nothing itself and only draws.
 *
 * The app's secret comes from BETTER_AUTH_SECRET, else from a masked dialog; a typed secret lives
 * in this view's memory only (wiped when the screen closes), never in a file or the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "describe.h"
#include "jwk.h"
#include "jwks_rotate.h"
#include "target.h"
#include "table.h"
#include "timefmt.h"
#include "xalloc.h"

typedef struct {
    char type[16];
    char created[TUI_TIME_TEXT], expires[TUI_TIME_TEXT];
    const char *decrypts; /* "yes", "no", "no secret", "plain" */
} row_info;

typedef struct {
    bool sqlite;
    bc_secrets typed; /* the legacy secret typed in the dialog (owned, wiped), or empty */
    const char *secret_from;
    bool asked; /* the secret dialog was shown once */
    bc_checks checks;
    bc_jwks_rows rows;
    row_info *info;
    char *target; /* what the doctor looked at */
    tui_list checks_list, rows_list; /* the checks; the key rows (a SQLite app) */
    bool on_rows; /* the key rows have the focus (Tab) */
    tui_view *view; /* this screen (its list follows the focus) */
} jwks_state;

/* The typed secret, else the app's secrets from the environment (NULL: none). */
static const bc_secrets *secret_of(const jwks_state *s, tui_app *app)
{
    if (bc_secrets_any(&s->typed))
        return &s->typed;
    const bc_secrets *env = tui_app_secrets(app);
    return bc_secrets_any(env) ? env : NULL;
}

static void wipe_secret(jwks_state *s)
{
    bc_secrets_release(&s->typed);
}

static void release_results(jwks_state *s)
{
    bc_checks_release(&s->checks);
    s->checks = (bc_checks){0};
    bc_jwks_rows_release(&s->rows);
    s->rows = (bc_jwks_rows){0};
    free(s->info);
    s->info = NULL;
}

static void describe_rows(jwks_state *s, const bc_secrets *secret)
{
    s->info = bc_xcalloc(s->rows.n + 1, sizeof *s->info);
    for (size_t i = 0; i < s->rows.n; i++) {
        const bc_jwks_row *r = &s->rows.rows[i];
        row_info *in = &s->info[i];
        bc_jwk *pub = NULL;
        snprintf(in->type, sizeof in->type, "?");
        if (bc_jwks_row_public_jwk(r, &pub, NULL) == BC_OK)
            snprintf(in->type, sizeof in->type, "%s", bc_jwk_type_name(pub->type));
        bc_jwk_free(pub);
        snprintf(in->created, sizeof in->created, "-");
        snprintf(in->expires, sizeof in->expires, "-");
        if (r->created_at != BC_JWKS_NO_TIME)
            tui_time_text(r->created_at, 0, in->created, sizeof in->created);
        if (r->expires_at != BC_JWKS_NO_TIME)
            tui_time_text(r->expires_at, 0, in->expires, sizeof in->expires);
        if (!bc_jwks_row_is_encrypted(r))
            in->decrypts = "plain";
        else if (!secret)
            in->decrypts = "no secret";
        else
            in->decrypts = bc_jwks_row_open(r, secret, NULL, NULL, NULL) == BC_OK ? "yes" : "no";
    }
}

/* The doctor, as tui_app_call runs it on the worker thread: results go to the call's own
 * members, so the screen keeps drawing the previous ones meanwhile. */
typedef struct {
    bc_target *target; /* the console's */
    bool sqlite;
    const bc_secrets *secret;
    const char *from;
    bc_checks checks;
    bc_jwks_rows rows;
    char *label;
} doctor_call;

static bc_status run_doctor_call(void *ctx, bc_error *err)
{
    doctor_call *c = ctx;
    if (c->sqlite)
        return bc_target_doctor_sqlite(c->target, c->secret, c->from, NULL, 0, &c->checks,
                                       &c->rows, err);
    /* The console's own deployment, with its detected layout; its requests stop on Esc like
     * the driver's (they share the connection). */
    const bc_jwks_deploy *keys;
    bc_status st = bc_target_keys(c->target, &keys, err);
    if (st == BC_OK) {
        c->label = bc_xstrdup(c->target->label);
        st = bc_jwks_doctor_deployment(keys, &c->checks, err);
    }
    return st;
}

bc_status tui_jwks_doctor(tui_app *app, const bc_secrets *secret, const char *from,
                          bc_checks *checks, bc_jwks_rows *rows, char **target, bc_error *err)
{
    bc_target *t = tui_app_target(app);
    doctor_call c = {.target = t, .sqlite = t->path != NULL, .secret = secret, .from = from};
    bc_status st = tui_app_call(app, "running the doctor", true, run_doctor_call, &c, err);
    *checks = c.checks;
    if (rows)
        *rows = c.rows;
    else
        bc_jwks_rows_release(&c.rows);
    *target = c.label;
    return st;
}

/* Run the doctor again (and read the rows of a SQLite app). */
static bc_status load(jwks_state *s, tui_app *app, bc_error *err)
{
    const bc_secrets *secret = secret_of(s, app);
    const char *from = bc_secrets_any(&s->typed) ? "the secret typed here"
                       : secret                  ? bc_secrets_env_name(secret)
                                                 : NULL;
    bc_checks checks = {0};
    bc_jwks_rows rows = {0};
    char *target = NULL;
    bc_status st = tui_jwks_doctor(app, secret, from, &checks, &rows, &target, err);
    release_results(s);
    s->checks = checks;
    s->rows = rows;
    if (target) {
        free(s->target);
        s->target = target;
    }
    if (st == BC_OK && s->sqlite)
        describe_rows(s, secret);
    s->secret_from = from;
    tui_list_count(&s->checks_list, s->checks.n);
    tui_list_count(&s->rows_list, s->rows.n);
    return st;
}

static void reload(jwks_state *s, tui_app *app, const char *done)
{
    bc_error err = {0};
    if (load(s, app, &err) != BC_OK)
        tui_app_error(app, &err);
    else if (done)
        tui_app_message(app, "%s", done);
}

static bool secret_done(tui_dialog *d, tui_app *app, bool accepted)
{
    jwks_state *s = d->ctx;
    if (accepted && d->fields[0].value[0]) {
        wipe_secret(s);
        bc_secrets_legacy(d->fields[0].value, &s->typed);
    }
    reload(s, app, accepted ? "checked with the secret typed here (kept in memory only)" : NULL);
    return true;
}

/* The masked secret dialog (SQLite apps without BETTER_AUTH_SECRET). */
static void ask_secret(jwks_state *s, tui_app *app)
{
    tui_dialog d = {.kind = TUI_DLG_FORM, .on_done = secret_done, .ctx = s};
    snprintf(d.title, sizeof d.title, "The app's secret");
    tui_dialog_line(&d, "BETTER_AUTH_SECRET is not set in bcadmin's environment.");
    tui_dialog_line(&d, "Type the app's secret to check that its keys decrypt (Esc: check");
    tui_dialog_line(&d,
                    "without it). It stays in memory while this screen is open, never on disk.");
    tui_dialog_field_add(&d, "secret", NULL, true, NULL);
    tui_app_dialog(app, &d);
    s->asked = true;
}

static bc_status jwks_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)arg;
    jwks_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->checks_list;
    s->view = v;
    bc_driver *d = tui_app_driver(app);
    s->sqlite = strcmp(d->ops->kind, "sqlite") == 0;
    if (s->sqlite)
        s->target = bc_xstrdup(tui_app_label(app));
    /* No secret: the screen opens on the checks (secret.present says to press p), never on a
     * modal prompt the operator did not ask for. */
    return load(s, app, err);
}

static void jwks_close(tui_view *v)
{
    jwks_state *s = v->data;
    if (!s)
        return;
    release_results(s);
    wipe_secret(s);
    free(s->target);
    free(s);
}

static const tui_col check_cols[] = {
    {"status", 6, 0, 0, false},
    {"check", 16, 0, 1, false},
    {"message", 30, 1, 0, false},
};
static const tui_col row_cols[] = {
    {"kid", 32, 0, 0, false},    {"type", 8, 0, 0, false},     {"created", 16, 0, 2, true},
    {"expires", 16, 0, 1, true}, {"decrypts", 9, 0, 0, false},
};

static tui_style status_style(bc_check_status st)
{
    return st == BC_CHECK_OK ? TUI_S_GOOD : st == BC_CHECK_WARN ? TUI_S_WARN : TUI_S_DANGER;
}

static void draw_title(jwks_state *s, tui_rect r)
{
    size_t n[3] = {0};
    for (size_t i = 0; i < s->checks.n; i++)
        n[s->checks.items[i].status]++;
    char title[512];
    snprintf(title, sizeof title, "JWKS doctor  %s  %zu checks: %zu ok, %zu warn, %zu fail%s%s%s",
             s->target ? s->target : "", s->checks.n, n[BC_CHECK_OK], n[BC_CHECK_WARN],
             n[BC_CHECK_FAIL], s->sqlite ? "   secret: " : "",
             s->sqlite ? (s->secret_from ? s->secret_from : "none") : "",
             s->sqlite ? " (p: type it)" : "");
    tui_draw_text(r.y, r.x, r.w, title, TUI_S_TITLE, true);
}

/* A fix as the console does it: the secret is typed after p, not given by a command-line option. */
static const char *console_fix(const jwks_state *s, const bc_check *k)
{
    if (s->sqlite && strcmp(k->id, "secret.present") == 0 && k->status == BC_CHECK_FAIL)
        return "press p to type the app's secret (kept in memory only), or set BETTER_AUTH_SECRET";
    return k->fix;
}

/* The selected line's fix (a check) or facts (a key row), under the tables. */
static void draw_detail(jwks_state *s, tui_rect r, int y)
{
    tui_draw_hline(y, r.x, r.w, TUI_S_DIM);
    char line[1200];
    if (!s->on_rows) {
        if (s->checks_list.sel >= s->checks.n)
            return;
        const bc_check *k = &s->checks.items[s->checks_list.sel];
        snprintf(line, sizeof line, "%s: %s", k->id, k->message);
        tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
        snprintf(line, sizeof line, "fix: %s", *k->fix ? console_fix(s, k) : "nothing to do");
        tui_draw_text(y + 2, r.x + 1, r.w - 1, line, k->status == BC_CHECK_OK ? 0 : TUI_S_WARN,
                      true);
        return;
    }
    size_t i = s->rows_list.sel;
    if (i >= s->rows.n)
        return;
    const bc_jwks_row *row = &s->rows.rows[i];
    snprintf(line, sizeof line, "key %s  %s  decrypts with the secret: %s", row->id,
             s->info[i].type, s->info[i].decrypts);
    tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
    snprintf(line, sizeof line, "publicKey %s", row->public_key ? row->public_key : "-");
    tui_draw_text(y + 2, r.x + 1, r.w - 1, line, 0, true);
}

/* Focus the key rows (selecting row) or the checks. */
static void focus_rows(jwks_state *s, tui_view *v, bool rows, size_t row)
{
    s->on_rows = rows;
    v->list = rows ? &s->rows_list : &s->checks_list;
    if (rows)
        tui_list_select(&s->rows_list, row);
}

static void draw_checks(jwks_state *s, tui_rect r, int y, int h)
{
    int cw[3];
    tui_table_layout(check_cols, 3, r.w, cw);
    tui_table_header(y, r.x, r.w, check_cols, cw, 3, -1, false);
    tui_list_place(&s->checks_list, y + 1, h - 1);
    size_t k;
    for (int i = 0; tui_list_row(&s->checks_list, i, &k); i++) {
        const bc_check *c = &s->checks.items[k];
        const char *cells[3] = {bc_check_status_name(c->status), c->id, c->message};
        tui_style styles[3] = {status_style(c->status), 0, 0};
        tui_table_row(y + 1 + i, r.x, r.w, cw, 3, cells, styles,
                      !s->on_rows && tui_list_selected(&s->checks_list, k));
    }
}

static void draw_rows(jwks_state *s, tui_rect r, int y, int h)
{
    char t[64];
    snprintf(t, sizeof t, "Key rows (%zu, newest signs)", s->rows.n);
    tui_draw_text(y, r.x, r.w, t, TUI_S_TITLE, true);
    int rw[5];
    tui_table_layout(row_cols, 5, r.w, rw);
    tui_table_header(y + 1, r.x, r.w, row_cols, rw, 5, -1, false);
    tui_list_place(&s->rows_list, y + 2, h - 2);
    size_t k;
    for (int i = 0; tui_list_row(&s->rows_list, i, &k); i++) {
        const row_info *in = &s->info[k];
        const char *cells[5] = {s->rows.rows[k].id, in->type, in->created, in->expires,
                                in->decrypts};
        tui_style styles[5] = {0};
        styles[4] = strcmp(in->decrypts, "yes") == 0 ? TUI_S_GOOD : TUI_S_WARN;
        tui_table_row(y + 2 + i, r.x, r.w, rw, 5, cells, styles,
                      s->on_rows && tui_list_selected(&s->rows_list, k));
    }
}

static void jwks_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    jwks_state *s = v->data;
    draw_title(s, r);
    int h = r.h - 1 - 3; /* below the title, above the detail */
    if (h <= 1)
        return;
    /* the checks, then (a SQLite app) the key rows with their title and header */
    int checks_h = 1 + (int)s->checks.n;
    if (s->sqlite && checks_h > h - 3)
        checks_h = h - 3 > h / 2 ? h - 3 : h / 2;
    if (checks_h > h)
        checks_h = h;
    draw_checks(s, r, r.y + 1, checks_h);
    if (s->sqlite && h - checks_h >= 3)
        draw_rows(s, r, r.y + 1 + checks_h, h - checks_h);
    draw_detail(s, r, r.y + r.h - 3);
}

/* A SQLite rotation, as tui_app_call runs it on the worker thread; never stopped half way. */
typedef struct {
    bc_target *target;
    const bc_jwks_rotate_opts *opts;
    bc_jwks_rotate_result res;
} rotate_call;

static bc_status run_rotate_call(void *ctx, bc_error *err)
{
    rotate_call *c = ctx;
    return bc_target_rotate_sqlite(c->target, c->opts, &c->res, err);
}

static bool rotate_done(tui_dialog *d, tui_app *app, bool accepted)
{
    jwks_state *s = d->ctx;
    if (!accepted)
        return true;
    bc_admin *admin = tui_app_admin(app);
    bc_jwks_rotate_opts o = {.secrets = secret_of(s, app),
                             .audit_db = admin->state,
                             .who = admin->state ? &admin->who : NULL};
    rotate_call c = {.target = tui_app_target(app), .opts = &o};
    bc_error err = {0};
    if (tui_app_call(app, "rotating the key", false, run_rotate_call, &c, &err) != BC_OK) {
        tui_app_error(app, &err);
        return true;
    }
    const bc_jwks_rotate_result res = c.res;
    char msg[512];
    snprintf(msg, sizeof msg,
             "new key %s (%s) is now the newest row; %zu older key%s signing and stay%s "
             "published for the grace period",
             res.kid, res.alg, res.expired, res.expired == 1 ? " stops" : "s stop",
             res.expired == 1 ? "s" : "");
    reload(s, app, msg);
    const bc_jwks_row *newest = bc_jwks_rows_newest(&s->rows);
    if (newest) /* select the new key's row */
        focus_rows(s, s->view, true, (size_t)(newest - s->rows.rows));
    return true;
}

static void start_rotate(jwks_state *s, tui_app *app)
{
    if (!s->sqlite) {
        tui_app_message(app, "on a Convex deployment rotation is a checklist: 5, then K");
        return;
    }
    if (!secret_of(s, app)) {
        tui_app_message(app, "rotation needs the app's secret: type it first");
        ask_secret(s, app);
        return;
    }
    const char *label = tui_app_label(app);
    tui_dialog d = {.kind = TUI_DLG_FORM, .danger = true, .on_done = rotate_done, .ctx = s};
    snprintf(d.title, sizeof d.title, "Rotate the signing key of %s", label);
    tui_dialog_line(&d, "A new key of the app's key type becomes the newest row: the server signs");
    tui_dialog_line(&d, "with it from now on. Older keys stop signing and stay published for the");
    tui_dialog_line(&d, "plugin's grace period (30 days by default); tokens they signed still");
    tui_dialog_line(&d, "verify. The key is encrypted with the secret and checked before commit.");
    tui_dialog_field_add(&d, "type the file name", NULL, false, label);
    tui_app_dialog(app, &d);
}

static bool jwks_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    jwks_state *s = v->data;
    switch (a) {
    case TUI_ACT_NEXT_PANE:
    case TUI_ACT_PREV_PANE:
        /* between the checks and the key rows */
        focus_rows(s, v, !s->on_rows && s->rows.n, s->rows_list.sel);
        return true;
    case TUI_ACT_REFRESH:
    case TUI_ACT_JWKS_DOCTOR:
        reload(s, app, "the doctor ran again");
        return true;
    case TUI_ACT_JWKS_ROTATE:
        start_rotate(s, app);
        return true;
    case TUI_ACT_SET_PASSWORD:
        if (!s->sqlite)
            return false;
        ask_secret(s, app);
        return true;
    default:
        return false;
    }
}

/* A click on the other table focuses it (the app then selects the row clicked). */
static void jwks_click(tui_view *v, tui_app *app, int y, int x)
{
    (void)app;
    (void)x;
    jwks_state *s = v->data;
    const tui_list *other = s->on_rows ? &s->checks_list : &s->rows_list;
    if (y >= other->y && y < other->y + other->h && (size_t)(y - other->y) < other->n)
        focus_rows(s, v, !s->on_rows, s->rows_list.sel);
}

/* The selected check (message and fix whole) or key row (its public key whole). */
static bool jwks_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    jwks_state *s = v->data;
    if (!s->on_rows) {
        if (s->checks_list.sel >= s->checks.n)
            return false;
        const bc_check *k = &s->checks.items[s->checks_list.sel];
        tui_fields_title(out, "Check %s", k->id);
        tui_fields_add(out, "check", k->id);
        tui_fields_add(out, "status", bc_check_status_name(k->status));
        tui_fields_add(out, "message", k->message);
        tui_fields_add(out, "fix", *k->fix ? console_fix(s, k) : "nothing to do");
        return true;
    }
    size_t i = s->rows_list.sel;
    if (i >= s->rows.n)
        return false;
    const bc_jwks_row *row = &s->rows.rows[i];
    tui_fields_title(out, "Key row %s", row->id);
    tui_fields_add(out, "kid", row->id);
    tui_fields_add(out, "type", s->info[i].type);
    tui_fields_add(out, "alg", row->alg);
    tui_fields_add(out, "crv", row->crv);
    if (row->created_at != BC_JWKS_NO_TIME)
        tui_fields_add_ms(out, "created", row->created_at);
    if (row->expires_at != BC_JWKS_NO_TIME)
        tui_fields_add_ms(out, "expires", row->expires_at);
    tui_fields_add(out, "decrypts", s->info[i].decrypts);
    tui_fields_add(out, "publicKey", row->public_key);
    return true;
}

static const tui_action jwks_hints[] = {TUI_ACT_REFRESH, TUI_ACT_JWKS_ROTATE, TUI_ACT_NEXT_PANE,
                                        TUI_ACT_CHECKLIST_LIST, TUI_ACT_NONE};

const tui_view_ops tui_jwks_view = {
    .name = "jwks",
    .open = jwks_open,
    .draw = jwks_draw,
    .handle = jwks_handle,
    .click = jwks_click,
    .record = jwks_record,
    .hints = jwks_hints,
    .close = jwks_close,
};
