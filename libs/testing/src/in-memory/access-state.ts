import type {
  AccessStateStore,
  EmergencyConsents,
  PatientAccessState,
} from '@passerelle/access-control';
import type { AccessStateWriter, AuthorisationDeclaration } from '@passerelle/record-management';
import type { InMemoryPatientRecords } from './patient-records';

const DEFAULT_CONSENTS: EmergencyConsents = {
  centre15: true,
  otherProfessionals: true,
  maskedDocuments: true,
};

const key = (patientKey: string, subjectId: string) => `${patientKey}\u0000${subjectId}`;

/**
 * The patient's access decisions, in memory, as `PostgresAccessStateStore` keeps them: an
 * authorisation (valid or forbidden, express consent, optional `validUntil`) per professional,
 * blocks, médecins traitants; the record's status and emergency consents live on the record.
 */
export class InMemoryAccessState implements AccessStateStore, AccessStateWriter {
  private readonly authorisations = new Map<string, AuthorisationDeclaration>();
  private readonly blocks = new Set<string>();
  private readonly medecinsTraitants = new Set<string>();
  private readonly emergencyConsents = new Map<string, EmergencyConsents>();

  constructor(
    private readonly records: InMemoryPatientRecords,
    private readonly now: () => Date = () => new Date(),
  ) {}

  load(patientKey: string, subjectId: string): Promise<PatientAccessState> {
    const record = this.records.get(patientKey);
    const authorisation = this.authorisations.get(key(patientKey, subjectId));
    const expired =
      authorisation?.validUntil !== undefined && authorisation.validUntil < this.now();
    return Promise.resolve({
      recordStatus: record?.status,
      authorisation: !authorisation
        ? 'none'
        : authorisation.state === 'valid' && expired
          ? 'expired'
          : authorisation.state,
      expressConsent: authorisation?.expressConsent ?? false,
      blocked: this.blocks.has(key(patientKey, subjectId)),
      medecinTraitant: this.medecinsTraitants.has(key(patientKey, subjectId)),
      emergencyConsents: { ...DEFAULT_CONSENTS, ...this.emergencyConsents.get(patientKey) },
    });
  }

  declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void> {
    this.authorisations.set(key(declaration.patientKey, declaration.subjectId), declaration);
    return Promise.resolve();
  }

  revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean> {
    return Promise.resolve(this.authorisations.delete(key(patientKey, subjectId)));
  }

  setBlocked(
    patientKey: string,
    subjectId: string,
    blocked: boolean,
    _declaredBy: string,
  ): Promise<void> {
    if (blocked) this.blocks.add(key(patientKey, subjectId));
    else this.blocks.delete(key(patientKey, subjectId));
    return Promise.resolve();
  }

  declareMedecinTraitant(patientKey: string, subjectId: string, _declaredBy: string) {
    this.medecinsTraitants.add(key(patientKey, subjectId));
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

  setRecordStatus(
    patientKey: string,
    status: 'open' | 'closed',
    reason?: string,
  ): Promise<boolean> {
    const closed = status === 'closed';
    return Promise.resolve(
      this.records.update(patientKey, (record) => ({
        ...record,
        status,
        closedAt: closed ? this.now() : undefined,
        closureReason: closed ? reason : undefined,
      })),
    );
  }
}
