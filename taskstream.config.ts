// The task types the `taskstream` CLI knows in this checkout: the ones taskstream ships.
// A project writes its own file like this one, listing its own task definitions, schedules and handlers.
// This one exports no `handlers`, so `taskstream worker` run here serves the shipped consumers (consumers/).
import { defineConfig } from './ops/cli/config/defineConfig.js';
import { defineSchedule } from './pipeline/schedule/index.js';
import { generateReport, shippedTasks } from './schemas/tasks.js';

// `taskstream schedule run` enqueues it every morning; a worker (`taskstream worker`) builds the report.
const dailyReport = defineSchedule({
  name: 'daily-report',
  task: generateReport,
  cron: '0 6 * * *',
  timezone: 'Europe/Berlin',
  payload: (tick) => ({ customerId: 'demo-customer', period: 'DAY', requestedAt: tick.getTime() }),
  // A morning report is no use by the afternoon: after an outage past noon, skip the day rather than send it late.
  maxLateMs: 6 * 3_600_000,
});

export default defineConfig({ tasks: shippedTasks, schedules: [dailyReport] });
