import { RequestFacts, withRequest } from '@passerelle/audit';
import type { LogLevel } from '@passerelle/platform';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino, { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** A caller's `X-Request-Id` is kept when it is a plain token, else replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type LoggedRequest = IncomingMessage & {
  id?: string;
  facts?: RequestFacts;
  routePattern?: string;
  route?: { path?: string };
};

/** The gateway's logger: JSON lines, pretty only on a terminal. */
export function gatewayLogger(level: LogLevel): Logger {
  return pino({
    level: PINO_LEVELS[level],
    base: { service: 'passerelle' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(process.stdout.isTTY
      ? { transport: { target: 'pino-pretty', options: { singleLine: true } } }
      : {}),
  });
}

/** Names the request (`X-Request-Id`, in the answer and in its audit record) for what follows. */
export function requestIdentity(request: Request, response: Response, next: NextFunction): void {
  const given = request.headers['x-request-id'];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  const facts: RequestFacts = { requestId };
  Object.assign(request, { id: requestId, facts });
  response.setHeader('X-Request-Id', requestId);
  withRequest(facts, next);
}

/**
 * One line per request: method, path (never the query, which may name a patient), route,
 * status, duration, principal and patient key as the audit trail knew them. No header, no body.
 */
export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (request: LoggedRequest) => request.id ?? randomUUID(),
    serializers: {
      req: (request: { id: string; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        path: request.url.split('?')[0],
      }),
      res: (response: { statusCode: number }) => ({ status: response.statusCode }),
    },
    customProps: (request: LoggedRequest) => ({
      route: request.routePattern ?? request.route?.path,
      principal: request.facts?.principal,
      patient: request.facts?.patientKey,
    }),
    customLogLevel: (_request: IncomingMessage, response: ServerResponse, error?: Error) =>
      error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
}
