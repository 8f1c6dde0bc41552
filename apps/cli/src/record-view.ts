import type { Extension, Patient } from 'fhir/r4';
import type { PatientRecord } from '@passerelle/domain';
import { RECORD_STATUS_EXTENSION } from '@passerelle/mhd';
import { CliError } from './cli-error';

/** What `record status --json` prints for an existing record. */
export interface RecordView {
  readonly ins: string;
  readonly oid: string;
  readonly status: string;
  readonly openedAt: string;
  readonly openedBy?: string;
  readonly closedAt?: string;
  readonly closureReason?: string;
  /** Pending: until when the patient may oppose. */
  readonly oppositionUntil?: string;
  /** Closed or deletion requested: when it will be purged. */
  readonly purgeDueAt?: string;
  /** Suspended (in the database only): the legal basis and the decision's reference. */
  readonly suspension?: { readonly basis: string; readonly reference: string; readonly at: string };
}

const INS_SYSTEM_PREFIX = 'urn:oid:1.2.250.1.213.1.4.';

export function recordViewOf(record: PatientRecord): RecordView {
  return withoutUndefined({
    ins: record.insValue,
    oid: record.insOid,
    status: record.status,
    openedAt: record.openedAt.toISOString(),
    openedBy: record.openedBy,
    closedAt: record.closedAt?.toISOString(),
    closureReason: record.closureReason,
    oppositionUntil: record.oppositionUntil?.toISOString(),
    purgeDueAt: record.purgeDueAt?.toISOString(),
    suspension: record.suspension && {
      basis: record.suspension.basis,
      reference: record.suspension.reference,
      at: record.suspension.at.toISOString(),
    },
  });
}

/** Reads the record out of the gateway's Patient resource (INS identifier + status extension). */
export function recordViewOfPatient(patient: Patient): RecordView {
  const ins = patient.identifier?.find((identifier) =>
    identifier.system?.startsWith(INS_SYSTEM_PREFIX),
  );
  const details = patient.extension?.find((extension) => extension.url === RECORD_STATUS_EXTENSION);
  const status = subValue(details, 'status');
  const openedAt = subValue(details, 'opened');
  if (!ins?.system || !ins.value || !status || !openedAt) {
    throw new CliError('The gateway answered a Patient without its INS or record status');
  }
  return withoutUndefined({
    ins: ins.value,
    oid: ins.system.slice('urn:oid:'.length),
    status,
    openedAt,
    openedBy: subValue(details, 'openedBy'),
    closedAt: subValue(details, 'closed'),
    closureReason: subValue(details, 'closureReason'),
    oppositionUntil: subValue(details, 'oppositionUntil'),
    purgeDueAt: subValue(details, 'purgeDue'),
  });
}

function subValue(extension: Extension | undefined, url: string): string | undefined {
  const sub = extension?.extension?.find((candidate) => candidate.url === url);
  return sub?.valueCode ?? sub?.valueDateTime ?? sub?.valueString;
}

/** Keeps JSON output free of `"closedAt": undefined` keys and equal in both modes. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
