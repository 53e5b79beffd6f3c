/**
 * Credential binding (#4): a hash of what each credential is sealed to (its route's name,
 * upstream URL, CA file, pin and plain-http allowance), kept in clear beside the sealed value so
 * the admin commands and the TUI can tell, without the master key, that a credential no longer
 * matches its route. `serve` trusts only the copy inside the sealed value. Rows from before
 * have none: they count as not matching, as their sealed values carry no binding either.
 */
export const credentialBinding = `
ALTER TABLE credentials ADD COLUMN bound_to TEXT;
`
