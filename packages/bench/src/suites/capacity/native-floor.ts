// The native floor of one game-server client, without tickwire: CPU of the process that owns K raw
// node-datachannel peers (all its threads) per client per tick at 30 Hz, when it sends each peer one
// 190-byte unreliable message per tick (a snapshot), receives one 24-byte message per peer per tick
// (an input), both, or neither. The other ends live in a child process. What the capacity suite's
// authority can never go below with libdatachannel, whatever tickwire's JS costs.
// Run: `node packages/bench/dist/suites/capacity/native-floor.js [K]` (prints a table; exits).
// Also prints RSS per open peer. It must never be run from a test: it loads the machine for ~30 s.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import nodeDataChannel from 'node-datachannel';
import type { DataChannel, PeerConnection } from 'node-datachannel';

const TICK_MS = 1000 / 30;
const TICKS = 180;
const SNAPSHOT_BYTES = 190;
const INPUT_BYTES = 24;

type ToChild =
  | { t: 'offer'; i: number; sdp: string; type: string }
  | { t: 'cand'; i: number; c: string; mid: string }
  | { t: 'inputs'; on: boolean }
  | { t: 'bye' };
type ToParent =
  { t: 'desc'; i: number; sdp: string; type: string } | { t: 'cand'; i: number; c: string; mid: string };

function child(): void {
  const peers = new Map<number, { pc: PeerConnection; dc?: DataChannel }>();
  const input = new Uint8Array(INPUT_BYTES);
  let sending = false;
  const timer = setInterval(() => {
    if (sending) for (const p of peers.values()) p.dc?.sendMessageBinary(input);
  }, TICK_MS);
  const send = (message: ToParent) => process.send!(message);
  process.on('message', (m: ToChild) => {
    if (m.t === 'offer') {
      const pc = new nodeDataChannel.PeerConnection(`c${m.i}`, { iceServers: [] });
      const peer: { pc: PeerConnection; dc?: DataChannel } = { pc };
      peers.set(m.i, peer);
      pc.onLocalDescription((sdp, type) => send({ t: 'desc', i: m.i, sdp, type }));
      pc.onLocalCandidate((c, mid) => send({ t: 'cand', i: m.i, c, mid }));
      pc.onDataChannel((dc) => {
        peer.dc = dc;
        dc.onMessage(() => undefined);
      });
      pc.setRemoteDescription(m.sdp, m.type as 'offer');
    } else if (m.t === 'cand') peers.get(m.i)?.pc.addRemoteCandidate(m.c, m.mid);
    else if (m.t === 'inputs') sending = m.on;
    else {
      clearInterval(timer);
      for (const p of peers.values()) {
        p.dc?.close();
        p.pc.close();
      }
      setTimeout(() => {
        nodeDataChannel.cleanup();
        process.exit(0);
      }, 300);
    }
  });
}

interface Phase {
  label: string;
  /** Process CPU (all threads) per client per tick, µs. */
  cpuUs: number;
  /** Time inside sendMessageBinary per client per tick, µs (main thread). */
  sendCallUs: number;
  inputsPerClientTick: number;
}

async function parent(k: number): Promise<void> {
  const worker = fork(fileURLToPath(import.meta.url), [String(k), 'child']);
  const rss0 = process.memoryUsage().rss;
  const peers = new Map<number, { pc: PeerConnection; dc: DataChannel }>();
  let received = 0;
  // A candidate may overtake the answer, and under load the offerer's ICE transport may not exist
  // yet either: libdatachannel refuses such a candidate, so it is tried again a little later.
  const addCandidate = (pc: PeerConnection, c: string, mid: string, tries = 0): void => {
    try {
      pc.addRemoteCandidate(c, mid);
    } catch (error) {
      if (tries >= 100) throw error;
      setTimeout(() => addCandidate(pc, c, mid, tries + 1), 20);
    }
  };
  worker.on('message', (m: ToParent) => {
    const peer = peers.get(m.i)!;
    if (m.t === 'desc') peer.pc.setRemoteDescription(m.sdp, m.type as 'answer');
    else addCandidate(peer.pc, m.c, m.mid);
  });
  const open = async (i: number): Promise<void> => {
    const pc = new nodeDataChannel.PeerConnection(`a${i}`, { iceServers: [] });
    pc.onLocalDescription((sdp, type) => worker.send({ t: 'offer', i, sdp, type } satisfies ToChild));
    pc.onLocalCandidate((c, mid) => worker.send({ t: 'cand', i, c, mid } satisfies ToChild));
    const dc = pc.createDataChannel('u', { unordered: true, maxRetransmits: 0 });
    dc.onMessage(() => void (received += 1));
    peers.set(i, { pc, dc });
    await new Promise<void>((resolve) => dc.onOpen(resolve));
  };
  for (let i = 0; i < k; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, k - i) }, (_, j) => open(i + j)));
  }
  const rssPerPeerKiB = (process.memoryUsage().rss - rss0) / k / 1024;
  const snapshot = new Uint8Array(SNAPSHOT_BYTES);
  const phase = async (label: string, send: boolean, inputs: boolean): Promise<Phase> => {
    worker.send({ t: 'inputs', on: inputs } satisfies ToChild);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cpu0 = process.cpuUsage();
    const received0 = received;
    let callMs = 0;
    for (let tick = 0; tick < TICKS; tick++) {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      if (!send) continue;
      const t0 = performance.now();
      for (const p of peers.values()) p.dc.sendMessageBinary(snapshot);
      callMs += performance.now() - t0;
    }
    const cpu = process.cpuUsage(cpu0);
    const per = k * TICKS;
    return {
      label,
      cpuUs: (cpu.user + cpu.system) / per,
      sendCallUs: (callMs * 1000) / per,
      inputsPerClientTick: (received - received0) / per,
    };
  };
  const phases: Phase[] = [];
  for (let round = 0; round < 2; round++) {
    phases.push(await phase('idle', false, false));
    phases.push(await phase('send', true, false));
    phases.push(await phase('receive inputs', false, true));
    phases.push(await phase('send + receive', true, true));
  }
  process.stdout.write(
    `native floor, K=${k} peers, load ${loadavg()[0]!.toFixed(1)}, RSS ${rssPerPeerKiB.toFixed(0)} KiB per open peer (one channel), ${((process.memoryUsage().rss - rss0) / k / 1024).toFixed(0)} KiB after the phases\n`,
  );
  process.stdout.write('phase           cpu us/client/tick  send call us  inputs/client/tick\n');
  for (const p of phases) {
    process.stdout.write(
      `${p.label.padEnd(16)}${p.cpuUs.toFixed(1).padStart(18)}${p.sendCallUs.toFixed(1).padStart(14)}${p.inputsPerClientTick.toFixed(2).padStart(20)}\n`,
    );
  }
  worker.send({ t: 'bye' } satisfies ToChild);
  for (const p of peers.values()) {
    p.dc.close();
    p.pc.close();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  nodeDataChannel.cleanup();
}

if (process.argv[3] === 'child') child();
else await parent(Number(process.argv[2] ?? 128));
