// n8n's checks for a community node package, set up as n8n's own node CLI (`@n8n/node-cli`) sets them up:
// ESLint and typescript-eslint recommended for all TypeScript; n8n's community-node rules
// (`@n8n/eslint-plugin-community-nodes` recommended: what n8n's community package scanner enforces) for
// nodes/, credentials/ and package.json; `eslint-plugin-n8n-nodes-base` community rules for package.json,
// credential rules for credentials/ and node rules for nodes/.
//
// Three n8n-nodes-base rules contradict a rule that must hold at the same time, so they are off, as
// n8n's node CLI turns them off; every other rule applies to nodes/ and credentials/, with no inline disables:
//  - node-class-description-inputs-wrong-regular-node / -outputs-wrong demand the string literal
//    ['main'], which @n8n/community-nodes/node-connection-type-literal forbids (use NodeConnectionTypes.Main).
//  - cred-class-field-documentation-url-miscased demands a camelCase slug (only meaningful inside n8n's own
//    repository), which cred-class-field-documentation-url-not-http-url forbids for community credentials.
import eslint from '@eslint/js';
import globals from 'globals';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';
import { globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	globalIgnores(['dist', 'node_modules', '.tools', 'coverage', 'bench/results', '**/*.js', '**/*.cjs']),
	{
		files: ['**/*.ts'],
		extends: [eslint.configs.recommended, tseslint.configs.recommended],
		rules: {
			// Parameters named _x are required by an interface but unused on purpose.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['**/*.mjs'],
		extends: [eslint.configs.recommended],
		languageOptions: { globals: globals.node },
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		extends: [n8nCommunityNodesPlugin.configs.recommended],
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesPlugin },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		rules: { ...n8nNodesPlugin.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
);
