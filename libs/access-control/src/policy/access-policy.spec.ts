import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, DocumentFacts, PatientAccessState } from './access-request';
import { canSeeDocument, decidePatientAccess } from './access-policy';
import {
  AccessChange,
  DocumentChange,
  decideAccessChange,
  decideDocumentChange,
} from './change-policy';
import { HabilitationMatrix, HabilitationMatrixFile } from './habilitation-matrix';

const matrix = new HabilitationMatrix(
  JSON.parse(
    readFileSync(join(__dirname, '../../../../fixtures/access/habilitation-matrix.json'), 'utf8'),
  ) as HabilitationMatrixFile,
);

const generaliste: Actor = {
  kind: 'PS',
  idNat: '810000000017',
  structureIds: ['1750000001'],
  confirmedStructureIds: ['1750000001'],
  professionCode: '10',
  specialtyCode: 'SM26',
  purposeOfUse: 'normal',
  forbiddenActor: false,
  patientChannel: false,
};
const pharmacien: Actor = {
  ...generaliste,
  idNat: '810000000025',
  professionCode: '21',
  specialtyCode: undefined,
};
const medecinDuTravail: Actor = { ...generaliste, idNat: '810000000033', specialtyCode: 'SM25' };
const hospital: Actor = {
  kind: 'ORG',
  idNat: '1750000001',
  structureIds: ['1750000001'],
  confirmedStructureIds: ['1750000001'],
  purposeOfUse: 'normal',
  forbiddenActor: false,
  patientChannel: false,
};
const portal: Actor = {
  ...hospital,
  idNat: '1990000001',
  structureIds: ['1990000001'],
  patientChannel: true,
};

const authorised: PatientAccessState = {
  recordStatus: 'open',
  authorisation: 'valid',
  expressConsent: false,
  blocked: false,
  medecinTraitant: false,
  emergencyConsents: { centre15: true, otherProfessionals: true, maskedDocuments: true },
};
const stranger: PatientAccessState = { ...authorised, authorisation: 'none' };

const report: DocumentFacts = {
  typeCode: { code: '11488-4', codeSystem: '2.16.840.1.113883.6.1' },
  confidentialityCodes: [{ code: 'N', codeSystem: '2.16.840.1.113883.5.25' }],
  status: 'Approved',
  authorIds: ['810000000099'],
};
const masked: DocumentFacts = {
  ...report,
  confidentialityCodes: [
    ...report.confidentialityCodes,
    { code: 'MASQUE_PS', codeSystem: '1.2.250.1.213.1.1.4.13' },
  ],
};

const reasonOf = (decision: ReturnType<typeof decidePatientAccess>) =>
  decision.allowed ? `allowed:${decision.basis}` : decision.reason;

describe('patient-level decisions', () => {
  it.each([
    [
      'an authorised PS consults',
      generaliste,
      authorised,
      'document.consult',
      'allowed:authorisation',
    ],
    ['a PS without authorisation', generaliste, stranger, 'document.consult', 'NO_AUTHORISATION'],
    [
      'an expired authorisation',
      generaliste,
      { ...authorised, authorisation: 'expired' },
      'document.consult',
      'AUTHORISATION_EXPIRED',
    ],
    [
      'a forbidden authorisation',
      generaliste,
      { ...authorised, authorisation: 'forbidden' },
      'document.consult',
      'AUTHORISATION_FORBIDDEN',
    ],
    [
      'the médecin traitant without authorisation',
      generaliste,
      { ...stranger, medecinTraitant: true },
      'document.consult',
      'allowed:medecin-traitant',
    ],
    [
      'a blocked PS reads',
      generaliste,
      { ...authorised, blocked: true },
      'document.consult',
      'BLOCKED',
    ],
    [
      'a blocked PS writes',
      generaliste,
      { ...authorised, blocked: true },
      'document.provide',
      'BLOCKED',
    ],
    [
      'a blocked médecin traitant (cannot be blocked)',
      generaliste,
      { ...authorised, blocked: true, medecinTraitant: true },
      'document.consult',
      'allowed:medecin-traitant',
    ],
    ['any PS feeds', generaliste, stranger, 'document.provide', 'allowed:feeding'],
    ['an ORG feeds', hospital, stranger, 'document.provide', 'allowed:feeding'],
    ['an ORG consults', hospital, authorised, 'document.consult', 'INDIRECT_CANNOT_CONSULT'],
    [
      'a closed record is consulted',
      generaliste,
      { ...authorised, recordStatus: 'closed' },
      'document.consult',
      'RECORD_CLOSED',
    ],
    [
      'a closed record is fed',
      hospital,
      { ...authorised, recordStatus: 'closed' },
      'document.provide',
      'RECORD_CLOSED',
    ],
    [
      "a closed record's status is read",
      generaliste,
      { ...authorised, recordStatus: 'closed' },
      'record.status',
      'allowed:status-read',
    ],
    [
      'a médecin du travail without express consent',
      medecinDuTravail,
      authorised,
      'document.consult',
      'EXPRESS_CONSENT_REQUIRED',
    ],
    [
      'a médecin du travail with express consent',
      medecinDuTravail,
      { ...authorised, expressConsent: true },
      'document.consult',
      'allowed:authorisation',
    ],
    [
      'a forbidden actor',
      { ...generaliste, forbiddenActor: true },
      authorised,
      'record.status',
      'FORBIDDEN_ACTOR',
    ],
    [
      "the patient's channel blocks a professional",
      portal,
      authorised,
      'consent.manage',
      'allowed:patient',
    ],
    [
      "the patient's channel reads the access history",
      portal,
      authorised,
      'audit.read',
      'allowed:patient',
    ],
    [
      'an ORG re-opens an existing record conditionally',
      hospital,
      authorised,
      'record.manage',
      'allowed:feeding',
    ],
    [
      'an ORG reaches the change rules (which then refuse it)',
      hospital,
      authorised,
      'consent.manage',
      'allowed:feeding',
    ],
    [
      "the patient's channel consults the record",
      portal,
      authorised,
      'document.consult',
      'allowed:patient',
    ],
    [
      'the patient provides his own documents',
      portal,
      authorised,
      'document.provide',
      'allowed:patient',
    ],
    [
      "a record is opened by a professional, never on the patient's channel",
      portal,
      authorised,
      'record.open',
      'PROFESSIONAL_ONLY',
    ],
    [
      'the patient cannot feed his closed record',
      portal,
      { ...authorised, recordStatus: 'closed' },
      'document.provide',
      'RECORD_CLOSED',
    ],
    [
      'nor change its access state',
      portal,
      { ...authorised, recordStatus: 'closed' },
      'consent.manage',
      'RECORD_CLOSED',
    ],
    [
      'but reads it',
      portal,
      { ...authorised, recordStatus: 'closed' },
      'document.consult',
      'allowed:patient',
    ],
    [
      'and reopens it',
      portal,
      { ...authorised, recordStatus: 'closed' },
      'record.manage',
      'allowed:patient',
    ],
    [
      'a blocked PS cannot even ask to change the access state',
      generaliste,
      { ...authorised, blocked: true },
      'consent.manage',
      'BLOCKED',
    ],
    [
      'no record',
      generaliste,
      { ...authorised, recordStatus: undefined },
      'document.consult',
      'NO_RECORD',
    ],
  ] as const)('%s', (_name, actor, state, action, expected) => {
    expect(reasonOf(decidePatientAccess(actor, state, action))).toBe(expected);
  });

  describe('emergencies', () => {
    const urgentiste: Actor = {
      ...generaliste,
      purposeOfUse: 'bris_de_glace',
      accessReason: 'Patient inconscient',
    };

    it('bris de glace with a reason is allowed and flagged as an emergency', () => {
      expect(decidePatientAccess(urgentiste, stranger, 'document.consult')).toEqual({
        allowed: true,
        basis: 'bris_de_glace',
        emergency: true,
      });
    });

    it('bris de glace needs a reason, and the patient may refuse it', () => {
      expect(
        reasonOf(
          decidePatientAccess({ ...urgentiste, accessReason: ' ' }, stranger, 'document.consult'),
        ),
      ).toBe('EMERGENCY_REASON_REQUIRED');
      const refused = {
        ...stranger,
        emergencyConsents: { ...stranger.emergencyConsents, otherProfessionals: false },
      };
      expect(reasonOf(decidePatientAccess(urgentiste, refused, 'document.consult'))).toBe(
        'EMERGENCY_REFUSED_BY_PATIENT',
      );
    });

    it('centre 15 is for a regulating médecin, unless the patient refused it', () => {
      const regulateur: Actor = { ...generaliste, purposeOfUse: 'centre_15' };
      expect(reasonOf(decidePatientAccess(regulateur, stranger, 'document.consult'))).toBe(
        'allowed:centre_15',
      );
      expect(
        reasonOf(
          decidePatientAccess(
            { ...pharmacien, purposeOfUse: 'centre_15' },
            stranger,
            'document.consult',
          ),
        ),
      ).toBe('EMERGENCY_REFUSED_BY_PATIENT');
      const refused = {
        ...stranger,
        emergencyConsents: { ...stranger.emergencyConsents, centre15: false },
      };
      expect(reasonOf(decidePatientAccess(regulateur, refused, 'document.consult'))).toBe(
        'EMERGENCY_REFUSED_BY_PATIENT',
      );
    });
  });
});

describe('patient-level decisions through the record lifecycle', () => {
  const pending = { ...authorised, recordStatus: 'pending' } as const;
  const closed = { ...authorised, recordStatus: 'closed' } as const;
  const deletionRequested = { ...authorised, recordStatus: 'deletion-requested' } as const;
  const readOver = { ...closed, patientReadPeriodOver: true };
  const suspended = { ...authorised, recordStatus: 'suspended' } as const;
  const purged = { ...authorised, recordStatus: 'purged' } as const;

  it.each([
    [
      'a pending record is consulted as an open one',
      generaliste,
      pending,
      'document.consult',
      'allowed:authorisation',
    ],
    ['and fed', hospital, pending, 'document.provide', 'allowed:feeding'],
    [
      'a record whose deletion is asked is consulted',
      generaliste,
      deletionRequested,
      'document.consult',
      'RECORD_CLOSED',
    ],
    ['or fed', hospital, deletionRequested, 'document.provide', 'RECORD_CLOSED'],
    [
      'a suspended record is consulted',
      generaliste,
      suspended,
      'document.consult',
      'RECORD_SUSPENDED',
    ],
    ['or fed', hospital, suspended, 'document.provide', 'RECORD_SUSPENDED'],
    ['or its access state changed', generaliste, suspended, 'consent.manage', 'RECORD_SUSPENDED'],
    ['its status is read', generaliste, suspended, 'record.status', 'allowed:status-read'],
    ['a purged record is consulted', generaliste, purged, 'document.consult', 'NO_RECORD'],
    ['or its status read', generaliste, purged, 'record.status', 'NO_RECORD'],
    ['or opened again', generaliste, purged, 'record.open', 'RECORD_PURGED'],
    [
      'the patient reads his pending record',
      portal,
      pending,
      'document.consult',
      'allowed:patient',
    ],
    ['and opposes it', portal, pending, 'record.manage', 'allowed:patient'],
    [
      'the patient reads his closed record within the year',
      portal,
      closed,
      'document.consult',
      'allowed:patient',
    ],
    ['and its history', portal, closed, 'audit.read', 'allowed:patient'],
    ['and its status', portal, closed, 'record.status', 'allowed:status-read'],
    ['not after the year', portal, readOver, 'document.consult', 'PATIENT_READ_PERIOD_OVER'],
    ['nor its history', portal, readOver, 'audit.read', 'PATIENT_READ_PERIOD_OVER'],
    ['but reopens it', portal, readOver, 'record.manage', 'allowed:patient'],
    ['or sees its status', portal, readOver, 'record.status', 'allowed:status-read'],
    [
      'he reads it until the purge once he asked for its deletion',
      portal,
      deletionRequested,
      'document.consult',
      'allowed:patient',
    ],
    ['and withdraws', portal, deletionRequested, 'record.manage', 'allowed:patient'],
    ['but does not feed it', portal, deletionRequested, 'document.provide', 'RECORD_CLOSED'],
    [
      'the patient reads his suspended record',
      portal,
      suspended,
      'document.consult',
      'RECORD_SUSPENDED',
    ],
    ['nor reopens it', portal, suspended, 'record.manage', 'RECORD_SUSPENDED'],
    ['but sees its status', portal, suspended, 'record.status', 'allowed:status-read'],
    ['the patient reaches his purged record', portal, purged, 'record.status', 'NO_RECORD'],
  ] as const)('%s', (_name, actor, state, action, expected) => {
    expect(reasonOf(decidePatientAccess(actor, state, action))).toBe(expected);
  });
});

describe('document-level decisions', () => {
  const see = (actor: Actor, state: PatientAccessState, document: DocumentFacts) =>
    reasonOf(
      canSeeDocument(
        actor,
        state,
        decidePatientAccess(actor, state, 'document.consult'),
        document,
        matrix,
      ),
    );

  it('applies the habilitation matrix by profession', () => {
    expect(see(generaliste, authorised, report)).toBe('allowed:authorisation');
    expect(see(pharmacien, authorised, report)).toBe('OUTSIDE_HABILITATION');
    expect(
      see(pharmacien, authorised, {
        ...report,
        typeCode: { code: '57833-6', codeSystem: '2.16.840.1.113883.6.1' },
      }),
    ).toBe('allowed:authorisation');
  });

  it('hides a masked document except from the médecin traitant, its author and a permitted emergency', () => {
    expect(see(generaliste, authorised, masked)).toBe('MASKED');
    expect(see(generaliste, { ...authorised, medecinTraitant: true }, masked)).toBe(
      'allowed:medecin-traitant',
    );
    expect(see(generaliste, authorised, { ...masked, authorIds: [generaliste.idNat] })).toBe(
      'allowed:authorisation',
    );
    const urgentiste: Actor = {
      ...generaliste,
      purposeOfUse: 'bris_de_glace',
      accessReason: 'coma',
    };
    expect(see(urgentiste, stranger, masked)).toBe('allowed:bris_de_glace');
    const noMasked = {
      ...stranger,
      emergencyConsents: { ...stranger.emergencyConsents, maskedDocuments: false },
    };
    expect(see(urgentiste, noMasked, masked)).toBe('MASKED');
  });

  it('lets an ORG caller see only its own documents, and nobody but the author a deleted one', () => {
    const orgState = authorised;
    const own = { ...report, authorIds: ['1750000001'] };
    const decision = decidePatientAccess(hospital, orgState, 'document.update');
    expect(reasonOf(canSeeDocument(hospital, orgState, decision, own, matrix))).toBe(
      'allowed:author',
    );
    expect(reasonOf(canSeeDocument(hospital, orgState, decision, report, matrix))).toBe(
      'INDIRECT_CANNOT_CONSULT',
    );
    expect(see(generaliste, authorised, { ...report, status: 'Deleted' })).toBe('DELETED');
  });

  it('shows the patient everything but what is invisible to the patient, masked documents included', () => {
    const invisible = {
      ...report,
      confidentialityCodes: [
        ...report.confidentialityCodes,
        { code: 'INVISIBLE_PATIENT', codeSystem: '1.2.250.1.213.1.1.4.13' },
      ],
    };
    expect(see(portal, authorised, masked)).toBe('allowed:patient');
    expect(see(portal, authorised, invisible)).toBe('INVISIBLE_TO_PATIENT');
    expect(see(portal, authorised, { ...report, status: 'Deleted' })).toBe('DELETED');
  });

  it("hides from a minor's legal representatives what is invisible to them, not from the patient", () => {
    const hiddenFromParents = {
      ...report,
      confidentialityCodes: [
        ...report.confidentialityCodes,
        { code: 'INVISIBLE_REPRESENTANTS_LEGAUX', codeSystem: '1.2.250.1.213.1.1.4.13' },
      ],
    };
    const parent = { ...portal, legalRepresentative: true };
    expect(see(portal, authorised, hiddenFromParents)).toBe('allowed:patient');
    expect(see(parent, authorised, hiddenFromParents)).toBe('INVISIBLE_TO_LEGAL_REPRESENTATIVES');
    expect(see(parent, authorised, report)).toBe('allowed:patient');
  });
});

describe('who may change a document (DESIGN §4)', () => {
  const change = (overrides: Partial<DocumentChange> = {}): DocumentChange => ({
    restrictions: [],
    otherMetadata: false,
    ...overrides,
  });
  const own = { ...report, authorIds: [generaliste.idNat] };
  const may = (actor: Actor, state: PatientAccessState, facts: DocumentFacts, c: DocumentChange) =>
    reasonOf(decideDocumentChange(actor, state, facts, c));

  it('lets the author change anything, and nobody else archive, delete or version it', () => {
    expect(may(generaliste, authorised, own, change({ status: 'Deleted' }))).toBe('allowed:author');
    expect(may(generaliste, authorised, own, change({ otherMetadata: true }))).toBe(
      'allowed:author',
    );
    expect(may(generaliste, authorised, report, change({ status: 'Archived' }))).toBe('NOT_AUTHOR');
    expect(may(generaliste, authorised, report, change({ status: 'Deleted' }))).toBe('NOT_AUTHOR');
  });

  it('lets a médecin traitant make a document invisible to the patient or release it, not mask it', () => {
    const traitant = { ...authorised, medecinTraitant: true };
    expect(
      may(generaliste, traitant, report, change({ restrictions: ['INVISIBLE_PATIENT'] })),
    ).toBe('allowed:feeding');
    expect(may(generaliste, traitant, report, change({ restrictions: ['MASQUE_PS'] }))).toBe(
      'NOT_AUTHOR',
    );
    expect(
      may(generaliste, authorised, report, change({ restrictions: ['INVISIBLE_PATIENT'] })),
    ).toBe('NOT_AUTHOR');
  });

  it('lets the patient mask, unmask or delete a document, and nothing else', () => {
    expect(may(portal, authorised, report, change({ restrictions: ['MASQUE_PS'] }))).toBe(
      'allowed:patient',
    );
    expect(may(portal, authorised, report, change({ status: 'Deleted' }))).toBe('allowed:patient');
    expect(may(portal, authorised, report, change({ restrictions: ['INVISIBLE_PATIENT'] }))).toBe(
      'NOT_AUTHOR',
    );
    expect(may(portal, authorised, report, change({ status: 'Archived' }))).toBe('NOT_AUTHOR');
  });
});

describe('who may change the access state (DESIGN §4)', () => {
  const may = (actor: Actor, state: PatientAccessState, c: AccessChange) =>
    reasonOf(decideAccessChange(actor, state, c));
  const himself = generaliste.idNat;

  it('lets a professional declare or revoke his own authorisation only', () => {
    const declare = (subjectId: string, forbidden = false): AccessChange => ({
      kind: 'declare-authorisation',
      subjectId,
      subjectKind: 'PS',
      forbidden,
    });
    const revoke = (subjectId: string): AccessChange => ({
      kind: 'revoke-authorisation',
      subjectId,
      subjectKind: 'PS',
    });
    expect(may(generaliste, stranger, declare(himself))).toBe('allowed:feeding');
    expect(may(generaliste, stranger, declare(pharmacien.idNat))).toBe('NOT_FOR_HIMSELF');
    expect(may(generaliste, stranger, declare(himself, true))).toBe('PATIENT_ONLY');
    expect(may(hospital, stranger, declare(hospital.idNat))).toBe('PROFESSIONAL_ONLY');
    expect(may(generaliste, authorised, revoke(himself))).toBe('allowed:feeding');
    expect(may(generaliste, authorised, revoke(pharmacien.idNat))).toBe('NOT_FOR_HIMSELF');
  });

  it.each(['declare-authorisation', 'revoke-authorisation'] as const)(
    'refuses a professional who would %s for a structure, even one he acts for (NOT_FOR_HIMSELF)',
    (kind) => {
      const structure = {
        subjectId: generaliste.structureIds[0],
        subjectKind: 'STRUCTURE',
      } as const;
      const change: AccessChange =
        kind === 'declare-authorisation'
          ? { kind, ...structure, forbidden: false }
          : { kind, ...structure };
      expect(may(generaliste, stranger, change)).toBe('NOT_FOR_HIMSELF');
      expect(may(portal, stranger, change)).toBe('allowed:patient');
    },
  );

  it('makes médecin traitant only a médecin holding a valid authorisation, for himself', () => {
    const declare = (subjectId: string): AccessChange => ({
      kind: 'declare-medecin-traitant',
      subjectId,
    });
    expect(may(generaliste, authorised, declare(himself))).toBe('allowed:feeding');
    expect(may(generaliste, stranger, declare(himself))).toBe('NO_AUTHORISATION');
    expect(may(pharmacien, authorised, declare(pharmacien.idNat))).toBe('NOT_A_MEDECIN');
    expect(may(generaliste, authorised, declare(pharmacien.idNat))).toBe('NOT_FOR_HIMSELF');
  });

  it.each([
    { kind: 'block', subjectId: himself, subjectKind: 'PS' },
    { kind: 'unblock', subjectId: himself, subjectKind: 'PS' },
    { kind: 'block', subjectId: generaliste.structureIds[0], subjectKind: 'STRUCTURE' },
    { kind: 'remove-medecin-traitant', subjectId: himself },
  ] satisfies AccessChange[])('leaves $kind of $subjectId to the patient', (change) => {
    expect(may(generaliste, authorised, change)).toBe('PATIENT_ONLY');
    expect(may(portal, authorised, change)).toBe('allowed:patient');
  });

  it.each([
    'emergency-consents',
    'close',
    'reopen',
    'request-deletion',
    'oppose',
    'read-history',
    'read-consents',
  ] as const)('leaves %s to the patient', (kind) => {
    expect(may(generaliste, authorised, { kind })).toBe('PATIENT_ONLY');
    expect(may(hospital, authorised, { kind })).toBe('PATIENT_ONLY');
  });
});
