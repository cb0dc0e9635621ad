/* Unit tests for the .env reader and writer. Expected values are dotenv 17.4.1's results
 * (checked by hand against the real package; tests/integration/dotenv_conformance.sh checks
 * the corpus against it on every run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dotenv.h"
#include "xalloc.h"

static bc_dotenv *parse(const char *text)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_parse(text, strlen(text), "t.env", &env, &err), BC_OK);
    return env;
}

/* Every name dotenv keeps, "NAME=value;" in file order of the winning entries. */
static char *dump(const bc_dotenv *env)
{
    bc_buf b = {0};
    for (size_t i = 0; i < env->n_entries; i++) {
        const bc_dotenv_entry *e = &env->entries[i];
        if (e->overridden)
            continue;
        bc_buf_printf(&b, "%s=", e->name);
        bc_buf_append(&b, e->value, e->value_len);
        bc_buf_puts(&b, ";");
    }
    return bc_buf_take(&b);
}

static void check(const char *text, const char *want)
{
    bc_dotenv *env = parse(text);
    char *got = dump(env);
    if (strcmp(got, want) != 0)
        fail_msg("input %s\n  got  %s\n  want %s", text, got, want);
    free(got);
    bc_dotenv_free(env);
}

static void reads_like_dotenv(void **state)
{
    check("", "");
    check("# only\n\n  # comments\n", "");
    check("A=1\nB=hello world\n", "A=1;B=hello world;");
    check("A=1 # c\nB=2#c\nC='x # y' # c\nD=\"# kept\"", "A=1;B=2;C=x # y;D=# kept;");
    check("A='  s  '\nB=\"  d  \"\nC=`  b  `\nD=  bare  \n", "A=  s  ;B=  d  ;C=  b  ;D=bare;");
    check("A=\"a\\nb\\rc\\td\"\nB='a\\nb'\nC=`a\\nb`", "A=a\nb\rc\\td;B=a\\nb;C=a\\nb;");
    check("A=\"x\\\\ny\"", "A=x\\\ny;"); /* \\n is a backslash then a newline */
    check("A=\"multi\nline\"\nB='two\nlines'\nC=`three\n\nlines`\nD=4",
          "A=multi\nline;B=two\nlines;C=three\n\nlines;D=4;");
    check("A=1\r\nB=\"x\r\ny\"\rC=3\r", "A=1;B=x\ny;C=3;");
    check("A=first\nB=1\nA=second", "B=1;A=second;");
    check("export A=1\nexport  B=2\nexport=3\nexport C\n", "A=1;B=2;export=3;");
    check("A: v\nB:v\nC : v\nD:\tt", "A=v;D=t;");
    check("A='open\nB=2", "A='open;B=2;");
    check("A=\"open\nB=2\nC=close\"\nD=4", "A=open\nB=2\nC=close;D=4;");
    check("a.b=1\nc-d=2\n9=3\nbad key=4\nb$d=5\n__proto__=6", "a.b=1;c-d=2;9=3;");
    check("A=\nB=''\nC=\"\"\nD= \nE= # c\n", "A=;B=;C=;D=;E=;");
    check("A=a=b==\nB==x\nC = d = e", "A=a=b==;B==x;C=d = e;");
    check("A=#ff\nB=abc#123\nC=abc #123", "A=;B=abc;C=abc;");
    check("A=\n'from next line'\nB=2", "A=from next line;B=2;");
    check("KEY\n=value\nLONE\nX=1", "KEY=value;X=1;");
    check("A='q' tail\nB=\"q\" t\nC='a' 'b'", "A='q' tail;B=\"q\" t;C=a' 'b;");
    check("A='abc\\'\nB='q'", "A=abc\\;B=q;"); /* the escaped quote closes after all */
    check("A='a\\'b'\nB=\"a\\\"b\"", "A=a\\'b;B=a\\\"b;");
    check("A=$HOME\nB=${X}\nC=`echo $Y`", "A=$HOME;B=${X};C=echo $Y;");
    check("\xef\xbb\xbf"
          "A=1",
          "A=1;");                                                               /* BOM */
    check("A=h\xc3\xa9llo\nB='\xe6\x97\xa5'", "A=h\xc3\xa9llo;B=\xe6\x97\xa5;"); /* unicode */
    check("A=\xc2\xa0x\xc2\xa0", "A=x;"); /* NBSP is trimmed */
    check("A='x'\xe2\x80\xa8junk\nB=y\xe2\x80\xa8"
          "C=z",
          "A=x;B=y\xe2\x80\xa8"
          "C=z;");
    check("A=bad\xff"
          "end\nB=\xe2\x82",
          "A=bad\xef\xbf\xbd"
          "end;B=\xef\xbf\xbd;");
}

static void nul_bytes_are_kept(void **state)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_parse("A=a\0b\n", 6, NULL, &env, &err), BC_OK);
    assert_int_equal(env->n_entries, 1);
    assert_int_equal(env->entries[0].value_len, 3);
    assert_memory_equal(env->entries[0].value, "a\0b", 3);
    /* The file's text keeps every byte, so an edit keeps what follows a NUL (found by
     * tests/fuzz/fuzz_dotenv: the text was cut at the NUL and the edit read past it). */
    assert_int_equal(env->text_len, 6);
    assert_memory_equal(env->text, "A=a\0b\n", 6);
    bc_dotenv_change c = {.name = "B", .value = "2", .value_len = 1};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_OK);
    assert_int_equal(len, 10);
    assert_memory_equal(out, "A=a\0b\nB=2\n", 10);
    free(out);
    bc_dotenv_free(env);
}

static void entries_know_their_lines(void **state)
{
    const char *text = "# c\r\nA=1\r\nB=\"x\r\ny\"  # c\r\nA=2\r\n";
    bc_dotenv *env = parse(text);
    assert_true(env->crlf);
    assert_int_equal(env->n_entries, 3);
    const bc_dotenv_entry *a = &env->entries[0], *b = &env->entries[1];
    assert_int_equal(a->line, 2);
    assert_true(a->overridden);
    assert_int_equal(a->raw_start, 5);
    assert_int_equal(a->raw_end, 10);
    assert_int_equal(b->line, 3);
    assert_int_equal(b->last_line, 4);
    assert_int_equal(b->quote, '"');
    assert_memory_equal(text + b->value_start, "\"x\r\ny\"", b->value_end - b->value_start);
    assert_int_equal(b->raw_end, strlen(text) - 5);
    assert_string_equal(bc_dotenv_get(env, "A")->value, "2");
    assert_int_equal(bc_dotenv_get(env, "A")->line, 5);
    assert_null(bc_dotenv_get(env, "Z"));
    bc_dotenv_free(env);
}

/* "kind:line:name" of every diagnostic, ';'-separated. */
static char *diags(const char *text)
{
    bc_dotenv *env = parse(text);
    bc_buf b = {0};
    for (size_t i = 0; i < env->n_diags; i++) {
        const bc_dotenv_diag *d = &env->diags[i];
        bc_buf_printf(&b, "%s:%u:%s;", d->kind == BC_DOTENV_IGNORED ? "ignored" : "warn", d->line,
                      d->name ? d->name : "");
    }
    bc_dotenv_free(env);
    return bc_buf_take(&b);
}

static void check_diags(const char *text, const char *want)
{
    char *got = diags(text);
    if (strcmp(got, want) != 0)
        fail_msg("input %s\n  got  %s\n  want %s", text, got, want);
    free(got);
}

static void reports_dropped_and_suspicious_lines(void **state)
{
    check_diags("A=1\n# fine\n\nnot an entry\nB:x\nbad key=1\n'dangling'\n= v\n__proto__=1\n",
                "ignored:4:;ignored:5:;ignored:6:;ignored:7:;ignored:8:;ignored:9:__proto__;");
    check_diags("PASSWORD=abc#123\nCOLOR=#fff\nOK=abc # c\nE= # c\n",
                "warn:1:PASSWORD;warn:2:COLOR;");
    check_diags("A=\"open\nB=2\nC=3\"\nD=1\n", "warn:1:A;");
    check_diags("KEY=\"-----BEGIN-----\nMIIB+/x==\nab=\n-----END-----\"\n", "");
    check_diags("A='never closed\nB=2\n", "warn:1:A;");
    check_diags("A=x   \nB=  y\nC='z  '\n", "warn:1:A;");
    check_diags("A=1\nB=2\nA=3\n", "warn:1:A;");
    check_diags("A=\n\"next\"\n", "warn:1:A;");
    check_diags("A=\"x\\\"y\"\nB='a\\'b'\nC=\"ok\\n\"\n", "warn:1:A;warn:2:B;");
    check_diags("A=ok\nB=\xff\n", "warn:2:;");
    check_diags("A='x'\xe2\x80\xa8junk\n", "ignored:1:;");

    bc_dotenv *env = parse("A=1\nB:x\n");
    char *line = bc_dotenv_diag_format(env, &env->diags[0]);
    assert_non_null(strstr(line, "t.env:2: ignored: "));
    assert_non_null(strstr(line, "space after the ':'"));
    free(line);
    bc_dotenv_free(env);
}

static void quote(const char *value, const char *want)
{
    char *out = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_quote(value, strlen(value), &out, &err), BC_OK);
    assert_string_equal(out, want);
    free(out);
}

static void refuse(const char *value, const char *why)
{
    char *out = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_quote(value, strlen(value), &out, &err), BC_REFUSED);
    assert_null(out);
    assert_non_null(strstr(err.msg, why));
}

static void quotes_by_content(void **state)
{
    quote("abc", "abc");
    quote("Zm9v+/bar==", "Zm9v+/bar==");
    quote("", "''");
    quote("a b", "'a b'");
    quote("$HOME", "'$HOME'");
    quote("a#b", "'a#b'");
    quote("it's", "\"it's\"");
    quote("it's \"x\"", "`it's \"x\"`");
    quote("l1\nl2", "\"l1\\nl2\"");
    quote("cr\rx", "\"cr\\rx\"");
    quote("{\"a\":\n1}", "'{\"a\":\n1}'");
    quote("C:\\dir\\", "C:\\dir\\");
    quote("'q", "\"'q\"");
    quote("h\xc3\xa9", "'h\xc3\xa9'");
    quote("a' \" `b", "a' \" `b");
    refuse("cr\r\"", "carriage return");
    refuse("# '\"`", "all three quote characters");
    refuse("a#b\\", "ends with a backslash");
    quote("a b\\", "a b\\");
    refuse("bad\xff", "UTF-8");
}

static void edit(const char *text, bc_dotenv_change c, const char *want)
{
    bc_dotenv *env = parse(text);
    char *out = NULL;
    size_t len = 0;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_OK);
    assert_int_equal(len, strlen(out));
    assert_string_equal(out, want);
    bc_dotenv *back = parse(out);
    const bc_dotenv_entry *e = bc_dotenv_get(back, c.name);
    if (c.value) {
        assert_non_null(e);
        assert_int_equal(e->value_len, c.value_len);
        assert_memory_equal(e->value, c.value, c.value_len);
    } else
        assert_null(e);
    free(out);
    bc_dotenv_free(back);
    bc_dotenv_free(env);
}

#define SET(n, v) ((bc_dotenv_change){.name = (n), .value = (v), .value_len = strlen(v)})

static void edits_in_place(void **state)
{
    const char *f = "# top\nexport A=old # why\nB = 'x'\n\nC: y\nA2=z";
    edit(f, SET("A", "new value"), "# top\nexport A='new value' # why\nB = 'x'\n\nC: y\nA2=z");
    edit(f, SET("B", "2"), "# top\nexport A=old # why\nB = 2\n\nC: y\nA2=z");
    edit(f, SET("C", "l1\nl2"), "# top\nexport A=old # why\nB = 'x'\n\nC: \"l1\\nl2\"\nA2=z");
    edit(f, SET("D", "d"), "# top\nexport A=old # why\nB = 'x'\n\nC: y\nA2=z\nD=d\n");
    bc_dotenv_change c = SET("D", "d");
    c.comment = "added by bcadmin";
    edit("A=1\r\n", c, "A=1\r\n# added by bcadmin\r\nD=d\r\n");
    edit("", c, "# added by bcadmin\nD=d\n");
    edit("P=abc#123\n", SET("P", "abc#123"), "P='abc#123' #123\n");
    edit("E=\n", SET("E", "v"), "E=v\n");
    edit("E=   # c\n", SET("E", "v"), "E=   v # c\n");
    edit("A=1\nA=2\n", SET("A", "3"), "A=1\nA=3\n");
    edit("K=\"multi\nline\"\nN=1\n", SET("K", "one"), "K=one\nN=1\n");
    edit("A=1\nB=\"x\ny\"\nA=2\nC=3", (bc_dotenv_change){.name = "A"}, "B=\"x\ny\"\nC=3");
    edit("B=1\n", (bc_dotenv_change){.name = "A"}, "B=1\n");
    /* Double quotes would close M's open quote: backticks are tried next. */
    edit("M = \"  \n# c\n", SET("N", "\xe2\x80\xa8'x y"), "M = \"  \n# c\nN=`\xe2\x80\xa8'x y`\n");
}

static void edit_refuses_what_an_open_quote_would_swallow(void **state)
{
    bc_dotenv *env = parse("A=1\nC: \"open\n");
    char *out = NULL;
    size_t len = 0;
    bc_error err = {0};
    bc_dotenv_change c = SET("N", "#\r'");
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_REFUSED);
    assert_null(out);
    assert_non_null(strstr(err.msg, "t.env: writing N would change how dotenv reads C (line 2)"));
    bc_dotenv_free(env);
}

static void edit_refuses_bad_input(void **state)
{
    bc_dotenv *env = parse("A=1\n");
    char *out = NULL;
    size_t len = 0;
    bc_error err = {0};
    bc_dotenv_change c = SET("bad name", "x");
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_USAGE);
    assert_non_null(strstr(err.msg, "t.env"));
    c = SET("__proto__", "x");
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_USAGE);
    c = SET("N", "# '\"`");
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_REFUSED);
    assert_non_null(strstr(err.msg, "t.env: cannot write N"));
    c = SET("N", "x");
    c.comment = "two\nlines";
    assert_int_equal(bc_dotenv_edit(env, &c, 1, &out, &len, &err), BC_USAGE);
    assert_null(out);
    bc_dotenv_free(env);
    assert_false(bc_dotenv_name_ok(""));
    assert_true(bc_dotenv_name_ok("a.b-c_9"));
}

/* ---- files ---------------------------------------------------------------------------- */

static char dir[64];

static int make_dir(void **state)
{
    strcpy(dir, "/tmp/bc-dotenv-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    char *cmd = bc_xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static char *read_file(const char *path)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    assert_int_equal(bc_dotenv_load(path, &env, &err), BC_OK);
    char *t = bc_xstrdup(env->text);
    bc_dotenv_free(env);
    return t;
}

static size_t files_in_dir(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    return n;
}

static void save_keeps_mode_and_content(void **state)
{
    char *path = bc_xasprintf("%s/.env", dir), *link = bc_xasprintf("%s/link.env", dir);
    bc_error err = {0};
    struct stat st;
    write_file(path, "# secrets\nA=1\n", 0600);
    bc_dotenv_change c = SET("B", "two words");
    assert_int_equal(bc_dotenv_save(path, &c, 1, &err), BC_OK);
    char *t = read_file(path);
    assert_string_equal(t, "# secrets\nA=1\nB='two words'\n");
    free(t);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    assert_int_equal(chmod(path, 0640), 0);
    c = SET("A", "x");
    assert_int_equal(bc_dotenv_save(path, &c, 1, &err), BC_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);

    /* Through a symlink: the link stays, its target changes. */
    assert_int_equal(symlink(".env", link), 0);
    c = SET("C", "3");
    assert_int_equal(bc_dotenv_save(link, &c, 1, &err), BC_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    t = read_file(path);
    assert_string_equal(t, "# secrets\nA=x\nB='two words'\nC=3\n");
    free(t);
    assert_int_equal(files_in_dir(), 2);
    unlink(link);
    unlink(path);

    /* A new file is private. */
    assert_int_equal(bc_dotenv_save(path, &c, 1, &err), BC_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    unlink(path);
    free(link);
    free(path);
}

static void failed_write_leaves_the_original(void **state)
{
    char *path = bc_xasprintf("%s/.env", dir);
    bc_error err = {0};
    char big[8192];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    write_file(path, "# keep me\nA=1\n", 0600);
    /* A real write failure: the file size limit makes write() fail with EFBIG. */
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 1024;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    bc_dotenv_change c = SET("BIG", big);
    bc_status s = bc_dotenv_save(path, &c, 1, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(s, BC_ERR);
    assert_non_null(strstr(err.msg, path));
    char *t = read_file(path);
    assert_string_equal(t, "# keep me\nA=1\n");
    free(t);
    assert_int_equal(files_in_dir(), 1); /* no temporary file left behind */
    unlink(path);
    free(path);
}

static void load_errors_name_the_file(void **state)
{
    bc_dotenv *env = NULL;
    bc_error err = {0};
    char *path = bc_xasprintf("%s/missing.env", dir);
    assert_int_equal(bc_dotenv_load(path, &env, &err), BC_NOT_FOUND);
    assert_non_null(strstr(err.msg, "missing.env"));
    assert_int_equal(bc_dotenv_load(dir, &env, &err), BC_ERR);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_null(env);
    bc_dotenv_free(NULL);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_like_dotenv),
        cmocka_unit_test(nul_bytes_are_kept),
        cmocka_unit_test(entries_know_their_lines),
        cmocka_unit_test(reports_dropped_and_suspicious_lines),
        cmocka_unit_test(quotes_by_content),
        cmocka_unit_test(edits_in_place),
        cmocka_unit_test(edit_refuses_bad_input),
        cmocka_unit_test(edit_refuses_what_an_open_quote_would_swallow),
        cmocka_unit_test(save_keeps_mode_and_content),
        cmocka_unit_test(failed_write_leaves_the_original),
        cmocka_unit_test(load_errors_name_the_file),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
