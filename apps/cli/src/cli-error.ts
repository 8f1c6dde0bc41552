import { DomainError } from '@passerelle/domain';
import { ConfigError } from '@passerelle/platform';

/** Process exit codes, documented in `passerelle --help`. */
export const EXIT = { OK: 0, FAILURE: 1, INVALID: 2 } as const;

/** A failure explained to the operator in one line, with the exit code it ends the process with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The operator's input is wrong (exit 2). */
export function invalidInput(message: string): CliError {
  return new CliError(message, EXIT.INVALID);
}

export interface Failure {
  readonly message: string;
  readonly exitCode: number;
}

/** The one line printed for any error, and the exit code. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof ConfigError) {
    return { message: `Configuration error: ${error.message}`, exitCode: EXIT.INVALID };
  }
  if (error instanceof DomainError) {
    const exitCode = error.catalogue.httpStatus === 400 ? EXIT.INVALID : EXIT.FAILURE;
    return { message: error.message, exitCode };
  }
  return { message: oneLine(messageWithCause(error)), exitCode: EXIT.FAILURE };
}

/** Node's network errors say little ("fetch failed") without their cause. */
export function messageWithCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

function oneLine(text: string): string {
  return text.split('\n')[0].trim() || 'Unexpected error';
}
