/** The JSON line a drain script (workerDrain.ts, bareConsumer.ts, bullmqDrain.ts) prints when it is done. */
export interface DrainResult {
  readonly tasks: number;
  readonly ms: number;
  readonly perSec: number;
  readonly cpuUsPerTask: number;
  readonly maxRssMb: number;
  /** The worker's most tasks held at once (workerDrain.ts only). */
  readonly peakHeld?: number;
}
