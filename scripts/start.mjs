// `npm start`: build only when a source changed since the last build, then run the gateway.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const main = join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
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

if (!existsSync(main) || !existsSync(stamp) || sourcesChanged()) {
  console.info('Building (sources changed since the last build)…');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
createRequire(import.meta.url)(main);
