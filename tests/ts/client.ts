// Type-checked (never run) against the generated .d.ts: how a strict
// TypeScript consumer uses HcpClient.
import init, {
  HcpClient,
  generateKeyPair,
  isHcpError,
  validatePerson,
  type Database,
  type Hcp,
  type HcpPage,
  type ImportSummary,
  type PersonCheck,
  type TokenInfo,
} from "../../pkg/hcp_kit.js";

export async function manage(baseUrl: string, password: string): Promise<number> {
  await init();
  const client: HcpClient = await HcpClient.login(baseUrl, "admin@example.be", password, { timeoutMs: 10_000 });
  const dbs: Database[] = await client.listDatabases();
  client.database = dbs.find((d) => !d.own)?.id;
  const page: HcpPage = await client.listHcps({ search: "dupont", limit: 20 });
  const next: HcpPage | null = page.cursor === null ? null : await client.listHcps({ cursor: page.cursor });
  for await (const h of client.hcps({ limit: 100 })) {
    const id: string = h.id;
    void id;
  }
  const org: Hcp = await client.createHcp({ kind: "organization", name: "Clinique" });
  const check: PersonCheck = validatePerson({ firstName: "Anne", lastName: "Dupont", email: "anne@example.be" });
  if (!check.ok) return check.reasons.length;
  const person: Hcp = await client.createHcp(
    { kind: "person", firstName: "Anne", lastName: "Dupont", email: "anne@example.be", parentId: org.id },
    { invite: true, database: dbs[0]?.id },
  );
  const controller = new AbortController();
  try {
    await client.updateHcp({ ...person, firstName: "Ann" }, { signal: controller.signal });
  } catch (e) {
    if (isHcpError(e) && e.code === "Conflict") return e.status ?? 409;
    throw e;
  }
  const token: string = await client.createToken(person.userId ?? "", "ci", new Date(Date.now() + 3600_000));
  const tokens: TokenInfo[] = await client.listTokens(person.userId ?? "");
  await client.deleteToken(person.userId ?? "", tokens[0]?.name ?? token);
  using kp = generateKeyPair();
  const withKey: Hcp = await client.registerPublicKey(person.id, kp);
  const summary: ImportSummary = await client.importRows(
    { accepted: [{ row: 2, firstName: "A", lastName: "B", email: "a@b.be", phone: null, parentId: null }] },
    { idempotencyKey: crypto.randomUUID(), onProgress: (p) => console.log(p.rowsDone / p.rows) },
  );
  const first = summary.rows[0];
  if (first?.status === "created") console.log(first.id);
  await client.deleteHcp(withKey.id, withKey.rev);
  const byToken = new HcpClient(baseUrl, { token });
  return (next?.rows.length ?? 0) + summary.created + (byToken.database === undefined ? 0 : 1);
}
