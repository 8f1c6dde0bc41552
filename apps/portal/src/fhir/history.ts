import type { AuditEvent } from 'fhir/r4';

const EMERGENCY = 'urn:passerelle:audit:emergency';
const PURPOSE_OF_USE = 'urn:oid:1.2.250.1.213.1.1.4.248';

/** One line of the patient's access history. */
export interface HistoryEntry {
  readonly id: string;
  readonly when: Date;
  readonly who: string;
  /** The profession of a professional, or "Représentant légal". */
  readonly role?: string;
  /** The patient himself, on his channel. */
  readonly self: boolean;
  readonly representative: boolean;
  readonly what: string;
  readonly refused: boolean;
  readonly reason?: string;
  readonly emergency?: {
    readonly purpose: 'bris_de_glace' | 'centre_15' | 'autre';
    readonly reason?: string;
  };
  /** The XDS uniqueIds of the documents concerned. */
  readonly documents: readonly string[];
}

/** The gateway's transactions, as the patient reads them. */
const WHAT: Record<string, string> = {
  'ITI-18': 'a recherché vos documents',
  'ITI-67': 'a consulté la liste de vos documents',
  'ITI-66': 'a consulté la liste de vos documents',
  'ITI-43': 'a ouvert un document',
  'ITI-68': 'a ouvert un document',
  'ITI-41': 'a ajouté un document',
  'ITI-42': 'a ajouté un document',
  'ITI-65': 'a ajouté un document',
  'ITI-57': 'a modifié un document',
  'metadata-update': 'a modifié un document',
  'record-open': 'a ouvert votre dossier',
  'record-status': 'a consulté l’état de votre dossier',
  'record-export': 'a téléchargé votre dossier',
  'consent-read': 'a consulté les accès à votre dossier',
  'audit-read': 'a consulté l’historique',
  'patient-login': ': connexion',
  'patient-enrolment': ': activation',
};

const ACTION: Record<string, string> = {
  C: 'a ajouté des informations',
  R: 'a consulté votre dossier',
  U: 'a modifié des informations',
  D: 'a supprimé un document',
  E: 'a modifié les accès à votre dossier',
};

/** The access rules' refusals, as the patient reads them. */
const REFUSALS: Record<string, string> = {
  BLOCKED: 'professionnel bloqué par vous',
  NO_AUTHORISATION: 'sans votre autorisation',
  RECORD_CLOSED: 'dossier fermé',
  EMERGENCY_REFUSED_BY_PATIENT: 'accès d’urgence refusé par vos choix',
  EXPRESS_CONSENT_REQUIRED: 'votre consentement exprès est nécessaire',
  FORBIDDEN_ACTOR: 'ce professionnel n’est jamais admis',
  INDIRECT_CANNOT_CONSULT: 'un logiciel d’établissement ne peut pas consulter',
  PASSWORD_REFUSED: 'mot de passe erroné',
  CODE_REFUSED: 'code de connexion erroné',
  ACTIVATION_REFUSED: 'code d’activation erroné',
};

/** Logins and enrolments are audited before anyone is authenticated: they are his account's. */
const ACCOUNT_TRANSACTIONS = ['patient-login', 'patient-enrolment'];

export function historyEntryOf(event: AuditEvent): HistoryEntry {
  const agent = event.agent?.[0];
  const roleCoding = agent?.role?.[0]?.coding?.[0];
  const transaction = event.subtype?.[0]?.code ?? '';
  const account = ACCOUNT_TRANSACTIONS.includes(transaction);
  // A refused login stays in view: it may be someone else trying his password.
  const self = roleCoding?.code === 'PAT' || (account && event.outcome !== '4');
  const representative = roleCoding?.code === 'GUARD';
  const purpose = event.purposeOfEvent?.[0];
  const purposeCode = purpose?.coding?.find((coding) => coding.system === PURPOSE_OF_USE)?.code;
  const emergency =
    event.extension?.find((extension) => extension.url === EMERGENCY)?.valueBoolean === true;
  const refused = event.outcome === '4';
  const what =
    (transaction.startsWith('Patient/$') ? 'a modifié les accès à votre dossier' : undefined) ??
    (event.action === 'D' ? ACTION.D : undefined) ??
    WHAT[transaction] ??
    ACTION[event.action ?? ''] ??
    'a agi sur votre dossier';
  return {
    id: event.id ?? '',
    when: new Date(event.recorded),
    who: account
      ? 'Votre compte'
      : self
        ? 'Vous'
        : (agent?.who?.display ?? agent?.who?.identifier?.value ?? 'Inconnu'),
    role: self ? undefined : roleCoding?.display,
    self,
    representative,
    what,
    refused,
    reason:
      refused && event.outcomeDesc ? (REFUSALS[event.outcomeDesc] ?? event.outcomeDesc) : undefined,
    emergency: emergency
      ? {
          purpose:
            purposeCode === 'bris_de_glace' || purposeCode === 'centre_15' ? purposeCode : 'autre',
          reason: purpose?.text,
        }
      : undefined,
    documents: (event.entity ?? []).flatMap((entity) =>
      entity.what?.identifier?.value ? [entity.what.identifier.value.replace(/^urn:oid:/, '')] : [],
    ),
  };
}
