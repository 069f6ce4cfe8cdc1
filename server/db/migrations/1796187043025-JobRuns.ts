import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class JobRuns1796187043025 implements MigrationInterface {
  name = 'JobRuns1796187043025';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`centre_day_digest\` (\`id\` int NOT NULL AUTO_INCREMENT, \`centreId\` int NOT NULL, \`serviceDate\` date NOT NULL, \`lines\` text NOT NULL, \`reached\` int NOT NULL DEFAULT '0', \`createdAt\` datetime(3) NOT NULL, \`sentAt\` datetime(3) NULL, UNIQUE INDEX \`uq_digest_centre_day\` (\`centreId\`, \`serviceDate\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`job_tick\` (\`runKey\` varchar(160) NOT NULL, \`instance\` varchar(64) NOT NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_job_tick_created\` (\`createdAt\`), PRIMARY KEY (\`runKey\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`job_run\` (\`id\` int NOT NULL AUTO_INCREMENT, \`job\` varchar(64) NOT NULL, \`tick\` datetime(3) NOT NULL, \`instance\` varchar(64) NOT NULL, \`triggeredBy\` enum ('schedule', 'manual') NOT NULL, \`startedAt\` datetime(3) NOT NULL, \`finishedAt\` datetime(3) NULL, \`processed\` int NULL, \`error\` varchar(1000) NULL, INDEX \`idx_job_run_started\` (\`startedAt\`), INDEX \`idx_job_run_job_started\` (\`job\`, \`startedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_job_run_job_started\` ON \`job_run\``);
    await queryRunner.query(`DROP INDEX \`idx_job_run_started\` ON \`job_run\``);
    await queryRunner.query(`DROP TABLE \`job_run\``);
    await queryRunner.query(`DROP INDEX \`idx_job_tick_created\` ON \`job_tick\``);
    await queryRunner.query(`DROP TABLE \`job_tick\``);
    await queryRunner.query(`DROP INDEX \`uq_digest_centre_day\` ON \`centre_day_digest\``);
    await queryRunner.query(`DROP TABLE \`centre_day_digest\``);
  }
}
