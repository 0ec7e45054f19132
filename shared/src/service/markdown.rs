//! Markdown to safe HTML, for every Markdown field.
//!
//! pulldown-cmark renders; raw HTML in the source is shown as text, never
//! passed through; ammonia then keeps only an allow-list of tags and
//! attributes and only http(s) and mailto links.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, html};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "hr",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "strong",
            "em",
            "del",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
            "code",
            "pre",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
        ]
        .into_iter()
        .collect();
        let mut builder = ammonia::Builder::default();
        builder
            .tags(tags)
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("noopener noreferrer nofollow ugc"))
            .generic_attributes(HashSet::new())
            .tag_attributes(
                [
                    ("a", ["href"].into_iter().collect()),
                    ("ol", ["start"].into_iter().collect()),
                ]
                .into_iter()
                .collect(),
            );
        builder
    })
}

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
}

/// Renders Markdown to sanitized HTML. A `# heading` becomes `<h2>`, so the
/// page's own `<h1>` stays the only one.
pub fn render(markdown: &str) -> String {
    let events = parser(markdown).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(pulldown_cmark::Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(pulldown_cmark::Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(pulldown_cmark::TagEnd::Heading(level)) => {
            Event::End(pulldown_cmark::TagEnd::Heading(demote(level)))
        }
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    sanitizer().clean(&unsafe_html).to_string()
}

fn demote(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 => H2,
        H2 => H3,
        H3 => H4,
        H4 => H5,
        _ => H6,
    }
}

/// The plain text at the start of a Markdown document, cut at a word
/// boundary to at most `max_chars` characters (with an ellipsis if cut).
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !text.ends_with(' ') && !text.is_empty() =>
            {
                text.push(' ')
            }
            _ => {}
        }
        if text.chars().count() > max_chars + 1 {
            break;
        }
    }
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_usual_markdown() {
        let html =
            render("# Titolo\n\nUn **testo** con [link](https://example.org).\n\n- uno\n- due");
        assert!(html.contains("<h2>Titolo</h2>"), "{html}");
        assert!(html.contains("<strong>testo</strong>"));
        assert!(
            html.contains(
                r#"<a href="https://example.org" rel="noopener noreferrer nofollow ugc">link</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("<li>uno</li>"));
    }

    #[test]
    fn never_lets_executable_markup_through() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)><circle/></svg>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=https://evil.example></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "![x](https://evil.example/x.png\" onerror=\"alert(1))",
            "<<script>script>alert(1)<</script>/script>",
            "<details open ontoggle=alert(1)>",
        ];
        for payload in payloads {
            let html = render(payload).to_lowercase();
            for bad in [
                "<script",
                "<img",
                "<svg",
                "<iframe",
                "<div",
                "<details",
                "javascript:",
                "data:text",
                "onerror=",
                "onload=",
                "ontoggle=",
                "style=",
            ] {
                assert!(!html.contains(bad), "{payload:?} rendered {html:?}");
            }
        }
    }

    #[test]
    fn excerpts_are_plain_text_cut_at_a_word() {
        assert_eq!(
            excerpt("## Problema\n\nLe *strade* sono buie.", 200),
            "Problema Le strade sono buie."
        );
        let long = excerpt("parola ".repeat(100).as_str(), 30);
        assert!(long.ends_with('…') && long.chars().count() <= 31, "{long}");
        assert!(!long.contains("<"));
    }
}
