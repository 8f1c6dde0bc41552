import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';
import { DomainError, ERROR_CATALOGUE, ErrorDetail } from '@passerelle/domain';

const XDS_CODE_SYSTEM = 'urn:ihe:iti:xds:2017:errorCodes';

/** A DomainError as an OperationOutcome: one issue per problem, with its XDS code. */
export function operationOutcomeFrom(error: DomainError): OperationOutcome {
  return outcomeOf(error.details, 'error');
}

/** What a success was accepted with (a code outside its value set under `warn`), as warnings. */
export function warningOutcome(warnings: readonly ErrorDetail[]): OperationOutcome {
  return outcomeOf(warnings, 'warning');
}

function outcomeOf(
  details: readonly ErrorDetail[],
  severity: OperationOutcomeIssue['severity'],
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: details.map((detail): OperationOutcomeIssue => {
      const entry = ERROR_CATALOGUE[detail.code];
      return {
        severity,
        code: entry.fhirIssueCode,
        details: {
          coding: [{ system: XDS_CODE_SYSTEM, code: entry.xdsCode, display: entry.summary }],
          text: detail.message,
        },
        diagnostics: detail.message,
        ...(detail.location ? { expression: [detail.location] } : {}),
      };
    }),
  };
}

/** An unexpected failure: no internals, only the correlation id to find it in the logs. */
export function internalErrorOutcome(correlationId: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'fatal',
        code: 'exception',
        diagnostics: `Internal error; correlation id ${correlationId}`,
      },
    ],
  };
}

export function simpleOutcome(
  code: OperationOutcomeIssue['code'],
  message: string,
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics: message }],
  };
}
