/**
 * Accounts that exist before anyone can sign in: the first admin (`electra admin:create`) and the
 * demo accounts of the embedded demo (`serve --demo`). Both go through the password policy and
 * argon2id of the identity module and are audited with the actor `cli` / `system`. Demo accounts are
 * clearly marked (Demo names, @demo.electra.test addresses) and refused in production.
 */
import type { Role } from '../../policies/types.js';
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { checkPassword } from '../users/password-policy.js';
import type { User } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';

export interface BootstrapDeps {
  db: Database;
  users: UsersRepository;
  hasher: PasswordHasher;
  audit: AuditSink;
}

export type CreateAdminResult =
  | { ok: true; user: User }
  | { ok: false; code: 'EMAIL_TAKEN' | 'PASSWORD_REJECTED' | 'INVALID_INPUT'; message: string };

export async function createAdminAccount(
  deps: BootstrapDeps,
  input: { email: string; fullName: string; password: string; actor?: string },
): Promise<CreateAdminResult> {
  const email = input.email.trim();
  const fullName = input.fullName.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    return { ok: false, code: 'INVALID_INPUT', message: 'not a valid email address' };
  }
  if (!fullName || fullName.length > 200)
    return { ok: false, code: 'INVALID_INPUT', message: 'a name is required' };
  const policy = checkPassword(input.password, { email });
  if (!policy.ok) return { ok: false, code: 'PASSWORD_REJECTED', message: policy.message };
  if (await deps.users.findByEmail(email)) {
    return { ok: false, code: 'EMAIL_TAKEN', message: `an account with ${email} already exists` };
  }
  const passwordHash = await deps.hasher.hash(input.password);
  return deps.db.transaction('bootstrap.create_admin', async (tx) => {
    const r = await deps.users.create({ email, fullName, roles: ['admin'], passwordHash }, tx);
    if (!r.ok) return { ok: false, code: 'EMAIL_TAKEN', message: `an account with ${email} already exists` };
    await deps.audit.append(
      {
        actor: input.actor ?? 'cli',
        action: 'user.created',
        target: `user:${r.user.id}`,
        details: { roles: ['admin'], via: 'admin:create' },
      },
      tx,
    );
    return { ok: true, user: r.user };
  });
}

/** The shared password of every demo account (the demo is local and marked as such). */
export const DEMO_PASSWORD = 'electra-demo-ballot-2026';
export const DEMO_DOMAIN = 'demo.electra.test';

interface DemoAccountSpec {
  email: string;
  fullName: string;
  roles: Role[];
  attributes?: Record<string, string>;
  identifiers?: Array<{ kind: string; value: string }>;
}

const DEMO_ACCOUNTS: readonly DemoAccountSpec[] = [
  { email: `admin@${DEMO_DOMAIN}`, fullName: 'Demo Admin', roles: ['admin'] },
  { email: `officer@${DEMO_DOMAIN}`, fullName: 'Demo Election Officer', roles: ['officer'] },
  { email: `auditor@${DEMO_DOMAIN}`, fullName: 'Demo Auditor', roles: ['auditor'] },
  ...[
    ['amara', 'Amara Obi', 'Science', '200', 'SCI/2024/001'],
    ['bola', 'Bola Adeyemi', 'Science', '300', 'SCI/2023/014'],
    ['chen', 'Chen Wei', 'Engineering', '100', 'ENG/2025/007'],
    ['dara', 'Dara Okafor', 'Arts', '400', 'ART/2022/031'],
    ['eli', 'Eli Mensah', 'Engineering', '200', 'ENG/2024/019'],
  ].map(
    ([handle, name, faculty, level, matric]): DemoAccountSpec => ({
      email: `${handle}@${DEMO_DOMAIN}`,
      fullName: `${name} (demo voter)`,
      roles: ['voter'],
      attributes: { faculty: faculty!, level: level! },
      identifiers: [{ kind: 'matric', value: matric! }],
    }),
  ),
];

export interface DemoSeedResult {
  created: Array<{ email: string; roles: Role[] }>;
  /** accounts that were already there (left untouched: a restart never resets a password) */
  existing: string[];
  password: string;
}

/**
 * Create the demo accounts that do not exist yet, and print how to sign in. Refused in production.
 * `print` receives human-readable lines (the lead's `serve --demo` passes its logger or stdout).
 */
export async function seedDemoAccounts(
  deps: BootstrapDeps & { production: boolean; publicUrl: string; print?: (line: string) => void },
): Promise<DemoSeedResult> {
  if (deps.production) throw new Error('demo accounts are never created in production');
  const result: DemoSeedResult = { created: [], existing: [], password: DEMO_PASSWORD };
  const passwordHash = await deps.hasher.hash(DEMO_PASSWORD);
  for (const spec of DEMO_ACCOUNTS) {
    if (await deps.users.findByEmail(spec.email)) {
      result.existing.push(spec.email);
      continue;
    }
    await deps.db.transaction('bootstrap.demo_account', async (tx) => {
      const r = await deps.users.create({ ...spec, passwordHash }, tx);
      if (!r.ok) return; // created meanwhile by another replica
      await deps.audit.append(
        {
          actor: 'system',
          action: 'user.created',
          target: `user:${r.user.id}`,
          details: { roles: spec.roles, demo: true },
        },
        tx,
      );
      result.created.push({ email: spec.email, roles: spec.roles });
    });
  }
  const print = deps.print;
  if (print) {
    const url = deps.publicUrl.replace(/\/$/, '');
    print(
      `DEMO ACCOUNTS (demo data, never use in production) — sign in at ${url}/ with password "${DEMO_PASSWORD}":`,
    );
    for (const spec of DEMO_ACCOUNTS) print(`  ${spec.roles.join(',').padEnd(8)} ${spec.email}`);
    print('  admin and officer accounts are asked to enrol a TOTP authenticator app at their first sign-in.');
    print(
      `  demo voters can also sign in with their matric number (e.g. ${DEMO_ACCOUNTS.at(-1)!.identifiers![0]!.value}).`,
    );
  }
  return result;
}
