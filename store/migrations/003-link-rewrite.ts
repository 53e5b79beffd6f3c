/**
 * Link rewriting (#7): whether a route rewrites upstream links in JSON bodies. On for every
 * route; it takes effect only where the route has a public URL.
 */
export const linkRewrite = `
ALTER TABLE routes ADD COLUMN rewrite_links INTEGER NOT NULL DEFAULT 1;
`
