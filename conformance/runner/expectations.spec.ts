import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFhirAnswer } from './fhir-expectations';
import { jsonPathValue, xdsPathValue } from './response-paths';
import type { HttpResponseRecord } from './results';
import { readSoapAnswer } from './soap-answer';
import { checkXdsAnswer } from './xds-expectations';

const NIST = join(__dirname, '..', 'fixtures', 'xds', 'nist-toolkit');
const noContent = () => Buffer.alloc(0);

function soap(body: Buffer | string): HttpResponseRecord {
  return {
    status: 200,
    headers: { 'content-type': 'application/soap+xml' },
    body: Buffer.from(body),
  };
}

const queryAnswer = soap(
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>' +
    '<query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" ' +
    'xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" ' +
    'status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"><rim:RegistryObjectList>' +
    '<rim:ExtrinsicObject id="urn:uuid:1" status="urn:oasis:names:tc:ebxml-regrep:StatusType:Approved">' +
    '<rim:Slot name="hash"><rim:ValueList><rim:Value>abc</rim:Value></rim:ValueList></rim:Slot>' +
    '<rim:ExternalIdentifier identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="1.2.3"/>' +
    '</rim:ExtrinsicObject><rim:ObjectRef id="urn:uuid:2"/></rim:RegistryObjectList>' +
    '</query:AdhocQueryResponse></s:Body></s:Envelope>',
);

describe('XDS answers', () => {
  it('checks status, error codes, object counts and values of a registry response', () => {
    const answer = readSoapAnswer(queryAnswer);
    expect(
      checkXdsAnswer(
        {
          httpStatus: 200,
          status: 'Success',
          objects: { ExtrinsicObject: 1, ObjectRef: 1, RegistryPackage: 0 },
          values: { 'ExtrinsicObject[0].slot:hash': 'abc', 'ExtrinsicObject[0].uniqueId': '1.2.3' },
        },
        200,
        answer,
        noContent,
      ),
    ).toEqual([]);
    expect(
      checkXdsAnswer(
        { status: 'Failure', errorCodes: ['XDSRegistryError'] },
        200,
        answer,
        noContent,
      ),
    ).toEqual([
      { check: 'registry response status', expected: 'Failure', actual: 'Success' },
      { check: 'RegistryError code', expected: 'XDSRegistryError', actual: '(no RegistryError)' },
    ]);
  });

  it('reads the NIST reference answers: a RegistryResponse Success and an MTOM-required SOAP Fault', () => {
    const success = readSoapAnswer(
      soap(readFileSync(join(NIST, 'message-validator', 'soap-pnr-resp.xml'))),
    );
    expect(checkXdsAnswer({ status: 'Success' }, 200, success, noContent)).toEqual([]);

    const fault = readSoapAnswer(
      soap(readFileSync(join(NIST, 'mtom', 'boundaryTest', 'response_body.txt'))),
    );
    expect(checkXdsAnswer({ soapFault: 'Sender' }, 400, fault, noContent)).toEqual([]);
    const [mismatch] = checkXdsAnswer({ status: 'Success' }, 400, fault, noContent);
    expect(mismatch.check).toBe('response');
    expect(mismatch.actual).toMatch(/^SOAP Fault Sender: .*MTOM is required/);
  });

  it('passes anyOf when one alternative passes, and labels every alternative otherwise', () => {
    const answer = readSoapAnswer(queryAnswer);
    expect(
      checkXdsAnswer(
        { anyOf: [{ soapFault: 'Sender' }, { status: 'Success' }] },
        200,
        answer,
        noContent,
      ),
    ).toEqual([]);
    const mismatches = checkXdsAnswer(
      { anyOf: [{ soapFault: 'Sender' }, { status: 'Failure' }] },
      200,
      answer,
      noContent,
    );
    expect(mismatches.map((m) => m.check)).toEqual([
      'alternative 1: SOAP Fault code',
      'alternative 2: registry response status',
    ]);
  });

  it('says what came back when it is not SOAP at all', () => {
    const html = readSoapAnswer({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: Buffer.from('<h1>Bad gateway</h1>'),
    });
    const [mismatch] = checkXdsAnswer({ status: 'Success' }, 502, html, noContent);
    expect(mismatch).toMatchObject({ check: 'response', expected: 'a SOAP 1.2 answer' });
    expect(mismatch.actual).toContain('text/html');
  });

  it('finds response values by path, and refuses a malformed path', () => {
    const { body } = readSoapAnswer(queryAnswer);
    expect(xdsPathValue(body!, 'ExtrinsicObject[0].@status')).toBe(
      'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
    );
    expect(xdsPathValue(body!, 'ExtrinsicObject[1].@id')).toBeUndefined();
    expect(() => xdsPathValue(body!, 'ExtrinsicObject.@id')).toThrow(/Malformed response path/);
  });
});

describe('FHIR answers', () => {
  const outcome: HttpResponseRecord = {
    status: 422,
    headers: { 'content-type': 'application/fhir+json' },
    body: Buffer.from(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [
          {
            diagnostics: 'Supplied hash differs',
            details: { coding: [{ code: 'XDSRepositoryMetadataError' }] },
          },
        ],
      }),
    ),
  };

  it('checks status, resource type, the XDS code of an OperationOutcome and its diagnostics', () => {
    expect(
      checkFhirAnswer(
        {
          status: 422,
          resourceType: 'OperationOutcome',
          issueCode: 'XDSRepositoryMetadataError',
          diagnostics: 'hash',
        },
        outcome,
        noContent,
      ),
    ).toEqual([]);
    expect(
      checkFhirAnswer(
        { status: [200, 201], issueCode: ['XDSNonIdenticalHash'] },
        outcome,
        noContent,
      ),
    ).toEqual([
      { check: 'HTTP status', expected: 'one of 200, 201', actual: '422' },
      {
        check: 'OperationOutcome issue code',
        expected: 'XDSNonIdenticalHash',
        actual: 'XDSRepositoryMetadataError',
      },
    ]);
  });

  it('compares values by JSON path (null meaning absent) and bytes with a file', () => {
    const bundle: HttpResponseRecord = {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from(
        JSON.stringify({ total: 2, entry: [{ response: { status: '201 Created' } }, {}] }),
      ),
    };
    expect(
      checkFhirAnswer(
        {
          total: 2,
          values: {
            'entry.*.response.status': ['201 Created', null],
            'entry.length': 2,
            link: null,
          },
        },
        bundle,
        noContent,
      ),
    ).toEqual([]);
    expect(jsonPathValue({ a: [{ b: 1 }, { b: 2 }] }, 'a.*.b')).toEqual([1, 2]);
    const [content] = checkFhirAnswer({ sameContentAs: { file: 'x' } }, bundle, () =>
      Buffer.from('other'),
    );
    expect(content.check).toBe('content');
    expect(content.expected).toMatch(/^5 bytes, SHA-1 [0-9a-f]{40}$/);
  });

  it('reports a body that is not JSON when JSON was needed', () => {
    const html: HttpResponseRecord = {
      status: 200,
      headers: {},
      body: Buffer.from('<html>oops</html>'),
    };
    expect(checkFhirAnswer({ status: 200, total: 1 }, html, noContent)).toEqual([
      { check: 'response body', expected: 'JSON', actual: '<html>oops</html>' },
    ]);
  });
});
