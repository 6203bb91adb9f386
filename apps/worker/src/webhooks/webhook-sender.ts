import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookBody, TIMESTAMP_HEADER } from '@kplane/control';
import { CLOUD_EVENT_CONTENT_TYPE } from '@kplane/control';

export interface SendResult {
  statusCode: number | null;
  error: string | null;
  ok: boolean;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  /** Trusted in addition to the system roots (KPLANE_WEBHOOK_CA_FILE). TLS is always verified. */
  extraCaPem: string | null;
}

const MAX_ERROR_LENGTH = 500;

/** POSTs one signed CloudEvent over HTTPS; never throws (the outcome is the result). */
export class WebhookSender {
  private readonly ca: string[] | undefined;

  constructor(private readonly options: WebhookSenderOptions) {
    this.ca = options.extraCaPem ? [...rootCertificates, options.extraCaPem] : undefined;
  }

  send(url: string, secret: string, body: string, ids: { eventId: string; deliveryId: string }, now: Date = new Date()): Promise<SendResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: SendResult) => {
        if (!settled) {
          settled = true;
          resolve(r);
        }
      };
      let target: URL;
      try {
        target = new URL(url);
        if (target.protocol !== 'https:') return done({ statusCode: null, error: 'url is not https', ok: false });
      } catch {
        return done({ statusCode: null, error: 'url is not a URL', ok: false });
      }
      const req = request(
        target,
        {
          method: 'POST',
          // One connection per delivery: receivers are many and rarely called twice in a row.
          agent: false,
          ...(this.ca ? { ca: this.ca } : {}),
          timeout: this.options.timeoutMs,
          headers: {
            'content-type': CLOUD_EVENT_CONTENT_TYPE,
            'content-length': Buffer.byteLength(body),
            'user-agent': 'kplane-webhooks/1',
            [SIGNATURE_HEADER]: signWebhookBody(secret, body),
            [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
            [EVENT_ID_HEADER]: ids.eventId,
            [DELIVERY_ID_HEADER]: ids.deliveryId,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let snippet = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (snippet.length < 200) snippet += chunk.slice(0, 200 - snippet.length);
          });
          res.on('end', () => {
            const ok = status >= 200 && status < 300;
            done({ statusCode: status, ok, error: ok ? null : `receiver answered ${status}${snippet ? `: ${snippet}` : ''}`.slice(0, MAX_ERROR_LENGTH) });
          });
          res.on('error', (err) => done({ statusCode: status, ok: false, error: err.message.slice(0, MAX_ERROR_LENGTH) }));
        },
      );
      // A hard deadline for the whole exchange (the socket timeout only covers idle time).
      const deadline = setTimeout(() => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)));
      req.on('error', (err) => done({ statusCode: null, ok: false, error: err.message.slice(0, MAX_ERROR_LENGTH) }));
      req.on('close', () => clearTimeout(deadline));
      req.end(body);
    });
  }
}
