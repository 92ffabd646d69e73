import { stringToHex, type Address, type Hex, type LocalAccount } from 'viem';
import { nodeRegistryAbi, settlementTokenAbi } from '@greenhour/contracts';
import type { Clients } from '../clients.ts';
import type { Deployment } from '../deployments.ts';
import { SITE_TYPE_ENUM, type SiteTypeName } from '../types.ts';
import { findEvent, transact } from '../transact.ts';

export interface NodeSpecInput {
  deviceSigner: Address;
  siteType: SiteTypeName;
  geohash: string;
  pvWp: number;
  batteryWh: number;
  chargerW: number;
  /** Canonical GPU model name, at most 31 ASCII bytes, as in the on-chain GPU model table. */
  gpuModel: string;
  gpuCount: number;
}

/** Left-aligned, zero-padded bytes12 as the registry stores geohashes. Validity is the contract's to judge. */
export function geohashToBytes12(geohash: string): Hex {
  if (geohash.length === 0 || geohash.length > 12)
    throw new Error(`geohash: must have 1 to 12 characters, got "${geohash}"`);
  return stringToHex(geohash, { size: 12 });
}

/** The device key, which signs its binding to the owner (proof of possession); any viem local account. */
export type DeviceKey = Pick<LocalAccount, 'address' | 'signTypedData'>;

/** How long a device's binding signature stays usable: an unused one lapses, so the device can bind anew. */
export const DEVICE_BINDING_TTL_S = 3600n;

/**
 * The device's EIP-712 `DeviceBinding(owner, device, nonce, deadline)` signature under the registry's domain: what
 * `register` checks so that only the key's holder can bind it, to the owner it names, once, until `deadline`.
 */
export async function signDeviceBinding(
  clients: Clients,
  deployment: Pick<Deployment, 'nodeRegistry'>,
  device: DeviceKey,
  owner: Address,
  deadline: bigint,
): Promise<Hex> {
  const nonce = await clients.publicClient.readContract({
    address: deployment.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'deviceNonce',
    args: [device.address],
  });
  return device.signTypedData({
    domain: {
      name: 'Greenhour NodeRegistry',
      version: '1',
      chainId: clients.chain.id,
      verifyingContract: deployment.nodeRegistry,
    },
    types: {
      DeviceBinding: [
        { name: 'owner', type: 'address' },
        { name: 'device', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'DeviceBinding',
    message: { owner, device: device.address, nonce, deadline },
  });
}

/**
 * Approves the stake and registers the device, `device` signing its binding to the caller; resolves to the new node
 * id. Reverts surface as viem errors.
 */
export async function registerNode(
  clients: Clients,
  deployment: Pick<Deployment, 'nodeRegistry' | 'settlementToken'>,
  spec: NodeSpecInput,
  stakeUsdc6: bigint,
  device: DeviceKey,
): Promise<bigint> {
  if (!(spec.siteType in SITE_TYPE_ENUM)) throw new Error(`siteType: unknown "${spec.siteType}"`);
  if (Buffer.byteLength(spec.gpuModel) > 31) throw new Error(`gpuModel: longer than 31 bytes: "${spec.gpuModel}"`);
  if (device.address.toLowerCase() !== spec.deviceSigner.toLowerCase())
    throw new Error(`device: key of ${device.address} does not match deviceSigner ${spec.deviceSigner}`);
  const deadline = (await clients.publicClient.getBlock()).timestamp + DEVICE_BINDING_TTL_S;
  const binding = await signDeviceBinding(clients, deployment, device, clients.account.address, deadline);
  await transact(clients, {
    address: deployment.settlementToken,
    abi: settlementTokenAbi,
    functionName: 'approve',
    args: [deployment.nodeRegistry, stakeUsdc6],
  });
  const { receipt } = await transact(clients, {
    address: deployment.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'register',
    args: [
      {
        deviceSigner: spec.deviceSigner,
        siteType: SITE_TYPE_ENUM[spec.siteType],
        geohash: geohashToBytes12(spec.geohash),
        pvWp: spec.pvWp,
        batteryWh: spec.batteryWh,
        chargerW: spec.chargerW,
        gpuModel: stringToHex(spec.gpuModel, { size: 32 }),
        gpuCount: spec.gpuCount,
      },
      stakeUsdc6,
      deadline,
      binding,
    ],
  });
  // From the event, not the simulation: another registration may have been mined first on a busy chain.
  return findEvent(receipt, deployment.nodeRegistry, nodeRegistryAbi, 'NodeRegistered').args.nodeId;
}
