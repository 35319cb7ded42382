import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of one or more servers, round-robin by
 * connection. `hangUp()` ends every open connection as a client hanging up
 * would (FIN to the server, the client's side destroyed), so a test can drop
 * streams without touching the server. With `delayMs`, what the servers send
 * reaches the client that much later, in order (a slow network).
 */
export async function startProxy(targets: () => number[], delayMs = 0) {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; hungUp: boolean }>();
  let next = 0;
  const server = net.createServer((client) => {
    const ports = targets();
    const port = ports[next++ % ports.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    const pair = { client, upstream, hungUp: false };
    pairs.add(pair);
    client.pipe(upstream);
    if (delayMs > 0) upstream.on('data', (chunk: Buffer) => void setTimeout(() => client.writable && client.write(chunk), delayMs));
    else upstream.pipe(client);
    const drop = () => {
      if (pair.hungUp) return;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return pairs.size;
    },
    hangUp() {
      for (const pair of [...pairs]) {
        pairs.delete(pair);
        pair.hungUp = true;
        pair.client.unpipe(pair.upstream);
        pair.upstream.unpipe(pair.client);
        pair.client.destroy();
        // a clean FIN to the server, whatever it still sends read and dropped, until it closes its side
        pair.upstream.resume();
        pair.upstream.end();
        pair.upstream.on('close', () => pair.upstream.destroy());
      }
    },
    close: () => new Promise<void>((resolve) => {
      for (const { client, upstream } of pairs) client.destroy(), upstream.destroy();
      server.close(() => resolve());
    }),
  };
}
