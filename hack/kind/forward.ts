// A TCP forwarder: listens on `bind`:`port` and pipes every connection to
// 127.0.0.1:`target`. The test Git server listens on loopback only; this makes
// it reachable on the kind network's gateway without opening it to every
// interface of the machine.
import net from "node:net";

export interface Forwarder {
  port: number;
  close(): Promise<void>;
}

export async function forward(bind: string, port: number, target: number): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bind, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
