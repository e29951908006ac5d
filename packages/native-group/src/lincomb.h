#ifndef ELECTRA_LINCOMB_H
#define ELECTRA_LINCOMB_H

#include <stddef.h>

/* Most terms in one call; callers with more split the sum. */
#define ELECTRA_LINCOMB_MAX_TERMS 64

/*
 * out = k0·G + Σ_{i<n} k_i·P_i, where P_i and k_i are the i-th 32-byte slices of `points` and
 * `scalars` (canonical ristretto255 encodings, identity allowed; canonical scalars, zero allowed).
 * Variable time: public inputs only. Returns 0, or -1 on a non-canonical input or too many terms.
 */
int electra_lincomb(unsigned char out[32], const unsigned char k0[32], size_t n,
                    const unsigned char *points, const unsigned char *scalars);

#endif
