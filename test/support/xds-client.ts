import { Readable } from 'node:stream';
import { request } from 'undici';
import {
  NS,
  XmlElement,
  attributeOf,
  childOf,
  childrenOf,
  parseXml,
  readSoapRequest,
  type MimePart,
} from '@passerelle/xds';
import type { HttpBody } from '@passerelle/testing';
import type { TestGateway } from './test-gateway';

export interface SoapAnswer {
  readonly status: number;
  readonly contentType: string;
  /** `chunked` when the answer was streamed. */
  readonly transferEncoding: string | undefined;
  readonly raw: Buffer;
  /** The first element of soap:Body. */
  readonly body: XmlElement;
  readonly header: XmlElement | undefined;
  readonly attachments: ReadonlyMap<string, MimePart>;
}

/** POSTs a SOAP request over mutual TLS and reads the answer with the gateway's own MIME reader. */
export async function postSoap(
  gateway: TestGateway,
  endpoint: 'registry' | 'repository',
  message: HttpBody,
  persona = 'hopital-org',
): Promise<SoapAnswer> {
  const response = await request(`${gateway.baseUrl}/xds/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': message.contentType },
    body: message.body,
    dispatcher: gateway.agent(persona),
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  const contentType = String(response.headers['content-type']);
  const read = await readSoapRequest(Readable.from([raw]), contentType, {
    maxRequestBytes: 1 << 30,
    maxPartBytes: 1 << 30,
  });
  const envelope = parseXml(read.root);
  const body = childOf(envelope, NS.soap12, 'Body')!.children[0];
  return {
    status: response.statusCode,
    contentType,
    transferEncoding: response.headers['transfer-encoding']?.toString(),
    raw,
    body,
    header: childOf(envelope, NS.soap12, 'Header'),
    attachments: read.attachments,
  };
}

/** RegistryResponse/@status shortened to Success, Failure or PartialSuccess. */
export function statusOf(response: XmlElement): string {
  const registryResponse =
    response.local === 'RegistryResponse' || response.local === 'AdhocQueryResponse'
      ? response
      : childOf(response, NS.rs, 'RegistryResponse')!;
  return registryResponse.attributes.status.split(':').pop()!;
}

/** errorCode of every rs:RegistryError of the response. */
export function errorCodesOf(response: XmlElement): string[] {
  const registryResponse =
    response.local === 'RetrieveDocumentSetResponse'
      ? childOf(response, NS.rs, 'RegistryResponse')!
      : response;
  const list = childOf(registryResponse, NS.rs, 'RegistryErrorList');
  return list ? childrenOf(list, NS.rs, 'RegistryError').map((e) => e.attributes.errorCode) : [];
}

/** codeContext of every rs:RegistryError of the response. */
export function errorContextsOf(response: XmlElement): string[] {
  const list = childOf(response, NS.rs, 'RegistryErrorList');
  return list
    ? childrenOf(list, NS.rs, 'RegistryError').map((e) => e.attributes.codeContext ?? '')
    : [];
}

/** Fails with the registry's own words (error codes and contexts) unless the status is Success. */
export function expectSuccess(answer: Pick<SoapAnswer, 'body'>): void {
  const status = statusOf(answer.body);
  if (status === 'Success') return;
  const registryResponse =
    answer.body.local === 'RetrieveDocumentSetResponse'
      ? childOf(answer.body, NS.rs, 'RegistryResponse')!
      : answer.body;
  const list = childOf(registryResponse, NS.rs, 'RegistryErrorList');
  const errors = list
    ? childrenOf(list, NS.rs, 'RegistryError').map(
        (e) => `${e.attributes.errorCode}: ${e.attributes.codeContext}`,
      )
    : [];
  throw new Error(`Expected Success, got ${status}\n${errors.join('\n')}`);
}

/** The DocumentEntry.uniqueId ExternalIdentifier's scheme (ITI TF-3 Table 4.2.3.2-1). */
export const DOCUMENT_UNIQUE_ID = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';

/** The ExtrinsicObjects of a query response (none when it has no RegistryObjectList). */
export function documentsOf(query: XmlElement): XmlElement[] {
  const list = childOf(query, NS.rim, 'RegistryObjectList');
  return list ? childrenOf(list, NS.rim, 'ExtrinsicObject') : [];
}

/** The ObjectRefs of a query response. */
export function objectRefsOf(query: XmlElement): XmlElement[] {
  const list = childOf(query, NS.rim, 'RegistryObjectList');
  return list ? childrenOf(list, NS.rim, 'ObjectRef') : [];
}

export function externalIdentifier(object: XmlElement, scheme: string): string | undefined {
  return childrenOf(object, NS.rim, 'ExternalIdentifier').find(
    (identifier) => attributeOf(identifier, 'identificationScheme') === scheme,
  )?.attributes.value;
}
