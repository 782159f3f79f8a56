import path from 'node:path';
import { handle, rootLogger } from '../../pipeline/index.js';
import type { MailTransport } from '../../consumers/email/MailTransport.js';
import { mailTransportFromEnv } from '../../consumers/email/mailTransportFromEnv.js';
import { sendEmailHandler } from '../../consumers/email/sendEmailHandler.js';
import { resizeImageHandler } from '../../consumers/image/resizeImageHandler.js';
import { reportWriterFromEnv } from '../../consumers/report/reportWriterFromEnv.js';
import { defineConfig } from '../cli/config/defineConfig.js';
import { demoTasks } from './demoTasks.js';

/** Where one demo keeps its files; `demoFolder.ts` lays them out. */
export interface DemoPlace {
  readonly namespace: string;
  readonly dir: string;
}

/**
 * The config the demo writes into its folder, so that its workers (`taskstream --config … worker`), its
 * scheduler and any command a user runs afterwards (`dlq list`, `dashboard`) see the demo's task types. The
 * transport and the report writer are made at the first task, not when the module loads: `dlq list` loads this
 * config too, and must neither log nor need SMTP_URL.
 */
export function demoConfig(place: DemoPlace) {
  const tasks = demoTasks(place.namespace);
  let mail: MailTransport | undefined;
  const transport: MailTransport = {
    send: (m, signal) => (mail ??= mailTransportFromEnv(rootLogger())).send(m, signal),
  };
  let reports: ReturnType<typeof reportWriterFromEnv> | undefined;
  return defineConfig({
    tasks: tasks.all,
    schedules: [tasks.reportEvery10s],
    handlers: [
      sendEmailHandler(transport, tasks.sendEmail),
      handle(tasks.generateReport, (request, ctx) =>
        (reports ??= reportWriterFromEnv(rootLogger(), { dir: path.join(place.dir, 'reports') })).writer.write(
          request,
          ctx,
        ),
      ),
      resizeImageHandler({ dir: path.join(place.dir, 'images'), threads: 1, task: tasks.resizeImage }),
    ],
    worker: { groupPrefix: `taskstream-${place.namespace}`, shutdownDeadlineMs: 10_000 },
  });
}
