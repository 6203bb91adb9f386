import { createServer, get, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { writeChunk } from './respond';

describe('writeChunk', () => {
  let server: Server;
  afterEach(() => new Promise<void>((done) => server.close(() => done())));

  it('streams through backpressure to a slow reader without piling up listeners on the response', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = 200;
    let maxListeners = 0;
    let waits = 0;
    server = createServer(async (_req, res: ServerResponse) => {
      const base = res.listenerCount('close') + res.listenerCount('drain');
      for (let i = 0; i < chunks; i++) {
        const wrote = writeChunk(res, chunk);
        maxListeners = Math.max(maxListeners, res.listenerCount('close') + res.listenerCount('drain') - base);
        if (res.writableNeedDrain) waits++;
        await wrote;
      }
      res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const received = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let n = 0;
        res.on('data', (b: Buffer) => {
          n += b.length;
          // A slow reader: the server's writes hit backpressure again and again.
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(received).toBe(chunk.length * chunks);
    expect(waits).toBeGreaterThan(10);
    // One drain and one close listener at most while waiting, none left behind.
    expect(maxListeners).toBeLessThanOrEqual(2);
  });
});
