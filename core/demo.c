/* demo.c - synthetic Better Auth 1.4.9 databases (see demo.h).
 *
 * Everything random comes from one xoshiro256** stream seeded from opts->seed, so a seed and a
 * "now" give the same rows on every machine. Rows are written into a temporary file beside the
 * target in one transaction with the journal off, then the file is renamed into place.
 */
#include "demo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "embedded.h"
#include "isotime.h"
#include "password.h"
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

/* Every row draws from its own stream, keyed by (table, user index, ordinal), so a row can be
 * generated twice with the same result: once for its id (to sort by), once to insert it. */
enum stream { S_USER = 1, S_CREATED, S_SESSION_COUNT, S_SESSION, S_ACCOUNT };
#define IMPERSONATION_ORDINAL 7 /* session ordinals 0..4 are ordinary sessions */

typedef struct {
    sqlite3 *db;
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
} demo;

/* A row to insert: its id (the sort key) and where to regenerate it from. */
typedef struct {
    char id[ID_LEN];
    uint32_t user, ordinal;
} row_key;

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

static void bind_text(sqlite3_stmt *st, int col, const char *s, int len)
{
    if (s == NULL)
        sqlite3_bind_null(st, col);
    else
        sqlite3_bind_text(st, col, s, len, SQLITE_STATIC);
}

static void bind_date(sqlite3_stmt *st, int col, int64_t ms, char buf[BC_ISO_LEN + 1])
{
    bc_iso_format(ms, buf);
    sqlite3_bind_text(st, col, buf, BC_ISO_LEN, SQLITE_STATIC);
}

/* Step a fully bound insert and make it ready for the next row. */
static bc_status step_insert(demo *d, sqlite3_stmt *st, const char *table, bc_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return bc_fail(err, BC_ERR, "demo: inserting into %s: %s", table, sqlite3_errmsg(d->db));
    return BC_OK;
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
static bc_status insert_session(demo *d, uint32_t user, uint32_t ordinal, bc_error *err)
{
    sqlite3_stmt *st = d->session;
    rng rs = row_rng(d, S_SESSION, user, ordinal), *r = &rs;
    char id[ID_LEN + 1], token[ID_LEN + 1], ip[48];
    char created_s[BC_ISO_LEN + 1], expires_s[BC_ISO_LEN + 1];
    rng_alnum(r, id, ID_LEN);
    rng_alnum(r, token, ID_LEN);
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
    /* Better Auth writes '' when it saw no client address (no forwarded header). */
    if (rng_chance(r, 120))
        ip[0] = '\0';
    else if (rng_chance(r, 150))
        snprintf(ip, sizeof ip, "2001:db8:%x:%x::%x", (unsigned)rng_below(r, 0x10000),
                 (unsigned)rng_below(r, 0x10000), (unsigned)rng_below(r, 0x10000));
    else
        snprintf(ip, sizeof ip, "%u.%u.%u.%u", (unsigned)rng_range(r, 11, 224),
                 (unsigned)rng_below(r, 256), (unsigned)rng_below(r, 256),
                 (unsigned)rng_range(r, 1, 255));
    const word *ua = pick(r, &d->agents);
    bind_text(st, 1, id, ID_LEN);
    bind_date(st, 2, created + ttl, expires_s);
    bind_text(st, 3, token, ID_LEN);
    bind_date(st, 4, created, created_s);
    bind_text(st, 5, created_s, BC_ISO_LEN); /* updatedAt: never refreshed since */
    bind_text(st, 6, ip, -1);
    bind_text(st, 7, ua->text, ua->text_len);
    bind_text(st, 8, d->user_ids[user], ID_LEN);
    bind_text(st, 9, by, ID_LEN);
    d->report->sessions++;
    return step_insert(d, st, "session", err);
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
static void bind_credential(demo *d, rng *r, uint32_t user, int64_t created,
                            char created_s[BC_ISO_LEN + 1], char updated_s[BC_ISO_LEN + 1])
{
    sqlite3_stmt *st = d->account;
    /* A few users changed their password since sign-up. */
    int64_t updated = rng_chance(r, 100) ? rng_range(r, created, d->now) : created;
    bind_text(st, 2, d->user_ids[user], ID_LEN);
    bind_text(st, 3, "credential", -1);
    bind_text(st, 11, d->password_hash, BC_PASSWORD_HASH_LEN);
    bind_date(st, 12, created, created_s);
    bind_date(st, 13, updated, updated_s);
}

struct social_tokens {
    char account_id[24], access[160], refresh[80], id_token[200];
    char created_s[BC_ISO_LEN + 1], updated_s[BC_ISO_LEN + 1], expires_s[BC_ISO_LEN + 1];
};

/* A social account (ordinal 1) as the google/github providers leave it after sign-in. A
 * social account linked to a credential user came later than the sign-up. */
static void bind_social(demo *d, rng *r, uint32_t user, int64_t created, struct social_tokens *t)
{
    sqlite3_stmt *st = d->account;
    bool google = is_google(d->accounts[user]);
    if (has_credential(d->accounts[user]))
        created = rng_range(r, created, d->now);
    if (google) {
        /* Google subjects are 21-digit numbers starting with 1. */
        t->account_id[0] = '1';
        rng_digits(r, t->account_id + 1, 20);
        memcpy(t->access, "ya29.a0", 7);
        rng_alnum(r, t->access + 7, 140);
        memcpy(t->refresh, "1//0", 4);
        rng_alnum(r, t->refresh + 4, 60);
        static const char jwt_head[] = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlbW8iLCJ0eXAiOiJKV1QifQ.";
        size_t h = sizeof jwt_head - 1;
        memcpy(t->id_token, jwt_head, h);
        rng_alnum(r, t->id_token + h, 90);
        t->id_token[h + 90] = '.';
        rng_alnum(r, t->id_token + h + 91, 43);
    } else {
        snprintf(t->account_id, sizeof t->account_id, "%u",
                 (unsigned)rng_range(r, 1000, 190000000));
        memcpy(t->access, "gho_", 4);
        rng_alnum(r, t->access + 4, 36);
    }
    bind_text(st, 2, t->account_id, -1);
    bind_text(st, 3, google ? "google" : "github", -1);
    bind_text(st, 5, t->access, -1);
    bind_text(st, 6, google ? t->refresh : NULL, -1);
    bind_text(st, 7, google ? t->id_token : NULL, -1);
    /* Google access tokens live an hour from the last sign-in; GitHub's do not expire. */
    int64_t updated = rng_chance(r, 500) ? created : rng_range(r, created, d->now);
    if (google)
        bind_date(st, 8, updated + HOUR_MS - 1000, t->expires_s);
    bind_text(st, 10,
              google ? "openid,https://www.googleapis.com/auth/userinfo.email,"
                       "https://www.googleapis.com/auth/userinfo.profile"
                     : "read:user,user:email",
              -1);
    bind_date(st, 12, created, t->created_s);
    bind_date(st, 13, updated, t->updated_s);
}

static bc_status insert_account(demo *d, uint32_t user, uint32_t ordinal, bc_error *err)
{
    rng r = row_rng(d, S_ACCOUNT, user, ordinal);
    char id[ID_LEN + 1];
    struct social_tokens t;
    rng_alnum(&r, id, ID_LEN);
    int64_t created = user_created(d, user);
    bind_text(d->account, 1, id, ID_LEN);
    bind_text(d->account, 4, d->user_ids[user], ID_LEN);
    if (ordinal == 0)
        bind_credential(d, &r, user, created, t.created_s, t.updated_s);
    else
        bind_social(d, &r, user, created, &t);
    d->report->accounts++;
    return step_insert(d, d->account, "account", err);
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

static void make_email(rng *r, const demo *d, uint64_t index, const word *f, const word *l,
                       char *out, size_t size)
{
    if (index == 0) {
        snprintf(out, size, "%s", ADMIN_EMAIL);
        return;
    }
    /* The number is the user's index and every slug ends in a letter, so the trailing digits
     * make each address unique whatever the pattern and domain. */
    const word *dom = pick(r, &d->domains);
    int fl = f->slug_len, ll = l->slug_len, dl = dom->slug_len;
    unsigned long long num = (unsigned long long)index;
    switch (rng_below(r, 6)) {
    case 0:
        snprintf(out, size, "%.*s.%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 1:
        snprintf(out, size, "%.*s%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 2:
        snprintf(out, size, "%.1s.%.*s%llu@%.*s", f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 3:
        snprintf(out, size, "%.*s_%.*s%llu@%.*s", fl, f->slug, ll, l->slug, num, dl, dom->slug);
        break;
    case 4:
        snprintf(out, size, "%.*s%llu@%.*s", fl, f->slug, num, dl, dom->slug);
        break;
    default:
        snprintf(out, size, "%.*s.%.*s%llu@%.*s", ll, l->slug, fl, f->slug, num, dl, dom->slug);
        break;
    }
}

static const char *role_text(unsigned char role)
{
    return role == R_ADMIN ? "admin" : role == R_USER_ADMIN ? "user,admin" : "user";
}

static const char *user_image(rng *r, unsigned char kind, char *image, size_t size)
{
    if (kind == A_GOOGLE || kind == A_CREDENTIAL_GOOGLE) {
        if (!rng_chance(r, 600))
            return NULL;
        char tail[41];
        rng_alnum(r, tail, 40);
        snprintf(image, size, "https://lh3.googleusercontent.com/a/ACg8oc%s=s96-c", tail);
        return image;
    }
    if ((kind == A_GITHUB || kind == A_CREDENTIAL_GITHUB) && rng_chance(r, 900)) {
        snprintf(image, size, "https://avatars.githubusercontent.com/u/%u?v=4",
                 (unsigned)rng_range(r, 1000, 190000000));
        return image;
    }
    return NULL;
}

/* Banning sets updatedAt; banExpires is NULL (permanent), ahead of now, or behind it (an
 * expired ban Better Auth lifts at the next sign-in). Returns the ban time. */
static int64_t bind_ban(demo *d, rng *r, unsigned char role, int64_t created,
                        char ban_s[BC_ISO_LEN + 1])
{
    sqlite3_stmt *st = d->user;
    int64_t banned_at = rng_range(r, created, d->now);
    if (role == R_BAN_FUTURE) {
        int64_t recent = d->now - 30 * DAY_MS;
        banned_at = rng_range(r, created > recent ? created : recent, d->now);
        bind_date(st, 11, d->now + rng_range(r, HOUR_MS, 90 * DAY_MS), ban_s);
    } else if (role == R_BAN_EXPIRED) {
        int64_t expires = rng_range(r, created, d->now);
        banned_at = rng_range(r, created, expires);
        bind_date(st, 11, expires, ban_s);
    }
    bind_text(st, 10, ban_reasons[rng_below(r, sizeof ban_reasons / sizeof *ban_reasons)], -1);
    return banned_at;
}

static bc_status insert_user(demo *d, uint32_t index, bc_error *err)
{
    sqlite3_stmt *st = d->user;
    rng rs = row_rng(d, S_USER, index, 0), *r = &rs;
    unsigned char role = d->roles[index], kind = d->accounts[index] & ~IMPERSONATED;
    char id[ID_LEN + 1], name[256], email[256], image[128];
    char created_s[BC_ISO_LEN + 1], updated_s[BC_ISO_LEN + 1], ban_s[BC_ISO_LEN + 1];
    rng_alnum(r, id, ID_LEN);
    int64_t created = user_created(d, index);
    const word *f = pick(r, &d->first), *l = pick(r, &d->last);
    snprintf(name, sizeof name, "%.*s %.*s", f->text_len, f->text, l->text_len, l->text);
    make_email(r, d, index, f, l, email, sizeof email);
    int64_t updated = rng_chance(r, 700) ? created : rng_range(r, created, d->now);
    bool verified = kind != A_CREDENTIAL || index == 0 || rng_chance(r, 920);

    bind_text(st, 1, id, ID_LEN);
    bind_text(st, 2, name, -1);
    bind_text(st, 3, email, -1);
    sqlite3_bind_int(st, 4, verified);
    bind_text(st, 5, user_image(r, kind, image, sizeof image), -1);
    bind_date(st, 6, created, created_s);
    bind_text(st, 8, role_text(role), -1);
    sqlite3_bind_int(st, 9, is_banned(role));
    if (is_banned(role)) {
        updated = bind_ban(d, r, role, created, ban_s);
        d->report->banned++;
    }
    bind_date(st, 7, updated, updated_s);
    if (is_admin(role))
        d->report->admins++;
    d->report->users++;
    return step_insert(d, st, "user", err);
}

/* ---- inserting in id order ------------------------------------------------------------------ */

static int key_cmp(const void *a, const void *b)
{
    return memcmp(a, b, ID_LEN);
}

static void key_add(row_key **keys, size_t *n, size_t *cap, const char id[ID_LEN + 1],
                    uint32_t user, uint32_t ordinal)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 1024;
        *keys = bc_xrealloc(*keys, *cap * sizeof **keys);
    }
    memcpy((*keys)[*n].id, id, ID_LEN);
    (*keys)[*n].user = user;
    (*keys)[*n].ordinal = ordinal;
    (*n)++;
}

/* The id every row of `table` will get: the first draw of its stream. */
static void row_id(const demo *d, enum stream table, uint32_t user, uint32_t ordinal,
                   char id[ID_LEN + 1])
{
    rng r = row_rng(d, table, user, ordinal);
    rng_alnum(&r, id, ID_LEN);
}

/* Rows go in sorted by id, so each table's primary-key index only ever grows at its end; a
 * million random-key inserts would cost several times more. Row order in the file means
 * nothing to Better Auth or to bcadmin (both sort on columns). */
static bc_status insert_users(demo *d, bc_error *err)
{
    row_key *keys = bc_xmalloc((size_t)d->n * sizeof *keys);
    for (uint32_t i = 0; i < d->n; i++) {
        char id[ID_LEN + 1];
        row_id(d, S_USER, i, 0, id);
        memcpy(d->user_ids[i], id, ID_LEN);
        memcpy(keys[i].id, id, ID_LEN);
        keys[i].user = i;
        keys[i].ordinal = 0;
        if (is_admin(d->roles[i]))
            d->admins[d->n_admins++] = i;
    }
    qsort(keys, (size_t)d->n, sizeof *keys, key_cmp);
    bc_status s = BC_OK;
    for (size_t i = 0; i < d->n && s == BC_OK; i++)
        s = insert_user(d, keys[i].user, err);
    free(keys);
    return s;
}

static bc_status insert_accounts(demo *d, bc_error *err)
{
    row_key *keys = NULL;
    size_t n = 0, cap = 0;
    char id[ID_LEN + 1];
    for (uint32_t i = 0; i < d->n; i++) {
        for (uint32_t k = 0; k < 2; k++) {
            if (k == 0 ? !has_credential(d->accounts[i]) : !has_social(d->accounts[i]))
                continue;
            row_id(d, S_ACCOUNT, i, k, id);
            key_add(&keys, &n, &cap, id, i, k);
        }
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    bc_status s = BC_OK;
    for (size_t i = 0; i < n && s == BC_OK; i++)
        s = insert_account(d, keys[i].user, keys[i].ordinal, err);
    free(keys);
    return s;
}

static bc_status insert_sessions(demo *d, bc_error *err)
{
    row_key *keys = NULL;
    size_t n = 0, cap = 0;
    char id[ID_LEN + 1];
    for (uint32_t i = 0; i < d->n; i++) {
        unsigned count = session_count(d, i);
        for (uint32_t k = 0; k < count; k++) {
            row_id(d, S_SESSION, i, k, id);
            key_add(&keys, &n, &cap, id, i, k);
        }
        if ((d->accounts[i] & IMPERSONATED) && d->n_admins > 0) {
            row_id(d, S_SESSION, i, IMPERSONATION_ORDINAL, id);
            key_add(&keys, &n, &cap, id, i, IMPERSONATION_ORDINAL);
        }
    }
    qsort(keys, n, sizeof *keys, key_cmp);
    bc_status s = BC_OK;
    for (size_t i = 0; i < n && s == BC_OK; i++)
        s = insert_session(d, keys[i].user, keys[i].ordinal, err);
    free(keys);
    return s;
}

/* ---- schema ------------------------------------------------------------------------------ */

static bool is_create_index(const char *sql)
{
    for (;;) {
        while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
            sql++;
        if (sql[0] == '-' && sql[1] == '-') {
            sql += strcspn(sql, "\n");
            continue;
        }
        break;
    }
    return strncasecmp(sql, "CREATE INDEX", 12) == 0 ||
           strncasecmp(sql, "CREATE UNIQUE INDEX", 19) == 0;
}

/* Run the statements of an embedded SQL asset. With defer != NULL, CREATE INDEX statements are
 * appended there instead (indexes build faster once the rows are in); the text SQLite stores
 * in sqlite_master is the same either way. */
static bc_status run_asset(demo *d, const char *asset, bc_buf *defer, bc_error *err)
{
    const struct bc_embedded *e = bc_embedded_find(bc_assets, asset);
    if (e == NULL)
        return bc_fail(err, BC_ERR, "demo: asset %s is not built into this binary", asset);
    const char *p = e->data, *end = e->data + e->len;
    while (p < end) {
        /* sqlite3_complete finds where a statement ends, quotes and comments included. */
        const char *q = p;
        char *stmt = NULL;
        while ((q = memchr(q, ';', (size_t)(end - q))) != NULL) {
            q++;
            stmt = bc_xstrndup(p, (size_t)(q - p));
            if (sqlite3_complete(stmt))
                break;
            free(stmt);
            stmt = NULL;
        }
        if (stmt == NULL)
            break; /* only comments or blanks remain */
        p = q;
        if (defer && is_create_index(stmt)) {
            bc_buf_puts(defer, stmt);
            bc_buf_puts(defer, "\n");
            free(stmt);
            continue;
        }
        char *msg = NULL;
        int rc = sqlite3_exec(d->db, stmt, NULL, NULL, &msg);
        free(stmt);
        if (rc != SQLITE_OK) {
            bc_status s = bc_fail(err, BC_ERR, "demo: %s: %s", asset, msg ? msg : "error");
            sqlite3_free(msg);
            return s;
        }
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

/* ---- the whole file ---------------------------------------------------------------------- */

static bc_status fill(demo *d, bc_error *err)
{
    bc_buf indexes = {0};
    /* The temporary file is private until renamed, so durability buys nothing here. */
    bc_status s = exec(d,
                       "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                       "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY;",
                       err);
    if (s == BC_OK)
        s = exec(d, "BEGIN", err);
    if (s == BC_OK)
        s = run_asset(d, "better-auth-schema.sql", &indexes, err);
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
        s = insert_users(d, err);
    if (s == BC_OK)
        s = insert_accounts(d, err);
    if (s == BC_OK)
        s = insert_sessions(d, err);
    if (s == BC_OK && indexes.len)
        s = exec(d, indexes.data, err);
    if (s == BC_OK)
        s = run_asset(d, "browse-indexes.sql", NULL, err);
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
    s = load_lists(&d, err);
    if (s == BC_OK) {
        rng plan;
        rng_seed(&plan, opts->seed);
        d.roles = bc_xcalloc((size_t)n, 1);
        d.accounts = bc_xcalloc((size_t)n, 1);
        d.user_ids = bc_xcalloc((size_t)n, sizeof *d.user_ids);
        d.admins = bc_xcalloc((size_t)n, sizeof *d.admins);
        plan_make(&plan, n, d.roles, d.accounts);
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
