// Integration and e2e tests talk to emulators and a local cloud: seconds, not milliseconds.
jest.setTimeout(120_000);
