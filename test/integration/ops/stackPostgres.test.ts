// Guarantee: `stack up` reuses the machine's PostgreSQL when it answers and, when nothing answers, says in one line where it looked and how to start it; `stack status` lists it as a part.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { LocalStack } from '../../../ops/stack/LocalStack.js';
import { SINGLE_NODE, stackPaths } from '../../../ops/stack/StackConfig.js';
import { ownsProcesses } from '../../support/localStack.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function upWith(postgresPort: number) {
  const lines: string[] = [];
  const parts = await new LocalStack(stackPaths(), { ...SINGLE_NODE, postgresPort }).up({
    report: (line) => lines.push(line),
  });
  return {
    postgresLines: lines.filter((l) => l.startsWith('postgres')),
    part: parts.find((p) => p.part === 'postgres'),
  };
}

describe.runIf(ownsProcesses())('PostgreSQL in the local stack', () => {
  it('is reused when it answers, as a part the stack did not start', async () => {
    const { postgresLines, part } = await upWith(SINGLE_NODE.postgresPort);
    expect(postgresLines).toEqual(['postgres  127.0.0.1:5432 already up']);
    expect(part).toEqual({ part: 'postgres', address: '127.0.0.1:5432', up: true, owner: 'external' });
  });

  it('is named with its address and how to start it, in one line, when nothing answers', async () => {
    const port = await closedPort();
    const { postgresLines, part } = await upWith(port);
    expect(postgresLines).toHaveLength(1);
    expect(postgresLines[0]).toMatch(
      new RegExp(
        `^postgres  nothing answers at 127\\.0\\.0\\.1:${port}: start it with .+, or set DATABASE_URL \\(only generate-report needs it\\)$`,
      ),
    );
    expect(part).toMatchObject({ up: false, owner: 'none' });
  });
});
