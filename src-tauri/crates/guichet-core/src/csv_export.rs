//! Exports as French Excel opens them as they are: UTF-8 with a BOM, `;` between fields, CRLF
//! line ends, and no cell a spreadsheet would run as a formula.

/// A new document: the BOM and the header row.
pub fn document(header: &[&str]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, header.iter().map(|h| h.to_string()));
    out
}

pub fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    let fields: Vec<String> = fields.into_iter().map(|field| csv_field(&field)).collect();
    out.push_str(&fields.join(";"));
    out.push_str("\r\n");
}

/// What a cell may not start with: a spreadsheet runs `=`, `+`, `-` and `@` as a formula, and
/// may drop a leading tab or carriage return before reading one.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Quotes a field when it holds a separator, a quote or a line break, and defuses a leading
/// character of [`FORMULA_STARTS`] with a quote mark.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(FORMULA_STARTS) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_defused() {
        assert_eq!(csv_field("simple"), "simple");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("il a dit \"oui\""), "\"il a dit \"\"oui\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("\t=1+1"), "'\t=1+1");
        assert_eq!(csv_field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("+33 1 23"), "'+33 1 23");
    }

    #[test]
    fn a_document_starts_with_the_bom_and_ends_its_rows_with_crlf() {
        let mut out = document(&["UAI", "Nom"]);
        push_row(
            &mut out,
            ["0750654D".to_string(), "Lycée; Henri IV".to_string()],
        );
        assert_eq!(out, "\u{feff}UAI;Nom\r\n0750654D;\"Lycée; Henri IV\"\r\n");
    }
}
