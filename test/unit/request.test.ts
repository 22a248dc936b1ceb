import { AuthError } from '@n8n/client-oauth2';
import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Connection } from '../../nodes/HubSpotAssociations/transport/credentials';
import { sendRequest } from '../../nodes/HubSpotAssociations/transport/request';

/**
 * How `sendRequest` reads what n8n's request helper throws. The engine tests drive the n8n-core this
 * repo installs; these cover the shapes other n8n versions throw, with a stand-in for the helper.
 */
const node: INode = { id: '1', name: 'HubSpot Associations', type: 'hubSpotAssociations', typeVersion: 1, position: [0, 0], parameters: {} };
const oAuth2: Connection = { authentication: 'oAuth2', credentialType: 'hubSpotAssociationsOAuth2Api', baseUrl: 'http://127.0.0.1:1', secrets: [] };

function throwing(error: unknown): IExecuteFunctions {
	return {
		helpers: {
			httpRequestWithAuthentication: async () => {
				throw error;
			},
		},
	} as unknown as IExecuteFunctions;
}

const send = async (error: unknown) => await sendRequest(throwing(error), oAuth2, { method: 'POST', path: '/crm/v4/x' });

describe('sendRequest: a refused OAuth2 refresh is a refusal, not a network fault', () => {
	const answer = { error: 'invalid_grant', error_description: 'missing or unknown refresh token', status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' };

	it('takes n8n 1.x\'s NodeApiError around the OAuth2 client\'s AuthError (which keeps only its code, as httpCode EAUTH) for a refusal', async () => {
		// The shape n8n 1.123's helper throws (read off its NodeApiError, n8n-workflow 1.x): no cause, no answer.
		const wrapped = Object.assign(new Error('The provided authorization grant … was issued to another client.'), { name: 'NodeApiError', httpCode: 'EAUTH' });
		const exchange = await send(wrapped);
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true });
		expect(exchange.networkCode).toBeUndefined();
	});

	it("keeps the token endpoint's RFC 6749 answer when the OAuth2 client's AuthError itself comes through", async () => {
		const exchange = await send(new NodeApiError(node, new AuthError(answer.error_description, answer) as unknown as JsonObject));
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true, body: answer });
		expect(exchange.networkCode).toBeUndefined();
	});

	it('takes n8n 2.x\'s own "needs to be reconnected" error (classed credential-invalid) for the same', async () => {
		const reconnect = Object.assign(new Error('The credential "HubSpot" needs to be reconnected.'), { failure: { cause: 'credential-invalid' } });
		const exchange = await send(Object.assign(new Error(reconnect.message), { cause: reconnect, httpCode: null }));
		expect(exchange).toMatchObject({ statusCode: 400, answerUnread: true });
		expect(exchange.networkCode).toBeUndefined();
	});

	it('still reads a failed connection as a network fault, to be retried', async () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
		const exchange = await send(Object.assign(new Error('The service refused the connection'), { cause: refused }));
		expect(exchange).toMatchObject({ statusCode: 0, networkCode: 'ECONNREFUSED' });
	});
});
