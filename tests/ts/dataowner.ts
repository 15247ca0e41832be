// Type-checked (never run) against the generated .d.ts: how a strict
// TypeScript consumer uses DataOwner with HcpClient as its token source.
import init, { HcpClient, type User } from "../../pkg/hcp_kit.js";
import initOwners, {
  DataOwner,
  type EntityKind,
  type FirstLogin,
  type Plain,
  type PlainPage,
  type TokenSource,
} from "../../pkg/hcp_kit_dataowner.js";

export async function care(baseUrl: string, keyFile: string, passphrase: string): Promise<number> {
  await Promise.all([init(), initOwners()]);
  const client: HcpClient = await HcpClient.login(baseUrl, "anne@example.be", "password");
  const source: TokenSource = client;
  const me: DataOwner = await DataOwner.open(source, keyFile, passphrase);
  const patient: Plain = await me.create("patient", { firstName: "Ann", lastName: "Lee" }, undefined);
  const user: User = await client.createUser({ email: "ann@example.be", patientId: patient.id }, { invite: true });
  const visit: Plain = await me.create(
    "visit",
    { patientId: patient.id, samples: [{ label: "fatigue", content: { text: "since May" } }] },
    { [patient.id]: "read" },
  );
  const kinds: EntityKind[] = ["patient", "visit", "healthElement", "notification", "device"];
  const page: PlainPage = await me.children("visit", patient.id, { limit: 10 });
  const next: PlainPage | null = page.cursor === null ? null : await me.list("patient", { cursor: page.cursor });
  await me.share("visit", visit.id, patient.id, { permission: "read" });
  await me.revoke("visit", visit.id, patient.id);
  const pending: PlainPage = await me.notifications("pending");
  for (const n of pending.rows) await me.setNotificationStatus(n.id, "completed");
  const inWorker: TokenSource = { baseUrl, token: await client.accessToken() };
  const first: FirstLogin = await DataOwner.firstLogin(inWorker, "passphrase");
  first.session.free();
  const rows: Plain[] = await me.decryptAll("visit", page.rows);
  me.free();
  return kinds.length + rows.length + (next?.rows.length ?? 0) + (user.status === "ACTIVE" ? 1 : 0) + first.keyFile.length;
}
