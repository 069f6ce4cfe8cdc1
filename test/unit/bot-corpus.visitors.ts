import { c, type Case } from './bot-corpus.kit';

/**
 * 探访关爱 (issue 24): a senior, or the son or daughter for them, asks who is coming to see them and when — the
 * visits the centre has planned. Beside them, messages about coming to see someone that ask no such thing: a
 * feeling ("没人来看我"), family news, a visit already made, and requests that stay what they are.
 */
export const VISITORS: readonly Case[] = [
  // ------------------------------------------------------------------------------------------ who_visits
  c('这周谁来看我', 'who_visits'),
  c('这周谁来看我呀？', 'who_visits'),
  c('这个礼拜谁来看我', 'who_visits'),
  c('这两周谁来看我', 'who_visits'),
  c('明天谁来看我', 'who_visits'),
  c('谁来看我呀', 'who_visits'),
  c('啥时候有人来看我', 'who_visits'),
  c('啥时候有人来看我呀', 'who_visits'),
  c('志愿者哪天来', 'who_visits'),
  c('志愿者哪天来呀', 'who_visits'),
  c('志愿者小吴哪天过来看我', 'who_visits'),
  c('志愿者这周来吗？', 'who_visits'),
  c('社工这周来不来', 'who_visits'),
  c('网格员几号来', 'who_visits'),
  c('下次探访是哪天', 'who_visits'),
  c('下回探访是几号', 'who_visits'),
  c('探访是星期几', 'who_visits'),
  c('这周有探访吗', 'who_visits'),
  c('有没有人来看我', 'who_visits'),
  c('有没有人这周来看我', 'who_visits'),
  c('小睦，这周有人来看我吗', 'who_visits'),
  c('下礼拜有人来看我没有', 'who_visits'),
  c('你们派的人什么时候来看我', 'who_visits'),
  c('你们哪天来看我', 'who_visits'),
  c('哪天来人看我', 'who_visits'),
  c('看我的人什么时候来', 'who_visits'),
  c('谁来看我，几号来', 'who_visits'),
  c('我妈这周谁去看她', 'who_visits', { forWhom: '妈' }),
  c('给我爸查查啥时候有人去看他', 'who_visits', { forWhom: '爸' }),

  // ------------------------------------------------------------------------------------------ not that question
  c('好久都没人来看看我了', 'lonely'),
  c('没有人来看我，闷得慌', 'lonely'),
  c('儿子说周末来看我', 'small_talk'),
  c('孙子下礼拜回来看我', 'small_talk'),
  c('昨天志愿者来看过我了', 'small_talk'),
  c('志愿者送的饭到了', 'small_talk'),
  c('我想看看明天的菜单', 'menu'),
  c('陪我去医院看病', 'book_visit'),
  c('谁能帮我订明天的午饭', 'book_meal'),
  c('头有点晕，这周谁来看我', 'emergency', { sure: false }),
  c('摔倒了，谁来看看我', 'emergency'),
];
