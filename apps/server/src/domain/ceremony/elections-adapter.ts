/**
 * The ElectionGateway of the ceremony and credentials, on the elections domain's own service and
 * repositories: the lifecycle moves go through `ElectionsService.transition` (legality, version bump,
 * audit `election.<state>`), eligibility through its SQL, so the ceremony never re-implements either.
 */
import type { Queryable } from '../../store/database.js';
import type { Election } from '../elections/election.js';
import type { ElectionsRepository } from '../elections/elections.repository.js';
import type { ElectionsService } from '../elections/elections.service.js';
import type { EligibilityRepository } from '../elections/eligibility.js';
import type { CeremonyElection, ElectionGateway, EligibleVoter } from './election-gateway.js';

function toCeremonyElection(e: Election): CeremonyElection {
  return { id: e.id, state: e.state, manifest: e.manifest, credentialMode: e.credentialMode, title: e.title };
}

export function electionGateway(deps: {
  service: Pick<ElectionsService, 'transition' | 'committed'>;
  elections: ElectionsRepository;
  eligibility: EligibilityRepository;
}): ElectionGateway {
  return {
    async lock(electionId, tx) {
      const e = await deps.elections.get(tx, electionId, { forUpdate: true });
      return e ? toCeremonyElection(e) : null;
    },
    async get(electionId, q) {
      const e = await deps.elections.get(q, electionId);
      return e ? toCeremonyElection(e) : null;
    },
    async transition(electionId, from, to, actor, tx: Queryable) {
      await deps.service.transition(electionId, from, to, actor, tx);
    },
    committed(electionId, state, from) {
      deps.service.committed({ id: electionId, state }, from);
    },
    async eligibleVoters(electionId, q) {
      const out: EligibleVoter[] = [];
      for await (const v of deps.eligibility.eligibleVoters(q, electionId)) {
        out.push({ userId: v.userId, email: v.email, fullName: v.fullName });
      }
      return out;
    },
    countEligible(electionId, q) {
      return deps.eligibility.countEligible(q, electionId);
    },
    async voter(electionId, ref, q) {
      const { rows } = await q.query<{ id: string; email: string; full_name: string }>(
        'credentials.voter_lookup',
        'userId' in ref
          ? 'SELECT id, email, full_name FROM users WHERE id = $1::uuid'
          : 'SELECT id, email, full_name FROM users WHERE lower(email) = lower($1)',
        ['userId' in ref ? ref.userId : ref.email],
      );
      const user = rows[0];
      if (!user) return null;
      return {
        userId: user.id,
        email: user.email,
        fullName: user.full_name,
        eligible: await deps.eligibility.isEligible(q, electionId, user.id),
      };
    },
  };
}
