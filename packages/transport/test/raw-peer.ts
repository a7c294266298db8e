// A raw node-datachannel peer that speaks tickwire's channel layout (negotiated ids 0 and 1) but
// none of its framing: tests use it to throw hostile bytes at a real tickwire connection.
import nodeDataChannel from 'node-datachannel';
import type { DataChannel } from 'node-datachannel';
import type { Signaler } from '../src/index.js';

export interface RawPeer {
  unreliable: DataChannel;
  reliable: DataChannel;
  received: { unreliable: Uint8Array[]; reliable: Uint8Array[] };
  opened: Promise<void>;
  close(): void;
}

export function rawAnswerer(signaler: Signaler): RawPeer {
  const pc = new nodeDataChannel.PeerConnection('raw', { iceServers: [], disableAutoNegotiation: true });
  pc.onLocalDescription(
    (sdp, type) => void signaler.send({ kind: 'description', type: type as 'answer', sdp }),
  );
  pc.onLocalCandidate((candidate, mid) => void signaler.send({ kind: 'candidate', candidate, mid }));
  const unreliable = pc.createDataChannel('u', {
    negotiated: true,
    id: 0,
    unordered: true,
    maxRetransmits: 0,
  });
  const reliable = pc.createDataChannel('r', { negotiated: true, id: 1 });
  const received = { unreliable: [] as Uint8Array[], reliable: [] as Uint8Array[] };
  unreliable.onMessage((m) => received.unreliable.push(new Uint8Array(m as Buffer)));
  reliable.onMessage((m) => received.reliable.push(new Uint8Array(m as Buffer)));
  const opened = Promise.all([
    new Promise<void>((r) => (unreliable.isOpen() ? r() : unreliable.onOpen(r))),
    new Promise<void>((r) => (reliable.isOpen() ? r() : reliable.onOpen(r))),
  ]).then(() => undefined);
  const pending: Array<{ candidate: string; mid: string }> = [];
  let haveRemote = false;
  signaler.onMessage((message) => {
    if (message.kind === 'description') {
      pc.setRemoteDescription(message.sdp, message.type);
      haveRemote = true;
      for (const c of pending.splice(0)) pc.addRemoteCandidate(c.candidate, c.mid);
      pc.setLocalDescription('answer');
    } else if (message.kind === 'candidate') {
      if (haveRemote) pc.addRemoteCandidate(message.candidate, message.mid);
      else pending.push(message);
    }
  });
  return {
    unreliable,
    reliable,
    received,
    opened,
    close: () => {
      unreliable.close();
      reliable.close();
      pc.close();
    },
  };
}
