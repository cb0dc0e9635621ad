/* Unit tests for the liveness rule of audit writers (core/process.h): a process is its pid AND
 * its start. A live process with the recorded pid but another start (a reused pid), or a start
 * from another boot, is another process: the writer is gone. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "process.h"

/* A child that waits to be killed; its pid. */
static pid_t sleeper(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

static void reap(pid_t pid)
{
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void self_is_running(void **state)
{
    (void)state;
    const char *start = bc_process_self_start();
    assert_non_null(start);
    assert_non_null(strchr(start, ':'));
    assert_int_equal(bc_process_self_pid(), (int64_t)getpid());
    assert_true(bc_process_running(bc_process_self_pid(), start));
    /* the same string every time */
    assert_ptr_equal(bc_process_self_start(), start);
}

static void live_pid_with_its_start_runs(void **state)
{
    (void)state;
    pid_t pid = sleeper();
    char start[BC_PROCESS_START_LEN];
    assert_true(bc_process_start_of(pid, start, sizeof start));
    assert_true(bc_process_running(pid, start));
    assert_true(bc_process_running(pid, NULL)); /* start unknown: the pid is all there is */
    reap(pid);
}

static void live_pid_with_another_start_is_gone(void **state)
{
    (void)state;
    pid_t pid = sleeper();
    char start[BC_PROCESS_START_LEN], other[BC_PROCESS_START_LEN + 8];
    assert_true(bc_process_start_of(pid, start, sizeof start));
    /* the same boot, one tick earlier: the pid was reused by this process since */
    const char *colon = strrchr(start, ':');
    unsigned long long ticks = strtoull(colon + 1, NULL, 10);
    snprintf(other, sizeof other, "%.*s:%llu", (int)(colon - start), start, ticks - 1);
    assert_false(bc_process_running(pid, other));
    /* the same ticks, another boot */
    snprintf(other, sizeof other, "00000000-0000-0000-0000-000000000000%s", colon);
    assert_false(bc_process_running(pid, other));
    reap(pid);
}

static void dead_pid_is_gone(void **state)
{
    (void)state;
    pid_t pid = sleeper();
    char start[BC_PROCESS_START_LEN];
    assert_true(bc_process_start_of(pid, start, sizeof start));
    reap(pid);
    assert_false(bc_process_running(pid, start));
    assert_false(bc_process_start_of(pid, start, sizeof start));
    assert_false(bc_process_running(0, NULL));
    assert_false(bc_process_running(-1, start));
    assert_false(bc_process_running((int64_t)1 << 40, NULL));
}

/* A command name with spaces and parentheses does not shift the fields (field 22 is counted from
 * the last ')'). */
static void odd_command_name(void **state)
{
    (void)state;
    int ready[2];
    assert_int_equal(pipe(ready), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_NAME, "a) 1 2 (c) 3 4", 0, 0, 0);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    close(ready[0]);
    close(ready[1]);
    char path[64], stat[512] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(stat, sizeof stat, f));
    fclose(f);
    assert_non_null(strstr(stat, "(a) 1 2 (c) 3 4)")); /* the name really is that odd */
    char start[BC_PROCESS_START_LEN], parent[BC_PROCESS_START_LEN];
    assert_true(bc_process_start_of(pid, start, sizeof start));
    assert_true(bc_process_start_of(getpid(), parent, sizeof parent));
    /* a child started at or after its parent: field 22, not a number from the name */
    unsigned long long child_ticks = strtoull(strrchr(start, ':') + 1, NULL, 10);
    unsigned long long parent_ticks = strtoull(strrchr(parent, ':') + 1, NULL, 10);
    assert_true(child_ticks >= parent_ticks);
    assert_true(child_ticks != 3 && child_ticks != 4);
    assert_true(bc_process_running(pid, start));
    reap(pid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(self_is_running),
        cmocka_unit_test(live_pid_with_its_start_runs),
        cmocka_unit_test(live_pid_with_another_start_is_gone),
        cmocka_unit_test(dead_pid_is_gone),
        cmocka_unit_test(odd_command_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
