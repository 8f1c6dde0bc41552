import type { Bundle, BundleEntry, DocumentReference, FhirResource } from 'fhir/r4';
import type { Client } from 'fhir-kit-client';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';
import { invalidInput, messageWithCause } from '../cli-error';
import { loadFhirKitClient } from '../fhir-kit-client-loader';
import type { ApiTarget } from '../records-client';
import { classifyGatewayError } from './gateway-errors';

export interface GatewayTarget extends ApiTarget {
  /** An access assertion (JWS), sent as `Authorization: Bearer`. */
  readonly assertion?: string;
}

/** ITI-67 parameters; a repeated parameter (e.g. two date bounds) as a list. */
export type SearchParameters = Record<string, string | string[]>;

export interface ProvideOutcome {
  /** The document's logical id: its DocumentReference id (the XDS logicalId). */
  readonly documentId: string;
  /** The gateway already held this document: same uniqueId, same content. */
  readonly alreadyRegistered: boolean;
}

export interface DocumentContent {
  readonly body: Readable;
  readonly length?: number;
}

/** The gateway's MHD door: ITI-65 provide, ITI-67 find, ITI-68 retrieve. */
export interface MhdClient {
  provide(bundle: Bundle<FhirResource>): Promise<ProvideOutcome>;
  findDocuments(searchParams: Readonly<SearchParameters>): Promise<DocumentReference[]>;
  readDocument(id: string): Promise<DocumentReference>;
  openContent(url: string): Promise<DocumentContent>;
  close(): Promise<void>;
}

export function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw invalidInput(`Cannot read ${option} ${path}: ${messageWithCause(error)}`);
  }
}

export async function connectMhd(target: GatewayTarget): Promise<MhdClient> {
  const { Client } = await loadFhirKitClient();
  const dispatcher = new Agent({
    connect: {
      cert: readOptionFile('--cert', target.certPath),
      key: readOptionFile('--key', target.keyPath),
      ...(target.caPath ? { ca: readOptionFile('--ca', target.caPath) } : {}),
    },
  });
  const client = new Client({ baseUrl: target.fhirBaseUrl, requestOptions: { dispatcher } });
  if (target.assertion) client.bearerToken = target.assertion;
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw classifyGatewayError(target.fhirBaseUrl, error);
    }
  };
  const authorization: Record<string, string> = target.assertion
    ? { authorization: `Bearer ${target.assertion}` }
    : {};
  return {
    provide: (bundle) => call(() => provide(client, bundle)),
    findDocuments: (searchParams) => call(() => findAll(client, searchParams)),
    readDocument: (id) =>
      call(async () => {
        const resource = await client.read({ resourceType: 'DocumentReference', id });
        return resource as unknown as DocumentReference;
      }),
    openContent: (url) => call(() => openContent(dispatcher, url, authorization)),
    close: () => dispatcher.close(),
  };
}

async function provide(client: Client, bundle: Bundle<FhirResource>): Promise<ProvideOutcome> {
  const response = (await client.transaction({
    body: bundle as unknown as Parameters<Client['transaction']>[0]['body'],
  })) as unknown as Bundle;
  const documentIndex = (bundle.entry ?? []).findIndex(
    (entry) => entry.resource?.resourceType === 'DocumentReference',
  );
  return outcomeOfEntry(response.entry?.[documentIndex]);
}

/** The transaction-response entry of the DocumentReference: 201 new, 200 already registered. */
function outcomeOfEntry(entry: BundleEntry | undefined): ProvideOutcome {
  const response = entry?.response;
  const id = /(?:^|\/)DocumentReference\/([^/]+)/.exec(response?.location ?? '')?.[1];
  if (!response || !id) {
    throw new Error(`Unexpected ITI-65 response entry: ${JSON.stringify(entry)}`);
  }
  return { documentId: id, alreadyRegistered: response.status.startsWith('200') };
}

async function findAll(
  client: Client,
  searchParams: Readonly<SearchParameters>,
): Promise<DocumentReference[]> {
  const found: DocumentReference[] = [];
  let page: Bundle<FhirResource> | undefined = (await client.search({
    resourceType: 'DocumentReference',
    searchParams: { ...searchParams },
  })) as unknown as Bundle<FhirResource>;
  while (page) {
    for (const entry of page.entry ?? []) {
      if (entry.resource?.resourceType === 'DocumentReference') found.push(entry.resource);
    }
    const next = client.nextPage({
      bundle: page as unknown as Parameters<Client['nextPage']>[0]['bundle'],
    });
    page = next ? ((await next) as unknown as Bundle<FhirResource>) : undefined;
  }
  return found;
}

async function openContent(
  dispatcher: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<DocumentContent> {
  const target = new URL(url);
  const response = await dispatcher.request({
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: 'GET',
    headers: { accept: '*/*', ...headers },
  });
  if (response.statusCode >= 400) {
    const text = await response.body.text();
    throw Object.assign(new Error(`HTTP ${response.statusCode}`), {
      response: { status: response.statusCode, data: parseJson(text) },
    });
  }
  const length = Number(response.headers['content-length']);
  return {
    body: response.body,
    ...(Number.isFinite(length) ? { length } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
