// Scaled-out roles: a role with one member keeps its plain name (`kafka`, `pinot-server`); with
// more, member n (1-based) is `<role>-<n>`, with its own ports, data dir, log and pid file.

/** The row name of member `index` (0-based) of a role with `count` members. */
export const memberName = (role: string, index: number, count: number): string => (count > 1 ? `${role}-${index + 1}` : role);

/** Every member's row name. */
export const memberNames = (role: string, count: number): string[] => Array.from({ length: count }, (_, i) => memberName(role, i, count));
