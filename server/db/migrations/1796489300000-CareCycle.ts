import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The care cycle (issue 24): visit rules and the visits they plan, volunteers and their pairings with seniors, the
 * silence alarm's 关爱 checks, the time bank's ledger, and the senior's consent to share visit worries with family.
 */
export class CareCycle1796489300000 implements MigrationInterface {
  name = 'CareCycle1796489300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`visit_rule\` (\`id\` int NOT NULL AUTO_INCREMENT, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`category\` enum ('hardship', 'minimum_living', 'low_income', 'disabled', 'living_alone', 'empty_nest', 'very_old', 'family_planning_special') NOT NULL, \`minAge\` int NOT NULL DEFAULT '0', \`intervalDays\` int NOT NULL, \`silenceDays\` int NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`version\` int NOT NULL DEFAULT '1', \`createdByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_visit_rule_region\` (\`regionPath\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`visit\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`centreId\` int NULL, \`regionPath\` varchar(255) NOT NULL, \`ruleId\` int NULL, \`dueOn\` date NOT NULL, \`assigneeKind\` enum ('staff', 'volunteer', 'none') NOT NULL, \`assignedAccountId\` int NULL, \`volunteerId\` int NULL, \`status\` enum ('due', 'done', 'cancelled') NOT NULL, \`presenceCode\` varchar(6) NOT NULL, \`doneAt\` datetime(3) NULL, \`visitedByAccountId\` int NULL, \`proof\` enum ('location', 'code') NULL, \`distanceM\` int NULL, \`health\` enum ('good', 'fair', 'poor') NULL, \`mood\` enum ('good', 'fair', 'low') NULL, \`homeSafety\` enum ('safe', 'attention', 'danger') NULL, \`needs\` varchar(200) NOT NULL DEFAULT '', \`note\` varchar(500) NOT NULL DEFAULT '', \`concernStatus\` enum ('none', 'open', 'resolved') NOT NULL DEFAULT 'none', \`concernNote\` varchar(200) NOT NULL DEFAULT '', \`concernResolvedAt\` datetime(3) NULL, \`concernResolvedByAccountId\` int NULL, \`concernResolution\` varchar(200) NOT NULL DEFAULT '', \`escalationLevel\` int NOT NULL DEFAULT '0', \`version\` int NOT NULL DEFAULT '1', \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_visit_status_due\` (\`status\`, \`dueOn\`), INDEX \`idx_visit_assignee_status\` (\`assignedAccountId\`, \`status\`), INDEX \`idx_visit_centre_status\` (\`centreId\`, \`status\`, \`dueOn\`), UNIQUE INDEX \`uq_visit_senior_due\` (\`seniorId\`, \`dueOn\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`volunteer\` (\`id\` int NOT NULL AUTO_INCREMENT, \`accountId\` int NOT NULL, \`name\` varchar(32) NOT NULL, \`phone\` varchar(20) NULL, \`centreId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`registeredByAccountId\` int NOT NULL, \`version\` int NOT NULL DEFAULT '1', \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_volunteer_account\` (\`accountId\`), INDEX \`idx_volunteer_centre\` (\`centreId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`volunteer_pairing\` (\`id\` int NOT NULL AUTO_INCREMENT, \`volunteerId\` int NOT NULL, \`seniorId\` int NOT NULL, \`consentBy\` enum ('senior', 'family') NOT NULL, \`consentNote\` varchar(200) NOT NULL DEFAULT '', \`consentedAt\` datetime(3) NOT NULL, \`recordedByAccountId\` int NOT NULL, \`endedAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_volunteer_pairing_senior\` (\`seniorId\`), UNIQUE INDEX \`uq_volunteer_pairing\` (\`volunteerId\`, \`seniorId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`care_check\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`centreId\` int NULL, \`lastSignAt\` datetime(3) NULL, \`silenceKey\` varchar(32) NOT NULL, \`silenceDays\` int NOT NULL, \`status\` enum ('open', 'closed') NOT NULL, \`closedAt\` datetime(3) NULL, \`closedByAccountId\` int NULL, \`note\` varchar(200) NOT NULL DEFAULT '', \`version\` int NOT NULL DEFAULT '1', \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_care_check_centre_status\` (\`centreId\`, \`status\`), UNIQUE INDEX \`uq_care_check_silence\` (\`seniorId\`, \`silenceKey\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`time_bank_entry\` (\`id\` int NOT NULL AUTO_INCREMENT, \`holderKind\` enum ('volunteer', 'senior') NOT NULL, \`holderId\` int NOT NULL, \`kind\` enum ('credit', 'spend', 'gift_out', 'gift_in') NOT NULL, \`minutes\` int NOT NULL, \`visitId\` int NULL, \`onceKey\` varchar(64) NULL, \`note\` varchar(200) NOT NULL DEFAULT '', \`recordedByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_time_bank_once\` (\`onceKey\`), INDEX \`idx_time_bank_holder\` (\`holderKind\`, \`holderId\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`senior\` ADD \`shareCareWithFamily\` tinyint NOT NULL DEFAULT 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`senior\` DROP COLUMN \`shareCareWithFamily\``);
    await queryRunner.query(`DROP INDEX \`idx_time_bank_holder\` ON \`time_bank_entry\``);
    await queryRunner.query(`DROP INDEX \`uq_time_bank_once\` ON \`time_bank_entry\``);
    await queryRunner.query(`DROP TABLE \`time_bank_entry\``);
    await queryRunner.query(`DROP INDEX \`uq_care_check_silence\` ON \`care_check\``);
    await queryRunner.query(`DROP INDEX \`idx_care_check_centre_status\` ON \`care_check\``);
    await queryRunner.query(`DROP TABLE \`care_check\``);
    await queryRunner.query(`DROP INDEX \`uq_volunteer_pairing\` ON \`volunteer_pairing\``);
    await queryRunner.query(`DROP INDEX \`idx_volunteer_pairing_senior\` ON \`volunteer_pairing\``);
    await queryRunner.query(`DROP TABLE \`volunteer_pairing\``);
    await queryRunner.query(`DROP INDEX \`idx_volunteer_centre\` ON \`volunteer\``);
    await queryRunner.query(`DROP INDEX \`uq_volunteer_account\` ON \`volunteer\``);
    await queryRunner.query(`DROP TABLE \`volunteer\``);
    await queryRunner.query(`DROP INDEX \`uq_visit_senior_due\` ON \`visit\``);
    await queryRunner.query(`DROP INDEX \`idx_visit_centre_status\` ON \`visit\``);
    await queryRunner.query(`DROP INDEX \`idx_visit_assignee_status\` ON \`visit\``);
    await queryRunner.query(`DROP INDEX \`idx_visit_status_due\` ON \`visit\``);
    await queryRunner.query(`DROP TABLE \`visit\``);
    await queryRunner.query(`DROP INDEX \`idx_visit_rule_region\` ON \`visit_rule\``);
    await queryRunner.query(`DROP TABLE \`visit_rule\``);
  }
}
