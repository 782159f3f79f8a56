/** taskstream's public API: what a user's first lines of code import. */
export { defineTask } from './task/defineTask.js';
export type { TaskDefinition, TaskOptions, RateLimitOptions, PayloadOf, InputOf } from './task/defineTask.js';
export type { AvroValue, AvroRecordSchema } from './task/AvroPayload.js';
export { TaskProducer } from './producer/TaskProducer.js';
export type { ProducerOptions, EnqueueOptions, EnqueueManyOptions, Enqueued } from './producer/TaskProducer.js';
export type { DelayOptions } from './delay/taskTime.js';
export { DelayTooLongError } from './delay/DelayTooLongError.js';
export { MAX_DELAY_MS } from './delay/DelayLadder.js';
export type { CancelOutcome } from './cancel/cancelTask.js';
export { EnqueueManyError } from './producer/EnqueueManyError.js';
export type { EnqueueResult } from './producer/EnqueueManyError.js';
export * from './errors.js';
export { Worker } from './runtime/Worker.js';
export type { WorkerStats } from './runtime/Worker.js';
export type { WorkerOptions } from './runtime/WorkerOptions.js';
export type { RunningTask, TaskProgress } from './runtime/RunningTask.js';
export type { WorkerEvents, TaskEventBase } from './runtime/WorkerEvents.js';
export { handle } from './runtime/TaskContext.js';
export type { TaskContext, TaskHandler, HandlerBinding, HandlerOptions } from './runtime/TaskContext.js';
export { threadPool } from './threads/ThreadPoolSpec.js';
export type {
  ThreadFunction,
  ThreadInput,
  ThreadOutput,
  ThreadPoolOptions,
  ThreadPoolSpec,
} from './threads/ThreadPoolSpec.js';
export type { ThreadRunner, ThreadedHandler } from './threads/ThreadRunner.js';
export type { RetryOptions, LockOnBusy } from './retry/RetryPolicy.js';
export { shutdownOnSignals } from './runtime/shutdownOnSignals.js';
export { rootLogger, createLogger, REDACT_PATHS } from './logging/logger.js';
export { maskUrl } from './security/maskUrl.js';
export type { KafkaSecurity, KafkaSasl, KafkaTls, SaslMechanism } from './kafka/KafkaSecurity.js';
export type { KafkaOptions } from './kafka/kafkaFromEnv.js';
export type { RegistryAccess, RegistryAuth } from './codec/RegistryEndpoint.js';
export * from './schedule/index.js';
export type { Logger } from './logging/logger.js';
