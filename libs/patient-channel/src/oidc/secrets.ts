import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'oidc-provider';

/** What every node of the gateway must share to issue and check patient tokens. */
export abstract class ChannelSecrets {
  /** Private signing keys: RS256 for ID tokens (OpenID Connect's default), ES256 for tokens. */
  abstract readonly jwks: { readonly keys: JWK[] };
  abstract readonly cookieKeys: string[];
  /** Keys the hashes of activation and one-time codes. */
  abstract readonly codeKey: string;
}

/** Reads the secrets file, generating it (mode 600) on first start. */
export function loadChannelSecrets(file: string): ChannelSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ChannelSecrets;
  const secrets: ChannelSecrets = {
    jwks: { keys: [signingKey('rsa', 'RS256'), signingKey('ec', 'ES256')] },
    cookieKeys: [randomBytes(32).toString('base64url')],
    codeKey: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  writeFileSync(partial, JSON.stringify(secrets), { mode: 0o600 });
  renameSync(partial, file);
  return secrets;
}

function signingKey(type: 'rsa' | 'ec', alg: string): JWK {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, alg, use: 'sig', kid: randomBytes(8).toString('hex') };
}

/** The public half of the signing keys, to verify the tokens the provider issues. */
export function publicJwks(secrets: ChannelSecrets): { keys: JWK[] } {
  return {
    keys: secrets.jwks.keys.map((key) => {
      const { kty, crv, x, y, n, e, kid, alg, use } = key;
      return Object.fromEntries(
        Object.entries({ kty, crv, x, y, n, e, kid, alg, use }).filter(([, v]) => v !== undefined),
      );
    }),
  };
}
