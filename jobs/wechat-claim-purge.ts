import type { Job } from '../server/services/scheduler/job';
import type { WechatInboxService } from '../server/services/chat/wechat-inbox.service';

/** Claims of pushed WeChat messages older than three days are deleted (WechatInboxService.purgeOldClaims). */
export const wechatClaimPurge: Job<{ inbox: Pick<WechatInboxService, 'purgeOldClaims'> }> = {
  name: 'wechat-claim-purge',
  schedule: '27 4 * * *',
  timezone: 'Asia/Shanghai',
  description: 'purge claims of WeChat pushes older than three days; the conversation log stays (daily, 04:27)',
  run: (s) => s.inbox.purgeOldClaims(),
};
