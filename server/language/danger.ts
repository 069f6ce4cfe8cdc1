/**
 * Emergencies, read before anything else. A danger lexicon by kind — falls, pain by body part, breathing,
 * unconsciousness, stroke signs, bleeding, burns, named conditions, intruders, fire and gas, despair, calls for
 * help — written as patterns that tolerate words in between ("心口有点疼", "摔地上了爬不起来", "燃气好像漏了"),
 * on the canonical text with its clause breaks (`|`, see text.ts), so a gap never runs across a comma.
 *
 * A match does not count when, in its own clause, it is negated right before it ("没摔倒", "头不晕了"), said of a
 * fear, a hypothesis or the past ("怕摔跤", "万一…", "上次摔倒以后", "中风过", "老伴中风好几年了"), or said to be over
 * ("…，今天已经好了").
 *
 * `sure`: act at once (a fall, chest pain, not breathing, a stroke sign …, or a milder sign said strongly:
 * "头疼得要炸了"). Not sure: a milder sign alone ("头有点晕", "不舒服"): the bot asks first, and tells the centre anyway
 * if no answer comes. `mood` marks unsure words that loneliness also uses ("憋得慌", "心里难受").
 */

export type DangerKind =
  | 'call'
  | 'fall'
  | 'chest'
  | 'breathing'
  | 'unconscious'
  | 'stroke'
  | 'bleeding'
  | 'burn'
  | 'condition'
  | 'pain'
  | 'unwell'
  | 'fear'
  | 'intruder'
  | 'fire'
  | 'gas'
  | 'despair';

export interface Danger {
  kind: DangerKind;
  sure: boolean;
  /** Only unsure words that also say how someone feels ("憋得慌", "心里难受"): loneliness may explain them. */
  mood?: boolean;
}

/** Up to n characters in the same clause. */
const G = (n: number) => `[^|]{0,${n}}`;
/** Up to n characters in the same clause, none of them a negation ("头不晕" is no dizziness). */
const NG = (n: number) => `[^|不没别]{0,${n}}`;

const PERSON = '(?:我|老伴|老头子?|老太婆|老婆子?|老太太|老爷子|妈|爸|奶奶|爷爷|外婆|外公|姥姥|姥爷|他|她|人|邻居|对门|隔壁)';
const BODY = '(?:头|脑袋|脑壳|肚子|肚皮|胃|腰|背|后背|腿|膝盖|脚|脚踝|手|手腕|胳膊|肩膀?|脖子|全身|浑身|身上|骨头|胯骨?|屁股|髋)';
const CHEST = '(?:心口窝?|胸口|胸膛|胸|心脏|心窝子?)';
const HURT = '(?:疼|痛|通)';
/** Said after a milder sign, these make it sure: "疼得厉害", "晕得站不住", "难受得要死". */
const STRONG = /厉害|要命|受不了|不行|要死|死了|打滚|钻心|要炸|裂开|遭不住|动不了|走不了|走不动|站不住|站不起来|下不了床|冷汗|一身汗|吓人|越来越|直冒汗|止不住/;

type Rule = readonly [DangerKind, boolean, RegExp, boolean?];

const r = (parts: string[]) => new RegExp(parts.join('|'), 'g');

/** In priority order: the first sure kind found names the emergency. */
const RULES: readonly Rule[] = [
  [
    'despair',
    true,
    r([
      '不想再?活',
      '不愿(?:意)?再?活',
      '活着(?:拖累|受罪|遭罪|干什么|干嘛|还有什么意思)',
      '不想(?:再)?拖累',
      '活(?:着)?[真也都还]?(?:没|有什么)(?:意思|劲|盼头|奔头)',
      '活够了',
      '活腻',
      '想死',
      '寻死',
      '死了算了',
      '死了好',
      '不如死了',
      '一死了之',
      '一了百了',
      '自杀',
      '跳楼',
      '跳河',
      '上吊',
      '喝农药',
      '活不下去',
      '没法活',
      '不活了',
      '(?:走了|死了)(?:算了|拉倒|也好|干净)',
    ]),
  ],
  [
    'fire',
    true,
    r([
      '着火',
      '失火',
      '起火',
      '火灾',
      '(?:冒|起|打)火花',
      `电线${G(3)}(?:冒|烧|着|起火|火花)`,
      '短路',
      '漏电',
      '冒烟',
      '烧起来',
      `(?:锅|厨房|屋|房子|被子|电线|插座|窗帘|家里)${G(2)}(?:烧着|着了|冒烟)`,
      '(?:全是|都是|好多|一屋子?)烟',
      '119',
    ]),
  ],
  ['gas', true, r([`(?:煤气|燃气|天然气|液化气|瓦斯)${G(4)}(?:味|漏|泄|没关|跑)`, '漏气', '(?:煤气|燃气|天然气|液化气)[^]{0,12}(?:味|灭了|没关|泄|漏)'])],
  [
    'intruder',
    true,
    r([
      `撬${G(4)}(?:门|锁|窗)`,
      '(?:砸|踹)门',
      '有(?:小偷|贼|坏人|强盗|歹徒)',
      '(?:进|来|遭)了?(?:小偷|贼)',
      '被(?:偷|抢)',
      '抢劫',
      '(?:闯|冲)进(?:来|屋|家|门)',
      `(?:进来|进屋|进门|进了屋|进了门)${G(4)}(?:翻|拿|抢|偷)`,
      '翻箱倒柜',
      `(?:门|锁|窗)${G(4)}撬`,
      '被撬',
      '撬(?:坏|开)',
      '(?:东西|家里|屋里)[^|]{0,3}被(?:翻|偷|拿)',
      '被翻乱',
      '被盗',
      '失窃',
      '翻(?:窗|墙)户?进',
      '110',
      '报警',
    ]),
  ],
  [
    'unconscious',
    true,
    r([
      '晕倒',
      '昏倒',
      '晕到',
      '昏到',
      '晕过去',
      '昏过去',
      '昏迷',
      '不省人事',
      '人事不省',
      '(?:叫|喊|拍)不(?:醒|应)',
      `(?:叫|喊)${G(6)}不(?:答应|应|醒|理|动)`,
      `(?:叫|喊)${G(6)}没(?:反应|动静)`,
      `${PERSON}${G(2)}没(?:有)?(?:反应|知觉)`,
      '没了?气了',
      '不喘气',
      `${PERSON}${G(3)}不(?:会)?动(?:弹)?了`,
      `${PERSON}${G(3)}不行了`,
      '快不行了',
      '要不行了',
      '(?<!得)(?:要|快)死了',
      '翻白眼',
      '口吐白沫',
      '半天没(?:出来|动静|声音|反应|起来)',
      '没(?:有)?动静',
      '没(?:有)?声音',
      `(?:敲门|打电话|叫门|喊)${G(3)}(?:没|不)(?:人)?(?:应|开|接|声音|动静|回)`,
      '联系不上',
      '电话(?:一直)?(?:没人接|不接|打不通)',
    ]),
  ],
  [
    'stroke',
    true,
    r([
      `(?<![门路窗洞出入关伤])(?:嘴|口|脸|眼)角?${G(2)}歪`,
      '口眼歪斜',
      `半边(?:身子?|脸|身体)${G(4)}(?:麻|木|动不了|没劲|没知觉|不听使唤|不能动)`,
      '半身不遂',
      `(?:一边|左边|右边|左|右)(?:手|腿|胳膊|身子|手脚|身)${G(4)}(?:没劲|没力气|麻|动不了|抬不起来|不听使唤|不能动)`,
      '手脚不听使唤',
      '(?:手|胳膊)(?:抬|举)不起来',
      `(?:说话|讲话|口齿)${G(3)}(?:不清|含糊|不利索|不利落|大舌头)`,
      '说不出话',
      '说不(?:清|了)话',
      '话(?:都)?说不(?:清|出|利索)',
      '(?:吐字|口齿)不清',
      `(?:爸|妈|老伴|老头子?|老太婆|他|她|奶奶|爷爷|外婆|外公)${G(5)}(?:说|讲)(?:话)?不(?:清|出|利索)`,
      '(?:嘴|舌头|半边脸)(?:巴)?(?:发)?麻',
      '讲不出话',
      '舌头(?:发)?(?:硬|僵|麻|不听使唤)',
      '中风',
      '脑梗',
      '脑溢血',
      '脑出血',
      '脑血栓',
      '看东西重影',
      '突然看不见',
      '眼睛突然看不清',
    ]),
  ],
  [
    'chest',
    true,
    r([
      `${CHEST}${NG(6)}(?:${HURT}|闷|憋|绞|揪|压|堵|难受|不舒服|不得劲|发紧|紧|刺)`,
      '心绞痛',
      '心梗',
      '心肌梗',
      '心脏病(?:又)?(?:犯|发)',
      `心(?:慌|跳)${G(4)}(?:厉害|受不了|特别快|好快|乱跳|要跳出来)`,
    ]),
  ],
  [
    'breathing',
    true,
    r([
      '[穿川]不(?:上|过|来)气',
      '喘不(?:上|过|来|动|了)',
      '上不来气',
      '透不过气',
      '出不来气',
      '喘不过来',
      `气${G(1)}(?:喘|透|上)不(?:过来|上来|来)`,
      '呼吸(?:困难|不上|不过来)',
      `(?:喘气|呼吸|出气|吸气)${G(3)}(?:费劲|困难|吃力|急促|不匀|不顺|难受)`,
      '喘(?:得|的)(?:厉害|很|不行|要命)',
      '憋(?:死|得难受|气)',
      '噎住',
      `卡住了?${G(4)}(?:气|喘)`,
      '嘴唇发紫',
      '哮喘(?:又)?(?:犯|发作)',
    ]),
  ],
  [
    'bleeding',
    true,
    r([
      '(?<!献)出血',
      `血${G(3)}流`,
      '(?:流|淌|出)了?(?:点|些|好多|很多|不少)?的?血',
      '淌血',
      '血流',
      '血(?:止不住|流不止|一直流)',
      '止不住血',
      '吐血',
      '咯血',
      '咳血',
      '咳出血',
      '便血',
      '尿血',
      '拉血',
      '(?:流|出)了?(?:好多|很多|一地|一身|不少)的?血',
      '满(?:脸|头|手|身|地)(?:都)?是血',
    ]),
  ],
  ['burn', true, r(['烫(?:伤|着|到|破|起泡)', `(?:被|让)(?:开水|热水|油|火)${G(3)}(?:烫|烧|溅)`, `开水${G(3)}(?:烫|浇)`, '烧伤', '油溅'])],
  [
    'fall',
    true,
    r([
      '(?:摔|跌|滑|绊|栽|甩)(?:倒|到|着|伤|一跤|了一?跤|了一?个?大?(?:跟头|跟斗|马趴|屁股墩)|在|地上|下来|下去|跤)',
      '(?<![碗盘杯瓶机镜锅东西价股])(?:摔|跌)了(?!个?(?:碗|盘|杯|瓶|手机|东西|眼镜|锅|茶杯|盘子))',
      '往下倒',
      '倒下去',
      '一头栽',
      '瘫(?:倒|在|坐|软)',
      `人${G(4)}(?:倒|栽)(?:了|下|地)`,
      '腰闪了',
      '倒在地',
      '倒地',
      '躺在?地上',
      '坐在?地上',
      '从(?:床|凳子|椅子|楼梯)上?(?:掉|摔|滚|跌)下来',
      '掉下床',
      '掉(?:到|在)?(?:床|地)(?:底)?下',
      '掉地上',
      '(?:摔|跌)(?:断|骨折|折了|坏了腿|伤了)',
      '骨折',
      '(?:摔|跌)下床',
      '滚下来',
      '踩空',
      `${PERSON}(?:突然)?倒了(?![一杯碗水些个点茶酒垃])`,
      '(?<![打推撞])倒下',
      '(?<!早上|早晨|明早|早起)(?:起|爬|站)不(?:起来|来|了身)',
      '起不了(?:身|床)',
      '下不了床',
      '扶不起来',
      '拉不起来',
    ]),
  ],
  [
    'condition',
    true,
    r([
      `血压${G(5)}(?:一下子|突然|猛|飙|很高|好高|太高|高得|升到|上到|高到|两百|二百|200|1[6-9]0|一百[六七八九])`,
      '低血糖',
      `血糖${G(3)}(?:低|掉)`,
      '(?:犯|发)病',
      '老毛病犯',
      '病(?:又)?犯了',
      '(?:癫痫|羊癫疯)(?:又)?(?:犯|发作)',
      '抽搐',
      '(?:喝|吃|误喝|误吃)了?(?:洗洁精|农药|消毒水|84|老鼠药|杀虫剂|漂白水)',
      '吃错(?:了)?药',
      '药吃多了',
      '(?:吃|喝)了(?:一|半|大半|整)?(?:瓶|把|板|盒)(?:的)?(?:药|安眠药)?',
      '安眠药吃了',
      '吃了[^|]{0,4}安眠药',
      '中毒',
      '被(?:狗|猫|蛇|老鼠)咬',
      '触电',
      '被电(?:到|打|了)',
      '抽风',
      '痉挛',
      '高烧',
      '烧到(?:3[89]|四十|40)',
      '烧得(?:厉害|迷糊|说胡话)',
      '迷迷糊糊',
      '神志不清',
      '说胡话',
      '吐得(?:厉害|不行)',
      '上吐下泻',
      '一直吐',
      '吐个不停',
      '天旋地转',
      '(?:冒|出|一身|满头)冷汗',
      `(?:站|坐|走|爬|起)都(?:站|坐|走|爬|起)不(?:住|稳|了|动|起来|来)`,
      '(?:疼|痛)死',
      '难受死',
      '(?:动不了|动弹不了|不能动)',
    ]),
  ],
  [
    'call',
    true,
    r([
      '救命',
      '救救',
      '快来人',
      '来人(?:啊|呀|哪|呐|哇|吧)',
      '快(?:叫|喊)人',
      '快来(?:个)?人',
      '来个人(?:啊|吧|呀)',
      '快来救',
      '快救',
      '出(?:大)?事了',
      '(?:^|\\|)不好了',
      '求救',
      '紧急求助',
      'sos',
      '急救',
      '(?<![0-9])120(?![0-9])',
      '[幺一]二零',
      '救护车',
      '(?:快|赶紧|马上)(?:送我|带我|叫人|叫车)?(?:去|上|到)医院',
      '叫(?:个)?医生',
      '(?:快|赶紧)来(?!一份|两份|份|吃|拿)',
    ]),
  ],
  // ---- not sure: ask first
  ['pain', false, r([`${BODY}${NG(4)}(?:${HURT}|胀|酸|麻|肿|发麻|发胀|发酸|抽)`, `(?:肚子|胃)${NG(2)}(?:难受|不舒服|绞)`, '(?:疼|痛)得'])],
  [
    'condition',
    false,
    r([
      `血压${NG(3)}(?:高|低|有点高|不稳|上来了)`,
      '发烧',
      '发热',
      '低烧',
      '想吐',
      '吐了',
      '恶心',
      '呕吐',
      '拉肚子',
      '腹泻',
      '拉稀',
      '抽筋',
      '心慌',
      '心悸',
      '心跳(?:得)?(?:快|乱)',
      '有点喘',
      '喘得慌',
      '气短',
      '气急',
      '拖累',
      '眼前发黑',
      '眼花',
      '差点(?:摔|跌|晕|倒)',
      '(?:磕|割|划|碰|撞|切)破',
      '(?:切|割|划|砍)(?:到|伤)(?:手|脚|脸|头|腿)?',
      '发慌',
      '慌得很',
      '脸色(?:发)?(?:白|青|紫|不对)',
    ]),
  ],
  ['unwell', false, r(['憋得慌', '闷得慌', '心里(?:难受|不舒服|堵)']), true],
  [
    'unwell',
    false,
    r([
      '(?:头|脑壳|脑袋)?(?:发)?(?<!黄)[晕昏](?![车船倒到过])',
      '不(?:太|大|怎么|是很)?舒服',
      '不(?:太|大)得劲',
      '不(?:太|大)?好受',
      '感觉不(?:太|大)?(?:好|对)',
      '(?:人|身体|身上)(?:有点|有些)?不(?:太|大)?(?:好|对)(?!吃)',
      '难受',
      '不得劲',
      '不好受',
      '不大?对劲',
      '浑身没劲',
      '没(?:有)?力气',
      '没劲',
      '腿软',
      '站不稳',
      '虚得很',
      '咳嗽',
      '咳得',
      '发冷',
      '发抖',
      '打摆子',
      '发软',
      '没精神',
      '乏力',
      '头(?:发)?重',
      '安眠药',
    ]),
  ],
  [
    'fear',
    false,
    r([
      '害怕',
      '(?:一直|老是|总是)?跟(?:着|踪)我',
      '有人跟踪',
      '被人跟',
      '好怕',
      '我怕',
      '有点怕',
      '吓死',
      `有人(?:在)?(?:门口|外面|楼道|窗外)${G(6)}(?:转|晃|敲|盯|跟|看)`,
      `(?:陌生人|生人|不认识的人)${G(8)}(?:门|敲|转|进|跟|盯)`,
      '帮帮我',
      '帮帮忙',
    ]),
  ],
];

/** In the clause before a match: a negation right before it ("没摔倒", "不是不舒服"). */
const NEGATED = /(?:没|没有|不|别|未|并没|从没|从来没|不是|没什么|不会|甭)(?:有|再|怎么|太|是|会|曾|大)?$/;
/** Anywhere earlier in its clause: a fear, a hypothesis, the past, something heard ("怕摔跤", "万一", "上次"). */
const NOT_NOW =
  /万一|如果|要是|假如|假设|(?<!害|好|我)怕(?!是)|担心|防止|预防|(?<!不)小心|注意|以防|免得|当心|别让|以前|上次|那次|去年|前年|年轻时|早年|好几年前|容易|会不会|电视(?:里|上)|听说|新闻/;
/** Right before it: it nearly happened ("差点摔倒"): not sure, ask. */
const NEARLY = /(?:差点|差一点|险些)(?:儿)?$/;
/** Right after it: the past ("中风过", "中风好几年了", "摔倒以后…"). */
const PAST_AFTER = /^(?:过(?![去来])|了?好几年|了?多年|几年了|的时候|以后|以来|后遗症|那次|那会)/;
/** Said to be over, later in the message ("昨天头晕，今天已经好了"). */
const RESOLVED = /(?:已经|现在|早就|这会儿?)(?:好|没事|不疼|不痛|不晕|缓过来)|好多了|好些了|缓过来|没事了|人没事|没事儿?$|不(?:疼|痛|晕)了/;

/** 0: it does not count; 1: it counts; 2: it counts as not sure ("差点摔倒"). */
function weight(t: string, start: number, end: number): 0 | 1 | 2 {
  const from = t.lastIndexOf('|', start - 1) + 1;
  const stop = t.indexOf('|', end);
  const before = t.slice(from, start);
  const after = t.slice(end, stop < 0 ? t.length : stop);
  if (NEGATED.test(before) || NOT_NOW.test(before) || PAST_AFTER.test(after)) return 0;
  return NEARLY.test(before) ? 2 : 1;
}

/**
 * The danger in a message, or undefined. `t` is the canonical text with its clause breaks (`canonical(withBreaks(…))`).
 * Pure and synchronous.
 */
export function readDanger(t: string): Danger | undefined {
  let found: Danger | undefined;
  let foundEnd = -1;
  for (const [kind, sure, re, mood] of RULES) {
    if (found && (found.sure || !sure)) break;
    re.lastIndex = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const end = m.index + m[0].length;
      const w = weight(t, m.index, end);
      if (w === 0) continue;
      // A milder sign said strongly anywhere after it is sure: "头疼得要炸了", "没力气，站都站不住".
      const strong = !sure && STRONG.test(t.slice(end - 1));
      const isSure = w === 1 && (sure || strong);
      if (isSure || !found) {
        found = isSure ? { kind, sure: true } : mood ? { kind, sure: false, mood: true } : { kind, sure: false };
        foundEnd = end;
      }
      if (isSure) break;
    }
    re.lastIndex = 0;
  }
  if (!found) return undefined;
  // "昨天头晕，今天已经好了": over. A call for help is never "over".
  if (found.kind !== 'call' && found.kind !== 'despair' && RESOLVED.test(t.slice(foundEnd))) return undefined;
  return found;
}
