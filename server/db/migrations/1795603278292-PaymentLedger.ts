import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class PaymentLedger1795603278292 implements MigrationInterface {
  name = 'PaymentLedger1795603278292';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`pay_notification\` (\`id\` int NOT NULL AUTO_INCREMENT, \`notificationId\` varchar(64) NOT NULL, \`eventType\` varchar(32) NOT NULL, \`outTradeNo\` varchar(32) NULL, \`outRefundNo\` varchar(64) NULL, \`outcome\` enum ('paid', 'already_paid', 'late_refunded', 'mismatch', 'unknown_order', 'refund_updated', 'refund_already_final', 'unknown_refund', 'ignored') NOT NULL, \`detail\` varchar(200) NOT NULL DEFAULT '', \`flagged\` tinyint NOT NULL DEFAULT 0, \`rawBody\` text NOT NULL, \`receivedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_pay_notification_id\` (\`notificationId\`), INDEX \`idx_pay_notification_flagged\` (\`flagged\`, \`receivedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`payment\` ADD \`prepayId\` varchar(64) NULL`);
    await queryRunner.query(`ALTER TABLE \`payment\` ADD \`closedAt\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`requestedByAccountId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`attempts\` int NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`lastError\` varchar(200) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`refund\` ADD \`resolvedAt\` datetime(3) NULL`);
    await queryRunner.query(`DROP INDEX \`idx_refund_status\` ON \`refund\``);
    await queryRunner.query(
      `ALTER TABLE \`refund\` CHANGE \`status\` \`status\` enum ('pending', 'processing', 'success', 'abnormal', 'closed', 'failed') NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX \`idx_refund_status\` ON \`refund\` (\`status\`, \`updatedAt\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_refund_status\` ON \`refund\``);
    await queryRunner.query(`ALTER TABLE \`refund\` CHANGE \`status\` \`status\` enum ('processing', 'success', 'abnormal', 'closed', 'failed') NOT NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_refund_status\` ON \`refund\` (\`status\`, \`updatedAt\`)`);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`resolvedAt\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`lastError\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`attempts\``);
    await queryRunner.query(`ALTER TABLE \`refund\` DROP COLUMN \`requestedByAccountId\``);
    await queryRunner.query(`ALTER TABLE \`payment\` DROP COLUMN \`closedAt\``);
    await queryRunner.query(`ALTER TABLE \`payment\` DROP COLUMN \`prepayId\``);
    await queryRunner.query(`DROP INDEX \`idx_pay_notification_flagged\` ON \`pay_notification\``);
    await queryRunner.query(`DROP INDEX \`uq_pay_notification_id\` ON \`pay_notification\``);
    await queryRunner.query(`DROP TABLE \`pay_notification\``);
  }
}
