import { Inject, Injectable } from '@nestjs/common';
import type { Bundle, BundleEntry, DocumentReference, FhirResource, List, Patient } from 'fhir/r4';
import {
  DocumentContent,
  DocumentEntry,
  DomainError,
  PatientId,
  PatientRecord,
  Principal,
  stripUrnUuid,
} from '@passerelle/domain';
import { ProvideAndRegisterDocumentSet, RetrieveDocument } from '@passerelle/document-repository';
import {
  DocumentQueries,
  PatientRecords,
  RegisteredSubmission,
  UpdateDocumentMetadata,
} from '@passerelle/registry';
import { uniqueIdFromUri } from './code-systems';
import { documentReferenceFrom } from './document-reference';
import { listFromFolder, listFromSubmissionSet } from './list';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { metadataChangeFrom } from './metadata-patch';
import { patientIdFromResourceId, patientIdFromToken } from './patient-reference';
import { patientResourceFrom } from './patient-resource';
import { ProvidedEntry, provideRequestFrom } from './provide-bundle';
import { QueryParameters, documentQueryFrom, listQueryFrom } from './search-parameters';

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
  ) {}

  /** ITI-65 Provide Document Bundle. */
  async provideBundle(body: unknown, baseUrl: string): Promise<Bundle> {
    const request = provideRequestFrom(body);
    const result = await this.provide.execute(request.draft, this.options.repositoryUniqueId);
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: request.entries.map((entry) => responseEntry(entry, result, baseUrl)),
    };
  }

  /** ITI-67 Find Document References. */
  async findDocumentReferences(params: QueryParameters, baseUrl: string): Promise<Bundle> {
    const query = documentQueryFrom(params, this.options.maxPageSize);
    const page = await this.queries.findDocuments(query);
    const resources = page.items.map((entry) => documentReferenceFrom(entry, baseUrl));
    return searchSet(resources, page.total, query, params, `${baseUrl}/DocumentReference`);
  }

  async readDocumentReference(id: string, baseUrl: string): Promise<DocumentReference> {
    return documentReferenceFrom(await this.documentById(id), baseUrl);
  }

  /** ITI-66 Find Document Lists. */
  async findLists(params: QueryParameters, baseUrl: string): Promise<Bundle> {
    const { kinds, query } = listQueryFrom(params, this.options.maxPageSize);
    const lists: List[] = [];
    let total = 0;
    if (kinds.includes('submissionset')) {
      const sets = await this.queries.findSubmissionSets(query);
      const members = await this.queries.membersOf(
        query.patientKey,
        sets.items.map((s) => s.entryUuid),
      );
      lists.push(
        ...sets.items.map((s) => listFromSubmissionSet(s, members.get(s.entryUuid) ?? [])),
      );
      total += sets.total;
    }
    if (kinds.includes('folder')) {
      const folders = await this.queries.findFolders(query.patientKey, query.limit, query.offset);
      const members = await this.queries.membersOf(
        query.patientKey,
        folders.items.map((f) => f.entryUuid),
      );
      lists.push(...folders.items.map((f) => listFromFolder(f, members.get(f.entryUuid) ?? [])));
      total += folders.total;
    }
    return searchSet(lists, total, query, params, `${baseUrl}/List`);
  }

  /** ITI-68 Retrieve Document: the bytes as provided. */
  retrieveBinary(id: string): Promise<DocumentContent> {
    return this.retrieve.byContentId(id);
  }

  /** Conditional (by identifier) or direct metadata update through JSON Patch. */
  async patchDocumentReference(
    target: { id?: string; identifier?: string },
    patch: unknown,
    baseUrl: string,
  ): Promise<DocumentReference> {
    const current = target.id
      ? await this.documentById(target.id)
      : await this.documentByIdentifier(target.identifier);
    const change = metadataChangeFrom(documentReferenceFrom(current, baseUrl), patch);
    const updated = await this.updates.execute(current, change);
    return documentReferenceFrom(updated, baseUrl);
  }

  /** Opens the patient's record; `If-None-Exist` makes it conditional (an existing one is kept). */
  async openRecord(
    body: unknown,
    ifNoneExist: string | undefined,
    principal: Principal,
  ): Promise<{ patient: Patient; created: boolean }> {
    const patient = asPatient(body);
    const patientId = insOf(patient);
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
    });
    return { patient: patientResourceFrom(record), created };
  }

  async searchRecords(params: QueryParameters): Promise<Bundle> {
    const identifier = params.identifier;
    const id = params._id;
    let patientId: PatientId;
    if (typeof identifier === 'string') patientId = patientIdFromToken(identifier);
    else if (typeof id === 'string') patientId = patientIdFromResourceId(id);
    else {
      throw new DomainError('METADATA_MISSING', 'Search Patient by identifier=<system>|<value>');
    }
    const record = await this.records.find(patientId);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: record ? 1 : 0,
      entry: record ? [{ resource: patientResourceFrom(record), search: { mode: 'match' } }] : [],
    };
  }

  async readRecord(id: string): Promise<Patient> {
    const record: PatientRecord | undefined = await this.records.find(patientIdFromResourceId(id));
    if (!record) throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Patient/${id}`);
    return patientResourceFrom(record);
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
    const value = identifier.includes('|')
      ? identifier.slice(identifier.indexOf('|') + 1)
      : identifier;
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
