import { readFileSync } from 'node:fs';
import { STORED_QUERY_IDS } from '@passerelle/xds';
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

/** Stored query ids by name, from the gateway's own table (ITI TF-2a 3.18.4.1.2.3.7). */
export const STORED_QUERY = Object.fromEntries(
  Object.entries(STORED_QUERY_IDS).map(([id, name]) => [name, id]),
) as Record<(typeof STORED_QUERY_IDS)[keyof typeof STORED_QUERY_IDS], string>;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
