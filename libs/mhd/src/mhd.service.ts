import { Inject, Injectable } from '@nestjs/common';
import {
  ACCESS_STATE_STORE,
  AccessControl,
  AccessStateStore,
  Grant,
} from '@passerelle/access-control';
import type { Bundle, BundleEntry, DocumentReference, FhirResource, List, Patient } from 'fhir/r4';
import {
  DocumentContent,
  DocumentEntry,
  DomainError,
  PatientId,
  PatientRecord,
  principalLabel,
  stripUrnUuid,
  submitterOf,
} from '@passerelle/domain';
import { ProvideAndRegisterDocumentSet, RetrieveDocument } from '@passerelle/document-repository';
import {
  DocumentQueries,
  ListMember,
  PatientRecords,
  RegisteredSubmission,
  UpdateDocumentMetadata,
} from '@passerelle/registry';
import { uniqueIdFromUri } from './code-systems';
import { documentReferenceFrom } from './document-reference';
import { RequestScope } from './request-scope';
import { listFromFolder, listFromSubmissionSet } from './list';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { metadataChangeFrom } from './metadata-patch';
import { patientIdFromResourceId, patientIdFromToken } from './patient-reference';
import { patientResourceFrom } from './patient-resource';
import { ProvidedEntry, provideRequestFrom } from './provide-bundle';
import { QueryParameters, documentQueryFrom, listQueryFrom, tokenValue } from './search-parameters';

/** The MHD Document Recipient and Responder: FHIR in, domain use cases, FHIR out. */
@Injectable()
export class MhdService {
  constructor(
    @Inject(MHD_OPTIONS) private readonly options: MhdOptions,
    private readonly provide: ProvideAndRegisterDocumentSet,
    private readonly retrieve: RetrieveDocument,
    private readonly queries: DocumentQueries,
    private readonly records: PatientRecords,
    private readonly updates: UpdateDocumentMetadata,
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_STORE) private readonly accessState: AccessStateStore,
  ) {}

  /** ITI-65 Provide Document Bundle. */
  async provideBundle(body: unknown, baseUrl: string, scope: RequestScope): Promise<Bundle> {
    scope.audit.begin('ITI-65', 'document.provide');
    const request = provideRequestFrom(body);
    const patientId = request.draft.submissionSet.patientId;
    if (patientId) {
      await this.access.authorize(scope.audit, scope.principal, patientId.key, 'document.provide');
    }
    const result = await this.provide.execute(
      request.draft,
      this.options.repositoryUniqueId,
      submitterOf(scope.principal),
    );
    const added = result.documents.filter((d) => !d.alreadyRegistered).map((d) => d.entry);
    scope.audit.documents = result.documents.map((d) => d.entry.uniqueId);
    if (added.length > 0) {
      scope.audit.notify('new-document', {
        documents: added.map((entry) => ({ uniqueId: entry.uniqueId, title: entry.title })),
      });
    }
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: request.entries.map((entry) => responseEntry(entry, result, baseUrl)),
    };
  }

  /** ITI-67 Find Document References. */
  async findDocumentReferences(
    params: QueryParameters,
    baseUrl: string,
    scope: RequestScope,
  ): Promise<Bundle> {
    scope.audit.begin('ITI-67', 'document.consult');
    const query = documentQueryFrom(params, this.options.maxPageSize);
    const grant = await this.consult(scope, query.patientKey);
    const page = await this.queries.findDocuments({
      ...query,
      visibility: this.access.visibility(grant),
    });
    scope.audit.documents = page.items.map((entry) => entry.uniqueId);
    const resources = page.items.map((entry) => documentReferenceFrom(entry, baseUrl));
    return searchSet(resources, page.total, query, params, `${baseUrl}/DocumentReference`);
  }

  async readDocumentReference(
    id: string,
    baseUrl: string,
    scope: RequestScope,
  ): Promise<DocumentReference> {
    scope.audit.begin('ITI-67', 'document.consult');
    const entry = await this.visibleDocument(scope, await this.documentById(id));
    return documentReferenceFrom(entry, baseUrl);
  }

  /** ITI-66 Find Document Lists. */
  async findLists(params: QueryParameters, baseUrl: string, scope: RequestScope): Promise<Bundle> {
    scope.audit.begin('ITI-66', 'document.consult');
    const { kinds, query } = listQueryFrom(params, this.options.maxPageSize);
    const grant = await this.consult(scope, query.patientKey);
    const sets = kinds.includes('submissionset')
      ? await this.queries.findSubmissionSets(query)
      : { items: [], total: 0 };
    const folders = kinds.includes('folder')
      ? await this.queries.findFolders(query.patientKey, query.limit, query.offset)
      : { items: [], total: 0 };
    const members = await this.queries.membersOf(query.patientKey, [
      ...sets.items.map((s) => s.entryUuid),
      ...folders.items.map((f) => f.entryUuid),
    ]);
    const visible = await this.visibleMembers(
      grant,
      query.patientKey,
      [...members.values()].flat(),
    );
    const lists: List[] = [
      ...sets.items.map((s) => listFromSubmissionSet(s, visible(members.get(s.entryUuid)))),
      ...folders.items.map((f) => listFromFolder(f, visible(members.get(f.entryUuid)))),
    ];
    return searchSet(lists, sets.total + folders.total, query, params, `${baseUrl}/List`);
  }

  /** ITI-68 Retrieve Document: the bytes as provided, if the caller may see the document. */
  async retrieveBinary(id: string, scope: RequestScope): Promise<DocumentContent> {
    scope.audit.begin('ITI-68', 'document.consult');
    const content = await this.retrieve.byContentId(id);
    const entry = await this.queries.findDocumentByContent(content.patientKey, id);
    if (!entry) throw new DomainError('DOCUMENT_NOT_FOUND', 'No such document');
    await this.visibleDocument(scope, entry);
    return content;
  }

  /** Conditional (by identifier) or direct metadata update through JSON Patch. */
  async patchDocumentReference(
    target: { id?: string; identifier?: string },
    patch: unknown,
    baseUrl: string,
    scope: RequestScope,
  ): Promise<DocumentReference> {
    scope.audit.begin('metadata-update', 'document.update');
    const current = target.id
      ? await this.documentById(target.id)
      : await this.documentByIdentifier(target.identifier);
    const change = metadataChangeFrom(documentReferenceFrom(current, baseUrl), patch);
    const action = change.status === 'Deleted' ? 'document.delete' : 'document.update';
    const grant = await this.access.authorize(
      scope.audit,
      scope.principal,
      current.patientKey,
      action,
    );
    this.hideUnlessVisible(scope, grant, current);
    this.access.assertMayChange(scope.audit, grant, current);
    scope.audit.documents = [current.uniqueId];
    const updated = await this.updates.execute(current, change);
    return documentReferenceFrom(updated, baseUrl);
  }

  /** Opens the patient's record; `If-None-Exist` makes it conditional (an existing one is kept). */
  async openRecord(
    body: unknown,
    ifNoneExist: string | undefined,
    scope: RequestScope,
  ): Promise<{ patient: Patient; created: boolean }> {
    scope.audit.begin('record-open', 'record.manage');
    const patient = asPatient(body);
    const patientId = insOf(patient);
    const { principal } = scope;
    await this.access.authorize(scope.audit, principal, patientId.key, 'record.manage');
    if (ifNoneExist !== undefined) checkIfNoneExist(ifNoneExist, patientId);
    const existing = await this.records.find(patientId);
    if (existing && ifNoneExist === undefined) {
      throw new DomainError('DUPLICATE_UNIQUE_ID', `A record already exists for ${patientId.key}`);
    }
    const { record, created } = await this.records.open(patientId, principal, {
      family: patient.name?.[0]?.family,
      given: patient.name?.[0]?.given?.join(' '),
      birthDate: patient.birthDate,
      gender: patient.gender,
      email: patient.telecom?.find((telecom) => telecom.system === 'email')?.value,
    });
    if (created && principal.kind === 'PS') {
      await this.accessState.declareAuthorisation({
        patientKey: record.patientKey,
        subjectId: principal.subjectId,
        state: 'valid',
        expressConsent: false,
        declaredBy: principalLabel(principal),
      });
    }
    return { patient: patientResourceFrom(record), created };
  }

  async searchRecords(params: QueryParameters, scope: RequestScope): Promise<Bundle> {
    scope.audit.begin('record-status', 'record.status');
    const identifier = params.identifier;
    const id = params._id;
    let patientId: PatientId;
    if (typeof identifier === 'string') patientId = patientIdFromToken(identifier);
    else if (typeof id === 'string') patientId = patientIdFromResourceId(id);
    else {
      throw new DomainError('METADATA_MISSING', 'Search Patient by identifier=<system>|<value>');
    }
    const record = await this.records.find(patientId);
    if (record) {
      await this.access.authorize(scope.audit, scope.principal, record.patientKey, 'record.status');
    }
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: record ? 1 : 0,
      entry: record ? [{ resource: patientResourceFrom(record), search: { mode: 'match' } }] : [],
    };
  }

  async readRecord(id: string, scope: RequestScope): Promise<Patient> {
    scope.audit.begin('record-status', 'record.status');
    const record: PatientRecord | undefined = await this.records.find(patientIdFromResourceId(id));
    if (!record) throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Patient/${id}`);
    await this.access.authorize(scope.audit, scope.principal, record.patientKey, 'record.status');
    return patientResourceFrom(record);
  }

  /** Patient-level consult decision (explicit denial) for a search or a read. */
  private consult(scope: RequestScope, patientKey: string): Promise<Grant> {
    return this.access.authorize(scope.audit, scope.principal, patientKey, 'document.consult');
  }

  /** A document the caller may not see is reported exactly like one that does not exist. */
  private async visibleDocument(scope: RequestScope, entry: DocumentEntry): Promise<DocumentEntry> {
    const grant = await this.consult(scope, entry.patientKey);
    this.hideUnlessVisible(scope, grant, entry);
    scope.audit.documents = [entry.uniqueId];
    return entry;
  }

  private hideUnlessVisible(scope: RequestScope, grant: Grant, entry: DocumentEntry): void {
    if (!this.access.canSee(grant, entry)) {
      scope.audit.denied('DOCUMENT_HIDDEN');
      throw new DomainError('DOCUMENT_NOT_FOUND', 'No such document');
    }
  }

  /** Keeps, of lists' members, the documents the caller may see (and every folder). */
  private async visibleMembers(grant: Grant, patientKey: string, members: readonly ListMember[]) {
    const documentIds = members.filter((m) => m.kind === 'document').map((m) => m.id);
    const page = documentIds.length
      ? await this.queries.findDocuments({
          patientKey,
          logicalIds: documentIds,
          visibility: this.access.visibility(grant),
          limit: documentIds.length,
          offset: 0,
        })
      : { items: [] };
    const visible = new Set(page.items.map((entry) => entry.logicalId));
    return (listMembers: readonly ListMember[] | undefined) =>
      (listMembers ?? []).filter((m) => m.kind === 'folder' || visible.has(m.id));
  }

  private async documentById(id: string): Promise<DocumentEntry> {
    const entry = await this.queries.findDocument(`urn:uuid:${id}`);
    if (!entry) throw new DomainError('RESOURCE_NOT_FOUND', `Unknown DocumentReference/${id}`);
    return entry;
  }

  private async documentByIdentifier(identifier: string | undefined): Promise<DocumentEntry> {
    if (!identifier) {
      throw new DomainError('METADATA_MISSING', 'A conditional PATCH needs ?identifier=<value>');
    }
    const value = tokenValue(identifier);
    const byEntryUuid = value.startsWith('urn:uuid:')
      ? await this.queries.findDocument(value)
      : undefined;
    if (byEntryUuid) return byEntryUuid;
    const located = await this.queries.findDocumentByUniqueId(uniqueIdFromUri(value));
    if (!located)
      throw new DomainError('RESOURCE_NOT_FOUND', `No DocumentReference with identifier ${value}`);
    return located;
  }
}

function responseEntry(
  entry: ProvidedEntry,
  result: RegisteredSubmission,
  baseUrl: string,
): BundleEntry {
  const created = (location: string) => ({ response: { status: '201 Created', location } });
  switch (entry.kind) {
    case 'submissionset':
      return created(`List/${stripUrnUuid(result.submissionSet.entryUuid)}`);
    case 'folder': {
      const folder = result.folders.find((f) => f.ref === entry.ref)!.folder;
      return created(`List/${stripUrnUuid(folder.entryUuid)}`);
    }
    case 'document': {
      const document = result.documents.find((d) => d.ref === entry.ref)!;
      return document.alreadyRegistered
        ? {
            response: {
              status: '200 OK',
              location: `DocumentReference/${stripUrnUuid(document.entry.logicalId)}`,
            },
          }
        : created(`DocumentReference/${stripUrnUuid(document.entry.logicalId)}`);
    }
    case 'binary': {
      const document = result.documents.find((d) => d.ref === entry.documentRef)!;
      return created(`Binary/${document.entry.contentId}`);
    }
    case 'supersede':
      return {
        response: {
          status: '200 OK',
          location: `DocumentReference/${stripUrnUuid(entry.logicalId)}`,
        },
      };
  }
  return { response: { status: '200 OK', location: baseUrl } };
}

function searchSet(
  resources: FhirResource[],
  total: number,
  paging: { limit: number; offset: number },
  params: QueryParameters,
  selfUrl: string,
): Bundle {
  const link = (relation: string, offset: number) => ({
    relation,
    url: `${selfUrl}?${pageQuery(params, paging.limit, offset)}`,
  });
  const hasNext = paging.offset + paging.limit < total;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [
      link('self', paging.offset),
      ...(hasNext ? [link('next', paging.offset + paging.limit)] : []),
      ...(paging.offset > 0 ? [link('previous', Math.max(0, paging.offset - paging.limit))] : []),
    ],
    entry: resources.map((resource) => ({
      fullUrl: `${selfUrl.slice(0, selfUrl.lastIndexOf('/'))}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

function pageQuery(params: QueryParameters, count: number, offset: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (name === '_count' || name === '_offset' || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
  }
  query.set('_count', String(count));
  query.set('_offset', String(offset));
  return query.toString();
}

function asPatient(body: unknown): Patient {
  const resource = body as { resourceType?: unknown } | null;
  if (typeof resource !== 'object' || resource === null || resource.resourceType !== 'Patient') {
    throw new DomainError('INVALID_RESOURCE', 'Expected a Patient resource');
  }
  return resource as Patient;
}

/** The INS identifier of the Patient (the first whose system is an INS OID). */
function insOf(patient: Patient): PatientId {
  const identifiers = patient.identifier ?? [];
  const ins = identifiers.find((i) => i.system?.startsWith('urn:oid:1.2.250.1.213.1.4.'));
  if (!ins) {
    throw new DomainError(
      'METADATA_MISSING',
      'Patient.identifier needs the INS (urn:oid:1.2.250.1.213.1.4.x)',
      'Patient.identifier',
    );
  }
  return PatientId.fromFhirIdentifier(ins.system, ins.value);
}

function checkIfNoneExist(ifNoneExist: string, patientId: PatientId): void {
  const match = /^(?:Patient\?)?identifier=(.+)$/.exec(ifNoneExist.trim());
  if (!match || !patientIdFromToken(decodeURIComponent(match[1])).equals(patientId)) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      "If-None-Exist must be identifier=<system>|<value> of the Patient's INS",
    );
  }
}
