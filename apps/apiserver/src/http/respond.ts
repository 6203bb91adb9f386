import type { ServerResponse } from 'node:http';
import { KubeStatusError } from '@kplane/kube';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': payload.length, 'Cache-Control': 'no-cache, private' });
  res.end(payload);
}

/**
 * Writes a chunk of a streamed answer; under backpressure, resolves once the socket drains or
 * closes. Each wait removes both of its listeners, so a long stream does not pile them up.
 */
export function writeChunk(res: ServerResponse, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise<void>((done) => {
    const settle = () => {
      res.off('drain', settle).off('close', settle);
      done();
    };
    res.once('drain', settle).once('close', settle);
  });
}

export function sendStatus(res: ServerResponse, err: KubeStatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // An error answered before the request body was read: close the connection afterwards, so the
  // unread bytes are never parsed as another request.
  if (res.req && !res.req.complete) {
    res.setHeader('Connection', 'close');
    markClosing(res);
  }
  const retry = err.status.details?.retryAfterSeconds;
  if (retry !== undefined) res.setHeader('Retry-After', String(retry));
  sendJson(res, err.status.code, err.status);
}

const AUDIT_NAME = Symbol('kplane.auditName');

/** Lets a handler tell the audit log which object a write touched (creates name it in the body). */
export function noteAuditName(res: ServerResponse, name: string): void {
  (res as unknown as Record<symbol, string>)[AUDIT_NAME] = name;
}

export function auditNameOf(res: ServerResponse): string | undefined {
  return (res as unknown as Record<symbol, string | undefined>)[AUDIT_NAME];
}

const CLOSING = Symbol('kplane.closing');

/** The socket will close after this response: leftover request bytes must not get an answer. */
function markClosing(res: ServerResponse): void {
  if (res.socket) (res.socket as unknown as Record<symbol, boolean>)[CLOSING] = true;
}

export function isClosing(socket: object): boolean {
  return (socket as Record<symbol, boolean>)[CLOSING] === true;
}
