import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Drains a topic with Confluent Parallel Consumer in KEY order (a no-op handler, values not decoded) from the
 * beginning, in a fresh group, until `count` records were handled; timed from the first assignment to the last
 * record. Prints one DrainResult JSON line. Args: <bootstrap> <topic> <count> <maxConcurrency>.
 */
public final class ParallelConsumerDrain {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    long count = Long.parseLong(args[2]);
    int maxConcurrency = Integer.parseInt(args[3]);
    DrainMeter meter = new DrainMeter();

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-parallel-consumer-" + System.currentTimeMillis());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-parallel-consumer");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // Parallel Consumer commits itself
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

    ParallelConsumerOptions<byte[], byte[]> options =
        ParallelConsumerOptions.<byte[], byte[]>builder()
            .consumer(new KafkaConsumer<>(props))
            .ordering(ProcessingOrder.KEY)
            .maxConcurrency(maxConcurrency)
            .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
            .build();
    ParallelStreamProcessor<byte[], byte[]> pc = ParallelStreamProcessor.createEosStreamProcessor(options);

    AtomicLong seen = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    // When the count was reached, and the records handled by then (handlers running at that moment may add a few).
    long[] end = new long[2];
    pc.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            meter.start();
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
        });
    pc.poll(
        context -> {
          // The no-op handler: count the record, nothing else.
          long now = seen.addAndGet(context.size());
          if (now >= count) {
            synchronized (end) {
              if (done.getCount() == 0) return;
              end[0] = System.nanoTime();
              end[1] = now;
              done.countDown();
            }
          }
        });
    awaitDrain(done, seen);
    // The result first: a close that hangs is then killed by the bench (childRun) instead of hanging it.
    System.out.println(meter.result(end[1], meter.msSinceStart(end[0])));
    System.out.flush();
    pc.closeDontDrainFirst();
    System.exit(0);
  }

  /** Waits for the drain; gives up when no record came for a minute (a topic with fewer records than asked). */
  private static void awaitDrain(CountDownLatch done, AtomicLong seen) throws InterruptedException {
    long last = -1;
    long lastChange = System.nanoTime();
    while (!done.await(1, TimeUnit.SECONDS)) {
      long now = seen.get();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > 60_000_000_000L) {
        System.err.println("ParallelConsumerDrain: no record for 60 s after " + now + " records; giving up");
        System.exit(1);
      }
    }
  }
}
