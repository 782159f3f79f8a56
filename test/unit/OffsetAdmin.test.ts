import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { clusterOf } from '../../pipeline/kafka/OffsetAdmin.js';

// OffsetAdmin commits through kafkajs's internal cluster factory (kafkajs has no public coordinator request).
// If a kafkajs upgrade moves it, this fails before any reset does.
describe('clusterOf', () => {
  it("reaches kafkajs's cluster factory and gets a cluster that can find a group coordinator", () => {
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });
    const cluster = clusterOf(kafka);
    expect(typeof cluster.connect).toBe('function');
    expect(typeof cluster.refreshMetadata).toBe('function');
    expect(typeof cluster.findGroupCoordinator).toBe('function');
    expect(typeof cluster.disconnect).toBe('function');
  });
});
