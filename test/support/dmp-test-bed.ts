import type { Bundle, OperationOutcome, Parameters } from 'fhir/r4';
import { IssuedCertificate, issueCertificate, orgSubject, psSubject } from '@passerelle/platform';
import { DocumentSpec, freshPatient, provideBundle } from '@passerelle/testing';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { Agent } from 'undici';
import { TestGateway, startTestGateway } from './test-gateway';

/** The structure id of the former patient portal's ORG certificate (no longer the patient). */
export const PORTAL_STRUCTURE = '1990000001';
/** Dr Sophie BERNARD, a médecin the development PKI does not know: issued by the test bed. */
export const BERNARD = '810000000058';
/** idNat of the development personas. */
export const IDNAT = {
  medecin: '810000000017',
  pharmacien: '810000000025',
  infirmier: '0759912345',
  hopital: '1750000000',
  laboratoire: '1690000000',
} as const;
/** A professional who authors documents but never calls the gateway in these tests. */
export const ABSENT_AUTHOR = '810000000066';
export const PRESCRIPTION = '57833-6';
export const RESTRICTION_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

export type FhirBody = Record<string, unknown> & Partial<Bundle> & Partial<OperationOutcome>;

export interface Answer {
  readonly status: number;
  /** The body exactly as sent, to compare answers byte for byte. */
  readonly text: string;
  readonly body: FhirBody;
}

/** A patient whose record is open, in every form the doors and the tables use. */
export interface DmpRecord {
  readonly nir: string;
  readonly system: string;
  /** `system|value`, for `patient.identifier=` searches. */
  readonly token: string;
  /** `Patient/{id}` id: `<oid>-<NIR>`. */
  readonly resourceId: string;
  /** patient_key of every table, also the XDS CX. */
  readonly key: string;
  readonly cx: string;
}

/** What an ITI-65 created, read from its transaction-response locations. */
export interface Provided {
  readonly status: number;
  readonly listIds: string[];
  readonly documentIds: string[];
  readonly binaryIds: string[];
}

export interface AuditRow {
  readonly outcome: string;
  readonly reason: string | null;
  readonly subject_id: string | null;
  readonly action: string;
  readonly transaction: string;
}

export interface NotificationRow {
  readonly kind: string;
  readonly payload: Record<string, unknown>;
}

/** Every client certificate the test bed holds: the personas, Dr BERNARD and the portal. */
export const EVERY_CERTIFICATE = [
  'medecin-generaliste',
  'pharmacien',
  'infirmier',
  'bernard',
  'hopital-org',
  'laboratoire-org',
  'portail',
] as const;

/**
 * The real gateway (mutual TLS, PostgreSQL) with persona certificates, a client per certificate,
 * and direct access to the tables: what the DMP integration tests share.
 */
export class DmpTestBed {
  readonly patient: PatientDecisions;
  private readonly agents = new Map<string, Agent>();
  private readonly certificates = new Map<string, IssuedCertificate>();

  private constructor(
    readonly gateway: TestGateway,
    readonly database: Client,
    readonly ca: IssuedCertificate,
  ) {
    this.patient = new PatientDecisions(database);
    for (const [persona, files] of Object.entries(gateway.pki.personas)) {
      this.certificates.set(persona, {
        certPem: readFileSync(files.certPath, 'utf8'),
        keyPem: readFileSync(files.keyPath, 'utf8'),
      });
    }
    this.addProfessional('bernard', BERNARD, 'BERNARD', 'Sophie', 'Médecin');
    this.certificates.set(
      'portail',
      issueCertificate(ca, {
        subject: orgSubject({
          serviceName: 'Portail patient',
          structureId: PORTAL_STRUCTURE,
          organisationName: 'Mon espace santé (test)',
        }),
        kind: 'client',
      }),
    );
  }

  static async start(environment: Record<string, string | undefined> = {}): Promise<DmpTestBed> {
    const gateway = await startTestGateway(environment);
    const database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    const ca = {
      certPem: readFileSync(gateway.pki.caPath, 'utf8'),
      keyPem: readFileSync(gateway.pki.caKeyPath, 'utf8'),
    };
    return new DmpTestBed(gateway, database, ca);
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    await this.database.end();
    await this.gateway.close();
  }

  /** A PS certificate issued by the test CA, known from then on as `name`. */
  addProfessional(
    name: string,
    idNat: string,
    family: string,
    given: string,
    professionLabel: string,
  ): void {
    this.certificates.set(
      name,
      issueCertificate(this.ca, {
        subject: psSubject({ idNat, family, given, professionLabel }),
        kind: 'client',
      }),
    );
  }

  certificate(who: string): IssuedCertificate {
    const certificate = this.certificates.get(who);
    if (!certificate) throw new Error(`No certificate named ${who}`);
    return certificate;
  }

  agent(who: string): Agent {
    let agent = this.agents.get(who);
    if (!agent) {
      const certificate = this.certificate(who);
      agent = new Agent({
        connect: { ca: this.ca.certPem, cert: certificate.certPem, key: certificate.keyPem },
      });
      this.agents.set(who, agent);
    }
    return agent;
  }

  async call(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    options: { bearer?: string; contentType?: string } = {},
  ): Promise<Answer> {
    const response = await fetch(`${this.gateway.fhirUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined
          ? {}
          : { 'content-type': options.contentType ?? 'application/fhir+json' }),
        ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.agent(who),
    } as unknown as RequestInit);
    const text = await response.text();
    let parsed: FhirBody = {};
    try {
      parsed = text ? (JSON.parse(text) as FhirBody) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, text, body: parsed };
  }

  search(who: string, record: DmpRecord, extra = '', bearer?: string): Promise<Answer> {
    return this.call(
      who,
      'GET',
      `/DocumentReference?patient.identifier=${encodeURIComponent(record.token)}${extra}`,
      undefined,
      { bearer },
    );
  }

  /** `POST /fhir/Patient/{id}/{name}` with a Parameters body. */
  operation(
    who: string,
    record: DmpRecord,
    name: string,
    parameters: Parameters['parameter'] = [],
  ): Promise<Answer> {
    return this.call(who, 'POST', `/Patient/${record.resourceId}/${name}`, {
      resourceType: 'Parameters',
      parameter: parameters,
    });
  }

  /** JSON Patch of `/fhir/DocumentReference/{id}` or of `/fhir/DocumentReference?identifier=…`. */
  patch(who: string, target: { id: string } | { identifier: string }, operations: unknown[]) {
    const path =
      'id' in target
        ? `/DocumentReference/${target.id}`
        : `/DocumentReference?identifier=${encodeURIComponent(target.identifier)}`;
    return this.call(who, 'PATCH', path, operations, {
      contentType: 'application/json-patch+json',
    });
  }

  /** Opens a fresh patient's record (the médecin généraliste, who so holds an authorisation). */
  async newRecord(): Promise<DmpRecord> {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    const record: DmpRecord = {
      ...patient,
      resourceId: `${oid}-${patient.nir}`,
      key: `${patient.nir}^^^&${oid}&ISO`,
      cx: `${patient.nir}^^^&${oid}&ISO`,
    };
    const opened = await this.call('medecin-generaliste', 'POST', '/Patient', {
      resourceType: 'Patient',
      identifier: [{ system: patient.system, value: patient.nir }],
    });
    if (opened.status !== 201) throw new Error(`Record not opened: ${opened.text}`);
    return record;
  }

  /** ITI-65 of one SubmissionSet holding the documents (fed by the hospital by default). */
  async provide(record: DmpRecord, documents: DocumentSpec[], who = 'hopital-org') {
    const answer = await this.call(who, 'POST', '', provideBundle(record.token, documents));
    const locations = (answer.body.entry ?? []).map((entry) => entry.response?.location ?? '');
    const idsOf = (type: string) =>
      locations.filter((l) => l.startsWith(`${type}/`)).map((l) => l.slice(type.length + 1));
    const provided: Provided = {
      status: answer.status,
      listIds: idsOf('List'),
      documentIds: idsOf('DocumentReference'),
      binaryIds: idsOf('Binary'),
    };
    if (provided.status !== 200) throw new Error(`ITI-65 refused: ${answer.text}`);
    return provided;
  }

  async auditRows(record: DmpRecord): Promise<AuditRow[]> {
    const { rows } = await this.database.query<AuditRow>(
      `SELECT outcome, reason, subject_id, action, transaction FROM audit_event
        WHERE patient_key = $1 ORDER BY recorded_at`,
      [record.key],
    );
    return rows;
  }

  async notificationRows(record: DmpRecord, kind?: string): Promise<NotificationRow[]> {
    const { rows } = await this.database.query<NotificationRow>(
      `SELECT kind, payload FROM notification_outbox
        WHERE patient_key = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY created_at`,
      [record.key, kind ?? null],
    );
    return rows;
  }

  /**
   * A refusal of the new access rules: 403 OperationOutcome `forbidden` whose diagnostics end
   * with `(REASON)`, and a `denied` row of that reason in the patient's audit trail.
   */
  async expectRefused(
    answer: Answer,
    reason: string,
    record: DmpRecord,
    subjectId?: string,
  ): Promise<void> {
    expect({ status: answer.status, diagnostics: answer.body.issue?.[0]?.diagnostics }).toEqual({
      status: 403,
      diagnostics: expect.stringMatching(new RegExp(`\\(${reason}\\)$`)),
    });
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect(answer.body.issue![0].code).toBe('forbidden');
    expect(await this.auditRows(record)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          outcome: 'denied',
          reason,
          ...(subjectId ? { subject_id: subjectId } : {}),
        }),
      ]),
    );
  }
}

/**
 * The patient's own decisions, written straight into the tables: no certificate acts as the
 * patient any more, and the patient's login is yet to come.
 */
export class PatientDecisions {
  constructor(private readonly database: Client) {}

  async authorise(
    record: DmpRecord,
    subjectId: string,
    options: { expressConsent?: boolean; forbidden?: boolean; validUntil?: Date } = {},
  ): Promise<void> {
    await this.database.query(
      `INSERT INTO access_authorisation
         (patient_key, subject_id, state, express_consent, valid_until, declared_by, declared_at)
       VALUES ($1, $2, $3, $4, $5, 'patient', now())
       ON CONFLICT (patient_key, subject_id) DO UPDATE SET
         state = EXCLUDED.state, express_consent = EXCLUDED.express_consent,
         valid_until = EXCLUDED.valid_until, declared_by = EXCLUDED.declared_by,
         declared_at = EXCLUDED.declared_at`,
      [
        record.key,
        subjectId,
        options.forbidden ? 'forbidden' : 'valid',
        options.expressConsent ?? false,
        options.validUntil ?? null,
      ],
    );
  }

  async block(record: DmpRecord, subjectId: string): Promise<void> {
    await this.database.query(
      `INSERT INTO access_block (patient_key, subject_id, declared_by, declared_at)
       VALUES ($1, $2, 'patient', now()) ON CONFLICT DO NOTHING`,
      [record.key, subjectId],
    );
  }

  async unblock(record: DmpRecord, subjectId: string): Promise<void> {
    await this.database.query(
      `DELETE FROM access_block WHERE patient_key = $1 AND subject_id = $2`,
      [record.key, subjectId],
    );
  }

  async declareMedecinTraitant(record: DmpRecord, subjectId: string): Promise<void> {
    await this.database.query(
      `INSERT INTO medecin_traitant (patient_key, subject_id, declared_by, declared_at)
       VALUES ($1, $2, 'patient', now()) ON CONFLICT DO NOTHING`,
      [record.key, subjectId],
    );
  }

  async emergencyConsents(
    record: DmpRecord,
    consents: Partial<{ centre15: boolean; otherProfessionals: boolean; maskedDocuments: boolean }>,
  ): Promise<void> {
    await this.database.query(
      `UPDATE patient_record SET emergency_consents = emergency_consents || $2::jsonb
        WHERE patient_key = $1`,
      [record.key, JSON.stringify(consents)],
    );
  }

  async close(record: DmpRecord, reason: string): Promise<void> {
    await this.database.query(
      `UPDATE patient_record SET status = 'closed', closed_at = now(), closure_reason = $2
        WHERE patient_key = $1`,
      [record.key, reason],
    );
  }

  async reopen(record: DmpRecord): Promise<void> {
    await this.database.query(
      `UPDATE patient_record SET status = 'open', closed_at = NULL, closure_reason = NULL
        WHERE patient_key = $1`,
      [record.key],
    );
  }

  /** What the tables hold of the patient's decisions, to check a refusal changed nothing. */
  async snapshot(record: DmpRecord) {
    const query = async (sql: string) =>
      (await this.database.query<Record<string, unknown>>(sql, [record.key])).rows;
    return {
      record: await query(
        `SELECT status, closed_at, closure_reason, emergency_consents FROM patient_record
          WHERE patient_key = $1`,
      ),
      authorisations: await query(
        `SELECT subject_id, state, express_consent, valid_until FROM access_authorisation
          WHERE patient_key = $1 ORDER BY subject_id`,
      ),
      blocks: await query(
        `SELECT subject_id FROM access_block WHERE patient_key = $1 ORDER BY subject_id`,
      ),
      medecinsTraitants: await query(
        `SELECT subject_id FROM medecin_traitant WHERE patient_key = $1 ORDER BY subject_id`,
      ),
    };
  }
}
