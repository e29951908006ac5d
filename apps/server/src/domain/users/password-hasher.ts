/**
 * Password hashing with argon2id at the OWASP-recommended parameters (m = 19 MiB, t = 2, p = 1).
 * Hashes are PHC strings, so the parameters travel with each hash: `needsRehash` tells the login
 * flow to re-hash a correct password when the policy has moved on. `dummyVerify` spends the same
 * time as a real check so an unknown account cannot be told apart from a wrong password by timing.
 */
import { hash, parseOptions, verify } from '@node-rs/argon2';

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Params = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which isolatedModules cannot import). */
const ARGON2ID = 2;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phc: string, password: string): Promise<boolean>;
  needsRehash(phc: string): boolean;
  /** Burn the time of one verification against a fixed hash; always resolves to false. */
  dummyVerify(password: string): Promise<false>;
}

export function createPasswordHasher(params: Argon2Params = OWASP_ARGON2ID): PasswordHasher {
  const options = { ...params, algorithm: ARGON2ID, outputLen: 32 };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(phc, password) {
      try {
        return await verify(phc, password);
      } catch {
        // A malformed stored hash is a misconfiguration, but must never let anyone in.
        return false;
      }
    },
    needsRehash(phc) {
      try {
        const p = parseOptions(phc);
        return (
          (p.algorithm as number) !== ARGON2ID ||
          p.memoryCost !== params.memoryCost ||
          p.timeCost !== params.timeCost ||
          p.parallelism !== params.parallelism
        );
      } catch {
        return true;
      }
    },
    async dummyVerify(password) {
      dummy ??= hash('electra-dummy-password-for-timing', options);
      await verify(await dummy, password).catch(() => false);
      return false;
    },
  };
}
