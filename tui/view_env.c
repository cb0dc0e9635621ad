/* view_env.c - the Env screen: convex/.env against the Convex deployment's variables as the plan
 * core/envsync makes it (the same call as `bcadmin env diff`), one row per name. Space includes or
 * leaves out a row that would change the deployment, v reveals the values, P applies the included
 * rows in one request after a yes (the deployment's name typed on production) through
 * bc_envsync_apply, as `bcadmin env sync` does, then lists the deployment again.
 *
 * Every rule is core's: this file loads the inputs, draws the plan and asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "target.h"
#include "dotenv.h"
#include "envsync.h"
#include "table.h"
#include "text.h"
#include "xalloc.h"

typedef struct {
    bc_target *target; /* the console's; its conn is NULL when it is not a Convex deployment */
    char *path;      /* the local file */
    bool loaded;     /* plan holds a plan */
    bc_envsync_plan plan;
    char *problem; /* why there is no plan (not Convex, no file...), or NULL */
    bool reveal;
    tui_list list; /* over plan.items */
} env_state;

/* The rows a view may leave out of the batch (envsync.h). */
static bool togglable(const bc_envsync_item *it)
{
    return it->kind == BC_ENVSYNC_ADD || it->kind == BC_ENVSYNC_CHANGE ||
           it->kind == BC_ENVSYNC_REMOVE;
}

static void release_plan(env_state *s)
{
    if (s->loaded)
        bc_envsync_plan_release(&s->plan);
    s->plan = (bc_envsync_plan){0};
    s->loaded = false;
    free(s->problem);
    s->problem = NULL;
}

/* The deployment's variables, as tui_app_call runs it on the worker thread. */
typedef struct {
    bc_target *target;
    json_t *vars;
    size_t key_rows; /* the jwks table's rows, when there is a secret to protect */
} list_call;

static bc_status run_list_call(void *ctx, bc_error *err)
{
    list_call *c = ctx;
    bc_status st = bc_target_env_list(c->target, &c->vars, err);
    if (st == BC_OK && json_object_get(c->vars, BC_ENVSYNC_SECRET))
        c->key_rows = bc_target_key_rows(c->target);
    return st;
}

/* Make the plan again from the file and a fresh list of the deployment's variables. */
static bc_status load(env_state *s, tui_app *app, bc_error *err)
{
    if (!s->target->conn) {
        release_plan(s);
        s->problem = bc_xstrdup("the Env screen works on a Convex deployment only: switch to one "
                                "with d, or use `bcadmin env` on the command line");
        return BC_OK;
    }
    bc_dotenv *env = NULL;
    json_t *vars = NULL;
    size_t key_rows = 0;
    bc_status st = bc_dotenv_load(s->path, &env, err);
    if (st == BC_OK) {
        list_call c = {.target = s->target};
        st = tui_app_call(app, "listing the deployment's variables", true, run_list_call, &c, err);
        vars = c.vars;
        key_rows = c.key_rows;
    }
    release_plan(s); /* only now: the old plan stays on the screen while the list is read */
    bc_envsync_opts o = {.key_rows = key_rows};
    if (st == BC_OK) {
        st = bc_envsync_plan_file(env, vars, &o, &s->plan, err);
        s->loaded = true;
    }
    if (st != BC_OK) {
        s->problem = bc_xstrdup(err->msg);
        if (s->loaded)
            bc_envsync_plan_release(&s->plan);
        s->plan = (bc_envsync_plan){0};
        s->loaded = false;
    }
    json_decref(vars);
    bc_dotenv_free(env);
    tui_list_count(&s->list, s->plan.n);
    return st;
}

static void reload(env_state *s, tui_app *app, const char *done)
{
    bc_error err = {0};
    if (load(s, app, &err) != BC_OK)
        tui_app_error(app, &err);
    else if (done)
        tui_app_message(app, "%s", done);
}

static bc_status env_open(tui_view *v, tui_app *app, const char *arg, bc_error *err)
{
    (void)err;
    env_state *s = bc_xcalloc(1, sizeof *s);
    v->data = s;
    v->list = &s->list;
    s->target = tui_app_target(app);
    s->path = bc_xstrdup(arg && *arg ? arg : BC_ENVSYNC_DEFAULT_FILE);
    bc_error e = {0};
    if (load(s, app, &e) != BC_OK)
        tui_app_error(app, &e);
    return BC_OK; /* the screen shows why there is no plan */
}

static void env_close(tui_view *v)
{
    env_state *s = v->data;
    if (!s)
        return;
    release_plan(s);
    free(s->path);
    free(s);
}

/* A value as the table shows it: masked, or escaped when revealed; "-" when absent. */
static char *shown(const env_state *s, const char *v, size_t len)
{
    if (!v)
        return bc_xstrdup("-");
    return s->reveal ? bc_text_escape(v, len) : bc_envsync_mask(v, len);
}

static size_t included(const bc_envsync_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->items[i].include && togglable(&p->items[i]);
    return n;
}

static const tui_col cols[] = {
    {"in", 3, 0, 0, false},     {"name", 16, 1, 0, false},       {"kind", 11, 0, 0, false},
    {"local", 18, 1, 1, false}, {"deployment", 18, 1, 1, false}, {"line", 5, 0, 2, false},
};
#define NCOLS 6

static void draw_title(env_state *s, tui_app *app, tui_rect r)
{
    const bc_envsync_plan *p = &s->plan;
    bc_buf b = {0};
    bc_buf_printf(&b, "Env  %s -> %s  %zu add, %zu change, %zu unchanged, %zu deployment only",
                  s->path, tui_app_label(app), bc_envsync_plan_count(p, BC_ENVSYNC_ADD),
                  bc_envsync_plan_count(p, BC_ENVSYNC_CHANGE),
                  bc_envsync_plan_count(p, BC_ENVSYNC_UNCHANGED),
                  bc_envsync_plan_count(p, BC_ENVSYNC_REMOTE_ONLY));
    size_t bad[] = {bc_envsync_plan_count(p, BC_ENVSYNC_INVALID),
                    bc_envsync_plan_count(p, BC_ENVSYNC_BLOCKED),
                    bc_envsync_plan_count(p, BC_ENVSYNC_REMOVE)};
    if (bad[0])
        bc_buf_printf(&b, ", %zu invalid", bad[0]);
    if (bad[1])
        bc_buf_printf(&b, ", %zu blocked", bad[1]);
    if (bad[2])
        bc_buf_printf(&b, ", %zu remove", bad[2]);
    bc_buf_printf(&b, "; %zu included; values %s", included(p), s->reveal ? "shown" : "masked");
    tui_draw_text(r.y, r.x, r.w, b.data, TUI_S_TITLE, true);
    bc_buf_release(&b);
}

static tui_style kind_style(bc_envsync_kind k)
{
    switch (k) {
    case BC_ENVSYNC_ADD:
    case BC_ENVSYNC_CHANGE:
        return TUI_S_GOOD;
    case BC_ENVSYNC_REMOVE:
    case BC_ENVSYNC_INVALID:
    case BC_ENVSYNC_BLOCKED:
        return TUI_S_DANGER;
    case BC_ENVSYNC_EMPTY:
        return TUI_S_WARN;
    default:
        return TUI_S_DIM;
    }
}

/* Under the table: the selected row's note, then the plan's refusals and warnings. */
static void draw_notes(env_state *s, tui_rect r, int y, int h)
{
    tui_draw_hline(y++, r.x, r.w, TUI_S_DIM);
    h--;
    char line[1200];
    const bc_envsync_plan *p = &s->plan;
    if (h > 0 && s->list.sel < p->n) {
        const bc_envsync_item *it = &p->items[s->list.sel];
        snprintf(line, sizeof line, "%s (%s)%s%s", it->name, bc_envsync_kind_name(it->kind),
                 it->note ? ": " : "", it->note ? it->note : "");
        tui_draw_text(y++, r.x + 1, r.w - 1, line, TUI_A_BOLD, true);
        h--;
    }
    for (size_t i = 0; i < p->n_refusals && h > 0; i++, h--) {
        snprintf(line, sizeof line, "refused: %s", p->refusals[i]);
        tui_draw_text(y++, r.x + 1, r.w - 1, line, TUI_S_DANGER, true);
    }
    for (size_t i = 0; i < p->n_warnings && h > 0; i++, h--)
        tui_draw_text(y++, r.x + 1, r.w - 1, p->warnings[i], TUI_S_WARN, true);
}

static void env_draw(tui_view *v, tui_app *app, tui_rect r)
{
    env_state *s = v->data;
    if (!s->loaded) {
        tui_draw_text(r.y, r.x, r.w, "Env", TUI_S_TITLE, true);
        tui_draw_text(r.y + 2, r.x + 1, r.w - 1, s->problem ? s->problem : "", TUI_S_WARN, true);
        return;
    }
    draw_title(s, app, r);
    const bc_envsync_plan *p = &s->plan;
    int notes = 2 + (int)(p->n_refusals + p->n_warnings);
    if (notes > r.h / 3)
        notes = r.h / 3 > 2 ? r.h / 3 : 2;
    tui_list_place(&s->list, r.y + 2, r.h - 2 - notes);
    if (s->list.h <= 0)
        return;
    int w[NCOLS];
    tui_table_layout(cols, NCOLS, r.w, w);
    tui_table_header(r.y + 1, r.x, r.w, cols, w, NCOLS, -1, false);
    size_t k;
    for (int i = 0; tui_list_row(&s->list, i, &k); i++) {
        const bc_envsync_item *it = &p->items[k];
        char *local = shown(s, it->local, it->local_len);
        char *remote = shown(s, it->remote, it->remote_len);
        char ln[16] = "";
        if (it->line)
            snprintf(ln, sizeof ln, "%u", it->line);
        const char *in = togglable(it) ? (it->include ? "[x]" : "[ ]") : "";
        const char *cells[NCOLS] = {in,    it->name, bc_envsync_kind_name(it->kind),
                                    local, remote,   ln};
        tui_style styles[NCOLS] = {0, 0, kind_style(it->kind), 0, 0, 0};
        tui_table_row(r.y + 2 + i, r.x, r.w, w, NCOLS, cells, styles, tui_list_selected(&s->list, k));
        free(local);
        free(remote);
    }
    if (!p->n)
        tui_draw_text(r.y + 2, r.x + 1, r.w - 1, "no variables in the file or on the deployment",
                      TUI_S_DIM, true);
    draw_notes(s, r, r.y + 2 + s->list.h, notes);
}

/* The one update request and the check after it, on the worker thread; never stopped. */
typedef struct {
    bc_target *target;
    bc_envsync_plan *plan;
    bc_envsync_report rep;
} apply_call;

static bc_status run_apply_call(void *ctx, bc_error *err)
{
    apply_call *c = ctx;
    return bc_target_env_apply(c->target, c->plan, "env.sync", false, &c->rep, err);
}

static bool apply_done(tui_dialog *d, tui_app *app, bool accepted)
{
    env_state *s = d->ctx;
    if (!accepted || !s->loaded) {
        if (!accepted)
            tui_app_message(app, "not applied: nothing was changed");
        return true;
    }
    bc_error err = {0};
    apply_call c = {.target = s->target, .plan = &s->plan};
    bc_status st = tui_app_call(app, "applying the plan", false, run_apply_call, &c, &err);
    bc_envsync_report rep = c.rep;
    if (st != BC_OK) {
        /* core's message says whether the deployment is unchanged (it listed it again) */
        bc_error failed = err;
        reload(s, app, NULL);
        tui_app_error(app, &failed);
    } else {
        char msg[512];
        snprintf(msg, sizeof msg, "applied %zu change%s in one request%s", rep.batch_changes,
                 rep.batch_changes == 1 ? "" : "s",
                 rep.verified ? "; the deployment lists every change" : "");
        reload(s, app, msg);
    }
    bc_envsync_report_release(&rep);
    return true;
}

static void start_apply(env_state *s, tui_app *app)
{
    if (!s->loaded) {
        tui_app_message(app, "%s", s->problem ? s->problem : "no plan");
        return;
    }
    const bc_envsync_plan *p = &s->plan;
    if (p->n_refusals) {
        tui_app_message(app, "not applied: %s", p->refusals[0]);
        return;
    }
    size_t n = included(p);
    if (!n) {
        tui_app_message(app, "nothing to apply: no row is included (Space includes one)");
        return;
    }
    const char *label = tui_app_label(app);
    bool prod = bc_target_needs_name(s->target);
    tui_dialog d = {.kind = prod ? TUI_DLG_FORM : TUI_DLG_YESNO,
                    .danger = prod,
                    .on_done = apply_done,
                    .ctx = s};
    snprintf(d.title, sizeof d.title, "Apply %zu change%s to %s?", n, n == 1 ? "" : "s", label);
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        if (togglable(it) && it->include)
            tui_dialog_line(&d, "%-11s %s", bc_envsync_kind_name(it->kind), it->name);
    }
    tui_dialog_line(&d, "In one request (all or nothing), then the deployment is listed again.");
    if (prod) {
        const char *name = bc_target_typed_name(s->target);
        tui_dialog_line(&d, "PRODUCTION: type the deployment's name to go on: %s", name);
        tui_dialog_field_add(&d, "Deployment name", "", false, name);
    }
    tui_app_dialog(app, &d);
}

static void toggle(env_state *s, tui_app *app)
{
    if (!s->loaded || s->list.sel >= s->plan.n)
        return;
    bc_envsync_item *it = &s->plan.items[s->list.sel];
    if (!togglable(it)) {
        tui_app_message(app, "%s is %s: only add, change and remove rows can be applied", it->name,
                        bc_envsync_kind_name(it->kind));
        return;
    }
    it->include = !it->include;
    tui_list_move(&s->list, 1);
}

static bool env_handle(tui_view *v, tui_app *app, tui_action a, const char *arg)
{
    (void)arg;
    env_state *s = v->data;
    switch (a) {
    case TUI_ACT_REFRESH:
    case TUI_ACT_ENV_DIFF:
        reload(s, app, "listed the deployment again (include marks reset)");
        return true;
    case TUI_ACT_MARK:
        toggle(s, app);
        return true;
    case TUI_ACT_ENV_REVEAL:
        s->reveal = !s->reveal;
        return true;
    case TUI_ACT_ENV_SYNC:
        start_apply(s, app);
        return true;
    default:
        return false;
    }
}

/* The row whole: the values masked as the table shows them until V reveals them. */
static bool env_record(tui_view *v, tui_app *app, tui_fields *out)
{
    (void)app;
    env_state *s = v->data;
    if (!s->loaded || s->list.sel >= s->plan.n)
        return false;
    const bc_envsync_item *it = &s->plan.items[s->list.sel];
    tui_fields_title(out, "Variable %s (%s)", it->name,
                     s->reveal ? "values shown" : "values masked: V reveals them");
    tui_fields_add(out, "name", it->name);
    tui_fields_add(out, "kind", bc_envsync_kind_name(it->kind));
    tui_fields_add(out, "included", togglable(it) ? (it->include ? "yes" : "no") : "-");
    char *local = shown(s, it->local, it->local_len);
    char *remote = shown(s, it->remote, it->remote_len);
    tui_fields_addf(out, "local", "%s", local);
    tui_fields_addf(out, "deployment", "%s", remote);
    free(local);
    free(remote);
    if (it->line)
        tui_fields_addf(out, "line", "%s:%u", s->path, it->line);
    tui_fields_add(out, "note", it->note);
    return true;
}

static const tui_action env_hints[] = {TUI_ACT_MARK, TUI_ACT_ENV_REVEAL, TUI_ACT_ENV_SYNC,
                                       TUI_ACT_REFRESH, TUI_ACT_NONE};

const tui_view_ops tui_env_view = {
    .name = "env",
    .open = env_open,
    .draw = env_draw,
    .handle = env_handle,
    .record = env_record,
    .hints = env_hints,
    .close = env_close,
};
