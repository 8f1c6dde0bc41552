import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PROVIDE_AND_REGISTER,
  ProvidedDocument,
  TemplateBindings,
  instantiateXdsTemplate,
  plainSoap,
  provideAndRegisterRequest,
  soapRequestEnvelope,
  type HttpBody,
} from '@passerelle/testing';

export const XDS_FIXTURES = join(__dirname, '..', '..', 'fixtures', 'xds');
export const NIST = join(XDS_FIXTURES, 'nist-toolkit', 'testkit');

export const ACTIONS = {
  register: 'urn:ihe:iti:2007:RegisterDocumentSet-b',
  storedQuery: 'urn:ihe:iti:2007:RegistryStoredQuery',
  retrieve: 'urn:ihe:iti:2007:RetrieveDocumentSet',
  update: 'urn:ihe:iti:2010:UpdateDocumentSet',
  provide: PROVIDE_AND_REGISTER,
} as const;

export function fixtureText(...path: string[]): string {
  return readFileSync(join(XDS_FIXTURES, ...path), 'utf8');
}

export function nistText(...path: string[]): string {
  return readFileSync(join(NIST, ...path), 'utf8');
}

export function nistBytes(...path: string[]): Buffer {
  return readFileSync(join(NIST, ...path));
}

/** `$symbol$` values a NIST step takes from earlier ones (`$lid$`, `$rplc_doc_uuid$`…). */
export function withSymbols(template: string, symbols: Readonly<Record<string, string>>): string {
  return Object.entries(symbols).reduce(
    (xml, [symbol, value]) => xml.split(symbol).join(value.replace(/&/g, '&amp;')),
    template,
  );
}

/** ITI-42 from a NIST template, instantiated as the toolkit does. */
export function registerRequest(template: string, bindings: TemplateBindings): HttpBody {
  const body = instantiateXdsTemplate(template, bindings);
  return plainSoap(soapRequestEnvelope(ACTIONS.register, body), ACTIONS.register);
}

/** ITI-41 from a NIST template and its documents (MTOM by default). */
export function provideRequest(
  template: string,
  bindings: TemplateBindings,
  documents: readonly ProvidedDocument[],
  mode: 'mtom' | 'inline' = 'mtom',
): HttpBody {
  return provideAndRegisterRequest(instantiateXdsTemplate(template, bindings), documents, mode);
}

export function soapCall(action: string, body: string): HttpBody {
  return plainSoap(soapRequestEnvelope(action, body), action);
}

/** An ITI-18 AdhocQueryRequest for a stored query id and its slots (values already quoted). */
export function storedQuery(
  queryId: string,
  slots: Record<string, string[] | string[][]>,
  returnType: 'LeafClass' | 'ObjectRef' = 'LeafClass',
): HttpBody {
  const slotXml = Object.entries(slots)
    .flatMap(([name, values]) =>
      (Array.isArray(values[0]) ? (values as string[][]) : [values as string[]]).map(
        (group) =>
          `<rim:Slot name="${name}"><rim:ValueList>${group
            .map((value) => `<rim:Value>${escape(value)}</rim:Value>`)
            .join('')}</rim:ValueList></rim:Slot>`,
      ),
    )
    .join('');
  const body =
    '<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" ' +
    'xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">' +
    `<query:ResponseOption returnComposedObjects="true" returnType="${returnType}"/>` +
    `<rim:AdhocQuery id="${queryId}">${slotXml}</rim:AdhocQuery></query:AdhocQueryRequest>`;
  return soapCall(ACTIONS.storedQuery, body);
}

/** FindDocuments of a patient's Approved documents. */
export function findDocumentsQuery(
  patientCx: string,
  returnType: 'LeafClass' | 'ObjectRef' = 'LeafClass',
): HttpBody {
  return storedQuery(
    STORED_QUERY.FindDocuments,
    {
      $XDSDocumentEntryPatientId: [`'${patientCx}'`],
      $XDSDocumentEntryStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
    },
    returnType,
  );
}

export function retrieveRequest(
  documents: readonly { repositoryUniqueId: string; documentUniqueId: string }[],
): HttpBody {
  const requests = documents
    .map(
      (document) =>
        `<xdsb:DocumentRequest><xdsb:RepositoryUniqueId>${document.repositoryUniqueId}</xdsb:RepositoryUniqueId>` +
        `<xdsb:DocumentUniqueId>${document.documentUniqueId}</xdsb:DocumentUniqueId></xdsb:DocumentRequest>`,
    )
    .join('');
  return soapCall(
    ACTIONS.retrieve,
    `<xdsb:RetrieveDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">${requests}</xdsb:RetrieveDocumentSetRequest>`,
  );
}

export const STORED_QUERY = {
  FindDocuments: 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d',
  FindSubmissionSets: 'urn:uuid:f26abbcb-ac74-4422-8a30-edb644bbc1a9',
  FindFolders: 'urn:uuid:958f3006-baad-4929-a4de-b5cd65fd1d36',
  GetAll: 'urn:uuid:10b545ea-725c-446d-9b95-8aeb444eddf3',
  GetDocuments: 'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
  GetFolders: 'urn:uuid:5737b14c-8a1a-4539-b659-e03a34a5e1e4',
  GetAssociations: 'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155',
  GetDocumentsAndAssociations: 'urn:uuid:bab9529a-4a10-40b3-a01f-f68a615d247a',
  GetSubmissionSets: 'urn:uuid:51224314-5390-4169-9b91-b1980040715a',
  GetSubmissionSetAndContents: 'urn:uuid:e8e3cb2c-e39c-46b9-99e4-c12f57260b83',
  GetFolderAndContents: 'urn:uuid:b909a503-523d-4517-8acf-8e5834dfc4c7',
  GetFoldersForDocument: 'urn:uuid:10cae35a-c7f9-4cf5-b61e-fc3278ffb578',
  GetRelatedDocuments: 'urn:uuid:d90e5407-b356-4d91-a89f-873917b4b0e6',
} as const;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
