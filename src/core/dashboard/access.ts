import type { Config } from "../config.js";

// Who may see what on the dashboard. Users are the configured recipients: an address sees the
// tenants it receives a report from, and in each only the reports of its own roles, unless one of
// its roles has full access there (the CEO's by default), which opens every role of that tenant.

/** What one signed-in address may see in one tenant. */
export interface TenantAccess {
  tenant: string;
  tenantName: string;
  /** Roles whose reports, tasks and deliveries the user sees. */
  roles: string[];
  /** The roles the user receives reports for. */
  own: string[];
  /** One of the user's roles has full access to the tenant. */
  full: boolean;
}

/** Emails compare case-insensitively, as mail systems do for the domain and most for the name. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Every tenant the address may see, with the roles it sees there; none for a stranger. */
export function accessOf(config: Pick<Config, "tenants">, email: string): TenantAccess[] {
  const who = normaliseEmail(email);
  return config.tenants.flatMap((tenant) => {
    const own = Object.entries(tenant.roles)
      .filter(([, role]) => role.recipients.some((r) => normaliseEmail(r.email) === who))
      .map(([id]) => id);
    if (own.length === 0) return [];
    const full = own.some((id) => tenant.dashboard.fullAccess.includes(id));
    return [
      {
        tenant: tenant.id,
        tenantName: tenant.name,
        roles: full ? Object.keys(tenant.roles) : own,
        own,
        full,
      },
    ];
  });
}

/** True when the address is a recipient somewhere: only they are sent a sign-in link. */
export function isUser(config: Pick<Config, "tenants">, email: string): boolean {
  return accessOf(config, email).length > 0;
}

/**
 * Whether the user sees a task owned by `owner`: their roles' tasks, and with full access every
 * task, including those of a role the tenant has no recipient for (a finding still names an
 * owner, e.g. the CMO, in a tenant that receives no CMO report).
 */
export function seesTask(access: TenantAccess, owner: string): boolean {
  return access.full || access.roles.includes(owner);
}
