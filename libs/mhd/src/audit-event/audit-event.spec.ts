import type { AuditRecord } from '@passerelle/audit';
import { aPatient } from '@passerelle/testing';
import { auditEventFrom } from './audit-event';

const record = (principal: AuditRecord['principal'], emergency = false): AuditRecord => ({
  id: 'a1',
  patientKey: aPatient().key,
  recordedAt: new Date('2026-12-02T08:00:00Z'),
  transaction: 'ITI-67',
  action: 'document.consult',
  outcome: 'allowed',
  emergency,
  principal,
  documents: ['1.2.3'],
  httpStatus: 200,
});

describe('the access history as AuditEvent', () => {
  it('names the professional, his profession and whether it was an emergency', () => {
    const event = auditEventFrom(
      record(
        {
          kind: 'PS',
          subjectId: '810000000017',
          name: 'Jeanne MARTIN',
          professionCode: '10',
          professionLabel: 'Médecin',
          certificateSerial: '0a',
          certificateIssuer: 'CN=AC',
          authenticationMode: 'DIRECTE',
          purposeOfUse: 'bris_de_glace',
          accessReason: 'urgence vitale',
        },
        true,
      ),
    );
    expect(event.agent[0]).toMatchObject({
      who: { identifier: { value: '810000000017' }, display: 'Jeanne MARTIN' },
      role: [{ coding: [{ code: '10', display: 'Médecin' }] }],
    });
    expect(event.purposeOfEvent?.[0]).toMatchObject({
      coding: [{ code: 'bris_de_glace' }],
      text: 'urgence vitale',
    });
    expect(event.extension).toEqual([
      { url: 'urn:passerelle:audit:emergency', valueBoolean: true },
    ]);
  });

  it('shows the patient, or his legal representative, and the app, without certificate', () => {
    const event = auditEventFrom(
      record({
        kind: 'PATIENT',
        subjectId: 'account-1',
        name: 'Paul MARTIN',
        role: 'REPRESENTANT_LEGAL',
        clientId: 'passerelle-portal',
        authenticationMode: 'PATIENT_TOKEN',
        purposeOfUse: 'normal',
      }),
    );
    expect(event.agent[0].role).toEqual([
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
            code: 'GUARD',
            display: 'Représentant légal',
          },
        ],
      },
    ]);
    expect(event.agent[0].extension).toEqual([
      { url: 'urn:passerelle:audit:authentication-mode', valueCode: 'PATIENT_TOKEN' },
      { url: 'urn:passerelle:audit:patient-app', valueString: 'passerelle-portal' },
    ]);
  });
});
