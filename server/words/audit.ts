/**
 * How the audit log names what was done and to what kind of record, for the console's table. An action without a
 * label here is shown as it is recorded (e.g. `menu.publish`), so a new action never breaks the log.
 */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  'booking.create': '代为预约',
  'booking.confirm': '确认预约',
  'booking.reject': '拒绝预约',
  'booking.cancel': '取消预约',
  'booking.reduce': '减少份数',
  'booking.check_in': '核销',
  'booking.no_show': '标记未到场',
  'refund.retry': '重试退款',
  'notice.create': '发布通知',
  'notice.cancel': '取消通知',
  'slot_template.create': '新建时段模板',
  'slot_template.deactivate': '停用时段模板',
  'family_link_code.issue': '发放家属绑定码',
  'family_link_code.failed': '家属绑定码输错',
  'family_link.revoke': '解除家属绑定',
  'wechat_binding.issue': '发放微信绑定码',
  'wechat_binding.bind': '绑定老人本人微信',
  'emergency.acknowledge': '响应求助',
  'emergency.escalate': '求助自动升级',
  'settlement.generate': '生成补贴结算',
  'settlement.regenerate': '重新生成补贴结算',
  'account.create': '新建账号',
  'account.update': '修改账号',
  'account.disable': '停用账号',
  'account.enable': '启用账号',
  'account.reset_password': '重置密码',
  'account.change_password': '修改自己的密码',
  'account.change_password_failed': '修改密码时原密码输错',
};

export const AUDIT_ENTITY_LABELS: Readonly<Record<string, string>> = {
  booking: '预约',
  refund: '退款',
  senior: '老人',
  family_link: '家属绑定',
  account: '账号',
  centre: '服务站点',
  region: '地区',
  slot: '时段',
  slot_template: '时段模板',
  service_item: '服务项目',
  notice: '通知',
  emergency_alert: '求助',
  settlement: '补贴结算',
  subsidy_policy: '补贴政策',
  menu: '菜单',
};

/** The role an entry was recorded under, including the scheduled jobs' `system`. */
export const AUDIT_ROLE_LABELS: Readonly<Record<string, string>> = { admin: '管理员', staff: '工作人员', family: '家属', senior: '老人', system: '系统' };

export const AUDIT_FIELD_TEXTS = {
  actorId: '操作人（actorId）要是账号编号',
  action: '操作（action）为英文代码，如 booking.check_in，多个用逗号分开',
  entityType: '记录类型（entityType）为英文代码，如 booking',
  entityId: '记录编号（entityId）要是正整数',
  from: '开始日期（from）格式为 YYYY-MM-DD',
  to: '结束日期（to）格式为 YYYY-MM-DD',
} as const;
