/** HubSpot-shaped error bodies: {status:'error', message, correlationId, category, subCategory?, context?, errors?, links?}. */

export interface HubSpotError {
	status: 'error';
	message: string;
	correlationId: string;
	category: string;
	subCategory?: string;
	context?: Record<string, unknown>;
	errors?: Array<Record<string, unknown>>;
	links?: Record<string, string>;
	[extra: string]: unknown;
}

export function hubspotError(
	correlationId: string,
	category: string,
	message: string,
	extra: Partial<Omit<HubSpotError, 'status' | 'correlationId' | 'category' | 'message'>> = {},
): HubSpotError {
	return { status: 'error', message, correlationId, category, ...extra };
}

export const AUTH_NOT_FOUND_MESSAGE =
	'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export const MISSING_SCOPES_MESSAGE =
	"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.";

/**
 * Where a MISSING_SCOPES answer names the scopes (any one of them would do): `requiredGranularScopes` is how HubSpot answers today
 * (recorded from live portals, e.g. `{"requiredGranularScopes": ["crm.objects.contacts.read", "sales-email-read"]}`);
 * `requiredScopes` is the older answer's key, with the same message and links (HubSpot/hubspot-api-nodejs#268:
 * `{"requiredScopes": ["contacts"]}`).
 */
export type ScopesKey = 'requiredGranularScopes' | 'requiredScopes';

/** HubSpot's 403 MISSING_SCOPES, naming the scopes the call needs. */
export function missingScopesError(
	correlationId: string,
	scopes: string[],
	key: ScopesKey = 'requiredGranularScopes',
): HubSpotError {
	return hubspotError(correlationId, 'MISSING_SCOPES', MISSING_SCOPES_MESSAGE, {
		errors: [
			{ message: 'One or more of the following scopes are required.', context: { [key]: scopes } },
		],
		links: { scopes: 'https://developers.hubspot.com/scopes' },
	});
}

export function rateLimitBody(
	correlationId: string,
	policy: 'TEN_SECONDLY_ROLLING' | 'DAILY',
	groupName?: string,
): Record<string, unknown> {
	return {
		status: 'error',
		message:
			policy === 'DAILY'
				? 'You have reached your daily limit.'
				: 'You have reached your ten_secondly_rolling limit.',
		errorType: 'RATE_LIMIT',
		correlationId,
		policyName: policy,
		...(groupName ? { groupName } : {}),
	};
}

/** Default body for an injected fault status. */
export function faultBody(correlationId: string, status: number): Record<string, unknown> {
	if (status === 429) return rateLimitBody(correlationId, 'TEN_SECONDLY_ROLLING');
	if (status === 403)
		return { ...missingScopesError(correlationId, ['crm.objects.contacts.write']) };
	const byStatus: Record<number, [string, string]> = {
		400: ['VALIDATION_ERROR', 'Invalid input (injected fault)'],
		401: ['INVALID_AUTHENTICATION', AUTH_NOT_FOUND_MESSAGE],
		404: ['OBJECT_NOT_FOUND', 'Resource not found (injected fault)'],
		409: ['CONFLICT', 'Conflict (injected fault)'],
		500: ['INTERNAL_ERROR', 'internal error'],
		502: ['BAD_GATEWAY', 'Bad gateway'],
		503: ['SERVICE_UNAVAILABLE', 'Service unavailable'],
		504: ['GATEWAY_TIMEOUT', 'Gateway timeout'],
	};
	const [category, message] = byStatus[status] ?? ['ERROR', `HTTP ${status} (injected fault)`];
	return { ...hubspotError(correlationId, category, message) };
}
