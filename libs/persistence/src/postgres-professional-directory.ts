import { Injectable } from '@nestjs/common';
import type { Professional, ProfessionalDirectory } from '@passerelle/access-control';
import { DataSource, EntityManager } from 'typeorm';
import { ProfessionalRow } from './entities';

/** Keeps each statement well under PostgreSQL's 65535 bind parameters (6 per row). */
const ROWS_PER_STATEMENT = 1000;
const COLUMNS = ['id_nat', 'family', 'given', 'profession_code', 'specialty_code', 'data'];

/** The professional directory on PostgreSQL (or PGlite). */
@Injectable()
export class PostgresProfessionalDirectory implements ProfessionalDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async find(idNat: string): Promise<Professional | undefined> {
    const row = await this.dataSource.manager.findOneBy(ProfessionalRow, { idNat });
    return row?.data;
  }

  /** One multi-row INSERT … ON CONFLICT per thousand professionals, all in one transaction. */
  async upsert(professionals: readonly Professional[]): Promise<number> {
    // A statement may not update the same row twice: the last occurrence of an idNat wins.
    const distinct = [...new Map(professionals.map((p) => [p.idNat, p])).values()];
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < distinct.length; start += ROWS_PER_STATEMENT) {
        await upsertRows(manager, distinct.slice(start, start + ROWS_PER_STATEMENT));
      }
    });
    return distinct.length;
  }
}

async function upsertRows(manager: EntityManager, professionals: Professional[]): Promise<void> {
  const values = professionals.map((_, row) => {
    const first = row * COLUMNS.length;
    return `(${COLUMNS.map((_column, i) => `$${first + i + 1}`).join(', ')}, now())`;
  });
  await manager.query(
    `INSERT INTO professional (${COLUMNS.join(', ')}, updated_at) VALUES ${values.join(', ')}
     ON CONFLICT (id_nat) DO UPDATE SET
       ${COLUMNS.slice(1)
         .map((column) => `${column} = excluded.${column}`)
         .join(', ')},
       updated_at = excluded.updated_at`,
    professionals.flatMap(rowValues),
  );
}

function rowValues(professional: Professional): unknown[] {
  const { idNat, family, given, professionCode, specialtyCode } = professional;
  return [
    idNat,
    family,
    given,
    professionCode,
    specialtyCode ?? null,
    JSON.stringify(professional),
  ];
}
