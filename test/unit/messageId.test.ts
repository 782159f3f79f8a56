// Guarantee: a task's Message-ID is a valid RFC 5322 msg-id made only from its task id, the same every time, and never shared by two task ids.
import { describe, expect, it } from 'vitest';
import { messageIdFor } from '../../consumers/email/messageId.js';

// RFC 5322 msg-id with a dot-atom on the left: atoms of atext, single dots between them.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const MSG_ID = new RegExp(`^<${ATEXT}(\\.${ATEXT})*@taskstream>$`);

describe('messageIdFor', () => {
  it('keeps a worker-made task id readable', () => {
    expect(messageIdFor('tasks.send-email-3-1042')).toBe('<tasks.send-email-3-1042@taskstream>');
  });

  it('is the same for the same task id (every attempt and redelivery)', () => {
    expect(messageIdFor('order-17/confirmation')).toBe(messageIdFor('order-17/confirmation'));
  });

  it.each([
    ['a b<c>@d', '<a=20b=3Cc=3E=40d@taskstream>'],
    ['x=y', '<x=3Dy@taskstream>'],
    ['.lead', '<=2Elead@taskstream>'],
    ['trail.', '<trail=2E@taskstream>'],
    ['a..b', '<a.=2Eb@taskstream>'],
    ['grüße', '<gr=C3=BC=C3=9Fe@taskstream>'],
    ['line\r\nBcc: x@y', '<line=0D=0ABcc=3A=20x=40y@taskstream>'],
  ])('escapes %j into a header-safe msg-id', (taskId, expected) => {
    expect(messageIdFor(taskId)).toBe(expected);
    expect(messageIdFor(taskId)).toMatch(MSG_ID);
  });

  it('gives different task ids different Message-IDs, escapes included', () => {
    const ids = ['a.b', 'a=2Eb', 'a_b', 'a-b', 'a b', 'a=20b', 'a..b', 'a.=2Eb', '', 'x'.repeat(300), 'x'.repeat(301)];
    const made = ids.map(messageIdFor);
    expect(new Set(made).size).toBe(ids.length);
    for (const m of made) expect(m).toMatch(MSG_ID);
  });

  it('hashes a long or empty task id to a short, stable one', () => {
    const long = messageIdFor('k'.repeat(5000));
    expect(long).toMatch(/^<=H[0-9a-f]{64}@taskstream>$/);
    expect(messageIdFor('k'.repeat(5000))).toBe(long);
    expect(messageIdFor('')).toMatch(/^<=H[0-9a-f]{64}@taskstream>$/);
  });
});
