/**
 * Words of the staff and administrator accounts: what the console shows beside a field that was filled in wrong
 * (each names its field), and why a new password was refused.
 */
export const ACCOUNT_FIELD_TEXTS = {
  username: '用户名为 3–32 位小写字母、数字、点、横线或下划线，以字母或数字开头',
  displayName: '姓名要填写，最多 64 个字',
  phone: '手机号为 11 位数字，以 1 开头',
  role: '角色只能是工作人员（staff）或管理员（admin）',
  centreId: '请选择工作人员所在的站点（centreId）',
  regionId: '请选择管理员管辖的区或街道（regionId）',
  version: '请带上读到的版本号（version）',
  oldPassword: '请填写原密码',
  newPassword: '请填写新密码，最多 64 位',
  active: '是否启用（active）只能是 true 或 false',
  reason: '原因最多 200 个字',
  q: '搜索内容最多 32 个字',
} as const;

/** Why a new password was refused (PASSWORD_TOO_WEAK), shown against the newPassword field. */
export const PASSWORD_PROBLEMS = {
  short: '新密码至少要 8 位',
  long: '新密码最多 64 位',
  letterAndDigit: '新密码要同时有字母和数字',
  common: '新密码太常见，容易被猜到，请换一个',
  username: '新密码不能包含用户名',
} as const;

export type PasswordProblem = keyof typeof PASSWORD_PROBLEMS;
