import type { RecordProducer } from '../kafka/RecordProducer.js';
import type { OutgoingRecord } from '../kafka/records.js';

/**
 * Sends hand-off copies (retry tiers, dead letters). A task counts as done for its source offset only once its
 * copy is acknowledged by all in-sync replicas, so a crash before that redelivers it from the source; a crash
 * after the copy but before the source commit leaves two copies, which the task id's dedupe mark makes
 * harmless (see README: the hand-off gap).
 */
export class HandOffSender {
  constructor(private readonly producer: RecordProducer) {}

  async send(copy: OutgoingRecord): Promise<void> {
    await this.producer.send([copy]);
  }
}
