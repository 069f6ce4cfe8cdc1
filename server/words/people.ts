import { SENIOR_CATEGORIES, SENIOR_CATEGORY_LABELS, type DeactivationReason, type SeniorCategory } from '../../entities';
import type { IdNumberProblem } from '../lib/id-card';

/**
 * Words about seniors' records: what the registry's forms say is wrong with a field, the grades of an ability
 * assessment, why a record was closed, the civil-affairs list's column headers and what an import reports.
 */

/** The fields of a senior's record, as a form (and an import report) names them. */
export const SENIOR_FIELD_LABELS = {
  name: '姓名',
  gender: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  phone: '联系电话',
  address: '住址',
  latitude: '纬度',
  longitude: '经度',
  regionId: '所属社区',
  homeCentreId: '服务站点',
  categories: '人员类别',
  emergencyContacts: '紧急联系人',
  dietNotes: '饮食备注',
  version: '版本号',
} as const;
export type SeniorField = keyof typeof SENIOR_FIELD_LABELS;

const L = SENIOR_FIELD_LABELS;

/** Messages of the request schemas; each names its field, since a form shows them beside it and lists them together. */
export const SENIOR_FIELD_TEXTS = {
  required: (field: string) => `请填写${field}`,
  tooLong: (field: string, max: number) => `${field}最多 ${max} 个字`,
  date: (field: string) => `${field}要写成 年-月-日，例如 1940-03-12`,
  gender: `${L.gender}只能是“男”或“女”`,
  phone: `${L.phone}要是 11 位手机号或带区号的固话`,
  idNumber: (problem: IdNumberProblem) => ID_NUMBER_PROBLEMS[problem],
  birthDateMismatch: (fromId: string) => `${L.birthDate}与身份证号不符（身份证上是 ${fromId}）`,
  genderMismatch: (fromId: 'female' | 'male') => `${L.gender}与身份证号不符（身份证上是${GENDER_LABELS[fromId]}）`,
  birthDateInFuture: `${L.birthDate}不能晚于今天`,
  latitude: `${L.latitude}要在 -90 到 90 之间`,
  longitude: `${L.longitude}要在 -180 到 180 之间`,
  bothCoordinates: '经度和纬度要一起填',
  regionId: `请选择${L.regionId}`,
  homeCentreId: `请选择${L.homeCentreId}`,
  category: `${L.categories}只能是：${SENIOR_CATEGORIES.map((c) => SENIOR_CATEGORY_LABELS[c]).join('、')}`,
  categoryTwice: `同一个${L.categories}只能填一次`,
  tooMany: (field: string, max: number) => `${field}最多 ${max} 个`,
  contactName: '请填写紧急联系人的姓名',
  contactPhone: '紧急联系人的电话要是 11 位手机号或带区号的固话',
  version: '请带上读取时的版本号（version），以免覆盖别人刚做的修改',
  assessmentLevel: '能力等级只能是 0 到 4（GB/T 42195-2022：0 能力完好 … 4 能力完全丧失）',
  assessor: '请填写评估员或评估机构',
  assessedOn: '请填写评估日期，例如 2026-11-30',
  assessedOnInFuture: '评估日期不能晚于今天',
  nextDue: '下次评估日期要写成 年-月-日',
  nextDueBeforeAssessment: '下次评估日期要晚于评估日期',
  reason: '请选择停用原因：迁出（moved_away）或去世（deceased）',
  note: (max: number) => `备注最多 ${max} 个字`,
  dryRun: 'dryRun 只能是 true 或 false',
  noChange: '没有要修改的内容',
} as const;

export const GENDER_LABELS = { female: '女', male: '男' } as const;

export const ID_NUMBER_PROBLEMS: Record<IdNumberProblem, string> = {
  length: `${L.idNumber}要有 18 位（15 位的旧号码请换成 18 位）`,
  characters: `${L.idNumber}只能是数字，最后一位可以是 X`,
  birth_date: `${L.idNumber}里的出生日期不对`,
  checksum: `${L.idNumber}校验位不对，请核对是否抄错`,
};

/** GB/T 42195-2022 老年人能力评估规范: the five grades. */
export const ABILITY_LEVEL_LABELS: Record<number, string> = {
  0: '能力完好',
  1: '能力轻度受损（轻度失能）',
  2: '能力中度受损（中度失能）',
  3: '能力重度受损（重度失能）',
  4: '能力完全丧失（完全失能）',
};

export const DEACTIVATION_REASON_LABELS: Record<DeactivationReason, string> = {
  moved_away: '迁出',
  deceased: '去世',
};

/** What the family hears when a senior's record is closed or opened again (template fields, ≤ 20 characters each). */
export const SENIOR_STATUS_NOTICE_TEXTS = {
  closed: (reason: DeactivationReason) => (reason === 'deceased' ? '档案已停用（去世）' : '档案已停用（迁出）'),
  reopened: '档案已恢复，可以预约',
  bookingsCancelled: (n: number) => (n > 0 ? `已取消${n}个预约，已付款原路退回` : '没有待服务的预约'),
  noBookings: '以后的预约请重新预订',
  cancelReason: (reason: DeactivationReason) => `老人档案停用（${DEACTIVATION_REASON_LABELS[reason]}）`,
} as const;

/**
 * The civil-affairs list's columns: the header Mulin writes in its template first, then the other headers the
 * lists seen in practice use for it. Headers are compared without spaces, brackets' contents marked as required
 * (“（必填）”, “*”) and case; docs/seniors-import.md shows them all.
 */
export const IMPORT_COLUMNS = {
  name: ['姓名', '老人姓名', '名字'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号码', '证件号'],
  gender: ['性别'],
  birthDate: ['出生日期', '出生年月日', '出生年月', '生日'],
  phone: ['联系电话', '电话', '手机', '手机号', '手机号码', '联系方式', '本人电话'],
  address: ['住址', '地址', '家庭住址', '居住地址', '现住址', '现居住地址', '详细地址'],
  street: ['所属街道', '街道', '街道（乡镇）', '乡镇（街道）', '乡镇街道', '镇街'],
  community: ['所属社区', '社区', '社区（村）', '村（社区）', '所属村社', '社区名称', '村社'],
  categories: ['人员类别', '类别', '老人类别', '人员类型', '保障类别', '对象类别'],
  categoryEvidence: ['类别依据', '证明材料', '证件编号', '证书编号', '依据'],
  categoryValidUntil: ['类别有效期至', '有效期至', '有效期', '有效截止日期', '截止日期'],
  homeCentre: ['服务站点', '所属站点', '服务中心', '照料中心', '站点'],
  dietNotes: ['饮食备注', '饮食禁忌', '饮食要求', '饮食'],
  contactName: ['紧急联系人', '紧急联系人姓名', '联系人'],
  contactRelation: ['与老人关系', '联系人关系', '关系'],
  contactPhone: ['紧急联系人电话', '联系人电话', '紧急联系电话'],
  latitude: ['纬度'],
  longitude: ['经度'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/** Category names the lists use, beside the labels themselves. */
export const CATEGORY_ALIASES: Record<string, SeniorCategory> = {
  ...Object.fromEntries(SENIOR_CATEGORIES.map((c) => [SENIOR_CATEGORY_LABELS[c], c])),
  ...Object.fromEntries(SENIOR_CATEGORIES.map((c) => [c, c])),
  特困人员: 'hardship',
  特困供养: 'hardship',
  特困供养人员: 'hardship',
  五保: 'hardship',
  五保户: 'hardship',
  低保户: 'minimum_living',
  低保对象: 'minimum_living',
  最低生活保障: 'minimum_living',
  低收入家庭: 'low_income',
  低边: 'low_income',
  低保边缘: 'low_income',
  失能老人: 'disabled',
  半失能: 'disabled',
  独居老人: 'living_alone',
  空巢老人: 'empty_nest',
  高龄老人: 'very_old',
  计划生育特殊家庭: 'family_planning_special',
  失独: 'family_planning_special',
  计生特扶: 'family_planning_special',
};

/** What an import report says about a row's cell, or about the file. */
export const IMPORT_TEXTS = {
  required: (column: string) => `${column}不能为空`,
  idNumberAsNumber: '身份证号被 Excel 存成了数字，后几位已经丢失：请把这一列设成“文本”后重新填写',
  unknownCategory: (token: string) => `不认识的人员类别“${token}”，可填：${SENIOR_CATEGORIES.map((c) => SENIOR_CATEGORY_LABELS[c]).join('、')}`,
  unknownCommunity: (name: string) => `没有找到社区“${name}”（或不在您管辖的范围内）`,
  ambiguousCommunity: (name: string) => `有几个社区都叫“${name}”，请填写所属街道`,
  unknownCentre: (name: string) => `没有找到服务站点“${name}”（或不在您管辖的范围内）`,
  date: '日期要写成 年-月-日，例如 1940-03-12',
  gender: '性别只能是“男”或“女”',
  phone: '电话要是 11 位手机号或带区号的固话',
  coordinate: '经纬度要是数字',
  tooLong: (max: number) => `最多 ${max} 个字`,
  duplicateInFile: (row: number) => `与第 ${row} 行是同一个身份证号，本行不导入`,
  outOfScope: '这位老人已在您管辖范围以外登记，请联系所在街道',
  inactive: '这位老人的档案已停用（迁出或去世），请先恢复档案再导入',
  sameNameAndBirthDate: (seniorId: number) => `已登记的老人（编号 ${seniorId}）与本行同名同生日，但身份证号不同，请核对`,
  noHomeCentre: '没有指定服务站点，本社区也没有唯一的照料中心：导入后请为老人选择站点',
  contactIncomplete: '紧急联系人要同时填写姓名和电话',
  conflict: '导入时这位老人的档案刚被别人修改，本行没有导入：请重新导入',
  defaultEvidence: (fileName: string) => (fileName ? `民政名单导入（${fileName.slice(0, 60)}）` : '民政名单导入'),
  // file-level
  missingColumns: (columns: string[]) => `文件缺少这些列：${columns.join('、')}`,
  noHeader: '没有找到表头行：前 10 行里要有一行同时含“姓名”和“身份证号”',
  tooManyRows: (max: number) => `一个文件最多 ${max} 行老人，请分成几个文件导入`,
  tooLarge: (maxBytes: number) =>
    `文件太大，最大 ${maxBytes >= 1024 * 1024 ? `${Math.floor(maxBytes / 1024 / 1024)} MB` : `${Math.floor(maxBytes / 1024)} KB`}`,
  unreadable: (format: string) => (format === 'xlsx' ? '文件不是有效的 xlsx（可能已损坏，或是旧的 .xls 格式：请另存为 .xlsx 或 .csv）' : '文件不是有效的 CSV'),
  oldExcel: '这是旧的 .xls 格式，请在 Excel 里另存为 .xlsx 或 .csv 后再导入',
  empty: '文件里没有老人数据',
  csvQuote: (line: number) => `第 ${line} 行的引号没有配对`,
} as const;

/** The column names an import report uses for its messages (the template's headers). */
export const IMPORT_COLUMN_LABELS: Record<ImportColumn, string> = Object.fromEntries(
  (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).map((k) => [k, IMPORT_COLUMNS[k][0]]),
) as Record<ImportColumn, string>;
