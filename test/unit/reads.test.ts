import { meansNothingToRemove, readPages } from '../../nodes/HubSpotAssociations/helpers/readAssociations';

describe('readPages', () => {
	it('reads from ids, numeric to ids with their labels, and the next cursor', () => {
		expect(
			readPages([
				{
					from: { id: '1' },
					to: [
						{ toObjectId: 10, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }, { category: 'USER_DEFINED', typeId: 41, label: 'X' }] },
						{ toObjectId: '11', associationTypes: [] },
					],
					paging: { next: { after: 'abc' } },
				},
				{ from: { id: '2' }, to: [] },
			]),
		).toEqual([
			{
				fromId: '1',
				targets: [
					{ toId: '10', types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }, { associationCategory: 'USER_DEFINED', associationTypeId: 41 }] },
					{ toId: '11', types: [] },
				],
				after: 'abc',
			},
			{ fromId: '2', targets: [] },
		]);
	});

	it('skips what it cannot read instead of guessing', () => {
		expect(readPages([null, 'x', { from: {} }, { from: { id: '1' }, to: [{ toObjectId: -1 }, { toObjectId: 1.5 }, { toObjectId: 7 }], paging: { next: { after: '' } } }])).toEqual([
			{ fromId: '1', targets: [{ toId: '7', types: [] }] },
		]);
	});
});

describe('meansNothingToRemove', () => {
	it.each([
		[{ category: 'OBJECT_NOT_FOUND', message: 'No company is associated with deal 515690208449.' }, true],
		[{ subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND' }, true],
		[{ message: 'No associations found for 2' }, true],
		[{ category: 'VALIDATION_ERROR', message: 'Record 2 is locked' }, false],
		[{ category: 'MISSING_SCOPES' }, false],
	])('%p → %p', (error, expected) => {
		expect(meansNothingToRemove(error)).toBe(expected);
	});
});
