import { RequestFacts, withRequest } from '@passerelle/audit';
import type { LogLevel } from '@passerelle/platform';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import pino, { Logger } from 'pino';

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
 * Written when the answer is sent, or when the connection closes before (aborted): an error.
 * Nothing is prepared for a request whose line the level leaves out.
 */
export function requestLog(logger: Logger) {
  return (request: LoggedRequest, response: ServerResponse, next: () => void): void => {
    const started = performance.now();
    // Taken now: a router mounted under a prefix strips it from `url` while the request is in it.
    const url = request.url;
    const write = () => {
      const level = levelOf(response);
      if (!logger.isLevelEnabled(level)) return;
      const fields = {
        req: { id: request.id, method: request.method, path: url?.split('?')[0] },
        res: { status: response.statusCode },
        responseTime: Math.round(performance.now() - started),
        route: request.routePattern ?? request.route?.path,
        principal: request.facts?.principal,
        patient: request.facts?.patientKey,
      };
      logger[level](fields, response.writableFinished ? 'request completed' : 'request aborted');
    };
    response.once('close', write);
    next();
  };
}

function levelOf(response: ServerResponse): pino.Level {
  if (!response.writableFinished || response.statusCode >= 500) return 'error';
  return response.statusCode >= 400 ? 'warn' : 'info';
}
