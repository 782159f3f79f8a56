// Guarantee: a second local stack can run beside the default one on ports moved by an offset, and a failed Kafka tool of the stack reports what it said, never its command line (which carries the SCRAM password).
import { describe, expect, it } from 'vitest';
import { toolOutputTail } from '../../ops/stack/KafkaNode.js';
import { portOffset } from '../../ops/stack/StackConfig.js';

describe('portOffset', () => {
  it('is 0 unless TASKSTREAM_STACK_PORT_OFFSET says otherwise', () => {
    expect(portOffset({})).toBe(0);
    expect(portOffset({ TASKSTREAM_STACK_PORT_OFFSET: '10000' })).toBe(10_000);
  });

  it('refuses an offset that is not a whole number from 0 to 50000', () => {
    expect(() => portOffset({ TASKSTREAM_STACK_PORT_OFFSET: '70000' })).toThrow(
      'TASKSTREAM_STACK_PORT_OFFSET must be an integer from 0 to 50000, got "70000"',
    );
  });
});

describe('toolOutputTail', () => {
  it('keeps the message and "Caused by" lines of a Java failure and leaves out its stack frames and command', () => {
    const failure = Object.assign(new Error('Command failed: java … --add-scram SCRAM-SHA-256=[name=u,password=pw]'), {
      code: 1,
      stdout: '',
      stderr:
        'Exception in thread "main" java.lang.RuntimeException: alter failed\n\tat kafka.admin.ConfigCommand$.main(ConfigCommand.scala:87)\n\t... 3 more\nCaused by: org.apache.kafka.common.errors.DuplicateResourceException: twice\n',
    });
    const said = toolOutputTail(failure);
    expect(said).toBe(
      'Exception in thread "main" java.lang.RuntimeException: alter failed | Caused by: org.apache.kafka.common.errors.DuplicateResourceException: twice',
    );
    expect(said).not.toContain('pw');
  });
});
