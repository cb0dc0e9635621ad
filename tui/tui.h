/* tui.h - the interactive console as main.c starts it: pick the target, open it, run the views.
 */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include <stdbool.h>

typedef struct {
    const char *db_path; /* --db; NULL: BCADMIN_DB, else the demo database */
    bool read_only;      /* --read-only */
    const char *state;   /* --state; NULL: the default state database (paths.h) */
    const char *as;      /* --as; NULL: BCADMIN_AS (`:as EMAIL` changes it in the console) */
    /* a Convex deployment (target.h): --url, --admin-key, --prod, ... */
    const char *url, *admin_key, *auth_functions, *component;
    const char *site_url, *auth_base_path; /* --site-url, --auth-base-path (the key checks) */
    const char *jwks_module;               /* --jwks-module (the key actions' module) */
    bool prod, url_for_key;
} tui_options;

/* Run `bcadmin` with no verb. Returns the exit code; prints errors to stderr itself. */
int tui_main(const tui_options *opts);

#endif
