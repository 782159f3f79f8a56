// Guarantee: an address printed anywhere shows its user and host but never its password.
import { describe, expect, it } from 'vitest';
import { maskUrl } from '../../../pipeline/security/maskUrl.js';

describe('maskUrl', () => {
  it('masks the password of a Redis URL without a user', () => {
    expect(maskUrl('redis://:s3cret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
  });

  it('keeps the user and masks the password of an http URL', () => {
    expect(maskUrl('http://svc:s3cret@registry:8081/apis/ccompat/v7')).toBe(
      'http://svc:***@registry:8081/apis/ccompat/v7',
    );
  });

  it('masks a password that holds an unencoded @ up to the host', () => {
    expect(maskUrl('rediss://user:p@ss@cache:6380')).toBe('rediss://user:***@cache:6380');
  });

  it('masks every URL inside a message and leaves the rest of the text alone', () => {
    expect(maskUrl('Redis does not answer at redis://a:x@h1:1 or redis://b:y@h2:2; retrying')).toBe(
      'Redis does not answer at redis://a:***@h1:1 or redis://b:***@h2:2; retrying',
    );
  });

  it('masks a password or token given as a query parameter', () => {
    expect(maskUrl('redis://cache:6379?password=s3cret&db=1')).toBe('redis://cache:6379?password=***&db=1');
    expect(maskUrl('https://registry/x?access_token=t0ken')).toBe('https://registry/x?access_token=***');
  });

  it('returns an address without credentials as it is', () => {
    expect(maskUrl('http://127.0.0.1:8081')).toBe('http://127.0.0.1:8081');
    expect(maskUrl('redis://user@cache:6379')).toBe('redis://user@cache:6379');
    expect(maskUrl('127.0.0.1:9092,127.0.0.1:9093')).toBe('127.0.0.1:9092,127.0.0.1:9093');
  });
});
