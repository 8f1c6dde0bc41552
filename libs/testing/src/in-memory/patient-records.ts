import type { NotificationPreferences, PatientRecord, RecordLifecycle } from '@passerelle/domain';
import type {
  ContactDetails,
  PatientRecordStore,
  RecordLifecycleStore,
} from '@passerelle/record-management';

const LIFECYCLE_FIELDS = [
  'status',
  'closedAt',
  'closureReason',
  'oppositionUntil',
  'deletionRequestedAt',
  'purgeDueAt',
  'suspension',
  'purgedAt',
] as const;

/**
 * The patients' records, in memory (the `patient_record` table): what the record store port
 * reads and writes, their lifecycle, and what the access-state store and the registry's guard
 * read of them.
 */
export class InMemoryPatientRecords implements PatientRecordStore, RecordLifecycleStore {
  private readonly records = new Map<string, PatientRecord>();

  find(patientKey: string): Promise<PatientRecord | undefined> {
    return Promise.resolve(this.get(patientKey));
  }

  openIfAbsent(record: PatientRecord): Promise<{ record: PatientRecord; created: boolean }> {
    const existing = this.records.get(record.patientKey);
    if (existing) return Promise.resolve({ record: existing, created: false });
    this.records.set(record.patientKey, record);
    return Promise.resolve({ record, created: true });
  }

  setNotificationPreferences(
    patientKey: string,
    preferences: NotificationPreferences,
  ): Promise<void> {
    this.update(patientKey, (record) => ({ ...record, notificationPreferences: preferences }));
    return Promise.resolve();
  }

  setContactDetails(patientKey: string, contact: ContactDetails): Promise<void> {
    this.update(patientKey, (record) => ({ ...record, ...contact }));
    return Promise.resolve();
  }

  transition(
    patientKey: string,
    step: (current: RecordLifecycle) => RecordLifecycle,
  ): Promise<RecordLifecycle | undefined> {
    const record = this.records.get(patientKey);
    if (!record) return Promise.resolve(undefined);
    const next = step(record);
    const kept = Object.fromEntries(
      Object.entries(record).filter(
        ([field]) => !(LIFECYCLE_FIELDS as readonly string[]).includes(field),
      ),
    ) as Omit<PatientRecord, (typeof LIFECYCLE_FIELDS)[number]>;
    this.records.set(patientKey, { ...kept, ...next });
    return Promise.resolve(next);
  }

  /** The record as it stands, read synchronously by the other in-memory stores. */
  get(patientKey: string): PatientRecord | undefined {
    return this.records.get(patientKey);
  }

  /** Replaces a record's row (status changes); false when there is none, as an UPDATE. */
  update(patientKey: string, change: (record: PatientRecord) => PatientRecord): boolean {
    const record = this.records.get(patientKey);
    if (!record) return false;
    this.records.set(patientKey, change(record));
    return true;
  }
}
