// The relay's pure core: from a raw signed transaction and the deployment, decide whether the service may broadcast
// it, and say why not, naming the field. Only the deployment's own contracts, only the functions a user calls
// (RELAYABLE: no admin, attester, role or governance function), no ether to a function that is not payable, only
// signed EIP-155 / EIP-2930 / EIP-1559 transactions for this chain, canonically encoded with a low-s signature (so the
// hash is the one the chain will give it). What the chain's state says (nonce, revert, funds) is the shell's part.
import {
  decodeErrorResult,
  decodeFunctionData,
  getAddress,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  toFunctionSelector,
  type Abi,
  type AbiFunction,
  type Address,
  type Hex,
} from 'viem';
import { DEPLOYED_CONTRACTS, DEPLOYED_ERRORS_ABI, type DeployedContractField, type Deployment } from '@greenhour/chain';
import { InputError } from '@greenhour/errors';

/** Geth's limit on a transaction's size (txMaxSize, 4 × 32 KiB): a node refuses anything larger. */
export const MAX_TRANSACTION_BYTES = 128 * 1024;

/** The request field every refusal of the transaction itself names. */
export const FIELD = 'signedTransaction';

type ContractKey = DeployedContractField;

interface Relayable {
  contract: string;
  abi: Abi;
  /** The user-facing functions; every other function of the contract is refused. */
  functions: readonly string[];
}

/**
 * What a user may send through the relay, by contract. Left out on purpose: every role function (grantRole,
 * revokeRole, renounceRole), the admins' (setCapacityClass, setGpuModelClass, setMinimumStake, listClass, setFee,
 * collectProtocolFees, setIndexWindow, setTreasury, setOmissionClaimBond), the protocol's own (NodeRegistry bond,
 * releaseBond, seizeBond, slash; ComputeHours confirmDelivery, setGreenShare; HourPositions mint; SettlementToken
 * mint), the attester's (commit, answerOmissionClaim, claim, releaseBond), and keeper calls no user needs
 * (HourMarket open, GreenComputeIndex publishIndex), and the scheduler's JobMarket assign.
 */
const RELAYED_FUNCTIONS: Record<ContractKey, readonly string[]> = {
  nodeRegistry: ['register', 'addStake', 'requestExit', 'withdrawStake'],
  computeHours: [
    'mint',
    'redeem',
    'settleUndelivered',
    'releaseUnredeemed',
    'safeTransferFrom',
    'safeBatchTransferFrom',
    'setApprovalForAll',
  ],
  hourMarket: ['buy', 'sell', 'addLiquidity', 'removeLiquidity', 'collect'],
  hourPositions: ['approve', 'setApprovalForAll', 'transferFrom', 'safeTransferFrom'],
  hourRouter: ['buyBundle', 'sellBasket'],
  settlementToken: ['approve', 'transfer', 'transferFrom'],
  attestationOracle: [
    'commitChallenge',
    'challenge',
    'challengeByDevice',
    'challengeDuplicate',
    'challengeDroppedWindow',
    'openOmissionClaim',
    'resolveOmissionClaim',
  ],
  greenComputeIndex: [],
  jobMarket: ['post', 'cancel', 'expire', 'redeem', 'settle', 'withdraw'],
};

export const RELAYABLE = Object.fromEntries(
  DEPLOYED_CONTRACTS.map(({ name, field, abi }) => [
    field,
    { contract: name, abi: abi as Abi, functions: RELAYED_FUNCTIONS[field] },
  ]),
) as Record<ContractKey, Relayable>;

/** A transaction the relay may broadcast, as decoded. */
export interface CheckedTransaction {
  /** keccak256 of the raw bytes: the hash the chain gives it (the encoding is canonical). */
  hash: Hex;
  from: Address;
  to: Address;
  contract: string;
  functionName: string;
  nonce: number;
  value: bigint;
  gas: bigint;
  data: Hex;
  /** The most it may cost its sender: gas limit × max fee (or gas price) + value. */
  maxCostWei: bigint;
  maxFeePerGas: bigint;
}

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const RELAYED_TYPES = new Set(['legacy', 'eip2930', 'eip1559']);

const refuse = (reason: string): never => {
  throw new InputError(FIELD, reason);
};

/**
 * Checks a raw signed transaction against the deployment and the relay's allowlist; resolves to what it does, or
 * throws InputError (field `signedTransaction`) saying why the relay will not send it.
 */
export async function checkTransaction(raw: string, deployment: Deployment): Promise<CheckedTransaction> {
  if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(raw)) refuse('must be 0x and an even number of hex digits');
  const bytes = (raw.length - 2) / 2;
  if (bytes > MAX_TRANSACTION_BYTES) refuse(`is ${bytes} bytes; at most ${MAX_TRANSACTION_BYTES}`);
  const serialized = raw.toLowerCase() as Hex;
  let tx: ReturnType<typeof parseTransaction>;
  try {
    tx = parseTransaction(serialized);
  } catch {
    return refuse('is not an RLP-encoded transaction (legacy, EIP-2930 or EIP-1559)');
  }
  if (tx.type === undefined || !RELAYED_TYPES.has(tx.type))
    refuse(`is a ${tx.type} transaction; the relay takes legacy (EIP-155), EIP-2930 and EIP-1559 ones`);
  if (tx.r === undefined || tx.s === undefined || (tx.v === undefined && tx.yParity === undefined))
    refuse('is not signed');
  if (BigInt(tx.s!) > SECP256K1_HALF_N) refuse('has a high-s signature (EIP-2): the chain refuses it');
  if (tx.chainId === undefined) refuse('has no chain id (signed before EIP-155): it could be replayed on any chain');
  if (tx.chainId !== deployment.chainId)
    refuse(`is signed for chain ${tx.chainId}; this service relays to chain ${deployment.chainId}`);
  let canonical: Hex;
  try {
    // With the signature as parsed (a legacy transaction keeps its EIP-155 v), re-encoded the one canonical way.
    const signature = { r: tx.r!, s: tx.s!, yParity: tx.yParity!, ...(tx.v === undefined ? {} : { v: tx.v }) };
    canonical = serializeTransaction(tx as never, signature as never);
  } catch {
    return refuse('is not a well-formed transaction');
  }
  if (canonical !== serialized) refuse('is not canonically encoded (RLP): re-encode it as your wallet signs it');
  let from: Address;
  try {
    from = await recoverTransactionAddress({ serializedTransaction: serialized as never });
  } catch {
    return refuse('has a signature from which no sender can be recovered');
  }
  if (tx.to === undefined || tx.to === null)
    return refuse('creates a contract; the relay only calls the deployment’s contracts');
  const key = (Object.keys(RELAYABLE) as ContractKey[]).find(
    (k) => typeof deployment[k] === 'string' && deployment[k].toLowerCase() === tx.to!.toLowerCase(),
  );
  if (key === undefined) return refuse(`is sent to ${tx.to}, which is none of this deployment's contracts`);
  const target = RELAYABLE[key];
  const data = tx.data ?? '0x';
  if (data.length < 10) return refuse(`calls no function of ${target.contract} (its data has no 4-byte selector)`);
  const selector = data.slice(0, 10) as Hex;
  let decoded: { functionName: string };
  try {
    decoded = decodeFunctionData({ abi: target.abi, data });
  } catch {
    const known = target.abi.some((item) => item.type === 'function' && selectorOf(item) === selector);
    return refuse(
      known
        ? `its arguments do not decode for the function ${selector} of ${target.contract}`
        : `calls ${selector}, which is no function of ${target.contract}`,
    );
  }
  const functionName = decoded.functionName;
  if (!target.functions.includes(functionName))
    refuse(
      `calls ${target.contract}.${functionName}, which the relay does not send (relayed: ${
        target.functions.length ? target.functions.join(', ') : 'none of its functions'
      })`,
    );
  const value = tx.value ?? 0n;
  const fn = target.abi.find((item): item is AbiFunction => item.type === 'function' && selectorOf(item) === selector)!;
  if (value > 0n && fn.stateMutability !== 'payable')
    refuse(`sends ${value} wei to ${target.contract}.${functionName}, which is not payable`);
  if (tx.gas === undefined || tx.gas === 0n) refuse('has no gas limit');
  const maxFeePerGas = tx.type === 'eip1559' ? tx.maxFeePerGas : tx.gasPrice;
  if (maxFeePerGas === undefined) refuse('has no gas price or max fee per gas');
  return {
    hash: keccak256(serialized),
    from,
    to: getAddress(deployment[key]),
    contract: target.contract,
    functionName,
    nonce: tx.nonce ?? 0,
    value,
    gas: tx.gas!,
    data,
    maxFeePerGas: maxFeePerGas!,
    maxCostWei: tx.gas! * maxFeePerGas! + value,
  };
}

const selectorOf = (item: AbiFunction): Hex => toFunctionSelector(item);

const show = (v: unknown): string =>
  typeof v === 'bigint'
    ? v.toString()
    : typeof v === 'string'
      ? v
      : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/**
 * A revert's data in words: the custom error's name and its named arguments (`ERC20InsufficientAllowance(spender:
 * 0x…, allowance: 0, needed: 5)`), Error(string) and Panic(uint256) as Solidity raises them, or the raw data when no
 * contract of the deployment declares the error.
 */
export function describeRevert(data: Hex | undefined): string {
  if (data === undefined || data === '0x') return 'reverts without an error';
  try {
    const { abiItem, args, errorName } = decodeErrorResult({ abi: DEPLOYED_ERRORS_ABI, data });
    const inputs = (abiItem as { inputs?: readonly { name?: string }[] }).inputs ?? [];
    const shown = (args ?? []).map((a, i) => `${inputs[i]?.name || i}: ${show(a)}`).join(', ');
    return `reverts with ${errorName}(${shown})`;
  } catch {
    return `reverts with an error no contract of the deployment declares (data ${data.slice(0, 74)}${data.length > 74 ? '…' : ''})`;
  }
}
