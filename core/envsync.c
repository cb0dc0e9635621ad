/* envsync.c - the environment sync plan, its safety rules, and applying it in one request. */
#include "envsync.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "jwk.h"
#include "jwks_convex.h"
#include "jwks_doctor.h"
#include "record.h"
#include "xalloc.h"

/* ---- single rules ---------------------------------------------------------------------- */

/* Names the deployment provides itself and refuses to have overridden. */
static const char *const builtin_names[] = {"CONVEX_CLOUD_URL", "CONVEX_SITE_URL"};

bc_status bc_envsync_name_check(const char *name, bc_error *err)
{
    /* Convex's rule: ^[a-zA-Z_]+[a-zA-Z0-9_]*$ - a first character that is a letter or '_'. */
    bool ok = name && (name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') ||
                       (name[0] >= 'A' && name[0] <= 'Z'));
    for (const char *p = name ? name : ""; ok && *p; p++)
        ok = *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
             (*p >= '0' && *p <= '9');
    if (!ok)
        return bc_fail(err, BC_USAGE,
                       "Convex refuses the name \"%s\": names begin with a letter or '_' and hold "
                       "only a-z, A-Z, 0-9 and '_'",
                       name ? name : "");
    if (strlen(name) > BC_ENVSYNC_NAME_MAX)
        return bc_fail(err, BC_USAGE,
                       "Convex refuses the name %.40s...: %zu characters, at most %d", name,
                       strlen(name), BC_ENVSYNC_NAME_MAX);
    for (size_t i = 0; i < sizeof builtin_names / sizeof *builtin_names; i++)
        if (strcmp(name, builtin_names[i]) == 0)
            return bc_fail(err, BC_USAGE,
                           "Convex refuses the name %s: it is built in and cannot be overridden",
                           name);
    return BC_OK;
}

bc_status bc_envsync_value_check(size_t len, bc_error *err)
{
    if (len > BC_ENVSYNC_VALUE_MAX)
        return bc_fail(err, BC_USAGE, "Convex refuses the value: %zu bytes, at most %d (8 KiB)",
                       len, BC_ENVSYNC_VALUE_MAX);
    return BC_OK;
}

char *bc_envsync_hash(const char *value, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    EVP_Digest(value, len, md, &md_len, EVP_sha256(), NULL);
    char *hex = bc_hex_encode(md, 4);
    return hex;
}

char *bc_envsync_mask(const char *value, size_t len)
{
    if (len == 0)
        return bc_xstrdup("<empty>");
    char *h = bc_envsync_hash(value, len);
    char *out = bc_xasprintf("<%zu byte%s, sha256:%s>", len, len == 1 ? "" : "s", h);
    free(h);
    return out;
}

bc_status bc_envsync_secret_generate(char **out, bc_error *err)
{
    unsigned char bytes[32];
    *out = NULL;
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return bc_fail(err, BC_ERR, "generating BETTER_AUTH_SECRET: no random bytes from OpenSSL");
    *out = bc_base64_encode(bytes, sizeof bytes, false);
    OPENSSL_cleanse(bytes, sizeof bytes);
    return BC_OK;
}

const char *bc_envsync_kind_name(bc_envsync_kind kind)
{
    static const char *const names[] = {"add",    "change",  "unchanged", "remote-only",
                                        "remove", "invalid", "empty",     "blocked"};
    return (size_t)kind < sizeof names / sizeof *names ? names[kind] : "?";
}

const char *bc_envsync_cmp_name(bc_envsync_cmp_kind kind)
{
    static const char *const names[] = {"same", "different", "only-here", "only-there"};
    return (size_t)kind < sizeof names / sizeof *names ? names[kind] : "?";
}

/* ---- small helpers ---------------------------------------------------------------------- */

static void push_line(char ***lines, size_t *n, char *line)
{
    *lines = bc_xrealloc(*lines, (*n + 1) * sizeof **lines);
    (*lines)[(*n)++] = line;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* The string value of name in vars, or NULL; *len gets its length. */
static const char *var_get(const json_t *vars, const char *name, size_t *len)
{
    const json_t *v = json_object_get(vars, name);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* "convex/.env:7: " or "" when there is no file or line. */
static char *where(const char *path, unsigned line)
{
    if (path && line)
        return bc_xasprintf("%s:%u: ", path, line);
    return bc_xstrdup("");
}

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const bc_envsync_item *)a)->name, ((const bc_envsync_item *)b)->name);
}

static bc_envsync_item *plan_find(bc_envsync_plan *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return &p->items[i];
    return NULL;
}

const bc_envsync_item *bc_envsync_plan_find(const bc_envsync_plan *plan, const char *name)
{
    return plan_find((bc_envsync_plan *)plan, name);
}

static bc_envsync_item *add_item(bc_envsync_plan *p, const char *name)
{
    p->items = bc_xrealloc(p->items, (p->n + 1) * sizeof *p->items);
    bc_envsync_item *it = &p->items[p->n++];
    *it = (bc_envsync_item){.name = bc_xstrdup(name)};
    return it;
}

static void set_note(bc_envsync_item *it, char *note)
{
    free(it->note);
    it->note = note;
}

static bool sends(const bc_envsync_item *it)
{
    return it->include && (it->kind == BC_ENVSYNC_ADD || it->kind == BC_ENVSYNC_CHANGE ||
                           it->kind == BC_ENVSYNC_REMOVE);
}

/* ---- the plan --------------------------------------------------------------------------- */

/* One local entry's item: the name and value rules, then add/change/unchanged. */
static void plan_local(bc_envsync_plan *p, const bc_envsync_local *l, const json_t *remote)
{
    bc_envsync_item *it = add_item(p, l->name);
    size_t rlen = 0;
    const char *r = var_get(remote, l->name, &rlen);
    it->remote = bc_xmemdup(r, rlen);
    it->remote_len = rlen;
    it->line = l->line;
    bc_error e = {0};
    if (l->remove) {
        it->kind = r ? BC_ENVSYNC_REMOVE : BC_ENVSYNC_UNCHANGED;
        it->include = r != NULL;
        if (!r)
            it->note = bc_xstrdup("not set on the deployment");
        return;
    }
    it->local = bc_xmemdup(l->value ? l->value : "", l->value_len);
    it->local_len = l->value_len;
    if (bc_envsync_name_check(l->name, &e) != BC_OK ||
        bc_envsync_value_check(l->value_len, &e) != BC_OK) {
        it->kind = BC_ENVSYNC_INVALID;
        it->note = bc_xstrdup(e.msg);
        return;
    }
    if (l->value_len == 0) {
        it->kind = BC_ENVSYNC_EMPTY;
        it->note = bc_xstrdup("skipped, as better-convex skips empty values");
        return;
    }
    if (!r)
        it->kind = BC_ENVSYNC_ADD;
    else if (same_bytes(r, rlen, l->value, l->value_len))
        it->kind = BC_ENVSYNC_UNCHANGED;
    else
        it->kind = BC_ENVSYNC_CHANGE;
    it->include = it->kind != BC_ENVSYNC_UNCHANGED;
}

static bool is_protected(const char *name)
{
    return strcmp(name, BC_ENVSYNC_SECRET) == 0 || strcmp(name, BC_ENVSYNC_JWKS) == 0;
}

static void plan_remote_only(bc_envsync_plan *p, const json_t *remote, const bc_envsync_opts *o)
{
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)remote, name, v)
    {
        if (plan_find(p, name))
            continue;
        bc_envsync_item *it = add_item(p, name);
        it->remote = bc_xmemdup(json_string_value(v), json_string_length(v));
        it->remote_len = json_string_length(v);
        it->kind = BC_ENVSYNC_REMOTE_ONLY;
        if (o->prune && is_protected(name)) {
            it->note =
                bc_xasprintf("kept: --prune never removes %s (use `bcadmin env unset`)", name);
        } else if (o->prune) {
            it->kind = BC_ENVSYNC_REMOVE;
            it->include = true;
        }
    }
}

static void refuse(bc_envsync_plan *p, bc_envsync_item *it, char *why)
{
    it->kind = BC_ENVSYNC_BLOCKED;
    it->include = false;
    set_note(it, bc_xstrdup(why));
    push_line(&p->refusals, &p->n_refusals, why);
}

/* The secret would change while keys depend on it (JWKS set, or key rows in the jwks table):
 * every key would stop decrypting. Refused, unless --replace-secret hands the change to the
 * replace-secret checklist (never a removal). */
static bc_status guard_secret(bc_envsync_plan *p, bc_envsync_item *it, bool remote_jwks,
                              const bc_envsync_opts *o)
{
    char *depend = remote_jwks && o->key_rows
                       ? bc_xasprintf("JWKS is set and the jwks table holds %zu key row%s",
                                      o->key_rows, o->key_rows == 1 ? "" : "s")
                   : remote_jwks ? bc_xstrdup("JWKS is set")
                                 : bc_xasprintf("the jwks table holds %zu key row%s", o->key_rows,
                                                o->key_rows == 1 ? "" : "s");
    bool remove = it->kind == BC_ENVSYNC_REMOVE;
    if (o->replace_secret && !remove) {
        it->include = false; /* the checklist sets it, then rotates at once */
        set_note(it, bc_xasprintf("replaced by the replace-secret checklist (%s): the secret, "
                                  "then rotateKeys and JWKS, as one audited run",
                                  depend));
        p->replace_secret = bc_xstrndup(it->local, it->local_len);
        free(depend);
        return BC_OK;
    }
    refuse(p, it,
           bc_xasprintf("BETTER_AUTH_SECRET: %s the deployment's secret while keys depend on it (%s): "
                        "every key would stop decrypting: all sign-ins fail until a rotation. "
                        "Keep the deployment's secret%s",
                        remove ? "removing" : "replacing", depend,
                        remove ? ""
                               : ", or replace it with --replace-secret, which rotates the key "
                                 "right after as one audited checklist"));
    free(depend);
    return BC_OK;
}

/* BETTER_AUTH_SECRET: generate only when it is nowhere, never overwrite the deployment's by
 * omission, never change it under a JWKS without --force. */
static bc_status plan_secret(bc_envsync_plan *p, const json_t *remote, const bc_envsync_opts *o,
                             bc_error *err)
{
    bc_envsync_item *it = plan_find(p, BC_ENVSYNC_SECRET);
    bool local = it && it->local && it->local_len > 0;
    bool on_remote = var_get(remote, BC_ENVSYNC_SECRET, NULL) != NULL;
    bool remote_jwks = var_get(remote, BC_ENVSYNC_JWKS, NULL) != NULL;
    bc_envsync_item *jw = plan_find(p, BC_ENVSYNC_JWKS);
    bool jwks_replaced = jw && sends(jw);
    const char *file = p->path ? p->path : "the file";

    /* Versioned secrets (BETTER_AUTH_SECRETS, 1.5+) in the file or on the deployment: the app
     * has its current secret there, and a generated legacy one would only be noise. */
    bc_envsync_item *versioned = plan_find(p, BC_ENVSYNC_SECRETS);
    bool has_versions = var_get(remote, BC_ENVSYNC_SECRETS, NULL) ||
                        (versioned && versioned->local && versioned->local_len > 0);
    if (o->auth && !o->only_local && !local && !on_remote && !has_versions) {
        char *secret = NULL;
        if (o->generated_secret) {
            secret = bc_xstrdup(o->generated_secret);
        } else if (bc_envsync_secret_generate(&secret, err) != BC_OK) {
            return BC_ERR;
        }
        if (!it)
            it = add_item(p, BC_ENVSYNC_SECRET);
        free(it->local);
        it->local = secret;
        it->local_len = strlen(secret);
        it->kind = BC_ENVSYNC_ADD;
        it->include = true;
        set_note(it, bc_xasprintf("generated (32 random bytes, base64); written to %s before it "
                                  "is pushed",
                                  file));
        p->secret_generated = true;
        return BC_OK;
    }
    if (!it)
        return BC_OK;
    if (!local && on_remote && it->kind == BC_ENVSYNC_REMOTE_ONLY) {
        set_note(it, bc_xasprintf("kept: the deployment's secret is never overwritten or removed "
                                  "by a sync; it is not in %s",
                                  file));
        p->secret_offer = o->auth;
        return BC_OK;
    }
    if (!local && on_remote && it->kind == BC_ENVSYNC_EMPTY) {
        set_note(it, bc_xstrdup("empty in the file: the deployment's secret is kept"));
        p->secret_offer = o->auth;
        return BC_OK;
    }
    bool changes = it->kind == BC_ENVSYNC_CHANGE || it->kind == BC_ENVSYNC_REMOVE;
    if (!changes)
        return BC_OK;
    bool keys = remote_jwks || o->key_rows > 0;
    if (keys && !jwks_replaced)
        return guard_secret(p, it, remote_jwks, o);
    push_line(&p->warnings, &p->n_warnings,
              bc_xstrdup("BETTER_AUTH_SECRET changes: session cookies signed with the old secret "
                         "stop working, and keys in the jwks table encrypted with it stop "
                         "decrypting (rotate them)"));
    return BC_OK;
}

/* What the deployment holds once the included changes are applied. */
static json_t *final_vars(const bc_envsync_plan *p, const json_t *remote)
{
    json_t *f = json_deep_copy(remote);
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        if (!sends(it))
            continue;
        if (it->kind == BC_ENVSYNC_REMOVE)
            json_object_del(f, it->name);
        else
            json_object_set_new(f, it->name, json_stringn(it->local, it->local_len));
    }
    return f;
}

/* The JWKS step and the checks of the JWKS the deployment will hold. */
static void plan_jwks(bc_envsync_plan *p, const bc_envsync_opts *o)
{
    size_t jlen = 0;
    const char *jwks = var_get(p->final, BC_ENVSYNC_JWKS, &jlen);
    bc_envsync_item *jw = plan_find(p, BC_ENVSYNC_JWKS);
    bc_envsync_item *sec = plan_find(p, BC_ENVSYNC_SECRET);
    bool pushed = jw && sends(jw) && jw->kind != BC_ENVSYNC_REMOVE;
    bc_envsync_item *secs = plan_find(p, BC_ENVSYNC_SECRETS);
    bool secret_changes = (sec && sends(sec)) || (secs && sends(secs));
    if (p->jwks == BC_ENVSYNC_JWKS_ROTATE || (!p->secret && !p->secrets))
        return;
    if (!jwks) {
        if (o->auth && !o->only_local)
            p->jwks = BC_ENVSYNC_JWKS_CREATE;
        return;
    }
    if (!o->auth && !pushed && !secret_changes)
        return;
    p->jwks = BC_ENVSYNC_JWKS_CHECK;
    bc_error e = {0};
    if (bc_envsync_jwks_check(jwks, jlen, p->secret, p->secrets, &e) == BC_OK)
        return;
    if (pushed && !o->force) {
        char *l = where(p->path, jw->line);
        refuse(p, jw,
               bc_xasprintf("%sJWKS from the file would break token signing: %s (pass --force to "
                            "push it anyway)",
                            l, e.msg));
        free(l);
        return;
    }
    push_line(&p->warnings, &p->n_warnings,
              bc_xasprintf("JWKS on the deployment: %s; rotate the key (`bcadmin jwks rotate`)",
                           e.msg));
}

static void plan_refuse_invalid(bc_envsync_plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        bc_envsync_item *it = &p->items[i];
        if (it->kind != BC_ENVSYNC_INVALID)
            continue;
        char *l = where(p->path, it->line);
        push_line(&p->refusals, &p->n_refusals, bc_xasprintf("%s%s: %s", l, it->name, it->note));
        free(l);
    }
}

bc_status bc_envsync_plan_make(const bc_envsync_local *local, size_t n, const char *path,
                               const json_t *remote, const bc_envsync_opts *opts,
                               bc_envsync_plan *out, bc_error *err)
{
    static const bc_envsync_opts none = {0};
    const bc_envsync_opts *o = opts ? opts : &none;
    *out = (bc_envsync_plan){.path = bc_xstrdup(path), .force = o->force};
    if (!json_is_object(remote))
        return bc_fail(err, BC_USAGE, "the deployment's variables are not a JSON object");
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)remote, name, v)
    {
        if (!json_is_string(v))
            return bc_fail(err, BC_USAGE, "the deployment's variable %s is not a string", name);
    }
    for (size_t i = 0; i < n; i++) {
        if (!local[i].name)
            return bc_fail(err, BC_USAGE, "local entry %zu has no name", i + 1);
        if (plan_find(out, local[i].name))
            return bc_fail(err, BC_USAGE, "%s is given twice", local[i].name);
        plan_local(out, &local[i], remote);
    }
    if (!o->only_local)
        plan_remote_only(out, remote, o);
    bc_status st = plan_secret(out, remote, o, err);
    if (st != BC_OK)
        return st;
    qsort(out->items, out->n, sizeof *out->items, item_cmp);
    out->final = final_vars(out, remote);
    out->secret = bc_xstrdup(var_get(out->final, BC_ENVSYNC_SECRET, NULL));
    out->secrets = bc_xstrdup(var_get(out->final, BC_ENVSYNC_SECRETS, NULL));
    plan_jwks(out, o);
    plan_refuse_invalid(out);
    if (!o->only_local)
        bc_envsync_lint(out->final, &out->warnings, &out->n_warnings);
    return BC_OK;
}

bc_status bc_envsync_plan_file(const bc_dotenv *env, const json_t *remote,
                               const bc_envsync_opts *opts, bc_envsync_plan *out, bc_error *err)
{
    bc_envsync_local *local = bc_xcalloc(env->n_entries + 1, sizeof *local);
    size_t n = 0;
    for (size_t i = 0; i < env->n_entries; i++) {
        const bc_dotenv_entry *e = &env->entries[i];
        if (e->overridden)
            continue;
        local[n++] = (bc_envsync_local){e->name, e->value, e->value_len, e->line, false};
    }
    bc_status st = bc_envsync_plan_make(local, n, env->path, remote, opts, out, err);
    free(local);
    if (st != BC_OK)
        return st;
    /* The file's own warnings come first: they explain values the plan may show. */
    char **diags = NULL;
    size_t nd = 0;
    for (size_t i = 0; i < env->n_diags; i++)
        push_line(&diags, &nd, bc_dotenv_diag_format(env, &env->diags[i]));
    for (size_t i = 0; i < out->n_warnings; i++)
        push_line(&diags, &nd, out->warnings[i]);
    free(out->warnings);
    out->warnings = diags;
    out->n_warnings = nd;
    return BC_OK;
}

void bc_envsync_plan_release(bc_envsync_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        bc_envsync_item *it = &p->items[i];
        free(it->name);
        if (it->local)
            OPENSSL_cleanse(it->local, it->local_len);
        free(it->local);
        free(it->remote);
        free(it->note);
    }
    free(p->items);
    free_lines(p->warnings, p->n_warnings);
    free_lines(p->refusals, p->n_refusals);
    if (p->secret)
        OPENSSL_cleanse(p->secret, strlen(p->secret));
    free(p->secret);
    if (p->secrets)
        OPENSSL_cleanse(p->secrets, strlen(p->secrets));
    free(p->secrets);
    if (p->replace_secret)
        OPENSSL_cleanse(p->replace_secret, strlen(p->replace_secret));
    free(p->replace_secret);
    free(p->path);
    json_decref(p->final);
    *p = (bc_envsync_plan){0};
}

json_t *bc_envsync_plan_changes(const bc_envsync_plan *p)
{
    json_t *changes = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        if (!sends(it))
            continue;
        json_t *value =
            it->kind == BC_ENVSYNC_REMOVE ? json_null() : json_stringn(it->local, it->local_len);
        json_array_append_new(changes, json_pack("{s:s,s:o}", "name", it->name, "value", value));
    }
    return changes;
}

size_t bc_envsync_plan_count(const bc_envsync_plan *p, bc_envsync_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->items[i].kind == kind;
    return n;
}

bool bc_envsync_plan_has_work(const bc_envsync_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (sends(&p->items[i]))
            return true;
    return p->secret_generated || p->jwks == BC_ENVSYNC_JWKS_CREATE ||
           p->jwks == BC_ENVSYNC_JWKS_ROTATE;
}

/* ---- lint -------------------------------------------------------------------------------- */

static bool is_http_url(const char *s, size_t len)
{
    size_t skip = 0;
    if (len > 7 && strncmp(s, "http://", 7) == 0)
        skip = 7;
    else if (len > 8 && strncmp(s, "https://", 8) == 0)
        skip = 8;
    if (!skip || s[skip] == '/' || s[skip] == ':' || s[skip] == '?' || s[skip] == '#')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return false;
    return true;
}

/* Characters as JavaScript's String.length counts them (UTF-16 units) for UTF-8 text. */
static size_t js_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xc0) != 0x80)
            n += c >= 0xf0 ? 2 : 1;
    }
    return n;
}

static bool ends_with(const char *s, const char *suffix, size_t *prefix_len)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return false;
    *prefix_len = n - m;
    return true;
}

void bc_envsync_lint(const json_t *vars, char ***lines, size_t *n)
{
    size_t len = 0;
    const char *site = var_get(vars, "SITE_URL", &len);
    if (!site)
        push_line(lines, n,
                  bc_xstrdup("lint: SITE_URL is not set (Better Auth's baseURL: the app's "
                             "public URL, e.g. http://localhost:3000)"));
    else if (!is_http_url(site, len))
        push_line(lines, n, bc_xstrdup("lint: SITE_URL is not an http:// or https:// URL"));
    const char *secret = var_get(vars, BC_ENVSYNC_SECRET, &len);
    if (!secret)
        push_line(lines, n,
                  bc_xstrdup("lint: BETTER_AUTH_SECRET is not set (`bcadmin env sync --auth` "
                             "generates one)"));
    else if (js_length(secret, len) < BC_ENVSYNC_SECRET_MIN)
        push_line(lines, n,
                  bc_xasprintf("lint: BETTER_AUTH_SECRET has %zu characters; Better Auth needs at "
                               "least %d",
                               js_length(secret, len), BC_ENVSYNC_SECRET_MIN));
    /* Social providers: FOO_CLIENT_ID and FOO_CLIENT_SECRET come in pairs. */
    const char *name;
    const json_t *v;
    json_object_foreach((json_t *)vars, name, v)
    {
        size_t plen;
        const char *other = NULL;
        if (ends_with(name, "_CLIENT_ID", &plen))
            other = "_CLIENT_SECRET";
        else if (ends_with(name, "_CLIENT_SECRET", &plen))
            other = "_CLIENT_ID";
        if (!other)
            continue;
        char *pair = bc_xasprintf("%.*s%s", (int)plen, name, other);
        if (!json_object_get(vars, pair))
            push_line(lines, n,
                      bc_xasprintf("lint: %s is set but %s is not (a social provider needs both)",
                                   name, pair));
        free(pair);
    }
}

/* ---- JWKS checks ------------------------------------------------------------------------ */

/* The doctor's checks that judge a JWKS value and its secret alone (the others need the
 * database or the site, which a plan does not have). */
static const char *const key_checks[] = {"jwks.set",        "jwks.one_key",     "jwks.algorithm",
                                         "jwks.public_key", "jwks.private_key", "jwks.test_token"};

bc_status bc_envsync_jwks_check(const char *jwks, size_t len, const char *secret,
                                const char *secrets, bc_error *err)
{
    json_t *env = json_object();
    json_object_set_new(env, BC_ENVSYNC_JWKS, json_stringn(jwks, len));
    if (secret)
        json_object_set_new(env, BC_ENVSYNC_SECRET, json_string(secret));
    if (secrets)
        json_object_set_new(env, BC_ENVSYNC_SECRETS, json_string(secrets));
    bc_jwks_convex_inputs in = {.env = env};
    bc_checks checks = {0};
    bc_status st = bc_jwks_doctor_convex(&in, &checks, err);
    for (size_t i = 0; st == BC_OK && i < sizeof key_checks / sizeof *key_checks; i++) {
        const bc_check *c = bc_checks_find(&checks, key_checks[i]);
        if (c && c->status == BC_CHECK_FAIL)
            st = bc_fail(err, BC_ERR, "JWKS (%s): %s", c->id, c->message);
    }
    bc_checks_release(&checks);
    json_decref(env);
    return st;
}

/* ---- comparing ---------------------------------------------------------------------------- */

static int cmp_item_cmp(const void *a, const void *b)
{
    return strcmp(((const bc_envsync_cmp_item *)a)->name, ((const bc_envsync_cmp_item *)b)->name);
}

bc_status bc_envsync_compare(const json_t *here, const json_t *there, bc_envsync_cmp *out,
                             bc_error *err)
{
    *out = (bc_envsync_cmp){0};
    if (!json_is_object(here) || !json_is_object(there))
        return bc_fail(err, BC_USAGE, "comparing variables: not a JSON object");
    size_t cap = json_object_size(here) + json_object_size(there);
    out->items = bc_xcalloc(cap + 1, sizeof *out->items);
    const json_t *sides[2] = {here, there};
    for (int s = 0; s < 2; s++) {
        const char *name;
        const json_t *v;
        json_object_foreach((json_t *)sides[s], name, v)
        {
            if (!json_is_string(v)) {
                bc_envsync_cmp_release(out);
                return bc_fail(err, BC_USAGE, "comparing variables: %s is not a string", name);
            }
            if (s == 1 && json_object_get(here, name))
                continue;
            size_t alen = 0, blen = 0;
            const char *a = var_get(here, name, &alen), *b = var_get(there, name, &blen);
            bc_envsync_cmp_item *it = &out->items[out->n++];
            it->name = bc_xstrdup(name);
            it->here_mask = a ? bc_envsync_mask(a, alen) : NULL;
            it->there_mask = b ? bc_envsync_mask(b, blen) : NULL;
            if (a && b)
                it->kind = same_bytes(a, alen, b, blen) ? BC_ENVSYNC_SAME : BC_ENVSYNC_DIFFERENT;
            else
                it->kind = a ? BC_ENVSYNC_ONLY_HERE : BC_ENVSYNC_ONLY_THERE;
        }
    }
    qsort(out->items, out->n, sizeof *out->items, cmp_item_cmp);
    return BC_OK;
}

void bc_envsync_cmp_release(bc_envsync_cmp *cmp)
{
    if (!cmp)
        return;
    for (size_t i = 0; i < cmp->n; i++) {
        free(cmp->items[i].name);
        free(cmp->items[i].here_mask);
        free(cmp->items[i].there_mask);
    }
    free(cmp->items);
    *cmp = (bc_envsync_cmp){0};
}

/* ---- applying --------------------------------------------------------------------------- */

void bc_envsync_report_release(bc_envsync_report *r)
{
    if (!r)
        return;
    free_lines(r->steps, r->n_steps);
    *r = (bc_envsync_report){0};
}

static void step(bc_envsync_report *r, char *line)
{
    push_line(&r->steps, &r->n_steps, line);
}

/* Audit records hold the masked value (length and short hash), never the value. */
static void audit_field(bc_record *r, const char *name, const char *value, size_t len)
{
    if (!value) {
        bc_record_set_null(r, name);
        return;
    }
    char *m = bc_envsync_mask(value, len);
    bc_record_set_text(r, name, m);
    free(m);
}

typedef struct {
    const char *name;
    const char *before; /* NULL: not set */
    size_t before_len;
    const char *after; /* NULL: deleted */
    size_t after_len;
} audit_row;

static bc_status audit_begin(const bc_envsync_apply_opts *o, const char *action,
                             const audit_row *rows, size_t n, int64_t *id, bc_error *err)
{
    *id = 0;
    if (!o->audit)
        return BC_OK;
    bc_record before = {0}, after = {0};
    bc_buf subject = {0};
    for (size_t i = 0; i < n; i++) {
        audit_field(&before, rows[i].name, rows[i].before, rows[i].before_len);
        audit_field(&after, rows[i].name, rows[i].after, rows[i].after_len);
        bc_buf_printf(&subject, "%s%s", i ? "," : "", rows[i].name);
    }
    bc_audit_change ch = {.action = action,
                          .subject = subject.data ? subject.data : "",
                          .before = &before,
                          .after = &after};
    bc_status st = bc_audit_begin(o->audit, &o->who, &ch, id, err);
    bc_record_release(&before);
    bc_record_release(&after);
    bc_buf_release(&subject);
    return st;
}

/* Finish entry id as the request ended (failure NULL: done); returns the status the request ends
 * with, which agrees with the entry (bc_audit_finish_error): BC_OK, BC_INCOMPLETE for 'unknown',
 * or failure's own for 'failed'. */
static bc_status audit_finish(const bc_envsync_apply_opts *o, int64_t id, bc_error *failure)
{
    bc_error ignored = {0};
    if (o->audit && id)
        return bc_audit_finish_error(o->audit, id, failure, &ignored);
    if (failure && failure->uncertain)
        failure->status = BC_INCOMPLETE;
    return failure ? failure->status : BC_OK;
}

/* Whether vars shows every row as `after` (want_after) or as `before`. */
static bool rows_match(const json_t *vars, const audit_row *rows, size_t n, bool want_after,
                       const char **bad)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *v = var_get(vars, rows[i].name, &len);
        const char *want = want_after ? rows[i].after : rows[i].before;
        size_t want_len = want_after ? rows[i].after_len : rows[i].before_len;
        bool ok = want ? v && same_bytes(v, len, want, want_len) : !v;
        if (!ok) {
            *bad = rows[i].name;
            return false;
        }
    }
    return true;
}

/* Send one atomic batch, audit it, and verify it with a re-list. After a failure the deployment
 * is listed again to tell the operator whether anything changed. */
static bc_status send_batch(bc_convex *c, const bc_envsync_apply_opts *o, const char *action,
                            const audit_row *rows, size_t n, bc_envsync_report *rep, bc_error *err)
{
    json_t *changes = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            changes, json_pack("{s:s,s:o}", "name", rows[i].name, "value",
                               rows[i].after ? json_stringn(rows[i].after, rows[i].after_len)
                                             : json_null()));
    int64_t id = 0;
    bc_status st = audit_begin(o, action, rows, n, &id, err);
    if (st == BC_OK)
        st = bc_convex_env_update(c, changes, err);
    json_decref(changes);
    if (st != BC_OK) {
        char first[sizeof err->msg];
        memcpy(first, err->msg, sizeof first);
        json_t *now = NULL;
        bc_error e2 = {0};
        const char *bad = NULL;
        if (!id && o->audit) {
            /* The audit entry could not be written: nothing was sent. */
            return st;
        } else if (bc_convex_env_list(c, &now, &e2) != BC_OK) {
            bc_fail(err, st,
                    "%s; listing the deployment again failed too, so whether the change "
                    "was applied is unknown (run `bcadmin env diff` to see, then sync again): %s",
                    first, e2.msg);
            err->uncertain = true;
        } else if (rows_match(now, rows, n, false, &bad)) {
            rep->unchanged_after_failure = true;
            bc_fail(err, st,
                    "%s; the deployment is unchanged (listed again: none of the %zu "
                    "change%s was applied)",
                    first, n, n == 1 ? "" : "s");
        } else if (rows_match(now, rows, n, true, &bad)) {
            /* The request failed after the change was made (its answer lost): it stands. */
            step(rep, bc_xasprintf("the request ended in an error (%s), but listing the "
                                   "deployment again shows every change applied",
                                   first));
            rep->verified = true;
            json_decref(now);
            return audit_finish(o, id, NULL);
        } else {
            bc_fail(err, st,
                    "%s; listing the deployment again shows %s neither as before nor as "
                    "planned, so whether the change was applied is unknown (run `bcadmin env "
                    "diff` to see, then sync again)",
                    first, bad);
            err->uncertain = true;
        }
        json_decref(now);
        return audit_finish(o, id, err);
    }
    json_t *now = NULL;
    const char *bad = NULL;
    st = bc_convex_env_list(c, &now, err);
    if (st != BC_OK) {
        /* The deployment answered that it made the change: only the check could not run. */
        step(rep, bc_xasprintf("the deployment accepted the change; listing it again to check "
                               "failed: %s",
                               err->msg));
        json_decref(now);
        return audit_finish(o, id, NULL);
    }
    if (!rows_match(now, rows, n, true, &bad)) {
        bc_fail(err, BC_ERR,
                "the deployment accepted the change, but listing it again shows %s not as "
                "sent, so whether the change stands is unknown (run `bcadmin env diff` to see)",
                bad);
        err->uncertain = true;
    }
    rep->verified = !bad;
    json_decref(now);
    return audit_finish(o, id, bad ? err : NULL);
}

/* getLatestJwks or rotateKeys on the deployment: the JWKS value for the key it returns, checked
 * against the final secret (the caller frees). */
static bc_status new_jwks(const bc_jwks_deploy *dep, bool rotate, const bc_envsync_plan *p,
                          char **out, bc_error *err)
{
    bc_jwks_rows rows = {0};
    *out = NULL;
    bc_status st =
        rotate ? bc_jwks_deploy_rotate(dep, &rows, err) : bc_jwks_deploy_latest(dep, &rows, err);
    char *text = st == BC_OK ? bc_jwks_env_format(&rows) : NULL;
    bc_jwks_rows_release(&rows);
    if (st == BC_OK)
        st = bc_envsync_jwks_check(text, strlen(text), p->secret, p->secrets, err);
    if (st != BC_OK) {
        free(text);
        return st;
    }
    *out = text;
    return BC_OK;
}

static bc_status apply_jwks(bc_convex *c, bc_envsync_plan *p, const bc_envsync_apply_opts *o,
                            bc_envsync_report *rep, bc_error *err)
{
    bc_jwks_deploy dep = o->keys ? *o->keys : (bc_jwks_deploy){.c = c};
    bool rotate = p->jwks == BC_ENVSYNC_JWKS_ROTATE;
    char *text = NULL;
    bc_status st = new_jwks(&dep, rotate, p, &text, err);
    /* An older key row made under another secret: getLatestJwks hands it back as it is. */
    if (st != BC_OK && !rotate && p->force) {
        step(rep, bc_xasprintf("getLatestJwks gave a key that fails the check (%s): rotating",
                               err->msg));
        rotate = true;
        st = new_jwks(&dep, rotate, p, &text, err);
    } else if (st != BC_OK && !rotate) {
        bc_error_prefix(err, "the key getLatestJwks returned cannot be used (pass --force to "
                             "rotate keys)");
    }
    if (st != BC_OK) {
        bc_error_prefix(err, "JWKS was not set");
        return st;
    }
    size_t before_len = 0;
    const char *before = var_get(p->final, BC_ENVSYNC_JWKS, &before_len);
    audit_row row = {BC_ENVSYNC_JWKS, before, before_len, text, strlen(text)};
    st = send_batch(c, o, rotate ? "env.jwks.rotate" : "env.jwks.create", &row, 1, rep, err);
    if (st == BC_OK) {
        rep->jwks_set = true;
        step(rep,
             bc_xasprintf("%s a key with %s and set JWKS in a second request (the key is "
                          "encrypted with the secret the deployment already holds)",
                          rotate ? "rotated" : "created", rotate ? "rotateKeys" : "getLatestJwks"));
        json_object_set_new(p->final, BC_ENVSYNC_JWKS, json_string(text));
    } else {
        bc_error_prefix(err, "setting JWKS");
    }
    free(text);
    return st;
}

/* The JWKS doctor on the deployment as it now is: one step line per check that is not ok. */
static void run_doctor(bc_convex *c, const bc_envsync_apply_opts *o, bc_envsync_report *rep)
{
    bc_jwks_deploy dep = o->keys ? *o->keys : (bc_jwks_deploy){.c = c};
    bc_checks checks = {0};
    bc_error e = {0};
    if (bc_jwks_doctor_deployment(&dep, &checks, &e) != BC_OK) {
        step(rep, bc_xasprintf("the JWKS doctor could not run: %s", e.msg));
        return;
    }
    size_t bad = 0;
    for (size_t i = 0; i < checks.n; i++) {
        const bc_check *ch = &checks.items[i];
        if (ch->status == BC_CHECK_OK)
            continue;
        bad++;
        step(rep, bc_xasprintf("doctor %s %s: %s%s%s", bc_check_status_name(ch->status), ch->id,
                               ch->message, ch->fix && *ch->fix ? " - fix: " : "",
                               ch->fix ? ch->fix : ""));
    }
    rep->doctor_failed = bc_checks_failed(&checks);
    step(rep, bc_xasprintf("JWKS doctor: %zu of %zu checks ok", checks.n - bad, checks.n));
    bc_checks_release(&checks);
}

static bc_status write_file(bc_envsync_plan *p, const bc_envsync_apply_opts *o,
                            bc_envsync_report *rep, bc_error *err)
{
    const bc_envsync_item *it = plan_find(p, BC_ENVSYNC_SECRET);
    bc_dotenv_change ch = {.name = BC_ENVSYNC_SECRET};
    if (p->secret_generated && it) {
        ch.value = it->local;
        ch.value_len = it->local_len;
        ch.comment = "Generated by bcadmin env sync --auth (32 random bytes, base64)";
    } else if (p->secret_offer && o->write_offer && it && it->remote) {
        ch.value = it->remote;
        ch.value_len = it->remote_len;
        ch.comment = "Copied from the deployment by bcadmin env sync --auth";
    } else {
        return BC_OK;
    }
    if (!p->path)
        return bc_fail(err, BC_USAGE, "no local file to write BETTER_AUTH_SECRET to");
    bc_status st = bc_dotenv_save(p->path, &ch, 1, err);
    if (st != BC_OK)
        return bc_error_prefix(err, "writing BETTER_AUTH_SECRET to %s (nothing was sent)", p->path);
    rep->file_written = true;
    step(rep, bc_xasprintf("wrote BETTER_AUTH_SECRET to %s%s", p->path,
                           p->secret_generated ? " (before pushing it)" : ""));
    return BC_OK;
}

bc_status bc_envsync_apply(bc_convex *c, bc_envsync_plan *p, const bc_envsync_apply_opts *o,
                           bc_envsync_report *rep, bc_error *err)
{
    *rep = (bc_envsync_report){0};
    if (p->n_refusals) {
        bc_buf b = {0};
        for (size_t i = 0; i < p->n_refusals; i++)
            bc_buf_printf(&b, "%s%s", i ? "; " : "", p->refusals[i]);
        bc_fail(err, BC_REFUSED, "nothing was changed: %s", b.data);
        bc_buf_release(&b);
        return BC_REFUSED;
    }
    bc_status st = write_file(p, o, rep, err);
    if (st != BC_OK)
        return st;
    audit_row *rows = bc_xcalloc(p->n + 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const bc_envsync_item *it = &p->items[i];
        if (!sends(it))
            continue;
        rows[n++] = (audit_row){it->name, it->remote, it->remote_len,
                                it->kind == BC_ENVSYNC_REMOVE ? NULL : it->local, it->local_len};
    }
    if (n) {
        st = send_batch(c, o, o->action ? o->action : "env.sync", rows, n, rep, err);
        if (st == BC_OK) {
            rep->batch_sent = true;
            rep->batch_changes = n;
            step(rep, bc_xasprintf("sent %zu change%s in one request%s%s", n, n == 1 ? "" : "s",
                                   rep->verified ? "; listing the deployment again shows " : "",
                                   !rep->verified ? ""
                                   : n == 1       ? "it"
                                                  : "all of them"));
        }
    }
    free(rows);
    if (st != BC_OK)
        return st;
    if (p->jwks == BC_ENVSYNC_JWKS_CREATE || p->jwks == BC_ENVSYNC_JWKS_ROTATE)
        st = apply_jwks(c, p, o, rep, err);
    if (st == BC_OK && p->jwks != BC_ENVSYNC_JWKS_NONE)
        run_doctor(c, o, rep);
    return st;
}

size_t bc_envsync_plan_differences(const bc_envsync_plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n; i++)
        n += plan->items[i].kind != BC_ENVSYNC_UNCHANGED && plan->items[i].kind != BC_ENVSYNC_EMPTY;
    return n;
}
