import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * HubSpot's OAuth endpoints, in one place. The token URL is HubSpot's dated OAuth API (2026-03):
 * the v1 endpoint (`/oauth/v1/token`) is retired on 2027-02-16. The new one takes the same grants
 * with every parameter in the form body, which is how n8n sends them with `authentication: 'body'`
 * below, and answers with the standard `access_token`, `refresh_token`, `expires_in` fields n8n
 * reads.
 */
export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';
export const HUBSPOT_TOKEN_URL = 'https://api.hubapi.com/oauth/2026-03/token';

/**
 * The scopes asked for by default (users may change them to match their HubSpot app): removing
 * associations touches both records' objects, so write scopes of the standard objects are needed.
 * `oauth` is HubSpot's base scope for any OAuth app.
 */
const REQUIRED_SCOPES = [
	'oauth',
	'crm.objects.contacts.read',
	'crm.objects.contacts.write',
	'crm.objects.companies.read',
	'crm.objects.companies.write',
	'crm.objects.deals.read',
	'crm.objects.deals.write',
];

/**
 * Asked for but not required: HubSpot refuses an install that requires a scope the portal's tier
 * does not have (custom objects are Enterprise-only), so these go in `optional_scope`.
 */
const OPTIONAL_SCOPES = [
	'tickets',
	'crm.objects.custom.read',
	'crm.objects.custom.write',
	'crm.schemas.custom.read',
	'crm.objects.line_items.read',
	'crm.objects.line_items.write',
	'crm.objects.products.read',
	'crm.objects.products.write',
	'crm.objects.quotes.read',
	'crm.objects.quotes.write',
	'e-commerce',
];

export class HubSpotAssociationsOAuth2Api implements ICredentialType {
	name = 'hubSpotAssociationsOAuth2Api';
	extends = ['oAuth2Api'];
	displayName = 'HubSpot Associations OAuth2 API';
	icon = 'file:hubspot.svg' as const;
	documentationUrl = 'https://developers.hubspot.com/docs/api/oauth-quickstart-guide';
	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.hubapi.com',
			description:
				"Where HubSpot API calls go. Change only for a proxy or a test server: n8n still refreshes the access token at HubSpot's own token URL.",
		},
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: HUBSPOT_AUTHORIZE_URL,
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: HUBSPOT_TOKEN_URL,
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: REQUIRED_SCOPES.join(' '),
			description:
				"Scopes the app must be granted, separated by spaces; they must be among your HubSpot app's scopes. Add the write scope of each object whose associations you remove, e.g. crm.objects.leads.write.",
		},
		{
			displayName: 'Optional Scopes',
			name: 'optionalScopes',
			type: 'string',
			default: OPTIONAL_SCOPES.join(' '),
			description:
				"Scopes granted where the HubSpot account has them (custom objects need Enterprise), separated by spaces; they must be among your HubSpot app's optional scopes.",
		},
		{
			// HubSpot takes optional scopes in their own parameter of the consent address.
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default:
				'={{ $self.optionalScopes && $self.optionalScopes.trim() ? "optional_scope=" + encodeURIComponent($self.optionalScopes.trim()) : "" }}',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}
