import { Inject, Injectable } from '@nestjs/common';
import type { Bundle, Parameters, ParametersParameter } from 'fhir/r4';
import {
  ACCESS_STATE_STORE,
  AccessControl,
  AccessStateStore,
  PatientAction,
} from '@passerelle/access-control';
import { AUDIT_STORE, AuditStore } from '@passerelle/audit';
import { DomainError, principalLabel } from '@passerelle/domain';
import { auditEventFrom } from './audit-event';
import { patientIdFromResourceId } from './patient-reference';
import type { RequestScope } from './request-scope';
import { MHD_OPTIONS, MhdOptions } from './mhd-options';
import { QueryParameters, pagingOf, patientOf } from './search-parameters';

type Operation = (
  patientKey: string,
  parameters: ParameterReader,
  scope: RequestScope,
) => Promise<void>;

interface OperationDefinition {
  readonly action: PatientAction;
  readonly run: Operation;
}

/**
 * Managing who may access the record: FHIR operations on `Patient/{id}`, each decided by the
 * access-control library and audited like any other request.
 */
@Injectable()
export class ManagementService {
  private readonly operations: Record<string, OperationDefinition>;

  constructor(
    private readonly access: AccessControl,
    @Inject(ACCESS_STATE_STORE) private readonly state: AccessStateStore,
    @Inject(AUDIT_STORE) private readonly audits: AuditStore,
    @Inject(MHD_OPTIONS) private readonly options: MhdOptions,
  ) {
    this.operations = {
      '$declare-authorisation': { action: 'consent.manage', run: this.declareAuthorisation },
      '$revoke-authorisation': { action: 'consent.manage', run: this.revokeAuthorisation },
      '$declare-medecin-traitant': { action: 'consent.manage', run: this.declareMedecinTraitant },
      $block: { action: 'patient.decide', run: this.block(true) },
      $unblock: { action: 'patient.decide', run: this.block(false) },
      '$emergency-consents': { action: 'patient.decide', run: this.emergencyConsents },
      $close: { action: 'patient.decide', run: this.recordStatus('closed') },
      $reopen: { action: 'patient.decide', run: this.recordStatus('open') },
    };
  }

  async run(
    id: string,
    operation: string,
    body: unknown,
    scope: RequestScope,
  ): Promise<Parameters> {
    scope.audit.begin(`Patient/${operation}`, 'unknown');
    const definition = this.operations[operation];
    if (!definition) {
      throw new DomainError('UNSUPPORTED_OPERATION', `Unknown operation ${operation} on Patient`);
    }
    const patientId = patientIdFromResourceId(id);
    await this.access.authorize(scope.audit, scope.principal, patientId.key, definition.action);
    await definition.run(patientId.key, new ParameterReader(body), scope);
    return { resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: true }] };
  }

  /** The patient's access history (DESIGN §5), as AuditEvent resources, newest first. */
  async auditEvents(
    params: QueryParameters,
    baseUrl: string,
    scope: RequestScope,
  ): Promise<Bundle> {
    scope.audit.begin('audit-read', 'audit.read');
    const patientId = patientOf(params);
    await this.access.authorize(scope.audit, scope.principal, patientId.key, 'audit.read');
    const { limit, offset } = pagingOf(params, this.options.maxPageSize, 50);
    const page = await this.audits.findByPatient(patientId.key, limit, offset);
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: page.total,
      entry: page.items.map((record) => ({
        fullUrl: `${baseUrl}/AuditEvent/${record.id}`,
        resource: auditEventFrom(record),
        search: { mode: 'match' },
      })),
    };
  }

  private readonly declareAuthorisation: Operation = async (patientKey, parameters, scope) => {
    const validUntil = parameters.date('validUntil');
    await this.state.declareAuthorisation({
      patientKey,
      subjectId: parameters.string('professional') ?? scope.principal.subjectId,
      state: parameters.boolean('forbidden') ? 'forbidden' : 'valid',
      expressConsent: parameters.boolean('expressConsent') ?? false,
      validUntil,
      declaredBy: principalLabel(scope.principal),
    });
  };

  private readonly revokeAuthorisation: Operation = async (patientKey, parameters, scope) => {
    const subjectId = parameters.string('professional') ?? scope.principal.subjectId;
    if (!(await this.state.revokeAuthorisation(patientKey, subjectId))) {
      throw new DomainError('RESOURCE_NOT_FOUND', `No authorisation for ${subjectId}`);
    }
  };

  /** Declared by the médecin himself, with the patient's consent. */
  private readonly declareMedecinTraitant: Operation = async (patientKey, _parameters, scope) => {
    const { principal } = scope;
    if (principal.kind !== 'PS' || principal.professionCode !== '10') {
      scope.audit.denied('NOT_A_MEDECIN');
      throw new DomainError('FORBIDDEN', 'Only a médecin may be declared médecin traitant');
    }
    await this.state.declareMedecinTraitant(
      patientKey,
      principal.subjectId,
      principalLabel(principal),
    );
  };

  private block(blocked: boolean): Operation {
    return async (patientKey, parameters, scope) => {
      const professional = parameters.required('professional');
      await this.state.setBlocked(
        patientKey,
        professional,
        blocked,
        principalLabel(scope.principal),
      );
    };
  }

  private readonly emergencyConsents: Operation = async (patientKey, parameters) => {
    await this.state.setEmergencyConsents(patientKey, {
      centre15: parameters.boolean('centre15') ?? true,
      otherProfessionals: parameters.boolean('otherProfessionals') ?? true,
      maskedDocuments: parameters.boolean('maskedDocuments') ?? true,
    });
  };

  private recordStatus(status: 'open' | 'closed'): Operation {
    return async (patientKey, parameters) => {
      const reason = status === 'closed' ? parameters.required('reason') : undefined;
      await this.state.setRecordStatus(patientKey, status, reason);
    };
  }
}

/** Reads the `Parameters` body of an operation (an empty body means no parameter). */
class ParameterReader {
  private readonly parameters: readonly ParametersParameter[];

  constructor(body: unknown) {
    const resource = body as Partial<Parameters> | undefined;
    if (resource && Object.keys(resource).length > 0 && resource.resourceType !== 'Parameters') {
      throw new DomainError('INVALID_RESOURCE', 'An operation takes a Parameters resource');
    }
    this.parameters = resource?.parameter ?? [];
  }

  string(name: string): string | undefined {
    const parameter = this.find(name);
    return parameter?.valueString ?? parameter?.valueCode ?? parameter?.valueIdentifier?.value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (!value) throw new DomainError('METADATA_MISSING', `Parameter ${name} is required`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    return this.find(name)?.valueBoolean;
  }

  date(name: string): Date | undefined {
    const parameter = this.find(name);
    const value = parameter?.valueDate ?? parameter?.valueDateTime;
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (isNaN(date.getTime())) throw new DomainError('METADATA_INVALID', `${name} is not a date`);
    return date;
  }

  private find(name: string): ParametersParameter | undefined {
    return this.parameters.find((parameter) => parameter.name === name);
  }
}
