import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Where each kind of record already in the audit log belongs (its centre and region), for the backfill below. */
const BACKFILL: ReadonlyArray<readonly [entityType: string, join: string, centreId: string, regionPath: string]> = [
  ['booking', 'JOIN `booking` r ON r.`id` = a.`entityId` JOIN `centre` c ON c.`id` = r.`centreId`', 'r.`centreId`', 'c.`regionPath`'],
  [
    'refund',
    'JOIN `refund` f ON f.`id` = a.`entityId` JOIN `booking` r ON r.`id` = f.`bookingId` JOIN `centre` c ON c.`id` = r.`centreId`',
    'r.`centreId`',
    'c.`regionPath`',
  ],
  ['senior', 'JOIN `senior` s ON s.`id` = a.`entityId`', 's.`homeCentreId`', 's.`regionPath`'],
  ['family_link', 'JOIN `family_link` f ON f.`id` = a.`entityId` JOIN `senior` s ON s.`id` = f.`seniorId`', 's.`homeCentreId`', 's.`regionPath`'],
  ['emergency_alert', 'JOIN `emergency_alert` e ON e.`id` = a.`entityId` JOIN `senior` s ON s.`id` = e.`seniorId`', 'e.`centreId`', 's.`regionPath`'],
  ['slot_template', 'JOIN `slot_template` t ON t.`id` = a.`entityId` JOIN `centre` c ON c.`id` = t.`centreId`', 't.`centreId`', 'c.`regionPath`'],
  ['settlement', 'JOIN `settlement` t ON t.`id` = a.`entityId`', 'NULL', 't.`regionPath`'],
];

export class StaffAccountsAuditScope1796483327702 implements MigrationInterface {
  name = 'StaffAccountsAuditScope1796483327702';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`account\` ADD \`mustChangePassword\` tinyint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE \`account\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`audit_log\` ADD \`scopeCentreId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`audit_log\` ADD \`scopeRegionPath\` varchar(255) NULL`);
    await queryRunner.query(`ALTER TABLE \`booking\` CHANGE \`channel\` \`channel\` enum ('mp_chat', 'miniprogram', 'console', 'phone', 'counter') NOT NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_audit_scope_centre\` ON \`audit_log\` (\`scopeCentreId\`, \`createdAt\`)`);
    await queryRunner.query(`CREATE INDEX \`idx_audit_scope_region\` ON \`audit_log\` (\`scopeRegionPath\`, \`createdAt\`)`);
    // Entries written before scopes existed: the record's centre and region where the record says, otherwise the
    // acting staff member's centre or administrator's region. What is left (family members' entries, the system's)
    // stays unscoped, which only administrators of a top-level region read.
    for (const [type, join, centreId, regionPath] of BACKFILL) {
      await queryRunner.query(
        `UPDATE \`audit_log\` a ${join} SET a.\`scopeCentreId\` = ${centreId}, a.\`scopeRegionPath\` = ${regionPath} WHERE a.\`entityType\` = ?`,
        [type],
      );
    }
    await queryRunner.query(
      `UPDATE \`audit_log\` a JOIN \`account\` x ON x.\`id\` = a.\`actorAccountId\` LEFT JOIN \`centre\` c ON c.\`id\` = x.\`centreId\`
       SET a.\`scopeCentreId\` = x.\`centreId\`, a.\`scopeRegionPath\` = COALESCE(c.\`regionPath\`, x.\`regionPath\`)
       WHERE a.\`scopeRegionPath\` IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_audit_scope_region\` ON \`audit_log\``);
    await queryRunner.query(`DROP INDEX \`idx_audit_scope_centre\` ON \`audit_log\``);
    await queryRunner.query(`ALTER TABLE \`booking\` CHANGE \`channel\` \`channel\` enum ('mp_chat', 'miniprogram', 'console', 'phone') NOT NULL`);
    await queryRunner.query(`ALTER TABLE \`audit_log\` DROP COLUMN \`scopeRegionPath\``);
    await queryRunner.query(`ALTER TABLE \`audit_log\` DROP COLUMN \`scopeCentreId\``);
    await queryRunner.query(`ALTER TABLE \`account\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`account\` DROP COLUMN \`mustChangePassword\``);
  }
}
