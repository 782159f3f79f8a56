// Guarantee: the demo's stream mixes all three task types with failures on purpose, its SMTP server refuses as
// documented (550 at once, 452 always, 451 only for an address's first tries), and its options refuse bad values.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { GREYLIST_TRIES, MAIL_DOMAINS, demoRefusal } from '../../ops/demo/demoMailbox.js';
import { demoTaskAt, type DemoTask } from '../../ops/demo/demoMix.js';
import { demoDuration, demoNamespace, demoRate } from '../../ops/demo/demoOptions.js';

const sources = {
  goodSources: ['/in/a.jpg', '/in/b.jpg'],
  badSources: { missing: '/in/x.jpg', undecodable: '/in/n.jpg' },
};
const stream = (n: number): DemoTask[] => Array.from({ length: n }, (_, i) => demoTaskAt(i, sources, 1_000));

describe('demoTaskAt', () => {
  it('every 40 tasks hold all three types and every fate', () => {
    const tasks = stream(40);
    expect(new Set(tasks.map((t) => t.type))).toEqual(new Set(['send-email', 'generate-report', 'resize-image']));
    expect(new Set(tasks.map((t) => t.fate))).toEqual(
      new Set(['done', 'retried-then-done', 'dead-at-once', 'dead-after-retries']),
    );
  });

  it('the failing images name the missing and the undecodable source', () => {
    const urls = stream(20).flatMap((t) =>
      t.type === 'resize-image' && t.fate !== 'done' ? [t.payload.imageUrl] : [],
    );
    expect(urls.sort()).toEqual(['/in/n.jpg', '/in/x.jpg']);
  });

  it('each report asks for a file of its own', () => {
    const times = stream(200).flatMap((t) => (t.type === 'generate-report' ? [t.payload.requestedAt] : []));
    expect(new Set(times).size).toBe(times.length);
  });
});

describe('demoRefusal', () => {
  it('refuses a bounce address with 550', () => {
    expect(demoRefusal(`a@${MAIL_DOMAINS.bounce}`, 0)?.code).toBe(550);
  });

  it('refuses a full mailbox with 452 however often it was refused', () => {
    expect(demoRefusal(`a@${MAIL_DOMAINS.busy}`, 10)?.code).toBe(452);
  });

  it('greylists an address for its first tries only', () => {
    expect(demoRefusal(`a@${MAIL_DOMAINS.greylist}`, GREYLIST_TRIES - 1)?.code).toBe(451);
    expect(demoRefusal(`a@${MAIL_DOMAINS.greylist}`, GREYLIST_TRIES)).toBeUndefined();
  });

  it('accepts anyone else', () => {
    expect(demoRefusal(`a@${MAIL_DOMAINS.ok}`, 0)).toBeUndefined();
  });
});

describe('demo options', () => {
  it.each(['0s', '500ms', '2h', 'soon'])('--duration %s is refused', (v) => {
    expect(() => demoDuration(v)).toThrow(InvalidArgumentError);
  });

  it('--duration 15s is 15,000 ms', () => {
    expect(demoDuration('15s')).toBe(15_000);
  });

  it.each(['0', '-1', '201', 'fast', ''])('--rate %j is refused', (v) => {
    expect(() => demoRate(v)).toThrow(InvalidArgumentError);
  });

  it('--rate 2.5 is accepted', () => {
    expect(demoRate('2.5')).toBe(2.5);
  });

  it.each(['Demo', 'a.b', '-x', 'x'.repeat(41)])('--namespace %j is refused', (v) => {
    expect(() => demoNamespace(v)).toThrow(InvalidArgumentError);
  });
});
