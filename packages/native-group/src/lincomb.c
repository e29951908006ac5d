/*
 * Variable-time linear combinations k0·G + Σ k_i·P_i on ristretto255, for proof verification only
 * (every input public: ADR 0009). libsodium offers no multi-scalar multiplication and converts every
 * intermediate point to bytes and back, so this file works on libdecaf's decoded points (the Debian
 * package libdecaf-dev, same ristretto255 encoding as libsodium, checked byte for byte by the tests
 * and at start-up): one decode per input, one encode per result, and Straus' method with width-w
 * non-adjacent forms so that all terms share one chain of doublings.
 */
#include "lincomb.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <decaf/point_255.h>

#define SCALAR_BITS 256
#define NAF_LEN (SCALAR_BITS + 1)
/* Variable points: odd multiples P, 3P, …, 15P (width 5). The generator: G, 3G, …, 127G (width 8). */
#define VAR_WIDTH 5
#define VAR_TABLE (1 << (VAR_WIDTH - 2))
#define BASE_WIDTH 8
#define BASE_TABLE (1 << (BASE_WIDTH - 2))

static decaf_255_point_t base_table[BASE_TABLE];
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static void odd_multiples(decaf_255_point_t *table, const decaf_255_point_t p, int count) {
  decaf_255_point_t twice;
  decaf_255_point_double(twice, p);
  decaf_255_point_copy(table[0], p);
  for (int i = 1; i < count; i++) decaf_255_point_add(table[i], table[i - 1], twice);
}

static void init_base_table(void) { odd_multiples(base_table, decaf_255_point_base, BASE_TABLE); }

/*
 * Width-w NAF of a 256-bit little-endian integer: naf[i] is 0 or odd with |naf[i]| < 2^(w-1), and
 * Σ naf[i]·2^i equals the integer. A window starts only where the running bit differs from the carry,
 * so window + carry never exceeds 2^w − 1.
 */
static void wnaf(int8_t naf[NAF_LEN], const unsigned char k[32], int w) {
  const int width = 1 << w, half = width >> 1;
  int carry = 0;
  memset(naf, 0, NAF_LEN);
  for (int pos = 0; pos < NAF_LEN;) {
    int bit = pos < SCALAR_BITS ? (k[pos >> 3] >> (pos & 7)) & 1 : 0;
    if (bit == carry) {
      pos++;
      continue;
    }
    int window = carry;
    for (int i = 0; i < w && pos + i < SCALAR_BITS; i++)
      window += ((k[(pos + i) >> 3] >> ((pos + i) & 7)) & 1) << i;
    if (window < half) {
      naf[pos] = (int8_t)window;
      carry = 0;
    } else {
      naf[pos] = (int8_t)(window - width);
      carry = 1;
    }
    pos += w;
  }
}

static int is_zero(const unsigned char k[32]) {
  unsigned char acc = 0;
  for (int i = 0; i < 32; i++) acc |= k[i];
  return acc == 0;
}

/* A canonical scalar (< ℓ): libdecaf's decoder says so. */
static int canonical_scalar(const unsigned char k[32]) {
  decaf_255_scalar_t s;
  return decaf_255_scalar_decode(s, k) == DECAF_SUCCESS;
}

/* A canonical encoding has its top bit clear (see electra_group.c); libdecaf checks the rest. */
static int decode_point(decaf_255_point_t p, const unsigned char bytes[32]) {
  return (bytes[31] & 0x80) == 0 && decaf_255_point_decode(p, bytes, DECAF_TRUE) == DECAF_SUCCESS;
}

/*
 * Per thread, the odd multiples of recently used points, keyed by their full encoding: the same
 * points recur call after call (the election key in every proof branch, each α and β in two
 * branches, a verification key in every partial decryption), and each use otherwise costs a decode
 * and seven additions. 64 slots, direct-mapped; freed with the thread.
 */
#define CACHE_SLOTS 64
struct cached_table {
  decaf_255_point_t table[VAR_TABLE];
  unsigned char key[32];
  int valid;
};
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void make_cache_key(void) { (void)pthread_key_create(&cache_key, free); }

static struct cached_table *thread_cache(void) {
  pthread_once(&cache_once, make_cache_key);
  struct cached_table *cache = pthread_getspecific(cache_key);
  if (cache) return cache;
  void *raw = NULL;
  if (posix_memalign(&raw, 32, CACHE_SLOTS * sizeof(struct cached_table)) != 0) return NULL;
  memset(raw, 0, CACHE_SLOTS * sizeof(struct cached_table));
  if (pthread_setspecific(cache_key, raw) != 0) {
    free(raw);
    return NULL;
  }
  return raw;
}

/* The odd multiples of the point `bytes` encodes, into `out` (from the cache when it has them);
 * 0 when the encoding is not a canonical point. */
static int point_table(decaf_255_point_t out[VAR_TABLE], const unsigned char bytes[32]) {
  struct cached_table *cache = thread_cache();
  struct cached_table *slot = cache ? &cache[bytes[0] % CACHE_SLOTS] : NULL;
  if (slot && slot->valid && memcmp(slot->key, bytes, 32) == 0) {
    memcpy(out, slot->table, sizeof slot->table);
    return 1;
  }
  decaf_255_point_t p;
  if (!decode_point(p, bytes)) return 0;
  odd_multiples(out, p, VAR_TABLE);
  if (slot) {
    memcpy(slot->table, out, sizeof slot->table);
    memcpy(slot->key, bytes, 32);
    slot->valid = 1;
  }
  return 1;
}

static void add_digit(decaf_255_point_t acc, const decaf_255_point_t *table, int digit) {
  if (digit > 0)
    decaf_255_point_add(acc, acc, table[digit >> 1]);
  else if (digit < 0)
    decaf_255_point_sub(acc, acc, table[(-digit) >> 1]);
}

int electra_lincomb(unsigned char out[32], const unsigned char k0[32], size_t n,
                    const unsigned char *points, const unsigned char *scalars) {
  if (n > ELECTRA_LINCOMB_MAX_TERMS) return -1;
  if (!canonical_scalar(k0)) return -1;
  for (size_t i = 0; i < n; i++)
    if (!canonical_scalar(scalars + 32 * i)) return -1;
  pthread_once(&base_once, init_base_table);

  decaf_255_point_t result;
  const int with_base = !is_zero(k0);
  if (n == 0) {
    decaf_255_scalar_t s;
    if (decaf_255_scalar_decode(s, k0) != DECAF_SUCCESS) return -1;
    decaf_255_precomputed_scalarmul(result, decaf_255_precomputed_base, s);
    decaf_255_point_encode(out, result);
    return 0;
  }
  if (n == 1) {
    decaf_255_point_t table[VAR_TABLE];
    decaf_255_scalar_t s0, s1;
    if (!point_table(table, points) || decaf_255_scalar_decode(s0, k0) != DECAF_SUCCESS ||
        decaf_255_scalar_decode(s1, scalars) != DECAF_SUCCESS)
      return -1;
    decaf_255_base_double_scalarmul_non_secret(result, s0, table[0], s1);
    decaf_255_point_encode(out, result);
    return 0;
  }

  /* Straus: one table and one NAF per term, one shared chain of doublings from the top digit. */
  void *tables_raw = NULL;
  if (posix_memalign(&tables_raw, 32, n * VAR_TABLE * sizeof(decaf_255_point_t)) != 0) return -1;
  decaf_255_point_t(*tables)[VAR_TABLE] = tables_raw;
  int8_t(*nafs)[NAF_LEN] = malloc((n + 1) * NAF_LEN);
  if (!nafs) {
    free(tables_raw);
    return -1;
  }
  int status = 0;
  for (size_t i = 0; i < n; i++) {
    if (!point_table(tables[i], points + 32 * i)) {
      status = -1;
      goto done;
    }
    wnaf(nafs[i], scalars + 32 * i, VAR_WIDTH);
  }
  if (with_base) wnaf(nafs[n], k0, BASE_WIDTH);

  int top = NAF_LEN - 1;
  for (; top >= 0; top--) {
    int any = with_base && nafs[n][top] != 0;
    for (size_t i = 0; i < n && !any; i++) any = nafs[i][top] != 0;
    if (any) break;
  }
  decaf_255_point_copy(result, decaf_255_point_identity);
  for (int b = top; b >= 0; b--) {
    if (b != top) decaf_255_point_double(result, result);
    for (size_t i = 0; i < n; i++) add_digit(result, (const decaf_255_point_t *)tables[i], nafs[i][b]);
    if (with_base) add_digit(result, (const decaf_255_point_t *)base_table, nafs[n][b]);
  }
  decaf_255_point_encode(out, result);
done:
  free(nafs);
  free(tables_raw);
  return status;
}
