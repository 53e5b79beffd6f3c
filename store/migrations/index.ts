import { initial } from './001-initial.ts'

/** Schema migrations in order; the store's `user_version` is how many have been applied. */
export const migrations: readonly string[] = [initial]
