import type { Response } from 'superagent';

/** A supertest parser that keeps the response body as bytes, whatever its type. */
export function collectBytes(response: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}
