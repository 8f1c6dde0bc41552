import type { AuditEntry, AuditRecord, AuditStore } from '@passerelle/audit';
import type { Page } from '@passerelle/domain';

/** The audit trail, in memory: what the doors write, and the patient's history, newest first. */
export class InMemoryAuditStore implements AuditStore {
  readonly entries: AuditEntry[] = [];

  write(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
    return Promise.resolve();
  }

  findByPatient(patientKey: string, limit: number, offset: number): Promise<Page<AuditRecord>> {
    const records = this.entries
      .map((entry) => entry.record)
      .filter((record) => record.patientKey === patientKey)
      .sort((a, b) => b.recordedAt.getTime() - a.recordedAt.getTime());
    return Promise.resolve({ items: records.slice(offset, offset + limit), total: records.length });
  }
}
