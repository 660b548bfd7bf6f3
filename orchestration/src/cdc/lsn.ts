/** A Postgres log sequence number ("16/B374D848") as one number, for comparing positions. */
export function lsnValue(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`Not a Postgres LSN: ${lsn}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** The later of two LSNs. */
export function laterLsn(left: string, right: string): string {
  return lsnValue(left) >= lsnValue(right) ? left : right;
}
