import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditContext, AuditTrail, UseCaseResolver, useCaseResolver } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import type { Request } from 'express';
import { MHD_OPTIONS, MhdOptions } from '../mhd-options';
import {
  type QueryParameters,
  knownParameters,
  searchHandlingOf,
} from '../resources/search-parameters';
import { refuseUnsafeJson } from '../resources/safe-json';
import { capabilityStatement } from './capability-statement';
import { failureReply } from './fhir-errors';
import { refuseBadPercentEncoding, refuseMalformedQuery } from './query-shape';
import { simpleOutcome } from '../resources/operation-outcome';
import type { FhirReply, FhirRequestParts, FhirTransaction } from './fhir-transaction';
import { FHIR_TRANSACTIONS, route } from './fhir-transactions';

/** A request under /fhir: its principal (set by the guard) and, once routed, its route pattern. */
export type FhirRequest = Request & { principal?: Principal; routePattern?: string };

/**
 * The FHIR door's one pipeline: find the transaction in the table, read its command, run its
 * use case, write the audit facts the use case recorded (before anything leaves), answer. The
 * door decides nothing; a failure before the use case runs is audited under the transaction.
 */
@Injectable()
export class FhirDoor {
  private readonly useCases: UseCaseResolver;

  constructor(
    @Inject(MHD_OPTIONS) private readonly options: MhdOptions,
    moduleRef: ModuleRef,
    private readonly auditTrail: AuditTrail,
  ) {
    this.useCases = useCaseResolver(moduleRef);
  }

  async handle(request: FhirRequest): Promise<FhirReply> {
    const path = request.path.replace(/^\/fhir\/?/, '');
    let parts = this.partsOf(request);
    if (request.method === 'GET' && path === 'metadata') {
      return this.capabilities(request.principal, parts);
    }
    const actor = request.principal!;
    const match = route(request.method, path);
    if (!('transaction' in match)) {
      const unrouted = new AuditContext(`${request.method} /fhir/${path}`, 'unknown', actor);
      return this.audited(unrouted, unroutedReply(match.methods));
    }
    const { transaction } = match;
    request.routePattern = `/fhir/${transaction.path}`;
    let audit = new AuditContext(transaction.name, 'unknown', actor);
    let reply: FhirReply;
    try {
      refuseBadPercentEncoding(request.originalUrl);
      refuseUnsafeJson(match.params, 'path');
      refuseUnsafeJson(parts.query, 'query');
      refuseUnsafeJson(parts.body, 'body');
      if (transaction.searchParameters) {
        const handling = searchHandlingOf(request.headers.prefer);
        parts = {
          ...parts,
          query: knownParameters(parts.query, acceptedParameters(transaction), handling),
        };
      }
      refuseMalformedQuery(parts.query, transaction.searchParameters ?? []);
      const outcome = await transaction.handle(
        this.useCases,
        actor,
        { ...parts, params: match.params },
        this.options,
      );
      audit = outcome.audit;
      reply = outcome.ok ? outcome.value : failureReply(outcome.error);
    } catch (error) {
      reply = failureReply(error);
    }
    return this.audited(audit, reply);
  }

  /** No answer leaves unaudited: if the audit cannot be written, the caller gets a 500. */
  async audited(audit: AuditContext, reply: FhirReply): Promise<FhirReply> {
    try {
      await this.auditTrail.complete(audit, reply.status);
      return reply;
    } catch (error) {
      return failureReply(error);
    }
  }

  /** The CapabilityStatement, from the table: no patient data, no access decision. */
  private capabilities(actor: Principal | undefined, parts: FhirRequestParts): Promise<FhirReply> {
    return this.audited(new AuditContext('capabilities', 'metadata.read', actor), {
      status: 200,
      body: capabilityStatement(FHIR_TRANSACTIONS, parts.baseUrl, '0.1.0'),
    });
  }

  private partsOf(request: FhirRequest): FhirRequestParts {
    return {
      params: {},
      query: request.query as QueryParameters,
      body: request.body as unknown,
      headers: request.headers,
      baseUrl: this.options.publicBaseUrl ?? `https://${request.headers.host ?? 'localhost'}/fhir`,
    };
  }
}

/** A search's own parameters, and `_include` where it takes some. */
function acceptedParameters({ searchParameters = [], capability }: FhirTransaction): string[] {
  const includes = 'searchInclude' in capability && capability.searchInclude !== undefined;
  return [...searchParameters.map((p) => p.name), ...(includes ? ['_include'] : [])];
}

/** No transaction at this path (404), or not with this method (405, with the methods it takes). */
function unroutedReply(methods: readonly string[]): FhirReply {
  return methods.length
    ? {
        status: 405,
        body: simpleOutcome('not-supported', `Allowed here: ${methods.join(', ')}`),
        headers: { Allow: methods.join(', ') },
      }
    : { status: 404, body: simpleOutcome('not-found', 'No such FHIR endpoint') };
}
