import { setGroupBackend } from './group/group.js';
import { loadLibsodiumBackend } from './group/libsodium-backend.js';

let ready: Promise<void> | undefined;

/** Load the group backend (libsodium WebAssembly). Idempotent; await it once before using the core. */
export function initCore(): Promise<void> {
  ready ??= loadLibsodiumBackend().then(setGroupBackend);
  return ready;
}
