import { GatewayTarget, MhdClient, ProvideOutcome, connectMhd } from './mhd-client';
import { PushSettings, prepareDocument, submissionOf } from './prepare-document';
import { provideBundle } from './provide-bundle';
import { withSignature } from './sign-submission';
import type { Submission } from './submission';
import { xdsTransport } from './xds-transport';

/** How a submission reaches the gateway: MHD (ITI-65) or XDS.b (ITI-41). */
export interface DocumentTransport {
  provide(submission: Submission): Promise<ProvideOutcome>;
  close(): Promise<void>;
}

export type TransportKind = 'mhd' | 'xds';

/** The target is read only once the transport is known to exist in this build. */
export async function openTransport(
  kind: TransportKind,
  targetOf: () => GatewayTarget,
): Promise<DocumentTransport> {
  if (kind === 'xds') return xdsTransport(targetOf());
  return mhdTransport(await connectMhd(targetOf()));
}

export function mhdTransport(client: MhdClient): DocumentTransport {
  return {
    provide: (submission) => client.provide(provideBundle(submission)),
    close: () => client.close(),
  };
}

export interface PushResult {
  readonly file: string;
  readonly uniqueId: string;
  readonly documentId: string;
  readonly alreadyRegistered: boolean;
}

/** Prepares one file (metadata, content) and provides it in a new submission. */
export async function pushDocument(
  file: string,
  settings: PushSettings,
  transport: DocumentTransport,
  sidecar?: string,
): Promise<PushResult> {
  const prepared = await prepareDocument(file, settings, sidecar);
  const submission = submissionOf(prepared, settings);
  const outcome = await transport.provide(
    settings.signer ? await withSignature(submission, settings.signer) : submission,
  );
  return {
    file,
    uniqueId: prepared.metadata.uniqueId,
    documentId: outcome.documentId,
    alreadyRegistered: outcome.alreadyRegistered,
  };
}
