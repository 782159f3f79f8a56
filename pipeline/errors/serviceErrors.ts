import { maskUrl } from '../security/maskUrl.js';
import { TaskstreamError } from './TaskstreamError.js';

/** A service (Kafka, registry, Redis) does not answer at its address (a password in it is masked). */
export class ServiceUnavailableError extends TaskstreamError {
  readonly address: string;

  constructor(
    readonly service: string,
    address: string,
    cause?: unknown,
    /** The service did answer, with this refusal of the moment (a leader or coordinator being elected). */
    notReady?: string,
  ) {
    const shown = maskUrl(address);
    super(
      'SERVICE_UNAVAILABLE',
      notReady === undefined
        ? `${service} does not answer at ${shown}; start the local stack with \`npx taskstream stack up\` (or set the address)`
        : `${service} at ${shown} answered but cannot serve yet (${notReady}); a failover is under way: try again`,
      { retriable: true, cause },
    );
    this.address = shown;
  }
}

/**
 * A service answered and refused us for our settings (credentials, TLS): asking again with the same ones cannot
 * help. One line naming the service, its address (password masked), the reason and which settings to check.
 */
export abstract class ServiceRefusedError extends TaskstreamError {
  readonly address: string;

  protected constructor(
    code: 'AUTH_FAILED' | 'TLS_FAILED',
    readonly service: string,
    address: string,
    what: (shownAddress: string) => string,
    hint: string,
    cause: unknown,
  ) {
    const shown = maskUrl(address);
    super(code, `${what(shown)}; ${hint}`, { cause });
    this.address = shown;
  }
}

/** A service refused our credentials: a SASL login, a registry's basic auth or token, a Redis ACL user. */
export class AuthenticationError extends ServiceRefusedError {
  constructor(service: string, address: string, reason: string, hint: string, cause?: unknown) {
    super(
      'AUTH_FAILED',
      service,
      address,
      (at) => `${service} at ${at} refused the credentials (${maskUrl(reason)})`,
      hint,
      cause,
    );
  }
}

/** TLS failed: a certificate signed by a CA we do not trust, for another name, expired; or a port without TLS. */
export class TlsError extends ServiceRefusedError {
  constructor(service: string, address: string, reason: string, hint: string, cause?: unknown) {
    super(
      'TLS_FAILED',
      service,
      address,
      (at) => `TLS with ${service} at ${at} failed (${maskUrl(reason)})`,
      hint,
      cause,
    );
  }
}
