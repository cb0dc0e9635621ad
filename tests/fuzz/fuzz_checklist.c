/* fuzz_checklist.c - runbook JSON (core/checklist.c, assets/checklists) on any text. */
#include "checklist.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bc_checklist *cl = NULL;
    bc_error err = {0};
    bc_status st = bc_checklist_parse((const char *)data, size, &cl, &err);
    FUZZ_CHECK(st == BC_OK ? cl != NULL : err.msg[0] != '\0');
    bc_checklist_free(cl);
    return 0;
}
