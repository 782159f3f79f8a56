// Guarantee: a failed SMTP send is classified by the server's reply: 5xx is dead-lettered with the reply, 4xx and no answer are retried, an abort stays an abort.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isRetriable, UnrecoverableError } from '../../pipeline/errors.js';
import { SmtpTransport } from '../../consumers/email/SmtpTransport.js';
import { classifySmtpFailure, MailDeferredError } from '../../consumers/email/smtpFailure.js';

const server = 'smtp://127.0.0.1:2525';

/** An error shaped as nodemailer makes them (NodemailerError). */
function nodemailerError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

function reply(code: number, text: string, errCode = 'EENVELOPE'): Error {
  return nodemailerError(`Can't send mail - all recipients were rejected: ${code} ${text}`, {
    code: errCode,
    command: 'RCPT TO',
    response: `${code} ${text}`,
    responseCode: code,
    permanent: code >= 500 && code !== 503,
  });
}

describe('classifySmtpFailure: the table in its doc comment', () => {
  it('a 5xx reply to a recipient is an UnrecoverableError carrying the reply', () => {
    const cause = reply(550, '5.1.1 <ada@example.com>: no such user');
    const err = classifySmtpFailure(cause, 'ada@example.com', server);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(isRetriable(err)).toBe(false);
    expect(err.message).toBe(
      'SMTP server smtp://127.0.0.1:2525 rejected the mail to ada@example.com: 550 5.1.1 <ada@example.com>: no such user',
    );
    expect(err.cause).toBe(cause);
  });

  it('a 5xx reply to the message itself (after DATA) is an UnrecoverableError too', () => {
    const err = classifySmtpFailure(reply(554, '5.7.1 message refused as spam', 'EMESSAGE'), 'a@b', server);
    expect(err).toBeInstanceOf(UnrecoverableError);
    expect(err.message).toContain('554 5.7.1 message refused as spam');
  });

  it('a 4xx reply is a retriable MailDeferredError carrying the reply and its code', () => {
    const err = classifySmtpFailure(reply(451, '4.3.0 try again later'), 'a@b', server);
    expect(err).toBeInstanceOf(MailDeferredError);
    expect(isRetriable(err)).toBe(true);
    expect((err as MailDeferredError).smtpCode).toBe(451);
    expect(err.message).toBe('SMTP server smtp://127.0.0.1:2525 deferred the mail to a@b: 451 4.3.0 try again later');
  });

  it('503 (bad sequence of commands) is retried: the session was wrong, not the mail', () => {
    expect(isRetriable(classifySmtpFailure(reply(503, '5.5.1 bad sequence'), 'a@b', server))).toBe(true);
  });

  it('a 5xx without the permanent flag (older shapes) still counts by its class', () => {
    const err = nodemailerError('rejected', { code: 'EENVELOPE', responseCode: 552, response: '552 too big' });
    expect(classifySmtpFailure(err, 'a@b', server)).toBeInstanceOf(UnrecoverableError);
  });

  it('a refused login is retried even with a 5xx: the configuration is wrong, not the mail', () => {
    const err = nodemailerError('Invalid login: 535 5.7.8 bad credentials', {
      code: 'EAUTH',
      responseCode: 535,
      response: '535 5.7.8 bad credentials',
      permanent: true,
    });
    const classified = classifySmtpFailure(err, 'a@b', server);
    expect(classified).toBeInstanceOf(MailDeferredError);
    expect(classified.message).toContain('refused the login');
  });

  it.each([
    ['ESOCKET', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:2525'],
    ['ETIMEDOUT', undefined, 'Greeting never received'],
    ['ECONNECTION', undefined, 'Connection closed unexpectedly'],
    ['EDNS', 'ENOTFOUND', 'getaddrinfo ENOTFOUND smtp.invalid'],
  ])('no reply (%s) is a retriable MailDeferredError naming the cause', (code, originalCode, message) => {
    const err = classifySmtpFailure(nodemailerError(message, { code, originalCode }), 'a@b', server);
    expect(err).toBeInstanceOf(MailDeferredError);
    expect(isRetriable(err)).toBe(true);
    expect(err.message).toBe(
      `SMTP server smtp://127.0.0.1:2525 did not take the mail to a@b (${originalCode ?? code}): ${message}`,
    );
  });

  it('a mail nodemailer refuses before sending (no recipients) is an UnrecoverableError', () => {
    const err = classifySmtpFailure(nodemailerError('No recipients defined', { code: 'EENVELOPE' }), 'a@b', server);
    expect(err).toBeInstanceOf(UnrecoverableError);
  });

  it('an aborted send is returned as it is: the worker knows why it aborted', () => {
    const abort = nodemailerError('Message sending aborted', { code: 'EABORT', name: 'AbortError' });
    expect(classifySmtpFailure(abort, 'a@b', server)).toBe(abort);
  });

  it('a thrown non-Error is retried, with a message', () => {
    const err = classifySmtpFailure('boom', 'a@b', server);
    expect(err).toBeInstanceOf(MailDeferredError);
    expect(err.message).toContain('boom');
  });
});

describe('SmtpTransport on a real socket', () => {
  it('a refused connection is a retriable MailDeferredError naming ECONNREFUSED', async () => {
    const port = await closedPort();
    const transport = new SmtpTransport({ url: `smtp://127.0.0.1:${port}`, from: 'me@example.com' });
    const mail = { to: 'a@example.com', subject: 's', body: 'b', messageId: '<x@taskstream>' };
    const err = await transport.send(mail, new AbortController().signal).catch((e: unknown) => e);
    await transport.close();
    expect(err).toBeInstanceOf(MailDeferredError);
    expect(isRetriable(err)).toBe(true);
    expect((err as Error).message).toContain(`SMTP server smtp://127.0.0.1:${port} did not take the mail`);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('does not start a send once the signal has aborted', async () => {
    const port = await closedPort();
    const transport = new SmtpTransport({ url: `smtp://127.0.0.1:${port}` });
    const reason = new Error('task timed out');
    const mail = { to: 'a@example.com', subject: 's', body: 'b', messageId: '<x@taskstream>' };
    await expect(transport.send(mail, AbortSignal.abort(reason))).rejects.toBe(reason);
    await transport.close();
  });

  it('refuses a URL that is not smtp:// or smtps://, without echoing it (it may hold a password)', () => {
    const format = 'SMTP_URL must look like smtp://host:port or smtps://user:password@host:port, but';
    expect(() => new SmtpTransport({ url: 'http://user:secret@mail.example.com' })).toThrow(
      `${format} it starts with http:`,
    );
    expect(() => new SmtpTransport({ url: 'not a url secret' })).toThrow(`${format} it does not parse as a URL`);
    expect(() => new SmtpTransport({ url: 'smtp://' })).toThrow(`${format} it names no host`);
  });

  it('names the server without its credentials', () => {
    const transport = new SmtpTransport({ url: 'smtps://user:secret@mail.example.com:465/?pool=true' });
    expect(transport.server).toBe('smtps://mail.example.com:465');
  });
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
