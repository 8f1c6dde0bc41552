import type { AuditEvent } from 'fhir/r4';
import { historyEntryOf } from './history';

const PURPOSE = 'urn:oid:1.2.250.1.213.1.1.4.248';

/** An AuditEvent as the gateway writes it (libs/mhd/src/audit-event/audit-event.ts). */
function anAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: 'a1',
    type: { code: 'rest' },
    subtype: [{ system: 'urn:passerelle:audit:transaction', code: 'ITI-67' }],
    action: 'R',
    recorded: '2026-01-10T10:00:00Z',
    outcome: '0',
    purposeOfEvent: [{ coding: [{ system: PURPOSE, code: 'normal' }] }],
    agent: [
      {
        who: { identifier: { value: '810000000017' }, display: 'Jeanne MARTIN' },
        requestor: true,
        role: [
          { coding: [{ system: 'urn:oid:1.2.250.1.71.1.2.7', code: '10', display: 'Médecin' }] },
        ],
      },
    ],
    source: { observer: { display: 'Passerelle' } },
    entity: [
      { what: { identifier: { system: 'urn:ietf:rfc:3986', value: '1.2.250.1.999.5.1.77' } } },
    ],
    extension: [{ url: 'urn:passerelle:audit:emergency', valueBoolean: false }],
    ...overrides,
  };
}

describe('the access history as the patient reads it', () => {
  it('names the professional, his profession, what he did and on which document', () => {
    expect(historyEntryOf(anAuditEvent())).toEqual({
      id: 'a1',
      when: new Date('2026-01-10T10:00:00Z'),
      who: 'Jeanne MARTIN',
      role: 'Médecin',
      self: false,
      representative: false,
      what: 'a consulté la liste de vos documents',
      refused: false,
      reason: undefined,
      emergency: undefined,
      documents: ['1.2.250.1.999.5.1.77'],
    });
  });

  it('says why an access was refused, in plain words', () => {
    const entry = historyEntryOf(anAuditEvent({ outcome: '4', outcomeDesc: 'BLOCKED' }));
    expect(entry).toMatchObject({ refused: true, reason: 'professionnel bloqué par vous' });
  });

  it('flags an emergency with its purpose and the reason given', () => {
    const entry = historyEntryOf(
      anAuditEvent({
        purposeOfEvent: [
          { coding: [{ system: PURPOSE, code: 'bris_de_glace' }], text: 'Patient inconscient' },
        ],
        extension: [{ url: 'urn:passerelle:audit:emergency', valueBoolean: true }],
      }),
    );
    expect(entry.emergency).toEqual({ purpose: 'bris_de_glace', reason: 'Patient inconscient' });
  });

  it('counts his own actions and logins as his, but keeps a refused login in view', () => {
    const own = anAuditEvent({
      agent: [
        { requestor: true, who: { display: 'Léa MARTIN' }, role: [{ coding: [{ code: 'PAT' }] }] },
      ],
    });
    expect(historyEntryOf(own)).toMatchObject({ self: true, who: 'Vous' });
    const login = (outcome: AuditEvent['outcome']) =>
      historyEntryOf(
        anAuditEvent({
          subtype: [{ code: 'patient-login' }],
          outcome,
          outcomeDesc: outcome === '4' ? 'PASSWORD_REFUSED' : undefined,
          agent: [{ requestor: true, who: { display: 'unauthenticated' } }],
        }),
      );
    expect(login('0')).toMatchObject({ self: true, who: 'Votre compte' });
    expect(login('4')).toMatchObject({
      self: false,
      who: 'Votre compte',
      reason: 'mot de passe erroné',
    });
  });

  it('marks a legal representative', () => {
    const entry = historyEntryOf(
      anAuditEvent({
        agent: [
          {
            requestor: true,
            who: { display: 'Paul MARTIN' },
            role: [{ coding: [{ code: 'GUARD', display: 'Représentant légal' }] }],
          },
        ],
      }),
    );
    expect(entry).toMatchObject({ representative: true, self: false, role: 'Représentant légal' });
  });
});
