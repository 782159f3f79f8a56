import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { LocalStack } from '../../stack/LocalStack.js';
import { layoutFor, stackPaths } from '../../stack/StackConfig.js';
import { UsageError } from '../UsageError.js';

function brokersOption(value: string): number {
  const n = Number(value);
  if (n !== 1 && n !== 3) throw new UsageError(`--brokers must be 1 or 3, got "${value}"`);
  return n;
}

function stackFor(opts: { brokers: number }): LocalStack {
  return new LocalStack(stackPaths(), layoutFor(opts.brokers));
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export function registerStackCommand(program: Command): void {
  const stack = program
    .command('stack')
    .description(
      "the local Kafka + schema registry + Redis stack, started from jars without Docker (and the machine's PostgreSQL, checked)",
    );

  stack
    .command('up')
    .description('start what is not running (downloading what is missing) and wait until every part is ready')
    .option('--brokers <n>', 'Kafka nodes: 1, or 3 for fault tests (RF 3, min.insync 2)', brokersOption, 1)
    .option('--no-registry', 'do not start the schema registry')
    .action(async (opts: { brokers: number; registry: boolean }) => {
      const parts = await stackFor(opts).up({ registry: opts.registry, report: say });
      printStatus(parts.filter((p) => opts.registry || p.part !== 'registry'));
    });

  stack
    .command('down')
    .description('stop what `stack up` started (nothing else)')
    .option('--brokers <n>', 'which stack: 1 or 3 nodes', brokersOption, 1)
    .action(async (opts: { brokers: number }) => {
      await stackFor(opts).down(say);
    });

  stack
    .command('status')
    .description('each part with its address and whether it answers')
    .option('--brokers <n>', 'which stack: 1 or 3 nodes', brokersOption, 1)
    .option('--json', 'print JSON')
    .action(async (opts: { brokers: number; json?: boolean }) => {
      const parts = await stackFor(opts).status();
      if (opts.json) say(JSON.stringify(parts));
      else printStatus(parts);
      if (parts.some((p) => !p.up)) process.exitCode = 1;
    });

  stack
    .command('logs')
    .description('tail the logs of every part')
    .option('--brokers <n>', 'which stack: 1 or 3 nodes', brokersOption, 1)
    .option('-n, --lines <n>', 'lines to show from each log', '40')
    .option('--no-follow', 'print and exit')
    .action(async (opts: { brokers: number; lines: string; follow: boolean }) => {
      const files = stackFor(opts).logFiles();
      if (files.length === 0) {
        say('no logs yet: run `taskstream stack up` first');
        return;
      }
      const args = ['-n', opts.lines, ...(opts.follow ? ['-F'] : []), ...files];
      await new Promise<void>((resolve) => spawn('tail', args, { stdio: 'inherit' }).on('exit', () => resolve()));
    });
}

function printStatus(parts: readonly { part: string; address: string; up: boolean; owner: string }[]): void {
  for (const p of parts) {
    const state = p.up ? 'up' : 'DOWN';
    const who = p.owner === 'external' ? ' (not started by this stack)' : '';
    say(`${p.part.padEnd(9)} ${state.padEnd(5)} ${p.address}${who}`);
  }
}
