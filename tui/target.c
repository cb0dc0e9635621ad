/* target.c - choosing and opening the target for every verb and the console (target.h). */
#include "target.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convex_driver.h"
#include "paths.h"
#include "sqlite_driver.h"
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

bc_status bc_target_open_sqlite(const char *path, bool read_only, bc_target *t, bc_error *err)
{
    bc_sqlite_opts so = {.read_only = read_only};
    bc_status st = bc_sqlite_open(path, &so, &t->d, err);
    if (st == BC_OK)
        t->path = bc_xstrdup(path);
    return st;
}

bc_status bc_target_open_convex(const bc_target_opts *o, const bc_env_sources *env, bc_target *t,
                                bc_error *err)
{
    bc_deploy_opts dopt = deploy_opts(o);
    bc_deployment dep;
    t->convex = true;
    bc_status st = bc_deployment_choose(&dopt, env->src, env->n, &dep, err);
    if (st != BC_OK)
        return st;
    bc_convex_opts co = {.auth_functions = o->auth_functions,
                         .component = o->component,
                         .label = dep.label,
                         .production = dep.production,
                         .read_only = o->read_only};
    st = bc_convex_open(dep.url, dep.key, &co, &t->d, err);
    if (st == BC_OK) {
        t->fingerprint = bc_xstrdup(dep.fingerprint);
        t->how = bc_xstrdup(dep.how);
    }
    bc_deployment_release(&dep);
    return st;
}

bc_status bc_target_open(const bc_target_opts *o, bc_target *t, bc_error *err)
{
    *t = (bc_target){0};
    if (o->db && (o->url || o->admin_key))
        return bc_fail(err, BC_USAGE,
                       "give either --db (a SQLite file) or --url/--admin-key (a Convex "
                       "deployment), not both");
    bc_status st = bc_target_sources(o, &t->env, err);
    if (st != BC_OK)
        return st;
    if (o->db)
        return bc_target_open_sqlite(o->db, o->read_only, t, err);
    if (o->url || o->admin_key)
        return bc_target_open_convex(o, &t->env, t, err);
    const char *path = env_value("BCADMIN_DB");
    if (path)
        return bc_target_open_sqlite(path, o->read_only, t, err);
    bc_deploy_opts dopt = deploy_opts(o);
    if (bc_deployment_configured(&dopt, t->env.src, t->env.n))
        return bc_target_open_convex(o, &t->env, t, err);
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

bc_status bc_target_open_http(const bc_target_opts *o, bc_target *t, bc_error *err)
{
    bc_deploy_opts dopt = deploy_opts(o);
    bc_deployment dep;
    bc_status st = bc_deployment_choose(&dopt, t->env.src, t->env.n, &dep, err);
    if (st != BC_OK)
        return st;
    st = bc_convex_new(dep.url, dep.key, &t->conn, err);
    if (st == BC_OK) {
        free(t->fingerprint);
        free(t->how);
        t->fingerprint = bc_xstrdup(dep.fingerprint);
        t->how = bc_xstrdup(dep.how);
        t->label = bc_xstrdup(dep.label);
        t->production = dep.production;
        if (o->read_only)
            bc_convex_set_read_only(t->conn, t->label);
    }
    bc_deployment_release(&dep);
    return st;
}

void bc_target_close(bc_target *t)
{
    bc_driver_close(t->d);
    bc_convex_free(t->conn);
    free(t->label);
    bc_env_sources_release(&t->env);
    free(t->path);
    free(t->fingerprint);
    free(t->how);
    *t = (bc_target){0};
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
