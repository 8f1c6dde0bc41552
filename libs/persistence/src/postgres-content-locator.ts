import { Injectable } from '@nestjs/common';
import type { ActorStructures, NamedDocumentState } from '@passerelle/access-control';
import type { ContentLocator } from '@passerelle/document-repository';
import { DataSource } from 'typeorm';
import type { DocumentEntryRow } from './entities';
import { StateRow, accessStateOf, accessStateSql } from './postgres-access-state-store';
import { PoolStatement, runOnPool } from './pg-pool';
import { documentEntryFromRow } from './row-mapping';

/** The state's columns, and the entry's (null when the id names nothing). */
interface LocatedRow extends StateRow {
  entry_uuid: string | null;
  version: DocumentEntryRow['version'] | null;
  entry_status: DocumentEntryRow['status'] | null;
  metadata: DocumentEntryRow['metadata'] | null;
}

/**
 * The latest version of the document whose content is $1, and the access state of its record
 * (of no record, '', when $1 names nothing: the same statement and work either way).
 */
const LOCATE_CONTENT: PoolStatement = {
  name: 'iti68-locate-content',
  text: `WITH located AS (
           SELECT e.patient_key, e.entry_uuid, e.version, e.status, e.metadata
             FROM document_content c JOIN document_entry e
               ON e.patient_key = c.patient_key AND e.content_id = c.content_id AND e.is_latest
            WHERE c.content_id = $1
            LIMIT 1)
         SELECT l.entry_uuid, l.version, l.status AS entry_status, l.metadata, s.*
           FROM (SELECT COALESCE((SELECT patient_key FROM located), '') AS patient_key) AS k
           LEFT JOIN located l ON true
           CROSS JOIN LATERAL (${accessStateSql('k.patient_key')}) AS s`,
};

/** ITI-68's first round trip: what the access decision needs about a content id, no bytes. */
@Injectable()
export class PostgresContentLocator implements ContentLocator {
  constructor(private readonly dataSource: DataSource) {}

  async locateContent(
    contentId: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<NamedDocumentState> {
    const [row] = await runOnPool<LocatedRow>(this.dataSource, LOCATE_CONTENT, [
      contentId,
      subjectId,
      structures.actingFor,
      structures.confirmed,
    ]);
    const { entry_uuid: entryUuid, version, entry_status: status, metadata } = row;
    const entry =
      entryUuid && version !== null && status && metadata
        ? documentEntryFromRow({ entryUuid, version, status, metadata })
        : undefined;
    return { entry, state: accessStateOf(row) };
  }
}
