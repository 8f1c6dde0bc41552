import { PatientId } from '@passerelle/domain';
import { EXIT } from './cli-error';
import { gatewayFailure, patientResource } from './api-records-client';
import { apiTarget } from './records-client';

const BASE = 'https://localhost:8443/fhir';

describe('apiTarget', () => {
  const files = { cert: 'c.pem', key: 'k.pem' };

  it.each(['https://localhost:8443', 'https://localhost:8443/', 'https://localhost:8443/fhir/'])(
    'finds the FHIR base of %s',
    (server) => {
      expect(apiTarget(server, files).fhirBaseUrl).toBe(BASE);
    },
  );

  it('requires https and a client certificate', () => {
    expect(() => apiTarget('http://localhost:8443', files)).toThrow(/https:\/\//);
    expect(() => apiTarget('localhost:8443', files)).toThrow(/https:\/\//);
    expect(() => apiTarget('https://localhost:8443', { cert: 'c.pem' })).toThrow(/--key/);
  });
});

describe('patientResource', () => {
  const patientId = PatientId.of('1.2.250.1.213.1.4.8', '277069912345674');

  it('carries the INS and the given demographics only', () => {
    expect(patientResource(patientId, { family: 'DUPONT', gender: 'female' })).toEqual({
      resourceType: 'Patient',
      identifier: [
        { use: 'official', system: 'urn:oid:1.2.250.1.213.1.4.8', value: patientId.value },
      ],
      name: [{ family: 'DUPONT' }],
      gender: 'female',
    });
  });
});

describe('gatewayFailure', () => {
  const refused = (status: number) =>
    Object.assign(new Error(`HTTP ${status}`), {
      response: {
        status,
        data: { resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Bad INS' }] },
      },
    });

  it("reports the gateway's diagnostics; a rejected request is invalid input", () => {
    const failure = gatewayFailure(BASE, refused(400));
    expect(failure.message).toBe('The gateway answered HTTP 400: Bad INS');
    expect(failure.exitCode).toBe(EXIT.INVALID);
    expect(gatewayFailure(BASE, refused(403)).exitCode).toBe(EXIT.FAILURE);
  });

  it('explains network failures by their cause, with a hint for an untrusted server', () => {
    const cause = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const failure = gatewayFailure(BASE, new TypeError('fetch failed', { cause }));
    expect(failure.message).toBe(
      `Cannot reach ${BASE}: self-signed certificate in certificate chain` +
        " (pass the CA that issued the gateway's certificate with --ca)",
    );
    expect(failure.exitCode).toBe(EXIT.FAILURE);
  });
});
