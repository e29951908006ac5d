/**
 * Time as milliseconds since the epoch, injected so tests can move it (lockout release, token and
 * reset-code expiry) without sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
