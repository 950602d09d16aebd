//! [`Plan::resize_term_pagers`]: a term's list pages added or removed in a
//! plan, as [`plan`](super::plan) would list them, for `watch`'s quick path
//! when a tag edit changes how many list pages a term has. Making the
//! whole plan again takes 10-20 ms at 10,000 pages; this touches one
//! term's jobs and renumbers the owners after them.

use std::ops::Bound;

use super::{Job, Owner, Plan, Target, is_reserved};
use crate::content::Site;
use crate::pagination::pager_path;

impl Plan {
    /// Gives term `k` of taxonomy `t` `count` list pages (its first page
    /// counts), adding or removing its `TermPager` jobs and their paths
    /// where [`plan`](super::plan) puts them. Returns the paths removed;
    /// `None`, changing nothing, when the term is not in the plan or a new
    /// list page's path is taken, refused or needed as a folder (then
    /// make the plan again, which reports it).
    pub fn resize_term_pagers(
        &mut self,
        site: &Site,
        (t, k): (usize, usize),
        count: usize,
    ) -> Option<Vec<String>> {
        let first = (self.jobs.iter()).position(|job| job.target == Target::Term(t, k))?;
        let pagers = self.jobs[first + 1..]
            .iter()
            .take_while(
                |job| matches!(job.target, Target::TermPager(tt, kk, _) if (tt, kk) == (t, k)),
            )
            .count();
        let have = pagers + 1;
        let want = count.max(1);
        if want < have {
            return Some(self.remove_jobs(first + want, have - want));
        }
        let term_path = &site.taxonomies[t].terms[k].path;
        let new: Vec<Job> = (have + 1..=want)
            .map(|pager| {
                let path = pager_path(term_path, pager);
                Job {
                    target: Target::TermPager(t, k, pager),
                    output: format!("{path}index.html"),
                    template: "taxonomy_term.html".into(),
                    path,
                }
            })
            .collect();
        if new.iter().any(|job| !self.is_free(site, &job.output)) {
            return None;
        }
        self.insert_jobs(first + have, new);
        Some(Vec::new())
    }

    /// Whether a new output may take `path`: no owner has it, none is a
    /// file where it needs a folder or lies inside it as a folder, and it
    /// is not the search index's.
    fn is_free(&self, site: &Site, path: &str) -> bool {
        let mut folders = path.match_indices('/').map(|(at, _)| &path[..at]);
        let inside = format!("{path}/");
        let nested = self
            .owners
            .range::<str, _>((Bound::Included(inside.as_str()), Bound::Unbounded))
            .next()
            .is_some_and(|(other, _)| other.starts_with(&inside));
        crate::content::paths::is_contained(path)
            && !is_reserved(site, path)
            && !self.owners.contains_key(path)
            && !folders.any(|folder| self.owners.contains_key(folder))
            && !nested
    }

    /// Removes `n` jobs from index `at`, their paths, and renumbers the
    /// jobs after them; returns the paths removed.
    fn remove_jobs(&mut self, at: usize, n: usize) -> Vec<String> {
        let removed: Vec<String> = self.jobs.drain(at..at + n).map(|job| job.output).collect();
        for path in &removed {
            self.owners.remove(path);
        }
        self.renumber(at, |i| i - n);
        removed
    }

    /// Inserts `jobs` at index `at` and claims their (free) paths.
    fn insert_jobs(&mut self, at: usize, jobs: Vec<Job>) {
        let n = jobs.len();
        self.renumber(at, |i| i + n);
        for (offset, job) in jobs.iter().enumerate() {
            self.owners
                .insert(job.output.clone(), Owner::Job(at + offset));
        }
        self.jobs.splice(at..at, jobs);
    }

    /// Moves every owner that is a job at index `from` or later.
    fn renumber(&mut self, from: usize, to: impl Fn(usize) -> usize) {
        for owner in self.owners.values_mut() {
            if let Owner::Job(i) = owner
                && *i >= from
            {
                *i = to(*i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan;
    use super::*;
    use crate::content::site_from_texts;
    use crate::pagination::pager_count;

    const CONFIG: &str = "title = \"Site\"\nbase_url = \"https://example.org/\"\nfeeds = true\n\
        [[taxonomies]]\nname = \"tags\"\npaginate_by = 1\n\
        [[taxonomies]]\nname = \"kinds\"\npaginate_by = 2\n";

    /// Pages 0..n tagged `x`, every one also `y` and of kind `k`.
    fn site(x: usize) -> Site {
        let files: Vec<(String, String)> = (0..4)
            .map(|i| {
                let tags = if i < x { "[x, y]" } else { "[y]" };
                let text = format!(
                    "---\ntitle: P{i}\ndate: 2024-01-0{}\ntaxonomies:\n  tags: {tags}\n  kinds: [k]\n---\n",
                    i + 1
                );
                (format!("blog/p{i}.md"), text)
            })
            .collect();
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        site_from_texts(CONFIG, &files)
    }

    fn term(site: &Site, name: &str) -> (usize, usize) {
        let t = site
            .taxonomies
            .iter()
            .position(|t| t.name == "tags")
            .unwrap();
        let k = (site.taxonomies[t].terms.iter()).position(|term| term.name == name);
        (t, k.unwrap())
    }

    /// Resizing the plan of a site with term `x` on `from` pages to what
    /// it has on `to` pages gives the plan made afresh: the same jobs in
    /// the same order, the same owners.
    fn check(from: usize, to: usize) {
        let (mut resized, errors) = plan(&site(from), false);
        assert!(errors.is_empty());
        let after = site(to);
        let x = term(&after, "x");
        let count = pager_count(to, Some(1));
        let removed = resized.resize_term_pagers(&after, x, count).unwrap();
        let (fresh, _) = plan(&after, false);
        assert_eq!(resized.jobs, fresh.jobs, "{from} -> {to}");
        assert_eq!(resized.owners, fresh.owners, "{from} -> {to}");
        let expected: Vec<String> = (to.max(1) + 1..=from)
            .map(|pager| format!("tags/x/page/{pager}/index.html"))
            .collect();
        assert_eq!(removed, expected);
    }

    #[test]
    fn a_term_gains_and_loses_list_pages_as_a_fresh_plan_has_them() {
        check(2, 3);
        check(3, 2);
        check(1, 4);
        check(4, 1);
        check(3, 3);
    }

    /// A new list page's path taken by another output: nothing changes,
    /// and the caller makes the plan again (which reports the clash).
    #[test]
    fn a_list_page_whose_path_is_taken_changes_nothing() {
        let (mut plan, _) = plan(&site(2), false);
        let before = plan.clone();
        let taken = "tags/x/page/3/index.html".to_string();
        plan.owners.insert(taken, Owner::Copy("static/x".into()));
        let with_copy = plan.clone();
        let after = site(3);
        assert_eq!(plan.resize_term_pagers(&after, term(&after, "x"), 3), None);
        assert_eq!(plan.jobs, with_copy.jobs);
        assert_eq!(plan.owners, with_copy.owners);
        // A file where the new page needs a folder.
        let mut plan = before;
        plan.owners
            .insert("tags/x/page/3".into(), Owner::Copy("static/p".into()));
        assert_eq!(plan.resize_term_pagers(&after, term(&after, "x"), 3), None);
    }
}
