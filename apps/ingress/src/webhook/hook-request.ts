import type { IncomingMessage } from 'node:http';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  RequestAbortedError,
  UnsupportedMediaTypeError,
} from './hook-errors';
import { MAX_BODY_BYTES } from './hook-limits';

/** `/billwerk-hook`, `/billwerk-hook/<token>`, with or without a trailing slash or query. */
const HOOK_PATH = /^\/billwerk-hook(?:\/([^/?]*))?\/?(?:\?.*)?$/;

export interface HookPath {
  /** The path token, URL-decoded; undefined when the URL carries none. */
  token: string | undefined;
}

/** Whether a request URL is the hook URL, and the token in it. */
export function matchHookPath(url: string | undefined): HookPath | undefined {
  const match = url === undefined ? null : HOOK_PATH.exec(url);
  if (match === null) return undefined;
  const raw = match[1];
  if (raw === undefined || raw === '') return { token: undefined };
  try {
    return { token: decodeURIComponent(raw) };
  } catch {
    // Not valid percent-encoding: a token that cannot match any configured one.
    return { token: raw };
  }
}

/** JSON, and UTF-8 if a charset is named: billwerk sends nothing else. */
export function requireJsonContentType(header: string | undefined): void {
  if (header === undefined) throw new UnsupportedMediaTypeError(header);
  const [type, ...parameters] = header.split(';');
  if (type.trim().toLowerCase() !== 'application/json') {
    throw new UnsupportedMediaTypeError(header);
  }
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaTypeError(header);
  }
}

/**
 * The whole body as text, refused past MAX_BODY_BYTES whether or not Content-Length said so, and
 * past `timeoutMs` (BodyTimeoutError) however slowly it trickles in.
 */
export function readBody(request: IncomingMessage, timeoutMs: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error): void => {
      clearTimeout(deadline);
      request.off('data', onData);
      chunks.length = 0;
      reject(error);
    };
    const deadline = setTimeout(() => stop(new BodyTimeoutError(timeoutMs)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        stop(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => {
      clearTimeout(deadline);
      resolve(
        chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
      );
    });
    request.once('error', (error) => stop(new RequestAbortedError(error)));
  });
}
