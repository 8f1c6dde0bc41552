import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditContext, Outcome, UseCase, audited } from '@passerelle/audit';
import { DocumentEntry, DomainError, PatientId, Principal } from '@passerelle/domain';
import {
  UpdateDocumentMetadata,
  documentChangeOf,
} from '../metadata-update/update-document-metadata';
import { REGISTRY_READER, RegistryReader } from '../ports';
import type { UnsavedMetadata } from '../submission/submission-draft';
import {
  VALUE_SET_POLICY,
  ValueSetPolicy,
  acceptedOutsideValueSets,
  documentValueSetProblems,
} from '../submission/value-sets';
import { MetadataUpdate, planMetadataUpdates } from './metadata-update-plan';

export interface UpdateDocumentSetCommand {
  /** The SubmissionSet's patientId: the record every update must belong to. */
  readonly patientId?: PatientId;
  readonly updates: readonly MetadataUpdate[];
  readonly unsavedMetadata?: readonly UnsavedMetadata[];
}

/**
 * ITI-57 Update Document Set: new metadata versions and status changes in the patient's record,
 * all applied or none. A document the caller may not see is answered as an unknown one.
 */
@Injectable()
export class UpdateDocumentSet implements UseCase<UpdateDocumentSetCommand, DocumentEntry[]> {
  constructor(
    private readonly access: AccessControl,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
    private readonly updates: UpdateDocumentMetadata,
    @Inject(VALUE_SET_POLICY) private readonly valueSetPolicy: ValueSetPolicy,
  ) {}

  execute(actor: Principal, command: UpdateDocumentSetCommand): Promise<Outcome<DocumentEntry[]>> {
    return audited({ transaction: 'ITI-57', action: 'document.update' }, actor, async (audit) => {
      const patientKey = patientKeyOf(command);
      const access = await this.access.authorize(audit, actor, 'document.update', patientKey);
      this.checkValueSets(audit, command.updates);
      const plan = await planMetadataUpdates(command.updates, async (ids) => {
        const page = await this.reader.documents(patientKey, { ids }, access.visibility, ONE);
        return page.items[0];
      });
      for (const { current, change } of plan.changes) {
        this.access.assertMayChangeDocument(
          audit,
          access,
          current,
          documentChangeOf(current, change),
        );
      }
      return this.updates.apply(audit, patientKey, plan.changes);
    });
  }

  /** A new version's codes are drawn from the national value sets, as a registration's are. */
  private checkValueSets(audit: AuditContext, updates: readonly MetadataUpdate[]): void {
    const problems = updates.flatMap((update) =>
      update.kind === 'document' ? documentValueSetProblems(update.entry) : [],
    );
    if (problems.length === 0) return;
    if (this.valueSetPolicy === 'strict') throw DomainError.of(problems);
    audit.reason = acceptedOutsideValueSets(problems);
  }
}

const ONE = { limit: 1, offset: 0 };

function patientKeyOf(command: UpdateDocumentSetCommand): string {
  if (!command.patientId) {
    throw new DomainError('METADATA_MISSING', 'The SubmissionSet of the update needs a patientId');
  }
  return command.patientId.key;
}
