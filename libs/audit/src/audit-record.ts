import type { Principal } from '@passerelle/domain';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** Who acted, as the audit trail keeps it (no key material, no assertion text). */
export interface AuditedPrincipal {
  /** OPERATOR: a command run in the database; SYSTEM: the gateway's own time-based steps. */
  readonly kind: 'PS' | 'ORG' | 'PATIENT' | 'OPERATOR' | 'SYSTEM';
  readonly subjectId: string;
  readonly name: string;
  readonly professionCode?: string;
  readonly professionLabel?: string;
  readonly specialtyCode?: string;
  readonly structureId?: string;
  /** On the patient's channel: PATIENT or REPRESENTANT_LEGAL. */
  readonly role?: string;
  /** On the patient's channel: the app (OAuth client) the token was issued to. */
  readonly clientId?: string;
  readonly certificateSerial?: string;
  readonly certificateIssuer?: string;
  /** DIRECTE / INDIRECTE / INDIRECTE_RENFORCEE, or PATIENT_TOKEN on the patient's channel. */
  readonly authenticationMode: string;
  readonly purposeOfUse: string;
  readonly accessReason?: string;
  /** 'SHA-1' when the request's access assertion was signed with it (ASSERTION_SHA1). */
  readonly assertionDigest?: 'SHA-1';
}

/** One request, allowed or denied: written before the answer leaves (no unaudited access). */
export interface AuditRecord {
  readonly id: string;
  readonly patientKey?: string;
  readonly recordedAt: Date;
  /** ITI-65, ITI-67, ITI-68, ITI-66, record-open, authorisation… */
  readonly transaction: string;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly reason?: string;
  readonly emergency: boolean;
  readonly principal?: AuditedPrincipal;
  readonly documents: readonly string[];
  readonly httpStatus: number;
  /** The request's `X-Request-Id`, to find its log line. */
  readonly requestId?: string;
}

/** Never medical content: no title, type or author of a document (DESIGN §5). */
export type NotificationKind =
  | 'new-document'
  | 'first-access'
  | 'emergency-access'
  | 'access-changed'
  /** A step of the record's lifecycle (closed, deletion due on…, suspended…): always sent. */
  | 'record-status'
  /** The code that activates a patient's account (sent when his record is opened). */
  | 'activation-code'
  /** The one-time code of a patient's login (DESIGN §9). */
  | 'one-time-code';

/** A message owed to the patient, kept in the outbox until delivered. */
export interface PatientNotification {
  readonly id: string;
  readonly patientKey: string;
  readonly kind: NotificationKind;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export function auditedPrincipal(principal: Principal): AuditedPrincipal {
  if (principal.kind === 'PATIENT') {
    return {
      kind: 'PATIENT',
      subjectId: principal.subjectId,
      name: principal.name,
      role: principal.role,
      clientId: principal.token.clientId,
      authenticationMode: 'PATIENT_TOKEN',
      purposeOfUse: principal.purposeOfUse,
    };
  }
  const common = {
    kind: principal.kind,
    subjectId: principal.subjectId,
    certificateSerial: principal.certificate.serialNumber,
    certificateIssuer: principal.certificate.issuer,
    authenticationMode: principal.authenticationMode,
    purposeOfUse: principal.purposeOfUse,
    ...(principal.accessReason ? { accessReason: principal.accessReason } : {}),
    ...(principal.assertion?.digest ? { assertionDigest: principal.assertion.digest } : {}),
  };
  return principal.kind === 'PS'
    ? {
        ...common,
        name: `${principal.given} ${principal.family}`.trim(),
        professionCode: principal.professionCode,
        professionLabel: principal.professionLabel,
      }
    : { ...common, name: principal.organisationName, structureId: principal.subjectId };
}
