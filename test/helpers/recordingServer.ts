import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordingServer {
	url: string;
	/** Every request that reached it: method and Authorization header. */
	seen: Array<{ method?: string; authorization?: string }>;
	close(): Promise<void>;
}

/**
 * A server at another address that records what reaches it, as a redirect's target would (answering
 * like HubSpot's archive, so that a followed redirect would look like a success). No jest hooks here,
 * so the e2e can use it too.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
	const seen: RecordingServer['seen'] = [];
	const server = createServer((req, res) => {
		seen.push({ method: req.method, authorization: req.headers.authorization });
		res
			.writeHead(200, { 'content-type': 'application/json' })
			.end('{"status":"COMPLETE","results":[]}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
