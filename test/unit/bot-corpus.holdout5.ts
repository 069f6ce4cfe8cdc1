import { AFTER, c, TODAY, TOMORROW, type Case } from './bot-corpus.kit';

/**
 * A fifth held-out batch: the way Hangzhou's seniors type (Wu words: 明朝, 今朝, 夜饭, 弗要, 覅, 伊, 侬, 阿拉) and a
 * few from the north and the south-west, mixed with ordinary messages.
 */
export const HOLDOUT5: readonly Case[] = [
  c('明朝中饭订一份', 'book_meal', { date: TOMORROW, meal: 'lunch', quantity: 1 }),
  c('明朝夜饭要两份，送到屋里', 'book_meal', { date: TOMORROW, meal: 'dinner', quantity: 2, delivery: 'delivery' }),
  c('今朝中饭还好订伐', 'book_meal', { date: TODAY, meal: 'lunch' }),
  c('明朝的饭弗要了', 'cancel', { date: TOMORROW }),
  c('覅送了，阿拉自己去拿', 'cancel', {}, 'deny'),
  c('后日中饭阿拉两个人吃', 'book_meal', { date: AFTER, meal: 'lunch', quantity: 2 }),
  c('伊跌了一跤，爬弗起来了', 'emergency', { sure: true }),
  c('阿拉老头子昏过去了，侬快点来', 'emergency', { sure: true }),
  c('我心里老难过的，头也晕', 'emergency'),
  c('今朝吃啥', 'menu', { date: TODAY }),
  c('明朝夜饭吃啥', 'menu', { date: TOMORROW, meal: 'dinner' }),
  c('侬好', 'help'),
  c('谢谢侬', 'small_talk'),
  c('阿拉一个人住，老孤单的', 'lonely'),
  c('中饭吃好了', 'small_talk'),
  c('我弗订了', 'deny'),
  c('今朝落雨了', 'small_talk'),
  c('明儿个给俺整两份饭', 'book_meal', { date: TOMORROW, quantity: 2 }),
  c('这饭贼好吃', 'rate', { score: 5 }),
  c('巴适得很', 'rate', { score: 5 }),
  c('明天中午的饭要得', 'book_meal', { date: TOMORROW, meal: 'lunch' }),
  c('我脑壳痛得很', 'emergency'),
  c('哎哟，我遭不住了', 'emergency', { sure: true }),
  c('我老汉摔了一跤', 'emergency', { sure: true }),
  c('唔该晒', 'small_talk', {}, 'unknown'),
  c('我好唔舒服', 'emergency', { sure: false }),
  c('佢跌倒了', 'emergency', { sure: true }),
  c('明天中午冇人陪我去医院', 'book_visit', { date: TOMORROW, visitKind: 'escort' }),
  c('你们那边订饭要提前多久', 'help'),
  c('饭可以少点米饭多点菜吗', 'small_talk', {}, 'help'),
  c('后天帮我订一份清淡的午饭', 'book_meal', { date: AFTER, meal: 'lunch', quantity: 1, diet: ['清淡'] }),
  c('我明天要体检，不能吃早饭', 'cancel', { date: TOMORROW, meal: 'breakfast' }, 'small_talk'),
  c('今天的饭菜太硬了，老伴咬不动', 'rate', { score: 2 }),
  c('洗澡那天能不能派个男的来', 'book_bath', {}, 'human'),
  c('我家的门锁坏了进不去了', 'human', {}, 'emergency'),
];
