import { AFTER, AFTER3, c, NEXT_MON, SAT, TODAY, TOMORROW, type Case } from './bot-corpus.kit';

/**
 * A sixth held-out batch: long voice messages without a full stop, family members writing for a parent, a
 * request with a story around it, and a few more emergencies told the long way.
 */
export const HOLDOUT6: readonly Case[] = [
  c('喂小睦啊我跟你说我明天中午想吃饭你给我订一份送到家里来好吧', 'book_meal', { date: TOMORROW, meal: 'lunch', quantity: 1, delivery: 'delivery' }),
  c('那个我女儿说让我在这上面订饭我也不太会弄你帮我订个明天的午饭吧', 'book_meal', { date: TOMORROW, meal: 'lunch' }),
  c('我是王阿姨的女儿，我妈明天中午的饭麻烦送到家', 'book_meal', { date: TOMORROW, meal: 'lunch', delivery: 'delivery' }),
  c('你好我爸腿脚不方便后天能不能派人上门帮他洗个澡', 'book_bath', { date: AFTER, forWhom: '爸' }),
  c('我妈一个人在家，麻烦你们周六中午给她送一份饭', 'book_meal', { date: SAT, meal: 'lunch', quantity: 1, delivery: 'delivery' }),
  c('下礼拜一开始中午的饭都给我订上', 'book_meal', { date: NEXT_MON, meal: 'lunch' }),
  c('今天晚上的饭我不吃了我儿子接我出去吃', 'cancel', { date: TODAY, meal: 'dinner' }),
  c('我跟你说啊明天那顿饭就别送了我去我闺女家', 'cancel', { date: TOMORROW }),
  c('刚才订错了，不是明天是大后天', 'book_meal', { date: AFTER3 }, 'deny'),
  c('我想问一下我明天的饭是几点送过来', 'my_bookings', { date: TOMORROW }),
  c('洗澡的钱是我自己出还是政府出', 'price'),
  c('你们这个助餐是不是八十岁以上才有补贴', 'price', {}, 'help'),
  c('我就是想问问你们那个送餐服务怎么收费的', 'price'),
  c('小睦啊你今天吃饭了没有啊', 'small_talk', {}, 'help'),
  c('今天天气好我下楼晒太阳了', 'small_talk'),
  c('我昨天订的饭收到了味道还可以', 'rate', { score: 3 }, 'small_talk'),
  c('今天送饭的小伙子来得挺早的谢谢他', 'small_talk', {}, 'rate'),
  c('儿子媳妇都上班去了家里就剩我一个老太婆', 'lonely'),
  c('有时候一个人坐着坐着就想哭', 'lonely'),
  c('你们有没有人能来陪我聊聊天啊', 'lonely', {}, 'human'),
  c('我刚才在厨房做饭的时候一不小心摔了一跤现在腰动不了', 'emergency', { sure: true }),
  c('我老伴早上起来就一直说头疼刚才吐了两回现在叫他也不怎么答应', 'emergency', { sure: true }),
  c('我一个人在家突然觉得胸口特别闷喘不上来气', 'emergency', { sure: true }),
  c('你们快派人来看看我妈她打电话说她起不来了', 'emergency', { sure: true }),
  c('我家里好像有人进来过东西都被翻了我现在很害怕', 'emergency', { sure: true }),
  c('我刚才烧水的时候壶倒了开水烫到脚了起了好多泡', 'emergency', { sure: true }),
  c('我今天早上起来就觉得左边胳膊和腿都没力气，说话也有点不清楚', 'emergency', { sure: true }),
  c('老头子吃饭的时候呛着了一直咳脸都紫了', 'emergency', { sure: true }),
  c('我这几天一直有点咳嗽，今天好像有点发烧', 'emergency', { sure: false }),
  c('最近老是头晕，也不知道是不是血压的问题', 'emergency', { sure: false }),
  c('我没有摔，就是腿有点酸，想约个人来给我按摩一下', 'book_visit', { visitKind: 'nursing' }),
  c('上个月摔了一跤现在好了，就是走路还慢，饭还是送到家里吧', 'book_meal', { delivery: 'delivery' }),
  c('我要找你们那个姓王的工作人员', 'human'),
  c('刚才那个电话是你们打的吗', 'human', {}, 'unknown'),
  c('我孙子给我装的这个东西我不会用，你教教我', 'help'),
];
