import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every table in utf8mb4. The migrations now create their tables utf8mb4 explicitly; before, a table took the
 * database's default, and on a MariaDB whose default is latin1 the Chinese of the demo seed (and of every senior's
 * name) could not be stored. A database made that way is converted here, table by table, only where needed
 * (converting a table rebuilds it).
 */
export class Utf8mb4Tables1796485894483 implements MigrationInterface {
  name = 'Utf8mb4Tables1796485894483';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const tables: Array<{ name: string }> = await queryRunner.query(
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_COLLATION <> 'utf8mb4_unicode_ci'`,
    );
    for (const { name } of tables) {
      await queryRunner.query(`ALTER TABLE \`${name.replace(/`/g, '``')}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  }

  public async down(): Promise<void> {
    // Nothing to undo: utf8mb4 holds everything the old character set did.
  }
}
