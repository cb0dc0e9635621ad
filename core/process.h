/* process.h - who wrote a pending audit entry, and whether that process still runs.
 *
 * A process is named by its pid and its start: "BOOT_ID:TICKS", the kernel's boot id
 * (/proc/sys/kernel/random/boot_id) and the process's start time in clock ticks since boot (field
 * 22 of /proc/PID/stat). A pid is reused once its process is gone; a pid with another start, or
 * a start recorded before the last reboot, is another process. Without /proc (start unknown:
 * NULL) only the pid can be checked.
 */
#ifndef BC_PROCESS_H
#define BC_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* This process's pid and start. The string is static (computed once per process; NULL when
 * /proc cannot tell). Safe from any thread. */
int64_t bc_process_self_pid(void);
const char *bc_process_self_start(void);

/* The start of process pid as "BOOT_ID:TICKS" in out (size >= BC_PROCESS_START_LEN), or false
 * when there is no such process or /proc cannot tell. */
#define BC_PROCESS_START_LEN 96
bool bc_process_start_of(int64_t pid, char *out, size_t size);

/* Whether the process that recorded (pid, start) still runs: a process with that pid exists and,
 * when start is known, started at exactly that start (same boot). pid <= 0: false. */
bool bc_process_running(int64_t pid, const char *start);

#endif
