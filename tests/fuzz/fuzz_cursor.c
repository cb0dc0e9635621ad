/* fuzz_cursor.c - page cursors (core/cursor.c) on any text: a cursor an operator or a script
 * hands back is decoded or refused, and one that decodes encodes to the same text. */
#include <string.h>

#include "cursor.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    bc_cursor c;
    if (bc_cursor_decode(text, &c)) {
        char *again = bc_cursor_encode(&c);
        bc_cursor d;
        FUZZ_CHECK(bc_cursor_decode(again, &d));
        char *thrice = bc_cursor_encode(&d);
        FUZZ_CHECK(strcmp(again, thrice) == 0);
        free(thrice);
        free(again);
        bc_cursor_release(&d);
        bc_cursor_release(&c);
    }
    free(text);
    return 0;
}
