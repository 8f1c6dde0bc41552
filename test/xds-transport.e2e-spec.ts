import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { request } from 'undici';
import { NS, childOf, parseXml, readSoapRequest } from '@passerelle/xds';
import type { IssuedCertificate } from '@passerelle/platform';
import {
  HttpBody,
  XdsPatient,
  freshXdsPatient,
  mintSamlAssertion,
  plainSoap,
  freshUniqueId,
  nationalCodes,
  soapRequestEnvelope,
} from '@passerelle/testing';
import { TestGateway, startTestGateway } from './support/test-gateway';
import {
  DOCUMENT_UNIQUE_ID,
  documentsOf,
  errorCodesOf,
  expectSuccess,
  externalIdentifier,
  objectRefsOf,
  postSoap,
  statusOf,
} from './support/xds-client';
import {
  ACTIONS,
  STORED_QUERY,
  XDS_FIXTURES,
  nistBytes,
  nistText,
  provideRequest,
  registerRequest,
  findDocumentsQuery,
  storedQuery,
} from './support/xds-fixtures';

const latin1 = (...path: string[]) => readFileSync(join(XDS_FIXTURES, ...path), 'latin1');

const UNIQUE_ID_SCHEMES = [
  'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
  'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
];

/** A raw capture's body, its patient ids, uniqueIds and codes replaced by this run's (bytes kept). */
function instantiated(body: string, patientIds: readonly string[], patient: XdsPatient): Buffer {
  let text = body;
  for (const id of patientIds) text = text.split(id).join(patient.cx.replace(/&/g, '&amp;'));
  text = text.replace(/<(?:\w+:)?ExternalIdentifier\b[^>]*>/g, (tag) => {
    const scheme = /identificationScheme="([^"]+)"/.exec(tag)?.[1];
    const value = /value="([^"]+)"/.exec(tag)?.[1];
    if (!scheme || !value || !UNIQUE_ID_SCHEMES.includes(scheme)) return tag;
    return tag.replace(`value="${value}"`, `value="${freshUniqueId()}"`);
  });
  return Buffer.from(nationalCodes(text), 'latin1');
}

/** Splits a raw HTTP capture (start line, headers, blank line, body). */
function httpCapture(raw: string): { contentType: string; body: string } {
  const separator = /\r?\n\r?\n/.exec(raw)!;
  const head = raw.slice(0, separator.index);
  const contentType = /^content-type:\s*(.+)$/im.exec(head)![1].trim();
  return { contentType, body: raw.slice(separator.index + separator[0].length) };
}

describe('XDS.b transport: real MTOM captures, hardened XML, SOAP faults, SAML assertion', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      MAX_REQUEST_BYTES: String(256 * 1024),
      XDS_MAX_QUERY_RESULTS: '3',
    });
  });

  afterAll(() => gateway.close());

  async function patientWithRecord(): Promise<XdsPatient> {
    const patient = freshXdsPatient();
    const [system, value] = patient.token.split('|');
    await gateway.fhir('medecin-generaliste').create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
    });
    return patient;
  }

  async function raw(
    endpoint: 'registry' | 'repository',
    contentType: string,
    body: Buffer,
    persona = 'hopital-org',
  ) {
    const response = await request(`${gateway.baseUrl}/xds/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      dispatcher: gateway.agent(persona),
    });
    const answerType = String(response.headers['content-type']);
    const read = await readSoapRequest(
      Readable.from([Buffer.from(await response.body.arrayBuffer())]),
      answerType,
      {
        maxRequestBytes: 1 << 30,
        maxPartBytes: 1 << 30,
      },
    );
    const text = read.root.toString();
    const envelope = parseXml(text);
    return {
      status: response.statusCode,
      text,
      body: childOf(envelope, NS.soap12, 'Body')!.children[0],
    };
  }

  interface AuditRow {
    transaction: string;
    outcome: string;
    documents: string[];
    http_status: number;
  }

  async function auditRows(patient: XdsPatient): Promise<AuditRow[]> {
    const client = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<AuditRow>(
        `SELECT transaction, outcome, documents, http_status FROM audit_event
          WHERE patient_key = $1 ORDER BY recorded_at, id`,
        [patient.cx],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  function faultOf(text: string) {
    const envelope = parseXml(text);
    const fault = childOf(childOf(envelope, NS.soap12, 'Body')!, NS.soap12, 'Fault')!;
    const code = childOf(fault, NS.soap12, 'Code')!;
    const subcode = childOf(code, NS.soap12, 'Subcode');
    return {
      code: childOf(code, NS.soap12, 'Value')!.text,
      subcode: subcode && childOf(subcode, NS.soap12, 'Value')!.text,
      reason: childOf(childOf(fault, NS.soap12, 'Reason')!, NS.soap12, 'Text')!.text,
    };
  }

  /** FindDocuments on the patient's record, as the médecin. */
  function findDocuments(patient: XdsPatient, returnType: 'LeafClass' | 'ObjectRef') {
    return postSoap(
      gateway,
      'registry',
      findDocumentsQuery(patient.cx, returnType),
      'medecin-generaliste',
    );
  }

  async function documentCount(patient: XdsPatient): Promise<number> {
    return objectRefsOf((await findDocuments(patient, 'ObjectRef')).body).length;
  }

  describe('real MTOM captures (NIST toolkit)', () => {
    it.each([
      ['Axis2 capture, LF line endings, padded headers (http-mtom-pnr)', 'http'],
      ['Axis2 capture, quoted boundary and start (axis2-pnr)', 'axis2'],
      ['toolkit body, no start parameter (PnrXop)', 'pnrxop'],
    ])('accepts the %s', async (_name, kind) => {
      const patient = await patientWithRecord();
      let contentType: string;
      let body: Buffer;
      if (kind === 'http') {
        const capture = httpCapture(latin1('nist-toolkit', 'mtom', 'http-mtom-pnr.txt'));
        contentType = capture.contentType;
        body = instantiated(capture.body, ['11^^^&amp;1.1&amp;ISO'], patient);
      } else if (kind === 'axis2') {
        await registerOriginalOf(patient, 'urn:uuid:639ff453-5a56-46a6-9408-d6685d919739');
        contentType = /content-type:\s*(.+)/i
          .exec(latin1('nist-toolkit', 'mtom', 'axis2-pnr', 'multipart.header.txt'))![1]
          .trim();
        body = instantiated(
          latin1('nist-toolkit', 'mtom', 'axis2-pnr', 'multipart.body.txt'),
          ['P20170823030905.2^^^&amp;1.3.6.1.4.1.21367.2005.13.20.1000&amp;ISO'],
          patient,
        );
      } else {
        contentType = /Content-Type:\s*(.+)/
          .exec(latin1('nist-toolkit', 'mtom', 'PnrXop-Xop', 'testplan.xml'))![1]
          .trim();
        body = instantiated(
          latin1('nist-toolkit', 'mtom', 'PnrXop-Xop', 'body.txt'),
          ['SR7^^^&amp;1.2.260&amp;ISO'],
          patient,
        );
      }
      const answer = await raw('repository', contentType, body);
      expect(answer.status).toBe(200);
      expectSuccess(answer);
      expect(await documentCount(patient)).toBe(1);
    });

    /** The Axis2 capture replaces (RPLC) an entry that must exist first, with this entryUUID. */
    async function registerOriginalOf(patient: XdsPatient, entryUuid: string): Promise<void> {
      const original = await postSoap(
        gateway,
        'registry',
        registerRequest(nistText('11990', 'submit', 'single_doc.xml'), {
          patient: patient.cx,
          entryUuids: new Map([['Document01', entryUuid]]),
        }),
      );
      expectSuccess(original);
    }

    it('parses the pretty-printed DMP capture: its assertion (untrusted CA) refused, then its re-indented binary part by hash', async () => {
      const patient = await patientWithRecord();
      const body = instantiated(
        latin1('ans-dmp-xds', 'publication.xml'),
        ['162018885045327^^^&amp;1.2.250.1.213.1.4.10&amp;ISO'],
        patient,
      );
      const answer = await raw(
        'repository',
        'multipart/related; boundary=MIMEBoundary_Bound; type="application/xop+xml"; start="<0.1>"; start-info="application/soap+xml"',
        body,
      );
      expect(answer.status).toBe(401);
      const withoutAssertion = await raw(
        'repository',
        'multipart/related; boundary=MIMEBoundary_Bound; type="application/xop+xml"; start="<0.1>"; start-info="application/soap+xml"',
        Buffer.from(
          body.toString('latin1').replace(/<wsse:Security[\s\S]*<\/wsse:Security>/, ''),
          'latin1',
        ),
      );
      // Every French metadata rule passes; the base64 part's hash matches; the binary part was
      // re-indented by the capture's pretty-printing (6,102 → 6,826 bytes), so its hash cannot.
      expect(statusOf(withoutAssertion.body)).toBe('Failure');
      expect(errorCodesOf(withoutAssertion.body)).toEqual([
        'XDSRepositoryMetadataError',
        'XDSRepositoryMetadataError',
      ]);
      expect(faultOf(answer.text)).toMatchObject({
        code: 'soap:Sender',
        subcode: 'sub:FailedAuthentication',
      });
      expect(await documentCount(patient)).toBe(0);
    });
  });

  describe('hardened XML and SOAP faults: nothing stored, never a 500', () => {
    let patient: XdsPatient;

    beforeAll(async () => {
      patient = await patientWithRecord();
    });

    const provide = (mutate: (envelope: string) => string) => {
      const message = provideRequest(
        nistText('11966', 'submit', 'single_doc.xml'),
        { patient: patient.cx },
        [{ id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') }],
        'inline',
      );
      return raw('repository', message.contentType, Buffer.from(mutate(message.body.toString())));
    };

    it.each([
      [
        'an entity-expansion bomb',
        (xml: string) =>
          xml.replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
          ),
        'DOCTYPE',
      ],
      [
        'an external entity',
        (xml: string) =>
          xml
            .replace(
              '<?xml version="1.0" encoding="UTF-8"?>',
              '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            )
            .replace('Physical', '&xxe;'),
        'DOCTYPE',
      ],
      ['malformed XML', (xml: string) => xml.replace('</soap:Body>', '</soap:Bdy>'), 'Malformed'],
      [
        'elements nested too deep',
        (xml: string) =>
          xml.replace('<soap:Body>', `<soap:Body>${'<a>'.repeat(100)}${'</a>'.repeat(100)}`),
        'deeper',
      ],
    ])('refuses %s with a Sender fault', async (_name, mutate, reason) => {
      const answer = await provide(mutate);
      expect(answer.status).toBe(400);
      const fault = faultOf(answer.text);
      expect(fault.code).toBe('soap:Sender');
      expect(fault.reason).toContain(reason);
      expect(answer.text).not.toContain('root:');
      expect(await documentCount(patient)).toBe(0);
    });

    it('answers a SOAP 1.1 envelope with VersionMismatch', async () => {
      const answer = await raw(
        'registry',
        'application/soap+xml',
        Buffer.from(
          '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>',
        ),
      );
      // SOAP 1.2 Part 2 Table 20: a VersionMismatch fault travels with 500.
      expect(answer.status).toBe(500);
      expect(faultOf(answer.text).code).toBe('soap:VersionMismatch');
    });

    it.each([
      ['with no role', ''],
      ['for the next node', ' s:role="http://www.w3.org/2003/05/soap-envelope/role/next"'],
    ])(
      'answers a mandatory header block it does not understand, %s, with MustUnderstand (500), doing nothing',
      async (_, role) => {
        const answer = await raw(
          'registry',
          'application/soap+xml',
          Buffer.from(
            `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><x:Unknown xmlns:x="urn:example" s:mustUnderstand="true"${role}/></s:Header><s:Body><x/></s:Body></s:Envelope>`,
          ),
        );
        expect(answer.status).toBe(500);
        expect(faultOf(answer.text).code).toBe('soap:MustUnderstand');
        expect(answer.text).toContain('{urn:example}Unknown');
      },
    );

    it('ignores a mandatory block for another role, and an optional one, as SOAP 1.2 says', async () => {
      const answer = await raw(
        'registry',
        'application/soap+xml',
        Buffer.from(
          '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><x:A xmlns:x="urn:example" s:mustUnderstand="true" s:role="urn:example:auditor"/><x:B xmlns:x="urn:example" s:mustUnderstand="false"/></s:Header><s:Body><x/></s:Body></s:Envelope>',
        ),
      );
      // Past the header blocks: refused for the missing WS-Addressing Action, a Sender fault.
      expect(answer.status).toBe(400);
      expect(faultOf(answer.text).code).toBe('soap:Sender');
    });

    it('requires wsa:Action and refuses an action the endpoint does not serve', async () => {
      const noAction = await raw(
        'registry',
        'application/soap+xml',
        Buffer.from(
          `<s:Envelope xmlns:s="${NS.soap12}"><s:Header/><s:Body><x/></s:Body></s:Envelope>`,
        ),
      );
      expect(faultOf(noAction.text).subcode).toBe('sub:MessageAddressingHeaderRequired');
      const answer = await raw(
        'registry',
        'application/soap+xml',
        Buffer.from(soapRequestEnvelope(ACTIONS.retrieve, '<x/>')),
      );
      expect(faultOf(answer.text).subcode).toBe('sub:ActionNotSupported');
    });

    it('answers 415 for another media type and 413 above MAX_REQUEST_BYTES', async () => {
      const wrongType = await raw('registry', 'text/plain', Buffer.from('hello'));
      expect(wrongType.status).toBe(415);
      const large = provideRequest(
        nistText('11966', 'submit', 'single_doc.xml'),
        { patient: patient.cx },
        [{ id: 'Document01', bytes: Buffer.alloc(300 * 1024, 7) }],
      );
      const tooLarge = await raw('repository', large.contentType, large.body);
      expect(tooLarge.status).toBe(413);
      expect(faultOf(tooLarge.text).code).toBe('soap:Sender');
      expect(await documentCount(patient)).toBe(0);
    });

    it('refuses a truncated multipart body', async () => {
      const message = provideRequest(
        nistText('11966', 'submit', 'single_doc.xml'),
        { patient: patient.cx },
        [{ id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') }],
      );
      const answer = await raw(
        'repository',
        message.contentType,
        message.body.subarray(0, message.body.length - 40),
      );
      expect(answer.status).toBe(400);
      expect(faultOf(answer.text).reason).toContain('closing delimiter');
    });

    it('answers XDSTooManyResults above XDS_MAX_QUERY_RESULTS', async () => {
      const crowded = await patientWithRecord();
      for (let i = 0; i < 4; i++) {
        expectSuccess(
          await postSoap(
            gateway,
            'registry',
            registerRequest(nistText('11990', 'submit', 'single_doc.xml'), { patient: crowded.cx }),
          ),
        );
      }
      const answer = await postSoap(
        gateway,
        'registry',
        findDocumentsQuery(crowded.cx),
        'medecin-generaliste',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSTooManyResults']);
    });

    it('audits FindDocuments as ObjectRef naming the documents it answered, and past the cap as the LeafClass query is, naming none', async () => {
      const patient = await patientWithRecord();
      const register = async () =>
        expectSuccess(
          await postSoap(
            gateway,
            'registry',
            registerRequest(nistText('11990', 'submit', 'single_doc.xml'), { patient: patient.cx }),
          ),
        );
      await register();
      await register();
      const uniqueIds = documentsOf((await findDocuments(patient, 'LeafClass')).body).map((entry) =>
        externalIdentifier(entry, DOCUMENT_UNIQUE_ID),
      );
      expect(uniqueIds).toHaveLength(2);
      expect(await documentCount(patient)).toBe(2);
      await register();
      await register();
      for (const returnType of ['LeafClass', 'ObjectRef'] as const) {
        expect(errorCodesOf((await findDocuments(patient, returnType)).body)).toEqual([
          'XDSTooManyResults',
        ]);
      }
      const rows = (await auditRows(patient)).filter((row) => row.transaction === 'ITI-18');
      const asAudited = ({ outcome, documents, http_status }: AuditRow) => ({
        outcome,
        documents,
        http_status,
      });
      expect(rows.map(asAudited)).toEqual([
        { outcome: 'allowed', documents: uniqueIds, http_status: 200 },
        { outcome: 'allowed', documents: uniqueIds, http_status: 200 },
        asAudited(rows[2]),
        asAudited(rows[2]),
      ]);
      expect(rows[2].documents).toEqual([]);
    });

    it('answers a request without a client certificate with a security fault', async () => {
      const message: HttpBody = storedQuery(STORED_QUERY.FindDocuments, {});
      const response = await request(`${gateway.baseUrl}/xds/registry`, {
        method: 'POST',
        headers: { 'content-type': message.contentType },
        body: message.body,
        dispatcher: gateway.agent(),
      });
      expect(response.statusCode).toBe(401);
      expect(faultOf(await response.body.text()).subcode).toBe('sub:FailedAuthentication');
    });
  });

  describe('access control through the XDS door', () => {
    it('refuses an establishment consulting (explicit denial), audited', async () => {
      const patient = await patientWithRecord();
      const answer = await postSoap(
        gateway,
        'registry',
        findDocumentsQuery(patient.cx),
        'hopital-org',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryError']);
      expect(await auditRows(patient)).toContainEqual(
        expect.objectContaining({ transaction: 'ITI-18', outcome: 'denied' }),
      );
    });

    describe('the SAML 2.0 VIHF assertion in wsse:Security', () => {
      let doctor: IssuedCertificate;

      beforeAll(() => {
        const files = gateway.pki.personas['medecin-generaliste'];
        doctor = {
          certPem: readFileSync(files.certPath, 'utf8'),
          keyPem: readFileSync(files.keyPath, 'utf8'),
        };
      });

      const query = (patient: XdsPatient, security: string) => {
        const body = findDocumentsQuery(patient.cx).body.toString();
        const inner = body.slice(
          body.indexOf('<query:AdhocQueryRequest'),
          body.indexOf('</soap:Body>'),
        );
        return plainSoap(
          soapRequestEnvelope(ACTIONS.storedQuery, inner, { security }),
          ACTIONS.storedQuery,
        );
      };

      const assertion = (patient: XdsPatient, extra: Record<string, unknown> = {}) =>
        mintSamlAssertion({
          signer: doctor,
          attributes: {
            sub: '810000000017',
            roles: ['10', 'SM26'],
            mode: 'DIRECTE',
            patientId: patient.cx,
            ...extra,
          },
        });

      it('accepts a signed DIRECTE assertion for the patient', async () => {
        const patient = await patientWithRecord();
        const answer = await postSoap(
          gateway,
          'registry',
          query(patient, assertion(patient)),
          'medecin-generaliste',
        );
        expectSuccess(answer);
      });

      it('refuses a tampered, a wrong-patient and a SHA-1 assertion with a security fault', async () => {
        const patient = await patientWithRecord();
        const other = freshXdsPatient();
        const tampered = assertion(patient).replace('>DIRECTE<', '>INDIRECTE<');
        const sha1 = mintSamlAssertion({
          signer: doctor,
          attributes: {
            sub: '810000000017',
            roles: ['10'],
            mode: 'DIRECTE',
            patientId: patient.cx,
          },
          signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
          digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
        });
        for (const [security, reason] of [
          [tampered, 'signature'],
          [assertion(other), 'another patient'],
          [sha1, 'not accepted'],
        ]) {
          const message = query(patient, security);
          const answer = await raw(
            'registry',
            message.contentType,
            message.body,
            'medecin-generaliste',
          );
          expect(answer.status).toBe(401);
          const fault = faultOf(answer.text);
          expect(fault.subcode).toBe('sub:FailedAuthentication');
          expect(fault.reason).toContain(reason);
        }
      });
    });
  });
});

describe('ASSERTION_SHA1=accept-and-audit: the DMP’s RSA-SHA1 assertions', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ ASSERTION_SHA1: 'accept-and-audit' });
  });

  afterAll(() => gateway.close());

  it('accepts an RSA-SHA1 assertion and says so in the audit record of the request', async () => {
    const patient = freshXdsPatient();
    const [system, value] = patient.token.split('|');
    await gateway.fhir('medecin-generaliste').create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
    });
    const files = gateway.pki.personas['medecin-generaliste'];
    const security = mintSamlAssertion({
      signer: {
        certPem: readFileSync(files.certPath, 'utf8'),
        keyPem: readFileSync(files.keyPath, 'utf8'),
      },
      attributes: { sub: '810000000017', roles: ['10'], mode: 'DIRECTE', patientId: patient.cx },
      signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
      digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
    });
    const body = findDocumentsQuery(patient.cx).body.toString();
    const inner = body.slice(
      body.indexOf('<query:AdhocQueryRequest'),
      body.indexOf('</soap:Body>'),
    );
    const message = plainSoap(
      soapRequestEnvelope(ACTIONS.storedQuery, inner, { security }),
      ACTIONS.storedQuery,
    );
    expectSuccess(await postSoap(gateway, 'registry', message, 'medecin-generaliste'));

    const client = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ principal: Record<string, unknown> }>(
        `SELECT principal FROM audit_event WHERE patient_key = $1 AND transaction = 'ITI-18'`,
        [patient.cx],
      );
      expect(rows.map((row) => row.principal.assertionDigest)).toEqual(['SHA-1']);
    } finally {
      await client.end();
    }
  });
});
