import { initial } from './001-initial.ts'
import { hardening } from './002-hardening.ts'
import { linkRewrite } from './003-link-rewrite.ts'
import { credentialBinding } from './004-credential-binding.ts'

/** Schema migrations in order; the store's `user_version` is how many have been applied. */
export const migrations: readonly string[] = [initial, hardening, linkRewrite, credentialBinding]
