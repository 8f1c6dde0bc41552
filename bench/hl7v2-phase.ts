import { Hl7Message } from '@medplum/core';
import { Hl7Connection } from '@medplum/hl7';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from 'node:tls';
import { mdmT02 } from '../libs/hl7v2/src/mdm-t02-original-document/mdm-t02.spec-support';
import { FhirClient, ClientIdentity, TimedResponse } from './fhir-client';
import { NIR_TEST_SYSTEM, nirOf, patientResource } from './fixtures';
import { PhaseContext, PhaseResult, timedPhase } from './phases';

export interface Hl7v2Results {
  /** MDM^T02 over MLLP/TLS, one CDA R2 of about --doc-size bytes per message. */
  readonly mdmT02: PhaseResult & { readonly cdaBytes: number };
}

/** Compiled into dist/apps/gateway/bench: the repository's root is four levels up. */
const LAB_REPORT = resolve(__dirname, '../../../../fixtures/cda/written/CR-BIO_lab-report.xml');
/** Apart from the MHD phases' patients and the XDS phase's. */
const HL7V2_PATIENT_INDEX = 800_000_000;

/**
 * The HL7v2 door: `messages` MDM^T02 into one patient's record, each carrying its own CDA R2 (the
 * written lab report, padded by a comment to `docSize` bytes), sent by the laboratory over
 * `concurrency` MLLP connections on mutual TLS, one message in flight on each.
 */
export async function runHl7v2Phase(
  mllp: { host: string; port: number; identity: ClientIdentity; timeoutMs: number },
  consult: FhirClient,
  context: PhaseContext,
  messages: number,
): Promise<Hl7v2Results> {
  const nir = nirOf(HL7V2_PATIENT_INDEX + (Date.now() % 1_000_000));
  const opened = await consult.send('POST', '/fhir/Patient', patientResource(nir), {
    'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${nir}`,
  });
  if (opened.status >= 300) context.errors.record(`HL7v2 patient ${nir}`, opened.text);
  const template = readFileSync(LAB_REPORT, 'utf8').replace(
    'extension="184057512345625"',
    `extension="${nir}"`,
  );
  const padding = `<!-- ${randomBytes(Math.floor((Math.max(0, context.docSize - template.length) * 3) / 4)).toString('base64')} -->`;
  const connections = await Promise.all(
    Array.from({ length: Math.min(context.concurrency, Math.max(messages, 1)) }, () =>
      openConnection(mllp),
    ),
  );
  const idle = [...connections];
  let cdaBytes = 0;
  try {
    const phase = await timedPhase(
      context,
      { label: 'mdm-t02', total: messages, concurrency: connections.length },
      async (index) => {
        const cda = Buffer.from(
          template
            .replace(
              'root="1.2.250.1.999.4.1.2024.3"',
              `root="${context.plan.oids.document(HL7V2_PATIENT_INDEX + index)}"`,
            )
            .replace('</ClinicalDocument>', `${padding}</ClinicalDocument>`),
        );
        cdaBytes = cda.length;
        const connection = idle.pop()!;
        try {
          return await sent(
            connection,
            mdmT02({ cda, nir, controlId: `BENCH-${context.plan.oids.runId}-${index}` }),
            mllp.timeoutMs,
            context,
            index,
          );
        } finally {
          idle.push(connection);
        }
      },
    );
    return { mdmT02: { ...phase, cdaBytes } };
  } finally {
    await Promise.all(connections.map((connection) => connection.close()));
  }
}

async function openConnection(mllp: {
  host: string;
  port: number;
  identity: ClientIdentity;
}): Promise<Hl7Connection> {
  const socket = connect({
    host: mllp.host,
    port: mllp.port,
    servername: 'localhost',
    ca: mllp.identity.ca,
    cert: mllp.identity.cert,
    key: mllp.identity.key,
  });
  await new Promise((done, fail) => socket.once('secureConnect', done).once('error', fail));
  return new Hl7Connection(socket);
}

/** One message and its ACK; bounded by our own timer (sendAndWait's stays armed after the ACK). */
async function sent(
  connection: Hl7Connection,
  text: string,
  timeoutMs: number,
  context: PhaseContext,
  index: number,
): Promise<TimedResponse> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no ACK within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const ack = await Promise.race([connection.sendAndWait(Hl7Message.parse(text)), timeout]);
    const code = ack.getSegment('MSA')?.getField(1)?.toString();
    if (code !== 'AA') {
      context.errors.record(`MDM^T02 #${index}: ${code}`, ack.toString().slice(0, 2000));
    }
    return { status: code === 'AA' ? 200 : 400, milliseconds: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}
