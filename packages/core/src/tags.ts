/**
 * Every domain-separation tag used by Electra's hashes (protocol §2.5, table "Domain tags").
 * One place, so no two hashes in the protocol can share a tag.
 */
export const TAGS = {
  trusteeKeyProof: 'electra/v1/trustee-key-pok',
  credentialSignature: 'electra/v1/credential-signature',
  decryptionProof: 'electra/v1/decryption-proof',
  // Ballots, manifests, credentials (protocol §4.4, §5, §6, §7):
  manifest: 'electra/v1/manifest',
  electionFingerprint: 'electra/v1/election',
  credentialDerive: 'electra/v1/credential-derive',
  credentialChecksum: 'electra/v1/credential-checksum',
  choiceProof: 'electra/v1/choice-proof',
  overallProof: 'electra/v1/overall-proof',
  ballotCiphertexts: 'electra/v1/ballot-ciphertexts',
  boardEvent: 'electra/v1/board-event',
  // Trustee ceremony and decryption (protocol §8):
  ceremony: 'electra/v1/ceremony',
  trusteeCertificate: 'electra/v1/trustee-certificate',
  trusteeSignature: 'electra/v1/trustee-signature',
  trusteeRoster: 'electra/v1/trustee-roster',
  coefficientCommitment: 'electra/v1/coefficient-commitment',
  commitmentSet: 'electra/v1/commitment-set',
  shareKdf: 'electra/v1/share-kdf',
  shareAd: 'electra/v1/share-ad',
  complaintProof: 'electra/v1/complaint-proof',
  ceremonyTranscript: 'electra/v1/ceremony-transcript',
  trusteeShareProof: 'electra/v1/trustee-share-pok',
  keyFile: 'electra/v1/key-file',
} as const;
