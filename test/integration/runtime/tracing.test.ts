// Guarantee: a task enqueued inside a span is processed inside a consumer span that is its child, and the
// handler sees the trace context (ctx.traceparent, ctx.log) with an OpenTelemetry SDK registered.
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, TaskProducer, UnrecoverableError } from '../../../pipeline/index.js';
import { capturingLogger } from '../../unit/support/capturingLogger.js';
import { noteTask } from '../../support/fixtures/taskTypes.js';
import { startInMemoryTracing } from '../../support/inMemoryTracing.js';
import { using } from '../../support/resources.js';
import { waitFor } from '../../support/waitFor.js';
import { startWorker } from '../../support/workers.js';

describe('tracing with OpenTelemetry', () => {
  let tracing: ReturnType<typeof startInMemoryTracing>;
  beforeAll(() => {
    tracing = startInMemoryTracing();
  });
  afterAll(() => tracing.stop());

  const consumerSpans = (topic: string): ReadableSpan[] =>
    tracing.spans.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER && s.name === `process ${topic}`);

  it('runs the handler in a consumer span that is a child of the span that enqueued the task', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    const parent = await trace.getTracer('app').startActiveSpan('POST /signup', async (span) => {
      await producer.enqueue(task, { id: 'n1', key: 'k', seq: 1 });
      span.end();
      return span.spanContext();
    });
    const seen: (string | undefined)[] = [];
    const lines: string[] = [];
    await startWorker({
      logger: capturingLogger(lines),
      handlers: [
        handle(task, (_note, ctx) => {
          seen.push(ctx.traceparent);
          ctx.log.info('handled');
        }),
      ],
    });
    await waitFor('the consumer span', () => consumerSpans(task.topic).length === 1);

    const [span] = consumerSpans(task.topic) as [ReadableSpan];
    expect(span.spanContext().traceId).toBe(parent.traceId);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': task.topic,
      'messaging.destination.partition.id': '0',
      'taskstream.task.type': task.name,
    });
    expect(seen).toEqual([`00-${parent.traceId}-${parent.spanId}-01`]);
    const handled = lines
      .map((l) => JSON.parse(l) as { msg: string; traceparent?: string })
      .find((l) => l.msg === 'handled');
    expect(handled?.traceparent).toBe(seen[0]);
  });

  it('marks the span of a failed attempt as an error with the exception', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await trace.getTracer('app').startActiveSpan('job', async (span) => {
      await producer.enqueue(task, { id: 'n1', key: 'k', seq: 1 });
      span.end();
    });
    await startWorker({
      handlers: [
        handle(task, async () => {
          throw new UnrecoverableError('the template is missing');
        }),
      ],
    });
    await waitFor('the consumer span', () => consumerSpans(task.topic).length === 1);

    const [span] = consumerSpans(task.topic) as [ReadableSpan];
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the template is missing' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('gives a task enqueued outside any span no trace context, and its consumer span starts a trace', async () => {
    const task = noteTask({ partitions: 1 });
    const producer = await using(new TaskProducer());
    await producer.enqueue(task, { id: 'n1', key: 'k', seq: 1 });
    const seen: (string | undefined)[] = [];
    await startWorker({ handlers: [handle(task, (_note, ctx) => void seen.push(ctx.traceparent))] });
    await waitFor('the consumer span', () => consumerSpans(task.topic).length === 1);

    expect(seen).toEqual([undefined]);
    expect(consumerSpans(task.topic)[0]?.parentSpanContext).toBeUndefined();
  });
});
