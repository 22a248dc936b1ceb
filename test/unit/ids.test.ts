import { parseId, parseIdList } from '../../nodes/HubSpotAssociations/helpers/ids';
import { normalizeObjectType } from '../../nodes/HubSpotAssociations/helpers/objectTypes';
import { fieldPathOf, readPath } from '../../nodes/HubSpotAssociations/helpers/readItems';
import { idsNamedByError } from '../../nodes/HubSpotAssociations/helpers/responses';

describe('parseId', () => {
	it.each([
		[123, '123'],
		['123', '123'],
		[' 42 ', '42'],
		['007', '7'],
		// HubSpot's record ids are signed 64-bit integers (int64 in its OpenAPI specs): the largest is 2^63 - 1.
		['9223372036854775807', '9223372036854775807'],
		['0009223372036854775807', '9223372036854775807'],
		[2n ** 63n - 1n, '9223372036854775807'],
		[Number.MAX_SAFE_INTEGER, '9007199254740991'],
	])('accepts %p as %p', (input, expected) => {
		expect(parseId(input)).toEqual({ ok: true, id: expected });
	});

	it.each([
		[0, 'positive'],
		[-5, 'positive'],
		[1.5, 'positive'],
		[Number.NaN, 'positive'],
		['', 'empty'],
		['   ', 'empty'],
		['12 34', 'digits only'],
		['abc', 'digits only'],
		['１２３', 'digits only'],
		['-5', 'digits only'],
		['1e3', 'digits only'],
		['0', '0 is not'],
		[2 ** 60, 'pass the id as a string of digits'],
		[Number.MAX_SAFE_INTEGER + 1, 'larger than a number can hold exactly'],
		[null, 'null'],
		[undefined, 'undefined'],
		[{ id: 1 }, 'an object'],
		[true, 'true'],
		// Past the largest int64 HubSpot refuses the whole request, and its answer may not name the id.
		['9223372036854775808', 'larger than the largest HubSpot record id (9223372036854775807)'],
		[
			'12345678901234567890123',
			'"12345678901234567890123" is larger than the largest HubSpot record id',
		],
		[2n ** 63n, 'larger than the largest HubSpot record id'],
	])('refuses %p, saying why', (input, why) => {
		const result = parseId(input);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toContain(why);
	});

	it.each([['x'], ['9']])('shows a long string of %p shortened in its reason', (char) => {
		const result = parseId(char.repeat(100_000));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason.length).toBeLessThan(200);
		if (!result.ok) expect(result.reason).toContain('(100000 characters)');
	});
});

describe('parseIdList', () => {
	it('takes one id, an array, or a comma-separated string, and drops duplicates in order', () => {
		expect(parseIdList(5)).toEqual({ ok: true, ids: ['5'] });
		expect(parseIdList('5')).toEqual({ ok: true, ids: ['5'] });
		expect(parseIdList([5, '6', 5])).toEqual({ ok: true, ids: ['5', '6'] });
		expect(parseIdList('5, 6,7')).toEqual({ ok: true, ids: ['5', '6', '7'] });
	});

	it.each([[[]], [''], [null], [undefined], [[1, [2]]], ['1,,2'], [[1, 'x']]])(
		'refuses %p',
		(input) => {
			expect(parseIdList(input).ok).toBe(false);
		},
	);
});

describe('idsNamedByError', () => {
	it('reads the ids an error names by the same rule as the ids of items', () => {
		const named = idsNamedByError({
			id: ' 007 ',
			context: {
				ids: ['0', '9223372036854775808', 42, 2 ** 60, '9223372036854775807'],
				fromObjectId: ['12345678901234567890123', '5'],
			},
		});
		expect([...named.either]).toEqual(['7', '42', '9223372036854775807']);
		expect([...named.from]).toEqual(['5']);
	});
});

describe('normalizeObjectType', () => {
	it.each([
		['contacts', 'contacts'],
		['Contacts', 'contacts'],
		['contact', 'contacts'],
		['0-1', 'contacts'],
		['0-2', 'companies'],
		['line_items', 'line_items'],
		['2-1234567', '2-1234567'],
		['p1234567_cars', 'p1234567_cars'],
		// Newer standard objects go by type id, by name or id as typed.
		['leads', '0-136'],
		['Lead', '0-136'],
		['0-136', '0-136'],
		['invoices', '0-53'],
		['0-123', '0-123'],
		['feedback_submissions', '0-19'],
		// Well-formed but not in the list: HubSpot judges them.
		['0-999', '0-999'],
		['goal_targets', '0-74'],
		['contactz', 'contactz'],
		['P1234567_Cars', 'p1234567_cars'],
	])('accepts %p as %p', (input, expected) => {
		expect(normalizeObjectType(input)).toEqual({ ok: true, value: expected });
	});

	it.each([
		[''],
		['  '],
		['2-'],
		['1-5'],
		['../contacts'],
		['contacts/../x'],
		['line items'],
		['contacts?x=1'],
		[null],
		[12],
	])('refuses %p', (input) => {
		expect(normalizeObjectType(input).ok).toBe(false);
	});
});

describe('fieldPathOf', () => {
	it.each([
		['={{ $json.id }}', ['id']],
		['={{$json.contact.id}}', ['contact', 'id']],
		['={{ $json["company ids"][0] }}', ['company ids', '0']],
		["={{ $json['a'].b }}", ['a', 'b']],
		['={{ $json?.a?.b }}', ['a', 'b']],
	])('reads %p as a plain field path', (raw, path) => {
		expect(fieldPathOf(raw)).toEqual(path);
	});

	it.each([
		['={{ $json.id + 1 }}'],
		['={{ $("Node").item.json.id }}'],
		['{{ $json.id }}'],
		['=x{{ $json.id }}'],
		['12'],
		[undefined],
	])('leaves %p to the expression engine', (raw) => {
		expect(fieldPathOf(raw)).toBeUndefined();
	});

	it('follows a path through plain data', () => {
		expect(readPath({ a: { b: [1, 2] } }, ['a', 'b', '1'])).toBe(2);
		expect(readPath({ a: null }, ['a', 'b'])).toBeUndefined();
		expect(readPath({}, ['constructor'])).toBeUndefined();
	});
});
