import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (and nothing listens on it now). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
