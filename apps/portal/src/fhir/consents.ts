import type { Consent, ConsentProvision } from 'fhir/r4';

export const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
export const ID_NAT_STRUCT = 'urn:oid:1.2.250.1.71.4.2.2';
const DECLARED_BY = 'urn:passerelle:fhir:StructureDefinition:consent-declared-by';

export type SubjectKind = 'PS' | 'STRUCTURE';

/** One of the patient's decisions about a professional or a structure. */
export interface AccessDecision {
  readonly kind: 'authorisation' | 'refusal' | 'block' | 'medecin-traitant';
  readonly subjectKind: SubjectKind;
  readonly subjectId: string;
  /** An authorisation past its end date (the Consent is `inactive`). */
  readonly expired: boolean;
  readonly validUntil?: Date;
  readonly declaredAt?: Date;
  /** Who declared it: `patient`, or the idNat of the professional who did, for himself. */
  readonly declaredBy?: string;
}

export interface EmergencyConsents {
  /** The SAMU's regulating médecin (centre 15) may open the record. */
  readonly centre15: boolean;
  /** Any other professional, declaring an emergency (bris de glace), may open it. */
  readonly otherProfessionals: boolean;
  /** In an emergency, documents hidden from professionals are shown too. */
  readonly maskedDocuments: boolean;
}

export interface RecordAccess {
  readonly decisions: readonly AccessDecision[];
  readonly emergency: EmergencyConsents;
}

/**
 * The patient's Consents (README "Consents"): ids `<Patient id>-auth|block|mt-<digest>` and
 * `<Patient id>-emergency`; the emergency Consent nests one provision per case.
 */
export function recordAccessOf(consents: readonly Consent[]): RecordAccess {
  const decisions: AccessDecision[] = [];
  let emergency: EmergencyConsents = {
    centre15: true,
    otherProfessionals: true,
    maskedDocuments: true,
  };
  for (const consent of consents) {
    const id = consent.id ?? '';
    if (id.endsWith('-emergency')) {
      emergency = emergencyOf(consent.provision?.provision ?? []);
      continue;
    }
    const kind = /-(auth|block|mt)-[0-9a-f]{16}$/.exec(id)?.[1];
    const actor = consent.provision?.actor?.[0]?.reference;
    const subjectId = actor?.identifier?.value;
    if (!kind || !subjectId) continue;
    const declaredAt = consent.dateTime ? new Date(consent.dateTime) : undefined;
    const validUntil = consent.provision?.period?.end
      ? new Date(consent.provision.period.end)
      : undefined;
    decisions.push({
      kind:
        kind === 'block'
          ? 'block'
          : kind === 'mt'
            ? 'medecin-traitant'
            : consent.provision?.type === 'deny'
              ? 'refusal'
              : 'authorisation',
      subjectKind: actor?.identifier?.system === ID_NAT_STRUCT ? 'STRUCTURE' : 'PS',
      subjectId,
      expired: consent.status === 'inactive',
      validUntil,
      declaredAt,
      declaredBy: consent.extension?.find((extension) => extension.url === DECLARED_BY)
        ?.valueString,
    });
  }
  return { decisions, emergency };
}

function emergencyOf(provisions: readonly ConsentProvision[]): EmergencyConsents {
  const permits = (test: (provision: ConsentProvision) => boolean) =>
    provisions.find(test)?.type !== 'deny';
  const purposes = (provision: ConsentProvision) =>
    (provision.purpose ?? []).map((purpose) => purpose.code).join(' ');
  return {
    maskedDocuments: permits((provision) => (provision.securityLabel ?? []).length > 0),
    centre15: permits(
      (provision) => !provision.securityLabel?.length && purposes(provision) === 'centre_15',
    ),
    otherProfessionals: permits(
      (provision) => !provision.securityLabel?.length && purposes(provision) === 'bris_de_glace',
    ),
  };
}
