/*
 * decoder.h — internal view of the HPACK decoder (the public API is in
 * include/hyper.h, section 4). Tests and tools use it to inspect the dynamic
 * table entry by entry.
 */
#ifndef HYPER_HPACK_DECODER_H
#define HYPER_HPACK_DECODER_H

#include "hyper.h"
#include "hpack/dyntable.h"

/* The decoder's dynamic table (read it with hyper_hpack_table_get). */
const hyper_hpack_table *hyper_hpack_decoder_table(const hyper_hpack_decoder *dec);

#endif
