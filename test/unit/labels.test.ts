import {
	parseLabel,
	parseLabelList,
	passesLabelFilter,
	type LabelFilter,
} from '../../nodes/HubSpotAssociations/helpers/labels';

const ref = (associationCategory: string, associationTypeId: number) => ({
	associationCategory,
	associationTypeId,
});

describe('parseLabel', () => {
	it.each([
		['USER_DEFINED:41', ref('USER_DEFINED', 41)],
		[' hubspot_defined : 279 ', ref('HUBSPOT_DEFINED', 279)],
		[
			{ associationCategory: 'INTEGRATOR_DEFINED', associationTypeId: 7 },
			ref('INTEGRATOR_DEFINED', 7),
		],
		[{ category: 'USER_DEFINED', typeId: '41', label: 'Decision maker' }, ref('USER_DEFINED', 41)],
		// Association type ids are int32 in HubSpot's specs (AssociationSpec.associationTypeId).
		['USER_DEFINED:2147483647', ref('USER_DEFINED', 2147483647)],
	])('reads %p', (value, expected) => {
		expect(parseLabel(value)).toEqual(expected);
	});

	it.each([
		['41'],
		['MADE_UP:41'],
		['USER_DEFINED:0'],
		['USER_DEFINED:-1'],
		['USER_DEFINED:4.5'],
		[{ category: 'USER_DEFINED' }],
		[41],
		[null],
		[['USER_DEFINED:41']],
		// Past int32 HubSpot would refuse the whole request.
		['USER_DEFINED:2147483648'],
		[{ associationCategory: 'USER_DEFINED', associationTypeId: 2 ** 40 }],
	])('refuses %p', (value) => {
		expect(parseLabel(value)).toBeUndefined();
	});
});

describe('parseLabelList', () => {
	it('takes one entry, arrays and comma-separated strings, dropping duplicates in order', () => {
		expect(parseLabelList('USER_DEFINED:41')).toEqual({
			ok: true,
			types: [ref('USER_DEFINED', 41)],
		});
		expect(parseLabelList('USER_DEFINED:41,HUBSPOT_DEFINED:1, USER_DEFINED:41')).toEqual({
			ok: true,
			types: [ref('USER_DEFINED', 41), ref('HUBSPOT_DEFINED', 1)],
		});
		expect(parseLabelList(['USER_DEFINED:43', { category: 'USER_DEFINED', typeId: 41 }])).toEqual({
			ok: true,
			types: [ref('USER_DEFINED', 43), ref('USER_DEFINED', 41)],
		});
	});

	it('refuses an empty list and names the entry that is not a label', () => {
		expect(parseLabelList([])).toEqual({ ok: false, reason: 'no labels were chosen' });
		expect(parseLabelList(' , ')).toEqual({ ok: false, reason: 'no labels were chosen' });
		const bad = parseLabelList(['USER_DEFINED:41', 'Decision maker']);
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.reason).toContain('entry 1, "Decision maker" is not a label');
	});
});

describe('passesLabelFilter', () => {
	const keys = new Set(['USER_DEFINED:41']);
	const labelled = [ref('HUBSPOT_DEFINED', 279), ref('USER_DEFINED', 41)];
	const plain = [ref('HUBSPOT_DEFINED', 279)];
	it.each<[LabelFilter['mode'], boolean, boolean]>([
		['all', true, true],
		['only', true, false],
		['except', false, true],
	])('%s: labelled %p, unlabelled %p', (mode, withLabel, without) => {
		const filter: LabelFilter = { mode, keys: mode === 'all' ? new Set() : keys };
		expect(passesLabelFilter(filter, labelled)).toBe(withLabel);
		expect(passesLabelFilter(filter, plain)).toBe(without);
	});
});
