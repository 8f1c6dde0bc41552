import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pending notifications other than new-document notices (emergency accesses, first
 * accesses, changes of access, the record's lifecycle, codes), found without going through a
 * bulk import's backlog of new-document notices.
 */
export class UrgentNotifications1765600000000 implements MigrationInterface {
  name = 'UrgentNotifications1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX notification_outbox_urgent ON notification_outbox (next_attempt_at)
       WHERE delivered_at IS NULL AND kind <> 'new-document'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX notification_outbox_urgent`);
  }
}
