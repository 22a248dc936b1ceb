/**
 * The node as an AI tool (its "HubSpot Associations Tool" variant under n8n's AI Agent or MCP
 * Server Trigger). n8n gives the caller the node's output items as JSON and, when the node throws,
 * its error: n8n 2.40's Agent v2 (LangChain's AgentExecutor) then hands the model an empty tool
 * message, and a model told nothing says the association is gone; Agent v3 hands it only
 * `{ error: message }`, or nothing at all when the node's On Error sends the error to its error
 * output (@n8n/n8n-nodes-langchain's utils/agent-execution/buildSteps.js, n8n-core's
 * WorkflowExecute.handleNodeExecutionError). n8n's own tools (HTTP Request Tool, Code Tool) answer
 * a failure in words instead ("There was an error: …"); so does this node under an agent. It
 * answers with one short item saying what was removed, what was not and why, and what the user can
 * do, however many pairs the call carried.
 *
 * Under the MCP Server Trigger the same words go out as an MCP tool error: the trigger marks a
 * result `isError` only when the tool threw (McpServer's CallTool handler → MessageFormatter.
 * formatError, or a worker's `{ error: { message } }` in queue mode); a returned item, whatever
 * it says, is an ordinary result (@n8n/n8n-nodes-langchain 2.40, nodes/mcp/McpTrigger). So there
 * a call that did not remove everything throws, with the answer's words as its message.
 */
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * Whether the engine runs this node for an agent: n8n's AI Agent v3 (the version n8n 2.40 gives a
 * new workflow) does not invoke a tool but asks the engine to run the tool's node as an ordinary
 * node, with isToolExecution() false, and marks that node so (n8n-core's requests-response.js,
 * `node.rewireOutputLogTo = 'ai_tool'`). Its output items are what the model gets.
 */
const runForAgentByEngine = (ctx: IExecuteFunctions): boolean =>
	ctx.getNode().rewireOutputLogTo === NodeConnectionTypes.AiTool;

/**
 * Whether this run is a tool call. n8n's own signal (`isToolExecution`, n8n 1.9x and later), or the
 * mark of Agent v3's engine run; a runtime without either is told by the tool variant's type name,
 * which n8n forms by appending "Tool" (its `@tool` display option reads it the same way).
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	if (runForAgentByEngine(ctx)) return true;
	return typeof ctx.isToolExecution === 'function'
		? ctx.isToolExecution()
		: ctx.getNode().type.endsWith('Tool');
}

/** n8n's MCP Server Trigger (@n8n/n8n-nodes-langchain). */
const MCP_SERVER_TRIGGER = '@n8n/n8n-nodes-langchain.mcpTrigger';

/**
 * Whether this tool call comes from an MCP client, through n8n's MCP Server Trigger rather than an
 * agent. n8n builds a tool's context with its caller's execute data (n8n-core's
 * getInputConnectionData): the Agent's under an agent (v1, v2), the trigger's when the trigger's
 * webhook runs the call. In queue mode a worker runs the MCP call with the tool's own node as the
 * executing node (n8n's JobProcessor.invokeTool). Ask it only of a tool call (runsAsTool). n8n's
 * Agent v3 has the engine run a tool as an ordinary node, its own node executing too (engine
 * requests, n8n-core's requests-response): that node's mark tells it from an MCP worker's call.
 */
export function calledByMcpClient(ctx: IExecuteFunctions): boolean {
	if (runForAgentByEngine(ctx)) return false;
	const caller = ctx.getExecuteData()?.node;
	return caller?.type === MCP_SERVER_TRIGGER || caller?.name === ctx.getNode().name;
}

/**
 * Whether a failed item becomes an output item rather than stopping the node: Continue On Fail, and
 * every tool call.
 */
export const failuresBecomeItems = (ctx: IExecuteFunctions): boolean =>
	ctx.continueOnFail() || runsAsTool(ctx);

/** What the model gets: a sentence or a few, and the counts of pairs behind them. */
export interface ToolAnswer extends IDataObject {
	summary: string;
	removed: number;
	notRemoved: number;
	wouldRemove?: number;
}

/**
 * Ids listed by name before the rest are only counted: an answer for 1,000 pairs stays as short as
 * one for 10.
 */
const IDS_NAMED = 10;

function idList(ids: readonly string[]): string {
	const named = ids.slice(0, IDS_NAMED).join(', ');
	return ids.length > IDS_NAMED ? `${named} and ${ids.length - IDS_NAMED} more` : named;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * A failure's words: the node's message, HubSpot's own words and codes, and the hint (once, not
 * inside HubSpot's words).
 */
function causeOf(message: string, details: IDataObject): string {
	const hint = text(details.hint);
	const description = text(details.description);
	const words =
		hint && description.endsWith(hint) ? description.slice(0, -hint.length).trim() : description;
	const code = details.httpCode ? ` (HTTP ${text(details.httpCode)})` : '';
	return `${message}${code}.${words ? ` ${words}` : ''}${hint ? ` What the user can do: ${hint}` : ''}`;
}

interface Tally {
	removed: number;
	notRemoved: number;
	done: string[];
	failed: Map<string, { head: string; ids: string[] }>;
	refused: string[];
}

/**
 * What an item removed (or, in a dry run, would remove); `of` = how many pairs it had, when not all
 * were removed.
 */
function describeRemoval(
	json: IDataObject,
	operation: string,
	of?: number,
): { count: number; words: string } {
	const [from, fromId, to, toIds] = [
		text(json.fromObjectType),
		text(json.fromId),
		text(json.toObjectType),
		strings(json.toIds),
	];
	const some = of === undefined ? '' : `${toIds.length} of ${of} `;
	if (operation === 'archiveAll') {
		if (!toIds.length)
			return { count: 0, words: `${from} ${fromId} has no association with ${to} to remove` };
		return {
			count: toIds.length,
			words: `${some}${of === undefined ? plural(toIds.length, 'association') : 'associations'} of ${from} ${fromId} with ${to}: ${idList(toIds)}`,
		};
	}
	const labels = Array.isArray(json.types)
		? (json.types as IDataObject[]).map(
				(t) => `${text(t.associationCategory)}:${String(t.associationTypeId)}`,
			)
		: [];
	const pairs = some ? `${some}associations` : 'the associations';
	const what = labels.length
		? `the ${labels.length === 1 ? 'label' : 'labels'} ${labels.join(', ')} from ${pairs}`
		: pairs;
	return {
		count: toIds.length,
		words: `${what} between ${from} ${fromId} and ${to} ${idList(toIds)}`,
	};
}

/** One failed item: its pairs that were removed, and those not removed grouped by cause. */
function tallyFailure(tally: Tally, json: IDataObject, operation: string): void {
	const details = (json.details ?? {}) as IDataObject;
	const message = text(json.error).replace(/^Item \d+: /, '');
	if (details.fromId === undefined) {
		// Refused before anything was sent (a bad id, object type or label): the call itself must
		// change.
		const hint = text(details.hint);
		tally.refused.push(`Refused: ${message}.${hint ? ` Hint: ${hint}` : ''}`);
		return;
	}
	const pairs = Array.isArray(details.pairs)
		? (details.pairs as IDataObject[])
		: strings(details.toIds).map((toId) => ({ toId, outcome: 'failed', error: json.error }));
	const removedIds = pairs.filter((p) => p.outcome === 'removed').map((p) => text(p.toId));
	if (removedIds.length) {
		tally.done.push(
			describeRemoval({ ...details, toIds: removedIds }, operation, pairs.length).words,
		);
		tally.removed += removedIds.length;
	}
	const head = `${text(details.fromObjectType)} ${text(details.fromId)} → ${text(details.toObjectType)}`;
	const notRemoved = pairs.filter((p) => p.outcome !== 'removed');
	for (const pair of notRemoved) {
		const pairMessage = text(pair.error) || text(json.error);
		// The item's own failure carries HubSpot's words and the hint; another pair's failure has its
		// message only.
		const cause = pairMessage === text(json.error) ? causeOf(message, details) : `${pairMessage}.`;
		const key = `${head}\u0000${cause}`;
		const group = tally.failed.get(key) ?? tally.failed.set(key, { head, ids: [] }).get(key)!;
		group.ids.push(text(pair.toId));
	}
	tally.notRemoved += notRemoved.length;
	if (!pairs.length)
		tally.failed.set(`${head}\u0000${causeOf(message, details)}`, {
			head: `the associations of ${head}`,
			ids: [],
		});
}

/** The per-item output of a run → the model's answer. */
export function summarizeForModel(
	items: readonly INodeExecutionData[],
	operation: string,
	dryRun: boolean,
): ToolAnswer {
	const tally: Tally = { removed: 0, notRemoved: 0, done: [], failed: new Map(), refused: [] };
	for (const { json } of items) {
		if (json.error !== undefined) tallyFailure(tally, json, operation);
		else {
			const { count, words } = describeRemoval(json, operation);
			tally.done.push(words);
			tally.removed += count;
		}
	}
	const sentences: string[] = [];
	if (dryRun)
		sentences.push(
			tally.done.length
				? `Dry run, nothing was removed: would remove ${tally.done.join('; ')}.`
				: 'Dry run, nothing was removed.',
		);
	else if (tally.removed === 0)
		sentences.push(`Nothing was removed${tally.done.length ? `: ${tally.done.join('; ')}` : ''}.`);
	else sentences.push(`Removed ${tally.done.join('; ')}.`);
	for (const [key, { head, ids }] of tally.failed)
		sentences.push(
			`Not removed: ${head}${ids.length ? ` ${idList(ids)}` : ''}: ${key.split('\u0000')[1]}`,
		);
	sentences.push(...tally.refused);
	const counts = dryRun
		? { removed: 0, notRemoved: tally.notRemoved, wouldRemove: tally.removed }
		: { removed: tally.removed, notRemoved: tally.notRemoved };
	return { summary: sentences.join(' '), ...counts };
}

/** Whether any item of a tool call's run failed (a pair not removed, or the call refused). */
export const anyFailed = (items: readonly INodeExecutionData[]): boolean =>
	items.some(({ json }) => json.error !== undefined);

/**
 * The error an MCP client gets for a call that did not remove everything: the model's answer in
 * words, also what was removed. It is set after construction, since NodeOperationError replaces a
 * message naming a network error code (ECONNRESET, …) with a generic sentence of n8n's.
 */
export function mcpToolError(ctx: IExecuteFunctions, answer: IDataObject): NodeOperationError {
	const error = new NodeOperationError(ctx.getNode(), 'The HubSpot Associations tool failed', {
		itemIndex: 0,
	});
	error.message = String(answer.summary);
	return error;
}

/**
 * A tool call that failed where no item says what came of it: the error's words, without claiming
 * what was or was not removed.
 */
export function failureForModel(error: unknown): IDataObject {
	const { message, description } =
		error instanceof Error
			? (error as Error & { description?: string })
			: { message: String(error), description: '' };
	return { summary: `The tool failed: ${message}.${description ? ` ${description}` : ''}` };
}
