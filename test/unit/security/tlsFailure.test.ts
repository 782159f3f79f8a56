// Guarantee: a TLS failure buried in a client library's error chain is recognised and told in the terms a user fixes it by.
import { describe, expect, it } from 'vitest';
import { tlsFailureOf } from '../../../pipeline/security/tlsFailure.js';

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('tlsFailureOf', () => {
  it('finds an untrusted certificate two causes down, in Node’s words without the client’s prefix', () => {
    const inner = Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const outer = new Error('retries exceeded', { cause: new Error('connect failed', { cause: inner }) });
    expect(tlsFailureOf(outer)).toEqual({
      problem: 'untrusted',
      reason: 'self-signed certificate in certificate chain',
    });
  });

  it('tells a certificate for another name, an expired one and a port without TLS apart', () => {
    expect(tlsFailureOf(socketError('ERR_TLS_CERT_ALTNAME_INVALID', 'altname'))?.problem).toBe('wrong-name');
    expect(tlsFailureOf(socketError('CERT_HAS_EXPIRED', 'certificate has expired'))?.problem).toBe('expired');
    expect(tlsFailureOf(new Error('routines:ssl3_get_record:wrong version number'))?.problem).toBe('not-tls');
  });

  it('says nothing of an error that is not about TLS', () => {
    expect(tlsFailureOf(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'))).toBeUndefined();
    expect(tlsFailureOf('a string')).toBeUndefined();
  });
});
