/**
 * Tests live in test/ only; they run the TypeScript sources through ts-jest. Two projects: "node" is the
 * node's own tests (`npm test`), "tools" the tests of the benchmark and scripts (`npm run test:tools`).
 */
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	setupFiles: ['<rootDir>/test/helpers/captureConsole.ts'],
};

module.exports = {
	testTimeout: 60000,
	projects: [
		{ ...common, displayName: 'node', roots: ['<rootDir>/test'], testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/tools/'] },
		{ ...common, displayName: 'tools', roots: ['<rootDir>/test/tools'], testMatch: ['**/*.test.ts'] },
	],
};
