import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { whenPasswordChangeRequired, whenUnauthenticated } from './api/client';
import { loadSession, session } from './session';
import type { Role } from './api/types';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Who sees it in the menu and may open it. */
    roles?: Role[];
    /** Not built yet: the menu shows it, the page says it is coming. */
    coming?: boolean;
    group?: string;
    public?: boolean;
    /** Opened from another page (a senior's own page), not listed in the menu. */
    hidden?: boolean;
  }
}

const coming = () => import('./pages/ComingPage.vue');
const STAFF: Role[] = ['staff'];
const BOTH: Role[] = ['staff', 'admin'];
const ADMIN: Role[] = ['admin'];

/** The menu is these routes, in this order, filtered by role (layout/AppLayout.vue). */
export const appRoutes: RouteRecordRaw[] = [
  { path: 'dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { title: '数据看板', roles: BOTH, group: '概览' } },
  { path: 'today', name: 'today', component: () => import('./pages/TodayPage.vue'), meta: { title: '今日服务', roles: STAFF, group: '日常服务' } },
  { path: 'bookings', name: 'bookings', component: () => import('./pages/BookingsPage.vue'), meta: { title: '预约管理', roles: BOTH, group: '日常服务' } },
  {
    path: 'emergencies',
    name: 'emergencies',
    component: () => import('./pages/EmergenciesPage.vue'),
    meta: { title: '紧急求助', roles: BOTH, group: '日常服务' },
  },
  {
    path: 'care-visits',
    name: 'careVisits',
    component: () => import('./pages/CareVisitsPage.vue'),
    meta: { title: '探访任务', roles: BOTH, group: '关爱探访' },
  },
  {
    path: 'care-checks',
    name: 'careChecks',
    component: () => import('./pages/CareChecksPage.vue'),
    meta: { title: '关爱核查', roles: BOTH, group: '关爱探访' },
  },
  { path: 'volunteers', name: 'volunteers', component: () => import('./pages/VolunteersPage.vue'), meta: { title: '志愿者', roles: BOTH, group: '关爱探访' } },
  {
    path: 'visit-rules',
    name: 'visitRules',
    component: () => import('./pages/VisitRulesPage.vue'),
    meta: { title: '探访计划', roles: ADMIN, group: '关爱探访' },
  },
  {
    path: 'care-report',
    name: 'careReport',
    component: () => import('./pages/CareReportPage.vue'),
    meta: { title: '探访月报', roles: BOTH, group: '关爱探访' },
  },
  { path: 'seniors', name: 'seniors', component: () => import('./pages/SeniorsPage.vue'), meta: { title: '老人档案', roles: BOTH, group: '档案' } },
  {
    path: 'seniors/:id(\\d+)',
    name: 'senior',
    component: () => import('./pages/SeniorPage.vue'),
    meta: { title: '老人详情', roles: BOTH, group: '档案', hidden: true },
  },
  {
    path: 'seniors-import',
    name: 'seniorsImport',
    component: () => import('./pages/SeniorImportPage.vue'),
    meta: { title: '批量导入', roles: ADMIN, group: '档案' },
  },
  { path: 'centres', name: 'centres', component: () => import('./pages/CentresPage.vue'), meta: { title: '服务站点', roles: BOTH, group: '档案' } },
  { path: 'menus', name: 'menus', component: () => import('./pages/MenusPage.vue'), meta: { title: '每周菜单', roles: BOTH, group: '档案' } },
  { path: 'policies', name: 'policies', component: () => import('./pages/PoliciesPage.vue'), meta: { title: '补贴政策', roles: ADMIN, group: '档案' } },
  { path: 'notices', name: 'notices', component: () => import('./pages/NoticesPage.vue'), meta: { title: '政策通知', roles: ADMIN, group: '通知' } },
  { path: 'money', name: 'money', component: () => import('./pages/MoneyPage.vue'), meta: { title: '资金与结算', roles: BOTH, group: '资金' } },
  { path: 'staff', name: 'staff', component: () => import('./pages/StaffPage.vue'), meta: { title: '账号管理', roles: ADMIN, group: '系统' } },
  { path: 'audit', name: 'audit', component: () => import('./pages/AuditPage.vue'), meta: { title: '操作日志', roles: ADMIN, group: '系统' } },
  { path: 'jobs', name: 'jobs', component: () => import('./pages/JobsPage.vue'), meta: { title: '定时任务', roles: ADMIN, group: '系统' } },
];

/** Pages opened from a list (not in the menu); the menu keeps the list's entry lit (the first part of the path). */
const detailRoutes: RouteRecordRaw[] = [
  { path: 'centres/:id(\\d+)', name: 'centre', component: () => import('./pages/CentrePage.vue'), meta: { title: '站点详情', roles: BOTH } },
];

export function canSee(roles: Role[] | undefined): boolean {
  if (!roles) return true;
  return roles.some((r) => session.user?.roles.includes(r));
}

/** Where a user lands after signing in. */
export function homeOf(): string {
  return session.user?.roles.includes('staff') ? '/today' : '/bookings';
}

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录', public: true } },
    { path: '/password', name: 'password', component: () => import('./pages/PasswordPage.vue'), meta: { title: '修改密码', public: true } },
    { path: '/', component: () => import('./layout/AppLayout.vue'), children: [{ path: '', name: 'home', component: coming }, ...appRoutes, ...detailRoutes] },
    { path: '/:rest(.*)*', name: 'notFound', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在', public: true } },
  ],
});

router.beforeEach(async (to) => {
  await loadSession();
  if (to.meta.public) return true;
  if (!session.user) return { name: 'login', query: to.name !== 'home' ? { next: to.fullPath } : {} };
  if (session.mustChangePassword) return { name: 'password', query: { forced: '1' } };
  // Where "/" leads depends on who signed in, so it is decided here, after the session is known.
  if (to.name === 'home' || !canSee(to.meta.roles)) return homeOf();
  return true;
});
router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - 睦邻管理后台` : '睦邻管理后台';
});

whenUnauthenticated(() => {
  session.user = null;
  const here = router.currentRoute.value;
  if (!here.meta.public) void router.replace({ name: 'login', query: { next: here.fullPath, expired: '1' } });
});

// A session on a one-time password that got here anyway (a reload): the API refuses, the password page it is.
whenPasswordChangeRequired(() => {
  session.mustChangePassword = true;
  if (router.currentRoute.value.name !== 'password') void router.replace({ name: 'password', query: { forced: '1' } });
});
