/** Where the MariaDB/MySQL test server is; the suites create and drop their own databases on it. */
export const TEST_MYSQL_URL = (process.env.MULIN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

/** Set by global setup: '1' when the server answered, '0' when it did not (and it was not required). */
export function mysqlAvailable(): boolean {
  return process.env.MULIN_TEST_MYSQL_AVAILABLE === '1';
}
