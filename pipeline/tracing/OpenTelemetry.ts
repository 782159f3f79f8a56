import type * as OtelApi from '@opentelemetry/api';

/**
 * The OpenTelemetry API, when the application has it (an optional peer dependency; prom-client brings it
 * too). Loaded once, on import, so the hot paths read a variable instead of awaiting a module: taskstream
 * works the same without it.
 */
let api: typeof OtelApi | null | undefined;
const loading: Promise<void> = import('@opentelemetry/api').then(
  (m) => void (api = m),
  () => void (api = null),
);

/** Resolves once the lookup above is settled; the producer and the worker await it before their first use. */
export function openTelemetryLoaded(): Promise<void> {
  return loading;
}

export function openTelemetryApi(): typeof OtelApi | undefined {
  return api ?? undefined;
}

/**
 * The W3C traceparent of the caller's active span, for a task enqueued inside one; undefined without the API,
 * without a registered SDK (the API's propagator is then a no-op) or outside a span.
 */
export function activeTraceparent(): string | undefined {
  if (!api) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Whether an SDK registered a tracer provider. Without one every span is a no-op, so the worker does not wrap
 * its handlers at all: a no-op span per task still costs a context switch and an object on a path that runs
 * hundreds of thousands of times a second.
 */
export function tracerProviderRegistered(): boolean {
  if (!api) return false;
  // Until an SDK registers a provider, the global one hands out ProxyTracers that delegate to a no-op.
  return !(api.trace.getTracer('taskstream') instanceof api.ProxyTracer);
}
