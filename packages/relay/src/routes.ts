// The relay over HTTP (mounted by the service): POST /v1/transactions takes a raw transaction signed by the user's
// own key and broadcasts it once it passes the relay's checks and simulation; GET /v1/transactions/{hash} reads back
// what became of one. The rate limit per client is the API's own, on every /v1 route.
import { bodyLimit } from 'hono/body-limit';
import { ApiError, createRoute, createRouter, errorResponses, jsonContent, z } from '@greenhour/api';
import type { Deployment } from '@greenhour/chain';
import type { Database } from '@greenhour/store';
import type { PublicClient } from 'viem';
import type { Logger } from 'pino';
import { Relay } from './relay.ts';
import { MAX_TRANSACTION_BYTES, RELAYABLE } from './validate.ts';

/** The body holds the transaction's hex (two characters a byte) and a little JSON around it. */
export const MAX_BODY_BYTES = 2 * MAX_TRANSACTION_BYTES + 1024;

const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const Hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

const Relayed = z
  .object({
    hash: Hash.openapi({ description: 'The transaction hash the chain knows it by.' }),
    from: Address.openapi({ description: 'The sender, recovered from the signature.' }),
    to: Address,
    contract: z.string().openapi({ description: 'Which contract of the deployment, e.g. `HourMarket`.' }),
    function: z.string().openapi({ description: 'The function called, e.g. `buy`.' }),
    nonce: z.number().int(),
  })
  .openapi('RelayedTransaction');
const RelayedStatus = Relayed.extend({
  submittedAt: z.number().int().openapi({ description: 'UTC seconds the relay last broadcast it.' }),
  status: z.enum(['pending', 'mined', 'replaced', 'dropped']).openapi({
    description:
      '`pending`: the chain’s node holds it; `mined`: in a block (see `receipt`); `replaced`: another transaction ' +
      'of the sender took its nonce; `dropped`: no longer held and its nonce still free (post it again).',
  }),
  receipt: z
    .object({
      blockNumber: z.number().int(),
      blockHash: Hash,
      status: z.enum(['success', 'reverted']),
      gasUsed: z.string().regex(/^\d+$/),
    })
    .nullable()
    .openapi({ description: 'The receipt as the chain has it; null until mined.' }),
}).openapi('RelayedTransactionStatus');

const relayedList = Object.values(RELAYABLE)
  .filter((r) => r.functions.length > 0)
  .map((r) => `${r.contract}: ${r.functions.join(', ')}`)
  .join('; ');

const errorContent = errorResponses[400].content;

export interface RelayRoutesOptions {
  db: Database;
  publicClient: PublicClient;
  deployment: Deployment;
  log?: Logger;
}

export function relayRoutes(options: RelayRoutesOptions) {
  // Built on first use: the OpenAPI build mounts these routes with an idle deployment.
  let relay: Relay | undefined;
  const relayOf = () => (relay ??= new Relay(options));
  const router = createRouter();
  router.use(
    '/v1/transactions',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is not read: the connection closes after the answer, so it cannot be reused mid-body.
      onError: (c) =>
        c.json(
          new ApiError(
            'bad_request',
            'body',
            `larger than ${MAX_BODY_BYTES} bytes (a transaction is at most ${MAX_TRANSACTION_BYTES})`,
          ).body(),
          400,
          { connection: 'close' },
        ),
    }),
  );
  return router
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/transactions',
        tags: ['relay'],
        summary: 'Relay a transaction signed by your own key to the chain (for clients that cannot reach it)',
        description:
          'Send the raw signed transaction (EIP-155 legacy, EIP-2930 or EIP-1559) as `signedTransaction`. It must be ' +
          'signed for this chain, call one of the deployment’s contracts, and a user-facing function: ' +
          `${relayedList}. No ether to a function that is not payable, at most ${MAX_TRANSACTION_BYTES} bytes. ` +
          'It is simulated from its sender at the pending block first: a revert is refused (422) with the decoded ' +
          'custom error. The chain’s nonce makes it single-use: the same transaction again is `already_known` (409), ' +
          'a used nonce `nonce_too_low` (409). The sender pays the gas.',
        request: {
          body: {
            content: {
              'application/json': {
                schema: z
                  .object({
                    signedTransaction: z
                      .string()
                      .max(2 + 2 * MAX_TRANSACTION_BYTES, `at most ${MAX_TRANSACTION_BYTES} bytes`)
                      .regex(/^0x[0-9a-fA-F]+$/, 'must be 0x and hex digits: the raw signed transaction')
                      .openapi({
                        description: 'The raw signed transaction, 0x-hex (what eth_sendRawTransaction takes).',
                      }),
                  })
                  .openapi('SignedTransaction'),
              },
            },
            required: true,
          },
        },
        responses: {
          202: jsonContent(Relayed, 'Broadcast; read its state at GET /v1/transactions/{hash}'),
          409: {
            description:
              '`already_known`: this transaction was sent already; `nonce_too_low`: its nonce is used; `conflict`: its nonce leaves a gap',
            content: errorContent,
          },
          422: {
            description:
              '`would_revert`: the simulation reverts (the decoded error in `reason`); `unprocessable`: the sender cannot pay, or its fee is too low',
            content: errorContent,
          },
          ...errorResponses,
        },
      }),
      async (c) => {
        const { signedTransaction } = c.req.valid('json');
        return c.json(await relayOf().submit(signedTransaction), 202);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/transactions/{hash}',
        tags: ['relay'],
        summary: 'What became of a relayed transaction: pending, mined (with its receipt), replaced or dropped',
        request: {
          params: z.object({
            hash: z
              .string()
              .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a transaction hash, 0x and 64 hex digits')
              .openapi({
                param: { name: 'hash', in: 'path' },
                description: 'The hash POST /v1/transactions answered.',
              }),
          }),
        },
        responses: { 200: jsonContent(RelayedStatus, 'Its state'), ...errorResponses },
      }),
      async (c) => {
        const { hash } = c.req.valid('param');
        const status = await relayOf().status(hash as `0x${string}`);
        if (status === undefined)
          throw new ApiError('not_found', 'path.hash', `this service relayed no transaction ${hash}`);
        return c.json(status, 200);
      },
    );
}
