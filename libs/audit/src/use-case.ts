import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
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

/** How a door finds the instance of a use case its table names. */
export type UseCaseResolver = <Command, Result>(
  type: Type<UseCase<Command, Result>>,
) => UseCase<Command, Result>;

/** Resolves use cases from Nest's container once each, then from a map (doors' hot path). */
export function useCaseResolver(moduleRef: ModuleRef): UseCaseResolver {
  const resolved = new Map<Type<unknown>, unknown>();
  return <Command, Result>(type: Type<UseCase<Command, Result>>): UseCase<Command, Result> => {
    const known = resolved.get(type) as UseCase<Command, Result> | undefined;
    if (known) return known;
    const useCase = moduleRef.get(type, { strict: false });
    resolved.set(type, useCase);
    return useCase;
  };
}
