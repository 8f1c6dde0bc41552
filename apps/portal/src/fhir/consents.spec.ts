import type { Consent } from 'fhir/r4';
import { ID_NAT_PS, ID_NAT_STRUCT, recordAccessOf } from './consents';

const PURPOSE = 'urn:oid:1.2.250.1.213.1.1.4.248';
const PATIENT = '1.2.250.1.213.1.4.10-185037512345678';

/** A Consent as the gateway writes it (libs/mhd/src/consent/consent-resource.ts). */
function aConsent(
  kind: 'auth' | 'block' | 'mt',
  system: string,
  value: string,
  provision: Partial<Consent['provision']> = {},
  rest: Partial<Consent> = {},
): Consent {
  return {
    resourceType: 'Consent',
    id: `${PATIENT}-${kind}-0123456789abcdef`,
    status: 'active',
    scope: {},
    category: [],
    patient: { reference: `Patient/${PATIENT}` },
    dateTime: '2026-01-10T10:00:00Z',
    extension: [
      {
        url: 'urn:passerelle:fhir:StructureDefinition:consent-declared-by',
        valueString: 'patient',
      },
    ],
    provision: {
      type: kind === 'block' ? 'deny' : 'permit',
      actor: [
        {
          role: {},
          reference: {
            type: system === ID_NAT_PS ? 'Practitioner' : 'Organization',
            identifier: { system, value },
          },
        },
      ],
      ...provision,
    },
    ...rest,
  };
}

describe('who may see the record, from his Consents', () => {
  it('tells authorisations, refusals, blocks and médecins traitants apart', () => {
    const { decisions } = recordAccessOf([
      aConsent('auth', ID_NAT_PS, '810000000017'),
      aConsent(
        'auth',
        ID_NAT_STRUCT,
        '1990000093',
        { period: { end: '2026-02-01T00:00:00Z' } },
        { status: 'inactive' },
      ),
      aConsent('auth', ID_NAT_PS, '810000000025', { type: 'deny' }),
      aConsent('block', ID_NAT_PS, '0759912345'),
      aConsent('mt', ID_NAT_PS, '810000000058'),
    ]);
    expect(
      decisions.map(({ kind, subjectKind, subjectId, expired }) => ({
        kind,
        subjectKind,
        subjectId,
        expired,
      })),
    ).toEqual([
      { kind: 'authorisation', subjectKind: 'PS', subjectId: '810000000017', expired: false },
      { kind: 'authorisation', subjectKind: 'STRUCTURE', subjectId: '1990000093', expired: true },
      { kind: 'refusal', subjectKind: 'PS', subjectId: '810000000025', expired: false },
      { kind: 'block', subjectKind: 'PS', subjectId: '0759912345', expired: false },
      { kind: 'medecin-traitant', subjectKind: 'PS', subjectId: '810000000058', expired: false },
    ]);
    expect(decisions[1].validUntil).toEqual(new Date('2026-02-01T00:00:00Z'));
    expect(decisions[0]).toMatchObject({
      declaredBy: 'patient',
      declaredAt: new Date('2026-01-10T10:00:00Z'),
    });
  });

  it('reads each emergency consent from its nested provision (all permitted by default)', () => {
    const purpose = (code: string) => ({ system: PURPOSE, code });
    const emergency: Consent = {
      resourceType: 'Consent',
      id: `${PATIENT}-emergency`,
      status: 'active',
      scope: {},
      category: [],
      provision: {
        type: 'permit',
        provision: [
          { type: 'deny', purpose: [purpose('centre_15')] },
          { type: 'permit', purpose: [purpose('bris_de_glace')] },
          {
            type: 'deny',
            purpose: [purpose('centre_15'), purpose('bris_de_glace')],
            securityLabel: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }],
          },
        ],
      },
    };
    expect(recordAccessOf([emergency]).emergency).toEqual({
      centre15: false,
      otherProfessionals: true,
      maskedDocuments: false,
    });
    expect(recordAccessOf([]).emergency).toEqual({
      centre15: true,
      otherProfessionals: true,
      maskedDocuments: true,
    });
  });
});
