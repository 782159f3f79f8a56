import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  activeTraceparent,
  openTelemetryLoaded,
  tracerProviderRegistered,
} from '../../pipeline/tracing/OpenTelemetry.js';
import { startInMemoryTracing } from '../support/inMemoryTracing.js';

describe('OpenTelemetry detection', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('sees no tracer provider and no trace context while no SDK is registered', async () => {
    await openTelemetryLoaded();
    expect(tracerProviderRegistered()).toBe(false);
    trace.getTracer('app').startActiveSpan('outer', (span) => {
      expect(activeTraceparent()).toBeUndefined();
      span.end();
    });
  });

  it("sees a registered SDK, and the active span's context as the traceparent", async () => {
    await openTelemetryLoaded();
    stop = startInMemoryTracing().stop;
    expect(tracerProviderRegistered()).toBe(true);
    trace.getTracer('app').startActiveSpan('outer', (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(activeTraceparent()).toBe(`00-${traceId}-${spanId}-01`);
      span.end();
    });
    expect(activeTraceparent()).toBeUndefined();
  });
});
