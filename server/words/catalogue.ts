/**
 * The registry's words (regions, centres, service items and prices, slots and closures): what the request checks
 * say about a field, and what seniors and families are told when their booking is called off. The console shows the
 * field messages next to the field, so each one names it.
 */

/** Field names as the console labels them. */
export const CATALOGUE_FIELDS = {
  id: '编号',
  name: '名称',
  parentId: '上级地区',
  regionId: '所在地区',
  kind: '类型',
  centreParentId: '所属站点',
  address: '地址',
  latitude: '纬度',
  longitude: '经度',
  opensAt: '开门时间',
  closesAt: '关门时间',
  phone: '电话',
  autoConfirm: '自动确认预约',
  counterPayment: '现场收款',
  deliveryCommunityIds: '送餐社区',
  deliveryRadiusMetres: '送餐半径',
  version: '版本号',
  category: '服务类别',
  serviceKind: '服务内容',
  description: '说明',
  priceFen: '价格',
  deliveryModes: '取餐方式',
  maxQuantity: '每次最多份数',
  validFrom: '生效日期',
  capacity: '名额',
  reason: '原因',
  date: '日期',
  from: '开始日期',
  to: '结束日期',
  serviceItemId: '服务项目',
  serviceItemIds: '服务项目',
  start: '开始时间',
  end: '结束时间',
  workerName: '服务人员',
  bookingCutoff: '预约截止',
  cancelCutoff: '取消截止',
  daysBefore: '提前天数',
  time: '时间',
  active: '是否在用',
  search: '搜索',
  limit: '每页条数',
  offset: '跳过条数',
} as const;

/** Messages of the request checks, each naming its field. */
export const FIELD_MESSAGES = {
  required: (field: string) => `请填写${field}`,
  text: (field: string) => `${field}要填文字`,
  tooLong: (field: string, max: number) => `${field}最多 ${max} 个字`,
  integer: (field: string) => `${field}要填整数`,
  number: (field: string) => `${field}要填数字`,
  between: (field: string, min: number, max: number) => `${field}要在 ${min} 到 ${max} 之间`,
  yesNo: (field: string) => `${field}要选“是”或“否”`,
  oneOf: (field: string) => `${field}不在可选的范围内`,
  time: (field: string) => `${field}要写成 时:分，如 09:30`,
  date: (field: string) => `${field}要写成 年-月-日，如 2026-12-01`,
  phone: (field: string) => `${field}只能有数字、空格和 - + ( )`,
  list: (field: string, min: number, max: number) => (min > 0 ? `${field}要选 ${min} 到 ${max} 项` : `${field}最多选 ${max} 项`),
  choose: (field: string) => `请选择${field}`,
  nothingToChange: '没有要修改的内容',
} as const;

/**
 * A booking called off because its slot or day was closed: the reason on the booking, and the 服务提醒 template
 * fields seniors and families get (one line of at most 20 characters each).
 */
export const CLOSURE_TEXTS = {
  /** The booking's close reason, as staff and families read it on the booking. */
  bookingReason: (reason: string) => `站点暂停服务：${reason}`,
  /** thing4 of the 服务提醒 template: what happened, and what became of the money. */
  notice: (reason: string, refunded: boolean) => `${refunded ? '已取消并退款' : '已取消'}：${reason}`,
} as const;
