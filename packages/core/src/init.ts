import { setGroupBackend } from './group/group.js';
import { loadLibsodiumBackend } from './group/libsodium-backend.js';
import { loadLibsodiumSymmetric } from './symmetric/libsodium-symmetric.js';
import { setSymmetricBackend } from './symmetric/symmetric.js';

let ready: Promise<void> | undefined;

/** Load the group and symmetric backends (libsodium WebAssembly). Idempotent; await it once before using the core. */
export function initCore(): Promise<void> {
  ready ??= Promise.all([
    loadLibsodiumBackend().then(setGroupBackend),
    loadLibsodiumSymmetric().then(setSymmetricBackend),
  ]).then(() => undefined);
  return ready;
}
