/* paths.h - where bcadmin keeps its own files: the XDG base directories.
 *
 * State (the audit database) lives under $XDG_STATE_HOME/bcadmin, the demo database under
 * $XDG_DATA_HOME/bcadmin, user settings under $XDG_CONFIG_HOME/bcadmin. Unset, empty or relative
 * XDG variables fall back to ~/.local/state, ~/.local/share and ~/.config as the XDG spec says.
 * Every char * returned through an out-parameter is the caller's to free.
 */
#ifndef BC_PATHS_H
#define BC_PATHS_H

#include "status.h"

typedef enum { BC_DIR_STATE, BC_DIR_DATA, BC_DIR_CONFIG } bc_dir_kind;

/* bcadmin's directory of the given kind, e.g. "/home/me/.local/state/bcadmin". Not created.
 * BC_ERR when neither the XDG variable nor HOME is usable. */
bc_status bc_paths_dir(bc_dir_kind kind, char **out, bc_error *err);

/* The default state database: <state dir>/state.db. */
bc_status bc_paths_default_state(char **out, bc_error *err);

/* The default demo database: <data dir>/demo.db. */
bc_status bc_paths_default_demo(char **out, bc_error *err);

/* Create every missing directory above the file `path` with mode 0700 (existing ones are left
 * as they are). Fails naming the directory that could not be made. */
bc_status bc_paths_make_parents(const char *path, bc_error *err);

#endif
