/* search.js: results for the search page (search.html), from the pagefind
 * index that medsite writes into pagefind/ when site.toml says `search = true`.
 *
 * Loaded as a module by search.html only. Every URL is found relative to this
 * file, which sits at the site root, so the site works from a domain root or a
 * sub-path. Without JavaScript, or when the index cannot be loaded, the page
 * keeps its plain list of every page; the form stays hidden because it would
 * do nothing.
 */
const root = new URL("./", import.meta.url);
const form = document.querySelector("[data-search-form]");
const input = form && form.querySelector("input[name=q]");
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const fallback = document.querySelector("[data-search-fallback]");
const MAX_RESULTS = 20;

function show(results, query, total) {
  list.replaceChildren(
    ...results.map((result) => {
      const item = document.createElement("li");
      item.className = "search-result";
      const heading = document.createElement("h2");
      heading.className = "search-result-title";
      const link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.meta.title || result.url;
      heading.append(link);
      const excerpt = document.createElement("p");
      // pagefind escapes the page text and only adds <mark> around matches.
      excerpt.innerHTML = result.excerpt;
      item.append(heading, excerpt);
      return item;
    }),
  );
  list.hidden = results.length === 0;
  if (!query) {
    status.textContent = "";
  } else if (total === 0) {
    status.textContent = `No pages match “${query}”. Try another word, or browse all pages below.`;
  } else {
    const shown = total > results.length ? ` (showing the first ${results.length})` : "";
    status.textContent = `${total} page${total === 1 ? "" : "s"} match “${query}”${shown}.`;
  }
}

async function main() {
  if (!form || !input || !status || !list) return;
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    await pagefind.options({ baseUrl: root.pathname });
    await pagefind.init();
  } catch (error) {
    status.textContent = "Search is not available here. Every page is listed below.";
    return;
  }
  form.hidden = false;
  if (fallback) fallback.hidden = true;

  async function run(query, debounce) {
    const trimmed = query.trim();
    const url = new URL(location.href);
    if (trimmed) url.searchParams.set("q", trimmed);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!trimmed) {
      show([], "", 0);
      return;
    }
    const search = debounce
      ? await pagefind.debouncedSearch(trimmed, {}, 250)
      : await pagefind.search(trimmed);
    if (search === null) return; // a newer query replaced this one
    const results = await Promise.all(
      search.results.slice(0, MAX_RESULTS).map((result) => result.data()),
    );
    show(results, trimmed, search.results.length);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(input.value, false);
  });
  input.addEventListener("input", () => run(input.value, true));
  const query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  if (query) run(query, false);
}

main();
