import { describe, expect, it } from 'vitest';
import {
  ACTION_HEADER,
  checkAction,
  checkLoopbackHost,
  checkToken,
  isLoopback,
} from '../../ops/dashboard/requestGuard.js';

const action = (headers: Record<string, string>) => ({ headers: { host: '127.0.0.1:8080', ...headers } });

describe('checkAction', () => {
  it('accepts an action from the page itself: the action header and an Origin of the same host', () => {
    expect(checkAction(action({ [ACTION_HEADER]: '1', origin: 'http://127.0.0.1:8080' }), undefined)).toEqual({
      ok: true,
    });
  });

  it('accepts an action with no Origin (a script on the machine, curl)', () => {
    expect(checkAction(action({ [ACTION_HEADER]: '1' }), undefined).ok).toBe(true);
  });

  it('refuses an action without the action header, which a cross-site form cannot send', () => {
    expect(checkAction(action({ origin: 'http://127.0.0.1:8080' }), undefined)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('refuses an action from another origin', () => {
    const verdict = checkAction(action({ [ACTION_HEADER]: '1', origin: 'https://evil.example' }), undefined);
    expect(verdict).toMatchObject({ ok: false, status: 403, reason: expect.stringContaining('evil.example') });
  });

  it('refuses an action from an opaque origin (a sandboxed frame, a file)', () => {
    expect(checkAction(action({ [ACTION_HEADER]: '1', origin: 'null' }), undefined)).toMatchObject({ ok: false });
  });

  it('with a token configured, refuses an action without it and accepts one with it', () => {
    const headers = { [ACTION_HEADER]: '1', origin: 'http://127.0.0.1:8080' };
    expect(checkAction(action(headers), 's3cret')).toMatchObject({ ok: false, status: 401 });
    expect(checkAction(action({ ...headers, authorization: 'Bearer wrong' }), 's3cret')).toMatchObject({ ok: false });
    expect(checkAction(action({ ...headers, authorization: 'Bearer s3cret' }), 's3cret')).toEqual({ ok: true });
  });
});

describe('checkToken', () => {
  it('lets every request through when no token is configured', () => {
    expect(checkToken(action({}), undefined)).toEqual({ ok: true });
  });
});

describe('isLoopback', () => {
  it('knows the loopback names and addresses, and nothing else', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});

describe('checkLoopbackHost', () => {
  it('accepts a request addressed to this machine by name or address, with or without a port', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost']) {
      expect(checkLoopbackHost({ headers: { host } })).toEqual({ ok: true });
    }
  });

  it('refuses a request addressed to another name, as a DNS-rebound site sends', () => {
    expect(checkLoopbackHost({ headers: { host: 'evil.example:8080' } })).toMatchObject({ ok: false, status: 403 });
  });
});
