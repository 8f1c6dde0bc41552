import {
  STORED_QUERIES,
  StoredQuerySpec,
  DocumentRequestSpec,
  XdsStep,
  XdsTransaction,
} from './case-definition';
import { SourceContext, sourceText } from './sources';
import { readCaseFile } from './suite-files';
import { expandText } from './variables';
import {
  HttpBody,
  PROVIDE_AND_REGISTER,
  escapeXml,
  instantiateXdsTemplate,
  nationalCodes,
  plainSoap,
  provideAndRegisterRequest,
  soapRequestEnvelope,
} from './xds-messages';

export const XDS_TRANSACTION_BINDINGS: Readonly<
  Record<XdsTransaction, { readonly action: string; readonly endpoint: 'registry' | 'repository' }>
> = {
  'ITI-18': { action: 'urn:ihe:iti:2007:RegistryStoredQuery', endpoint: 'registry' },
  'ITI-41': { action: PROVIDE_AND_REGISTER, endpoint: 'repository' },
  'ITI-42': { action: 'urn:ihe:iti:2007:RegisterDocumentSet-b', endpoint: 'registry' },
  'ITI-43': { action: 'urn:ihe:iti:2007:RetrieveDocumentSet', endpoint: 'repository' },
  'ITI-57': { action: 'urn:ihe:iti:2010:UpdateDocumentSet', endpoint: 'registry' },
};

/** The HTTP body (and its Content-Type) an XDS step sends, instantiated for this run. */
export function xdsRequestBody(step: XdsStep, context: SourceContext): HttpBody {
  const { action } = XDS_TRANSACTION_BINDINGS[step.transaction];
  const packaging = step.xds.packaging ?? (step.transaction === 'ITI-41' ? 'mtom' : 'soap');
  if (packaging === 'http-capture') return httpCapture(step, context);
  if (packaging === 'mime-capture') {
    if (!step.xds.contentType) throw new Error('A mime-capture needs its contentType');
    return {
      contentType: expandText(step.xds.contentType, context.variables, 'none'),
      body: Buffer.from(messageText(step, context, 'latin1'), 'latin1'),
    };
  }
  const body = messageText(step, context, 'utf8');
  if (packaging === 'envelope') return plainSoap(body, action);
  const content = withoutXmlDeclaration(body);
  if (packaging === 'soap') return plainSoap(soapRequestEnvelope(action, content), action);
  const documents = (step.xds.documents ?? []).map((document) => ({
    id: context.variables.entryUuids.get(document.id) ?? document.id,
    bytes: readCaseFile(document.file, context.caseDir, context.roots),
    mimeType: document.mimeType,
  }));
  return provideAndRegisterRequest(content, documents, packaging === 'inline' ? 'inline' : 'mtom', {
    boundary: step.xds.boundary,
    rootContentId: step.xds.rootContentId,
  });
}

/** A message file is a whole document; wrapped in an envelope it must lose its declaration. */
function withoutXmlDeclaration(xml: string): string {
  return xml.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, '');
}

function messageText(step: XdsStep, context: SourceContext, encoding: 'utf8' | 'latin1'): string {
  const { message, storedQuery, retrieve } = step.xds;
  if (storedQuery) return adhocQueryRequest(storedQuery, context);
  if (retrieve) return retrieveDocumentSetRequest(retrieve, context);
  if (!message) throw new Error('An XDS step needs a message, a storedQuery or a retrieve');
  const text = sourceText(message, context, encoding);
  if (!message.nistTemplate) return message.nationalCodes ? nationalCodes(text) : text;
  return instantiateXdsTemplate(text, {
    patient: context.variables.value('patient.cx'),
    altPatient: context.variables.has('altPatient.cx')
      ? context.variables.value('altPatient.cx')
      : undefined,
    uniqueIds: context.variables.uniqueIds,
    entryUuids: message.assignUuids ? context.variables.entryUuids : undefined,
  });
}

/** A raw HTTP request capture: its Content-Type header, and its body byte for byte. */
function httpCapture(step: XdsStep, context: SourceContext): HttpBody {
  const text = messageText(step, context, 'latin1');
  const separator = /\r?\n\r?\n/.exec(text);
  if (!separator) throw new Error('The HTTP capture has no blank line after its headers');
  const headers = text.slice(0, separator.index).split(/\r?\n/).slice(1);
  const contentType = headers
    .find((line) => /^content-type:/i.test(line))
    ?.slice('content-type:'.length)
    .trim();
  if (!contentType) throw new Error('The HTTP capture has no Content-Type header');
  return {
    contentType,
    body: Buffer.from(text.slice(separator.index + separator[0].length), 'latin1'),
  };
}

function adhocQueryRequest(query: StoredQuerySpec, context: SourceContext): string {
  const slots = Object.entries(query.slots)
    .map(
      ([name, values]) =>
        `<rim:Slot name="${escapeXml(name)}"><rim:ValueList>${values
          .map(
            (value) =>
              `<rim:Value>${expandText(escapeXml(value), context.variables, 'xml')}</rim:Value>`,
          )
          .join('')}</rim:ValueList></rim:Slot>`,
    )
    .join('');
  return (
    '<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" ' +
    'xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">' +
    `<query:ResponseOption returnComposedObjects="true" returnType="${query.returnType ?? 'LeafClass'}"/>` +
    `<rim:AdhocQuery id="${STORED_QUERIES[query.query]}">${slots}</rim:AdhocQuery>` +
    '</query:AdhocQueryRequest>'
  );
}

function retrieveDocumentSetRequest(
  documents: readonly DocumentRequestSpec[],
  context: SourceContext,
): string {
  const value = (text: string) => expandText(escapeXml(text), context.variables, 'xml');
  const requests = documents
    .map(
      (document) =>
        `<xdsb:DocumentRequest><xdsb:RepositoryUniqueId>${value(document.repositoryUniqueId)}</xdsb:RepositoryUniqueId>` +
        `<xdsb:DocumentUniqueId>${value(document.documentUniqueId)}</xdsb:DocumentUniqueId></xdsb:DocumentRequest>`,
    )
    .join('');
  return `<xdsb:RetrieveDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">${requests}</xdsb:RetrieveDocumentSetRequest>`;
}
