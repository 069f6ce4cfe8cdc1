import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Centre.counterPayment (现场付). Its own migration on purpose: the money work adds the same column under the same
 * name, and whichever branch lands second keeps one of the two files.
 */
export class CentreCounterPayment1796483350800 implements MigrationInterface {
  name = 'CentreCounterPayment1796483350800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`centre\` ADD \`counterPayment\` tinyint NOT NULL DEFAULT 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`centre\` DROP COLUMN \`counterPayment\``);
  }
}
