import { LocalStack } from '../../ops/stack/LocalStack.js';
import { SINGLE_NODE, THREE_NODES, stackPaths } from '../../ops/stack/StackConfig.js';
import { services } from './services.js';

/** Fault tests stop and start processes, which only the local stack lets them do. */
export const ownsProcesses = (): boolean => services().source === 'local';

/** True only when the registry that answers is a process this checkout's stack started (a pid file of ours). */
export const ownsRegistry = (): boolean => ownsProcesses() && singleNodeStack().registry.process.isRunning();

export function singleNodeStack(): LocalStack {
  return new LocalStack(stackPaths(), SINGLE_NODE);
}

export function threeNodeStack(): LocalStack {
  return new LocalStack(stackPaths(), THREE_NODES);
}
