// nml's TypeScript client: `NmlClient` over the stubs generated from proto/.
export * from './client';
