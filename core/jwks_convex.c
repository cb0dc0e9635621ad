/* jwks_convex.c - gathering a deployment's JWKS facts, the key actions, and the checklist
 * actions built on them; see jwks_convex.h. */
#include "jwks_convex.h"

#include "envsync.h"

#include <stdlib.h>
#include <string.h>

#include "isotime.h"
#include "record.h"
#include "xalloc.h"

/* ---- calls ------------------------------------------------------------------------------- */

static const char *module_of(const bc_jwks_deploy *dep)
{
    return dep->module ? dep->module : "auth";
}

/* Call fn with args (stolen); *value is the caller's. */
static bc_status call(const bc_jwks_deploy *dep, const char *path, const char *component,
                      json_t *args, bool read_only, json_t **value, bc_error *err)
{
    bc_convex_call c = {.kind = BC_CALL_FUNCTION,
                        .path = path,
                        .component = component,
                        .args = args,
                        .read_only = read_only};
    bc_status st = bc_convex_run(dep->c, &c, 1);
    json_decref(args);
    if (st != BC_OK) {
        *err = c.err;
        bc_convex_call_release(&c);
        return st;
    }
    *value = c.value;
    c.value = NULL;
    bc_convex_call_release(&c);
    return BC_OK;
}

static bc_status rows_from_value(const json_t *v, const char *what, bc_jwks_rows *out,
                                 bc_error *err)
{
    *out = (bc_jwks_rows){0};
    if (!json_is_array(v))
        return bc_fail(err, BC_ERR, "%s did not return an array of key rows", what);
    out->rows = bc_xcalloc(json_array_size(v) + 1, sizeof *out->rows);
    for (size_t i = 0; i < json_array_size(v); i++) {
        out->n++;
        if (bc_jwks_row_from_json(json_array_get(v, i), &out->rows[i], err) != BC_OK) {
            bc_jwks_rows_release(out);
            return bc_error_prefix(err, "%s", what);
        }
    }
    return BC_OK;
}

static char *find_path(const bc_jwks_deploy *dep)
{
    return dep->component ? bc_xstrdup("adapter:findMany")
                          : bc_xasprintf("%s:findMany", module_of(dep));
}

static json_t *find_args(const char *model, json_t *where, json_t *cursor)
{
    json_t *args = json_pack("{s:s, s:{s:i, s:O}}", "model", model, "paginationOpts", "numItems",
                             1000, "cursor", cursor);
    if (where)
        json_object_set(args, "where", where);
    return args;
}

/* Add a findMany answer's page to all; *cursor becomes its continueCursor. */
static bc_status take_page(json_t *all, json_t *v, const char *path, const char *model,
                           json_t **cursor, bool *done, bc_error *err)
{
    json_t *items = json_object_get(v, "page");
    if (!json_is_array(items))
        return bc_fail(err, BC_ERR, "%s on %s returned no page", path, model);
    json_array_extend(all, items);
    *done = json_is_true(json_object_get(v, "isDone"));
    json_decref(*cursor);
    *cursor = json_incref(json_object_get(v, "continueCursor"));
    if (!*cursor)
        *cursor = json_null();
    return BC_OK;
}

/* findMany over every page of model (at most max_pages pages of 1000), starting with first (the
 * answer for the first page, already read; stolen) when given; *docs gets the documents. */
static bc_status find_all(const bc_jwks_deploy *dep, const char *model, json_t *where,
                          size_t max_pages, json_t *first, json_t **docs, bool *complete,
                          bc_error *err)
{
    char *path = find_path(dep);
    json_t *all = json_array(), *cursor = json_null();
    bc_status st = BC_OK;
    bool done = false;
    for (size_t page = 0; page < max_pages && st == BC_OK && !done; page++) {
        json_t *v = first;
        first = NULL;
        if (!v)
            st = call(dep, path, dep->component, find_args(model, where, cursor), true, &v, err);
        if (st == BC_OK)
            st = take_page(all, v, path, model, &cursor, &done, err);
        json_decref(v);
    }
    *complete = done;
    json_decref(first);
    json_decref(cursor);
    free(path);
    if (st != BC_OK) {
        json_decref(all);
        return st;
    }
    *docs = all;
    return BC_OK;
}

static bc_status rows_from_docs(const bc_jwks_deploy *dep, json_t *first, bc_jwks_rows *out,
                                bc_error *err)
{
    json_t *docs = NULL;
    bool complete;
    *out = (bc_jwks_rows){0};
    bc_status st = find_all(dep, "jwks", NULL, 10, first, &docs, &complete, err);
    if (st != BC_OK)
        return st;
    st = rows_from_value(docs, "the jwks table", out, err);
    json_decref(docs);
    return st;
}

bc_status bc_jwks_deploy_rows(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err)
{
    return rows_from_docs(dep, NULL, out, err);
}

/* ---- where the app wrote the key actions ------------------------------------------------- */

/* The module names apps give the static-JWKS actions, the guide's first. */
static const char *const usual_key_modules[] = {"auth", "jwks", "keys", "authKeys"};
#define N_USUAL (sizeof usual_key_modules / sizeof *usual_key_modules)

/* Whether the function list's entry is the action fn of a root module; *module (the caller's)
 * gets the module's name without ".js". */
static bool spec_action(const json_t *entry, const char *fn, char **module)
{
    const char *id = json_string_value(json_object_get(entry, "identifier"));
    const char *type = json_string_value(json_object_get(entry, "functionType"));
    const char *colon = id ? strrchr(id, ':') : NULL;
    if (!colon || !type || strcmp(type, "Action") != 0 || strcmp(colon + 1, fn) != 0)
        return false;
    size_t n = (size_t)(colon - id);
    if (n > 3 && strncmp(colon - 3, ".js", 3) == 0)
        n -= 3;
    *module = bc_xstrndup(id, n);
    return true;
}

/* How well module suits: 0 no getLatestJwks action, 2 getLatestJwks only, 4 with rotateKeys
 * too; +1 for "auth", the guide's name. */
static int spec_score(const json_t *spec, const char *module)
{
    int score = 0;
    size_t i;
    json_t *entry;
    json_array_foreach(spec, i, entry)
    {
        char *m = NULL;
        if (spec_action(entry, "getLatestJwks", &m) && strcmp(m, module) == 0)
            score |= 2;
        free(m);
        m = NULL;
        if (spec_action(entry, "rotateKeys", &m) && strcmp(m, module) == 0)
            score |= 4;
        free(m);
    }
    return score < 2 ? 0 : score + (strcmp(module, "auth") == 0);
}

/* The module of the function list (an array of apiSpec entries) that suits best (spec_score);
 * NULL when none has a getLatestJwks action, or, with *ambiguous (the caller's) naming them,
 * when several suit equally. The result is the caller's. */
static char *module_from_spec(const json_t *spec, char **ambiguous)
{
    *ambiguous = NULL;
    char *best = NULL;
    int best_score = 0;
    bc_buf tie = {0};
    size_t i;
    json_t *entry;
    json_array_foreach(spec, i, entry)
    {
        char *module = NULL;
        if (!spec_action(entry, "getLatestJwks", &module))
            continue;
        int score = spec_score(spec, module);
        if (score > best_score) {
            free(best);
            best = module;
            best_score = score;
            bc_buf_release(&tie);
            bc_buf_puts(&tie, module);
        } else {
            if (score == best_score)
                bc_buf_printf(&tie, ", %s", module);
            free(module);
        }
    }
    if (best && strchr(tie.data, ',')) {
        *ambiguous = bc_buf_take(&tie);
        free(best);
        best = NULL;
    }
    bc_buf_release(&tie);
    return best;
}

/* One probe's verdict for the error text. */
static const char *probe_verdict(const bc_convex_call *c)
{
    if (c->status == BC_OK)
        return "a query, not an action";
    return strstr(c->err.msg, "Could not find") ? "not found" : c->err.msg;
}

/* The usual module names probed: the first whose getLatestJwks is an action (see
 * bc_jwks_key_module). *out is the caller's; list_error says why the function list was not used. */
static bc_status probe_key_module(const bc_jwks_deploy *dep, const char *list_error, char **out,
                                  bc_error *err)
{
    bc_convex_call calls[N_USUAL];
    char *paths[N_USUAL];
    json_t *none = json_object();
    for (size_t i = 0; i < N_USUAL; i++) {
        /* As a query: the deployment answers "defined as Action" without running it. */
        paths[i] = bc_xasprintf("%s:getLatestJwks", usual_key_modules[i]);
        calls[i] = (bc_convex_call){
            .kind = BC_CALL_QUERY, .path = paths[i], .args = none, .read_only = true};
    }
    bc_convex_run(dep->c, calls, N_USUAL);
    bc_status st = BC_ERR;
    for (size_t i = 0; i < N_USUAL && st != BC_OK; i++)
        if (calls[i].status != BC_OK && strstr(calls[i].err.msg, "but it is defined as Action")) {
            *out = bc_xstrdup(usual_key_modules[i]);
            st = BC_OK;
        }
    if (st != BC_OK) {
        bc_buf tried = {0};
        for (size_t i = 0; i < N_USUAL; i++)
            bc_buf_printf(&tried, "; %s: %s", paths[i], probe_verdict(&calls[i]));
        bc_fail(err, BC_ERR,
                "the app's getLatestJwks action was not found on %s; tried the function list "
                "(_system/cli/modules:apiSpec: %s)%s. Name its module with --jwks-module MODULE "
                "(or BCADMIN_JWKS_MODULE)",
                bc_convex_url(dep->c), list_error, tried.data);
        bc_buf_release(&tried);
    }
    for (size_t i = 0; i < N_USUAL; i++) {
        bc_convex_call_release(&calls[i]);
        free(paths[i]);
    }
    json_decref(none);
    return st;
}

/* Search the deployment for the key actions (see bc_jwks_key_module): the function list, else
 * (a second round trip) the probes. */
static bc_status find_key_module(const bc_jwks_deploy *dep, char **out, const char **how,
                                 bc_error *err)
{
    json_t *none = json_object();
    bc_convex_call list = {.kind = BC_CALL_FUNCTION,
                           .path = "_system/cli/modules:apiSpec",
                           .args = none,
                           .read_only = true};
    bc_convex_run(dep->c, &list, 1);
    json_decref(none);
    bc_status st = BC_ERR;
    *out = NULL;
    if (list.http_status == 0 && list.status != BC_OK) { /* unreachable, or stopped */
        st = list.status;
        *err = list.err;
    } else if (list.status == BC_OK && json_is_array(list.value)) {
        char *ambiguous = NULL;
        *out = module_from_spec(list.value, &ambiguous);
        *how = "from the deployment's function list";
        if (*out)
            st = BC_OK;
        else if (ambiguous)
            bc_fail(err, BC_ERR,
                    "several modules on %s export getLatestJwks and rotateKeys (%s): give the "
                    "one bcadmin should call with --jwks-module MODULE (or BCADMIN_JWKS_MODULE)",
                    bc_convex_url(dep->c), ambiguous);
        else
            bc_fail(err, BC_ERR,
                    "the app's getLatestJwks action was not found on %s: the deployment's "
                    "function list (%zu entries) has no module with a getLatestJwks action. "
                    "Write getLatestJwks and rotateKeys as the @convex-dev/better-auth guide "
                    "shows (internal actions calling createAuth(ctx).api.getLatestJwks() and "
                    ".rotateKeys()), or name their module with --jwks-module MODULE (or "
                    "BCADMIN_JWKS_MODULE)",
                    bc_convex_url(dep->c), json_array_size(list.value));
        free(ambiguous);
    } else {
        *how = "probed";
        st = probe_key_module(dep, list.status == BC_OK ? "not a list" : list.err.msg, out, err);
    }
    bc_convex_call_release(&list);
    return st;
}

bc_status bc_jwks_key_module(const bc_jwks_deploy *dep, char **module, const char **how,
                             bc_error *err)
{
    const char *ignored;
    if (!how)
        how = &ignored;
    *module = NULL;
    if (dep->key_module && *dep->key_module) {
        *how = "given";
        *module = bc_xstrdup(dep->key_module);
        return BC_OK;
    }
    if (!dep->component) {
        *how = "beside findMany";
        *module = bc_xstrdup(module_of(dep));
        return BC_OK;
    }
    if (dep->found && *dep->found) {
        *how = "found earlier";
        *module = bc_xstrdup(*dep->found);
        return BC_OK;
    }
    bc_status st = find_key_module(dep, module, how, err);
    if (st == BC_OK && dep->found)
        *dep->found = bc_xstrdup(*module);
    return st;
}

static bc_status key_action(const bc_jwks_deploy *dep, const char *fn, bc_jwks_rows *out,
                            bc_error *err)
{
    char *module;
    const char *how;
    bc_status st = bc_jwks_key_module(dep, &module, &how, err);
    if (st != BC_OK)
        return st;
    char *path = bc_xasprintf("%s:%s", module, fn);
    json_t *v = NULL;
    /* Neither is repeated on failure: rotateKeys must never run twice by accident, and
     * getLatestJwks may create a row. */
    st = call(dep, path, NULL, json_object(), false, &v, err);
    if (st != BC_OK && strcmp(how, "given") == 0 && strstr(err->msg, "Could not find"))
        bc_error_prefix(err, "--jwks-module / BCADMIN_JWKS_MODULE names module %s", module);
    free(module);
    if (st == BC_OK) {
        st = rows_from_value(v, path, out, err);
        if (st == BC_OK && out->n == 0) {
            bc_jwks_rows_release(out);
            st = bc_fail(err, BC_ERR, "%s returned no key", path);
        }
    }
    json_decref(v);
    free(path);
    return st;
}

bc_status bc_jwks_deploy_latest(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err)
{
    bc_status st = key_action(dep, "getLatestJwks", out, err);
    if (st != BC_OK)
        return st;
    /* getLatestJwks makes a key when the table is empty and then reads the newest row, as two
     * steps: two calls racing on an empty table (an interrupted bootstrap whose request the
     * deployment still ran, and its resumption) each make a key, and one of them answers with a
     * key that is no longer the newest, which the server does not sign with. The table, read
     * after the action, says which key is the newest. */
    bc_jwks_rows all;
    st = bc_jwks_deploy_rows(dep, &all, err);
    if (st != BC_OK) {
        bc_jwks_rows_release(out);
        return st;
    }
    bc_jwks_row *newest = (bc_jwks_row *)bc_jwks_rows_newest(&all);
    if (newest && strcmp(newest->id, out->rows[0].id) != 0) {
        char *alg = out->rows[0].alg; /* the action adds the configured algorithm */
        out->rows[0].alg = NULL;
        bc_jwks_rows_release(out);
        out->rows = bc_xcalloc(1, sizeof *out->rows);
        out->n = 1;
        out->rows[0] = *newest;
        *newest = (bc_jwks_row){0};
        if (alg) {
            free(out->rows[0].alg);
            out->rows[0].alg = alg;
        }
    }
    bc_jwks_rows_release(&all);
    return BC_OK;
}

bc_status bc_jwks_deploy_rotate(const bc_jwks_deploy *dep, bc_jwks_rows *out, bc_error *err)
{
    return key_action(dep, "rotateKeys", out, err);
}

bc_status bc_jwks_deploy_set_env(const bc_jwks_deploy *dep, const bc_jwks_rows *rows, bc_error *err)
{
    char *value = bc_jwks_env_format(rows);
    json_t *changes = json_pack("[{s:s, s:s}]", "name", "JWKS", "value", value);
    free(value);
    bc_status st = bc_convex_env_update(dep->c, changes, err);
    json_decref(changes);
    if (st != BC_OK)
        bc_error_prefix(err, "setting JWKS");
    return st;
}

/* ---- gathering --------------------------------------------------------------------------- */

char *bc_jwks_site_url(const bc_jwks_deploy *dep, const json_t *env, const char **from)
{
    const json_t *v = env ? json_object_get(env, "CONVEX_SITE_URL") : NULL;
    if (json_is_string(v) && json_string_length(v)) {
        *from = "deployment variable";
        return bc_xstrdup(json_string_value(v));
    }
    if (dep->site_url && *dep->site_url) {
        *from = dep->site_url_from ? dep->site_url_from : "bcadmin's environment";
        return bc_xstrdup(dep->site_url);
    }
    const char *url = bc_convex_url(dep->c);
    size_t n = strlen(url);
    const char *cloud = ".convex.cloud";
    while (n && url[n - 1] == '/')
        n--;
    if (n > strlen(cloud) && strncmp(url + n - strlen(cloud), cloud, strlen(cloud)) == 0) {
        *from = "derived from the deployment URL";
        return bc_xasprintf("%.*s.convex.site", (int)(n - strlen(cloud)), url);
    }
    *from = NULL;
    return NULL;
}

void bc_jwks_gathered_release(bc_jwks_gathered *g)
{
    json_decref(g->env);
    bc_jwks_rows_release(&g->rows);
    char **f[] = {&g->env_error,     &g->rows_error, &g->site_url,
                  &g->site_url_from, &g->published,  &g->published_error};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(*f[i]);
    *g = (bc_jwks_gathered){0};
}

void bc_jwks_gather(const bc_jwks_deploy *dep, bc_jwks_gathered *g)
{
    *g = (bc_jwks_gathered){0};
    /* The variables and the key rows are independent: one round trip. */
    char *path = find_path(dep);
    json_t *args = find_args("jwks", NULL, json_null());
    bc_convex_call calls[2] = {
        {.kind = BC_CALL_ENV_LIST, .read_only = true},
        {.kind = BC_CALL_FUNCTION, .path = path, .component = dep->component, .args = args,
         .read_only = true},
    };
    bc_convex_run(dep->c, calls, 2);
    json_decref(args);
    if (calls[0].status == BC_OK)
        g->env = json_incref(calls[0].value);
    else
        g->env_error = bc_xstrdup(calls[0].err.msg);
    bc_error err = calls[1].err;
    if (calls[1].status == BC_OK &&
        rows_from_docs(dep, json_incref(calls[1].value), &g->rows, &err) == BC_OK)
        g->have_rows = true;
    else
        g->rows_error = bc_xstrdup(err.msg);
    bc_convex_call_release(&calls[0]);
    bc_convex_call_release(&calls[1]);
    free(path);
    const char *from = NULL;
    g->site_url = bc_jwks_site_url(dep, g->env, &from);
    g->site_url_from = bc_xstrdup(from);
    if (!g->site_url) {
        g->published_error = bc_xstrdup("CONVEX_SITE_URL is unknown");
        return;
    }
    /* Better Auth answers the first read of its keys, when it has none, by creating one
     * (encrypted with whatever secret is set now, maybe none, which getLatestJwks then returns
     * for good): with neither JWKS set nor a key row known, reading them is a change. */
    const json_t *jwks = g->env ? json_object_get(g->env, "JWKS") : NULL;
    bool has_key = (json_is_string(jwks) && json_string_length(jwks) > 0) ||
                   (g->have_rows && g->rows.n > 0);
    if (!has_key) {
        g->published_unread = true;
        g->published_error = bc_xstrdup("not read: the deployment has no key yet, and reading "
                                        "them would make the site create one");
        return;
    }
    size_t n = strlen(g->site_url);
    while (n && g->site_url[n - 1] == '/')
        n--;
    const char *base = dep->auth_base_path && *dep->auth_base_path ? dep->auth_base_path
                                                                    : "/api/auth";
    size_t b = strlen(base);
    while (b && base[b - 1] == '/')
        b--;
    char *url = bc_xasprintf("%.*s%s%.*s/convex/jwks", (int)n, g->site_url,
                             base[0] == '/' ? "" : "/", (int)b, base);
    err = (bc_error){0};
    if (bc_http_get(url, &g->published, &g->published_status, &err) != BC_OK)
        g->published_error = bc_xstrdup(err.msg);
    free(url);
}

bc_jwks_convex_inputs bc_jwks_gathered_inputs(const bc_jwks_gathered *g)
{
    return (bc_jwks_convex_inputs){
        .env = g->env,
        .env_error = g->env_error,
        .db_rows = g->have_rows ? &g->rows : NULL,
        .db_error = g->rows_error,
        .site_url = g->site_url,
        .site_url_from = g->site_url_from,
        .published = g->published,
        .published_status = g->published_status,
        .published_error = g->published_error,
        .published_unread = g->published_unread,
    };
}

bc_status bc_jwks_doctor_deployment(const bc_jwks_deploy *dep, bc_checks *out, bc_error *err)
{
    bc_jwks_gathered g;
    bc_jwks_gather(dep, &g);
    bc_jwks_convex_inputs in = bc_jwks_gathered_inputs(&g);
    bc_status st = bc_jwks_doctor_convex(&in, out, err);
    bc_jwks_gathered_release(&g);
    return st;
}

/* ---- checklist actions ------------------------------------------------------------------- */

static const bc_jwks_deploy *dep_of(const bc_checklist_ctx *ctx)
{
    return ctx->target;
}

/* An audit entry around a change: subject, and one field's value before and after (a key id, a
 * secret's short hash: never a key or a secret). */
static bc_status audit_begin_field(bc_checklist_ctx *ctx, const char *action, const char *subject,
                                   const char *field, const char *before_value,
                                   const char *after_value, int64_t *id, bc_error *err)
{
    *id = 0;
    if (!ctx->state)
        return BC_OK;
    bc_record before = {0}, after = {0};
    char run[32];
    snprintf(run, sizeof run, "%lld", (long long)(ctx->run ? ctx->run->id : 0));
    bc_record_set_text(&before, field, before_value);
    if (after_value)
        bc_record_set_text(&after, field, after_value);
    bc_record_set_text(&after, "checklistRun", run);
    bc_audit_change change = {
        .action = action, .subject = subject, .before = &before, .after = &after};
    bc_audit_who who = ctx->who ? *ctx->who : (bc_audit_who){0};
    bc_status st = bc_audit_begin(ctx->state, &who, &change, id, err);
    bc_record_release(&before);
    bc_record_release(&after);
    return st;
}

/* The same for the key ids before and after (field "kid"). */
static bc_status audit_begin(bc_checklist_ctx *ctx, const char *action, const char *subject,
                             const char *kid_before, const char *kid_after, int64_t *id,
                             bc_error *err)
{
    return audit_begin_field(ctx, action, subject, "kid", kid_before, kid_after, id, err);
}

/* A step's status stays its own: the checklist records how the run stands and resumes it. */
static void audit_finish(bc_checklist_ctx *ctx, int64_t id, const bc_error *failure)
{
    bc_error copy = failure ? *failure : (bc_error){0};
    if (ctx->state && id)
        bc_audit_finish_error(ctx->state, id, failure ? &copy : NULL, NULL);
}

static const char *var_text(const bc_checklist_ctx *ctx, const char *name)
{
    return json_string_value(json_object_get(ctx->vars, name));
}

static void set_var(bc_checklist_ctx *ctx, const char *name, const char *value)
{
    json_object_set_new(ctx->vars, name, value ? json_string(value) : json_null());
}

static bc_status act_reachable(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    json_t *env = NULL;
    bc_status st = bc_convex_env_list(dep_of(ctx)->c, &env, err);
    if (st != BC_OK)
        return st;
    const bc_jwks_deploy *dep = dep_of(ctx);
    bc_jwks_rows rows;
    st = bc_jwks_deploy_rows(dep, &rows, err);
    if (st != BC_OK) {
        json_decref(env);
        return bc_error_prefix(err, "the auth functions do not answer (are they deployed?)");
    }
    /* The key actions' module is found here, before anything changes: an app whose actions
     * cannot be found stops at this step. */
    char *module = NULL;
    const char *how = NULL;
    st = bc_jwks_key_module(dep, &module, &how, err);
    if (st == BC_OK)
        *output = bc_xasprintf(
            "%zu environment variables; auth functions answer at %s%s%s:* (%zu key row%s); "
            "getLatestJwks and rotateKeys at %s:*%s%s%s",
            json_object_size(env), dep->component ? dep->component : "",
            dep->component ? "/" : "", dep->component ? "adapter" : module_of(dep), rows.n,
            rows.n == 1 ? "" : "s", module, dep->component ? " (" : "",
            dep->component ? how : "", dep->component ? ")" : "");
    bc_jwks_rows_release(&rows);
    free(module);
    json_decref(env);
    return st;
}

static bc_status act_secret(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    json_t *env = NULL;
    bc_status st = bc_convex_env_list(dep_of(ctx)->c, &env, err);
    if (st != BC_OK)
        return st;
    const char *s = json_string_value(json_object_get(env, "BETTER_AUTH_SECRET"));
    const char *versions = json_string_value(json_object_get(env, "BETTER_AUTH_SECRETS"));
    size_t len = s ? strlen(s) : 0;
    if (versions && *versions) {
        /* Better Auth 1.5+ versioned secrets: new keys use the current (first) one. */
        bc_secrets ring = {0};
        bc_error why = {0};
        char name[64];
        st = bc_secrets_parse(versions, s, &ring, &why);
        json_decref(env);
        if (st == BC_OK)
            *output = bc_xasprintf("BETTER_AUTH_SECRETS is set (%zu version%s, current %s)",
                                   ring.n, ring.n == 1 ? "" : "s",
                                   bc_secrets_current_name(&ring, name, sizeof name));
        bc_secrets_release(&ring);
        return st == BC_OK ? BC_OK
                           : bc_fail(err, BC_REFUSED, "%s on the deployment: fix it, then resume",
                                     why.msg);
    }
    json_decref(env);
    if (len == 0)
        return bc_fail(err, BC_REFUSED,
                       "BETTER_AUTH_SECRET is not set on the deployment: set it first with "
                       "`bcadmin env sync --auth` (the key is encrypted with it when it is "
                       "made)");
    if (len < 32)
        return bc_fail(err, BC_REFUSED,
                       "BETTER_AUTH_SECRET has %zu characters; Better Auth needs at least 32 "
                       "(a longer one in convex/.env, then `bcadmin env sync --auth`)",
                       len);
    *output = bc_xasprintf("BETTER_AUTH_SECRET is set (%zu characters)", len);
    return BC_OK;
}

static bc_status act_latest(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    int64_t aid;
    bc_status st = audit_begin(ctx, "jwks.get_latest", "jwks", NULL, NULL, &aid, err);
    if (st != BC_OK)
        return st;
    bc_jwks_rows rows;
    st = bc_jwks_deploy_latest(dep_of(ctx), &rows, err);
    audit_finish(ctx, aid, st == BC_OK ? NULL : err);
    if (st != BC_OK)
        return st;
    set_var(ctx, "kid", rows.rows[0].id);
    *output = bc_xasprintf("getLatestJwks returned key %s (%s)", rows.rows[0].id,
                           rows.rows[0].alg ? rows.rows[0].alg : "no alg");
    bc_jwks_rows_release(&rows);
    return BC_OK;
}

/* The kid in JWKS when it holds exactly one key, else NULL; the caller frees. */
static char *env_kid(const json_t *env)
{
    const char *text = json_string_value(json_object_get(env, "JWKS"));
    bc_jwks_rows rows;
    if (!text || bc_jwks_env_parse(text, strlen(text), &rows, NULL) != BC_OK)
        return NULL;
    char *kid = rows.n == 1 ? bc_xstrdup(rows.rows[0].id) : NULL;
    bc_jwks_rows_release(&rows);
    return kid;
}

/* Whether JWKS holds exactly the database's newest key. */
static bc_status jwks_current(bc_checklist_ctx *ctx, bool *yes, char **note, bc_error *err)
{
    *yes = false;
    json_t *env = NULL;
    bc_status st = bc_convex_env_list(dep_of(ctx)->c, &env, err);
    if (st != BC_OK)
        return st;
    bc_jwks_rows rows;
    st = bc_jwks_deploy_rows(dep_of(ctx), &rows, err);
    if (st != BC_OK) {
        json_decref(env);
        return st;
    }
    const bc_jwks_row *newest = bc_jwks_rows_newest(&rows);
    char *kid = env_kid(env);
    if (newest && kid && strcmp(kid, newest->id) == 0) {
        *yes = true;
        *note = bc_xasprintf("JWKS already holds the newest key %s", kid);
    }
    free(kid);
    bc_jwks_rows_release(&rows);
    json_decref(env);
    return BC_OK;
}

static bc_status act_set_jwks(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    json_t *env = NULL;
    bc_status st = bc_convex_env_list(dep_of(ctx)->c, &env, err);
    if (st != BC_OK)
        return st;
    char *old = env_kid(env);
    json_decref(env);
    /* getLatestJwks returns the newest row (making one only when there is none): the key that
     * rotateKeys or the previous step made. */
    bc_jwks_rows rows;
    st = bc_jwks_deploy_latest(dep_of(ctx), &rows, err);
    if (st != BC_OK) {
        free(old);
        return st;
    }
    int64_t aid;
    st = audit_begin(ctx, "env.set", "JWKS", old, rows.rows[0].id, &aid, err);
    if (st == BC_OK) {
        st = bc_jwks_deploy_set_env(dep_of(ctx), &rows, err);
        audit_finish(ctx, aid, st == BC_OK ? NULL : err);
    }
    if (st == BC_OK) {
        set_var(ctx, "kid", rows.rows[0].id);
        *output = bc_xasprintf("JWKS set to key %s%s%s", rows.rows[0].id, old ? " (was " : "",
                               old ? old : "");
        if (old) {
            char *full = bc_xasprintf("%s)", *output);
            free(*output);
            *output = full;
        }
    }
    free(old);
    bc_jwks_rows_release(&rows);
    return st;
}

/* A short summary of the checks that are not ok. */
static char *checks_summary(const bc_checks *checks)
{
    bc_buf b = {0};
    size_t bad = 0;
    for (size_t i = 0; i < checks->n; i++) {
        const bc_check *c = &checks->items[i];
        if (c->status == BC_CHECK_OK)
            continue;
        bc_buf_printf(&b, "%s%s %s: %s", bad++ ? "; " : "", bc_check_status_name(c->status), c->id,
                      c->message);
    }
    if (!bad)
        bc_buf_printf(&b, "all %zu checks ok", checks->n);
    return bc_buf_take(&b);
}

static bc_status act_doctor(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    bc_checks checks = {0};
    bc_status st = bc_jwks_doctor_deployment(dep_of(ctx), &checks, err);
    if (st != BC_OK)
        return st;
    *output = checks_summary(&checks);
    if (bc_checks_failed(&checks))
        st = bc_fail(err, BC_ERR, "the doctor found problems: %s", *output);
    bc_checks_release(&checks);
    return st;
}

static bc_status act_impact(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    const bc_jwks_deploy *dep = dep_of(ctx);
    bc_jwks_rows rows;
    bc_status st = bc_jwks_deploy_rows(dep, &rows, err);
    if (st != BC_OK)
        return st;
    const bc_jwks_row *newest = bc_jwks_rows_newest(&rows);
    /* On a re-run after an interruption the original old key is kept: rotateKeys may already
     * have replaced it. */
    if (!var_text(ctx, "old_kid"))
        set_var(ctx, "old_kid", newest ? newest->id : NULL);
    json_t *where = json_pack("[{s:s, s:s, s:I}]", "field", "expiresAt", "operator", "gt", "value",
                              (json_int_t)ctx->now_ms);
    json_t *docs = NULL;
    bool complete = false;
    st = find_all(dep, "session", where, 20, NULL, &docs, &complete, err);
    json_decref(where);
    if (st == BC_OK) {
        char age[64] = "no key yet";
        if (newest && newest->created_at != BC_JWKS_NO_TIME)
            snprintf(age, sizeof age, "%lld days old",
                     (long long)((ctx->now_ms - newest->created_at) / 86400000));
        *output = bc_xasprintf(
            "%zu%s active session%s; current key %s (%s); after rotateKeys every token signed "
            "with the old key is refused until the client refreshes it (at most 15 minutes)",
            json_array_size(docs), complete ? "" : "+", json_array_size(docs) == 1 ? "" : "s",
            newest ? newest->id : "none", age);
        json_decref(docs);
    }
    bc_jwks_rows_release(&rows);
    return st;
}

static bc_status act_rotate(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    const char *old = var_text(ctx, "old_kid");
    int64_t aid;
    bc_status st = audit_begin(ctx, "jwks.rotate_keys", "jwks", old, NULL, &aid, err);
    if (st != BC_OK)
        return st;
    bc_jwks_rows rows;
    st = bc_jwks_deploy_rotate(dep_of(ctx), &rows, err);
    audit_finish(ctx, aid, st == BC_OK ? NULL : err);
    if (st != BC_OK)
        return st;
    set_var(ctx, "new_kid", rows.rows[0].id);
    *output = bc_xasprintf("rotateKeys made key %s (old key %s deleted)", rows.rows[0].id,
                           old ? old : "none");
    bc_jwks_rows_release(&rows);
    return BC_OK;
}

/* rotateKeys took effect when the database's newest key is no longer the one recorded before, or
 * when the old key is gone (then the key it was about to make is made here). */
static bc_status examine_rotate(bc_checklist_ctx *ctx, bool *happened, char **note, bc_error *err)
{
    *happened = false;
    const char *old = var_text(ctx, "old_kid");
    bc_jwks_rows rows;
    bc_status st = bc_jwks_deploy_rows(dep_of(ctx), &rows, err);
    if (st != BC_OK)
        return st;
    const bc_jwks_row *newest = bc_jwks_rows_newest(&rows);
    if (old && !newest) {
        /* rotateKeys deletes every key, then makes one: cut off between the two (or still
         * running on the deployment), it has done its irreversible half. getLatestJwks finishes
         * it without deleting anything, and answers with the newest key if the deployment's own
         * run made one meanwhile. */
        bc_jwks_rows_release(&rows);
        st = bc_jwks_deploy_latest(dep_of(ctx), &rows, err);
        if (st != BC_OK)
            return st;
        *happened = true;
        set_var(ctx, "new_kid", rows.rows[0].id);
        *note = bc_xasprintf("the old key %s is gone (rotateKeys was cut off after deleting it); "
                             "getLatestJwks made %s",
                             old, rows.rows[0].id);
    } else if (!old && !newest)
        st = bc_fail(err, BC_ERR, "no key before and none now: rotateKeys did not run");
    else if (newest && (!old || strcmp(newest->id, old) != 0)) {
        *happened = true;
        set_var(ctx, "new_kid", newest->id);
        *note =
            bc_xasprintf("the newest key is %s, not the old %s", newest->id, old ? old : "(none)");
    } else {
        *note = bc_xasprintf("the newest key is still the old %s", old);
    }
    bc_jwks_rows_release(&rows);
    return st;
}

static bc_status act_verify_rotation(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    const char *old = var_text(ctx, "old_kid");
    bc_jwks_gathered g;
    bc_jwks_gather(dep_of(ctx), &g);
    bc_jwks_convex_inputs in = bc_jwks_gathered_inputs(&g);
    bc_checks checks = {0};
    bc_status st = bc_jwks_doctor_convex(&in, &checks, err);
    char *summary = st == BC_OK ? checks_summary(&checks) : NULL;
    char *kid = env_kid(g.env);
    bc_jwk_set *pub = NULL;
    bool old_published = false;
    if (old && g.published && g.published_status == 200 &&
        bc_jwk_set_parse(g.published, strlen(g.published), &pub, NULL) == BC_OK)
        old_published = bc_jwk_set_find(pub, old) != NULL;
    if (st != BC_OK) {
        /* err is set */
    } else if (old && kid && strcmp(kid, old) == 0) {
        st = bc_fail(err, BC_ERR, "JWKS still holds the old key %s", old);
    } else if (old_published) {
        st = bc_fail(err, BC_ERR, "the site still publishes the old key %s", old);
    } else if (bc_checks_failed(&checks)) {
        st = bc_fail(err, BC_ERR, "the doctor found problems: %s", summary);
    } else {
        *output = bc_xasprintf("new key %s published, old key %s gone; doctor: %s", kid ? kid : "?",
                               old ? old : "(none)", summary);
    }
    free(summary);
    free(kid);
    bc_jwk_set_free(pub);
    bc_checks_release(&checks);
    bc_jwks_gathered_release(&g);
    return st;
}

/* The short hash of the deployment's BETTER_AUTH_SECRET (NULL when unset); the caller frees. */
static bc_status deployed_secret_hash(const bc_jwks_deploy *dep, char **hash, bc_error *err)
{
    *hash = NULL;
    json_t *env = NULL;
    bc_status st = bc_convex_env_list(dep->c, &env, err);
    if (st != BC_OK)
        return st;
    json_t *v = json_object_get(env, "BETTER_AUTH_SECRET");
    if (json_is_string(v))
        *hash = bc_envsync_hash(json_string_value(v), json_string_length(v));
    json_decref(env);
    return BC_OK;
}

/* The hash the replace-secret run is after: recorded by its secret step, else of the new secret
 * this process holds; NULL when neither is known. The caller frees. */
static char *wanted_secret_hash(const bc_checklist_ctx *ctx)
{
    const char *recorded = var_text(ctx, "secret_hash");
    if (recorded)
        return bc_xstrdup(recorded);
    const char *s = dep_of(ctx)->new_secret;
    return s && *s ? bc_envsync_hash(s, strlen(s)) : NULL;
}

/* The deployment already holds the new secret (satisfied, and examine after an interruption). */
static bc_status secret_is_new(bc_checklist_ctx *ctx, bool *yes, char **note, bc_error *err)
{
    *yes = false;
    char *want = wanted_secret_hash(ctx), *have = NULL;
    if (!want)
        return bc_fail(err, BC_ERR, "the new secret is not known to this run");
    bc_status st = deployed_secret_hash(dep_of(ctx), &have, err);
    if (st == BC_OK && have && strcmp(have, want) == 0) {
        *yes = true;
        *note = bc_xasprintf("the deployment holds the new secret (sha256:%s)", want);
    }
    free(want);
    free(have);
    return st;
}

static bc_status act_replace_secret(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    const bc_jwks_deploy *dep = dep_of(ctx);
    if (!dep->new_secret || !*dep->new_secret)
        return bc_fail(err, BC_REFUSED,
                       "the new BETTER_AUTH_SECRET is not known to this run (it is never stored): "
                       "give it again with `bcadmin env sync --replace-secret`");
    if (strlen(dep->new_secret) < 32)
        return bc_fail(err, BC_REFUSED,
                       "the new BETTER_AUTH_SECRET has %zu characters; Better Auth needs at "
                       "least 32",
                       strlen(dep->new_secret));
    char *old = NULL, *hash = bc_envsync_hash(dep->new_secret, strlen(dep->new_secret));
    bc_status st = deployed_secret_hash(dep, &old, err);
    set_var(ctx, "secret_hash", hash);
    int64_t aid = 0;
    if (st == BC_OK) {
        /* The secret's short hash, under the variable's name as env.sync records it. */
        char *was = old ? bc_xasprintf("sha256:%s", old) : NULL;
        char *now = bc_xasprintf("sha256:%s", hash);
        st = audit_begin_field(ctx, "env.replace_secret", "BETTER_AUTH_SECRET",
                               "BETTER_AUTH_SECRET", was, now, &aid, err);
        free(was);
        free(now);
    }
    if (st == BC_OK) {
        json_t *changes = json_pack("[{s:s, s:s}]", "name", "BETTER_AUTH_SECRET", "value",
                                    dep->new_secret);
        st = bc_convex_env_update(dep->c, changes, err);
        json_decref(changes);
        audit_finish(ctx, aid, st == BC_OK ? NULL : err);
    }
    if (st == BC_OK)
        *output = bc_xasprintf("BETTER_AUTH_SECRET replaced (sha256:%s -> sha256:%s): the key is "
                               "rotated next",
                               old ? old : "none", hash);
    free(old);
    free(hash);
    return st;
}

static bc_status act_record(bc_checklist_ctx *ctx, char **output, bc_error *err)
{
    const char *kid = var_text(ctx, "new_kid") ? var_text(ctx, "new_kid") : var_text(ctx, "kid");
    char *action = bc_xasprintf("checklist.%s", ctx->run ? ctx->run->checklist : "run");
    int64_t aid;
    bc_status st = audit_begin(ctx, action, "jwks", var_text(ctx, "old_kid"), kid, &aid, err);
    free(action);
    if (st != BC_OK)
        return st;
    audit_finish(ctx, aid, NULL);
    *output = bc_xasprintf("recorded in the audit log (entry %lld): key %s", (long long)aid,
                           kid ? kid : "?");
    return BC_OK;
}

const bc_checklist_action bc_jwks_actions[] = {
    {"convex.reachable", act_reachable, NULL, NULL},
    {"convex.secret_present", act_secret, NULL, NULL},
    {"convex.get_latest_jwks", act_latest, NULL, NULL},
    {"convex.set_jwks", act_set_jwks, jwks_current, jwks_current},
    {"convex.replace_secret", act_replace_secret, secret_is_new, secret_is_new},
    {"jwks.doctor", act_doctor, NULL, NULL},
    {"convex.impact", act_impact, NULL, NULL},
    {"convex.rotate_keys", act_rotate, NULL, examine_rotate},
    {"convex.verify_rotation", act_verify_rotation, NULL, NULL},
    {"record", act_record, NULL, NULL},
};
const size_t bc_jwks_n_actions = sizeof bc_jwks_actions / sizeof bc_jwks_actions[0];
