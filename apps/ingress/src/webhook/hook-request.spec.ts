import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  RequestAbortedError,
  UnsupportedMediaTypeError,
} from './hook-errors';
import { MAX_BODY_BYTES } from './hook-limits';
import { matchHookPath, readBody, requireJsonContentType } from './hook-request';

describe('matchHookPath', () => {
  it.each([
    ['/billwerk-hook', undefined],
    ['/billwerk-hook/', undefined],
    ['/billwerk-hook?probe=1', undefined],
    ['/billwerk-hook/abc', 'abc'],
    ['/billwerk-hook/abc/', 'abc'],
    ['/billwerk-hook/abc?x=1', 'abc'],
    ['/billwerk-hook/a%20b', 'a b'],
    ['/billwerk-hook/%E0%A4%A', '%E0%A4%A'],
  ])('%s is the hook URL with token %s', (url, token) => {
    expect(matchHookPath(url)).toEqual({ token });
  });

  it.each(['/billwerk-hooks', '/billwerk-hook/a/b', '/health/live', '/', '/x/billwerk-hook'])(
    '%s is not the hook URL',
    (url) => {
      expect(matchHookPath(url)).toBeUndefined();
    },
  );
});

describe('requireJsonContentType', () => {
  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    'application/json; charset=utf8',
  ])('accepts %s', (header) => {
    expect(() => requireJsonContentType(header)).not.toThrow();
  });

  it.each([
    undefined,
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/json-patch+json',
    'application/json; charset=iso-8859-1',
  ])('refuses %s, naming what it got', (header) => {
    expect(() => requireJsonContentType(header)).toThrow(new UnsupportedMediaTypeError(header));
  });
});

function request(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

describe('readBody', () => {
  it('joins the chunks, a character split across two of them included', async () => {
    const body = request();
    const read = readBody(body, 1000);
    const bytes = Buffer.from('{"Name":"Jürgen"}');
    body.write(bytes.subarray(0, 11));
    body.end(bytes.subarray(11));
    await expect(read).resolves.toBe('{"Name":"Jürgen"}');
  });

  it('refuses a declared length over the limit without waiting for the body', async () => {
    const body = request({ 'content-length': String(MAX_BODY_BYTES + 1) });
    await expect(readBody(body, 1000)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('refuses a streamed body once it passes the limit, whatever the headers said', async () => {
    const body = request();
    const read = readBody(body, 1000);
    body.write(Buffer.alloc(MAX_BODY_BYTES, 0x20));
    body.write(Buffer.from('x'));
    await expect(read).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('takes a body of exactly the limit', async () => {
    const body = request();
    const read = readBody(body, 1000);
    body.end(Buffer.alloc(MAX_BODY_BYTES, 0x20));
    await expect(read).resolves.toHaveLength(MAX_BODY_BYTES);
  });

  it('gives up on a body that has not fully arrived by the deadline', async () => {
    const body = request();
    const read = readBody(body, 50);
    body.write('{"Event":');
    await expect(read).rejects.toThrow(new BodyTimeoutError(50));
    await expect(read).rejects.toThrow('request body not received within 50 ms');
  });

  it('reports a client that went away as aborted', async () => {
    const body = request();
    const read = readBody(body, 1000);
    body.destroy(new Error('socket hang up'));
    await expect(read).rejects.toBeInstanceOf(RequestAbortedError);
  });
});
