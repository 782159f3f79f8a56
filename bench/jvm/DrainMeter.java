import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * What a JVM drain measures, as bench/runtime/DrainResult.ts has it: the time and this process's CPU time (every
 * thread: the JVM's own included, as Node's process.cpuUsage() counts them) from start() to the drain's end, and
 * the peak resident set size, sampled from /proc/self/status every 100 ms.
 */
final class DrainMeter {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private volatile long peakRssKb = rssKb();
  private volatile boolean sampling = true;
  private long startNanos;
  private long startCpuNanos;
  private boolean started;

  DrainMeter() {
    Thread sampler =
        new Thread(
            () -> {
              while (sampling) {
                peakRssKb = Math.max(peakRssKb, rssKb());
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts the clock; only the first call counts. */
  synchronized void start() {
    if (started) return;
    started = true;
    startNanos = System.nanoTime();
    startCpuNanos = os.getProcessCpuTime();
  }

  /** Milliseconds from start() to a System.nanoTime() reading. */
  synchronized double msSinceStart(long nanos) {
    return (nanos - startNanos) / 1e6;
  }

  synchronized boolean isStarted() {
    return started;
  }

  /** The JSON line of a drain of `tasks` in `elapsedMs`; the CPU time counts from start() to now. */
  synchronized String result(long tasks, double elapsedMs) {
    double cpuUs = (os.getProcessCpuTime() - startCpuNanos) / 1e3;
    sampling = false;
    long peakMb = Math.round(Math.max(peakRssKb, rssKb()) / 1024.0);
    return String.format(
        Locale.ROOT,
        "{\"tasks\":%d,\"ms\":%.3f,\"perSec\":%.3f,\"cpuUsPerTask\":%.4f,\"maxRssMb\":%d}",
        tasks,
        elapsedMs,
        tasks / elapsedMs * 1000,
        cpuUs / tasks,
        peakMb);
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (Exception e) {
      // no /proc: the peak stays 0
    }
    return 0;
  }
}
