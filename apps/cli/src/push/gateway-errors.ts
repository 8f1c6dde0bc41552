import type { OperationOutcome } from 'fhir/r4';
import { gatewayFailure } from '../api-records-client';
import { CliError, EXIT } from '../cli-error';

const REJECTED_AS_INVALID = new Set([400, 412, 422]);

/** The gateway answered 4xx: the request itself is wrong, sending it again will not help. */
export class GatewayRejected extends CliError {
  constructor(
    readonly status: number,
    readonly outcome: OperationOutcome | undefined,
  ) {
    super(
      `The gateway refused it (HTTP ${status}): ${describeOutcome(outcome)}`,
      REJECTED_AS_INVALID.has(status) ? EXIT.INVALID : EXIT.FAILURE,
    );
    this.name = 'GatewayRejected';
  }
}

/** The gateway could not be reached or failed (5xx): worth trying again later. */
export class GatewayUnavailable extends CliError {
  constructor(message: string) {
    super(message, EXIT.FAILURE);
    this.name = 'GatewayUnavailable';
  }
}

interface HttpFailure {
  readonly response: { readonly status: number; readonly data?: unknown };
}

/** fhir-kit-client's (or a download's) failure as a rejection or an unavailability. */
export function classifyGatewayError(baseUrl: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (isHttpFailure(error)) {
    const { status, data } = error.response;
    if (status >= 500) {
      return new GatewayUnavailable(
        `The gateway failed (HTTP ${status}): ${describeOutcome(outcomeOf(data))}`,
      );
    }
    return new GatewayRejected(status, outcomeOf(data));
  }
  return new GatewayUnavailable(gatewayFailure(baseUrl, error).message);
}

function outcomeOf(data: unknown): OperationOutcome | undefined {
  const resource = data as Partial<OperationOutcome> | null | undefined;
  return resource?.resourceType === 'OperationOutcome' ? (resource as OperationOutcome) : undefined;
}

/** Each issue: the XDS code it stands for and its diagnostics. */
function describeOutcome(outcome: OperationOutcome | undefined): string {
  const described = (outcome?.issue ?? []).map((issue) => {
    const xdsCode = issue.details?.coding?.find((coding) => coding.code)?.code;
    const text = issue.diagnostics ?? issue.details?.text ?? issue.code;
    return xdsCode ? `${xdsCode}: ${text}` : text;
  });
  return described.length > 0 ? described.join('; ') : 'no details';
}

function isHttpFailure(error: unknown): error is HttpFailure {
  const response = (error as Partial<HttpFailure> | null)?.response;
  return typeof response?.status === 'number';
}
