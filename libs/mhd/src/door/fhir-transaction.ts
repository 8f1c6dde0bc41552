import type { Type } from '@nestjs/common';
import type { Outcome, UseCase, UseCaseResolver } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import type { IncomingHttpHeaders } from 'node:http';
import type { MhdOptions } from '../mhd-options';
import type { QueryParameters } from '../resources/search-parameters';

/** What a transaction reads of an HTTP request under /fhir. */
export interface FhirRequestParts {
  /** Path parameters of the transaction's route (`:id`…). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryParameters;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** The FHIR base URL, for references and links in the answer. */
  readonly baseUrl: string;
}

/** An answer, as a value: the door's interceptor sends it. */
export interface FhirReply {
  readonly status: number;
  /** A FHIR resource (sent as JSON), or bytes (ITI-68), or a stream of bytes (`$archive`). */
  readonly body: unknown;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type SearchParameterType = 'token' | 'date' | 'string' | 'reference';

export interface SearchParameter {
  readonly name: string;
  readonly type: SearchParameterType;
}

/** What the CapabilityStatement says of a transaction. */
export type Capability =
  | { readonly system: 'transaction' }
  | {
      readonly resource: string;
      readonly interaction: 'read' | 'search-type' | 'patch' | 'create' | 'delete';
      readonly profile?: string;
      /** A profile this interaction takes besides the resource's own (`create`: ITI-105). */
      readonly supportedProfile?: string;
      readonly conditional?: boolean;
      /** The `_include` values a search takes (others are refused). */
      readonly searchInclude?: readonly string[];
    }
  | {
      readonly resource: string;
      readonly operation: string;
      /** The OperationDefinition when it is a standard one (`$everything`); ours otherwise. */
      readonly definition?: string;
    };

/** A row of the door's table, as the pipeline runs it. */
export interface FhirTransaction {
  /** The transaction's name in the audit trail when it fails before its use case runs. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Route under /fhir: `''` (the base), `DocumentReference/:id`… */
  readonly path: string;
  readonly capability: Capability;
  /** The accepted search parameters (others are refused); absent: no search. */
  readonly searchParameters?: readonly SearchParameter[];
  /** Reads the command (a malformed request throws), runs the use case, writes the answer. */
  handle(
    useCases: UseCaseResolver,
    actor: Principal,
    request: FhirRequestParts,
    options: MhdOptions,
  ): Promise<Outcome<FhirReply>>;
}

interface TransactionRow<Parsed, Command, Result> {
  readonly name: string;
  readonly method: FhirTransaction['method'];
  readonly path: string;
  readonly capability: Capability;
  readonly searchParameters?: readonly SearchParameter[];
  readonly useCase: Type<UseCase<Command, Result>>;
  read(request: FhirRequestParts, options: MhdOptions): Parsed;
  /** The use case's command from what was read (what was read, by default). */
  command?(parsed: Parsed, request: FhirRequestParts): Command;
  write(result: Result, parsed: Parsed, request: FhirRequestParts): FhirReply;
}

/** Builds a row: read the request, run the use case, write its result. */
export function fhirTransaction<Parsed, Command = Parsed, Result = unknown>(
  row: TransactionRow<Parsed, Command, Result>,
): FhirTransaction {
  return {
    name: row.name,
    method: row.method,
    path: row.path,
    capability: row.capability,
    searchParameters: row.searchParameters,
    async handle(useCases, actor, request, options) {
      const parsed = row.read(request, options);
      const command = row.command ? row.command(parsed, request) : (parsed as unknown as Command);
      const outcome = await useCases(row.useCase).execute(actor, command);
      return outcome.ok
        ? { ...outcome, value: row.write(outcome.value, parsed, request) }
        : outcome;
    },
  };
}

export const ok = (body: unknown): FhirReply => ({ status: 200, body });
