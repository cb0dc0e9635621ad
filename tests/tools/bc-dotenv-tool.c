/* bc-dotenv-tool - bcadmin's .env reader and writer, driven from shell tests.
 *
 *   bc-dotenv-tool parse FILE         the values dotenv keeps, as JSON (same text as
 *                                     tests/peers/dotenv-parse.mjs prints for the real dotenv)
 *   bc-dotenv-tool diag FILE          one diagnostic per line: FILE:LINE: kind: message
 *   bc-dotenv-tool set FILE NAME [COMMENT]   set NAME to the bytes on stdin
 *   bc-dotenv-tool unset FILE NAME
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"
#include "xalloc.h"

/* JSON.stringify's escaping, byte for byte, for valid UTF-8 input. */
static void json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        case '\b':
            fputs("\\b", stdout);
            break;
        case '\f':
            fputs("\\f", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        default:
            if (c < 0x20)
                printf("\\u%04x", c);
            else
                putchar(c);
        }
    }
    putchar('"');
}

static int by_name(const void *a, const void *b)
{
    const bc_dotenv_entry *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int print_json(const bc_dotenv *env)
{
    const bc_dotenv_entry **win = bc_xcalloc(env->n_entries + 1, sizeof *win);
    size_t n = 0;
    for (size_t i = 0; i < env->n_entries; i++)
        if (!env->entries[i].overridden)
            win[n++] = &env->entries[i];
    qsort(win, n, sizeof *win, by_name);
    puts("{");
    for (size_t i = 0; i < n; i++) {
        fputs("  ", stdout);
        json_string(win[i]->name, strlen(win[i]->name));
        fputs(": ", stdout);
        json_string(win[i]->value, win[i]->value_len);
        puts(i + 1 < n ? "," : "");
    }
    puts("}");
    free(win);
    return 0;
}

static char *read_stdin(size_t *len)
{
    bc_buf b = {0};
    char chunk[4096];
    size_t r;
    while ((r = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        bc_buf_append(&b, chunk, r);
    *len = b.len;
    return bc_buf_take(&b);
}

int main(int argc, char **argv)
{
    bc_error err = {0};
    if (argc < 3) {
        fputs("usage: bc-dotenv-tool parse|diag|set|unset FILE [NAME [COMMENT]]\n", stderr);
        return 2;
    }
    const char *cmd = argv[1], *file = argv[2];
    if (strcmp(cmd, "parse") == 0 || strcmp(cmd, "diag") == 0) {
        bc_dotenv *env = NULL;
        if (bc_dotenv_load(file, &env, &err) != BC_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        if (cmd[0] == 'p')
            print_json(env);
        for (size_t i = 0; cmd[0] == 'd' && i < env->n_diags; i++) {
            char *line = bc_dotenv_diag_format(env, &env->diags[i]);
            puts(line);
            free(line);
        }
        bc_dotenv_free(env);
        return 0;
    }
    if ((strcmp(cmd, "set") == 0 || strcmp(cmd, "unset") == 0) && argc >= 4) {
        size_t len = 0;
        char *value = cmd[0] == 's' ? read_stdin(&len) : NULL;
        bc_dotenv_change c = {.name = argv[3],
                              .value = value,
                              .value_len = len,
                              .comment = argc > 4 ? argv[4] : NULL};
        bc_status s = bc_dotenv_save(file, &c, 1, &err);
        free(value);
        if (s != BC_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return bc_status_exit_code(s);
        }
        return 0;
    }
    fputs("usage: bc-dotenv-tool parse|diag|set|unset FILE [NAME [COMMENT]]\n", stderr);
    return 2;
}
