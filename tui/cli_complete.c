/* cli_complete.c - shell completion, answered by bcadmin itself from its verb and option tables.
 *
 * `bcadmin completion bash|zsh|fish` prints a small script for that shell; on Tab the script runs
 * `bcadmin __complete WORD... CURRENT` and offers the lines it prints: verbs, subverbs, the
 * options of the verb typed so far, an option's values (from its placeholder, cli_table.h), and
 * the emails or roles of a SQLite target (read-only, by the email index). The single line
 * "@file" asks the shell to complete a file name. A Convex target is never contacted.
 */
#include "cli_complete.h"
#include "cli_table.h"

#include <stdlib.h>
#include <string.h>

#include "target.h"
#include "users.h"
#include "text.h"
#include "xalloc.h"

/* --- the shell scripts ------------------------------------------------------------------------- */

static const char bash_script[] =
    "# bash completion for bcadmin (printed by `bcadmin completion bash`). The candidates come\n"
    "# from bcadmin itself (`bcadmin __complete WORDS...`), so they follow its verb table.\n"
    "_bcadmin() {\n"
    "    local i w args=() glue=0 cur=${COMP_WORDS[COMP_CWORD]}\n"
    "    # bash splits --opt=value at '='; join the pieces again.\n"
    "    for ((i = 1; i <= COMP_CWORD; i++)); do\n"
    "        w=${COMP_WORDS[i]}\n"
    "        if [[ $w == = && ${#args[@]} -gt 0 ]]; then\n"
    "            args[${#args[@]}-1]+==; glue=1\n"
    "        elif ((glue)); then\n"
    "            args[${#args[@]}-1]+=$w; glue=0\n"
    "        else\n"
    "            args+=(\"$w\")\n"
    "        fi\n"
    "    done\n"
    "    [[ $cur == = ]] && cur=\n"
    "    local out\n"
    "    out=$(\"${COMP_WORDS[0]}\" __complete \"${args[@]}\" 2>/dev/null) || return 0\n"
    "    if [[ $out == @file ]]; then\n"
    "        compopt -o filenames 2>/dev/null\n"
    "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
    "        return 0\n"
    "    fi\n"
    "    local last=${args[${#args[@]}-1]}\n"
    "    COMPREPLY=()\n"
    "    while IFS= read -r w; do\n"
    "        [[ -n $w ]] || continue\n"
    "        [[ $last == --*=* ]] && w=${w#*=}\n"
    "        COMPREPLY+=(\"$w\")\n"
    "    done <<<\"$out\"\n"
    "}\n"
    "complete -F _bcadmin bcadmin\n";

static const char zsh_script[] =
    "#compdef bcadmin\n"
    "# zsh completion for bcadmin (printed by `bcadmin completion zsh`). The candidates come\n"
    "# from bcadmin itself (`bcadmin __complete WORDS...`), so they follow its verb table.\n"
    "_bcadmin() {\n"
    "    local -a cands\n"
    "    cands=(\"${(@f)$(\"${words[1]}\" __complete \"${(@)words[2,CURRENT]}\" 2>/dev/null)}\")\n"
    "    if [[ ${cands[1]} == @file ]]; then\n"
    "        _files\n"
    "        return\n"
    "    fi\n"
    "    cands=(${cands:#})\n"
    "    (( ${#cands} )) && compadd -Q -- \"${cands[@]}\"\n"
    "}\n"
    "if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then\n"
    "    _bcadmin \"$@\"\n"
    "else\n"
    "    compdef _bcadmin bcadmin\n"
    "fi\n";

static const char fish_script[] =
    "# fish completion for bcadmin (printed by `bcadmin completion fish`). The candidates come\n"
    "# from bcadmin itself (`bcadmin __complete WORDS...`), so they follow its verb table.\n"
    "function __bcadmin_complete\n"
    "    set -l words (commandline -opc)\n"
    "    set -l cur (commandline -ct)\n"
    "    set -l cands ($words[1] __complete $words[2..-1] \"$cur\" 2>/dev/null)\n"
    "    if test \"$cands[1]\" = @file\n"
    "        __fish_complete_path \"$cur\"\n"
    "    else\n"
    "        printf '%s\\n' $cands\n"
    "    end\n"
    "end\n"
    "complete -c bcadmin -f -a '(__bcadmin_complete)'\n";

bc_status bc_cli_completion(bc_cli *c, bc_error *err)
{
    const char *shell = c->args[0];
    if (strcmp(shell, "bash") == 0)
        fputs(bash_script, c->out);
    else if (strcmp(shell, "zsh") == 0)
        fputs(zsh_script, c->out);
    else if (strcmp(shell, "fish") == 0)
        fputs(fish_script, c->out);
    else
        return bc_fail(err, BC_USAGE, "completion: \"%s\" is not bash, zsh or fish", shell);
    return BC_OK;
}

/* --- what the words typed so far mean ---------------------------------------------------------- */

typedef struct {
    char words[64];       /* verb words so far ("users", "users list") */
    const verb_def *verb; /* when words name a verb */
    int npos;             /* positional arguments after the verb */
    const char *args[2];
    const char *db; /* --db, for emails and roles */
    bool url;       /* --url: a Convex target, never contacted here */
    const opt_def *pending; /* the last word was this option, which wants a value */
} line_state;

static opt_mask mask_of(const line_state *s)
{
    return GLOBAL_OPTS | (s->verb ? s->verb->opts : 0);
}

/* The option called name (len bytes) that s's verb takes, else any option of that name. */
static const opt_def *option_named(const line_state *s, const char *name, size_t len)
{
    const opt_def *any = NULL;
    for (size_t i = 0; i < bc_cli_n_options; i++) {
        const opt_def *o = &bc_cli_options[i];
        if (strlen(o->name) != len || strncmp(o->name, name, len) != 0)
            continue;
        if (mask_of(s) & BIT(o->id))
            return o;
        any = any ? any : o;
    }
    return any;
}

static void take_word(line_state *s, const char *w)
{
    char longer[sizeof s->words];
    int n = snprintf(longer, sizeof longer, "%s%s%s", s->words, *s->words ? " " : "", w);
    bool fits = n > 0 && (size_t)n < sizeof longer;
    bool verb_word = bc_cli_verb_named(longer) || (!s->verb && bc_cli_verb_prefix(longer));
    if (fits && s->npos == 0 && verb_word) {
        memcpy(s->words, longer, sizeof longer);
        s->verb = bc_cli_verb_named(longer);
        return;
    }
    if (s->npos < 2)
        s->args[s->npos] = w;
    s->npos++;
}

static void read_words(line_state *s, int n, char **w)
{
    bool options_done = false;
    for (int i = 0; i < n; i++) {
        const char *a = w[i];
        if (s->pending) {
            if (s->pending->id == O_DB)
                s->db = a;
            s->pending = NULL;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && strncmp(a, "--", 2) == 0) {
            const char *eq = strchr(a + 2, '=');
            const opt_def *o = option_named(s, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (o && o->id == O_DB && eq)
                s->db = eq + 1;
            s->url |= o && o->id == O_URL;
            if (o && o->arg && o->arg[0] != '[' && !eq) /* "[FIELDS]": an optional value */
                s->pending = o;
        } else if (options_done || a[0] != '-') {
            take_word(s, a);
        }
    }
}

/* --- candidates ---------------------------------------------------------------------------------- */

/* Prints prefix + cand (len bytes of it) when it starts with what is typed and is plain text. */
static void offer(FILE *f, const char *prefix, const char *cand, size_t len, const char *cur)
{
    char *full = bc_xasprintf("%s%.*s", prefix, (int)len, cand);
    /* A value holding escape sequences or controls (hostile data in the target) is never
     * offered: the shell would print it raw, and escaping it would complete another word. */
    if (strncmp(full, cur, strlen(cur)) == 0 && bc_text_is_safe(full, strlen(full)))
        fprintf(f, "%s\n", full);
    free(full);
}

/* The emails (or roles) of the SQLite target --db or BCADMIN_DB names, read-only. */
static void target_values(FILE *f, const line_state *s, bool roles, const char *prefix,
                          const char *cur)
{
    const char *db = s->db ? s->db : getenv("BCADMIN_DB");
    if (!db || !*db || (s->url && !s->db))
        return;
    bc_target t = {0};
    bc_error err = {0};
    bc_target_opts o = {.read_only = true};
    if (bc_target_open_sqlite(db, &o, &t, &err) != BC_OK) {
        bc_target_close(&t);
        return;
    }
    if (roles) {
        char *list = NULL;
        if (bc_users_roles_in_use(t.d, &list, NULL, &err) == BC_OK)
            for (char *p = list; p && *p;) {
                size_t len = strcspn(p, ",");
                offer(f, prefix, p, len, cur);
                p += len;
                p += strspn(p, ", ");
            }
        free(list);
    } else {
        const char *typed = strlen(cur) > strlen(prefix) ? cur + strlen(prefix) : "";
        bc_user_query q = {.search = typed,
                           .search_mode = BC_SEARCH_PREFIX,
                           .sort = BC_SORT_EMAIL,
                           .ascending = true,
                           .limit = 50};
        bc_page page;
        if (bc_driver_users_page(t.d, &q, &page, &err) == BC_OK) {
            for (size_t i = 0; i < page.rows.n; i++) {
                const char *email = bc_record_text(&page.rows.items[i], "email");
                if (email && !strpbrk(email, " \t\n\r"))
                    offer(f, prefix, email, strlen(email), cur);
            }
            bc_page_release(&page);
        }
    }
    bc_target_close(&t);
}

/* The values a placeholder allows (cli_table.h): "true|false", "created|...|name[:asc|desc]". */
static void placeholder_values(FILE *f, const line_state *s, const char *ph, const char *prefix,
                               const char *cur)
{
    if (strcmp(ph, "PATH") == 0 || strcmp(ph, "FILE") == 0) {
        fputs("@file\n", f);
        return;
    }
    if (strncmp(ph, "ROLE", 4) == 0 || strncmp(ph, "USER", 4) == 0) {
        target_values(f, s, ph[0] == 'R', prefix, cur);
        return;
    }
    if (!strchr(ph, '|') || strchr(ph, ' '))
        return; /* free text */
    size_t base_len = strcspn(ph, "[");
    const char *suffix = ph[base_len] == '[' && ph[base_len + 1] == ':' ? ph + base_len + 2 : NULL;
    for (const char *p = ph; p < ph + base_len;) {
        size_t len = strcspn(p, "|[");
        offer(f, prefix, p, len, cur);
        for (const char *q = suffix; q && *q && *q != ']';) {
            size_t slen = strcspn(q, "|]");
            char *both = bc_xasprintf("%.*s:%.*s", (int)len, p, (int)slen, q);
            offer(f, prefix, both, strlen(both), cur);
            free(both);
            q += slen + (q[slen] == '|');
        }
        p += len + (p[len] == '|');
    }
}

static void option_names(FILE *f, const line_state *s, const char *cur)
{
    opt_mask mask = mask_of(s);
    for (size_t i = 0; i < bc_cli_n_options; i++) {
        const opt_def *o = &bc_cli_options[i];
        if (mask & BIT(o->id))
            offer(f, "--", o->name, strlen(o->name), cur);
    }
}

/* The words that may follow s->words: first words, or the next word of longer verbs. */
static void next_words(FILE *f, const char *words, const char *cur)
{
    size_t n = strlen(words);
    const char *last = NULL;
    size_t last_len = 0;
    for (size_t i = 0; i < bc_cli_n_verbs; i++) {
        const char *name = bc_cli_verbs[i].name;
        if (n && (strncmp(name, words, n) != 0 || name[n] != ' '))
            continue;
        const char *w = n ? name + n + 1 : name;
        size_t len = strcspn(w, " ");
        if (last && last_len == len && strncmp(last, w, len) == 0)
            continue; /* the table lists a group's verbs together */
        bool again = false;
        for (size_t j = 0; j < i && !again; j++) {
            const char *o = bc_cli_verbs[j].name;
            if (n && (strncmp(o, words, n) != 0 || o[n] != ' '))
                continue;
            const char *ow = n ? o + n + 1 : o;
            again = strcspn(ow, " ") == len && strncmp(ow, w, len) == 0;
        }
        if (!again)
            offer(f, "", w, len, cur);
        last = w;
        last_len = len;
    }
}

/* What the verb's positional argument number k (from 0) is, from its args text. */
static void positional(FILE *f, const line_state *s, int k, const char *cur)
{
    char slot[64] = "";
    int at = 0;
    for (const char *p = s->verb->args; *p;) {
        p += strspn(p, " [");
        size_t len = strcspn(p, " ]");
        if (!len) {
            p += strspn(p, "]");
            continue;
        }
        if (at == k)
            snprintf(slot, sizeof slot, "%.*s", (int)len, p);
        p += len;
        p += strspn(p, "] ");
        if (*p == '|') /* "USER | FILTERS": alternatives of one slot */
            p += 1 + strspn(p + 1, " ") + strcspn(p + 1 + strspn(p + 1, " "), " ");
        else
            at++;
    }
    if (strcmp(slot, "VERB") == 0)
        next_words(f, "", cur);
    else if (strcmp(slot, "SUBVERB") == 0 && s->args[0])
        next_words(f, s->args[0], cur);
    else if (*slot)
        placeholder_values(f, s, slot, "", cur);
}

int bc_cli_complete_main(int argc, char **argv, FILE *f)
{
    if (argc < 1)
        return 0;
    line_state s = {0};
    read_words(&s, argc - 1, argv);
    const char *cur = argv[argc - 1];
    if (s.pending) {
        placeholder_values(f, &s, s.pending->arg, "", cur);
    } else if (strncmp(cur, "--", 2) == 0 && strchr(cur, '=')) {
        const char *eq = strchr(cur, '=');
        const opt_def *o = option_named(&s, cur + 2, (size_t)(eq - cur - 2));
        char *prefix = bc_xasprintf("%.*s", (int)(eq - cur + 1), cur);
        if (o && o->arg)
            placeholder_values(f, &s, o->arg, prefix, cur);
        free(prefix);
    } else if (cur[0] == '-') {
        option_names(f, &s, cur);
    } else if (!s.verb) {
        next_words(f, s.words, cur);
    } else {
        if (s.npos == 0)
            next_words(f, s.words, cur); /* "audit" -> "audit undo" */
        positional(f, &s, s.npos, cur);
    }
    return 0;
}
