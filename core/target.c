/* target.c - choosing and opening what bcadmin works on, and the rules that go with it
 * (target.h): the driver, the Convex layout and its cache, the state database, the audit identity
 * and the production policy. */
#include "target.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convex_driver.h"
#include "isotime.h"
#include "jwks_rotate.h"
#include "paths.h"
#include "sqlite_driver.h"
#include "state_db.h"
#include "text.h"
#include "xalloc.h"

static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

bc_status bc_target_sources(const bc_target_opts *o, bc_env_sources *out, bc_error *err)
{
    return bc_env_sources_load(o ? o->dir : NULL, out, err);
}

static bc_deploy_opts deploy_opts(const bc_target_opts *o)
{
    const char *ask = env_value("BCADMIN_CONVEX_URL_FOR_KEY");
    bool url_for_key = o->url_for_key || (ask && strcmp(ask, "1") == 0);
    return (bc_deploy_opts){.url = o->url,
                            .admin_key = o->admin_key,
                            .prod = o->prod,
                            .url_for_key = url_for_key ? bc_deployment_url_for_key : NULL};
}

static char *login_name(void)
{
    struct passwd *pw = getpwuid(getuid());
    return pw ? bc_xstrdup(pw->pw_name) : bc_xasprintf("uid %u", (unsigned)getuid());
}

/* What every target starts with: the options it keeps for later (state path, site URL). */
static void begin(const bc_target_opts *o, bc_target *t)
{
    t->os_user = login_name();
    t->read_only = o->read_only;
    t->state_path = o->state ? bc_xstrdup(o->state) : NULL;
    t->auth_base_path = o->auth_base_path ? bc_xstrdup(o->auth_base_path) : NULL;
}

void bc_target_init(const bc_target_opts *o, bc_target *t)
{
    *t = (bc_target){0};
    begin(o, t);
}

/* --- the state database ------------------------------------------------------------------ */

bc_state *bc_target_state(bc_target *t, bc_error *err)
{
    if (t->state || t->state_error) {
        if (!t->state && err)
            bc_fail(err, t->state_status, "%s", t->state_error);
        return t->state;
    }
    bc_error e = {0};
    char *path = t->state_path ? bc_xstrdup(t->state_path) : NULL;
    bc_status st = path ? BC_OK : bc_paths_default_state(&path, &e);
    if (st == BC_OK && !t->state_path)
        st = bc_paths_make_parents(path, &e);
    if (st == BC_OK)
        st = bc_state_open(path, &t->state, &e);
    free(path);
    if (st != BC_OK) {
        t->state_error = bc_xstrdup(e.msg);
        t->state_status = st;
        if (err)
            *err = e;
    }
    return t->state;
}

void bc_target_take_state(bc_target *to, bc_target *from)
{
    if (to->state || !from->state)
        return;
    to->state = from->state;
    from->state = NULL;
}

bc_audit_who bc_target_who(const bc_target *t, const char *actor)
{
    return (bc_audit_who){t->os_user, actor, t->convex ? "convex" : "sqlite",
                          t->label ? t->label : ""};
}

bc_status bc_target_reconcile(bc_target *t, bc_error *err)
{
    if (t->reconcile_tried || !t->d)
        return BC_OK;
    t->reconcile_tried = true;
    bc_state *s = bc_target_state(t, NULL);
    if (!s)
        return BC_OK;
    bc_audit_who who = bc_target_who(t, NULL);
    return bc_audit_reconcile(s, t->d, who.target, &t->reconciled, err);
}

/* --- the layout cache -------------------------------------------------------------------- */

static char *layout_cached(bc_target *t)
{
    bc_state *s = bc_target_state(t, NULL);
    if (!s)
        return NULL;
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(bc_state_db(s),
                           "SELECT functions FROM layout_cache WHERE url = ? AND fingerprint = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, t->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->fingerprint, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = bc_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static void set_jwks_place(bc_target *t);

/* bc_convex_opts.on_layout: a probe found the functions; remember them for the next process. A
 * failure to write only costs the next process a probe. */
static void layout_found(void *ctx, const char *functions)
{
    bc_target *t = ctx;
    if (!t->functions || strcmp(t->functions, functions) != 0) {
        free(t->functions);
        t->functions = bc_xstrdup(functions);
        set_jwks_place(t);
    }
    t->layout_cached = false;
    bc_state *s = bc_target_state(t, NULL);
    sqlite3_stmt *st;
    if (!s || sqlite3_prepare_v2(bc_state_db(s),
                                 "INSERT OR REPLACE INTO layout_cache (url, fingerprint, "
                                 "functions, detected_at) VALUES (?, ?, ?, ?)",
                                 -1, &st, NULL) != SQLITE_OK)
        return;
    char now[BC_ISO_LEN + 1];
    bc_iso_format(bc_now_ms(), now);
    sqlite3_bind_text(st, 1, t->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, functions, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

/* Where the key actions live, from the layout: getLatestJwks and rotateKeys sit beside findMany
 * in "auth:*" and "generated/auth:*"; a component install ("betterAuth/adapter:*") keeps findMany
 * in the component and the key actions in a module the app wrote at the root, named by the
 * operator (key_module) or found on first use (key_found, forgotten when the layout changes). */
static void set_jwks_place(bc_target *t)
{
    free(t->jwks_module);
    free(t->jwks_component);
    free(t->key_found);
    t->jwks_module = t->jwks_component = t->key_found = NULL;
    const char *f = t->functions ? t->functions : "auth:*";
    const char *adapter = strstr(f, "/adapter:");
    if (adapter)
        t->jwks_component = bc_xstrndup(f, (size_t)(adapter - f));
    else
        t->jwks_module = bc_xstrndup(f, strcspn(f, ":"));
    t->jwks = (bc_jwks_deploy){.c = t->conn,
                               .module = t->jwks_module,
                               .component = t->jwks_component,
                               .site_url = t->site_url,
                               .site_url_from = t->site_url_from,
                               .auth_base_path = t->auth_base_path,
                               .new_secret = t->jwks.new_secret,
                               .key_module = t->key_module,
                               .found = &t->key_found};
}

/* --- opening ----------------------------------------------------------------------------- */

bc_status bc_target_open_sqlite(const char *path, const bc_target_opts *o, bc_target *t,
                                bc_error *err)
{
    if (!t->os_user)
        begin(o, t);
    bc_sqlite_opts so = {.read_only = o->read_only};
    bc_status st = bc_sqlite_open(path, &so, &t->d, err);
    /* The app's server, for what its published keys say (--site-url, else BETTER_AUTH_URL as
     * Better Auth reads it). */
    const char *server = o->site_url ? o->site_url : env_value("BETTER_AUTH_URL");
    free(t->site_url);
    t->site_url = server ? bc_xstrdup(server) : NULL;
    if (st == BC_OK) {
        t->path = bc_xstrdup(path);
        t->label = bc_xstrdup(t->d->label ? t->d->label : path);
        t->name = bc_xstrdup(path);
    }
    return st;
}

/* The site URL the key checks use: --site-url, else CONVEX_SITE_URL from the environment or
 * .env.local / .env (as the Convex CLI writes it there). */
static void set_site_url(const bc_target_opts *o, bc_target *t)
{
    const char *where = NULL;
    const char *site = o->site_url ? o->site_url
                                   : bc_env_sources_get(&t->env, "CONVEX_SITE_URL", &where);
    free(t->site_url);
    t->site_url = site ? bc_xstrdup(site) : NULL;
    t->site_url_from = o->site_url ? "--site-url" : where;
    /* --jwks-module, else BCADMIN_JWKS_MODULE from the same places */
    const char *keys = o->jwks_module ? o->jwks_module
                                      : bc_env_sources_get(&t->env, "BCADMIN_JWKS_MODULE", NULL);
    free(t->key_module);
    t->key_module = keys && *keys ? bc_xstrndup(keys, strcspn(keys, ":")) : NULL;
}

/* Open the driver over t->conn: the operator's --auth-functions / --component, else the
 * layout remembered for this deployment, else a probe (remembered). */
static bc_status open_driver(const bc_target_opts *o, bc_target *t, bc_error *err)
{
    char *cached = o->auth_functions || o->component ? NULL : layout_cached(t);
    bc_convex_opts co = {.auth_functions = o->auth_functions,
                         .component = o->component,
                         .label = t->label,
                         .production = t->production,
                         .read_only = o->read_only,
                         .conn = t->conn,
                         .cached_functions = cached,
                         .on_layout = layout_found,
                         .layout_ctx = t};
    bc_status st = bc_convex_open(NULL, NULL, &co, &t->d, err);
    if (st == BC_OK && cached) {
        t->functions = cached;
        t->layout_cached = true;
        cached = NULL;
    }
    free(cached);
    set_jwks_place(t);
    return st;
}

bc_status bc_target_open_convex(const bc_target_opts *o, bc_target *t, bc_error *err)
{
    if (!t->os_user)
        begin(o, t);
    bc_deploy_opts dopt = deploy_opts(o);
    bc_deployment dep;
    t->convex = true;
    bc_status st = bc_deployment_choose(&dopt, t->env.src, t->env.n, &dep, err);
    if (st != BC_OK)
        return st;
    st = bc_convex_new(dep.url, dep.key, &t->conn, err);
    if (st == BC_OK) {
        t->url = bc_xstrdup(bc_convex_url(t->conn));
        t->fingerprint = bc_xstrdup(dep.fingerprint);
        t->how = bc_xstrdup(dep.how);
        t->label = bc_xstrdup(dep.label);
        t->name = bc_xstrdup(dep.name);
        t->production = dep.production;
        if (o->read_only) /* every change refused on the wire too, driver or not */
            bc_convex_set_read_only(t->conn, t->label);
        set_site_url(o, t);
        set_jwks_place(t);
    }
    bc_deployment_release(&dep);
    if (st != BC_OK)
        return st;
    st = open_driver(o, t, err);
    if (st != BC_OK && o->connection_enough && st != BC_CANCELLED) {
        t->driver_error = bc_xstrdup(err->msg);
        if (o->auth_functions) {
            free(t->functions);
            t->functions = bc_xasprintf("%.*s:*", (int)strcspn(o->auth_functions, ":"),
                                        o->auth_functions);
        } else if (o->component) {
            free(t->functions);
            t->functions = bc_xasprintf("%s/adapter:*", o->component);
        }
        set_jwks_place(t);
        return BC_OK;
    }
    return st;
}

bc_status bc_target_open(const bc_target_opts *o, bc_target *t, bc_error *err)
{
    *t = (bc_target){0};
    begin(o, t);
    if (o->db && (o->url || o->admin_key))
        return bc_fail(err, BC_USAGE,
                       "give either --db (a SQLite file) or --url/--admin-key (a Convex "
                       "deployment), not both");
    bc_status st = bc_target_sources(o, &t->env, err);
    if (st != BC_OK)
        return st;
    if (o->db)
        return bc_target_open_sqlite(o->db, o, t, err);
    if (o->url || o->admin_key)
        return bc_target_open_convex(o, t, err);
    const char *path = env_value("BCADMIN_DB");
    if (path)
        return bc_target_open_sqlite(path, o, t, err);
    bc_deploy_opts dopt = deploy_opts(o);
    if (bc_deployment_configured(&dopt, t->env.src, t->env.n))
        return bc_target_open_convex(o, t, err);
    t->nothing = true;
    char *demo = NULL;
    bc_error ignored = {0};
    bc_paths_default_demo(&demo, &ignored);
    bc_fail(err, BC_USAGE,
            "no target given: pass --db PATH or set BCADMIN_DB to a Better Auth SQLite file (or "
            "run `bcadmin demo` to make one%s%s), or select a Convex deployment with --url and "
            "--admin-key, CONVEX_DEPLOY_KEY, or CONVEX_SELF_HOSTED_URL and "
            "CONVEX_SELF_HOSTED_ADMIN_KEY (in the environment, .env.local or .env)",
            demo ? " at " : "", demo ? demo : "");
    free(demo);
    return BC_USAGE;
}

/* A dotenv file as the only place variables come from. */
static const char *dotenv_lookup(void *ctx, const char *name)
{
    const bc_dotenv_entry *e = ctx ? bc_dotenv_get(ctx, name) : NULL;
    return e ? e->value : NULL;
}

bc_status bc_target_open_file(const char *path, bc_target *t, bc_error *err)
{
    *t = (bc_target){0};
    bc_target_opts none = {0};
    begin(&none, t);
    bc_dotenv *env = NULL;
    bc_status st = bc_dotenv_load(path, &env, err);
    if (st != BC_OK)
        return st;
    bc_env_source source = {path, dotenv_lookup, env};
    bc_deploy_opts o = {0};
    bc_deployment dep;
    t->convex = true;
    st = bc_deployment_choose(&o, &source, 1, &dep, err);
    if (st == BC_OK) {
        st = bc_convex_new(dep.url, dep.key, &t->conn, err);
        if (st == BC_OK) {
            t->url = bc_xstrdup(bc_convex_url(t->conn));
            t->fingerprint = bc_xstrdup(dep.fingerprint);
            t->label = bc_xstrdup(dep.label);
            t->name = bc_xstrdup(dep.name);
            t->production = dep.production;
            set_jwks_place(t);
        }
        bc_deployment_release(&dep);
    }
    bc_dotenv_free(env);
    return st;
}

void bc_target_close(bc_target *t)
{
    bc_driver_close(t->d);
    bc_convex_free(t->conn);
    bc_state_close(t->state);
    bc_env_sources_release(&t->env);
    char **owned[] = {&t->driver_error, &t->path,           &t->url,        &t->fingerprint,
                      &t->how,          &t->functions,      &t->jwks_module, &t->jwks_component,
                      &t->site_url,     &t->auth_base_path, &t->label,      &t->name,
                      &t->state_path,   &t->state_error,    &t->os_user,    &t->key_module,
                      &t->key_found};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(*owned[i]);
    *t = (bc_target){0};
}

/* --- production policy ------------------------------------------------------------------- */

bc_status bc_target_check_write(const bc_target *t, const char *what, bc_error *err)
{
    if (t->read_only || (t->d && t->d->read_only))
        return bc_read_only_refuse(t->label, what, err);
    return BC_OK;
}

bool bc_target_needs_name(const bc_target *t)
{
    return t->production;
}

const char *bc_target_typed_name(const bc_target *t)
{
    return t->name ? t->name : t->label ? t->label : "";
}

bool bc_target_name_matches(const bc_target *t, const char *typed)
{
    return bc_text_typed_matches(typed, bc_target_typed_name(t));
}

bc_status bc_target_confirm_rule(const bc_target *t, bool yes, bool terminal, const char *what,
                                 bool *ask, bc_error *err)
{
    *ask = false;
    if (!bc_target_needs_name(t) || yes)
        return BC_OK;
    if (!terminal)
        return bc_fail(err, BC_REFUSED,
                       "%s is a PRODUCTION deployment and standard input is not a terminal, so "
                       "nobody can type its name: add --yes to confirm (%s); nothing was changed",
                       bc_target_typed_name(t), what);
    *ask = true;
    return BC_OK;
}

/* --- keys and checklists ----------------------------------------------------------------- */

bc_status bc_target_keys(bc_target *t, const bc_jwks_deploy **out, bc_error *err)
{
    *out = NULL;
    if (!t->conn)
        return bc_fail(err, BC_USAGE, "%s is not a Convex deployment",
                       t->label ? t->label : "the target");
    *out = &t->jwks;
    return BC_OK;
}

/* Where the app's server publishes its keys: the URL as Better Auth takes a baseURL (one with a
 * path is the auth base path itself; without, --auth-base-path or /api/auth follows), then
 * /jwks. The caller frees. */
static char *server_jwks_url(const bc_target *t)
{
    const char *base = t->site_url;
    size_t n = strlen(base);
    while (n && base[n - 1] == '/')
        n--;
    const char *scheme = strstr(base, "://");
    const char *path = scheme ? memchr(scheme + 3, '/', n - (size_t)(scheme + 3 - base)) : NULL;
    if (path)
        return bc_xasprintf("%.*s/jwks", (int)n, base);
    const char *bp = t->auth_base_path && *t->auth_base_path ? t->auth_base_path : "/api/auth";
    size_t b = strlen(bp);
    while (b && bp[b - 1] == '/')
        b--;
    return bc_xasprintf("%.*s%s%.*s/jwks", (int)n, base, bp[0] == '/' ? "" : "/", (int)b, bp);
}

/* What the app's server publishes, when t knows the server: *url (NULL: no server) and, when the
 * file has key rows (an empty table is not asked about: the server would make a key to
 * answer), *body and *status, or why->msg. The strings are the caller's. */
static bool ask_server(const bc_target *t, const bc_jwks_rows *rows, char **url, char **body,
                       long *status, bc_error *why)
{
    *url = *body = NULL;
    *status = 0;
    if (!t->site_url || !*t->site_url)
        return false;
    *url = server_jwks_url(t);
    return rows->n > 0 && bc_http_get(*url, body, status, why) == BC_OK;
}

bc_status bc_target_rotate_sqlite(bc_target *t, const bc_jwks_rotate_opts *opts,
                                  bc_jwks_rotate_result *res, bc_error *err)
{
    bc_jwks_rotate_opts o = *opts;
    char alg[16], *url = NULL, *published = NULL;
    long status = 0;
    bc_error why = {0};
    bc_jwks_rows rows = {0};
    const char *ignored;
    if (!o.alg && bc_sqlite_has_model(t->d, BC_MODEL_JWKS) &&
        bc_jwks_sqlite_rows(t->d, &rows, &why) == BC_OK &&
        ask_server(t, &rows, &url, &published, &status, &why) && status == 200)
        o.server_alg = bc_jwks_published_alg(published, &rows, alg, sizeof alg, &ignored);
    bc_jwks_rows_release(&rows);
    free(url);
    free(published);
    return bc_jwks_rotate_sqlite(t->d, &o, res, err);
}

bc_status bc_target_doctor_sqlite(bc_target *t, const bc_secrets *secrets,
                                  const char *secret_from, const char *alg, int64_t now_ms,
                                  bc_checks *out, bc_jwks_rows *rows, bc_error *err)
{
    bc_jwks_rows own = {0};
    bc_jwks_rows *r = rows ? rows : &own;
    *r = (bc_jwks_rows){0};
    bool have_table = bc_sqlite_has_model(t->d, BC_MODEL_JWKS);
    bc_status st = have_table ? bc_jwks_sqlite_rows(t->d, r, err) : BC_OK;
    char *url = NULL, *published = NULL;
    long status = 0;
    bc_error why = {0};
    bool asked = st == BC_OK && ask_server(t, r, &url, &published, &status, &why);
    if (st == BC_OK) {
        bc_jwks_sqlite_inputs in = {.rows = have_table ? r : NULL,
                                    .secrets = secrets,
                                    .secret_from = secret_from,
                                    .alg_column = bc_sqlite_line(t->d) == BC_LINE_1_7,
                                    .alg = alg,
                                    .now_ms = now_ms,
                                    .server_url = url,
                                    .published = asked ? published : NULL,
                                    .published_status = status,
                                    .published_error = why.msg[0] ? why.msg : NULL};
        st = bc_jwks_doctor_sqlite(&in, out, err);
    }
    free(url);
    free(published);
    bc_jwks_rows_release(&own);
    return st;
}

bc_status bc_target_checklist_start(bc_target *t, const bc_checklist *cl, int64_t *run_id,
                                    bool *continued, bc_error *err)
{
    *run_id = 0;
    *continued = false;
    bc_state *s = bc_target_state(t, err);
    if (!s)
        return err->status ? err->status : BC_ERR;
    bc_audit_who who = bc_target_who(t, NULL);
    bc_status st = bc_checklist_find_active(s, cl->id, who.target, run_id, err);
    if (st != BC_OK || *run_id) {
        *continued = st == BC_OK;
        return st;
    }
    return bc_checklist_start(s, cl, &who, run_id, err);
}

bc_status bc_target_checklist_active(bc_target *t, int64_t *run_id, bc_error *err)
{
    *run_id = 0;
    bc_state *s = bc_target_state(t, err);
    if (!s)
        return err && err->status ? err->status : BC_ERR;
    bc_audit_who who = bc_target_who(t, NULL);
    return bc_checklist_find_active(s, NULL, who.target, run_id, err);
}

bc_status bc_target_checklist_advance(bc_target *t, const bc_checklist *cl, int64_t run_id,
                                      const bc_checklist_ui *ui, bool no_wait,
                                      bc_run_outcome *outcome, bc_error *err)
{
    *outcome = BC_RUN_STOPPED;
    const bc_jwks_deploy *dep;
    bc_status st = bc_target_keys(t, &dep, err);
    bc_state *s = st == BC_OK ? bc_target_state(t, err) : NULL;
    if (!s)
        return st != BC_OK ? st : BC_ERR;
    bc_checklist_run run;
    st = bc_checklist_run_get(s, run_id, &run, err);
    if (st != BC_OK)
        return st;
    if (strcmp(run.target, t->label) != 0)
        st = bc_fail(err, BC_REFUSED, "run %lld is on %s but bcadmin now points at %s",
                     (long long)run_id, run.target, t->label);
    bc_checklist_run_release(&run);
    if (st != BC_OK)
        return st;
    bc_checklist_opts opts = {
        .production = t->production, .target_name = bc_target_typed_name(t), .no_wait = no_wait};
    bc_audit_who who = bc_target_who(t, NULL);
    return bc_checklist_advance(s, cl, run_id, bc_jwks_actions, bc_jwks_n_actions, (void *)dep,
                                ui, &opts, &who, outcome, err);
}

/* --- operations beyond the driver seam ---------------------------------------------------- */

bool bc_target_has_indexes(bc_target *t)
{
    return !t->path || bc_sqlite_has_indexes(t->d);
}

bool bc_target_has_search_index(bc_target *t)
{
    return !t->path || bc_sqlite_has_search_index(t->d);
}

bool bc_target_search_index_unfinished(bc_target *t)
{
    return t->path && bc_sqlite_search_index_unfinished(t->d);
}

bool bc_target_has_summary(bc_target *t)
{
    return !t->path || bc_sqlite_summary_state(t->d) == BC_SQLITE_SUMMARY_PRESENT;
}

bool bc_target_summary_unfinished(bc_target *t)
{
    return t->path && bc_sqlite_summary_state(t->d) == BC_SQLITE_SUMMARY_UNFINISHED;
}

bool bc_target_has_any_index(bc_target *t)
{
    return t->path && bc_sqlite_has_any_index(t->d);
}

static bc_status need_sqlite(const bc_target *t, bc_error *err)
{
    if (t->path)
        return BC_OK;
    return bc_fail(err, BC_USAGE,
                   "%s is a Convex deployment: its indexes are the app's schema (db index is for "
                   "SQLite files)",
                   t->label ? t->label : "the target");
}

bc_status bc_target_integrity_check(bc_target *t, const bc_progress *progress, char **problems,
                                    bc_error *err)
{
    *problems = NULL;
    return t->path ? bc_sqlite_integrity_check(t->d, progress, problems, err) : BC_OK;
}

bc_status bc_target_add_indexes(bc_target *t, bc_error *err)
{
    return bc_target_add_indexes_progress(t, NULL, err);
}

bc_status bc_target_add_indexes_progress(bc_target *t, const bc_progress *progress,
                                         bc_error *err)
{
    bc_status st = need_sqlite(t, err);
    return st == BC_OK ? bc_sqlite_add_indexes_progress(t->d, progress, err) : st;
}

bc_status bc_target_drop_indexes(bc_target *t, bc_error *err)
{
    bc_status st = need_sqlite(t, err);
    return st == BC_OK ? bc_sqlite_drop_indexes(t->d, err) : st;
}

bool bc_target_bypasses_triggers(const bc_target *t)
{
    return bc_convex_bypasses_triggers(t->d);
}

size_t bc_target_round_trips(const bc_target *t)
{
    return t->conn ? bc_convex_round_trips(t->conn) : 0;
}

size_t bc_target_key_rows(bc_target *t)
{
    bc_jwks_rows rows;
    bc_error ignored = {0};
    if (!t->conn || bc_jwks_deploy_rows(&t->jwks, &rows, &ignored) != BC_OK)
        return 1;
    size_t n = rows.n;
    bc_jwks_rows_release(&rows);
    return n;
}

bc_status bc_target_env_list(bc_target *t, json_t **vars, bc_error *err)
{
    *vars = NULL;
    if (!t->conn)
        return bc_fail(err, BC_USAGE, "%s is not a Convex deployment: it has no environment "
                                      "variables",
                       t->label ? t->label : "the target");
    return bc_convex_env_list(t->conn, vars, err);
}

bc_status bc_target_env_apply(bc_target *t, bc_envsync_plan *plan, const char *action,
                              bool write_offer, bc_envsync_report *rep, bc_error *err)
{
    bc_status st = bc_target_check_write(t, "changing environment variables", err);
    if (st != BC_OK)
        return st;
    if (!t->conn)
        return bc_target_env_list(t, &(json_t *){NULL}, err);
    bc_state *s = bc_target_state(t, err);
    if (!s)
        return bc_error_prefix(err, "opening the audit log (nothing was changed)");
    bc_envsync_apply_opts ao = {.audit = s,
                                .who = bc_target_who(t, NULL),
                                .write_offer = write_offer,
                                .keys = &t->jwks,
                                .action = action};
    return bc_envsync_apply(t->conn, plan, &ao, rep, err);
}

/* --- the switcher's list ------------------------------------------------------------------- */

static void add(bc_target_choice **out, size_t *n, bc_target_choice c)
{
    *out = bc_xrealloc(*out, (*n + 1) * sizeof **out);
    (*out)[(*n)++] = c;
}

static void add_file(bc_target_choice **out, size_t *n, const char *path, const char *from)
{
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i].kind == BC_CHOICE_SQLITE && strcmp((*out)[i].name, path) == 0)
            return; /* --db and BCADMIN_DB naming the same file: one row */
    bc_target_choice c = {.kind = BC_CHOICE_SQLITE,
                          .name = bc_xstrdup(path),
                          .from = bc_xstrdup(from),
                          .problem = access(path, R_OK) == 0 ? NULL : bc_xstrdup("no such file")};
    add(out, n, c);
}

size_t bc_target_choices(const bc_target_opts *o, bc_target_choice **out)
{
    *out = NULL;
    size_t n = 0;
    bc_env_sources env;
    bc_error err = {0};
    bc_deploy_opts dopt = deploy_opts(o);
    dopt.url_for_key = NULL; /* listing must not wait on the network */
    if (bc_target_sources(o, &env, &err) != BC_OK) {
        add(out, &n,
            (bc_target_choice){.kind = BC_CHOICE_CONVEX,
                               .name = bc_xstrdup("Convex deployment"),
                               .from = bc_xstrdup(".env.local / .env"),
                               .problem = bc_xstrdup(err.msg)});
    } else {
        if (bc_deployment_configured(&dopt, env.src, env.n)) {
            bc_deployment dep;
            if (bc_deployment_choose(&dopt, env.src, env.n, &dep, &err) == BC_OK) {
                add(out, &n,
                    (bc_target_choice){.kind = BC_CHOICE_CONVEX,
                                       .name = bc_xstrdup(dep.label),
                                       .from = bc_xstrdup(dep.how),
                                       .fingerprint = bc_xstrdup(dep.fingerprint),
                                       .production = dep.production});
                bc_deployment_release(&dep);
            } else {
                add(out, &n,
                    (bc_target_choice){.kind = BC_CHOICE_CONVEX,
                                       .name = bc_xstrdup("Convex deployment"),
                                       .from = bc_xstrdup("the environment and files"),
                                       .problem = bc_xstrdup(err.msg)});
            }
        }
        bc_env_sources_release(&env);
    }
    if (o->db)
        add_file(out, &n, o->db, "--db");
    if (env_value("BCADMIN_DB"))
        add_file(out, &n, env_value("BCADMIN_DB"), "BCADMIN_DB");
    char *demo = NULL;
    if (bc_paths_default_demo(&demo, &err) == BC_OK && access(demo, R_OK) == 0)
        add_file(out, &n, demo, "the demo database");
    free(demo);
    return n;
}

void bc_target_choices_free(bc_target_choice *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].from);
        free(c[i].fingerprint);
        free(c[i].problem);
    }
    free(c);
}
