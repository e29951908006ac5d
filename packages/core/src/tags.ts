/**
 * Every domain-separation tag used by Electra's hashes (protocol §2.5, table "Domain tags").
 * One place, so no two hashes in the protocol can share a tag.
 */
export const TAGS = {
  trusteeKeyProof: 'electra/v1/trustee-key-pok',
  credentialSignature: 'electra/v1/credential-signature',
  decryptionProof: 'electra/v1/decryption-proof',
  boardEvent: 'electra/v1/board-event',
} as const;
