import type * as OtelApi from '@opentelemetry/api';
import { toError } from '../errors.js';
import { isThenable } from '../runtime/isThenable.js';
import type { TaskDefinition } from '../task/defineTask.js';
import type { TaskContext, TaskHandler } from '../runtime/TaskContext.js';

/**
 * Wraps a handler in an OpenTelemetry consumer span (messaging semantic conventions: "process <topic>"),
 * child of the span that enqueued the task when its record carries a traceparent. The handler runs inside
 * the span's context, so its own outgoing calls (HTTP, SQL, another enqueue) join the trace.
 */
export function tracedHandler<T extends TaskDefinition>(
  api: typeof OtelApi,
  task: T,
  handler: TaskHandler<T>,
): TaskHandler<T> {
  const tracer = api.trace.getTracer('taskstream');
  return (payload, ctx) => {
    const parent = ctx.traceparent
      ? api.propagation.extract(api.ROOT_CONTEXT, { traceparent: ctx.traceparent })
      : api.ROOT_CONTEXT;
    return tracer.startActiveSpan(
      `process ${ctx.topic}`,
      { kind: api.SpanKind.CONSUMER, attributes: spanAttributes(task, ctx) },
      parent,
      (span) => {
        let result: Promise<void> | void;
        try {
          result = handler(payload, ctx);
        } catch (err) {
          failed(api, span, err);
          throw err;
        }
        if (!isThenable(result)) {
          span.end();
          return result;
        }
        return Promise.resolve(result).then(
          () => span.end(),
          (err: unknown) => {
            failed(api, span, err);
            throw err;
          },
        );
      },
    );
  };
}

function spanAttributes(task: TaskDefinition, ctx: TaskContext): OtelApi.Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.operation.type': 'process',
    'messaging.destination.name': ctx.topic,
    'messaging.destination.partition.id': String(ctx.partition),
    'messaging.kafka.offset': Number(ctx.offset),
    'messaging.message.id': ctx.taskId,
    'taskstream.task.type': task.name,
    'taskstream.task.attempt': ctx.attempt,
  };
}

function failed(api: typeof OtelApi, span: OtelApi.Span, err: unknown): void {
  const error = toError(err);
  span.recordException(error);
  span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
  span.end();
}
