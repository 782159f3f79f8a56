import path from 'node:path';
import type { ReportRequest } from './ReportDefinition.js';

export interface ReportFiles {
  /** `<report>/<customer>/<period>-<requestedAt>`: names the report, its checkpoint and its lock. */
  readonly key: string;
  /** Where the finished report is: appears, whole, when it is done. */
  readonly final: string;
  /** Where it is written until then. */
  readonly partial: string;
}

/**
 * The files of one report: `<dir>/<report>/<customerId>/<period>-<requestedAt>.csv.gz`. A payload's strings
 * become file names, so every character but `A-Z a-z 0-9 - _` is written `=XX` (a customer "../etc" stays a
 * folder inside `dir`), and two different payloads never share a file.
 */
export function reportFiles(dir: string, request: ReportRequest): ReportFiles {
  const key = [
    safeName(request.report),
    safeName(request.customerId),
    `${request.period}-${Math.trunc(request.requestedAt)}`,
  ].join('/');
  const final = path.join(dir, ...key.split('/')) + '.csv.gz';
  return { key, final, partial: `${final}.partial` };
}

function safeName(text: string): string {
  if (text === '') return '=';
  return Buffer.from(text, 'utf8').reduce(
    (out, byte) => out + (SAFE.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `=${hex(byte)}`),
    '',
  );
}

const SAFE = /^[A-Za-z0-9_-]$/;
const hex = (byte: number): string => byte.toString(16).toUpperCase().padStart(2, '0');
