//! Pagination, for every list that paginates (sections with `paginate_by`,
//! taxonomy terms): how many list pages a list needs, where each one goes
//! (`page/2/`), and which pages it shows. `plan` asks it for the output
//! paths, `render` for each list page's slice, `context` for the
//! paginator's links: one answer for all three.

/// How many list pages a list of `total` pages needs: one when it does not
/// paginate, and one (empty) when it has no pages.
pub fn pager_count(total: usize, paginate_by: Option<usize>) -> usize {
    match paginate_by {
        Some(size) if size > 0 => total.div_ceil(size).max(1),
        _ => 1,
    }
}

/// Site path of list page `index` (1-based) of the list at `base`: the
/// first is the list itself, later ones are `page/2/`, `page/3/`...
pub fn pager_path(base: &str, index: usize) -> String {
    if index <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{index}/")
    }
}

/// The pages that list page `pager` (1-based) of `pages` shows, `paginate_by`
/// to a page; empty past the last one.
pub fn pager_slice(pages: &[usize], paginate_by: usize, pager: usize) -> &[usize] {
    let start = (pager.saturating_sub(1) * paginate_by).min(pages.len());
    let end = (start + paginate_by).min(pages.len());
    &pages[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_unpaginated_list_has_one_list_page() {
        assert_eq!(pager_count(0, Some(3)), 1);
        assert_eq!(pager_count(10, None), 1);
        assert_eq!(pager_count(10, Some(0)), 1);
        assert_eq!(pager_count(6, Some(3)), 2);
        assert_eq!(pager_count(7, Some(3)), 3);
    }

    #[test]
    fn the_first_list_page_is_the_list_itself_and_later_ones_are_under_page() {
        assert_eq!(pager_path("blog/", 1), "blog/");
        assert_eq!(pager_path("blog/", 2), "blog/page/2/");
        assert_eq!(pager_path("", 3), "page/3/");
    }

    #[test]
    fn each_list_page_shows_its_slice_and_the_last_one_the_rest() {
        let pages = [10, 11, 12, 13, 14];
        assert_eq!(pager_slice(&pages, 2, 1), [10, 11]);
        assert_eq!(pager_slice(&pages, 2, 3), [14]);
        assert!(pager_slice(&pages, 2, 4).is_empty());
    }
}
