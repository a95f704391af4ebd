// Entry point `@datamingle/application/testing`: test support for the use-case specs of every
// context (never imported by production code; kept out of the lib build).
export * from './fixed-clock';
export * from './in-memory-documents';
export * from './requests';
