import { describe, expect, it } from 'vitest';
import { IdList, IDS_PER_COMMAND } from '../../pipeline/dedupe/IdList.js';

describe('IdList', () => {
  it('keeps any id whole, however long or wherever its characters come from', () => {
    const list = new IdList();
    const ids = ['tasks.t-3-', '', 'a:b\nc', 'ünïcødé 日本 🎉', 'x'.repeat(70_000)];
    for (const id of ids) list.add(id);
    list.addPosition(Buffer.from('tasks.t-3-'), '41');
    expect(list.toArray()).toEqual([...ids, 'tasks.t-3-41']);
    expect(list.count).toBe(6);
  });

  it('cuts its ids into commands of IDS_PER_COMMAND, each a length and the id', () => {
    const list = new IdList();
    for (let i = 0; i < IDS_PER_COMMAND * 2 + 1; i++) list.addPosition(Buffer.from('p-'), String(i));
    const commands = list.commands();
    expect(commands).toHaveLength(3);
    const first = commands[0] as Buffer;
    expect(first.readUInt32BE(0)).toBe(3);
    expect(first.toString('utf8', 4, 7)).toBe('p-0');
    expect(commands[2]?.subarray(4).toString()).toBe(`p-${IDS_PER_COMMAND * 2}`);
  });
});
