import { redactAnswer } from '../../nodes/HubSpotAssociations/transport/errors';

describe('redactAnswer', () => {
	const secret = 'pat-na1-11111111-2222-3333-4444-555555555555';

	it('hands back the very answer when nothing in it is secret, and a scrubbed copy when something is', () => {
		const clean = {
			status: 'COMPLETE',
			results: [{ from: { id: '1' }, to: [{ toObjectId: 2, associationTypes: [] }] }],
		};
		expect(redactAnswer(clean, [secret])).toBe(clean);
		const echoed = {
			errors: [{ message: `token ${secret}` }],
			results: [{ note: 'Bearer abcdefghijklmnop' }],
		};
		const scrubbed = redactAnswer(echoed, [secret]);
		expect(scrubbed).toEqual({
			errors: [{ message: 'token [redacted]' }],
			results: [{ note: 'Bearer [redacted]' }],
		});
		expect(echoed.errors[0].message).toBe(`token ${secret}`);
		expect(redactAnswer(undefined, [secret])).toBeUndefined();
	});
});
