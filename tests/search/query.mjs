// Queries a built site's pagefind index the way the search page does, but
// in Node: `node query.mjs DIST QUERY...` prints one JSON line per query,
// {"query", "urls"} with the result URLs best first.
//
// pagefind.js is browser code that fetches its index files relative to
// its own URL; Node's fetch cannot read file: URLs, so fetch is given a
// small file: reader. Nothing else is faked: the real pagefind.js and its
// WebAssembly search the real index files.
import { readFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const [dist, ...queries] = process.argv.slice(2);
if (!dist || queries.length === 0) {
  console.error("usage: node query.mjs DIST QUERY...");
  process.exit(2);
}

const networkFetch = globalThis.fetch;
globalThis.fetch = async (resource, init) => {
  const url = new URL(resource instanceof Request ? resource.url : String(resource));
  if (url.protocol !== "file:") return networkFetch(resource, init);
  try {
    const bytes = await readFile(fileURLToPath(new URL(url.pathname, "file://")));
    return new Response(bytes, { status: 200 });
  } catch {
    return new Response("not found", { status: 404 });
  }
};

const entry = pathToFileURL(path.resolve(dist, "pagefind", "pagefind.js")).href;
const pagefind = await import(entry);
await pagefind.options({ baseUrl: "/" });
await pagefind.init();
for (const query of queries) {
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.map((result) => result.data()));
  console.log(JSON.stringify({ query, urls: data.map((d) => d.url), titles: data.map((d) => d.meta.title) }));
}
