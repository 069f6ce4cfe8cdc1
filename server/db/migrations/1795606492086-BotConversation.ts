import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class BotConversation1795606492086 implements MigrationInterface {
  name = 'BotConversation1795606492086';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`bot_conversation\` (\`openid\` varchar(64) NOT NULL, \`pending\` text NULL, \`expiresAt\` datetime(3) NOT NULL, \`updatedAt\` datetime(3) NOT NULL, PRIMARY KEY (\`openid\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`senior_bind_code\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`code\` varchar(6) NOT NULL, \`scene\` varchar(64) NOT NULL, \`issuedByAccountId\` int NOT NULL, \`createdAt\` datetime(3) NOT NULL, \`codeExpiresAt\` datetime(3) NOT NULL, \`sceneExpiresAt\` datetime(3) NOT NULL, \`usedAt\` datetime(3) NULL, \`usedByAccountId\` int NULL, UNIQUE INDEX \`uq_senior_bind_code_scene\` (\`scene\`), INDEX \`idx_senior_bind_code_senior\` (\`seniorId\`), INDEX \`idx_senior_bind_code_code\` (\`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` ADD \`said\` varchar(600) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` ADD \`intent\` varchar(32) NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` ADD \`accountId\` int NULL`);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` ADD \`seniorId\` int NULL`);
    await queryRunner.query(`CREATE INDEX \`idx_wechat_inbound_openid\` ON \`wechat_inbound\` (\`openid\`, \`id\`)`);
    await queryRunner.query(`CREATE INDEX \`idx_wechat_inbound_senior\` ON \`wechat_inbound\` (\`seniorId\`, \`id\`)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_wechat_inbound_senior\` ON \`wechat_inbound\``);
    await queryRunner.query(`DROP INDEX \`idx_wechat_inbound_openid\` ON \`wechat_inbound\``);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` DROP COLUMN \`seniorId\``);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` DROP COLUMN \`accountId\``);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` DROP COLUMN \`intent\``);
    await queryRunner.query(`ALTER TABLE \`wechat_inbound\` DROP COLUMN \`said\``);
    await queryRunner.query(`DROP INDEX \`idx_senior_bind_code_code\` ON \`senior_bind_code\``);
    await queryRunner.query(`DROP INDEX \`idx_senior_bind_code_senior\` ON \`senior_bind_code\``);
    await queryRunner.query(`DROP INDEX \`uq_senior_bind_code_scene\` ON \`senior_bind_code\``);
    await queryRunner.query(`DROP TABLE \`senior_bind_code\``);
    await queryRunner.query(`DROP TABLE \`bot_conversation\``);
  }
}
