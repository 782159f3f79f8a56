import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureKafkaLibs } from '../../ops/stack/Downloads.js';
import { findJava } from '../../ops/stack/JavaRuntime.js';
import { stackPaths } from '../../ops/stack/StackConfig.js';
import { services } from './services.js';

const run = promisify(execFile);

/**
 * Kafka's own `kafka-consumer-groups.sh --reset-offsets --dry-run` (ConsumerGroupCommand, from the local
 * stack's 4.1.1 jars), as the reference our `offsets reset` plans are checked against. `resetArgs` are the
 * tool's reset options, e.g. ['--to-earliest'] or ['--shift-by', '-2']; `topic` may carry partitions
 * (`t:0,2`). Returns NEW-OFFSET per partition, parsed from the tool's table.
 */
export async function kafkaToolResetPlan(
  group: string,
  topic: string,
  resetArgs: readonly string[],
): Promise<Map<number, bigint>> {
  const java = findJava(17);
  if (!java) throw new Error('no Java 17+ found to run Kafka’s ConsumerGroupCommand');
  const libs = await ensureKafkaLibs(stackPaths());
  const { stdout } = await run(
    java.bin,
    [
      '-cp',
      `${libs}/*`,
      'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
      '--bootstrap-server',
      services().kafkaBrokers,
      '--group',
      group,
      '--topic',
      topic,
      '--reset-offsets',
      ...resetArgs,
      '--dry-run',
    ],
    { timeout: 60_000 },
  );
  return parseResetTable(stdout);
}

/**
 * The tool prints a header `GROUP TOPIC PARTITION NEW-OFFSET` and one row per partition, columns padded
 * with spaces. Anything else (warnings about clamped offsets go to stdout too) is ignored.
 */
export function parseResetTable(text: string): Map<number, bigint> {
  const lines = text.split('\n').map((l) => l.trim());
  const header = lines.findIndex((l) => /^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET$/.test(l));
  if (header < 0) throw new Error(`no GROUP TOPIC PARTITION NEW-OFFSET table in:\n${text}`);
  const plan = new Map<number, bigint>();
  for (const line of lines.slice(header + 1)) {
    const cols = line.split(/\s+/);
    if (cols.length !== 4 || !/^\d+$/.test(cols[2] ?? '') || !/^\d+$/.test(cols[3] ?? '')) continue;
    plan.set(Number(cols[2]), BigInt(cols[3] as string));
  }
  return plan;
}
