import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Reminders1796187483516 implements MigrationInterface {
  name = 'Reminders1796187483516';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`subscribe_credit\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`templateId\` varchar(64) NOT NULL, \`credits\` int NOT NULL DEFAULT '0', \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_subscribe_credit\` (\`accountId\`, \`templateId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`reminder\` ADD \`claimToken\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`reminder\` ADD \`claimedAt\` datetime(3) NULL`);
    // Appending a value to the enum is an in-place change on MariaDB (no table copy), and keeps idx_reminder_due.
    await queryRunner.query(`ALTER TABLE \`reminder\` CHANGE \`status\` \`status\` enum ('pending', 'sent', 'cancelled', 'failed', 'sending') NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE \`reminder\` SET \`status\` = 'failed' WHERE \`status\` = 'sending'`);
    await queryRunner.query(`ALTER TABLE \`reminder\` CHANGE \`status\` \`status\` enum ('pending', 'sent', 'cancelled', 'failed') NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`reminder\` DROP COLUMN \`claimedAt\``);
    await queryRunner.query(`ALTER TABLE \`reminder\` DROP COLUMN \`claimToken\``);
    await queryRunner.query(`DROP INDEX \`uq_subscribe_credit\` ON \`subscribe_credit\``);
    await queryRunner.query(`DROP TABLE \`subscribe_credit\``);
  }
}
