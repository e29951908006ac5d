/** The default symmetric backend: libsodium (WebAssembly), the same library as the group backend (protocol §8.2–8.3). */
import sodium from 'libsodium-wrappers-sumo';
import type { SymmetricBackend } from './symmetric.js';

export async function loadLibsodiumSymmetric(): Promise<SymmetricBackend> {
  await sodium.ready;
  return {
    name: 'libsodium',
    aeadEncrypt: (key, nonce, ad, plaintext) =>
      sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key),
    aeadDecrypt: (key, nonce, ad, ciphertext) => {
      try {
        return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key);
      } catch {
        return null;
      }
    },
    argon2id: (outLength, password, salt, opslimit, memlimit) =>
      sodium.crypto_pwhash(
        outLength,
        password,
        salt,
        opslimit,
        memlimit,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      ),
  };
}
