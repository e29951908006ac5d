/**
 * Loads the native group backend if it was built (build.mjs). `loadNativeGroupBackend()` returns a
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
      name: `libsodium-native ${addon.libsodiumVersion()}`,
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
    },
  };
}
