import { Inject, Injectable } from '@nestjs/common';
import { Access, AccessControl } from '@passerelle/access-control';
import { AuditContext, AuditTrail } from '@passerelle/audit';
import { DomainError, Principal, submitterOf } from '@passerelle/domain';
import {
  BatchRegistration,
  BatchSubmission,
  SubmissionDraft,
  StagedBatch,
  SubmissionRegistrar,
  submissionPatientKey,
} from '@passerelle/registry';
import { CONTENT_STORE, ContentStore } from '../ports';
import { REPOSITORY_OPTIONS, RepositoryOptions } from '../repository-options';
import { receiveDocuments } from '../iti-41-provide-and-register/repository-part';

/** One document of an import file, as ITI-65 would receive it (one SubmissionSet each). */
export interface ImportLine {
  readonly line: number;
  readonly draft: SubmissionDraft;
}

export interface ImportBatch {
  readonly lines: readonly ImportLine[];
  /** Store nothing of the batch when one of its lines is refused. */
  readonly atomic: boolean;
  /** Whether lines of the same import were refused before reaching here (unreadable ones). */
  readonly refusedElsewhere?: boolean;
}

/** What became of a line: stored, already there with the same content, or refused. */
export type ImportedLine =
  | { readonly line: number; readonly status: 'imported' | 'unchanged' }
  | { readonly line: number; readonly status: 'not-stored' }
  | { readonly line: number; readonly status: 'refused'; readonly error: DomainError };

const LABEL = { transaction: 'BULK-IMPORT', action: 'document.provide' } as const;

/**
 * Bulk import: documents of an existing registry fed by one structure, each
 * accepted or refused as ITI-65 would — the same access decision, validation, value sets,
 * hash and size checks, stored bytes, audit record and new-document notification — but a
 * record's lines of a batch stored as one unit (one transaction), and an identical document
 * already registered left as it is.
 */
@Injectable()
export class BulkImport {
  constructor(
    private readonly access: AccessControl,
    private readonly registrar: SubmissionRegistrar,
    private readonly auditTrail: AuditTrail,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
    @Inject(REPOSITORY_OPTIONS) private readonly options: RepositoryOptions,
  ) {}

  async execute(actor: Principal, batch: ImportBatch): Promise<ImportedLine[]> {
    const { decided, unplaced } = await this.decide(actor, batch.lines);
    const results = new Map<number, ImportedLine>();
    for (const { line, error } of unplaced) {
      const audit = new AuditContext(LABEL.transaction, LABEL.action, actor);
      results.set(line.line, await this.refused(line, audit, error));
    }
    // Records are units of their own, staged together, then committed.
    const pending = await this.stageRecords(actor, decided, results);
    const refused =
      batch.refusedElsewhere === true ||
      [...results.values()].some((result) => result.status === 'refused');
    if (batch.atomic && refused) {
      for (const { lines } of pending) {
        for (const { line } of lines) {
          if (results.get(line)?.status === 'imported') {
            results.set(line, { line, status: 'not-stored' });
          }
        }
      }
    } else {
      await this.registrar.commitTogether(pending.map(({ staged }) => staged));
    }
    return batch.lines.map(({ line }) => results.get(line)!);
  }

  /** Each record's lines of the batch: received, validated and staged, ready to commit. */
  private async stageRecords(
    actor: Principal,
    decided: ReadonlyMap<string, Decided>,
    results: Map<number, ImportedLine>,
  ): Promise<{ lines: ImportLine[]; staged: StagedBatch }[]> {
    const records: {
      patientKey: string;
      accepted: { line: ImportLine; submission: BatchSubmission }[];
    }[] = [];
    for (const [patientKey, { decision, lines }] of decided) {
      const accepted: { line: ImportLine; submission: BatchSubmission }[] = [];
      for (const line of lines) {
        const audit = decidedAs(decision.audit, actor);
        try {
          if (!decision.access) throw decision.error;
          accepted.push({ line, submission: this.received(audit, decision.access, line) });
        } catch (error) {
          results.set(line.line, await this.refused(line, audit, error));
        }
      }
      if (accepted.length > 0) records.push({ patientKey, accepted });
    }
    if (records.length === 0) return [];
    const staged = await this.registrar.stageBatches(
      records.map(({ patientKey, accepted }) => ({
        patientKey,
        items: accepted.map((a) => a.submission),
      })),
      submitterOf(actor),
    );
    const pending: { lines: ImportLine[]; staged: StagedBatch }[] = [];
    for (const [index, { accepted }] of records.entries()) {
      for (const [position, { line, submission }] of accepted.entries()) {
        const outcome = staged[index].results[position];
        results.set(line.line, await this.lineOutcome(line, submission.audit, outcome));
      }
      pending.push({ lines: accepted.map((a) => a.line), staged: staged[index] });
    }
    return pending;
  }

  /**
   * The access decision for each patient of the batch: the structure's, made once a record (the
   * records' states read in one query). A
   * line that names no patient is refused by its validation, as ITI-65 would refuse it.
   */
  private async decide(
    actor: Principal,
    lines: readonly ImportLine[],
  ): Promise<{
    decided: Map<string, Decided>;
    unplaced: { line: ImportLine; error: unknown }[];
  }> {
    const byPatient = new Map<string, ImportLine[]>();
    const unplaced: { line: ImportLine; error: unknown }[] = [];
    for (const line of lines) {
      try {
        const key = submissionPatientKey(line.draft);
        const patientLines = byPatient.get(key);
        if (patientLines) patientLines.push(line);
        else byPatient.set(key, [line]);
      } catch (error) {
        unplaced.push({ line, error });
      }
    }
    // The records' access states are read together; each decision is still its own.
    const records = [...byPatient].map(([patientKey, patientLines]) => ({
      patientKey,
      patientLines,
      audit: new AuditContext(LABEL.transaction, LABEL.action, actor),
    }));
    const outcomes = await this.access.authorizeEach(actor, 'document.provide', records);
    const decisions = records.map(
      ({ patientKey, patientLines, audit }, index): [string, Decided] => [
        patientKey,
        { decision: { audit, ...outcomes[index] }, lines: patientLines },
      ],
    );
    return { decided: new Map(decisions), unplaced };
  }

  /** The line's bytes received as ITI-65 receives them: digested, supplied hash and size checked. */
  private received(audit: AuditContext, access: Access, line: ImportLine): BatchSubmission {
    this.access.assertPatientAuthorship(audit, access, line.draft.documents);
    const received = receiveDocuments(line.draft, this.options.repositoryUniqueId, (draft) =>
      this.registrar.problemsOf(draft, { registerOnly: false }),
    );
    return {
      draft: received.draft,
      audit,
      repository: {
        contents: received.contents,
        stage: (unit, added) => added.forEach((content) => this.content.put(unit, content)),
      },
    };
  }

  private async lineOutcome(
    line: ImportLine,
    audit: AuditContext,
    registration: BatchRegistration,
  ): Promise<ImportedLine> {
    switch (registration.status) {
      case 'registered':
        return { line: line.line, status: 'imported' };
      case 'unchanged':
        return { line: line.line, status: 'unchanged' };
      case 'refused':
        return this.refused(line, audit, registration.error);
    }
  }

  /** A refused line is audited as ITI-65 audits a refused submission, with its status. */
  private async refused(
    line: ImportLine,
    audit: AuditContext,
    error: unknown,
  ): Promise<ImportedLine> {
    const refusal = error instanceof DomainError ? error : undefined;
    if (!refusal) throw error;
    if (audit.patientKey) await this.auditTrail.complete(audit, refusal.catalogue.httpStatus);
    return { line: line.line, status: 'refused', error: refusal };
  }
}

type Decision =
  | { readonly audit: AuditContext; readonly access: Access; readonly error?: undefined }
  | { readonly audit: AuditContext; readonly access?: undefined; readonly error: unknown };

interface Decided {
  readonly decision: Decision;
  readonly lines: ImportLine[];
}

/** A line's own audit facts, with the decision made for its patient. */
function decidedAs(decided: AuditContext, actor: Principal): AuditContext {
  const audit = new AuditContext(LABEL.transaction, LABEL.action, actor);
  audit.patientKey = decided.patientKey;
  audit.outcome = decided.outcome;
  audit.emergency = decided.emergency;
  audit.reason = decided.reason;
  return audit;
}
