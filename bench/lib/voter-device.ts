/**
 * Worker-thread side of the whole-election benchmark's voters: each voter encrypts, proves and signs
 * the ballot on their own device, so the benchmark does that work here, off the thread that runs
 * the server (on a real deployment the server never pays for it). Receives the election parameters
 * once (workerData), then { id, credential, electionId, choices } messages; answers with the
 * ballot's JSON form. The code is @electra/core's, as in the browser's worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  ballotToJSON,
  deriveCredentialKey,
  encryptBallot,
  initCore,
  parseCredential,
  parseElectionParams,
  type Selection,
  systemRandom,
} from '@electra/core';

export interface VoterRequest {
  readonly id: number;
  readonly credential: string;
  readonly electionId: string;
  readonly choices: Selection;
}

await initCore();
const parsed = parseElectionParams((workerData as { params: unknown }).params);
if (!parsed.ok) throw new Error(`voter device: bad election parameters: ${parsed.message}`);
const params = parsed.params;
parentPort!.on('message', (r: VoterRequest) => {
  try {
    const credential = parseCredential(r.credential);
    if (!credential.ok) throw new Error('not a credential');
    const { ballot } = encryptBallot({
      params,
      credential: deriveCredentialKey(credential.credential, r.electionId),
      choices: r.choices,
      random: systemRandom,
    });
    parentPort!.postMessage({ id: r.id, ballot: ballotToJSON(ballot) });
  } catch (e) {
    parentPort!.postMessage({ id: r.id, error: (e as Error).message });
  }
});
