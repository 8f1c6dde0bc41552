import type { Actor } from './access-request';
import { decideDirectorySearch } from './directory-policy';

const actor = (kind: Actor['kind'], forbiddenActor = false): Actor => ({
  kind,
  idNat: 'x',
  structureIds: [],
  confirmedStructureIds: [],
  purposeOfUse: 'normal',
  forbiddenActor,
  patientChannel: kind === 'PATIENT',
});

describe('decideDirectorySearch', () => {
  it.each(['PS', 'ORG', 'PATIENT'] as const)('lets a %s actor search the directory', (kind) => {
    expect(decideDirectorySearch(actor(kind))).toEqual({
      allowed: true,
      basis: 'directory',
      emergency: false,
    });
  });

  it.each(['PS', 'ORG'] as const)('refuses a %s actor never let in (FORBIDDEN_ACTOR)', (kind) => {
    expect(decideDirectorySearch(actor(kind, true))).toEqual({
      allowed: false,
      reason: 'FORBIDDEN_ACTOR',
    });
  });
});
