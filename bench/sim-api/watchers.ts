import { request, Agent } from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Worker: holds N watches on all pods and records, per event, its resourceVersion and delivery
 * latency (receive time minus the writer's send time carried in status.message).
 */
interface Input {
  url: string;
  token: string;
  ca: string;
  watchers: number;
  resourceVersion: string;
}

interface WatcherState {
  received: number;
  outOfOrder: number;
  lastRv: number;
  closedEarly: boolean;
}

const input = workerData as Input;
const agent = new Agent({ keepAlive: true, maxSockets: input.watchers + 4, ca: input.ca });
const latencies: number[] = [];
const states: WatcherState[] = [];

function startWatcher(i: number): void {
  const state: WatcherState = { received: 0, outOfOrder: 0, lastRv: 0, closedEarly: false };
  states[i] = state;
  const u = new URL(`/api/v1/pods?watch=true&resourceVersion=${input.resourceVersion}&timeoutSeconds=600`, input.url);
  const req = request(u, { agent, headers: { authorization: `Bearer ${input.token}` } }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = Date.now();
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        const rvAt = line.indexOf('"resourceVersion":"');
        if (rvAt < 0) continue;
        const rv = Number(line.slice(rvAt + 19, line.indexOf('"', rvAt + 19)));
        if (rv <= state.lastRv) state.outOfOrder++;
        state.lastRv = rv;
        state.received++;
        const t = line.lastIndexOf('"message":"t=');
        if (t >= 0) latencies.push(now - Number(line.slice(t + 13, line.indexOf('"', t + 13))));
      }
    });
    res.on('end', () => (state.closedEarly = true));
  });
  req.on('error', () => (state.closedEarly = true));
  req.end();
}

for (let i = 0; i < input.watchers; i++) startWatcher(i);
parentPort?.postMessage({ type: 'ready' });
parentPort?.on('message', (msg: { type: string }) => {
  if (msg.type === 'report') {
    parentPort?.postMessage({ type: 'report', states, latencies });
  }
});
