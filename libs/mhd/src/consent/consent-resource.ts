import type { CodeableConcept, Coding, Consent, ConsentProvision, Extension } from 'fhir/r4';
import { DomainError, PatientId, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import type {
  AccessDecisions,
  AuthorisationEntry,
  BlockEntry,
  DecisionEntry,
} from '@passerelle/record-management';
import { createHash } from 'node:crypto';
import { codeSystemToSystem } from '../resources/code-systems';
import { patientIdFromResourceId, patientResourceId } from '../resources/patient-reference';

type SubjectKind = BlockEntry['subjectKind'];
type EmergencyConsents = AccessDecisions['emergencyConsents'];

/** The identifier systems of idNat_PS and idNat_Struct (ASIP's national identifiers). */
const ID_NAT_SYSTEM: Record<SubjectKind, string> = {
  PS: 'urn:oid:1.2.250.1.71.4.2.1',
  STRUCTURE: 'urn:oid:1.2.250.1.71.4.2.2',
};
const REFERENCE_TYPE: Record<SubjectKind, string> = {
  PS: 'Practitioner',
  STRUCTURE: 'Organization',
};

const SCOPE: CodeableConcept = {
  coding: [
    { system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' },
  ],
};
const CATEGORY: CodeableConcept[] = [
  { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] },
];
/** R4 wants a policy or a policy rule (ppc-1): the record's access rules (DESIGN §4). */
const POLICY = [{ uri: 'urn:passerelle:fhir:policy:dmp-access-rules' }];
const ACCESS: CodeableConcept[] = [
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] },
];
const RECIPIENT: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  code: 'IRCP',
  display: 'information recipient',
};
/**
 * A médecin traitant is told apart by a second coding of his actor role, in our own code
 * system: FHIR has no code for the role, and an extension would be ignored by readers.
 */
const MEDECIN_TRAITANT: Coding = {
  system: 'urn:passerelle:fhir:CodeSystem:access-role',
  code: 'MT',
  display: 'Médecin traitant',
};
const PURPOSE_OF_USE = 'urn:oid:1.2.250.1.213.1.1.4.248';
const DECLARED_BY = 'urn:passerelle:fhir:StructureDefinition:consent-declared-by';
const EXPRESS_CONSENT = 'urn:passerelle:fhir:StructureDefinition:consent-express-consent';

/** What each Consent stands for, in its id. */
const KIND_CODES = {
  authorisation: 'auth',
  block: 'block',
  medecinTraitant: 'mt',
  emergency: 'emergency',
} as const;
const CONSENT_ID = /^(.+)-(?:(?:auth|block|mt)-[0-9a-f]{16}|emergency)$/;

/**
 * The patient's access decisions as R4 Consent resources: one per authorisation (permit, or
 * deny when forbidden; inactive once expired), block (deny) and médecin traitant (permit), and
 * one for the emergency consents with a nested provision for each.
 */
export function consentsFrom(patientId: PatientId, decisions: AccessDecisions): Consent[] {
  return [
    ...decisions.authorisations.map((authorisation) =>
      authorisationConsent(patientId, authorisation),
    ),
    ...decisions.blocks.map((block) =>
      subjectConsent(patientId, 'block', block, {
        type: 'deny',
        actor: [actorOf(block.subjectKind, block.subjectId, [RECIPIENT])],
      }),
    ),
    ...decisions.medecinsTraitants.map((medecin) =>
      subjectConsent(patientId, 'medecinTraitant', medecin, {
        type: 'permit',
        actor: [actorOf('PS', medecin.subjectId, [RECIPIENT, MEDECIN_TRAITANT])],
        action: ACCESS,
      }),
    ),
    emergencyConsent(patientId, decisions.emergencyConsents),
  ];
}

/**
 * The record a Consent id belongs to: ids are `<Patient id>-<kind>[-<subject digest>]`, derived
 * from what the Consent is about, never from a database key. Anything else names nothing.
 */
export function patientOfConsent(id: string): PatientId {
  const match = CONSENT_ID.exec(id);
  try {
    if (match) return patientIdFromResourceId(match[1]);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
  throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Consent/${id}`);
}

function authorisationConsent(patientId: PatientId, authorisation: AuthorisationEntry): Consent {
  const consent = subjectConsent(
    patientId,
    'authorisation',
    authorisation,
    {
      type: authorisation.state === 'forbidden' ? 'deny' : 'permit',
      actor: [actorOf(authorisation.subjectKind, authorisation.subjectId, [RECIPIENT])],
      action: ACCESS,
      ...(authorisation.validUntil
        ? { period: { end: authorisation.validUntil.toISOString() } }
        : {}),
    },
    authorisation.expressConsent ? [{ url: EXPRESS_CONSENT, valueBoolean: true }] : [],
  );
  return { ...consent, status: authorisation.state === 'expired' ? 'inactive' : 'active' };
}

function subjectConsent(
  patientId: PatientId,
  kind: Exclude<keyof typeof KIND_CODES, 'emergency'>,
  entry: DecisionEntry & { readonly subjectKind?: SubjectKind },
  provision: ConsentProvision,
  extensions: Extension[] = [],
): Consent {
  const subject = `${entry.subjectKind ?? 'PS'}|${entry.subjectId}`;
  const digest = createHash('sha256').update(subject).digest('hex').slice(0, 16);
  return {
    ...consentOf(`${patientResourceId(patientId)}-${KIND_CODES[kind]}-${digest}`, patientId),
    extension: [{ url: DECLARED_BY, valueString: entry.declaredBy }, ...extensions],
    dateTime: entry.declaredAt.toISOString(),
    provision,
  };
}

/** Emergency access (DESIGN §4): permitted unless the patient refused it, each case apart. */
function emergencyConsent(patientId: PatientId, consents: EmergencyConsents): Consent {
  const permitted = (allowed: boolean) => (allowed ? 'permit' : 'deny');
  return {
    ...consentOf(`${patientResourceId(patientId)}-${KIND_CODES.emergency}`, patientId),
    provision: {
      type: 'permit',
      purpose: [purpose('centre_15'), purpose('bris_de_glace')],
      provision: [
        { type: permitted(consents.centre15), purpose: [purpose('centre_15')] },
        { type: permitted(consents.otherProfessionals), purpose: [purpose('bris_de_glace')] },
        {
          type: permitted(consents.maskedDocuments),
          purpose: [purpose('centre_15'), purpose('bris_de_glace')],
          securityLabel: [
            { system: codeSystemToSystem(RESTRICTION_CODE_SYSTEM), code: 'MASQUE_PS' },
          ],
        },
      ],
    },
  };
}

function consentOf(id: string, patientId: PatientId): Consent {
  return {
    resourceType: 'Consent',
    id,
    status: 'active',
    scope: SCOPE,
    category: CATEGORY,
    patient: { reference: `Patient/${patientResourceId(patientId)}` },
    policy: POLICY,
  };
}

function actorOf(kind: SubjectKind, value: string, roles: Coding[]) {
  return {
    role: { coding: roles },
    reference: { type: REFERENCE_TYPE[kind], identifier: { system: ID_NAT_SYSTEM[kind], value } },
  };
}

function purpose(code: 'centre_15' | 'bris_de_glace'): Coding {
  return { system: PURPOSE_OF_USE, code };
}
