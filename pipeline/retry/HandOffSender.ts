import type { RecordProducer, SendOutcome } from '../kafka/RecordProducer.js';
import type { OutgoingRecord } from '../kafka/records.js';
import { LingerBatcher } from '../producer/LingerBatcher.js';

/**
 * Sends hand-off copies (retry tiers, dead letters). A task counts as done for its source offset only once its
 * copy is acknowledged by all in-sync replicas, so a crash before that redelivers it from the source; a crash
 * after the copy but before the source commit leaves two copies, which the task id's dedupe mark makes
 * harmless (see docs/how-it-works.md: the hand-off gap).
 *
 * Copies of tasks failing at once share a request: the producer sends one request at a time, and a burst of
 * failures (a downstream outage) must not queue one round trip per task.
 */
export class HandOffSender {
  private readonly batcher: LingerBatcher<OutgoingRecord, SendOutcome>;

  constructor(producer: RecordProducer) {
    this.batcher = new LingerBatcher({ lingerMs: 0, maxBatch: 500 }, (copies) => producer.sendSettled(copies));
  }

  async send(copy: OutgoingRecord): Promise<void> {
    const outcome = await this.batcher.add(copy);
    if (!outcome.ok) throw outcome.error;
  }
}
