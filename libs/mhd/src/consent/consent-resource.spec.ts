import type { Consent } from 'fhir/r4';
import { DomainError } from '@passerelle/domain';
import type { AccessDecisions } from '@passerelle/record-management';
import { aPatient } from '@passerelle/testing';
import { patientResourceId } from '../resources/patient-reference';
import { consentsFrom, patientOfConsent } from './consent-resource';

const PS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
const STRUCTURE_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.2';
const PURPOSE = 'urn:oid:1.2.250.1.213.1.1.4.248';
const declaredAt = new Date('2026-01-15T08:30:00Z');

const NO_DECISION: AccessDecisions = {
  authorisations: [],
  blocks: [],
  medecinsTraitants: [],
  emergencyConsents: { centre15: true, otherProfessionals: true, maskedDocuments: true },
};

describe('The patient’s access decisions as FHIR R4 Consent resources', () => {
  const patientId = aPatient();
  const patient = { reference: `Patient/${patientResourceId(patientId)}` };

  const only = (decisions: Partial<AccessDecisions>): Consent =>
    consentsFrom(patientId, { ...NO_DECISION, ...decisions })[0];

  it('writes a valid authorisation of a professional as an active permit, until its validUntil', () => {
    const consent = only({
      authorisations: [
        {
          subjectId: '810000000017',
          subjectKind: 'PS',
          state: 'valid',
          expressConsent: true,
          validUntil: new Date('2026-12-31T23:00:00Z'),
          declaredBy: 'PS:810000000017',
          declaredAt,
        },
      ],
    });
    expect(consent).toEqual({
      resourceType: 'Consent',
      id: expect.stringMatching(new RegExp(`^${patientResourceId(patientId)}-auth-[0-9a-f]{16}$`)),
      status: 'active',
      scope: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
        ],
      },
      category: [
        { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] },
      ],
      patient,
      policy: [{ uri: 'urn:passerelle:fhir:policy:dmp-access-rules' }],
      dateTime: '2026-01-15T08:30:00.000Z',
      extension: [
        {
          url: 'urn:passerelle:fhir:StructureDefinition:consent-declared-by',
          valueString: 'PS:810000000017',
        },
        {
          url: 'urn:passerelle:fhir:StructureDefinition:consent-express-consent',
          valueBoolean: true,
        },
      ],
      provision: {
        type: 'permit',
        period: { end: '2026-12-31T23:00:00.000Z' },
        actor: [
          {
            role: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                  code: 'IRCP',
                  display: 'information recipient',
                },
              ],
            },
            reference: {
              type: 'Practitioner',
              identifier: { system: PS_SYSTEM, value: '810000000017' },
            },
          },
        ],
        action: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' },
            ],
          },
        ],
      },
    });
  });

  it('writes an expired authorisation as inactive, a forbidden one of a structure as a deny', () => {
    const [expired, forbidden] = consentsFrom(patientId, {
      ...NO_DECISION,
      authorisations: [
        {
          subjectId: '810000000025',
          subjectKind: 'PS',
          state: 'expired',
          expressConsent: false,
          validUntil: new Date('2026-01-01T00:00:00Z'),
          declaredBy: 'PATIENT:account-1',
          declaredAt,
        },
        {
          subjectId: '1750000000',
          subjectKind: 'STRUCTURE',
          state: 'forbidden',
          expressConsent: false,
          declaredBy: 'PATIENT:account-1',
          declaredAt,
        },
      ],
    });
    expect(expired).toMatchObject({ status: 'inactive', provision: { type: 'permit' } });
    expect(expired.extension).toHaveLength(1);
    expect(forbidden).toMatchObject({
      status: 'active',
      provision: {
        type: 'deny',
        actor: [
          {
            reference: {
              type: 'Organization',
              identifier: { system: STRUCTURE_SYSTEM, value: '1750000000' },
            },
          },
        ],
      },
    });
    expect(forbidden.provision).not.toHaveProperty('period');
  });

  it('writes a block as a deny of every action, a médecin traitant as a permit with role MT', () => {
    const [block, traitant] = consentsFrom(patientId, {
      ...NO_DECISION,
      blocks: [
        { subjectId: '1690000000', subjectKind: 'STRUCTURE', declaredBy: 'PATIENT:a', declaredAt },
      ],
      medecinsTraitants: [{ subjectId: '810000000017', declaredBy: 'PATIENT:a', declaredAt }],
    });
    expect(block.id).toMatch(/-block-[0-9a-f]{16}$/);
    expect(block.provision).toEqual({
      type: 'deny',
      actor: [
        expect.objectContaining({
          reference: {
            type: 'Organization',
            identifier: { system: STRUCTURE_SYSTEM, value: '1690000000' },
          },
        }),
      ],
    });
    expect(traitant.id).toMatch(/-mt-[0-9a-f]{16}$/);
    expect(traitant.provision).toMatchObject({
      type: 'permit',
      actor: [
        {
          role: {
            coding: [
              expect.objectContaining({ code: 'IRCP' }),
              {
                system: 'urn:passerelle:fhir:CodeSystem:access-role',
                code: 'MT',
                display: 'Médecin traitant',
              },
            ],
          },
          reference: { identifier: { system: PS_SYSTEM, value: '810000000017' } },
        },
      ],
    });
  });

  it('writes the emergency consents as one Consent, a nested permit or deny for each', () => {
    const consents = consentsFrom(patientId, {
      ...NO_DECISION,
      emergencyConsents: { centre15: true, otherProfessionals: false, maskedDocuments: false },
    });
    expect(consents).toHaveLength(1);
    const [emergency] = consents;
    expect(emergency).toMatchObject({
      id: `${patientResourceId(patientId)}-emergency`,
      status: 'active',
      patient,
    });
    expect(emergency).not.toHaveProperty('dateTime');
    expect(emergency.provision!.provision).toEqual([
      { type: 'permit', purpose: [{ system: PURPOSE, code: 'centre_15' }] },
      { type: 'deny', purpose: [{ system: PURPOSE, code: 'bris_de_glace' }] },
      {
        type: 'deny',
        purpose: [
          { system: PURPOSE, code: 'centre_15' },
          { system: PURPOSE, code: 'bris_de_glace' },
        ],
        securityLabel: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }],
      },
    ]);
  });

  it('gives each decision an id of its own, the same at every reading, that names its record', () => {
    const decisions: AccessDecisions = {
      ...NO_DECISION,
      authorisations: [
        {
          subjectId: '810000000017',
          subjectKind: 'PS',
          state: 'valid',
          expressConsent: false,
          declaredBy: 'x',
          declaredAt,
        },
      ],
      blocks: [{ subjectId: '810000000017', subjectKind: 'PS', declaredBy: 'x', declaredAt }],
      medecinsTraitants: [{ subjectId: '810000000017', declaredBy: 'x', declaredAt }],
    };
    const ids = consentsFrom(patientId, decisions).map((consent) => consent.id!);
    expect(new Set(ids).size).toBe(4);
    expect(consentsFrom(patientId, decisions).map((consent) => consent.id)).toEqual(ids);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(patientOfConsent(id).key).toBe(patientId.key);
    }
  });

  it.each(['nonsense', `${patientResourceId(aPatient())}-auth-xyz`, 'no-such-patient-emergency'])(
    'names no record with the id %s (RESOURCE_NOT_FOUND)',
    (id) => {
      expect(() => patientOfConsent(id)).toThrow(
        expect.objectContaining({ code: 'RESOURCE_NOT_FOUND' }) as DomainError,
      );
    },
  );
});
