import { readFileSync, writeFileSync } from 'node:fs';
import {
  PROVIDE_AND_REGISTER,
  instantiateXdsTemplate,
  plainSoap,
  soapRequestEnvelope,
  type HttpBody,
} from '@passerelle/testing';
import { NS, childOf, childrenOf } from '@passerelle/xds';
import { Client } from 'pg';
import { request } from 'undici';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';
import { SoapAnswer, errorCodesOf, postSoap, statusOf } from './support/xds-client';
import {
  ACTIONS,
  STORED_QUERY,
  nistBytes,
  nistText,
  registerRequest,
  retrieveRequest,
  soapCall,
  storedQuery,
  withSymbols,
} from './support/xds-fixtures';

/**
 * The XDS door refuses bad input strictly (issue 17): MTOM packaging, the SOAP 1.2 envelope,
 * character encodings, media types, dates and ebRIM shapes. Each refusal is a SOAP fault or a
 * RegistryResponse with its XDS code, small, and stores nothing.
 */
const TEMPLATE = nistText('11966', 'submit', 'single_doc.xml');
const DOCUMENT = nistBytes('11966', 'submit', 'my_document.txt');
const ROOT_ID = 'root.message@passerelle.test';
const PART_ID = 'document1@passerelle.test';
const INCLUDE = `<xop:Include xmlns:xop="${NS.xop}" href="cid:${PART_ID}"/>`;

/** The gateway runs in this process: its peak resident memory since the last reset (Linux). */
function peakMemoryBytes(): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
}

function resetPeakMemory(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

interface RawPart {
  readonly headers: string;
  readonly bytes: Buffer;
}

/** A multipart/related body written by hand, headers and all, so that each can be broken. */
function multipart(envelope: Buffer, parts: readonly RawPart[]): HttpBody {
  const boundary = 'MIMEBoundary_strict';
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n` +
        `Content-Transfer-Encoding: binary\r\nContent-ID: <${ROOT_ID}>\r\n\r\n`,
    ),
    envelope,
  ];
  for (const part of parts) {
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${part.headers}\r\n\r\n`), part.bytes);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return {
    contentType:
      `multipart/related; type="application/xop+xml"; boundary="${boundary}"; ` +
      `start="<${ROOT_ID}>"; start-info="application/soap+xml"`,
    body: Buffer.concat(chunks),
  };
}

const documentPart = (
  bytes: Buffer = DOCUMENT,
  encoding = 'binary',
  contentId = PART_ID,
): RawPart => ({
  headers: `Content-Type: text/plain\r\nContent-Transfer-Encoding: ${encoding}\r\nContent-ID: <${contentId}>`,
  bytes,
});

describe('strict input at the XDS door', () => {
  let bed: DmpTestBed;
  let database: Client;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
  });

  afterAll(async () => {
    await database.end();
    await bed.close();
  });

  /** Submission sets, document entries and contents stored for the patient. */
  const storedFor = async (record: DmpRecord): Promise<number> => {
    const { rows } = await database.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM submission_set WHERE patient_key = $1)
            + (SELECT count(*) FROM document_entry WHERE patient_key = $1)
            + (SELECT count(*) FROM document_content WHERE patient_key = $1) AS n`,
      [record.key],
    );
    return Number(rows[0].n);
  };

  /** The ITI-41 metadata of the NIST single document, for a record, rewritten by `edit`. */
  const metadataFor = (record: DmpRecord, edit?: (xml: string) => string) => {
    const metadata = instantiateXdsTemplate(TEMPLATE, { patient: record.cx });
    if (!edit) return metadata;
    const edited = edit(metadata);
    expect(edited).not.toBe(metadata);
    return edited;
  };

  const provideEnvelope = (metadata: string, documentContent: string) =>
    soapRequestEnvelope(
      PROVIDE_AND_REGISTER,
      `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${NS.xdsb}">${metadata}` +
        `<xdsb:Document id="Document01">${documentContent}</xdsb:Document></xdsb:ProvideAndRegisterDocumentSetRequest>`,
    );

  /** An ITI-41 of the NIST document over MTOM, its envelope and parts given. */
  const provideMtom = (metadata: string, parts: readonly RawPart[], content = INCLUDE) =>
    multipart(Buffer.from(provideEnvelope(metadata, content)), parts);

  const expectFault = (answer: SoapAnswer, status = 400) => {
    expect(answer.status).toBe(status);
    expect(answer.body.ns).toBe(NS.soap12);
    expect(answer.body.local).toBe('Fault');
    expect(answer.raw.length).toBeLessThan(2_000);
  };

  const faultCode = (answer: SoapAnswer) =>
    childOf(childOf(answer.body, NS.soap12, 'Code')!, NS.soap12, 'Value')!.text;

  /** Sends for a fresh record; the answer must be a Sender fault and nothing stored. */
  const expectSenderFault = async (message: (record: DmpRecord) => HttpBody, status = 400) => {
    const record = await bed.newRecord();
    const answer = await postSoap(bed.gateway, 'repository', message(record));
    expectFault(answer, status);
    expect(faultCode(answer)).toBe('soap:Sender');
    expect(await storedFor(record)).toBe(0);
    return answer;
  };

  /** Sends an ITI-41 (or ITI-42) for a fresh record; a Failure with these codes, nothing stored. */
  const expectFailure = async (
    message: (record: DmpRecord) => HttpBody,
    codes: readonly string[],
    endpoint: 'repository' | 'registry' = 'repository',
  ) => {
    const record = await bed.newRecord();
    const answer = await postSoap(bed.gateway, endpoint, message(record));
    expect(answer.status).toBe(200);
    expect(statusOf(answer.body)).toBe('Failure');
    expect([...new Set(errorCodesOf(answer.body))]).toEqual(codes);
    expect(await storedFor(record)).toBe(0);
    return answer;
  };

  const codeContexts = (answer: SoapAnswer) => {
    const list = childOf(answer.body, NS.rs, 'RegistryErrorList');
    return list
      ? childrenOf(list, NS.rs, 'RegistryError').map((e) => e.attributes.codeContext)
      : [];
  };

  describe('MTOM packaging', () => {
    it('stores a document sent as a base64 part (the positive control)', async () => {
      const record = await bed.newRecord();
      const answer = await postSoap(
        bed.gateway,
        'repository',
        provideMtom(metadataFor(record), [
          documentPart(
            Buffer.from(DOCUMENT.toString('base64').replace(/.{76}/g, '$&\r\n')),
            'base64',
          ),
        ]),
      );
      expect(statusOf(answer.body)).toBe('Success');
      expect(await storedFor(record)).toBe(3);
    });

    it('refuses two parts with the same Content-ID instead of keeping the last', async () => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [
          documentPart(),
          documentPart(Buffer.from('other content')),
        ]),
      );
    });

    it('refuses a part giving its Content-ID header twice', async () => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [
          {
            headers: `Content-ID: <other@passerelle.test>\r\n${documentPart().headers}`,
            bytes: DOCUMENT,
          },
        ]),
      );
    });

    it('refuses part headers beyond 16 KB even when they arrive with their blank line', async () => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [
          {
            headers: `${documentPart().headers}\r\nX-Padding: ${'a'.repeat(20_000)}`,
            bytes: DOCUMENT,
          },
        ]),
      );
    });

    it.each(['quoted-printable', 'x-gzip', 'binary; x'])(
      'refuses the Content-Transfer-Encoding %s',
      async (encoding) => {
        await expectSenderFault((record) =>
          provideMtom(metadataFor(record), [documentPart(DOCUMENT, encoding)]),
        );
      },
    );

    it.each([
      ['a character outside the alphabet', 'VGhpcyBpcyBteSBk*2N1bWVudA=='],
      ['bad padding', 'VGhpcyBpcyBteSBkb2N1bWVudA='],
      ['padding in the middle', 'VGhp=cyBpcyBteSBkb2N1bWVudA=='],
    ])('refuses a base64 part with %s', async (_, base64) => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [documentPart(Buffer.from(base64), 'base64')]),
      );
    });

    it('refuses inline base64 text that Node would decode leniently', async () => {
      await expectSenderFault((record) =>
        plainSoap(
          provideEnvelope(metadataFor(record), 'VGhpcyBp!cyBteSBkb2N1bWVudA=='),
          PROVIDE_AND_REGISTER,
        ),
      );
    });

    it('refuses an xop:Include beside inline text in the same Document', async () => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [documentPart()], `VGhpcw==${INCLUDE}`),
      );
    });

    it('refuses an xop:Include naming no part of the request', async () => {
      await expectSenderFault((record) =>
        provideMtom(metadataFor(record), [
          documentPart(DOCUMENT, 'binary', 'other@passerelle.test'),
        ]),
      );
    });
  });

  describe('SOAP 1.2 envelope', () => {
    const envelope = (inside: string) =>
      `<soap:Envelope xmlns:soap="${NS.soap12}" xmlns:wsa="${NS.wsa}">${inside}</soap:Envelope>`;
    const header = `<soap:Header><wsa:Action>${PROVIDE_AND_REGISTER}</wsa:Action></soap:Header>`;

    it.each([
      [
        'a Body before the Header',
        (body: string) => envelope(`<soap:Body>${body}</soap:Body>${header}`),
      ],
      [
        'two Headers',
        (body: string) => envelope(`${header}${header}<soap:Body>${body}</soap:Body>`),
      ],
      [
        'an element after the Body',
        (body: string) => envelope(`${header}<soap:Body>${body}</soap:Body><wsa:To>x</wsa:To>`),
      ],
      [
        'text beside the Body',
        (body: string) => envelope(`${header}<soap:Body>${body}</soap:Body>stray text`),
      ],
      [
        'two elements in the Body',
        (body: string) => envelope(`${header}<soap:Body>${body}<wsa:To>x</wsa:To></soap:Body>`),
      ],
    ])('answers env:Sender to %s', async (_, write) => {
      await expectSenderFault((record) =>
        plainSoap(
          write(
            provideEnvelope(metadataFor(record), DOCUMENT.toString('base64')).replace(
              /^[\s\S]*<soap:Body>([\s\S]*)<\/soap:Body>[\s\S]*$/,
              '$1',
            ),
          ),
          PROVIDE_AND_REGISTER,
        ),
      );
    });
  });

  describe('character encodings', () => {
    const TITLE = "Compte rendu d'échographie";

    const withDeclaration = (record: DmpRecord, encoding: string, title = TITLE) =>
      provideEnvelope(
        metadataFor(record, (xml) => xml.replace('value="Physical"', `value="${title}"`)),
        DOCUMENT.toString('base64'),
      ).replace('encoding="UTF-8"', `encoding="${encoding}"`);

    it('reads an ISO-8859-1 envelope as Latin-1 and stores its text unchanged', async () => {
      const record = await bed.newRecord();
      const bytes = Buffer.from(withDeclaration(record, 'ISO-8859-1'), 'latin1');
      const answer = await postSoap(bed.gateway, 'repository', {
        contentType: 'application/soap+xml',
        body: bytes,
      });
      expect(statusOf(answer.body)).toBe('Success');
      const { rows } = await database.query<{ title: string }>(
        `SELECT metadata->>'title' AS title FROM document_entry WHERE patient_key = $1`,
        [record.key],
      );
      expect(rows.map((row) => row.title)).toEqual([TITLE]);
    });

    it('reads a US-ASCII envelope', async () => {
      const record = await bed.newRecord();
      const answer = await postSoap(bed.gateway, 'repository', {
        contentType: 'application/soap+xml',
        body: Buffer.from(withDeclaration(record, 'US-ASCII', 'Compte rendu'), 'latin1'),
      });
      expect(statusOf(answer.body)).toBe('Success');
    });

    it.each([
      ['bytes that are not UTF-8', 'UTF-8', 'latin1'],
      ['a byte above 0x7F in US-ASCII', 'US-ASCII', 'latin1'],
      ['an encoding other than UTF-8, ISO-8859-1 or US-ASCII', 'windows-1252', 'latin1'],
      ['UTF-16 declared over single bytes', 'UTF-16', 'latin1'],
    ] as const)('answers env:Sender to %s', async (_, encoding, written) => {
      await expectSenderFault((record) => ({
        contentType: 'application/soap+xml',
        body: Buffer.from(withDeclaration(record, encoding), written),
      }));
    });
  });

  describe('media types', () => {
    it.each([
      ['a line break (header injection)', 'text/plain&#13;&#10;X-Injected: 1'],
      ['no subtype', 'text'],
      ['a space inside', 'text /plain'],
    ])('refuses a mimeType holding %s, naming the entry', async (_, mimeType) => {
      const answer = await expectFailure(
        (record) =>
          provideMtom(
            metadataFor(record, (xml) =>
              xml.replace('mimeType="text/plain"', `mimeType="${mimeType}"`),
            ),
            [documentPart()],
          ),
        ['XDSRegistryMetadataError'],
      );
      expect(codeContexts(answer).join('\n')).toMatch(/DocumentEntry Document01: mimeType/);
    });

    it('refuses it in ITI-42 as well', async () => {
      await expectFailure(
        (record) =>
          soapCall(
            ACTIONS.register,
            metadataFor(record, (xml) =>
              xml.replace('mimeType="text/plain"', 'mimeType="text/plain&#10;X: 1"'),
            ),
          ),
        ['XDSRegistryMetadataError'],
        'registry',
      );
    });

    it('refuses it in an ITI-57 new version, the document left as it was', async () => {
      const record = await bed.newRecord();
      const entryUuids = new Map<string, string>();
      const uniqueIds = new Map<string, string>();
      const original = await postSoap(
        bed.gateway,
        'registry',
        registerRequest(nistText('15800', 'original', 'single_doc.xml'), {
          patient: record.cx,
          entryUuids,
          uniqueIds,
        }),
      );
      expect(statusOf(original.body)).toBe('Success');
      const update = withSymbols(nistText('15800', 'update', 'single_doc.xml'), {
        $lid$: entryUuids.get('Document01')!,
        $Document01_uid$: uniqueIds.get('Document01')!,
      }).replace('mimeType="text/plain"', 'mimeType="text/plain&#13;&#10;X-Injected: 1"');
      const answer = await postSoap(
        bed.gateway,
        'registry',
        soapCall(ACTIONS.update, instantiateXdsTemplate(update, { patient: record.cx })),
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryMetadataError']);
      const { rows } = await database.query<{ version: number; status: string }>(
        `SELECT version, status FROM document_entry WHERE patient_key = $1`,
        [record.key],
      );
      expect(rows).toEqual([{ version: 1, status: 'Approved' }]);
    });

    it('never writes a stored mime type that is not one into an ITI-43 part or an ITI-68 header', async () => {
      const record = await bed.newRecord();
      const uniqueIds = new Map<string, string>();
      const metadata = instantiateXdsTemplate(TEMPLATE, { patient: record.cx, uniqueIds });
      const provided = await postSoap(
        bed.gateway,
        'repository',
        provideMtom(metadata, [documentPart()]),
      );
      expect(statusOf(provided.body)).toBe('Success');
      const injected = 'text/plain\r\nX-Injected: 1';
      await database.query(`UPDATE document_content SET mime_type = $1 WHERE patient_key = $2`, [
        injected,
        record.key,
      ]);
      await database.query(
        `UPDATE document_entry SET metadata = jsonb_set(metadata, '{mimeType}', to_jsonb($1::text))
          WHERE patient_key = $2`,
        [injected, record.key],
      );

      const retrieved = await postSoap(
        bed.gateway,
        'repository',
        retrieveRequest([
          {
            repositoryUniqueId: '1.2.250.1.999.1.1.1',
            documentUniqueId: uniqueIds.get('Document01')!,
          },
        ]),
        'medecin-generaliste',
      );
      expect(statusOf(retrieved.body)).toBe('Success');
      expect([...retrieved.attachments.values()].map((part) => part.contentType)).toEqual([
        'application/octet-stream',
      ]);
      expect(retrieved.raw.toString('latin1')).not.toContain('X-Injected');

      const { rows } = await database.query<{ content_id: string }>(
        `SELECT content_id FROM document_content WHERE patient_key = $1`,
        [record.key],
      );
      const binary = await request(`${bed.gateway.fhirUrl}/Binary/${rows[0].content_id}`, {
        dispatcher: bed.gateway.agent('medecin-generaliste'),
      });
      expect(Buffer.from(await binary.body.arrayBuffer())).toEqual(DOCUMENT);
      expect(binary.statusCode).toBe(200);
      expect(binary.headers['content-type']).toBe('application/octet-stream');
      expect(binary.headers['x-injected']).toBeUndefined();
    });
  });

  describe('dates', () => {
    it.each([
      ['creationTime', '20051224', '20260230'],
      ['serviceStartTime', '200412230800', '200412232400'],
      ['serviceStopTime', '200412230801', '200412230860'],
    ])('refuses a %s that does not exist, never rolled over', async (_, valid, impossible) => {
      await expectFailure(
        (record) =>
          provideMtom(
            metadataFor(record, (xml) =>
              xml.replace(
                `<rim:Value>${valid}</rim:Value>`,
                `<rim:Value>${impossible}</rim:Value>`,
              ),
            ),
            [documentPart()],
          ),
        ['XDSRegistryMetadataError'],
      );
    });

    it('refuses an ITI-18 time parameter that does not exist', async () => {
      const record = await bed.newRecord();
      const answer = await postSoap(
        bed.gateway,
        'registry',
        storedQuery(STORED_QUERY.FindDocuments, {
          $XDSDocumentEntryPatientId: [`'${record.cx}'`],
          $XDSDocumentEntryStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
          $XDSDocumentEntryCreationTimeFrom: ['20260230'],
        }),
        'medecin-generaliste',
      );
      expect(statusOf(answer.body)).toBe('Failure');
      expect(errorCodesOf(answer.body)).toEqual(['XDSRegistryError']);
    });
  });

  describe('ebRIM shapes', () => {
    it.each([
      [
        'a Slot without its ValueList',
        (xml: string) =>
          xml.replace(
            /(<rim:Slot name="creationTime">)\s*<rim:ValueList>[\s\S]*?<\/rim:ValueList>/,
            '$1',
          ),
      ],
      [
        'a Value holding an element',
        (xml: string) =>
          xml.replace('<rim:Value>20051224</rim:Value>', '<rim:Value><rim:Value/></rim:Value>'),
      ],
      [
        'an ExternalIdentifier without its value',
        (xml: string) => xml.replace(/(<rim:ExternalIdentifier\b[^>]*?) value="[^"]*"/, '$1'),
      ],
      [
        'a Classification without its scheme',
        (xml: string) => xml.replace(/ classificationScheme="urn:uuid:f0306f51[^"]*"/, ''),
      ],
      [
        'an ExtrinsicObject without its id',
        (xml: string) => xml.replace(/<rim:ExtrinsicObject id="[^"]*"/, '<rim:ExtrinsicObject'),
        // Reported in the same answer: its Document then names no entry, and it has no Document.
        ['XDSMissingDocumentMetadata', 'XDSMissingDocument'],
      ],
      [
        'a RegistryPackage without its id',
        (xml: string) => xml.replace(/<rim:RegistryPackage id="[^"]*"/, '<rim:RegistryPackage'),
      ],
      [
        'an Association without its ends',
        (xml: string) =>
          xml.replace(/ sourceObject="[^"]*"/, '').replace(/ targetObject="[^"]*"/, ''),
      ],
      [
        'a Classification where an ExternalIdentifier is due',
        (xml: string) =>
          xml
            .replace(/<rim:ExternalIdentifier(\s)/, '<rim:Classification$1')
            .replace(/<\/rim:ExternalIdentifier>/, '</rim:Classification>'),
      ],
    ])('answers XDSRegistryMetadataError to %s', async (_, edit, consequences = []) => {
      await expectFailure(
        (record) =>
          plainSoap(
            provideEnvelope(metadataFor(record, edit), DOCUMENT.toString('base64')),
            PROVIDE_AND_REGISTER,
          ),
        ['XDSRegistryMetadataError', ...consequences],
      );
    });
  });

  describe('bounded echo', () => {
    it('answers a 60 MB ITI-18 slot value in about a kilobyte, its peak memory growing by less than 512 MB', async () => {
      const huge = 'x'.repeat(60 * 1024 * 1024);
      const message = storedQuery(STORED_QUERY.FindDocuments, {
        $XDSDocumentEntryPatientId: [`'${huge}'`],
        $XDSDocumentEntryStatus: [`('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')`],
      });
      resetPeakMemory();
      const before = peakMemoryBytes();
      const answer = await postSoap(bed.gateway, 'registry', message, 'medecin-generaliste');
      const grown = peakMemoryBytes() - before;
      expect(statusOf(answer.body)).toBe('Failure');
      expect(answer.raw.length).toBeLessThan(2_000);
      expect(codeContexts(answer).join('')).toContain('(62914560 characters)');
      expect(grown).toBeLessThan(512 * 1024 * 1024);
    });
  });

  describe('content types', () => {
    it.each([
      ['a JSON body', 'application/json', '{"resourceType":"Bundle"}'],
      ['a malformed JSON body', 'application/json', '{"resourceType":'],
      ['a FHIR JSON body', 'application/fhir+json', '{}'],
    ])('answers %s with a SOAP fault (415), not an OperationOutcome', async (_, type, body) => {
      const response = await request(`${bed.gateway.baseUrl}/xds/registry`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
        dispatcher: bed.gateway.agent('hopital-org'),
      });
      const text = await response.body.text();
      expect(response.statusCode).toBe(415);
      expect(String(response.headers['content-type'])).toMatch(/^application\/soap\+xml/);
      expect(text).toContain('soap:Fault');
      expect(text).not.toContain('OperationOutcome');
    });
  });
});
