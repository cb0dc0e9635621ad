/* target.h - the one place every verb and the console learn what to work on: a SQLite file
 * (--db, BCADMIN_DB) or a Convex deployment chosen like the Convex CLI (deployment.h) from the
 * flags, the process environment, then .env.local and .env of the working directory.
 *
 * Also lists what the environment and files offer, for the console's deployment switcher.
 * Curses-free; prints nothing (warnings are handed back).
 */
#ifndef TUI_TARGET_H
#define TUI_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "convex_http.h"
#include "deployment.h"
#include "driver.h"
#include "status.h"

typedef struct {
    const char *db; /* --db (wins); else --url/--admin-key; else BCADMIN_DB; else CONVEX_* */
    const char *url, *admin_key;
    bool prod, url_for_key, read_only;
    const char *auth_functions, *component;
    const char *dir; /* where .env.local and .env are read; NULL: the working directory */
} bc_target_opts;

/* An open target. bc_target_close releases everything inside. */
typedef struct {
    bc_driver *d;       /* the open driver; its label names it in the top bar and the audit log */
    bc_env_sources env; /* the variables' sources (CONVEX_SITE_URL...); warnings to show */
    char *path;         /* SQLite: the file; NULL for Convex */
    char *fingerprint;  /* Convex: "key:1a2b3c4d" (never the key); NULL for SQLite */
    char *how;          /* Convex: how the deployment was chosen (names, never values) */
    bool nothing;       /* set with BC_USAGE when nothing at all was selected */
    bool convex;        /* a Convex deployment was selected (even when opening it failed) */
    /* bc_target_open_http only: the bare connection, its label and production mark */
    bc_convex *conn;
    char *label;
    bool production;
} bc_target;

/* Load the variables' sources for o (bc_env_sources_release frees them). */
bc_status bc_target_sources(const bc_target_opts *o, bc_env_sources *out, bc_error *err);

/* Open what o selects. BC_USAGE with t->nothing when nothing is selected (the message says what
 * to give), BC_USAGE for a conflict; a driver's own errors otherwise. On failure t holds nothing
 * to release except t->env's warnings (bc_target_close is still safe). */
bc_status bc_target_open(const bc_target_opts *o, bc_target *t, bc_error *err);
/* Open a SQLite file / the Convex deployment the sources select, into a zeroed t. */
bc_status bc_target_open_sqlite(const char *path, bool read_only, bc_target *t, bc_error *err);
bc_status bc_target_open_convex(const bc_target_opts *o, const bc_env_sources *env, bc_target *t,
                                bc_error *err);
/* After bc_target_open failed on a Convex deployment (t->convex): connect to the same deployment
 * without looking for the auth functions, for the key verbs, which must diagnose a deployment
 * whose functions fail (a broken JWKS breaks every function). Fills t->conn, label, production,
 * fingerprint. */
bc_status bc_target_open_http(const bc_target_opts *o, bc_target *t, bc_error *err);
void bc_target_close(bc_target *t);

/* One thing the switcher offers. Strings are owned (bc_target_choices_free). */
typedef enum { BC_CHOICE_CONVEX, BC_CHOICE_SQLITE } bc_choice_kind;
typedef struct {
    bc_choice_kind kind;
    char *name;        /* the deployment's label, or the file's path */
    char *from;        /* where it was found ("--db", "BCADMIN_DB", "the demo database", how) */
    char *fingerprint; /* Convex: "key:1a2b3c4d"; NULL for SQLite */
    char *problem;     /* why it cannot be opened (a conflict, a missing file), or NULL */
    bool production;
} bc_target_choice;

/* What o's flags, the environment and the files offer: the selected Convex deployment (or why
 * none can be), the --db file, BCADMIN_DB, the demo database when it exists. No network. *out
 * is the caller's. */
size_t bc_target_choices(const bc_target_opts *o, bc_target_choice **out);
void bc_target_choices_free(bc_target_choice *c, size_t n);

#endif
