/*
 * huffman.h — the HPACK Huffman code (RFC 7541 §5.2, Appendix B).
 *
 * Encode and decode are driven by tables in huffman_table.c, which
 * tools/gen_huffman.py generates from the Appendix B code table.
 */
#ifndef HYPER_HUFFMAN_H
#define HYPER_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound of the decoded length of `len` Huffman octets (the shortest
 * code is 5 bits): dst needs at most this many bytes. */
#define HYPER_HUFFMAN_DECODED_MAX(len) (((len) * 8) / 5)

/*
 * Decodes a complete Huffman string src[0..len) into dst (room for cap
 * bytes). Returns the decoded length, or HYPER_EHPACK_HUFFMAN_EOS,
 * HYPER_EHPACK_HUFFMAN_PADDING (more than 7 bits of padding),
 * HYPER_EHPACK_HUFFMAN_PADDING_BITS (padding not all ones), or
 * HYPER_EBUFFER when cap is too small.
 */
long hyper_huffman_decode(const uint8_t *src, size_t len, uint8_t *dst, size_t cap);

/* Octets the Huffman encoding of src[0..len) takes. */
size_t hyper_huffman_encoded_len(const uint8_t *src, size_t len);

/* Encodes src[0..len) into dst, which has hyper_huffman_encoded_len(src, len)
 * bytes of room; pads the last octet with ones. Returns the octets written. */
size_t hyper_huffman_encode(const uint8_t *src, size_t len, uint8_t *dst);

#endif
