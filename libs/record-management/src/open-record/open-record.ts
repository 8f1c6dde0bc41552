import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import {
  DomainError,
  PatientId,
  PatientRecord,
  Principal,
  principalLabel,
} from '@passerelle/domain';
import {
  ACCESS_STATE_WRITER,
  AccessStateWriter,
  PATIENT_RECORD_STORE,
  PatientRecordStore,
} from '../ports';
import { recordAsSeenBy } from '../record-status/record-status';
import {
  LegalRepresentative,
  PATIENT_INVITATIONS,
  PatientInvitations,
} from './patient-invitations';

export interface Demographics {
  readonly family?: string;
  readonly given?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  readonly email?: string;
}

export interface OpenRecordCommand {
  readonly patientId: PatientId;
  readonly demographics: Demographics;
  /** A minor's legal representatives: each gets an account on the patient's channel. */
  readonly representatives?: readonly LegalRepresentative[];
  /** Conditional (`If-None-Exist`): an existing record is kept and returned. */
  readonly unlessExists: boolean;
}

/**
 * Opening the patient's record ("DMP"), required before any document is accepted. The
 * professional who opens it, with the patient, holds an authorisation from then on.
 */
@Injectable()
export class OpenRecord implements UseCase<
  OpenRecordCommand,
  { record: PatientRecord; created: boolean }
> {
  constructor(
    private readonly access: AccessControl,
    @Inject(PATIENT_RECORD_STORE) private readonly records: PatientRecordStore,
    @Inject(ACCESS_STATE_WRITER) private readonly writer: AccessStateWriter,
    @Inject(PATIENT_INVITATIONS) private readonly invitations: PatientInvitations,
  ) {}

  execute(
    actor: Principal,
    { patientId, demographics, unlessExists, representatives = [] }: OpenRecordCommand,
  ): Promise<Outcome<{ record: PatientRecord; created: boolean }>> {
    return audited({ transaction: 'record-open', action: 'record.open' }, actor, async (audit) => {
      const access = await this.access.authorize(audit, actor, 'record.open', patientId.key);
      if (!unlessExists && (await this.records.find(patientId.key))) {
        throw new DomainError(
          'DUPLICATE_UNIQUE_ID',
          `A record already exists for ${patientId.key}`,
        );
      }
      const opened = await this.records.openIfAbsent({
        patientKey: patientId.key,
        insValue: patientId.value,
        insOid: patientId.oid,
        status: 'open',
        openedAt: new Date(),
        openedBy: principalLabel(actor),
        ...demographics,
      });
      if (opened.created) {
        await this.invitations.invite({
          patientKey: patientId.key,
          insValue: patientId.value,
          patientName: [demographics.given, demographics.family].filter(Boolean).join(' '),
          patientEmail: demographics.email,
          representatives,
        });
      }
      if (opened.created && actor.kind === 'PS') {
        await this.writer.declareAuthorisation({
          patientKey: patientId.key,
          subjectId: actor.subjectId,
          subjectKind: 'PS',
          state: 'valid',
          expressConsent: false,
          declaredBy: principalLabel(actor),
        });
      }
      return { ...opened, record: recordAsSeenBy(access, opened.record) };
    });
  }
}
