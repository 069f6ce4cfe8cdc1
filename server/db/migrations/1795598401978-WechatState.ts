import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class WechatState1795598401978 implements MigrationInterface {
  name = 'WechatState1795598401978';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`wechat_access_token\` (\`appId\` varchar(64) NOT NULL, \`token\` varchar(512) NOT NULL, \`expiresAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, PRIMARY KEY (\`appId\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`wechat_inbound\` (\`id\` int NOT NULL AUTO_INCREMENT, \`dedupeKey\` varchar(128) NOT NULL, \`openid\` varchar(64) NOT NULL, \`msgType\` varchar(32) NOT NULL, \`receivedAt\` datetime(3) NOT NULL, \`reply\` text NULL, \`handledAt\` datetime(3) NULL, UNIQUE INDEX \`uq_wechat_inbound_key\` (\`dedupeKey\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`wechat_subscribe_refusal\` (\`id\` int NOT NULL AUTO_INCREMENT, \`openid\` varchar(64) NOT NULL, \`templateId\` varchar(64) NOT NULL, \`refusedAt\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_subscribe_refusal\` (\`openid\`, \`templateId\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`uq_subscribe_refusal\` ON \`wechat_subscribe_refusal\``);
    await queryRunner.query(`DROP TABLE \`wechat_subscribe_refusal\``);
    await queryRunner.query(`DROP INDEX \`uq_wechat_inbound_key\` ON \`wechat_inbound\``);
    await queryRunner.query(`DROP TABLE \`wechat_inbound\``);
    await queryRunner.query(`DROP TABLE \`wechat_access_token\``);
  }
}
