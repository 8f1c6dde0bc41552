import { randomUUID } from 'node:crypto';

/** A fresh `urn:uuid:` identifier (generated in code: PGlite has no uuid extensions). */
export function newEntryUuid(): string {
  return `urn:uuid:${randomUUID()}`;
}

export function stripUrnUuid(id: string): string {
  return id.startsWith('urn:uuid:') ? id.slice('urn:uuid:'.length) : id;
}
