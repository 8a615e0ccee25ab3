// Who may write: under LiteFS, the primary; every other machine is a replica of it.

export type Role = { primary: true } | { primary: false; host: string };

/** How logs, /__health and the metrics name a role. */
export type RoleName = "primary" | "replica";

export function roleName(role: Role): RoleName {
  return role.primary ? "primary" : "replica";
}
