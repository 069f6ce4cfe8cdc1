import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class DashboardMenusPolicies1796483670606 implements MigrationInterface {
  name = 'DashboardMenusPolicies1796483670606';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`menu_week\` (\`id\` int NOT NULL AUTO_INCREMENT, \`centreId\` int NOT NULL, \`weekStart\` date NOT NULL, \`version\` int NOT NULL DEFAULT '1', \`updatedByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_menu_week_centre\` (\`centreId\`, \`weekStart\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`subsidy_budget\` (\`id\` int NOT NULL AUTO_INCREMENT, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`month\` varchar(7) NOT NULL, \`amountFen\` int NOT NULL DEFAULT '0', \`note\` varchar(200) NOT NULL DEFAULT '', \`version\` int NOT NULL DEFAULT '1', \`createdByAccountId\` int NULL, \`updatedByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_budget_region_month\` (\`regionId\`, \`month\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`centre_day_stat\` (\`serviceDate\` date NOT NULL, \`centreId\` int NOT NULL, \`category\` enum ('meal', 'bath', 'home_visit') NOT NULL, \`bookedPortions\` int NOT NULL DEFAULT '0', \`servedPortions\` int NOT NULL DEFAULT '0', \`noShowPortions\` int NOT NULL DEFAULT '0', \`cancelledPortions\` int NOT NULL DEFAULT '0', \`servedSubsidyFen\` int NOT NULL DEFAULT '0', \`openSubsidyFen\` int NOT NULL DEFAULT '0', \`ratings\` int NOT NULL DEFAULT '0', \`ratingSum\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`serviceDate\`, \`centreId\`, \`category\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE INDEX \`idx_day_stat_meals\` ON \`centre_day_stat\` (\`category\`, \`serviceDate\`, \`centreId\`, \`bookedPortions\`, \`servedPortions\`)`,
    );
    await queryRunner.query(`CREATE INDEX \`idx_day_stat_ratings\` ON \`centre_day_stat\` (\`serviceDate\`, \`centreId\`, \`ratings\`, \`ratingSum\`)`);
    await queryRunner.query(
      `CREATE TABLE \`served_senior_month\` (\`month\` varchar(7) NOT NULL, \`scope\` varchar(100) NOT NULL, \`bucket\` varchar(32) NOT NULL, \`seniors\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`month\`, \`scope\`, \`bucket\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`dashboard_rollup\` (\`kind\` enum ('day', 'month') NOT NULL, \`period\` varchar(10) NOT NULL, \`rolledAt\` datetime(3) NOT NULL, PRIMARY KEY (\`kind\`, \`period\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`previousVersionId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`revision\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`supersededById\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`retiredAt\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`createdByAccountId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` ADD \`updatedAt\` datetime(3) NULL`);
    await queryRunner.query(
      `CREATE INDEX \`idx_booking_day_stats\` ON \`booking\` (\`serviceDate\`, \`centreId\`, \`status\`, \`category\`, \`kind\`, \`quantity\`, \`unitPriceFen\`, \`subsidyFen\`, \`seniorId\`)`,
    );
    await queryRunner.query(`CREATE INDEX \`idx_alert_created\` ON \`emergency_alert\` (\`createdAt\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_alert_created\` ON \`emergency_alert\``);
    await queryRunner.query(`DROP INDEX \`idx_booking_day_stats\` ON \`booking\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`updatedAt\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`createdByAccountId\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`retiredAt\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`supersededById\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`revision\``);
    await queryRunner.query(`ALTER TABLE \`subsidy_policy\` DROP COLUMN \`previousVersionId\``);
    await queryRunner.query(`DROP TABLE \`dashboard_rollup\``);
    await queryRunner.query(`DROP TABLE \`served_senior_month\``);
    await queryRunner.query(`DROP INDEX \`idx_day_stat_ratings\` ON \`centre_day_stat\``);
    await queryRunner.query(`DROP INDEX \`idx_day_stat_meals\` ON \`centre_day_stat\``);
    await queryRunner.query(`DROP TABLE \`centre_day_stat\``);
    await queryRunner.query(`DROP INDEX \`uq_budget_region_month\` ON \`subsidy_budget\``);
    await queryRunner.query(`DROP TABLE \`subsidy_budget\``);
    await queryRunner.query(`DROP INDEX \`uq_menu_week_centre\` ON \`menu_week\``);
    await queryRunner.query(`DROP TABLE \`menu_week\``);
  }
}
