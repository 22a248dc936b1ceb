import { usePace } from '../../nodes/HubSpotAssociations/transport/pace';

describe('usePace', () => {
	it('gives executions of one credential one throttle, others their own, and drops it when the last lets go', () => {
		const a = usePace('token\u0000cred-1\u0000https://api.hubapi.com');
		const b = usePace('token\u0000cred-1\u0000https://api.hubapi.com');
		const other = usePace('token\u0000cred-2\u0000https://api.hubapi.com');
		const elsewhere = usePace('token\u0000cred-1\u0000http://127.0.0.1:9');
		expect(b.throttle).toBe(a.throttle);
		expect(other.throttle).not.toBe(a.throttle);
		expect(elsewhere.throttle).not.toBe(a.throttle);
		a.release();
		a.release();
		// b still uses it: a third execution joins the same pace.
		const c = usePace('token\u0000cred-1\u0000https://api.hubapi.com');
		expect(c.throttle).toBe(b.throttle);
		b.release();
		c.release();
		// Nobody uses it any more: the next execution starts a new one.
		const d = usePace('token\u0000cred-1\u0000https://api.hubapi.com');
		expect(d.throttle).not.toBe(b.throttle);
		for (const pace of [d, other, elsewhere]) pace.release();
	});

	it('gives a caller without a key (a dropdown) a throttle of its own every time', () => {
		expect(usePace(undefined).throttle).not.toBe(usePace(undefined).throttle);
	});
});
