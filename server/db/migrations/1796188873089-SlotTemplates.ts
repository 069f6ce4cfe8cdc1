import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class SlotTemplates1796188873089 implements MigrationInterface {
  name = 'SlotTemplates1796188873089';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`slot_template\` (\`id\` int NOT NULL AUTO_INCREMENT, \`centreId\` int NOT NULL, \`serviceItemId\` int NOT NULL, \`weekdays\` text NOT NULL, \`startTime\` varchar(5) NOT NULL, \`endTime\` varchar(5) NOT NULL, \`capacity\` int NOT NULL, \`workerName\` varchar(64) NOT NULL DEFAULT '', \`bookingCutoffDays\` int NOT NULL DEFAULT '0', \`bookingCutoffTime\` varchar(5) NOT NULL, \`cancelCutoffDays\` int NOT NULL DEFAULT '0', \`cancelCutoffTime\` varchar(5) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`createdByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_slot_template_centre\` (\`centreId\`, \`active\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_slot_template_centre\` ON \`slot_template\``);
    await queryRunner.query(`DROP TABLE \`slot_template\``);
  }
}
