import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyMailError, MailConnectionError } from '../common/net/mail-connection-error';
import type { MailConnectOptions } from '../common/net/mail-connect-options';
import { checkOutboundHost } from '../common/net/outbound-policy';

/** A token or discovery answer is a few kilobytes; anything much larger is not one. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type Fetch = (url: string | URL | Request, init?: RequestInit) => Promise<Response>;

async function bodyOf(init: RequestInit | undefined): Promise<Buffer | undefined> {
  if (init?.body === undefined || init.body === null) return undefined;
  return Buffer.from(await new Response(init.body).arrayBuffer());
}

function readAll(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        response.destroy(new MailConnectionError('protocol', 'The OAuth server sent an oversized answer'));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

/**
 * The `fetch` openid-client uses for discovery, token and revocation requests: each host goes through the
 * same outbound policy as mail servers (the address checked is the address connected to, so a second DNS
 * answer cannot swap in an internal one), plain http only where the policy allows private hosts, no
 * redirects followed, and the whole exchange bounded by the mail connect timeout. Failures come out as
 * MailConnectionError, classified like a mail connection's.
 */
export function policyFetch(options: MailConnectOptions): Fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.policy.allowPrivate)) {
      throw new MailConnectionError('blocked', `${url.host}: OAuth endpoints must use https`);
    }
    const target = await checkOutboundHost(url.hostname, options.policy);
    const lookup: LookupFunction = (_host, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const body = await bodyOf(init);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(url, { method: init?.method ?? 'GET', headers, lookup, servername: target.host });
      const timer = setTimeout(() => {
        req.destroy(new MailConnectionError('timeout', `${url.host} did not answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        reject(classifyMailError(error, 'connect'));
      };
      init?.signal?.addEventListener('abort', () => {
        req.destroy(new MailConnectionError('timeout', `The request to ${url.host} was abandoned after a timeout`));
      });
      req.on('error', fail);
      req.on('response', (response) => {
        readAll(response).then((bytes) => {
          clearTimeout(timer);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              responseHeaders.append(name, item);
            }
          }
          const status = response.statusCode ?? 502;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : bytes, { status, headers: responseHeaders }));
        }, fail);
      });
      req.end(body);
    });
  };
}
