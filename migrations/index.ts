import { InitialSchema1764190000000 } from './1764190000000-initial-schema';

// Every migration, in order. Listed by hand so the build, the CLI and the tests load the same set.
export const MIGRATIONS: Function[] = [InitialSchema1764190000000];
