import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The version in Passerelle's package.json, searched upward: this file runs from src/ or dist/. */
export function packageVersion(dir: string = __dirname): string {
  const manifest = readManifest(join(dir, 'package.json'));
  if (manifest?.name === 'passerelle' && manifest.version) return manifest.version;
  const parent = dirname(dir);
  return parent === dir ? 'unknown' : packageVersion(parent);
}

function readManifest(path: string): { name?: string; version?: string } | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
}
