import { ConfigError } from '@passerelle/platform';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patientApps } from './patient-apps';

describe('SMART_APPS_FILE', () => {
  const file = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'apps-')), 'apps.json');
    writeFileSync(path, content);
    return path;
  };

  it('registers no app without a file', () => {
    expect(patientApps(undefined)).toEqual([]);
  });

  it('reads the registered apps', () => {
    const app = { client_id: 'app', redirect_uris: ['https://app.example/cb'] };
    expect(patientApps(file(JSON.stringify([app])))).toEqual([app]);
  });

  it.each(['not json', '{"client_id":"x"}', '[{"redirect_uris":[]}]', '[null]'])(
    'refuses %s',
    (content) => {
      expect(() => patientApps(file(content))).toThrow(ConfigError);
    },
  );
});
