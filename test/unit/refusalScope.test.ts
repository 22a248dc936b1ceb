import { judge, refusalScope } from '../../nodes/HubSpotAssociations/transport/policy';
import type { HubSpotExchange } from '../../nodes/HubSpotAssociations/transport/request';

/** How far each refusal reaches: the run, the pair of object types of its request, or that request only. */
const answer = (statusCode: number, body: unknown): HubSpotExchange => ({
	statusCode,
	headers: {},
	body,
	sentAt: new Date(0),
	receivedAt: new Date(0),
});
const scopeOf = (exchange: HubSpotExchange) => refusalScope(exchange, judge(exchange));

/** HubSpot's MISSING_SCOPES, with the scopes under the given key. */
const missingScopes = (scopes: string[], key = 'requiredGranularScopes') => ({
	status: 'error',
	message: "This app hasn't been granted all required scopes to make this call.",
	category: 'MISSING_SCOPES',
	errors: [
		{ message: 'One or more of the following scopes are required.', context: { [key]: scopes } },
	],
});

describe('refusalScope', () => {
	it.each([
		[['tickets']],
		[['crm.objects.deals.write']],
		[['crm.objects.custom.write']],
		[['crm.objects.line_items.write', 'e-commerce']],
		[['e-commerce']],
		[['crm.objects.leads.read']],
	])('a 403 for the scopes %j stops the pair of object types', (scopes) => {
		expect(scopeOf(answer(403, missingScopes(scopes)))).toBe('types');
		expect(scopeOf(answer(403, missingScopes(scopes, 'requiredScopes')))).toBe('types');
	});

	it("a 403 with the scopes as the API reference's string, or naming an object type, stops the pair", () => {
		expect(
			scopeOf(
				answer(403, { errors: [{ context: '{missingScopes=[crm.objects.companies.write]}' }] }),
			),
		).toBe('types');
		expect(
			scopeOf(answer(403, { message: 'Forbidden', context: { objectType: ['TICKET'] } })),
		).toBe('types');
	});

	it.each([
		['no body', undefined],
		["a proxy's page", '<html>Forbidden</html>'],
		['no scope', { status: 'error', message: 'Forbidden', category: 'FORBIDDEN' }],
		['only scopes of no object type', missingScopes(['oauth', 'crm.schemas.custom.read'])],
		['the legacy scope of several objects', missingScopes(['contacts'], 'requiredScopes')],
		[
			'a missing permission to edit associations',
			{
				status: 'error',
				message: "Missing 'Edit Associations' permission.",
				category: 'FORBIDDEN',
			},
		],
	])('a 403 with %s stops the run', (_name, body) => {
		expect(scopeOf(answer(403, body))).toBe('run');
	});

	it("2026-09's missing permission to edit associations stops the run: the user's permission, whatever the object types", () => {
		expect(
			scopeOf(
				answer(400, {
					status: 'error',
					message: "Missing 'Edit Associations' permission.",
					category: 'VALIDATION_ERROR',
				}),
			),
		).toBe('run');
	});

	it('only the words for an unknown object type block a pair; any other 404 concerns its request', () => {
		expect(
			scopeOf(
				answer(400, { status: 'error', message: 'Unable to infer object type from: widgets' }),
			),
		).toBe('types');
		expect(
			scopeOf(
				answer(404, {
					status: 'error',
					message: 'Unable to infer object type from: widgets',
					category: 'OBJECT_NOT_FOUND',
				}),
			),
		).toBe('types');
		expect(
			scopeOf(
				answer(404, {
					status: 'error',
					message: 'resource not found',
					category: 'OBJECT_NOT_FOUND',
				}),
			),
		).toBe('request');
		expect(scopeOf(answer(404, '<html>Not Found</html>'))).toBe('request');
		expect(
			scopeOf(
				answer(400, { status: 'error', message: 'Invalid input', category: 'VALIDATION_ERROR' }),
			),
		).toBe('request');
	});
});
