// Monitor figures written straight into the database, as the prober would have left them
// after 90 days (SPEC §14): per-minute roll-ups of the last 24 hours and per-day sums of
// the 89 days before today, so the public page's uptime bars and response-time charts
// have a history without a test running for 90 days.
import { dbSql } from './harness.mjs';

export const DAY = 86400;

// What seedLatency writes, for the assertions: every minute of the last 24 hours has 6
// checks (one minute, FAILED_MINUTE minutes ago, all failed), p50 100–159 ms and p95
// 300–419 ms; each past day 8,640 checks with p50 100 + i and p95 300 + 2i ms (i days
// ago), BAD_DAY days ago a tenth of them failed.
export const SEED = { minuteChecks: 6, failedMinute: 30, dayChecks: 8640, badDay: 10 };

// Seeds MONITOR's figures on server S as of NOW (unix seconds).
export function seedLatency(s, monitor, now = Math.floor(Date.now() / 1000)) {
  const minute = now - (now % 60);
  const today = now - (now % DAY);
  const { minuteChecks: c, failedMinute: f, dayChecks: d, badDay: b } = SEED;
  dbSql(s, `INSERT INTO monitor_rollups (monitor_id, minute, checks, failures, p50_ms, p95_ms)
    WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 1440)
    SELECT ${monitor}, ${minute} - i * 60, ${c}, CASE WHEN i = ${f} THEN ${c} ELSE 0 END,
      CASE WHEN i = ${f} THEN NULL ELSE 100 + i % 60 END, CASE WHEN i = ${f} THEN NULL ELSE 300 + i % 120 END
    FROM m;`);
  dbSql(s, `INSERT INTO monitor_days (monitor_id, day, checks, failures, p50_ms, p95_ms)
    WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 89)
    SELECT ${monitor}, ${today} - i * ${DAY}, ${d}, CASE WHEN i = ${b} THEN ${d / 10} ELSE 0 END,
      100 + i, 300 + 2 * i FROM m;`);
}
