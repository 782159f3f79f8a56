import type { Overview, TypeOverview } from './Overview.js';
import { formatDuration } from '../cli/shared/output.js';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { padding: .4em .9em; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #b00020; font-weight: 600; }
.warn { color: #a15c00; }
code { background: #f4f4f4; padding: 0 .3em; }
footer { margin-top: 1.5em; color: #666; }`;

/** The dashboard page: one row per task type, refreshed by the browser every `refreshSeconds`. */
export function renderOverview(overview: Overview, refreshSeconds: number): string {
  const rows = overview.types.map(row).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${refreshSeconds}">
<title>taskstream</title><style>${STYLE}</style></head>
<body><h1>taskstream</h1>
<table>
<thead><tr><th>task type</th><th>topic</th><th>workers</th><th>lag</th><th>retrying</th><th>dead letters</th><th>state</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${schedulesSection(overview.schedules)}
<footer>read from the brokers at ${escape(overview.at)}; refreshes every ${refreshSeconds} s;
the same as JSON at <a href="/api/overview">/api/overview</a>.
Details: <code>taskstream lag</code>, <code>taskstream workers</code>, <code>taskstream dlq list &lt;type&gt;</code>.</footer>
</body></html>
`;
}

function schedulesSection(schedules: Overview['schedules']): string {
  if (schedules === null) return '';
  if ('error' in schedules) return `<h2>schedules</h2><p class="bad">${escape(schedules.error)}</p>`;
  const rows = schedules.schedules.map((s) =>
    [
      s.name,
      s.task,
      `${s.cron} (${s.timezone})`,
      s.next[0] ?? '-',
      s.lastFired ?? 'never',
      s.maxLateMs === null ? '-' : formatDuration(s.maxLateMs),
    ]
      .map((c) => `<td>${escape(c)}</td>`)
      .join(''),
  );
  return `<h2>schedules</h2>
<p>group ${escape(schedules.group)}: ${schedules.leaseHolder === null ? '<span class="bad">no scheduler holds the lease: nothing fires</span>' : `fired by ${escape(schedules.leaseHolder)}`}</p>
<table><thead><tr><th>schedule</th><th>task type</th><th>cron</th><th>next</th><th>last fired</th><th>skipped if later than</th></tr></thead>
<tbody>
${rows.map((r) => `<tr>${r}</tr>`).join('\n')}
</tbody></table>`;
}

function row(t: TypeOverview): string {
  const cells = [
    escape(t.type),
    escape(t.topic),
    `<td class="n">${t.members}</td>`,
    `<td class="n${t.lag > 0 && t.members === 0 ? ' bad' : ''}">${t.lag}</td>`,
    `<td class="n">${t.retrying}</td>`,
    `<td class="n${t.deadLetters > 0 ? ' warn' : ''}">${t.deadLetters}</td>`,
    escape(verdict(t)),
  ].map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`));
  return `<tr data-type="${escape(t.type)}">${cells.join('')}</tr>`;
}

/** The one line an operator acts on. */
export function verdict(t: TypeOverview): string {
  if (!t.topicExists) return `topic missing: taskstream topics create ${t.type}`;
  if (t.lag > 0 && t.members === 0) return 'tasks waiting and no worker running';
  if (t.deadLetters > 0) return `dead letters to look at: taskstream dlq list ${t.type}`;
  return t.members > 0 ? `ok (${t.groupState.toLowerCase()})` : 'idle';
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
