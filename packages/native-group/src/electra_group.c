/*
 * Electra's native group backend: ristretto255 and its scalar field through the system libsodium
 * (ADR 0008). Every function is a thin N-API wrapper around one libsodium call with the same bytes
 * in and out as libsodium's WebAssembly build, so @electra/core's GroupBackend contract holds
 * unchanged (and the core's tests cross-check it byte for byte against the other backends).
 * Inputs must be Uint8Arrays of the exact length; anything else throws (caller misuse).
 */
#include <node_api.h>
#include <sodium.h>
#include <string.h>

#define MAX_ARGS 3

/*
 * libsodium 1.0.18 (Debian 12) ignores the top bit of a ristretto255 encoding when it checks that
 * the encoding is canonical; 1.0.19+ and the WebAssembly build reject it. Every canonical encoding is
 * below 2^255 - 19, so its top bit is clear: reject it here, whatever the library version.
 */
static int canonical_point(const unsigned char *p) {
  return (p[31] & 0x80) == 0 && crypto_core_ristretto255_is_valid_point(p) == 1;
}

static int bytes_arg(napi_env env, napi_value v, size_t want, unsigned char **out, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buffer;
  size_t offset;
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, "electra_group: expected a Uint8Array");
    return 0;
  }
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "electra_group: expected a Uint8Array");
    return 0;
  }
  if (want != 0 && length != want) {
    napi_throw_range_error(env, NULL, "electra_group: wrong input length");
    return 0;
  }
  *out = (unsigned char *)data;
  if (len) *len = length;
  return 1;
}

static napi_value new_bytes(napi_env env, size_t n, unsigned char **data) {
  napi_value ab, arr;
  void *raw;
  if (napi_create_arraybuffer(env, n, &raw, &ab) != napi_ok) return NULL;
  if (napi_create_typedarray(env, napi_uint8_array, n, ab, 0, &arr) != napi_ok) return NULL;
  *data = (unsigned char *)raw;
  return arr;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "electra_group: missing argument");
    return 0;
  }
  return 1;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value is_valid_point(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], result;
  unsigned char *p;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 32, &p, NULL)) return NULL;
  napi_get_boolean(env, canonical_point(p), &result);
  return result;
}

/* Binary point operation: (p, q) -> point; libsodium returns -1 on an invalid encoding. */
#define POINT_OP(name, call)                                                                   \
  static napi_value name(napi_env env, napi_callback_info info) {                              \
    napi_value argv[MAX_ARGS], out;                                                            \
    unsigned char *a, *b, *r;                                                                  \
    if (!args(env, info, 2, argv) || !bytes_arg(env, argv[0], 32, &a, NULL) ||                \
        !bytes_arg(env, argv[1], 32, &b, NULL))                                                \
      return NULL;                                                                             \
    if (!(out = new_bytes(env, 32, &r))) return NULL;                                          \
    if (call != 0) return fail(env, "electra_group: " #name " failed (invalid point)");       \
    return out;                                                                                \
  }

POINT_OP(add, ((a[31] | b[31]) & 0x80 ? -1 : crypto_core_ristretto255_add(r, a, b)))
POINT_OP(sub, ((a[31] | b[31]) & 0x80 ? -1 : crypto_core_ristretto255_sub(r, a, b)))
/* mul(point, scalar): libsodium returns -1 when the product is the identity (k = 0 mod l). */
POINT_OP(mul, (a[31] & 0x80 ? -1 : crypto_scalarmult_ristretto255(r, b, a)))

static napi_value mul_base(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *k, *r;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 32, &k, NULL)) return NULL;
  if (!(out = new_bytes(env, 32, &r))) return NULL;
  if (crypto_scalarmult_ristretto255_base(r, k) != 0) return fail(env, "electra_group: mulBase of zero");
  return out;
}

#define SCALAR_OP2(name, fn)                                                                   \
  static napi_value name(napi_env env, napi_callback_info info) {                              \
    napi_value argv[MAX_ARGS], out;                                                            \
    unsigned char *a, *b, *r;                                                                  \
    if (!args(env, info, 2, argv) || !bytes_arg(env, argv[0], 32, &a, NULL) ||                \
        !bytes_arg(env, argv[1], 32, &b, NULL))                                                \
      return NULL;                                                                             \
    if (!(out = new_bytes(env, 32, &r))) return NULL;                                          \
    fn(r, a, b);                                                                               \
    return out;                                                                                \
  }

SCALAR_OP2(scalar_add, crypto_core_ristretto255_scalar_add)
SCALAR_OP2(scalar_sub, crypto_core_ristretto255_scalar_sub)
SCALAR_OP2(scalar_mul, crypto_core_ristretto255_scalar_mul)

static napi_value scalar_negate(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *a, *r;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 32, &a, NULL)) return NULL;
  if (!(out = new_bytes(env, 32, &r))) return NULL;
  crypto_core_ristretto255_scalar_negate(r, a);
  return out;
}

static napi_value scalar_invert(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *a, *r;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 32, &a, NULL)) return NULL;
  if (!(out = new_bytes(env, 32, &r))) return NULL;
  if (crypto_core_ristretto255_scalar_invert(r, a) != 0) return fail(env, "electra_group: invert of zero");
  return out;
}

static napi_value scalar_reduce64(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *a, *r;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 64, &a, NULL)) return NULL;
  if (!(out = new_bytes(env, 32, &r))) return NULL;
  crypto_core_ristretto255_scalar_reduce(r, a);
  return out;
}

static napi_value sha512(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *a, *r;
  size_t n;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 0, &a, &n)) return NULL;
  if (!(out = new_bytes(env, crypto_hash_sha512_BYTES, &r))) return NULL;
  crypto_hash_sha512(r, a, n);
  return out;
}

static napi_value sha256(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *a, *r;
  size_t n;
  if (!args(env, info, 1, argv) || !bytes_arg(env, argv[0], 0, &a, &n)) return NULL;
  if (!(out = new_bytes(env, crypto_hash_sha256_BYTES, &r))) return NULL;
  crypto_hash_sha256(r, a, n);
  return out;
}

#ifdef ELECTRA_HAVE_DECAF
#include "lincomb.h"

/* lincomb(k0, points, scalars): k0·G + Σ k_i·P_i over n = points.length / 32 terms (ADR 0009). */
static napi_value lincomb(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS], out;
  unsigned char *k0, *points, *scalars, *r;
  size_t points_len, scalars_len;
  if (!args(env, info, 3, argv) || !bytes_arg(env, argv[0], 32, &k0, NULL) ||
      !bytes_arg(env, argv[1], 0, &points, &points_len) ||
      !bytes_arg(env, argv[2], 0, &scalars, &scalars_len))
    return NULL;
  if (points_len % 32 != 0 || points_len != scalars_len || points_len / 32 > ELECTRA_LINCOMB_MAX_TERMS) {
    napi_throw_range_error(env, NULL, "electra_group: lincomb wants n points and n scalars, n <= 64");
    return NULL;
  }
  if (!(out = new_bytes(env, 32, &r))) return NULL;
  if (electra_lincomb(r, k0, points_len / 32, points, scalars) != 0)
    return fail(env, "electra_group: lincomb failed (invalid point or scalar)");
  return out;
}
#endif

static napi_value version(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, sodium_version_string(), NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  if (sodium_init() < 0) {
    napi_throw_error(env, NULL, "electra_group: sodium_init failed");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"isValidPoint", NULL, is_valid_point, NULL, NULL, NULL, napi_enumerable, NULL},
      {"add", NULL, add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sub", NULL, sub, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mulBase", NULL, mul_base, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mul", NULL, mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarAdd", NULL, scalar_add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarSub", NULL, scalar_sub, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarMul", NULL, scalar_mul, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarNegate", NULL, scalar_negate, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarInvert", NULL, scalar_invert, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scalarReduce64", NULL, scalar_reduce64, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha512", NULL, sha512, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sha256", NULL, sha256, NULL, NULL, NULL, napi_enumerable, NULL},
      {"libsodiumVersion", NULL, version, NULL, NULL, NULL, napi_enumerable, NULL},
#ifdef ELECTRA_HAVE_DECAF
      {"lincomb", NULL, lincomb, NULL, NULL, NULL, napi_enumerable, NULL},
#endif
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
