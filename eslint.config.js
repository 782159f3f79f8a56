// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// kafkajs stays behind pipeline/kafka so the client can be swapped (or its quirks fixed) in one place.
const kafkajsOnlyInPipelineKafka = {
  name: 'kafkajs',
  message: 'Use the wrappers in pipeline/kafka/; only files there may import kafkajs.',
};

// The pipeline is the library core; consumers and ops build on it, never the other way round.
const pipelineStaysBelowConsumersAndOps = [
  {
    group: ['**/consumers', '**/consumers/**', '**/ops', '**/ops/**'],
    message: 'pipeline/ must not depend on consumers/ or ops/; move the shared code into pipeline/.',
  },
];

export default defineConfig(
  globalIgnores(['**/node_modules/', '.stack/', 'dist/', 'coverage/', 'bench/out/']),
  js.configs.recommended,
  // Not the type-checked preset: linting stays fast, and `npm run typecheck` covers the types.
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [kafkajsOnlyInPipelineKafka] }],
    },
  },
  // A later block replaces the rule's options instead of merging them, so each block lists every restriction it keeps.
  {
    files: ['pipeline/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [kafkajsOnlyInPipelineKafka], patterns: pipelineStaysBelowConsumersAndOps },
      ],
    },
  },
  // Tests observe the wire with a plain client of their own; benchmarks compare against bare kafkajs.
  {
    files: ['test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['pipeline/kafka/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: pipelineStaysBelowConsumersAndOps }],
    },
  },
);
