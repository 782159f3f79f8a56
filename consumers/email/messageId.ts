import { createHash } from 'node:crypto';

// Longer ids are hashed: a Message-ID must fit in one header line (998 characters), and some receivers cut
// shorter ones.
const MAX_LOCAL_PART = 200;

/**
 * The Message-ID of a task's mail, `<local@taskstream>`, the same on every attempt and redelivery of the task, so
 * a receiver that sees it twice knows it is the same mail. The local part is the task id with every character
 * outside `A-Z a-z 0-9 - _ .` (and any dot that RFC 5322's dot-atom forbids: leading, trailing, doubled) written
 * as `=XX` per UTF-8 byte, and `=` itself escaped; the mapping is one-to-one, so two task ids never share a
 * Message-ID. A local part longer than 200 characters becomes `=H` and the SHA-256 of the task id: the escapes
 * never produce `=H`, so a hashed id cannot collide with an escaped one.
 */
export function messageIdFor(taskId: string): string {
  let local = '';
  const bytes = Buffer.from(taskId, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const c = String.fromCharCode(b);
    const dotAllowed = c === '.' && i > 0 && i < bytes.length - 1 && !local.endsWith('.');
    local += /[A-Za-z0-9_-]/.test(c) || dotAllowed ? c : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (local.length === 0 || local.length > MAX_LOCAL_PART) {
    local = `=H${createHash('sha256').update(taskId).digest('hex')}`;
  }
  return `<${local}@taskstream>`;
}
