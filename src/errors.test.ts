// SPDX-License-Identifier: MIT
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  DecodeError,
  ERROR_CODES,
  EngineError,
  NamespaceError,
  NetlinkError,
  ProcfsError,
  ProjectError,
  errorCode,
  errorErrno,
  errorMessage,
} from './errors.js';

describe('error registry', () => {
  it('has key === code for every entry and only GW_ERR_ codes', () => {
    for (const [key, info] of Object.entries(ERROR_CODES)) {
      expect(info.code).toBe(key);
      expect(key).toMatch(/^GW_ERR_[A-Z0-9]+(_[A-Z0-9]+)+$/);
      expect(info.description.length).toBeGreaterThan(10);
    }
  });

  it('matches docs/errors.md one anchor per code, no more, no less', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^## (GW_ERR_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});

describe('error classes', () => {
  it('carry name, code, structured details and cause', () => {
    const cause = Object.assign(new Error('setns: Operation not permitted'), {
      code: 'EPERM',
      errno: 1,
    });
    const cases: ProjectError[] = [
      new NamespaceError('GW_ERR_NS_SETNS_FAILED', 'cannot enter', {
        op: 'setns',
        ref: '/run/netns/x',
        cause,
      }),
      new NetlinkError('GW_ERR_NETLINK_ERROR', 'bad', {
        errno: 22,
        family: 'rtnetlink',
        msgType: 18,
        extack: 'x',
      }),
      new DecodeError('GW_ERR_NETLINK_TRUNCATED', 'short', {
        family: 'rtnetlink',
        offset: 12,
        attrType: 3,
      }),
      new ProcfsError('GW_ERR_PROCFS_READ', 'gone', { path: '/proc/1/stat' }),
      new EngineError('GW_ERR_DISCOVERY_PHASE', 'down', {
        engine: 'docker',
        endpoint: 'unix:///x',
        status: 500,
      }),
      new ApiError('GW_ERR_API_INVALID', 'dangling', { statusCode: 500 }),
    ];
    const names = cases.map((e) => e.name);
    expect(names).toEqual([
      'NamespaceError',
      'NetlinkError',
      'DecodeError',
      'ProcfsError',
      'EngineError',
      'ApiError',
    ]);
    for (const e of cases) {
      expect(e).toBeInstanceOf(ProjectError);
      expect(e).toBeInstanceOf(Error);
      expect(Object.keys(e.details).length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: e.code, message: e.message });
    }
    expect(cases[0]?.cause).toBe(cause);
    expect(errorCode(cases[0]?.cause)).toBe('EPERM');
  });

  it('helpers work on any thrown value', () => {
    expect(errorMessage('x')).toBe('x');
    expect(errorMessage({ a: 1 })).toBe('{"a":1}');
    expect(errorCode(42)).toBeUndefined();
    expect(errorErrno(Object.assign(new Error('e'), { errno: 13 }))).toBe(13);
    expect(errorErrno(null)).toBeUndefined();
  });
});
