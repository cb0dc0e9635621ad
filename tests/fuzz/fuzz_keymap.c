/* fuzz_keymap.c - the keymap file (tui/keymap.c) on any text, over the default bindings; every
 * key name the keymap then prints parses back to the same key. */
#include <string.h>

#include "fuzz.h"
#include "keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    tui_keymap km;
    tui_keymap_defaults(&km);
    bc_error err = {0};
    tui_keymap_parse(&km, "fuzz.keys", text, &err);
    for (size_t i = 0; i < km.n; i++) {
        char name[64];
        int back = -1;
        tui_key_name(km.items[i].key, name, sizeof name);
        FUZZ_CHECK(tui_key_parse(name, &back) && back == km.items[i].key);
    }
    tui_keymap_release(&km);
    free(text);
    return 0;
}
