import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class SeniorRegistry1796483429143 implements MigrationInterface {
  name = 'SeniorRegistry1796483429143';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`senior_assessment\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`assessedOn\` date NOT NULL, \`assessor\` varchar(64) NOT NULL, \`level\` int NOT NULL, \`nextDue\` date NULL, \`note\` varchar(500) NOT NULL DEFAULT '', \`recordedByAccountId\` int NULL, \`version\` int NOT NULL DEFAULT '1', \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_assessment_senior\` (\`seniorId\`, \`assessedOn\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`idCardHash\` varchar(64) NULL`);
    // Rows registered before records were kept have none: null reads as "every category counts, with no end date".
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`categoryRecords\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`abilityAssessedOn\` date NULL`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`nextAssessmentDue\` date NULL`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`deactivationReason\` enum ('moved_away', 'deceased') NULL`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`deactivatedAt\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`deactivationNote\` varchar(200) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`uq_senior_id_card_hash\` ON \`senior\` (\`idCardHash\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`uq_senior_id_card_hash\` ON \`senior\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`deactivationNote\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`deactivatedAt\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`deactivationReason\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`nextAssessmentDue\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`abilityAssessedOn\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`categoryRecords\``);
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`idCardHash\``);
    await queryRunner.query(`DROP INDEX \`idx_assessment_senior\` ON \`senior_assessment\``);
    await queryRunner.query(`DROP TABLE \`senior_assessment\``);
  }
}
