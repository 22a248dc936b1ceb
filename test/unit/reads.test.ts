import {
	meansNothingToRemove,
	readPages,
} from '../../nodes/HubSpotAssociations/helpers/readAssociations';

describe('readPages', () => {
	it('reads from ids, numeric to ids with their labels, and the next cursor', () => {
		expect(
			readPages([
				{
					from: { id: '1' },
					to: [
						{
							toObjectId: 10,
							associationTypes: [
								{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null },
								{ category: 'USER_DEFINED', typeId: 41, label: 'X' },
							],
						},
						{ toObjectId: '11', associationTypes: [] },
					],
					paging: { next: { after: 'abc' } },
				},
				{ from: { id: '2' }, to: [] },
			]).pages,
		).toEqual([
			{
				fromId: '1',
				targets: [
					{
						toId: '10',
						types: [
							{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 },
							{ associationCategory: 'USER_DEFINED', associationTypeId: 41 },
						],
					},
					{ toId: '11', types: [] },
				],
				after: 'abc',
			},
			{ fromId: '2', targets: [] },
		]);
	});

	it('reads an empty cursor as the last page', () => {
		expect(
			readPages([{ from: { id: '1' }, to: [{ toObjectId: 7 }], paging: { next: { after: '' } } }])
				.pages,
		).toEqual([{ fromId: '1', targets: [{ toId: '7', types: [] }] }]);
	});

	// toObjectId is an int64 that JSON parsing turns into a double: past 2^53 its last digits are gone, and the node cannot know
	// which record it names. Skipping it would leave the association in place while the item reports success.
	it.each([
		[
			2 ** 60,
			'cannot be read: 1152921504606847000 is too large for a number to hold exactly (above 9007199254740991), so its last digits are lost',
		],
		[
			Number.MAX_SAFE_INTEGER + 2,
			'cannot be read: 9007199254740992 is too large for a number to hold exactly',
		],
		[-1, 'cannot be read: -1 is not a positive whole number'],
		[1.5, 'cannot be read: 1.5 is not a positive whole number'],
		['12a', 'cannot be read: "12a" is not a HubSpot record id'],
		[
			'9223372036854775808',
			'cannot be read: "9223372036854775808" is larger than the largest HubSpot record id',
		],
		[undefined, 'cannot be read: undefined is not a HubSpot record id'],
	])(
		'fails the record when an associated id (%p) cannot be read exactly, instead of skipping it',
		(toObjectId, why) => {
			const { pages } = readPages([
				{ from: { id: '1' }, to: [{ toObjectId: 7 }, { toObjectId, associationTypes: [] }] },
			]);
			expect(pages).toHaveLength(1);
			expect(pages[0].fromId).toBe('1');
			expect(pages[0].unreadable).toContain(why);
		},
	);

	it('fails the record when its list of associated records is not a list of records', () => {
		expect(readPages([{ from: { id: '1' }, to: [7] }]).pages[0].unreadable).toContain(
			"an associated record in HubSpot's answer is 7, not a record",
		);
		expect(readPages([{ from: { id: '1' }, to: 'x' }]).pages[0].unreadable).toContain(
			'no list of associated records',
		);
	});

	it('says so when a result names a record it cannot read exactly: it cannot be told whose it is', () => {
		const read = readPages([
			{ from: { id: '2' }, to: [] },
			{ from: { id: 2 ** 60 }, to: [{ toObjectId: 7 }] },
		]);
		expect(read.pages).toEqual([{ fromId: '2', targets: [] }]);
		expect(read.unattributed).toContain(
			'names its record by an id that cannot be read: 1152921504606847000 is too large for a number to hold exactly',
		);
		expect(readPages([null]).unattributed).toContain(
			"HubSpot's answer holds null, which is not a result",
		);
		expect(readPages([{ to: [] }]).unattributed).toContain('undefined is not a HubSpot record id');
	});
});

describe('meansNothingToRemove', () => {
	it.each([
		[
			{ category: 'OBJECT_NOT_FOUND', message: 'No company is associated with deal 515690208449.' },
			true,
		],
		[{ subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND' }, true],
		[{ message: 'No associations found for 2' }, true],
		[{ category: 'VALIDATION_ERROR', message: 'Record 2 is locked' }, false],
		[{ category: 'MISSING_SCOPES' }, false],
	])('%p → %p', (error, expected) => {
		expect(meansNothingToRemove(error)).toBe(expected);
	});
});
