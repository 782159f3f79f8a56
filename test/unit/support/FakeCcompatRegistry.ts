import http from 'node:http';
import type { AddressInfo } from 'node:net';
import avro from 'avsc';

export type Route = 'lookup' | 'register' | 'getConfig' | 'putConfig';

interface Subject {
  readonly versions: string[];
  level: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: object;
}

const PREFIX = '/apis/ccompat/v7';

/**
 * A Confluent-compatible registry in this process that answers the way Apicurio 3 does, so unit tests can hold
 * requests at a barrier and replay the interleavings concurrent processes produce. Like Apicurio: a subject
 * without a level of its own reports the global one; a level is created check-then-create, so of two creations
 * that both found none, the later is refused with "A rule named 'COMPATIBILITY' already exists". Every level
 * other than NONE is checked as BACKWARD against the latest version.
 */
export class FakeCcompatRegistry {
  globalLevel = 'NONE';
  /** Apicurio before 3.1: a level can be set only on a subject that holds a schema. */
  configNeedsSubject = false;
  /** Two registrations that both found the subject missing: the later is refused (409, error_code 0). */
  creationConflicts = false;
  /** When set, a request whose Authorization header is not this is refused with 401, as a registry behind auth does. */
  requiredAuthorization: string | undefined;
  readonly log: { route: Route; subject: string; status: number }[] = [];
  private readonly subjects = new Map<string, Subject>();
  private readonly ids = new Map<string, number>();
  private readonly barriers = new Map<Route, { expected: number; skip: number; waiting: (() => void)[] }>();
  private readonly scripted = new Map<Route, Answer[]>();

  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private address = '';

  private constructor() {}

  static async start(): Promise<FakeCcompatRegistry> {
    const fake = new FakeCcompatRegistry();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.address = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}${PREFIX}`;
    return fake;
  }

  /** The base URL of its Confluent-compatible API. */
  get url(): string {
    return this.address;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Holds requests to `route` until `expected` of them arrived, then lets them all proceed in arrival order. */
  holdUntil(route: Route, expected: number): void {
    this.barriers.set(route, { expected, skip: 0, waiting: [] });
  }

  /** Lets the first `skip` requests to `route` through, then holds the others until the returned function is called. */
  pause(route: Route, skip = 0): () => void {
    const b = { expected: Infinity, skip, waiting: [] as (() => void)[] };
    this.barriers.set(route, b);
    return () => {
      if (this.barriers.get(route) === b) this.barriers.delete(route);
      for (const release of b.waiting) release();
    };
  }

  /** The next `times` requests to `route` get this answer instead of the real one. */
  failNext(route: Route, status: number, body: object, times = 1): void {
    this.scripted.set(route, [...(this.scripted.get(route) ?? []), ...Array<Answer>(times).fill({ status, body })]);
  }

  /** A subject someone else made: its schemas and, if they set one, its own level. */
  seed(subject: string, schemas: readonly object[], level?: string): number {
    const s = this.subject(subject);
    s.level = level;
    for (const schema of schemas) s.versions.push(JSON.stringify(schema));
    return this.idOf(JSON.stringify(schemas.at(-1)));
  }

  levelOf(subject: string): string | undefined {
    return this.subjects.get(subject)?.level;
  }

  versionsOf(subject: string): number {
    return this.subjects.get(subject)?.versions.length ?? 0;
  }

  routes(): Route[] {
    return this.log.map((l) => l.route);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>) : {};
    if (this.requiredAuthorization !== undefined && req.headers.authorization !== this.requiredAuthorization) {
      return send(res, 401, { error_code: 40101, message: 'Unauthorized' });
    }
    const path = (req.url ?? '').replace(PREFIX, '');
    const match = /^\/(subjects|config)\/([^/]+)(\/versions)?$/.exec(path);
    const route: Route | undefined = !match
      ? undefined
      : match[1] === 'config'
        ? req.method === 'PUT'
          ? 'putConfig'
          : 'getConfig'
        : match[3]
          ? 'register'
          : 'lookup';
    if (!route || !match) return send(res, 404, { error_code: 404, message: `no route ${req.method} ${path}` });
    const subject = decodeURIComponent(match[2] as string);
    // What a request saw when it arrived: concurrent requests all saw the state before any of them acted.
    const existedOnArrival = this.versionsOf(subject) > 0;
    const levelOnArrival = this.levelOf(subject);
    await this.barrier(route);
    const scripted = this.scripted.get(route)?.shift();
    const answer =
      scripted ??
      this.answer(route, subject, body, { existed: existedOnArrival, hadLevel: levelOnArrival !== undefined });
    this.log.push({ route, subject, status: answer.status });
    send(res, answer.status, answer.body);
  }

  private answer(
    route: Route,
    subjectName: string,
    body: Record<string, string>,
    onArrival: { existed: boolean; hadLevel: boolean },
  ): Answer {
    const s = this.subjects.get(subjectName);
    const exists = s !== undefined && s.versions.length > 0;
    const notFound = { status: 404, body: { error_code: 40401, message: `Subject '${subjectName}' not found.` } };
    switch (route) {
      case 'lookup': {
        if (!exists) return notFound;
        const canonical = canonicalize(body.schema as string);
        const version = s?.versions.findIndex((v) => canonicalize(v) === canonical) ?? -1;
        if (version < 0) return { status: 404, body: { error_code: 40403, message: 'schema not found under subject' } };
        return {
          status: 200,
          body: { subject: subjectName, version: version + 1, id: this.idOf(canonical), schema: body.schema },
        };
      }
      case 'getConfig':
        if (s?.level !== undefined) return { status: 200, body: { compatibilityLevel: s.level } };
        return exists ? { status: 200, body: { compatibilityLevel: this.globalLevel } } : notFound;
      case 'putConfig': {
        if (this.configNeedsSubject && !exists) return notFound;
        const target = this.subject(subjectName);
        if (!onArrival.hadLevel && target.level !== undefined) {
          return { status: 409, body: { error_code: 0, message: "A rule named 'COMPATIBILITY' already exists." } };
        }
        target.level = body.compatibility;
        return { status: 200, body: { compatibility: body.compatibility, normalize: false } };
      }
      case 'register': {
        if (this.creationConflicts && !onArrival.existed && exists) {
          return { status: 409, body: { error_code: 0, message: `Artifact '${subjectName}' already exists.` } };
        }
        const target = this.subject(subjectName);
        const canonical = canonicalize(body.schema as string);
        if (!target.versions.some((v) => canonicalize(v) === canonical)) {
          const latest = target.versions.at(-1);
          const level = target.level ?? this.globalLevel;
          if (latest !== undefined && level !== 'NONE' && !readsBackward(canonical, latest)) {
            return {
              status: 409,
              body: { error_code: 409, message: `RuleViolationException: Incompatible artifact: ${subjectName}` },
            };
          }
          target.versions.push(body.schema as string);
        }
        return { status: 200, body: { id: this.idOf(canonical) } };
      }
    }
  }

  private barrier(route: Route): Promise<void> {
    const b = this.barriers.get(route);
    if (!b) return Promise.resolve();
    if (b.skip > 0) {
      b.skip--;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      b.waiting.push(resolve);
      if (b.waiting.length >= b.expected) {
        this.barriers.delete(route);
        for (const release of b.waiting) release();
      }
    });
  }

  private subject(name: string): Subject {
    let s = this.subjects.get(name);
    if (!s) {
      s = { versions: [], level: undefined };
      this.subjects.set(name, s);
    }
    return s;
  }

  /** Ids are per content, across subjects, as in both registries. */
  private idOf(schema: string): number {
    const canonical = canonicalize(schema);
    let id = this.ids.get(canonical);
    if (id === undefined) {
      id = 100 + this.ids.size;
      this.ids.set(canonical, id);
    }
    return id;
  }
}

function canonicalize(schema: string): string {
  return JSON.stringify(JSON.parse(schema));
}

function readsBackward(reader: string, writer: string): boolean {
  try {
    avro.Type.forSchema(JSON.parse(reader) as avro.Schema).createResolver(
      avro.Type.forSchema(JSON.parse(writer) as avro.Schema),
    );
    return true;
  } catch {
    return false;
  }
}

function send(res: http.ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
  res.end(JSON.stringify(body));
}
