import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError } from '../../pipeline/errors.js';

const run = promisify(execFile);

/** The certificates of the stack's SASL_SSL listener, as files. */
export interface StackTlsFiles {
  /** The stack's own CA certificate (PEM): what a client trusts to reach the listener. */
  readonly caFile: string;
  /** The broker's private key, certificate and the CA after it, in one PEM file (Kafka's PEM keystore). */
  readonly brokerPemFile: string;
}

export function stackTlsFiles(dir: string): StackTlsFiles {
  return { caFile: path.join(dir, 'ca.pem'), brokerPemFile: path.join(dir, 'broker.pem') };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const TEN_YEARS = ['-days', '3650'];
// 127.0.0.1 is what the stack advertises; the client checks the address it dialled against these names.
const BROKER_EXTENSIONS = [
  'subjectAltName=IP:127.0.0.1,DNS:localhost',
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
].join('\n');

/**
 * A self-signed CA and a broker certificate signed by it, made once per stack folder with openssl (a few
 * milliseconds; keytool would start a JVM per step) and reused after. Made in a scratch folder and renamed into
 * place, so an interrupted run leaves nothing half made. Resolves undefined when openssl is not installed.
 */
export async function ensureStackTls(dir: string): Promise<StackTlsFiles | undefined> {
  const files = stackTlsFiles(dir);
  if (fs.existsSync(files.caFile) && fs.existsSync(files.brokerPemFile)) return files;
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const at = (name: string): string => path.join(tmp, name);
  try {
    await openssl([
      'req',
      '-x509',
      ...EC_KEY,
      ...TEN_YEARS,
      '-keyout',
      at('ca.key'),
      '-out',
      at('ca.pem'),
      '-subj',
      '/CN=taskstream local stack CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl(['req', ...EC_KEY, '-keyout', at('broker.key'), '-out', at('broker.csr'), '-subj', '/CN=localhost']);
    fs.writeFileSync(at('broker.ext'), `${BROKER_EXTENSIONS}\n`);
    await openssl([
      'x509',
      '-req',
      '-in',
      at('broker.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-set_serial',
      String(Date.now()),
      ...TEN_YEARS,
      '-extfile',
      at('broker.ext'),
      '-out',
      at('broker.crt'),
    ]);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new StackError(`making the stack's TLS certificates with openssl failed: ${(err as Error).message}`, err);
  }
  const brokerPem = ['broker.key', 'broker.crt', 'ca.pem'].map((f) => fs.readFileSync(at(f), 'utf8')).join('');
  fs.writeFileSync(at('broker.pem'), brokerPem, { mode: 0o600 });
  for (const f of ['broker.key', 'broker.crt', 'broker.csr', 'broker.ext']) fs.rmSync(at(f));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return files;
}

async function openssl(args: readonly string[]): Promise<void> {
  await run('openssl', args, { timeout: 30_000 });
}
