import type { Type } from '@nestjs/common';
import type { Outcome, UseCase, UseCaseResolver } from '@passerelle/audit';
import {
  ProvideAndRegisterDocumentSet,
  RetrieveDocumentSet,
} from '@passerelle/document-repository';
import { DomainError, ErrorDetail, Principal, excerpt } from '@passerelle/domain';
import {
  RegisterDocumentSet,
  RegistryStoredQuery,
  UnsavedMetadata,
  UpdateDocumentSet,
} from '@passerelle/registry';
import {
  adhocQueryResponse,
  adhocQueryResponseChunks,
  extraMetadataWarnings,
  registryErrorsFrom,
  registryResponse,
  registryWarningsFrom,
} from './ebrim/registry-response';
import { readProvideAndRegisterRequest } from './iti-41-provide-and-register/provide-and-register-request';
import { readRegisterRequest } from './iti-42-register-document-set/register-request';
import { readAdhocQueryRequest } from './iti-18-registry-stored-query/adhoc-query-request';
import { queryResponseObjects } from './iti-18-registry-stored-query/stored-query-response';
import { readRetrieveRequest } from './iti-43-retrieve-document-set/retrieve-request';
import { retrieveResponse } from './iti-43-retrieve-document-set/retrieve-response';
import { readUpdateRequest } from './iti-57-update-document-set/update-request';
import type { MimePart } from './transport/mime';
import type { XmlChunks } from './transport/soap-response';
import { SoapRequest, bodyElement } from './transport/soap-request-body';
import { SoapFaultError } from './transport/transport-errors';
import { NS } from './xml/xml-element';
import type { XdsOptions } from './xds-options';

export type XdsEndpoint = 'registry' | 'repository';

export type XdsTransactionName = 'ITI-41' | 'ITI-42' | 'ITI-18' | 'ITI-43' | 'ITI-57';

/** What a transaction answers in the SOAP Body, and the HTTP status it stands for in the audit. */
export interface TransactionResult {
  /** Whole, or (an ITI-18 answer) chunks written to the socket as they are serialised. */
  readonly body: string | XmlChunks;
  readonly attachments: readonly MimePart[];
  /** The HTTP status the outcome stands for in the audit trail (a Failure answers 200). */
  readonly auditStatus: number;
}

/**
 * One row of the door's table: the WS-Addressing action on its endpoint, the use case it runs,
 * how the SOAP body becomes the use case's command, and how the result and failures are written.
 */
interface TransactionRow<Command, Result> {
  readonly name: XdsTransactionName;
  readonly endpoint: XdsEndpoint;
  readonly action: string;
  readonly useCase: Type<UseCase<Command, Result>>;
  readonly read: (request: SoapRequest, options: XdsOptions) => Command;
  readonly write: (result: Result, command: Command) => TransactionResult;
  readonly failure?: (error: DomainError) => TransactionResult;
}

export interface XdsTransaction {
  readonly name: XdsTransactionName;
  readonly endpoint: XdsEndpoint;
  readonly action: string;
  readonly responseAction: string;
  /** Reads the command (a malformed body throws), runs the use case, writes its result. */
  handle(
    useCases: UseCaseResolver,
    actor: Principal,
    request: SoapRequest,
    options: XdsOptions,
  ): Promise<Outcome<TransactionResult>>;
  failure(error: DomainError): TransactionResult;
}

const success = (body: string | XmlChunks): TransactionResult => ({
  body,
  attachments: [],
  auditStatus: 200,
});

/**
 * A submission's Success, with a warning for each piece of extra metadata not kept and for each
 * code accepted outside its national value set.
 */
const savedAnswer = (
  result: { readonly warnings?: readonly ErrorDetail[] },
  command: { readonly unsavedMetadata?: readonly UnsavedMetadata[] },
): TransactionResult =>
  success(
    registryResponse('Success', [
      ...extraMetadataWarnings(command.unsavedMetadata),
      ...registryWarningsFrom(result.warnings),
    ]),
  );

const registryFailure = (error: DomainError): TransactionResult => ({
  body: registryResponse('Failure', registryErrorsFrom(error)),
  attachments: [],
  auditStatus: error.catalogue.httpStatus,
});

function transaction<Command, Result>(row: TransactionRow<Command, Result>): XdsTransaction {
  return {
    name: row.name,
    endpoint: row.endpoint,
    action: row.action,
    responseAction: `${row.action}Response`,
    failure: row.failure ?? registryFailure,
    async handle(useCases, actor, request, options) {
      const command = row.read(request, options);
      const outcome = await useCases(row.useCase).execute(actor, command);
      return outcome.ok ? { ...outcome, value: row.write(outcome.value, command) } : outcome;
    },
  };
}

/** The XDS.b door's transactions (DESIGN §2 Endpoints): dispatch, reading and writing. */
export const XDS_TRANSACTIONS: readonly XdsTransaction[] = [
  transaction({
    name: 'ITI-41',
    endpoint: 'repository',
    action: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b',
    useCase: ProvideAndRegisterDocumentSet,
    read: readProvideAndRegisterRequest,
    write: savedAnswer,
  }),
  transaction({
    name: 'ITI-43',
    endpoint: 'repository',
    action: 'urn:ihe:iti:2007:RetrieveDocumentSet',
    useCase: RetrieveDocumentSet,
    read: (request) =>
      readRetrieveRequest(bodyElement(request, NS.xdsb, 'RetrieveDocumentSetRequest')),
    write: retrieveResponse,
    failure: (error) => retrieveResponse({ documents: [], problems: error.details }),
  }),
  transaction({
    name: 'ITI-42',
    endpoint: 'registry',
    action: 'urn:ihe:iti:2007:RegisterDocumentSet-b',
    useCase: RegisterDocumentSet,
    read: readRegisterRequest,
    write: savedAnswer,
  }),
  transaction({
    name: 'ITI-18',
    endpoint: 'registry',
    action: 'urn:ihe:iti:2007:RegistryStoredQuery',
    useCase: RegistryStoredQuery,
    read: (request, options) => ({
      query: readAdhocQueryRequest(bodyElement(request, NS.query, 'AdhocQueryRequest')),
      maxResults: options.maxQueryResults,
    }),
    // Everything is read before the answer starts; only its serialisation is streamed.
    write: (result) => success(adhocQueryResponseChunks('Success', queryResponseObjects(result))),
    failure: (error) => ({
      body: adhocQueryResponse('Failure', [], registryErrorsFrom(error)),
      attachments: [],
      auditStatus: error.catalogue.httpStatus,
    }),
  }),
  transaction({
    name: 'ITI-57',
    endpoint: 'registry',
    action: 'urn:ihe:iti:2010:UpdateDocumentSet',
    useCase: UpdateDocumentSet,
    read: readUpdateRequest,
    write: (_updated, command) => savedAnswer({}, command),
  }),
];

/** The transaction a wsa:Action names on this endpoint, or the WS-Addressing fault. */
export function transactionFor(endpoint: XdsEndpoint, action: string): XdsTransaction {
  const served = XDS_TRANSACTIONS.filter((candidate) => candidate.endpoint === endpoint);
  const found = served.find((candidate) => candidate.action === action);
  if (!found) {
    throw new SoapFaultError({
      code: 'Sender',
      subcode: { ns: 'http://www.w3.org/2005/08/addressing', local: 'ActionNotSupported' },
      reason: `The action ${excerpt(action)} is not served by /xds/${endpoint} (it serves ${served
        .map((t) => t.action)
        .join(', ')})`,
    });
  }
  return found;
}
