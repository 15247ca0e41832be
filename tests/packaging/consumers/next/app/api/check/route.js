// A route handler: the same in an API endpoint.
import init, { generateKeyPair } from "hcp-kit";
import initImport, { parseImport } from "hcp-kit/import";

export const dynamic = "force-dynamic";
const CSV = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";

export async function GET() {
  await Promise.all([init(), initImport()]);
  const report = parseImport(new TextEncoder().encode(CSV));
  return Response.json({ key: generateKeyPair().publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` });
}
