import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Photos taken on a visit (issue 24): the row per photo; the bytes are in the file store (MULIN_FILES_DIR). */
export class VisitPhotos1796489400000 implements MigrationInterface {
  name = 'VisitPhotos1796489400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`visit_photo\` (\`id\` int NOT NULL AUTO_INCREMENT, \`visitId\` int NOT NULL, \`seniorId\` int NOT NULL, \`storeKey\` varchar(80) NOT NULL, \`contentType\` varchar(32) NOT NULL, \`bytes\` int NOT NULL, \`uploadedByAccountId\` int NOT NULL, \`createdAt\` datetime(3) NOT NULL, INDEX \`idx_visit_photo_created\` (\`createdAt\`), INDEX \`idx_visit_photo_visit\` (\`visitId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_visit_photo_visit\` ON \`visit_photo\``);
    await queryRunner.query(`DROP INDEX \`idx_visit_photo_created\` ON \`visit_photo\``);
    await queryRunner.query(`DROP TABLE \`visit_photo\``);
  }
}
