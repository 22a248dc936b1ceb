/**
 * A scripted OpenAI-compatible chat model on 127.0.0.1, for n8n's OpenAI Chat Model (its credential's Base URL points here). It
 * answers `POST /v1/chat/completions` as OpenAI's Chat Completions API does (https://platform.openai.com/docs/api-reference/chat:
 * `choices[0].message.tool_calls` with `finish_reason: "tool_calls"`, then a plain answer with `"stop"`; not streamed), and records
 * every request body n8n sends.
 *
 * Like a model, it builds each tool call from what it is offered alone: it reads the first tool's JSON schema and fills each
 * parameter whose description speaks of the "from side" or "to side" (or of checking only) with the scenario's values. The
 * scenario is picked by the user's prompt.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolSpec {
	type: 'function';
	function: {
		name: string;
		description: string;
		parameters: {
			type: string;
			properties: Record<string, { type?: string; description?: string }>;
			required?: string[];
		};
	};
}

export interface ChatRequest {
	model: string;
	stream?: boolean;
	messages: Array<{
		role: string;
		content: unknown;
		tool_call_id?: string;
		tool_calls?: unknown[];
	}>;
	tools?: ToolSpec[];
}

/** What the scripted model means to do for one prompt: one tool call per entry, then a final answer. */
export interface Scenario {
	calls: Array<{ from: string; to?: string; dryRun?: boolean }>;
	/** Runs when the scenario's first request arrives (e.g. to spend the emulator's daily limit). */
	onStart?: () => void;
}

export interface ScriptedModel {
	/** The Base URL for n8n's OpenAI credential. */
	baseUrl: string;
	requests: ChatRequest[];
	close(): Promise<void>;
}

const text = (content: unknown): string =>
	typeof content === 'string' ? content : JSON.stringify(content);

/** The arguments a model would build from the tool's schema and the parameters' descriptions. */
export function argumentsFor(
	tool: ToolSpec,
	call: Scenario['calls'][number],
): Record<string, unknown> {
	const args: Record<string, unknown> = {};
	for (const [key, property] of Object.entries(tool.function.parameters.properties)) {
		const description = property.description ?? '';
		if (/from side/i.test(description)) args[key] = call.from;
		else if (/to side/i.test(description)) args[key] = call.to;
		else if (property.type === 'boolean') args[key] = call.dryRun ?? false;
	}
	return args;
}

function completion(model: string, message: Record<string, unknown>, finishReason: string) {
	return {
		id: `chatcmpl-scripted-${Date.now()}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

export async function startScriptedModel(
	scenarios: Record<string, Scenario>,
): Promise<ScriptedModel> {
	const requests: ChatRequest[] = [];
	const started = new Set<string>();
	const answer = (request: ChatRequest) => {
		const prompt = text(request.messages.filter((m) => m.role === 'user').pop()?.content ?? '');
		const name = Object.keys(scenarios).find((key) => prompt.includes(key));
		const scenario = name ? scenarios[name] : undefined;
		if (name && scenario && !started.has(name)) {
			started.add(name);
			scenario.onStart?.();
		}
		const answered = request.messages.filter((m) => m.role === 'tool');
		const tool = request.tools?.[0];
		const next = scenario?.calls[answered.length];
		if (tool && next) {
			const call = {
				id: `call_${name}_${answered.length}`,
				type: 'function',
				function: { name: tool.function.name, arguments: JSON.stringify(argumentsFor(tool, next)) },
			};
			return completion(
				request.model,
				{ role: 'assistant', content: null, tool_calls: [call] },
				'tool_calls',
			);
		}
		return completion(
			request.model,
			{
				role: 'assistant',
				content: `The tool said: ${answered.map((m) => text(m.content)).join(' | ')}`,
			},
			'stop',
		);
	};
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		let raw = '';
		req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
		req.on('end', () => {
			if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
				res
					.writeHead(404, { 'content-type': 'application/json' })
					.end(JSON.stringify({ error: { message: `Not scripted: ${req.method} ${req.url}` } }));
				return;
			}
			const request = JSON.parse(raw) as ChatRequest;
			requests.push(request);
			// n8n's Agent streams only under a trigger that streams its answer (the Chat Trigger); a run from the CLI does not.
			if (request.stream) {
				res
					.writeHead(400, { 'content-type': 'application/json' })
					.end(JSON.stringify({ error: { message: 'Streaming is not scripted' } }));
				return;
			}
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(JSON.stringify(answer(request)));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
