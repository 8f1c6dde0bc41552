import type {
  AccessStateStore,
  ActorStructures,
  EmergencyConsents,
  PatientAccessState,
} from '@passerelle/access-control';
import type {
  AccessDecisions,
  AccessDecisionsReader,
  AccessStateWriter,
  AuthorisationDeclaration,
  AuthorisationEntry,
  BlockChange,
  BlockEntry,
  DecisionEntry,
} from '@passerelle/record-management';
import { LIFECYCLE_DELAYS, addMonths } from '@passerelle/domain';
import type { InMemoryPatientRecords } from './patient-records';

const DEFAULT_CONSENTS: EmergencyConsents = {
  centre15: true,
  otherProfessionals: true,
  maskedDocuments: true,
};

const key = (patientKey: string, subjectId: string) => `${patientKey}\u0000${subjectId}`;

/** A stored decision and the record it belongs to. */
type Stored<Entry> = Entry & { readonly patientKey: string };

/**
 * The patient's access decisions, in memory, as `PostgresAccessStateStore` keeps them: an
 * authorisation (valid or forbidden, express consent, optional `validUntil`) per professional
 * or structure, blocks, médecins traitants; the record's status and emergency consents live on
 * the record.
 */
export class InMemoryAccessState
  implements AccessStateStore, AccessStateWriter, AccessDecisionsReader
{
  private readonly authorisations = new Map<
    string,
    AuthorisationDeclaration & { readonly declaredAt: Date }
  >();
  private readonly blocks = new Map<string, Stored<BlockEntry>>();
  private readonly medecinsTraitants = new Map<string, Stored<DecisionEntry>>();
  private readonly emergencyConsents = new Map<string, EmergencyConsents>();

  constructor(
    private readonly records: InMemoryPatientRecords,
    private readonly now: () => Date = () => new Date(),
  ) {}

  loadEach(
    patientKeys: readonly string[],
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState[]> {
    return Promise.all(patientKeys.map((key) => this.load(key, subjectId, structures)));
  }

  load(
    patientKey: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState> {
    const record = this.records.get(patientKey);
    const subjects = [subjectId, ...structures.actingFor].map((id) => key(patientKey, id));
    const granting = [subjectId, ...structures.confirmed].map((id) => key(patientKey, id));
    const states = subjects.flatMap((subject) => {
      const authorisation = this.authorisations.get(subject);
      if (!authorisation) return [];
      const state = this.stateOf(authorisation);
      return state === 'forbidden' || granting.includes(subject) ? [state] : [];
    });
    const strongest = (['forbidden', 'valid', 'expired'] as const).find((state) =>
      states.includes(state),
    );
    return Promise.resolve({
      recordStatus: record?.status,
      patientReadPeriodOver:
        (record?.status === 'closed' || record?.status === 'deletion-requested') &&
        record.closedAt !== undefined &&
        addMonths(record.closedAt, LIFECYCLE_DELAYS.patientReadMonths) <= this.now(),
      authorisation: strongest ?? 'none',
      expressConsent: this.authorisations.get(key(patientKey, subjectId))?.expressConsent ?? false,
      blocked: subjects.some((subject) => this.blocks.has(subject)),
      medecinTraitant: this.medecinsTraitants.has(key(patientKey, subjectId)),
      emergencyConsents: { ...DEFAULT_CONSENTS, ...this.emergencyConsents.get(patientKey) },
    });
  }

  list(patientKey: string): Promise<AccessDecisions> {
    const ofRecord = <Entry extends Stored<DecisionEntry>>(entries: Map<string, Entry>) =>
      [...entries.values()]
        .filter((entry) => entry.patientKey === patientKey)
        .sort(
          (a, b) =>
            a.declaredAt.getTime() - b.declaredAt.getTime() ||
            a.subjectId.localeCompare(b.subjectId),
        );
    return Promise.resolve({
      authorisations: ofRecord(this.authorisations).map((authorisation): AuthorisationEntry => ({
        subjectId: authorisation.subjectId,
        subjectKind: authorisation.subjectKind,
        state: this.stateOf(authorisation),
        expressConsent: authorisation.expressConsent,
        ...(authorisation.validUntil ? { validUntil: authorisation.validUntil } : {}),
        declaredBy: authorisation.declaredBy,
        declaredAt: authorisation.declaredAt,
      })),
      blocks: ofRecord(this.blocks).map(({ subjectId, subjectKind, declaredBy, declaredAt }) => ({
        subjectId,
        subjectKind,
        declaredBy,
        declaredAt,
      })),
      medecinsTraitants: ofRecord(this.medecinsTraitants).map(
        ({ subjectId, declaredBy, declaredAt }) => ({ subjectId, declaredBy, declaredAt }),
      ),
      emergencyConsents: { ...DEFAULT_CONSENTS, ...this.emergencyConsents.get(patientKey) },
    });
  }

  declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void> {
    this.authorisations.set(key(declaration.patientKey, declaration.subjectId), {
      ...declaration,
      declaredAt: this.now(),
    });
    return Promise.resolve();
  }

  revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean> {
    return Promise.resolve(this.authorisations.delete(key(patientKey, subjectId)));
  }

  setBlocked({ patientKey, subjectId, subjectKind, blocked, declaredBy }: BlockChange) {
    const subject = key(patientKey, subjectId);
    if (!blocked) this.blocks.delete(subject);
    else if (!this.blocks.has(subject)) {
      this.blocks.set(subject, {
        patientKey,
        subjectId,
        subjectKind,
        declaredBy,
        declaredAt: this.now(),
      });
    }
    return Promise.resolve();
  }

  declareMedecinTraitant(patientKey: string, subjectId: string, declaredBy: string) {
    const subject = key(patientKey, subjectId);
    if (!this.medecinsTraitants.has(subject)) {
      this.medecinsTraitants.set(subject, {
        patientKey,
        subjectId,
        declaredBy,
        declaredAt: this.now(),
      });
    }
    return Promise.resolve();
  }

  removeMedecinTraitant(patientKey: string, subjectId: string): Promise<boolean> {
    return Promise.resolve(this.medecinsTraitants.delete(key(patientKey, subjectId)));
  }

  /** Kept on the record: without one there is nothing to update. */
  setEmergencyConsents(patientKey: string, consents: EmergencyConsents): Promise<void> {
    if (this.records.get(patientKey)) this.emergencyConsents.set(patientKey, consents);
    return Promise.resolve();
  }

  private stateOf(authorisation: AuthorisationDeclaration): 'valid' | 'expired' | 'forbidden' {
    const expired = authorisation.validUntil !== undefined && authorisation.validUntil < this.now();
    return authorisation.state === 'valid' && expired ? 'expired' : authorisation.state;
  }
}
