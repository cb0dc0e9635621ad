/* demo.c - synthetic Better Auth 1.4.9 databases (see demo.h).
 *
 * Everything random comes from one xoshiro256** stream seeded from opts->seed, so a seed and a
 * "now" give the same rows on every machine. Rows are written into a temporary file beside the
 * target in one transaction with the journal off, then the file is renamed into place. Speed
 * (a million users in well under a minute): a second thread makes the rows while this one
 * inserts them, every id column is handed out in ascending order so its index only grows at
 * its end, and the other indexes are built once the rows are in.
 */
#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "driver.h"
#include "embedded.h"
#include "isotime.h"
#include "password.h"
#include "sqlite_driver.h"
#include "xalloc.h"

#define MINUTE_MS (60 * 1000LL)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)
#define SESSION_TTL_MS (7 * DAY_MS)        /* Better Auth's default session expiry */
#define IMPERSONATION_TTL_MS (1 * HOUR_MS) /* the admin plugin's impersonation default */
#define HISTORY_MS (3 * 365 * DAY_MS)      /* users sign up over the three years before now */
#define ID_LEN 32
#define ADMIN_EMAIL "admin@demo.bcadmin.test"

/* ---- deterministic randomness ------------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna): fast, and good enough for synthetic data. */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) by Lemire's multiply-shift; the bias is below 2^-40 for our n. */
static uint64_t rng_below(rng *r, uint64_t n)
{
    return n ? (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64) : 0;
}

/* Uniform in [lo, hi); lo when the range is empty. */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    return hi > lo ? lo + (int64_t)rng_below(r, (uint64_t)(hi - lo)) : lo;
}

/* True with probability per_mille / 1000. */
static bool rng_chance(rng *r, unsigned per_mille)
{
    return rng_below(r, 1000) < per_mille;
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* n characters of [A-Za-z0-9], uniform by rejecting 6-bit values 62 and 63, as Better Auth's
 * generateId rejects bytes. */
static void rng_alnum(rng *r, char *out, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint64_t x = rng_next(r);
        for (int k = 0; k < 10 && i < n; k++, x >>= 6) {
            unsigned v = (unsigned)(x & 63);
            if (v < 62)
                out[i++] = alnum[v];
        }
    }
    out[n] = '\0';
}

static void rng_digits(rng *r, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('0' + rng_below(r, 10));
    out[n] = '\0';
}

/* ---- embedded word lists ----------------------------------------------------------------- */

typedef struct {
    const char *text, *slug;
    int text_len, slug_len;
} word;

typedef struct {
    word *items;
    size_t n;
} word_list;

static bool is_slug(const char *s, size_t n, bool domain)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok =
            (c >= 'a' && c <= 'z') || (domain && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

enum list_kind { LIST_NAMES, LIST_DOMAINS, LIST_LINES };

/* Split an embedded list into lines (skipping blank lines and # comments). Names carry
 * "NAME<TAB>slug"; the slug is the ASCII form used in email addresses. */
static bc_status list_load(const char *asset, enum list_kind kind, word_list *out, bc_error *err)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, asset);
    if (e == NULL)
        return bc_fail(err, BC_ERR, "demo: asset %s is not built into this binary", asset);
    out->items = NULL;
    out->n = 0;
    size_t cap = 0, line_no = 0;
    const char *p = e->data, *end = e->data + e->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *line = p;
        p = nl ? nl + 1 : end;
        line_no++;
        if (eol == line || *line == '#')
            continue;
        word w = {line, line, (int)(eol - line), (int)(eol - line)};
        if (kind == LIST_NAMES) {
            const char *tab = memchr(line, '\t', (size_t)(eol - line));
            if (tab == NULL || tab == line)
                return bc_fail(err, BC_ERR, "demo: asset %s line %zu: expected NAME<TAB>slug",
                               asset, line_no);
            w.text_len = (int)(tab - line);
            w.slug = tab + 1;
            w.slug_len = (int)(eol - w.slug);
        }
        if (kind != LIST_LINES && !is_slug(w.slug, (size_t)w.slug_len, kind == LIST_DOMAINS))
            return bc_fail(err, BC_ERR, "demo: asset %s line %zu: \"%.*s\" is not lowercase ASCII",
                           asset, line_no, w.slug_len, w.slug);
        if (out->n == cap) {
            cap = cap ? 2 * cap : 64;
            out->items = bc_xrealloc(out->items, cap * sizeof *out->items);
        }
        out->items[out->n++] = w;
    }
    if (out->n == 0)
        return bc_fail(err, BC_ERR, "demo: asset %s is empty", asset);
    return BC_OK;
}

static const word *pick(rng *r, const word_list *l)
{
    return &l->items[rng_below(r, l->n)];
}

/* ---- the plan: who is an admin, who is banned, which accounts ----------------------------- */

enum role_kind { R_USER, R_ADMIN, R_USER_ADMIN, R_BAN_PERMANENT, R_BAN_FUTURE, R_BAN_EXPIRED };
enum account_kind { A_CREDENTIAL, A_GOOGLE, A_GITHUB, A_CREDENTIAL_GOOGLE, A_CREDENTIAL_GITHUB };
#define IMPERSONATED 0x80 /* flag on the account kind byte: an admin impersonates this user */

/* Put `count` copies of kind into kinds[*at...], stopping at n. */
static void plan_fill(unsigned char *kinds, size_t *at, size_t n, uint64_t count,
                      unsigned char kind)
{
    for (uint64_t i = 0; i < count && *at < n; i++)
        kinds[(*at)++] = kind;
}

static uint64_t at_least(uint64_t v, uint64_t floor)
{
    return v < floor ? floor : v;
}

static void shuffle(rng *r, unsigned char *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        unsigned char t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

static bool is_admin(unsigned char role)
{
    return role == R_ADMIN || role == R_USER_ADMIN;
}

static bool is_banned(unsigned char role)
{
    return role == R_BAN_PERMANENT || role == R_BAN_FUTURE || role == R_BAN_EXPIRED;
}

/* Exact counts shuffled over users 1..n-1 (user 0 is the known admin), so even a 200-user
 * database holds every case: each kind gets at least one user while there is room. */
static void plan_make(rng *r, uint64_t n, unsigned char *roles, unsigned char *accounts)
{
    size_t m = (size_t)n - 1, at = 0;
    unsigned char *rr = roles + 1, *aa = accounts + 1;
    plan_fill(rr, &at, m, at_least(n / 1000, 2), R_ADMIN);
    plan_fill(rr, &at, m, at_least(n / 2000, 1), R_USER_ADMIN);
    plan_fill(rr, &at, m, at_least(n * 8 / 1000, 1), R_BAN_PERMANENT);
    plan_fill(rr, &at, m, at_least(n * 6 / 1000, 1), R_BAN_FUTURE);
    plan_fill(rr, &at, m, at_least(n * 6 / 1000, 1), R_BAN_EXPIRED);
    plan_fill(rr, &at, m, m, R_USER);
    shuffle(r, rr, m);
    at = 0;
    plan_fill(aa, &at, m, at_least(n * 8 / 100, 1), A_GOOGLE);
    plan_fill(aa, &at, m, at_least(n * 5 / 100, 1), A_GITHUB);
    plan_fill(aa, &at, m, at_least(n * 2 / 100, 1), A_CREDENTIAL_GOOGLE);
    plan_fill(aa, &at, m, at_least(n / 100, 1), A_CREDENTIAL_GITHUB);
    plan_fill(aa, &at, m, m, A_CREDENTIAL);
    shuffle(r, aa, m);
    roles[0] = R_ADMIN;
    accounts[0] = A_CREDENTIAL;

    /* Impersonation targets: ordinary users only (the admin plugin refuses admin targets, and a
     * banned user's sessions are gone). Scan on from a random start to find the next one. */
    uint64_t want = n / 500 + 2;
    for (uint64_t k = 0; k < want && m > 0; k++) {
        size_t start = (size_t)rng_below(r, m), i = 0;
        for (; i < m; i++) {
            size_t u = 1 + (start + i) % m;
            if (roles[u] == R_USER && !(accounts[u] & IMPERSONATED)) {
                accounts[u] |= IMPERSONATED;
                break;
            }
        }
        if (i == m)
            break;
    }
}

/* ---- rows ---------------------------------------------------------------------------------- */

/* Every row draws its fields from its own stream, keyed by (table, user index, ordinal), so
 * rows do not depend on one another. Ids and tokens come from one stream per column instead
 * (see sorted_ids). */
enum stream {
    S_USER = 1,
    S_CREATED,
    S_SESSION_COUNT,
    S_SESSION,
    S_ACCOUNT,
    S_USER_ID,
    S_SESSION_ID,
    S_SESSION_TOKEN,
    S_ACCOUNT_ID
};
#define IMPERSONATION_ORDINAL 7 /* session ordinals 0..4 are ordinary sessions */

typedef struct {
    sqlite3 *db;
    const char *path; /* the temporary file being filled */
    sqlite3_stmt *user, *session, *account;
    uint64_t seed, n;
    int64_t now;
    unsigned char *roles, *accounts; /* the plan, one byte each per user */
    char (*user_ids)[ID_LEN];        /* by user index */
    uint32_t *admins;                /* user indexes of every admin */
    size_t n_admins;
    word_list first, last, domains, agents;
    char password_hash[BC_PASSWORD_HASH_LEN + 1];
    bc_demo_report *report;
    const bc_progress *progress;
    uint64_t users_written, others_written;
} demo;

static rng row_rng(const demo *d, enum stream table, uint64_t user, uint64_t ordinal)
{
    uint64_t x = d->seed ^ ((uint64_t)table << 56);
    uint64_t h = splitmix64(&x);
    h ^= user * 8 + ordinal;
    rng r;
    rng_seed(&r, splitmix64(&h));
    return r;
}

static bc_status sql_fail(demo *d, bc_error *err, const char *what)
{
    return bc_fail(err, BC_ERR, "demo: %s: %s", what, sqlite3_errmsg(d->db));
}

/* ---- rows, made on one thread and inserted on another ------------------------------------ */

enum table { T_USER, T_SESSION, T_ACCOUNT };
#define ROW_COLS 13
#define ROW_BYTES 1536 /* a user row needs at most ~800 bytes, a Google account ~550 */

/* One row ready to bind. Every text lives in buf or in memory that outlives the insert (the
 * plan, the embedded lists, literals), so it is bound with SQLITE_STATIC, without a copy. */
typedef struct {
    unsigned char table, ncols;
    bool is_int[ROW_COLS];
    const char *text[ROW_COLS]; /* NULL is SQL NULL */
    int len[ROW_COLS];
    int64_t num[ROW_COLS];
    size_t used;
    char buf[ROW_BYTES];
} row;

static void row_start(row *w, enum table t, int ncols)
{
    w->table = (unsigned char)t;
    w->ncols = (unsigned char)ncols;
    w->used = 0;
    memset(w->is_int, 0, sizeof w->is_int);
    memset(w->text, 0, sizeof w->text);
}

/* Columns count from 1, as in the INSERT statements. s must outlive the insert. */
static void row_ref(row *w, int col, const char *s, int len)
{
    w->text[col - 1] = s;
    w->len[col - 1] = s == NULL ? 0 : len < 0 ? (int)strlen(s) : len;
}

static void row_int(row *w, int col, int64_t v)
{
    w->is_int[col - 1] = true;
    w->num[col - 1] = v;
}

/* Format into the row's own buffer. The sizes above bound every row, and vsnprintf truncates
 * rather than overflows should a word list ever grow a very long entry. */
__attribute__((format(printf, 3, 4))) static const char *row_printf(row *w, int col,
                                                                    const char *fmt, ...)
{
    char *p = w->buf + w->used;
    size_t room = sizeof w->buf - w->used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= room)
        n = room ? (int)room - 1 : 0;
    w->used += (size_t)n + (room ? 1 : 0);
    row_ref(w, col, p, n);
    return p;
}

static const char *row_date(row *w, int col, int64_t ms)
{
    char *p = w->buf + w->used;
    if (sizeof w->buf - w->used < BC_ISO_LEN + 1) /* cannot happen: see ROW_BYTES */
        return NULL;
    bc_iso_format(ms, p);
    w->used += BC_ISO_LEN + 1;
    row_ref(w, col, p, BC_ISO_LEN);
    return p;
}

/* Room for n characters (and a NUL) in the row's buffer, for rng_alnum and friends. */
static char *row_space(row *w, size_t n)
{
    if (sizeof w->buf - w->used < n + 1) /* cannot happen: see ROW_BYTES */
        return NULL;
    char *p = w->buf + w->used;
    w->used += n + 1;
    return p;
}

/* A copy of s, for texts that do not outlive the row (the maker frees its sorted ids). */
static void row_copy(row *w, int col, const char *s, size_t n)
{
    char *p = row_space(w, n);
    if (p != NULL) {
        memcpy(p, s, n);
        row_ref(w, col, p, (int)n);
    }
}

/* Sign-ups spread evenly over the history in user-index order, with jitter. */
static int64_t user_created(const demo *d, uint64_t i)
{
    rng r = row_rng(d, S_CREATED, i, 0);
    int64_t slot = HISTORY_MS / (int64_t)d->n;
    return d->now - HISTORY_MS + (int64_t)(((unsigned __int128)HISTORY_MS * i) / d->n) +
           rng_range(&r, 0, slot > 1 ? slot : 1);
}

/* ~2 sessions per signed-in user. Banned users have none: Better Auth deletes a user's
 * sessions when banning. */
static unsigned session_count(const demo *d, uint64_t i)
{
    static const unsigned weights[] = {150, 200, 250, 200, 200}; /* 0..4 sessions, mean 2.1 */
    if (is_banned(d->roles[i]))
        return 0;
    rng r = row_rng(d, S_SESSION_COUNT, i, 0);
    unsigned roll = (unsigned)rng_below(&r, 1000), k = 0;
    while (k < 4 && roll >= weights[k])
        roll -= weights[k++];
    return k;
}

/* Ordinary sessions: about 40% still valid (created in the last 7 days), the rest expired.
 * Impersonation sessions: impersonatedBy = an admin, one hour long, about half still running. */
static void make_session(const demo *d, uint32_t user, uint32_t ordinal, const char *id,
                         const char *token, row *w)
{
    rng rs = row_rng(d, S_SESSION, user, ordinal), *r = &rs;
    int64_t since = user_created(d, user), created, ttl = SESSION_TTL_MS;
    const char *by = NULL;
    if (ordinal == IMPERSONATION_ORDINAL) {
        uint32_t admin = d->admins[rng_below(r, d->n_admins)];
        int64_t admin_since = user_created(d, admin);
        if (admin_since > since)
            since = admin_since;
        by = d->user_ids[admin];
        ttl = IMPERSONATION_TTL_MS;
        if (since < d->now - 2 * HOUR_MS && rng_chance(r, 500))
            created = rng_range(r, since, d->now - IMPERSONATION_TTL_MS);
        else
            created = rng_range(r, d->now - 55 * MINUTE_MS, d->now);
    } else if (since < d->now - SESSION_TTL_MS && !rng_chance(r, 400)) {
        created = rng_range(r, since, d->now - SESSION_TTL_MS);
    } else {
        created =
            rng_range(r, since > d->now - SESSION_TTL_MS ? since : d->now - SESSION_TTL_MS, d->now);
    }
    if (created < since)
        created = since;
    row_start(w, T_SESSION, 9);
    /* Better Auth writes '' when it saw no client address (no forwarded header). */
    if (rng_chance(r, 120))
        row_ref(w, 6, "", 0);
    else if (rng_chance(r, 150))
        row_printf(w, 6, "2001:db8:%x:%x::%x", (unsigned)rng_below(r, 0x10000),
                   (unsigned)rng_below(r, 0x10000), (unsigned)rng_below(r, 0x10000));
    else
        row_printf(w, 6, "%u.%u.%u.%u", (unsigned)rng_range(r, 11, 224),
                   (unsigned)rng_below(r, 256), (unsigned)rng_below(r, 256),
                   (unsigned)rng_range(r, 1, 255));
    const word *ua = pick(r, &d->agents);
    row_copy(w, 1, id, ID_LEN);
    row_date(w, 2, created + ttl);
    row_copy(w, 3, token, ID_LEN);
    row_ref(w, 5, row_date(w, 4, created), BC_ISO_LEN); /* updatedAt: never refreshed since */
    row_ref(w, 7, ua->text, ua->text_len);
    row_ref(w, 8, d->user_ids[user], ID_LEN);
    row_ref(w, 9, by, ID_LEN);
}

static bool has_credential(unsigned char kind)
{
    kind &= (unsigned char)~IMPERSONATED;
    return kind == A_CREDENTIAL || kind == A_CREDENTIAL_GOOGLE || kind == A_CREDENTIAL_GITHUB;
}

static bool has_social(unsigned char kind)
{
    return (kind & (unsigned char)~IMPERSONATED) != A_CREDENTIAL;
}

static bool is_google(unsigned char kind)
{
    kind &= (unsigned char)~IMPERSONATED;
    return kind == A_GOOGLE || kind == A_CREDENTIAL_GOOGLE;
}

/* A credential account (ordinal 0): accountId = user id, the shared demo password hash. */
static void make_credential(const demo *d, rng *r, uint32_t user, int64_t created, row *w)
{
    /* A few users changed their password since sign-up. */
    int64_t updated = rng_chance(r, 100) ? rng_range(r, created, d->now) : created;
    row_ref(w, 2, d->user_ids[user], ID_LEN);
    row_ref(w, 3, "credential", -1);
    row_ref(w, 11, d->password_hash, BC_PASSWORD_HASH_LEN);
    row_date(w, 12, created);
    row_date(w, 13, updated);
}

/* n random characters after a fixed prefix, in the row's buffer. */
static void row_token(row *w, int col, rng *r, const char *prefix, size_t n)
{
    size_t p = strlen(prefix);
    char *s = row_space(w, p + n);
    if (s == NULL)
        return;
    memcpy(s, prefix, p);
    rng_alnum(r, s + p, n);
    row_ref(w, col, s, (int)(p + n));
}

/* A social account (ordinal 1) as the google/github providers leave it after sign-in. A
 * social account linked to a credential user came later than the sign-up. */
static void make_social(const demo *d, rng *r, uint32_t user, int64_t created, row *w)
{
    bool google = is_google(d->accounts[user]);
    if (has_credential(d->accounts[user]))
        created = rng_range(r, created, d->now);
    if (google) {
        /* Google subjects are 21-digit numbers starting with 1. */
        char *sub = row_space(w, 21);
        if (sub != NULL) {
            sub[0] = '1';
            rng_digits(r, sub + 1, 20);
            row_ref(w, 2, sub, 21);
        }
        row_token(w, 5, r, "ya29.a0", 140);
        row_token(w, 6, r, "1//0", 60);
        static const char jwt_head[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlbW8iLCJ0eXAiOiJKV1QifQ.";
        size_t h = sizeof jwt_head - 1;
        char *jwt = row_space(w, h + 134);
        if (jwt != NULL) {
            memcpy(jwt, jwt_head, h);
            rng_alnum(r, jwt + h, 90);
            jwt[h + 90] = '.';
            rng_alnum(r, jwt + h + 91, 43);
            row_ref(w, 7, jwt, (int)(h + 134));
        }
    } else {
        row_printf(w, 2, "%u", (unsigned)rng_range(r, 1000, 190000000));
        row_token(w, 5, r, "gho_", 36);
    }
    row_ref(w, 3, google ? "google" : "github", -1);
    /* Google access tokens live an hour from the last sign-in; GitHub's do not expire. */
    int64_t updated = rng_chance(r, 500) ? created : rng_range(r, created, d->now);
    if (google)
        row_date(w, 8, updated + HOUR_MS - 1000);
    row_ref(w, 10,
            google ? "openid,https://www.googleapis.com/auth/userinfo.email,"
                     "https://www.googleapis.com/auth/userinfo.profile"
                   : "read:user,user:email",
            -1);
    row_date(w, 12, created);
    row_date(w, 13, updated);
}

static void make_account(const demo *d, uint32_t user, uint32_t ordinal, const char *id, row *w)
{
    rng r = row_rng(d, S_ACCOUNT, user, ordinal);
    int64_t created = user_created(d, user);
    row_start(w, T_ACCOUNT, 13);
    row_copy(w, 1, id, ID_LEN);
    row_ref(w, 4, d->user_ids[user], ID_LEN);
    if (ordinal == 0)
        make_credential(d, &r, user, created, w);
    else
        make_social(d, &r, user, created, w);
}

static const char *const ban_reasons[] = {
    "Spam",
    "No reason",
    "Abusive messages to other users",
    "Chargeback",
    "Suspicious sign-ins from many countries",
    "Terms of service violation",
    "Bot account",
};

static void make_email(rng *r, const demo *d, uint64_t index, const word *f, const word *l, row *w)
{
    if (index == 0) {
        row_ref(w, 3, ADMIN_EMAIL, -1);
        return;
    }
    /* The number is the user's index and every slug ends in a letter, so the trailing digits
     * make each address unique whatever the pattern and domain. */
    const word *dom = pick(r, &d->domains);
    int fl = f->slug_len, ll = l->slug_len, dl = dom->slug_len;
    unsigned long long num = (unsigned long long)index;
    switch (rng_below(r, 6)) {
    case 0:
        row_printf(w, 3, "%.*s.%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 1:
        row_printf(w, 3, "%.*s%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 2:
        row_printf(w, 3, "%.1s.%.*s%llu@%.*s", f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 3:
        row_printf(w, 3, "%.*s_%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 4:
        row_printf(w, 3, "%.*s%llu@%.*s", fl, f->slug, num, dl, dom->slug);
        break;
    default:
        row_printf(w, 3, "%.*s.%.*s%llu@%.*s", ll, l->slug, fl, f->slug, num, dl, dom->slug);
        break;
    }
}

static const char *role_text(unsigned char role)
{
    return role == R_ADMIN ? "admin" : role == R_USER_ADMIN ? "user,admin" : "user";
}

static void user_image(rng *r, unsigned char kind, row *w)
{
    if (kind == A_GOOGLE || kind == A_CREDENTIAL_GOOGLE) {
        if (!rng_chance(r, 600))
            return;
        char tail[41];
        rng_alnum(r, tail, 40);
        row_printf(w, 5, "https://lh3.googleusercontent.com/a/ACg8oc%s=s96-c", tail);
        return;
    }
    if ((kind == A_GITHUB || kind == A_CREDENTIAL_GITHUB) && rng_chance(r, 900))
        row_printf(w, 5, "https://avatars.githubusercontent.com/u/%u?v=4",
                   (unsigned)rng_range(r, 1000, 190000000));
}

/* Banning sets updatedAt; banExpires is NULL (permanent), ahead of now, or behind it (an
 * expired ban Better Auth lifts at the next sign-in). Returns the ban time. */
static int64_t make_ban(const demo *d, rng *r, unsigned char role, int64_t created, row *w)
{
    int64_t banned_at = rng_range(r, created, d->now);
    if (role == R_BAN_FUTURE) {
        int64_t recent = d->now - 30 * DAY_MS;
        banned_at = rng_range(r, created > recent ? created : recent, d->now);
        row_date(w, 11, d->now + rng_range(r, HOUR_MS, 90 * DAY_MS));
    } else if (role == R_BAN_EXPIRED) {
        int64_t expires = rng_range(r, created, d->now);
        banned_at = rng_range(r, created, expires);
        row_date(w, 11, expires);
    }
    row_ref(w, 10, ban_reasons[rng_below(r, sizeof ban_reasons / sizeof *ban_reasons)], -1);
    return banned_at;
}

static void make_user(const demo *d, uint32_t index, row *w)
{
    rng rs = row_rng(d, S_USER, index, 0), *r = &rs;
    unsigned char role = d->roles[index], kind = d->accounts[index] & ~IMPERSONATED;
    int64_t created = user_created(d, index);
    const word *f = pick(r, &d->first), *l = pick(r, &d->last);
    row_start(w, T_USER, 11);
    row_ref(w, 1, d->user_ids[index], ID_LEN);
    row_printf(w, 2, "%.*s %.*s", f->text_len, f->text, l->text_len, l->text);
    make_email(r, d, index, f, l, w);
    int64_t updated = rng_chance(r, 700) ? created : rng_range(r, created, d->now);
    bool verified = kind != A_CREDENTIAL || index == 0 || rng_chance(r, 920);
    row_int(w, 4, verified);
    user_image(r, kind, w);
    row_date(w, 6, created);
    row_ref(w, 8, role_text(role), -1);
    row_int(w, 9, is_banned(role));
    if (is_banned(role))
        updated = make_ban(d, r, role, created, w);
    row_date(w, 7, updated);
}

/* Bind every column (unset ones as NULL) and step. */
static bc_status insert_row(demo *d, const row *w, bc_error *err)
{
    static const char *const names[] = {"user", "session", "account"};
    sqlite3_stmt *st = w->table == T_USER      ? d->user
                       : w->table == T_SESSION ? d->session
                                               : d->account;
    for (int c = 0; c < w->ncols; c++) {
        if (w->is_int[c])
            sqlite3_bind_int64(st, c + 1, w->num[c]);
        else if (w->text[c] != NULL)
            sqlite3_bind_text(st, c + 1, w->text[c], w->len[c], SQLITE_STATIC);
        else
            sqlite3_bind_null(st, c + 1);
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return bc_fail(err, BC_ERR, "demo: inserting into %s: %s", names[w->table],
                       sqlite3_errmsg(d->db));
    uint64_t *count = w->table == T_USER      ? &d->report->users
                      : w->table == T_SESSION ? &d->report->sessions
                                              : &d->report->accounts;
    (*count)++;
    return BC_OK;
}

/* ---- ids in insertion order ------------------------------------------------------------- */

/* Byte order, as SQLite's BINARY collation compares: sorts ids by their first two bytes. */
static unsigned id_bucket(const char *id)
{
    return (unsigned)(unsigned char)id[0] << 8 | (unsigned char)id[1];
}

static int id_cmp(const void *a, const void *b)
{
    return memcmp(a, b, ID_LEN);
}

/* n ids drawn from one stream, then sorted. Rows are inserted in user-index order and take the
 * next id, so each index keyed on ids (primary keys, session.token, the userId indexes) only
 * ever grows at its end; random keys would cost a descent and page splits all over the index
 * per row, several times more at a million rows. As a set the ids are still n independent
 * uniform draws; only which row gets which one follows the insertion order. Caller frees. */
static char (*sorted_ids(const demo *d, enum stream column, size_t n))[ID_LEN]
{
    char(*drawn)[ID_LEN] = bc_xmalloc((n ? n : 1) * sizeof *drawn);
    char(*ids)[ID_LEN] = bc_xmalloc((n ? n : 1) * sizeof *ids);
    size_t *start = bc_xcalloc(65536 + 1, sizeof *start);
    rng r = row_rng(d, column, 0, 0);
    char id[ID_LEN + 1];
    for (size_t i = 0; i < n; i++) {
        rng_alnum(&r, id, ID_LEN);
        memcpy(drawn[i], id, ID_LEN);
        start[id_bucket(id) + 1]++;
    }
    /* A counting sort on the first two bytes leaves ~n/3844 ids per bucket to sort. */
    for (size_t b = 1; b <= 65536; b++)
        start[b] += start[b - 1];
    for (size_t i = 0; i < n; i++)
        memcpy(ids[start[id_bucket(drawn[i])]++], drawn[i], ID_LEN);
    size_t from = 0;
    for (size_t b = 0; b < 65536; b++) {
        if (start[b] - from > 1)
            qsort(ids[from], start[b] - from, sizeof *ids, id_cmp);
        from = start[b];
    }
    free(start);
    free(drawn);
    return ids;
}

/* ---- the pipeline: one thread makes rows, the caller's thread inserts them ---------------- */

#define CHUNK_ROWS 256
#define CHUNKS 4

typedef struct {
    row rows[CHUNK_ROWS];
    size_t n;
} chunk;

/* A bounded queue of chunks used round robin: the maker fills chunk filled % CHUNKS while
 * fewer than CHUNKS wait to be inserted; the inserter empties chunk taken % CHUNKS. Making a
 * row (random draws, formatting) costs about a third of inserting it, so on two cores it
 * hides behind SQLite. */
typedef struct {
    const demo *d;
    chunk *chunks;
    size_t fill;          /* the maker's rows in its current chunk */
    size_t filled, taken; /* chunks handed over / given back so far */
    bool done, stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} queue;

/* The maker's next row, or NULL once the inserter has stopped. */
static row *q_slot(queue *q)
{
    if (q->fill == 0) {
        pthread_mutex_lock(&q->mu);
        while (q->filled - q->taken >= CHUNKS && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        bool stop = q->stop;
        pthread_mutex_unlock(&q->mu);
        if (stop)
            return NULL;
    }
    return &q->chunks[q->filled % CHUNKS].rows[q->fill];
}

static void q_hand_over(queue *q, bool last)
{
    pthread_mutex_lock(&q->mu);
    if (q->fill > 0) {
        q->chunks[q->filled % CHUNKS].n = q->fill;
        q->filled++;
        q->fill = 0;
    }
    q->done = last;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void q_push(queue *q)
{
    if (++q->fill == CHUNK_ROWS)
        q_hand_over(q, false);
}

/* The inserter's next chunk, or NULL when every row has been made. */
static chunk *q_take(queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->taken == q->filled && !q->done)
        pthread_cond_wait(&q->cv, &q->mu);
    chunk *c = q->taken < q->filled ? &q->chunks[q->taken % CHUNKS] : NULL;
    pthread_mutex_unlock(&q->mu);
    return c;
}

static void q_give_back(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->taken++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static void q_stop(queue *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

static bool impersonated(const demo *d, uint32_t user)
{
    return (d->accounts[user] & IMPERSONATED) && d->n_admins > 0;
}

/* Users by index, which is sign-up order, so createdAt grows at the end of its index too. */
static bool make_users(queue *q)
{
    const demo *d = q->d;
    for (uint32_t i = 0; i < d->n; i++) {
        row *w = q_slot(q);
        if (w == NULL)
            return false;
        make_user(d, i, w);
        q_push(q);
    }
    return true;
}

/* Accounts and sessions grouped by user in user order, so their userId indexes grow at the
 * end as well. */
static bool make_accounts(queue *q)
{
    const demo *d = q->d;
    size_t n = 0, at = 0;
    for (uint32_t i = 0; i < d->n; i++)
        n += (size_t)has_credential(d->accounts[i]) + (size_t)has_social(d->accounts[i]);
    char(*ids)[ID_LEN] = sorted_ids(d, S_ACCOUNT_ID, n);
    bool ok = true;
    for (uint32_t i = 0; i < d->n && ok; i++) {
        for (uint32_t k = 0; k < 2 && ok; k++) {
            if (k == 0 ? !has_credential(d->accounts[i]) : !has_social(d->accounts[i]))
                continue;
            row *w = q_slot(q);
            if ((ok = w != NULL)) {
                make_account(d, i, k, ids[at++], w);
                q_push(q);
            }
        }
    }
    free(ids);
    return ok;
}

static bool make_sessions(queue *q)
{
    const demo *d = q->d;
    unsigned char *count = bc_xmalloc((size_t)d->n);
    size_t n = 0, at = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        count[i] = (unsigned char)session_count(d, i);
        n += count[i] + (size_t)impersonated(d, i);
    }
    char(*ids)[ID_LEN] = sorted_ids(d, S_SESSION_ID, n);
    char(*tokens)[ID_LEN] = sorted_ids(d, S_SESSION_TOKEN, n);
    bool ok = true;
    for (uint32_t i = 0; i < d->n && ok; i++) {
        unsigned rows = count[i] + (unsigned)impersonated(d, i);
        for (uint32_t k = 0; k < rows && ok; k++, at++) {
            row *w = q_slot(q);
            if ((ok = w != NULL)) {
                uint32_t ordinal = k < count[i] ? k : IMPERSONATION_ORDINAL;
                make_session(d, i, ordinal, ids[at], tokens[at], w);
                q_push(q);
            }
        }
    }
    free(ids);
    free(tokens);
    free(count);
    return ok;
}

static void *maker(void *arg)
{
    queue *q = arg;
    if (make_users(q) && make_accounts(q) && make_sessions(q))
        q_hand_over(q, true);
    return NULL;
}

/* Every row of the three tables. The maker thread only reads the plan in d; the report and
 * the database belong to this thread. */
static bc_status insert_rows(demo *d, bc_error *err)
{
    queue q = {.d = d};
    q.chunks = bc_xcalloc(CHUNKS, sizeof *q.chunks);
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.cv, NULL);
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, maker, &q);
    bc_status s = BC_OK;
    if (rc != 0)
        s = bc_fail(err, BC_ERR, "demo: cannot start the row maker thread: %s", strerror(rc));
    for (chunk *c; s == BC_OK && (c = q_take(&q)) != NULL;) {
        for (size_t i = 0; i < c->n && s == BC_OK; i++) {
            s = insert_row(d, &c->rows[i], err);
            d->users_written += c->rows[i].table == T_USER;
            d->others_written += c->rows[i].table != T_USER;
        }
        if (c->n && c->rows[c->n - 1].table == T_USER)
            bc_progress_report(d->progress, "writing users", d->users_written, d->n);
        else if (c->n)
            bc_progress_report(d->progress, "writing sessions and accounts", d->others_written, 0);
        q_give_back(&q);
    }
    if (rc == 0) {
        q_stop(&q);
        pthread_join(thread, NULL);
    }
    pthread_cond_destroy(&q.cv);
    pthread_mutex_destroy(&q.mu);
    free(q.chunks);
    return s;
}

/* ---- schema ------------------------------------------------------------------------------ */

/* Where a statement of an asset starts, past blanks and -- comments. */
static const char *statement_start(const char *sql)
{
    for (;;) {
        while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
            sql++;
        if (sql[0] == '-' && sql[1] == '-') {
            sql += strcspn(sql, "\n");
            continue;
        }
        return sql;
    }
}

static bool is_create_index(const char *sql)
{
    sql = statement_start(sql);
    return strncasecmp(sql, "CREATE INDEX", 12) == 0 ||
           strncasecmp(sql, "CREATE UNIQUE INDEX", 19) == 0;
}

/* The next statement of an asset from *p (a copy; NULL when only comments or blanks remain). */
static char *next_statement(const char **p, const char *end)
{
    /* sqlite3_complete finds where a statement ends, quotes, comments and triggers included. */
    for (const char *q = *p; (q = memchr(q, ';', (size_t)(end - q))) != NULL;) {
        q++;
        char *stmt = bc_xstrndup(*p, (size_t)(q - *p));
        if (sqlite3_complete(stmt)) {
            *p = q;
            return stmt;
        }
        free(stmt);
    }
    return NULL;
}

/* Run one statement of an asset; a fill statement's rowid range (:lo and :hi, or :TABLE_lo and
 * :TABLE_hi) is every row. */
static int run_statement(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK || st == NULL)
        return rc;
    bc_sqlite_bind_range(st, INT64_MIN, INT64_MAX);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Run the statements of an embedded SQL asset. With defer != NULL, CREATE INDEX statements are
 * appended there instead (indexes build faster once the rows are in); the text SQLite stores
 * in sqlite_master is the same either way. Statements starting with skip are left out. */
static bc_status run_asset(demo *d, const char *asset, bc_buf *defer, const char *skip,
                           bc_error *err)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, asset);
    if (e == NULL)
        return bc_fail(err, BC_ERR, "demo: asset %s is not built into this binary", asset);
    const char *p = e->data, *end = e->data + e->len;
    for (char *stmt; (stmt = next_statement(&p, end)) != NULL;) {
        if (skip && strncmp(statement_start(stmt), skip, strlen(skip)) == 0) {
            free(stmt);
            continue;
        }
        if (defer && is_create_index(stmt)) {
            bc_buf_puts(defer, stmt);
            bc_buf_puts(defer, "\n");
            free(stmt);
            continue;
        }
        int rc = run_statement(d->db, stmt);
        free(stmt);
        if (rc != SQLITE_OK)
            return bc_fail(err, BC_ERR, "demo: %s: %s", asset, sqlite3_errmsg(d->db));
    }
    return BC_OK;
}

static bc_status exec(demo *d, const char *sql, bc_error *err)
{
    if (sqlite3_exec(d->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(d, err, sql);
    return BC_OK;
}

static bc_status prepare(demo *d, const char *sql, sqlite3_stmt **st, bc_error *err)
{
    if (sqlite3_prepare_v3(d->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return sql_fail(d, err, "preparing inserts");
    return BC_OK;
}

/* ---- the search index, tokenized on a thread of its own -------------------------------------- */

/* The FTS5 table of assets/search-index.sql holds a trigram per 3 characters of every email
 * and name: tokenizing a million users takes ~8 s of CPU, which would stretch the demo past
 * the minute it must stay well under. A second thread makes it in a scratch file beside the
 * demo, from the same deterministic users (index i is rowid i + 1), while this one builds the
 * other indexes (~25 s, mostly one core); its rows (the index's shadow tables) are then copied
 * into the demo. Should the thread fail, the index is filled from the user table here. */
typedef struct {
    const demo *d;
    char *path;    /* the scratch file */
    char msg[256]; /* why it failed; "" when it did not */
    pthread_t thread;
    bool started;
} search_build;

static const char fts_insert[] = "INSERT INTO \"bcadmin_user_search\" (";
static const char *const fts_shadows[] = {"bcadmin_user_search_data", "bcadmin_user_search_idx",
                                          "bcadmin_user_search_config"};

/* The statement of an asset that starts with prefix (a copy), or NULL. */
static char *asset_statement(const char *asset, const char *prefix)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, asset);
    if (e == NULL)
        return NULL;
    const char *p = e->data, *end = e->data + e->len;
    for (char *stmt; (stmt = next_statement(&p, end)) != NULL; free(stmt))
        if (strncmp(statement_start(stmt), prefix, strlen(prefix)) == 0)
            return stmt;
    return NULL;
}

static void *search_build_run(void *arg)
{
    search_build *b = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char *create = asset_statement("search-index.sql", "CREATE VIRTUAL TABLE");
    row *w = bc_xmalloc(sizeof *w);
    int rc = create == NULL
                 ? SQLITE_ERROR
                 : sqlite3_open_v2(b->path, &db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                   NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                          "PRAGMA locking_mode=EXCLUSIVE; BEGIN",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, create, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO \"bcadmin_user_search\" (\"rowid\", \"email\", "
                                "\"name\") VALUES (?, ?, ?)",
                                -1, &st, NULL);
    for (uint32_t i = 0; rc == SQLITE_OK && i < b->d->n; i++) {
        make_user(b->d, i, w); /* columns 2 and 3 of the user insert: name, email */
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 2, w->text[2], w->len[2], SQLITE_STATIC);
        sqlite3_bind_text(st, 3, w->text[1], w->len[1], SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        snprintf(b->msg, sizeof b->msg, "%s",
                 create == NULL ? "search-index.sql has no CREATE VIRTUAL TABLE"
                 : db           ? sqlite3_errmsg(db)
                                : "out of memory");
    sqlite3_close(db);
    free(create);
    free(w);
    return NULL;
}

static void search_build_start(search_build *b, const demo *d, const char *path)
{
    *b = (search_build){.d = d, .path = bc_xasprintf("%s-search", path)};
    int rc = pthread_create(&b->thread, NULL, search_build_run, b);
    b->started = rc == 0;
    if (rc != 0)
        snprintf(b->msg, sizeof b->msg, "cannot start a thread: %s", strerror(rc));
}

static void search_build_join(search_build *b)
{
    if (b->started)
        pthread_join(b->thread, NULL);
    b->started = false;
}

/* Remove the scratch file (after the join and the copy). */
static void search_build_end(search_build *b)
{
    search_build_join(b);
    if (b->path) {
        unlink(b->path);
        free(b->path);
        b->path = NULL;
    }
}

/* Add the search index (outside any transaction): the doc table, the triggers and the FTS5
 * table from the script, the FTS5 table's rows copied from the scratch file. */
static bc_status search_index_add(demo *d, search_build *b, bc_error *err)
{
    bool copy = b->msg[0] == '\0';
    bc_status s = BC_OK;
    sqlite3_db_config(d->db, SQLITE_DBCONFIG_DEFENSIVE, 0, (int *)NULL);
    if (copy) {
        sqlite3_stmt *st = NULL;
        int rc =
            sqlite3_prepare_v2(d->db, "ATTACH DATABASE ? AS \"bcadmin_scratch\"", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, b->path, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_OK)
            return sql_fail(d, err, "attaching the search index's scratch file");
    }
    s = exec(d, "BEGIN", err);
    /* Without the copy, the script's own fill statement tokenizes the users here. */
    if (s == BC_OK)
        s = run_asset(d, "search-index.sql", NULL, copy ? fts_insert : NULL, err);
    for (size_t i = 0; copy && s == BC_OK && i < sizeof fts_shadows / sizeof fts_shadows[0]; i++) {
        /* Shadow tables are plain tables (the connection is not in defensive mode). */
        char *sql = bc_xasprintf("DELETE FROM main.\"%s\"; INSERT INTO main.\"%s\" SELECT * FROM "
                                 "\"bcadmin_scratch\".\"%s\";",
                                 fts_shadows[i], fts_shadows[i], fts_shadows[i]);
        s = exec(d, sql, err);
        free(sql);
    }
    if (s == BC_OK)
        s = exec(d, "COMMIT", err);
    if (copy && s == BC_OK)
        s = exec(d, "DETACH DATABASE \"bcadmin_scratch\"", err);
    return s;
}

/* ---- the whole file ---------------------------------------------------------------------- */

static bc_status fill(demo *d, bc_error *err)
{
    bc_buf indexes = {0};
    /* The temporary file is private until renamed, so durability buys nothing here. */
    bc_status s =
        exec(d,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
             "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY;",
             err);
    if (s == BC_OK)
        s = exec(d, "BEGIN", err);
    if (s == BC_OK)
        s = run_asset(d, "better-auth-schema.sql", &indexes, NULL, err);
    if (s == BC_OK)
        s = run_asset(d, "browse-indexes.sql", &indexes, NULL, err);
    if (s == BC_OK)
        s = prepare(d,
                    "INSERT INTO \"user\" (\"id\", \"name\", \"email\", \"emailVerified\", "
                    "\"image\", \"createdAt\", \"updatedAt\", \"role\", \"banned\", "
                    "\"banReason\", \"banExpires\") VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    &d->user, err);
    if (s == BC_OK)
        s = prepare(d,
                    "INSERT INTO \"session\" (\"id\", \"expiresAt\", \"token\", \"createdAt\", "
                    "\"updatedAt\", \"ipAddress\", \"userAgent\", \"userId\", "
                    "\"impersonatedBy\") VALUES (?,?,?,?,?,?,?,?,?)",
                    &d->session, err);
    if (s == BC_OK)
        s = prepare(d,
                    "INSERT INTO \"account\" (\"id\", \"accountId\", \"providerId\", \"userId\", "
                    "\"accessToken\", \"refreshToken\", \"idToken\", \"accessTokenExpiresAt\", "
                    "\"refreshTokenExpiresAt\", \"scope\", \"password\", \"createdAt\", "
                    "\"updatedAt\") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    &d->account, err);
    if (s == BC_OK)
        s = insert_rows(d, err);
    search_build search = {.started = false};
    if (s == BC_OK)
        search_build_start(&search, d, d->path);
    /* Index builds sort: with a smaller cache each sort spills runs that a second SQLite thread
     * sorts while this one reads on, and mmap reads the table without copying its pages. */
    if (s == BC_OK)
        s = exec(d, "PRAGMA threads=2; PRAGMA cache_size=-65536; PRAGMA mmap_size=2147418112;",
                 err);
    bc_progress_report(d->progress, "building the browsing indexes", 0, 0);
    if (s == BC_OK && indexes.len)
        s = exec(d, indexes.data, err);
    if (s == BC_OK)
        s = exec(d, "COMMIT", err);
    bc_progress_report(d->progress, "building the search index", 0, 0);
    search_build_join(&search);
    if (s == BC_OK)
        s = search_index_add(d, &search, err);
    search_build_end(&search);
    /* The overview's summary: its tables and triggers, filled from every row at once. */
    bc_progress_report(d->progress, "building the overview summary", 0, 0);
    if (s == BC_OK)
        s = exec(d, "BEGIN", err);
    if (s == BC_OK)
        s = run_asset(d, "stats-summary.sql", NULL, NULL, err);
    if (s == BC_OK)
        s = exec(d, "COMMIT", err);
    /* Leave a normal rollback-journal database behind, whatever the temp file used. */
    if (s == BC_OK)
        s = exec(d, "PRAGMA journal_mode=DELETE; PRAGMA locking_mode=NORMAL;", err);
    bc_buf_release(&indexes);
    return s;
}

static bc_status load_lists(demo *d, bc_error *err)
{
    bc_status s = list_load("demo-first-names.txt", LIST_NAMES, &d->first, err);
    if (s == BC_OK)
        s = list_load("demo-last-names.txt", LIST_NAMES, &d->last, err);
    if (s == BC_OK)
        s = list_load("demo-domains.txt", LIST_DOMAINS, &d->domains, err);
    if (s == BC_OK)
        s = list_load("demo-user-agents.txt", LIST_LINES, &d->agents, err);
    return s;
}

static void demo_release(demo *d)
{
    sqlite3_finalize(d->user);
    sqlite3_finalize(d->session);
    sqlite3_finalize(d->account);
    if (d->db)
        sqlite3_close(d->db);
    free(d->first.items);
    free(d->last.items);
    free(d->domains.items);
    free(d->agents.items);
    free(d->roles);
    free(d->accounts);
    free(d->user_ids);
    free(d->admins);
}

/* Refuse what must not be overwritten, and check the directory exists before any work. */
static bc_status check_target(const char *path, const bc_demo_opts *opts, bc_error *err)
{
    struct stat sb;
    if (path == NULL || *path == '\0')
        return bc_fail(err, BC_USAGE, "demo: no database path given");
    if (lstat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return bc_fail(err, BC_REFUSED, "demo: %s is a directory", path);
        if (!opts->force)
            return bc_fail(err, BC_REFUSED, "demo: %s already exists (use --force to replace it)",
                           path);
    }
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? bc_xstrdup(".")
                              : bc_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
    bc_status s = BC_OK;
    if (stat(dir, &sb) != 0)
        s = bc_fail(err, BC_NOT_FOUND, "demo: directory %s does not exist (for %s)", dir, path);
    else if (!S_ISDIR(sb.st_mode))
        s = bc_fail(err, BC_ERR, "demo: %s is not a directory (for %s)", dir, path);
    free(dir);
    return s;
}

/* Remove the journal, WAL and shared-memory files SQLite may keep beside path. */
static void unlink_siblings(const char *path)
{
    static const char *const suffixes[] = {"-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char *p = bc_xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
}

bc_status bc_demo_create(const char *path, const bc_demo_opts *opts, bc_demo_report *report,
                         bc_error *err)
{
    bc_demo_opts defaults = {0};
    bc_demo_report scratch;
    if (opts == NULL)
        opts = &defaults;
    if (report == NULL)
        report = &scratch;
    memset(report, 0, sizeof *report);
    if (opts->read_only)
        return bc_read_only_refuse(path, "making a demo database", err);
    bc_status s = check_target(path, opts, err);
    if (s != BC_OK)
        return s;
    uint64_t n = opts->users ? opts->users : BC_DEMO_USERS_DEFAULT;
    if (n > 100000000)
        return bc_fail(err, BC_USAGE, "demo: %llu users is too many (at most 100000000)",
                       (unsigned long long)n);

    demo d = {0};
    d.report = report;
    d.now = opts->now_ms ? opts->now_ms : bc_now_ms();
    d.seed = opts->seed;
    d.n = n;
    d.progress = opts->progress;
    s = load_lists(&d, err);
    if (s == BC_OK) {
        rng plan;
        rng_seed(&plan, opts->seed);
        d.roles = bc_xcalloc((size_t)n, 1);
        d.accounts = bc_xcalloc((size_t)n, 1);
        d.admins = bc_xcalloc((size_t)n, sizeof *d.admins);
        plan_make(&plan, n, d.roles, d.accounts);
        d.user_ids = sorted_ids(&d, S_USER_ID, (size_t)n);
        for (uint32_t i = 0; i < n; i++)
            if (is_admin(d.roles[i]))
                d.admins[d.n_admins++] = i;
        report->admins = d.n_admins;
        for (uint32_t i = 0; i < n; i++)
            report->banned += is_banned(d.roles[i]);
        /* One hash for every credential user: scrypt costs ~0.1 s, and a salt drawn from the
         * seeded stream keeps the whole file deterministic. */
        char salt[33];
        for (int i = 0; i < 32; i++)
            salt[i] = "0123456789abcdef"[rng_below(&plan, 16)];
        salt[32] = '\0';
        s = bc_password_hash_with_salt(BC_DEMO_PASSWORD, salt, d.password_hash, err);
    }
    if (s != BC_OK) {
        demo_release(&d);
        return s;
    }

    char *tmp = bc_xasprintf("%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        s = bc_fail(err, BC_ERR, "demo: cannot create a temporary file beside %s: %s", path,
                    strerror(errno));
        free(tmp);
        demo_release(&d);
        return s;
    }
    close(fd);
    if (sqlite3_open_v2(tmp, &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        s = bc_fail(err, BC_ERR, "demo: opening %s: %s", tmp,
                    d.db ? sqlite3_errmsg(d.db) : "out of memory");
    d.path = tmp;
    if (s == BC_OK)
        s = fill(&d, err);
    if (s == BC_OK)
        snprintf(report->first_admin_email, sizeof report->first_admin_email, "%s", ADMIN_EMAIL);
    demo_release(&d);
    d.db = NULL;
    if (s == BC_OK) {
        /* A replaced database's journal or WAL would be replayed into the new file. */
        if (opts->force)
            unlink_siblings(path);
        if (rename(tmp, path) != 0)
            s = bc_fail(err, BC_ERR, "demo: renaming %s to %s: %s", tmp, path, strerror(errno));
    }
    if (s != BC_OK) {
        memset(report, 0, sizeof *report);
        unlink(tmp);
        unlink_siblings(tmp);
    }
    free(tmp);
    return s;
}
