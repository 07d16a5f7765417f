/* doctor's bounds: calls in flight, and the TLS read's time limit. */
import { createServer, Socket } from "node:net";
import { mapLimit } from "../../doctor/run";
import { readTls } from "../../doctor/tls";

test("mapLimit keeps at most `limit` calls in flight and the order of its input", async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimit([50, 10, 30, 5, 20, 1], 2, async (ms) => {
    most = Math.max(most, ++inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    return ms * 2;
  });
  expect(out).toEqual([100, 20, 60, 10, 40, 2]);
  expect(most).toBe(2);
});

test("a server that accepts and never speaks TLS: one line at the time limit", async () => {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const started = Date.now();
  const answer = await readTls(`https://127.0.0.1:${port}`, 300);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(answer).toEqual({ ok: false, error: `TLS to 127.0.0.1:${port}: no answer in 300 ms` });
  sockets.forEach((s) => s.destroy());
  await new Promise((r) => server.close(r));
});

test("nothing listening: the connection error in one line", async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  expect(await readTls(`https://127.0.0.1:${port}`, 1000)).toEqual({ ok: false, error: `TLS to 127.0.0.1:${port}: ECONNREFUSED` });
});
