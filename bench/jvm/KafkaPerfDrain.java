import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.tools.ConsumerPerformance;

/**
 * Kafka's own consumer perf tool (org.apache.kafka.tools.ConsumerPerformance), run in this process so that its CPU
 * time and RSS can be measured as DrainMeter does for the other drains: the transport ceiling (no decode, no
 * handler, one consumer thread). It reads the topic from the beginning in a fresh group until `count` records.
 * The time and task count are the tool's own: fetch.time.ms (its run less the time spent joining the group, so
 * timed from the assignment like the others) and data.consumed.in.nMsg. The CPU time is counted from the first
 * assignment, seen by polling the consumer's assigned-partitions metric, to the tool's end (its close included).
 * Prints one DrainResult JSON line. Args: <bootstrap> <topic> <count>.
 */
public final class KafkaPerfDrain {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    String count = args[2];
    DrainMeter meter = new DrainMeter();
    Thread watcher = new Thread(() -> startOnAssignment(meter), "assignment-watcher");
    watcher.setDaemon(true);
    watcher.start();

    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ConsumerPerformance.main(
          new String[] {
            "--bootstrap-server", bootstrap,
            "--topic", topic,
            "--messages", count,
            "--group", "bench-kafka-perf-" + System.currentTimeMillis(),
            "--hide-header",
          });
    } finally {
      System.setOut(stdout);
    }
    String output = captured.toString(StandardCharsets.UTF_8).trim();
    String[] lines = output.split("\n");
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
    // fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    String[] fields = lines[lines.length - 1].split(",\\s*");
    if (fields.length < 10 || !meter.isStarted()) {
      System.err.println("KafkaPerfDrain: unexpected output of ConsumerPerformance:\n" + output);
      System.exit(1);
    }
    long tasks = Long.parseLong(fields[4].trim());
    double fetchMs = Double.parseDouble(fields[7].trim());
    System.out.println(meter.result(tasks, fetchMs));
    System.out.flush();
    System.exit(0);
  }

  /** Starts the meter once the perf tool's consumer has partitions (its coordinator's assigned-partitions > 0). */
  private static void startOnAssignment(DrainMeter meter) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      ObjectName pattern = new ObjectName("kafka.consumer:type=consumer-coordinator-metrics,*");
      while (true) {
        Set<ObjectName> names = server.queryNames(pattern, null);
        for (ObjectName name : names) {
          if (assignedPartitions(server, name) > 0) {
            meter.start();
            return;
          }
        }
        Thread.sleep(2);
      }
    } catch (Exception e) {
      System.err.println("KafkaPerfDrain: cannot watch the assignment: " + e);
    }
  }

  /** The metric, or 0 while it is not registered yet (the group's MBean comes before it). */
  private static double assignedPartitions(MBeanServer server, ObjectName name) {
    try {
      Object value = server.getAttribute(name, "assigned-partitions");
      return value instanceof Number ? ((Number) value).doubleValue() : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
