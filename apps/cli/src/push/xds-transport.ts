import type { OperationOutcome } from 'fhir/r4';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import type { DocumentEntry, SubmissionSet } from '@passerelle/domain';
import {
  NS,
  XmlElement,
  association,
  childOf,
  childrenOf,
  extrinsicObject,
  mtomResponse,
  parseXml,
  readSoapRequest,
  soapEnvelope,
  submissionSetPackage,
  xopInclude,
} from '@passerelle/xds';
import { GatewayRejected, GatewayUnavailable } from './gateway-errors';
import type { GatewayTarget, ProvideOutcome } from './mhd-client';
import { readOptionFile } from './mhd-client';
import { type Submission, type SubmittedDocument, documentsOf } from './submission';
import type { DocumentTransport } from './transport';

const PROVIDE_AND_REGISTER = 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b';
const SUCCESS = 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success';
const ANSWER_LIMITS = { maxRequestBytes: 16 * 1024 * 1024, maxPartBytes: 16 * 1024 * 1024 };

/**
 * The XDS.b door as a transport: each submission as an ITI-41 Provide and Register request,
 * MTOM-packaged, to `<gateway>/xds/repository`. The document's entryUUID is chosen here, so it
 * is the logical id of a new document; the RegistryResponse does not say whether an identical
 * document was already registered (the gateway then keeps the one it has).
 */
export function xdsTransport(target: GatewayTarget): DocumentTransport {
  const dispatcher = new Agent({
    connect: {
      cert: readOptionFile('--cert', target.certPath),
      key: readOptionFile('--key', target.keyPath),
      ...(target.caPath ? { ca: readOptionFile('--ca', target.caPath) } : {}),
    },
  });
  const url = `${target.fhirBaseUrl.replace(/\/fhir\/?$/, '')}/xds/repository`;
  return {
    provide: (submission) => provide(dispatcher, url, submission),
    close: () => dispatcher.close(),
  };
}

async function provide(
  dispatcher: Agent,
  url: string,
  submission: Submission,
): Promise<ProvideOutcome> {
  const parts = documentsOf(submission).map((submitted) => ({
    submitted,
    entryUuid: `urn:uuid:${randomUUID()}`,
    contentId: `document.${randomUUID()}@passerelle-cli`,
  }));
  const envelope = soapEnvelope({
    action: PROVIDE_AND_REGISTER,
    body: provideAndRegisterBody(submission, parts),
  });
  const request = mtomResponse(
    envelope,
    parts.map(({ submitted, contentId }) => ({
      contentId,
      contentType: submitted.document.mimeType,
      body: submitted.content,
    })),
  );
  const [{ entryUuid }] = parts;
  let answer: XmlElement;
  try {
    answer = await send(dispatcher, url, request);
  } catch (error) {
    if (error instanceof GatewayRejected || error instanceof GatewayUnavailable) throw error;
    throw new GatewayUnavailable(`Cannot reach ${url}: ${(error as Error).message}`);
  }
  if (answer.attributes.status !== SUCCESS) throw new GatewayRejected(400, outcomeOf(answer));
  return { documentId: entryUuid.slice('urn:uuid:'.length), alreadyRegistered: false };
}

async function send(
  dispatcher: Agent,
  url: string,
  request: { contentType: string; body: Buffer[] },
): Promise<XmlElement> {
  const target = new URL(url);
  const response = await dispatcher.request({
    origin: target.origin,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': request.contentType },
    body: Buffer.concat(request.body),
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const contentType = String(response.headers['content-type'] ?? '');
  const read = await readSoapRequest(Readable.from([bytes]), contentType, ANSWER_LIMITS);
  const body = childOf(parseXml(read.root), NS.soap12, 'Body')!.children[0];
  if (body.local === 'Fault') {
    const reason = childOf(childOf(body, NS.soap12, 'Reason')!, NS.soap12, 'Text')?.text ?? '';
    if (response.statusCode >= 500) {
      throw new GatewayUnavailable(`The gateway failed (HTTP ${response.statusCode}): ${reason}`);
    }
    throw new GatewayRejected(response.statusCode, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'security', diagnostics: reason }],
    });
  }
  return body;
}

/** The RegistryErrors as the OperationOutcome the CLI reports errors from. */
function outcomeOf(response: XmlElement): OperationOutcome {
  const list = childOf(response, NS.rs, 'RegistryErrorList');
  const errors = list ? childrenOf(list, NS.rs, 'RegistryError') : [];
  return {
    resourceType: 'OperationOutcome',
    issue: errors.map((error) => ({
      severity: 'error',
      code: 'processing',
      details: { coding: [{ code: error.attributes.errorCode }] },
      diagnostics: error.attributes.codeContext,
    })),
  };
}

interface Part {
  readonly submitted: SubmittedDocument;
  readonly entryUuid: string;
  readonly contentId: string;
}

/**
 * lcm:SubmitObjectsRequest (the DocumentEntry, the signature's when signed, their SubmissionSet)
 * and an xdsb:Document each.
 */
function provideAndRegisterBody(submission: Submission, parts: readonly Part[]): string {
  const setUuid = `urn:uuid:${randomUUID()}`;
  const entries = parts.map((part) =>
    entryOf(part, setUuid, submission.submissionSet.submissionTime),
  );
  const set: SubmissionSet = {
    ...submission.submissionSet,
    entryUuid: setUuid,
    patientKey: submission.document.patientId.key,
    authors: [submission.submissionSet.author],
    intendedRecipients: [],
    status: 'Approved',
  };
  const memberships = entries.map((entry) =>
    association({
      entryUuid: `urn:uuid:${randomUUID()}`,
      patientKey: set.patientKey,
      type: 'HasMember',
      sourceUuid: setUuid,
      targetUuid: entry.entryUuid,
      submissionSetStatus: 'Original',
      status: 'Approved',
    }),
  );
  return (
    `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">` +
    `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList>` +
    `${entries.map(extrinsicObject).join('')}${submissionSetPackage(set)}${memberships.join('')}` +
    '</rim:RegistryObjectList></lcm:SubmitObjectsRequest>' +
    parts
      .map(
        ({ entryUuid, contentId }) =>
          `<xdsb:Document id="${entryUuid}">${xopInclude(contentId)}</xdsb:Document>`,
      )
      .join('') +
    '</xdsb:ProvideAndRegisterDocumentSetRequest>'
  );
}

function entryOf(
  { submitted, entryUuid }: Part,
  setUuid: string,
  submissionTime: Date,
): DocumentEntry {
  const { document, content } = submitted;
  return {
    ...document,
    entryUuid,
    logicalId: entryUuid,
    version: 1,
    patientKey: document.patientId.key,
    status: 'Approved',
    hashSha1: createHash('sha1').update(content).digest('hex'),
    size: content.length,
    repositoryUniqueId: '',
    referenceIds: [],
    submissionSetUuid: setUuid,
    submissionTime,
  };
}
