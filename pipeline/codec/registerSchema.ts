import {
  RegistryConflictError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  TaskstreamError,
} from '../errors.js';
import { isIncompatible, isTransient, SCHEMA_NOT_FOUND, type CcompatApi, type RegistryAnswer } from './CcompatApi.js';
import type { Compatibility } from './RegistryClient.js';

const ATTEMPTS = 6;
const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 1000;

/**
 * Registers `schema` under `subject` and returns its id. Safe when several processes register one new subject at
 * once, and when the subject belongs to someone else (an upstream system that produces the same task type).
 *
 * The semantics, and why:
 * - A schema the subject already holds is answered by the lookup, with no further step. An identical schema
 *   cannot break any compatibility rule, so there is nothing to check, and nothing to set on a subject that may
 *   not be ours. (The client library compared the subject's level with ours first: Apicurio reports the global
 *   level, NONE, for a subject without one of its own, so a subject an upstream system had made was refused.)
 * - The declared level is the choice of whoever creates the subject: it is set only when the lookup found no
 *   subject, and only if the subject has no level of its own yet (an operator may configure a subject before its
 *   first schema). It is set before registering where the registry allows that (Confluent does, and so does the
 *   Apicurio 3.3 of the local stack): a process that dies between the two steps then cannot leave the subject
 *   without its level for good (later registrations find the subject and leave its level alone). Otherwise it is
 *   set right after.
 * - An existing subject's level is never compared with the declared one, nor changed: the registry applies it to
 *   every new version, and that refusal (409 with error_code 409) is the only incompatibility there is.
 * - Concurrent creators race on the level harmlessly: they set the same one, and Apicurio answers the later ones
 *   "A rule named 'COMPATIBILITY' already exists" (409), which only says the level is set.
 * - Any other 409 is a concurrent change winning a race, and 5xx a busy registry: each step asks again a few
 *   times, and what still fails is reported as retriable.
 */
export async function registerSchema(
  api: CcompatApi,
  subject: string,
  schema: string,
  compatibility: Compatibility,
): Promise<number> {
  const subjectPath = `/subjects/${encodeURIComponent(subject)}`;
  const found = await ask(api, 'POST', subjectPath, { schema });
  if (found.status === 200) return schemaId(api, found, subject);
  if (found.status !== 404) throw refusal(api, found, subject);

  // 40403: the subject exists and holds other schemas, so it is not ours to configure.
  const creating = found.errorCode !== SCHEMA_NOT_FOUND;
  const levelLater = creating && (await claimLevel(api, subject, compatibility)) === 'needs-subject';
  const registered = await ask(api, 'POST', `${subjectPath}/versions`, { schema });
  if (registered.status !== 200) throw refusal(api, registered, subject);
  if (levelLater) await putLevel(api, subject, compatibility);
  return schemaId(api, registered, subject);
}

type LevelOutcome = 'set' | 'kept' | 'needs-subject';

async function claimLevel(api: CcompatApi, subject: string, compatibility: Compatibility): Promise<LevelOutcome> {
  const own = await ask(api, 'GET', `/config/${encodeURIComponent(subject)}`);
  if (own.status === 200) return 'kept';
  // 40401 (Apicurio, older Confluent) or 40408 (Confluent): no level of its own.
  if (own.status !== 404) throw refusal(api, own, subject);
  return putLevel(api, subject, compatibility);
}

async function putLevel(api: CcompatApi, subject: string, compatibility: Compatibility): Promise<LevelOutcome> {
  const put = await ask(api, 'PUT', `/config/${encodeURIComponent(subject)}`, { compatibility }, false);
  if (put.status === 200 || put.status === 409) return 'set';
  // A registry that keeps a level only on a subject holding a schema answers 404 until it has one.
  if (put.status === 404) return 'needs-subject';
  throw refusal(api, put, subject);
}

/** Asks until the answer is not transient or the attempts are used up; returns the last answer either way. */
async function ask(
  api: CcompatApi,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: object,
  conflictsAreTransient = true,
): Promise<RegistryAnswer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await api.call(method, path, body);
    const transient = isTransient(answer) && (conflictsAreTransient || answer.status !== 409);
    if (!transient || attempt >= ATTEMPTS) return answer;
    const cap = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1));
    // Jitter: processes that collided once must not ask again in lockstep.
    await new Promise((resolve) => setTimeout(resolve, cap / 2 + (Math.random() * cap) / 2));
  }
}

function schemaId(api: CcompatApi, answer: RegistryAnswer, subject: string): number {
  const id = (answer.body as { id?: unknown } | null)?.id;
  if (typeof id === 'number') return id;
  throw refusal(api, { ...answer, status: 502, message: 'an answer without a schema id' }, subject);
}

function refusal(api: CcompatApi, answer: RegistryAnswer, subject: string): TaskstreamError {
  const cause = new Error(
    `HTTP ${answer.status}${answer.errorCode ? ` (${answer.errorCode})` : ''}: ${answer.message}`,
  );
  if (isIncompatible(answer)) return new SchemaIncompatibleError(subject, answer.message, cause);
  if (answer.status === 409) return new RegistryConflictError(subject, answer.message, cause);
  if (isTransient(answer)) return new RegistryUnavailableError(api.base, cause);
  return new TaskstreamError('SCHEMA_INCOMPATIBLE', `registry refused subject "${subject}": ${answer.message}`, {
    cause,
  });
}
