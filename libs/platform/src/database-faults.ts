/** What a client told "retry later" is asked to wait, in seconds (HTTP Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * SQLSTATEs of a database that cannot serve now but may soon: connection exceptions (class 08),
 * an administrator's or a crash's shutdown and a start not finished (57P01–57P03), no free
 * connection slot (53300).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** Socket errors of a database that cannot be reached. */
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What node-postgres throws without a code when a connection ends or cannot be had in time. */
const UNAVAILABLE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;

/**
 * Whether a failure is the database being unreachable or going away (a retry may succeed), as
 * opposed to a fault of the request or of the gateway. Follows the causes TypeORM and
 * node-postgres wrap errors in.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    if (typeof cause !== 'object') return false;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_SQLSTATE.test(code) || UNREACHABLE_ERRNO.has(code))
    ) {
      return true;
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    const next = cause as { driverError?: unknown; cause?: unknown };
    cause = next.driverError ?? next.cause;
  }
  return false;
}
