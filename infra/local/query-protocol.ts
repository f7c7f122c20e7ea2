/** The AWS query protocol (form-encoded `Action=…`) that the local SNS and SES fronts speak. */

/** `Name.member.N` as a list. */
export function members(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let n = 1; ; n++) {
    const value = params.get(`${name}.member.${n}`);
    if (value === null) return values;
    values.push(value);
  }
}
