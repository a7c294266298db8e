// The kind of network path a connection uses (direct on the LAN, through a NAT's public address,
// or relayed by TURN), from the ICE candidate pair the transport selected.
import type { Connection } from '@tickwire/transport';
import { PathType } from './messages.js';

export async function pathTypeOf(connection: Connection): Promise<PathType> {
  const pair = await connection.selectedCandidatePair().catch(() => undefined);
  if (pair === undefined) return PathType.Unknown;
  const types = [pair.local.type, pair.remote.type];
  if (types.includes('relay')) return PathType.Relay;
  if (types.includes('srflx') || types.includes('prflx')) return PathType.Srflx;
  return PathType.Host;
}
