import type { VisitHealth, VisitHomeSafety, VisitMood } from '../../entities';

/**
 * Words of the care cycle (探访关爱): the visit form's choices, the fields its checks name, and the notices staff,
 * administrators and families get about worries, overdue visits and silent seniors (template lines ≤ 20 characters).
 */
export const CARE_FIELDS = {
  regionId: '适用地区',
  category: '人员类别',
  minAge: '最低年龄',
  intervalDays: '探访间隔天数',
  silenceDays: '无音讯提醒天数',
  active: '是否启用',
  version: '版本号',
  centreId: '服务站点',
  list: '列表',
  latitude: '纬度',
  longitude: '经度',
  code: '探访码',
  health: '身体状况',
  mood: '精神状态',
  homeSafety: '居家安全',
  needs: '需求',
  note: '情况记录',
  concern: '是否需要关注',
  concernNote: '需要关注的情况',
  resolution: '处理结果',
  accountId: '志愿者账号编号',
  name: '姓名',
  phone: '联系电话',
  seniorId: '老人',
  consentBy: '谁同意的',
  consentNote: '同意方式说明',
  share: '是否告知家属',
  minutes: '分钟数',
  holderKind: '账户类型',
  holderId: '账户',
  year: '年份',
  month: '月份',
  visitId: '探访',
  photoId: '照片',
} as const;

export const HEALTH_LABELS: Record<VisitHealth, string> = { good: '好', fair: '一般', poor: '差' };
export const MOOD_LABELS: Record<VisitMood, string> = { good: '好', fair: '一般', low: '低落' };
export const HOME_SAFETY_LABELS: Record<VisitHomeSafety, string> = { safe: '安全', attention: '有隐患', danger: '危险' };

/** 探访关爱月报 as a spreadsheet (GET /care/reports.xlsx). */
export const CARE_REPORT_TEXTS = {
  sheet: '探访关爱月报',
  aboutSheet: '说明',
  headers: {
    community: '社区',
    planned: '应探访(次)',
    done: '已探访(次)',
    rate: '完成率',
    concernsRaised: '发现情况(件)',
    concernsResolved: '已处理(件)',
    volunteerHours: '志愿服务(小时)',
  },
  totals: '合计',
  noCommunity: '未知社区',
  percent: (done: number, planned: number) => (planned === 0 ? '—' : `${Math.round((done / planned) * 100)}%`),
  title: (scope: string, month: string) => `${scope}${Number(month.slice(0, 4))}年${Number(month.slice(5, 7))}月探访关爱月报`,
  fileName: (scope: string, month: string) => `${scope}-${month}-探访关爱月报.xlsx`,
  about: [
    ['应探访', '当月（北京时间）到期的探访次数（按探访计划生成，不含已取消）'],
    ['已探访', '其中已经登记完成的次数（不论哪天完成）'],
    ['完成率', '已探访 ÷ 应探访'],
    ['发现情况', '当月登记完成的探访中，勾选了“需要关注”的次数'],
    ['已处理', '其中截至生成时工作人员已经处理（填写处理结果）的次数'],
    ['志愿服务', '当月志愿者完成探访计入时间银行的时长（每次探访 1 小时）'],
    ['范围', '管理员：所辖地区的全部老人；站点工作人员：本站点负责的探访'],
  ] as ReadonlyArray<readonly [string, string]>,
  generatedAt: '生成时间',
  scope: '范围',
  month: '月份',
} as const;

/** The notices (careNotice template: thing1 senior, thing2 what, time3 when, thing4 what to do). */
export const CARE_TEXTS = {
  concern: (visitor: string) => `探访发现情况（${visitor}）`,
  concernAction: '请尽快联系老人',
  overdue: (days: number) => `探访已逾期 ${days} 天`,
  overdueAction: '请安排人员上门',
  silent: (days: number) => `已 ${days} 天没有音讯`,
  silentAction: '请上门或打电话看看',
  defaultConcern: '探访时发现需要关注的情况',
  staffName: '工作人员',
  volunteerName: (name: string) => `志愿者${name}`,
  creditNote: (seniorName: string) => `探访${seniorName}`,
  giftOutNote: (to: string) => `转赠给${to}`,
  giftInNote: (from: string) => `志愿者${from}转赠`,
} as const;
