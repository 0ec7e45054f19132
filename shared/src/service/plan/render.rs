//! A plan version written out: Markdown (also what two versions are
//! compared on), an HTML body for the site's pages, and one standalone,
//! printable HTML file. The plan is an Italian administrative document, so
//! its fixed words are Italian whatever the reader's language.

use std::fmt::Write as _;

use crate::model::plan::{ApprovalView, PlanDocument, PlanEntry, PlanEntryKind, PlanObjective};

use crate::service::common::markdown;
use crate::service::common::markdown::escape_html as esc;
use crate::service::common::markdown::safe_source;

/// The months' names, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// "12 maggio 2026".
pub fn date_it(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// A whole number with Italian thousands separators ("12.345").
pub fn count_it(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The title line: "Piano strategico · <process>".
pub fn title(document: &PlanDocument) -> String {
    format!("Piano strategico · {}", document.process.name)
}

/// What the version is: its number and date, and the approval if any.
pub fn status_line(document: &PlanDocument, approval: Option<&ApprovalView>) -> String {
    let mut line = format!(
        "Versione {} del {}",
        document.version,
        date_it(document.saved_at.date_naive())
    );
    match approval {
        Some(a) => {
            let _ = write!(
                line,
                ", approvata {} con delibera n. {} del {}",
                match a.body {
                    crate::model::plan::ApprovingBody::Council => "dal Consiglio",
                    crate::model::plan::ApprovingBody::Giunta => "dalla Giunta",
                },
                a.resolution_number,
                date_it(a.resolution_date)
            );
        }
        None => line.push_str(" (bozza, non approvata)"),
    }
    match document.redactions.len() {
        0 => {}
        1 => line.push_str(
            "; una voce omessa dai moderatori dopo il salvataggio, il resto del testo è invariato",
        ),
        n => {
            let _ = write!(
                line,
                "; {n} voci omesse dai moderatori dopo il salvataggio, il resto del testo è invariato"
            );
        }
    }
    line
}

/// Text that reads literally in Markdown (titles typed by people).
pub(crate) fn md_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '<' | '>' | '|' | '!' | '~'
        ) {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn kind_label(kind: PlanEntryKind) -> &'static str {
    match kind {
        PlanEntryKind::Project => "Progetto",
        PlanEntryKind::Proposal => "Proposta accolta",
    }
}

pub(crate) fn objective_label(o: &PlanObjective) -> String {
    format!("{} {} (missione {})", o.code, o.title, o.mission_code)
}

/// Numbers of the sections: "1", "1.2", "1.2.3".
struct Numbering {
    section: usize,
    platform: usize,
    entry: usize,
}

/// The plan as Markdown (CommonMark with tables).
pub fn markdown(document: &PlanDocument, approval: Option<&ApprovalView>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(out, "# {}\n", md_inline(&title(document)));
    let _ = writeln!(out, "{}\n", md_inline(&status_line(document, approval)));
    if let Some(edition) = &document.dup_edition {
        let _ = writeln!(out, "Obiettivi del DUP: {}\n", md_inline(edition));
    }
    if !document.introduction_md.is_empty() {
        let _ = writeln!(
            out,
            "## Introduzione\n\n{}\n",
            safe_source(&document.introduction_md)
        );
    }
    write_figures_md(&mut out, document);
    let mut n = Numbering {
        section: 0,
        platform: 0,
        entry: 0,
    };
    for section in &document.sections {
        n.section += 1;
        n.platform = 0;
        let _ = writeln!(out, "## {}. {}\n", n.section, md_inline(&section.title));
        if !section.text_md.is_empty() {
            let _ = writeln!(out, "{}\n", safe_source(&section.text_md));
        }
        for platform in &section.platforms {
            n.platform += 1;
            n.entry = 0;
            let _ = writeln!(
                out,
                "### {}.{}. {}\n",
                n.section,
                n.platform,
                md_inline(&platform.title)
            );
            if !platform.text_md.is_empty() {
                let _ = writeln!(out, "{}\n", safe_source(&platform.text_md));
            }
            for entry in &platform.entries {
                n.entry += 1;
                let _ = writeln!(
                    out,
                    "#### {}.{}.{}. {}\n",
                    n.section,
                    n.platform,
                    n.entry,
                    md_inline(&entry.title)
                );
                write_entry_md(&mut out, entry);
            }
        }
    }
    if !document.closing_md.is_empty() {
        let _ = writeln!(
            out,
            "## Conclusione\n\n{}\n",
            safe_source(&document.closing_md)
        );
    }
    write_annex_md(&mut out, document);
    out
}

fn write_figures_md(out: &mut String, document: &PlanDocument) {
    let f = &document.figures;
    let _ = writeln!(out, "## La partecipazione\n");
    let _ = writeln!(out, "| Dato | Valore |\n|---|---:|");
    let _ = writeln!(out, "| Partecipanti | {} |", count_it(f.participants));
    let _ = writeln!(out, "| Proposte | {} |", count_it(f.proposals));
    let _ = writeln!(out, "| Commenti | {} |", count_it(f.comments));
    match f.supports {
        Some(s) => {
            let _ = writeln!(out, "| Sostegni | {} |", count_it(s));
        }
        None => {
            let _ = writeln!(out, "| Sostegni | non ancora pubblici |");
        }
    }
    let _ = writeln!(
        out,
        "| Partecipazione assistita allo sportello | {:.1}% |\n",
        f.assisted_percent()
    );
    if !f.zones.is_empty() {
        let _ = writeln!(out, "| Zona | Proposte | Sostegni |\n|---|---:|---:|");
        for z in &f.zones {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md_inline(&z.zone),
                count_it(z.proposals),
                count_it(z.supports)
            );
        }
        out.push('\n');
    }
}

fn write_entry_md(out: &mut String, entry: &PlanEntry) {
    let _ = writeln!(out, "- Tipo: {}", kind_label(entry.kind));
    if let Some(n) = entry.supporters {
        let _ = writeln!(out, "- Sostenitori: {}", count_it(n));
    }
    if !entry.zones.is_empty() {
        let zones: Vec<String> = entry.zones.iter().map(|z| md_inline(z)).collect();
        let _ = writeln!(out, "- Zone: {}", zones.join(", "));
    }
    if !entry.partners.is_empty() {
        let partners: Vec<String> = entry.partners.iter().map(|p| md_inline(p)).collect();
        let _ = writeln!(out, "- Partner: {}", partners.join("; "));
    }
    if let Some(agreement) = &entry.agreement {
        let _ = writeln!(out, "- Accordo: {}", md_inline(agreement));
    }
    if !entry.originals.is_empty() {
        let originals: Vec<String> = entry.originals.iter().map(|o| md_inline(o)).collect();
        let _ = writeln!(out, "- Proposte confluite: {}", originals.join("; "));
    }
    if entry.objectives.is_empty() {
        let _ = writeln!(out, "- Obiettivi del DUP: nessuno collegato");
    } else {
        let objectives: Vec<String> = entry
            .objectives
            .iter()
            .map(|o| md_inline(&objective_label(o)))
            .collect();
        let _ = writeln!(out, "- Obiettivi del DUP: {}", objectives.join("; "));
    }
    out.push('\n');
    if !entry.description_md.trim().is_empty() {
        let _ = writeln!(out, "{}\n", safe_source(entry.description_md.trim()));
    }
    if let Some(answer) = &entry.answer_md {
        let _ = writeln!(
            out,
            "**Risposta dell'amministrazione.** {}\n",
            safe_source(answer.trim())
        );
    }
}

fn write_annex_md(out: &mut String, document: &PlanDocument) {
    let _ = writeln!(
        out,
        "## Allegato: corrispondenza con gli obiettivi del DUP\n"
    );
    let _ = writeln!(out, "| Voce | Tipo | Obiettivi del DUP |\n|---|---|---|");
    for entry in document.entries() {
        let objectives = if entry.objectives.is_empty() {
            "nessuno".to_owned()
        } else {
            entry
                .objectives
                .iter()
                .map(|o| md_inline(&objective_label(o)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            md_inline(&entry.title),
            kind_label(entry.kind),
            objectives
        );
    }
    out.push('\n');
}

/// The plan's body as HTML, for the site's pages: numbered headings from
/// `<h2>`, a table of contents, tables with captions. Markdown written by
/// people goes through the site's sanitizer.
pub fn html_body(document: &PlanDocument, approval: Option<&ApprovalView>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<p class=\"plan-status\">{}</p>",
        esc(&status_line(document, approval))
    );
    if let Some(edition) = &document.dup_edition {
        let _ = write!(out, "<p>Obiettivi del DUP: {}</p>", esc(edition));
    }
    // Table of contents.
    out.push_str("<nav class=\"plan-toc\" aria-labelledby=\"piano-indice\"><h2 id=\"piano-indice\">Indice</h2><ol>");
    if !document.introduction_md.is_empty() {
        out.push_str("<li><a href=\"#piano-introduzione\">Introduzione</a></li>");
    }
    out.push_str("<li><a href=\"#piano-partecipazione\">La partecipazione</a></li>");
    for (i, section) in document.sections.iter().enumerate() {
        let _ = write!(
            out,
            "<li><a href=\"#piano-sezione-{}\">{}. {}</a>",
            i + 1,
            i + 1,
            esc(&section.title)
        );
        if !section.platforms.is_empty() {
            out.push_str("<ol>");
            for (j, platform) in section.platforms.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li><a href=\"#piano-sezione-{}-{}\">{}.{}. {}</a></li>",
                    i + 1,
                    j + 1,
                    i + 1,
                    j + 1,
                    esc(&platform.title)
                );
            }
            out.push_str("</ol>");
        }
        out.push_str("</li>");
    }
    if !document.closing_md.is_empty() {
        out.push_str("<li><a href=\"#piano-conclusione\">Conclusione</a></li>");
    }
    out.push_str("<li><a href=\"#piano-allegato\">Allegato: corrispondenza con gli obiettivi del DUP</a></li></ol></nav>");

    if !document.introduction_md.is_empty() {
        let _ = write!(
            out,
            "<section aria-labelledby=\"piano-introduzione\"><h2 id=\"piano-introduzione\">Introduzione</h2>{}</section>",
            markdown::render(&document.introduction_md)
        );
    }
    write_figures_html(&mut out, document);
    for (i, section) in document.sections.iter().enumerate() {
        let _ = write!(
            out,
            "<section aria-labelledby=\"piano-sezione-{n}\"><h2 id=\"piano-sezione-{n}\">{n}. {}</h2>",
            esc(&section.title),
            n = i + 1
        );
        if !section.text_md.is_empty() {
            out.push_str(&markdown::render(&section.text_md));
        }
        for (j, platform) in section.platforms.iter().enumerate() {
            let _ = write!(
                out,
                "<section aria-labelledby=\"piano-sezione-{n}-{m}\"><h3 id=\"piano-sezione-{n}-{m}\">{n}.{m}. {}</h3>",
                esc(&platform.title),
                n = i + 1,
                m = j + 1
            );
            if !platform.text_md.is_empty() {
                out.push_str(&markdown::render(&platform.text_md));
            }
            for (k, entry) in platform.entries.iter().enumerate() {
                write_entry_html(&mut out, entry, &format!("{}.{}.{}", i + 1, j + 1, k + 1));
            }
            out.push_str("</section>");
        }
        out.push_str("</section>");
    }
    if !document.closing_md.is_empty() {
        let _ = write!(
            out,
            "<section aria-labelledby=\"piano-conclusione\"><h2 id=\"piano-conclusione\">Conclusione</h2>{}</section>",
            markdown::render(&document.closing_md)
        );
    }
    write_annex_html(&mut out, document);
    out
}

fn write_figures_html(out: &mut String, document: &PlanDocument) {
    let f = &document.figures;
    out.push_str("<section aria-labelledby=\"piano-partecipazione\"><h2 id=\"piano-partecipazione\">La partecipazione</h2>");
    out.push_str(
        "<table class=\"table plan-figures\"><caption>Partecipazione al percorso</caption><tbody>",
    );
    let supports = f
        .supports
        .map(count_it)
        .unwrap_or_else(|| "non ancora pubblici".to_owned());
    for (label, value) in [
        ("Partecipanti", count_it(f.participants)),
        ("Proposte", count_it(f.proposals)),
        ("Commenti", count_it(f.comments)),
        ("Sostegni", supports),
        (
            "Partecipazione assistita allo sportello",
            format!("{:.1}%", f.assisted_percent()),
        ),
    ] {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"number\">{}</td></tr>",
            esc(label),
            esc(&value)
        );
    }
    out.push_str("</tbody></table>");
    if !f.zones.is_empty() {
        // A bar per zone (proposals), drawn on the server; the table below
        // carries the same figures for every reader.
        let max = f
            .zones
            .iter()
            .map(|z| z.proposals)
            .max()
            .unwrap_or(0)
            .max(1);
        let row_height = 28;
        let height = row_height * f.zones.len() + 8;
        let _ = write!(
            out,
            "<figure class=\"plan-chart\"><svg role=\"img\" aria-labelledby=\"piano-grafico-zone\" viewBox=\"0 0 640 {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"piano-grafico-zone\">Proposte per zona</title>"
        );
        for (i, z) in f.zones.iter().enumerate() {
            let y = i * row_height + 4;
            let width = (z.proposals as f64 / max as f64 * 360.0).round() as i64;
            let _ = write!(
                out,
                "<text x=\"0\" y=\"{ty}\" font-size=\"14\" fill=\"#1a1a1a\">{}</text><rect x=\"220\" y=\"{y}\" width=\"{width}\" height=\"20\" fill=\"#0066cc\"></rect><text x=\"{tx}\" y=\"{ty}\" font-size=\"14\" fill=\"#1a1a1a\">{}</text>",
                esc(&z.zone),
                count_it(z.proposals),
                ty = y + 15,
                tx = 226 + width,
            );
        }
        out.push_str("</svg><figcaption>Proposte per zona: i valori sono nella tabella seguente.</figcaption></figure>");
        out.push_str("<table class=\"table plan-zones\"><caption>Proposte e sostegni per zona</caption><thead><tr><th scope=\"col\">Zona</th><th scope=\"col\">Proposte</th><th scope=\"col\">Sostegni</th></tr></thead><tbody>");
        for z in &f.zones {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"number\">{}</td><td class=\"number\">{}</td></tr>",
                esc(&z.zone),
                count_it(z.proposals),
                count_it(z.supports)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn write_entry_html(out: &mut String, entry: &PlanEntry, number: &str) {
    let _ = write!(
        out,
        "<article class=\"plan-entry\"><h4>{number}. {}</h4><dl class=\"plan-facts\"><dt>Tipo</dt><dd>{}</dd>",
        esc(&entry.title),
        kind_label(entry.kind)
    );
    if let Some(n) = entry.supporters {
        let _ = write!(out, "<dt>Sostenitori</dt><dd>{}</dd>", count_it(n));
    }
    if !entry.zones.is_empty() {
        let _ = write!(
            out,
            "<dt>Zone</dt><dd>{}</dd>",
            esc(&entry.zones.join(", "))
        );
    }
    if !entry.partners.is_empty() {
        let _ = write!(
            out,
            "<dt>Partner</dt><dd>{}</dd>",
            esc(&entry.partners.join("; "))
        );
    }
    if let Some(agreement) = &entry.agreement {
        let _ = write!(out, "<dt>Accordo</dt><dd>{}</dd>", esc(agreement));
    }
    if !entry.originals.is_empty() {
        let _ = write!(
            out,
            "<dt>Proposte confluite</dt><dd>{}</dd>",
            esc(&entry.originals.join("; "))
        );
    }
    out.push_str("<dt>Obiettivi del DUP</dt><dd>");
    if entry.objectives.is_empty() {
        out.push_str("nessuno collegato");
    } else {
        out.push_str("<ul>");
        for o in &entry.objectives {
            let _ = write!(out, "<li>{}</li>", esc(&objective_label(o)));
        }
        out.push_str("</ul>");
    }
    out.push_str("</dd></dl>");
    if !entry.description_md.trim().is_empty() {
        out.push_str(&markdown::render(&entry.description_md));
    }
    if let Some(answer) = &entry.answer_md {
        let _ = write!(
            out,
            "<div class=\"plan-answer\"><p><strong>Risposta dell'amministrazione</strong></p>{}</div>",
            markdown::render(answer)
        );
    }
    out.push_str("</article>");
}

fn write_annex_html(out: &mut String, document: &PlanDocument) {
    out.push_str("<section aria-labelledby=\"piano-allegato\"><h2 id=\"piano-allegato\">Allegato: corrispondenza con gli obiettivi del DUP</h2>");
    out.push_str("<table class=\"table plan-annex\"><caption>Ogni progetto e proposta accolta con gli obiettivi del DUP a cui contribuisce</caption><thead><tr><th scope=\"col\">Voce</th><th scope=\"col\">Tipo</th><th scope=\"col\">Obiettivi del DUP</th></tr></thead><tbody>");
    for entry in document.entries() {
        let objectives = if entry.objectives.is_empty() {
            "nessuno".to_owned()
        } else {
            entry
                .objectives
                .iter()
                .map(|o| esc(&objective_label(o)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{objectives}</td></tr>",
            esc(&entry.title),
            kind_label(entry.kind)
        );
    }
    out.push_str("</tbody></table></section>");
}

/// One standalone, printable HTML file: the body above with its own styles
/// (no scripts, no outside resources), in Italian.
pub fn html_document(document: &PlanDocument, approval: Option<&ApprovalView>) -> String {
    let title = esc(&title(document));
    format!(
        "<!DOCTYPE html>\n<html lang=\"it\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>\
         <h1>{title}</h1>{}</main></body></html>\n",
        html_body(document, approval)
    )
}

/// The standalone file's styles: readable on screen and on paper.
const STYLE: &str = "body{font-family:'Titillium Web',Geneva,Tahoma,sans-serif;color:#1a1a1a;line-height:1.5;margin:0}\
main{max-width:48rem;margin:0 auto;padding:1.5rem}\
h1{color:#003366;font-size:2rem}h2{color:#003366;border-bottom:2px solid #0066cc;padding-bottom:.25rem;margin-top:2.5rem}\
h3{color:#004080;margin-top:2rem}h4{margin-top:1.5rem}\
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border:1px solid #c5c7c9;padding:.35rem .5rem;text-align:left;vertical-align:top}td.number{text-align:right}\
dl.plan-facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dl.plan-facts dt{font-weight:600}dl.plan-facts dd{margin:0}\
.plan-answer{border-left:4px solid #0066cc;padding-left:1rem}a{color:#0066cc}\
@media print{main{max-width:none;padding:0}h2{break-before:page}.plan-entry{break-inside:avoid}a{color:inherit;text-decoration:none}}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_read_the_italian_way() {
        assert_eq!(count_it(0), "0");
        assert_eq!(count_it(999), "999");
        assert_eq!(count_it(1000), "1.000");
        assert_eq!(count_it(1234567), "1.234.567");
        assert_eq!(
            date_it(chrono::NaiveDate::from_ymd_opt(2026, 5, 12).unwrap()),
            "12 maggio 2026"
        );
    }

    #[test]
    fn typed_titles_read_literally() {
        assert_eq!(md_inline("# *Piazza* [x]"), "\\# \\*Piazza\\* \\[x\\]");
        assert_eq!(md_inline("a\nb"), "a b");
        assert_eq!(esc("<b>\"x\"&"), "&lt;b&gt;&quot;x&quot;&amp;");
    }
}
