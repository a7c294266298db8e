// Which node-datachannel API should tickwire's Node adapter use? The raw API vs the W3C polyfill,
// in-process ping-pong on an unordered/unreliable channel, 64-byte payloads, 3 x 20,000 round trips
// each, interleaved. Run: node packages/bench/scripts/ndc-raw-vs-polyfill.mjs
import nodeDataChannel from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
const N = 20000,
  payload = new Uint8Array(64);
const pct = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
async function raw() {
  const a = new nodeDataChannel.PeerConnection('a', { iceServers: [] }),
    b = new nodeDataChannel.PeerConnection('b', { iceServers: [] });
  a.onLocalDescription((s, t) => b.setRemoteDescription(s, t));
  b.onLocalDescription((s, t) => a.setRemoteDescription(s, t));
  a.onLocalCandidate((c, m) => b.addRemoteCandidate(c, m));
  b.onLocalCandidate((c, m) => a.addRemoteCandidate(c, m));
  // bdc holds the channel: a collected DataChannel closes mid-stream
  let bdc;
  b.onDataChannel((dc) => {
    bdc = dc;
    dc.onMessage((m) => dc.sendMessageBinary(m));
  });
  const adc = a.createDataChannel('x', { unordered: true, maxRetransmits: 0 });
  await new Promise((r) => adc.onOpen(r));
  const samples = [];
  let t0;
  let i = 0;
  await new Promise((done) => {
    adc.onMessage(() => {
      samples.push(performance.now() - t0);
      if (++i >= N) return done();
      t0 = performance.now();
      adc.sendMessageBinary(payload);
    });
    t0 = performance.now();
    adc.sendMessageBinary(payload);
  });
  adc.close();
  bdc?.close();
  a.close();
  b.close();
  return samples;
}
async function poly() {
  const a = new RTCPeerConnection(),
    b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  b.ondatachannel = (e) => {
    const dc = e.channel;
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (m) => dc.send(m.data);
  };
  const adc = a.createDataChannel('x', { ordered: false, maxRetransmits: 0 });
  adc.binaryType = 'arraybuffer';
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  await new Promise((r) => (adc.onopen = r));
  const samples = [];
  let t0;
  let i = 0;
  await new Promise((done) => {
    adc.onmessage = () => {
      samples.push(performance.now() - t0);
      if (++i >= N) return done();
      t0 = performance.now();
      adc.send(payload);
    };
    t0 = performance.now();
    adc.send(payload);
  });
  a.close();
  b.close();
  return samples;
}
const res = { raw: [], poly: [] };
for (let r = 0; r < 3; r++) {
  res.raw.push(...(await raw()));
  res.poly.push(...(await poly()));
}
for (const k of ['raw', 'poly'])
  console.log(
    k,
    'p50',
    (pct(res[k], 0.5) * 1000).toFixed(0),
    'us p99',
    (pct(res[k], 0.99) * 1000).toFixed(0),
    'us',
  );
nodeDataChannel.cleanup();
