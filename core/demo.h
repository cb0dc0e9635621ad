/* demo.h - synthetic Better Auth databases for trying bcadmin and for benchmarks.
 *
 * Creates a new file with the exact Better Auth 1.4.9 schema (assets/better-auth-schema.sql),
 * bcadmin's browsing indexes, search index and overview summary, and N deterministic users (same seed, same file contents apart from
 * SQLite's page layout): realistic names and emails including non-ASCII names, a few admins,
 * banned users (expired, future and permanent bans), sessions (active, expired, impersonation),
 * credential and social accounts. Every credential user's password is BC_DEMO_PASSWORD.
 */
#ifndef BC_DEMO_H
#define BC_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "progress.h"

#include "status.h"

#define BC_DEMO_PASSWORD "demo-password-123"
#define BC_DEMO_USERS_DEFAULT 10000

typedef struct {
    uint64_t users;  /* 0 means BC_DEMO_USERS_DEFAULT */
    uint64_t seed;   /* 0 is a valid seed */
    int64_t now_ms;  /* the "current" time the data is built around; 0 means bc_now_ms() */
    int force;       /* replace an existing file instead of refusing */
    bool read_only;  /* --read-only: refused (bc_read_only_refuse), nothing is written */
    const bc_progress *progress; /* users written of users, then the index phases; may be NULL */
} bc_demo_opts;

typedef struct {
    uint64_t users, sessions, accounts, admins, banned;
    char first_admin_email[128]; /* an admin to use with --as */
} bc_demo_report;

/* Create the demo database at path. Refuses (BC_REFUSED) an existing file unless opts->force.
 * Writes to a temporary file beside path and renames it, so a failure leaves nothing behind. */
bc_status bc_demo_create(const char *path, const bc_demo_opts *opts, bc_demo_report *report,
                         bc_error *err);

#endif
