import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The registry's writes: versions for optimistic concurrency, dated prices, closures, delivery areas. */
export class CatalogueRegistry1796483350804 implements MigrationInterface {
  name = 'CatalogueRegistry1796483350804';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`service_price\` (\`id\` int NOT NULL AUTO_INCREMENT, \`serviceItemId\` int NOT NULL, \`priceFen\` int NOT NULL, \`validFrom\` date NOT NULL, \`createdByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_service_price_item_from\` (\`serviceItemId\`, \`validFrom\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`centre_closure\` (\`id\` int NOT NULL AUTO_INCREMENT, \`centreId\` int NOT NULL, \`date\` date NOT NULL, \`serviceItemIds\` text NOT NULL DEFAULT '', \`reason\` varchar(100) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`createdByAccountId\` int NULL, \`createdAt\` datetime(3) NOT NULL, \`liftedByAccountId\` int NULL, \`liftedAt\` datetime(3) NULL, INDEX \`idx_centre_closure_centre_date\` (\`centreId\`, \`date\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`service_item\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`centre\` ADD \`deliveryCommunityIds\` text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`centre\` ADD \`deliveryRadiusMetres\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`centre\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`region\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE \`slot\` ADD \`closeReason\` varchar(100) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`slot\` ADD \`closureId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`slot\` ADD \`version\` int NOT NULL DEFAULT '1'`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`uq_region_parent_name\` ON \`region\` (\`parentId\`, \`name\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`uq_region_parent_name\` ON \`region\``);
    await queryRunner.query(`ALTER TABLE \`slot\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`slot\` DROP COLUMN \`closureId\``);
    await queryRunner.query(`ALTER TABLE \`slot\` DROP COLUMN \`closeReason\``);
    await queryRunner.query(`ALTER TABLE \`region\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`centre\` DROP COLUMN \`version\``);
    await queryRunner.query(`ALTER TABLE \`centre\` DROP COLUMN \`deliveryRadiusMetres\``);
    await queryRunner.query(`ALTER TABLE \`centre\` DROP COLUMN \`deliveryCommunityIds\``);
    await queryRunner.query(`ALTER TABLE \`service_item\` DROP COLUMN \`version\``);
    await queryRunner.query(`DROP INDEX \`idx_centre_closure_centre_date\` ON \`centre_closure\``);
    await queryRunner.query(`DROP TABLE \`centre_closure\``);
    await queryRunner.query(`DROP INDEX \`uq_service_price_item_from\` ON \`service_price\``);
    await queryRunner.query(`DROP TABLE \`service_price\``);
  }
}
