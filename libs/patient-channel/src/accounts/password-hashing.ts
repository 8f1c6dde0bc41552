import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt, memory-hard (N = 2^15, r = 8: 32 MiB per hash), from Node's own crypto: no native
 * addon to build. Stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` so the cost can be raised
 * later without invalidating existing hashes.
 */
const LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: 2 ** log2N, r, p, maxmem: MAX_MEMORY },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, log2N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), +log2N, +r, +p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spent on unknown usernames, so that a refusal takes as long whether the account exists. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** The CNIL's recommendation for a password alone: at least 12 characters, of varied kinds. */
export function passwordWeakness(password: string, username: string): string | undefined {
  if (password.length < 12) return 'Le mot de passe doit comporter au moins 12 caractères.';
  if (password.length > 256) return 'Le mot de passe ne doit pas dépasser 256 caractères.';
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((kind) => kind.test(password));
  if (kinds.length < 3) {
    return 'Le mot de passe doit mêler au moins trois types de caractères (minuscules, majuscules, chiffres, symboles).';
  }
  if (password.toLowerCase().includes(username.toLowerCase())) {
    return 'Le mot de passe ne doit pas contenir votre identifiant.';
  }
  return undefined;
}
