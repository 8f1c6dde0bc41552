import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { AuditContext, AuditTrail, Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, Principal } from '@passerelle/domain';
import { DOCUMENT_LOCATOR, DocumentLocator, REGISTRY_READER, RegistryReader } from '../ports';
import type {
  StoredQuery,
  StoredQueryCommand,
  StoredQueryObjects,
  StoredQueryResult,
} from './stored-query';
import { StoredQueryRun, readsIdsOnly } from './stored-query-run';

const NOTHING: StoredQueryObjects = {
  documents: [],
  submissionSets: [],
  folders: [],
  associations: [],
};

/**
 * ITI-18 Registry Stored Query. A query naming its patient is decided for that patient (an
 * explicit refusal); a query naming objects by id is decided for the record they belong to, and
 * answers nothing — as for unknown ids — where the caller may not consult. Then everything is
 * read within that one record and what the caller may see; XDSTooManyResults past the cap.
 * FindDocuments as ObjectRefs is read with its audit (two round trips in all); the door audits
 * every other query.
 */
@Injectable()
export class RegistryStoredQuery implements UseCase<StoredQueryCommand, StoredQueryResult> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DOCUMENT_LOCATOR) private readonly locator: DocumentLocator,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
    private readonly auditTrail: AuditTrail,
  ) {}

  execute(actor: Principal, command: StoredQueryCommand): Promise<Outcome<StoredQueryResult>> {
    return audited({ transaction: 'ITI-18', action: 'document.consult' }, actor, async (audit) => {
      const { query, maxResults } = command;
      const access =
        'patientKey' in query
          ? await this.access.authorize(audit, actor, 'document.consult', query.patientKey)
          : await this.authorizeNamed(audit, actor, query);
      if (!access) return { ...NOTHING, returnType: query.returnType };
      audit.patientKey = access.patientKey;
      const run = new StoredQueryRun(this.reader, access.patientKey, access.visibility, maxResults);
      const auditedWithRead = readsIdsOnly(query);
      const result = await run.run(
        query,
        auditedWithRead ? this.auditTrail.entryOfSuccess(audit) : undefined,
      );
      assertWithinCap(result, maxResults);
      audit.documents = result.documents.map((entry) => entry.uniqueId);
      if (auditedWithRead) this.auditTrail.committed(audit);
      return result;
    });
  }

  /** The one record the named objects belong to, among those the caller may consult. */
  private async authorizeNamed(
    audit: AuditContext,
    actor: Principal,
    query: Extract<StoredQuery, { ids: unknown }>,
  ) {
    const { patientKeys } = await this.locator.locate(query.ids);
    const decisions = await Promise.all(
      (patientKeys.length ? patientKeys : [undefined]).map((patientKey) =>
        this.access.authorizeNamed(audit, actor, 'document.consult', patientKey),
      ),
    );
    const allowed = decisions.filter((access) => access !== undefined);
    if (allowed.length > 1) {
      throw new DomainError(
        'RESULT_NOT_SINGLE_PATIENT',
        'The requested objects belong to several patients',
      );
    }
    return allowed[0];
  }
}

function assertWithinCap(result: StoredQueryResult, maxResults: number): void {
  const count =
    result.documents.length +
    result.submissionSets.length +
    result.folders.length +
    result.associations.length;
  if (count > maxResults) {
    throw new DomainError(
      'TOO_MANY_RESULTS',
      `The query matches more than ${maxResults} objects: narrow it down`,
    );
  }
}
