/** Words of the counter and of the day's lists (kitchen and delivery), as staff read them on screen and on paper. */
export const OPERATIONS_TEXTS = {
  /** The diet group of portions whose senior has no diet note. */
  noDiet: '普通',
  kitchenTitle: (centre: string, date: string, meal: string, start: string, end: string) => `${centre} ${date} ${meal}（${start}–${end}）备餐单`,
  kitchenSubtitle: (portions: number, awaiting: number) => `共 ${portions} 份${awaiting > 0 ? `；另有 ${awaiting} 份待付款，付款后再加` : ''}`,
  kitchenSummarySheet: '备餐汇总',
  kitchenLinesSheet: '明细',
  kitchenDietHeading: '按饮食要求',
  kitchenModeHeading: '按取餐方式',
  kitchenMenuHeading: (dishes: string) => `菜单：${dishes}`,
  kitchenFileName: (centre: string, date: string, meal: string) => `备餐单-${centre}-${date}-${meal}.xlsx`,
  kitchenAsciiFileName: (slotId: number) => `kitchen-list-slot-${slotId}.xlsx`,
  deliveryTitle: (centre: string, date: string) => `${centre} ${date} 送餐单`,
  deliverySubtitle: (stops: number, portions: number, address: string) => `共 ${stops} 户 ${portions} 份；从 ${address} 出发，按社区和远近排列`,
  deliverySheet: '送餐单',
  communityHeading: (name: string, stops: number, portions: number) => `${name}：${stops} 户，${portions} 份`,
  unknownCommunity: '未知社区',
  deliveryFileName: (centre: string, date: string) => `送餐单-${centre}-${date}.xlsx`,
  deliveryAsciiFileName: (centreId: number, date: string) => `delivery-list-centre-${centreId}-${date}.xlsx`,
  total: '合计',
} as const;

export const KITCHEN_SUMMARY_HEADERS = ['项目', '份数'] as const;
export const KITCHEN_LINE_HEADERS = ['序号', '老人', '份数', '饮食要求', '取餐方式', '备注', '状态'] as const;
export const DELIVERY_HEADERS = ['序号', '老人', '电话', '地址', '餐次', '份数', '饮食要求', '备注', '距离（米）', '签收'] as const;

/** What the counter's forms say when a field is filled in wrong, each naming its field. */
export const COUNTER_FIELD_TEXTS = {
  q: '请输入老人姓名，或手机号、身份证号的后四位（最多 20 个字）',
  date: '日期（date）格式为 YYYY-MM-DD',
  seniorId: '请选择老人（seniorId）',
  slotId: '请选择时段（slotId）',
  quantity: '份数（quantity）为 1–20 的整数',
  deliveryMode: '取餐方式（deliveryMode）不对',
  note: '备注最多 200 个字',
  checkIn: '是否当场核销（checkIn）只能是 true 或 false',
  amountFen: '现场收款金额（counter.amountFen）为 0–10000 元的整数分',
  method: '收款方式（counter.method）只能是现金、老人卡或扫码',
  idempotencyKey: '请求编号（Idempotency-Key）为 8–64 位可见英文字符',
} as const;
