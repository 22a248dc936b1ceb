/** Tests live in test/ only; they run the TypeScript sources through ts-jest. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	testTimeout: 60000,
	setupFiles: ['<rootDir>/test/helpers/captureConsole.ts'],
};
