// Builds the gateway only when a source changed since the last build (used by `npm start` and by
// the memory measurement, so neither runs an outdated dist).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
export const gatewayMain = join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
const SOURCES = ['apps', 'libs', 'tsconfig.json', 'nest-cli.json', 'package-lock.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist')
    .reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const sourcesChanged = () =>
  SOURCES.filter((source) => existsSync(join(root, source))).some(
    (source) => newest(join(root, source)) > statSync(stamp).mtimeMs,
  );

export function buildIfStale() {
  if (existsSync(gatewayMain) && existsSync(stamp) && !sourcesChanged()) return;
  console.info('Building (sources changed since the last build)…');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
