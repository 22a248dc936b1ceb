import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** A HubSpot private app (or service key) access token, sent as a Bearer token. */
export class HubSpotAssociationsAppTokenApi implements ICredentialType {
	name = 'hubSpotAssociationsAppTokenApi';
	displayName = 'HubSpot Associations Private App Token API';
	icon = 'file:hubspot.svg' as const;
	documentationUrl = 'https://developers.hubspot.com/docs/api/private-apps';
	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The private app\'s access token (starts with "pat-"). The app needs the write scopes of the objects whose associations you remove.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hubapi.com',
			description: 'Where HubSpot API calls go. Change only for a proxy or a test server.',
		},
	];

	/**
	 * A function, not the declarative header
	 * `{ type: 'generic', … '=Bearer {{$credentials.accessToken}}' }`: n8n signs every request by
	 * calling this, and a declarative header is an n8n expression that n8n evaluates anew for each
	 * request (in its `vm` expression engine, the default in n8n 2.x, a sandboxed evaluation). A
	 * 100,000-item run makes 1,000 requests; the header is the same each time. The token is trimmed:
	 * a space or line break pasted with it would otherwise be a 401, or a header Node refuses to
	 * send.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.accessToken ?? '').trim()}`,
			},
		};
	}

	/**
	 * A cheap authenticated call that any valid token may make; a blank Base URL is HubSpot's, as in
	 * the node.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ ($credentials.baseUrl || "").trim().replace(/\\/+$/, "") || "https://api.hubapi.com" }}',
			url: '/account-info/2026-03/details',
			method: 'GET',
			// As in the node: a redirect would carry the token to another address.
			disableFollowRedirect: true,
		},
	};
}
