import { TimeLog } from '../../nodes/HubSpotAssociations/transport/timeLog';

describe('TimeLog: our requests as HubSpot’s window holds them', () => {
	it('counts and finds requests by the time they were let go, until answers say otherwise', () => {
		const log = new TimeLog();
		expect([log.add(0), log.add(10), log.add(20)]).toEqual([0, 1, 2]);
		expect(log.countIn(0, 20)).toBe(2);
		expect(log.countIn(-1, 20)).toBe(3);
		expect(log.nthIn(-1, 1)).toBe(10);
		expect(log.nthIn(-1, 3)).toBe(Number.POSITIVE_INFINITY);
	});

	it('moves an answered request to its answer less the quickest round trip, and never earlier', () => {
		const log = new TimeLog();
		const a = log.add(0);
		const b = log.add(5);
		log.answered(a, 50, 50); // quickest trip 50: counted at 0
		log.answered(b, 120, 115); // 120 - 50: counted at 70 at the latest
		expect(log.nthIn(-1, 0)).toBe(0);
		expect(log.nthIn(-1, 1)).toBe(70);
	});

	it('looks at every answered request again when a quicker round trip turns up', () => {
		const log = new TimeLog();
		const a = log.add(0);
		log.answered(a, 100, 100); // only trip so far: 100, so counted at 0
		const b = log.add(200);
		log.answered(b, 250, 50); // quicker: a may have been counted as late as 100 - 50 = 50
		expect(log.nthIn(-1, 0)).toBe(50);
		expect(log.nthIn(-1, 1)).toBe(200);
	});

	it('forgets refused requests and old ones, and counts by ticket what went before a request', () => {
		const log = new TimeLog();
		const tickets = [0, 1, 2, 3].map((t) => log.add(t * 10));
		log.remove(tickets[1]);
		expect(log.size).toBe(3);
		expect(log.countSentBy(-1, tickets[2])).toBe(2);
		log.dropBefore(10);
		expect(log.countIn(-1, 100)).toBe(2);
	});
});
