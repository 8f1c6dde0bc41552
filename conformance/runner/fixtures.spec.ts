import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const FIXTURES = join(__dirname, '..', 'fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe("the package's fixtures", () => {
  it('are each listed in fixtures/SOURCES.md with their sha256, and nothing else is', () => {
    const listed = new Map(
      [
        ...readFileSync(join(FIXTURES, 'SOURCES.md'), 'utf8').matchAll(
          /^\| `([^`]+)` +\| `([0-9a-f]{64})` \|$/gm,
        ),
      ].map(([, path, sha256]) => [path, sha256]),
    );
    const present = new Map(
      filesUnder(FIXTURES)
        .filter((file) => relative(FIXTURES, file) !== 'SOURCES.md')
        .map((file) => [
          relative(FIXTURES, file).split('\\').join('/'),
          createHash('sha256').update(readFileSync(file)).digest('hex'),
        ]),
    );
    expect(present.size).toBeGreaterThan(0);
    expect(present).toEqual(listed);
  });
});
