import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Closing an emergency alert (处理完毕): how it ended, who closed it, and a version for staff's concurrent changes. */
export class EmergencyResolve1796489500000 implements MigrationInterface {
  name = 'EmergencyResolve1796489500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` ADD \`outcome\` enum ('on_site', 'hospital', 'false_alarm', 'family_handled') NULL`);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` ADD \`resolvedByAccountId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` ADD \`version\` int NOT NULL DEFAULT 1`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` DROP COLUMN \`resolvedByAccountId\``);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` DROP COLUMN \`outcome\``);
  }
}
