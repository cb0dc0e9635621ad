/* cli_env.c - the env verbs: list, diff, sync, set, unset on a Convex deployment's variables.
 *
 * Every decision is core/envsync's; these functions pick the deployment, load the file, print
 * the plan (values masked unless --reveal, escaped for the terminal), ask before applying, and
 * print what was done. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "target.h"
#include "dotenv.h"
#include "envsync.h"
#include "paths.h"
#include "print.h"
#include "state.h"
#include "text.h"
#include "xalloc.h"

#define DEFAULT_FILE BC_ENVSYNC_DEFAULT_FILE

/* --- the deployment ------------------------------------------------------------------------- */

/* The deployment the verbs act on: the target every verb opens (bc_cli_open_conn: flags, then
 * CONVEX_DEPLOY_KEY or CONVEX_SELF_HOSTED_* from the environment, .env.local, then .env), its
 * connection enough even when the auth functions do not answer. */
static bc_status open_deployment(bc_cli *c, bool read_only, bc_error *err)
{
    bc_status st = bc_cli_open_conn(c, read_only, err);
    if (st == BC_OK && !c->t.conn)
        st = bc_fail(err, BC_USAGE,
                     "%s is a SQLite file: the env verbs work on a Convex deployment (select one "
                     "with --url/--admin-key, CONVEX_DEPLOY_KEY or CONVEX_SELF_HOSTED_URL)",
                     c->t.label ? c->t.label : "the target");
    return st;
}

/* --- printing ------------------------------------------------------------------------------- */

/* A value as shown: masked, or with --reveal escaped for the terminal (raw in JSON). */
static char *shown(const bc_cli *c, const char *v, size_t len, bool json)
{
    if (!v)
        return NULL;
    if (!c->reveal)
        return bc_envsync_mask(v, len);
    return json ? bc_xstrndup(v, len) : bc_text_escape(v, len);
}

static json_t *json_shown(const bc_cli *c, const char *v, size_t len)
{
    if (!v)
        return json_null();
    if (c->reveal)
        return json_stringn(v, len);
    char *m = bc_envsync_mask(v, len);
    json_t *j = json_string(m);
    free(m);
    return j;
}

static void print_lines(FILE *f, const char *title, char **lines, size_t n)
{
    if (!n)
        return;
    fprintf(f, "%s:\n", title);
    for (size_t i = 0; i < n; i++)
        bc_cli_line(f, "  %s", lines[i]);
}

static const char *jwks_step_name(bc_envsync_jwks_step s)
{
    switch (s) {
    case BC_ENVSYNC_JWKS_CREATE:
        return "create";
    case BC_ENVSYNC_JWKS_ROTATE:
        return "rotate";
    case BC_ENVSYNC_JWKS_CHECK:
        return "check";
    case BC_ENVSYNC_JWKS_NONE:
        break;
    }
    return "none";
}

static const char *const jwks_step_text[] = {
    [BC_ENVSYNC_JWKS_NONE] = NULL,
    [BC_ENVSYNC_JWKS_CREATE] = "JWKS: none yet. After the variables are live, getLatestJwks runs "
                               "on the deployment (it encrypts the key with the deployment's "
                               "BETTER_AUTH_SECRET, so the secret must be there first) and its "
                               "result is set in a second request",
    [BC_ENVSYNC_JWKS_ROTATE] = "JWKS: its key was encrypted with the old secret. After the new "
                               "secret is live, rotateKeys makes a key under it and JWKS is set "
                               "in a second request",
    [BC_ENVSYNC_JWKS_CHECK] = "JWKS: present; checked against the final BETTER_AUTH_SECRET",
};

static void print_plan(const bc_cli *c, const bc_envsync_plan *p, const char *label)
{
    FILE *f = c->out;
    bc_cli_line(f, "%s -> %s", p->path ? p->path : "(no file)", label);
    static const bc_print_col cols[] = {{"", 0, false}, {"NAME", 40, false}, {"VALUE", 60, false}, {"NOTE", 0, false}};
    bc_table t;
    bc_table_init(&t, f, c->columns, cols, 4);
    t.indent = "  ";
    static const char marks[] = {
        [BC_ENVSYNC_ADD] = '+',         [BC_ENVSYNC_CHANGE] = '~',  [BC_ENVSYNC_UNCHANGED] = '=',
        [BC_ENVSYNC_REMOTE_ONLY] = '.', [BC_ENVSYNC_REMOVE] = '-',  [BC_ENVSYNC_INVALID] = '!',
        [BC_ENVSYNC_EMPTY] = ' ',       [BC_ENVSYNC_BLOCKED] = 'X',
    };
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        char mark[2] = {marks[it->kind], 0};
        char *local = shown(c, it->local, it->local_len, false);
        char *remote = shown(c, it->remote, it->remote_len, false);
        char *value = NULL;
        if (it->kind == BC_ENVSYNC_CHANGE || (it->kind == BC_ENVSYNC_BLOCKED && local && remote))
            value = bc_xasprintf("%s -> %s", remote, local);
        else
            value = bc_xstrdup(local ? local : remote ? remote : "");
        char *note = it->note ? bc_xasprintf("%s: %s", bc_envsync_kind_name(it->kind), it->note)
                              : bc_xstrdup(bc_envsync_kind_name(it->kind));
        const char *cells[] = {mark, it->name, value, note};
        bc_table_row(&t, cells, NULL);
        free(local);
        free(remote);
        free(value);
        free(note);
    }
    bc_table_flush(&t);
    bc_table_release(&t);
    if (jwks_step_text[p->jwks])
        fprintf(f, "%s\n", jwks_step_text[p->jwks]);
    fprintf(
        f,
        "%zu to add, %zu to change, %zu to remove, %zu unchanged, %zu only on the "
        "deployment, %zu invalid, %zu blocked\n",
        bc_envsync_plan_count(p, BC_ENVSYNC_ADD), bc_envsync_plan_count(p, BC_ENVSYNC_CHANGE),
        bc_envsync_plan_count(p, BC_ENVSYNC_REMOVE), bc_envsync_plan_count(p, BC_ENVSYNC_UNCHANGED),
        bc_envsync_plan_count(p, BC_ENVSYNC_REMOTE_ONLY),
        bc_envsync_plan_count(p, BC_ENVSYNC_INVALID), bc_envsync_plan_count(p, BC_ENVSYNC_BLOCKED));
    print_lines(f, "warnings", p->warnings, p->n_warnings);
    print_lines(f, "refused", p->refusals, p->n_refusals);
}

static json_t *lines_json(char **lines, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(lines[i]));
    return a;
}

static json_t *plan_json(const bc_cli *c, const bc_envsync_plan *p, const char *label)
{
    json_t *items = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        json_t *o =
            json_pack("{s:s,s:s}", "name", it->name, "action", bc_envsync_kind_name(it->kind));
        json_object_set_new(o, "local", json_shown(c, it->local, it->local_len));
        json_object_set_new(o, "remote", json_shown(c, it->remote, it->remote_len));
        json_object_set_new(o, "line", it->line ? json_integer(it->line) : json_null());
        json_object_set_new(o, "note", it->note ? json_string(it->note) : json_null());
        json_array_append_new(items, o);
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "file", p->path ? json_string(p->path) : json_null());
    json_object_set_new(doc, "deployment", json_string(label));
    json_object_set_new(doc, "items", items);
    json_object_set_new(doc, "jwks", json_string(jwks_step_name(p->jwks)));
    json_object_set_new(doc, "secretGenerated", json_boolean(p->secret_generated));
    json_object_set_new(doc, "secretOffer", json_boolean(p->secret_offer));
    json_object_set_new(doc, "warnings", lines_json(p->warnings, p->n_warnings));
    json_object_set_new(doc, "refusals", lines_json(p->refusals, p->n_refusals));
    return doc;
}

/* --- shared steps --------------------------------------------------------------------------- */

static bc_status load_file(const bc_cli *c, bc_dotenv **env, bc_error *err)
{
    const char *path = c->env_file ? c->env_file : DEFAULT_FILE;
    bc_status st = bc_dotenv_load(path, env, err);
    if (st == BC_NOT_FOUND && !c->env_file)
        bc_error_prefix(err, "no --file given and the default %s is missing", DEFAULT_FILE);
    return st;
}

static bc_status list_remote(bc_target *t, json_t **vars, bc_error *err)
{
    return bc_target_env_list(t, vars, err);
}

/* The plan's options from the command line and what the deployment holds: the secret guard
 * needs the jwks table's key rows when there is a secret to protect. */
static bc_envsync_opts plan_opts(bc_cli *c, const json_t *vars)
{
    bool secret = json_object_get(vars, BC_ENVSYNC_SECRET) != NULL;
    return (bc_envsync_opts){.auth = c->auth,
                             .force = c->force,
                             .prune = c->prune,
                             .replace_secret = c->replace_secret,
                             .key_rows = secret ? bc_target_key_rows(&c->t) : 0};
}

/* --replace-secret: the new secret (held in memory only) goes to the replace-secret checklist,
 * which sets it and rotates the key right after. run_doc: as bc_cli_run_checklist's. */
static bc_status replace_secret(bc_cli *c, const char *secret, json_t **run_doc, bc_error *err)
{
    c->t.jwks.new_secret = secret;
    bc_status st = bc_cli_run_checklist(c, "replace-secret", true, run_doc, err);
    c->t.jwks.new_secret = NULL;
    return st;
}

/* Apply a plan (audited through the target), then print what happened. */
static bc_status apply_plan(bc_cli *c, bc_envsync_plan *p, const char *action, bool write_offer,
                            json_t *doc, bc_error *err)
{
    bc_envsync_report rep = {0};
    bc_status st = bc_target_env_apply(&c->t, p, action, write_offer, &rep, err);
    if (doc) {
        json_object_set_new(doc, "applied", json_boolean(st == BC_OK));
        json_object_set_new(doc, "steps", lines_json(rep.steps, rep.n_steps));
        json_object_set_new(doc, "unchangedAfterFailure",
                            json_boolean(rep.unchanged_after_failure));
        if (st != BC_OK)
            json_object_set_new(doc, "error", json_string(err->msg));
    } else {
        for (size_t i = 0; i < rep.n_steps; i++)
            bc_cli_line(c->out, "%s", rep.steps[i]);
    }
    bc_envsync_report_release(&rep);
    return st;
}

/* --- env list ------------------------------------------------------------------------------- */

static void print_vars(bc_cli *c, const json_t *vars, const bc_dotenv *file)
{
    if (c->format == BC_OUT_JSON) {
        json_t *doc = json_object();
        const char *name;
        json_t *v;
        json_object_foreach((json_t *)vars, name, v) json_object_set_new(
            doc, name, json_shown(c, json_string_value(v), json_string_length(v)));
        bc_json_print(c->out, doc);
        return;
    }
    static const bc_print_col cols[] = {{"NAME", 40, false}, {"VALUE", 80, false}, {"LINE", 0, false}};
    bc_table t;
    bc_table_init(&t, c->out, c->columns, cols, file ? 3 : 2);
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)vars, name, v)
    {
        char *value = shown(c, json_string_value(v), json_string_length(v), false);
        char line[16] = "";
        const bc_dotenv_entry *e = file ? bc_dotenv_get(file, name) : NULL;
        if (e)
            snprintf(line, sizeof line, "%u", e->line);
        const char *cells[] = {name, value, line};
        bc_table_row(&t, cells, NULL);
        free(value);
    }
    bc_table_flush(&t);
    bc_table_release(&t);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of vars with its names in order. */
static json_t *sorted(const json_t *vars)
{
    size_t n = json_object_size(vars), i = 0;
    const char **names = bc_xcalloc(n + 1, sizeof *names);
    const char *name;
    json_t *v;
    json_object_foreach((json_t *)vars, name, v) names[i++] = name;
    qsort(names, n, sizeof *names, name_cmp);
    json_t *out = json_object();
    for (i = 0; i < n; i++)
        json_object_set(out, names[i], json_object_get(vars, names[i]));
    free(names);
    return out;
}

bc_status bc_cli_env_list(bc_cli *c, bc_error *err)
{
    if (c->env_file) {
        bc_dotenv *env = NULL;
        bc_status st = bc_dotenv_load(c->env_file, &env, err);
        if (st != BC_OK)
            return st;
        json_t *vars = json_object(); /* file order: entries dotenv keeps */
        for (size_t i = 0; i < env->n_entries; i++)
            if (!env->entries[i].overridden)
                json_object_set_new(vars, env->entries[i].name,
                                    json_stringn(env->entries[i].value, env->entries[i].value_len));
        for (size_t i = 0; i < env->n_diags; i++) {
            char *d = bc_dotenv_diag_format(env, &env->diags[i]);
            bc_cli_line(stderr, "bcadmin: %s", d);
            free(d);
        }
        print_vars(c, vars, env);
        json_decref(vars);
        bc_dotenv_free(env);
        return BC_OK;
    }
    json_t *vars = NULL;
    bc_status st = open_deployment(c, true, err);
    if (st == BC_OK)
        st = list_remote(&c->t, &vars, err);
    if (st == BC_OK) {
        json_t *s = sorted(vars);
        print_vars(c, s, NULL);
        json_decref(s);
    }
    json_decref(vars);
    return st;
}

/* --- env diff ------------------------------------------------------------------------------- */

/* env diff --exit-code: differences are a failure (exit 1), for CI. */
static bc_status drift(size_t n, const char *sides, bc_error *err)
{
    if (n == 0)
        return BC_OK;
    return bc_fail(err, BC_ERR, "%s differ in %zu name%s (--exit-code)", sides, n,
                   n == 1 ? "" : "s");
}

/* The plan's rows that `env sync` would act on or stop at: add, change, remove, invalid,
 * blocked. Names only the deployment has (JWKS, typically) are kept by a sync: not drift. */
static size_t plan_differences(const bc_envsync_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        bc_envsync_kind k = p->items[i].kind;
        n += k == BC_ENVSYNC_ADD || k == BC_ENVSYNC_CHANGE || k == BC_ENVSYNC_REMOVE ||
             k == BC_ENVSYNC_INVALID || k == BC_ENVSYNC_BLOCKED;
    }
    return n;
}

static size_t cmp_differences(const bc_envsync_cmp *cmp)
{
    size_t n = 0;
    for (size_t i = 0; i < cmp->n; i++)
        n += cmp->items[i].kind != BC_ENVSYNC_SAME;
    return n;
}

static bc_status diff_against(bc_cli *c, bc_target *here, bc_error *err)
{
    bc_target there = {0};
    json_t *a = NULL, *b = NULL;
    bc_envsync_cmp cmp = {0};
    bc_status st = bc_target_open_file(c->against, &there, err);
    if (st != BC_OK)
        bc_error_prefix(err, "--against %s", c->against);
    if (st == BC_OK)
        st = list_remote(here, &a, err);
    if (st == BC_OK)
        st = list_remote(&there, &b, err);
    if (st == BC_OK)
        st = bc_envsync_compare(a, b, &cmp, err);
    if (st == BC_OK && c->format == BC_OUT_JSON) {
        json_t *items = json_array();
        for (size_t i = 0; i < cmp.n; i++) {
            const bc_envsync_cmp_item *it = &cmp.items[i];
            json_array_append_new(items, json_pack("{s:s,s:s,s:s?,s:s?}", "name", it->name,
                                                   "status", bc_envsync_cmp_name(it->kind), "here",
                                                   it->here_mask, "there", it->there_mask));
        }
        bc_json_print(c->out, json_pack("{s:s,s:s,s:o}", "here", here->label, "there", there.label,
                                        "items", items));
    } else if (st == BC_OK) {
        bc_cli_line(c->out, "here:  %s", here->label);
        bc_cli_line(c->out, "there: %s", there.label);
        static const bc_print_col cols[] = {
            {"NAME", 40, false}, {"STATUS", 0, false}, {"HERE", 0, false}, {"THERE", 0, false}};
        bc_table t;
        bc_table_init(&t, c->out, c->columns, cols, 4);
        size_t differ = 0;
        for (size_t i = 0; i < cmp.n; i++) {
            const bc_envsync_cmp_item *it = &cmp.items[i];
            differ += it->kind != BC_ENVSYNC_SAME;
            const char *cells[] = {it->name, bc_envsync_cmp_name(it->kind), it->here_mask,
                                   it->there_mask};
            bc_table_row(&t, cells, NULL);
        }
        bc_table_flush(&t);
        bc_table_release(&t);
        fprintf(c->out, "%zu of %zu names differ\n", differ, cmp.n);
    }
    if (st == BC_OK && c->exit_code)
        st = drift(cmp_differences(&cmp), "the two deployments", err);
    bc_envsync_cmp_release(&cmp);
    json_decref(a);
    json_decref(b);
    bc_target_close(&there);
    return st;
}

bc_status bc_cli_env_diff(bc_cli *c, bc_error *err)
{
    bc_status st = open_deployment(c, true, err);
    if (st == BC_OK && c->against)
        return diff_against(c, &c->t, err);
    bc_dotenv *env = NULL;
    json_t *vars = NULL;
    bc_envsync_plan p = {0};
    if (st == BC_OK)
        st = load_file(c, &env, err);
    if (st == BC_OK)
        st = list_remote(&c->t, &vars, err);
    bc_envsync_opts o = {0};
    if (st == BC_OK)
        st = bc_envsync_plan_file(env, vars, &o, &p, err);
    if (st == BC_OK && c->format == BC_OUT_JSON)
        bc_json_print(c->out, plan_json(c, &p, c->t.label));
    else if (st == BC_OK)
        print_plan(c, &p, c->t.label);
    if (st == BC_OK && c->exit_code)
        st = drift(plan_differences(&p), "the file and the deployment", err);
    bc_envsync_plan_release(&p);
    json_decref(vars);
    bc_dotenv_free(env);
    return st;
}

/* --- env sync ------------------------------------------------------------------------------- */

/* Whether to go on: --yes, or a yes on the terminal (and the name on production). */
static bc_status agree(bc_cli *c, const bc_envsync_plan *p, bc_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->items[i].include;
    char *q =
        bc_xasprintf("Apply %zu change%s to %s in one request?", n, n == 1 ? "" : "s", c->t.label);
    bc_status st = bc_cli_confirm(c, q, true, err);
    free(q);
    return st;
}

/* The deployment's secret is not in the file: copy it there? --yes says yes. Writing the local
 * file is not a change on the deployment: a plain y/N. */
static bool take_offer(bc_cli *c, const bc_envsync_plan *p)
{
    if (!p->secret_offer)
        return false;
    if (c->yes)
        return true;
    if (c->dry_run || !isatty(STDIN_FILENO))
        return false;
    char *path = bc_text_escape(p->path, strlen(p->path));
    fprintf(stderr,
            "BETTER_AUTH_SECRET is on the deployment but not in %s; write the deployment's "
            "value there? [y/N] ",
            path);
    free(path);
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    line[strcspn(line, "\r\n")] = 0;
    return strcmp(line, "y") == 0 || strcmp(line, "Y") == 0 || strcmp(line, "yes") == 0;
}

bc_status bc_cli_env_sync(bc_cli *c, bc_error *err)
{
    bc_dotenv *env = NULL;
    json_t *vars = NULL;
    bc_envsync_plan p = {0};
    bc_status st = open_deployment(c, false, err);
    if (st == BC_OK)
        st = load_file(c, &env, err);
    if (st == BC_OK)
        st = list_remote(&c->t, &vars, err);
    bc_envsync_opts o = st == BC_OK ? plan_opts(c, vars) : (bc_envsync_opts){0};
    if (st == BC_OK)
        st = bc_envsync_plan_file(env, vars, &o, &p, err);
    if (st != BC_OK)
        goto done;
    bool json = c->format == BC_OUT_JSON;
    json_t *doc = json ? plan_json(c, &p, c->t.label) : NULL;
    json_t *run = NULL; /* --replace-secret's checklist run, inside doc: one JSON document */
    if (!json)
        print_plan(c, &p, c->t.label);
    if (p.n_refusals) {
        st = bc_fail(err, BC_REFUSED, "nothing was changed: %zu refused (see above)", p.n_refusals);
    } else if (c->dry_run) {
        if (!json)
            fputs("dry run: nothing was changed\n", c->out);
    } else {
        bool offer = take_offer(c, &p);
        if (!bc_envsync_plan_has_work(&p) && !offer) {
            if (!json && !p.replace_secret)
                fputs("nothing to do: the deployment already matches\n", c->out);
        } else {
            if (bc_envsync_plan_has_work(&p))
                st = agree(c, &p, err);
            if (st == BC_OK)
                st = apply_plan(c, &p, "env.sync", offer, doc, err);
        }
        if (st == BC_OK && p.replace_secret)
            st = replace_secret(c, p.replace_secret, json ? &run : NULL, err);
        else if (st == BC_OK && c->replace_secret && !json)
            fputs("--replace-secret: BETTER_AUTH_SECRET does not change under keys: nothing to "
                  "replace\n",
                  c->out);
    }
    if (json) {
        json_object_set_new(doc, "dryRun", json_boolean(c->dry_run));
        if (!json_object_get(doc, "applied"))
            json_object_set_new(doc, "applied", json_false());
        if (c->replace_secret)
            json_object_set_new(doc, "run", run ? run : json_null());
        bc_json_print(c->out, doc);
    }
done:
    bc_envsync_plan_release(&p);
    json_decref(vars);
    bc_dotenv_free(env);
    return st;
}

/* --- env set / env unset -------------------------------------------------------------------- */

/* Standard input exactly, minus one trailing newline. */
static bc_status read_stdin(char **out, size_t *len, bc_error *err)
{
    bc_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        bc_buf_append(&b, chunk, n);
        if (b.len > 1 << 20) {
            bc_buf_release(&b);
            return bc_fail(err, BC_USAGE, "the value on standard input is over 1 MiB");
        }
    }
    if (ferror(stdin)) {
        bc_buf_release(&b);
        return bc_fail(err, BC_ERR, "reading the value from standard input failed");
    }
    bc_buf_append(&b, "", 0);
    *len = b.len;
    *out = bc_buf_take(&b);
    if (*len && (*out)[*len - 1] == '\n')
        (*out)[--*len] = 0;
    return BC_OK;
}

static bc_status change_one(bc_cli *c, const bc_envsync_local *l, bc_error *err)
{
    json_t *vars = NULL;
    bc_envsync_plan p = {0};
    bc_status st = open_deployment(c, false, err);
    if (st == BC_OK)
        st = list_remote(&c->t, &vars, err);
    bc_envsync_opts o = st == BC_OK ? plan_opts(c, vars) : (bc_envsync_opts){0};
    o.auth = o.prune = false;
    o.only_local = true;
    if (st == BC_OK)
        st = bc_envsync_plan_make(l, 1, NULL, vars, &o, &p, err);
    const bc_envsync_item *it = st == BC_OK ? &p.items[0] : NULL;
    if (st == BC_OK && it->kind == BC_ENVSYNC_INVALID)
        st = bc_fail(err, BC_USAGE, "%s: %s", it->name, it->note);
    else if (st == BC_OK && it->kind == BC_ENVSYNC_EMPTY)
        st = bc_fail(err, BC_USAGE, "%s: the value is empty (use `bcadmin env unset %s`)", it->name,
                     it->name);
    else if (st == BC_OK && l->remove && it->kind == BC_ENVSYNC_UNCHANGED)
        st = bc_fail(err, BC_NOT_FOUND, "%s is not set on %s", it->name, c->t.label);
    else if (st == BC_OK && p.n_refusals)
        st = bc_fail(err, BC_REFUSED, "nothing was changed: %s", p.refusals[0]);
    print_lines(stderr, "warnings", p.warnings, p.n_warnings);
    if (st == BC_OK && it->kind == BC_ENVSYNC_UNCHANGED) {
        bc_cli_line(c->out, "%s already has this value", it->name);
    } else if (st == BC_OK && p.replace_secret) {
        st = replace_secret(c, p.replace_secret, NULL, err);
    } else if (st == BC_OK) {
        char *q = bc_xasprintf("%s %s on %s?", l->remove ? "Remove" : "Set", it->name,
                               c->t.label);
        st = bc_cli_confirm(c, q, false, err);
        free(q);
        if (st == BC_OK)
            st = apply_plan(c, &p, l->remove ? "env.unset" : "env.set", false, NULL, err);
        if (st == BC_OK)
            bc_cli_line(c->out, "%s %s", it->name, l->remove ? "removed" : "set");
    }
    bc_envsync_plan_release(&p);
    json_decref(vars);
    return st;
}

bc_status bc_cli_env_set(bc_cli *c, bc_error *err)
{
    bc_error check = {0};
    if (bc_envsync_name_check(c->args[0], &check) != BC_OK)
        return bc_fail(err, BC_USAGE, "%s", check.msg);
    char *value = NULL;
    size_t len = 0;
    bc_status st = BC_OK;
    if (isatty(STDIN_FILENO) == 1) {
        /* On a terminal the value is one line typed without echo, twice: reading to the end of
         * input would take the confirmation that follows as part of the value. */
        char *prompt = bc_xasprintf("Value for %s (one line, not shown): ", c->args[0]);
        value = bc_cli_read_masked(prompt);
        free(prompt);
        char *again = value ? bc_cli_read_masked("Repeat it: ") : NULL;
        bool same = value && again && strcmp(value, again) == 0;
        free(again);
        if (!same) {
            free(value);
            return bc_fail(err, BC_USAGE, "the two values for %s differ: nothing was changed",
                           c->args[0]);
        }
        len = strlen(value);
    } else {
        st = read_stdin(&value, &len, err);
    }
    if (st != BC_OK)
        return st;
    bc_envsync_local l = {c->args[0], value, len, 0, false};
    st = change_one(c, &l, err);
    free(value);
    return st;
}

bc_status bc_cli_env_unset(bc_cli *c, bc_error *err)
{
    bc_envsync_local l = {.name = c->args[0], .remove = true};
    return change_one(c, &l, err);
}
