//! Incremental rebuilds through the library, without waiting for the file
//! system: randomised sequences of edits, each rebuilt from the paths a
//! watcher would report and compared byte for byte with a fresh build of
//! the same site into another folder. A failed rebuild must leave the
//! output untouched, and a fresh build must fail too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use medsite::build::BuildOptions;
use medsite::failure::Failure;
use medsite::rebuild::{Outcome, Rebuilder};
use medsite::watch::classify;

use crate::support::{Save, TempSite, read_tree, repo, try_read_output};

/// A small deterministic generator (xorshift), so a failing seed replays.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

const WORDS: [&str; 6] = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
const TAGS: [&str; 5] = ["a", "b", "c", "A", "d"];
const FOLDERS: [&str; 4] = ["posts", "guides", "guides/deep", ""];
/// Pages that are never deleted or moved, so links to them stay valid.
const PERMANENT: [&str; 3] = ["posts/p0.md", "posts/p1.md", "posts/p2.md"];

const CAREERS_CSV: &str =
    "slug,title,pay\nrt,Respiratory therapist,77960\nst,Surgical technologist,62830\n";

/// The records the `jobs` section makes its pages from (`generate`).
const JOBS_CSV: &str = "career,state,title,updated,tag\nnurse,CA,Nurse in California,2024-03-01,a\nnurse,TX,Nurse in Texas,,b\ntech,CA,Tech in California,2023-07-07,a\n";

/// The `jobs` section, one page per record of `data/jobs.csv`, titled by
/// `title` (a pattern).
fn jobs_section(title: &str) -> String {
    format!(
        "---\ntitle: Jobs\ngenerate:\n  data: jobs.csv\n  path: \"{{career}}/{{state}}\"\n  title: \"{title}\"\n  date: \"{{updated}}\"\n  taxonomies:\n    tags: [\"{{tag}}\"]\n---\n"
    )
}

/// A figures file (`kind = "figures"`) with one figure of `value`.
fn figures_yaml(value: usize) -> String {
    format!(
        "rt.pay:\n  value: {value}\n  unit: USD per year\n  period: May 2024\n  scope: SOC 29-1126\n  source:\n    url: https://www.bls.gov/oes/\n    publisher: BLS\n    title: OEWS\n    type: primary\n    accessed: 2025-04-02\n"
    )
}

fn page(title: &str, extra_front: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n{extra_front}---\n{body}\n")
}

/// The site every sequence starts from; `typed` adds the search index and
/// a template that calls `get_pages`, both of which read every page.
fn start_site(typed: bool) -> TempSite {
    let site = TempSite::with_theme(&[
        (
            "site.toml",
            "title = \"T\"\ntheme = \"fixture\"\nbase_url = \"https://example.org/\"\nfeed_limit = 3\n\n[[taxonomies]]\nname = \"tags\"\npaginate_by = 2\n\n[[taxonomies]]\nname = \"categories\"\n\n[sections.posts]\npaginate_by = 2\n\n[sections.jobs]\npaginate_by = 2\n\n[sections.guides]\nschema = \"schemas/guide.json\"\n\n[data.\"careers.csv\"]\nschema = \"schemas/careers.json\"\n\n[data.\"figures.yaml\"]\nkind = \"figures\"\n\n[images]\nwidths = [100, 200]\n\n[markdown]\nhighlight = true\n",
        ),
        ("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
        ("content/guides/_index.md", "---\ntitle: Guides\n---\n"),
        ("content/jobs/_index.md", &jobs_section("{title}")),
        ("data/jobs.csv", JOBS_CSV),
        ("content/guides/deep/_index.md", "---\ntitle: Deep\n---\n"),
        (
            "content/posts/p0.md",
            &page(
                "P0",
                "date: 2024-01-01\ntaxonomies:\n  tags: [a, b]\n",
                "See [p1](@/posts/p1.md).\n\n<!-- more -->\n\nMore.",
            ),
        ),
        (
            "content/posts/p1.md",
            &page(
                "P1",
                "date: 2024-02-01\ntaxonomies:\n  tags: [b]\n",
                "See [p2](p2.md).",
            ),
        ),
        (
            "content/posts/p2.md",
            &page(
                "P2",
                "weight: 1\n",
                "See [guides](@/guides/_index.md). :note{text=\"start\"}\n\n```rust\nlet x = 1;\n```",
            ),
        ),
        (
            "content/guides/g1.md",
            &page("G1", "date: 2023-05-05\n", "Guide one."),
        ),
        ("content/guides/deep/d1.md", &page("D1", "", "Deep one.")),
        (
            "content/posts/bundle/index.md",
            &page("Bundle", "", "![x](asset.txt)"),
        ),
        ("content/posts/bundle/asset.txt", "asset 1\n"),
        ("static/extra.css", "body { color: red }\n"),
        // Social cards (with the base URL): each page's title and a figure.
        ("templates/card.svg", &card_template("white")),
        ("templates/components.html", &components_template("note")),
        // Term pages link the theme's stylesheet by its fingerprint, which
        // edit 11 changes.
        (
            "templates/taxonomy_term.html",
            "{% extends \"base.html\" %}{% block main %}{% set css = asset(path=\"style.css\") %}<link rel=\"stylesheet\" href=\"{{ root }}{{ css.path }}\" integrity=\"{{ css.integrity }}\"><h1>{{ term.title }}</h1>{% endblock main %}\n",
        ),
        ("schemas/guide.json", "{\"required\": [\"title\"]}"),
        ("archetypes/default.md", "---\ntitle: TITLE\n---\n"),
        // Data files, read by the home page through an included template.
        ("data/careers.csv", CAREERS_CSV),
        (
            "data/states/ca.yaml",
            "name: California\nprograms: [6, 15]\n",
        ),
        ("data/unused.json", "{\"n\": 1}\n"),
        ("data/figures.yaml", &figures_yaml(77960)),
        (
            "schemas/careers.json",
            "{\"type\": \"array\", \"items\": {\"required\": [\"pay\"], \"properties\": {\"pay\": {\"type\": \"integer\"}}}}",
        ),
        (
            "templates/index.html",
            "{% extends \"section.html\" %}{% block main %}{% include \"figures.html\" %}{{ super() }}{% endblock main %}\n",
        ),
        (
            "templates/figures.html",
            "<table>{% for row in get_data(path=\"careers.csv\") %}<tr><td>{{ row.title }}</td><td>{{ row.pay }}</td></tr>{% endfor %}</table>{% set ca = get_data(path=\"states/ca.yaml\") %}<p>{{ ca.name }}</p>{% set pay = get_fact(data=\"figures.yaml\", key=\"rt.pay\") %}<p>{{ pay.html | safe }}</p>\n",
        ),
    ]);
    if typed {
        let config = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
        site.write(
            "site.toml",
            &config.replacen("feed_limit = 3\n", "feed_limit = 3\nsearch = true\n", 1),
        );
        site.write(
            "templates/taxonomy_list.html",
            "{% extends \"base.html\" %}{% block main %}<ul>{% for p in get_pages() %}<li>{{ p.title }} ({{ p.section }}): {{ p.description }}</li>{% endfor %}</ul>{% endblock main %}\n",
        );
    }
    site
}

/// Every `.md` page under `content/` except section indexes.
fn pages(root: &Path) -> Vec<String> {
    read_tree(&root.join("content"))
        .into_keys()
        .filter(|p| p.ends_with(".md") && !p.ends_with("_index.md"))
        .collect()
}

/// Which edits a sequence makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// Any of them.
    Any,
    /// Mostly front-matter edits of pages (the quick path's), with text
    /// edits, new pages and pages moved between sections among them.
    FrontMatter,
}

/// The edits of [`Mix::FrontMatter`] (see [`random_edit`]).
const FRONT_MATTER_KINDS: [usize; 12] = [0, 1, 2, 3, 4, 6, 22, 23, 24, 25, 25, 3];

/// Applies one random edit; returns the paths a watcher would report. A
/// page broken on purpose is repaired by the next edit.
fn random_edit(
    site: &TempSite,
    random: &mut Random,
    (step, mix): (usize, Mix),
    broken: &mut Option<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let root = site.path();
    let style = Save::ALL[random.below(Save::ALL.len())];
    if let Some((path, text)) = broken.take() {
        return style.write(&path, &text);
    }
    let all = pages(root);
    let movable: Vec<String> = all
        .iter()
        .filter(|p| !PERMANENT.contains(&p.as_str()) && !p.ends_with("index.md"))
        .cloned()
        .collect();
    let any_page = random.pick(&all).cloned().expect("permanent pages exist");
    let content = |p: &str| format!("content/{p}");
    let read = |p: &str| std::fs::read_to_string(root.join(content(p))).unwrap_or_default();
    let word = WORDS[random.below(WORDS.len())];
    let edit_front = |p: &str, key: &str, value: &str| -> Vec<PathBuf> {
        let text = read(p);
        let Some(rest) = text.strip_prefix("---\n") else {
            return vec![];
        };
        let Some((front, body)) = rest.split_once("---\n") else {
            return vec![];
        };
        let mut lines: Vec<String> = front
            .lines()
            .filter(|l| !l.starts_with(&format!("{key}:")))
            .filter(|l| !(key == "taxonomies" && l.starts_with("  ")))
            .map(String::from)
            .collect();
        if !value.is_empty() {
            lines.push(format!("{key}:{value}"));
        }
        style.write(
            &root.join(content(p)),
            &format!("---\n{}\n---\n{body}", lines.join("\n")),
        )
    };
    let abs = |p: &str| root.join(p);
    let kind = match mix {
        Mix::Any => random.below(26),
        Mix::FrontMatter => FRONT_MATTER_KINDS[random.below(FRONT_MATTER_KINDS.len())],
    };
    match kind {
        0 => {
            let text = read(&any_page);
            style.write(&abs(&content(&any_page)), &format!("{text}\n{word}\n"))
        }
        1 => edit_front(&any_page, "title", &format!(" {word} {step}")),
        2 => {
            let value = match random.below(3) {
                0 => format!(" 2024-0{}-1{}", 1 + random.below(9), random.below(10)),
                1 => String::new(),
                _ => format!(" 2022-12-0{}", 1 + random.below(9)),
            };
            let mut paths = edit_front(&any_page, "date", &value);
            if random.below(2) == 0 {
                let weight = random.below(4);
                paths.extend(edit_front(
                    &any_page,
                    "weight",
                    &if weight == 0 {
                        String::new()
                    } else {
                        format!(" {weight}")
                    },
                ));
            }
            paths
        }
        3 => {
            let tags: Vec<&str> = TAGS
                .iter()
                .filter(|_| random.below(2) == 0)
                .copied()
                .collect();
            let category = ["x", "y"][random.below(2)];
            edit_front(
                &any_page,
                "taxonomies",
                &format!(
                    "\n  tags: [{}]\n  categories: [{category}]",
                    tags.join(", ")
                ),
            )
        }
        4 => {
            let folder = FOLDERS[random.below(FOLDERS.len())];
            let name = format!("n{step}.md");
            let path = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
            style.write(
                &abs(&content(&path)),
                &page(
                    &format!("New {step}"),
                    "date: 2024-03-03\n",
                    &format!("Link to [p0](@/posts/p0.md). {word}"),
                ),
            )
        }
        5 => match random.pick(&movable) {
            Some(p) => {
                std::fs::remove_file(root.join(content(p))).unwrap();
                vec![abs(&content(p))]
            }
            None => vec![],
        },
        6 => match random.pick(&movable) {
            Some(p) => {
                let folder = FOLDERS[random.below(FOLDERS.len())];
                let target = if folder.is_empty() {
                    format!("r{step}.md")
                } else {
                    format!("{folder}/r{step}.md")
                };
                let to = root.join(content(&target));
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::rename(root.join(content(p)), &to).unwrap();
                vec![abs(&content(p)), to]
            }
            None => vec![],
        },
        7 => {
            let slug = if random.below(3) == 0 {
                String::new()
            } else {
                format!(" slug-{word}-{step}")
            };
            edit_front(&any_page, "slug", &slug)
        }
        8 => {
            let index = "content/guides/deep/_index.md";
            if root.join("content/guides/deep").is_dir() {
                match random.below(3) {
                    0 if root.join(index).exists() => {
                        std::fs::remove_file(root.join(index)).unwrap();
                        vec![abs(index)]
                    }
                    _ => style.write(
                        &abs(index),
                        &format!("---\ntitle: Deep {word}\n---\nAbout {word}.\n"),
                    ),
                }
            } else {
                vec![]
            }
        }
        9 => {
            let (from, to) = if root.join("content/guides/deep").is_dir() {
                ("content/guides/deep", "content/guides/deeper")
            } else {
                ("content/guides/deeper", "content/guides/deep")
            };
            if root.join(from).is_dir() && !root.join(to).exists() {
                std::fs::rename(root.join(from), root.join(to)).unwrap();
                vec![abs(from), abs(to)]
            } else {
                vec![]
            }
        }
        10 => {
            // The site's own template, or the theme's.
            let path = [
                "templates/page.html",
                "themes/fixture/templates/section.html",
            ][random.below(2)];
            let block = if path.ends_with("page.html") {
                "page"
            } else {
                "section"
            };
            if random.below(3) == 0 && path.starts_with("templates/") {
                let _ = std::fs::remove_file(root.join(path));
                vec![abs(path)]
            } else {
                style.write(
                    &abs(path),
                    &format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ {block}.title }}}}</h1>{word}{{{{ {block}.content | safe }}}}{{% endblock main %}}\n"),
                )
            }
        }
        11 => {
            // The site's own stylesheet, or the theme's.
            let path = ["static/extra.css", "themes/fixture/static/style.css"][random.below(2)];
            if random.below(3) == 0 && path.starts_with("static/") {
                let _ = std::fs::remove_file(root.join(path));
                vec![abs(path)]
            } else {
                style.write(&abs(path), &format!("body {{ color: {word} }}\n"))
            }
        }
        12 => match random.below(3) {
            0 if root.join("content/posts/bundle").is_dir() => style.write(
                &abs("content/posts/bundle/asset.txt"),
                &format!("asset {word}\n"),
            ),
            // A schema that some pages break (`weight` is optional).
            1 => style.write(
                &abs("schemas/guide.json"),
                [
                    "{\"required\": [\"title\"]}",
                    "{\"required\": [\"weight\"]}",
                ][random.below(2)],
            ),
            // Archetypes show in no page, but are read again.
            _ => style.write(
                &abs("archetypes/default.md"),
                &format!("---\ntitle: {word}\n---\n"),
            ),
        },
        13 => {
            let text = std::fs::read_to_string(root.join("site.toml")).unwrap();
            let text = text.replacen(
                text.lines().next().unwrap(),
                &format!("title = \"T {word}\""),
                1,
            );
            style.write(&abs("site.toml"), &text)
        }
        14 => {
            // Broken front matter; the next edit repairs it.
            *broken = Some((abs(&content(&any_page)), read(&any_page)));
            style.write(
                &abs(&content(&any_page)),
                "---\ntitle: [unclosed\n---\nBroken.\n",
            )
        }
        15 => {
            let alias = if random.below(2) == 0 {
                String::new()
            } else {
                format!(" [/old-{word}-{step}/]")
            };
            edit_front(&any_page, "aliases", &alias)
        }
        16 => data_edit(site, random, style, word, broken),
        17 => component_edit(site, random, style, word, broken),
        18 => generated_edit(site, random, style, (word, step), broken),
        19 => image_edit(site, random, style, word),
        20 => card_edit(site, random, style, word, broken),
        21 => match random.pick(&movable) {
            Some(p) => {
                let draft = if random.below(2) == 0 { " true" } else { "" };
                edit_front(p, "draft", draft)
            }
            None => vec![],
        },
        _ => front_matter_edit(
            kind,
            (&abs(&content(&any_page)), style),
            random,
            (word, step),
            &edit_front,
        ),
    }
}

/// Kinds 22 to 25: `updated` set or removed, `description` set or
/// removed, the title and the text edited together, one tag added to or
/// removed from a page's tags (moving it between terms and their list
/// pages).
fn front_matter_edit(
    kind: usize,
    (path, style): (&Path, Save),
    random: &mut Random,
    (word, step): (&str, usize),
    edit_front: &dyn Fn(&str, &str, &str) -> Vec<PathBuf>,
) -> Vec<PathBuf> {
    let relative = path.to_string_lossy();
    let relative = &relative[relative.find("/content/").unwrap() + "/content/".len()..];
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match kind {
        22 => {
            let value = match random.below(3) {
                0 => format!(" 2024-0{}-2{}", 1 + random.below(9), random.below(8)),
                1 => String::new(),
                _ => format!(" 2025-01-0{}", 1 + random.below(9)),
            };
            edit_front(relative, "updated", &value)
        }
        23 => {
            let value = match random.below(2) {
                0 => format!(" About {word} {step}"),
                _ => String::new(),
            };
            edit_front(relative, "description", &value)
        }
        24 => {
            let text: String = text
                .lines()
                .map(|line| {
                    if line.starts_with("title:") {
                        format!("title: {word} {step}\n")
                    } else {
                        format!("{line}\n")
                    }
                })
                .collect();
            style.write(path, &format!("{text}{word} {step}\n"))
        }
        _ => style.write(path, &toggle_tag(&text, TAGS[random.below(TAGS.len())])),
    }
}

/// `text` with `tag` added to its page's tags, or removed if there.
fn toggle_tag(text: &str, tag: &str) -> String {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text.to_string();
    };
    let Some((front, body)) = rest.split_once("---\n") else {
        return text.to_string();
    };
    let mut lines: Vec<String> = front.lines().map(String::from).collect();
    match lines.iter().position(|l| l.starts_with("  tags: [")) {
        Some(at) => {
            let inside = lines[at]["  tags: [".len()..].trim_end_matches(']');
            let mut tags: Vec<&str> = inside.split(", ").filter(|t| !t.is_empty()).collect();
            match tags.iter().position(|t| *t == tag) {
                Some(i) => {
                    tags.remove(i);
                }
                None => tags.push(tag),
            }
            lines[at] = format!("  tags: [{}]", tags.join(", "));
        }
        None => match lines.iter().position(|l| l == "taxonomies:") {
            Some(at) => lines.insert(at + 1, format!("  tags: [{tag}]")),
            None => lines.extend(["taxonomies:".to_string(), format!("  tags: [{tag}]")]),
        },
    }
    format!("---\n{}\n---\n{body}", lines.join("\n"))
}

/// Images: a PNG in `static/` written (in one of two sizes) or removed, a
/// JPEG beside the bundle page written or removed, a page that shows one,
/// and the home page's template calling `image` or not.
fn image_edit(site: &TempSite, random: &mut Random, style: Save, word: &str) -> Vec<PathBuf> {
    let root = site.path();
    let fixture =
        |name: &str| std::fs::read(repo().join("tests/fixtures/images").join(name)).unwrap();
    let write = |path: &str, bytes: Vec<u8>| {
        let target = root.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, bytes).unwrap();
        vec![target]
    };
    let remove = |path: &str| {
        let _ = std::fs::remove_file(root.join(path));
        vec![root.join(path)]
    };
    let bundle = root.join("content/posts/bundle").is_dir();
    match random.below(6) {
        0 => {
            let source = ["static/img/small.png", "static/img/diagram.png"][random.below(2)];
            write("static/img/pic.png", fixture(source))
        }
        1 => remove("static/img/pic.png"),
        2 if bundle => write(
            "content/posts/bundle/photo.jpg",
            fixture("content/posts/trip/photo.jpg"),
        ),
        3 if bundle => remove("content/posts/bundle/photo.jpg"),
        4 => {
            let page = random
                .pick(&pages(root))
                .cloned()
                .expect("permanent pages exist");
            let path = root.join("content").join(&page);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let image = if page == "posts/bundle/index.md" {
                format!("![A photo, {word}](photo.jpg)")
            } else {
                format!("![A picture, {word}](/img/pic.png)")
            };
            style.write(&path, &format!("{text}\n{image}\n"))
        }
        _ => {
            let call = if random.below(2) == 0 {
                format!("{{{{ image(path=\"img/pic.png\", alt=\"{word}\") }}}}")
            } else {
                String::new()
            };
            style.write(
                &root.join("templates/index.html"),
                &format!("{{% extends \"section.html\" %}}{{% block main %}}{call}{{% include \"figures.html\" %}}{{{{ super() }}}}{{% endblock main %}}\n"),
            )
        }
    }
}

/// Edits the records the `jobs` section makes pages from: adds or removes
/// one, changes a field of its URL or another field, gives two records one
/// URL (the next edit repairs it), or changes the section's title pattern.
fn generated_edit(
    site: &TempSite,
    random: &mut Random,
    style: Save,
    (word, step): (&str, usize),
    broken: &mut Option<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let csv = site.path().join("data/jobs.csv");
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|_| JOBS_CSV.to_string());
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let state = ["CA", "TX", "NY"][random.below(3)];
    let tag = TAGS[random.below(TAGS.len())];
    let date = ["", "2024-05-05", "2022-01-31"][random.below(3)];
    let row = 1 + random.below(lines.len().max(2) - 1);
    let mut fields: Vec<String> = match lines.get(row) {
        Some(line) => line.split(',').map(String::from).collect(),
        None => vec![String::new(); 5],
    };
    match random.below(6) {
        0 => lines.push(format!("{word}-{step},{state},{word} {step},{date},{tag}")),
        1 if lines.len() > 2 => {
            lines.remove(row);
        }
        1 | 2 => {
            // A field of the URL: the page moves.
            fields[0] = format!("{word}-{step}");
            fields[1] = state.to_string();
            lines[row] = fields.join(",");
        }
        3 => {
            fields[2] = format!("{word} {step}");
            fields[3] = date.to_string();
            fields[4] = tag.to_string();
            lines[row] = fields.join(",");
        }
        4 => {
            *broken = Some((csv.clone(), text.clone()));
            let copy = lines[row].clone();
            lines.push(copy);
        }
        _ => {
            let pattern = ["{title}", "{title} ({state})", "{career} {word}"][random.below(3)];
            let section = site.path().join("content/jobs/_index.md");
            return style.write(&section, &jobs_section(&pattern.replace("{word}", word)));
        }
    }
    style.write(&csv, &format!("{}\n", lines.join("\n")))
}

/// The social card template: the page's or section's title, and a figure
/// (so that a data edit changes the cards), on a `background` colour.
fn card_template(background: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"{background}\"/><text x=\"50\" y=\"200\" font-size=\"60\">{{{{ page.title if page is defined else section.title }}}}</text>{{% set pay = get_fact(data=\"figures.yaml\", key=\"rt.pay\") %}}<text x=\"50\" y=\"400\" font-size=\"40\">{{{{ pay.display }}}}</text></svg>\n"
    )
}

/// Redraws the cards in another colour, or breaks the card template (not
/// SVG: the next edit repairs it).
fn card_edit(
    site: &TempSite,
    random: &mut Random,
    style: Save,
    word: &str,
    broken: &mut Option<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let path = site.path().join("templates/card.svg");
    let text = std::fs::read_to_string(&path).unwrap();
    if random.below(4) == 0 {
        *broken = Some((path.clone(), text.clone()));
        return style.write(&path, &text.replace("</svg>", "</svg"));
    }
    let colour = ["white", "yellow", "pink", "silver"][random.below(4)];
    style.write(&path, &card_template(&format!("{colour}\" class=\"{word}")))
}

/// The components the pages call, with `word` in their markup.
fn components_template(word: &str) -> String {
    format!(
        "{{% component note(text: string) -%}}<em class=\"{word}\">{{{{ text }}}}</em>{{%- endcomponent note %}}\n"
    )
}

/// Adds a component call to a page, edits the components' markup, or
/// calls one that does not exist (the next edit repairs it).
fn component_edit(
    site: &TempSite,
    random: &mut Random,
    style: Save,
    word: &str,
    broken: &mut Option<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let root = site.path();
    let page = root.join("content/posts/p1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    match random.below(3) {
        0 => style.write(&page, &format!("{text}\n\n- :note{{text=\"{word}\"}}\n")),
        1 => style.write(
            &root.join("templates/components.html"),
            &components_template(word),
        ),
        _ => {
            *broken = Some((page.clone(), text.clone()));
            style.write(&page, &format!("{text}\n:nope{{text=\"{word}\"}}\n"))
        }
    }
}

/// Edits a data file: a figure or a row of the CSV that the home page
/// reads, the YAML file or the figure (`get_fact`) it reads, or a file no
/// template reads; or breaks
/// the CSV (a ragged row, a pay the schema refuses, the file deleted) for
/// the next edit to repair.
fn data_edit(
    site: &TempSite,
    random: &mut Random,
    style: Save,
    word: &str,
    broken: &mut Option<(PathBuf, String)>,
) -> Vec<PathBuf> {
    let root = site.path();
    let csv = root.join("data/careers.csv");
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|_| CAREERS_CSV.to_string());
    match random.below(8) {
        0 => style.write(
            &csv,
            &format!("{text}{word},{word} job,{}\n", random.below(90_000)),
        ),
        1 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if lines.len() > 2 {
                lines.remove(1 + random.below(lines.len() - 1));
            }
            style.write(&csv, &format!("{}\n", lines.join("\n")))
        }
        2 => style.write(
            &root.join("data/states/ca.yaml"),
            &format!("name: {word}\nprograms: [{}]\n", random.below(20)),
        ),
        3 => style.write(
            &root.join("data/unused.json"),
            &format!("{{\"n\": \"{word}\"}}\n"),
        ),
        4 => {
            *broken = Some((csv.clone(), text.clone()));
            let bad = ["{word},x,1,extra\n", "{word},x,n/a\n"][random.below(2)];
            style.write(&csv, &format!("{text}{}", bad.replace("{word}", word)))
        }
        5 => {
            *broken = Some((csv.clone(), text));
            let _ = std::fs::remove_file(&csv);
            vec![csv]
        }
        6 => style.write(
            &root.join("data/figures.yaml"),
            &figures_yaml(random.below(90_000)),
        ),
        _ => style.write(&csv, &text.replacen("77960", "80000", 1)),
    }
}

/// A fresh build of the site into `out`; the built tree, or the failure.
fn fresh_build(root: &Path, out: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let _ = std::fs::remove_dir_all(out);
    medsite::build::run(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        quiet: true,
        ..BuildOptions::default()
    })
    .map(|_| try_read_output(out).unwrap())
    .map_err(|failure| format!("{failure:?}"))
}

/// A rebuilder on a test site, with its output folder and a folder beside
/// it for the fresh builds that each rebuild is compared with.
struct Harness {
    root: PathBuf,
    rebuilder: Rebuilder,
    output: PathBuf,
    fresh_out: PathBuf,
    _fresh: tempfile::TempDir,
}

impl Harness {
    fn new(site: &TempSite) -> Harness {
        let root = std::fs::canonicalize(site.path()).unwrap();
        let fresh = tempfile::tempdir().unwrap();
        // The rebuilder sees the site through a symbolic link, while the
        // watcher reports resolved paths (as with `--root .`): static edits
        // were lost when the two were compared as they came.
        let link = fresh.path().join("site-link");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let rebuilder = Rebuilder::new(BuildOptions {
            root: link,
            ..BuildOptions::default()
        })
        .unwrap();
        Harness {
            output: rebuilder.output_dir().to_path_buf(),
            fresh_out: fresh.path().join("out"),
            root,
            rebuilder,
            _fresh: fresh,
        }
    }

    /// Rebuilds after `paths` changed, as `watch` would, and writes the
    /// search index once it is made (`indexed` then tells whether it was).
    fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Outcome, Failure> {
        let mut outcome = self
            .rebuilder
            .rebuild(classify(&self.root, &self.output, paths))?;
        if let Some(index) = self.rebuilder.finish_search(true) {
            outcome.indexed |= index?.indexed;
        }
        Ok(outcome)
    }

    /// The first build, of everything; it must succeed.
    fn first_build(&mut self) {
        let first = self.rebuild(&[self.root.join("site.toml")]);
        assert!(first.is_ok(), "{:?}", first.err());
    }

    /// A fresh build of the site as it is now, into the other folder.
    fn fresh(&self) -> Result<BTreeMap<String, Vec<u8>>, String> {
        fresh_build(&self.root, &self.fresh_out)
    }
}

/// Replays `steps` random edits of `mix` from `seed`, comparing each
/// rebuild with a fresh build; returns how many rebuilds patched the kept
/// site (a quick path) instead of assembling it again.
fn replay(seed: u64, steps: usize, typed: bool, mix: Mix) -> usize {
    let site = start_site(typed);
    if mix == Mix::FrontMatter {
        // Every section's pages as `get_section` gives them, which the
        // quick path keeps and patches.
        site.write(
            "templates/taxonomy_list.html",
            "{% extends \"base.html\" %}{% block main %}{% for folder in [\"\", \"posts\", \"guides\", \"guides/deep\"] %}{% set s = get_section(path=folder) %}<h2>{{ s.title }}</h2><ul>{% for p in s.pages %}<li>{{ p.title }} {{ p.date }} {{ p.weight }} {{ p.description }} {{ p.summary | safe }}{% for name, terms in p.taxonomies %} {{ name }}:{% for t in terms %}{{ t.name }},{% endfor %}{% endfor %}</li>{% endfor %}</ul>{% endfor %}{% endblock main %}\n",
        );
    }
    let mut harness = Harness::new(&site);
    harness.first_build();
    let (root, output) = (harness.root.clone(), harness.output.clone());
    let mut random = Random(seed);
    let mut history = Vec::new();
    let mut broken = None;
    let mut patched = 0;
    for step in 0..steps {
        let paths = random_edit(&site, &mut random, (step, mix), &mut broken);
        history.push(
            paths
                .iter()
                .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
                .collect::<Vec<_>>()
                .join(" + "),
        );
        let before = read_tree(&output);
        let result = harness.rebuild(&paths);
        let expected = harness.fresh();
        match (&result, expected) {
            (Ok(outcome), Ok(expected)) => {
                if std::env::var_os("REBUILD_STATS").is_some() {
                    eprintln!(
                        "seed {seed} step {step}: ok, {} rendered, {} written, patched {}: {}",
                        outcome.rendered,
                        outcome.written.len(),
                        outcome.patched,
                        history[step]
                    );
                }
                patched += usize::from(outcome.patched);
                let actual = try_read_output(&output).unwrap();
                if actual != expected {
                    let differ: Vec<&String> = expected
                        .keys()
                        .chain(actual.keys())
                        .filter(|k| actual.get(*k) != expected.get(*k))
                        .collect();
                    let first = differ[0];
                    let show = |tree: &BTreeMap<String, Vec<u8>>| {
                        tree.get(first)
                            .map(|b| String::from_utf8_lossy(b).into_owned())
                            .unwrap_or_default()
                    };
                    panic!(
                        "seed {seed}, step {step}: the rebuilt output differs from a fresh build in {differ:?}\nedits: {history:#?}\nrebuilt {first}:\n{}\nfresh:\n{}",
                        show(&actual),
                        show(&expected)
                    );
                }
            }
            (Err(Failure::Content(errors)), Err(_)) => {
                if std::env::var_os("REBUILD_STATS").is_some() {
                    eprintln!("seed {seed} step {step}: failed: {}", errors[0]);
                }
                assert_eq!(
                    read_tree(&output),
                    before,
                    "seed {seed}, step {step}: a failed rebuild changed the output"
                );
            }
            (result, expected) => panic!(
                "seed {seed}, step {step}: rebuild gave {:?} but a fresh build gave {:?}\nedits: {history:#?}",
                result.as_ref().map(|_| ()),
                expected.map(|_| ())
            ),
        }
    }
    patched
}

#[test]
fn randomised_edit_sequences_rebuild_like_a_fresh_build() {
    for seed in [1, 7, 42, 1234, 98765] {
        replay(seed, 60, false, Mix::Any);
    }
}

/// Front-matter edits (titles, dates that reorder, weights, `updated`,
/// descriptions, tags added, removed and replaced) move pages within
/// their section, between terms and between list pages; most are
/// patched into the kept site (issue 16's quick path), the rest (a new
/// term, a term renamed, a page moved) take the full path. Either way
/// the output is that of a fresh build.
#[test]
fn randomised_front_matter_edits_rebuild_like_a_fresh_build() {
    let mut patched = 0;
    for seed in [5, 77, 4321] {
        patched += replay(seed, 60, false, Mix::FrontMatter);
    }
    assert!(patched >= 60, "only {patched} of 180 rebuilds were patched");
}

#[test]
fn editing_a_page_title_redraws_its_card_as_a_fresh_build_does() {
    let site = start_site(false);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let card = harness.output.join("posts/p1/card.png");
    let before = std::fs::read(&card).unwrap();
    let page = harness.root.join("content/posts/p1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("title: P1", "title: A new title")).unwrap();
    let outcome = harness.rebuild(std::slice::from_ref(&page)).unwrap();
    assert!(
        outcome.written.contains(&"posts/p1/card.png".to_string()),
        "{outcome:?}"
    );
    assert!(
        !outcome.written.contains(&"posts/p0/card.png".to_string()),
        "{outcome:?}"
    );
    let after = std::fs::read(&card).unwrap();
    assert_ne!(before, after, "the card was not redrawn");
    assert_eq!(harness.fresh().unwrap()["posts/p1/card.png"], after);
}

#[test]
fn randomised_edits_keep_the_search_index_and_get_pages_fresh() {
    for seed in [3, 2024] {
        replay(seed, 40, true, Mix::Any);
    }
}

/// Every rebuild of a site with `search = true` made the whole pagefind
/// index again, even when no page's HTML had changed (a save without a
/// change, a template touched): a burst of work and allocation for nothing,
/// which `serve`'s memory followed.
#[test]
fn a_rebuild_that_changes_no_page_keeps_the_search_index() {
    let site = start_site(true);
    let mut harness = Harness::new(&site);
    let root = harness.root.clone();
    let mut rebuild = |paths: &[PathBuf]| {
        let outcome = harness
            .rebuild(paths)
            .unwrap_or_else(|failure| panic!("{failure:?}"));
        assert_eq!(
            try_read_output(&harness.output).unwrap(),
            harness.fresh().unwrap(),
            "the rebuilt output differs from a fresh build"
        );
        outcome.indexed
    };
    assert!(
        rebuild(&[root.join("site.toml")]),
        "the first build indexes"
    );

    // Blank lines at the end render to the same HTML (the quick path).
    let page = root.join("content/posts/p1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\n\n")).unwrap();
    assert!(!rebuild(std::slice::from_ref(&page)), "same pages: kept");

    // A template saved unchanged renders every page again (the full path).
    let template = root.join("templates/taxonomy_list.html");
    let same = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, same).unwrap();
    assert!(
        !rebuild(std::slice::from_ref(&template)),
        "same pages: kept"
    );

    std::fs::write(&page, text.replace("See", "Read")).unwrap();
    assert!(
        rebuild(std::slice::from_ref(&page)),
        "a page changed: indexed"
    );
}

/// With `search = true`, every edit under `serve` waited for the whole site
/// to be indexed again before the browser heard of it (33 s at 10,000
/// pages). The pages are written first, the previous index kept; the new
/// index follows from a worker, entry file last, and edits made while it
/// works make it start again instead of writing a stale one.
#[test]
fn a_rebuild_writes_its_pages_before_the_search_index_follows() {
    let site = start_site(true);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let (root, output) = (harness.root.clone(), harness.output.clone());
    let entry = || std::fs::read(output.join("pagefind/pagefind-entry.json")).unwrap();
    let first_entry = entry();
    let page = root.join("content/posts/p1.md");
    let text = std::fs::read_to_string(&page).unwrap();

    std::fs::write(&page, text.replace("See", "Read")).unwrap();
    let outcome = harness
        .rebuilder
        .rebuild(classify(&root, &output, std::slice::from_ref(&page)))
        .unwrap();
    assert!(!outcome.indexed && !outcome.index_only);
    assert!(outcome.written.contains(&"posts/p1/index.html".to_string()));
    assert!(outcome.written.iter().all(|p| !p.starts_with("pagefind/")));
    assert_eq!(entry(), first_entry, "the previous index is kept meanwhile");
    assert!(harness.rebuilder.search_pending());

    // Two more edits while the worker may still run: its index is stale.
    for word in ["Look", "Mind"] {
        std::fs::write(&page, text.replace("See", word)).unwrap();
        harness
            .rebuilder
            .rebuild(classify(&root, &output, std::slice::from_ref(&page)))
            .unwrap();
    }
    let index = harness
        .rebuilder
        .finish_search(true)
        .expect("a new index")
        .unwrap();
    assert!(index.indexed && index.index_only);
    assert!(
        index
            .written
            .contains(&"pagefind/pagefind-entry.json".to_string())
    );
    assert!(!harness.rebuilder.search_pending());
    assert_ne!(entry(), first_entry);
    assert_eq!(
        try_read_output(&output).unwrap(),
        harness.fresh().unwrap(),
        "with its index written, the output is a fresh build's"
    );
}

/// A site's own files under `pagefind/` were dropped by every rebuild
/// (it cleared that folder for the index, even with search off), while a
/// fresh build wrote them. With search on, both refuse them.
#[test]
fn a_sites_own_files_in_pagefind_are_kept_without_search_and_refused_with_it() {
    let site = start_site(false);
    site.write("static/pagefind/custom.css", "p { color: teal }\n");
    site.write("content/pagefind.md", &page("About pagefind", "", "Words."));
    let mut harness = Harness::new(&site);
    harness.first_build();
    let (root, output) = (harness.root.clone(), harness.output.clone());
    let css = root.join("static/pagefind/custom.css");
    site.write("static/pagefind/custom.css", "p { color: navy }\n");
    harness
        .rebuild(std::slice::from_ref(&css))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let rebuilt = try_read_output(&output).unwrap();
    assert_eq!(
        rebuilt.get("pagefind/custom.css").map(Vec::as_slice),
        Some(&b"p { color: navy }\n"[..])
    );
    assert!(rebuilt.contains_key("pagefind/index.html"));
    assert_eq!(rebuilt, harness.fresh().unwrap());

    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("search = true\n{toml}"));
    let before = read_tree(&output);
    let Err(Failure::Content(errors)) = harness.rebuild(&[root.join("site.toml")]) else {
        panic!("a rebuild with search on kept the site's files in pagefind/");
    };
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "content: error: `pagefind/card.png` (from the social card of content/pagefind.md) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
            "content: error: `pagefind/index.html` (from content/pagefind.md) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
            "static/pagefind/custom.css: error: `pagefind/custom.css` (from static/pagefind/custom.css) is in `pagefind/`, the search index's folder (`search = true` in site.toml): move it elsewhere",
        ]
    );
    assert_eq!(
        read_tree(&output),
        before,
        "a failed rebuild changed the output"
    );
    assert!(harness.fresh().is_err());
}

/// `watch` publishes and removes the static dot-files a host reads exactly
/// as `build` does (it ignored every dot-file as an editor's).
#[test]
fn published_static_dot_files_come_and_go_in_a_rebuild_as_in_a_fresh_build() {
    let site = start_site(false);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let file = harness.root.join("static/.well-known/security.txt");
    site.write("static/.well-known/security.txt", "Contact: x\n");
    harness
        .rebuild(std::slice::from_ref(&file))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let rebuilt = try_read_output(&harness.output).unwrap();
    assert!(rebuilt.contains_key(".well-known/security.txt"));
    assert_eq!(rebuilt, harness.fresh().unwrap());
    std::fs::remove_file(&file).unwrap();
    harness
        .rebuild(std::slice::from_ref(&file))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let rebuilt = try_read_output(&harness.output).unwrap();
    assert!(!rebuilt.contains_key(".well-known/security.txt"));
    assert_eq!(rebuilt, harness.fresh().unwrap());
}

/// A site without a theme gets the built-in theme's `style.css`; its own
/// `static/style.css` replaces it, and deleting that brings the built-in
/// one back, in a rebuild as in a fresh build.
#[test]
fn the_built_in_themes_static_file_yields_to_the_sites_and_comes_back() {
    let site = TempSite::new(&[
        ("site.toml", "title = \"T\"\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
    ]);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let built_in = try_read_output(&harness.output).unwrap()["style.css"].clone();
    assert_eq!(built_in, medsite::theme::static_file("style.css").unwrap());
    assert_eq!(
        try_read_output(&harness.output).unwrap(),
        harness.fresh().unwrap()
    );
    let file = harness.root.join("static/style.css");
    site.write("static/style.css", "body { color: red }\n");
    harness
        .rebuild(std::slice::from_ref(&file))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let rebuilt = try_read_output(&harness.output).unwrap();
    assert_eq!(rebuilt["style.css"], b"body { color: red }\n");
    assert_eq!(rebuilt, harness.fresh().unwrap());
    std::fs::remove_file(&file).unwrap();
    harness
        .rebuild(std::slice::from_ref(&file))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let rebuilt = try_read_output(&harness.output).unwrap();
    assert_eq!(rebuilt["style.css"], built_in);
    assert_eq!(rebuilt, harness.fresh().unwrap());
}

/// An edit of a fingerprinted file: the page that links it by `asset`
/// names the new file, the new file is published and the old name leaves
/// the output, as in a fresh build.
#[test]
fn an_edit_of_a_fingerprinted_file_renames_it_in_a_rebuild_as_in_a_fresh_build() {
    let site = start_site(false);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let fingerprinted = |tree: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        tree.keys()
            .filter(|p| p.starts_with("style.") && p.len() == "style.12345678.css".len())
            .cloned()
            .collect()
    };
    let before = try_read_output(&harness.output).unwrap();
    let old = fingerprinted(&before);
    assert_eq!(old.len(), 1, "{:?}", before.keys());
    let term = String::from_utf8_lossy(&before["tags/a/index.html"]).into_owned();
    assert!(
        term.contains(&format!("href=\"../../{}\"", old[0])),
        "{term}"
    );
    let file = harness.root.join("themes/fixture/static/style.css");
    site.write("themes/fixture/static/style.css", "body { color: navy }\n");
    harness
        .rebuild(std::slice::from_ref(&file))
        .unwrap_or_else(|failure| panic!("{failure:?}"));
    let after = try_read_output(&harness.output).unwrap();
    let new = fingerprinted(&after);
    assert_eq!(new.len(), 1, "{:?}", after.keys());
    assert_ne!(new, old);
    let term = String::from_utf8_lossy(&after["tags/a/index.html"]).into_owned();
    assert!(
        term.contains(&format!("href=\"../../{}\"", new[0])),
        "{term}"
    );
    assert_eq!(after, harness.fresh().unwrap());
}

/// An image replaced by another of the same name, a text edit of the page
/// that shows it, and the image removed: each rebuild equals a fresh build,
/// the new image's widths replace the old ones, and an unchanged image is
/// not encoded again.
#[test]
fn images_replaced_edited_around_and_removed_rebuild_like_a_fresh_build() {
    let site = start_site(false);
    let mut harness = Harness::new(&site);
    let root = harness.root.clone();
    let mut rebuild = |paths: &[PathBuf]| {
        let outcome = harness
            .rebuild(paths)
            .unwrap_or_else(|failure| panic!("{failure:?}"));
        let output = try_read_output(&harness.output).unwrap();
        assert_eq!(
            output,
            harness.fresh().unwrap(),
            "differs from a fresh build"
        );
        (outcome, output)
    };
    rebuild(&[root.join("site.toml")]);
    let fixture = |name: &str| {
        std::fs::read(repo().join("tests/fixtures/images/static/img").join(name)).unwrap()
    };
    let picture = root.join("static/img/pic.png");
    std::fs::create_dir_all(picture.parent().unwrap()).unwrap();
    std::fs::write(&picture, fixture("small.png")).unwrap();
    let page = root.join("content/posts/p1.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\n![A picture](/img/pic.png)\n")).unwrap();
    let (_, output) = rebuild(&[picture.clone(), page.clone()]);
    let widths = |output: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        output
            .keys()
            .filter(|k| k.starts_with("img/pic."))
            .cloned()
            .collect()
    };
    let small = widths(&output);
    // 100 and 200 px in PNG, those and 300 px in WebP, and the original.
    assert_eq!(small.len(), 6, "{small:?}");

    // The same length or not, a new image gets new names.
    std::fs::write(&picture, fixture("diagram.png")).unwrap();
    let (_, output) = rebuild(std::slice::from_ref(&picture));
    let diagram = widths(&output);
    assert!(
        diagram
            .iter()
            .all(|name| !small.contains(name) || name == "img/pic.png")
    );

    let cache = root.join(".medsite/cache/images");
    let times = || {
        let mut times: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (
                    entry.file_name(),
                    entry.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        times.sort();
        times
    };
    let cached = times();
    std::fs::write(
        &page,
        format!("{text}\nMore words.\n![A picture](/img/pic.png)\n"),
    )
    .unwrap();
    let (outcome, _) = rebuild(std::slice::from_ref(&page));
    assert!(outcome.written.iter().any(|w| w.starts_with("posts/p1/")));
    assert_eq!(times(), cached, "nothing encoded again");

    std::fs::remove_file(&picture).unwrap();
    let (outcome, output) = rebuild(std::slice::from_ref(&picture));
    assert_eq!(widths(&output), Vec::<String>::new());
    assert_eq!(
        outcome.removed.len(),
        diagram.len(),
        "{:?}",
        outcome.removed
    );
}

/// The records of a page-making data file added, moved (a field of the
/// URL changed), renamed and removed: each rebuild equals a fresh build,
/// and the moved page's old output is gone.
#[test]
fn records_of_a_page_making_data_file_come_go_and_move_in_a_rebuild_as_in_a_fresh_build() {
    let site = start_site(false);
    let mut harness = Harness::new(&site);
    harness.first_build();
    let csv = harness.root.join("data/jobs.csv");
    let edits = [
        format!("{JOBS_CSV}vet,NY,Vet in New York,2025-01-01,c\n"),
        JOBS_CSV.replace("nurse,TX", "nurse,NY"),
        JOBS_CSV.replace("Tech in California", "Technologist in California"),
        "career,state,title,updated,tag\ntech,CA,Tech in California,2023-07-07,a\n".to_string(),
    ];
    for text in edits {
        std::fs::write(&csv, &text).unwrap();
        let result = harness.rebuild(std::slice::from_ref(&csv));
        assert!(result.is_ok(), "{:?}", result.err());
        let actual = try_read_output(&harness.output).unwrap();
        assert_eq!(actual, harness.fresh().unwrap(), "after writing:\n{text}");
        let moved = actual.contains_key("jobs/nurse/tx/index.html");
        assert_eq!(moved, text.contains("nurse,TX"), "{text}");
    }
}
