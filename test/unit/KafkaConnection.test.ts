import { describe, expect, it } from 'vitest';
import { createKafka } from '../../pipeline/kafka/KafkaConnection.js';
import { capturingLogger } from './support/capturingLogger.js';

describe('createKafka', () => {
  it("writes the client's log lines through the given logger, marked lib kafkajs, keeping its component once", () => {
    const lines: string[] = [];
    const logger = capturingLogger(lines).child({ component: 'worker' });
    const kafka = createKafka({ logger, brokers: ['127.0.0.1:1'] });
    kafka.logger().warn('broker went away', { broker: '127.0.0.1:1' });
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line.match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({
      component: 'worker',
      lib: 'kafkajs',
      broker: '127.0.0.1:1',
      msg: 'broker went away',
      level: 40,
    });
  });

  it('logs at debug level the leader and coordinator errors the client retries by itself, and other errors at error level', () => {
    const lines: string[] = [];
    const kafka = createKafka({ logger: capturingLogger(lines), brokers: ['127.0.0.1:1'] });
    const connection = kafka.logger().namespace('Connection');
    connection.error('Response Metadata(key: 3, version: 6)', {
      error: 'This server is not the leader for that topic-partition',
    });
    connection.error('Response Produce(key: 0, version: 7)', {
      error: 'The request included a message larger than the max message size the server will accept',
    });
    expect(lines.map((l) => (JSON.parse(l) as { level: number }).level)).toEqual([20, 50]);
  });

  it("logs at debug level kafkajs's warning about bounded retries of an idempotent producer, which taskstream bounds on purpose", () => {
    const lines: string[] = [];
    const kafka = createKafka({ logger: capturingLogger(lines), brokers: ['127.0.0.1:1'] });
    const producer = kafka.logger().namespace('Producer');
    producer.warn('Limiting retries for the idempotent producer may invalidate EoS guarantees');
    producer.warn('some other warning');
    expect(lines.map((l) => (JSON.parse(l) as { level: number }).level)).toEqual([20, 40]);
  });

  it('refuses a broker address that is not host:port, naming it', () => {
    const logger = capturingLogger([]);
    expect(() => createKafka({ logger, brokers: ['localhost'] })).toThrow('broker "localhost" is not host:port');
  });
});
