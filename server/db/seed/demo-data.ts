import type { CentreKind, DeliveryMode, Dish, SeniorCategory, ServiceCategory, ServiceKind } from '../../../entities';

/** The demo district: 杭州市拱墅区, two streets, four communities (cf. seeds/001, the Gongshu reform plan). */
export const REGIONS = [
  { key: 'gongshu', name: '拱墅区', level: 'district', parent: null },
  { key: 'mishixiang', name: '米市巷街道', level: 'street', parent: 'gongshu' },
  { key: 'hushu', name: '湖墅街道', level: 'street', parent: 'gongshu' },
  { key: 'jiaxin', name: '嘉新社区', level: 'community', parent: 'mishixiang' },
  { key: 'zuojia', name: '左家新村社区', level: 'community', parent: 'mishixiang' },
  { key: 'maiyuqiao', name: '卖鱼桥社区', level: 'community', parent: 'hushu' },
  { key: 'xinyifang', name: '信义坊社区', level: 'community', parent: 'hushu' },
] as const;
export type RegionKey = (typeof REGIONS)[number]['key'];

interface ItemSpec {
  kind: ServiceKind;
  category: ServiceCategory;
  name: string;
  priceFen: number;
  modes: DeliveryMode[];
  maxQuantity: number;
  capacity: number;
  description?: string;
}

const lunch = (priceFen: number, capacity: number, modes: DeliveryMode[] = ['dine_in', 'pick_up', 'delivery']): ItemSpec => ({
  kind: 'lunch',
  category: 'meal',
  name: '爱心午餐',
  priceFen,
  modes,
  maxQuantity: 3,
  capacity,
  description: '两荤两素一汤，软烂少盐',
});
const dinner = (priceFen: number, capacity: number): ItemSpec => ({
  kind: 'dinner',
  category: 'meal',
  name: '爱心晚餐',
  priceFen,
  modes: ['dine_in', 'pick_up', 'delivery'],
  maxQuantity: 3,
  capacity,
  description: '一荤两素一粥',
});

export const CENTRES: Array<{
  key: string;
  name: string;
  kind: CentreKind;
  region: RegionKey;
  parent: string | null;
  address: string;
  lat: number;
  lng: number;
  hours: [string, string];
  phone: string;
  autoConfirm: boolean;
  staff: { username: string; name: string; phone: string };
  items: ItemSpec[];
}> = [
  {
    key: 'mishixiang_centre',
    name: '米市巷街道综合养老服务中心',
    kind: 'street_centre',
    region: 'mishixiang',
    parent: null,
    address: '拱墅区米市巷街道凤起路 318 号',
    lat: 30.2905,
    lng: 120.1625,
    hours: ['07:30', '19:00'],
    phone: '0571-85801234',
    autoConfirm: false,
    staff: { username: 'staff-mishixiang', name: '沈佳', phone: '13905710001' },
    items: [
      lunch(1500, 60),
      {
        kind: 'bath',
        category: 'bath',
        name: '助浴（站内浴室）',
        priceFen: 3000,
        modes: ['at_centre'],
        maxQuantity: 1,
        capacity: 2,
        description: '护理员全程协助，45 分钟',
      },
      {
        kind: 'cleaning',
        category: 'home_visit',
        name: '上门保洁',
        priceFen: 5000,
        modes: ['at_home'],
        maxQuantity: 1,
        capacity: 1,
        description: '两小时居家清洁',
      },
      {
        kind: 'escort',
        category: 'home_visit',
        name: '陪同就医',
        priceFen: 6000,
        modes: ['at_home'],
        maxQuantity: 1,
        capacity: 1,
        description: '半天陪诊，接送挂号取药',
      },
      {
        kind: 'nursing',
        category: 'home_visit',
        name: '上门护理',
        priceFen: 8000,
        modes: ['at_home'],
        maxQuantity: 1,
        capacity: 1,
        description: '测血压血糖、换药、翻身护理',
      },
      { kind: 'haircut', category: 'home_visit', name: '上门理发', priceFen: 1500, modes: ['at_home'], maxQuantity: 1, capacity: 1 },
    ],
  },
  {
    key: 'jiaxin_care',
    name: '嘉新社区居家养老服务照料中心',
    kind: 'care_centre',
    region: 'jiaxin',
    parent: null,
    address: '拱墅区嘉新社区建国北路 55 号',
    lat: 30.2932,
    lng: 120.1651,
    hours: ['08:00', '18:00'],
    phone: '0571-85802345',
    autoConfirm: false,
    staff: { username: 'staff-jiaxin', name: '赵敏', phone: '13905710002' },
    items: [lunch(1500, 60), dinner(1200, 40)],
  },
  {
    key: 'jiaxin_dongyuan',
    name: '嘉新东园睦邻点',
    kind: 'neighbour_point',
    region: 'jiaxin',
    parent: 'jiaxin_care',
    address: '拱墅区嘉新社区东园 6 幢底楼',
    lat: 30.2948,
    lng: 120.1676,
    hours: ['08:30', '16:30'],
    phone: '0571-85802346',
    autoConfirm: true,
    staff: { username: 'staff-dongyuan', name: '钱丽华', phone: '13905710003' },
    items: [lunch(1500, 20, ['pick_up', 'dine_in'])],
  },
  {
    key: 'zuojia_point',
    name: '左家新村睦邻点',
    kind: 'neighbour_point',
    region: 'zuojia',
    parent: 'jiaxin_care',
    address: '拱墅区左家新村 21 幢架空层',
    lat: 30.288,
    lng: 120.1662,
    hours: ['08:30', '16:30'],
    phone: '0571-85802347',
    autoConfirm: true,
    staff: { username: 'staff-zuojia', name: '孙芳', phone: '13905710004' },
    items: [lunch(1500, 20, ['pick_up', 'dine_in'])],
  },
  {
    key: 'maiyuqiao_care',
    name: '卖鱼桥社区居家养老服务照料中心',
    kind: 'care_centre',
    region: 'maiyuqiao',
    parent: null,
    address: '拱墅区卖鱼桥社区湖墅南路 102 号',
    lat: 30.2978,
    lng: 120.1405,
    hours: ['08:00', '18:00'],
    phone: '0571-85803456',
    autoConfirm: false,
    staff: { username: 'staff-maiyuqiao', name: '周建平', phone: '13905710005' },
    items: [lunch(1500, 50), dinner(1200, 30)],
  },
  {
    key: 'xinyifang_point',
    name: '信义坊睦邻点',
    kind: 'neighbour_point',
    region: 'xinyifang',
    parent: 'maiyuqiao_care',
    address: '拱墅区信义坊商业步行街 12 号',
    lat: 30.2952,
    lng: 120.143,
    hours: ['08:30', '16:30'],
    phone: '0571-85803457',
    autoConfirm: true,
    staff: { username: 'staff-xinyifang', name: '吴晓燕', phone: '13905710006' },
    items: [lunch(1500, 20, ['pick_up', 'dine_in'])],
  },
  {
    key: 'hushu_canteen',
    name: '湖墅老年食堂',
    kind: 'canteen',
    region: 'hushu',
    parent: null,
    address: '拱墅区湖墅街道大兜路 9 号',
    lat: 30.2962,
    lng: 120.1452,
    hours: ['06:30', '19:00'],
    phone: '0571-85804567',
    autoConfirm: true,
    staff: { username: 'staff-hushu-canteen', name: '郑国强', phone: '13905710007' },
    items: [lunch(1400, 80), dinner(1100, 60)],
  },
];

/** Where each community's seniors usually go. */
export const HOME_CENTRE: Record<string, string> = {
  jiaxin: 'jiaxin_care',
  zuojia: 'zuojia_point',
  maiyuqiao: 'maiyuqiao_care',
  xinyifang: 'xinyifang_point',
};

/** Named seniors the README and the tests refer to; the rest are generated. */
export const NAMED_SENIORS: Array<{
  name: string;
  gender: 'female' | 'male';
  birthDate: string;
  community: RegionKey;
  categories: SeniorCategory[];
  abilityLevel: number;
  dietNotes: string;
}> = [
  {
    name: '张桂英',
    gender: 'female',
    birthDate: '1940-03-12',
    community: 'jiaxin',
    categories: ['living_alone'],
    abilityLevel: 1,
    dietNotes: '牙口不好，饭菜软一点',
  },
  { name: '李建国', gender: 'male', birthDate: '1950-08-01', community: 'jiaxin', categories: ['minimum_living'], abilityLevel: 0, dietNotes: '' },
  {
    name: '王秀英',
    gender: 'female',
    birthDate: '1938-11-20',
    community: 'zuojia',
    categories: ['hardship', 'living_alone'],
    abilityLevel: 3,
    dietNotes: '糖尿病，低糖',
  },
  { name: '陈阿毛', gender: 'male', birthDate: '1958-05-06', community: 'maiyuqiao', categories: [], abilityLevel: 0, dietNotes: '' },
  {
    name: '周玉兰',
    gender: 'female',
    birthDate: '1944-02-14',
    community: 'xinyifang',
    categories: ['low_income', 'empty_nest'],
    abilityLevel: 2,
    dietNotes: '少盐',
  },
  { name: '吴德明', gender: 'male', birthDate: '1946-09-30', community: 'zuojia', categories: ['low_income'], abilityLevel: 1, dietNotes: '' },
];

export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '沈',
  '蒋',
];
export const FEMALE_NAMES = ['桂英', '秀英', '玉兰', '凤英', '素珍', '美华', '秀兰', '金凤', '月娥', '彩霞', '翠花', '巧云', '惠芳', '雅琴', '丽娟'];
export const MALE_NAMES = ['建国', '国华', '志明', '根福', '阿毛', '德明', '永康', '金林', '福生', '忠良', '长根', '海潮', '文彬', '树德', '宝林'];

export const FAMILY = [
  { name: '刘敏', relation: '女儿', phone: '13817220001', seniors: ['张桂英'] },
  { name: '李强', relation: '儿子', phone: '13817220002', seniors: ['李建国'] },
  { name: '王丽', relation: '侄女', phone: '13817220003', seniors: ['王秀英'] },
  { name: '周晓峰', relation: '儿子', phone: '13817220004', seniors: ['周玉兰'] },
  { name: '吴静', relation: '女儿', phone: '13817220005', seniors: ['吴德明', '周玉兰'] },
  { name: '陈小燕', relation: '女儿', phone: '13817220006', seniors: [] },
];

export const ADMINS = [
  { username: 'admin', name: '拱墅区民政局 管理员', region: 'gongshu' as RegionKey },
  { username: 'admin-mishixiang', name: '米市巷街道 管理员', region: 'mishixiang' as RegionKey },
  { username: 'admin-hushu', name: '湖墅街道 管理员', region: 'hushu' as RegionKey },
];

export const POLICIES: Array<{
  name: string;
  region: RegionKey;
  category: ServiceCategory;
  kinds: ServiceKind[];
  minAge?: number;
  categories?: SeniorCategory[];
  minAbilityLevel?: number;
  method: 'fixed' | 'percent';
  amountFen?: number;
  percent?: number;
  maxPerDay?: number;
  monthlyCapFen?: number;
  description: string;
}> = [
  {
    name: '高龄老人助餐补贴',
    region: 'gongshu',
    category: 'meal',
    kinds: ['lunch', 'dinner'],
    minAge: 80,
    method: 'fixed',
    amountFen: 300,
    maxPerDay: 1,
    description: '80 周岁以上老人每餐补贴 3 元，每天午餐、晚餐各一次',
  },
  {
    name: '低保老人助餐补贴',
    region: 'gongshu',
    category: 'meal',
    kinds: ['lunch', 'dinner'],
    categories: ['minimum_living'],
    method: 'percent',
    percent: 50,
    maxPerDay: 1,
    description: '低保老人每餐补贴一半，每天午餐、晚餐各一次',
  },
  {
    name: '特困老人助餐补贴',
    region: 'gongshu',
    category: 'meal',
    kinds: ['lunch', 'dinner'],
    categories: ['hardship'],
    method: 'percent',
    percent: 100,
    maxPerDay: 1,
    description: '特困供养老人用餐免费，每天午餐、晚餐各一次',
  },
  {
    name: '米市巷街道低收入老人午餐补贴',
    region: 'mishixiang',
    category: 'meal',
    kinds: ['lunch'],
    categories: ['low_income'],
    method: 'fixed',
    amountFen: 500,
    maxPerDay: 1,
    description: '米市巷街道低收入老人午餐每天补贴 5 元',
  },
  {
    name: '失能老人助浴补贴',
    region: 'gongshu',
    category: 'bath',
    kinds: [],
    minAbilityLevel: 2,
    method: 'percent',
    percent: 80,
    monthlyCapFen: 4800,
    description: '中度以上失能老人助浴补贴八成，每月最多 48 元',
  },
  {
    name: '困难老人上门服务补贴',
    region: 'gongshu',
    category: 'home_visit',
    kinds: [],
    categories: ['hardship', 'minimum_living', 'living_alone'],
    method: 'fixed',
    amountFen: 3000,
    monthlyCapFen: 9000,
    description: '特困、低保、独居老人上门服务每次补贴 30 元，每月最多 90 元',
  },
];

const DISHES: Dish[] = [
  { name: '红烧狮子头', flags: ['soft'] },
  { name: '清蒸鲈鱼', flags: ['soft', 'low_salt'] },
  { name: '番茄炒蛋', flags: ['soft'] },
  { name: '肉末豆腐', flags: ['soft', 'low_salt'] },
  { name: '白切鸡', flags: ['low_salt', 'low_sugar'] },
  { name: '油焖茄子', flags: ['soft'] },
  { name: '清炒小青菜', flags: ['low_salt', 'low_sugar'] },
  { name: '冬瓜排骨汤', flags: ['low_salt', 'low_sugar'] },
  { name: '西湖牛肉羹', flags: ['soft'] },
  { name: '香菇菜心', flags: ['low_salt', 'low_sugar'] },
  { name: '糖醋里脊', flags: [] },
  { name: '小米南瓜粥', flags: ['soft'] },
];

/** Four dishes for a meal, rotating by day so the week does not repeat itself. */
export function dishesFor(dayIndex: number, kind: ServiceKind): Dish[] {
  const start = (dayIndex * 3 + (kind === 'dinner' ? 6 : 0)) % DISHES.length;
  return [0, 1, 2, 3].map((i) => DISHES[(start + i) % DISHES.length]);
}

export const HOME_VISIT_WORKERS: Partial<Record<ServiceKind, string[]>> = {
  cleaning: ['张师傅', '王阿姨'],
  escort: ['李师傅'],
  nursing: ['赵护士'],
  haircut: ['陈师傅'],
};
