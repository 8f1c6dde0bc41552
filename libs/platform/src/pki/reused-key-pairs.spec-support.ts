// Test support, imported by specs only (not exported by the pki index, not shipped).
// The default import is Node's module object itself, whose properties the compiled code under
// test reads at each call; `import * as` would give a copy that a spy cannot reach through.
import crypto from 'node:crypto';

/**
 * For the enclosing describe block, every key pair the code under test generates is the first
 * one generated with the same arguments (type, modulusLength, encodings), generated for real.
 *
 * Only for specs whose certificates differ in what is written in them, never in their keys: an
 * RSA-2048 key pair costs up to a second, the rest of a certificate milliseconds. The issuer
 * API takes no existing key, so this is the one place to reuse it from. Register it before the
 * beforeAll that issues the first certificate.
 */
export function reuseGeneratedKeyPairs(): void {
  const generate = crypto.generateKeyPairSync;
  const generated = new Map<string, unknown>();
  let spy: jest.SpyInstance | undefined;

  beforeAll(() => {
    spy = jest.spyOn(crypto, 'generateKeyPairSync').mockImplementation(((
      ...args: unknown[]
    ): unknown => {
      const key = JSON.stringify(args);
      if (!generated.has(key)) generated.set(key, Reflect.apply(generate, crypto, args));
      return generated.get(key);
    }) as typeof generate);
  });

  afterAll(() => spy?.mockRestore());
}
