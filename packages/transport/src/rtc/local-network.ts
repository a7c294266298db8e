// Whether an address is on one of this machine's own IPv4 networks (an interface's subnet): a peer
// there is reached directly, not through the NAT both may sit behind (offer-role.ts). Node only.
import { networkInterfaces } from 'node:os';

function toNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const byte = Number(part);
    if (!Number.isInteger(byte) || byte < 0 || byte > 255 || part === '') return undefined;
    value = value * 256 + byte;
  }
  return value;
}

/** Whether `address` (IPv4) falls in the subnet of one of this machine's non-loopback interfaces. */
export function onLocalNetwork(address: string): boolean {
  const target = toNumber(address);
  if (target === undefined) return false;
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.internal) continue;
      const own = toNumber(entry.address);
      const mask = toNumber(entry.netmask);
      if (own === undefined || mask === undefined) continue;
      // `>>> 0` keeps the 32-bit AND unsigned.
      if ((own & mask) >>> 0 === (target & mask) >>> 0) return true;
    }
  }
  return false;
}
