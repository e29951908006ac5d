/**
 * Loads the native group backend if it was built (build.mjs); with libdecaf's headers present at build
 * time it also has the variable-time `lincomb` (ADR 0009). `loadNativeGroupBackend()` returns a
 * GroupBackend of @electra/core (same bytes in and out as libsodium's WebAssembly build) or
 * `{ unavailable: reason }`.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function loadNativeGroupBackend() {
  let addon;
  try {
    addon = require('./build/Release/electra_group.node');
  } catch (e) {
    return { unavailable: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
  return {
    backend: {
      name: `libsodium-native ${addon.libsodiumVersion()}${addon.lincomb ? ' + libdecaf lincomb' : ''}`,
      isValidPoint: addon.isValidPoint,
      add: addon.add,
      sub: addon.sub,
      mulBase: addon.mulBase,
      mul: addon.mul,
      scalarAdd: addon.scalarAdd,
      scalarSub: addon.scalarSub,
      scalarMul: addon.scalarMul,
      scalarNegate: addon.scalarNegate,
      scalarInvert: addon.scalarInvert,
      scalarReduce64: addon.scalarReduce64,
      sha512: addon.sha512,
      sha256: addon.sha256,
      // Present when the addon was built with libdecaf (ADR 0009).
      ...(addon.lincomb ? { lincomb: addon.lincomb } : {}),
    },
  };
}
