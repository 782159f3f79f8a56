// Guarantee: a config file's kafka and registry sections are checked when the config loads, each mistake named with the file and the field.
import { describe, expect, it } from 'vitest';
import { checkKafkaSection, checkRegistrySection } from '../../ops/cli/config/checkConnections.js';

const file = '/app/taskstream.config.ts';

describe("a config's kafka section", () => {
  it('is returned as given when it is valid', () => {
    const kafka = {
      brokers: ['b1:9094'],
      ssl: true,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
    };
    expect(checkKafkaSection({ kafka }, file)).toEqual(kafka);
  });

  it('is empty when the config has none, so the environment applies', () => {
    expect(checkKafkaSection({}, file)).toEqual({});
  });

  it('fails naming the file and the field of a mistake', () => {
    const kafka = { sasl: { mechanism: 'SCRAM-SHA-1', username: 'u', password: 'p' } };
    expect(() => checkKafkaSection({ kafka }, file)).toThrow(
      `config file ${file}: kafka.sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got "SCRAM-SHA-1"`,
    );
  });

  it('refuses a field it does not know, such as a password put beside the sasl block', () => {
    expect(() => checkKafkaSection({ kafka: { password: 'p' } }, file)).toThrow(
      `config file ${file}: kafka.password is not an option (known: brokers, ssl, sasl)`,
    );
  });
});

describe("a config's registry section", () => {
  it('fails naming the file for basic auth without a password', () => {
    expect(() => checkRegistrySection({ registry: { auth: { username: 'u' } } }, file)).toThrow(
      `config file ${file}: registry: registry auth needs a username and a password`,
    );
  });
});
