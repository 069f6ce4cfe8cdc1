import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Initial1795591505106 implements MigrationInterface {
  name = 'Initial1795591505106';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`account\` (\`id\` int NOT NULL AUTO_INCREMENT, \`displayName\` varchar(64) NOT NULL, \`roles\` text NOT NULL, \`mpOpenid\` varchar(64) NULL, \`miniOpenid\` varchar(64) NULL, \`unionid\` varchar(64) NULL, \`username\` varchar(64) NULL, \`passwordHash\` varchar(255) NULL, \`phone\` varchar(20) NULL, \`seniorId\` int NULL, \`centreId\` int NULL, \`regionId\` int NULL, \`regionPath\` varchar(255) NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_account_mp_openid\` (\`mpOpenid\`), UNIQUE INDEX \`uq_account_mini_openid\` (\`miniOpenid\`), INDEX \`idx_account_unionid\` (\`unionid\`), UNIQUE INDEX \`uq_account_username\` (\`username\`), UNIQUE INDEX \`uq_account_senior\` (\`seniorId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`audit_log\` (\`id\` int NOT NULL AUTO_INCREMENT, \`actorAccountId\` int NULL, \`actorRole\` varchar(32) NOT NULL, \`action\` varchar(64) NOT NULL, \`entityType\` varchar(32) NOT NULL, \`entityId\` int NOT NULL, \`detail\` text NOT NULL, \`ip\` varchar(64) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_audit_actor\` (\`actorAccountId\`, \`createdAt\`), INDEX \`idx_audit_entity\` (\`entityType\`, \`entityId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`service_item\` (\`id\` int NOT NULL AUTO_INCREMENT, \`centreId\` int NOT NULL, \`category\` enum ('meal', 'bath', 'home_visit') NOT NULL, \`kind\` enum ('breakfast', 'lunch', 'dinner', 'bath', 'cleaning', 'escort', 'nursing', 'haircut') NOT NULL, \`name\` varchar(100) NOT NULL, \`description\` varchar(500) NOT NULL DEFAULT '', \`priceFen\` int NOT NULL, \`deliveryModes\` text NOT NULL, \`maxQuantity\` int NOT NULL DEFAULT '1', \`active\` tinyint NOT NULL DEFAULT 1, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_service_item_centre\` (\`centreId\`, \`category\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`booking\` (\`id\` int NOT NULL AUTO_INCREMENT, \`code\` varchar(12) NOT NULL, \`seniorId\` int NOT NULL, \`slotId\` int NOT NULL, \`serviceItemId\` int NOT NULL, \`centreId\` int NOT NULL, \`category\` enum ('meal', 'bath', 'home_visit') NOT NULL, \`kind\` enum ('breakfast', 'lunch', 'dinner', 'bath', 'cleaning', 'escort', 'nursing', 'haircut') NOT NULL, \`serviceDate\` date NOT NULL, \`bookedByAccountId\` int NOT NULL, \`bookedBy\` enum ('self', 'family', 'staff') NOT NULL, \`channel\` enum ('mp_chat', 'miniprogram', 'console', 'phone') NOT NULL, \`idempotencyKey\` varchar(64) NULL, \`requestHash\` varchar(64) NULL, \`quantity\` int NOT NULL DEFAULT '1', \`unitPriceFen\` int NOT NULL DEFAULT '0', \`priceFen\` int NOT NULL DEFAULT '0', \`subsidyFen\` int NOT NULL DEFAULT '0', \`copayFen\` int NOT NULL DEFAULT '0', \`subsidisedQuantity\` int NOT NULL DEFAULT '0', \`subsidyPolicyId\` int NULL, \`subsidyReason\` varchar(200) NOT NULL DEFAULT '', \`status\` enum ('pending_payment', 'pending_confirmation', 'confirmed', 'served', 'rated', 'expired', 'cancelled', 'rejected', 'no_show') NOT NULL, \`deliveryMode\` enum ('dine_in', 'pick_up', 'delivery', 'at_centre', 'at_home') NOT NULL, \`note\` varchar(200) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, \`paymentDueAt\` datetime(3) NULL, \`paidAt\` datetime(3) NULL, \`confirmedAt\` datetime(3) NULL, \`confirmedByAccountId\` int NULL, \`closedAt\` datetime(3) NULL, \`closedByAccountId\` int NULL, \`closeReason\` varchar(200) NOT NULL DEFAULT '', \`servedAt\` datetime(3) NULL, \`servedByAccountId\` int NULL, UNIQUE INDEX \`uq_booking_code\` (\`code\`), INDEX \`idx_booking_status_expires\` (\`status\`, \`paymentDueAt\`), INDEX \`idx_booking_centre_date\` (\`centreId\`, \`serviceDate\`), INDEX \`idx_booking_slot\` (\`slotId\`, \`status\`), INDEX \`idx_booking_senior_date\` (\`seniorId\`, \`serviceDate\`), UNIQUE INDEX \`uq_booking_idempotency\` (\`bookedByAccountId\`, \`idempotencyKey\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`centre\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(100) NOT NULL, \`kind\` enum ('street_centre', 'care_centre', 'neighbour_point', 'canteen', 'rural_point') NOT NULL, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`parentId\` int NULL, \`address\` varchar(200) NOT NULL, \`latitude\` double NOT NULL, \`longitude\` double NOT NULL, \`opensAt\` varchar(5) NOT NULL, \`closesAt\` varchar(5) NOT NULL, \`phone\` varchar(32) NOT NULL, \`autoConfirm\` tinyint NOT NULL DEFAULT 0, \`active\` tinyint NOT NULL DEFAULT 1, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_centre_region\` (\`regionId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`emergency_alert\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`centreId\` int NULL, \`raisedByAccountId\` int NOT NULL, \`channel\` enum ('mp_chat', 'miniprogram', 'console', 'device') NOT NULL, \`message\` varchar(500) NOT NULL DEFAULT '', \`status\` enum ('open', 'acknowledged', 'resolved') NOT NULL, \`escalationLevel\` int NOT NULL DEFAULT '0', \`lastEscalatedAt\` datetime(3) NOT NULL, \`acknowledgedByAccountId\` int NULL, \`acknowledgedAt\` datetime(3) NULL, \`resolvedAt\` datetime(3) NULL, \`resolution\` varchar(500) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_alert_senior\` (\`seniorId\`), INDEX \`idx_alert_status_escalated\` (\`status\`, \`lastEscalatedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`family_link\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`familyAccountId\` int NOT NULL, \`relation\` varchar(16) NOT NULL DEFAULT '', \`createdVia\` enum ('code', 'staff') NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`revokedAt\` datetime(3) NULL, \`revokedByAccountId\` int NULL, INDEX \`idx_family_link_account\` (\`familyAccountId\`), UNIQUE INDEX \`uq_family_link_pair\` (\`seniorId\`, \`familyAccountId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`family_link_code\` (\`id\` int NOT NULL AUTO_INCREMENT, \`code\` varchar(6) NOT NULL, \`seniorId\` int NOT NULL, \`issuedByAccountId\` int NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`usedAt\` datetime(3) NULL, \`usedByAccountId\` int NULL, INDEX \`idx_family_link_code_code\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`menu\` (\`id\` int NOT NULL AUTO_INCREMENT, \`slotId\` int NOT NULL, \`dishes\` text NOT NULL, \`note\` varchar(200) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_menu_slot\` (\`slotId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`notice\` (\`id\` int NOT NULL AUTO_INCREMENT, \`title\` varchar(100) NOT NULL, \`body\` text NOT NULL, \`link\` varchar(500) NULL, \`audience\` text NOT NULL, \`status\` enum ('draft', 'scheduled', 'sending', 'sent', 'cancelled') NOT NULL, \`scheduledAt\` datetime(3) NULL, \`createdByAccountId\` int NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`sentAt\` datetime(3) NULL, INDEX \`idx_notice_status_scheduled\` (\`status\`, \`scheduledAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`notice_delivery\` (\`id\` int NOT NULL AUTO_INCREMENT, \`noticeId\` int NOT NULL, \`accountId\` int NOT NULL, \`channel\` enum ('mp_template', 'mini_subscribe', 'inbox') NOT NULL, \`status\` enum ('pending', 'sending', 'sent', 'failed') NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`nextAttemptAt\` datetime(3) NOT NULL, \`errcode\` int NULL, \`lastError\` varchar(200) NOT NULL DEFAULT '', \`sentAt\` datetime(3) NULL, \`readAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_notice_delivery_account\` (\`accountId\`, \`channel\`), INDEX \`idx_notice_delivery_queue\` (\`noticeId\`, \`status\`, \`nextAttemptAt\`), UNIQUE INDEX \`uq_notice_delivery\` (\`noticeId\`, \`accountId\`, \`channel\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`payment\` (\`id\` int NOT NULL AUTO_INCREMENT, \`bookingId\` int NOT NULL, \`outTradeNo\` varchar(32) NOT NULL, \`appid\` varchar(32) NOT NULL, \`mchid\` varchar(32) NOT NULL, \`payerAccountId\` int NOT NULL, \`payerOpenid\` varchar(64) NOT NULL, \`amountFen\` int NOT NULL DEFAULT '0', \`status\` enum ('created', 'paid', 'closed', 'failed') NOT NULL, \`transactionId\` varchar(64) NULL, \`expiresAt\` datetime(3) NOT NULL, \`paidAt\` datetime(3) NULL, \`rawNotification\` text NULL, \`flagged\` tinyint NOT NULL DEFAULT 0, \`flagReason\` varchar(200) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_payment_out_trade_no\` (\`outTradeNo\`), INDEX \`idx_payment_status_expires\` (\`status\`, \`expiresAt\`), INDEX \`idx_payment_booking\` (\`bookingId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`rating\` (\`id\` int NOT NULL AUTO_INCREMENT, \`bookingId\` int NOT NULL, \`seniorId\` int NOT NULL, \`centreId\` int NOT NULL, \`accountId\` int NOT NULL, \`score\` int NOT NULL, \`comment\` varchar(500) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_rating_booking\` (\`bookingId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`refund\` (\`id\` int NOT NULL AUTO_INCREMENT, \`paymentId\` int NOT NULL, \`bookingId\` int NOT NULL, \`outRefundNo\` varchar(64) NOT NULL, \`refundId\` varchar(64) NULL, \`amountFen\` int NOT NULL DEFAULT '0', \`reason\` varchar(80) NOT NULL DEFAULT '', \`status\` enum ('processing', 'success', 'abnormal', 'closed', 'failed') NOT NULL, \`rawNotification\` text NULL, \`succeededAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_refund_out_refund_no\` (\`outRefundNo\`), INDEX \`idx_refund_status\` (\`status\`, \`updatedAt\`), INDEX \`idx_refund_booking\` (\`bookingId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`region\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(64) NOT NULL, \`level\` enum ('district', 'street', 'community') NOT NULL, \`parentId\` int NULL, \`path\` varchar(255) NOT NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_region_path\` (\`path\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`reminder\` (\`id\` int NOT NULL AUTO_INCREMENT, \`bookingId\` int NOT NULL, \`accountId\` int NOT NULL, \`kind\` enum ('day_before', 'hour_before', 'payment_due', 'rating_request') NOT NULL, \`status\` enum ('pending', 'sent', 'cancelled', 'failed') NOT NULL, \`dueAt\` datetime(3) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`lastError\` varchar(200) NOT NULL DEFAULT '', \`sentAt\` datetime(3) NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_reminder_due\` (\`status\`, \`dueAt\`), UNIQUE INDEX \`uq_reminder\` (\`bookingId\`, \`accountId\`, \`kind\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`senior\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(32) NOT NULL, \`gender\` enum ('female', 'male') NOT NULL, \`birthDate\` date NOT NULL, \`idCardLast4\` varchar(4) NULL, \`phone\` varchar(20) NULL, \`address\` varchar(200) NOT NULL, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`homeCentreId\` int NULL, \`latitude\` double NULL, \`longitude\` double NULL, \`categories\` text NOT NULL, \`abilityLevel\` int NOT NULL DEFAULT '0', \`dietNotes\` varchar(200) NOT NULL DEFAULT '', \`emergencyContacts\` text NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`createdAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, INDEX \`idx_senior_home_centre\` (\`homeCentreId\`), INDEX \`idx_senior_region\` (\`regionPath\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`session\` (\`id\` int NOT NULL AUTO_INCREMENT, \`tokenHash\` varchar(64) NOT NULL, \`accountId\` int NOT NULL, \`channel\` enum ('miniprogram', 'console', 'mp_web') NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`revokedAt\` datetime(3) NULL, UNIQUE INDEX \`uq_session_token\` (\`tokenHash\`), INDEX \`idx_session_account\` (\`accountId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`slot\` (\`id\` int NOT NULL AUTO_INCREMENT, \`serviceItemId\` int NOT NULL, \`centreId\` int NOT NULL, \`date\` date NOT NULL, \`startsAt\` datetime(3) NOT NULL, \`endsAt\` datetime(3) NOT NULL, \`capacity\` int NOT NULL, \`booked\` int NOT NULL DEFAULT '0', \`bookingCutoffAt\` datetime(3) NOT NULL, \`cancelCutoffAt\` datetime(3) NOT NULL, \`workerName\` varchar(64) NOT NULL DEFAULT '', \`status\` enum ('open', 'closed') NOT NULL DEFAULT 'open', \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_slot_centre_date\` (\`centreId\`, \`date\`), UNIQUE INDEX \`uq_slot_item_start_worker\` (\`serviceItemId\`, \`startsAt\`, \`workerName\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`subsidy_policy\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(100) NOT NULL, \`regionId\` int NOT NULL, \`regionPath\` varchar(255) NOT NULL, \`category\` enum ('meal', 'bath', 'home_visit') NOT NULL, \`serviceKinds\` text NOT NULL, \`minAge\` int NULL, \`seniorCategories\` text NOT NULL, \`minAbilityLevel\` int NULL, \`method\` enum ('fixed', 'percent') NOT NULL, \`amountFen\` int NOT NULL DEFAULT '0', \`percent\` int NOT NULL DEFAULT '0', \`maxPerDay\` int NULL, \`monthlyCapFen\` int NULL, \`validFrom\` date NOT NULL, \`validTo\` date NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`description\` varchar(200) NOT NULL DEFAULT '', \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_subsidy_policy_category\` (\`category\`, \`active\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_subsidy_policy_category\` ON \`subsidy_policy\``);
    await queryRunner.query(`DROP TABLE \`subsidy_policy\``);
    await queryRunner.query(`DROP INDEX \`uq_slot_item_start_worker\` ON \`slot\``);
    await queryRunner.query(`DROP INDEX \`idx_slot_centre_date\` ON \`slot\``);
    await queryRunner.query(`DROP TABLE \`slot\``);
    await queryRunner.query(`DROP INDEX \`idx_session_account\` ON \`session\``);
    await queryRunner.query(`DROP INDEX \`uq_session_token\` ON \`session\``);
    await queryRunner.query(`DROP TABLE \`session\``);
    await queryRunner.query(`DROP INDEX \`idx_senior_region\` ON \`senior\``);
    await queryRunner.query(`DROP INDEX \`idx_senior_home_centre\` ON \`senior\``);
    await queryRunner.query(`DROP TABLE \`senior\``);
    await queryRunner.query(`DROP INDEX \`uq_reminder\` ON \`reminder\``);
    await queryRunner.query(`DROP INDEX \`idx_reminder_due\` ON \`reminder\``);
    await queryRunner.query(`DROP TABLE \`reminder\``);
    await queryRunner.query(`DROP INDEX \`idx_region_path\` ON \`region\``);
    await queryRunner.query(`DROP TABLE \`region\``);
    await queryRunner.query(`DROP INDEX \`idx_refund_booking\` ON \`refund\``);
    await queryRunner.query(`DROP INDEX \`idx_refund_status\` ON \`refund\``);
    await queryRunner.query(`DROP INDEX \`uq_refund_out_refund_no\` ON \`refund\``);
    await queryRunner.query(`DROP TABLE \`refund\``);
    await queryRunner.query(`DROP INDEX \`uq_rating_booking\` ON \`rating\``);
    await queryRunner.query(`DROP TABLE \`rating\``);
    await queryRunner.query(`DROP INDEX \`idx_payment_booking\` ON \`payment\``);
    await queryRunner.query(`DROP INDEX \`idx_payment_status_expires\` ON \`payment\``);
    await queryRunner.query(`DROP INDEX \`uq_payment_out_trade_no\` ON \`payment\``);
    await queryRunner.query(`DROP TABLE \`payment\``);
    await queryRunner.query(`DROP INDEX \`uq_notice_delivery\` ON \`notice_delivery\``);
    await queryRunner.query(`DROP INDEX \`idx_notice_delivery_queue\` ON \`notice_delivery\``);
    await queryRunner.query(`DROP INDEX \`idx_notice_delivery_account\` ON \`notice_delivery\``);
    await queryRunner.query(`DROP TABLE \`notice_delivery\``);
    await queryRunner.query(`DROP INDEX \`idx_notice_status_scheduled\` ON \`notice\``);
    await queryRunner.query(`DROP TABLE \`notice\``);
    await queryRunner.query(`DROP INDEX \`uq_menu_slot\` ON \`menu\``);
    await queryRunner.query(`DROP TABLE \`menu\``);
    await queryRunner.query(`DROP INDEX \`idx_family_link_code_code\` ON \`family_link_code\``);
    await queryRunner.query(`DROP TABLE \`family_link_code\``);
    await queryRunner.query(`DROP INDEX \`uq_family_link_pair\` ON \`family_link\``);
    await queryRunner.query(`DROP INDEX \`idx_family_link_account\` ON \`family_link\``);
    await queryRunner.query(`DROP TABLE \`family_link\``);
    await queryRunner.query(`DROP INDEX \`idx_alert_status_escalated\` ON \`emergency_alert\``);
    await queryRunner.query(`DROP INDEX \`idx_alert_senior\` ON \`emergency_alert\``);
    await queryRunner.query(`DROP TABLE \`emergency_alert\``);
    await queryRunner.query(`DROP INDEX \`idx_centre_region\` ON \`centre\``);
    await queryRunner.query(`DROP TABLE \`centre\``);
    await queryRunner.query(`DROP INDEX \`uq_booking_idempotency\` ON \`booking\``);
    await queryRunner.query(`DROP INDEX \`idx_booking_senior_date\` ON \`booking\``);
    await queryRunner.query(`DROP INDEX \`idx_booking_slot\` ON \`booking\``);
    await queryRunner.query(`DROP INDEX \`idx_booking_centre_date\` ON \`booking\``);
    await queryRunner.query(`DROP INDEX \`idx_booking_status_expires\` ON \`booking\``);
    await queryRunner.query(`DROP INDEX \`uq_booking_code\` ON \`booking\``);
    await queryRunner.query(`DROP TABLE \`booking\``);
    await queryRunner.query(`DROP INDEX \`idx_service_item_centre\` ON \`service_item\``);
    await queryRunner.query(`DROP TABLE \`service_item\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_entity\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_actor\` ON \`audit_log\``);
    await queryRunner.query(`DROP TABLE \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`uq_account_senior\` ON \`account\``);
    await queryRunner.query(`DROP INDEX \`uq_account_username\` ON \`account\``);
    await queryRunner.query(`DROP INDEX \`idx_account_unionid\` ON \`account\``);
    await queryRunner.query(`DROP INDEX \`uq_account_mini_openid\` ON \`account\``);
    await queryRunner.query(`DROP INDEX \`uq_account_mp_openid\` ON \`account\``);
    await queryRunner.query(`DROP TABLE \`account\``);
  }
}
