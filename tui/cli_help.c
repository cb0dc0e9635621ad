/* cli_help.c - everything bcadmin says about its own command line, generated from the verb and
 * option tables (cli_table.h): the full usage, one verb's help, the JSON description the man page
 * is built from, the subverbs a hint names, and "did you mean" suggestions. */
#include "cli_help.h"
#include "cli_table.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* --- printing ---------------------------------------------------------------------------------- */

static void print_option(FILE *f, const opt_def *o)
{
    char left[80];
    snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    if (strlen(left) > 24)
        fprintf(f, "      %s\n      %-24s %s\n", left, "", o->help);
    else
        fprintf(f, "      %-24s %s\n", left, o->help);
}

static void print_options(FILE *f, opt_mask mask)
{
    for (size_t i = 0; i < bc_cli_n_options; i++)
        if (mask & BIT(bc_cli_options[i].id))
            print_option(f, &bc_cli_options[i]);
}

static void print_verb(FILE *f, const verb_def *v)
{
    fprintf(f, "  bcadmin %s%s%s%s\n      %s\n", v->name, *v->args ? " " : "", v->args,
            v->opts ? " [OPTIONS]" : "", v->summary);
    print_options(f, v->opts);
}

static const char notes[] =
    "\nUSER is a user id or an email (matched lowercased). FILTERS are the options of\n"
    "`users list` that select users (--search, --prefix, --role, --banned...).\n"
    "Target: --db, else --url and --admin-key, else BCADMIN_DB, else a Convex deployment\n"
    "chosen like the Convex CLI: CONVEX_DEPLOY_KEY (or CONVEX_DEPLOYMENT_TOKEN), else\n"
    "CONVEX_SELF_HOSTED_URL with CONVEX_SELF_HOSTED_ADMIN_KEY.\n"
    "Environment: BCADMIN_DB, BCADMIN_AS, BETTER_AUTH_SECRET, BETTER_AUTH_URL, CONVEX_*,\n"
    "CONVEX_SITE_URL, BCADMIN_JWKS_MODULE, BCADMIN_CONVEX_URL_FOR_KEY=1,\n"
    "BCADMIN_START=overview (the console opens on the Overview), BCADMIN_STATS_SAMPLE=N (rows\n"
    "per table the Overview and `stats` read on Convex, default 10000), XDG_STATE_HOME,\n"
    "XDG_DATA_HOME.\n"
    "Exit codes: 0 ok, 1 failure, 2 usage error, 3 not found, 4 refused, 5 partly applied or\n"
    "unknown (see the audit log).\n";

void bc_cli_usage(FILE *f)
{
    fputs("usage: bcadmin [GLOBAL OPTIONS] VERB [ARGUMENTS] [OPTIONS]\n"
          "bcadmin: an admin console for Better Auth databases.\n\nVerbs:\n",
          f);
    for (size_t i = 0; i < bc_cli_n_verbs; i++)
        print_verb(f, &bc_cli_verbs[i]);
    fputs("  bcadmin [GLOBAL OPTIONS]\n      with no verb: the interactive console on the target "
          "(--db, --url, BCADMIN_DB, CONVEX_*), or else the demo\n      database (made on first "
          "run); `users list` when standard input or output is not a terminal\n"
          "\nGlobal options (anywhere on the line; -h is --help, -V is --version):\n",
          f);
    print_options(f, GLOBAL_OPTS);
    fputs(notes, f);
}

/* Whether verb v is `words` or one of its subverbs ("users" covers "users list"). */
static bool verb_under(const verb_def *v, const char *words)
{
    size_t n = strlen(words);
    return strncmp(v->name, words, n) == 0 && (v->name[n] == '\0' || v->name[n] == ' ');
}

bool bc_cli_verb_help(FILE *f, const char *words)
{
    size_t shown = 0;
    for (size_t i = 0; i < bc_cli_n_verbs; i++) {
        const verb_def *v = &bc_cli_verbs[i];
        if (!verb_under(v, words))
            continue;
        fputs(shown++ ? "\n" : "usage:\n", f);
        print_verb(f, v);
    }
    if (shown)
        fputs("\nGlobal options (--db, --url, --state, --read-only, --as, --yes...): "
              "`bcadmin --help`.\n",
              f);
    return shown > 0;
}

/* --- the JSON description ---------------------------------------------------------------------- */

static json_t *options_json(opt_mask mask)
{
    json_t *a = json_array();
    for (size_t i = 0; i < bc_cli_n_options; i++) {
        const opt_def *o = &bc_cli_options[i];
        if (!(mask & BIT(o->id)))
            continue;
        json_array_append_new(a, json_pack("{s:s, s:s?, s:s}", "name", o->name, "arg", o->arg,
                                           "help", o->help));
    }
    return a;
}

bc_status bc_cli_help_json(FILE *f, bc_error *err)
{
    json_t *verbs = json_array();
    for (size_t i = 0; i < bc_cli_n_verbs; i++) {
        const verb_def *v = &bc_cli_verbs[i];
        json_array_append_new(verbs, json_pack("{s:s, s:s, s:s, s:o}", "name", v->name, "args",
                                               v->args, "summary", v->summary, "options",
                                               options_json(v->opts)));
    }
    json_t *doc = json_pack("{s:s, s:s, s:o, s:o}", "program", "bcadmin", "version",
                            BCADMIN_VERSION, "globalOptions", options_json(GLOBAL_OPTS), "verbs",
                            verbs);
    int rc = json_dumpf(doc, f, JSON_INDENT(2));
    json_decref(doc);
    if (rc != 0)
        return bc_fail(err, BC_ERR, "writing the JSON description failed");
    fputc('\n', f);
    return BC_OK;
}

/* --- hints and suggestions --------------------------------------------------------------------- */

void bc_cli_subverbs(const char *group, char *out, size_t size)
{
    size_t n = strlen(group), used = 0, count = 0;
    out[0] = '\0';
    for (size_t i = 0; i < bc_cli_n_verbs; i++) {
        const char *name = bc_cli_verbs[i].name;
        if (strncmp(name, group, n) != 0 || name[n] != ' ')
            continue;
        int w = snprintf(out + used, size - used, "%s%s", count++ ? ", " : "", name + n + 1);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

/* Optimal string alignment distance (Levenshtein plus swapped neighbours), for short words. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* Keeps the closest candidate seen so far; a candidate counts when it is at most a third of the
 * typed word away (and at least one edit is allowed), or when the word is a prefix of it. */
typedef struct {
    const char *word;
    const char *best;
    size_t best_d;
} closest;

static void consider(closest *c, const char *cand, size_t len)
{
    char buf[64];
    if (len >= sizeof buf)
        return;
    memcpy(buf, cand, len);
    buf[len] = '\0';
    size_t n = strlen(c->word);
    size_t d = strncmp(buf, c->word, n) == 0 && n >= 2 ? 1 : distance(c->word, buf);
    size_t allowed = n / 3 > 1 ? n / 3 : 1;
    if (d <= allowed && d < c->best_d) {
        c->best = cand;
        c->best_d = d;
    }
}

bool bc_cli_suggest_verb(const char *words, char *out, size_t size)
{
    const char *space = strchr(words, ' ');
    closest c = {.word = space ? space + 1 : words, .best_d = SIZE_MAX};
    size_t group = space ? (size_t)(space - words) : 0;
    for (size_t i = 0; i < bc_cli_n_verbs; i++) {
        const char *name = bc_cli_verbs[i].name;
        if (!space) { /* first words: "usrs" -> users */
            consider(&c, name, strcspn(name, " "));
        } else if (strncmp(name, words, group) == 0 && name[group] == ' ') {
            consider(&c, name + group + 1, strlen(name + group + 1));
        }
    }
    if (!c.best)
        return false;
    size_t len = space ? strlen(c.best) : strcspn(c.best, " ");
    snprintf(out, size, "%.*s%s%.*s", (int)group, words, space ? " " : "", (int)len, c.best);
    return true;
}

bool bc_cli_suggest_option(const char *name, opt_mask mask, char *out, size_t size)
{
    closest c = {.word = name, .best_d = SIZE_MAX};
    for (size_t i = 0; i < bc_cli_n_options; i++)
        if (mask & BIT(bc_cli_options[i].id))
            consider(&c, bc_cli_options[i].name, strlen(bc_cli_options[i].name));
    if (!c.best)
        return false;
    snprintf(out, size, "%s", c.best);
    return true;
}

const char *bc_cli_option_owner(const char *name)
{
    for (size_t i = 0; i < bc_cli_n_verbs; i++)
        for (size_t j = 0; j < bc_cli_n_options; j++)
            if ((bc_cli_verbs[i].opts & BIT(bc_cli_options[j].id)) &&
                strcmp(bc_cli_options[j].name, name) == 0)
                return bc_cli_verbs[i].name;
    return NULL;
}

bc_status bc_cli_unknown_verb(const char *words, bc_error *err)
{
    char near[96];
    if (bc_cli_suggest_verb(words, near, sizeof near))
        return bc_fail(err, BC_USAGE, "unknown verb \"%s\"; did you mean `bcadmin %s`?", words,
                       near);
    return bc_fail(err, BC_USAGE, "unknown verb \"%s\"", words);
}

bc_status bc_cli_unknown_option(const char *verb, opt_mask mask, const char *name, size_t len,
                                bc_error *err)
{
    char typed[64], near[64];
    snprintf(typed, sizeof typed, "%.*s", (int)len, name);
    char where[96] = "";
    if (verb)
        snprintf(where, sizeof where, " for `bcadmin %s`", verb);
    if (bc_cli_suggest_option(typed, mask, near, sizeof near))
        return bc_fail(err, BC_USAGE, "unknown option --%s%s; did you mean --%s?", typed, where,
                       near);
    const char *owner = bc_cli_option_owner(typed);
    if (owner && !verb)
        return bc_fail(err, BC_USAGE,
                       "--%s is an option of `bcadmin %s` (verb options go after the verb)", typed,
                       owner);
    if (owner)
        return bc_fail(err, BC_USAGE, "unknown option --%s%s (it is an option of `bcadmin %s`)",
                       typed, where, owner);
    return bc_fail(err, BC_USAGE, "unknown option --%s%s", typed, where);
}

/* --- the help and version verbs ------------------------------------------------------------------ */

bc_status bc_cli_help(bc_cli *c, bc_error *err)
{
    if (c->format == BC_OUT_JSON)
        return bc_cli_help_json(c->out, err);
    if (c->nargs == 0) {
        bc_cli_usage(c->out);
        return BC_OK;
    }
    char words[96];
    snprintf(words, sizeof words, "%s%s%s", c->args[0], c->nargs > 1 ? " " : "",
             c->nargs > 1 ? c->args[1] : "");
    if (bc_cli_verb_help(c->out, words))
        return BC_OK;
    return bc_cli_unknown_verb(words, err);
}

bc_status bc_cli_version(bc_cli *c, bc_error *err)
{
    fputs("bcadmin " BCADMIN_VERSION "\n", c->out);
    return BC_OK;
}
