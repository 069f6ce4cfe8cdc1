import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class PushClaims1796313580187 implements MigrationInterface {
  name = 'PushClaims1796313580187';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`wechat_push_claim\` (\`dedupeKey\` varchar(128) NOT NULL, \`claimedAt\` datetime(3) NOT NULL, PRIMARY KEY (\`dedupeKey\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    // Every message recorded so far was claimed by its own row: its claim carries over, so a retry of one
    // that arrives across the upgrade is still recognised.
    await queryRunner.query(`INSERT INTO \`wechat_push_claim\` (\`dedupeKey\`, \`claimedAt\`) SELECT \`dedupeKey\`, \`receivedAt\` FROM \`wechat_inbound\``);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`wechat_push_claim\``);
  }
}
