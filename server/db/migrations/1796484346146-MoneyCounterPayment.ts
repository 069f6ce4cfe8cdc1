import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Money (issue 19): 现场付 (booking.payAtCounter and counter_payment; centre.counterPayment came with
 * CentreCounterPayment1796483350800), how a closed or abnormal refund was dealt with (retried, covered by a later refund, paid back by hand), and the settlement's counter and
 * paid-back-by-hand columns with the bookings that do not reconcile (settlement_discrepancy).
 */

export class MoneyCounterPayment1796484346146 implements MigrationInterface {
  name = 'MoneyCounterPayment1796484346146';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`counter_payment\` (\`id\` int NOT NULL AUTO_INCREMENT, \`bookingId\` int NOT NULL, \`centreId\` int NOT NULL, \`amountFen\` int NOT NULL DEFAULT '0', \`method\` enum ('cash', 'senior_card', 'scanned_code') NOT NULL, \`collectedByAccountId\` int NOT NULL, \`collectedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_counter_payment_booking\` (\`bookingId\`), INDEX \`idx_counter_payment_centre\` (\`centreId\`, \`collectedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`settlement_discrepancy\` (\`id\` int NOT NULL AUTO_INCREMENT, \`settlementId\` int NOT NULL, \`centreId\` int NOT NULL, \`centreRegionPath\` varchar(255) NOT NULL, \`policyId\` int NULL, \`bookingId\` int NOT NULL, \`bookingCode\` varchar(12) NOT NULL, \`serviceDate\` varchar(10) NOT NULL, \`copayDueFen\` int NOT NULL DEFAULT '0', \`paidFen\` int NOT NULL DEFAULT '0', \`counterFen\` int NOT NULL DEFAULT '0', \`refundedFen\` int NOT NULL DEFAULT '0', \`refundedOfflineFen\` int NOT NULL DEFAULT '0', \`refundingFen\` int NOT NULL DEFAULT '0', \`differenceFen\` int NOT NULL DEFAULT '0', INDEX \`idx_settlement_discrepancy_settlement\` (\`settlementId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`booking\` ADD \`payAtCounter\` tinyint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`resolution\` enum ('retried', 'covered', 'offline') NULL`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`resolvedByAccountId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`offlineMethod\` enum ('cash', 'bank_transfer', 'merchant_platform', 'other') NULL`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`offlineReference\` varchar(64) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`resolutionNote\` varchar(200) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`settlement_line\` ADD \`copayCounterFen\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`settlement_line\` ADD \`copayRefundedOfflineFen\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`settlement_line\` ADD \`unreconciledBookings\` int NOT NULL DEFAULT '0'`);
    // A closed refund staff retried before this release was marked dealt with only by its time: it was retried.
    await queryRunner.query(`UPDATE \`refund\` SET \`resolution\` = 'retried' WHERE \`status\` = 'closed' AND \`resolvedAt\` IS NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`settlement_line\` DROP COLUMN \`unreconciledBookings\``);
    await queryRunner.query(`ALTER TABLE \`settlement_line\` DROP COLUMN \`copayRefundedOfflineFen\``);
    await queryRunner.query(`ALTER TABLE \`settlement_line\` DROP COLUMN \`copayCounterFen\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`resolutionNote\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`offlineReference\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`offlineMethod\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`resolvedByAccountId\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`resolution\``);
    await queryRunner.query(`ALTER TABLE \`booking\` DROP COLUMN \`payAtCounter\``);
    await queryRunner.query(`DROP INDEX \`idx_settlement_discrepancy_settlement\` ON \`settlement_discrepancy\``);
    await queryRunner.query(`DROP TABLE \`settlement_discrepancy\``);
    await queryRunner.query(`DROP INDEX \`idx_counter_payment_centre\` ON \`counter_payment\``);
    await queryRunner.query(`DROP INDEX \`uq_counter_payment_booking\` ON \`counter_payment\``);
    await queryRunner.query(`DROP TABLE \`counter_payment\``);
  }
}
