import type { AuditEntry, AuditRecord, AuditStore } from '@passerelle/audit';
import { Page, WriteUnit, isNotificationWanted } from '@passerelle/domain';
import type { InMemoryPatientRecords } from './patient-records';
import { inMemoryUnit } from './registry';

/**
 * The audit trail, in memory: what the doors write, and the patient's history, newest first.
 * As the outbox does, it keeps no notification of a kind the patient turned off.
 */
export class InMemoryAuditStore implements AuditStore {
  readonly entries: AuditEntry[] = [];

  constructor(private readonly records: InMemoryPatientRecords) {}

  write(entry: AuditEntry): Promise<void> {
    const notifications = entry.notifications.filter((notification) =>
      isNotificationWanted(
        this.records.get(notification.patientKey)?.notificationPreferences,
        notification.kind,
      ),
    );
    this.entries.push({ ...entry, notifications });
    return Promise.resolve();
  }

  stage(unit: WriteUnit, entry: AuditEntry): void {
    inMemoryUnit(unit).onCommit.push(() => void this.write(entry));
  }

  findByPatient(patientKey: string, limit: number, offset: number): Promise<Page<AuditRecord>> {
    const records = this.entries
      .map((entry) => entry.record)
      .filter((record) => record.patientKey === patientKey)
      .sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime());
    return Promise.resolve({ items: records.slice(offset, offset + limit), total: records.length });
  }
}
