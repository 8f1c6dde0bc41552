import { Inject, Injectable } from '@nestjs/common';
import { AccessControl, Grant } from '@passerelle/access-control';
import type { AuditContext } from '@passerelle/audit';
import {
  DocumentEntry,
  DomainError,
  ErrorDetail,
  Principal,
  submitterOf,
} from '@passerelle/domain';
import { ProvideAndRegisterDocumentSet, RetrieveDocument } from '@passerelle/document-repository';
import {
  DocumentQueries,
  RegisterDocumentSet,
  RegisteredSubmission,
  StoredQueries,
  SubmissionDraft,
  UpdateDocumentMetadata,
} from '@passerelle/registry';
import { readSubmitObjectsRequest } from './ebrim/submit-objects-reader';
import {
  adhocQueryResponse,
  registryErrorsFrom,
  registryResponse,
} from './ebrim/registry-response';
import { queryResponseObjects } from './stored-query-response';
import { readAdhocQueryRequest } from './stored-query/adhoc-query-request';
import { DocumentRequest, readRetrieveRequest } from './retrieve/retrieve-request';
import { RetrievedDocument, retrieveResponse } from './retrieve/retrieve-response';
import type { MimePart } from './transport/mime';
import { documentBytes } from './transport/soap-request';
import type { SoapEnvelope } from './transport/soap-request';
import { planMetadataUpdates } from './update/metadata-update-plan';
import { NS, XmlElement, childOf, childrenOf, attributeOf } from './xml/xml-element';
import { XDS_OPTIONS, XdsOptions } from './xds-options';
import type { XdsTransaction } from './xds-transactions';

/** A SOAP request read and authenticated, ready for its transaction. */
export interface XdsRequest {
  readonly envelope: SoapEnvelope;
  readonly rootXml: Buffer;
  readonly attachments: ReadonlyMap<string, MimePart>;
  readonly mtom: boolean;
  readonly principal: Principal;
  readonly audit: AuditContext;
}

export interface TransactionResult {
  /** The response element (RegistryResponse, AdhocQueryResponse, RetrieveDocumentSetResponse). */
  readonly body: string;
  readonly attachments: readonly MimePart[];
  /** The HTTP status the outcome stands for in the audit trail (a Failure answers 200). */
  readonly auditStatus: number;
}

/** The five XDS transactions over the registry and repository use cases, access-controlled. */
@Injectable()
export class XdsTransactions {
  constructor(
    @Inject(XDS_OPTIONS) private readonly options: XdsOptions,
    private readonly provide: ProvideAndRegisterDocumentSet,
    private readonly register: RegisterDocumentSet,
    private readonly retrieve: RetrieveDocument,
    private readonly queries: DocumentQueries,
    private readonly storedQueries: StoredQueries,
    private readonly updates: UpdateDocumentMetadata,
    private readonly access: AccessControl,
  ) {}

  async run(transaction: XdsTransaction, request: XdsRequest): Promise<TransactionResult> {
    try {
      return await this.dispatch(transaction, request);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'UNAUTHENTICATED') throw error;
      return failure(transaction, error);
    }
  }

  private dispatch(transaction: XdsTransaction, request: XdsRequest): Promise<TransactionResult> {
    switch (transaction.name) {
      case 'ITI-41':
        return this.provideAndRegister(request);
      case 'ITI-42':
        return this.registerDocumentSet(request);
      case 'ITI-18':
        return this.storedQuery(request);
      case 'ITI-43':
        return this.retrieveDocumentSet(request);
      case 'ITI-57':
        return this.updateDocumentSet(request);
    }
  }

  /** ITI-41: metadata and documents (MTOM parts or inline base64) stored together. */
  private async provideAndRegister(request: XdsRequest): Promise<TransactionResult> {
    request.audit.begin('ITI-41', 'document.provide');
    const body = bodyElement(request, NS.xdsb, 'ProvideAndRegisterDocumentSetRequest');
    const submitObjects = requiredChild(body, NS.lcm, 'SubmitObjectsRequest');
    const { draft } = readNewSubmission(submitObjects);
    const withContent = attachDocuments(draft, childrenOf(body, NS.xdsb, 'Document'), request);
    await this.authorizeProvide(request, withContent);
    const result = await this.provide.execute(
      withContent,
      this.options.repositoryUniqueId,
      submitterOf(request.principal),
    );
    return registered(request, result);
  }

  /** ITI-42: metadata of documents another repository holds. */
  private async registerDocumentSet(request: XdsRequest): Promise<TransactionResult> {
    request.audit.begin('ITI-42', 'document.provide');
    const { draft } = readNewSubmission(bodyElement(request, NS.lcm, 'SubmitObjectsRequest'));
    await this.authorizeProvide(request, draft);
    const result = await this.register.execute(draft, new Map(), submitterOf(request.principal));
    return registered(request, result);
  }

  private async authorizeProvide(request: XdsRequest, draft: SubmissionDraft): Promise<void> {
    const patientId = draft.submissionSet.patientId;
    if (!patientId) return;
    await this.access.authorize(
      request.audit,
      request.principal,
      patientId.key,
      'document.provide',
    );
  }

  /** ITI-18: the stored query runs in SQL, within what the caller may see. */
  private async storedQuery(request: XdsRequest): Promise<TransactionResult> {
    request.audit.begin('ITI-18', 'document.consult');
    const query = readAdhocQueryRequest(bodyElement(request, NS.query, 'AdhocQueryRequest'));
    const patientKey = await this.storedQueries.patientOf(query);
    if (!patientKey) {
      return { body: adhocQueryResponse('Success', [], []), attachments: [], auditStatus: 200 };
    }
    const grant = await this.consult(request, patientKey);
    const result = await this.storedQueries.run(query, patientKey, {
      visibility: this.access.visibility(grant),
      maxResults: this.options.maxQueryResults,
    });
    request.audit.documents = result.documents.map((entry) => entry.uniqueId);
    const objects = queryResponseObjects(query.returnType, result);
    return { body: adhocQueryResponse('Success', objects, []), attachments: [], auditStatus: 200 };
  }

  /** ITI-43: each document the caller may see, the others reported missing. */
  private async retrieveDocumentSet(request: XdsRequest): Promise<TransactionResult> {
    request.audit.begin('ITI-43', 'document.consult');
    const documentRequests = readRetrieveRequest(
      bodyElement(request, NS.xdsb, 'RetrieveDocumentSetRequest'),
    );
    const grants = new Map<string, Grant>();
    const retrieved: RetrievedDocument[] = [];
    const problems: ErrorDetail[] = [];
    for (const [index, documentRequest] of documentRequests.entries()) {
      try {
        retrieved.push(await this.retrieveOne(request, documentRequest, grants, index));
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'UNAUTHENTICATED') throw error;
        problems.push(
          ...error.details.map((detail) => ({
            ...detail,
            location: documentRequest.documentUniqueId,
          })),
        );
      }
    }
    request.audit.documents = retrieved.map((document) => document.documentUniqueId);
    return retrieveResponse(retrieved, problems);
  }

  private async retrieveOne(
    request: XdsRequest,
    documentRequest: DocumentRequest,
    grants: Map<string, Grant>,
    index: number,
  ): Promise<RetrievedDocument> {
    if (documentRequest.repositoryUniqueId !== this.options.repositoryUniqueId) {
      throw new DomainError(
        'UNKNOWN_REPOSITORY',
        `Repository ${documentRequest.repositoryUniqueId} is not this repository`,
      );
    }
    const entry = await this.queries.findDocumentByUniqueId(documentRequest.documentUniqueId);
    if (!entry?.contentId) throw missingDocument(documentRequest);
    let grant = grants.get(entry.patientKey);
    if (!grant) {
      grant = await this.consult(request, entry.patientKey);
      grants.set(entry.patientKey, grant);
    }
    if (!this.access.canSee(grant, entry)) {
      request.audit.denied('DOCUMENT_HIDDEN');
      throw missingDocument(documentRequest);
    }
    const content = await this.retrieve.byContentId(entry.contentId);
    return {
      repositoryUniqueId: documentRequest.repositoryUniqueId,
      documentUniqueId: entry.uniqueId,
      homeCommunityId: documentRequest.homeCommunityId,
      mimeType: entry.mimeType,
      contentId: `document-${index + 1}@passerelle`,
      bytes: content.bytes,
    };
  }

  /** ITI-57: new metadata versions and status changes, all applied or none. */
  private async updateDocumentSet(request: XdsRequest): Promise<TransactionResult> {
    request.audit.begin('ITI-57', 'document.update');
    const { draft, updates } = readSubmitObjectsRequest(
      bodyElement(request, NS.lcm, 'SubmitObjectsRequest'),
    );
    const plan = await planMetadataUpdates(draft.submissionSet.patientId, updates, {
      byLogicalId: (logicalId) => this.queries.findDocument(logicalId),
      byEntryUuid: (patientKey, entryUuid) =>
        this.queries.findLatestDocumentByEntryUuid(patientKey, entryUuid),
    });
    const action = plan.deletes ? 'document.delete' : 'document.update';
    const grant = await this.access.authorize(
      request.audit,
      request.principal,
      plan.patientKey,
      action,
    );
    for (const { current } of plan.changes) {
      if (!this.access.canSee(grant, current)) {
        request.audit.denied('DOCUMENT_HIDDEN');
        throw new DomainError('METADATA_VERSION_ERROR', `Unknown document ${current.logicalId}`);
      }
      this.access.assertMayChange(request.audit, grant, current);
    }
    request.audit.documents = plan.changes.map(({ current }) => current.uniqueId);
    await this.updates.executeAll(plan.patientKey, plan.changes);
    return { body: registryResponse('Success', []), attachments: [], auditStatus: 200 };
  }

  private consult(request: XdsRequest, patientKey: string): Promise<Grant> {
    return this.access.authorize(request.audit, request.principal, patientKey, 'document.consult');
  }
}

function readNewSubmission(submitObjects: XmlElement) {
  const submission = readSubmitObjectsRequest(submitObjects);
  if (submission.updates.length > 0) {
    throw new DomainError(
      'METADATA_INVALID',
      'Metadata updates (lid, PreviousVersion, UpdateAvailabilityStatus) belong to ITI-57 Update Document Set',
    );
  }
  return submission;
}

/** Gives each DocumentEntry its xdsb:Document bytes; a Document without an entry is refused. */
function attachDocuments(
  draft: SubmissionDraft,
  documents: readonly XmlElement[],
  request: XdsRequest,
): SubmissionDraft {
  const bytesById = new Map<string, Buffer>();
  const problems: ErrorDetail[] = [];
  for (const document of documents) {
    const id = attributeOf(document, 'id') ?? '';
    if (!draft.documents.some((entry) => entry.ref === id)) {
      problems.push({
        code: 'MISSING_DOCUMENT_METADATA',
        message: `Document ${id || '(without id)'} has no DocumentEntry (ExtrinsicObject) in the metadata`,
        location: id,
      });
      continue;
    }
    bytesById.set(id, documentBytes(document, request.attachments));
  }
  if (problems.length > 0) throw DomainError.of(problems);
  return {
    ...draft,
    documents: draft.documents.map((entry) => ({ ...entry, content: bytesById.get(entry.ref) })),
  };
}

function registered(request: XdsRequest, result: RegisteredSubmission): TransactionResult {
  const added = result.documents.filter((d) => !d.alreadyRegistered).map((d) => d.entry);
  request.audit.documents = result.documents.map((d) => d.entry.uniqueId);
  if (added.length > 0) {
    request.audit.notify('new-document', {
      documents: added.map((entry: DocumentEntry) => ({
        uniqueId: entry.uniqueId,
        title: entry.title,
      })),
    });
  }
  return { body: registryResponse('Success', []), attachments: [], auditStatus: 200 };
}

function failure(transaction: XdsTransaction, error: DomainError): TransactionResult {
  const errors = registryErrorsFrom(error);
  const auditStatus = error.catalogue.httpStatus;
  const body =
    transaction.name === 'ITI-18'
      ? adhocQueryResponse('Failure', [], errors)
      : transaction.name === 'ITI-43'
        ? retrieveResponse([], error.details).body
        : registryResponse('Failure', errors);
  return { body, attachments: [], auditStatus };
}

function missingDocument(request: DocumentRequest): DomainError {
  return new DomainError(
    'DOCUMENT_NOT_FOUND',
    `No document ${request.documentUniqueId} in repository ${request.repositoryUniqueId}`,
  );
}

function bodyElement(request: XdsRequest, ns: string, local: string): XmlElement {
  const body = request.envelope.body;
  if (body.ns !== ns || body.local !== local) {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `The SOAP Body must hold {${ns}}${local}, found {${body.ns}}${body.local}`,
    );
  }
  return body;
}

function requiredChild(element: XmlElement, ns: string, local: string): XmlElement {
  const child = childOf(element, ns, local);
  if (!child) throw new DomainError('MALFORMED_REQUEST', `${element.local} must hold ${local}`);
  return child;
}
