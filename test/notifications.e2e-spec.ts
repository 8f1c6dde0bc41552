import { freshPatient, provideBundle } from '@passerelle/testing';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { TestGateway, startTestGateway } from './support/test-gateway';

interface ReceivedMail {
  readonly to: string[];
  readonly text: string;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

describe('patient notifications: outbox delivered by e-mail over real SMTP', () => {
  const mails: ReceivedMail[] = [];
  let smtp: SMTPServer;
  let gateway: TestGateway;
  let database: Client;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((address) => address.address),
            text: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    gateway = await startTestGateway({
      NOTIFY_SMTP_URL: `smtp://127.0.0.1:${port}`,
      NOTIFY_FROM: 'DMP <dmp@passerelle.test>',
      NOTIFY_INTERVAL_MS: '100',
    });
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
  });

  afterAll(async () => {
    await database.end();
    await gateway.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  async function openAndFeed(email?: string) {
    const patient = freshPatient();
    const doctor = gateway.fhir('medecin-generaliste');
    await doctor.create({
      resourceType: 'Patient',
      body: {
        resourceType: 'Patient',
        identifier: [{ system: patient.system, value: patient.nir }],
        ...(email ? { telecom: [{ system: 'email', value: email }] } : {}),
      },
    });
    await gateway
      .fhir('hopital-org')
      .transaction({ body: provideBundle(patient.token, [{ title: 'CR operatoire' }]) });
    return { ...patient, key: `${patient.nir}^^^&${patient.system.slice(8)}&ISO` };
  }

  it('e-mails the patient about a new document and marks the notification delivered', async () => {
    const patient = await openAndFeed('marie.dupont@example.test');
    const toMarie = () => mails.filter((m) => m.to.includes('marie.dupont@example.test'));
    const mail = await until(() =>
      Promise.resolve(toMarie().find((m) => /nouveau document/.test(m.text))),
    );
    expect(toMarie()[0].text).toMatch(/Code : [A-Z2-9]{5}-[A-Z2-9]{5}/);
    expect(mail.text).toMatch(/Nombre de documents : 1/);
    expect(mail.text).not.toContain('CR operatoire');
    const { rows } = await database.query<{ delivered: boolean }>(
      `SELECT delivered_at IS NOT NULL AS delivered FROM notification_outbox
       WHERE patient_key = $1 AND kind = 'new-document'`,
      [patient.key],
    );
    expect(rows).toEqual([{ delivered: true }]);
    const { rows: codes } = await database.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM notification_outbox WHERE patient_key = $1 AND kind = 'activation-code'`,
      [patient.key],
    );
    expect(codes).toEqual([{ payload: { validity: '30 jours' } }]);
  });

  it('keeps and retries a notification it cannot deliver, with the reason', async () => {
    const patient = await openAndFeed();
    const row = await until(async () => {
      const { rows } = await database.query<{
        attempts: number;
        last_error: string;
        delivered: boolean;
        retry_later: boolean;
      }>(
        `SELECT attempts, last_error, delivered_at IS NOT NULL AS delivered, next_attempt_at > now() AS retry_later
         FROM notification_outbox WHERE patient_key = $1 AND kind = 'new-document'`,
        [patient.key],
      );
      return rows[0]?.attempts > 0 ? rows[0] : undefined;
    });
    expect(row).toMatchObject({
      delivered: false,
      retry_later: true,
      last_error: 'The patient has given no e-mail address',
    });
  });
});
