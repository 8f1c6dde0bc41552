import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** Without 0/O and 1/I/L, so that a code read aloud or copied by hand is not mistaken. */
const ACTIVATION_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A 6-digit one-time code (DESIGN §9). */
export function oneTimeCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** An activation code: 10 characters in two groups, `ABCDE-FGHJK`. */
export function activationCode(): string {
  const characters = Array.from(
    { length: 10 },
    () => ACTIVATION_ALPHABET[randomInt(0, ACTIVATION_ALPHABET.length)],
  );
  return `${characters.slice(0, 5).join('')}-${characters.slice(5).join('')}`;
}

/** How a code typed by the patient is compared: upper case, without spaces or dashes. */
export function normalisedCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Codes are stored as keyed hashes (HMAC-SHA-256 with a secret of the gateway's): short codes
 * could be brute-forced from a plain hash, not without the key.
 */
export class CodeHasher {
  constructor(private readonly key: Buffer) {}

  hash(code: string): string {
    return createHmac('sha256', this.key).update(normalisedCode(code)).digest('hex');
  }

  matches(code: string, hash: string): boolean {
    const actual = Buffer.from(this.hash(code), 'hex');
    const expected = Buffer.from(hash, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
