import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtPortalDirectory, portalRouter } from './portal';

describe('the portal the gateway serves', () => {
  let repository: string;

  beforeEach(() => {
    repository = mkdtempSync(join(tmpdir(), 'passerelle-repository-'));
    writeFileSync(join(repository, 'package.json'), '{}');
    mkdirSync(join(repository, 'dist/apps/gateway/apps/gateway/src'), { recursive: true });
  });

  afterEach(() => rmSync(repository, { recursive: true, force: true }));

  it('is dist/portal of the repository, found from the sources or from the build', () => {
    mkdirSync(join(repository, 'dist/portal'));
    writeFileSync(join(repository, 'dist/portal/index.html'), '<!doctype html>');
    const portal = join(repository, 'dist/portal');
    expect(builtPortalDirectory(join(repository, 'apps/gateway/src'))).toBe(portal);
    expect(builtPortalDirectory(join(repository, 'dist/apps/gateway/apps/gateway/src'))).toBe(
      portal,
    );
  });

  it('is absent when the portal is not built, and the gateway then mounts nothing', () => {
    mkdirSync(join(repository, 'dist/portal'));
    expect(builtPortalDirectory(join(repository, 'apps/gateway/src'))).toBeUndefined();
    expect(portalRouter(undefined)).toBeUndefined();
  });
});
