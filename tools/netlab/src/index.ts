// Public API of @tickwire/netlab: emulated networks between real processes on one machine.

export { createLink } from './link/create-link.js';
export type { LinkOptions } from './link/create-link.js';
export { Link } from './link/link.js';
export type { OneWayDelays } from './link/link.js';
export type { DirectionalLoss, DropCount, LossCounters, LossState } from './link/loss-rules.js';
export type { ForwarderStats } from './link/delay-forwarder.js';
export { createNatLab } from './nat/create-nat-lab.js';
export type { NatLab, NatLabOptions, NatSide } from './nat/create-nat-lab.js';
export { NatType } from './nat/nat-rules.js';
export { NetHost } from './host/net-host.js';
export type { SpawnNodeOptions } from './host/net-host.js';
export { nextMessage, waitForExit } from './ipc/child-events.js';
export type { ChildExit } from './ipc/child-events.js';
export type { LabErrorListener } from './lab/lab-core.js';
export { sweepStaleLabs } from './lab/sweep.js';
export { isNetlabSupported } from './support.js';
export type { NetlabSupport } from './support.js';
export { NetlabError, NetlabErrorCode, isNetlabError } from './errors.js';
export { createInternetLab, SERVER_ALT_IP } from './nat/create-internet-lab.js';
export type { InternetLab, InternetLabOptions, LabSite, SiteSpec } from './nat/create-internet-lab.js';
export { DEFAULT_ALLOWED_TCP_PORTS, HOST_KINDS, HostKind } from './nat/host-kinds.js';
