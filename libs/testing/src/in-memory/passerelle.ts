import {
  AccessControl,
  HabilitationMatrix,
  HabilitationMatrixFile,
  SubjectKind,
} from '@passerelle/access-control';
import { AuditTrail, Outcome } from '@passerelle/audit';
import {
  ExportRecord,
  ProvideAndRegisterDocumentSet,
  ProvideDocumentBundle,
  RepositoryOptions,
  RetrieveDocument,
  RetrieveDocumentSet,
} from '@passerelle/document-repository';
import {
  DocumentEntry,
  DomainError,
  LifecycleEvent,
  PatientId,
  Principal,
  nextLifecycle,
  type SignaturePolicy,
} from '@passerelle/domain';
import { TestSignatureVerifier } from '../signatures';
import {
  CloseRecord,
  DeclareAuthorisation,
  DeclareMedecinTraitant,
  FindRecord,
  OpenRecord,
  OperatorLifecycle,
  OpposeRecord,
  ReadAccessHistory,
  ReadConsents,
  ReadRecord,
  RemoveMedecinTraitant,
  ReopenRecord,
  RequestDeletion,
  RevokeAuthorisation,
  SearchDirectory,
  SearchStructures,
  SetBlock,
  SetContactDetails,
  SetEmergencyConsents,
  SetNotificationPreferences,
} from '@passerelle/record-management';
import {
  ChangeDocumentMetadata,
  FindDocumentLists,
  FindDocumentReferences,
  ReadDocumentReference,
  RegisterDocumentSet,
  RegistryStoredQuery,
  SubmissionRegistrar,
  ValueSetPolicy,
  UpdateDocumentMetadata,
  UpdateDocumentSet,
} from '@passerelle/registry';
import defaultMatrix from '../../../../fixtures/access/habilitation-matrix.json';
import { InMemoryAccessState } from './access-state';
import { InMemoryAuditStore } from './audit-store';
import { InMemoryContentLocator, InMemoryContentStore } from './content-store';
import { InMemoryInvitations } from './invitations';
import { InMemoryPatientRecords } from './patient-records';
import { aPatient } from './principals';
import { InMemoryProfessionalDirectory } from './professional-directory';
import { InMemoryRegistry } from './registry';
import { DocumentDraftOptions, documentDraft, submissionDraft } from './submission-drafts';

export interface InMemoryPasserelleOptions {
  /** The habilitation matrix; the default one of `fixtures/access/` otherwise. */
  readonly matrix?: HabilitationMatrixFile;
  readonly repositoryUniqueId?: string;
  /** The clock authorisations expire by, and the record's lifecycle runs on. */
  readonly now?: () => Date;
  /** SIGNATURE_POLICY; signatures are verified against signatureTestCa(). */
  readonly signaturePolicy?: SignaturePolicy;
  /** VALUE_SET_POLICY; `strict`, the gateway's default, otherwise. */
  readonly valueSetPolicy?: ValueSetPolicy;
}

/**
 * The real use cases over in-memory ports and a real {@link AccessControl}, built directly
 * (no Nest container): the fast unit tier of the transactions. Each test builds its own.
 */
export class InMemoryPasserelle {
  readonly records = new InMemoryPatientRecords();
  readonly accessState: InMemoryAccessState;
  readonly directory = new InMemoryProfessionalDirectory();
  readonly registry: InMemoryRegistry;
  readonly audits = new InMemoryAuditStore(this.records);
  readonly contents = new InMemoryContentStore(this.audits);
  readonly access: AccessControl;
  readonly repository: RepositoryOptions;

  // Registry
  readonly registerDocumentSet: RegisterDocumentSet;
  readonly registryStoredQuery: RegistryStoredQuery;
  readonly updateDocumentSet: UpdateDocumentSet;
  readonly findDocumentReferences: FindDocumentReferences;
  readonly readDocumentReference: ReadDocumentReference;
  readonly findDocumentLists: FindDocumentLists;
  readonly changeDocumentMetadata: ChangeDocumentMetadata;
  // Repository
  readonly provideAndRegisterDocumentSet: ProvideAndRegisterDocumentSet;
  readonly provideDocumentBundle: ProvideDocumentBundle;
  readonly retrieveDocumentSet: RetrieveDocumentSet;
  readonly retrieveDocument: RetrieveDocument;
  readonly exportRecord: ExportRecord;
  // Record management
  readonly openRecord: OpenRecord;
  readonly findRecord: FindRecord;
  readonly readRecord: ReadRecord;
  readonly declareAuthorisation: DeclareAuthorisation;
  readonly revokeAuthorisation: RevokeAuthorisation;
  readonly declareMedecinTraitant: DeclareMedecinTraitant;
  readonly removeMedecinTraitant: RemoveMedecinTraitant;
  readonly setBlock: SetBlock;
  readonly setEmergencyConsents: SetEmergencyConsents;
  readonly closeRecord: CloseRecord;
  readonly reopenRecord: ReopenRecord;
  readonly requestDeletion: RequestDeletion;
  readonly opposeRecord: OpposeRecord;
  /** The operator's steps (suspension), as the CLI takes them in the database. */
  readonly operatorLifecycle: OperatorLifecycle;
  readonly readAccessHistory: ReadAccessHistory;
  readonly setNotificationPreferences: SetNotificationPreferences;
  readonly setContactDetails: SetContactDetails;
  readonly readConsents: ReadConsents;
  readonly searchDirectory: SearchDirectory;
  readonly searchStructures: SearchStructures;
  readonly invitations = new InMemoryInvitations();

  constructor(options: InMemoryPasserelleOptions = {}) {
    this.accessState = new InMemoryAccessState(this.records, options.now);
    this.registry = new InMemoryRegistry(this.records, this.audits);
    const access = new AccessControl(
      this.accessState,
      this.directory,
      new HabilitationMatrix(options.matrix ?? (defaultMatrix as HabilitationMatrixFile)),
    );
    this.access = access;
    this.repository = {
      repositoryUniqueId: options.repositoryUniqueId ?? '1.2.250.1.999.1',
      signaturePolicy: options.signaturePolicy ?? 'verified-if-present',
    };
    const signatures = new TestSignatureVerifier();
    const [registry, contents, repository] = [this.registry, this.contents, this.repository];
    const registrar = new SubmissionRegistrar(
      registry,
      registry,
      registry,
      new AuditTrail(this.audits),
      options.valueSetPolicy ?? 'strict',
    );
    const updates = new UpdateDocumentMetadata(registry);

    this.registerDocumentSet = new RegisterDocumentSet(access, registrar);
    this.registryStoredQuery = new RegistryStoredQuery(
      access,
      registry,
      registry,
      new AuditTrail(this.audits),
    );
    this.updateDocumentSet = new UpdateDocumentSet(
      access,
      registry,
      updates,
      options.valueSetPolicy ?? 'strict',
    );
    this.findDocumentReferences = new FindDocumentReferences(
      access,
      registry,
      new AuditTrail(this.audits),
    );
    this.readDocumentReference = new ReadDocumentReference(access, registry, registry);
    this.findDocumentLists = new FindDocumentLists(access, registry);
    this.changeDocumentMetadata = new ChangeDocumentMetadata(access, registry, updates);

    this.provideAndRegisterDocumentSet = new ProvideAndRegisterDocumentSet(
      access,
      registrar,
      contents,
      repository,
      signatures,
    );
    this.provideDocumentBundle = new ProvideDocumentBundle(
      access,
      registrar,
      contents,
      repository,
      signatures,
    );
    this.retrieveDocumentSet = new RetrieveDocumentSet(access, registry, contents, repository);
    this.retrieveDocument = new RetrieveDocument(
      access,
      new InMemoryContentLocator(registry, this.accessState),
      contents,
      new AuditTrail(this.audits),
    );
    this.exportRecord = new ExportRecord(access, registry, contents);

    const [records, writer] = [this.records, this.accessState];
    this.openRecord = new OpenRecord(access, records, writer, this.invitations);
    this.findRecord = new FindRecord(access, records);
    this.readRecord = new ReadRecord(access, records);
    this.declareAuthorisation = new DeclareAuthorisation(access, writer);
    this.revokeAuthorisation = new RevokeAuthorisation(access, writer);
    this.declareMedecinTraitant = new DeclareMedecinTraitant(access, writer);
    this.removeMedecinTraitant = new RemoveMedecinTraitant(access, writer);
    this.setBlock = new SetBlock(access, writer);
    this.setEmergencyConsents = new SetEmergencyConsents(access, writer);
    const clock = { now: options.now ?? (() => new Date()) };
    this.closeRecord = new CloseRecord(access, records, clock);
    this.reopenRecord = new ReopenRecord(access, records, clock);
    this.requestDeletion = new RequestDeletion(access, records, clock);
    this.opposeRecord = new OpposeRecord(access, records, clock);
    this.operatorLifecycle = new OperatorLifecycle(records, records, this.audits, clock);
    this.readAccessHistory = new ReadAccessHistory(access, this.audits);
    this.setNotificationPreferences = new SetNotificationPreferences(access, records);
    this.setContactDetails = new SetContactDetails(access, records);
    this.readConsents = new ReadConsents(access, this.accessState);
    this.searchDirectory = new SearchDirectory(access, this.directory);
    this.searchStructures = new SearchStructures(access, this.directory);
  }

  /** Given: the patient has an open record (written to the store, no use case, no one authorised). */
  async givenRecord(patient: PatientId = aPatient()): Promise<PatientId> {
    await this.records.openIfAbsent({
      patientKey: patient.key,
      insValue: patient.value,
      insOid: patient.oid,
      status: 'open',
      openedAt: new Date(),
      openedBy: 'test',
    });
    return patient;
  }

  /** Given: the record took this lifecycle step at `at` (now by default). */
  async givenLifecycleStep(
    patient: PatientId,
    event: LifecycleEvent,
    at: Date = new Date(),
  ): Promise<void> {
    await this.records.transition(patient.key, (current) => nextLifecycle(current, event, at));
  }

  /** Given: the patient authorised this professional (state `valid`). */
  async givenAuthorisation(patient: PatientId, professional: Principal): Promise<void> {
    await this.accessState.declareAuthorisation({
      patientKey: patient.key,
      subjectId: professional.subjectId,
      subjectKind: 'PS',
      state: 'valid',
      expressConsent: false,
      declaredBy: 'test',
    });
  }

  /** Given: the patient blocked this professional, or this structure. */
  async givenBlock(
    patient: PatientId,
    subjectId: string,
    subjectKind: SubjectKind = 'PS',
  ): Promise<void> {
    await this.accessState.setBlocked({
      patientKey: patient.key,
      subjectId,
      subjectKind,
      blocked: true,
      declaredBy: 'test',
    });
  }

  /** Given: the professional is the patient's médecin traitant. */
  async givenMedecinTraitant(patient: PatientId, professional: Principal): Promise<void> {
    await this.accessState.declareMedecinTraitant(patient.key, professional.subjectId, 'test');
  }

  /** Given: the author provided one document (ITI-41, the real use case); its stored entry. */
  async givenDocument(
    author: Principal,
    patient: PatientId,
    options: DocumentDraftOptions = {},
  ): Promise<DocumentEntry> {
    const draft = submissionDraft(patient, [documentDraft(patient, options)]);
    const registered = succeeded(await this.provideAndRegisterDocumentSet.execute(author, draft));
    return registered.documents[0].entry;
  }
}

/** The value of a use case that must have succeeded. */
export function succeeded<Result>(outcome: Outcome<Result>): Result {
  if (!outcome.ok) {
    throw new Error(`The use case failed: ${String(outcome.error)}`, { cause: outcome.error });
  }
  return outcome.value;
}

/** The DomainError of a use case that must have failed with one. */
export function failed(outcome: Outcome<unknown>): DomainError {
  if (outcome.ok) throw new Error('The use case succeeded');
  if (!(outcome.error instanceof DomainError)) {
    throw new Error(`The use case failed with ${String(outcome.error)}`, { cause: outcome.error });
  }
  return outcome.error;
}
