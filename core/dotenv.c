/* dotenv.c - dotenv 17's parse(), reproduced without a regex engine.
 *
 * dotenv converts the file to a JS string (invalid UTF-8 becomes U+FFFD), turns every CRLF and
 * lone CR into LF, then runs one global, multiline regex over the whole text:
 *
 *   ^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"
 *   |\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$
 *
 * and post-processes each match (trim, strip one pair of quotes, expand \n and \r when the value
 * started with a double quote). The matcher below follows that regex's backtracking order step
 * by step; the comments say where backtracking cannot change the outcome and why. JS `\s` and
 * trim() use the same set: ASCII whitespace, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000 and U+FEFF (so a BOM is just leading whitespace). `$`, `^` and `.`
 * treat LF, CR, U+2028 and U+2029 as line terminators.
 */
#include "dotenv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

#define MAX_FILE_SIZE (16u << 20)
#define NO_POS ((size_t)-1)

/* The normalised text the regex runs on, with a map back to file offsets. */
typedef struct {
    char *s;
    size_t n;
    size_t *orig;  /* orig[i] = file offset of s[i]; orig[n] = file length */
    size_t *lines; /* start offset (in s) of each line; lines split at LF only */
    size_t n_lines;
    unsigned *bad_utf8_lines; /* lines where bytes were replaced by U+FFFD */
    size_t n_bad;
} text;

/* ---- character classes ------------------------------------------------------------------ */

static const unsigned char *U(const text *t)
{
    return (const unsigned char *)t->s;
}

/* Byte length of the JS whitespace character at i, or 0. */
static size_t ws_len(const text *t, size_t i)
{
    const unsigned char *s = U(t);
    size_t left = t->n - i;
    if (i >= t->n)
        return 0;
    if ((s[i] >= 0x09 && s[i] <= 0x0d) || s[i] == 0x20)
        return 1;
    if (left >= 2 && s[i] == 0xc2 && s[i + 1] == 0xa0)
        return 2;
    if (left < 3)
        return 0;
    if (s[i] == 0xe1 && s[i + 1] == 0x9a && s[i + 2] == 0x80)
        return 3;
    if (s[i] == 0xe2 && s[i + 1] == 0x80 &&
        ((s[i + 2] >= 0x80 && s[i + 2] <= 0x8a) || s[i + 2] == 0xa8 || s[i + 2] == 0xa9 ||
         s[i + 2] == 0xaf))
        return 3;
    if (s[i] == 0xe2 && s[i + 1] == 0x81 && s[i + 2] == 0x9f)
        return 3;
    if (s[i] == 0xe3 && s[i + 1] == 0x80 && s[i + 2] == 0x80)
        return 3;
    if (s[i] == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf)
        return 3;
    return 0;
}

/* Byte length of the JS line terminator at i (LF, CR, U+2028, U+2029), or 0. */
static size_t lt_len(const text *t, size_t i)
{
    const unsigned char *s = U(t);
    if (i >= t->n)
        return 0;
    if (s[i] == '\n' || s[i] == '\r')
        return 1;
    if (t->n - i >= 3 && s[i] == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
        return 3;
    return 0;
}

static bool at_line_start(const text *t, size_t i)
{
    return i == 0 || lt_len(t, i - 1) == 1 || (i >= 3 && lt_len(t, i - 3) == 3);
}

static size_t skip_ws(const text *t, size_t i)
{
    size_t k;
    while ((k = ws_len(t, i)) > 0)
        i += k;
    return i;
}

static bool is_key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static bool is_quote(unsigned char c)
{
    return c == '\'' || c == '"' || c == '`';
}

/* ---- decoding: what Buffer.toString("utf8") and the CRLF replace do --------------------- */

/* Length of the valid UTF-8 sequence at s[0..left), or 0 when invalid; *bad gets the length
 * of the maximal invalid subpart that WHATWG (and so Node) turns into one U+FFFD. */
static size_t utf8_seq(const unsigned char *s, size_t left, size_t *bad)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    *bad = 1;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if (k >= left || s[k] < lo || s[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xbf;
    }
    return need + 1;
}

static void text_push(bc_buf *b, size_t **orig, size_t *cap, size_t at, const void *p, size_t n)
{
    if (b->len + n + 1 > *cap) {
        *cap = (b->len + n + 1) * 2;
        *orig = bc_xrealloc(*orig, *cap * sizeof **orig);
    }
    for (size_t k = 0; k < n; k++)
        (*orig)[b->len + k] = at;
    bc_buf_append(b, p, n);
}

static void text_init(text *t, const char *raw, size_t len)
{
    const unsigned char *r = (const unsigned char *)raw;
    bc_buf b = {0};
    size_t cap = 0, line = 1, bad_cap = 0;
    size_t *orig = NULL;
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < len;) {
        size_t bad, ok = utf8_seq(r + i, len - i, &bad);
        if (r[i] == '\r') {
            text_push(&b, &orig, &cap, i, "\n", 1);
            i += (i + 1 < len && r[i + 1] == '\n') ? 2 : 1;
            line++;
        } else if (ok) {
            text_push(&b, &orig, &cap, i, r + i, ok);
            line += r[i] == '\n';
            i += ok;
        } else {
            text_push(&b, &orig, &cap, i, "\xef\xbf\xbd", 3);
            if (t->n_bad == 0 || t->bad_utf8_lines[t->n_bad - 1] != line) {
                if (t->n_bad == bad_cap) {
                    bad_cap = bad_cap ? bad_cap * 2 : 4;
                    t->bad_utf8_lines =
                        bc_xrealloc(t->bad_utf8_lines, bad_cap * sizeof *t->bad_utf8_lines);
                }
                t->bad_utf8_lines[t->n_bad++] = (unsigned)line;
            }
            i += bad;
        }
    }
    text_push(&b, &orig, &cap, len, "", 0);
    orig[b.len] = len;
    t->n = b.len;
    t->s = bc_buf_take(&b);
    t->orig = orig;
    t->n_lines = 1;
    for (size_t i = 0; i < t->n; i++)
        t->n_lines += t->s[i] == '\n';
    t->lines = bc_xmalloc(t->n_lines * sizeof *t->lines);
    t->lines[0] = 0;
    for (size_t i = 0, k = 1; i < t->n; i++)
        if (t->s[i] == '\n')
            t->lines[k++] = i + 1;
}

static void text_release(text *t)
{
    free(t->s);
    free(t->orig);
    free(t->lines);
    free(t->bad_utf8_lines);
}

/* 1-based line of offset i. */
static unsigned line_of(const text *t, size_t i)
{
    size_t lo = 0, hi = t->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->lines[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

/* ---- the LINE regex --------------------------------------------------------------------- */

typedef struct {
    size_t start, end;   /* the whole match */
    size_t key, key_end; /* group 1 */
    size_t sep_end;      /* after `=` / `: ` and the lazy whitespace */
    bool has_value;      /* group 2 participated */
    size_t val, val_end; /* group 2 */
    char quote;          /* which alternative of group 2 matched: quote char, or 0 */
    size_t open;         /* offset of the opening quote when quote != 0 */
} line_match;

/* `\s*(?:#.*)?$` at i. \s* is greedy: after the whitespace run comes either '#' (the comment
 * runs to the line's end, where $ holds) or the end of input; otherwise the engine gives back
 * whitespace until $ holds, i.e. before the last line terminator inside the run. */
static bool tail(const text *t, size_t i, size_t *end)
{
    size_t last_lt = NO_POS, k;
    while ((k = ws_len(t, i)) > 0) {
        if (lt_len(t, i))
            last_lt = i;
        i += k;
    }
    if (i < t->n && t->s[i] == '#') {
        while (i < t->n && !lt_len(t, i))
            i++;
        *end = i;
        return true;
    }
    if (i == t->n) {
        *end = i;
        return true;
    }
    if (last_lt == NO_POS)
        return false;
    *end = last_lt;
    return true;
}

/* `q(?:\\q|[^q])*q` then the tail, with the opening quote at w. The greedy loop runs to the
 * first quote not taken as part of a backslash-quote pair (the only place a closing quote can
 * stand on the way forward); backtracking then re-reads each backslash-quote pair, last first,
 * as a lone backslash followed by the closing quote. The first candidate whose tail matches
 * wins. */
static bool quoted(const text *t, size_t w, size_t *close, size_t *end)
{
    char q = t->s[w];
    size_t *pairs = NULL, n_pairs = 0, cap = 0, x = w + 1;
    bool found = false;
    while (x < t->n) {
        if (t->s[x] == '\\' && x + 1 < t->n && t->s[x + 1] == q) {
            if (n_pairs == cap) {
                cap = cap ? cap * 2 : 8;
                pairs = bc_xrealloc(pairs, cap * sizeof *pairs);
            }
            pairs[n_pairs++] = x + 1;
            x += 2;
        } else if (t->s[x] == q)
            break;
        else
            x++;
    }
    if (x < t->n && tail(t, x + 1, end)) {
        *close = x;
        found = true;
    }
    while (!found && n_pairs > 0) {
        size_t c = pairs[--n_pairs];
        if (tail(t, c + 1, end)) {
            *close = c;
            found = true;
        }
    }
    free(pairs);
    return found;
}

/* Group 2 (optional, greedy) and the tail from v. */
static bool value_and_tail(const text *t, size_t v, line_match *m)
{
    size_t w = skip_ws(t, v), close, end;
    /* The three quoted alternatives begin `\s*q`; giving back whitespace cannot put a quote
     * where whitespace was, so only the quote at w can open one (and only one of them). */
    if (w < t->n && is_quote((unsigned char)t->s[w]) && quoted(t, w, &close, &end)) {
        *m = (line_match){.has_value = true,
                          .val = v,
                          .val_end = close + 1,
                          .quote = t->s[w],
                          .open = w,
                          .end = end};
        return true;
    }
    size_t e = v;
    while (e < t->n && t->s[e] != '#' && t->s[e] != '\n' && t->s[e] != '\r')
        e++;
    /* [^#\r\n]+ stops at '#', a line break or the end: the tail always matches there. */
    if (e > v && tail(t, e, &end)) {
        *m = (line_match){.has_value = true, .val = v, .val_end = e, .end = end};
        return true;
    }
    if (tail(t, v, &end)) {
        *m = (line_match){.has_value = false, .val = v, .val_end = v, .end = end};
        return true;
    }
    return false;
}

/* Group 1, the separator and the rest, with the key starting at k. */
static bool key_and_rest(const text *t, size_t k, line_match *m)
{
    size_t ke = k, v;
    /* [\w.-]+ is greedy and none of its characters can begin a separator, so only the longest
     * run can be followed by one. */
    while (ke < t->n && is_key_char((unsigned char)t->s[ke]))
        ke++;
    if (ke == k)
        return false;
    size_t w = skip_ws(t, ke);
    if (w < t->n && t->s[w] == '=')
        v = w + 1;
    else if (ke < t->n && t->s[ke] == ':' && ws_len(t, ke + 1))
        v = ke + 1 + ws_len(t, ke + 1);
    else
        return false;
    /* The lazy whitespace after the separator grows only if everything after it failed. */
    for (;;) {
        if (value_and_tail(t, v, m)) {
            m->key = k;
            m->key_end = ke;
            m->sep_end = v;
            return true;
        }
        size_t l = ws_len(t, v);
        if (!l)
            return false;
        v += l;
    }
}

static bool match_at(const text *t, size_t p, line_match *m)
{
    size_t i = skip_ws(t, p);
    if (t->n - i >= 6 && memcmp(t->s + i, "export", 6) == 0) {
        size_t k = skip_ws(t, i + 6);
        if (k > i + 6 && key_and_rest(t, k, m)) {
            m->start = p;
            return true;
        }
    }
    if (!key_and_rest(t, i, m))
        return false;
    m->start = p;
    return true;
}

/* ---- post-processing -------------------------------------------------------------------- */

/* value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2') on s[0..n) into out. */
static void strip_quotes(const text *t, size_t a, size_t b, bc_buf *out)
{
    size_t i = a, copied = a;
    while (i < b) {
        bool start = i == a || lt_len(t, i - 1) == 1 || (i >= a + 3 && lt_len(t, i - 3) == 3);
        char q = t->s[i];
        size_t k = NO_POS;
        if (start && is_quote((unsigned char)q)) {
            /* [\s\S]* is greedy: the last matching quote followed by $ closes. */
            for (size_t j = b; j-- > i + 1;) {
                if (t->s[j] == q && (j + 1 == b || lt_len(t, j + 1))) {
                    k = j;
                    break;
                }
            }
        }
        if (k == NO_POS) {
            i++;
            continue;
        }
        bc_buf_append(out, t->s + copied, i - copied);
        bc_buf_append(out, t->s + i + 1, k - i - 1);
        copied = i = k + 1;
    }
    bc_buf_append(out, t->s + copied, b - copied);
}

/* JS trim(): the same whitespace set as \s. */
static void trim(const text *t, size_t *a, size_t *b)
{
    *a = skip_ws(t, *a);
    if (*a > *b)
        *a = *b;
    for (;;) {
        size_t back = 0;
        for (size_t l = 1; l <= 3 && l <= *b - *a; l++)
            if (ws_len(t, *b - l) == l) {
                back = l;
                break;
            }
        if (!back)
            break;
        *b -= back;
    }
}

static char *expand_double(const char *v, size_t n, size_t *out_len)
{
    bc_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\\' && i + 1 < n && (v[i + 1] == 'n' || v[i + 1] == 'r')) {
            bc_buf_append(&b, v[i + 1] == 'n' ? "\n" : "\r", 1);
            i++;
        } else
            bc_buf_append(&b, v + i, 1);
    }
    *out_len = b.len;
    return bc_buf_take(&b);
}

/* ---- building the result ---------------------------------------------------------------- */

static void add_diag(bc_dotenv *env, size_t *cap, bc_dotenv_diag_kind kind, unsigned line,
                     const char *name, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add_diag(bc_dotenv *env, size_t *cap, bc_dotenv_diag_kind kind, unsigned line,
                     const char *name, const char *fmt, ...)
{
    if (env->n_diags == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        env->diags = bc_xrealloc(env->diags, *cap * sizeof *env->diags);
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    env->diags[env->n_diags++] =
        (bc_dotenv_diag){.kind = kind, .line = line, .name = bc_xstrdup(name), .message = msg};
}

/* Whether line l (1-based) of t, alone, would read as an entry: `NAME=` or `NAME: `. Lines of
 * base64 such as a PEM body end in '=' padding, so `=` must be followed by something else
 * (an empty `NAME=` inside a swallowed block goes unreported). */
static bool looks_like_entry(const text *t, unsigned l)
{
    size_t i = t->lines[l - 1], end = l < t->n_lines ? t->lines[l] - 1 : t->n;
    i = skip_ws(t, i); /* a blank line: past its end, since line breaks are white space too */
    if (i >= end)
        return false;
    if (end - i > 7 && memcmp(t->s + i, "export", 6) == 0 && ws_len(t, i + 6))
        i = skip_ws(t, i + 6);
    if (i >= end || !(isalpha((unsigned char)t->s[i]) || t->s[i] == '_'))
        return false;
    while (i < end && is_key_char((unsigned char)t->s[i]))
        i++;
    if (i + 1 < end && t->s[i] == ':' && ws_len(t, i + 1))
        return true;
    i = skip_ws(t, i);
    return i + 1 < end && t->s[i] == '=' && t->s[i + 1] != '=';
}

static bool has_escaped_quote(const text *t, size_t a, size_t b, char q)
{
    for (size_t i = a; i + 1 < b; i++)
        if (t->s[i] == '\\' && t->s[i + 1] == q)
            return true;
    return false;
}

static void warn_entry(bc_dotenv *env, size_t *cap, const text *t, const line_match *m,
                       const char *name, size_t va, size_t vb)
{
    unsigned line = line_of(t, m->key);
    if (va < vb && line_of(t, va) != line)
        add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                 "%s: dotenv takes its value from line %u, not from the line of the name", name,
                 line_of(t, va));
    if (m->quote) {
        unsigned open = line_of(t, m->open), close = line_of(t, m->val_end - 1);
        for (unsigned l = open + 1; l <= close; l++) {
            if (!looks_like_entry(t, l))
                continue;
            add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                     "the %c quote of %s opened on line %u closes only on line %u: its value "
                     "swallows lines %u-%u, and line %u looks like an entry of its own",
                     m->quote, name, open, close, open + 1, close, l);
            break;
        }
        if (vb - va >= 3 && t->s[vb - 2] == '\\')
            add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line_of(t, vb - 1), name,
                     "%s: the closing %c follows a backslash, which dotenv reads as an escaped "
                     "quote: the value keeps the backslash, and a later %c on another line "
                     "would have closed it instead",
                     name, m->quote, m->quote);
        else if (m->quote != '"' && has_escaped_quote(t, va + 1, vb - 1, m->quote))
            add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                     "%s: dotenv keeps backslashes inside %c quotes: \\%c stays a backslash "
                     "and a quote",
                     name, m->quote, m->quote);
        else if (m->quote == '"') {
            for (size_t i = va + 1; i + 1 < vb; i++) {
                if (t->s[i] != '\\')
                    continue;
                if (t->s[i + 1] != 'n' && t->s[i + 1] != 'r') {
                    add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line_of(t, i), name,
                             "%s: dotenv expands only \\n and \\r inside double quotes; any other "
                             "backslash (as in \\\" or \\\\) stays in the value as written",
                             name);
                    break;
                }
                i++;
            }
        }
        return;
    }
    if (m->has_value && va < vb && is_quote((unsigned char)t->s[va]))
        add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                 "%s: the %c quote is not closed on this line, or text follows the closing quote: "
                 "dotenv reads the value unquoted, keeping quote characters in it",
                 name, t->s[va]);
    size_t after = m->has_value ? m->val_end : m->sep_end;
    bool hash = after < t->n && t->s[after] == '#';
    if (hash && va < vb && vb == after)
        add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                 "%s: an unquoted '#' starts a comment even without a space before it, so dotenv "
                 "cuts the value at column %zu; quote the value if the '#' belongs to it",
                 name, after - t->lines[line_of(t, after) - 1] + 1);
    else if (hash && !m->has_value)
        add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                 "%s: the value starts with '#', which dotenv reads as a comment: the value is "
                 "empty; quote it if the '#' belongs to it",
                 name);
    else if (m->has_value && va < vb && vb < m->val_end && !hash)
        add_diag(env, cap, BC_DOTENV_SUSPICIOUS, line, name,
                 "%s: dotenv drops the spaces after the value; quote the value to keep them", name);
}

/* Why dotenv skipped the text seg[0..n) (already trimmed, not a comment). */
static const char *ignored_reason(const char *seg, size_t n)
{
    size_t i = 0;
    if (n > 7 && memcmp(seg, "export", 6) == 0 && isspace((unsigned char)seg[6]))
        for (i = 6; i < n && isspace((unsigned char)seg[i]); i++)
            ;
    size_t k = i;
    while (k < n && is_key_char((unsigned char)seg[k]))
        k++;
    if (k > i && k + 1 < n && seg[k] == ':' && !isspace((unsigned char)seg[k + 1]))
        return "`NAME:value` needs a space after the ':'";
    if (is_quote((unsigned char)seg[0]))
        return "it starts with a quote but has no name (a value left over from a line above?)";
    const char *eq = memchr(seg, '=', n);
    if (eq == seg)
        return "there is no name before '='";
    if (eq)
        return "the name before '=' may hold only letters, digits, '_', '.' and '-'";
    if (memchr(seg, ':', n))
        return "the name before ':' may hold only letters, digits, '_', '.' and '-'";
    return "there is no '=' on it";
}

/* Report every piece of text no match covered that is not whitespace or a comment. */
static void report_ignored(bc_dotenv *env, size_t *cap, const text *t, const bool *covered)
{
    unsigned last = 0;
    for (size_t i = 0; i < t->n;) {
        if (covered[i] || ws_len(t, i)) {
            i += covered[i] ? 1 : ws_len(t, i);
            continue;
        }
        size_t j = i;
        while (j < t->n && !covered[j] && t->s[j] != '\n' && !lt_len(t, j))
            j++;
        size_t a = i, b = j;
        trim(t, &a, &b);
        unsigned line = line_of(t, i);
        if (a < b && t->s[a] != '#' && line != last) {
            add_diag(env, cap, BC_DOTENV_IGNORED, line, NULL, "dotenv ignores this line: %s",
                     ignored_reason(t->s + a, b - a));
            last = line;
        }
        i = j > i ? j : i + 1;
    }
}

/* Stable, so that the diagnostics of one line keep the order they were found in. */
static void sort_diags(bc_dotenv *env)
{
    for (size_t i = 1; i < env->n_diags; i++) {
        bc_dotenv_diag d = env->diags[i];
        size_t j = i;
        for (; j > 0 && env->diags[j - 1].line > d.line; j--)
            env->diags[j] = env->diags[j - 1];
        env->diags[j] = d;
    }
}

static void add_entry(bc_dotenv *env, size_t *cap, const text *t, const line_match *m, size_t *ecap)
{
    size_t va = m->val, vb = m->val_end;
    trim(t, &va, &vb);
    char *name = bc_xstrndup(t->s + m->key, m->key_end - m->key);
    unsigned line = line_of(t, m->key);
    if (strcmp(name, "__proto__") == 0) {
        /* obj["__proto__"] = "..." hits Object.prototype's setter and stores nothing. */
        add_diag(env, cap, BC_DOTENV_IGNORED, line, name,
                 "dotenv drops the name __proto__ (JavaScript reserves it)");
        free(name);
        return;
    }
    warn_entry(env, cap, t, m, name, va, vb);
    bc_buf stripped = {0};
    strip_quotes(t, va, vb, &stripped);
    bc_buf_append(&stripped, "", 0);
    size_t vlen = stripped.len;
    char *value = bc_buf_take(&stripped);
    if (va < vb && t->s[va] == '"') {
        char *x = expand_double(value, vlen, &vlen);
        free(value);
        value = x;
    }
    if (env->n_entries == *ecap) {
        *ecap = *ecap ? *ecap * 2 : 16;
        env->entries = bc_xrealloc(env->entries, *ecap * sizeof *env->entries);
    }
    size_t vend = m->has_value ? m->val_end : m->sep_end;
    unsigned last = line_of(t, vend - 1);
    size_t raw_end = last < t->n_lines ? t->orig[t->lines[last]] : t->orig[t->n];
    size_t at = va < vb ? va : (m->has_value ? vb : m->sep_end);
    env->entries[env->n_entries++] = (bc_dotenv_entry){
        .name = name,
        .value = value,
        .value_len = vlen,
        .line = line,
        .last_line = last,
        .raw_start = t->orig[t->lines[line - 1]],
        .raw_end = raw_end,
        .value_start = t->orig[at],
        .value_end = t->orig[va < vb ? vb : at],
        .quote = m->quote,
    };
}

bc_status bc_dotenv_parse(const char *src, size_t len, const char *path, bc_dotenv **out,
                          bc_error *err)
{
    bc_dotenv *env = bc_xcalloc(1, sizeof *env);
    env->path = bc_xstrdup(path ? path : "<input>");
    env->text = bc_xmemdup(src, len); /* every byte: a file may hold NULs */
    env->text_len = len;
    const char *nl = memchr(src, '\n', len);
    env->crlf = nl && nl > src && nl[-1] == '\r';
    text t;
    text_init(&t, src, len);
    bool *covered = bc_xcalloc(t.n + 1, 1);
    size_t dcap = 0, ecap = 0;
    for (size_t p = 0; p < t.n;) {
        line_match m;
        if (at_line_start(&t, p) && match_at(&t, p, &m)) {
            add_entry(env, &dcap, &t, &m, &ecap);
            memset(covered + m.start, 1, m.end - m.start);
            p = m.end;
            continue;
        }
        /* Only a line start can match: jump to the next one. */
        size_t l;
        while (p < t.n && !(l = lt_len(&t, p)))
            p++;
        if (p < t.n)
            p += l;
    }
    report_ignored(env, &dcap, &t, covered);
    for (size_t i = 0; i < t.n_bad; i++)
        add_diag(env, &dcap, BC_DOTENV_SUSPICIOUS, t.bad_utf8_lines[i], NULL,
                 "this line holds bytes that are not UTF-8: dotenv reads each bad sequence as "
                 "U+FFFD");
    for (size_t i = 0; i < env->n_entries; i++) {
        bc_dotenv_entry *e = &env->entries[i];
        for (size_t j = i + 1; j < env->n_entries; j++) {
            if (strcmp(env->entries[j].name, e->name) != 0)
                continue;
            e->overridden = true;
            add_diag(env, &dcap, BC_DOTENV_SUSPICIOUS, e->line, e->name,
                     "%s is set again on line %u: dotenv keeps the last value", e->name,
                     env->entries[j].line);
            break;
        }
    }
    sort_diags(env);
    free(covered);
    text_release(&t);
    *out = env;
    (void)err;
    return BC_OK;
}

bc_status bc_dotenv_load(const char *path, bc_dotenv **out, bc_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bc_fail(err, errno == ENOENT ? BC_NOT_FOUND : BC_ERR, "%s: cannot open: %s", path,
                       strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return bc_fail(err, BC_ERR, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > MAX_FILE_SIZE) {
        close(fd);
        return bc_fail(err, BC_ERR, "%s: %lld bytes is too large for a .env file", path,
                       (long long)st.st_size);
    }
    bc_buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            bc_buf_release(&b);
            return bc_fail(err, BC_ERR, "%s: cannot read: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        bc_buf_append(&b, chunk, (size_t)r);
        if (b.len > MAX_FILE_SIZE) {
            close(fd);
            bc_buf_release(&b);
            return bc_fail(err, BC_ERR, "%s: too large for a .env file", path);
        }
    }
    close(fd);
    bc_status s = bc_dotenv_parse(b.data ? b.data : "", b.len, path, out, err);
    bc_buf_release(&b);
    return s;
}

void bc_dotenv_free(bc_dotenv *env)
{
    if (!env)
        return;
    for (size_t i = 0; i < env->n_entries; i++) {
        free(env->entries[i].name);
        free(env->entries[i].value);
    }
    for (size_t i = 0; i < env->n_diags; i++) {
        free(env->diags[i].name);
        free(env->diags[i].message);
    }
    free(env->entries);
    free(env->diags);
    free(env->text);
    free(env->path);
    free(env);
}

const bc_dotenv_entry *bc_dotenv_get(const bc_dotenv *env, const char *name)
{
    for (size_t i = env->n_entries; i-- > 0;)
        if (strcmp(env->entries[i].name, name) == 0)
            return &env->entries[i];
    return NULL;
}

char *bc_dotenv_diag_format(const bc_dotenv *env, const bc_dotenv_diag *diag)
{
    return bc_xasprintf("%s:%u: %s: %s", env->path, diag->line,
                        diag->kind == BC_DOTENV_IGNORED ? "ignored" : "warning", diag->message);
}

bool bc_dotenv_name_ok(const char *name)
{
    if (!name || !*name || strcmp(name, "__proto__") == 0)
        return false;
    for (const char *p = name; *p; p++)
        if (!is_key_char((unsigned char)*p))
            return false;
    return true;
}

/* ---- writing ---------------------------------------------------------------------------- */

/* What a value holds, as far as quoting is concerned. */
typedef struct {
    bool sq, dq, bt, lf, cr, hash, ends_backslash, backslash_nr, edge_space, starts_quote;
    bool line_sep, plain; /* U+2028/U+2029; only characters that need no quoting at all */
} value_shape;

static value_shape shape_of(const char *v, size_t n)
{
    value_shape s = {.plain = n > 0};
    text t = {.s = (char *)v, .n = n};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        s.sq |= c == '\'';
        s.dq |= c == '"';
        s.bt |= c == '`';
        s.lf |= c == '\n';
        s.cr |= c == '\r';
        s.hash |= c == '#';
        s.backslash_nr |= c == '\\' && i + 1 < n && (v[i + 1] == 'n' || v[i + 1] == 'r');
        s.line_sep |= lt_len(&t, i) == 3;
        if (!(isalnum(c) || strchr("_./:@%+=,~^-", c)) || c == 0)
            s.plain = false;
    }
    s.ends_backslash = n > 0 && v[n - 1] == '\\';
    s.starts_quote = n > 0 && is_quote((unsigned char)v[0]);
    if (n > 0) {
        size_t a = 0, b = n;
        trim(&t, &a, &b);
        s.edge_space = a != 0 || b != n;
    }
    return s;
}

static bool valid_utf8(const char *v, size_t n)
{
    for (size_t i = 0, bad; i < n;) {
        size_t ok = utf8_seq((const unsigned char *)v + i, n - i, &bad);
        if (!ok)
            return false;
        i += ok;
    }
    return true;
}

/* Quoted forms: a backslash right before the closing quote would read as an escaped quote. */
static bool single_ok(const value_shape *s)
{
    return !s->sq && !s->cr && !s->ends_backslash;
}

static bool double_ok(const value_shape *s)
{
    return !s->dq && !s->backslash_nr && !s->ends_backslash;
}

static bool backtick_ok(const value_shape *s)
{
    return !s->bt && !s->cr && !s->ends_backslash;
}

/* Bare: [^#\r\n]+ then trim, and nothing that could open a quote. */
static bool bare_ok(const value_shape *s, size_t n)
{
    return n > 0 && !s->hash && !s->lf && !s->cr && !s->edge_space && !s->starts_quote &&
           !s->line_sep;
}

static char *wrap(char q, const char *v, size_t n)
{
    bc_buf b = {0};
    bc_buf_append(&b, &q, 1);
    for (size_t i = 0; i < n; i++) {
        if (q == '"' && (v[i] == '\n' || v[i] == '\r'))
            bc_buf_puts(&b, v[i] == '\n' ? "\\n" : "\\r");
        else
            bc_buf_append(&b, v + i, 1);
    }
    bc_buf_append(&b, &q, 1);
    return bc_buf_take(&b);
}

/* Every form dotenv reads back as value, best first; BC_REFUSED (with why) when none. */
static bc_status quote_forms(const char *value, size_t len, char *forms[5], size_t *n,
                             bc_error *err)
{
    *n = 0;
    if (!valid_utf8(value, len))
        return bc_fail(err, BC_REFUSED,
                       "the value is not valid UTF-8: dotenv would read U+FFFD in its place");
    if (memchr(value, '\0', len))
        return bc_fail(err, BC_REFUSED, "the value holds a NUL byte");
    value_shape s = shape_of(value, len);
    if (s.plain)
        forms[(*n)++] = bc_xstrndup(value, len);
    /* A line break reads best as \n in double quotes (the entry stays on one line). */
    if (s.lf && double_ok(&s))
        forms[(*n)++] = wrap('"', value, len);
    if (single_ok(&s))
        forms[(*n)++] = wrap('\'', value, len);
    if (!s.lf && double_ok(&s))
        forms[(*n)++] = wrap('"', value, len);
    if (backtick_ok(&s))
        forms[(*n)++] = wrap('`', value, len);
    if (!s.plain && bare_ok(&s, len))
        forms[(*n)++] = bc_xstrndup(value, len);
    if (*n > 0)
        return BC_OK;
    if (s.cr && s.dq)
        return bc_fail(err, BC_REFUSED,
                       "dotenv cannot represent this value: a carriage return survives only as "
                       "\\r inside double quotes, and the value also holds a double quote");
    if (s.ends_backslash)
        return bc_fail(err, BC_REFUSED,
                       "dotenv cannot represent this value: it ends with a backslash, which "
                       "dotenv reads as escaping a closing quote, and it cannot stand unquoted "
                       "(it holds '#', a line break or spaces at an end)");
    return bc_fail(err, BC_REFUSED,
                   "dotenv cannot represent this value: it holds all three quote characters "
                   "(' \" `) and cannot stand unquoted (it holds '#', a line break, spaces "
                   "at an end, or a literal \\n)");
}

static void free_forms(char **forms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(forms[i]);
}

bc_status bc_dotenv_quote(const char *value, size_t len, char **out, bc_error *err)
{
    char *forms[5];
    size_t n;
    *out = NULL;
    bc_status s = quote_forms(value, len, forms, &n, err);
    if (s != BC_OK)
        return s;
    *out = forms[0];
    free_forms(forms + 1, n - 1);
    return BC_OK;
}

static void add_line(bc_buf *b, const char *line, bool crlf)
{
    bc_buf_puts(b, line);
    bc_buf_puts(b, crlf ? "\r\n" : "\n");
}

/* One change applied to env's text into *out, the value written as q (NULL: remove). */
static bc_status edit_one(const bc_dotenv *env, const bc_dotenv_change *c, const char *q,
                          bc_buf *out, bc_error *err)
{
    const char *txt = env->text;
    size_t n = env->text_len;
    if (!q) {
        size_t from = 0;
        for (size_t i = 0; i < env->n_entries; i++) {
            const bc_dotenv_entry *e = &env->entries[i];
            if (strcmp(e->name, c->name) != 0 || e->raw_start < from)
                continue;
            bc_buf_append(out, txt + from, e->raw_start - from);
            from = e->raw_end;
        }
        bc_buf_append(out, txt + from, n - from);
        return BC_OK;
    }
    const bc_dotenv_entry *e = bc_dotenv_get(env, c->name);
    if (e) {
        bc_buf_append(out, txt, e->value_start);
        bc_buf_puts(out, q);
        /* `A=abc#x` keeps its comment, now set off from the value. */
        if (e->value_end < n && txt[e->value_end] == '#')
            bc_buf_puts(out, " ");
        bc_buf_append(out, txt + e->value_end, n - e->value_end);
    } else {
        if (c->comment && strpbrk(c->comment, "\r\n"))
            return bc_fail(err, BC_USAGE, "%s: the comment for %s must be one line", env->path,
                           c->name);
        bc_buf_append(out, txt, n);
        if (n > 0 && txt[n - 1] != '\n' && txt[n - 1] != '\r')
            bc_buf_puts(out, env->crlf ? "\r\n" : "\n");
        if (c->comment) {
            char *line = bc_xasprintf("%s%s", c->comment[0] == '#' ? "" : "# ", c->comment);
            add_line(out, line, env->crlf);
            free(line);
        }
        char *line = bc_xasprintf("%s=%s", c->name, q);
        add_line(out, line, env->crlf);
        free(line);
    }
    bc_buf_append(out, "", 0);
    return BC_OK;
}

/* The new text must read exactly as before except for c->name, which must read as intended. */
/* The new text must read exactly as before except for c->name, which must read as intended. */
static bc_status verify(const bc_dotenv *before, const bc_dotenv *after, const bc_dotenv_change *c,
                        bc_error *err)
{
    for (int pass = 0; pass < 2; pass++) {
        const bc_dotenv *x = pass ? after : before, *y = pass ? before : after;
        for (size_t i = 0; i < x->n_entries; i++) {
            const bc_dotenv_entry *a = &x->entries[i];
            if (a->overridden || strcmp(a->name, c->name) == 0)
                continue;
            const bc_dotenv_entry *b = bc_dotenv_get(y, a->name);
            if (!b || b->value_len != a->value_len || memcmp(a->value, b->value, a->value_len))
                return bc_fail(err, BC_REFUSED,
                               "%s: writing %s would change how dotenv reads %s (line %u): "
                               "nothing was written, fix the file by hand first",
                               before->path, c->name, a->name, a->line);
        }
    }
    const bc_dotenv_entry *got = bc_dotenv_get(after, c->name);
    if (c->value ? !got || got->value_len != c->value_len ||
                       memcmp(got->value, c->value, c->value_len) != 0
                 : got != NULL)
        return bc_fail(err, BC_REFUSED,
                       "%s: dotenv would not read the value written for %s as intended: "
                       "nothing was written, fix the file by hand first",
                       before->path, c->name);
    return BC_OK;
}

/* Apply c to cur, trying each way of writing the value until dotenv reads the result right. */
static bc_status edit_verified(const bc_dotenv *cur, const bc_dotenv_change *c, bc_dotenv **next,
                               bc_error *err)
{
    char *forms[5];
    size_t n = 1;
    forms[0] = NULL;
    if (c->value && quote_forms(c->value, c->value_len, forms, &n, err) != BC_OK)
        return bc_error_prefix(err, "%s: cannot write %s", cur->path, c->name);
    bc_status s = BC_ERR;
    bc_error first = {0};
    for (size_t k = 0; k < n && s != BC_OK; k++) {
        bc_buf b = {0};
        bc_error *e = k == 0 ? &first : err;
        *next = NULL;
        s = edit_one(cur, c, forms[k], &b, e);
        if (s == BC_OK)
            s = bc_dotenv_parse(b.data ? b.data : "", b.len, cur->path, next, e);
        if (s == BC_OK)
            s = verify(cur, *next, c, e);
        bc_buf_release(&b);
        if (s != BC_OK) {
            bc_dotenv_free(*next);
            *next = NULL;
        }
        if (s == BC_USAGE)
            break;
    }
    if (s != BC_OK && err)
        *err = first;
    if (c->value)
        free_forms(forms, n);
    return s;
}

bc_status bc_dotenv_edit(const bc_dotenv *env, const bc_dotenv_change *changes, size_t n,
                         char **out, size_t *out_len, bc_error *err)
{
    bc_dotenv *cur = NULL;
    *out = NULL;
    bc_status s = bc_dotenv_parse(env->text, env->text_len, env->path, &cur, err);
    for (size_t i = 0; s == BC_OK && i < n; i++) {
        const bc_dotenv_change *c = &changes[i];
        if (!bc_dotenv_name_ok(c->name)) {
            s = bc_fail(err, BC_USAGE,
                        "%s: \"%s\" is not a name dotenv reads (letters, digits, '_', '.', '-')",
                        env->path, c->name ? c->name : "");
            break;
        }
        bc_dotenv *next = NULL;
        s = edit_verified(cur, c, &next, err);
        if (s == BC_OK) {
            bc_dotenv_free(cur);
            cur = next;
        }
    }
    if (s == BC_OK) {
        *out = bc_xmemdup(cur->text, cur->text_len);
        *out_len = cur->text_len;
    }
    bc_dotenv_free(cur);
    return s;
}

bc_status bc_dotenv_save(const char *path, const bc_dotenv_change *changes, size_t n, bc_error *err)
{
    bc_dotenv *env = NULL;
    bc_status s = bc_dotenv_load(path, &env, err);
    if (s == BC_NOT_FOUND)
        s = bc_dotenv_parse("", 0, path, &env, err);
    if (s != BC_OK)
        return s;
    char *data = NULL;
    size_t len = 0;
    s = bc_dotenv_edit(env, changes, n, &data, &len, err);
    if (s == BC_OK &&
        (len != env->text_len || memcmp(data, env->text, len) != 0 || access(path, F_OK) != 0))
        s = bc_dotenv_write_atomic(path, data, len, err);
    free(data);
    bc_dotenv_free(env);
    return s;
}

static bc_status write_all(int fd, const char *data, size_t len, const char *path, const char *tmp,
                           bc_error *err)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return bc_fail(err, BC_ERR, "%s: cannot write %s: %s", path, tmp, strerror(errno));
        data += w;
        len -= (size_t)w;
    }
    return BC_OK;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

bc_status bc_dotenv_write_atomic(const char *path, const char *data, size_t len, bc_error *err)
{
    struct stat st;
    char *target = NULL;
    bool exists = false;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        target = realpath(path, NULL);
        if (!target)
            return bc_fail(err, BC_ERR, "%s: cannot follow the symlink: %s", path, strerror(errno));
    } else
        target = bc_xstrdup(path);
    if (stat(target, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            free(target);
            return bc_fail(err, BC_ERR, "%s: not a regular file", path);
        }
        exists = true;
    }
    char *dcopy = bc_xstrdup(target), *bcopy = bc_xstrdup(target);
    char *dir = dirname(dcopy), *base = basename(bcopy);
    char *tmp = bc_xasprintf("%s/.%s.bcadmin-XXXXXX", dir, base);
    bc_status s = BC_OK;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        s = bc_fail(err, BC_ERR, "%s: cannot create a temporary file in %s: %s", path, dir,
                    strerror(errno));
        goto out;
    }
    if (exists) {
        mode_t mode = st.st_mode & 07777;
        /* If the owner cannot be kept, the group/other bits would apply to the wrong people:
         * keep only the owner's. */
        if ((st.st_uid != geteuid() || st.st_gid != getegid()) &&
            fchown(fd, st.st_uid, st.st_gid) != 0)
            mode &= 0700;
        if (fchmod(fd, mode) != 0)
            s = bc_fail(err, BC_ERR, "%s: cannot set the mode of %s: %s", path, tmp,
                        strerror(errno));
    }
    if (s == BC_OK)
        s = write_all(fd, data, len, path, tmp, err);
    if (s == BC_OK && fsync(fd) != 0)
        s = bc_fail(err, BC_ERR, "%s: cannot sync %s: %s", path, tmp, strerror(errno));
    if (close(fd) != 0 && s == BC_OK)
        s = bc_fail(err, BC_ERR, "%s: cannot close %s: %s", path, tmp, strerror(errno));
    if (s == BC_OK && rename(tmp, target) != 0)
        s = bc_fail(err, BC_ERR, "%s: cannot replace it: %s", path, strerror(errno));
    if (s != BC_OK)
        unlink(tmp);
    else
        sync_dir(dir);
out:
    free(tmp);
    free(dcopy);
    free(bcopy);
    free(target);
    return s;
}
