// The role a client certificate carries (docs/security.md "Roles"): read by the coordinator's gRPC
// listener (coordinator server/auth.ts) and by the daemons' HTTP listeners (http-auth.ts), so both
// agree on what a certificate says. `isawatt certs` writes the role as a SAN URI
// (urn:isawatt:role:<role>) and as the subject OU.
import type { PeerCertificate } from 'node:tls';

/**
 * agent: attaches as its host (CN = host id); operator: Control, and scrapes; gateway: the
 * coordinator's gateway calling agents' POST /invoke.
 */
export type CertRole = 'agent' | 'operator' | 'gateway';

/** The SAN URI prefix that carries a role: `urn:isawatt:role:agent`, `…:operator`, `…:gateway`. */
export const ROLE_URI_PREFIX = 'urn:isawatt:role:';
export const CERT_ROLES: readonly CertRole[] = ['agent', 'operator', 'gateway'];

/** Roles named by a certificate: SAN URIs first, else the subject OU (one or several). */
export function rolesOfCertificate(cert: Pick<PeerCertificate, 'subject' | 'subjectaltname'> | undefined): Set<CertRole> {
  const out = new Set<CertRole>();
  if (!cert) return out;
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*URI:(.*)$/.exec(part);
    if (m?.[1]?.startsWith(ROLE_URI_PREFIX)) {
      const r = m[1].slice(ROLE_URI_PREFIX.length) as CertRole;
      if (CERT_ROLES.includes(r)) out.add(r);
    }
  }
  if (out.size === 0) {
    const ou: unknown = cert.subject?.OU;
    for (const v of Array.isArray(ou) ? ou : [ou]) if (typeof v === 'string' && CERT_ROLES.includes(v as CertRole)) out.add(v as CertRole);
  }
  // One certificate, one role: a certificate claiming two is a mistake in the PKI, not a superuser.
  if (out.size > 1) out.clear();
  return out;
}

/** The certificate's CN (first one), '' when none. */
export function commonNameOf(cert: Pick<PeerCertificate, 'subject'> | undefined): string {
  const v: unknown = cert?.subject?.CN;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}
