import type { Channel } from '../../entities';

/** The bookings list as an Excel file (`GET /bookings.xlsx`): its sheet, headers and name, in the console's words. */
export const BOOKING_EXPORT_TEXTS = {
  sheet: '预约',
  about: '说明',
  fileName: (from: string, to: string) => (from === to ? `预约-${from}.xlsx` : `预约-${from}至${to}.xlsx`),
  fileNameAll: '预约.xlsx',
  asciiFileName: (from: string, to: string) => `bookings-${from}-${to}.xlsx`,
  asciiFileNameAll: 'bookings.xlsx',
  aboutRows: (rows: number, generatedAt: string, filters: string): Array<[string, string]> => [
    ['导出时间', generatedAt],
    ['筛选条件', filters || '无'],
    ['行数', String(rows)],
    ['金额', '单位：元。价格 = 补贴 + 自付。'],
    ['个人信息', '与预约列表一样只含老人姓名，不含电话和身份证号。'],
  ],
  filterParts: {
    date: (d: string) => `服务日期 ${d}`,
    range: (from: string, to: string) => `服务日期 ${from} 至 ${to}`,
    from: (d: string) => `服务日期从 ${d}`,
    to: (d: string) => `服务日期到 ${d}`,
    centre: (id: number) => `站点编号 ${id}`,
    senior: (id: number) => `老人编号 ${id}`,
    slot: (id: number) => `时段编号 ${id}`,
    statuses: (labels: string[]) => `状态：${labels.join('、')}`,
  },
  yes: '是',
  no: '',
} as const;

export const BOOKING_EXPORT_HEADERS = {
  code: '核销码',
  serviceDate: '服务日期',
  time: '时段',
  centre: '站点',
  item: '服务项目',
  senior: '老人',
  quantity: '份数',
  deliveryMode: '方式',
  status: '状态',
  unitPrice: '单价（元）',
  price: '价格（元）',
  subsidy: '补贴（元）',
  copay: '自付（元）',
  subsidyReason: '补贴说明',
  channel: '渠道',
  payAtCounter: '现场付',
  createdAt: '下单时间',
  servedAt: '核销时间',
  note: '备注',
  closeReason: '取消/拒绝原因',
} as const;

export const BOOKING_CHANNEL_LABELS: Record<Channel, string> = {
  mp_chat: '公众号对话',
  miniprogram: '小程序',
  console: '管理后台',
  phone: '电话',
  counter: '现场',
};
