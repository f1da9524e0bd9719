//! The day sheet: a day's (or a week's) bookings as one self-contained HTML
//! page, laid out for paper, to print or save as PDF from any browser. It is
//! built on the staff member's device from bookings opened there, like the CSV,
//! and holds what they read there — so every cell is escaped, and the page
//! carries a policy that lets nothing in it run or load, should a visitor have
//! typed markup into a field.

/// What the sheet shows; the caller supplies the words in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaySheet<'a> {
    /// The document's language (`en`, `fr`, `de`), for screen readers and hyphenation.
    pub lang: &'a str,
    /// The heading: the business and the day or week.
    pub title: &'a str,
    /// One line under the heading, e.g. "12 bookings · 34 people".
    pub summary: &'a str,
    /// The column headings, in order.
    pub headings: &'a [&'a str],
    /// One row per booking, in time order, with a cell per heading.
    pub rows: &'a [Vec<String>],
}

/// The page's own rules, in the page (a saved sheet has no server to fetch from):
/// black on white, the heading row repeated on each printed page, no row split
/// over two pages.
const STYLE: &str = "\
@page{size:A4;margin:12mm}\
body{margin:1.5rem;color:#000;background:#fff;font:11pt/1.35 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\
h1{margin:0 0 .25rem;font-size:16pt}\
p{margin:0 0 .75rem}\
table{width:100%;border-collapse:collapse}\
thead{display:table-header-group}\
tr{break-inside:avoid}\
th,td{padding:.3rem .4rem;text-align:left;vertical-align:top;border-bottom:1px solid #888;overflow-wrap:anywhere}\
th{font-size:9.5pt}\
td:first-child{white-space:nowrap;font-weight:600}\
@media print{body{margin:0}}";

/// The sheet as a complete HTML document.
pub fn day_sheet(sheet: &DaySheet<'_>) -> String {
    let mut page = String::with_capacity(1024 + sheet.rows.len() * 160);
    page.push_str("<!doctype html>\n<html lang=\"");
    push_escaped(&mut page, sheet.lang);
    page.push_str(
        "\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    push_escaped(&mut page, sheet.title);
    page.push_str("</title>\n<style>");
    page.push_str(STYLE);
    page.push_str("</style>\n</head>\n<body>\n<main>\n<h1>");
    push_escaped(&mut page, sheet.title);
    page.push_str("</h1>\n<p>");
    push_escaped(&mut page, sheet.summary);
    page.push_str("</p>\n<table>\n<thead><tr>");
    for heading in sheet.headings {
        page.push_str("<th scope=\"col\">");
        push_escaped(&mut page, heading);
        page.push_str("</th>");
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for row in sheet.rows {
        page.push_str("<tr>");
        for cell in row {
            page.push_str("<td>");
            push_escaped(&mut page, cell);
            page.push_str("</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
    page
}

/// Appends `text` as HTML text or attribute content: nothing in it can open or
/// close an element or an attribute.
fn push_escaped(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet_with(rows: &[Vec<String>]) -> String {
        day_sheet(&DaySheet {
            lang: "fr",
            title: "Bistro — mardi 8 décembre 2026",
            summary: "2 réservations · 6 personnes",
            headings: &["Heure", "Quoi", "Nom"],
            rows,
        })
    }

    #[test]
    fn rows_keep_their_order_and_every_cell() {
        let page = sheet_with(&[
            vec!["12:00".into(), "4 personnes".into(), "Ada".into()],
            vec!["12:30".into(), "2 personnes".into(), "Grace".into()],
        ]);
        assert!(page.starts_with("<!doctype html>\n<html lang=\"fr\">"));
        assert!(page.contains("<title>Bistro — mardi 8 décembre 2026</title>"));
        assert!(page.contains("<p>2 réservations · 6 personnes</p>"));
        assert!(page.contains(
            "<th scope=\"col\">Heure</th><th scope=\"col\">Quoi</th><th scope=\"col\">Nom</th>"
        ));
        let ada = page.find("<td>Ada</td>").expect("first row");
        let grace = page.find("<td>Grace</td>").expect("second row");
        assert!(ada < grace, "time order kept");
        assert_eq!(
            page.matches("<tr>").count(),
            3,
            "a heading row and two bookings"
        );
    }

    #[test]
    fn markup_typed_by_a_visitor_stays_text() {
        let hostile = "<script>alert('x')</script><img src=x onerror=\"y\"> & co";
        let page = sheet_with(&[vec!["19:00".into(), "2".into(), hostile.into()]]);
        assert!(page.contains(
            "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&quot;y&quot;&gt; &amp; co</td>"
        ));
        assert!(!page.contains("<script>") && !page.contains("<img"));
        // Even if a cell escaped its escaping, the page's policy runs and loads nothing.
        assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    }

    #[test]
    fn an_empty_day_is_a_sheet_with_headings_only() {
        let page = sheet_with(&[]);
        assert!(page.contains("<tbody>\n</tbody>"));
        assert!(page.ends_with("</html>\n"));
    }
}
