import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class AttemptLimits1796485894482 implements MigrationInterface {
  name = 'AttemptLimits1796485894482';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`attempt_limit\` (\`subject\` varchar(191) NOT NULL, \`policy\` varchar(32) NOT NULL, \`failures\` int NOT NULL DEFAULT '0', \`windowStartedAt\` datetime(3) NOT NULL, \`blockedUntil\` datetime(3) NULL, \`version\` int NOT NULL DEFAULT '1', \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_attempt_limit_updated\` (\`updatedAt\`), PRIMARY KEY (\`subject\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`CREATE INDEX \`idx_family_link_code_senior\` ON \`family_link_code\` (\`seniorId\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_family_link_code_senior\` ON \`family_link_code\``);
    await queryRunner.query(`DROP INDEX \`idx_attempt_limit_updated\` ON \`attempt_limit\``);
    await queryRunner.query(`DROP TABLE \`attempt_limit\``);
  }
}
