const kit = require("hcp-kit");
const imports = require("hcp-kit/import");
kit.initSync();
imports.initSync();
const csv = "First Name,Last Name,Email Address\nAda,Lovelace,ada@example.org\nBad,Row,not-an-email\n";
const report = imports.parseImport(new TextEncoder().encode(csv));
console.log(JSON.stringify({ key: kit.generateKeyPair().publicKeyHex.length, import: `${report.stats.accepted}/${report.stats.rejected}` }));
