import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each audit record names its request's `X-Request-Id`, the id of its line in the request log. */
export class AuditRequestId1765500000000 implements MigrationInterface {
  name = 'AuditRequestId1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_event ADD COLUMN request_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_event DROP COLUMN request_id`);
  }
}
