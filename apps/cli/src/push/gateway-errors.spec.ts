import { EXIT } from '../cli-error';
import { GatewayRejected, GatewayUnavailable, classifyGatewayError } from './gateway-errors';

const BASE = 'https://localhost:8443/fhir';

function answered(status: number, diagnostics: string, xdsCode?: string) {
  return Object.assign(new Error(`HTTP ${status}`), {
    response: {
      status,
      data: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'invalid',
            diagnostics,
            ...(xdsCode ? { details: { coding: [{ code: xdsCode }] } } : {}),
          },
        ],
      },
    },
  });
}

describe('classifyGatewayError', () => {
  it('makes a 4xx a rejection naming the XDS code and the rule, as invalid input when 400/422', () => {
    const rejected = classifyGatewayError(
      BASE,
      answered(422, 'DocumentEntry.typeCode is required', 'XDSRegistryMetadataError'),
    );
    expect(rejected).toBeInstanceOf(GatewayRejected);
    expect(rejected.message).toBe(
      'The gateway refused it (HTTP 422): XDSRegistryMetadataError: DocumentEntry.typeCode is required',
    );
    expect(rejected.exitCode).toBe(EXIT.INVALID);
    expect(
      classifyGatewayError(BASE, answered(409, 'other content', 'XDSNonIdenticalHash')).exitCode,
    ).toBe(EXIT.FAILURE);
  });

  it('makes a 5xx or a network failure an unavailability, worth retrying', () => {
    const failed = classifyGatewayError(BASE, answered(503, 'Internal error; correlation id 42'));
    expect(failed).toBeInstanceOf(GatewayUnavailable);
    expect(failed.message).toBe('The gateway failed (HTTP 503): Internal error; correlation id 42');
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), {
      code: 'ECONNREFUSED',
    });
    const unreachable = classifyGatewayError(BASE, new TypeError('fetch failed', { cause }));
    expect(unreachable).toBeInstanceOf(GatewayUnavailable);
    expect(unreachable.message).toBe(`Cannot reach ${BASE}: connect ECONNREFUSED 127.0.0.1:8443`);
  });

  it('says so when the gateway gave no OperationOutcome', () => {
    const error = Object.assign(new Error('HTTP 404'), {
      response: { status: 404, data: 'Not Found' },
    });
    expect(classifyGatewayError(BASE, error).message).toBe(
      'The gateway refused it (HTTP 404): no details',
    );
  });
});
