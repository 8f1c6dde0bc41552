import type { Principal } from '@passerelle/domain';
import { AuditContext } from './audit-context';

/**
 * What a use case did, as a value: its result or its failure, and always the audit facts it
 * recorded (who, which patient, which documents, the access decision, the notifications owed).
 * The door that called it only writes those facts and serialises the rest.
 */
export type Outcome<Result> =
  | { readonly ok: true; readonly value: Result; readonly audit: AuditContext }
  | { readonly ok: false; readonly error: unknown; readonly audit: AuditContext };

/** One transaction or management action: `execute` opens with the access decision. */
export interface UseCase<Command, Result> {
  execute(actor: Principal, command: Command): Promise<Outcome<Result>>;
}

/** How a use case is named in the audit trail: its transaction and the action it performs. */
export interface AuditLabel {
  readonly transaction: string;
  readonly action: string;
}

/** Runs a use case's body with fresh audit facts; whatever happens, the facts are returned. */
export async function audited<Result>(
  label: AuditLabel,
  actor: Principal,
  body: (audit: AuditContext) => Promise<Result>,
): Promise<Outcome<Result>> {
  const audit = new AuditContext(label.transaction, label.action, actor);
  try {
    return { ok: true, value: await body(audit), audit };
  } catch (error) {
    return { ok: false, error, audit };
  }
}
