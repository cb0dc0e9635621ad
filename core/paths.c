/* paths.c - XDG base directories and creating the directories above a file. */
#include "paths.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

struct xdg {
    const char *var;      /* environment variable */
    const char *fallback; /* below $HOME */
};

static const struct xdg xdg_dirs[] = {
    [BC_DIR_STATE] = {"XDG_STATE_HOME", ".local/state"},
    [BC_DIR_DATA] = {"XDG_DATA_HOME", ".local/share"},
    [BC_DIR_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
};

bc_status bc_paths_dir(bc_dir_kind kind, char **out, bc_error *err)
{
    const struct xdg *x = &xdg_dirs[kind];
    const char *base = getenv(x->var);
    /* The XDG spec says a relative path in these variables is invalid and must be ignored. */
    if (base && base[0] == '/') {
        *out = bc_xasprintf("%s/bcadmin", base);
        return BC_OK;
    }
    const char *home = getenv("HOME");
    if (!home || home[0] != '/')
        return bc_fail(err, BC_ERR,
                       "cannot find bcadmin's %s directory: neither %s nor HOME "
                       "is set to an absolute path",
                       kind == BC_DIR_STATE  ? "state"
                       : kind == BC_DIR_DATA ? "data"
                                             : "config",
                       x->var);
    *out = bc_xasprintf("%s/%s/bcadmin", home, x->fallback);
    return BC_OK;
}

static bc_status file_in_dir(bc_dir_kind kind, const char *file, char **out, bc_error *err)
{
    char *dir;
    bc_status st = bc_paths_dir(kind, &dir, err);
    if (st != BC_OK)
        return st;
    *out = bc_xasprintf("%s/%s", dir, file);
    free(dir);
    return BC_OK;
}

bc_status bc_paths_default_state(char **out, bc_error *err)
{
    return file_in_dir(BC_DIR_STATE, "state.db", out, err);
}

bc_status bc_paths_default_demo(char **out, bc_error *err)
{
    return file_in_dir(BC_DIR_DATA, "demo.db", out, err);
}

bc_status bc_paths_make_parents(const char *path, bc_error *err)
{
    char *dir = bc_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir); /* the current directory or "/": nothing to make */
        return BC_OK;
    }
    *slash = '\0';
    /* Walk down from the top so each missing level is made in turn, like mkdir -p. */
    for (char *p = dir + 1;; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            bc_status st =
                bc_fail(err, BC_ERR, "cannot create directory %s: %s", dir, strerror(errno));
            free(dir);
            return st;
        }
        if (end)
            break;
        *p = '/';
    }
    struct stat sb;
    bc_status st = BC_OK;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        st = bc_fail(err, BC_ERR, "%s is not a directory", dir);
    free(dir);
    return st;
}
