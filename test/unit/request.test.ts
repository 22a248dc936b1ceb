import { AuthError } from '@n8n/client-oauth2';
// Not exported from the package's index; what its token request throws for a refusal without RFC 6749's `error`.
import { ResponseError } from '@n8n/client-oauth2/dist/client-oauth2';
import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Connection } from '../../nodes/HubSpotAssociations/transport/credentials';
import { describeFailure } from '../../nodes/HubSpotAssociations/transport/errors';
import { judge, stopsRun } from '../../nodes/HubSpotAssociations/transport/policy';
import { sendRequest } from '../../nodes/HubSpotAssociations/transport/request';

/**
 * How `sendRequest` reads what n8n's request helper throws. The engine tests drive the n8n-core this
 * repo installs; these cover the shapes other n8n versions throw, with a stand-in for the helper.
 */
const node: INode = {
	id: '1',
	name: 'HubSpot Associations',
	type: 'hubSpotAssociations',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const oAuth2: Connection = {
	authentication: 'oAuth2',
	credentialType: 'hubSpotAssociationsOAuth2Api',
	baseUrl: 'http://127.0.0.1:1',
	secrets: [],
};

function throwing(error: unknown): IExecuteFunctions {
	return {
		helpers: {
			httpRequestWithAuthentication: async () => {
				throw error;
			},
		},
	} as unknown as IExecuteFunctions;
}

const send = async (error: unknown) =>
	await sendRequest(throwing(error), oAuth2, { method: 'POST', path: '/crm/v4/x' });

describe('sendRequest: a refused OAuth2 refresh is a refusal, not a network fault', () => {
	const answer = {
		error: 'invalid_grant',
		error_description: 'missing or unknown refresh token',
		status: 'BAD_REFRESH_TOKEN',
		message: 'missing or unknown refresh token',
	};

	it("takes n8n 1.x's NodeApiError around the OAuth2 client's AuthError (which keeps only its code, as httpCode EAUTH) for a refusal", async () => {
		// The shape n8n 1.123's helper throws (read off its NodeApiError, n8n-workflow 1.x): no cause, no answer.
		const wrapped = Object.assign(
			new Error('The provided authorization grant … was issued to another client.'),
			{ name: 'NodeApiError', httpCode: 'EAUTH' },
		);
		const exchange = await send(wrapped);
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true });
		expect(exchange.networkCode).toBeUndefined();
	});

	it("keeps the token endpoint's RFC 6749 answer when the OAuth2 client's AuthError itself comes through", async () => {
		const exchange = await send(
			new NodeApiError(
				node,
				new AuthError(answer.error_description, answer) as unknown as JsonObject,
			),
		);
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true, body: answer });
		expect(exchange.networkCode).toBeUndefined();
	});

	it('takes n8n 2.x\'s own "needs to be reconnected" error (classed credential-invalid) for the same', async () => {
		const reconnect = Object.assign(
			new Error('The credential "HubSpot" needs to be reconnected.'),
			{ failure: { cause: 'credential-invalid' } },
		);
		const exchange = await send(
			Object.assign(new Error(reconnect.message), { cause: reconnect, httpCode: null }),
		);
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true });
		expect(exchange.networkCode).toBeUndefined();
	});

	it("takes the OAuth2 client's ResponseError (a refusal without RFC 6749's `error`, as HubSpot's v1 token endpoint answers) for a refusal, with the answer", async () => {
		const v1Answer = {
			status: 'BAD_REFRESH_TOKEN',
			message: 'missing or unknown refresh token',
			correlationId: 'c-1',
		};
		// n8n-core 2.40/2.41: NodeApiError around it, httpCode '400' found on the ResponseError's `status`; no `response` anywhere.
		const exchange = await send(
			new NodeApiError(
				node,
				new ResponseError(400, JSON.stringify(v1Answer)) as unknown as JsonObject,
			),
		);
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true, body: v1Answer });
	});

	it('still reads a failed connection as a network fault, to be retried', async () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
			code: 'ECONNREFUSED',
		});
		const exchange = await send(
			Object.assign(new Error('The service refused the connection'), { cause: refused }),
		);
		expect(exchange).toMatchObject({ statusCode: 0, networkCode: 'ECONNREFUSED' });
	});
});

describe('sendRequest: an error with only an HTTP code is judged by that code, not taken for a refused refresh', () => {
	const hubspot400 = {
		status: 'error',
		message: 'Invalid input JSON on line 1',
		correlationId: 'c-400',
		category: 'VALIDATION_ERROR',
	};

	it("a NodeApiError with httpCode 400 and HubSpot's answer in its context, but no response layer, is HubSpot's 400", async () => {
		// n8n's NodeApiError keeps an answer's status and data (httpCode, context.data) even where the layer holding the response
		// is gone: a plain refusal of the API call, nothing to do with the token.
		const error = new NodeApiError(node, {
			message: hubspot400.message,
			httpCode: '400',
		} as JsonObject);
		error.context.data = hubspot400;
		const exchange = await send(error);
		expect(exchange).toMatchObject({ statusCode: 400, body: hubspot400 });
		expect(exchange.answerUnread).toBeUndefined();
		// Fatal for its batch only, in HubSpot's words, and nothing about the credential.
		const verdict = judge(exchange);
		expect(verdict.kind).toBe('fatal');
		expect(stopsRun(exchange, verdict)).toBe(false);
		const report = describeFailure({ exchange, verdict, attempts: 1 }, oAuth2);
		expect(report.message).toBe('HubSpot refused the request (400)');
		expect(report.description).not.toMatch(/reconnect/i);
	});

	it('a 5xx in the same shape stays a 5xx', async () => {
		const exchange = await send(
			new NodeApiError(node, { message: 'Service unavailable', httpCode: '503' } as JsonObject),
		);
		expect(exchange.statusCode).toBe(503);
		expect(exchange.answerUnread).toBeUndefined();
	});
});
