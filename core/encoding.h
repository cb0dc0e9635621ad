/* encoding.h - hex and base64 (standard with padding, and URL-safe without) for keys, hashes,
 * cursors and Convex's encoded values. Every char * / unsigned char * returned is the caller's
 * to free; decoders return NULL for malformed input.
 */
#ifndef BC_ENCODING_H
#define BC_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

/* Lowercase hex of n bytes (2n characters + NUL). */
char *bc_hex_encode(const unsigned char *data, size_t n);
/* Decode hex text (either case, even length); *n gets the byte count. */
unsigned char *bc_hex_decode(const char *hex, size_t len, size_t *n);

/* base64: url selects the URL-safe alphabet without padding (RFC 4648 section 5). */
char *bc_base64_encode(const unsigned char *data, size_t n, bool url);
/* Accepts either alphabet, with or without padding; rejects anything else. */
unsigned char *bc_base64_decode(const char *text, size_t len, size_t *n);

#endif
