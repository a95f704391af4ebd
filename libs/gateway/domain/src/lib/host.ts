/** A single DNS label (conventions.md §1). */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function normalizeHost(host: string): string {
  let h = host.trim();
  const port = /:[0-9]*$/.exec(h);
  if (port) h = h.slice(0, port.index);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.toLowerCase();
}

/**
 * The tenant slug named by a `Host` header: strip `:port` and a trailing dot, lower-case, and
 * require exactly `<label>.<baseDomain>`. Anything else (bare base domain, foreign host, nested
 * labels, missing header) names no tenant. Whether the tenant exists is not decided here.
 */
export function tenantSlugFromHost(host: string | undefined, baseDomain: string): string | null {
  if (host === undefined) return null;
  const h = normalizeHost(host);
  const base = normalizeHost(baseDomain);
  if (base === '' || !h.endsWith(`.${base}`)) return null;
  const label = h.slice(0, h.length - base.length - 1);
  return DNS_LABEL.test(label) ? label : null;
}
