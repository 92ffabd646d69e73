// Which node a device key belongs to and the physical limits of that node, read from NodeRegistry and cached.
import type { Address, PublicClient } from 'viem';
import { nodeRegistryAbi } from '@greenhour/contracts';
import type { NodeLimits } from '@greenhour/telemetry';

export interface NodeInfo {
  nodeId: number;
  limits: NodeLimits;
}

export interface NodeDirectory {
  /** The node whose registered device signer is `device` (lower-case), or undefined. */
  lookup(device: string): Promise<NodeInfo | undefined>;
}

/** An unknown device is asked again after this long, so a node registered after its first message is picked up. */
const UNKNOWN_DEVICE_TTL_MS = 30_000;

export class RegistryDirectory implements NodeDirectory {
  private readonly known = new Map<string, NodeInfo>();
  private readonly unknownUntil = new Map<string, number>();

  constructor(
    private readonly client: PublicClient,
    private readonly registry: Address,
  ) {}

  async lookup(device: string): Promise<NodeInfo | undefined> {
    const cached = this.known.get(device);
    if (cached) return cached;
    if ((this.unknownUntil.get(device) ?? 0) > Date.now()) return undefined;
    const contract = { address: this.registry, abi: nodeRegistryAbi } as const;
    const nodeId = await this.client.readContract({
      ...contract,
      functionName: 'nodeOfDevice',
      args: [device as Address],
    });
    if (nodeId === 0n) {
      this.unknownUntil.set(device, Date.now() + UNKNOWN_DEVICE_TTL_MS);
      return undefined;
    }
    const node = await this.client.readContract({ ...contract, functionName: 'node', args: [nodeId] });
    const info: NodeInfo = {
      nodeId: Number(nodeId),
      limits: {
        pvWp: node.pvWp,
        batteryWh: node.batteryWh,
        chargerW: node.chargerW,
        gpuPowerWMax: node.gpuPowerWMax,
      },
    };
    this.known.set(device, info);
    return info;
  }
}
