import { Professional, searchName } from '@passerelle/access-control';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { writeSearchRows } from '../directory-search-rows';

const BACKFILL_BATCH = 1000;

/**
 * The directory's search: each professional's name as sorted (`search_name`), the structures
 * of the exercises, and the words of both names for prefix searches. Words are normalised in
 * code (no `unaccent` on PGlite) and compared in the C collation, so that a prefix is an index
 * range. The professionals already imported are indexed here, a thousand at a time.
 */
export class DirectorySearch1764800000000 implements MigrationInterface {
  name = 'DirectorySearch1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE professional ADD COLUMN search_name text COLLATE "C" NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(`
      CREATE TABLE directory_structure (
        structure_id text PRIMARY KEY,
        name text,
        sector_code text,
        search_name text COLLATE "C" NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_name_word (
        kind text NOT NULL CHECK (kind IN ('PS', 'STRUCTURE')),
        word text COLLATE "C" NOT NULL,
        subject_id text NOT NULL,
        PRIMARY KEY (kind, word, subject_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX directory_name_word_subject ON directory_name_word (kind, subject_id)`,
    );
    await this.backfill(queryRunner);
    await queryRunner.query(`ALTER TABLE professional ALTER COLUMN search_name DROP DEFAULT`);
    // Covers a search by profession alone: its professionals counted and sorted by name.
    await queryRunner.query(
      `CREATE INDEX professional_profession ON professional (profession_code, search_name, id_nat)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE directory_name_word`);
    await queryRunner.query(`DROP TABLE directory_structure`);
    await queryRunner.query(`DROP INDEX professional_profession`);
    await queryRunner.query(`ALTER TABLE professional DROP COLUMN search_name`);
  }

  private async backfill(queryRunner: QueryRunner): Promise<void> {
    const query = (sql: string, params: unknown[]) => queryRunner.query(sql, params);
    let after = '';
    for (;;) {
      const rows = (await queryRunner.query(
        `SELECT id_nat, data FROM professional WHERE id_nat > $1 ORDER BY id_nat LIMIT $2`,
        [after, BACKFILL_BATCH],
      )) as { id_nat: string; data: Professional }[];
      if (rows.length === 0) return;
      const professionals = rows.map((row) => row.data);
      await query(
        `UPDATE professional p SET search_name = s.search_name
           FROM unnest($1::text[], $2::text[]) AS s(id_nat, search_name)
          WHERE p.id_nat = s.id_nat`,
        [
          professionals.map((p) => p.idNat),
          professionals.map((p) => searchName(p.family, p.given)),
        ],
      );
      await writeSearchRows(query, professionals);
      after = rows[rows.length - 1].id_nat;
    }
  }
}
