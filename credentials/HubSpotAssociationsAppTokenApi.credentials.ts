import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
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

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
			},
		},
	};

	/** A cheap authenticated call that any valid token may make. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/account-info/v3/details',
			method: 'GET',
			// As in the node: a redirect would carry the token to another address.
			disableFollowRedirect: true,
		},
	};
}
