// Parse each Mermaid file named on the command line with Mermaid's own parser.
// Prints one JSON line per file: {"file", "ok", "type"} or {"file", "ok": false, "error"}.
import mermaid from "mermaid";
import { readFileSync } from "node:fs";

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, "utf8"));
    console.log(JSON.stringify({ file, ok: true, type: result.diagramType }));
  } catch (error) {
    failed = true;
    console.log(JSON.stringify({ file, ok: false, error: String((error && error.message) || error) }));
  }
}
process.exitCode = failed ? 1 : 0;
