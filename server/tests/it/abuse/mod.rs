//! The standing abuse suite: what a hostile user sends, through the real
//! router and database. Markup injection in every output (a corpus of
//! payloads, read back with a real HTML tokenizer), and the other attacks of
//! the security issue, each with the defect it once was.

mod brigading;
mod census;
mod credentials;
mod csv_cells;
mod downloads;
mod exposure;
mod images;
mod injection;
mod streams;
mod tenancy;

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Ways out of the element or attribute a text may sit in.
const BREAKOUTS: [&str; 10] = [
    "",
    "</title>",
    "</textarea>",
    "</style>",
    "</script>",
    "\">",
    "'>",
    "-->",
    "</noscript>",
    "]]>",
];

/// What a payload tries once out.
const INJECTIONS: [&str; 6] = [
    r#"<meta http-equiv="refresh" content="0;url=https://example.org/">"#,
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    r#"<a href="javascript:alert(1)">clic</a>"#,
    r#"<iframe srcdoc="<b>x</b>"></iframe>"#,
];

/// Sixty payloads: every way out with every injection.
pub fn payloads() -> Vec<String> {
    BREAKOUTS
        .iter()
        .flat_map(|out| INJECTIONS.iter().map(move |inj| format!("{out}{inj}")))
        .collect()
}

/// A start tag as a browser's tokenizer sees it.
#[derive(Debug)]
pub struct StartTag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

/// What a page is made of, tokenized the way a browser does (raw-text
/// elements switch the tokenizer's state, as the tree builder would).
#[derive(Default)]
pub struct Tokens {
    pub tags: Vec<StartTag>,
    /// The text of each `<script>` and `<style>`.
    pub raw_texts: Vec<String>,
    /// The text of the `<title>`.
    pub title: String,
}

struct Sink {
    out: RefCell<Tokens>,
    in_raw: RefCell<Option<String>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                let name = tag.name.to_string();
                self.out.borrow_mut().tags.push(StartTag {
                    name: name.clone(),
                    attrs: tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                });
                let raw = match name.as_str() {
                    "title" | "textarea" => Some(RawKind::Rcdata),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                        Some(RawKind::Rawtext)
                    }
                    "script" => Some(RawKind::ScriptData),
                    _ => None,
                };
                if let Some(kind) = raw.filter(|_| !tag.self_closing) {
                    *self.in_raw.borrow_mut() = Some(name);
                    return TokenSinkResult::RawData(kind);
                }
            }
            Token::TagToken(_) => {
                if let Some(name) = self.in_raw.borrow_mut().take() {
                    let _ = name;
                }
            }
            Token::CharacterTokens(text) => {
                if let Some(name) = self.in_raw.borrow().as_deref() {
                    let mut out = self.out.borrow_mut();
                    match name {
                        "title" => out.title.push_str(&text),
                        "script" | "style" => out.raw_texts.push(text.to_string()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tokenizes a whole page.
pub fn tokenize(html: &str) -> Tokens {
    let sink = Sink {
        out: RefCell::new(Tokens::default()),
        in_raw: RefCell::new(None),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

/// Fails if anything in `html` is markup a payload made: a refresh or other
/// `<meta http-equiv>`, a frame, an event handler, a `javascript:` address,
/// the payloads' image, or a script or style carrying their code. `what`
/// names the page in the failure.
#[track_caller]
pub fn assert_inert(html: &str, what: &str) {
    let tokens = tokenize(html);
    for tag in &tokens.tags {
        let bad = match tag.name.as_str() {
            "meta" => tag.attrs.iter().any(|(n, _)| n == "http-equiv"),
            "iframe" | "frame" | "object" | "embed" | "base" => true,
            "img" => tag.attrs.iter().any(|(n, v)| n == "src" && v == "x"),
            _ => false,
        } || tag.attrs.iter().any(|(name, value)| {
            name.starts_with("on") || value.trim().to_ascii_lowercase().starts_with("javascript:")
        });
        assert!(!bad, "{what}: injected markup {tag:?}");
    }
    // A script or style of the page may carry a payload as data (the
    // hydration data does, escaped); one that *is* a payload broke out.
    for text in &tokens.raw_texts {
        assert!(
            !text.trim_start().starts_with("alert("),
            "{what}: a payload runs as script: {text}"
        );
    }
}
