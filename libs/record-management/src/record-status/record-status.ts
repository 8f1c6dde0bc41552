import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, PatientId, PatientRecord, Principal } from '@passerelle/domain';
import { PATIENT_RECORD_STORE, PatientRecordStore } from '../ports';

/** Whether the patient has a record, and its status (open, closed with date and reason). */
@Injectable()
export class FindRecord implements UseCase<PatientId, PatientRecord | undefined> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, patientId: PatientId): Promise<Outcome<PatientRecord | undefined>> {
    return audited(
      { transaction: 'record-status', action: 'record.status' },
      actor,
      async (audit) => {
        const record = await this.records.find(patientId.key);
        if (record) await this.access.authorize(audit, actor, 'record.status', record.patientKey);
        return record;
      },
    );
  }
}

/** The patient's record by its FHIR id; 404 when there is none. */
@Injectable()
export class ReadRecord implements UseCase<PatientId, PatientRecord> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
  ) {}

  execute(actor: Principal, patientId: PatientId): Promise<Outcome<PatientRecord>> {
    return audited(
      { transaction: 'record-status', action: 'record.status' },
      actor,
      async (audit) => {
        await this.access.authorize(audit, actor, 'record.status', patientId.key);
        const record = await this.records.find(patientId.key);
        if (!record)
          throw new DomainError('RESOURCE_NOT_FOUND', `Unknown Patient ${patientId.key}`);
        return record;
      },
    );
  }
}
