/**
 * The one door to HubSpot: a transport per execution (credential, throttle, what the run has
 * learned), and `sendWithRetries`, which every request goes through: paced, retried, stopped when
 * the run must stop.
 */
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { resolveConnection, type AuthenticationMethod, type Connection } from './credentials';
import { describeFailure, type FailureReport } from './errors';
import { backoffMs, judge, retryAfterMs, stopsRun, type Verdict } from './policy';
import { sendRequest, type HubSpotExchange, type HubSpotRequest } from './request';
import { usePace } from './pace';
import type { RateLimitThrottle } from './throttle';

/**
 * `maxRetries`: further tries after the first, for rate limits and transient faults together;
 * `maxTotalWaitMs`: no request waits longer than this in total across its retries; backoff bases
 * for 5xx and network faults (`transientBaseMs`) and for a 429 when HubSpot gives no hint of how
 * long to wait (`rateLimitBaseMs`).
 */
const DEFAULT_RETRY_OPTIONS = {
	maxRetries: 5,
	maxTotalWaitMs: 120_000,
	transientBaseMs: 500,
	rateLimitBaseMs: 1_000,
	timeoutMs: undefined as number | undefined,
};
type RetryOptions = typeof DEFAULT_RETRY_OPTIONS;

/**
 * Everything the transport needs for one execution; made anew per execution, never kept. Only its
 * throttle is shared: with the other executions of this n8n process that use the same credential
 * (see pace.ts).
 */
export interface Transport {
	ctx: IExecuteFunctions | ILoadOptionsFunctions;
	connection: Connection;
	throttle: RateLimitThrottle;
	retry: RetryOptions;
	/** The execution is done with the shared throttle. */
	release(): void;
	/**
	 * Set when the execution shares requests with the process's other executions that use this
	 * credential (see batchQueue.ts): the credential's key, as its pace's.
	 */
	queueKey?: string;
	/**
	 * n8n's signal that the execution was stopped (Stop button, execution timeout); none in
	 * dropdowns.
	 */
	cancelSignal?: AbortSignal;
	/**
	 * Set by the first answer that no later request can get past (see `stopsRun`): nothing more is
	 * sent.
	 */
	halted?: FailureReport;
	/**
	 * Per endpoint path, the most pairs a request may carry, learned when HubSpot refuses one as too
	 * large.
	 */
	batchLimits: Map<string, number>;
	/**
	 * Per pair of object types, why HubSpot refused them (a type it does not know, a scope the
	 * credential lacks): not asked again.
	 */
	refusedTypes: Map<string, FailureReport>;
}

/**
 * `attempts`: HTTP requests this call made (1 + retries); `gaveUp`: set when it stopped retrying
 * because a bound was reached.
 */
export type SendResult = {
	exchange: HubSpotExchange;
	verdict: Verdict;
	attempts: number;
	gaveUp?: 'maxRetries' | 'maxWait';
};

/**
 * A request that was not sent, and why: the answer that stopped the run, or the refusal the caller
 * gave.
 */
export type NotSent = { notSent: FailureReport };

export function createTransport(
	ctx: IExecuteFunctions | ILoadOptionsFunctions,
	connection: Connection,
	retry: Partial<RetryOptions> = {},
	shareRequests = false,
): Transport {
	// Older n8n releases have no cancel signal; dropdowns (load options) have none either.
	const cancelSignal = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal?.call(ctx);
	// Executions share the pace of their credential; a dropdown's few requests keep one of their own.
	const credentialId =
		'getInputData' in ctx ? ctx.getNode().credentials?.[connection.credentialType]?.id : undefined;
	const key = credentialId
		? `${connection.credentialType}\u0000${credentialId}\u0000${connection.baseUrl}`
		: undefined;
	const { throttle, release } = usePace(key);
	return {
		queueKey: shareRequests ? key : undefined,
		ctx,
		connection,
		throttle,
		release,
		retry: { ...DEFAULT_RETRY_OPTIONS, ...retry },
		cancelSignal,
		batchLimits: new Map(),
		refusedTypes: new Map(),
	};
}

/**
 * Throws once n8n has stopped the execution: from then on nothing more goes to HubSpot, and the
 * node lets go of its worker at once. (n8n's request helper refuses a canceled execution's requests
 * by itself; those refusals look like network faults, which would be retried with backoff, holding
 * the execution for as long as the retry bounds allow.) The message says "canceled" as n8n's own
 * does: n8n keeps such an execution's status "canceled" rather than "error".
 */
export function stopIfCancelled(transport: Transport): void {
	if (!transport.cancelSignal?.aborted) return;
	const description =
		'Requests under way when it stopped may have been carried out. Removing associations is safe to repeat: run the node again to finish.';
	throw new NodeOperationError(
		transport.ctx.getNode(),
		'The execution was canceled: no further requests were sent to HubSpot',
		{ description },
	);
}

/**
 * Sleeps `ms`, or less when the execution is stopped meanwhile: naps of at most 250 ms notice the
 * stop.
 */
async function sleepUnlessStopped(ms: number, signal: AbortSignal | undefined): Promise<void> {
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now())
		await sleep(signal ? Math.min(250, left) : left);
}

/**
 * A place in the throttle taken before the request was made (see batchQueue.ts): the request's
 * first try goes in it instead of waiting for one; `ticket` is cleared once it is used.
 */
export type Slot = { ticket?: number };

/**
 * Sends one request, retrying what may be retried. Rate-limit waits go through the shared throttle,
 * so one 429 holds back every request of the execution, not only the one that got it. Once an
 * answer stops the run, this and every request still waiting in the throttle come back unsent; so
 * does one that `refused` gives a reason not to send by the time its turn comes.
 */
export async function sendWithRetries(
	transport: Transport,
	request: HubSpotRequest,
	refused: () => FailureReport | undefined = () => undefined,
	slot: Slot = {},
): Promise<SendResult | NotSent> {
	const { throttle, retry } = transport;
	let waited = 0;
	let attempts = 0;
	for (;;) {
		// A waiter whose execution stopped, or whose request may not go any more, leaves the throttle
		// at once, holding no place.
		const ticket =
			slot.ticket ??
			(await throttle.acquire(
				() =>
					transport.halted !== undefined ||
					transport.cancelSignal?.aborted === true ||
					refused() !== undefined,
			));
		slot.ticket = undefined;
		const blocked = transport.halted ?? refused();
		// A place taken for a request that does not go any more is given back.
		if (blocked || transport.cancelSignal?.aborted) throttle.forgo(ticket);
		stopIfCancelled(transport);
		if (blocked) return { notSent: blocked };
		attempts++;
		const exchange = await sendRequest(transport.ctx, transport.connection, {
			...request,
			timeoutMs: request.timeoutMs ?? retry.timeoutMs,
		});
		throttle.observe(exchange, ticket);
		// A request cut off by the stop comes back as a network error: it is not retried.
		stopIfCancelled(transport);
		const verdict = judge(exchange);
		if (stopsRun(exchange, verdict)) {
			transport.halted ??= describeFailure({ exchange, verdict, attempts }, transport.connection);
		}
		if (verdict.kind !== 'rateLimited' && verdict.kind !== 'transient')
			return { exchange, verdict, attempts };
		if (attempts > retry.maxRetries) return { exchange, verdict, attempts, gaveUp: 'maxRetries' };
		const spacing = verdict.kind === 'rateLimited' ? throttle.steadySpacingMs() : 0;
		const waitMs =
			verdict.kind === 'transient'
				? backoffMs(attempts, retry.transientBaseMs, retry.transientBaseMs * 32)
				: (retryAfterMs(exchange) ??
					(spacing > 0
						? backoffMs(
								attempts,
								Math.max(spacing * 2, 50),
								throttle.windowMs() || retry.rateLimitBaseMs * 10,
							)
						: backoffMs(attempts, retry.rateLimitBaseMs, retry.rateLimitBaseMs * 16)));
		if (waited + waitMs > retry.maxTotalWaitMs)
			return { exchange, verdict, attempts, gaveUp: 'maxWait' };
		waited += waitMs;
		if (verdict.kind === 'rateLimited') throttle.penalize(waitMs);
		else await sleepUnlessStopped(waitMs, transport.cancelSignal);
	}
}

/** A dropdown waits for HubSpot a little, not a whole run's worth of retries. */
const DROPDOWN_RETRY = { maxRetries: 2, maxTotalWaitMs: 10_000, timeoutMs: 15_000 };

/**
 * One GET for a dropdown, with the credential the node is set to use: the `results` of HubSpot's
 * answer, or why there are none.
 */
export async function hubspotGet(
	ctx: ILoadOptionsFunctions,
	path: string,
): Promise<{ ok: true; results: unknown[] } | { ok: false; report: FailureReport }> {
	const connection = await resolveConnection(
		ctx,
		ctx.getNodeParameter('authentication', 'oAuth2') as AuthenticationMethod,
	);
	const sent = await sendWithRetries(createTransport(ctx, connection, DROPDOWN_RETRY), {
		method: 'GET',
		path,
	});
	if ('notSent' in sent) return { ok: false, report: sent.notSent };
	if (sent.verdict.kind !== 'success')
		return { ok: false, report: describeFailure(sent, connection) };
	const results = (sent.exchange.body as { results?: unknown } | undefined)?.results;
	return { ok: true, results: Array.isArray(results) ? results : [] };
}
