import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { resolveConnection, type AuthenticationMethod } from '../transport/credentials';
import { describeFailure, type FailureReport } from '../transport/errors';
import { createTransport, sendWithRetries } from '../transport/send';

/** A dropdown waits for HubSpot a little, not a whole run's worth of retries. */
const DROPDOWN_RETRY = { maxRetries: 2, maxTotalWaitMs: 10_000, timeoutMs: 15_000 };

export type DropdownAnswer = { ok: true; body: unknown } | { ok: false; report: FailureReport };

/**
 * One GET for a dropdown, through the node's own transport (credential choice, redaction, retries on
 * 429/5xx), with the credential the node is set to use.
 */
export async function hubspotGet(ctx: ILoadOptionsFunctions, path: string): Promise<DropdownAnswer> {
	const authentication = ctx.getNodeParameter('authentication', 'oAuth2') as AuthenticationMethod;
	const connection = await resolveConnection(ctx, authentication);
	const transport = createTransport(ctx, connection, DROPDOWN_RETRY);
	const sent = await sendWithRetries(transport, { method: 'GET', path });
	if ('notSent' in sent) return { ok: false, report: sent.notSent };
	if (sent.verdict.kind === 'success') return { ok: true, body: sent.exchange.body };
	return { ok: false, report: describeFailure(sent, connection) };
}
