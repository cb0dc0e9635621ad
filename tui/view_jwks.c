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
#include "xalloc.h"

typedef struct {
    char type[16];
    char created[BC_SHORT_DATE_LEN + 1], expires[BC_SHORT_DATE_LEN + 1];
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
    size_t sel, top;
    int height;
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
            bc_describe_date(r->created_at, in->created);
        if (r->expires_at != BC_JWKS_NO_TIME)
            bc_describe_date(r->expires_at, in->expires);
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
    if (s->sel >= s->checks.n + s->rows.n)
        s->sel = 0;
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
    {"status", 6, 0, 0},
    {"check", 16, 0, 1},
    {"message", 30, 1, 0},
};
static const tui_col row_cols[] = {
    {"kid", 32, 0, 0},     {"type", 8, 0, 0},     {"created", 16, 0, 2},
    {"expires", 16, 0, 1}, {"decrypts", 9, 0, 0},
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
    if (s->sel < s->checks.n) {
        const bc_check *k = &s->checks.items[s->sel];
        snprintf(line, sizeof line, "%s: %s", k->id, k->message);
        tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
        snprintf(line, sizeof line, "fix: %s", *k->fix ? console_fix(s, k) : "nothing to do");
        tui_draw_text(y + 2, r.x + 1, r.w - 1, line, k->status == BC_CHECK_OK ? 0 : TUI_S_WARN,
                      true);
        return;
    }
    size_t i = s->sel - s->checks.n;
    if (i >= s->rows.n)
        return;
    const bc_jwks_row *row = &s->rows.rows[i];
    snprintf(line, sizeof line, "key %s  %s  decrypts with the secret: %s", row->id,
             s->info[i].type, s->info[i].decrypts);
    tui_draw_text(y + 1, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
    snprintf(line, sizeof line, "publicKey %s", row->public_key ? row->public_key : "-");
    tui_draw_text(y + 2, r.x + 1, r.w - 1, line, 0, true);
}

static void jwks_draw(tui_view *v, tui_app *app, tui_rect r)
{
    (void)app;
    jwks_state *s = v->data;
    draw_title(s, r);
    int cw[3], rw[5];
    tui_table_layout(check_cols, 3, r.w, cw);
    tui_table_layout(row_cols, 5, r.w, rw);
    size_t lines = s->checks.n + (s->sqlite ? s->rows.n + 2 : 0);
    s->height = r.h - 2 - 3;
    if (s->height <= 0)
        return;
    /* One scrolling list: the checks, then a header and the key rows. */
    size_t sel_line = s->sel < s->checks.n ? s->sel : s->sel + 2;
    if (sel_line < s->top)
        s->top = sel_line;
    if (sel_line >= s->top + (size_t)s->height)
        s->top = sel_line - (size_t)s->height + 1;
    tui_table_header(r.y + 1, r.x, r.w, check_cols, cw, 3, -1, false);
    for (int i = 0; i < s->height && s->top + (size_t)i < lines; i++) {
        size_t ln = s->top + (size_t)i;
        int y = r.y + 2 + i;
        if (ln < s->checks.n) {
            const bc_check *k = &s->checks.items[ln];
            const char *cells[3] = {bc_check_status_name(k->status), k->id, k->message};
            tui_style styles[3] = {status_style(k->status), 0, 0};
            tui_table_row(y, r.x, r.w, cw, 3, cells, styles, ln == s->sel);
        } else if (ln == s->checks.n) {
            char t[64];
            snprintf(t, sizeof t, "Key rows (%zu, newest signs)", s->rows.n);
            tui_draw_text(y, r.x, r.w, t, TUI_S_TITLE, true);
        } else if (ln == s->checks.n + 1) {
            tui_table_header(y, r.x, r.w, row_cols, rw, 5, -1, false);
        } else {
            size_t k = ln - s->checks.n - 2;
            const row_info *in = &s->info[k];
            const char *cells[5] = {s->rows.rows[k].id, in->type, in->created, in->expires,
                                    in->decrypts};
            tui_style styles[5] = {0};
            styles[4] = strcmp(in->decrypts, "yes") == 0 ? TUI_S_GOOD : TUI_S_WARN;
            tui_table_row(y, r.x, r.w, rw, 5, cells, styles, s->checks.n + k == s->sel);
        }
    }
    draw_detail(s, r, r.y + r.h - 3);
}

/* A SQLite rotation, as tui_app_call runs it on the worker thread; never stopped half way. */
typedef struct {
    bc_driver *driver;
    const bc_jwks_rotate_opts *opts;
    bc_jwks_rotate_result res;
} rotate_call;

static bc_status run_rotate_call(void *ctx, bc_error *err)
{
    rotate_call *c = ctx;
    return bc_jwks_rotate_sqlite(c->driver, c->opts, &c->res, err);
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
    rotate_call c = {.driver = tui_app_driver(app), .opts = &o};
    bc_error err = {0};
    if (tui_app_call(app, "rotating the key", false, run_rotate_call, &c, &err) != BC_OK) {
        tui_app_error(app, &err);
        return true;
    }
    const bc_jwks_rotate_result res = c.res;
    char msg[512];
    snprintf(msg, sizeof msg,
             "new key %s (%s) is now the newest row; %zu older key%s stop signing and stay "
             "published for the grace period",
             res.kid, res.alg, res.expired, res.expired == 1 ? "" : "s");
    reload(s, app, msg);
    const bc_jwks_row *newest = bc_jwks_rows_newest(&s->rows);
    if (newest) /* select the new key's row */
        s->sel = s->checks.n + (size_t)(newest - s->rows.rows);
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
    size_t n = s->checks.n + s->rows.n;
    size_t page = s->height > 1 ? (size_t)s->height - 1 : 1;
    switch (a) {
    case TUI_ACT_MOVE_DOWN:
    case TUI_ACT_PAGE_DOWN:
    case TUI_ACT_HALF_DOWN: {
        size_t by = a == TUI_ACT_MOVE_DOWN ? 1 : a == TUI_ACT_PAGE_DOWN ? page : page / 2;
        s->sel = n && s->sel + by < n ? s->sel + by : n ? n - 1 : 0;
        return true;
    }
    case TUI_ACT_MOVE_UP:
    case TUI_ACT_PAGE_UP:
    case TUI_ACT_HALF_UP: {
        size_t by = a == TUI_ACT_MOVE_UP ? 1 : a == TUI_ACT_PAGE_UP ? page : page / 2;
        s->sel = s->sel > by ? s->sel - by : 0;
        return true;
    }
    case TUI_ACT_FIRST:
        s->sel = 0;
        return true;
    case TUI_ACT_LAST:
        s->sel = n ? n - 1 : 0;
        return true;
    case TUI_ACT_NEXT_PANE:
    case TUI_ACT_PREV_PANE:
        /* between the checks and the key rows */
        s->sel = s->sel < s->checks.n && s->rows.n ? s->checks.n : 0;
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

static void jwks_click(tui_view *v, tui_app *app, int y, int x)
{
    (void)app;
    (void)x;
    jwks_state *s = v->data;
    int line = y - (v->rect.y + 2);
    if (line < 0 || line >= s->height)
        return;
    size_t ln = s->top + (size_t)line;
    if (ln < s->checks.n)
        s->sel = ln;
    else if (ln >= s->checks.n + 2 && ln - 2 < s->checks.n + s->rows.n)
        s->sel = ln - 2;
}

static const tui_action jwks_hints[] = {TUI_ACT_REFRESH, TUI_ACT_JWKS_ROTATE, TUI_ACT_NEXT_PANE,
                                        TUI_ACT_CHECKLIST_LIST, TUI_ACT_NONE};

const tui_view_ops tui_jwks_view = {
    .name = "jwks",
    .open = jwks_open,
    .draw = jwks_draw,
    .handle = jwks_handle,
    .click = jwks_click,
    .hints = jwks_hints,
    .close = jwks_close,
};
