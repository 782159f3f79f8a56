import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { howToStartPostgres } from '../../ops/stack/postgresHint.js';

describe('how to start PostgreSQL', () => {
  it("names the cluster command for the newest version Debian's cluster tools have", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-clusters-'));
    fs.mkdirSync(path.join(dir, '15'));
    fs.mkdirSync(path.join(dir, '16'));
    try {
      expect(howToStartPostgres(dir)).toBe(
        'start it with `pg_ctlcluster 16 main start`, or set DATABASE_URL (only generate-report needs it)',
      );
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('names the Docker service on a machine without cluster tools', () => {
    expect(howToStartPostgres(path.join(os.tmpdir(), 'no-such-folder'))).toBe(
      'start it with your PostgreSQL service, or `docker compose up -d postgres`, or set DATABASE_URL (only generate-report needs it)',
    );
  });
});
