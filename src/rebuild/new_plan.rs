//! The plan after a quick path's edit ([`NewPlan`]): kept, when no output
//! comes or goes; resized in place, when a tag edit changes how many list
//! pages a term has ([`Plan::resize_term_pagers`]); made again otherwise.
//! Each can be undone when the rebuild fails, so that the kept plan
//! always names what the output folder holds.

use crate::content::{FrontEdit, Site};
use crate::diagnostics::Diagnostic;
use crate::pagination::pager_count;
use crate::plan::Plan;
use crate::templates::Templates;

/// How a quick path changed the kept plan.
pub(super) enum NewPlan {
    /// No output comes or goes.
    Kept,
    /// Terms' list pages added or removed in the kept plan: each term
    /// (taxonomy index, term index) with its number of list pages before,
    /// and the output paths gone.
    Resized {
        terms: Vec<(usize, usize, usize)>,
        removed: Vec<String>,
    },
    /// A plan made again, to replace the kept one ([`NewPlan::swap_in`]).
    Replaced(Plan),
}

impl NewPlan {
    /// The plan after `edit` of `site`: the terms whose number of list
    /// pages changed are resized in `kept`; if one cannot be (a new list
    /// page's path is taken), the plan is made again, and its errors,
    /// sorted, returned as a full build would report them.
    pub(super) fn after_front_edit(
        edit: &FrontEdit,
        site: &Site,
        kept: &mut Plan,
        templates: &Templates,
    ) -> Result<NewPlan, Vec<Diagnostic>> {
        let mut terms = Vec::new();
        for (t, k, before) in &edit.terms {
            let paginate_by = site.taxonomies[*t].paginate_by;
            let after = site.taxonomies[*t].terms[*k].pages.len();
            let (count_before, count) = (
                pager_count(before.len(), paginate_by),
                pager_count(after, paginate_by),
            );
            if count_before != count {
                terms.push((*t, *k, count_before, count));
            }
        }
        if terms.is_empty() {
            return Ok(NewPlan::Kept);
        }
        let (mut done, mut removed) = (Vec::new(), Vec::new());
        for (t, k, count_before, count) in terms {
            match kept.resize_term_pagers(site, (t, k), count) {
                Some(gone) => {
                    done.push((t, k, count_before));
                    removed.extend(gone);
                }
                None => {
                    let partly = NewPlan::Resized {
                        terms: done,
                        removed,
                    };
                    // Pages removed go back on the paths they freed.
                    let undone = partly.undo(site, kept);
                    debug_assert!(undone, "a resize is undone");
                    return again(site, templates);
                }
            }
        }
        Ok(NewPlan::Resized {
            terms: done,
            removed,
        })
    }

    /// Puts a plan made again in the place of `kept`; from then on
    /// [`NewPlan::Replaced`] holds the plan it replaced (the plan the
    /// output folder still has until the rebuild is written).
    pub(super) fn swap_in(&mut self, kept: &mut Plan) {
        if let NewPlan::Replaced(plan) = self {
            std::mem::swap(plan, kept);
        }
    }

    /// The outputs gone, once swapped in: those of the replaced plan that
    /// `now` lacks, or the list pages removed.
    pub(super) fn removed(&self, now: &Plan) -> Vec<String> {
        match self {
            NewPlan::Kept => Vec::new(),
            NewPlan::Resized { removed, .. } => removed.clone(),
            NewPlan::Replaced(old) => (old.owners.keys())
                .filter(|path| !now.owners.contains_key(*path))
                .cloned()
                .collect(),
        }
    }

    /// Puts `kept` back as it was before [`NewPlan::after_front_edit`]
    /// (and [`NewPlan::swap_in`]), as the output folder has it; false if
    /// a term's list pages could not be put back.
    pub(super) fn undo(self, site: &Site, kept: &mut Plan) -> bool {
        match self {
            NewPlan::Kept => true,
            NewPlan::Replaced(old) => {
                *kept = old;
                true
            }
            NewPlan::Resized { terms, .. } => terms
                .iter()
                .rev()
                .all(|&(t, k, count)| kept.resize_term_pagers(site, (t, k), count).is_some()),
        }
    }
}

/// The plan made again, or its errors.
fn again(site: &Site, templates: &Templates) -> Result<NewPlan, Vec<Diagnostic>> {
    let (plan, mut errors) = crate::render::plan_for(site, templates);
    if errors.is_empty() {
        return Ok(NewPlan::Replaced(plan));
    }
    crate::diagnostics::sort(&mut errors);
    errors.dedup();
    Err(errors)
}
