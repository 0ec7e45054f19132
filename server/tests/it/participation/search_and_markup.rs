//! Italian search, and people's Markdown never reaching a page as markup.

use super::*;

// ---------------------------------------------------------------------------
// 9. Markdown never becomes live markup
// ---------------------------------------------------------------------------

const PAYLOADS: &str = "Proposta con contenuti ostili.\n\n\
<script>alert(1)</script>\n\n\
[x](javascript:alert(1))\n\n\
<img src=x onerror=alert(1)>\n\n\
<svg onload=alert(1)>\n\n\
[d](data:text/html;base64,PHNjcmlwdD4=)\n\n\
<a href=\"javascript:alert(1)\"\n\n\
Fine.";

/// Parses the attributes of a tag's inside (`a href="…" rel=…`).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = inside
        .split_once(char::is_whitespace)
        .map_or("", |(_, a)| a)
        .trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    let value = after[1..close].to_owned();
                    rest = after.get(close + 1..).unwrap_or("").trim_start();
                    value
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    let value = after[..end].to_owned();
                    rest = after[end..].trim_start();
                    value
                }
            }
        } else {
            String::new()
        };
        out.push((name, value));
    }
    out
}

/// Every piece of live markup in `html` that could run a payload: script
/// tags without the page's nonce, event-handler attributes, and links or
/// sources to `javascript:` or `data:` documents. Escaped text is ignored.
fn live_payloads(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_lowercase();
    let mut at = 0;
    while let Some(offset) = lower[at..].find('<') {
        let start = at + offset;
        let Some(end) = lower[start..].find('>').map(|e| start + e) else {
            break;
        };
        let inside = lower[start + 1..end].trim_end_matches('/');
        at = end + 1;
        let name: String = inside
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
            .collect();
        if name.is_empty() {
            continue; // closing tags, comments, doctype
        }
        let attrs = attributes(inside);
        if name == "script" {
            // Skip the script's content (hydration data); only the page's own
            // scripts, which carry its nonce, may have any.
            let Some(close) = lower[at..].find("</script") else {
                found.push(format!("unclosed <{inside}>"));
                break;
            };
            let content = lower[at..at + close].trim();
            if !content.is_empty() && !attrs.iter().any(|(k, _)| k == "nonce") {
                found.push(format!("script without nonce: <{inside}>{content}"));
            }
            at += close;
            continue;
        }
        if matches!(name.as_str(), "textarea" | "title") {
            // Plain text up to the closing tag (RCDATA): tags in it are inert.
            match lower[at..].find(&format!("</{name}")) {
                Some(close) => at += close,
                None => {
                    found.push(format!("unclosed <{inside}>"));
                    break;
                }
            }
            continue;
        }
        if matches!(name.as_str(), "iframe" | "object" | "embed" | "base") {
            found.push(format!("<{inside}>"));
        }
        for (key, value) in attrs {
            let value = value.trim().replace(['\t', '\n', '\r'], "");
            if key.starts_with("on") {
                found.push(format!("handler {key} in <{inside}>"));
            }
            let is_url = matches!(
                key.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "srcdoc"
            );
            if is_url
                && (value.starts_with("javascript:")
                    || value.starts_with("data:text")
                    || value.starts_with("vbscript:")
                    || value.contains("&#"))
            {
                found.push(format!("{key}={value} in <{inside}>"));
            }
        }
    }
    found
}

#[tokio::test]
async fn markdown_payloads_never_reach_the_page_as_markup() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let created = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Una proposta con testo ostile"),
                ("testo", PAYLOADS),
            ],
            Some(&cookie),
        )
        .await;
    let id = proposal_id_in(&created.location());
    let commented = app
        .post_form(
            "/api/comments/post",
            &[
                ("proposal", &id.to_string()),
                ("commento", PAYLOADS),
                ("posizione", "contro"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(
        commented.location().contains("esito=commento-pubblicato"),
        "{}",
        commented.location()
    );
    // What the services hand to the page is already clean.
    let anonymous = Ctx::new(app.db.clone(), Actor::Anonymous);
    let detail = proposals::detail(&anonymous, id).await.unwrap();
    let thread = comments::list(&anonymous, id, None).await.unwrap();
    for html in [&detail.body_html, &thread.threads[0].body_html] {
        let lower = html.to_lowercase();
        // Raw HTML survives only as escaped text, links only as http(s).
        for bad in ["<script", "<img", "<svg", "<a href", "data:text/html"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        assert!(
            lower.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(live_payloads(html).is_empty(), "{html}");
    }

    // The page, for anyone and for the author.
    for (anonymous, answer) in [
        (true, app.get(&format!("/proposte/{id}")).await),
        (false, app.get_as(&format!("/proposte/{id}"), &cookie).await),
    ] {
        assert_eq!(answer.status, StatusCode::OK);
        let page = &answer.body;
        assert!(page.contains("Una proposta con testo ostile"));
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "raw HTML is shown as text"
        );
        let lower = page.to_lowercase();
        if anonymous {
            // The author's page also carries the Markdown source, in the
            // comment's edit box (inert text) and as data; nobody else's does.
            assert!(!lower.contains("<script>alert"), "a live script");
            assert!(!lower.contains("<img src=x"));
            assert!(!lower.contains("<svg onload"));
            assert!(!lower.contains("<a href=\"javascript:"));
            assert!(!lower.contains("<a href=\"data:"));
            assert!(!lower.contains("data:text/html"));
        }
        let live = live_payloads(page);
        assert!(live.is_empty(), "live markup: {live:#?}");
    }
    // The list's excerpts are plain text too.
    let list = app
        .page(&format!("/processi/{PINEROLO}/proposte?ordine=recenti"))
        .await;
    assert!(list.contains("Una proposta con testo ostile"));
    assert!(live_payloads(&list).is_empty());
    assert!(!list.to_lowercase().contains("<script>alert"));
}

/// The author's own edit boxes hold the Markdown source as text: it must not
/// be able to close the box and go on as markup.
#[tokio::test]
async fn edit_boxes_keep_their_text_inside() {
    let app = spawn_app().await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = first_published(&app, PINEROLO).await;
    let breakout = "Chiudo la casella </textarea><img src=x onerror=alert(1)><b>fuori</b>";
    let posted = app
        .post_form(
            "/api/comments/post",
            &[
                ("proposal", &id.to_string()),
                ("commento", breakout),
                ("posizione", "neutro"),
            ],
            Some(&cookie),
        )
        .await;
    assert!(posted.location().contains("esito=commento-pubblicato"));
    // Others see it rendered and escaped.
    let page = app.page(&format!("/proposte/{id}")).await;
    assert!(live_payloads(&page).is_empty());
    // The author's page has the edit box with the source.
    let mine = app.get_as(&format!("/proposte/{id}"), &cookie).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.body.contains("Modifica il commento"));
    let comment_box = live_payloads(&mine.body);

    // The same for a proposal's text on its edit page.
    let created = app
        .post_form(
            "/api/proposals/create",
            &[
                ("process", PINEROLO),
                ("piattaforma", "servizi-online"),
                ("titolo", "Una proposta che esce dalla casella"),
                ("testo", &format!("{breakout} e altro testo ancora.")),
            ],
            Some(&cookie),
        )
        .await;
    let proposal = proposal_id_in(&created.location());
    let edit = app
        .get_as(&format!("/proposte/{proposal}/modifica"), &cookie)
        .await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("Una proposta che esce dalla casella"));
    let proposal_box = live_payloads(&edit.body);
    assert!(
        comment_box.is_empty() && proposal_box.is_empty(),
        "the text left its box: comment {comment_box:#?}, proposal {proposal_box:#?}"
    );
}
