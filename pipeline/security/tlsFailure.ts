import { findAlongCauses } from '../errors/causes.js';

/** What went wrong in a TLS handshake, in the terms a user fixes it by. */
export type TlsProblem = 'untrusted' | 'wrong-name' | 'expired' | 'not-tls';

export interface TlsFailure {
  readonly problem: TlsProblem;
  /** Node's own words for it, e.g. "self-signed certificate in certificate chain". */
  readonly reason: string;
}

// Node's (OpenSSL's) verification codes, grouped by what the user has to change.
const PROBLEM_BY_CODE: Readonly<Record<string, TlsProblem>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-name',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'expired',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not-tls',
};

/**
 * The TLS failure behind an error, looked for along its `cause` chain (client libraries wrap the socket's error,
 * some more than once); undefined when the error is not about TLS.
 */
export function tlsFailureOf(err: unknown): TlsFailure | undefined {
  return findAlongCauses(err, ({ code, message }): TlsFailure | undefined => {
    const problem = typeof code === 'string' ? PROBLEM_BY_CODE[code] : undefined;
    const text = typeof message === 'string' ? message : '';
    if (problem) return { problem, reason: socketReason(text) };
    if (/wrong version number/i.test(text)) return { problem: 'not-tls', reason: socketReason(text) };
    return undefined;
  });
}

/** "Connection error: self-signed certificate in certificate chain" → the part after the client's prefix. */
function socketReason(message: string): string {
  return message.replace(/^(Connection error|Failed to connect): /, '').split('\n')[0] ?? message;
}

/** The sentence that says what to change, for each problem; `caSetting` names where this service's CA is given. */
export function tlsHint(problem: TlsProblem, caSetting: string): string {
  switch (problem) {
    case 'untrusted':
      return `its certificate is not signed by a CA this process trusts: give that CA (${caSetting})`;
    case 'wrong-name':
      return 'its certificate is for another name: connect by a name the certificate lists';
    case 'expired':
      return 'its certificate is expired or not yet valid: check its dates and this machine’s clock';
    case 'not-tls':
      return 'the port does not speak TLS: use its TLS port, or turn TLS off for this address';
  }
}
