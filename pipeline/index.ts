/** taskstream's public API: what a user's first lines of code import. */
export { defineTask } from './task/defineTask.js';
export type { TaskDefinition, TaskOptions, RateLimitOptions, PayloadOf, InputOf } from './task/defineTask.js';
export type { AvroValue, AvroRecordSchema } from './task/AvroPayload.js';
export { TaskProducer } from './producer/TaskProducer.js';
export type { ProducerOptions, EnqueueOptions, Enqueued } from './producer/TaskProducer.js';
export * from './errors.js';
