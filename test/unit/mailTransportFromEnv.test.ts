// Guarantee: the shipped worker sends mail over SMTP when SMTP_URL is set, and otherwise prints it as JSON lines and says so at start.
import { describe, expect, it } from 'vitest';
import { JsonLinesTransport } from '../../consumers/email/MailTransport.js';
import { SmtpTransport } from '../../consumers/email/SmtpTransport.js';
import { mailTransportFromEnv } from '../../consumers/email/mailTransportFromEnv.js';
import { capturingLogger } from './support/capturingLogger.js';

describe('mailTransportFromEnv', () => {
  it('uses SMTP when SMTP_URL is set, From: SMTP_FROM, and logs the server without credentials', async () => {
    const lines: string[] = [];
    const env = { SMTP_URL: 'smtp://relay:secret@127.0.0.1:2525', SMTP_FROM: 'Shop <shop@example.com>' };
    const transport = mailTransportFromEnv(capturingLogger(lines), env);
    expect(transport).toBeInstanceOf(SmtpTransport);
    expect((transport as SmtpTransport).from).toBe('Shop <shop@example.com>');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'send-email sends mail through SMTP',
        server: 'smtp://127.0.0.1:2525',
        from: 'Shop <shop@example.com>',
      }),
    ]);
    expect(lines.join('')).not.toContain('secret');
    await transport.close?.();
  });

  it('falls back to JSON lines on stdout without SMTP_URL, with a warning that mail is not sent', () => {
    const lines: string[] = [];
    const transport = mailTransportFromEnv(capturingLogger(lines), { SMTP_URL: '' });
    expect(transport).toBeInstanceOf(JsonLinesTransport);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'SMTP_URL is not set: send-email writes each mail as a JSON line to stdout instead of sending it (development only)',
      }),
    ]);
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps:// at start', () => {
    expect(() => mailTransportFromEnv(capturingLogger([]), { SMTP_URL: '127.0.0.1:2525' })).toThrow(
      'SMTP_URL must look like smtp://host:port or smtps://user:password@host:port, but it does not parse as a URL',
    );
  });
});
