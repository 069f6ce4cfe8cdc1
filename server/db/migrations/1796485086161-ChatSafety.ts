import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The chat bot's shared safety state: unsure emergencies waiting for an answer, and hand-overs to a person. */

export class ChatSafety1796485086161 implements MigrationInterface {
  name = 'ChatSafety1796485086161';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE \`emergency_check\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`accountId\` int NOT NULL, \`openid\` varchar(64) NOT NULL, \`message\` varchar(500) NOT NULL DEFAULT '', \`status\` enum ('waiting', 'not_needed', 'raised', 'raised_unanswered') NOT NULL, \`askedAt\` datetime(3) NOT NULL, \`dueAt\` datetime(3) NOT NULL, \`settledAt\` datetime(3) NULL, \`alertId\` int NULL, INDEX \`idx_emergency_check_due\` (\`status\`, \`dueAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE \`chat_handover\` (\`id\` int NOT NULL AUTO_INCREMENT, \`seniorId\` int NOT NULL, \`openid\` varchar(64) NOT NULL, \`centreId\` int NULL, \`startedAt\` datetime(3) NOT NULL, \`lastAt\` datetime(3) NOT NULL, \`takenByAccountId\` int NULL, \`takenByName\` varchar(32) NOT NULL DEFAULT '', \`endedAt\` datetime(3) NULL, \`endedBy\` enum ('senior', 'staff', 'quiet', 'bot') NULL, INDEX \`idx_chat_handover_senior\` (\`seniorId\`, \`endedAt\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`idx_chat_handover_senior\` ON \`chat_handover\``);
    await queryRunner.query(`DROP TABLE \`chat_handover\``);
    await queryRunner.query(`DROP INDEX \`idx_emergency_check_due\` ON \`emergency_check\``);
    await queryRunner.query(`DROP TABLE \`emergency_check\``);
  }
}
