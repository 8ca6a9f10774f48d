//! A profile value and its cell: how `users import` and `users update` read a cell into the JSON
//! type the org's schema gives the attribute (an array's items by `items.type`, numbers exactly,
//! `enum` and `oneOf` checked), how `export users` writes a value so that it reads back the same,
//! and when two values are the same (what `users update` compares before it writes).
//!
//! Numbers are kept exact by careful parsing rather than serde_json's `arbitrary_precision`: that
//! feature would be switched on for the whole workspace by feature unification (the emulator and
//! the client too), it makes `Number` equality textual (`1.5` and `1.50` differ), and it breaks
//! numbers inside `#[serde(flatten)]` maps (a group's custom profile). A whole number is sent as
//! the 64-bit integer it is; any other number as the double it reads as, and only when that
//! double is exactly the decimal written; a cell with more digits than a double carries (which
//! Okta's own parsing would round) is refused before anything is sent, never rounded in silence.

use okta_model::schema::SchemaAttribute;
use serde_json::{Number, Value};

/// Allowed values shown in a message; the rest are counted.
const SHOWN_ALLOWED: usize = 20;

/// The cell's value in the attribute's JSON type, checked against its `enum` or `oneOf`. An
/// array's items are separated by `;` (`\;` is a `;` inside an item, `\\` a backslash), trimmed,
/// empty ones dropped, each typed by `items.type`.
pub fn typed(attr: &SchemaAttribute, cell: &str) -> Result<Value, String> {
    let value = match attr.kind.as_str() {
        "array" => {
            let kind = attr.item_kind().unwrap_or("string");
            let items = split_items(cell)
                .into_iter()
                .map(|item| scalar(kind, &item).map_err(|e| format!("item {item:?}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            Value::Array(items)
        }
        kind => scalar(kind, cell)?,
    };
    allowed(attr, value)
}

fn scalar(kind: &str, text: &str) -> Result<Value, String> {
    match kind {
        "boolean" => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err("expected true or false".into()),
        },
        "integer" => whole(text).ok_or_else(|| "expected a whole number".into()),
        "number" => number(text),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// A whole number as a 64-bit integer, signed or not.
fn whole(text: &str) -> Option<Value> {
    text.parse::<i64>()
        .map(Value::from)
        .or_else(|_| text.parse::<u64>().map(Value::from))
        .ok()
}

/// A number exactly as written: a whole number as an integer, another as the double that is
/// exactly its decimal value; refused when no double is.
fn number(text: &str) -> Result<Value, String> {
    let written = decimal(text).ok_or("expected a number")?;
    if let Some(n) = whole(text) {
        return Ok(n);
    }
    let double: f64 = text.parse().map_err(|_| "expected a number")?;
    let n = Number::from_f64(double).ok_or("expected a number (this one is too large)")?;
    // Compared with the double as JSON writes it (shortest, as the export writes it too): a
    // 17-digit form can be exact where another shortest form of the same double differs.
    if decimal(&n.to_string()) != Some(written) {
        return Err(format!(
            "has more significant digits than a number carries exactly (it would become {n}); write at most 15"
        ));
    }
    Ok(Value::Number(n))
}

/// A decimal's value, comparable whatever its notation: (negative, significant digits without
/// leading or trailing zeros, power of ten). `None` for what is not a decimal number.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    let trailing = (digits.len() - significant.len()) as i64;
    let power = exponent
        .checked_sub(frac.len() as i64)?
        .checked_add(trailing)?;
    Some((negative, significant.to_owned(), power))
}

/// The value itself when the attribute allows any; else the allowed value it equals (so a `2`
/// for an allowed `2.0` is sent as the schema has it), or a message listing what is allowed.
fn allowed(attr: &SchemaAttribute, value: Value) -> Result<Value, String> {
    let Some(list) = attr.allowed_values() else {
        return Ok(value);
    };
    let pick = |v: &Value| {
        list.iter()
            .find(|(a, _)| same_value(a, v))
            .map(|(a, _)| a.clone())
            .ok_or_else(|| not_allowed(&list))
    };
    match &value {
        Value::Array(items) => items
            .iter()
            .map(|item| pick(item).map_err(|e| format!("item {}: {e}", shown(item))))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        single => pick(single),
    }
}

fn not_allowed(list: &[(Value, Option<String>)]) -> String {
    let mut names: Vec<String> = list
        .iter()
        .take(SHOWN_ALLOWED)
        .map(|(v, title)| match title {
            Some(t) if *t != shown(v) => format!("{} ({t})", shown(v)),
            _ => shown(v),
        })
        .collect();
    if list.len() > SHOWN_ALLOWED {
        names.push(format!("and {} more", list.len() - SHOWN_ALLOWED));
    }
    format!(
        "not a value the org's schema allows here; allowed: {}",
        names.join(", ")
    )
}

/// A value as a message shows it: a string quoted, anything else as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// An array cell's items: split at `;`, where `\;` is a `;` inside an item and `\\` a
/// backslash (any other `\` is itself); trimmed, empty ones dropped.
pub fn split_items(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ (';' | '\\'))) => {
                current.push(next);
                chars.next();
            }
            (';', _) => items.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    items.push(current);
    items
        .into_iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

/// A profile value as a cell that [`typed`] reads back as the same value: arrays joined with
/// `;` (a string item's `\` and `;` escaped), numbers and booleans as JSON writes them.
pub fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => s.replace('\\', "\\\\").replace(';', "\\;"),
                other => cell_text(Some(other)),
            })
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// Whether a value is one an empty cell stands for: none, an empty string or an empty array (a
/// CSV cannot tell them apart, so `users update --replace` does not remove them).
pub fn holds_nothing(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Whether two profile values are the same: numbers by their value (`2` and `2.0` are one
/// number, as Okta may send either), arrays item by item, anything else exactly.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => same_number(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        _ => a == b,
    }
}

fn same_number(x: &Number, y: &Number) -> bool {
    let whole = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    let equal_whole =
        |f: Option<f64>, i: i128| f.is_some_and(|f| f.fract() == 0.0 && f as i128 == i);
    match (whole(x), whole(y)) {
        (Some(a), Some(b)) => a == b,
        (Some(i), None) => equal_whole(y.as_f64(), i),
        (None, Some(i)) => equal_whole(x.as_f64(), i),
        (None, None) => x.as_f64() == y.as_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attr(kind: &str, items: Option<Value>) -> SchemaAttribute {
        let mut a = SchemaAttribute::string("x");
        a.kind = kind.to_owned();
        a.items = items;
        a
    }

    #[test]
    fn array_items_take_the_type_of_items() {
        let ints = attr("array", Some(json!({"type": "integer"})));
        assert_eq!(typed(&ints, "5;12"), Ok(json!([5, 12])));
        assert!(typed(&ints, "5;x").is_err_and(|e| e.contains("\"x\"")));
        let nums = attr("array", Some(json!({"type": "number"})));
        assert_eq!(typed(&nums, "1.5; 2"), Ok(json!([1.5, 2])));
        let bools = attr("array", Some(json!({"type": "boolean"})));
        assert_eq!(typed(&bools, "true;no"), Ok(json!([true, false])));
        let strings = attr("array", Some(json!({"type": "string"})));
        assert_eq!(typed(&strings, "a\\;b;c\\\\"), Ok(json!(["a;b", "c\\"])));
    }

    #[test]
    fn numbers_are_exact_or_refused() {
        let n = attr("number", None);
        assert_eq!(
            typed(&n, "9007199254740993"),
            Ok(json!(9007199254740993u64))
        );
        assert_eq!(typed(&n, "-9223372036854775808"), Ok(json!(i64::MIN)));
        assert_eq!(typed(&n, "0.1"), Ok(json!(0.1)));
        assert_eq!(typed(&n, "1e20"), Ok(json!(1e20)));
        assert!(typed(&n, "0.12345678901234567890").is_err_and(|e| e.contains("digits")));
        // A double's shortest form may hold 17 significant digits; as written, it is exact.
        assert_eq!(
            typed(&n, "1101800264508475.2"),
            Ok(json!(1101800264508475.2))
        );
        assert_eq!(
            typed(&n, "1.1018002645084752e15"),
            Ok(json!(1101800264508475.2))
        );
        assert!(typed(&n, "123456789012345678901").is_err());
        for bad in ["inf", "NaN", "1e400", "", "1.2.3", "0x10"] {
            assert!(typed(&n, bad).is_err(), "{bad}");
        }
        let i = attr("integer", None);
        assert_eq!(typed(&i, "18446744073709551615"), Ok(json!(u64::MAX)));
        assert!(typed(&i, "1.5").is_err());
    }

    #[test]
    fn enum_and_one_of_name_the_allowed_values() {
        let mut size = attr("string", None);
        size.one_of_values = Some(vec![json!("S"), json!("M")]);
        assert_eq!(typed(&size, "M"), Ok(json!("M")));
        let e = typed(&size, "XL").expect_err("outside the enum");
        assert!(e.contains("\"S\", \"M\""), "{e}");
        let mut level = attr("number", None);
        level.one_of = Some(vec![json!({"const": 2.0, "title": "Two"})]);
        assert_eq!(typed(&level, "2"), Ok(json!(2.0)));
        assert!(typed(&level, "3").is_err_and(|e| e.contains("2.0 (Two)")));
        let tags = attr("array", Some(json!({"type": "string", "enum": ["a", "b"]})));
        assert_eq!(typed(&tags, "a;b"), Ok(json!(["a", "b"])));
        assert!(typed(&tags, "a;c").is_err_and(|e| e.contains("item \"c\"")));
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(same_value(&json!(2), &json!(2.0)));
        assert!(same_value(&json!([1, 2.5]), &json!([1.0, 2.5])));
        assert!(!same_value(
            &json!(9007199254740993u64),
            &json!(9007199254740992.0)
        ));
        assert!(!same_value(&json!("2"), &json!(2)));
    }
}

/// Export -> `users update` over generated schemas and values: every attribute type, array item
/// type and `enum`, through the export's cell writer, the CSV format, the cell reader and the
/// update's row checks, is `Unchanged` (`same`) and so sends no write.
#[cfg(test)]
mod round_trip {
    use crate::commands::users_update::same;
    use crate::csv_cell::CsvWriter;
    use crate::input::columns::Columns;
    use crate::input::source::RawRow;
    use crate::input::validate::Validator;
    use crate::input::values::cell_text;
    use crate::input::{GroupDirectory, Mode};
    use okta_model::schema::{default_schema, SchemaAttribute};
    use okta_model::User;
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    const KINDS: [&str; 4] = ["string", "boolean", "integer", "number"];

    /// A value of a scalar type as Okta may hold it. Strings have no leading or trailing white
    /// space and are not empty: input cells are trimmed (see the README).
    fn scalar(kind: &'static str) -> BoxedStrategy<Value> {
        match kind {
            "boolean" => any::<bool>().prop_map(Value::from).boxed(),
            "integer" => prop_oneof![
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from)
            ]
            .boxed(),
            "number" => prop_oneof![
                any::<i64>().prop_map(Value::from),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(|f| json!(f)),
                (-1000i32..1000).prop_map(|i| json!(f64::from(i))),
            ]
            .boxed(),
            _ => "[A-Za-z0-9;\\\\'=+@ é-]{0,10}"
                .prop_map(|s| s.trim().to_owned())
                .prop_filter("not empty", |s| !s.is_empty())
                .prop_map(Value::from)
                .boxed(),
        }
    }

    /// A value held by a scalar attribute: as [`scalar`], or an empty string (an empty cell).
    fn held(kind: &'static str) -> BoxedStrategy<Value> {
        match kind {
            "string" => prop_oneof![Just(json!("")), scalar(kind)].boxed(),
            _ => scalar(kind),
        }
    }

    /// An attribute of any type, a value it holds, whether it is limited to an `enum`.
    fn attribute() -> impl Strategy<Value = (SchemaAttribute, Value)> {
        (0..KINDS.len(), any::<bool>(), any::<bool>()).prop_flat_map(|(k, array, limited)| {
            let kind = KINDS[k];
            let values = prop::collection::vec(scalar(kind), 1..5);
            values.prop_flat_map(move |pool| {
                let chosen = prop::collection::vec(0..pool.len(), 0..4);
                (Just(pool), chosen).prop_map(move |(pool, chosen)| {
                    let mut attr = SchemaAttribute::string("generated");
                    let picked: Vec<Value> = chosen.iter().map(|&i| pool[i].clone()).collect();
                    let limit = limited.then(|| pool.clone());
                    let value = if array {
                        attr.kind = "array".into();
                        let mut items = json!({ "type": kind });
                        if let Some(list) = limit {
                            items["enum"] = Value::Array(list);
                        }
                        attr.items = Some(items);
                        Value::Array(picked)
                    } else {
                        attr.kind = kind.into();
                        attr.one_of_values = limit;
                        pool[0].clone()
                    };
                    (attr, value)
                })
            })
        })
    }

    /// An unlimited scalar attribute that may hold an empty string.
    fn blank_or_scalar() -> impl Strategy<Value = (SchemaAttribute, Value)> {
        (0..KINDS.len()).prop_flat_map(|k| {
            held(KINDS[k]).prop_map(move |value| {
                let mut attr = SchemaAttribute::string("generated");
                attr.kind = KINDS[k].into();
                (attr, value)
            })
        })
    }

    fn user(profile: &BTreeMap<String, Value>) -> User {
        let mut p = json!({"login": "a@example.com", "email": "a@example.com",
            "firstName": "A", "lastName": "B"});
        for (name, value) in profile {
            p[name] = value.clone();
        }
        serde_json::from_value(json!({
            "id": "00u1", "status": "ACTIVE", "created": "2026-01-01T00:00:00.000Z",
            "lastUpdated": "2026-01-01T00:00:00.000Z", "type": {"id": "oty1"}, "profile": p
        }))
        .expect("a user")
    }

    proptest! {
        #[test]
        fn an_export_fed_to_users_update_is_unchanged(
            attributes in prop::collection::vec(prop_oneof![attribute(), blank_or_scalar()], 1..6)
        ) {
            let custom: BTreeMap<String, SchemaAttribute> = attributes
                .iter()
                .enumerate()
                .map(|(i, (a, _))| (format!("attr{i}"), a.clone()))
                .collect();
            let held: BTreeMap<String, Value> = attributes
                .iter()
                .enumerate()
                .map(|(i, (_, v))| (format!("attr{i}"), v.clone()))
                .collect();
            let schema = default_schema("http://x", custom, None);
            let user = user(&held);
            // What `export users` writes, and the CSV parser reading it back.
            let mut header: Vec<String> = ["id", "login", "email", "firstName", "lastName"]
                .map(str::to_owned)
                .to_vec();
            header.extend(held.keys().cloned());
            let mut cells = vec![user.id.0.clone()];
            cells.extend(header[1..].iter().map(|k| cell_text(user.profile.0.get(k))));
            let mut written = Vec::new();
            let mut writer = CsvWriter::new(&mut written);
            writer.row(&cells).expect("written");
            writer.flush().expect("flushed");
            drop(writer);
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&written[..]);
            let record = reader.records().next().expect("a record").expect("valid CSV");
            let read: Vec<String> = record.iter().map(str::to_owned).collect();
            // A partial update and a full replace (`--replace`) alike.
            for replace in [false, true] {
                let columns = Columns::from_header(&header, &schema, false, replace).expect("header");
                let mut validator = Validator::new(columns, schema.clone(), GroupDirectory::default(), false)
                    .with_mode(Mode::Update { replace, set_passwords: false });
                let row = validator
                    .check_update(&RawRow { seq: 1, line: 2, cells: read.clone(), staged: false, problems: Vec::new(), left_out: None })
                    .map_err(|p| format!("{p:?} for {read:?}"));
                prop_assert!(row.is_ok(), "{:?}", row);
                let row = row.expect("checked");
                prop_assert!(
                    same(&user, &row.profile, replace),
                    "replace {}: held {:?}, read {:?}", replace, held, row.profile
                );
            }
        }
    }
}
