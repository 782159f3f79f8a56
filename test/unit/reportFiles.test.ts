import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFiles } from '../../consumers/report/reportFiles.js';

const request = {
  report: 'customer-orders',
  customerId: 'acme',
  period: 'DAY' as const,
  requestedAt: 1_700_000_000_000,
};

describe('report files', () => {
  it('names a report by report, customer, period and request time, with a partial file beside it', () => {
    expect(reportFiles('/srv/reports', request)).toEqual({
      key: 'customer-orders/acme/DAY-1700000000000',
      final: '/srv/reports/customer-orders/acme/DAY-1700000000000.csv.gz',
      partial: '/srv/reports/customer-orders/acme/DAY-1700000000000.csv.gz.partial',
    });
  });

  it('keeps a customer id that looks like a path inside the reports folder', () => {
    const files = reportFiles('/srv/reports', { ...request, customerId: '../../etc/passwd' });
    expect(files.key).toBe('customer-orders/=2E=2E=2F=2E=2E=2Fetc=2Fpasswd/DAY-1700000000000');
    expect(path.relative('/srv/reports', files.final).startsWith('..')).toBe(false);
  });

  it('gives different ids different files, whatever their characters', () => {
    const names = ['a b', 'a_b', 'a=20b', 'ä', '', '.'].map(
      (customerId) => reportFiles('/r', { ...request, customerId }).key,
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
