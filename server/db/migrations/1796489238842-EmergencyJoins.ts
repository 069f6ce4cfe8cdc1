import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class EmergencyJoins1796489238842 implements MigrationInterface {
  name = 'EmergencyJoins1796489238842';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` ADD \`joinedAlertId\` int NULL`);
    // A raise joined to the open alert of the same senior (EmergencyService.raise): a new status, and where it went.
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` CHANGE \`status\` \`status\` enum ('open', 'acknowledged', 'resolved', 'joined') NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM \`emergency_alert\` WHERE \`status\` = 'joined'`);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` CHANGE \`status\` \`status\` enum ('open', 'acknowledged', 'resolved') NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`emergency_alert\` DROP COLUMN \`joinedAlertId\``);
  }
}
