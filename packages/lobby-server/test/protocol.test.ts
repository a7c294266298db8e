// Unit-level checks of the pure pieces: message parsing, config parsing, tokens, TURN formula.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ClientMessageType,
  ConfigError,
  createTurnCredentials,
  defaultSettings,
  parseArgs,
  parseClientMessage,
  signSessionToken,
  verifySessionToken,
} from '../src/index.js';

const parse = (value: unknown) =>
  parseClientMessage(typeof value === 'string' ? value : JSON.stringify(value), false);

describe('parseClientMessage', () => {
  it('accepts every documented message type with a valid body', () => {
    const valid = [
      { t: 'hello', v: 1, name: 'ann' },
      { t: 'ping', id: 1 },
      {
        t: 'room.create',
        mode: 'duel',
        maxPlayers: 2,
        public: true,
        props: { map: 'dust', ranked: true, level: 3 },
      },
      { t: 'room.join', code: 'ABCDEF' },
      { t: 'room.leave' },
      { t: 'room.list', mode: 'duel', notFull: true, limit: 10 },
      { t: 'room.kick', playerId: 'abc' },
      { t: 'signal', to: 'abc', data: { kind: 'description', type: 'offer', sdp: 'v=0' } },
      { t: 'turn.refresh' },
      { t: 'queue.join', mode: 'duel', regions: [{ region: 'eu', rttMs: 20 }], rating: 1200 },
      { t: 'queue.leave' },
      { t: 'match.accept', matchId: 'm1' },
      { t: 'match.decline', matchId: 'm1' },
      { t: 'server.register', region: 'eu', address: '1.2.3.4:9000', capacity: 10 },
      { t: 'server.heartbeat', load: 3 },
    ];
    expect(new Set(valid.map((m) => m.t))).toEqual(new Set(Object.values(ClientMessageType)));
    for (const message of valid) expect(parse(message).ok, JSON.stringify(message)).toBe(true);
  });

  it('answers malformed input with typed codes and keeps the request id', () => {
    const cases: Array<[unknown, string]> = [
      ['{not json', 'bad_request'],
      ['[1,2]', 'bad_request'],
      ['"hello"', 'bad_request'],
      [{ v: 1 }, 'bad_request'],
      [{ t: 'teleport', id: 7 }, 'unknown_type'],
      [{ t: 'room.create', id: 8, mode: 'duel', maxPlayers: 1000, public: true }, 'bad_request'],
      [
        { t: 'signal', id: 9, to: 'x', data: { kind: 'description', type: 'pranswer', sdp: 'v=0' } },
        'bad_request',
      ],
      [
        { t: 'signal', to: 'x', data: { kind: 'candidate', candidate: 'a'.repeat(5000), mid: '0' } },
        'bad_request',
      ],
    ];
    for (const [input, code] of cases) {
      const result = parse(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code, JSON.stringify(input)).toBe(code);
    }
    const withId = parse({ t: 'teleport', id: 7 });
    expect(!withId.ok && withId.re).toBe(7);
    const binary = parseClientMessage(Buffer.from('{"t":"ping"}'), true);
    expect(!binary.ok && binary.error.code).toBe('bad_request');
  });

  it('never lets a __proto__ key through and never touches Object.prototype', () => {
    // Raw JSON so `__proto__` arrives as an own key, exactly as a hostile client would send it.
    for (const payload of ['{"polluted":1}', '1']) {
      const result = parse(
        `{"t":"room.create","mode":"duel","maxPlayers":2,"public":true,"props":{"__proto__":${payload}}}`,
      );
      // The parser drops the key rather than refusing the message: what matters is that it never
      // reaches the parsed props and never becomes their prototype.
      expect(result.ok, payload).toBe(true);
      const message = result.ok ? result.message : undefined;
      expect(message?.t).toBe('room.create');
      const props = message?.t === 'room.create' ? message.props : undefined;
      expect(props).toEqual({});
      expect(Object.keys(props ?? { missing: true })).toEqual([]);
      expect(Object.hasOwn(props ?? {}, '__proto__')).toBe(false);
      expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    }
    const dunder = parse({ t: 'room.create', mode: 'duel', maxPlayers: 2, public: true, props: { __x: 1 } });
    expect(dunder.ok).toBe(false);
  });

  it("passes the transport's negotiation attempt through signals and bounds it", () => {
    const offer = { kind: 'description', type: 'offer', sdp: 'v=0', attempt: 1 };
    const ok = parse({ t: 'signal', id: 1, to: 'peer', data: offer });
    expect(ok.ok && ok.message.t === 'signal' && ok.message.data).toEqual(offer);
    for (const attempt of [-1, 1.5, 256, '1']) {
      expect(parse({ t: 'signal', id: 1, to: 'peer', data: { ...offer, attempt } }).ok).toBe(false);
    }
    // each attempt's kind travels with it (a stripped `via` would make the answerer guess)
    for (const via of ['direct', 'turn', 'ws-relay'] as const) {
      const marked = { ...offer, attempt: 200, via };
      const parsed = parse({ t: 'signal', id: 1, to: 'peer', data: marked });
      expect(parsed.ok && parsed.message.t === 'signal' && parsed.message.data).toEqual(marked);
      const candidate = { kind: 'candidate', candidate: 'c', mid: '0', attempt: 3, via };
      const cParsed = parse({ t: 'signal', id: 1, to: 'peer', data: candidate });
      expect(cParsed.ok && cParsed.message.t === 'signal' && cParsed.message.data).toEqual(candidate);
    }
    for (const via of ['relay', '', 3]) {
      expect(parse({ t: 'signal', id: 1, to: 'peer', data: { ...offer, via } }).ok).toBe(false);
    }
    // the answerer's ICE-restart request names the attempt it found broken
    const restart = { kind: 'restart', attempt: 3 };
    const asked = parse({ t: 'signal', id: 1, to: 'peer', data: restart });
    expect(asked.ok && asked.message.t === 'signal' && asked.message.data).toEqual(restart);
    for (const bad of [
      { kind: 'restart' },
      { kind: 'restart', attempt: 256 },
      { kind: 'restart', attempt: 'x' },
    ]) {
      expect(parse({ t: 'signal', id: 1, to: 'peer', data: bad }).ok).toBe(false);
    }
    // the answerer's hint that its UDP is blocked (the offerer skips TURN for the lobby relay)
    const hint = { kind: 'udp-blocked', attempt: 0 };
    const hinted = parse({ t: 'signal', id: 1, to: 'peer', data: hint });
    expect(hinted.ok && hinted.message.t === 'signal' && hinted.message.data).toEqual(hint);
    for (const bad of [{ kind: 'udp-blocked' }, { kind: 'udp-blocked', attempt: -1 }]) {
      expect(parse({ t: 'signal', id: 1, to: 'peer', data: bad }).ok).toBe(false);
    }
  });

  it('strips unknown fields instead of storing them', () => {
    const result = parse({ t: 'room.leave', extra: 'x'.repeat(100) });
    expect(result.ok).toBe(true);
    const message = result.ok ? result.message : undefined;
    expect(message).toEqual({ t: 'room.leave' });
    expect(Object.hasOwn(message ?? {}, 'extra')).toBe(false);
  });
});

describe('config parsing', () => {
  it('reads flags over environment over defaults', () => {
    const { settings } = parseArgs(
      ['--port', '9000', '--allowed-origins=https://a.example,https://b.example', '--require-origin'],
      {
        PORT: '1234',
        LOBBY_GRACE_MS: '5000',
      },
    );
    expect(settings.port).toBe(9000);
    expect(settings.graceMs).toBe(5000);
    expect(settings.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(settings.requireOrigin).toBe(true);
    expect(settings.maxPayload).toBe(defaultSettings.maxPayload);
  });

  it('rejects unknown flags and bad values with a ConfigError', () => {
    expect(() => parseArgs(['--nope'], {})).toThrow(ConfigError);
    expect(() => parseArgs(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => parseArgs([], { LOBBY_TRUST_PROXY: 'maybe' })).toThrow(ConfigError);
  });
});

describe('session tokens', () => {
  const secret = 'a-test-secret-of-enough-length';

  it('round-trips and refuses forgeries, other secrets and tampering', () => {
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    const token = signSessionToken(secret, id);
    expect(verifySessionToken(secret, token)).toBe(id);
    expect(verifySessionToken('another-secret-of-enough-length', token)).toBeUndefined();
    const otherId = 'BAAAAAAAAAAAAAAAAAAAAA';
    expect(verifySessionToken(secret, token.replace(id, otherId))).toBeUndefined();
    expect(verifySessionToken(secret, `v1.${otherId}.${'A'.repeat(43)}`)).toBeUndefined();
    expect(verifySessionToken(secret, 'garbage')).toBeUndefined();
  });
});

describe('TURN credentials (coturn REST scheme)', () => {
  it('uses expiry:id as username and base64(HMAC-SHA1(secret, username)) as password', () => {
    const now = Date.UTC(2026, 0, 1);
    const creds = createTurnCredentials(
      {
        secret: 's3cret',
        ttlSeconds: 600,
        turnUrls: ['turn:127.0.0.1:3478'],
        stunUrls: ['stun:127.0.0.1:3478'],
      },
      'player1',
      now,
    );
    const expiry = now / 1000 + 600;
    expect(creds.username).toBe(`${expiry}:player1`);
    expect(creds.credential).toBe(createHmac('sha1', 's3cret').update(`${expiry}:player1`).digest('base64'));
    expect(creds.expiresAt).toBe(expiry * 1000);
    expect(creds.iceServers).toEqual([
      { urls: ['stun:127.0.0.1:3478'] },
      { urls: ['turn:127.0.0.1:3478'], username: creds.username, credential: creds.credential },
    ]);
  });
});
