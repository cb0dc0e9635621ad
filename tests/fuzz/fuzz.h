/* fuzz.h - what every libFuzzer target in tests/fuzz shares: the entry point's declaration and
 * a checked property (a failed one aborts, so libFuzzer records the input as a crash). */
#ifndef BC_FUZZ_H
#define BC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

#endif
