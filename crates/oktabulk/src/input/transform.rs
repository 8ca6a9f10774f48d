//! A mapping's templates: an Okta column made from the source row's cells, such as
//! `"{givenName|lower}.{surname|lower}@example.com"`. Each `{Column|filter|filter:arg}` is that
//! source column's value passed through filters, each a pure function of the value (and, for
//! `lookup`, of a table read from the same file beforehand). A phone number that is not
//! unambiguous is left as it is; a country the `country` filter does not know is the row's
//! problem (Okta's schema would refuse it only when the row is sent).

use std::collections::HashMap;

/// A template, parsed; its columns are found in a file's header by `bind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template as the mapping file spells it.
    pub text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(Field),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    column: String,
    /// The column's index in the file's header, once bound.
    index: usize,
    filters: Vec<Filter>,
}

/// One step of a field's pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Trim,
    Lower,
    Upper,
    /// The part before the first separator (the whole value without one).
    Before(String),
    /// The part after the first separator (the whole value without one).
    After(String),
    /// The parts between separators: a list.
    Split(String),
    First,
    Last,
    /// The part at that index of a list (from the end when negative).
    Nth(i64),
    /// A list's parts, joined by the separator.
    Join(String),
    Replace(String, String),
    /// A country's name, alpha-2 or alpha-3 code, as its ISO 3166 alpha-2 code.
    Country,
    /// A phone number in E.164 (`+441612345678`): one written with `+`, or a national number
    /// of the region given.
    E164(Option<phonenumber::country::Id>),
    /// An LDAP distinguished name's first RDN value (`CN=Grace Hopper,OU=...` is `Grace Hopper`).
    Cn,
    /// The `value` column of the file's row whose `key` column holds this value.
    Lookup(Lookup),
}

/// A lookup's columns, by name and, once bound, by index in the header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lookup {
    pub key: String,
    pub value: String,
    pub key_index: usize,
    pub value_index: usize,
}

/// A field's value on its way through the filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    One(String),
    Many(Vec<String>),
}

/// The tables lookups read: for each lookup's (key, value) columns, the value of the row whose
/// key matches (case and surrounding spaces aside); `None` when two rows have that key.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    tables: HashMap<(usize, usize), HashMap<String, Option<String>>>,
}

impl Tables {
    /// Notes one row's cells for each lookup (read as data, as fields are).
    pub fn add(&mut self, lookups: &[Lookup], cells: &[String]) {
        let cell = |i: usize| {
            cells
                .get(i)
                .map_or("", |c| crate::csv_cell::read(c).value.trim())
        };
        for l in lookups {
            let key = cell(l.key_index).to_lowercase();
            if key.is_empty() {
                continue;
            }
            let value = cell(l.value_index).to_owned();
            self.tables
                .entry((l.key_index, l.value_index))
                .or_default()
                .entry(key)
                .and_modify(|v| *v = None)
                .or_insert(Some(value));
        }
    }

    fn get(&self, lookup: &Lookup, key: &str) -> String {
        self.tables
            .get(&(lookup.key_index, lookup.value_index))
            .and_then(|t| t.get(&key.trim().to_lowercase()))
            .cloned()
            .flatten()
            .unwrap_or_default()
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => literal.push(chars.next().unwrap_or('\\')),
                '{' => {
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Field(field(&mut chars, text)?));
                }
                '}' => {
                    return Err(format!(
                        "template {text:?}: a '}}' without its '{{' (write \\}} for the character)"
                    ))
                }
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        if !parts.iter().any(|p| matches!(p, Part::Field(_))) {
            return Err(format!(
                "template {text:?} names no column: write {{Column}} for a column's value"
            ));
        }
        Ok(Template {
            text: text.to_owned(),
            parts,
        })
    }

    /// Every column the template reads (its fields' and its lookups').
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.fields().flat_map(|f| {
            std::iter::once(f.column.as_str()).chain(f.filters.iter().flat_map(
                |filter| match filter {
                    Filter::Lookup(l) => vec![l.key.as_str(), l.value.as_str()],
                    _ => Vec::new(),
                },
            ))
        })
    }

    fn fields(&self) -> impl Iterator<Item = &Field> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f),
            Part::Text(_) => None,
        })
    }

    /// The index in the header of the first column the template reads (bound).
    pub fn first_index(&self) -> usize {
        self.fields().next().map_or(0, |f| f.index)
    }

    /// The lookups the template makes (bound: with their indices).
    pub fn lookups(&self) -> impl Iterator<Item = &Lookup> {
        self.fields()
            .flat_map(|f| f.filters.iter())
            .filter_map(|filter| match filter {
                Filter::Lookup(l) => Some(l),
                _ => None,
            })
    }

    /// Whether some field ends as a list (`split` without `join`, `first`, `last` or `nth`):
    /// only the groups column takes one (each part a group).
    pub fn gives_a_list(&self) -> bool {
        self.fields().any(|f| {
            f.filters.iter().fold(false, |many, filter| match filter {
                Filter::Split(_) => true,
                Filter::First | Filter::Last | Filter::Nth(_) | Filter::Join(_) => false,
                _ => many,
            })
        })
    }

    /// The template with each column found in `header` (by name, case and surrounding spaces
    /// aside), or the first column the header lacks.
    pub fn bind(&self, header: &[String]) -> Result<Template, String> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| name.to_owned())
        };
        let mut bound = self.clone();
        for part in &mut bound.parts {
            if let Part::Field(f) = part {
                f.index = find(&f.column)?;
                for filter in &mut f.filters {
                    if let Filter::Lookup(l) = filter {
                        l.key_index = find(&l.key)?;
                        l.value_index = find(&l.value)?;
                    }
                }
            }
        }
        Ok(bound)
    }

    /// The template's text for one row of a bound template, or why a value cannot be read.
    /// With `groups`, each value is one group's name (a `;` in it written `\;`), a list's
    /// parts are groups, and empty names are dropped. A template whose every field is empty
    /// gives nothing (not its literal text alone).
    pub fn render(
        &self,
        cells: &[String],
        tables: &Tables,
        groups: bool,
    ) -> Result<String, String> {
        let mut out = String::new();
        let mut any = false;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => {
                    let cell = cells
                        .get(f.index)
                        .map_or("", |c| crate::csv_cell::read(c).value);
                    let mut value = Value::One(cell.to_owned());
                    for filter in &f.filters {
                        value = apply(filter, value, tables)?;
                    }
                    let parts = match value {
                        Value::One(v) => vec![v],
                        Value::Many(v) => v,
                    };
                    let parts: Vec<String> = parts
                        .into_iter()
                        .filter(|p| !p.is_empty())
                        .map(|p| if groups { p.replace(';', "\\;") } else { p })
                        .collect();
                    any |= !parts.is_empty();
                    out.push_str(&parts.join(";"));
                }
            }
        }
        if !any {
            return Ok(String::new());
        }
        if groups {
            // Between fields, a template's `;` separates groups: an empty field leaves none.
            let names: Vec<String> = crate::input::validate::group_parts(&out)
                .iter()
                .map(|n| n.replace(';', "\\;"))
                .collect();
            return Ok(names.join(";"));
        }
        Ok(out)
    }
}

/// A field's column and filters, up to its closing `}`.
fn field(chars: &mut std::str::Chars<'_>, text: &str) -> Result<Field, String> {
    // The field's pieces: split on `|` into steps and each step on `:` into arguments.
    let mut steps: Vec<Vec<String>> = vec![vec![String::new()]];
    loop {
        let c = chars
            .next()
            .ok_or_else(|| format!("template {text:?}: a '{{' without its '}}'"))?;
        let in_filter = steps.len() > 1;
        let step = steps.last_mut().expect("one step at least");
        let piece = step.last_mut().expect("one piece at least");
        match c {
            '\\' => piece.push(chars.next().unwrap_or('\\')),
            '}' => break,
            '|' => steps.push(vec![String::new()]),
            ':' if in_filter => step.push(String::new()),
            c => piece.push(c),
        }
    }
    let mut steps = steps.into_iter();
    let column = steps.next().expect("the column").concat().trim().to_owned();
    if column.is_empty() {
        return Err(format!("template {text:?}: a field without a column name"));
    }
    let filters = steps
        .map(|step| filter(&step).map_err(|e| format!("template {text:?}: {e}")))
        .collect::<Result<_, _>>()?;
    Ok(Field {
        column,
        index: 0,
        filters,
    })
}

/// The filters, as a mapping file names them, with their arguments.
pub const FILTERS: &str = "trim, lower, upper, before:SEP, after:SEP, split:SEP, first, last, nth:N, join:SEP, replace:FROM:TO, country, e164, e164:REGION, cn, lookup:KEY:VALUE";

fn filter(step: &[String]) -> Result<Filter, String> {
    let name = step[0].trim();
    let args: Vec<&str> = step[1..].iter().map(String::as_str).collect();
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "the filter {name} takes {} (separated by ':'), not {}",
                crate::report::words::count(n as u64, "argument", "arguments"),
                args.len()
            ))
        }
    };
    let column = |s: &str| s.trim().to_owned();
    Ok(match name {
        "trim" | "lower" | "upper" | "first" | "last" | "country" | "cn" => {
            arity(0)?;
            match name {
                "trim" => Filter::Trim,
                "lower" => Filter::Lower,
                "upper" => Filter::Upper,
                "first" => Filter::First,
                "last" => Filter::Last,
                "country" => Filter::Country,
                _ => Filter::Cn,
            }
        }
        "before" | "after" | "split" | "join" => {
            arity(1)?;
            let sep = args[0].to_owned();
            if sep.is_empty() && name != "join" {
                return Err(format!("the filter {name} needs a separator ({name}:@)"));
            }
            match name {
                "before" => Filter::Before(sep),
                "after" => Filter::After(sep),
                "split" => Filter::Split(sep),
                _ => Filter::Join(sep),
            }
        }
        "nth" => {
            arity(1)?;
            Filter::Nth(args[0].trim().parse().map_err(|_| {
                format!("nth takes a part's index (0 the first, -1 the last), not {:?}", args[0])
            })?)
        }
        "replace" => {
            arity(2)?;
            if args[0].is_empty() {
                return Err("replace needs the text to replace (replace:FROM:TO)".into());
            }
            Filter::Replace(args[0].to_owned(), args[1].to_owned())
        }
        "e164" => match args.as_slice() {
            [] => Filter::E164(None),
            [region] => Filter::E164(Some(region.trim().to_uppercase().parse().map_err(
                |_| format!("e164 takes a region as its ISO 3166 alpha-2 code (e164:US), not {region:?}"),
            )?)),
            _ => return Err("e164 takes one argument at most: the region (e164:US)".into()),
        },
        "lookup" => {
            arity(2)?;
            Filter::Lookup(Lookup {
                key: column(args[0]),
                value: column(args[1]),
                key_index: 0,
                value_index: 0,
            })
        }
        other => return Err(format!("no filter named {other:?} (the filters: {FILTERS})")),
    })
}

/// One filter applied to a value; a filter of one value applies to each part of a list. Only
/// `country` refuses a value (one it does not know).
pub fn apply(filter: &Filter, value: Value, tables: &Tables) -> Result<Value, String> {
    let each = |value: Value, f: &dyn Fn(&str) -> String| match value {
        Value::One(v) => Value::One(f(&v)),
        Value::Many(v) => Value::Many(v.iter().map(|p| f(p)).collect()),
    };
    let parts = |value: Value| match value {
        Value::One(v) => vec![v],
        Value::Many(v) => v,
    };
    Ok(match filter {
        Filter::Trim => each(value, &|v| v.trim().to_owned()),
        Filter::Lower => each(value, &str::to_lowercase),
        Filter::Upper => each(value, &str::to_uppercase),
        Filter::Before(sep) => each(value, &|v| {
            v.split_once(sep.as_str()).map_or(v, |(b, _)| b).to_owned()
        }),
        Filter::After(sep) => each(value, &|v| {
            v.split_once(sep.as_str()).map_or(v, |(_, a)| a).to_owned()
        }),
        Filter::Split(sep) => Value::Many(
            parts(value)
                .iter()
                .flat_map(|v| v.split(sep.as_str()).map(str::to_owned))
                .collect(),
        ),
        Filter::First => Value::One(parts(value).into_iter().next().unwrap_or_default()),
        Filter::Last => Value::One(parts(value).pop().unwrap_or_default()),
        Filter::Nth(n) => {
            let parts = parts(value);
            let at = if *n < 0 {
                usize::try_from(n.unsigned_abs())
                    .ok()
                    .and_then(|back| parts.len().checked_sub(back))
            } else {
                usize::try_from(*n).ok()
            };
            Value::One(at.and_then(|i| parts.get(i).cloned()).unwrap_or_default())
        }
        Filter::Join(sep) => Value::One(parts(value).join(sep)),
        Filter::Replace(from, to) => each(value, &|v| v.replace(from.as_str(), to)),
        Filter::Country => {
            let parts = match &value {
                Value::One(v) => std::slice::from_ref(v),
                Value::Many(v) => v.as_slice(),
            };
            if let Some(unknown) = parts
                .iter()
                .find(|v| !v.trim().is_empty() && country(v).is_none())
            {
                return Err(format!(
                    "{unknown:?} is not a country's name nor its ISO 3166 code (the country filter)"
                ));
            }
            each(value, &|v| country(v).unwrap_or_default().to_owned())
        }
        Filter::E164(region) => each(value, &|v| e164(v, *region).unwrap_or_else(|| v.to_owned())),
        Filter::Cn => each(value, &|v| cn(v).unwrap_or_else(|| v.to_owned())),
        Filter::Lookup(lookup) => each(value, &|v| tables.get(lookup, v)),
    })
}

/// A country's ISO 3166-1 alpha-2 code, from its English name (`United Kingdom`, `Viet Nam`),
/// a common alias (`England`, `Russia`), or its alpha-2 or alpha-3 code, case aside.
pub fn country(value: &str) -> Option<&'static str> {
    let key: String = value
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() || value.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    key.parse::<celes::Country>()
        .or_else(|_| celes::Country::from_alias(&key))
        .ok()
        .map(|c| c.alpha2)
}

/// A phone number in E.164, when that is unambiguous: written with its country code (`+44 161
/// 555 0100`, `0044 ...` is not taken), or a national number of `region`; and a valid number
/// by libphonenumber's metadata. An extension (`x123`) makes it ambiguous too: E.164 has none.
pub fn e164(value: &str, region: Option<phonenumber::country::Id>) -> Option<String> {
    let value = value.trim();
    if value.is_empty() || (!value.starts_with('+') && region.is_none()) {
        return None;
    }
    let number = phonenumber::parse(region, value).ok()?;
    if number.extension().is_some() || !phonenumber::is_valid(&number) {
        return None;
    }
    Some(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// The value of a distinguished name's first part (`CN=Hopper\, Grace,OU=Staff` is `Hopper,
/// Grace`), or `None` for a value that is not one.
pub fn cn(value: &str) -> Option<String> {
    let (_, rest) = value.trim().split_once('=')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            ',' | '+' => break,
            c => out.push(c),
        }
    }
    let out = out.trim().to_owned();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn render(template: &str, names: &[&str], cells: &[&str]) -> String {
        let t = Template::parse(template).expect("parses");
        let bound = t.bind(&header(names)).expect("binds");
        bound
            .render(&header(cells), &Tables::default(), false)
            .expect("renders")
    }

    #[test]
    fn templates_combine_columns_through_filters() {
        let names = ["givenName", "Surname [Required]", "mail"];
        let row = [" Ada ", "Lovelace", "Ada.Lovelace@Contoso.example"];
        assert_eq!(
            render(
                "{givenName|trim|lower}.{surname [required]|lower}@example.com",
                &names,
                &row
            ),
            "ada.lovelace@example.com"
        );
        assert_eq!(render("{mail|before:@}", &names, &row), "Ada.Lovelace");
        assert_eq!(
            render("{mail|after:@|upper}", &names, &row),
            "CONTOSO.EXAMPLE"
        );
        assert_eq!(
            render("{mail|split:.|nth:1}", &names, &row),
            "Lovelace@Contoso"
        );
        assert_eq!(render("{mail|split:.|nth:-1}", &names, &row), "example");
        assert_eq!(render("{mail|split:.|last}", &names, &row), "example");
        assert_eq!(
            render("{mail|before:@|split:.|join:_}", &names, &row),
            "Ada_Lovelace"
        );
        assert_eq!(
            render("{mail|replace:@:\\:}", &names, &row),
            "Ada.Lovelace:Contoso.example"
        );
        assert_eq!(render("\\{{givenName|trim}\\}", &names, &row), "{Ada}");
        // Every field empty: nothing, not the template's literal text.
        assert_eq!(render("{givenName}.{mail}@x", &names, &["", "", ""]), "");
        assert_eq!(
            render("{givenName}.{mail}@x", &names, &["a", "", ""]),
            "a.@x"
        );
        let list = Template::parse("{mail|split:.}").expect("parses");
        assert!(list.gives_a_list());
        assert!(!Template::parse("{mail|split:.|first}")
            .expect("parses")
            .gives_a_list());
    }

    #[test]
    fn groups_take_each_value_as_one_group() {
        let t = Template::parse("{dept};{ou|after:/|split:/}")
            .expect("parses")
            .bind(&header(&["dept", "ou"]))
            .expect("binds");
        let groups = |cells: &[&str]| {
            t.render(&header(cells), &Tables::default(), true)
                .expect("renders")
        };
        let both = groups(&["R;D", "/Eng/Backend"]);
        assert_eq!(both, "R\\;D;Eng;Backend");
        assert_eq!(
            crate::input::validate::group_parts(&both),
            ["R;D", "Eng", "Backend"]
        );
        assert_eq!(groups(&["", "/"]), "");
        assert_eq!(groups(&["", "/Eng"]), "Eng");
        assert_eq!(groups(&["Ops", ""]), "Ops");
    }

    #[test]
    fn bad_templates_say_what_is_wrong() {
        for (text, says) in [
            ("{mail", "without its '}'"),
            ("mail}", "without its '{'"),
            ("plain text", "names no column"),
            ("{}", "without a column name"),
            ("{mail|shout}", "no filter named \"shout\""),
            ("{mail|before}", "takes 1 argument"),
            ("{mail|nth:x}", "part's index"),
            ("{mail|e164:Atlantis}", "region"),
            ("{mail|lookup:DN}", "takes 2 argument"),
        ] {
            let e = Template::parse(text).expect_err(text);
            assert!(e.contains(says), "{text}: {e}");
        }
        let t = Template::parse("{mail|lookup:DN:login}").expect("parses");
        assert_eq!(t.columns().collect::<Vec<_>>(), ["mail", "DN", "login"]);
        assert_eq!(t.bind(&header(&["mail", "login"])), Err("DN".to_owned()));
    }

    #[test]
    fn countries_become_alpha_2_codes() {
        for (given, want) in [
            ("United Kingdom", Some("GB")),
            ("united states", Some("US")),
            ("GBR", Some("GB")),
            ("deu", Some("DE")),
            ("fr", Some("FR")),
            ("England", Some("GB")),
            ("Atlantis", None),
            ("826", None),
            ("", None),
        ] {
            assert_eq!(country(given), want, "{given}");
        }
        let refused = apply(
            &Filter::Country,
            Value::One("Atlantis".into()),
            &Tables::default(),
        );
        assert!(refused
            .expect_err("unknown")
            .contains("\"Atlantis\" is not a country"));
        let many = Value::Many(vec!["France".into(), "".into()]);
        assert_eq!(
            apply(&Filter::Country, many, &Tables::default()),
            Ok(Value::Many(vec!["FR".into(), "".into()]))
        );
    }

    #[test]
    fn phone_numbers_become_e164_only_when_unambiguous() {
        let us = "US".parse().ok();
        assert_eq!(
            e164("+44 161 496 0000", None).as_deref(),
            Some("+441614960000")
        );
        assert_eq!(
            e164("+1 (650) 253-0000", None).as_deref(),
            Some("+16502530000")
        );
        assert_eq!(e164("(650) 253-0000", us).as_deref(), Some("+16502530000"));
        // National without a region, an extension, not a number, or not a valid one: as is.
        assert_eq!(e164("(650) 253-0000", None), None);
        assert_eq!(e164("+1 650 253 0000 x12", None), None);
        assert_eq!(e164("reception", us), None);
        assert_eq!(e164("+1 555", None), None);
    }

    #[test]
    fn distinguished_names_and_lookups() {
        assert_eq!(
            cn("CN=Grace Hopper,OU=Staff,DC=corp").as_deref(),
            Some("Grace Hopper")
        );
        assert_eq!(
            cn("CN=Hopper\\, Grace,OU=Staff").as_deref(),
            Some("Hopper, Grace")
        );
        assert_eq!(cn("Grace Hopper"), None);
        let names = header(&["dn", "upn", "manager"]);
        let t = Template::parse("{manager|lookup:dn:upn}")
            .expect("parses")
            .bind(&names)
            .expect("binds");
        let lookups: Vec<Lookup> = t.lookups().cloned().collect();
        let mut tables = Tables::default();
        for row in [
            ["CN=A,DC=x", "a@x", ""],
            ["CN=B,DC=x", "b@x", "cn=a,dc=x"],
            ["CN=C,DC=x", "c1@x", ""],
            ["CN=C,DC=x", "c2@x", ""],
        ] {
            tables.add(&lookups, &header(&row));
        }
        let manager = |m: &str| {
            t.render(&header(&["", "", m]), &tables, false)
                .expect("renders")
        };
        assert_eq!(manager("cn=a,dc=x"), "a@x", "case aside");
        assert_eq!(manager("CN=C,DC=x"), "", "two rows have it: neither");
        assert_eq!(manager("CN=Z,DC=x"), "", "not in the file");
    }

    proptest::proptest! {
        /// Any template text parses or is refused with a reason; a parsed one renders any
        /// cells without a panic.
        #[test]
        fn any_template_parses_or_is_refused_and_renders_any_cells(
            text in "[{}|:a-c\\\\ @;/.+0-9-]{0,24}",
            cells in proptest::collection::vec("[a-c@;/. +0-9=,\\\\-]{0,12}", 3),
        ) {
            if let Ok(t) = Template::parse(&text) {
                let names = header(&["a", "b", "c"]);
                if let Ok(bound) = t.bind(&names) {
                    let mut tables = Tables::default();
                    let lookups: Vec<Lookup> = bound.lookups().cloned().collect();
                    tables.add(&lookups, &cells);
                    let _ = bound.render(&cells, &tables, false);
                    let _ = bound.render(&cells, &tables, true);
                }
            }
        }
    }
}
