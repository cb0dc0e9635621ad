/* deployment.c - the Convex CLI's deployment selection (convex 1.48 cli/lib/deploymentSelection.js
 * and deployment.js), restated in C for what can be done without a Convex account login. */
#include "deployment.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "convex_http.h"
#include "encoding.h"
#include "xalloc.h"

static const char *process_lookup(void *ctx, const char *name)
{
    (void)ctx;
    return getenv(name);
}

const bc_env_source bc_env_process = {"the environment", process_lookup, NULL};

/* The value of name from the first source that has it non-empty (dotenv never overrides a
 * variable already set, and the CLI treats an empty one as unset). *where names the source. */
static const char *lookup(const bc_env_source *src, size_t n, const char *name, const char **where)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = src[i].fn(src[i].ctx, name);
        if (v && *v) {
            if (where)
                *where = src[i].label;
            return v;
        }
    }
    return NULL;
}

char *bc_key_fingerprint(const char *key)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(key, strlen(key), md, &len, EVP_sha256(), NULL);
    char *hex = bc_hex_encode(md, 4);
    char *fp = bc_xasprintf("key:%s", hex);
    free(hex);
    return fp;
}

void bc_deployment_release(bc_deployment *d)
{
    if (d->key)
        memset(d->key, 0, strlen(d->key));
    free(d->key);
    free(d->url);
    free(d->name);
    free(d->fingerprint);
    free(d->label);
    free(d->how);
    *d = (bc_deployment){0};
}

/* The host of a URL, for naming self-hosted deployments. */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    return bc_xstrndup(p, n);
}

/* Fingerprint and label: "PROD prod happy-otter-123 (key:1a2b3c4d)"; kind may be NULL. */
static void finish(bc_deployment *d, const char *kind, char *how)
{
    d->fingerprint = bc_key_fingerprint(d->key);
    d->label = bc_xasprintf("%s%s%s%s (%s)", d->production ? "PROD " : "", kind ? kind : "",
                            kind ? " " : "", d->name, d->fingerprint);
    d->how = how;
}

/* The parts of a deploy key `TYPE:NAME|secret`: what the CLI's deploymentNameFromAdminKey and
 * deploymentTypeFromAdminKey return. */
typedef struct {
    char *type; /* "prod", "dev", ... ; "prod" when the key has no type prefix (old keys) */
    char *name; /* NULL when the key has no '|' */
} key_parts;

static key_parts split_key(const char *key)
{
    key_parts k = {0};
    const char *bar = strchr(key, '|');
    const char *colon = strchr(key, ':');
    k.type = colon ? bc_xstrndup(key, (size_t)(colon - key)) : bc_xstrdup("prod");
    if (bar) {
        /* the name is what follows the last ':' before the '|' */
        const char *start = key;
        for (const char *p = key; p < bar; p++)
            if (*p == ':')
                start = p + 1;
        k.name = bc_xstrndup(start, (size_t)(bar - start));
    }
    return k;
}

static void key_parts_release(key_parts *k)
{
    free(k->type);
    free(k->name);
}

/* preview:TEAM:PROJECT|secret (three ':' parts before the '|'). */
static bool is_preview_key(const char *key)
{
    const char *bar = strchr(key, '|');
    if (!bar || strncmp(key, "preview:", 8) != 0)
        return false;
    int colons = 0;
    for (const char *p = key; p < bar; p++)
        colons += *p == ':';
    return colons == 2;
}

static bool is_project_key(const char *key)
{
    return strncmp(key, "project:", 8) == 0 && strchr(key, '|');
}

static bool name_ok(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static bc_status from_flags(const bc_deploy_opts *o, bc_deployment *d, bc_error *err)
{
    d->via = BC_DEPLOY_FLAGS;
    d->url = bc_xstrdup(o->url);
    d->key = bc_xstrdup(o->admin_key);
    key_parts k = split_key(o->admin_key);
    bool typed = strchr(o->admin_key, ':') && k.name;
    d->production = o->prod || (typed && strcmp(k.type, "prod") == 0);
    /* An untyped key ("convex-self-hosted|..." or an old key) names no deployment we can trust:
     * the URL's host does. */
    d->name = typed && name_ok(k.name) ? bc_xstrdup(k.name) : url_host(o->url);
    if (o->prod && typed && strcmp(k.type, "dev") == 0) {
        key_parts_release(&k);
        return bc_fail(err, BC_USAGE,
                       "--prod was given but --admin-key is a dev: key (deployment %s): give the "
                       "production deployment's key, or drop --prod",
                       d->name);
    }
    finish(d, typed ? k.type : NULL, bc_xstrdup("--url and --admin-key"));
    key_parts_release(&k);
    return BC_OK;
}

static bc_status from_deploy_key(const bc_deploy_opts *o, const char *key, const char *var,
                                 const char *where, bc_deployment *d, bc_error *err)
{
    if (is_preview_key(key))
        return bc_fail(err, BC_USAGE,
                       "%s (from %s) is a preview deploy key: which preview deployment it acts on "
                       "is decided by Convex's account service when deploying, so bcadmin cannot "
                       "reach one with it. Use the preview deployment's URL and an admin key from "
                       "its dashboard (--url URL --admin-key KEY)",
                       var, where);
    if (is_project_key(key))
        return bc_fail(err, BC_USAGE,
                       "%s (from %s) is a project key: it names a project, not a deployment, and "
                       "choosing one needs Convex's account service. Use a dev: or prod: deploy "
                       "key, or --url URL --admin-key KEY",
                       var, where);
    key_parts k = split_key(key);
    if (!k.name || !name_ok(k.name)) {
        key_parts_release(&k);
        return bc_fail(err, BC_USAGE,
                       "%s (from %s) is not a deploy key of the form prod:NAME|... or "
                       "dev:NAME|...: set it to a key from your Convex dashboard",
                       var, where);
    }
    if (strcmp(k.type, "prod") != 0 && strcmp(k.type, "dev") != 0) {
        bc_status st = bc_fail(err, BC_USAGE,
                               "%s (from %s) is a %s: key; bcadmin knows dev: and prod: deploy "
                               "keys. Use one of those, or --url URL --admin-key KEY",
                               var, where, k.type);
        key_parts_release(&k);
        return st;
    }
    if (o->prod && strcmp(k.type, "dev") == 0) {
        bc_status st = bc_fail(err, BC_USAGE,
                               "--prod was given but %s (from %s) is a dev: key for %s. The Convex "
                               "CLI acts on a deploy "
                               "key's own deployment whatever --prod says; bcadmin refuses rather "
                               "than act on dev when "
                               "you meant production. Set %s to the prod: key, or drop --prod",
                               var, where, k.name, var);
        key_parts_release(&k);
        return st;
    }
    d->via = BC_DEPLOY_KEY;
    d->key = bc_xstrdup(key);
    d->name = bc_xstrdup(k.name);
    d->production = strcmp(k.type, "prod") == 0;
    char *url_how = NULL;
    if (o->url && *o->url) {
        d->url = bc_xstrdup(o->url);
        url_how = bc_xstrdup("URL from --url");
    } else if (o->url_for_key) {
        bc_error e = {0};
        if (o->url_for_key(key, &d->url, &e) == BC_OK) {
            url_how = bc_xstrdup("URL from Convex's url_for_key service");
        } else {
            d->url = bc_xasprintf("https://%s.convex.cloud", k.name);
            url_how = bc_xasprintf("url_for_key failed (%s); URL %s (fallback)", e.msg, d->url);
        }
    } else {
        d->url = bc_xasprintf("https://%s.convex.cloud", k.name);
        url_how =
            bc_xasprintf("URL %s (fallback; --url overrides, --url-for-key asks Convex)", d->url);
    }
    char *how = bc_xasprintf("%s from %s; %s", var, where, url_how);
    free(url_how);
    finish(d, k.type, how);
    key_parts_release(&k);
    return BC_OK;
}

/* What the CLI's processDeployKeyValue does with its placeholder values. */
static bc_status deploy_key(const bc_env_source *src, size_t n, const char **key, const char **var,
                            const char **where, bc_error *err)
{
    *var = "CONVEX_DEPLOY_KEY";
    *key = lookup(src, n, *var, where);
    if (!*key) {
        *var = "CONVEX_DEPLOYMENT_TOKEN";
        *key = lookup(src, n, *var, where);
    }
    if (*key && strcmp(*key, "<ignore_deploy_key>") == 0)
        *key = NULL;
    static const char missing[] = "<missing_deploy_key:";
    size_t len = *key ? strlen(*key) : 0;
    if (*key && strncmp(*key, missing, sizeof missing - 1) == 0 && (*key)[len - 1] == '>')
        return bc_fail(err, BC_USAGE, "%.*s", (int)(len - sizeof missing),
                       *key + sizeof missing - 1);
    return BC_OK;
}

bool bc_deployment_configured(const bc_deploy_opts *o, const bc_env_source *src, size_t n)
{
    if (o && ((o->url && *o->url) || (o->admin_key && *o->admin_key)))
        return true;
    static const char *const vars[] = {"CONVEX_DEPLOY_KEY", "CONVEX_DEPLOYMENT_TOKEN",
                                       "CONVEX_SELF_HOSTED_URL", "CONVEX_SELF_HOSTED_ADMIN_KEY"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (lookup(src, n, vars[i], NULL))
            return true;
    return false;
}

bc_status bc_deployment_choose(const bc_deploy_opts *opts, const bc_env_source *src, size_t n,
                               bc_deployment *out, bc_error *err)
{
    static const bc_deploy_opts none = {0};
    const bc_deploy_opts *o = opts ? opts : &none;
    *out = (bc_deployment){0};
    bool has_url = o->url && *o->url, has_key = o->admin_key && *o->admin_key;

    /* 1. --url and --admin-key */
    if (has_url && has_key) {
        bc_status st = from_flags(o, out, err);
        if (st != BC_OK)
            bc_deployment_release(out);
        return st;
    }
    if (has_key)
        return bc_fail(err, BC_USAGE, "--admin-key needs --url (the deployment's URL)");

    /* 2. a deploy key */
    const char *key, *var, *where = NULL;
    bc_status st = deploy_key(src, n, &key, &var, &where, err);
    if (st != BC_OK)
        return st;
    if (key) {
        st = from_deploy_key(o, key, var, where, out, err);
        if (st != BC_OK)
            bc_deployment_release(out);
        return st;
    }

    /* 3. self-hosted */
    const char *sh_where = NULL, *shk_where = NULL, *dep_where = NULL;
    const char *sh_url = lookup(src, n, "CONVEX_SELF_HOSTED_URL", &sh_where);
    const char *sh_key = lookup(src, n, "CONVEX_SELF_HOSTED_ADMIN_KEY", &shk_where);
    const char *deployment = lookup(src, n, "CONVEX_DEPLOYMENT", &dep_where);
    if (sh_url && sh_key) {
        if (deployment)
            return bc_fail(err, BC_USAGE,
                           "CONVEX_DEPLOYMENT (from %s) must not be set when "
                           "CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY are set (from "
                           "%s, %s): remove one of them",
                           dep_where, sh_where, shk_where);
        out->via = BC_DEPLOY_SELF_HOSTED;
        out->url = bc_xstrdup(has_url ? o->url : sh_url);
        out->key = bc_xstrdup(sh_key);
        out->name = url_host(out->url);
        out->production = o->prod; /* a self-hosted deployment has no type: the operator says */
        finish(
            out, "self-hosted",
            bc_xasprintf("CONVEX_SELF_HOSTED_URL from %s%s, CONVEX_SELF_HOSTED_ADMIN_KEY from %s",
                         sh_where, has_url ? " (overridden by --url)" : "", shk_where));
        return BC_OK;
    }
    if (sh_url || sh_key)
        return bc_fail(err, BC_USAGE,
                       "%s is set (in %s) but %s is not: a self-hosted deployment "
                       "needs both",
                       sh_url ? "CONVEX_SELF_HOSTED_URL" : "CONVEX_SELF_HOSTED_ADMIN_KEY",
                       sh_url ? sh_where : shk_where,
                       sh_url ? "CONVEX_SELF_HOSTED_ADMIN_KEY" : "CONVEX_SELF_HOSTED_URL");
    if (deployment)
        return bc_fail(err, BC_USAGE,
                       "CONVEX_DEPLOYMENT=%s (from %s) names a deployment of your Convex project, "
                       "but the Convex CLI reaches it through your Convex login, which bcadmin "
                       "does not use: set CONVEX_DEPLOY_KEY (a %s: deploy key from the dashboard) "
                       "or give --url URL --admin-key KEY",
                       deployment, dep_where, o->prod ? "prod" : "dev");
    if (has_url)
        return bc_fail(err, BC_USAGE,
                       "--url needs --admin-key (or a deploy key in CONVEX_DEPLOY_KEY)");
    return bc_fail(err, BC_NOT_FOUND,
                   "no deployment selected: give --db FILE, or --url URL --admin-key KEY, or set "
                   "CONVEX_DEPLOY_KEY, or CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY "
                   "(in the environment, .env.local or .env)");
}

bc_status bc_deployment_url_for_key(const char *deploy_key, char **url, bc_error *err)
{
    *url = NULL;
    const char *base = getenv("BCADMIN_CONVEX_API_URL");
    char *endpoint = bc_xasprintf("%s/api/deployment/url_for_key",
                                  base && *base ? base : "https://api.convex.dev");
    json_t *body = json_pack("{s:s}", "deployKey", deploy_key);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    char *answer = NULL;
    long status = 0;
    bc_status st = bc_http_post_json(endpoint, deploy_key, text, &answer, &status, err);
    memset(text, 0, strlen(text));
    free(text);
    if (st == BC_OK) {
        /* The answer is the URL as a JSON string. */
        json_t *j = answer ? json_loads(answer, JSON_DECODE_ANY, NULL) : NULL;
        const char *u = json_string_value(j);
        if (status == 200 && u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0))
            *url = bc_xstrdup(u);
        else
            st = bc_fail(err, BC_ERR, "%s answered HTTP %ld without a URL", endpoint, status);
        json_decref(j);
    }
    free(answer);
    free(endpoint);
    return st;
}
