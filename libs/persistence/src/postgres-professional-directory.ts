import { Injectable } from '@nestjs/common';
import {
  DirectorySearch,
  Professional,
  ProfessionalCriteria,
  ProfessionalDirectory,
  Structure,
  StructureCriteria,
  searchName,
} from '@passerelle/access-control';
import type { Page, PageRequest } from '@passerelle/domain';
import { DataSource, EntityManager } from 'typeorm';
import { Conditions } from './document-search-sql';
import { NamedKind, writeSearchRows } from './directory-search-rows';
import { ProfessionalRow } from './entities';

/** Keeps each statement well under PostgreSQL's 65535 bind parameters (7 per row). */
const ROWS_PER_STATEMENT = 1000;
const COLUMNS = [
  'id_nat',
  'family',
  'given',
  'profession_code',
  'specialty_code',
  'search_name',
  'data',
];
/**
 * Above every character of a name's words (`[a-z0-9]`, see `nameWords`) in the C collation of
 * `word`: the words beginning with `mar` are the index range `word >= 'mar' AND word < 'mar~'`.
 */
const AFTER_WORD_CHARACTERS = '~';

/** A row of a page, and the one row of an empty page: its total, nothing else. */
type PageRow<Row> = { readonly total: string } & (Row | { readonly [Column in keyof Row]: null });

interface StructureRow {
  readonly structure_id: string;
  readonly name: string | null;
  readonly sector_code: string | null;
}

/** The professional directory on PostgreSQL (or PGlite). */
@Injectable()
export class PostgresProfessionalDirectory implements ProfessionalDirectory, DirectorySearch {
  constructor(private readonly dataSource: DataSource) {}

  async find(idNat: string): Promise<Professional | undefined> {
    const row = await this.dataSource.manager.findOneBy(ProfessionalRow, { idNat });
    return row?.data;
  }

  /**
   * One multi-row INSERT … ON CONFLICT per thousand professionals, then their search rows, all
   * in one transaction.
   */
  async upsert(professionals: readonly Professional[]): Promise<number> {
    // A statement may not update the same row twice: the last occurrence of an idNat wins.
    const distinct = [...new Map(professionals.map((p) => [p.idNat, p])).values()];
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < distinct.length; start += ROWS_PER_STATEMENT) {
        const rows = distinct.slice(start, start + ROWS_PER_STATEMENT);
        await upsertRows(manager, rows);
        await writeSearchRows((sql, params) => manager.query(sql, params), rows);
      }
    });
    return distinct.length;
  }

  async searchProfessionals(
    criteria: ProfessionalCriteria,
    page: PageRequest,
  ): Promise<Page<Professional>> {
    const conditions = new Conditions();
    for (const word of criteria.nameWords ?? []) {
      conditions.add(namedBy(conditions, 'PS', 'id_nat', word));
    }
    if (criteria.idNat !== undefined) {
      conditions.add(`id_nat = ${conditions.param(criteria.idNat)}`);
    }
    if (criteria.professionCode !== undefined) {
      conditions.add(`profession_code = ${conditions.param(criteria.professionCode)}`);
    }
    const rows: PageRow<{ id_nat: string; data: Professional }>[] = await this.dataSource.query(
      pageSql({ table: 'professional', id: 'id_nat', columns: ['data'] }, conditions, page),
      conditions.params,
    );
    return {
      items: rows.flatMap((row) => (row.id_nat === null ? [] : [row.data])),
      total: totalOf(rows),
    };
  }

  async searchStructures(criteria: StructureCriteria, page: PageRequest): Promise<Page<Structure>> {
    const conditions = new Conditions();
    for (const word of criteria.nameWords ?? []) {
      conditions.add(namedBy(conditions, 'STRUCTURE', 'structure_id', word));
    }
    if (criteria.structureId !== undefined) {
      conditions.add(`structure_id = ${conditions.param(criteria.structureId)}`);
    }
    const rows: PageRow<StructureRow>[] = await this.dataSource.query(
      pageSql(
        { table: 'directory_structure', id: 'structure_id', columns: ['name', 'sector_code'] },
        conditions,
        page,
      ),
      conditions.params,
    );
    return {
      items: rows.flatMap((row) => (row.structure_id === null ? [] : [structureOf(row)])),
      total: totalOf(rows),
    };
  }
}

interface SearchedTable {
  readonly table: string;
  readonly id: string;
  /** What is read of a page's rows. */
  readonly columns: readonly string[];
}

/**
 * A page of the rows matching `conditions`, counted and sorted by name (ids and names only)
 * before the page's rows are read: the whole match set is counted anyway, and a plan walking
 * the names in order would read the whole directory for a rare word. One row at least, which
 * carries the total even when the page is empty.
 */
function pageSql(
  { table, id, columns }: SearchedTable,
  conditions: Conditions,
  page: PageRequest,
): string {
  return `WITH matched AS (
      SELECT ${id}, search_name FROM ${table} WHERE ${conditions.where() || 'true'})
    SELECT total.n AS total, page.${id}, ${columns.map((column) => `found.${column}`).join(', ')}
      FROM (SELECT count(*) AS n FROM matched) total
      LEFT JOIN LATERAL (
        SELECT ${id}, search_name FROM matched ORDER BY search_name, ${id}
         LIMIT ${conditions.param(page.limit)} OFFSET ${conditions.param(page.offset)}
      ) page ON true
      LEFT JOIN ${table} found ON found.${id} = page.${id}
     ORDER BY page.search_name, page.${id}`;
}

/** The subject (`column`) has a word of its name beginning with `word`. */
function namedBy(conditions: Conditions, kind: NamedKind, column: string, word: string): string {
  return `${column} IN (SELECT subject_id FROM directory_name_word
                         WHERE kind = ${conditions.param(kind)}
                           AND word >= ${conditions.param(word)}
                           AND word < ${conditions.param(word + AFTER_WORD_CHARACTERS)})`;
}

function totalOf(rows: readonly { total: string }[]): number {
  return Number(rows[0].total);
}

function structureOf(row: StructureRow): Structure {
  return {
    structureId: row.structure_id,
    ...(row.name !== null ? { name: row.name } : {}),
    ...(row.sector_code !== null ? { sectorCode: row.sector_code } : {}),
  };
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
    searchName(family, given),
    JSON.stringify(professional),
  ];
}
