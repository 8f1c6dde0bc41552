import {
  INS_OID,
  OrganisationPrincipal,
  PatientId,
  PatientPrincipal,
  ProfessionalPrincipal,
  nirWithKey,
} from '@passerelle/domain';

let sequence = 0;

function certificate(n: number) {
  return {
    serialNumber: `0${n.toString(16)}`,
    issuer: 'CN=TEST AC IGC-SANTE, O=Passerelle tests',
    fingerprint256: `TEST:${String(n).padStart(8, '0')}`,
  };
}

function professional(
  professionCode: string,
  professionLabel: string,
  overrides: Partial<ProfessionalPrincipal>,
): ProfessionalPrincipal {
  sequence += 1;
  const n = sequence;
  return {
    kind: 'PS',
    // idNat_PS: 8 + an 11-digit RPPS; each professional practises in his own cabinet.
    subjectId: `8${10_000_000_000 + n}`,
    family: `TEST${n}`,
    given: 'Camille',
    professionCode,
    professionLabel,
    authenticationMode: 'DIRECTE',
    purposeOfUse: 'normal',
    roles: [overrides.professionCode ?? professionCode],
    structureId: `0${100_000_000 + n}`,
    certificate: certificate(n),
    ...overrides,
  };
}

/** A fresh médecin (TRE_G15 `10`), authenticated by his CPS, no assertion: DIRECTE, normal. */
export function aMedecin(overrides: Partial<ProfessionalPrincipal> = {}): ProfessionalPrincipal {
  return professional('10', 'Médecin', overrides);
}

/** A fresh pharmacien (TRE_G15 `21`). */
export function aPharmacien(overrides: Partial<ProfessionalPrincipal> = {}): ProfessionalPrincipal {
  return professional('21', 'Pharmacien', overrides);
}

/** A fresh hospital's system (ORG certificate, idNat_Struct `1` + FINESS). */
export function aHospitalSystem(
  overrides: Partial<OrganisationPrincipal> = {},
): OrganisationPrincipal {
  sequence += 1;
  const n = sequence;
  return {
    kind: 'ORG',
    subjectId: `1${750_000_000 + n}`,
    serviceName: 'DPI',
    organisationName: `CH TEST ${n}`,
    authenticationMode: 'INDIRECTE',
    purposeOfUse: 'normal',
    roles: [],
    certificate: certificate(n),
    ...overrides,
  };
}

/** A fresh patient, by a valid test INS-NIR. */
export function aPatient(): PatientId {
  sequence += 1;
  return PatientId.of(INS_OID.NIR_TEST, nirWithKey(`2770699${String(sequence).padStart(6, '0')}`));
}

/**
 * The patient himself (or, with `role: 'REPRESENTANT_LEGAL'`, a legal representative) on the
 * patient's channel, as a verified patient token bound to `patientId`'s record makes him.
 */
export function thePatientOf(
  patientId: PatientId,
  overrides: Partial<PatientPrincipal> = {},
): PatientPrincipal {
  sequence += 1;
  return {
    kind: 'PATIENT',
    role: 'PATIENT',
    subjectId: `account-${sequence}`,
    patientKey: patientId.key,
    name: `Patient ${sequence}`,
    purposeOfUse: 'normal',
    token: {
      id: `token-${sequence}`,
      clientId: 'passerelle-portal',
      grantId: `grant-${sequence}`,
      expiresAt: new Date(Date.now() + 900_000),
    },
    ...overrides,
  };
}
