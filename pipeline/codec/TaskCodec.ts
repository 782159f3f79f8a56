import avro from 'avsc';
import { DecodeError, PayloadInvalidError, PayloadTooLargeError, TaskstreamError } from '../errors.js';
import type { TaskDefinition } from '../task/defineTask.js';
import { frame, unframe } from './ConfluentFrame.js';
import type { RegistryClient } from './RegistryClient.js';

type Reader = (body: Buffer) => unknown;

/**
 * Encodes a task type's payloads with its registered schema and decodes whatever schema id a record names
 * into the task's own (reader) schema. The writer id is registered once and each writer→reader resolver is
 * built once, so after warm-up neither encode nor decode touches the registry (the registry client's own
 * decode rebuilds the resolver on every call).
 */
export class TaskCodec {
  private writerId: Promise<number> | undefined;
  private resolvedWriterId: number | undefined;
  private readonly readers = new Map<number, Reader>();
  private readonly pending = new Map<number, Promise<Reader>>();

  constructor(
    readonly task: TaskDefinition,
    private readonly registry: RegistryClient,
  ) {}

  /** Registers the task's schema under `<topic>-value` (idempotent) and remembers its id. */
  prepare(): Promise<number> {
    this.writerId ??= this.registry.register(this.task.subject, this.task.schema, this.task.compatibility).then(
      (id) => {
        this.resolvedWriterId = id;
        this.readers.set(id, readerFor(this.task.avroType, this.task.avroType));
        return id;
      },
      (err: unknown) => {
        this.writerId = undefined;
        throw err;
      },
    );
    return this.writerId;
  }

  /**
   * Loads the reader for the subject's latest schema before the first record asks for it, so a worker starts
   * decoding synchronously instead of holding records while the first lookup is in flight. Best effort: a
   * registry that does not answer now is asked again when a record needs it.
   */
  async warm(): Promise<void> {
    try {
      await this.loadReader(await this.registry.latestId(this.task.subject));
    } catch {
      /* decoding will ask again, and report what is wrong then */
    }
  }

  /** Checks a payload against the schema, naming each bad field's path. */
  validate(payload: unknown): void {
    // The plain check is several times faster; the path-collecting one runs only to explain a failure.
    if (this.task.avroType.isValid(payload)) return;
    const problems: { path: string; reason: string }[] = [];
    this.task.avroType.isValid(payload, {
      errorHook: (path: string[], value: unknown, type: avro.Type) => {
        problems.push({ path: path.join('.'), reason: `expected ${describeType(type)}, got ${describeValue(value)}` });
      },
    });
    if (problems.length > 0) throw new PayloadInvalidError(this.task.name, problems);
  }

  /** Validates, then frames. Call `prepare()` once first. */
  encode(payload: unknown): Buffer {
    if (this.resolvedWriterId === undefined) {
      throw new TaskstreamError('CONFIG_INVALID', `codec for "${this.task.name}" used before prepare()`);
    }
    this.validate(payload);
    const framed = frame(this.resolvedWriterId, this.task.avroType.toBuffer(payload));
    if (framed.length > this.task.maxBytes)
      throw new PayloadTooLargeError(this.task.name, framed.length, this.task.maxBytes);
    return framed;
  }

  /** Decodes without awaiting when the writer schema is known; returns undefined on a cache miss. */
  decodeCached(value: Buffer | null): unknown {
    const { schemaId, body } = unframe(value);
    const reader = this.readers.get(schemaId);
    return reader === undefined ? NOT_CACHED : reader(body);
  }

  async decode(value: Buffer | null): Promise<unknown> {
    const { schemaId, body } = unframe(value);
    const reader = this.readers.get(schemaId) ?? (await this.loadReader(schemaId));
    return reader(body);
  }

  private loadReader(schemaId: number): Promise<Reader> {
    let p = this.pending.get(schemaId);
    if (!p) {
      p = this.registry.writerType(schemaId).then((writer) => {
        let reader: Reader;
        try {
          reader = readerFor(writer, this.task.avroType);
        } catch (err) {
          throw new DecodeError(
            `schema id ${schemaId} cannot be read as task "${this.task.name}": ${(err as Error).message}`,
            err,
          );
        }
        this.readers.set(schemaId, reader);
        return reader;
      });
      this.pending.set(schemaId, p);
      void p.finally(() => this.pending.delete(schemaId)).catch(() => undefined);
    }
    return p;
  }
}

/** Returned by decodeCached when the writer schema must first be fetched. */
export const NOT_CACHED: unique symbol = Symbol('not cached');

function readerFor(writer: avro.Type, reader: avro.Type): Reader {
  const resolver = writer.equals(reader) ? undefined : reader.createResolver(writer);
  return (body) => {
    try {
      return resolver ? reader.fromBuffer(body, resolver) : reader.fromBuffer(body);
    } catch (err) {
      throw new DecodeError(`Avro body does not decode: ${(err as Error).message}`, err);
    }
  };
}

function describeType(type: avro.Type): string {
  const t = type as avro.Type & { typeName?: string; name?: string };
  return t.name ?? t.typeName ?? 'a valid value';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? typeof value : json.length > 60 ? `${json.slice(0, 60)}…` : json;
}
