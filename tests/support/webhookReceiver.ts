import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT + path: a path like a Slack webhook's, token included. */
  url(path: string): string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free loopback port standing in for Slack/Teams. `answer` picks each
 * response's status (200 by default) and an optional delay before answering.
 */
export async function startWebhookReceiver(
  answer: (request: ReceivedRequest) => { status: number; delayMs?: number } = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const { status, delayMs = 0 } = answer(request);
      setTimeout(() => {
        // Like Express's 404 page: the body echoes the path, which a sender must not pass on.
        if (!res.destroyed)
          res
            .writeHead(status, { 'content-type': 'text/plain' })
            .end(status < 300 ? 'ok' : `Cannot POST ${request.path}`);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
