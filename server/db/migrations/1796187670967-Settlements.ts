import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Settlements1796187670967 implements MigrationInterface {
  name = 'Settlements1796187670967';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`settlement\` (\`id\` int NOT NULL AUTO_INCREMENT, \`month\` varchar(7) NOT NULL, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`regionName\` varchar(64) NOT NULL, \`version\` int NOT NULL DEFAULT '1', \`trigger\` enum ('job', 'admin') NOT NULL, \`generatedByAccountId\` int NULL, \`generatedAt\` datetime(3) NOT NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_settlement_month_region\` (\`month\`, \`regionId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`settlement_line\` (\`id\` int NOT NULL AUTO_INCREMENT, \`settlementId\` int NOT NULL, \`centreId\` int NOT NULL, \`centreName\` varchar(100) NOT NULL, \`centreRegionPath\` varchar(255) NOT NULL, \`policyId\` int NULL, \`policyName\` varchar(100) NOT NULL, \`servedBookings\` int NOT NULL DEFAULT '0', \`servedPortions\` int NOT NULL DEFAULT '0', \`priceFen\` int NOT NULL DEFAULT '0', \`subsidyFen\` int NOT NULL DEFAULT '0', \`copayDueFen\` int NOT NULL DEFAULT '0', \`copayPaidFen\` int NOT NULL DEFAULT '0', \`copayRefundedFen\` int NOT NULL DEFAULT '0', \`refundCount\` int NOT NULL DEFAULT '0', \`refundFen\` int NOT NULL DEFAULT '0', INDEX \`idx_settlement_line_settlement\` (\`settlementId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_settlement_line_settlement\` ON \`settlement_line\``);
    await queryRunner.query(`DROP TABLE \`settlement_line\``);
    await queryRunner.query(`DROP INDEX \`uq_settlement_month_region\` ON \`settlement\``);
    await queryRunner.query(`DROP TABLE \`settlement\``);
  }
}
