//! Markdown to safe HTML, for every Markdown field.
//!
//! pulldown-cmark renders; raw HTML in the source is shown as text, never
//! passed through; ammonia then keeps only an allow-list of tags and
//! attributes and only http(s) and mailto links.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Options, Parser, html};

/// The only tags rendered Markdown may contain.
pub const ALLOWED_TAGS: [&str; 24] = [
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
];

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
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

/// Escapes text for HTML content and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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

/// Markdown as people typed it, made safe to hand to any other Markdown
/// renderer (the plan's `piano.md`): raw HTML is escaped so it reads as
/// text (`&lt;script>`), and a link or image to anything but http(s),
/// mailto or a path of this site loses its address. Everything else is
/// left exactly as typed.
pub fn safe_source(markdown: &str) -> String {
    use pulldown_cmark::Tag;
    // Byte ranges to rewrite: (start, end, replacement).
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (event, range) in parser(markdown).into_offset_iter() {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {
                let raw = &markdown[range.clone()];
                edits.push((range.start, range.end, raw.replace('<', "&lt;")));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !safe_url(&dest_url) =>
            {
                let raw = &markdown[range.clone()];
                if let Some(at) = raw.rfind(dest_url.as_ref()) {
                    let start = range.start + at;
                    edits.push((start, start + dest_url.len(), "#".to_owned()));
                }
            }
            _ => {}
        }
    }
    // Inline HTML inside a block of HTML is reported once; keep outer edits.
    edits.sort_by_key(|e| (e.0, std::cmp::Reverse(e.1)));
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (start, end, replacement) in edits {
        if start < at {
            continue;
        }
        out.push_str(&markdown[at..start]);
        out.push_str(&replacement);
        at = end;
    }
    out.push_str(&markdown[at..]);
    out
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// The plain text at the start of a Markdown document, cut at a word
/// boundary to at most `max_chars` characters (with an ellipsis if cut).
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    use pulldown_cmark::TagEnd;
    let mut text = String::new();
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            // Blocks and line breaks separate words; inline tags (emphasis, links) do not.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max_chars * 2 {
            break;
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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

    /// The tags of an HTML fragment with their attributes (name, value), in order.
    /// Text (including escaped `&lt;…&gt;`) is skipped: only real markup counts.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let end = rest[start..]
                .find('>')
                .map(|e| start + e)
                .expect("tags are closed");
            let inner = rest[start + 1..end].trim_end_matches('/');
            rest = &rest[end + 1..];
            if inner.starts_with('/') {
                continue;
            }
            let mut parts = inner.splitn(2, char::is_whitespace);
            let name = parts.next().unwrap_or_default().to_lowercase();
            let mut attributes = Vec::new();
            let mut attrs = parts.next().unwrap_or_default().trim();
            while !attrs.is_empty() {
                let (key, after) = attrs.split_once('=').expect("attributes have values");
                let after = after.trim_start();
                let quote = after.chars().next().expect("a value");
                let close = after[1..].find(quote).expect("quoted value") + 1;
                attributes.push((key.trim().to_lowercase(), after[1..close].to_owned()));
                attrs = after[close + 1..].trim_start();
            }
            out.push((name, attributes));
        }
        out
    }

    #[test]
    fn never_lets_executable_markup_through() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)><circle/></svg>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=https://evil.example></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "![x](https://evil.example/x.png\" onerror=\"alert(1))",
            "![x](javascript:alert(1))",
            "<<script>script>alert(1)<</script>/script>",
            "<details open ontoggle=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "[x]: javascript:alert(1)\n\n[link][x]",
            "<a href='javas\tcript:alert(1)'>x</a>",
            "`<script>`",
        ];
        let allowed = ALLOWED_TAGS;
        for payload in payloads {
            let html = render(payload);
            for (name, attributes) in tags(&html) {
                assert!(
                    allowed.contains(&name.as_str()),
                    "{payload:?} produced <{name}> in {html:?}"
                );
                for (key, value) in attributes {
                    match key.as_str() {
                        "href" => {
                            let scheme = value.to_lowercase();
                            assert!(
                                scheme.starts_with("http://")
                                    || scheme.starts_with("https://")
                                    || scheme.starts_with("mailto:"),
                                "{payload:?} produced href={value:?}"
                            );
                        }
                        "rel" | "start" => {}
                        other => panic!("{payload:?} produced attribute {other} in {html:?}"),
                    }
                }
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

    #[test]
    fn markdown_handed_on_carries_no_html_and_no_script_links() {
        let typed = "Un **testo** con <script>alert(1)</script> e <img src=x onerror=alert(1)>.\n\n\
                     <div onclick=\"x()\">blocco</div>\n\n\
                     [buono](https://example.org) [cattivo](javascript:alert(1)) \
                     ![immagine](data:text/html,<b>x</b>) [qui](/processi/a) e `<b>codice</b>`.";
        let safe = safe_source(typed);
        assert!(
            !safe.contains("<script") && !safe.contains("<img") && !safe.contains("<div"),
            "{safe}"
        );
        assert!(safe.contains("&lt;script>alert(1)&lt;/script>"), "{safe}");
        assert!(
            !safe.to_lowercase().contains("javascript:") && !safe.contains("data:"),
            "{safe}"
        );
        assert!(
            safe.contains("[buono](https://example.org)") && safe.contains("[qui](/processi/a)")
        );
        assert!(
            safe.contains("**testo**") && safe.contains("`<b>codice</b>`"),
            "code stays as typed"
        );
        // Rendered by any Markdown renderer, it reads the same as on the site.
        assert_eq!(safe_source(&safe), safe, "safe is a fixed point");
        assert!(!render(&safe).contains("<script"));
    }
}
